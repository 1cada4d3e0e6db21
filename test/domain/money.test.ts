import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { add, compare, format, money, multiply, parseDecimal, subtract, sum } from '../../src/domain/money.ts';

describe('money', () => {
  it('keeps integer minor units and refuses fractions of a cent', () => {
    assert.deepEqual(money(1999, 'USD'), { amount: 1999, currency: 'USD' });
    assert.throws(() => money(19.99, 'USD'), /integer of minor units/);
    assert.throws(() => money(100, 'XXX'), /unsupported currency/);
  });

  it('adds, subtracts and multiplies exactly where floats would drift', () => {
    // 0.1 + 0.2 in floats is 0.30000000000000004; in minor units it is exactly 30.
    assert.equal(add(money(10, 'USD'), money(20, 'USD')).amount, 30);
    assert.equal(subtract(money(1000, 'EUR'), money(1, 'EUR')).amount, 999);
    assert.equal(multiply(money(1999, 'USD'), 3).amount, 5997);
    assert.equal(sum([money(1, 'GBP'), money(2, 'GBP'), money(3, 'GBP')], 'GBP').amount, 6);
    assert.throws(() => multiply(money(100, 'USD'), 1.5), /quantity must be an integer/);
  });

  it('never mixes currencies', () => {
    assert.throws(() => add(money(1, 'USD'), money(1, 'EUR')), /cannot combine USD with EUR/);
    assert.throws(() => compare(money(1, 'USD'), money(1, 'JPY')), /cannot combine/);
  });

  it('parses what a merchant types without going through a float', () => {
    assert.equal(parseDecimal('12.5', 'USD').amount, 1250);
    assert.equal(parseDecimal('0.07', 'USD').amount, 7);
    assert.equal(parseDecimal('1299', 'JPY').amount, 1299);
    assert.equal(parseDecimal('-3.10', 'EUR').amount, -310);
    assert.throws(() => parseDecimal('1.999', 'USD'), /2 decimal places/);
    assert.throws(() => parseDecimal('12.5', 'JPY'), /0 decimal places/);
    assert.throws(() => parseDecimal('1,299.00', 'USD'), /not a decimal amount/);
    assert.throws(() => parseDecimal('abc', 'USD'), /not a decimal amount/);
  });

  it('formats with the currency’s own decimals', () => {
    assert.equal(format(money(24900, 'USD')), '$249.00');
    assert.equal(format(money(1299, 'JPY')), '¥1,299');
  });

  it('round-trips every amount through parse and the decimal text (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (cents) => {
        const text = `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;
        assert.equal(parseDecimal(text, 'USD').amount, cents === 0 ? 0 : cents);
      }),
    );
  });
});
