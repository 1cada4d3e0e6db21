// The product editor's rules (domain/product-edit.ts): every problem named with its field, limits enforced, variants
// consistent with the options, material variants only from the model; and what publishing needs on top.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PRODUCT_LIMITS, publishProblems, validateProductDraft, type ProductDraft } from '../../src/domain/product-edit.ts';

const ctx = { categories: new Set(['lighting', 'home', 'gifts']), materialVariants: null };
const lamp: ProductDraft = {
  title: 'Brass Lamp',
  slug: 'brass-lamp',
  description: 'A **lamp**.',
  category: 'lighting',
  options: [{ name: 'Finish', values: ['Brass', 'Chrome'] }],
  variants: [
    { sku: 'LAMP-B', options: { Finish: 'Brass' }, price: 4_900, stock: 3 },
    { sku: 'LAMP-C', options: { Finish: 'Chrome' }, price: 5_900 },
  ],
};
const fields = (d: Partial<ProductDraft>, c: Parameters<typeof validateProductDraft>[1] = ctx) => validateProductDraft({ ...lamp, ...d }, c).map((e) => e.field);

describe('validateProductDraft', () => {
  it('accepts a consistent product', () => {
    assert.deepEqual(validateProductDraft(lamp, ctx), []);
    assert.deepEqual(fields({ category: '' }), [], 'a draft may have no category yet');
  });

  it('names the field of each problem with the details and their limits', () => {
    assert.deepEqual(fields({ title: '  ' }), ['title']);
    assert.deepEqual(fields({ title: 'x'.repeat(PRODUCT_LIMITS.title + 1) }), ['title']);
    for (const slug of ['Brass-Lamp', 'brass--lamp', '-lamp', 'lamp!', '', 'a'.repeat(97)]) assert.deepEqual(fields({ slug }), ['slug'], slug);
    assert.deepEqual(fields({ description: 'x'.repeat(PRODUCT_LIMITS.description + 1) }), ['description']);
    assert.deepEqual(fields({ category: 'garden' }), ['category']);
  });

  it('lists a product in other existing categories, each once, besides its own', () => {
    assert.deepEqual(fields({ extraCategories: ['home', 'gifts'] }), []);
    assert.deepEqual(fields({ extraCategories: ['garden', 'lighting', 'home', 'home'] }), ['extraCategories.0', 'extraCategories.1', 'extraCategories.3']);
    assert.deepEqual(fields({ category: '', extraCategories: ['home'] }), ['extraCategories']);
    assert.equal(fields({ extraCategories: ['home', 'gifts', 'home', 'gifts', 'home'] })[0], 'extraCategories', 'at most 4 more');
  });

  it('checks prices and stock per variant: whole minor units, not negative, not absurd', () => {
    const v = (price: number, stock?: number) => [{ ...lamp.variants[0]!, price, ...(stock === undefined ? {} : { stock }) }, lamp.variants[1]!];
    assert.deepEqual(fields({ variants: v(-1) }), ['variants.0.price']);
    assert.equal(validateProductDraft({ ...lamp, variants: v(-1) }, ctx)[0]!.message, 'must not be negative');
    assert.deepEqual(fields({ variants: v(12.5) }), ['variants.0.price']);
    assert.deepEqual(fields({ variants: v(PRODUCT_LIMITS.price + 1) }), ['variants.0.price']);
    assert.deepEqual(fields({ variants: v(0) }), [], 'free is allowed');
    assert.deepEqual(fields({ variants: v(100, -1) }), ['variants.0.stock']);
    assert.deepEqual(fields({ variants: v(100, 1.5) }), ['variants.0.stock']);
  });

  it('keeps options within limits and variants consistent with them', () => {
    assert.deepEqual(fields({ options: [{ name: 'Finish', values: ['Brass', 'Brass'] }] }), ['options.0.values', 'variants.1.options.Finish']);
    assert.deepEqual(fields({ options: [{ name: 'Finish', values: [] }], variants: [{ sku: 'X', options: {}, price: 1 }] }), ['options.0.values', 'variants.0.options.Finish']);
    const many = Array.from({ length: PRODUCT_LIMITS.options + 1 }, (_, i) => ({ name: `O${i}`, values: ['a'] }));
    assert.ok(fields({ options: many, variants: [{ sku: 'X', options: Object.fromEntries(many.map((o) => [o.name, 'a'])), price: 1 }] }).includes('options'));
    const values = Array.from({ length: PRODUCT_LIMITS.valuesPerOption + 1 }, (_, i) => `v${i}`);
    assert.ok(fields({ options: [{ name: 'Finish', values }] }).includes('options.0.values'));
    assert.deepEqual(fields({ options: [lamp.options[0]!, { name: 'Finish', values: ['x'] }] }).slice(0, 1), ['options.1.name']);
    // A variant picking a value that is not offered, naming an option that does not exist, or repeating another.
    assert.deepEqual(fields({ variants: [{ ...lamp.variants[0]!, options: { Finish: 'Gold' } }, lamp.variants[1]!] }), ['variants.0.options.Finish']);
    assert.deepEqual(fields({ variants: [{ ...lamp.variants[0]!, options: { Finish: 'Brass', Size: 'L' } }, lamp.variants[1]!] }), ['variants.0.options']);
    assert.deepEqual(fields({ variants: [lamp.variants[0]!, { ...lamp.variants[1]!, options: { Finish: 'Brass' } }] }), ['variants.1.options']);
    assert.deepEqual(fields({ variants: [lamp.variants[0]!, { ...lamp.variants[1]!, sku: 'LAMP-B' }] }), ['variants.1.sku']);
    assert.deepEqual(fields({ variants: [] }), ['variants']);
  });

  it('maps variants only to material variants the product’s model has', () => {
    const withMaterial = (m: string) => [{ ...lamp.variants[0]!, materialVariant: m }, lamp.variants[1]!];
    const model = { ...ctx, materialVariants: ['brass', 'chrome'] };
    assert.deepEqual(fields({ variants: withMaterial('brass') }, model), []);
    assert.deepEqual(fields({ variants: withMaterial('gold') }, model), ['variants.0.materialVariant']);
    assert.deepEqual(fields({ variants: withMaterial('brass') }), ['variants.0.materialVariant'], 'no model: nothing to map to');
    assert.match(validateProductDraft({ ...lamp, variants: withMaterial('brass') }, { ...ctx, materialVariants: [] })[0]!.message, /has no material variants/);
  });
});

describe('publishProblems', () => {
  it('asks for a category (and a variant) before a product goes on sale', () => {
    assert.deepEqual(publishProblems(lamp), []);
    assert.deepEqual(publishProblems({ ...lamp, category: '' }).map((e) => e.field), ['category']);
    assert.deepEqual(publishProblems({ ...lamp, variants: [] }).map((e) => e.field), ['variants']);
  });
});
