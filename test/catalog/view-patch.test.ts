// The read model patches its sorted view in place when a few products change (a rebuild of 100,000 products holds
// the event loop for most of a second). Random edits (fast-check): after each, or after a few, everything a
// shopper can read from the patched model must equal what a model built from scratch on the same data answers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { Product } from '../../src/domain/catalog.ts';
import { DynamoCatalogRepository } from '../../src/databases/catalog/dynamo-repository.ts';
import { startDynalite, type DynaliteServer } from '../../src/databases/catalog/dynalite-server.ts';
import { CatalogReadModel } from '../../src/databases/catalog/read-model.ts';
import { category, product } from './fixtures.ts';

const CATEGORIES = [category({ slug: 'chairs', rank: 1 }), category({ slug: 'tables', rank: 2 })];
const N = 6;

/** One merchant edit to product `i`, or a read between edits. */
const edit = fc.oneof(
  fc.record({ kind: fc.constant('price' as const), i: fc.nat(N - 1), amount: fc.integer({ min: 100, max: 900 }) }),
  fc.record({ kind: fc.constant('rank' as const), i: fc.nat(N - 1), rank: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant('category' as const), i: fc.nat(N - 1), category: fc.constantFrom('chairs', 'tables', 'lamps') }),
  fc.record({ kind: fc.constant('extra' as const), i: fc.nat(N - 1), extra: fc.subarray(['chairs', 'tables', 'lamps']) }),
  fc.record({ kind: fc.constant('status' as const), i: fc.nat(N - 1), status: fc.constantFrom('published' as const, 'draft' as const, 'archived' as const) }),
  fc.record({ kind: fc.constant('slug' as const), i: fc.nat(N - 1), slug: fc.constantFrom('a', 'b', 'c') }),
  fc.record({ kind: fc.constant('title' as const), i: fc.nat(N - 1), title: fc.constantFrom('Oak', 'ash', 'Élan', 'birch') }),
  fc.constant({ kind: 'read' as const }),
);
type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never;

function applyEdit(p: Product, e: Exclude<Edit, { kind: 'read' }>, clock: number): Product {
  const next = { ...p, version: p.version + 1, updatedAt: new Date(Date.UTC(2026, 0, 1) + clock * 1000).toISOString() };
  switch (e.kind) {
    case 'price':
      return { ...next, variants: p.variants.map((v, k) => (k === 0 ? { ...v, price: { ...v.price, amount: e.amount * 100 } } : v)) };
    case 'rank':
      return { ...next, rank: e.rank };
    case 'category':
      return { ...next, category: e.category };
    case 'extra':
      return { ...next, extraCategories: e.extra };
    case 'status':
      return { ...next, status: e.status };
    case 'slug':
      return { ...next, slug: `slug-${e.slug}` }; // shared by several products on purpose: the newer must win
    case 'title':
      return { ...next, title: e.title };
  }
}

/** Everything a shopper reads from the catalog listings, as plain data. */
function snapshot(model: CatalogReadModel, products: readonly Product[]): unknown {
  const pages = (category?: string) => {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = model.listPublished({ limit: 5, ...(category ? { category } : {}), ...(cursor ? { cursor } : {}) });
      ids.push(...page.items.map((p) => `${p.id}@${p.version}`));
      cursor = page.nextCursor;
    } while (cursor);
    return ids;
  };
  const listings = [undefined, 'chairs', 'tables', 'lamps'];
  return {
    lists: listings.map(pages),
    categories: model.categories().map((c) => [c.slug, c.productCount]),
    browse: listings.flatMap((cat) =>
      (['featured', 'price-asc', 'name'] as const).map((sort) => {
        const page = model.browse({ limit: 50, sort, facets: true, ...(cat ? { category: cat } : {}), ...(sort === 'featured' ? {} : { maxPrice: 60_000 }) });
        return { ids: page.items.map((p) => p.id), total: page.total, facets: page.facets };
      }),
    ),
    slugs: ['slug-a', 'slug-b', 'slug-c', ...products.map((p) => `product-${p.id}`)].map((s) => model.productBySlug(s)?.id ?? null),
    variants: products.flatMap((p) => p.variants.map((v) => model.variantById(v.id)?.product.version ?? null)),
  };
}

describe('read model: the view patched in place equals one built from scratch', () => {
  let server: DynaliteServer;
  let repo: DynamoCatalogRepository; // never called: the models here get their data through applyLocal

  before(async () => {
    server = await startDynalite();
    repo = new DynamoCatalogRepository({ client: server.endpoint, region: 'us-east-1', tableName: 'vitrine-patch' });
  });
  after(async () => {
    await repo?.close();
    await server?.close();
  });

  it('gives a shared slug back to the other product when its holder is renamed or unpublished', () => {
    const model = new CatalogReadModel(repo);
    model.applyLocal({ kind: 'category', value: CATEGORIES[0]! });
    const older = product({ id: 'older', slug: 'shared', version: 1, updatedAt: '2026-01-01T00:00:01.000Z' });
    const newer = product({ id: 'newer', slug: 'shared', version: 1, updatedAt: '2026-01-01T00:00:02.000Z' });
    model.applyLocal({ kind: 'product', value: older });
    model.applyLocal({ kind: 'product', value: newer });
    assert.equal(model.productBySlug('shared')?.id, 'newer', 'the newer of two claimants');
    model.applyLocal({ kind: 'product', value: { ...newer, version: 2, slug: 'renamed', updatedAt: '2026-01-01T00:00:03.000Z' } });
    assert.equal(model.productBySlug('shared')?.id, 'older');
    assert.equal(model.productBySlug('renamed')?.id, 'newer');
    model.applyLocal({ kind: 'product', value: { ...newer, version: 3, slug: 'shared', updatedAt: '2026-01-01T00:00:04.000Z' } });
    assert.equal(model.productBySlug('shared')?.id, 'newer');
    model.applyLocal({ kind: 'product', value: { ...newer, version: 4, slug: 'shared', status: 'draft', updatedAt: '2026-01-01T00:00:05.000Z' } });
    assert.equal(model.productBySlug('shared')?.id, 'older', 'unpublished: the slug goes back');
  });

  it('after random edits, read after each one or a few at a time', () => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 40 }), (edits) => {
        let products = Array.from({ length: N }, (_, i) =>
          product({ id: `p${i}`, slug: `product-p${i}`, category: i % 3 === 0 ? 'tables' : 'chairs', rank: i % 4, version: 1, createdAt: `2026-01-0${1 + (i % 9)}T00:00:00.000Z`, updatedAt: '2026-01-01T00:00:00.000Z' }),
        );
        const patched = new CatalogReadModel(repo);
        for (const c of CATEGORIES) patched.applyLocal({ kind: 'category', value: c });
        for (const p of products) patched.applyLocal({ kind: 'product', value: p });
        patched.listPublished({ limit: 1 }); // builds the view that the edits then patch
        edits.forEach((e, clock) => {
          if (e.kind !== 'read') {
            products = products.map((p, i) => (i === e.i ? applyEdit(p, e, clock + 1) : p));
            patched.applyLocal({ kind: 'product', value: products[e.i]! });
            return;
          }
          const fresh = new CatalogReadModel(repo);
          for (const c of CATEGORIES) fresh.applyLocal({ kind: 'category', value: c });
          for (const p of products) fresh.applyLocal({ kind: 'product', value: p });
          assert.deepEqual(snapshot(patched, products), snapshot(fresh, products));
        });
        const fresh = new CatalogReadModel(repo);
        for (const c of CATEGORIES) fresh.applyLocal({ kind: 'category', value: c });
        for (const p of products) fresh.applyLocal({ kind: 'product', value: p });
        assert.deepEqual(snapshot(patched, products), snapshot(fresh, products));
      }),
      { numRuns: 200 },
    );
  });
});
