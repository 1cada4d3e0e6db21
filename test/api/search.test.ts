// Search, facets and sort orders over HTTP, on the whole shop booted on its embedded defaults with the demo catalog.
// Expected facet counts are worked out here from the product pages (options, variants, stock), independently of
// the server's own code; freshness is checked by writing to the catalog table and to Postgres as any instance would.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Product } from '../../src/domain/catalog.ts';
import { setStock } from '../../src/databases/relational/inventory.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { until } from '../helpers/wait.ts';

interface Money {
  amount: number;
  currency: string;
}
interface Summary {
  id: string;
  slug: string;
  title: string;
  category: string;
  price: Money;
  poster: string | null;
  model: { glb: string } | null;
}
interface Facets {
  price: { min: number; max: number; currency: string } | null;
  options: { name: string; values: { value: string; count: number }[] }[];
  inStock: number;
}
interface ListAnswer {
  items: Summary[];
  nextCursor?: string;
  total?: number;
  facets?: Facets;
}
interface SearchAnswer {
  items: Summary[];
  suggestion?: string;
}
interface Detail {
  id: string;
  slug: string;
  title: string;
  options: { name: string; values: string[] }[];
  variants: { id: string; sku: string; options: Record<string, string>; price: Money; stock: number }[];
}

let app: TestApp;
const get = (path: string, headers: Record<string, string> = {}) => fetch(app.baseUrl + path, { headers });
async function json<T>(path: string): Promise<T> {
  const res = await get(path);
  assert.equal(res.status, 200, `${path} → ${res.status} ${res.status === 200 ? '' : await res.text()}`);
  return (await res.json()) as T;
}
const search = (q: string, limit?: number) => json<SearchAnswer>(`/api/search?q=${encodeURIComponent(q)}${limit ? `&limit=${limit}` : ''}`);
const products = (query: string) => json<ListAnswer>(`/api/products?${query}`);
/** Every product of a category with its options, variants and stock, from the product pages. */
async function details(category: string): Promise<Detail[]> {
  const list = await products(`category=${category}&limit=100`);
  return Promise.all(list.items.map((s) => json<Detail>(`/api/products/${s.slug}`)));
}

before(async () => {
  app = await startTestApp();
});
after(async () => {
  await app?.close();
});

describe('GET /api/search', () => {
  it('finds demo products through typos: swapped, missing and extra letters', async () => {
    for (const [q, title] of [
      ['chiar', /chair/i],
      ['lmap', /lamp/i],
      ['headphnoes', /^Studio Wireless Headphones$/],
      ['teapto', /^Porcelain Teapot$/],
      ['cermaic mgu', /^Everyday Ceramic Mug$/],
      ['bookshelff', /^Tall Bookshelf$/],
      ['sneker', /^Court Leather Sneaker$/],
    ] as const) {
      const { items } = await search(q);
      assert.ok(items.length > 0, `"${q}" finds something`);
      assert.match(items[0]!.title, title, `"${q}" → ${items.map((p) => p.title).join(', ')}`);
    }
  });

  it('matches word beginnings as the shopper types, in titles, option values and categories', async () => {
    const headph = await search('headph');
    assert.equal(headph.items[0]?.slug, 'wireless-headphones');
    // "wal" is the start of Walnut, an option value: every product with a walnut variant is found.
    const walnut = (await details('furniture')).filter((d) => d.options.some((o) => o.values.includes('Walnut')));
    assert.ok(walnut.length >= 2, 'the demo has several walnut products');
    const wal = await search('wal', 20);
    for (const d of walnut) assert.ok(wal.items.some((p) => p.slug === d.slug), `"wal" finds ${d.slug}`);
    const lighting = await search('lightin', 20);
    const lamps = await products('category=lighting&limit=100');
    for (const p of lamps.items) assert.ok(lighting.items.some((x) => x.slug === p.slug), `"lightin" (the category) finds ${p.slug}`);
  });

  it('ranks the product with every word first, finds a SKU, and ignores case, accents and spacing', async () => {
    const both = await search('walnut chair');
    assert.equal(both.items[0]?.slug, 'dining-chair', 'the walnut dining chair is the best match for both words');
    const mug = await json<Detail>('/api/products/ceramic-mug');
    const sku = mug.variants[1]!.sku;
    assert.equal((await search(sku)).items[0]?.slug, 'ceramic-mug', `the SKU ${sku} finds its product`);
    const lounge = await search('BOUCLÉ   lounge');
    assert.equal(lounge.items[0]?.slug, 'lounge-chair');
  });

  it('answers like the product list: summaries with price, poster and model, at most `limit`', async () => {
    const { items } = await search('chair', 2);
    assert.equal(items.length, 2);
    for (const p of items) {
      assert.deepEqual(Object.keys(p).sort(), ['category', 'id', 'model', 'poster', 'price', 'slug', 'title']);
      assert.ok(Number.isInteger(p.price.amount) && p.price.amount > 0);
      assert.match(p.poster ?? '', /^\/assets\/posters\//);
    }
  });

  it('gives an empty list when nothing matches, with a suggestion when a near word exists', async () => {
    const none = await search('zzxqv kkwpj');
    assert.deepEqual(none.items, []);
    assert.equal(none.suggestion, undefined);
    const sofa = await search('sofffa');
    assert.deepEqual(sofa.items, [], 'two extra letters is too far for a match');
    assert.equal(sofa.suggestion, 'sofa');
    assert.equal((await search(sofa.suggestion)).items[0]?.slug, 'three-seat-sofa', 'the suggestion finds the sofa');
  });

  it('refuses an empty, blank, missing or too long q, and a bad limit, with 400 naming the parameter', async () => {
    for (const [query, param] of [
      ['q=', 'q'],
      ['q=%20%20%20', 'q'],
      ['', 'q'],
      [`q=${'a'.repeat(101)}`, 'q'],
      ['q=chair&limit=0', 'limit'],
      ['q=chair&limit=21', 'limit'],
      ['q=chair&limit=x', 'limit'],
    ] as const) {
      const res = await get(`/api/search?${query}`);
      assert.equal(res.status, 400, query.slice(0, 40));
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'INVALID_REQUEST');
      assert.match(body.error.message, new RegExp(`\\b${param}\\b`), `${query.slice(0, 40)} → ${body.error.message}`);
    }
    assert.equal((await get(`/api/search?q=${'a'.repeat(100)}`)).status, 200, '100 characters are fine');
  });

  it('is cacheable like other catalog GETs: short s-maxage, strong ETag, 304', async () => {
    const res = await get('/api/search?q=lamp');
    assert.match(res.headers.get('cache-control') ?? '', /public, .*s-maxage=\d+.*stale-while-revalidate=\d+/);
    const etag = res.headers.get('etag');
    assert.match(etag ?? '', /^"[^"]+"$/);
    assert.equal((await get('/api/search?q=LAMP', { 'if-none-match': etag! })).status, 304, 'case does not change the answer');
  });
});

/** The facets the server should give for `list`, worked out from the product pages. */
function expectedFacets(list: Detail[], filters: { min?: number; max?: number; options?: Record<string, string[]>; inStock?: boolean }): {
  matching: string[];
  facets: Facets;
} {
  type V = Detail['variants'][number];
  const priceOk = (v: V) => (filters.min === undefined || v.price.amount >= filters.min) && (filters.max === undefined || v.price.amount <= filters.max);
  const stockOk = (v: V) => !filters.inStock || v.stock > 0;
  const optionsOk = (v: V, except?: string) =>
    Object.entries(filters.options ?? {}).every(([name, values]) => name === except || values.includes(v.options[name]!));
  const matching = list.filter((d) => d.variants.some((v) => priceOk(v) && stockOk(v) && optionsOk(v))).map((d) => d.slug);
  const priced = list.flatMap((d) => d.variants.filter((v) => stockOk(v) && optionsOk(v)).map((v) => v.price.amount));
  const names = [...new Set(list.flatMap((d) => d.options.map((o) => o.name)))];
  const options = names.map((name) => ({
    name,
    values: [...new Set(list.flatMap((d) => d.options.find((o) => o.name === name)?.values ?? []))].map((value) => ({
      value,
      count: list.filter((d) => d.variants.some((v) => v.options[name] === value && priceOk(v) && stockOk(v) && optionsOk(v, name))).length,
    })),
  }));
  return {
    matching,
    facets: {
      price: priced.length ? { min: Math.min(...priced), max: Math.max(...priced), currency: 'USD' } : null,
      options,
      inStock: list.filter((d) => d.variants.some((v) => v.stock > 0 && priceOk(v) && optionsOk(v))).length,
    },
  };
}

/** Facets with options in name order, for comparison (the server orders them by how many products have them). */
function byName(f: Facets | undefined): Facets | undefined {
  return f && { ...f, options: [...f.options].sort((a, b) => (a.name < b.name ? -1 : 1)) };
}

describe('GET /api/products: facets, filters and sort orders', () => {
  it('adds facets and the total to a first page, computed over the category', async () => {
    const furniture = await details('furniture');
    const page = await products('category=furniture&limit=3');
    assert.equal(page.items.length, 3);
    assert.equal(page.total, furniture.length);
    assert.deepEqual(byName(page.facets), byName(expectedFacets(furniture, {}).facets));
    const wood = page.facets!.options.find((o) => o.name === 'Wood');
    assert.ok(wood && wood.values.some((v) => v.value === 'Walnut' && v.count >= 2), 'Wood: Walnut on several products');
    const next = await products(`category=furniture&limit=3&cursor=${encodeURIComponent(page.nextCursor!)}`);
    assert.equal(next.facets, undefined, 'later pages skip the facets');
    assert.equal(next.total, undefined);
    const all = await products('limit=5');
    assert.ok(all.facets && all.total! > furniture.length, 'the whole shop has facets too');
  });

  it('filters by a price range (minor units, inclusive, any variant), facets counting the other filters', async () => {
    const furniture = await details('furniture');
    const prices = furniture.flatMap((d) => d.variants.map((v) => v.price.amount)).sort((a, b) => a - b);
    const min = prices[Math.floor(prices.length / 4)]!;
    const max = prices[Math.floor((prices.length * 3) / 4)]!;
    const page = await products(`category=furniture&limit=100&minPrice=${min}&maxPrice=${max}`);
    const want = expectedFacets(furniture, { min, max });
    assert.ok(want.matching.length > 0 && want.matching.length < furniture.length, 'the range keeps some products, not all');
    assert.deepEqual(page.items.map((p) => p.slug), want.matching);
    assert.equal(page.total, want.matching.length);
    assert.deepEqual(byName(page.facets), byName(want.facets));
    assert.deepEqual(page.facets!.price, expectedFacets(furniture, {}).facets.price, 'the price facet ignores the price filter');
  });

  it('filters by option values: alternatives within an option, AND across options', async () => {
    const furniture = await details('furniture');
    const walnut = await products(`category=furniture&limit=100&option=${encodeURIComponent('Wood:Walnut')}`);
    const want = expectedFacets(furniture, { options: { Wood: ['Walnut'] } });
    assert.ok(want.matching.length >= 2);
    assert.deepEqual(walnut.items.map((p) => p.slug), want.matching);
    assert.deepEqual(byName(walnut.facets), byName(want.facets));
    assert.deepEqual(
      walnut.facets!.options.find((o) => o.name === 'Wood'),
      (await products('category=furniture&limit=1')).facets!.options.find((o) => o.name === 'Wood'),
      'ticking Walnut leaves the other Wood counts as they were',
    );

    const either = await products(`category=furniture&limit=100&option=Wood:Walnut&option=Wood:Oak`);
    assert.deepEqual(either.items.map((p) => p.slug), expectedFacets(furniture, { options: { Wood: ['Walnut', 'Oak'] } }).matching);
    assert.ok(either.items.length >= walnut.items.length);

    const table = furniture.find((d) => d.options.length >= 2 && d.options.some((o) => o.name === 'Wood'))!;
    const other = table.options.find((o) => o.name !== 'Wood')!;
    const filters = { Wood: ['Walnut'], [other.name]: [other.values[0]!] };
    const narrow = await products(`category=furniture&limit=100&option=Wood:Walnut&option=${encodeURIComponent(`${other.name}:${other.values[0]}`)}`);
    const wantNarrow = expectedFacets(furniture, { options: filters });
    assert.deepEqual(narrow.items.map((p) => p.slug), wantNarrow.matching);
    assert.deepEqual(byName(narrow.facets), byName(wantNarrow.facets));

    const nothing = await products(`category=furniture&limit=100&option=Wood:Unobtainium`);
    assert.deepEqual(nothing.items, []);
    assert.equal(nothing.total, 0);
    assert.equal(nothing.facets!.price, null);
  });

  it('sorts by price both ways, by name, and pages a sorted, filtered list without gaps or repeats', async () => {
    const all = await products('limit=100');
    const amounts = (items: Summary[]) => items.map((p) => p.price.amount);
    const asc = await products('limit=100&sort=price-asc');
    assert.deepEqual(amounts(asc.items), [...amounts(all.items)].sort((a, b) => a - b));
    const desc = await products('limit=100&sort=price-desc');
    assert.deepEqual(amounts(desc.items), [...amounts(all.items)].sort((a, b) => b - a));
    const named = await products('limit=100&sort=name');
    const titles = named.items.map((p) => p.title.toLowerCase());
    assert.deepEqual(titles, [...titles].sort());
    assert.equal(new Set(named.items.map((p) => p.id)).size, all.items.length);
    const featured = await products('limit=100&sort=featured');
    assert.deepEqual(featured.items, all.items, 'featured is the default order');

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await products(`limit=3&sort=price-desc&minPrice=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...page.items.map((p) => p.slug));
      cursor = page.nextCursor;
    } while (cursor);
    const whole = await products('limit=100&sort=price-desc&minPrice=1000');
    assert.deepEqual(seen, whole.items.map((p) => p.slug), 'pages join up exactly');
    const other = await get(`/api/products?limit=3&sort=name&cursor=${encodeURIComponent((await products('limit=3&sort=price-asc')).nextCursor!)}`);
    assert.equal(other.status, 400, 'a cursor from another sort order is refused');
  });

  it('answers bad filters with 400 naming the parameter', async () => {
    for (const [query, param] of [
      ['sort=cheapest', 'sort'],
      ['minPrice=-1', 'minPrice'],
      ['maxPrice=1.5', 'maxPrice'],
      ['minPrice=500&maxPrice=100', 'minPrice'],
      ['option=Walnut', 'option'],
      ['option=:Walnut', 'option'],
      [Array.from({ length: 21 }, (_, i) => `option=Wood:${i}`).join('&'), 'option'],
      ['inStock=yes', 'inStock'],
    ] as const) {
      const res = await get(`/api/products?${query}`);
      assert.equal(res.status, 400, query.slice(0, 40));
      const body = (await res.json()) as { error: { message: string } };
      assert.match(body.error.message, new RegExp(param), `${query.slice(0, 40)} → ${body.error.message}`);
    }
  });

  it('filters by stock from Postgres: a sold-out product leaves the in-stock list and count', async () => {
    const before = await products('category=furniture&limit=100&inStock=true');
    const furniture = await details('furniture');
    assert.deepEqual(before.items.map((p) => p.slug), expectedFacets(furniture, { inStock: true }).matching);
    const target = furniture.find((d) => before.items.some((p) => p.slug === d.slug))!;
    // Sell out every variant of one product, as checkouts would, straight in Postgres.
    await setStock(app.shop.runtime.relational.db, target.variants.map((v) => ({ variantId: v.id, productId: target.id, onHand: 0 })));
    await until(async () => (await products('category=furniture&limit=1')).facets!.inStock === before.facets!.inStock - 1, 'the in-stock count drops');
    const after = await products('category=furniture&limit=100&inStock=true');
    assert.ok(!after.items.some((p) => p.slug === target.slug), 'the sold-out product is not listed as in stock');
    assert.equal(after.total, before.total! - 1);
    assert.ok((await products('category=furniture&limit=100')).items.some((p) => p.slug === target.slug), 'but it is still in the catalog');
    // Restock one variant: back in the list.
    const restocked = target.variants[target.variants.length - 1]!;
    await setStock(app.shop.runtime.relational.db, [{ variantId: restocked.id, productId: target.id, onHand: 3 }]);
    await until(async () => (await products('category=furniture&limit=100&inStock=true')).items.some((p) => p.slug === target.slug), 'the restocked product');
  });
});

describe('freshness: the index follows the catalog table', () => {
  it('finds a product by its new title within a refresh, then loses it when unpublished', async () => {
    const repo = app.shop.runtime.catalog.repo;
    const stool = (await repo.getProductBySlug('bar-stool'))!;
    assert.equal((await search('zanzibar')).items.length, 0);
    const renamed = await repo.putProduct({ ...stool, title: 'Zanzibar Bar Stool' }, stool.version);
    await until(async () => (await search('zanzibar')).items[0]?.slug === 'bar-stool', 'the new title is searchable');
    assert.equal((await search('zanzibra')).items[0]?.slug, 'bar-stool', 'with typos too');
    assert.equal((await search('perch')).items.some((p) => p.slug === 'bar-stool'), false, 'the old title is gone from the index');

    await repo.putProduct({ ...renamed, status: 'draft' }, renamed.version);
    await until(async () => (await search('zanzibar')).items.length === 0, 'the unpublished product leaves the results');
    assert.ok(!(await products('category=furniture&limit=100')).items.some((p) => p.slug === 'bar-stool'));
    const back = (await repo.getProduct(stool.id))!;
    await repo.putProduct({ ...back, status: 'published', title: stool.title }, back.version);
    await until(async () => (await search('perch stool')).items[0]?.slug === 'bar-stool', 'republished under its old title');
  });

  it('lists a product created just now first when sorting by newest, and finds it by name', async () => {
    const repo = app.shop.runtime.catalog.repo;
    const product: Product = {
      id: 'test-newest',
      slug: 'quokka-stool',
      title: 'Quokka Step Stool',
      description: 'A small step stool made for tests.',
      category: 'furniture',
      status: 'published',
      options: [{ name: 'Wood', values: ['Walnut'] }],
      variants: [{ id: 'test-newest-walnut', sku: 'QUOKKA-WALNUT', options: { Wood: 'Walnut' }, price: { amount: 4_500, currency: 'USD' } }],
      rank: 999,
      version: 0,
      createdAt: '',
      updatedAt: '',
    };
    await repo.putProduct(product);
    await until(async () => (await products('category=furniture&limit=1&sort=newest')).items[0]?.slug === 'quokka-stool', 'the new product first');
    assert.equal((await search('qokka')).items[0]?.slug, 'quokka-stool');
    const cheapest = await products(`category=furniture&limit=1&sort=price-asc&option=Wood:Walnut`);
    assert.equal(cheapest.items[0]?.slug, 'quokka-stool', 'the cheapest walnut piece');
  });
});
