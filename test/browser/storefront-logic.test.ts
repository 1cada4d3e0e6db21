// The storefront's pure display rules (money, stock, dimensions, variant picking), checked in Node: the browser
// test covers one path through them, these cover the edges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findVariant, formatDimensions, formatMoney, initialVariant, isOffered, pickVariant, stockState } from '../../web/src/format.ts';
import type { Variant } from '../../web/src/types.ts';

test('money is integer minor units formatted with the currency\'s own fraction digits', () => {
  assert.equal(formatMoney({ amount: 24900, currency: 'USD' }, 'en-US'), '$249.00');
  assert.equal(formatMoney({ amount: 5, currency: 'USD' }, 'en-US'), '$0.05');
  assert.equal(formatMoney({ amount: 1200, currency: 'JPY' }, 'en-US'), '¥1,200');
  assert.equal(formatMoney({ amount: 123456, currency: 'EUR' }, 'de-DE'), '1.234,56\u00a0€');
  assert.equal(formatMoney({ amount: 0, currency: 'GBP' }, 'en-GB'), '£0.00');
});

test('stock states: in stock, only N left, out of stock', () => {
  assert.deepEqual(stockState(40), { kind: 'in', label: 'In stock' });
  assert.deepEqual(stockState(2), { kind: 'low', label: 'Only 2 left' });
  assert.deepEqual(stockState(0), { kind: 'out', label: 'Out of stock' });
  assert.deepEqual(stockState(-1), { kind: 'out', label: 'Out of stock' });
});

test('dimensions in metres read as centimetres (millimetres for small things)', () => {
  assert.equal(formatDimensions({ width: 0.45, height: 0.851, depth: 0.5 }), 'W 45 cm × H 85 cm × D 50 cm');
  assert.equal(formatDimensions({ width: 0.02, height: 0.0195, depth: 0.2 }), 'W 20 mm × H 20 mm × D 20 cm');
});

const usd = (amount: number) => ({ amount, currency: 'USD' });
const variants: Variant[] = [
  { id: 'a', sku: 'OAK-S', options: { Colour: 'Oak', Size: 'S' }, price: usd(100), stock: 0, materialVariant: 'oak' },
  { id: 'b', sku: 'OAK-L', options: { Colour: 'Oak', Size: 'L' }, price: usd(150), stock: 3, materialVariant: 'oak' },
  { id: 'c', sku: 'WAL-L', options: { Colour: 'Walnut', Size: 'L' }, price: usd(180), stock: 9, materialVariant: 'walnut' },
];

test('the first variant shown is the one asked for, else the first in stock', () => {
  assert.equal(initialVariant({ variants }, 'c')?.id, 'c');
  assert.equal(initialVariant({ variants }, 'nope')?.id, 'b');
  assert.equal(initialVariant({ variants: [variants[0]!] })?.id, 'a');
});

test('picking a value keeps the other choices when that combination exists, else jumps to one that does', () => {
  assert.equal(pickVariant(variants, variants[1]!, 'Colour', 'Walnut')?.id, 'c');
  assert.equal(pickVariant(variants, variants[2]!, 'Size', 'S')?.id, 'a'); // Walnut S does not exist
  assert.equal(pickVariant(variants, variants[2]!, 'Colour', 'Pine'), undefined);
  assert.equal(findVariant(variants, { Colour: 'Oak', Size: 'L' })?.sku, 'OAK-L');
  assert.equal(isOffered(variants, 'Colour', 'Walnut'), true);
  assert.equal(isOffered(variants, 'Colour', 'Pine'), false);
});
