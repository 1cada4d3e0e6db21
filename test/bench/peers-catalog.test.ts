// The peers benchmark's catalogue (bench/peers/products-x4.csv) as every server gets it: the CSV reader and the
// mapping into Vitrine's catalog entities. Installs no peer: it only reads the committed CSV.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseCsv, readCatalogCsv } from '../../bench/peers/catalog-csv.ts';
import { toVitrineProduct } from '../../bench/peers/vitrine-import.ts';

const csv = path.resolve('bench/peers/products-x4.csv');

describe('bench:peers catalogue', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    assert.deepEqual(parseCsv('a,b,c\r\n"x, y","say ""hi""","two\nlines"\n,,\n'), [
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'two\nlines'],
    ]);
  });

  it('holds the 216 products and 352 variants the peers import, with unique slugs and SKUs', () => {
    const products = readCatalogCsv(csv);
    assert.equal(products.length, 216);
    assert.equal(products.reduce((n, p) => n + p.variants.length, 0), 352);
    assert.equal(new Set(products.map((p) => p.handle)).size, 216);
    assert.equal(new Set(products.flatMap((p) => p.variants.map((v) => v.sku))).size, 352);
    const laptop = products.find((p) => p.handle === 'laptop')!;
    assert.deepEqual(laptop.categories, ['Electronics', 'Computers']);
    assert.deepEqual(laptop.optionGroups, ['screen size', 'RAM']);
    assert.deepEqual(laptop.variants[0], { sku: 'L2201308', price: 1299, values: ['13 inch', '8GB'], stock: 100 });
  });

  it('maps every product to a valid Vitrine product priced in minor units', () => {
    const products = readCatalogCsv(csv).map((p, i) => toVitrineProduct(p, i, 'USD')); // throws on an invalid one
    const laptop = products.find((p) => p.slug === 'laptop')!;
    assert.equal(laptop.category, 'computers');
    assert.deepEqual(laptop.options, [
      { name: 'screen size', values: ['13 inch', '15 inch'] },
      { name: 'RAM', values: ['8GB', '16GB'] },
    ]);
    assert.deepEqual(laptop.variants[3]!.options, { 'screen size': '15 inch', RAM: '16GB' });
    assert.deepEqual(laptop.variants[3]!.price, { amount: 229900, currency: 'USD' });
    const single = products.find((p) => p.options.length === 0)!;
    assert.equal(single.variants.length, 1);
    assert.deepEqual(single.variants[0]!.options, {});
  });
});
