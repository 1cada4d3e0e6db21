/// <reference lib="dom" />
// (DOM types: the page.evaluate callbacks below run in the browser.)
// The merchant's product editor in a real browser (Debian's Chromium, the whole shop with its demo catalog, no
// background worker): a merchant creates a product, is told at the price field that a negative price will not do,
// fixes it, writes a description (with a hostile part), sets stock and publishes; a shopper then finds it in its
// categories and sees the right price, the stock and the description with nothing of the hostile part able to run.
// Unpublishing takes it away again. Keyboard use: the form's controls are reachable with Tab and labelled.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { hashPassword } from '../../src/compute/accounts/passwords.ts';
import { insertAccount } from '../../src/databases/relational/accounts.ts';
import { stockFor } from '../../src/databases/relational/inventory.ts';
import { parseAmount, variantLines, formFromProduct, editBody } from '../../web/src/pages/admin/product-form.ts';
import type { TestApp } from '../helpers/app.ts';
import { CHROMIUM, CHROMIUM_ARGS, browserSkip, ensureWebBuilt, money, watchPage } from './browser-kit.ts';

const skip = browserSkip();
const MERCHANT = { email: 'mia.products@example.com', password: 'Merchant-pass-2024' };
const DESCRIPTION = [
  'Solid **walnut**, oiled by hand.',
  '',
  '- 45 cm tall',
  '- [Care guide](https://example.com/care)',
  '',
  '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">',
  '[Free gift](javascript:window.__pwned=3) <a href="javascript:void(0)" onclick="window.__pwned=4">click</a>',
].join('\n');

test('the editor’s form rules: amounts, the variants table from the options, the body sent', () => {
  assert.equal(parseAmount('149', 'USD'), 14_900);
  assert.equal(parseAmount('12,5', 'USD'), 1_250);
  assert.equal(parseAmount('-5', 'USD'), -500);
  assert.equal(parseAmount('1.234', 'USD'), undefined);
  assert.equal(parseAmount('abc', 'USD'), undefined);
  assert.equal(parseAmount('1200', 'JPY'), 1_200);
  const form = formFromProduct({
    id: 'p1', slug: 'lamp', title: 'Lamp', description: '', category: '', extraCategories: [], status: 'draft', options: [], assetId: null, version: 3, createdAt: '', updatedAt: '',
    variants: [{ id: 'p1-a', sku: 'LAMP', options: {}, price: { amount: 4_900, currency: 'USD' }, stock: 4 }],
  });
  // Adding an option keeps the product's variant (its id and stock) for the first value; the others start afresh.
  const withOption = { ...form, options: [{ key: 'o', name: 'Finish', values: 'Brass, Chrome' }] };
  const lines = variantLines(withOption, 'USD');
  assert.deepEqual(lines.map((l) => [l.combo.Finish, l.row.id, l.row.price]), [['Brass', 'p1-a', '49.00'], ['Chrome', undefined, '49.00']]);
  const built = editBody(withOption, 3, 'USD');
  assert.ok('body' in built);
  assert.deepEqual(built.body.variants, [
    { id: 'p1-a', sku: 'LAMP', options: { Finish: 'Brass' }, price: 4_900, materialVariant: null },
    { options: { Finish: 'Chrome' }, price: 4_900, materialVariant: null, stock: 0 },
  ], 'untouched stock is not sent; a new variant starts at 0');
  const bad = editBody({ ...form, rows: { '[]': { ...form.rows['[]']!, price: 'twelve' } } }, 3, 'USD');
  assert.deepEqual(bad, { errors: { 'variants.0.price': 'enter an amount like 12.50' } });
});

describe('the merchant’s product editor in Chromium', { skip, timeout: 300_000 }, () => {
  let app: TestApp | undefined;
  let baseUrl = '';
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const db = () => app!.shop.runtime.relational.db;
  let shots = '';

  /** No sideways scrolling of the page itself (wide tables scroll inside their own frame). */
  const assertFits = async (page: Page): Promise<void> => {
    const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
    assert.ok(scroll <= width, `the page fits ${width} px (it is ${scroll} px wide)`);
  };

  const newPage = async (width = 1280): Promise<Page> => {
    const context = await browser!.newContext({ locale: 'en-US', viewport: { width, height: 900 }, deviceScaleFactor: 1 });
    contexts.push(context);
    return context.newPage();
  };

  before(async () => {
    await ensureWebBuilt();
    shots = mkdtempSync(join(tmpdir(), 'vitrine-admin-products-shots-'));
    const { startTestApp } = await import('../helpers/app.ts');
    app = await startTestApp({ env: { RUN_WORKER: 'false' } });
    baseUrl = app.baseUrl;
    await insertAccount(db(), { email: MERCHANT.email, name: 'Mia Merchant', role: 'merchant', passwordHash: await hashPassword(MERCHANT.password) });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await app?.close();
    if (shots && !process.env.KEEP_SCREENSHOTS) rmSync(shots, { recursive: true, force: true });
    else if (shots) console.log(`# screenshots kept in ${shots}`);
  });

  test('a merchant creates a product, fixes a bad price, sets stock and publishes; a shopper sees it, its price and a safe description', async () => {
    const page = await newPage();
    const watch = watchPage(page);
    await page.goto(`${baseUrl}/account/signin?next=${encodeURIComponent('/admin/products')}`);
    await page.getByLabel('Email').fill(MERCHANT.email);
    await page.getByLabel('Password').fill(MERCHANT.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/admin\/products$/);
    await page.getByRole('heading', { level: 1, name: 'Products' }).waitFor();
    const sections = page.getByRole('navigation', { name: 'Admin sections' });
    assert.deepEqual(await sections.getByRole('link').allTextContents(), ['Dashboard', 'Orders', 'Customers', 'Products']);
    assert.equal(await sections.getByRole('link', { name: 'Products' }).getAttribute('aria-current'), 'page');
    await page.getByTestId('admin-products').waitFor();
    assert.ok((await page.getByTestId('admin-products').locator('tbody tr').count()) >= 20, 'the demo products are listed');

    // Searching narrows the list, and the search lives in the URL.
    await page.getByLabel('Search').fill('dining');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\/admin\/products\?q=dining$/);
    await page.waitForFunction(() => {
      const rows = Array.from(document.querySelectorAll('[data-testid="admin-products"] tbody tr'));
      return rows.length > 0 && rows.length < 5 && rows.every((r) => /dining/i.test(r.textContent ?? ''));
    });

    // New product: a negative price is refused by the shop, and the message is at the price field.
    await page.getByRole('link', { name: 'New product' }).click();
    await page.getByRole('heading', { level: 1, name: 'New product' }).waitFor();
    await page.getByLabel('Title').fill('Walnut Side Table');
    await page.getByLabel('Category').selectOption({ label: 'Furniture' });
    const price = page.getByLabel('Price (USD)');
    await price.fill('-5');
    await page.getByRole('button', { name: 'Create draft' }).click();
    const priceError = page.locator('#new-price-error');
    await priceError.waitFor();
    assert.equal(await priceError.textContent(), 'must not be negative');
    assert.equal(await price.getAttribute('aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'new-price', 'focus goes to the field to fix');
    await price.fill('149');
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.waitForURL(/\/admin\/products\/p-[0-9a-f]+$/);
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    await page.getByRole('heading', { level: 1, name: 'Walnut Side Table' }).waitFor();
    assert.equal(await page.getByLabel('Slug').inputValue(), 'walnut-side-table');
    assert.equal(await page.getByLabel('Price', { exact: true }).inputValue(), '149.00');
    assert.match((await page.getByTestId('model-state').textContent()) ?? '', /No 3D model yet/);

    // The description and the stock, then publish (the editor saves first).
    await page.getByLabel('Description').fill(DESCRIPTION);
    await page.getByRole('group', { name: 'Also list it in' }).getByLabel('Home').check();
    await page.getByRole('button', { name: 'Preview' }).click();
    assert.equal(await page.getByTestId('description-preview').locator('strong').textContent(), 'walnut', 'the preview renders the Markdown');
    assert.equal(await page.getByTestId('description-preview').locator('script, img').count(), 0);
    const stock = page.getByLabel('Stock', { exact: true });
    await stock.fill('12');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const [variantId] = (await app!.shop.runtime.catalog.repo.getProduct(id))!.variants.map((v) => v.id);
    assert.equal((await stockFor(db(), [variantId!])).get(variantId!), 12, 'the stock is in the inventory table');
    assert.deepEqual((await app!.shop.runtime.catalog.repo.getProduct(id))!.extraCategories, ['home']);
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Published: shoppers can see it now.' }).waitFor();
    await page.getByRole('button', { name: 'Unpublish' }).waitFor();
    await page.getByRole('link', { name: 'View in the shop' }).waitFor();
    await page.screenshot({ path: join(shots, 'editor.png'), fullPage: true });
    await page.setViewportSize({ width: 360, height: 800 });
    await assertFits(page);
    await page.screenshot({ path: join(shots, 'editor-360.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    watch.assertClean(/status of 400/); // Chromium logs the refused price's 400 answer itself

    // A shopper finds it in its category and opens it.
    const shopper = await newPage(390);
    const shopperWatch = watchPage(shopper);
    await shopper.goto(`${baseUrl}/c/home`);
    await shopper.getByRole('link', { name: /Walnut Side Table/ }).first().waitFor();
    await shopper.goto(`${baseUrl}/c/furniture`);
    await shopper.getByRole('link', { name: /Walnut Side Table/ }).first().click();
    await shopper.waitForURL(/\/p\/walnut-side-table$/);
    await shopper.getByRole('heading', { level: 1, name: 'Walnut Side Table' }).waitFor();
    assert.equal(await shopper.getByTestId('product-price').textContent(), money({ amount: 14_900, currency: 'USD' }));
    assert.match((await shopper.getByTestId('product-stock').textContent()) ?? '', /in stock/i);
    const description = shopper.getByTestId('product-description');
    assert.equal(await description.locator('strong').textContent(), 'walnut');
    assert.deepEqual(await description.locator('li').allTextContents(), ['45 cm tall', 'Care guide']);
    const care = description.getByRole('link', { name: 'Care guide' });
    assert.equal(await care.getAttribute('href'), 'https://example.com/care');
    assert.match((await care.getAttribute('rel')) ?? '', /nofollow/);
    const hostile = await description.evaluate((el) => ({
      scripts: el.querySelectorAll('script, img, iframe, object, embed').length,
      handlers: Array.from(el.querySelectorAll('*')).flatMap((e) => Array.from(e.attributes).map((a) => a.name)).filter((n) => n.startsWith('on')),
      hrefs: Array.from(el.querySelectorAll('a')).map((a) => a.getAttribute('href')),
    }));
    assert.deepEqual(hostile, { scripts: 0, handlers: [], hrefs: ['https://example.com/care'] });
    // Whatever is left of the hostile part is text; clicking it runs nothing.
    await description.getByText('Free gift', { exact: false }).click();
    assert.equal(await shopper.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    await shopper.screenshot({ path: join(shots, 'shopper-product.png'), fullPage: true });
    shopperWatch.assertClean();

    // Unpublished, it is gone: its page says so and its category no longer lists it.
    await page.getByRole('button', { name: 'Unpublish' }).click();
    await page.getByRole('status').filter({ hasText: 'Unpublished' }).waitFor();
    // The catalog's answers allow stale-while-revalidate (delivery/cache-policy.ts), which Chromium honours too: the
    // first reload may show the copy it has while it asks again in the background; a later one shows the 404.
    const gone = shopper.getByRole('heading', { level: 1, name: 'We could not find that product' });
    for (const deadline = Date.now() + 60_000; ; ) {
      await shopper.goto(`${baseUrl}/p/walnut-side-table`);
      await shopper.getByRole('heading', { level: 1 }).waitFor();
      if (await gone.isVisible()) break;
      assert.ok(Date.now() < deadline, 'the unpublished product’s page says it is not found');
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal((await fetch(`${baseUrl}/api/products/walnut-side-table`)).status, 404);
  });

  test('a stale edit is refused and the editor offers to reload; the form is usable with the keyboard', async () => {
    const page = await newPage();
    const watch = watchPage(page);
    await page.goto(`${baseUrl}/account/signin?next=${encodeURIComponent('/admin/products?q=dining-chair')}`);
    await page.getByLabel('Email').fill(MERCHANT.email);
    await page.getByLabel('Password').fill(MERCHANT.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('admin-products').getByRole('link').first().click();
    await page.getByRole('heading', { level: 1, name: /Chair/ }).waitFor();
    const materials = page.getByLabel(/^3D material for /);
    assert.ok((await materials.count()) >= 2, 'a material variant picker per variant (the demo chair has a model with variants)');

    // Someone else saves meanwhile (straight through the catalog, as another instance would).
    const repo = app!.shop.runtime.catalog.repo;
    const chair = (await repo.getProductBySlug('dining-chair'))!;
    await repo.putProduct({ ...chair, title: `${chair.title} (edited elsewhere)` }, chair.version);

    // Keyboard only: Tab from the title to the slug, type, and submit with Enter.
    await page.getByLabel('Title').focus();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'product-slug');
    await page.getByLabel('Title').press('End');
    await page.getByLabel('Title').pressSequentially(' II');
    await page.getByLabel('Title').press('Enter');
    await page.getByRole('alert').filter({ hasText: 'Someone else saved this product' }).waitFor();
    await page.getByRole('button', { name: 'Reload the product' }).click();
    await page.getByRole('heading', { level: 1, name: /\(edited elsewhere\)/ }).waitFor();
    assert.match(await page.getByLabel('Title').inputValue(), /\(edited elsewhere\)$/);
    watch.assertClean(/status of 409/);
  });
});
