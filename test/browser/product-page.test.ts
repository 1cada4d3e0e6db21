/// <reference lib="dom" />
// (DOM types: the page.evaluate callbacks below run in the browser.)
// The shopper's home and product page in a real browser (Debian's Chromium) against the whole shop on its embedded
// defaults with the demo catalog: what a person sees and can do. The home page's featured shelf and category tiles;
// on a product page the poster before the model, the size in cm and in inches (checked against the API's metres),
// fullscreen from the keyboard, the model's text alternative, a CC-BY credit with its licence link, the model
// turning until the shopper takes it in hand; the page used with the keyboard alone; no sideways scrolling from
// 360 to 1920 px wide.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { setRole } from '../../src/databases/relational/accounts.ts';
import { Browser as ApiClient } from '../accounts/client.ts';
import { until } from '../helpers/wait.ts';
import { browserSkip, CHROMIUM, CHROMIUM_ARGS, ensureWebBuilt, MODEL_TIMEOUT, waitForModelLoad, watchPage } from './browser-kit.ts';

const skip = browserSkip();

interface Summary { slug: string; title: string; poster: string | null }
interface Detail {
  slug: string;
  title: string;
  options: { name: string; values: string[] }[];
  variants: { id: string; stock: number }[];
  model: { glb: string; poster: string | null; dimensions: { width: number; height: number; depth: number } | null; credit?: unknown } | null;
}

const CREDIT = { author: 'Jane Modeller', licence: 'CC BY 4.0', url: 'https://creativecommons.org/licenses/by/4.0/' };

describe('home and product page in Chromium', { skip, timeout: 600_000 }, () => {
  let baseUrl = '';
  let close: () => Promise<void> = async () => {};
  let browser: Browser | undefined;
  let shots = '';
  /** A product with options, a model with its size, and (set below by a merchant) a CC-BY credit. */
  let product: Detail;
  /** A product whose model has no credit (the demo's own models need none). */
  let uncredited: Detail;

  const api = async <T,>(path: string): Promise<T> => (await fetch(baseUrl + path)).json() as Promise<T>;
  const newPage = async (width = 1280, height = 900): Promise<Page> => {
    const context = await browser!.newContext({ locale: 'en-US', viewport: { width, height }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    // While SwiftShader builds the model's first frames on a busy machine the page's main thread can stall for a
    // long time: wait as patiently for any element as for the model itself (a bound, not a measurement).
    page.setDefaultTimeout(MODEL_TIMEOUT);
    return page;
  };
  const productUrl = (p: Detail): string => `${baseUrl}/p/${encodeURIComponent(p.slug)}`;

  before(async () => {
    await ensureWebBuilt();
    shots = mkdtempSync(join(tmpdir(), 'vitrine-product-shots-'));
    const { startTestApp } = await import('../helpers/app.ts');
    const app = await startTestApp();
    baseUrl = app.baseUrl;
    close = () => app.close();

    const list = await api<{ items: Summary[] }>('/api/products?category=furniture&limit=100');
    const details = await Promise.all(list.items.map((s) => api<Detail>(`/api/products/${encodeURIComponent(s.slug)}`)));
    const usable = details.filter((d) => d.options.length > 0 && d.model?.dimensions && d.model.poster && d.variants[0]!.stock > 0);
    assert.ok(usable.length >= 2, 'two furniture products with options, a sized model and stock');
    [product, uncredited] = [usable[0]!, usable[1]!];

    // A merchant credits the first product's model, as the owner of a CC-BY model must.
    const merchant = new ApiClient(baseUrl);
    const email = `merchant-${randomUUID().slice(0, 8)}@example.test`;
    assert.equal((await merchant.signup(email, 'correct horse 42')).status, 201);
    await setRole(app.shop.runtime.relational.db, email, 'merchant');
    const set = await merchant.call('PATCH', `/api/admin/assets/demo-${product.slug}`, { credit: CREDIT });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    const deadline = Date.now() + 30_000;
    while (!(await api<Detail>(`/api/products/${product.slug}`)).model?.credit) {
      assert.ok(Date.now() < deadline, 'the catalog shows the credit within 30 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await close();
    if (shots && !process.env.KEEP_SCREENSHOTS) rmSync(shots, { recursive: true, force: true });
    else if (shots) console.log(`# screenshots kept in ${shots}`);
  });

  test('the home page shows featured products and category tiles that lead to a category page', async () => {
    const page = await newPage();
    const watch = watchPage(page);
    const featured = await api<{ items: Summary[] }>('/api/featured?limit=8');
    const categories = await api<{ items: { slug: string; name: string; productCount: number }[] }>('/api/categories');
    await page.goto(`${baseUrl}/`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    assert.equal(await page.title(), 'Vitrine');

    const shelf = page.getByRole('list', { name: 'Featured products' });
    await shelf.waitFor();
    const titles = await shelf.getByRole('heading', { level: 3 }).allTextContents();
    assert.deepEqual(titles, featured.items.map((p) => p.title), 'the featured products, in order');
    for (const img of await shelf.locator('img').all()) assert.ok(await img.getAttribute('alt'), 'every product photo has alt text');

    const tiles = page.getByRole('list', { name: 'Categories' });
    const links = tiles.getByRole('link');
    assert.equal(await links.count(), categories.items.length, 'a tile per category');
    for (const c of categories.items) {
      const link = tiles.getByRole('link', { name: new RegExp(`^${c.name}\\b`) });
      assert.equal(await link.getAttribute('href'), `/c/${c.slug}`);
      assert.match((await link.textContent()) ?? '', new RegExp(`${c.productCount} products?`));
    }
    await page.screenshot({ path: join(shots, 'home-1280.png'), fullPage: true });

    // A category tile leads to that category's page; the featured product's link to its page.
    const first = categories.items[0]!;
    await tiles.getByRole('link', { name: new RegExp(`^${first.name}\\b`) }).click();
    await page.waitForURL(`${baseUrl}/c/${first.slug}`);
    await page.getByRole('heading', { level: 1, name: first.name }).waitFor();
    await page.getByTestId('result-count').filter({ hasText: `${first.productCount} product` }).waitFor();
    await page.goBack();
    await shelf.getByRole('link', { name: featured.items[0]!.title }).click();
    await page.getByRole('heading', { level: 1, name: featured.items[0]!.title }).waitFor();
    await page.goBack();
    await page.getByRole('link', { name: 'Browse all products' }).click();
    await page.getByRole('heading', { level: 1, name: 'All products' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/products');
    watch.assertClean();
    await page.context().close();
  });

  test('product page: poster first, size in cm then inches, fullscreen by keyboard, alt text, the CC-BY credit, turning until touched', async () => {
    const page = await newPage();
    const watch = watchPage(page);
    const model = product.model!;
    const dims = model.dimensions!;
    await page.goto(productUrl(product));
    await page.getByRole('heading', { level: 1, name: product.title }).waitFor();

    // The poster is on screen at once; the model is asked for only after it (model-viewer loads it lazily) and
    // arrives in its own time.
    const poster = page.locator('.viewer-poster').first();
    await poster.waitFor();
    assert.equal(await poster.getAttribute('src'), model.poster);
    const viewer = page.getByTestId('model-viewer');
    await viewer.waitFor({ state: 'attached' });
    assert.equal(await viewer.getAttribute('loading'), 'lazy');
    await waitForModelLoad(page);
    const urls = watch.urls.map((u) => new URL(u).pathname);
    const posterAt = urls.indexOf(model.poster!);
    const glbAt = urls.indexOf(model.glb);
    assert.ok(posterAt >= 0 && glbAt > posterAt, `the poster (request ${posterAt}) is fetched before the model (request ${glbAt})`);

    // The text alternative names the product and its size. Read as the element's property, which React keeps
    // current once model-viewer is defined (the attribute keeps the value set before the element was upgraded).
    const altText = (): Promise<string> => page.evaluate(() => (document.querySelector('model-viewer') as unknown as { alt: string | null }).alt ?? '');
    const alt = await altText();
    assert.ok(alt.includes(product.title), `alt names the product: ${alt}`);
    assert.match(alt, /\d+(\.\d)? cm wide, \d+(\.\d)? cm deep and \d+(\.\d)? cm tall/);

    // The size overlay: centimetres first, then inches, each within the display's rounding of the API's metres.
    const size = page.getByTestId('dimensions');
    const shown = async (unit: 'cm' | 'in'): Promise<number[]> => {
      const text = (await size.textContent()) ?? '';
      const m = new RegExp(`^W ([\\d.]+) × D ([\\d.]+) × H ([\\d.]+) ${unit}$`).exec(text);
      assert.ok(m, `"${text}" reads W × D × H in ${unit}`);
      return [Number(m[1]), Number(m[2]), Number(m[3])];
    };
    const close = (got: number[], metres: number[], perMetre: number, step: number, unit: string): void =>
      got.forEach((g, i) => assert.ok(Math.abs(g - metres[i]! * perMetre) <= step / 2 + 1e-9, `${g} ${unit} for ${metres[i]} m`));
    const metres = [dims.width, dims.depth, dims.height];
    const cm = page.getByRole('button', { name: /^cm\b/ });
    const inch = page.getByRole('button', { name: /^in\b/ });
    assert.equal(await cm.getAttribute('aria-pressed'), 'true');
    assert.equal(await inch.getAttribute('aria-pressed'), 'false');
    close(await shown('cm'), metres, 100, 1, 'cm');
    await inch.click();
    await page.waitForFunction(() => document.querySelector('[data-testid="dimensions"]')?.textContent?.endsWith(' in'));
    close(await shown('in'), metres, 1 / 0.0254, 0.1, 'in');
    assert.equal(await inch.getAttribute('aria-pressed'), 'true');
    assert.match(await altText(), /inches wide/, 'the text alternative follows the unit');
    await cm.click();
    await page.waitForFunction(() => document.querySelector('[data-testid="dimensions"]')?.textContent?.endsWith(' cm'));

    // The credit under the view: the author, and the licence's name linking to its text.
    const credit = page.getByTestId('model-credit');
    assert.match((await credit.textContent()) ?? '', /3D model by Jane Modeller, licensed under CC BY 4\.0/);
    const licence = credit.getByRole('link', { name: 'CC BY 4.0' });
    assert.equal(await licence.getAttribute('href'), CREDIT.url);
    assert.match((await licence.getAttribute('rel')) ?? '', /\blicense\b/);

    // The model turns by itself until the shopper drags it.
    const rotating = (): Promise<boolean> => page.evaluate(() => (document.querySelector('model-viewer') as unknown as { autoRotate: boolean }).autoRotate);
    assert.equal(await rotating(), true, 'turning before the shopper touches it');
    // (Not from the exact centre: model-viewer's 8 px pan-target dot sits there and takes the press.)
    const box = (await viewer.boundingBox())!;
    const [x, y] = [box.x + box.width / 3, box.y + box.height / 2];
    await page.mouse.move(x, y);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(x + i * 15, y);
    await page.mouse.up();
    await page.waitForFunction(() => (document.querySelector('model-viewer') as unknown as { autoRotate: boolean }).autoRotate === false, null, { timeout: MODEL_TIMEOUT });
    assert.equal(await viewer.getAttribute('auto-rotate'), null);
    await page.screenshot({ path: join(shots, 'product-1280.png'), fullPage: true });

    // Fullscreen from the keyboard: Enter on the button fills the screen with the view, Enter again comes back.
    const frame = page.getByTestId('viewer');
    const full = page.getByRole('button', { name: 'View fullscreen' });
    await full.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => {
      const f = document.querySelector('[data-testid="viewer"]')!.getBoundingClientRect();
      return f.width === window.innerWidth && f.height === window.innerHeight;
    });
    assert.equal(await page.evaluate(() => document.fullscreenElement?.getAttribute('data-testid') ?? (document.querySelector('.viewer-full') ? 'viewer' : null)), 'viewer');
    const exit = page.getByRole('button', { name: 'Exit fullscreen' });
    await exit.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Exit fullscreen', 'focus stays on the button');
    assert.ok(await size.isVisible(), 'the size shows in fullscreen too');
    await page.screenshot({ path: join(shots, 'product-fullscreen.png') });
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.fullscreenElement === null && !document.querySelector('.viewer-full'));
    await full.waitFor();
    const after = (await frame.boundingBox())!;
    assert.ok(after.width < 1280, 'back in the page');
    watch.assertClean();
    await page.context().close();
  });

  test('on a phone the poster stays until the shopper taps "View in 3D"; then the model loads and takes the focus', async () => {
    const context = await browser!.newContext({ locale: 'en-US', viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, hasTouch: true, isMobile: true });
    const page = await context.newPage();
    page.setDefaultTimeout(MODEL_TIMEOUT);
    const watch = watchPage(page);
    await page.goto(productUrl(product));
    await page.getByRole('heading', { level: 1, name: product.title }).waitFor();
    const poster = page.getByRole('img', { name: new RegExp(product.title) });
    await poster.waitFor();
    // Give a page that would load 3D by itself every chance to do so: nothing of it may be fetched.
    await page.waitForLoadState('networkidle');
    // (Visible is not loaded: on a busy machine the image may still be arriving when the element shows.)
    await until(() => poster.evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0), 'the poster to be shown', MODEL_TIMEOUT);
    assert.equal(await page.locator('model-viewer').count(), 0, 'no 3D view before the shopper asks');
    assert.deepEqual(watch.urls.filter((u) => /model-viewer|\.glb$/.test(u)), [], 'neither model-viewer nor the model is downloaded');

    await page.getByRole('button', { name: 'View in 3D' }).tap();
    await page.getByRole('button', { name: 'Loading 3D…' }).waitFor();
    await waitForModelLoad(page);
    assert.ok(watch.urls.some((u) => u.endsWith(new URL(product.model!.glb, baseUrl).pathname)), 'the model is fetched once asked for');
    await page.waitForFunction(() => document.activeElement?.localName === 'model-viewer', null, { timeout: MODEL_TIMEOUT });
    watch.assertClean();
    await context.close();
  });

  test('a model with no credit shows none', async () => {
    const page = await newPage();
    const watch = watchPage(page);
    await page.goto(productUrl(uncredited));
    await page.getByTestId('dimensions').waitFor();
    assert.equal(await page.getByTestId('model-credit').count(), 0);
    watch.assertClean();
    await page.context().close();
  });

  test('keyboard only: Tab reaches the options, the quantity and add to cart; Enter and Space add to the cart', async () => {
    const page = await newPage();
    const watch = watchPage(page);
    await page.goto(productUrl(product));
    await page.getByRole('heading', { level: 1, name: product.title }).waitFor();
    await page.getByRole('button', { name: 'Cart (0)' }).waitFor();
    await page.getByTestId('dimensions').waitFor(); // the 3D view's chunk is in: its controls are in the tab order

    const where = (): Promise<string> =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el) return '';
        if (el.closest('[data-testid^="option-"]')) return `option:${el.closest('[data-testid^="option-"]')!.getAttribute('data-testid')}`;
        return el.id ? `#${el.id}` : el.getAttribute('data-testid') ?? el.getAttribute('aria-label') ?? el.textContent?.trim() ?? el.tagName;
      });
    const visited: string[] = [];
    for (let i = 0; i < 60 && visited[visited.length - 1] !== 'add-to-cart'; i++) {
      await page.keyboard.press('Tab');
      const at = await where();
      visited.push(at);
      if (at === '#product-quantity') {
        await page.keyboard.press('Control+A');
        await page.keyboard.type('2');
      }
    }
    const idx = (s: string): number => visited.findIndex((v) => v.startsWith(s));
    for (const o of product.options) assert.ok(idx(`option:option-${o.name}`) >= 0, `Tab reaches the ${o.name} picker (${visited.join(' → ')})`);
    assert.ok(idx('fullscreen') >= 0 && idx('cm, centimetres') >= 0, `Tab reaches the viewer's controls (${visited.join(' → ')})`);
    assert.ok(idx('option:') < idx('#product-quantity') && idx('#product-quantity') < idx('add-to-cart'), visited.join(' → '));
    assert.equal(visited[visited.length - 1], 'add-to-cart');

    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Your cart' }).waitFor();
    await page.getByRole('button', { name: 'Cart (2)' }).waitFor({ state: 'attached' });
    // Esc closes the drawer and gives focus back to "Add to cart"; Space adds two more.
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Your cart' }).waitFor({ state: 'hidden' });
    assert.equal(await where(), 'add-to-cart');
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Cart (4)' }).waitFor({ state: 'attached' });
    watch.assertClean();
    await page.context().close();
  });

  test('no sideways scrolling from 360 to 1920 px wide: home, all products, a category, a product', async () => {
    for (const [width, height] of [[360, 740], [1920, 1080]] as const) {
      const page = await newPage(width, height);
      const watch = watchPage(page);
      for (const [path, ready] of [
        ['/', (p: Page) => p.getByRole('list', { name: 'Featured products' }).waitFor()],
        ['/products', (p: Page) => p.getByTestId('result-count').waitFor()],
        ['/c/furniture', (p: Page) => p.getByTestId('result-count').waitFor()],
        [`/p/${product.slug}`, (p: Page) => p.getByTestId('dimensions').waitFor()],
      ] as const) {
        await page.goto(baseUrl + path);
        await ready(page);
        await page.evaluate(() => document.fonts.ready);
        const scroll = await page.evaluate(() => document.scrollingElement!.scrollWidth);
        assert.ok(scroll <= width, `${path} at ${width} px: the page is ${scroll} px wide`);
        await page.screenshot({ path: join(shots, `${path === '/' ? 'home' : path.split('/').filter(Boolean).join('-')}-${width}.png`), fullPage: true });
      }
      watch.assertClean();
      await page.context().close();
    }
  });
});
