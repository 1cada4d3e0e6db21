// One contract for the catalog repository, run against dynalite (the embedded default) and AWS's DynamoDB Local
// (the closest thing to DynamoDB on one machine). A behaviour that passes on one and fails on the other is a bug.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Asset3D, Category, Product } from '../../src/domain/catalog.ts';
import type { MediaItem } from '../../src/domain/media.ts';
import { CatalogConflictError, type CatalogEntity } from '../../src/databases/catalog/repository.ts';
import { InvalidCursorError, encodeCursor } from '../../src/databases/catalog/cursor.ts';
import { DynamoCatalogRepository } from '../../src/databases/catalog/dynamo-repository.ts';
import { startDynalite } from '../../src/databases/catalog/dynalite-server.ts';
import { dynamoDbLocalMissing, startDynamoDbLocal } from './dynamodb-local.ts';
import { asset, category, product, uid, withPrice } from './fixtures.ts';

interface Backend {
  readonly name: string;
  start(): Promise<{ endpoint: string; close(): Promise<void> }>;
  readonly skip?: string;
}

const missing = dynamoDbLocalMissing();
const backends: Backend[] = [
  { name: 'dynalite', start: () => startDynalite() },
  { name: 'DynamoDB Local', start: () => startDynamoDbLocal(), ...(missing ? { skip: missing } : {}) },
];

if (missing && process.env.CI === 'true') {
  it('DynamoDB Local is installed (required in CI)', () => {
    assert.fail(`${missing}; CI must run the contract against AWS's emulator too`);
  });
}

const isConflict = (pattern: RegExp) => (err: unknown) => {
  assert.ok(err instanceof CatalogConflictError, `expected CatalogConflictError, got ${String(err)}`);
  assert.equal(err.code, 'CONFLICT');
  assert.match(err.message, pattern);
  return true;
};
const isInvalidCursor = (err: unknown) => {
  assert.ok(err instanceof InvalidCursorError, `expected InvalidCursorError, got ${String(err)}`);
  assert.equal(err.code, 'INVALID_CURSOR');
  return true;
};

for (const backend of backends) {
  if (backend.skip && process.env.CI !== 'true') console.log(`# skipping the ${backend.name} contract: ${backend.skip}`);

  describe(`catalog repository contract on ${backend.name}`, { skip: backend.skip ?? false }, () => {
    let server: { endpoint: string; close(): Promise<void> } | undefined;
    let repo: DynamoCatalogRepository;
    const opened: DynamoCatalogRepository[] = [];
    const open = (tableName: string): DynamoCatalogRepository => {
      const r = new DynamoCatalogRepository({ client: server!.endpoint, region: 'us-east-1', tableName });
      opened.push(r);
      return r;
    };

    before(async () => {
      server = await backend.start();
      repo = open('vitrine-catalog');
      await repo.ensureSchema();
    });
    after(async () => {
      for (const r of opened) await r.close();
      await server?.close();
    });

    it('creates a product at version 1 and reads back exactly what it stored', async () => {
      const id = uid();
      const stored = await repo.putProduct(product({ id, description: 'A chair.' }));
      assert.equal(stored.version, 1);
      assert.ok(!Number.isNaN(Date.parse(stored.updatedAt)) && stored.updatedAt.endsWith('Z'), 'updatedAt is an ISO time');
      assert.equal(stored.createdAt, stored.updatedAt);
      assert.deepEqual(await repo.getProduct(id), stored);
      assert.equal(await repo.getProduct(`missing-${id}`), null);
    });

    it('updates with the expected version: version goes up, the new price is stored, createdAt is kept', async () => {
      const id = uid();
      const v1 = await repo.putProduct(product({ id }));
      const v2 = await repo.putProduct(withPrice(v1, 9_900), 1);
      assert.equal(v2.version, 2);
      assert.equal(v2.createdAt, v1.createdAt);
      assert.ok(v2.updatedAt > v1.updatedAt, 'updatedAt moves forward');
      const read = await repo.getProduct(id);
      assert.equal(read?.variants[0]?.price.amount, 9_900);
      assert.equal(read?.version, 2);
    });

    it('refuses a write based on a stale version and keeps the winner', async () => {
      const id = uid();
      const v1 = await repo.putProduct(product({ id }));
      await repo.putProduct(withPrice(v1, 1_000), 1); // the other editor wins
      await assert.rejects(repo.putProduct(withPrice(v1, 2_000), 1), isConflict(new RegExp(`${id}.*version 2, not 1`)));
      assert.equal((await repo.getProduct(id))?.variants[0]?.price.amount, 1_000);
    });

    it('refuses to create a product twice and to update one that does not exist', async () => {
      const id = uid();
      await repo.putProduct(product({ id }));
      await assert.rejects(repo.putProduct(product({ id, title: 'Again' })), isConflict(new RegExp(`product ${id} already exists`)));
      assert.equal((await repo.getProduct(id))?.title, `Product ${id}`);
      await assert.rejects(repo.putProduct(product({ id: `ghost-${id}` }), 3), isConflict(/does not exist/));
    });

    it('finds a product by slug', async () => {
      const id = uid();
      const stored = await repo.putProduct(product({ id, slug: `lounge-chair-${id}` }));
      assert.deepEqual(await repo.getProductBySlug(`lounge-chair-${id}`), stored);
      assert.equal(await repo.getProductBySlug(`no-such-${id}`), null);
    });

    it('keeps slugs unique: a taken slug is refused and the loser is not stored', async () => {
      const a = uid();
      const b = uid();
      const slug = `oak-table-${a}`;
      await repo.putProduct(product({ id: a, slug }));
      await assert.rejects(repo.putProduct(product({ id: b, slug })), isConflict(new RegExp(`slug "${slug}" is taken by product ${a}`)));
      assert.equal(await repo.getProduct(b), null);
      assert.equal((await repo.getProductBySlug(slug))?.id, a);
      // An update of the owner that keeps its slug is not a conflict with itself.
      const again = await repo.putProduct(product({ id: a, slug, title: 'Oak table' }), 1);
      assert.equal(again.version, 2);
      // The loser can be created under another slug.
      assert.equal((await repo.putProduct(product({ id: b, slug: `${slug}-2` }))).version, 1);
    });

    it('frees the old slug when a product changes slug', async () => {
      const a = uid();
      const old = `desk-${a}`;
      const renamed = `standing-desk-${a}`;
      const v1 = await repo.putProduct(product({ id: a, slug: old }));
      await repo.putProduct({ ...v1, slug: renamed }, 1);
      assert.equal(await repo.getProductBySlug(old), null);
      assert.equal((await repo.getProductBySlug(renamed))?.id, a);
      const b = uid();
      assert.equal((await repo.putProduct(product({ id: b, slug: old }))).slug, old, 'another product can take the freed slug');
      assert.equal((await repo.getProductBySlug(old))?.id, b);
    });

    it('does not keep a slug claimed by a write that lost its version race', async () => {
      const a = uid();
      const v1 = await repo.putProduct(product({ id: a }));
      await repo.putProduct(withPrice(v1, 5), 1);
      const wanted = `sofa-${a}`;
      await assert.rejects(repo.putProduct({ ...v1, slug: wanted }, 1), isConflict(/version/));
      assert.equal((await repo.putProduct(product({ id: uid(), slug: wanted }))).slug, wanted);
    });

    it('lists a category in rank order, page by page, drafts included, other categories excluded', async () => {
      const cat = `lamps-${uid()}`;
      // Ties on rank are broken by id; negative and fractional ranks sort numerically, not as text.
      const specs: [string, number][] = [['e', 10], ['a', 2], ['c', 2], ['b', -5], ['d', 2.5], ['f', 100], ['g', 9]];
      for (const [suffix, rank] of specs) {
        await repo.putProduct(product({ id: `${cat}-${suffix}`, category: cat, rank, status: suffix === 'g' ? 'draft' : 'published' }));
      }
      await repo.putProduct(product({ id: `${cat}-other`, category: `${cat}-x`, rank: 0 }));
      const expected = ['b', 'a', 'c', 'd', 'g', 'e', 'f'].map((s) => `${cat}-${s}`);

      for (const limit of [3, 7, 1]) {
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await repo.listProductsByCategory(cat, { limit, ...(cursor ? { cursor } : {}) });
          assert.ok(page.items.length <= limit);
          assert.ok(page.items.length > 0, 'no empty page');
          seen.push(...page.items.map((p) => p.id));
          cursor = page.nextCursor;
          pages++;
        } while (cursor);
        assert.deepEqual(seen, expected, `limit ${limit}`);
        assert.equal(pages, Math.ceil(expected.length / limit));
      }
      const first = await repo.listProductsByCategory(cat, { limit: 2 });
      assert.equal(first.items[0]?.variants.length, 2, 'listed products are whole products');
      assert.deepEqual(await repo.listProductsByCategory(`empty-${cat}`, { limit: 5 }), { items: [] });
    });

    it('moves a product between categories and ranks when it is updated', async () => {
      const cat = `beds-${uid()}`;
      const p1 = await repo.putProduct(product({ id: `${cat}-1`, category: cat, rank: 1 }));
      await repo.putProduct(product({ id: `${cat}-2`, category: cat, rank: 2 }));
      await repo.putProduct({ ...p1, rank: 3 }, 1);
      assert.deepEqual((await repo.listProductsByCategory(cat, { limit: 10 })).items.map((p) => p.id), [`${cat}-2`, `${cat}-1`]);
      await repo.putProduct({ ...p1, rank: 3, category: `${cat}-new` }, 2);
      assert.deepEqual((await repo.listProductsByCategory(cat, { limit: 10 })).items.map((p) => p.id), [`${cat}-2`]);
      assert.deepEqual((await repo.listProductsByCategory(`${cat}-new`, { limit: 10 })).items.map((p) => p.id), [`${cat}-1`]);
    });

    it('refuses invalid and tampered cursors with INVALID_CURSOR', async () => {
      const cat = `rugs-${uid()}`;
      for (const n of [1, 2, 3]) await repo.putProduct(product({ id: `${cat}-${n}`, category: cat, rank: n }));
      const page = await repo.listProductsByCategory(cat, { limit: 1 });
      assert.ok(page.nextCursor);
      await assert.rejects(repo.listProductsByCategory(cat, { limit: 1, cursor: 'not a cursor!' }), isInvalidCursor);
      await assert.rejects(repo.listProductsByCategory(cat, { limit: 1, cursor: encodeCursor({ hello: 'world' }) }), isInvalidCursor);
      await assert.rejects(repo.listProductsByCategory(cat, { limit: 1, cursor: page.nextCursor.slice(0, -4) }), isInvalidCursor);
      await assert.rejects(repo.listProductsByCategory(`${cat}-other`, { limit: 1, cursor: page.nextCursor }), isInvalidCursor, 'a cursor only works for its own category');
    });

    it('stores categories with versions and lists them in rank order', async () => {
      const t = new DynamoCatalogRepository({ client: server!.endpoint, region: 'us-east-1', tableName: `categories-${uid()}` });
      opened.push(t);
      await t.ensureSchema();
      const c1 = await t.putCategory(category({ slug: 'tables', rank: 2 }));
      assert.equal(c1.version, 1);
      await t.putCategory(category({ slug: 'chairs', rank: 1 }));
      await t.putCategory(category({ slug: 'lighting', rank: 10, parent: 'chairs' }));
      await assert.rejects(t.putCategory(category({ slug: 'tables', rank: 5 })), isConflict(/category tables already exists/));
      const c2 = await t.putCategory({ ...c1, rank: 20, name: 'All tables' }, 1);
      assert.equal(c2.version, 2);
      await assert.rejects(t.putCategory({ ...c1, rank: 0 }, 1), isConflict(/category tables/));
      const list = await t.listCategories();
      assert.deepEqual(list.map((c) => c.slug), ['chairs', 'lighting', 'tables']);
      assert.deepEqual(list[2], c2);
      assert.equal(list[1]?.parent, 'chairs');
    });

    it('stores 3D assets with versions', async () => {
      const id = uid();
      const a1 = await repo.putAsset(asset({ id }));
      assert.equal(a1.version, 1);
      assert.deepEqual(await repo.getAsset(id), a1);
      const ready: Asset3D = {
        ...a1,
        status: 'ready',
        glbKey: `models/${id}.glb`,
        dimensions: { width: 0.5, height: 0.9, depth: 0.55 },
        materialVariants: ['oak', 'walnut'],
        triangles: 12_345,
      };
      const a2 = await repo.putAsset(ready, 1);
      assert.equal(a2.version, 2);
      assert.deepEqual(await repo.getAsset(id), a2);
      await assert.rejects(repo.putAsset({ ...a1, status: 'failed' }, 1), isConflict(new RegExp(`asset ${id}`)));
      await assert.rejects(repo.putAsset(asset({ id })), isConflict(/already exists/));
      assert.equal(await repo.getAsset(`missing-${id}`), null);
    });

    it('keeps a model’s credit, and drops one stored as plain text by an older version', async () => {
      const id = uid();
      const credit = { author: 'Jane Modeller', licence: 'CC BY 4.0', url: 'https://creativecommons.org/licenses/by/4.0/' };
      const a1 = await repo.putAsset(asset({ id, credit }));
      assert.deepEqual((await repo.getAsset(id))?.credit, credit);
      // Before credits had an author and a licence, the demo seed wrote a line of text.
      await repo.putAsset({ ...a1, credit: 'Procedural model generated by Vitrine (CC0)' as unknown as typeof credit }, a1.version);
      const read = await repo.getAsset(id);
      assert.ok(read && !('credit' in read), 'a text credit is not passed on');
      const fed = (await repo.changedSince(a1.updatedAt)).find((e) => e.kind === 'asset' && e.value.id === id);
      assert.ok(fed && !('credit' in fed.value), 'nor through the change feed');
    });

    it('keeps a product’s media beside it, versioned apart from it, and feeds it to readers', async () => {
      const p = await repo.putProduct(product({ id: uid() }));
      const item: MediaItem = { id: 'm-0000000000000000000000000000000a', kind: 'image', format: 'jpeg', status: 'processing', sourceKey: `uploads/${p.id}/x/a.jpg`, filename: 'a.jpg', bytes: 10, alt: '', createdAt: p.createdAt };
      const m1 = await repo.putMedia({ productId: p.id, items: [item], editVersion: 1, version: 0, updatedAt: p.updatedAt });
      assert.equal(m1.version, 1);
      assert.deepEqual(await repo.getMedia(p.id), m1);
      const m2 = await repo.putMedia({ ...m1, items: [{ ...item, status: 'ready', width: 4, height: 3 }] }, 1);
      await assert.rejects(repo.putMedia({ ...m1, items: [] }, 1), isConflict(/media of product/));
      await assert.rejects(repo.putMedia({ ...m1 }), isConflict(/already exists/));
      assert.deepEqual(await repo.getProduct(p.id), p, 'the product itself is untouched');
      const fed = (await repo.changedSince(m1.updatedAt)).find((e) => e.kind === 'media' && e.value.productId === p.id);
      assert.deepEqual(fed?.value, m2);
      let scanned: CatalogEntity | undefined;
      for await (const e of repo.scanAll()) if (e.kind === 'media' && e.value.productId === p.id) scanned = e;
      assert.deepEqual(scanned?.value, m2);
      assert.equal(await repo.getMedia(`missing-${p.id}`), null);
    });

    it('reports what changed since a time (the change feed), every kind, only once per entity', async () => {
      const before = await repo.putProduct(product({ id: uid() }));
      while (Date.now() <= Date.parse(before.updatedAt)) await new Promise((r) => setTimeout(r, 1));
      const since = new Date().toISOString();
      const p = await repo.putProduct(product({ id: uid() }));
      const p2 = await repo.putProduct(withPrice(p, 1), 1);
      const c = await repo.putCategory(category({ slug: `feed-${uid()}` }));
      const a = await repo.putAsset(asset({ id: uid() }));
      const changes = await repo.changedSince(since);
      const key = (e: CatalogEntity) => `${e.kind}:${e.kind === 'category' ? e.value.slug : e.kind === 'media' ? e.value.productId : e.value.id}`;
      const keys = changes.map(key);
      assert.ok(!keys.includes(`product:${before.id}`), 'older writes are not in the feed');
      assert.deepEqual(keys.filter((k) => k === `product:${p.id}`), [`product:${p.id}`]);
      assert.ok(keys.includes(`category:${c.slug}`) && keys.includes(`asset:${a.id}`));
      const changedProduct = changes.find((e) => e.kind === 'product' && e.value.id === p.id);
      assert.deepEqual(changedProduct?.value, p2, 'the feed carries the latest version');
      assert.deepEqual(await repo.changedSince(new Date(Date.now() + 60_000).toISOString()), []);
      await assert.rejects(repo.changedSince('yesterday'), /ISO/);
    });

    it('creates its schema idempotently, even when two processes race, and scans every entity', async () => {
      const tableName = `race-${uid()}`;
      const one = open(tableName);
      const two = open(tableName);
      await assert.rejects(one.check(), /does not exist/);
      await Promise.all([one.ensureSchema(), two.ensureSchema()]);
      await one.ensureSchema();
      await one.check();

      const p = await one.putProduct(product({ id: 'p1', slug: 'scan-me' }));
      const c = await one.putCategory(category({ slug: 'chairs' }));
      const a = await one.putAsset(asset({ id: 'a1' }));
      const all: CatalogEntity[] = [];
      for await (const e of two.scanAll()) all.push(e);
      const byKind = (kind: CatalogEntity['kind']) => all.filter((e) => e.kind === kind).map((e) => e.value);
      assert.equal(all.length, 3, 'slug claims are not entities');
      assert.deepEqual(byKind('product') as Product[], [p]);
      assert.deepEqual(byKind('category') as Category[], [c]);
      assert.deepEqual(byKind('asset') as Asset3D[], [a]);
    });

    it('pages a full scan through more items than one response holds', async () => {
      const t = open(`scan-${uid()}`);
      await t.ensureSchema();
      // ~60 KB products: 40 of them are more than the 1 MB a single Scan response may return.
      const description = 'x'.repeat(60_000);
      const ids = Array.from({ length: 40 }, (_, i) => `big-${String(i).padStart(2, '0')}`);
      for (const id of ids) await t.putProduct(product({ id, description }));
      const seen: string[] = [];
      for await (const e of t.scanAll()) if (e.kind === 'product') seen.push(e.value.id);
      assert.deepEqual(seen.sort(), ids);
    });
  });
}
