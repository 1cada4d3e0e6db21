// The storefront's pure display rules (money, stock, dimensions, variant picking), checked in Node: the browser
// test covers one path through them, these cover the edges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findVariant, formatMoney, formatSize, initialVariant, isOffered, pickVariant, sizeInWords, stockState } from '../../web/src/format.ts';
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

test('dimensions in metres read as centimetres or inches, width × depth × height', () => {
  const chair = { width: 0.45, height: 0.851, depth: 0.5 };
  assert.equal(formatSize(chair, 'cm', 'en-US'), 'W 45 × D 50 × H 85 cm');
  assert.equal(formatSize(chair, 'in', 'en-US'), 'W 17.7 × D 19.7 × H 33.5 in');
  // Small things keep a tenth of a centimetre; whole inches drop the ".0".
  assert.equal(formatSize({ width: 0.02, height: 0.0195, depth: 0.254 }, 'cm', 'en-US'), 'W 2 × D 25 × H 2 cm');
  assert.equal(formatSize({ width: 0.0254, height: 0.0127, depth: 0.254 }, 'in', 'en-US'), 'W 1 × D 10 × H 0.5 in');
  assert.equal(formatSize({ width: 0.055, height: 1.2, depth: 0.3 }, 'cm', 'de-DE'), 'W 5,5 × D 30 × H 120 cm');
  assert.equal(sizeInWords(chair, 'cm', 'en-US'), '45 cm wide, 50 cm deep and 85 cm tall');
  assert.equal(sizeInWords(chair, 'in', 'en-US'), '17.7 inches wide, 19.7 inches deep and 33.5 inches tall');
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
