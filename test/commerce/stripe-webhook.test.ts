// The Stripe adapter's webhook, signed with the stripe package's own test helper: no network. A genuine event
// settles the order once; a forged or tampered one is refused and changes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { getOrder, placeOrder } from '../../src/databases/relational/orders.ts';
import { setStock } from '../../src/databases/relational/inventory.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

const SECRET = 'whsec_testsecret123';
let app: TestApp;
before(async () => {
  app = await startTestApp({ env: { PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: 'sk_test_offline', STRIPE_WEBHOOK_SECRET: SECRET } });
});
after(async () => {
  await app?.close();
});

async function pendingOrder(id: string): Promise<void> {
  const db = app.shop.runtime.relational.db;
  await setStock(db, [{ variantId: `v-${id}`, productId: 'p', onHand: 5 }]);
  const money = (amount: number) => ({ amount, currency: 'USD' as const });
  await placeOrder(db, {
    id,
    accountId: null,
    cartId: null,
    email: 'x@example.com',
    lines: [{ variantId: `v-${id}`, productId: 'p', quantity: 1, sku: 'S', title: 'T', options: {}, unitPrice: money(1000), total: money(1000) }],
    totals: { subtotal: money(1000), shipping: money(0), tax: money(0), taxInclusive: false, total: money(1000) },
    shippingMethod: 'standard',
    address: { name: 'A', line1: 'B', city: 'C', region: 'NY', postalCode: '10001', country: 'US' },
    paymentProvider: 'stripe',
  });
}

function event(type: string, orderId: string): string {
  return JSON.stringify({ id: `evt_${orderId}`, object: 'event', type, data: { object: { id: `pi_${orderId}`, object: 'payment_intent', metadata: { orderId } } } });
}

async function deliver(payload: string, signature: string): Promise<number> {
  const res = await fetch(`${app.baseUrl}/api/payments/stripe/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: payload });
  return res.status;
}

describe('Stripe webhook', () => {
  it('settles a pending order on payment_intent.succeeded, once, however often it is delivered', async () => {
    await pendingOrder('ord_wh1');
    const payload = event('payment_intent.succeeded', 'ord_wh1');
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET });
    assert.equal(await deliver(payload, signature), 200);
    assert.equal(await deliver(payload, signature), 200, 'a redelivery is accepted');
    const order = await getOrder(app.shop.runtime.relational.db, 'ord_wh1');
    assert.equal(order?.status, 'paid');
    const payments = await app.shop.runtime.relational.db.selectFrom('payments').select('id').where('order_id', '=', 'ord_wh1').execute();
    assert.equal(payments.length, 1, 'recorded once');
  });

  it('refuses a forged signature and a tampered payload', async () => {
    await pendingOrder('ord_wh2');
    const payload = event('payment_intent.succeeded', 'ord_wh2');
    assert.equal(await deliver(payload, Stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_someoneelse' })), 400);
    const good = Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET });
    assert.equal(await deliver(payload.replace('ord_wh2', 'ord_wh1'), good), 400);
    assert.equal((await getOrder(app.shop.runtime.relational.db, 'ord_wh2'))?.status, 'pending_payment');
  });
});
