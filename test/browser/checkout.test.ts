/// <reference lib="dom" />
// (DOM types: the page.evaluate callbacks below run in the browser.)
// Buying in a real browser: Debian's Chromium against the whole shop on its embedded defaults (demo catalog, the
// test payment gateway). A guest adds a product from its page, opens the cart drawer, checks out with a US
// address and the gateway's success card and sees the confirmation with the order's number; a merchant then
// signs in and finds that order in /admin/orders, ships it, and the shopper's order page shows the tracking.
// A declined card keeps the shopper on checkout with the decline message at the card field.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { hashPassword } from '../../src/compute/accounts/passwords.ts';
import { insertAccount } from '../../src/databases/relational/accounts.ts';
import { CHROMIUM, CHROMIUM_ARGS, browserSkip, ensureWebBuilt, money, watchPage, type Money } from './browser-kit.ts';

const skip = browserSkip();
// The gateway's cards (src/compute/payments/test-provider.ts TEST_CARDS), typed as a shopper would.
const CARD_OK = '4242 4242 4242 4242';
const CARD_DECLINED = '4000 0000 0000 0002';
const MERCHANT = { email: 'merchant@example.com', password: 'Merchant-pass-2024' };
const ADDRESS = { name: 'Ada Lovelace', line1: '1 Market Street', city: 'San Francisco', state: 'CA', postalCode: '94107' };

interface Variant { id: string; sku: string; stock: number; price: Money }
interface Detail { slug: string; title: string; variants: Variant[] }
interface OrderJson { id: string; number: number; status: string; total: Money; lines: { sku: string; quantity: number }[] }

describe('checkout in Chromium', { skip, timeout: 300_000 }, () => {
  let baseUrl = '';
  let close: () => Promise<void> = async () => {};
  let browser: Browser | undefined;
  let shots = '';
  const contexts: BrowserContext[] = [];

  const newPage = async (): Promise<Page> => {
    const context = await browser!.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    contexts.push(context);
    return context.newPage();
  };

  before(async () => {
    await ensureWebBuilt();
    shots = mkdtempSync(join(tmpdir(), 'vitrine-checkout-shots-'));
    const { startTestApp } = await import('../helpers/app.ts');
    const app = await startTestApp();
    baseUrl = app.baseUrl;
    close = () => app.close();
    // A staff account, as an admin would grant it: straight into the shop's own database.
    await insertAccount(app.shop.runtime.relational.db, { email: MERCHANT.email, name: 'Mia Merchant', role: 'merchant', passwordHash: await hashPassword(MERCHANT.password) });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await close();
    if (shots && !process.env.KEEP_SCREENSHOTS) rmSync(shots, { recursive: true, force: true });
    else if (shots) console.log(`# screenshots kept in ${shots}`);
  });

  test('a guest buys a product; the confirmation shows the order number; a merchant finds and ships it', async () => {
    const product = await productInStock(baseUrl);
    const page = await newPage();
    const watch = watchPage(page);

    await addToCartFromProductPage(page, baseUrl, product);
    // The drawer is a modal dialog: Esc closes it and focus goes back to the button that opened it.
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Your cart' }).waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Add to cart');

    await page.getByRole('button', { name: 'Cart (1)' }).click();
    const drawer = page.getByRole('dialog', { name: 'Your cart' });
    await drawer.waitFor();
    assert.match((await drawer.textContent()) ?? '', new RegExp(escapeRegExp(product.title)));
    assert.equal(await drawer.getByTestId('cart-subtotal').textContent(), money(product.variant.price));
    await drawer.getByRole('link', { name: 'Check out' }).click();

    await page.getByRole('heading', { level: 1, name: 'Checkout' }).waitFor();
    await fillCheckout(page, 'ada@example.com');
    // Choosing a method re-prices the order: the pay button follows the quote.
    const expressPay = await chooseMethod(page, /Express/, 'express');
    const pay = await chooseMethod(page, /Standard/, 'standard');
    assert.notEqual(pay, expressPay, 'the total changes with the shipping method');
    await page.getByLabel('Card number').fill(CARD_OK);
    await page.screenshot({ path: join(shots, 'checkout.png'), fullPage: true });
    await page.getByRole('button', { name: /^Pay / }).click();

    await page.waitForURL(/\/orders\/[^/]+$/);
    const heading = page.getByRole('heading', { level: 1, name: /Thank you — order #\d+/ });
    await heading.waitFor();
    const orderId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    const order = await page.evaluate(async (id) => (await fetch(`/api/orders/${encodeURIComponent(id)}`)).json() as Promise<OrderJson>, orderId);
    assert.equal(await page.getByTestId('order-number').textContent(), `#${order.number}`, 'the number shown is the order’s number');
    assert.equal(order.status, 'paid');
    assert.deepEqual(order.lines.map((l) => [l.sku, l.quantity]), [[product.variant.sku, 1]]);
    assert.equal(pay, `Pay ${money(order.total)}`, 'the shopper was asked for what the order charged');
    assert.equal(await page.getByTestId('total').textContent(), money(order.total));
    await page.getByRole('button', { name: 'Cart (0)' }).waitFor();
    await page.screenshot({ path: join(shots, 'confirmation.png'), fullPage: true });

    // A guest is not staff: the merchant's pages say so, and their code is never even downloaded.
    await page.getByRole('link', { name: 'Vitrine home' }).click();
    await page.evaluate(() => {
      history.pushState(null, '', '/admin/orders');
      dispatchEvent(new PopStateEvent('popstate'));
    });
    await page.getByRole('heading', { level: 1, name: 'Not allowed' }).waitFor();
    assert.deepEqual(watch.urls.filter((u) => /Admin/.test(u)), [], 'no admin chunk for shoppers');
    watch.assertClean();

    // The merchant signs in (another browser) and finds the order in the list.
    const staff = await newPage();
    const staffWatch = watchPage(staff);
    await staff.goto(`${baseUrl}/account/signin?next=${encodeURIComponent('/admin/orders')}`);
    await staff.getByLabel('Email').fill(MERCHANT.email);
    await staff.getByLabel('Password').fill(MERCHANT.password);
    await staff.getByRole('button', { name: 'Sign in' }).click();
    await staff.waitForURL(/\/admin\/orders$/);
    assert.equal(await staff.getByTestId('account-email').textContent(), MERCHANT.email);
    await staff.getByRole('button', { name: 'Sign out' }).waitFor();
    const row = staff.getByRole('link', { name: `#${order.number}`, exact: true });
    await row.waitFor();
    await staff.screenshot({ path: join(shots, 'admin-orders.png'), fullPage: true });

    // Search by number narrows the list to it.
    await staff.getByLabel('Search').fill(String(order.number));
    await staff.getByRole('button', { name: 'Search' }).click();
    await staff.waitForURL(/[?&]q=/);
    await row.waitFor();

    await row.click();
    await staff.getByRole('heading', { level: 1, name: `Order #${order.number}` }).waitFor();
    await staff.getByLabel('Carrier').fill('UPS');
    await staff.getByLabel('Tracking number').fill('1Z999AA10123456784');
    await staff.getByRole('button', { name: 'Mark as shipped' }).click();
    await staff.getByText('The order is marked as shipped.').waitFor();
    await staff.screenshot({ path: join(shots, 'admin-order.png'), fullPage: true });
    staffWatch.assertClean();

    // The shopper's order page now shows the parcel.
    await page.goto(`${baseUrl}/orders/${encodeURIComponent(orderId)}`);
    const tracking = page.getByTestId('tracking');
    await tracking.waitFor();
    assert.match((await tracking.textContent()) ?? '', /UPS.*1Z999AA10123456784/);
  });

  test('a declined card shows the decline at the card field and places no order', async () => {
    const product = await productInStock(baseUrl);
    const page = await newPage();
    const watch = watchPage(page);
    await addToCartFromProductPage(page, baseUrl, product);
    await page.getByRole('dialog', { name: 'Your cart' }).getByRole('link', { name: 'Check out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Checkout' }).waitFor();
    await fillCheckout(page, 'grace@example.com');
    await page.getByRole('button', { name: /^Pay \$/ }).waitFor();
    const card = page.getByLabel('Card number');
    await card.fill(CARD_DECLINED);
    await page.getByRole('button', { name: /^Pay / }).click();

    const error = page.locator('#card-error');
    await error.waitFor();
    assert.match((await error.textContent()) ?? '', /declined/i);
    assert.equal(await card.getAttribute('aria-invalid'), 'true');
    assert.match((await card.getAttribute('aria-describedby')) ?? '', /\bcard-error\b/);
    assert.equal(new URL(page.url()).pathname, '/checkout', 'still on checkout');
    assert.equal(await page.getByRole('heading', { name: /Thank you/ }).count(), 0);
    await page.getByRole('button', { name: 'Cart (1)' }).waitFor(); // the cart is unchanged
    await page.screenshot({ path: join(shots, 'declined.png'), fullPage: true });
    // Chromium logs the 402 answer itself as a console error: that one is expected here.
    watch.assertClean(/status of 402/);
  });
});

/** The first product whose page opens on an in-stock variant (the page shows the first in-stock variant). */
async function productInStock(baseUrl: string): Promise<{ slug: string; title: string; variant: Variant }> {
  const list = (await (await fetch(`${baseUrl}/api/products`)).json()) as { items: { slug: string }[] };
  for (const item of list.items) {
    const p = (await (await fetch(`${baseUrl}/api/products/${encodeURIComponent(item.slug)}`)).json()) as Detail;
    const variant = p.variants.find((v) => v.stock > 0);
    if (variant) return { slug: p.slug, title: p.title, variant };
  }
  assert.fail('the demo catalog has no product in stock');
}

async function addToCartFromProductPage(page: Page, baseUrl: string, product: { slug: string; title: string; variant: Variant }): Promise<void> {
  await page.goto(`${baseUrl}/p/${encodeURIComponent(product.slug)}?variant=${encodeURIComponent(product.variant.id)}`);
  await page.getByRole('heading', { level: 1, name: product.title }).waitFor();
  await page.getByRole('button', { name: 'Cart (0)' }).waitFor();
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByRole('dialog', { name: 'Your cart' }).waitFor();
  await page.getByRole('button', { name: 'Cart (1)' }).waitFor({ state: 'attached' });
}

async function fillCheckout(page: Page, email: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Country').selectOption('US');
  await page.getByLabel('Full name').fill(ADDRESS.name);
  await page.getByLabel('Address', { exact: true }).fill(ADDRESS.line1);
  await page.getByLabel('City').fill(ADDRESS.city);
  await page.getByLabel('State').selectOption(ADDRESS.state);
  await page.getByLabel('Postal code').fill(ADDRESS.postalCode);
}

/** Picks a shipping method and waits for its quote to be shown; answers the pay button's text. */
async function chooseMethod(page: Page, name: RegExp, id: string): Promise<string> {
  const quoted = page.waitForResponse((r) => r.url().endsWith('/api/checkout/quote') && (r.request().postDataJSON() as { shippingMethod?: string }).shippingMethod === id);
  await page.getByRole('radio', { name }).check();
  await quoted;
  await page.waitForFunction(() => document.querySelector('.checkout-summary [aria-busy="true"]') === null);
  return (await page.getByRole('button', { name: /^Pay / }).textContent()) ?? '';
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
