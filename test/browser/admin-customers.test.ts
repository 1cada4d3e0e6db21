/// <reference lib="dom" />
// The merchant's customers in a real browser (Debian's Chromium, the whole shop with its demo catalog, no background
// worker): a customer signs up and checks out with the test card; a merchant finds them by email from the admin's
// navigation using the keyboard, opens their detail (figures, saved address, the order) and follows the order to the
// order desk. No console errors, nothing off-origin.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { hashPassword } from '../../src/compute/accounts/passwords.ts';
import { TEST_CARDS } from '../../src/compute/payments/test-provider.ts';
import { insertAccount } from '../../src/databases/relational/accounts.ts';
import { Browser as ApiClient } from '../accounts/client.ts';
import type { TestApp } from '../helpers/app.ts';
import { CHROMIUM, CHROMIUM_ARGS, browserSkip, ensureWebBuilt, money, watchPage } from './browser-kit.ts';

const skip = browserSkip();
const MERCHANT = { email: 'max.customers@example.com', password: 'Merchant-pass-2024' };
const CUSTOMER = { email: 'grace.hopper.customers@example.com', password: 'Sturdy-passw0rd', name: 'Grace Hopper' };
const address = { name: 'Grace Hopper', line1: '350 Fifth Avenue', city: 'New York', region: 'NY', postalCode: '10118', country: 'US' };

describe('the merchant’s customers in Chromium', { skip, timeout: 300_000 }, () => {
  let app: TestApp | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let order: { id: string; number: number; total: { amount: number; currency: string } };

  before(async () => {
    await ensureWebBuilt();
    const { startTestApp } = await import('../helpers/app.ts');
    app = await startTestApp({ env: { RUN_WORKER: 'false' } });
    const db = app.shop.runtime.relational.db;
    await insertAccount(db, { email: MERCHANT.email, name: 'Max Merchant', role: 'merchant', passwordHash: await hashPassword(MERCHANT.password) });

    // The customer, through the API as the storefront would: sign up, save an address, buy a mug with the test card.
    const shopper = new ApiClient(app.baseUrl);
    assert.equal((await shopper.signup(CUSTOMER.email, CUSTOMER.password, CUSTOMER.name)).status, 201);
    assert.equal((await shopper.call('POST', '/api/account/addresses', { label: 'Office', address })).status, 201);
    const p = (await (await fetch(`${app.baseUrl}/api/products/ceramic-mug`)).json()) as { variants: { id: string; stock: number }[] };
    const v = p.variants.reduce((a, b) => (b.stock > a.stock ? b : a));
    assert.equal((await shopper.call('POST', '/api/cart/lines', { variantId: v.id, quantity: 1 })).status, 201);
    const placed = await shopper.call('POST', '/api/checkout', { email: CUSTOMER.email, address, shippingMethod: 'standard', payment: { card: TEST_CARDS.success } }, { headers: { 'idempotency-key': 'browser-customers-0001' } });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    order = placed.body.order;

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await app?.close();
  });

  test('a merchant finds a customer by email, opens their detail and follows their order', async () => {
    const page = await context!.newPage();
    const watch = watchPage(page);
    await page.goto(`${app!.baseUrl}/account/signin?next=${encodeURIComponent('/admin/orders')}`);
    await page.getByLabel('Email').fill(MERCHANT.email);
    await page.getByLabel('Password').fill(MERCHANT.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/admin\/orders$/);

    const sections = page.getByRole('navigation', { name: 'Admin sections' });
    await sections.getByRole('link', { name: 'Customers' }).click();
    await page.waitForURL(/\/admin\/customers$/);
    await page.getByRole('heading', { level: 1, name: 'Customers' }).waitFor();
    assert.equal(await sections.getByRole('link', { name: 'Customers' }).getAttribute('aria-current'), 'page');
    await page.getByTestId('admin-customers').waitFor();

    // Keyboard only: type part of the email in the labelled search box, Enter submits; the search lives in the URL.
    await page.getByRole('searchbox', { name: 'Search' }).focus();
    await page.keyboard.type('GRACE.HOPPER');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/admin\/customers\?q=GRACE\.HOPPER$/);
    const rows = page.getByTestId('admin-customers').locator('tbody tr');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="admin-customers"] tbody tr').length === 1);
    const row = rows.first();
    assert.equal(await row.getByRole('rowheader').textContent(), CUSTOMER.email);
    const cells = await row.getByRole('cell').allTextContents();
    assert.equal(cells[0], CUSTOMER.name);
    assert.equal(cells[2], '1', 'one paid order');
    assert.equal(cells[3], money(order.total));

    const link = row.getByRole('link', { name: CUSTOMER.email });
    await link.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/admin\/customers\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { level: 1, name: CUSTOMER.name }).waitFor();
    assert.equal(await sections.getByRole('link', { name: 'Customers' }).getAttribute('aria-current'), 'true');
    const facts = (await page.getByTestId('customer-facts').textContent()) ?? '';
    assert.match(facts, new RegExp(`Email${CUSTOMER.email.replace(/\./g, '\\.')}`));
    assert.match(facts, /Paid orders1/);
    assert.ok(facts.includes(`Total spent${money(order.total)}`), facts);
    const addresses = page.getByRole('region', { name: 'Addresses' });
    assert.match((await addresses.textContent()) ?? '', /Office.*Default.*350 Fifth Avenue/s);
    const orders = page.getByTestId('customer-orders');
    assert.equal(await orders.locator('tbody tr').count(), 1);
    assert.match((await orders.locator('tbody tr').first().textContent()) ?? '', /Paid/);

    // Narrow screens: the page itself never scrolls sideways (wide tables scroll inside their own frame).
    await page.setViewportSize({ width: 360, height: 800 });
    const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    // KEEP_SCREENSHOTS=1 keeps them, as in the other admin browser tests.
    const shots = process.env.KEEP_SCREENSHOTS ? mkdtempSync(join(tmpdir(), 'vitrine-admin-customers-shots-')) : '';
    if (shots) await page.screenshot({ path: join(shots, 'admin-customer-360.png'), fullPage: true });
    assert.ok(fits, 'the customer page fits 360 px');
    await page.setViewportSize({ width: 1280, height: 900 });
    if (shots) {
      await page.screenshot({ path: join(shots, 'admin-customer-1280.png'), fullPage: true });
      console.log(`# screenshots kept in ${shots}`);
    }

    await orders.getByRole('link', { name: `#${order.number}` }).click();
    await page.waitForURL(new RegExp(`/admin/orders/${order.id}$`));
    await page.getByRole('heading', { level: 1, name: `Order #${order.number}` }).waitFor();
    watch.assertClean();
  });
});
