// Filters, facets, sort orders and pages of category listings, checked against their definition on random catalogs
// (fast-check): the browse index's typed-array passes against a plain reading of the rules, product by product,
// then whole listings walked page by page through the read model over dynalite.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { fromPrice, type Product, type Variant } from '../../src/domain/catalog.ts';
import { BrowseIndex, SORT_ORDERS, type BrowseFilters, type Facets, type SortOrder } from '../../src/databases/catalog/browse.ts';
import { DynamoCatalogRepository } from '../../src/databases/catalog/dynamo-repository.ts';
import { startDynalite, type DynaliteServer } from '../../src/databases/catalog/dynalite-server.ts';
import { CatalogReadModel } from '../../src/databases/catalog/read-model.ts';
import { category } from './fixtures.ts';

const OPTIONS: Record<string, readonly string[]> = { Colour: ['Oak', 'Walnut', 'Black', 'Sage'], Size: ['S', 'M', 'L'], Finish: ['Matte', 'Gloss'] };
const PRICES = [1000, 1500, 2000, 2500, 3000];
const TITLES = ['alpha', 'beta', 'gamma', 'delta'];

/** What a product is made of: which options with which values, which combinations exist, prices, stock. */
const productShape = fc.record({
  declared: fc.record(Object.fromEntries(Object.entries(OPTIONS).map(([name, values]) => [name, fc.option(fc.subarray([...values], { minLength: 1 }), { nil: undefined })]))),
  picks: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
  prices: fc.array(fc.constantFrom(...PRICES), { minLength: 6, maxLength: 6 }),
  units: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 6, maxLength: 6 }),
  rank: fc.integer({ min: 0, max: 3 }),
  title: fc.constantFrom(...TITLES),
  day: fc.integer({ min: 1, max: 9 }),
  extra: fc.boolean(),
});
type Shape = typeof productShape extends fc.Arbitrary<infer T> ? T : never;

/** A valid product (every variant picks a declared value of each declared option) and its stock per variant. */
function build(shape: Shape, i: number): { product: Product; units: [string, number][] } {
  const options = Object.entries(shape.declared).flatMap(([name, values]) => (values ? [{ name, values }] : []));
  let combos: Record<string, string>[] = [{}];
  for (const o of options) combos = combos.flatMap((c) => o.values.map((v) => ({ ...c, [o.name]: v })));
  const picked = [...new Set(shape.picks.map((n) => n % combos.length))];
  const variants: Variant[] = picked.map((c, k) => ({ id: `p${i}-v${c}`, sku: `P${i}-${c}`, options: combos[c]!, price: { amount: shape.prices[k]!, currency: 'USD' } }));
  const product: Product = {
    id: `p${String(i).padStart(3, '0')}`,
    slug: `product-${i}`,
    title: `${shape.title} ${i % 3}`,
    description: '',
    category: i % 2 === 0 ? 'chairs' : 'tables',
    ...(shape.extra ? { extraCategories: [i % 2 === 0 ? 'tables' : 'chairs'] } : {}),
    status: 'published',
    options,
    variants,
    rank: shape.rank,
    version: 0,
    createdAt: `2026-01-0${shape.day}T00:00:00.000Z`,
    updatedAt: '',
  };
  return { product, units: variants.map((v, k) => [v.id, shape.units[k]!]) };
}

const filtersArb: fc.Arbitrary<BrowseFilters> = fc
  .record({
    minPrice: fc.option(fc.constantFrom(...PRICES), { nil: undefined }),
    maxPrice: fc.option(fc.constantFrom(...PRICES), { nil: undefined }),
    inStock: fc.boolean(),
    options: fc.record({
      ...Object.fromEntries(Object.entries(OPTIONS).map(([name, values]) => [name, fc.option(fc.subarray([...values], { minLength: 1 }), { nil: undefined, freq: 2 })])),
      Nope: fc.option(fc.constant(['x']), { nil: undefined, freq: 10 }), // an option no product has
    }),
  })
  .map(({ minPrice, maxPrice, inStock, options }) => ({
    ...(minPrice === undefined ? {} : { minPrice }),
    ...(maxPrice === undefined ? {} : { maxPrice }),
    ...(inStock ? { inStock } : {}),
    options: new Map(Object.entries(options).flatMap(([name, values]) => (values ? [[name, new Set(values)] as const] : []))),
  }));

/** The rules, read literally: a variant passes a filter or not; a product matches when one variant passes all. */
function expected(products: readonly Product[], f: BrowseFilters, onHand: (id: string) => number): { matched: Product[]; facets: Facets } {
  const passes = (v: Variant, except?: string): boolean =>
    (except === 'price' || ((f.minPrice === undefined || v.price.amount >= f.minPrice) && (f.maxPrice === undefined || v.price.amount <= f.maxPrice))) &&
    (except === 'stock' || !f.inStock || onHand(v.id) > 0) &&
    [...(f.options ?? [])].every(([name, values]) => name === except || (v.options[name] !== undefined && values.has(v.options[name]!)));
  const matched = products.filter((p) => p.variants.some((v) => passes(v)));
  const priced = products.flatMap((p) => p.variants.filter((v) => passes(v, 'price')).map((v) => v.price.amount));
  const names: string[] = [];
  for (const p of products) for (const o of p.options) if (!names.includes(o.name)) names.push(o.name);
  const declaring = (name: string) => products.filter((p) => p.options.some((o) => o.name === name)).length;
  const options = names
    .map((name, order) => ({ name, order, products: declaring(name) }))
    .sort((a, b) => b.products - a.products || a.order - b.order)
    .map(({ name }) => {
      const values: string[] = [];
      for (const p of products) for (const o of p.options) if (o.name === name) for (const v of o.values) if (!values.includes(v)) values.push(v);
      return {
        name,
        values: values.map((value) => ({ value, count: products.filter((p) => p.variants.some((v) => v.options[name] === value && passes(v, name))).length })),
      };
    });
  return {
    matched,
    facets: {
      price: priced.length === 0 ? null : { min: Math.min(...priced), max: Math.max(...priced), currency: 'USD' },
      options,
      inStock: products.filter((p) => p.variants.some((v) => passes(v, 'stock') && onHand(v.id) > 0)).length,
    },
  };
}

const catalogArb = fc.array(productShape, { minLength: 0, maxLength: 30 }).map((shapes) => shapes.map(build));

describe('browse index: filters and facets', () => {
  it('matches and counts exactly as the rules say, on random catalogs and filters', () => {
    fc.assert(
      fc.property(catalogArb, filtersArb, (built, filters) => {
        const products = built.map((b) => b.product);
        const units = new Map(built.flatMap((b) => b.units));
        const onHand = (id: string) => units.get(id) ?? 0;
        const index = new BrowseIndex(products);
        const got = index.match(filters, { onHand }, true);
        const want = expected(products, filters, onHand);
        assert.deepEqual(products.filter((_, i) => got.matched(i)).map((p) => p.id), want.matched.map((p) => p.id));
        assert.equal(got.total, want.matched.length);
        assert.deepEqual(got.facets, want.facets);
        const compiled = index.compile(filters, { onHand });
        assert.deepEqual(products.filter((_, i) => index.matches(i, compiled)).map((p) => p.id), want.matched.map((p) => p.id), 'one product at a time, as later pages test them');
      }),
      { numRuns: 400 },
    );
  });

  it('counts an option with more values than it keeps bitsets for (a value per product) by the same rules', () => {
    // 25-40 products with three engravings each of their own: 75-120 values, past the index's per-value bitsets.
    const catalog = fc.array(fc.record({ shape: productShape, engravings: fc.array(fc.nat({ max: 2 }), { minLength: 1, maxLength: 6 }) }), { minLength: 25, maxLength: 40 });
    const picks = fc.record({ values: fc.array(fc.nat({ max: 119 }), { maxLength: 8 }), maxPrice: fc.option(fc.constantFrom(...PRICES), { nil: undefined }), colour: fc.boolean() });
    fc.assert(
      fc.property(catalog, picks, (rows, pick) => {
        const built = rows.map(({ shape, engravings }, i) => {
          const { product, units } = build(shape, i);
          const values = [0, 1, 2].map((k) => `p${i}-e${k}`);
          const variants = product.variants.map((v, k) => ({ ...v, options: { ...v.options, Engraving: values[engravings[k % engravings.length]!]! } }));
          return { product: { ...product, options: [...product.options, { name: 'Engraving', values }], variants }, units };
        });
        const products = built.map((b) => b.product);
        const units = new Map(built.flatMap((b) => b.units));
        const onHand = (id: string) => units.get(id) ?? 0;
        const options = new Map<string, Set<string>>();
        if (pick.values.length > 0) options.set('Engraving', new Set(pick.values.map((n) => `p${Math.floor(n / 3)}-e${n % 3}`)));
        if (pick.colour) options.set('Colour', new Set(['Oak', 'Walnut']));
        const filters: BrowseFilters = { options, ...(pick.maxPrice === undefined ? {} : { maxPrice: pick.maxPrice }) };
        const index = new BrowseIndex(products);
        const got = index.match(filters, { onHand }, true);
        const want = expected(products, filters, onHand);
        assert.deepEqual(products.filter((_, i) => got.matched(i)).map((p) => p.id), want.matched.map((p) => p.id));
        assert.deepEqual(got.facets!.inStock, want.facets.inStock);
        assert.deepEqual(got.facets!.price, want.facets.price);
        // The index shows at most MAX_FACET_VALUES values of an option (and every ticked one): compare those.
        const shown = got.facets!.options.find((o) => o.name === 'Engraving')!;
        const all = want.facets.options.find((o) => o.name === 'Engraving')!;
        for (const v of shown.values) assert.equal(v.count, all.values.find((w) => w.value === v.value)!.count, v.value);
        assert.deepEqual(got.facets!.options.find((o) => o.name === 'Colour'), want.facets.options.find((o) => o.name === 'Colour'));
      }),
      { numRuns: 150 },
    );
  });

  it('counts products whose variants run over several 32-bit words (up to 72 variants each) by the same rules', () => {
    // The index counts products a word of 32 variants at a time: a product may end in the middle of a word, or take
    // up the whole of one or two words. Small and big products mixed, so every way of spanning words comes up.
    const PACKS = ['1', '2', '3'];
    const big = fc.record({ picks: fc.array(fc.nat(), { minLength: 20, maxLength: 90 }), prices: fc.array(fc.constantFrom(...PRICES), { minLength: 72, maxLength: 72 }), units: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 72, maxLength: 72 }) });
    const catalog = fc.array(fc.oneof(productShape.map((shape) => ({ shape })), big.map((many) => ({ many }))), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(catalog, filtersArb, (rows, filters) => {
        const built = rows.map((row, i) => {
          if ('shape' in row) return build(row.shape, i);
          const { product } = build({ declared: Object.fromEntries(Object.entries(OPTIONS).map(([name, values]) => [name, [...values]])), picks: [0], prices: [1000], units: [0], rank: 0, title: 'alpha', day: 1, extra: false }, i);
          const combos = Object.values(OPTIONS).reduce<string[][]>((acc, values) => acc.flatMap((c) => values.map((v) => [...c, v])), [[]]).flatMap((c) => PACKS.map((pack) => [...c, pack]));
          const picked = [...new Set(row.many.picks.map((n) => n % combos.length))];
          const names = [...Object.keys(OPTIONS), 'Pack'];
          const variants: Variant[] = picked.map((c, k) => ({ id: `p${i}-v${c}`, sku: `P${i}-${c}`, options: Object.fromEntries(names.map((name, o) => [name, combos[c]![o]!])), price: { amount: row.many.prices[k]!, currency: 'USD' as const } }));
          return { product: { ...product, options: [...product.options, { name: 'Pack', values: PACKS }], variants }, units: variants.map((v, k) => [v.id, row.many.units[k]!] as [string, number]) };
        });
        const products = built.map((b) => b.product);
        const units = new Map(built.flatMap((b) => b.units));
        const onHand = (id: string) => units.get(id) ?? 0;
        const got = new BrowseIndex(products).match(filters, { onHand }, true);
        const want = expected(products, filters, onHand);
        assert.deepEqual(products.filter((_, i) => got.matched(i)).map((p) => p.id), want.matched.map((p) => p.id));
        assert.equal(got.total, want.matched.length);
        assert.deepEqual(got.facets, want.facets);
      }),
      { numRuns: 300 },
    );
    // And the case random filters rarely hit: a product over three words whose only match is in the first.
    const one = build({ declared: { Colour: ['Oak'] }, picks: [0], prices: [2000], units: [1], rank: 0, title: 'alpha', day: 1, extra: false }, 0).product;
    const wide = build({ declared: { Colour: ['Oak'] }, picks: [0], prices: [1000], units: [1], rank: 0, title: 'beta', day: 1, extra: false }, 1).product;
    const variants = Array.from({ length: 72 }, (_, k) => ({ ...wide.variants[0]!, id: `wide-${k}`, price: { amount: k === 0 ? 1000 : 3000, currency: 'USD' as const } }));
    const got = new BrowseIndex([one, { ...wide, variants }]).match({ maxPrice: 1000 }, { onHand: () => 1 }, true);
    assert.equal(got.total, 1, 'variant 1 (word 0) of a product ending in word 2 matches');
    assert.equal(got.facets!.inStock, 1);
  });

  it('answers by the same rules after prices change in place (replace), as a merchant edits them', () => {
    const edits = fc.array(fc.record({ p: fc.nat(), k: fc.nat(), amount: fc.constantFrom(...PRICES, 500, 9000) }), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(catalogArb.filter((c) => c.length > 0), edits, filtersArb, (built, changes, filters) => {
        let products = built.map((b) => b.product);
        const units = new Map(built.flatMap((b) => b.units));
        const onHand = (id: string) => units.get(id) ?? 0;
        const index = new BrowseIndex(products);
        index.match(filters, { onHand }, true); // the price order is made on first use, then kept as prices move
        for (const { p, k, amount } of changes) {
          const i = p % products.length;
          const old = products[i]!;
          const next = { ...old, variants: old.variants.map((v, j) => (j === k % old.variants.length ? { ...v, price: { ...v.price, amount } } : v)) };
          assert.equal(index.replace(i, next), true);
          products = products.map((x, j) => (j === i ? next : x));
          const got = index.match(filters, { onHand }, true);
          const want = expected(products, filters, onHand);
          assert.equal(got.total, want.matched.length);
          assert.deepEqual(got.facets, want.facets);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reads stock once per stock generation, and again when it moves', () => {
    const { product, units } = build({ declared: { Colour: ['Oak'] }, picks: [0], prices: [1000], units: [0], rank: 0, title: 'alpha', day: 1, extra: false }, 1);
    const stock = new Map(units);
    const index = new BrowseIndex([product]);
    const onHand = (id: string) => stock.get(id) ?? 0;
    assert.equal(index.match({ inStock: true }, { onHand, generation: 1 }).total, 0);
    stock.set(product.variants[0]!.id, 5);
    assert.equal(index.match({ inStock: true }, { onHand, generation: 1 }).total, 0, 'same generation: the units already read');
    assert.equal(index.match({ inStock: true }, { onHand, generation: 2 }).total, 1, 'a new generation is read again');
    stock.set(product.variants[0]!.id, 0);
    assert.equal(index.match({ inStock: true }, { onHand }).total, 0, 'without a generation, read every time');
  });
});

describe('browse through the read model: every page of a filtered, sorted listing', () => {
  let server: DynaliteServer;
  let repo: DynamoCatalogRepository;
  let model: CatalogReadModel;
  let products: Product[];
  const units = new Map<string, number>();
  const onHand = (id: string) => units.get(id) ?? 0;
  const rank = { chairs: 1, tables: 2 } as const;

  before(async () => {
    server = await startDynalite();
    repo = new DynamoCatalogRepository({ client: server.endpoint, region: 'us-east-1', tableName: 'vitrine-browse' });
    await repo.ensureSchema();
    await repo.putCategory(category({ slug: 'chairs', rank: rank.chairs }));
    await repo.putCategory(category({ slug: 'tables', rank: rank.tables }));
    const [shapes] = fc.sample(fc.array(productShape, { minLength: 60, maxLength: 60 }), { seed: 9, numRuns: 1 });
    const built = shapes!.map(build);
    products = [];
    for (const b of built) {
      products.push(await repo.putProduct(b.product));
      for (const [id, n] of b.units) units.set(id, n);
    }
    model = new CatalogReadModel(repo, { refreshMs: 60_000 });
    await model.start();
  });

  after(async () => {
    await model?.stop();
    await repo?.close();
    await server?.close();
  });

  /** The listing in the merchant's order, then in `sort` order (ties in the merchant's order). */
  function listing(cat: 'chairs' | 'tables' | undefined, sort: SortOrder): Product[] {
    const featured = (a: Product, b: Product) =>
      cat === undefined
        ? rank[a.category as 'chairs'] - rank[b.category as 'chairs'] || a.rank - b.rank || (a.id < b.id ? -1 : 1)
        : a.rank - b.rank || (a.id < b.id ? -1 : 1);
    const inListing = products.filter((p) => cat === undefined || p.category === cat || p.extraCategories?.includes(cat)).sort(featured);
    const by: Record<SortOrder, (a: Product, b: Product) => number> = {
      featured: () => 0,
      'price-asc': (a, b) => fromPrice(a).amount - fromPrice(b).amount,
      'price-desc': (a, b) => fromPrice(b).amount - fromPrice(a).amount,
      newest: (a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt),
      name: (a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : 0),
    };
    return [...inListing].sort((a, b) => by[sort](a, b) || featured(a, b));
  }

  it('pages through exactly the matching products in order, with the first page’s total and facets', () => {
    fc.assert(
      fc.property(
        filtersArb,
        fc.constantFrom('chairs' as const, 'tables' as const, undefined),
        fc.constantFrom(...SORT_ORDERS),
        fc.integer({ min: 1, max: 7 }),
        (filters, cat, sort, limit) => {
          const all = listing(cat, 'featured');
          const want = expected(all, filters, onHand);
          const wantIds = new Set(want.matched.map((p) => p.id));
          const ordered = listing(cat, sort).filter((p) => wantIds.has(p.id)).map((p) => p.id);
          const q = { ...filters, limit, sort, onHand, onHandGeneration: 1, ...(cat ? { category: cat } : {}) };
          const first = model.browse({ ...q, facets: true });
          assert.equal(first.total, want.matched.length);
          assert.deepEqual(first.facets, want.facets);
          const seen = first.items.map((p) => p.id);
          let cursor = first.nextCursor;
          for (let pages = 1; cursor !== undefined; pages++) {
            assert.ok(pages <= ordered.length, 'more pages than matching products');
            const page = model.browse({ ...q, cursor });
            assert.ok(page.items.length > 0 && page.items.length <= limit, 'a page with a cursor holds 1 to limit products');
            assert.equal(page.total, undefined);
            seen.push(...page.items.map((p) => p.id));
            cursor = page.nextCursor;
          }
          assert.deepEqual(seen, ordered);
        },
      ),
      { numRuns: 300 },
    );
  });
});
