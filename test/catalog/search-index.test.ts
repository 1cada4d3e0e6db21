// The search index on its own: what a shopper's words find and in what order, and the caps that keep a query's cost
// flat as the catalog grows (a word read only so far, a prefix expanded only so much) without losing the best
// results. The same behaviour over HTTP on the demo catalog is in test/api/search.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BITS_FROM, CatalogSearchIndex, MAX_EXPANSIONS, POSTINGS_READ, type SearchDocument } from '../../src/databases/catalog/search-index.ts';

function doc(id: string, fields: Partial<Omit<SearchDocument, 'id'>>): SearchDocument {
  return { id, title: '', category: '', options: '', sku: '', description: '', ...fields };
}

function indexOf(docs: SearchDocument[]): CatalogSearchIndex {
  const index = new CatalogSearchIndex();
  for (const d of docs) index.set(d);
  return index;
}

const ids = (index: CatalogSearchIndex, q: string, limit = 10) => index.search(q, limit).map((h) => h.id);

const shop = [
  doc('chair', { title: 'Walnut Dining Chair', category: 'Furniture', options: 'Walnut Oak', sku: 'CH-001', description: 'A solid chair.' }),
  doc('lamp', { title: 'Arc Floor Lamp', category: 'Lighting', options: 'Brass Black', sku: 'LA-002', description: 'Reads well by a chair.' }),
  doc('sofa', { title: 'Three-Seat Sofa', category: 'Furniture', options: 'Bouclé Linen', sku: 'SO-003', description: 'Deep seats.' }),
  doc('table', { title: 'Oak Table', category: 'Furniture', options: 'Oak', sku: 'TA-004', description: 'Seats six, with a walnut inlay.' }),
  doc('mug', { title: 'Everyday Ceramic Mug', category: 'Kitchen', options: 'White Sage', sku: 'MU-005', description: 'Holds 350 ml.' }),
];

describe('CatalogSearchIndex: what shoppers find', () => {
  it('tolerates swapped, missing and extra letters, and ignores case and accents', () => {
    const index = indexOf(shop);
    assert.equal(ids(index, 'chiar')[0], 'chair', 'two neighbouring letters swapped');
    assert.equal(ids(index, 'lmap')[0], 'lamp');
    assert.equal(ids(index, 'ceramc')[0], 'mug', 'a missing letter');
    assert.equal(ids(index, 'tablle')[0], 'table', 'an extra letter');
    assert.equal(ids(index, 'BOUCLE')[0], 'sofa', 'case and accents');
    assert.deepEqual(ids(index, 'zzxqv'), []);
  });

  it('finds word beginnings as the shopper types, in titles, categories, option values and SKUs', () => {
    const index = indexOf(shop);
    assert.equal(ids(index, 'din')[0], 'chair');
    assert.deepEqual(ids(index, 'furn').sort(), ['chair', 'sofa', 'table']);
    assert.deepEqual(ids(index, 'brass'), ['lamp']);
    assert.deepEqual(ids(index, 'ta-004'), ['table']);
  });

  it('ranks a title match above a category match above a description match', () => {
    const index = indexOf([
      doc('d', { title: 'Plain Box', description: 'Looks lovely in a garden.' }),
      doc('c', { title: 'Plain Crate', category: 'Garden' }),
      doc('t', { title: 'Garden Bench' }),
    ]);
    assert.deepEqual(ids(index, 'garden'), ['t', 'c', 'd']);
  });

  it('wants every word, and falls back to any word when no product has them all', () => {
    const index = indexOf(shop);
    assert.deepEqual(ids(index, 'walnut chair'), ['chair'], 'the table has walnut but not chair: AND leaves it out');
    const any = ids(index, 'walnut spaceship');
    assert.deepEqual(any.sort(), ['chair', 'table'], 'no product is a walnut spaceship: either word will do');
  });

  it('returns at most `limit`, ties in id order', () => {
    const index = indexOf(['e', 'b', 'd', 'a', 'c'].map((id) => doc(id, { title: 'Stool' })));
    assert.deepEqual(ids(index, 'stool', 3), ['a', 'b', 'c']);
    assert.deepEqual(ids(index, 'stool', 0), []);
  });

  it('follows changes: a new title is found, the old one is not, a deleted product is gone', () => {
    const index = indexOf(shop);
    index.set(doc('lamp', { title: 'Zanzibar Pendant', category: 'Lighting' }));
    assert.deepEqual(ids(index, 'zanzibar'), ['lamp']);
    assert.deepEqual(ids(index, 'arc'), []);
    index.delete('lamp');
    assert.deepEqual(ids(index, 'zanzibar'), []);
    assert.equal(index.size, shop.length - 1);
    // Edited in place, the index answers exactly as one built from the edited products.
    const edited = shop.filter((d) => d.id !== 'lamp').map((d) => (d.id === 'table' ? { ...d, title: 'Walnut Chair Table' } : d));
    index.set(edited.find((d) => d.id === 'table')!);
    const fresh = indexOf(edited);
    for (const q of ['walnut', 'chair', 'seats', 'oak', 'table']) assert.deepEqual(index.search(q, 10), fresh.search(q, 10), q);
  });

  it('answers the same whether products were added one by one or in a batch', () => {
    const one = indexOf(shop);
    const batch = new CatalogSearchIndex();
    batch.batch(() => {
      for (const d of [...shop].reverse()) batch.set(d);
      batch.delete('mug');
      batch.set(shop.find((d) => d.id === 'mug')!);
    });
    for (const q of ['walnut', 'oak', 'chiar', 'seat', 'furn', 'mug']) assert.deepEqual(batch.search(q, 10), one.search(q, 10), q);
  });

  it('suggests the nearest indexed words when nothing matches, and nothing when no word is near', () => {
    const index = indexOf(shop);
    assert.deepEqual(ids(index, 'sofffa'), []);
    assert.equal(index.suggest('sofffa'), 'sofa');
    assert.equal(index.suggest('zzxqv kkwpj'), undefined);
  });
});

describe('CatalogSearchIndex: caps that keep a query flat as the catalog grows', () => {
  // Many more products with a word than a query reads: the few where it is in the title still come first.
  const many = POSTINGS_READ * 3;
  const crowd = Array.from({ length: many }, (_, i) =>
    doc(`p${String(i).padStart(5, '0')}`, { title: `Item ${i}`, description: 'Goes with any velvet cushion or a rug.' }),
  );
  const stars = [doc('z1', { title: 'Velvet Armchair' }), doc('z2', { title: 'Velvet Sofa' })];

  it('finds the best products of a word in many more than it reads, whatever order they were added in', () => {
    for (const order of [[...crowd, ...stars], [...stars, ...crowd]]) {
      const index = new CatalogSearchIndex();
      index.batch(() => order.forEach((d) => index.set(d)));
      assert.deepEqual(ids(index, 'velvet', 4), ['z1', 'z2', 'p00000', 'p00001']);
      // One by one after the batch: kept in order on insert.
      index.set(doc('z0', { title: 'Velvet Pouffe' }));
      assert.deepEqual(ids(index, 'velvet', 3), ['z0', 'z1', 'z2']);
    }
  });

  it('keeps AND exact when one word is rarer than what is read, however common the other', () => {
    const index = new CatalogSearchIndex();
    index.batch(() => [...crowd, doc('rug1', { title: 'Round Rug', description: 'velvet edge' })].forEach((d) => index.set(d)));
    // "rug" is in every description, "round" in one title: the product with both is found, not an OR list.
    assert.deepEqual(ids(index, 'round velvet'), ['rug1']);
  });

  // Two words each in many more products than a query reads, together in only a few, which rank low in both
  // words' lists (longer titles): what reading the best of each word would not reach.
  function rarelyTogether(perWord: number): SearchDocument[] {
    const pad = (i: number) => String(i).padStart(6, '0');
    return [
      ...Array.from({ length: perWord }, (_, i) => doc(`a${pad(i)}`, { title: `Oak Stool ${i}` })),
      ...Array.from({ length: perWord }, (_, i) => doc(`b${pad(i)}`, { title: `Floor Lamp ${i}` })),
      doc('both1', { title: 'Small oak bedside table lamp with a linen shade' }),
      doc('both2', { title: 'Tall oak reading lamp for a corner' }),
    ];
  }

  // Below BITS_FROM a common word's products are a sorted list; from it on, a bitset too: both kept exact.
  for (const perWord of [POSTINGS_READ * 5, BITS_FROM + POSTINGS_READ])
  it(`finds every product having two common words that rarely occur together, not an OR list (${perWord} each)`, () => {
    const index = new CatalogSearchIndex();
    index.batch(() => rarelyTogether(perWord).forEach((d) => index.set(d)));
    assert.deepEqual(ids(index, 'oak lamp').sort(), ['both1', 'both2']);
    assert.deepEqual(ids(index, 'oka lmap').sort(), ['both1', 'both2'], 'with typos in both words too');
    assert.deepEqual(ids(index, 'lamp oak linen'), ['both1'], 'a third, rare word');
    // Kept exact through updates and deletions, not only after a full load.
    index.delete('both1');
    index.set(doc('both2', { title: 'Tall oak reading light for a corner' }));
    index.set(doc('both3', { title: 'Oak lamp base' }));
    assert.deepEqual(ids(index, 'oak lamp'), ['both3']);
    index.delete('both3');
    const or = ids(index, 'oak lamp', 4);
    assert.equal(or.length, 4, 'no product has both words any more: the OR list');
    assert.ok(or.every((id) => id.startsWith('a') || id.startsWith('b') || id === 'both2'));
  });

  it('forgets a word a product no longer has, however common the word', () => {
    const pad = (i: number) => String(i).padStart(6, '0');
    const index = new CatalogSearchIndex();
    index.batch(() => {
      for (let i = 0; i < BITS_FROM + 300; i++) index.set(doc(`a${pad(i)}`, { title: `Oak Stool ${i}` }));
      for (let i = 0; i < BITS_FROM + 100; i++) index.set(doc(`b${pad(i)}`, { title: `Floor Lamp ${i}` }));
    });
    // A long title: low in both words' lists, found by the exact AND step rather than by reading them.
    index.set(doc('x', { title: 'Small oak bedside table lamp with a linen shade' }));
    assert.deepEqual(ids(index, 'oak lamp', 4), ['x']);
    index.set(doc('x', { title: 'Small pine bedside table lamp with a linen shade' }));
    assert.equal(ids(index, 'oak lamp', 4).length, 4, 'no product has both words any more: the OR list');
    index.set(doc('x', { title: 'Small oak bedside table lamp with a linen shade' }));
    index.delete('x');
    assert.equal(ids(index, 'oak lamp', 4).length, 4, 'deleted: the OR list again');
  });

  it('reads as many postings for a query at ten times the products', () => {
    const reads = [1, 10].map((times) => {
      const index = new CatalogSearchIndex();
      index.batch(() => rarelyTogether(POSTINGS_READ * 2 * times).forEach((d) => index.set(d)));
      assert.deepEqual(ids(index, 'oak lamp').sort(), ['both1', 'both2']);
      const andFound = index.lastSearchReads;
      assert.equal(ids(index, 'stool', 6).length, 6);
      return [andFound, index.lastSearchReads];
    });
    assert.deepEqual(reads[1], reads[0]);
    assert.ok(reads[0]![0]! <= 2 * POSTINGS_READ, `two words read at most ${POSTINGS_READ} postings each`);
  });

  it('expands a short prefix into at most MAX_EXPANSIONS words, the closest first', () => {
    // 600 words starting with "ze": "zed" (closest) must be among those searched, and found.
    const words = Array.from({ length: 600 }, (_, i) => doc(`w${i}`, { title: `zeqq${i} Lamp` }));
    const index = indexOf([...words, doc('zed', { title: 'Zed Lamp' })]);
    const hits = index.search('ze', 20);
    assert.equal(hits[0]?.id, 'zed', 'the nearest completion ranks first');
    assert.ok(hits.length <= 20 && hits.length > 1);
    assert.ok(MAX_EXPANSIONS < 600, 'the prefix has more completions than a query expands into');
  });

  it('answers a typo of a very common word from the word, not from every product having it', () => {
    const index = new CatalogSearchIndex();
    index.batch(() => [...crowd, ...stars].forEach((d) => index.set(d)));
    assert.deepEqual(ids(index, 'vlevet', 2), ['z1', 'z2']);
    assert.deepEqual(ids(index, 'velvte', 2), ['z1', 'z2']);
  });
});
