// The audit log over real HTTP, on PGlite and on the real Postgres: staff actions leave an entry with who, which
// request, on what, and the state before and after; a refused action leaves none; only admins read the log.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_CARDS } from '../../src/compute/payments/test-provider.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { relationalTargets } from '../relational/targets.ts';
import { Browser } from './client.ts';

const PASSWORD = 'Sturdy-passw0rd';
const address = { name: 'Ada Lovelace', line1: '1 Market St', city: 'San Francisco', region: 'CA', postalCode: '94105', country: 'US' };
let seq = 0;
const uniqueEmail = (tag: string): string => `${tag}.${process.pid}.${++seq}@example.com`;

for (const target of await relationalTargets()) {
  describe(`audit log on ${target.name}`, { skip: target.skip }, () => {
    let app: TestApp;
    before(async () => {
      const fresh = await target.fresh();
      app = await startTestApp({ dataDir: fresh.DATABASE_URL ? undefined : fresh.dataDir, env: { ...(fresh.DATABASE_URL ? { DATABASE_URL: fresh.DATABASE_URL } : {}), TRUST_PROXY: '1' } });
    });
    after(async () => {
      await app?.close();
      await target.cleanup();
    });

    async function account(role: 'customer' | 'merchant' | 'admin'): Promise<{ b: Browser; email: string }> {
      const b = new Browser(app.baseUrl);
      const email = uniqueEmail(role);
      assert.equal((await b.signup(email, PASSWORD)).status, 201);
      if (role !== 'customer') await app.shop.runtime.relational.db.updateTable('accounts').set({ role }).where('email', '=', email).execute();
      return { b, email };
    }

    it('records order moves, refunds, role changes and replays with actor, request and before/after; admins only read it', async () => {
      const p = (await (await fetch(`${app.baseUrl}/api/products/ceramic-mug`)).json()) as { variants: { id: string; stock: number }[] };
      const guest = new Browser(app.baseUrl);
      await guest.csrf();
      await guest.call('POST', '/api/cart/lines', { variantId: p.variants.find((v) => v.stock > 0)!.id, quantity: 1 });
      const placed = await guest.call('POST', '/api/checkout', { email: 'buyer@example.com', address, shippingMethod: 'standard', payment: { card: TEST_CARDS.success } }, { headers: { 'idempotency-key': 'audit-checkout-1' } });
      const orderId = placed.body.order.id as string;

      const merchant = await account('merchant');
      const fulfilled = await merchant.b.call('POST', `/api/admin/orders/${orderId}/fulfil`, { carrier: 'UPS', trackingNumber: '1Z999' });
      assert.equal(fulfilled.status, 200);
      assert.equal((await merchant.b.call('POST', `/api/admin/orders/${orderId}/fulfil`, { carrier: 'UPS', trackingNumber: '1Z999' })).status, 409);
      await merchant.b.call('POST', `/api/admin/orders/${orderId}/refund`, { amount: 100, reason: 'late' }, { headers: { 'idempotency-key': 'audit-refund-1' } });

      const admin = await account('admin');
      const customer = await account('customer');
      await admin.b.call('POST', '/api/admin/staff', { email: customer.email, role: 'merchant' });
      await admin.b.call('POST', '/api/admin/jobs/dead/replay', { all: true });

      assert.equal((await merchant.b.call('GET', '/api/admin/audit')).status, 403, 'merchants do not read the audit log');
      const log = await admin.b.call('GET', '/api/admin/audit?limit=20');
      assert.equal(log.status, 200, JSON.stringify(log.body));
      const actions = log.body.items.map((e: { action: string }) => e.action);
      assert.deepEqual(actions, ['jobs.replay', 'account.role', 'order.refund', 'order.fulfil'], 'newest first; the refused fulfil left nothing');

      const [replay, role, refund, fulfil] = log.body.items;
      assert.deepEqual([fulfil.actor.email, fulfil.target], [merchant.email, { type: 'order', id: orderId }]);
      assert.equal(fulfil.actor.requestId, fulfilled.headers.get('x-request-id'), 'joins the access log');
      assert.deepEqual([fulfil.before.status, fulfil.after.status, fulfil.after.trackingNumber], ['paid', 'fulfilled', '1Z999']);
      assert.deepEqual([refund.before.refunded, refund.after.refunded, refund.after.amount], [0, 100, 100]);
      assert.deepEqual([role.before.role, role.after.role, role.actor.email], ['customer', 'merchant', admin.email]);
      assert.deepEqual(replay.after, { replayed: 0 });

      const forOrder = await admin.b.call('GET', `/api/admin/audit?targetType=order&targetId=${orderId}`);
      assert.deepEqual(forOrder.body.items.map((e: { action: string }) => e.action), ['order.refund', 'order.fulfil']);
      assert.equal((await admin.b.call('GET', '/api/admin/audit?targetType=order')).status, 400);
      const page = await admin.b.call('GET', '/api/admin/audit?limit=2');
      const next = await admin.b.call('GET', `/api/admin/audit?limit=2&cursor=${page.body.nextCursor}`);
      assert.deepEqual(next.body.items.map((e: { action: string }) => e.action), ['order.refund', 'order.fulfil']);
    });
  });
}
