// The merchant's dashboard over real HTTP on the whole shop, once on PGlite and once on the real Postgres: the view
// beacon (text/plain JSON as navigator.sendBeacon sends it, validated, same-origin only, unknown products ignored),
// then real carts and checkouts with the test card, a partial refund and a cancellation, and the dashboard's answer:
// sales today net of the refund, the cancelled order left out, top products, the funnel views → carts → orders, and
// the 3D pipeline's bytes before and after summed over ready assets. Guests 401, customers 403, a bad range 400.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_CARDS } from '../../src/compute/payments/test-provider.ts';
import { Browser } from '../accounts/client.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { eventually, relationalTargets } from '../relational/targets.ts';

const targets = await relationalTargets();
const PASSWORD = 'Sturdy-passw0rd';
const address = { name: 'Ada Lovelace', line1: '12 St James Square', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' };
let seq = 0;
const tag = `d${process.pid}x${Date.now().toString(36)}`;
const uniqueEmail = (who: string): string => `${who}.${tag}.${++seq}@example.com`;

for (const target of targets) {
  describe(`admin dashboard API on ${target.name}`, { skip: target.skip }, () => {
    let app: TestApp;
    let mug: { id: string; variantId: string; price: number };
    let mugTitle: string;
    const db = () => app.shop.runtime.relational.db;
    let merchant: Browser;

    before(async () => {
      const fresh = await target.fresh();
      app = await startTestApp({
        dataDir: fresh.DATABASE_URL ? undefined : fresh.dataDir,
        env: { ...(fresh.DATABASE_URL ? { DATABASE_URL: fresh.DATABASE_URL } : {}), TRUST_PROXY: '1', PUBLIC_URL: 'http://shop.example.test' },
      });
      const p = (await (await fetch(`${app.baseUrl}/api/products/ceramic-mug`)).json()) as { id: string; title: string; variants: { id: string; price: { amount: number }; stock: number }[] };
      const v = p.variants.reduce((a, b) => (b.stock > a.stock ? b : a));
      mug = { id: p.id, variantId: v.id, price: v.price.amount };
      mugTitle = p.title;
      const email = uniqueEmail('merchant');
      merchant = new Browser(app.baseUrl);
      assert.equal((await merchant.signup(email, PASSWORD, 'Margaret Merchant')).status, 201);
      await db().updateTable('accounts').set({ role: 'merchant' }).where('email', '=', email).execute();
    });
    after(async () => {
      await app?.close();
      await target.cleanup();
    });

    /** As the storefront's beacon sends it: a text/plain body, the page's Origin, no CSRF header, no cookie. */
    const beacon = (body: string, origin: string | null = app.baseUrl) =>
      fetch(`${app.baseUrl}/api/events/view`, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8', ...(origin ? { origin } : {}) }, body });
    const dashboard = async (query = '') => {
      const r = await merchant.call('GET', `/api/admin/dashboard${query}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body;
    };
    async function checkout(b: Browser, quantity: number) {
      if (!b.csrfToken) await b.csrf();
      assert.equal((await b.call('POST', '/api/cart/lines', { variantId: mug.variantId, quantity })).status, 201);
      const r = await b.call('POST', '/api/checkout', { email: uniqueEmail('buyer'), address, shippingMethod: 'standard', payment: { card: TEST_CARDS.success } }, { headers: { 'idempotency-key': `key-${tag}-${++seq}` } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.order as { id: string; total: { amount: number; currency: string } };
    }

    it('counts product views from the beacon, per day and product, and only for products on sale', async () => {
      const before = (await dashboard()).funnel.views;
      for (let i = 0; i < 3; i++) assert.equal((await beacon('{"slug":"ceramic-mug"}')).status, 204);
      assert.equal((await beacon('{"slug":"no-such-product"}')).status, 204, 'an unknown product is ignored, not an error');
      const rows = await db().selectFrom('product_views_daily').selectAll().where('product_id', '=', mug.id).execute();
      assert.equal(rows.length, 1, 'one row per product and day');
      assert.equal(Number(rows[0]!.views), 3);
      assert.equal((await db().selectFrom('product_views_daily').select('product_id').execute()).length, 1, 'no row for the unknown slug');
      assert.equal((await dashboard()).funnel.views, before + 3);
    });

    it('refuses a malformed beacon with the field, and one from another site', async () => {
      const bad = await beacon('{"slug":"Not A Slug!"}');
      assert.equal(bad.status, 400);
      const body = (await bad.json()) as { error: { code: string; fields: { field: string }[] } };
      assert.equal(body.error.code, 'INVALID_REQUEST');
      assert.deepEqual(body.error.fields.map((f) => f.field), ['slug']);
      assert.equal((await beacon('not json')).status, 400);
      assert.equal((await beacon('{"slug":"ceramic-mug","email":"a@b.c"}')).status, 400, 'nothing but the slug is accepted');
      assert.equal((await beacon(JSON.stringify({ slug: 'a'.repeat(2000) }))).status, 413, 'a beacon is small');
      assert.equal((await beacon('{"slug":"ceramic-mug"}', 'https://evil.example')).status, 403);
    });

    it('shows today’s sales net of refunds, top products and the funnel after real checkouts', async () => {
      const start = await dashboard();
      const a = new Browser(app.baseUrl);
      const o1 = await checkout(a, 2);
      const b = new Browser(app.baseUrl);
      const o2 = await checkout(b, 1);
      const c = new Browser(app.baseUrl);
      const o3 = await checkout(c, 1);
      // A cart that never checks out still counts as a cart.
      const d = new Browser(app.baseUrl);
      await d.csrf();
      assert.equal((await d.call('POST', '/api/cart/lines', { variantId: mug.variantId, quantity: 1 })).status, 201);
      assert.equal((await merchant.call('POST', `/api/admin/orders/${o2.id}/refund`, { amount: 100, reason: 'chipped' }, { headers: { 'idempotency-key': `refund-${tag}-1` } })).status, 200);
      assert.equal((await merchant.call('POST', `/api/admin/orders/${o3.id}/cancel`, { reason: 'changed mind' })).status, 200);

      const now = await dashboard();
      assert.equal(now.currency, o1.total.currency);
      assert.equal(now.range, '30d');
      assert.equal(now.sales.length, 30, 'every day of the range, zeros included');
      const today = new Date().toISOString().slice(0, 10);
      assert.equal(now.to, today);
      const todayRow = now.sales.at(-1);
      assert.equal(todayRow.day, today);
      const startToday = start.sales.at(-1);
      assert.equal(todayRow.orders - startToday.orders, 2, 'the cancelled order does not count');
      assert.equal(todayRow.revenue - startToday.revenue, o1.total.amount + o2.total.amount - 100, 'net of the partial refund');
      assert.equal(now.totals.revenue - start.totals.revenue, o1.total.amount + o2.total.amount - 100);
      const top = now.topProducts.find((p: { productId: string }) => p.productId === mug.id);
      assert.ok(top, JSON.stringify(now.topProducts));
      assert.equal(top.title, mugTitle, 'the catalog’s title');
      assert.equal(top.units, 3);
      assert.equal(top.revenue, 3 * mug.price);
      assert.equal(now.funnel.carts - start.funnel.carts, 4, 'three carts that became orders and one left open');
      assert.equal(now.funnel.orders - start.funnel.orders, 2);
    });

    it('sums the 3D pipeline’s bytes before and after over ready assets only', async () => {
      const start = (await dashboard()).assets;
      assert.ok(start.unmeasured > 0, 'the demo catalog’s generated models carry no pipeline report');
      const report = (before: number, after: number) => ({
        validation: { input: { errors: 0, warnings: 0, infos: 0, hints: 0, messages: [], truncated: false } },
        optimisation: { settings: 'test', bytesBefore: before, bytesAfter: after, trianglesBefore: 10, trianglesAfter: 10, fallbacks: [] },
        publishedOriginal: false,
        timingsMs: {},
      });
      const repo = app.shop.runtime.catalog.repo;
      const base = { materialVariants: [], version: 0, updatedAt: new Date().toISOString() };
      await repo.putAsset({ ...base, id: `dash-ready-${tag}`, status: 'ready', bytes: 250_000, report: report(1_000_000, 250_000) });
      await repo.putAsset({ ...base, id: `dash-failed-${tag}`, status: 'failed', report: report(5_000_000, 5_000_000) });
      const now = await eventually(async () => {
        const a = (await dashboard()).assets;
        return a.processed > start.processed ? a : undefined;
      }, 'the read model to see the new asset');
      assert.equal(now.processed - start.processed, 1, 'the failed asset is not counted');
      assert.equal(now.sourceBytes - start.sourceBytes, 1_000_000);
      assert.equal(now.optimizedBytes - start.optimizedBytes, 250_000);
    });

    it('takes a range of 7, 30 or 90 days and refuses anything else at the field', async () => {
      assert.equal((await dashboard('?range=7d')).sales.length, 7);
      assert.equal((await dashboard('?range=90d')).sales.length, 90);
      const bad = await merchant.call('GET', '/api/admin/dashboard?range=1y');
      assert.equal(bad.status, 400);
      assert.deepEqual(bad.body.error.fields.map((f: { field: string }) => f.field), ['range']);
      assert.equal((await merchant.call('GET', '/api/admin/dashboard?range=7d&extra=1')).status, 400);
    });

    it('limits beacons per client address: a script cannot inflate the views', async () => {
      const from = (ip: string) => fetch(`${app.baseUrl}/api/events/view`, { method: 'POST', headers: { 'content-type': 'text/plain', origin: app.baseUrl, 'x-forwarded-for': ip }, body: '{"slug":"ceramic-mug"}' });
      const statuses: number[] = [];
      for (let i = 0; i < 61; i++) statuses.push((await from('10.9.8.7')).status);
      assert.deepEqual(statuses.slice(0, 60), new Array(60).fill(204));
      assert.equal(statuses[60], 429, 'the 61st view within a minute is refused');
      assert.equal((await from('10.9.8.8')).status, 204, 'another shopper is not affected');
    });

    it('is for staff only', async () => {
      assert.equal((await new Browser(app.baseUrl).call('GET', '/api/admin/dashboard')).status, 401);
      const customer = new Browser(app.baseUrl);
      assert.equal((await customer.signup(uniqueEmail('customer'), PASSWORD)).status, 201);
      assert.equal((await customer.call('GET', '/api/admin/dashboard')).status, 403);
    });
  });
}
