import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AddressSchema } from '../../src/domain/address.ts';
import { addLine, mergeLines, setLine } from '../../src/domain/cart.ts';
import { computeTotals, defaultStoreSettings, priceLines, shippingOptions, type PricedLine } from '../../src/domain/checkout.ts';
import { nextStatus, OrderStateError, planRefund, RefundAmountError } from '../../src/domain/order.ts';

const line = (variantId: string, quantity: number) => ({ variantId, productId: `p-${variantId}`, quantity });
const priced = (amount: number, quantity = 1): PricedLine => ({
  ...line('v', quantity),
  sku: 'SKU',
  title: 'Thing',
  options: {},
  unitPrice: { amount, currency: 'EUR' },
  total: { amount: amount * quantity, currency: 'EUR' },
});

describe('cart rules', () => {
  it('adds, caps at 99 with a clear error, sets and removes', () => {
    let lines = addLine([], line('a', 2));
    lines = addLine(lines, line('a', 3));
    assert.equal(lines[0]!.quantity, 5);
    assert.throws(() => addLine(lines, line('a', 95)), /at most 99 of one item \(the cart already has 5\)/);
    assert.throws(() => addLine(lines, line('b', 0)), /from 1 to 99/);
    assert.throws(() => addLine(lines, line('b', 1.5)), /whole number/);
    assert.deepEqual(setLine(lines, 'a', 0), []);
    assert.throws(() => setLine(lines, 'zz', 2), /no line for variant zz/);
  });

  it('merges a guest cart into a customer’s without ever failing or exceeding 99', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ v: fc.constantFrom('a', 'b', 'c'), q: fc.integer({ min: 1, max: 99 }) })),
        fc.array(fc.record({ v: fc.constantFrom('a', 'b', 'd'), q: fc.integer({ min: 1, max: 99 }) })),
        (mine, guest) => {
          const uniq = (xs: { v: string; q: number }[]) => [...new Map(xs.map((x) => [x.v, line(x.v, x.q)])).values()];
          const merged = mergeLines(uniq(mine), uniq(guest));
          const ids = merged.map((l) => l.variantId);
          assert.equal(new Set(ids).size, ids.length);
          assert.ok(merged.every((l) => l.quantity >= 1 && l.quantity <= 99));
          for (const g of uniq(guest)) assert.ok(ids.includes(g.variantId));
        },
      ),
    );
  });
});

describe('checkout totals', () => {
  it('extracts inclusive VAT and adds exclusive sales tax, in integer minor units', () => {
    const eu = { ...defaultStoreSettings('EUR', true) };
    // 2 × €49.99 = €99.98 + €25.00 shipping = €124.98 gross; German VAT 19 %: 124.98 − 124.98/1.19 = 19.955 → €19.95 (half-up of 1995.5…)
    const t = computeTotals(eu, [priced(4999, 2)], { country: 'DE' }, 'standard');
    assert.equal(t.subtotal.amount, 9998);
    assert.equal(t.shipping.amount, 2500);
    assert.equal(t.total.amount, 12_498, 'inclusive: the shopper pays the shown prices');
    assert.equal(t.tax.amount, 12_498 - Math.round((12_498 * 100) / 119));
    const us = { ...defaultStoreSettings('EUR', false) };
    const x = computeTotals(us, [priced(10_000)], { country: 'US', region: 'NY' }, 'express');
    assert.equal(x.tax.amount, 500, '4 % of $100 + $25 express');
    assert.equal(x.total.amount, 13_000);
  });

  it('offers free shipping over the threshold and refuses unknown methods', () => {
    const s = defaultStoreSettings('USD', false);
    assert.equal(shippingOptions(s, 'US', 14_999).find((o) => o.id === 'standard')!.price, 900);
    assert.equal(shippingOptions(s, 'US', 15_000).find((o) => o.id === 'standard')!.price, 0);
    assert.deepEqual(shippingOptions(s, 'JP', 0).map((o) => o.id), ['standard']);
  });

  it('never takes a price from anywhere but the catalog', () => {
    const lines = priceLines([line('v1', 3)], () => ({ productId: 'p', sku: 'S', title: 'T', options: {}, price: { amount: 1234, currency: 'USD' }, published: true }), 'USD');
    assert.equal(lines[0]!.total.amount, 3702);
    assert.throws(() => priceLines([line('gone', 1)], () => undefined, 'USD'), /no longer available/);
    assert.throws(
      () => priceLines([line('v1', 1)], () => ({ productId: 'p', sku: 'S', title: 'T', options: {}, price: { amount: 1, currency: 'USD' }, published: false }), 'USD'),
      /no longer available/,
    );
  });
});

describe('addresses per country', () => {
  const ok = { name: 'A', line1: '1 Street', city: 'Town', postalCode: '94105', country: 'us', region: 'ca' };
  it('accepts a valid address and normalises codes', () => {
    const a = AddressSchema.parse(ok);
    assert.equal(a.country, 'US');
    assert.equal(a.region, 'CA');
    assert.ok(AddressSchema.safeParse({ ...ok, country: 'GB', region: undefined, postalCode: 'SW1A 1AA' }).success);
  });
  it('names the field and the expected format', () => {
    const bad = AddressSchema.safeParse({ ...ok, postalCode: 'ABCDE' });
    assert.ok(!bad.success);
    assert.deepEqual(bad.error.issues[0]!.path, ['postalCode']);
    assert.match(bad.error.issues[0]!.message, /valid US postal code \(e\.g\. 94107\)/);
    const noState = AddressSchema.safeParse({ ...ok, region: undefined });
    assert.ok(!noState.success && noState.error.issues[0]!.path[0] === 'region');
  });
});

describe('order states', () => {
  it('allows only the moves that make sense', () => {
    assert.equal(nextStatus('pending_payment', 'pay'), 'paid');
    assert.equal(nextStatus('paid', 'fulfil'), 'fulfilled');
    assert.equal(nextStatus('fulfilled', 'refund'), 'refunded');
    assert.throws(() => nextStatus('refunded', 'refund'), /cannot refund an order that is refunded/);
    assert.throws(() => nextStatus('pending_payment', 'fulfil'), /cannot fulfil/);
    assert.equal(nextStatus('paid', 'cancel'), 'cancelled', 'a paid order can be cancelled (refund and restock)');
    assert.throws(() => nextStatus('fulfilled', 'cancel'), (e: unknown) => e instanceof OrderStateError && e.currentStatus === 'fulfilled');
  });

  it('plans refunds: all that is left by default, partial ones keep the status, never more than was paid', () => {
    assert.deepEqual(planRefund({ status: 'paid', total: 10_000, refunded: 0 }), { amount: 10_000, to: 'refunded' });
    assert.deepEqual(planRefund({ status: 'fulfilled', total: 10_000, refunded: 2_500 }, 2_500), { amount: 2_500, to: 'fulfilled' });
    assert.deepEqual(planRefund({ status: 'fulfilled', total: 10_000, refunded: 2_500 }, 7_500), { amount: 7_500, to: 'refunded' });
    assert.throws(() => planRefund({ status: 'paid', total: 10_000, refunded: 9_000 }, 1_001), /at most 1000 is left/);
    assert.throws(() => planRefund({ status: 'paid', total: 10_000, refunded: 0 }, 0.5), RefundAmountError);
    assert.throws(() => planRefund({ status: 'pending_payment', total: 10_000, refunded: 0 }), /cannot refund an order that is pending payment/);
  });
});
