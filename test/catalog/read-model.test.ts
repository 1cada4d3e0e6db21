// The API's in-memory catalog, over dynalite. "Another API instance" is a second repository on the same table:
// what it writes must reach this instance's read model by polling alone.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Product } from '../../src/domain/catalog.ts';
import { InvalidCursorError } from '../../src/databases/catalog/cursor.ts';
import { DynamoCatalogRepository } from '../../src/databases/catalog/dynamo-repository.ts';
import { startDynalite, type DynaliteServer } from '../../src/databases/catalog/dynalite-server.ts';
import { CatalogReadModel } from '../../src/databases/catalog/read-model.ts';
import type { CatalogRepository } from '../../src/databases/catalog/repository.ts';
import { asset, category, eventually, product, withPrice } from './fixtures.ts';

const ids = (items: readonly Product[]) => items.map((p) => p.id);
const isInvalidCursor = (err: unknown) => {
  assert.ok(err instanceof InvalidCursorError, `expected InvalidCursorError, got ${String(err)}`);
  assert.equal(err.code, 'INVALID_CURSOR');
  return true;
};

function allPages(model: CatalogReadModel, limit: number, category?: string): { ids: string[]; pages: number } {
  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = model.listPublished({ limit, ...(category ? { category } : {}), ...(cursor ? { cursor } : {}) });
    assert.ok(page.items.length > 0 && page.items.length <= limit);
    seen.push(...ids(page.items));
    cursor = page.nextCursor;
    pages++;
  } while (cursor);
  return { ids: seen, pages };
}

describe('catalog read model', () => {
  let server: DynaliteServer;
  let writer: DynamoCatalogRepository; // this API instance's repository, which the read model reads
  let other: DynamoCatalogRepository; // a second API instance writing to the same table
  let model: CatalogReadModel;

  before(async () => {
    server = await startDynalite();
    writer = new DynamoCatalogRepository({ client: server.endpoint, region: 'us-east-1', tableName: 'vitrine-catalog' });
    other = new DynamoCatalogRepository({ client: server.endpoint, region: 'us-east-1', tableName: 'vitrine-catalog' });
    await writer.ensureSchema();
    await writer.putCategory(category({ slug: 'tables', rank: 2 }));
    await writer.putCategory(category({ slug: 'chairs', rank: 1 }));
    await writer.putCategory(category({ slug: 'lamps', rank: 3 }));
    for (const [id, cat, rank] of [
      ['t2', 'tables', 2], ['t1', 'tables', 1], ['c3', 'chairs', 3], ['c1', 'chairs', 1], ['c2', 'chairs', 1], ['x1', 'unlisted', 0],
    ] as const) {
      await writer.putProduct(product({ id, category: cat, rank, slug: `slug-${id}` }));
    }
    await writer.putProduct(product({ id: 'd1', category: 'chairs', rank: 0, status: 'draft', slug: 'slug-d1' }));
    await writer.putProduct(product({ id: 'a1', category: 'lamps', rank: 0, status: 'archived', slug: 'slug-a1' }));
    await writer.putAsset(asset({ id: 'model-1', status: 'ready', glbKey: 'm/1.glb' }));
    model = new CatalogReadModel(writer, { refreshMs: 50 });
    await model.start();
  });

  after(async () => {
    await model?.stop();
    await writer?.close();
    await other?.close();
    await server?.close();
  });

  it('loads the whole catalog on start', () => {
    const s = model.stats();
    assert.ok(s.loadedAt !== null && s.lastRefreshOk);
    assert.deepEqual(s.entities, { products: 8, categories: 3, assets: 1 });
    assert.equal(model.asset('model-1')?.glbKey, 'm/1.glb');
    assert.equal(model.asset('nope'), undefined);
    assert.equal(model.productById('d1')?.status, 'draft', 'productById finds any status');
  });

  it('lists published products by category rank, then rank, then id; pages join up exactly', () => {
    const everything = ['c1', 'c2', 'c3', 't1', 't2', 'x1']; // chairs (1), tables (2), unknown category last
    assert.deepEqual(ids(model.listPublished({ limit: 100 }).items), everything);
    for (const limit of [1, 2, 4, 6]) {
      const r = allPages(model, limit);
      assert.deepEqual(r.ids, everything, `limit ${limit}`);
      assert.equal(r.pages, Math.ceil(everything.length / limit), 'no empty last page');
    }
    assert.deepEqual(allPages(model, 2, 'chairs').ids, ['c1', 'c2', 'c3']);
    assert.deepEqual(model.listPublished({ category: 'lamps', limit: 5 }), { items: [] });
  });

  it('lists categories in rank order with counts of published products', () => {
    assert.deepEqual(
      model.categories().map((c) => [c.slug, c.productCount]),
      [['chairs', 3], ['tables', 2], ['lamps', 0]],
    );
  });

  it('finds published products by slug only', () => {
    assert.equal(model.productBySlug('slug-c1')?.id, 'c1');
    assert.equal(model.productBySlug('slug-d1'), undefined, 'drafts are not served');
    assert.equal(model.productBySlug('slug-a1'), undefined, 'archived products are not served');
  });

  it('refuses invalid cursors and cursors from another listing', () => {
    const chairs = model.listPublished({ category: 'chairs', limit: 1 });
    assert.ok(chairs.nextCursor);
    assert.throws(() => model.listPublished({ limit: 1, cursor: 'garbage!' }), isInvalidCursor);
    assert.throws(() => model.listPublished({ limit: 1, cursor: chairs.nextCursor }), isInvalidCursor);
    assert.throws(() => model.listPublished({ category: 'tables', limit: 1, cursor: chairs.nextCursor }), isInvalidCursor);
    assert.throws(() => model.listPublished({ limit: 1, cursor: Buffer.from('{"v":1,"c":null,"k":[1,"a"]}').toString('base64url') }), isInvalidCursor);
  });

  it('shows a price changed by another API instance after polling', async () => {
    const current = await other.getProduct('c2');
    assert.ok(current);
    await other.putProduct(withPrice(current, 4_242), current.version);
    await eventually(() => model.productById('c2')?.variants[0]?.price.amount === 4_242, 'the new price reaches the read model');
    assert.equal(model.productBySlug('slug-c2')?.variants[0]?.price.amount, 4_242);
    const listed = model.listPublished({ category: 'chairs', limit: 10 }).items.find((p) => p.id === 'c2');
    assert.equal(listed?.variants[0]?.price.amount, 4_242, 'listings show it too');
    assert.ok(model.stats().lastRefreshOk);
  });

  it('drops a product from listings, slugs and counts when another instance unpublishes it', async () => {
    const current = await other.getProduct('t1');
    assert.ok(current);
    await other.putProduct({ ...current, status: 'draft' }, current.version);
    await eventually(() => model.productBySlug('slug-t1') === undefined, 'the unpublished product disappears');
    assert.ok(!ids(model.listPublished({ limit: 100 }).items).includes('t1'));
    assert.deepEqual(ids(model.listPublished({ category: 'tables', limit: 10 }).items), ['t2']);
    assert.equal(model.categories().find((c) => c.slug === 'tables')?.productCount, 1);
  });

  it('follows a slug change made by another instance', async () => {
    const current = await other.getProduct('c3');
    assert.ok(current);
    await other.putProduct({ ...current, slug: 'slug-c3-renamed' }, current.version);
    await eventually(() => model.productBySlug('slug-c3-renamed')?.id === 'c3', 'the new slug resolves');
    assert.equal(model.productBySlug('slug-c3'), undefined, 'the old slug no longer resolves');
  });

  it('picks up new categories and assets from other instances', async () => {
    await other.putCategory(category({ slug: 'rugs', rank: 0 }));
    await other.putAsset(asset({ id: 'model-2' }));
    await eventually(() => model.categories()[0]?.slug === 'rugs' && model.asset('model-2') !== undefined, 'new category and asset arrive');
  });

  it('serves this instance its own write at once, and never goes back to an older version', async () => {
    const v1 = await writer.getProduct('c1');
    assert.ok(v1);
    const v2 = await writer.putProduct(withPrice(v1, 777), v1.version);
    model.applyLocal({ kind: 'product', value: v2 });
    assert.equal(model.productById('c1')?.variants[0]?.price.amount, 777);
    model.applyLocal({ kind: 'product', value: v1 }); // a late, older copy (e.g. from an overlapping poll)
    assert.equal(model.productById('c1')?.version, v2.version);
    assert.equal(model.productById('c1')?.variants[0]?.price.amount, 777);
  });

  it('keeps serving what it has when the store goes away, and says so in its stats', async () => {
    const own = await startDynalite();
    const repo = new DynamoCatalogRepository({ client: own.endpoint, region: 'us-east-1', tableName: 'vitrine-catalog' });
    const failures: unknown[] = [];
    const lonely = new CatalogReadModel(repo, { refreshMs: 50, onError: (err) => failures.push(err) });
    try {
      await repo.ensureSchema();
      await repo.putProduct(product({ id: 'p1', slug: 'still-here' }));
      await lonely.start();
      await own.close();
      await eventually(() => !lonely.stats().lastRefreshOk, 'a failed refresh shows in the stats');
      assert.ok(failures.length > 0, 'failures are reported to onError');
      assert.ok(lonely.stats().lastError);
      assert.equal(lonely.productBySlug('still-here')?.id, 'p1', 'the last good catalog is still served');
    } finally {
      await lonely.stop();
      await repo.close();
      await own.close();
    }
  });

  it('refuses to start when the store is unreachable', async () => {
    const broken = new DynamoCatalogRepository({ client: 'http://127.0.0.1:9', region: 'us-east-1', tableName: 'vitrine-catalog' });
    const lonely = new CatalogReadModel(broken, { refreshMs: 50 });
    try {
      await assert.rejects(lonely.start());
      assert.equal(lonely.stats().loadedAt, null);
      assert.deepEqual(lonely.listPublished({ limit: 5 }), { items: [] });
    } finally {
      await lonely.stop();
      await broken.close();
    }
  });

  it('finds a write the change feed lost on its next backstop pass', async () => {
    // A feed that loses everything (a writer's clock far behind, an index lagging past the lookback): only the
    // backstop's passes over the whole table bring the write in.
    const lossy: CatalogRepository = Object.assign(Object.create(writer) as CatalogRepository, { changedSince: async () => [] });
    const errors: unknown[] = [];
    const backstopped = new CatalogReadModel(lossy, { refreshMs: 50, rescanMs: 300, onError: (err) => errors.push(err) });
    await backstopped.start();
    try {
      const current = await other.getProduct('t2');
      assert.ok(current);
      await other.putProduct(withPrice(current, 7_777), current.version);
      await eventually(() => backstopped.productById('t2')?.variants[0]?.price.amount === 7_777, 'a backstop pass brings the new price', 10_000);
      assert.deepEqual(errors, []);
    } finally {
      await backstopped.stop();
    }
  });

  it('keeps polling while a slow backstop pass is under way', async () => {
    // After the load at start, every entity a scan reads takes 2 s to arrive: polls must not wait for the pass.
    let slowScans = false;
    let passes = 0;
    const slow: CatalogRepository = Object.assign(Object.create(writer) as CatalogRepository, {
      async *scanAll(options?: { pageSize?: number }) {
        const slowed = slowScans;
        if (slowed) passes++;
        for await (const e of writer.scanAll(options)) {
          if (slowed) await new Promise((r) => setTimeout(r, 2_000));
          yield e;
        }
      },
    });
    const busy = new CatalogReadModel(slow, { refreshMs: 50, rescanMs: 100 });
    await busy.start();
    slowScans = true;
    try {
      await eventually(() => passes > 0, 'a backstop pass starts');
      const current = await other.getProduct('c3');
      assert.ok(current);
      const changed = await other.putProduct({ ...current, title: 'Polled while scanning' }, current.version);
      // A pass takes at least 2 s per entity (over 20 s here): well before it ends, the poll has brought the change.
      await eventually(() => busy.productById('c3')?.title === 'Polled while scanning', 'the poll brings the change in', 8_000);
      await other.putProduct({ ...changed, title: current.title }, changed.version);
    } finally {
      const t = Date.now();
      await busy.stop();
      assert.ok(Date.now() - t < 8_000, 'stop() waits for one entity (2 s), not for the rest of the pass');
    }
  });

  it('does not keep the process alive', () => {
    // A child starts a read model and closes everything else without stopping it: it must still exit.
    const here = path.dirname(fileURLToPath(import.meta.url));
    const script = `
      import { startDynalite } from ${JSON.stringify(path.join(here, '../../src/databases/catalog/dynalite-server.ts'))};
      import { DynamoCatalogRepository } from ${JSON.stringify(path.join(here, '../../src/databases/catalog/dynamo-repository.ts'))};
      import { CatalogReadModel } from ${JSON.stringify(path.join(here, '../../src/databases/catalog/read-model.ts'))};
      const server = await startDynalite();
      const repo = new DynamoCatalogRepository({ client: server.endpoint, region: 'us-east-1', tableName: 'vitrine-catalog' });
      await repo.ensureSchema();
      const model = new CatalogReadModel(repo, { refreshMs: 100 });
      await model.start();
      await repo.close();
      await server.close();
      console.log('started');
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(child.signal, null, `the child had to be killed: it did not exit by itself\n${child.stderr}`);
    assert.equal(child.status, 0, child.stderr);
    assert.match(child.stdout, /started/);
  });

  it('counts the plain listing’s facets once per stock generation, and again when stock or the catalog changes', async () => {
    let units = 0;
    let asked = 0;
    const onHand = (): number => (asked++, units);
    const q = { category: 'chairs', limit: 2, facets: true, onHand } as const;
    const first = model.browse({ ...q, onHandGeneration: 1 });
    const chairs = model.listPublished({ category: 'chairs', limit: 100 }).items.length;
    assert.equal(first.total, chairs);
    assert.equal(first.facets?.inStock, 0);
    assert.deepEqual(first.items, model.listPublished({ category: 'chairs', limit: 2 }).items, 'the page is the merchant’s order');
    assert.equal(first.nextCursor, model.listPublished({ category: 'chairs', limit: 2 }).nextCursor, 'with the same cursor');
    const counted = asked;
    units = 5;
    assert.equal(model.browse({ ...q, onHandGeneration: 1 }).facets?.inStock, 0, 'same stock generation: the counts already made');
    assert.equal(asked, counted, 'and no stock asked for again');
    assert.equal(model.browse({ ...q, onHandGeneration: 2 }).facets?.inStock, chairs, 'a new stock generation is counted again');
    assert.equal(model.browse({ ...q }).facets?.inStock, chairs, 'without a generation, counted every time');

    // A chair added by another instance is in the total at once, at the same stock generation.
    const added = await other.putProduct(product({ id: 'c9', category: 'chairs', rank: 9, slug: 'slug-c9' }));
    await eventually(() => model.productBySlug('slug-c9') !== undefined, 'the new chair reaches the read model');
    assert.equal(model.browse({ ...q, onHandGeneration: 2 }).total, chairs + 1);
    await other.putProduct({ ...added, status: 'archived' }, added.version);
    await eventually(() => model.productBySlug('slug-c9') === undefined, 'the chair is archived again');
  });
});

describe('read model generation', () => {
  it('changes only when something served changes, so cached responses survive idle polls', async () => {
    const { openInMemoryCatalog } = await import('../../src/databases/catalog/index.ts');
    const { CatalogReadModel } = await import('../../src/databases/catalog/read-model.ts');
    const catalog = await openInMemoryCatalog();
    const model = new CatalogReadModel(catalog.repo, { refreshMs: 50 });
    try {
      const asset = await catalog.repo.putAsset({ id: 'gen-a', status: 'ready', materialVariants: [], version: 0, updatedAt: new Date().toISOString() });
      await model.start();
      const g0 = model.generation;
      // Polls within the lookback window see the same asset again: nothing changed, the generation stays.
      await model.refresh();
      await model.refresh();
      assert.equal(model.generation, g0);
      await catalog.repo.putAsset({ ...asset, status: 'failed' }, asset.version);
      await model.refresh();
      assert.notEqual(model.generation, g0);
    } finally {
      await model.stop();
      await catalog.close();
    }
  });
});
