/// <reference lib="dom" />
// (DOM types: the page.evaluate callbacks below run in the browser.)
// The whole story in one run, in Debian's Chromium against the whole shop (demo catalog, its worker, the test card):
// a merchant signs in, creates a product with a description, a price, a colour option with two variants and stock,
// uploads a real model (../shared/models/WaterBottle.glb) with the progress bar, waits until it is ready, pins a
// labelled hotspot on it and publishes. A shopper finds it with the search box, opens it, sees the 3D view (a model
// on the canvas, not a blank one) with the hotspot's label, picks the other colour, adds it to the cart, checks out
// with the test card and sees the confirmation with the right total. The merchant then finds the order on the order
// desk, and the dashboard counts it: one product view, one cart, one paid order, and its total as the revenue.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { hashPassword } from '../../src/compute/accounts/passwords.ts';
import { insertAccount } from '../../src/databases/relational/accounts.ts';
import type { TestApp } from '../helpers/app.ts';
import {
  browserSkip, CHROMIUM, CHROMIUM_ARGS, ensureWebBuilt, imageStats, MODEL_TIMEOUT, money, pointOnModel, waitForModelLoad, watchPage, type Money,
} from './browser-kit.ts';

const WATER_BOTTLE = resolve('../shared/models/WaterBottle.glb');
const skip = browserSkip() || (existsSync(WATER_BOTTLE) ? false : `${WATER_BOTTLE} is absent`);
const MERCHANT = { email: 'mia.story@example.com', password: 'Merchant-pass-2024' };
const TITLE = 'Trailhead Water Bottle';
const SLUG = 'trailhead-water-bottle';
const LABEL = 'Leak-proof cap';
const CARD_OK = '4242 4242 4242 4242';
const ADDRESS = { name: 'Ada Lovelace', line1: '1 Market Street', city: 'San Francisco', state: 'CA', postalCode: '94107' };

interface OrderJson { id: string; number: number; status: string; subtotal: Money; total: Money; lines: { sku: string; quantity: number; unitPrice: Money }[] }

describe('merchant to shopper and back, in Chromium', { skip, timeout: 1_200_000 }, () => {
  let app: TestApp | undefined;
  let baseUrl = '';
  let browser: Browser | undefined;
  let shots = '';
  const contexts: BrowserContext[] = [];

  const newPage = async (width = 1280): Promise<Page> => {
    const context = await browser!.newContext({ locale: 'en-US', viewport: { width, height: 900 }, deviceScaleFactor: 1 });
    contexts.push(context);
    const page = await context.newPage();
    // SwiftShader on a busy machine can stall the page's main thread while it builds the model's first frames.
    page.setDefaultTimeout(MODEL_TIMEOUT);
    return page;
  };

  before(async () => {
    await ensureWebBuilt();
    shots = mkdtempSync(join(tmpdir(), 'vitrine-story-shots-'));
    const { startTestApp } = await import('../helpers/app.ts');
    // The worker runs: the upload needs its asset.process job (one at a time: two cores).
    app = await startTestApp({ env: { RUN_WORKER: 'true', WORKER_CONCURRENCY: '1' } });
    baseUrl = app.baseUrl;
    await insertAccount(app.shop.runtime.relational.db, { email: MERCHANT.email, name: 'Mia Merchant', role: 'merchant', passwordHash: await hashPassword(MERCHANT.password) });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await app?.close();
    if (shots && !process.env.KEEP_SCREENSHOTS) rmSync(shots, { recursive: true, force: true });
    else if (shots) console.log(`# screenshots kept in ${shots}`);
  });

  test('a merchant creates and publishes a product with a model and a hotspot; a shopper finds it and buys it; the dashboard counts it', async () => {
    // ---- the merchant: sign in, land on the dashboard (nothing sold yet), create the product ----
    const staff = await newPage();
    const staffWatch = watchPage(staff);
    await staff.goto(`${baseUrl}/account/signin?next=${encodeURIComponent('/admin')}`);
    await staff.getByLabel('Email').fill(MERCHANT.email);
    await staff.getByLabel('Password').fill(MERCHANT.password);
    await staff.getByRole('button', { name: 'Sign in' }).click();
    await staff.waitForURL((u) => u.pathname === '/admin');
    await staff.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    const sections = staff.getByRole('navigation', { name: 'Admin sections' });
    assert.equal(await sections.getByRole('link').first().textContent(), 'Dashboard', 'the dashboard comes first');
    assert.equal(await sections.getByRole('link', { name: 'Dashboard' }).getAttribute('aria-current'), 'page');
    await staff.getByTestId('dashboard-totals').waitFor();
    assert.equal(await staff.getByTestId('total-orders').textContent(), '0');

    await sections.getByRole('link', { name: 'Products' }).click();
    await staff.getByRole('link', { name: 'New product' }).click();
    await staff.getByRole('heading', { level: 1, name: 'New product' }).waitFor();
    await staff.getByLabel('Title').fill(TITLE);
    await staff.getByLabel('Category').selectOption({ label: 'Home' });
    await staff.getByLabel('Price (USD)').fill('24');
    await staff.getByRole('button', { name: 'Create draft' }).click();
    await staff.waitForURL(/\/admin\/products\/p-[0-9a-f]+$/);
    const productId = decodeURIComponent(new URL(staff.url()).pathname.split('/').pop()!);
    await staff.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    await staff.getByLabel('Description').fill('A **steel** bottle for long walks. Keeps water cold all day.');
    await staff.getByRole('button', { name: 'Add option' }).click();
    await staff.getByLabel('Option 1 name').fill('Colour');
    await staff.getByLabel('Option 1 values').fill('Sky, Moss');
    // One row per colour: Moss costs more; both in stock.
    await staff.getByLabel('Price for Colour: Moss', { exact: true }).fill('29.00');
    await staff.getByLabel('Stock for Colour: Sky', { exact: true }).fill('10');
    await staff.getByLabel('Stock for Colour: Moss', { exact: true }).fill('10');
    await staff.getByRole('button', { name: 'Save changes' }).click();
    await staff.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();

    // ---- the model: upload with the progress bar, live status until ready, a labelled hotspot ----
    await staff.getByTestId('open-model-panel').click();
    await staff.getByRole('heading', { level: 1, name: /^3D model: / }).waitFor();
    await staff.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { progressSeen: number[] }).progressSeen = seen;
      new MutationObserver(() => {
        const bar = document.querySelector('[data-testid="upload-progress"]') as HTMLProgressElement | null;
        if (bar && seen.at(-1) !== bar.value) seen.push(bar.value);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await staff.getByLabel('Model file').setInputFiles(WATER_BOTTLE);
    await staff.getByRole('button', { name: 'Upload' }).click();
    await staff.getByTestId('processing').waitFor();
    const seen = await staff.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);
    assert.ok(seen.length >= 1 && seen.at(-1) === 100, `the progress bar reached 100 % (${seen.join(', ')})`);
    // Processing a real model takes minutes on two busy cores.
    await staff.getByText('WaterBottle.glb is ready').waitFor({ timeout: 900_000 });
    await staff.getByTestId('preview').scrollIntoViewIfNeeded();
    await waitForModelLoad(staff);
    const point = await pointOnModel(staff);
    await staff.mouse.click(point.x, point.y);
    await staff.getByLabel('Hotspot 1 label').waitFor();
    await staff.keyboard.type(LABEL);
    await staff.getByRole('button', { name: 'Save hotspots' }).click();
    await staff.getByText('Saved: 1 hotspot is on the product page.').waitFor();
    await staff.screenshot({ path: join(shots, 'model-panel.png'), fullPage: true });

    // ---- publish (the editor reloaded: the upload moved the product to a new version) ----
    await staff.goto(`${baseUrl}/admin/products/${encodeURIComponent(productId)}`);
    await staff.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    await staff.getByRole('button', { name: 'Publish', exact: true }).click();
    await staff.getByRole('status').filter({ hasText: 'Published: shoppers can see it now.' }).waitFor();
    staffWatch.assertClean();

    // ---- the shopper: search, the product page with its 3D view and hotspot, the other colour, buy ----
    const shopper = await newPage();
    const shopperWatch = watchPage(shopper);
    await shopper.goto(`${baseUrl}/`);
    const box = shopper.getByRole('combobox', { name: 'Search products' });
    // A typo, as shoppers make them: the search tolerates it.
    await box.pressSequentially('trailhed', { delay: 30 });
    const suggestions = shopper.getByRole('listbox', { name: 'Products matching your search' });
    await suggestions.getByRole('option', { name: new RegExp(TITLE) }).first().click();
    await shopper.waitForURL((u) => u.pathname === `/p/${SLUG}`);
    await shopper.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    await waitForModelLoad(shopper);
    const hotspot = shopper.getByRole('button', { name: LABEL, exact: true });
    await hotspot.waitFor({ state: 'visible' });
    const canvas = await imageStats(await shopper.getByTestId('model-viewer').screenshot());
    assert.ok(canvas.nonBackground > 0.02, `the 3D view shows the model (${(canvas.nonBackground * 100).toFixed(2)} % of its pixels)`);
    assert.equal(await shopper.getByTestId('product-price').textContent(), money({ amount: 2_400, currency: 'USD' }));
    // The chip (the radio's label) takes the click, as a shopper's finger would.
    await shopper.getByTestId('option-Colour').getByText('Moss', { exact: true }).click();
    assert.equal(await shopper.getByRole('radio', { name: 'Moss' }).isChecked(), true);
    await shopper.waitForFunction((text) => document.querySelector('[data-testid="product-price"]')?.textContent === text, money({ amount: 2_900, currency: 'USD' }));
    await shopper.screenshot({ path: join(shots, 'product.png') });

    await shopper.getByRole('button', { name: 'Add to cart' }).click();
    const drawer = shopper.getByRole('dialog', { name: 'Your cart' });
    await drawer.waitFor();
    assert.equal(await drawer.getByTestId('cart-subtotal').textContent(), money({ amount: 2_900, currency: 'USD' }));
    await drawer.getByRole('link', { name: 'Check out' }).click();
    await shopper.getByRole('heading', { level: 1, name: 'Checkout' }).waitFor();
    await shopper.getByLabel('Email').fill('grace@example.com');
    await shopper.getByLabel('Country').selectOption('US');
    await shopper.getByLabel('Full name').fill(ADDRESS.name);
    await shopper.getByLabel('Address', { exact: true }).fill(ADDRESS.line1);
    await shopper.getByLabel('City').fill(ADDRESS.city);
    await shopper.getByLabel('State').selectOption(ADDRESS.state);
    await shopper.getByLabel('Postal code').fill(ADDRESS.postalCode);
    const quoted = shopper.waitForResponse((r) => r.url().endsWith('/api/checkout/quote') && (r.request().postDataJSON() as { shippingMethod?: string }).shippingMethod === 'standard');
    await shopper.getByRole('radio', { name: /Standard/ }).check();
    await quoted;
    await shopper.waitForFunction(() => document.querySelector('.checkout-summary [aria-busy="true"]') === null);
    const pay = (await shopper.getByRole('button', { name: /^Pay / }).textContent()) ?? '';
    await shopper.getByLabel('Card number').fill(CARD_OK);
    await shopper.getByRole('button', { name: /^Pay / }).click();

    await shopper.waitForURL(/\/orders\/[^/]+$/);
    await shopper.getByRole('heading', { level: 1, name: /Thank you — order #\d+/ }).waitFor();
    const orderId = decodeURIComponent(new URL(shopper.url()).pathname.split('/').pop()!);
    const order = await shopper.evaluate(async (id) => (await fetch(`/api/orders/${encodeURIComponent(id)}`)).json() as Promise<OrderJson>, orderId);
    assert.equal(order.status, 'paid');
    assert.equal(order.lines.length, 1);
    assert.deepEqual([order.lines[0]!.quantity, order.lines[0]!.unitPrice.amount], [1, 2_900], 'one Moss bottle at its own price');
    assert.equal(order.subtotal.amount, 2_900);
    assert.equal(await shopper.getByTestId('total').textContent(), money(order.total), 'the confirmation shows the order’s total');
    assert.equal(pay, `Pay ${money(order.total)}`, 'the shopper was asked for what the order charged');
    shopperWatch.assertClean();

    // ---- the merchant again: the order on the desk, and the dashboard counts it ----
    await staff.goto(`${baseUrl}/admin/orders`);
    await staff.getByRole('link', { name: `#${order.number}`, exact: true }).waitFor();
    await staff.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Dashboard' }).click();
    await staff.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await staff.getByTestId('dashboard-totals').waitFor();
    assert.equal(await staff.getByTestId('total-orders').textContent(), '1');
    assert.equal(await staff.getByTestId('total-revenue').textContent(), money(order.total));
    assert.equal(await staff.getByTestId('funnel-views').textContent(), '1', 'the shopper’s one product page view');
    assert.equal(await staff.getByTestId('funnel-carts').textContent(), '1');
    assert.equal(await staff.getByTestId('funnel-orders').textContent(), '1');
    const top = staff.getByTestId('top-products').locator('tbody tr');
    assert.equal(await top.count(), 1);
    assert.match((await top.first().textContent()) ?? '', new RegExp(`^${TITLE}1${escapeRegExp(money({ amount: 2_900, currency: 'USD' }))}$`));
    const { assets } = await staff.evaluate(async () => (await fetch('/api/admin/dashboard')).json() as Promise<{ assets: { processed: number; sourceBytes: number; optimizedBytes: number } }>);
    assert.equal(assets.processed, 1, 'the uploaded model is the one the pipeline optimised');
    assert.ok(assets.optimizedBytes < assets.sourceBytes, `served ${assets.optimizedBytes} B of ${assets.sourceBytes} B uploaded`);
    assert.match((await staff.getByTestId('total-bytes-saved').textContent()) ?? '', /^[\d.,]+ (KB|MB)$/);
    // Every chart has its one-line summary as its accessible name.
    for (const id of ['sales', 'top-products', 'funnel', 'bytes']) {
      const chart = staff.getByTestId(`chart-${id}`).getByRole('img');
      assert.ok(((await chart.getAttribute('aria-label')) ?? '').length > 10, `chart ${id} has a summary`);
    }
    await staff.screenshot({ path: join(shots, 'dashboard.png'), fullPage: true });
    // At 390 px the page fits: charts follow the width, tables scroll in their own frame.
    await staff.setViewportSize({ width: 390, height: 844 });
    await staff.waitForFunction(() => document.documentElement.scrollWidth <= window.innerWidth);
    await staff.screenshot({ path: join(shots, 'dashboard-390.png'), fullPage: true });
    staffWatch.assertClean();
  });
});


function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
