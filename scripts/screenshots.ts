// npm run screenshots — the key pages of the shop and its back office at 390 px (a phone) and 1440 px (a laptop),
// written to screenshots/ (not committed). Boots the whole shop on its embedded defaults with the demo catalog in a
// temporary folder, signs an admin in for the back office, and drives Debian's Chromium as a person would: the
// product page waits for the 3D model (or, on the phone, shows its poster and "View in 3D"), the cart drawer is
// opened by adding to the cart. The dashboard needs something to show: a few shoppers view products and buy with the
// test card first, and their orders are spread over the last weeks (this temporary shop only). Env: SCREENSHOTS_DIR (screenshots), CHROMIUM (/usr/bin/chromium).
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createAdmin } from '../src/compute/accounts/accounts.ts';
import { loadConfig } from '../src/config/env.ts';
import { startShop } from '../src/runtime/shop.ts';

const outDir = path.resolve(process.env.SCREENSHOTS_DIR ?? 'screenshots');
const WIDTHS = [390, 1440] as const;
// Software WebGL, as in the browser tests: the machine that takes screenshots has no GPU.
const ARGS = ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];
const ADMIN = { email: 'screenshots@example.test', password: 'screenshots are worth 1000 words' };
const SLOW = 120_000; // SwiftShader draws the first frames of a model slowly on 2 cores: a bound, not a measurement

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vitrine-screenshots-'));
const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', VITRINE_DATA_DIR: dataDir, RUN_WORKER: 'false' });
const shop = await startShop(config, { webRoot: path.resolve('web/dist') });
const base = shop.url;
await createAdmin(shop.runtime.relational.db, { email: ADMIN.email, password: ADMIN.password, name: 'Screenshots' });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ARGS });
await mkdir(outDir, { recursive: true });

const featured = (await (await fetch(`${base}/api/featured?limit=4`)).json()) as { items: { id: string; slug: string; category: string }[] };
const product = featured.items[0]!;
const written: string[] = [];

/**
 * Shoppers for the dashboard: each opens a product page (its view beacon counts) and buys it with the test card
 * through the API, as the storefront would; a few more only fill a cart. Then the orders are moved back by a few
 * days each, so the sales chart has a shape: a screenshot of a shop opened a minute ago would be one bar.
 */
async function demoSales(browser: Browser): Promise<void> {
  const items = featured.items;
  for (let i = 0; i < 8; i++) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    const page = await context.newPage();
    await page.goto(`${base}/p/${items[i % items.length]!.slug}`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.evaluate(
      async ({ slug, buy, n }) => {
        const { csrfToken } = (await (await fetch('/api/auth/csrf')).json()) as { csrfToken: string };
        const headers = { 'content-type': 'application/json', 'x-csrf-token': csrfToken };
        const p = (await (await fetch(`/api/products/${slug}`)).json()) as { variants: { id: string; stock: number }[] };
        const variant = p.variants.find((v) => v.stock > 2) ?? p.variants[0]!;
        await fetch('/api/cart/lines', { method: 'POST', headers, body: JSON.stringify({ variantId: variant.id, quantity: 1 + (n % 2) }) });
        if (!buy) return;
        const address = { name: 'Demo Shopper', line1: '1 Market Street', city: 'San Francisco', region: 'CA', postalCode: '94107', country: 'US' };
        await fetch('/api/checkout', {
          method: 'POST',
          headers: { ...headers, 'idempotency-key': `screenshots-${n}` },
          body: JSON.stringify({ email: `shopper${n}@example.test`, address, shippingMethod: 'standard', payment: { card: '4242424242424242' } }),
        });
      },
      { slug: items[i % items.length]!.slug, buy: i < 6, n: i },
    );
    await context.close();
  }
  await sql`update orders set created_at = created_at - make_interval(days => (number::int * 4) % 27)`.execute(shop.runtime.relational.db);
}

async function shot(page: Page, name: string, width: number): Promise<void> {
  // Lazy images below the fold (a poster in the product editor) load only once scrolled to: scroll the page through
  // once, back to the top, so the full-page picture shows them as a reader would see them.
  await page.evaluate(async () => {
    for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight) {
      scrollTo(0, y);
      await new Promise((r) => setTimeout(r, 50));
    }
    scrollTo(0, 0);
  });
  await page.waitForFunction(() => Array.from(document.images).every((i) => i.complete));
  await page.waitForLoadState('networkidle');
  const file = path.join(outDir, `${name}-${width}.png`);
  await page.screenshot({ path: file, fullPage: true });
  written.push(path.relative(process.cwd(), file));
}

async function modelUp(page: Page): Promise<void> {
  await page.waitForFunction(() => (document.querySelector('model-viewer') as unknown as { modelIsVisible?: boolean } | null)?.modelIsVisible === true, null, { timeout: SLOW });
}

try {
  await demoSales(browser);
  for (const width of WIDTHS) {
    const phone = width < 600;
    const context = await browser.newContext({ viewport: { width, height: phone ? 844 : 900 }, deviceScaleFactor: 1, hasTouch: phone, isMobile: phone, locale: 'en-US' });
    const page = await context.newPage();
    page.setDefaultTimeout(SLOW);

    await page.goto(`${base}/`);
    await page.getByRole('list', { name: 'Featured products' }).waitFor();
    await shot(page, 'home', width);

    await page.goto(`${base}/c/${product.category}`);
    await page.getByTestId('result-count').waitFor();
    await shot(page, 'category', width);

    await page.goto(`${base}/search?q=chiar`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await shot(page, 'search', width);

    await page.goto(`${base}/p/${product.slug}`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    if (phone) {
      await shot(page, 'product-poster', width);
      await page.getByRole('button', { name: 'View in 3D' }).tap();
    }
    await modelUp(page);
    await shot(page, 'product-3d', width);

    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByRole('dialog', { name: 'Your cart' }).waitFor();
    await shot(page, 'cart-drawer', width);
    await page.goto(`${base}/checkout`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await shot(page, 'checkout', width);

    await page.goto(`${base}/account/signin?next=${encodeURIComponent('/admin')}`);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await shot(page, 'signin', width);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // chart.js animates its first drawing; under reduced motion it draws the final picture at once.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.waitForURL(`${base}/admin`);
    await page.getByTestId('dashboard-totals').waitFor();
    await shot(page, 'admin-dashboard', width);
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    for (const [name, url] of [
      ['admin-orders', '/admin/orders'],
      ['admin-customers', '/admin/customers'],
      ['admin-jobs', '/admin/jobs'],
      ['admin-advisor', '/admin/advisor'],
      ['admin-products', '/admin/products'],
      ['admin-product', `/admin/products/${encodeURIComponent(product.id)}`],
      ['admin-model', `/admin/products/${encodeURIComponent(product.id)}/model`],
    ] as const) {
      await page.goto(base + url);
      await page.getByRole('heading', { level: 1 }).waitFor();
      if (name === 'admin-model') {
        // The preview loads its model once on screen (loading="lazy"): on a phone it is below the report.
        await page.getByTestId('preview').scrollIntoViewIfNeeded();
        await modelUp(page);
      }
      await shot(page, name, width);
    }
    await context.close();
  }
  console.log(`${written.length} screenshots in ${path.relative(process.cwd(), outDir) || '.'}/:\n${written.map((f) => `  ${f}`).join('\n')}`);
} finally {
  await browser.close();
  await shop.close();
  await rm(dataDir, { recursive: true, force: true });
}
