// The merchant's customers over real HTTP, on the whole shop, once on PGlite and once on the real Postgres: search
// by email or name, pages that join up newest first, each customer's paid orders and spend after real checkouts with
// the test card (a partial refund subtracted, a cancelled order left out), the detail with addresses and orders,
// staff and guests never shown as customers, 401/403/404, and no password hash in any answer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_CARDS } from '../../src/compute/payments/test-provider.ts';
import { Browser } from '../accounts/client.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { relationalTargets } from '../relational/targets.ts';

const targets = await relationalTargets();
const PASSWORD = 'Sturdy-passw0rd';
const address = { name: 'Ada Lovelace', line1: '12 St James Square', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' };
let seq = 0;
const tag = `c${process.pid}x${Date.now().toString(36)}`;
const uniqueEmail = (who: string): string => `${who}.${tag}.${++seq}@example.com`;

interface Summary {
  id: string;
  email: string;
  name: string | null;
  role: string;
  createdAt: string;
  paidOrders: number;
  totalSpent: { amount: number; currency: string };
  lastOrderAt: string | null;
}

/** Nothing that looks like a password hash, a session or a reset token may leave the API. */
function assertNoSecrets(body: unknown): void {
  const text = JSON.stringify(body);
  assert.doesNotMatch(text, /password|argon2|\$argon|token|session/i, text.slice(0, 300));
}

for (const target of targets) {
  describe(`admin customers API on ${target.name}`, { skip: target.skip }, () => {
    let app: TestApp;
    let variant: { id: string; price: number };
    const db = () => app.shop.runtime.relational.db;
    const browser = (): Browser => new Browser(app.baseUrl);
    let merchant: Browser;
    let merchantEmail: string;

    before(async () => {
      const fresh = await target.fresh();
      app = await startTestApp({
        dataDir: fresh.DATABASE_URL ? undefined : fresh.dataDir,
        env: { ...(fresh.DATABASE_URL ? { DATABASE_URL: fresh.DATABASE_URL } : {}), TRUST_PROXY: '1', PUBLIC_URL: 'http://shop.example.test' },
      });
      const p = (await (await fetch(`${app.baseUrl}/api/products/ceramic-mug`)).json()) as { variants: { id: string; price: { amount: number }; stock: number }[] };
      const v = p.variants.reduce((a, b) => (b.stock > a.stock ? b : a));
      variant = { id: v.id, price: v.price.amount };
      merchantEmail = uniqueEmail('merchant');
      merchant = browser();
      assert.equal((await merchant.signup(merchantEmail, PASSWORD, 'Margaret Merchant')).status, 201);
      await db().updateTable('accounts').set({ role: 'merchant' }).where('email', '=', merchantEmail).execute();
    });
    after(async () => {
      await app?.close();
      await target.cleanup();
    });

    async function customer(email = uniqueEmail('customer'), name?: string): Promise<Browser> {
      const b = browser();
      assert.equal((await b.signup(email, PASSWORD, name)).status, 201);
      return b;
    }
    async function checkout(b: Browser, quantity = 1) {
      if (!b.csrfToken) await b.csrf();
      assert.equal((await b.call('POST', '/api/cart/lines', { variantId: variant.id, quantity })).status, 201);
      const r = await b.call('POST', '/api/checkout', { email: uniqueEmail('buyer'), address, shippingMethod: 'standard', payment: { card: TEST_CARDS.success } }, { headers: { 'idempotency-key': `key-${tag}-${++seq}` } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.order.status, 'paid');
      return r.body.order as { id: string; number: number; total: { amount: number; currency: string } };
    }
    const list = async (query: string) => {
      const r = await merchant.call('GET', `/api/admin/customers${query}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assertNoSecrets(r.body);
      return r.body as { items: Summary[]; nextCursor: string | null };
    };

    it('totals a customer’s paid orders after checkouts, less a partial refund, without the cancelled one', async () => {
      const email = uniqueEmail('ada');
      const ada = await customer(email, 'Ada Lovelace');
      const o1 = await checkout(ada);
      const o2 = await checkout(ada, 2);
      const o3 = await checkout(ada);
      assert.equal((await merchant.call('POST', `/api/admin/orders/${o2.id}/refund`, { amount: 100, reason: 'chipped' }, { headers: { 'idempotency-key': `refund-${tag}-0001` } })).status, 200);
      assert.equal((await merchant.call('POST', `/api/admin/orders/${o3.id}/cancel`, { reason: 'changed mind' })).status, 200);
      assert.equal((await ada.call('POST', '/api/account/addresses', { label: 'Home', address })).status, 201);

      const found = await list(`?q=${encodeURIComponent(email.toUpperCase())}`);
      assert.equal(found.items.length, 1, 'the email matches case-insensitively');
      const row = found.items[0]!;
      assert.equal(row.email, email);
      assert.equal(row.name, 'Ada Lovelace');
      assert.equal(row.role, 'customer');
      assert.equal(row.paidOrders, 2, 'the cancelled order does not count');
      assert.deepEqual(row.totalSpent, { amount: o1.total.amount + o2.total.amount - 100, currency: o1.total.currency });
      assert.ok(row.lastOrderAt && Date.parse(row.lastOrderAt) >= Date.parse(row.createdAt));

      assert.deepEqual((await list(`?q=${encodeURIComponent('%')}`)).items, [], 'a % is a literal character, not a wildcard');
      assert.deepEqual((await list(`?q=${encodeURIComponent('ada_')}`)).items, [], 'so is an underscore');
      const byName = await list(`?q=${encodeURIComponent('LOVEL')}`);
      assert.ok(byName.items.some((c) => c.id === row.id), 'found by part of the name');

      const detail = await merchant.call('GET', `/api/admin/customers/${row.id}`);
      assert.equal(detail.status, 200, JSON.stringify(detail.body));
      assert.equal(detail.headers.get('cache-control'), 'private, no-store');
      assertNoSecrets(detail.body);
      assert.equal(detail.body.paidOrders, 2);
      assert.deepEqual(detail.body.totalSpent, row.totalSpent, 'list and detail agree');
      assert.deepEqual(detail.body.orders.map((o: { id: string; status: string }) => [o.id, o.status]), [[o3.id, 'cancelled'], [o2.id, 'paid'], [o1.id, 'paid']]);
      assert.equal(detail.body.moreOrders, false);
      assert.deepEqual(detail.body.addresses.map((a: { label: string; isDefault: boolean; address: { city: string } }) => [a.label, a.isDefault, a.address.city]), [['Home', true, 'London']]);
    });

    it('pages newest first with a cursor; the pages join up without gaps or repeats', async () => {
      const pageTag = `pg${++seq}`;
      const made: string[] = [];
      for (let i = 0; i < 5; i++) {
        const email = uniqueEmail(pageTag);
        await customer(email);
        made.push(email);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: { items: Summary[]; nextCursor: string | null } = await list(`?q=${pageTag}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        assert.ok(page.items.length <= 2);
        seen.push(...page.items.map((c) => c.email));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      assert.equal(pages, 3);
      assert.deepEqual(seen, [...made].reverse(), 'newest first, each once');
      const fresh = await list(`?q=${pageTag}&limit=2`);
      for (let i = 1; i < fresh.items.length; i++) assert.ok(fresh.items[i - 1]!.createdAt >= fresh.items[i]!.createdAt);
      const none = await list(`?q=${pageTag}&cursor=00000000-0000-4000-8000-000000000000`);
      assert.deepEqual(none, { items: [], nextCursor: null }, 'an unknown cursor is an empty page, not the first again');
    });

    it('lists accounts only: staff only when asked for by role, guests never', async () => {
      const guest = browser();
      const guestOrder = await checkout(guest);
      const orderEmail = (await merchant.call('GET', `/api/admin/orders/${guestOrder.id}`)).body.email as string;
      assert.deepEqual((await list(`?q=${encodeURIComponent(orderEmail)}`)).items, [], 'a guest checkout is not a customer account');
      assert.deepEqual((await list(`?q=${encodeURIComponent(merchantEmail)}`)).items, [], 'staff are not customers');
      const staff = await list(`?role=merchant&q=${encodeURIComponent(merchantEmail)}`);
      assert.deepEqual(staff.items.map((c) => [c.email, c.role]), [[merchantEmail, 'merchant']]);
      const merchantId = staff.items[0]!.id;
      const asCustomer = await merchant.call('GET', `/api/admin/customers/${merchantId}`);
      assert.equal(asCustomer.status, 404, 'a staff id is not a customer');
      assert.equal(asCustomer.body.error.code, 'NOT_FOUND');
    });

    it('answers 401 to guests, 403 to customers, 404 to unknown ids and 400 to bad input', async () => {
      const email = uniqueEmail('curious');
      const c = await customer(email);
      const id = (await list(`?q=${encodeURIComponent(email)}`)).items[0]!.id;
      for (const path of ['/api/admin/customers', `/api/admin/customers/${id}`]) {
        assert.equal((await browser().call('GET', path)).status, 401, path);
        const denied = await c.call('GET', path);
        assert.equal(denied.status, 403, path);
        assertNoSecrets(denied.body);
      }
      const unknown = await merchant.call('GET', '/api/admin/customers/00000000-0000-4000-8000-000000000000');
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.error.code, 'NOT_FOUND');
      assert.equal((await merchant.call('GET', '/api/admin/customers/not-an-id')).status, 400);
      assert.equal((await merchant.call('GET', '/api/admin/customers?cursor=abc')).status, 400);
      assert.equal((await merchant.call('GET', `/api/admin/customers?q=${'a'.repeat(255)}`)).status, 400);
      assert.equal((await merchant.call('GET', '/api/admin/customers?limit=101')).status, 400);
      assert.equal((await merchant.call('GET', '/api/admin/customers?role=root')).status, 400);
      assert.equal((await merchant.call('GET', '/api/admin/customers?sort=email')).status, 400, 'unknown parameters are refused');
    });
  });
}
