// The checkout workflow on both databases (PGlite and the real Postgres): the last units go to exactly as many
// shoppers as there are units, a declined card gives the stock back, and the extra payment step settles.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { checkout, confirmPayment, orderIdFor, type CheckoutDeps } from '../../src/compute/checkout/checkout.ts';
import { TEST_CARDS, TestPaymentProvider } from '../../src/compute/payments/test-provider.ts';
import { addToCart, cartLines, createCart } from '../../src/databases/relational/carts.ts';
import { openRelational, type Relational } from '../../src/databases/relational/index.ts';
import { setStock, stockFor } from '../../src/databases/relational/inventory.ts';
import { OutOfStockError } from '../../src/databases/relational/orders.ts';
import { defaultStoreSettings } from '../../src/domain/checkout.ts';
import { relationalTargets } from '../relational/targets.ts';

const targets = await relationalTargets();
const address = { name: 'Ada Lovelace', line1: '1 Market St', city: 'San Francisco', region: 'CA', postalCode: '94105', country: 'US' };
const card = (token: string) => ({ type: 'card' as const, token });

for (const target of targets) {
  describe(`checkout on ${target.name}`, { skip: target.skip }, () => {
    const opened: Relational[] = [];
    after(async () => {
      for (const r of opened) await r.close();
      await target.cleanup();
    });

    async function setup(stock: number): Promise<CheckoutDeps & { relational: Relational }> {
      const relational = await openRelational(await target.fresh());
      opened.push(relational);
      await setStock(relational.db, [{ variantId: 'lamp-black', productId: 'lamp', onHand: stock }]);
      return {
        relational,
        db: relational.db,
        settings: defaultStoreSettings('USD', false),
        payments: new TestPaymentProvider(),
        variant: (line) =>
          line.variantId === 'lamp-black'
            ? { productId: 'lamp', sku: 'LAMP-BLACK', title: 'Desk lamp', options: { Colour: 'Black' }, price: { amount: 8900, currency: 'USD' }, published: true }
            : undefined,
      };
    }

    async function cartWith(deps: CheckoutDeps, id: string, quantity = 1): Promise<string> {
      await createCart(deps.db, id);
      await addToCart(deps.db, id, { variantId: 'lamp-black', productId: 'lamp', quantity });
      return id;
    }

    it('sells the last 10 units to exactly 10 of 200 concurrent shoppers', async () => {
      const deps = await setup(10);
      const carts = await Promise.all(Array.from({ length: 200 }, (_, i) => cartWith(deps, `cart-${i}`)));
      const results = await Promise.allSettled(
        carts.map((cartId, i) =>
          checkout(deps, { orderId: orderIdFor(cartId, 'attempt-1'), cartId, accountId: null, email: `s${i}@example.com`, address, shippingMethod: 'standard', payment: card(TEST_CARDS.success) }),
        ),
      );
      const paid = results.filter((r) => r.status === 'fulfilled' && r.value.outcome === 'paid');
      const outOfStock = results.filter((r) => r.status === 'rejected' && r.reason instanceof OutOfStockError);
      assert.equal(paid.length, 10);
      assert.equal(outOfStock.length, 190, 'everyone else is told it is out of stock');
      assert.equal((await stockFor(deps.db, ['lamp-black'])).get('lamp-black'), 0, 'never oversold');
      const orders = await deps.db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(orders.n), 10, 'no order without its stock');
      const events = await deps.db.selectFrom('outbox').select('topic').execute();
      assert.equal(events.filter((e) => e.topic === 'order.placed').length, 10, 'one order.placed event per paid order');
    });

    it('prices from the catalog with tax and shipping, and empties the cart once paid', async () => {
      const deps = await setup(5);
      const cartId = await cartWith(deps, 'c-priced', 2);
      const r = await checkout(deps, { orderId: orderIdFor(cartId, 'attempt-1'), cartId, accountId: null, email: 'a@example.com', address, shippingMethod: 'standard', payment: card(TEST_CARDS.success) });
      assert.equal(r.outcome, 'paid');
      // 2 × $89.00 = $178.00, over $150: free standard shipping; California 7.25 % on $178.00 = $12.905 → $12.91.
      assert.equal(r.order.subtotal, 17_800);
      assert.equal(r.order.shipping, 0);
      assert.equal(r.order.tax, 1291);
      assert.equal(r.order.total, 19_091);
      assert.equal(r.order.status, 'paid');
      assert.deepEqual(await cartLines(deps.db, cartId), []);
    });

    it('gives the stock back when the card is declined', async () => {
      const deps = await setup(3);
      const cartId = await cartWith(deps, 'c-declined', 2);
      const r = await checkout(deps, { orderId: orderIdFor(cartId, 'attempt-1'), cartId, accountId: null, email: 'b@example.com', address, shippingMethod: 'express', payment: card(TEST_CARDS.declined) });
      assert.equal(r.outcome, 'declined');
      assert.equal(r.order.status, 'payment_failed');
      assert.equal((await stockFor(deps.db, ['lamp-black'])).get('lamp-black'), 3);
      assert.equal((await cartLines(deps.db, cartId)).length, 1, 'the cart is kept for another try');
    });

    it('holds the stock while the shopper completes 3-D Secure, then settles', async () => {
      const deps = await setup(1);
      const cartId = await cartWith(deps, 'c-3ds');
      const r = await checkout(deps, { orderId: orderIdFor(cartId, 'attempt-1'), cartId, accountId: null, email: 'c@example.com', address, shippingMethod: 'standard', payment: card(TEST_CARDS.requiresAction) });
      assert.equal(r.outcome, 'requires_action');
      assert.equal((await stockFor(deps.db, ['lamp-black'])).get('lamp-black'), 0, 'held for this shopper');
      const done = await confirmPayment(deps, r.order);
      assert.equal(done.outcome, 'paid');
      assert.equal(done.order.status, 'paid');
    });

    it('resumes an attempt whose gateway call failed: one order, stock taken once, charged once', async () => {
      const deps = await setup(5);
      const cartId = await cartWith(deps, 'c-resume', 2);
      const input = { orderId: orderIdFor(cartId, 'retry-me'), cartId, accountId: null, email: 'r@example.com', address, shippingMethod: 'standard', payment: card(TEST_CARDS.success) };
      // The first attempt's process dies right after step 2 (order written, stock taken, nothing charged).
      const crashing = { ...deps, payments: { ...deps.payments, name: 'test', charge: async () => { throw new Error('process killed'); }, retrieve: deps.payments.retrieve, refund: deps.payments.refund } };
      await assert.rejects(checkout(crashing, input), /payment gateway did not answer \(process killed\); retry with the same Idempotency-Key/);
      assert.equal((await stockFor(deps.db, ['lamp-black'])).get('lamp-black'), 3, 'the pending order holds its stock');
      // A retry with the same key resumes that order: same id, charged once, stock taken once.
      const retried = await checkout(deps, input);
      assert.equal(retried.outcome, 'paid');
      assert.equal(retried.order.id, input.orderId);
      const orders = await deps.db.selectFrom('orders').select(['id', 'status']).where('email', '=', 'r@example.com').execute();
      assert.equal(orders.length, 1, 'the retry did not write a second order');
      assert.equal((await stockFor(deps.db, ['lamp-black'])).get('lamp-black'), 3);
      const charges = await deps.db.selectFrom('payments').select(['status']).where('order_id', '=', input.orderId).execute();
      assert.deepEqual(charges.map((c) => c.status), ['succeeded'], 'charged once');
    });

    it('a retry after the charge went through but before it was recorded settles without a second charge', async () => {
      const deps = await setup(5);
      const cartId = await cartWith(deps, 'c-resume2', 1);
      const input = { orderId: orderIdFor(cartId, 'k2'), cartId, accountId: null, email: 's@example.com', address, shippingMethod: 'standard', payment: card(TEST_CARDS.success) };
      const { placeOrder } = await import('../../src/databases/relational/orders.ts');
      const { priceLines, computeTotals } = await import('../../src/domain/checkout.ts');
      const lines = priceLines([{ variantId: 'lamp-black', productId: 'lamp', quantity: 1 }], deps.variant, 'USD');
      await placeOrder(deps.db, { id: input.orderId, accountId: null, cartId, email: input.email, lines, totals: computeTotals(deps.settings, lines, address, 'standard'), shippingMethod: 'standard', address, paymentProvider: 'test' });
      const r = await checkout(deps, input);
      assert.equal(r.outcome, 'paid');
      assert.equal((await stockFor(deps.db, ['lamp-black'])).get('lamp-black'), 4, 'stock taken once, by the first attempt');
      const again = await checkout(deps, input);
      assert.equal(again.outcome, 'paid');
      const charges = await deps.db.selectFrom('payments').select('id').where('order_id', '=', input.orderId).execute();
      assert.equal(charges.length, 1);
    });

    it('refuses an empty cart, an address outside the shipping zones and an unknown shipping method', async () => {
      const deps = await setup(1);
      await createCart(deps.db, 'c-empty');
      await assert.rejects(
        checkout(deps, { orderId: orderIdFor('c-empty', 'attempt-1'), cartId: 'c-empty', accountId: null, email: 'd@example.com', address, shippingMethod: 'standard', payment: card(TEST_CARDS.success) }),
        /cart: is empty/,
      );
      const cartId = await cartWith(deps, 'c-bad');
      await assert.rejects(
        checkout(deps, { orderId: orderIdFor(cartId, 'attempt-1'), cartId, accountId: null, email: 'd@example.com', address: { ...address, country: 'BR' }, shippingMethod: 'standard', payment: card(TEST_CARDS.success) }),
        /we do not ship to BR/,
      );
      await assert.rejects(
        checkout(deps, { orderId: orderIdFor(cartId, 'attempt-1'), cartId, accountId: null, email: 'd@example.com', address, shippingMethod: 'teleport', payment: card(TEST_CARDS.success) }),
        /shippingMethod: "teleport" is not offered/,
      );
      assert.equal((await stockFor(deps.db, ['lamp-black'])).get('lamp-black'), 1);
    });
  });
}
