// What happens to an order after checkout, on both databases (PGlite and the real Postgres): fulfil, cancel (the
// stock returns, a paid order is refunded), refunds in part and in full that can never exceed what was paid even
// when they race, and the settling of work a crash or an absent shopper left pending.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { checkout, orderIdFor, PaymentGatewayError, type CheckoutDeps } from '../../src/compute/checkout/checkout.ts';
import { cancel, fulfil, refund, settleStale } from '../../src/compute/orders/operations.ts';
import { TEST_CARDS, TestPaymentProvider } from '../../src/compute/payments/test-provider.ts';
import type { PaymentProvider } from '../../src/compute/payments/provider.ts';
import { addAddress, deleteAddress, listAddresses, MAX_ADDRESSES, updateAddress } from '../../src/databases/relational/addresses.ts';
import { addToCart, createCart } from '../../src/databases/relational/carts.ts';
import { openRelational, type Relational } from '../../src/databases/relational/index.ts';
import { setStock, stockFor } from '../../src/databases/relational/inventory.ts';
import { listAudit } from '../../src/databases/relational/audit.ts';
import { getOrder, listOrders, orderHistory, reserveRefund } from '../../src/databases/relational/orders.ts';
import { defaultStoreSettings } from '../../src/domain/checkout.ts';
import { OrderStateError, RefundAmountError } from '../../src/domain/order.ts';
import { relationalTargets } from '../relational/targets.ts';

const targets = await relationalTargets();
const address = { name: 'Ada Lovelace', line1: '1 Market St', city: 'San Francisco', region: 'CA', postalCode: '94105', country: 'US' };
const staff = { actor: 'merchant@example.com' };

for (const target of targets) {
  describe(`order operations on ${target.name}`, { skip: target.skip }, () => {
    const opened: Relational[] = [];
    after(async () => {
      for (const r of opened) await r.close();
      await target.cleanup();
    });

    let relational: Relational;
    let deps: CheckoutDeps;
    let seq = 0;
    async function db(): Promise<CheckoutDeps> {
      if (deps) return deps;
      relational = await openRelational(await target.fresh());
      opened.push(relational);
      await setStock(relational.db, [{ variantId: 'lamp-black', productId: 'lamp', onHand: 1000 }]);
      deps = {
        db: relational.db,
        settings: defaultStoreSettings('USD', false),
        payments: new TestPaymentProvider(),
        variant: (line) =>
          line.variantId === 'lamp-black'
            ? { productId: 'lamp', sku: 'LAMP-BLACK', title: 'Desk lamp', options: { Colour: 'Black' }, price: { amount: 8900, currency: 'USD' }, published: true }
            : undefined,
      };
      return deps;
    }
    const stock = async () => (await stockFor(deps.db, ['lamp-black'])).get('lamp-black');

    /** A paid order of `quantity` lamps ($89 each, express shipping, California tax), as checkout makes it. */
    async function order(quantity = 1, card: string = TEST_CARDS.success, accountId: string | null = null) {
      const d = await db();
      const cartId = `cart-${++seq}`;
      await createCart(d.db, cartId);
      await addToCart(d.db, cartId, { variantId: 'lamp-black', productId: 'lamp', quantity });
      const r = await checkout(d, { orderId: orderIdFor(cartId, 'k'), cartId, accountId, email: `o${seq}@example.com`, address, shippingMethod: 'express', payment: { type: 'card', token: card } });
      return r.order;
    }

    it('fulfils a paid order with its parcel, records who did it, and refuses to fulfil it twice (with its status)', async () => {
      const o = await order();
      const done = await fulfil(deps, o.id, { carrier: 'UPS', trackingNumber: '1Z999AA10123456784' }, staff);
      assert.equal(done.status, 'fulfilled');
      assert.equal(done.carrier, 'UPS');
      assert.equal(done.trackingNumber, '1Z999AA10123456784');
      assert.ok(done.fulfilledAt instanceof Date);
      const again = await fulfil(deps, o.id, { carrier: 'UPS', trackingNumber: 'X' }, staff).catch((e: unknown) => e);
      assert.ok(again instanceof OrderStateError);
      assert.equal(again.currentStatus, 'fulfilled');
      const history = await orderHistory(deps.db, o.id);
      assert.deepEqual(history.map((h) => [h.from, h.to, h.actor]), [[null, 'pending_payment', null], ['pending_payment', 'paid', null], ['paid', 'fulfilled', 'merchant@example.com']]);
      const events = await deps.db.selectFrom('outbox').select(['topic', 'payload']).where('topic', '=', 'order.fulfilled').execute();
      assert.ok(events.some((e) => (e.payload as { orderId: string; trackingNumber: string }).orderId === o.id && (e.payload as { trackingNumber: string }).trackingNumber === '1Z999AA10123456784'));
    });

    it('cancels a paid order: all of it is refunded through the provider and its stock returns', async () => {
      const before = (await db(), await stock());
      const o = await order(3);
      assert.equal(await stock(), before! - 3);
      const done = await cancel(deps, o, { actor: 'merchant@example.com', note: 'customer asked' });
      assert.equal(done.status, 'cancelled');
      assert.equal(done.refunded, done.total);
      assert.ok(done.cancelledAt instanceof Date);
      assert.equal(await stock(), before, 'the three lamps are back on the shelf');
      const refunds = await deps.db.selectFrom('payments').select(['status', 'amount', 'provider_ref']).where('order_id', '=', o.id).where('kind', '=', 'refund').execute();
      assert.equal(refunds.length, 1);
      assert.equal(refunds[0]!.status, 'succeeded');
      assert.equal(refunds[0]!.amount, o.total);
      assert.match(refunds[0]!.provider_ref ?? '', /^test_re_/);
      await assert.rejects(cancel(deps, done, staff), (e: unknown) => e instanceof OrderStateError && e.currentStatus === 'cancelled');
    });

    it('cancels an order still waiting for payment without a refund, and gives its stock back', async () => {
      const before = (await db(), await stock());
      const o = await order(2, TEST_CARDS.requiresAction);
      assert.equal(o.status, 'pending_payment');
      const done = await cancel(deps, o, staff);
      assert.equal(done.status, 'cancelled');
      assert.equal(done.refunded, 0);
      assert.equal(await stock(), before);
    });

    it('refunds in parts, keeps the status until nothing is left, then refuses more', async () => {
      const o = await order(2);
      const fulfilled = await fulfil(deps, o.id, { carrier: 'DHL', trackingNumber: 'JD0001' }, staff);
      const part = await refund(deps, o.id, 5000, staff);
      assert.equal(part.status, 'fulfilled', 'a partial refund keeps the order fulfilled');
      assert.equal(part.refunded, 5000);
      await assert.rejects(refund(deps, o.id, fulfilled.total, staff), (e: unknown) => e instanceof RefundAmountError && /at most \d+ is left/.test(e.message));
      await assert.rejects(refund(deps, o.id, 0, staff), RefundAmountError);
      const rest = await refund(deps, o.id, undefined, staff);
      assert.equal(rest.status, 'refunded');
      assert.equal(rest.refunded, rest.total);
      await assert.rejects(refund(deps, o.id, 1, staff), (e: unknown) => e instanceof OrderStateError && e.currentStatus === 'refunded');
      const notes = (await orderHistory(deps.db, o.id)).map((h) => h.note ?? '');
      assert.ok(notes.some((n) => n.startsWith('partial refund of $50.00')));
    });

    it('never refunds more than was paid, however many refunds race', async () => {
      const o = await order(1);
      const half = Math.ceil(o.total / 2);
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => refund(deps, o.id, half, staff)));
      const ok = results.filter((r) => r.status === 'fulfilled').length;
      assert.ok(ok >= 1 && ok <= 2, `${ok} refunds of half went through`);
      for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof OrderStateError || r.reason instanceof RefundAmountError, String(r.reason));
      const after = (await getOrder(deps.db, o.id))!;
      const refunded = await deps.db.selectFrom('payments').select('amount').where('order_id', '=', o.id).where('kind', '=', 'refund').where('status', '=', 'succeeded').execute();
      const sum = refunded.reduce((s, r) => s + r.amount, 0);
      assert.equal(after.refunded, sum, 'the order says what the provider gave back');
      assert.ok(sum <= o.total);
    });

    it('a refund whose provider call never answered stays pending, blocks others, and is settled later with the same key', async () => {
      const o = await order(1);
      const keys: string[] = [];
      const flaky: PaymentProvider = {
        name: 'test',
        charge: (r) => deps.payments.charge(r),
        retrieve: (r) => deps.payments.retrieve(r),
        refund: async (ref, amount, key) => {
          keys.push(key);
          if (keys.length === 1) throw new Error('socket hang up');
          return deps.payments.refund(ref, amount, key);
        },
      };
      await assert.rejects(refund({ db: deps.db, payments: flaky }, o.id, 1000, staff), PaymentGatewayError);
      assert.equal((await getOrder(deps.db, o.id))!.refunded, 1000, 'reserved while its outcome is unknown');
      await assert.rejects(refund(deps, o.id, 1000, staff), /still in progress/);
      const settled = await settleStale({ db: deps.db, payments: flaky }, new Date(Date.now() + 5 * 60_000));
      assert.ok(settled.refunds >= 1);
      assert.equal(keys[0], keys[1], 'the retry asks the provider for the same refund');
      const row = await deps.db.selectFrom('payments').select('status').where('order_id', '=', o.id).where('kind', '=', 'refund').executeTakeFirstOrThrow();
      assert.equal(row.status, 'succeeded');
    });

    it('a refund reserved just before a crash is finished by the worker; a cancel too, stock included', async () => {
      const o = await order(2);
      const stockBefore = await stock();
      const asked = { actor: 'merchant@example.com', actorId: null, requestId: 'req-42' };
      await reserveRefund(deps.db, o.id, { cancels: true, requestedBy: asked }); // the process dies here
      assert.equal((await getOrder(deps.db, o.id))!.status, 'paid');
      await settleStale(deps, new Date(Date.now() + 5 * 60_000));
      const done = (await getOrder(deps.db, o.id))!;
      assert.equal(done.status, 'cancelled');
      assert.equal(await stock(), stockBefore! + 2);
      const entry = (await listAudit(deps.db, { target: { type: 'order', id: o.id }, limit: 5 })).items[0]!;
      assert.deepEqual([entry.action, entry.actor.email, entry.actor.requestId], ['order.cancel', 'merchant@example.com', 'req-42'], 'the worker names who asked');
    });

    it('settles orders abandoned at payment: from the provider when charged, else failed with their stock back', async () => {
      const stockBefore = (await db(), await stock());
      const withStep = await order(1, TEST_CARDS.requiresAction); // the shopper never came back from 3-D Secure
      const { placeOrder } = await import('../../src/databases/relational/orders.ts');
      const { priceLines, computeTotals } = await import('../../src/domain/checkout.ts');
      const lines = priceLines([{ variantId: 'lamp-black', productId: 'lamp', quantity: 4 }], deps.variant, 'USD');
      await placeOrder(deps.db, { id: 'ord-crashed', accountId: null, cartId: null, email: 'x@example.com', lines, totals: computeTotals(deps.settings, lines, address, 'standard'), shippingMethod: 'standard', address, paymentProvider: 'test' });
      assert.equal(await stock(), stockBefore! - 5);
      assert.equal((await settleStale(deps, new Date())).orders, 0, 'nothing is settled while the shopper may still come back');
      const r = await settleStale(deps, new Date(Date.now() + 2 * 60 * 60_000));
      assert.equal(r.orders, 2);
      assert.equal((await getOrder(deps.db, withStep.id))!.status, 'paid', 'the test gateway reports the step done');
      assert.equal((await getOrder(deps.db, 'ord-crashed'))!.status, 'payment_failed');
      assert.equal(await stock(), stockBefore! - 1);
    });

    it('lists orders newest first in keyset pages, per customer, by status and by number or email', async () => {
      await db();
      const mine = [await order(1, TEST_CARDS.success, 'acct-list'), await order(1, TEST_CARDS.success, 'acct-list'), await order(1, TEST_CARDS.success, 'acct-list')];
      const p1 = await listOrders(deps.db, { accountId: 'acct-list', limit: 2 });
      assert.deepEqual(p1.items.map((o) => o.id), [mine[2]!.id, mine[1]!.id]);
      assert.equal(p1.items[0]!.itemCount, 1);
      const p2 = await listOrders(deps.db, { accountId: 'acct-list', limit: 2, before: p1.nextBefore! });
      assert.deepEqual(p2.items.map((o) => o.id), [mine[0]!.id]);
      assert.equal(p2.nextBefore, null);
      assert.deepEqual((await listOrders(deps.db, { accountId: 'someone-else', limit: 10 })).items, []);
      const byNumber = await listOrders(deps.db, { text: `#${mine[1]!.number}`, limit: 10 });
      assert.deepEqual(byNumber.items.map((o) => o.id), [mine[1]!.id]);
      const byEmail = await listOrders(deps.db, { text: mine[0]!.email.toUpperCase().slice(0, 4), limit: 50 });
      assert.ok(byEmail.items.some((o) => o.id === mine[0]!.id));
      assert.deepEqual((await listOrders(deps.db, { text: '%', limit: 10 })).items, [], 'LIKE wildcards are matched literally');
      const cancelled = await listOrders(deps.db, { status: 'cancelled', limit: 100 });
      assert.ok(cancelled.items.every((o) => o.status === 'cancelled'));
    });

    it('keeps addresses per account: one default, at most the limit, invisible to other accounts', async () => {
      const d = await db();
      const [a, b] = [randomUUID(), randomUUID()];
      await d.db
        .insertInto('accounts')
        .values([a, b].map((id, i) => ({ id, email: `addr-${i}@example.com`, name: null, password_hash: 'unused' })))
        .execute();
      const home = await addAddress(d.db, a, { label: 'Home', address });
      assert.equal(home.isDefault, true, 'the first address is the default');
      const work = await addAddress(d.db, a, { label: 'Work', address: { ...address, line1: '2 Market St' }, isDefault: true });
      assert.deepEqual((await listAddresses(d.db, a)).map((a) => [a.label, a.isDefault]), [['Home', false], ['Work', true]]);
      assert.equal(await updateAddress(d.db, b, home.id, { label: 'Mine now' }), undefined);
      assert.equal(await deleteAddress(d.db, b, work.id), false);
      assert.deepEqual(await listAddresses(d.db, b), []);
      assert.equal(await deleteAddress(d.db, a, work.id), true);
      assert.deepEqual((await listAddresses(d.db, a)).map((a) => [a.label, a.isDefault]), [['Home', true]], 'the default moves on');
      for (let i = 1; i < MAX_ADDRESSES; i++) await addAddress(d.db, a, { label: `A${i}`, address });
      await assert.rejects(addAddress(d.db, a, { label: 'one too many', address }), /at most 20/);
    });
  });
}
