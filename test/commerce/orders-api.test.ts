// Orders after checkout over real HTTP, on the whole shop, once on PGlite and once on the real Postgres: the
// customer's order history and saved addresses (another customer gets 404 for each), and the merchant's order desk
// (list, filter, fulfil with tracking, cancel, refund in part and in full, idempotent per Idempotency-Key, 409 with
// the current status on an illegal move). The shipping confirmation reaches the shopper's mailbox.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_CARDS } from '../../src/compute/payments/test-provider.ts';
import { stockFor } from '../../src/databases/relational/inventory.ts';
import { Browser } from '../accounts/client.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { eventually, relationalTargets } from '../relational/targets.ts';

const targets = await relationalTargets();
const PASSWORD = 'Sturdy-passw0rd';
const address = { name: 'Grace Hopper', line1: '350 Fifth Avenue', city: 'New York', region: 'NY', postalCode: '10118', country: 'US' };
let seq = 0;
const uniqueEmail = (tag: string): string => `${tag}.${process.pid}.${++seq}@example.com`;

for (const target of targets) {
  describe(`orders API on ${target.name}`, { skip: target.skip }, () => {
    let app: TestApp;
    let variant: { id: string; price: number };
    const db = () => app.shop.runtime.relational.db;
    const browser = (): Browser => new Browser(app.baseUrl);

    before(async () => {
      const fresh = await target.fresh();
      app = await startTestApp({
        dataDir: fresh.DATABASE_URL ? undefined : fresh.dataDir,
        env: { ...(fresh.DATABASE_URL ? { DATABASE_URL: fresh.DATABASE_URL } : {}), RUN_WORKER: 'true', TRUST_PROXY: '1', PUBLIC_URL: 'http://shop.example.test' },
      });
      const p = (await (await fetch(`${app.baseUrl}/api/products/ceramic-mug`)).json()) as { variants: { id: string; price: { amount: number }; stock: number }[] };
      const v = p.variants.reduce((a, b) => (b.stock > a.stock ? b : a));
      variant = { id: v.id, price: v.price.amount };
    });
    after(async () => {
      await app?.close();
      await target.cleanup();
    });

    async function customer(): Promise<Browser> {
      const b = browser();
      assert.equal((await b.signup(uniqueEmail('customer'), PASSWORD)).status, 201);
      return b;
    }
    async function merchant(): Promise<Browser> {
      const email = uniqueEmail('merchant');
      const b = browser();
      await b.signup(email, PASSWORD);
      await db().updateTable('accounts').set({ role: 'merchant' }).where('email', '=', email).execute();
      return b;
    }
    async function placeOrder(b: Browser, card: string = TEST_CARDS.success, quantity = 1) {
      if (!b.csrfToken) await b.csrf();
      assert.equal((await b.call('POST', '/api/cart/lines', { variantId: variant.id, quantity })).status, 201);
      const r = await b.call('POST', '/api/checkout', { email: uniqueEmail('buyer'), address, shippingMethod: 'standard', payment: { card } }, { headers: { 'idempotency-key': `key-${++seq}-abcdef` } });
      assert.ok(r.status === 201 || r.status === 202, JSON.stringify(r.body));
      return r.body.order as { id: string; number: number; total: { amount: number }; email: string; status: string };
    }

    describe('the customer', () => {
      it('sees their own order history in pages, newest first; nobody else does', async () => {
        const a = await customer();
        const placed = [await placeOrder(a), await placeOrder(a), await placeOrder(a)];
        const p1 = await a.call('GET', '/api/account/orders?limit=2');
        assert.equal(p1.status, 200);
        assert.equal(p1.headers.get('cache-control'), 'private, no-store');
        assert.deepEqual(p1.body.items.map((o: { number: number }) => o.number), [placed[2]!.number, placed[1]!.number]);
        assert.equal(p1.body.items[0].itemCount, 1);
        assert.equal(p1.body.items[0].total.amount, placed[2]!.total.amount);
        const p2 = await a.call('GET', `/api/account/orders?limit=2&cursor=${p1.body.nextCursor}`);
        assert.deepEqual(p2.body.items.map((o: { number: number }) => o.number), [placed[0]!.number]);
        assert.equal(p2.body.nextCursor, null);
        assert.equal((await a.call('GET', '/api/account/orders?cursor=abc')).status, 400);

        const b = await customer();
        assert.deepEqual((await b.call('GET', '/api/account/orders')).body.items, []);
        const peek = await b.call('GET', `/api/orders/${placed[0]!.id}`);
        assert.equal(peek.status, 404, 'another customer’s order is not found');
        assert.equal(peek.body.error.code, 'NOT_FOUND');
        assert.equal((await browser().call('GET', '/api/account/orders')).status, 401);
        assert.equal((await a.call('GET', `/api/orders/${placed[0]!.id}`)).status, 200, 'the owner still sees it');
      });

      it('saves addresses (validated per country, one default) that another customer can neither read nor change', async () => {
        const a = await customer();
        const home = await a.call('POST', '/api/account/addresses', { label: 'Home', address });
        assert.equal(home.status, 201, JSON.stringify(home.body));
        assert.equal(home.body.isDefault, true);
        const bad = await a.call('POST', '/api/account/addresses', { label: 'Work', address: { ...address, postalCode: 'ABC' } });
        assert.equal(bad.status, 400);
        assert.match(bad.body.error.message, /address\.postalCode: is not a valid US postal code/);
        const work = await a.call('POST', '/api/account/addresses', { label: 'Work', address: { ...address, line1: '1 Wall St' } });
        const moved = await a.call('PATCH', `/api/account/addresses/${work.body.id}`, { isDefault: true });
        assert.equal(moved.status, 200);
        assert.deepEqual((await a.call('GET', '/api/account/addresses')).body.items.map((x: { label: string; isDefault: boolean }) => [x.label, x.isDefault]), [['Home', false], ['Work', true]]);

        const b = await customer();
        assert.deepEqual((await b.call('GET', '/api/account/addresses')).body.items, []);
        const steal = await b.call('PATCH', `/api/account/addresses/${home.body.id}`, { label: 'Mine' });
        assert.equal(steal.status, 404);
        assert.equal((await b.call('DELETE', `/api/account/addresses/${home.body.id}`)).status, 404);
        assert.equal((await browser().call('GET', '/api/account/addresses')).status, 401);
        const deleted = await a.call('DELETE', `/api/account/addresses/${home.body.id}`);
        assert.deepEqual([deleted.status, deleted.body], [204, undefined], 'no content, not even "null"');
        assert.deepEqual((await a.call('GET', '/api/account/addresses')).body.items.map((x: { label: string }) => x.label), ['Work']);
      });

      it('cannot open another customer’s cart, even holding its cookie', async () => {
        const a = await customer();
        const o = await placeOrder(a);
        await a.call('POST', '/api/cart/lines', { variantId: variant.id, quantity: 2 });
        const b = await customer();
        b.cookies.set('vitrine_cart', a.cookies.get('vitrine_cart')!); // a copied cookie
        assert.deepEqual((await b.call('GET', '/api/cart')).body.lines, [], 'reads as an empty cart');
        assert.equal((await b.call('PATCH', `/api/cart/lines/${variant.id}`, { quantity: 1 })).status, 404);
        assert.equal((await b.call('DELETE', `/api/cart/lines/${variant.id}`)).status, 404);
        assert.equal((await b.call('GET', `/api/orders/${o.id}`)).status, 404);
        assert.equal((await a.call('GET', '/api/cart')).body.itemCount, 2, 'the owner’s cart is untouched');
      });

      it('cannot reach the order desk', async () => {
        const c = await customer();
        assert.equal((await c.call('GET', '/api/admin/orders')).status, 403);
        assert.equal((await browser().call('GET', '/api/admin/orders')).status, 401);
        const o = await placeOrder(c);
        const tryFulfil = await c.call('POST', `/api/admin/orders/${o.id}/fulfil`, { carrier: 'UPS', trackingNumber: '1Z' });
        assert.equal(tryFulfil.status, 403);
      });
    });

    describe('the merchant', () => {
      it('finds a guest’s order by status, number and email, and reads it with its history', async () => {
        const guest = browser();
        const o = await placeOrder(guest);
        const m = await merchant();
        const list = await m.call('GET', '/api/admin/orders?status=paid&limit=100');
        assert.equal(list.status, 200);
        assert.ok(list.body.items.some((x: { id: string }) => x.id === o.id));
        assert.ok(list.body.items.every((x: { status: string }) => x.status === 'paid'));
        const byNumber = await m.call('GET', `/api/admin/orders?q=${encodeURIComponent(`#${o.number}`)}`);
        assert.deepEqual(byNumber.body.items.map((x: { id: string }) => x.id), [o.id]);
        const byEmail = await m.call('GET', `/api/admin/orders?q=${encodeURIComponent(o.email.slice(0, 12))}`);
        assert.ok(byEmail.body.items.some((x: { id: string }) => x.id === o.id));
        assert.equal((await m.call('GET', '/api/admin/orders?status=shipped')).status, 400);
        const detail = await m.call('GET', `/api/admin/orders/${o.id}`);
        assert.equal(detail.status, 200);
        assert.deepEqual(detail.body.history.map((h: { from: string | null; to: string }) => [h.from, h.to]), [[null, 'pending_payment'], ['pending_payment', 'paid']]);
        assert.equal((await m.call('GET', '/api/admin/orders/ord_nope')).status, 404);
      });

      it('fulfils with a tracking number the shopper then sees and is mailed; a second fulfil is 409 with the status', async () => {
        const guest = browser();
        const o = await placeOrder(guest);
        const m = await merchant();
        const bad = await m.call('POST', `/api/admin/orders/${o.id}/fulfil`, { carrier: '', trackingNumber: '<script>' });
        assert.equal(bad.status, 400);
        assert.match(bad.body.error.message, /carrier: is required/);
        const done = await m.call('POST', `/api/admin/orders/${o.id}/fulfil`, { carrier: 'UPS', trackingNumber: '1Z999AA10123456784' });
        assert.equal(done.status, 200, JSON.stringify(done.body));
        assert.equal(done.body.status, 'fulfilled');
        assert.equal(done.body.fulfilment.trackingNumber, '1Z999AA10123456784');
        assert.match(done.body.history.at(-1).actor, /^merchant\./);
        const again = await m.call('POST', `/api/admin/orders/${o.id}/fulfil`, { carrier: 'UPS', trackingNumber: '1Z999AA10123456784' });
        assert.equal(again.status, 409);
        assert.equal(again.body.error.code, 'CONFLICT');
        assert.equal(again.body.error.currentStatus, 'fulfilled');
        const seen = await guest.call('GET', `/api/orders/${o.id}`);
        assert.deepEqual([seen.body.status, seen.body.fulfilment.carrier], ['fulfilled', 'UPS']);
        const mail = await eventually(
          async () => db().selectFrom('dev_mailbox').selectAll().where('recipient', '=', o.email).where('subject', 'like', '%has shipped%').executeTakeFirst(),
          'the shipping confirmation',
        );
        assert.match(mail.text_body, /Tracking number: 1Z999AA10123456784/);
        assert.match(mail.text_body, new RegExp(`http://shop.example.test/orders/${o.id}`));
      });

      it('refunds in part and then the rest, once per Idempotency-Key, never more than was paid', async () => {
        const o = await placeOrder(browser());
        const m = await merchant();
        const refund = (body: unknown, key: string) => m.call('POST', `/api/admin/orders/${o.id}/refund`, body, { headers: { 'idempotency-key': key } });
        assert.equal((await m.call('POST', `/api/admin/orders/${o.id}/refund`, { amount: 100 })).status, 400, 'an Idempotency-Key is required');
        const part = await refund({ amount: 100, reason: 'scratched' }, 'refund-part-0001');
        assert.equal(part.status, 200, JSON.stringify(part.body));
        assert.deepEqual([part.body.status, part.body.refunded.amount], ['paid', 100]);
        const replay = await refund({ amount: 100, reason: 'scratched' }, 'refund-part-0001');
        assert.equal(replay.status, 200);
        assert.equal(replay.headers.get('idempotent-replayed'), 'true');
        assert.equal(replay.body.refunded.amount, 100, 'the retry did not refund again');
        assert.equal((await refund({ amount: 200 }, 'refund-part-0001')).status, 422, 'same key, different request');
        const tooMuch = await refund({ amount: o.total.amount }, 'refund-too-much');
        assert.equal(tooMuch.status, 400);
        assert.match(tooMuch.body.error.message, new RegExp(`at most ${o.total.amount - 100} is left`));
        const rest = await refund({}, 'refund-rest-0001');
        assert.deepEqual([rest.body.status, rest.body.refunded.amount], ['refunded', o.total.amount]);
        const more = await refund({ amount: 1 }, 'refund-more-0001');
        assert.equal(more.status, 409);
        assert.equal(more.body.error.currentStatus, 'refunded');
        const rows = await db().selectFrom('payments').select(['amount', 'status']).where('order_id', '=', o.id).where('kind', '=', 'refund').execute();
        assert.deepEqual(rows.map((r) => r.amount).sort((x, y) => x - y), [100, o.total.amount - 100].sort((x, y) => x - y));
      });

      it('cancels: a paid order is refunded and restocked, an unpaid one just restocked, a fulfilled one is 409', async () => {
        const m = await merchant();
        const stock = async () => (await stockFor(db(), [variant.id])).get(variant.id)!;
        const start = await stock();
        const paid = await placeOrder(browser(), TEST_CARDS.success, 2);
        const waiting = await placeOrder(browser(), TEST_CARDS.requiresAction, 1);
        assert.equal(waiting.status, 'pending_payment');
        assert.equal(await stock(), start - 3);
        const c1 = await m.call('POST', `/api/admin/orders/${paid.id}/cancel`, { reason: 'out of gift wrap' });
        assert.equal(c1.status, 200, JSON.stringify(c1.body));
        assert.deepEqual([c1.body.status, c1.body.refunded.amount], ['cancelled', paid.total.amount]);
        const c2 = await m.call('POST', `/api/admin/orders/${waiting.id}/cancel`, {});
        assert.deepEqual([c2.body.status, c2.body.refunded.amount], ['cancelled', 0]);
        assert.equal(await stock(), start, 'all three units are back');
        const shipped = await placeOrder(browser());
        await m.call('POST', `/api/admin/orders/${shipped.id}/fulfil`, { carrier: 'DHL', trackingNumber: 'JD014600006281234567' });
        const late = await m.call('POST', `/api/admin/orders/${shipped.id}/cancel`, {});
        assert.equal(late.status, 409);
        assert.equal(late.body.error.currentStatus, 'fulfilled');
        assert.match(late.body.error.message, /cannot cancel an order that is fulfilled/);
      });
    });
  });
}
