// Cart and checkout over HTTP as a shopper's browser sees them, on the whole shop with the demo catalog, once on
// PGlite and once on the real Postgres.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_CARDS } from '../../src/compute/payments/test-provider.ts';
import { stockFor } from '../../src/databases/relational/inventory.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { relationalTargets } from '../relational/targets.ts';

const targets = await relationalTargets();
let app: TestApp;

/** A shopper: a cookie jar over fetch, sending the CSRF token (fetched once, as the storefront does) on state changes. */
function shopper() {
  const jar = new Map<string, string>();
  let csrf: string | undefined;
  const send = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(app.baseUrl + path, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(cookie ? { cookie } : {}), origin: app.baseUrl, ...(csrf && method !== 'GET' ? { 'x-csrf-token': csrf } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const set = res.headers.getSetCookie();
    for (const c of set) {
      const pair = c.split(';')[0] ?? '';
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      // As a browser does: an emptied or expired cookie is gone.
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(c)) jar.delete(name);
      else jar.set(name, value);
      if (name === 'vitrine_session') csrf = undefined; // a new session has its own CSRF token
    }
    const text = await res.text();
    return { status: res.status, headers: res.headers, setCookie: set, // any: response JSON whose fields the assertions below check one by one
    body: text ? (JSON.parse(text) as any) : undefined };
  };
  return {
    hasCookie: (name: string) => jar.has(name),
    async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
      if (method !== 'GET' && csrf === undefined) csrf = (await send('GET', '/api/auth/csrf')).body.csrfToken as string;
      return send(method, path, body, headers);
    },
  };
}

const address = { name: 'Grace Hopper', line1: '350 Fifth Avenue', city: 'New York', region: 'NY', postalCode: '10118', country: 'US' };
type Detail = { variants: { id: string; price: { amount: number }; stock: number }[] };

async function inStockVariant(slug: string): Promise<{ id: string; price: number; stock: number }> {
  const p = (await (await fetch(`${app.baseUrl}/api/products/${slug}`)).json()) as Detail;
  const v = p.variants.find((x) => x.stock >= 3)!;
  return { id: v.id, price: v.price.amount, stock: v.stock };
}

for (const target of targets) {
  describe(`cart and checkout API on ${target.name}`, { skip: target.skip }, () => {
    before(async () => {
      const fresh = await target.fresh();
      app = await startTestApp({ dataDir: fresh.DATABASE_URL ? undefined : fresh.dataDir, env: fresh.DATABASE_URL ? { DATABASE_URL: fresh.DATABASE_URL } : {} });
    });
    after(async () => {
      await app?.close();
      await target.cleanup();
    });

    describe('cart', () => {
      it('starts empty, then keeps lines under an HttpOnly cookie, priced from the catalog', async () => {
        const s = shopper();
        assert.deepEqual((await s.call('GET', '/api/cart')).body.lines, []);
        const v = await inStockVariant('ceramic-mug');
        const added = await s.call('POST', '/api/cart/lines', { variantId: v.id, quantity: 2 });
        assert.equal(added.status, 201);
        assert.match(added.setCookie[0] ?? '', /vitrine_cart=[A-Za-z0-9_-]{32}; .*HttpOnly/i);
        assert.match(added.setCookie[0] ?? '', /SameSite=Lax/i);
        assert.equal(added.headers.get('cache-control'), 'private, no-store');
        assert.equal(added.body.lines[0].quantity, 2);
        assert.equal(added.body.lines[0].unitPrice.amount, v.price);
        assert.equal(added.body.subtotal.amount, v.price * 2);
        const again = await s.call('POST', '/api/cart/lines', { variantId: v.id, quantity: 1 });
        assert.equal(again.body.lines[0].quantity, 3);
        const set = await s.call('PATCH', `/api/cart/lines/${v.id}`, { quantity: 1 });
        assert.equal(set.body.itemCount, 1);
        const removed = await s.call('DELETE', `/api/cart/lines/${v.id}`);
        assert.deepEqual(removed.body.lines, []);
      });

      it('refuses prices from the client, bad quantities and unknown variants with a clear error', async () => {
        const s = shopper();
        const v = await inStockVariant('ceramic-mug');
        const withPrice = await s.call('POST', '/api/cart/lines', { variantId: v.id, quantity: 1, price: 1 });
        assert.equal(withPrice.status, 400);
        assert.match(withPrice.body.error.message, /price/);
        const tooMany = await s.call('POST', '/api/cart/lines', { variantId: v.id, quantity: 100 });
        assert.equal(tooMany.status, 400);
        assert.match(tooMany.body.error.message, /quantity/);
        await s.call('POST', '/api/cart/lines', { variantId: v.id, quantity: 90 });
        const over = await s.call('POST', '/api/cart/lines', { variantId: v.id, quantity: 10 });
        assert.equal(over.status, 400);
        assert.match(over.body.error.message, /at most 99 of one item/);
        const unknown = await s.call('POST', '/api/cart/lines', { variantId: 'nope', quantity: 1 });
        assert.equal(unknown.status, 404);
      });
    });

    describe('checkout', () => {
      it('places one order per Idempotency-Key, charges once, empties the cart and hides the order from others', async () => {
        const s = shopper();
        const v = await inStockVariant('fluted-vase');
        await s.call('POST', '/api/cart/lines', { variantId: v.id, quantity: 1 });
        const quote = await s.call('POST', '/api/checkout/quote', { country: 'US', region: 'NY' });
        assert.equal(quote.status, 200);
        assert.ok(quote.body.shippingOptions.some((o: { id: string }) => o.id === 'standard'));
        const body = { email: 'Grace@Example.com', address, shippingMethod: 'standard', payment: { card: '4242 4242 4242 4242' } };

        const noKey = await s.call('POST', '/api/checkout', body);
        assert.equal(noKey.status, 400);
        assert.match(noKey.body.error.message, /idempotency-key/);

        const badZip = await s.call('POST', '/api/checkout', { ...body, address: { ...address, postalCode: 'X1' } }, { 'idempotency-key': 'attempt-zip-1' });
        assert.equal(badZip.status, 400);
        assert.match(badZip.body.error.message, /address\.postalCode: is not a valid US postal code/);

        const first = await s.call('POST', '/api/checkout', body, { 'idempotency-key': 'attempt-0001' });
        assert.equal(first.status, 201, JSON.stringify(first.body));
        const order = first.body.order;
        assert.equal(order.status, 'paid');
        assert.equal(order.email, 'grace@example.com');
        assert.equal(order.lines[0].unitPrice.amount, v.price);
        assert.equal(order.total.amount, order.subtotal.amount + order.shipping.amount + order.tax.amount);

        const retry = await s.call('POST', '/api/checkout', body, { 'idempotency-key': 'attempt-0001' });
        assert.equal(retry.status, 201);
        assert.equal(retry.headers.get('idempotent-replayed'), 'true');
        assert.deepEqual(retry.body, first.body, 'the same answer, not a second order');
        const db = app.shop.runtime.relational.db;
        const orders = await db.selectFrom('orders').select('id').where('email', '=', 'grace@example.com').execute();
        assert.equal(orders.length, 1);
        const charges = await db.selectFrom('payments').select('id').where('order_id', '=', order.id).execute();
        assert.equal(charges.length, 1, 'charged once');

        const reused = await s.call('POST', '/api/checkout', { ...body, shippingMethod: 'express' }, { 'idempotency-key': 'attempt-0001' });
        assert.equal(reused.status, 422);

        assert.deepEqual((await s.call('GET', '/api/cart')).body.lines, [], 'the cart is emptied');
        assert.equal((await s.call('GET', `/api/orders/${order.id}`)).status, 200);
        assert.equal((await shopper().call('GET', `/api/orders/${order.id}`)).status, 404, 'another shopper cannot see it');
      });

      it('a declined card costs nothing: 402, stock back on the shelf, the cart kept', async () => {
        const s = shopper();
        const v = await inStockVariant('planter');
        const db = app.shop.runtime.relational.db;
        const before = (await stockFor(db, [v.id])).get(v.id);
        await s.call('POST', '/api/cart/lines', { variantId: v.id, quantity: 2 });
        const r = await s.call(
          'POST',
          '/api/checkout',
          { email: 'd@example.com', address, shippingMethod: 'standard', payment: { card: TEST_CARDS.declined } },
          { 'idempotency-key': 'declined-0001' },
        );
        assert.equal(r.status, 402);
        assert.equal(r.body.error.code, 'PAYMENT_DECLINED');
        assert.equal((await stockFor(db, [v.id])).get(v.id), before);
        assert.equal((await s.call('GET', '/api/cart')).body.itemCount, 2);
      });

      it('says out of stock clearly when asking for more than is left', async () => {
        const s = shopper();
        const v = await inStockVariant('serving-bowl');
        await s.call('POST', '/api/cart/lines', { variantId: v.id, quantity: Math.min(99, v.stock + 1) });
        const r = await s.call(
          'POST',
          '/api/checkout',
          { email: 'e@example.com', address, shippingMethod: 'standard', payment: { card: TEST_CARDS.success } },
          { 'idempotency-key': 'oos-000001' },
        );
        assert.equal(r.status, 409);
        assert.equal(r.body.error.code, 'OUT_OF_STOCK');
        assert.match(r.body.error.message, /out of stock/);
      });
    });

    describe('order confirmation', () => {
      it('an order placed while the worker is down is confirmed by email, once, when the worker is back', async () => {
        const { startWorker } = await import('../../src/compute/worker.ts');
        const db = app.shop.runtime.relational.db;
        const s = shopper();
        const v = await inStockVariant('desk-lamp');
        await s.call('POST', '/api/cart/lines', { variantId: v.id, quantity: 1 });
        const r = await s.call(
          'POST',
          '/api/checkout',
          { email: 'worker-down@example.com', address, shippingMethod: 'standard', payment: { card: TEST_CARDS.success } },
          { 'idempotency-key': 'worker-down-1' },
        );
        assert.equal(r.status, 201);
        const inbox = () => db.selectFrom('dev_mailbox').select(['subject', 'text_body']).where('recipient', '=', 'worker-down@example.com').execute();
        assert.deepEqual(await inbox(), [], 'no worker, no mail yet (the event waits in the outbox)');

        const worker = startWorker(app.shop.runtime);
        try {
          for (let i = 0; i < 300 && (await inbox()).length === 0; i++) await new Promise((res) => setTimeout(res, 100));
          const mails = await inbox();
          assert.equal(mails.length, 1);
          assert.match(mails[0]!.subject, new RegExp(`order #${r.body.order.number} confirmed`));
          assert.match(mails[0]!.text_body, /Total paid: \$/);
          // The relay and the worker keep running: the same event is never mailed twice.
          await new Promise((res) => setTimeout(res, 1500));
          assert.equal((await inbox()).length, 1);
        } finally {
          await worker.stop();
        }
      });
    });

    describe('carts and accounts', () => {
      it('a guest cart becomes the customer’s at sign-up, follows them to another device, and leaves the browser at log-out', async () => {
        const v = await inStockVariant('ceramic-mug');
        const w = await inStockVariant('fluted-vase');
        const laptop = shopper();
        await laptop.call('POST', '/api/cart/lines', { variantId: v.id, quantity: 2 });
        const signup = await laptop.call('POST', '/api/auth/signup', { email: 'cart-owner@example.com', password: 'correct horse battery 9' });
        assert.equal(signup.status, 201, JSON.stringify(signup.body));
        assert.equal((await laptop.call('GET', '/api/cart')).body.itemCount, 2, 'the guest cart was kept');

        const phone = shopper();
        await phone.call('POST', '/api/cart/lines', { variantId: w.id, quantity: 1 });
        const login = await phone.call('POST', '/api/auth/login', { email: 'cart-owner@example.com', password: 'correct horse battery 9' });
        assert.equal(login.status, 200);
        const merged = (await phone.call('GET', '/api/cart')).body as { lines: { variantId: string; quantity: number }[] };
        assert.deepEqual(
          merged.lines.map((l) => [l.variantId, l.quantity]).sort(),
          [[v.id, 2], [w.id, 1]].sort(),
          'the phone’s guest lines joined the account’s cart',
        );

        assert.equal((await phone.call('POST', '/api/auth/logout')).status, 204);
        assert.ok(!phone.hasCookie('vitrine_cart'));
        assert.deepEqual((await phone.call('GET', '/api/cart')).body.lines, [], 'the next person on this phone sees an empty cart');
      });
    });
  });
}
