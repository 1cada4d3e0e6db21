import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertValidProduct, availableValues, combinations, findVariant, fromPrice, isSlug, slugify } from '../../src/domain/catalog.ts';
import { money } from '../../src/domain/money.ts';

const chair = {
  slug: 'oak-chair',
  title: 'Oak chair',
  options: [
    { name: 'Colour', values: ['Oak', 'Walnut'] },
    { name: 'Size', values: ['S', 'L'] },
  ],
  variants: [
    { id: 'v1', sku: 'CH-OAK-S', options: { Colour: 'Oak', Size: 'S' }, price: money(19900, 'USD'), materialVariant: 'Oak' },
    { id: 'v2', sku: 'CH-OAK-L', options: { Colour: 'Oak', Size: 'L' }, price: money(21900, 'USD'), materialVariant: 'Oak' },
    { id: 'v3', sku: 'CH-WAL-S', options: { Colour: 'Walnut', Size: 'S' }, price: money(22900, 'USD'), materialVariant: 'Walnut' },
  ],
};

describe('catalog rules: options and variants', () => {
  it('accepts a consistent product', () => {
    assert.doesNotThrow(() => assertValidProduct(chair));
  });

  it('names the problem when variants do not match the options', () => {
    const bad = (patch: object) => ({ ...chair, ...patch });
    assert.throws(() => assertValidProduct(bad({ slug: 'Oak Chair' })), /slug/);
    assert.throws(() => assertValidProduct(bad({ variants: [] })), /at least one variant/);
    assert.throws(
      () => assertValidProduct(bad({ variants: [{ ...chair.variants[0], options: { Colour: 'Teak', Size: 'S' } }] })),
      /no valid value for option Colour/,
    );
    assert.throws(() => assertValidProduct(bad({ variants: [{ ...chair.variants[0], options: { Colour: 'Oak' } }] })), /one value for each option/);
    assert.throws(() => assertValidProduct(bad({ variants: [chair.variants[0], { ...chair.variants[0], id: 'v9' }] })), /share the options/);
    assert.throws(() => assertValidProduct(bad({ variants: [chair.variants[0], { ...chair.variants[2], price: money(1, 'EUR') }] })), /priced in EUR/);
    assert.throws(() => assertValidProduct(bad({ options: [{ name: 'Colour', values: ['Oak', 'Oak'] }] })), /duplicate values/);
  });

  it('finds the variant for a selection and the lowest price for listings', () => {
    assert.equal(findVariant(chair, { Colour: 'Walnut', Size: 'S' })?.sku, 'CH-WAL-S');
    assert.equal(findVariant(chair, { Colour: 'Walnut', Size: 'L' }), undefined);
    assert.deepEqual(fromPrice(chair), money(19900, 'USD'));
  });

  it('offers only values that still lead to a variant', () => {
    assert.deepEqual(availableValues(chair, 'Size', { Colour: 'Walnut' }), ['S']);
    assert.deepEqual(availableValues(chair, 'Colour', { Size: 'L' }), ['Oak']);
  });

  it('builds every combination of option values', () => {
    assert.equal(combinations(chair.options).length, 4);
    assert.deepEqual(combinations([]), [{}]);
  });

  it('makes and checks slugs', () => {
    assert.equal(slugify('Fauteuil Élégant — Walnut!'), 'fauteuil-elegant-walnut');
    assert.ok(isSlug('lounge-chair-2'));
    assert.ok(!isSlug('-x'));
    assert.ok(!isSlug('a--b'));
  });
});
