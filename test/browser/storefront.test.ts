/// <reference lib="dom" />
// (DOM types: the page.evaluate callbacks below run in the browser.)
// The storefront in a real browser: Debian's Chromium (SwiftShader WebGL) against the whole shop booted on its
// embedded defaults with the demo catalog. Checks the 3D view renders, that picking a colour re-skins the model
// live and re-prices the page, and that the page never talks to anything but its own origin.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { browserSkip, CHROMIUM, CHROMIUM_ARGS, ensureWebBuilt, freezeCamera, imageDiff, imageStats, MODEL_TIMEOUT, money, nextFrames, stableShot, waitForModelLoad, watchPage, type Money } from './browser-kit.ts';

const missing = !existsSync(CHROMIUM);
const skip = browserSkip();

interface Variant { id: string; sku: string; options: Record<string, string>; price: Money; stock: number; materialVariant?: string }
interface Detail {
  slug: string; title: string;
  options: { name: string; values: string[] }[];
  variants: Variant[];
  model?: { glb: string; poster?: string; usdz?: string; variants: string[] };
}


describe('storefront in Chromium', { skip, timeout: 300_000 }, () => {
  let baseUrl = '';
  let close: () => Promise<void> = async () => {};
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let shots = '';

  before(async () => {
    assert.ok(!missing, `${CHROMIUM} is required in CI (apt-get install -y chromium)`);
    await ensureWebBuilt();
    shots = mkdtempSync(join(tmpdir(), 'vitrine-shots-'));
    // VITRINE_TEST_BASE_URL points the test at an already running shop (e.g. while developing the web app).
    if (process.env.VITRINE_TEST_BASE_URL) {
      baseUrl = process.env.VITRINE_TEST_BASE_URL.replace(/\/$/, '');
    } else {
      const { startTestApp } = await import('../helpers/app.ts');
      const app = await startTestApp();
      baseUrl = app.baseUrl;
      close = () => app.close();
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await close();
    if (shots && !process.env.KEEP_SCREENSHOTS) rmSync(shots, { recursive: true, force: true });
    else if (shots) console.log(`# screenshots kept in ${shots}`);
  });

  test('product page renders the model, switches its material variant live and re-prices', async () => {
    const { product, moves } = await pickVariantProduct(baseUrl);
    const page = await context!.newPage();
    const watch = watchPage(page);
    try {
      await page.goto(`${baseUrl}/p/${encodeURIComponent(product.slug)}`);
      const shownSku = await page.getByTestId('product-sku').textContent();
      // Start from the variant the page shows by default; only if no click from it switches material, ask for one.
      const fromDefault = moves.filter((m) => m.from.sku === shownSku);
      const { from, to, option } = fromDefault.find((m) => m.from.price.amount !== m.to.price.amount) ?? fromDefault[0] ?? moves[0]!;
      if (fromDefault.length === 0) await page.goto(`${baseUrl}/p/${encodeURIComponent(product.slug)}?variant=${encodeURIComponent(from.id)}`);
      const viewer = page.getByTestId('model-viewer');
      await viewer.waitFor({ state: 'attached' });
      assert.equal(await viewer.getAttribute('src'), product.model!.glb);
      assert.equal(await viewer.getAttribute('environment-image'), 'neutral');
      assert.equal(await viewer.getAttribute('ar-modes'), 'webxr scene-viewer quick-look');
      assert.match((await viewer.getAttribute('alt')) ?? '', new RegExp(escapeRegExp(product.title)));

      await waitForModelLoad(page);
      await freezeCamera(page);
      assert.equal(await page.getByTestId('product-price').textContent(), money(from.price));
      assert.equal(await page.getByTestId('product-sku').textContent(), from.sku);

      const before = await stableShot(page, join(shots, 'before.png'));
      const beforeStats = await imageStats(before);
      assert.ok(beforeStats.stdev > 4, `canvas looks blank (luminance stdev ${beforeStats.stdev.toFixed(2)})`);
      assert.ok(beforeStats.nonBackground > 0.02, `canvas is nearly all background (${(beforeStats.nonBackground * 100).toFixed(2)}% model pixels)`);
      await page.screenshot({ path: join(shots, 'page-before.png'), fullPage: true });

      // Count variant-applied events from here on, then pick the colour as a shopper would: click its chip.
      await page.evaluate(() => {
        const w = window as unknown as { __applied: number };
        w.__applied = 0;
        document.querySelector('model-viewer')!.addEventListener('variant-applied', () => (w.__applied += 1));
      });
      await page.getByTestId(`option-${option}`).getByText(to.options[option]!, { exact: true }).click();
      await page.waitForFunction(
        (name) => {
          const el = document.querySelector('model-viewer') as unknown as { variantName: string | null } | null;
          return el?.variantName === name && (window as unknown as { __applied: number }).__applied > 0;
        },
        to.materialVariant,
        { timeout: MODEL_TIMEOUT },
      );
      await nextFrames(page);

      const afterShot = await stableShot(page, join(shots, 'after.png'));
      const diff = await imageDiff(before, afterShot);
      assert.ok(diff.changed > 0.005 && diff.mean > 0.3,
        `the model did not visibly change (${(diff.changed * 100).toFixed(2)}% pixels changed, mean diff ${diff.mean.toFixed(2)})`);
      await page.screenshot({ path: join(shots, 'page-after.png'), fullPage: true });

      assert.equal(await page.getByTestId('product-price').textContent(), money(to.price));
      assert.equal(await page.getByTestId('product-sku').textContent(), to.sku);
      watch.assertClean();
    } finally {
      await page.close();
    }
  });

  test('catalog grid lists products with prices and pages with "Load more"', async () => {
    const page = await context!.newPage();
    const watch = watchPage(page);
    try {
      const first = (await (await fetch(`${baseUrl}/api/products`)).json()) as { items: { title: string }[] };
      assert.ok(first.items.length > 0, 'the demo catalog has products');
      await page.goto(`${baseUrl}/products`);
      await page.getByRole('heading', { level: 1, name: 'All products' }).waitFor();
      const cards = page.locator('ul.grid > li');
      await cards.first().waitFor();
      assert.equal(await cards.first().getByRole('heading', { level: 2 }).textContent(), first.items[0]!.title);
      assert.match((await cards.first().textContent()) ?? '', /From\s*\S*\d/);
      assert.ok(await page.getByRole('navigation', { name: 'Categories' }).isVisible());
      for (const img of await page.locator('ul.grid img').all()) assert.ok(await img.getAttribute('alt'), 'every card photo has alt text');
      await page.screenshot({ path: join(shots, 'catalog.png') });
      const more = page.getByRole('button', { name: 'Load more' });
      if (await more.count()) {
        const shown = await cards.count();
        await more.click();
        await page.waitForFunction((n) => document.querySelectorAll('ul.grid > li').length > n, shown);
      }
      watch.assertClean();
    } finally {
      await page.close();
    }
  });

  test('unknown product slug shows a 404 page', async () => {
    const page = await context!.newPage();
    const watch = watchPage(page);
    try {
      await page.goto(`${baseUrl}/p/no-such-product-anywhere`);
      await page.getByRole('heading', { level: 1, name: 'We could not find that product' }).waitFor();
      await page.screenshot({ path: join(shots, 'not-found.png') });
      // Chromium logs the API's 404 response itself as a console error: that one is expected here.
      watch.assertClean(/status of 404/);
    } finally {
      await page.close();
    }
  });
});


interface Move { from: Variant; to: Variant; option: string }

/** The first product with ≥ 2 material variants, and every single click (one option value) that changes its material. */
async function pickVariantProduct(baseUrl: string): Promise<{ product: Detail; moves: Move[] }> {
  let cursor: string | undefined;
  for (let pageNo = 0; pageNo < 10; pageNo++) {
    const res = await fetch(`${baseUrl}/api/products${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(res.status, 200);
    const list = (await res.json()) as { items: { slug: string }[]; nextCursor?: string };
    for (const item of list.items) {
      const product = (await (await fetch(`${baseUrl}/api/products/${encodeURIComponent(item.slug)}`)).json()) as Detail;
      if (!product.model || product.model.variants.length < 2) continue;
      const moves: Move[] = [];
      for (const from of product.variants) {
        if (!from.materialVariant) continue;
        for (const o of product.options) {
          for (const value of o.values) {
            const to = product.variants.find((v) =>
              product.options.every((x) => v.options[x.name] === (x.name === o.name ? value : from.options[x.name])));
            if (to?.materialVariant && to.materialVariant !== from.materialVariant && product.model.variants.includes(to.materialVariant)) {
              moves.push({ from, to, option: o.name });
            }
          }
        }
      }
      if (moves.length > 0) return { product, moves };
    }
    cursor = list.nextCursor;
    if (!cursor) break;
  }
  assert.fail('the catalog has no product with two material variants one click apart');
}









function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
