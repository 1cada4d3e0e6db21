// Seeding the demo catalog into real stores (dynalite, PGlite, a folder): idempotent, never refills sold stock
// or touches a merchant's own products, and `reset` puts the demo products back as generated.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stockFor, takeStock } from '../../src/databases/relational/inventory.ts';
import { demoSeeded, seedDemoCatalog } from '../../src/demo/seed.ts';
import type { Product } from '../../src/domain/catalog.ts';
import { openTestStores, type TestStores } from '../helpers/stores.ts';

let stores: TestStores;
let catalog: TestStores['catalog'];
let relational: TestStores['relational'];
let objects: TestStores['objects'];
const deps = () => ({ repo: catalog.repo, objects, db: relational.db });

before(async () => {
  stores = await openTestStores();
  ({ catalog, relational, objects } = stores);
});
after(async () => {
  await stores?.close();
});

describe('seeding the demo catalog', () => {
  it('writes products, assets, objects and stock once; a second run does nothing', async () => {
    assert.equal(await demoSeeded(objects), false);
    const first = await seedDemoCatalog(deps(), { currency: 'EUR' });
    assert.ok(first.seeded && first.products >= 24);
    assert.ok(await demoSeeded(objects));
    const chair = (await catalog.repo.getProductBySlug('dining-chair'))!;
    assert.equal(chair.status, 'published');
    assert.equal(chair.variants[0]!.price.currency, 'EUR');
    const asset = (await catalog.repo.getAsset(chair.assetId!))!;
    assert.equal(asset.status, 'ready');
    assert.ok(await objects.head(asset.glbKey!), 'the model is in object storage');
    assert.ok(await objects.head(asset.posterKey!), 'the poster is in object storage');
    const stock = await stockFor(relational.db, chair.variants.map((v) => v.id));
    assert.equal(stock.size, chair.variants.length, 'every variant has a stock row');

    const second = await seedDemoCatalog(deps(), { currency: 'EUR' });
    assert.deepEqual(second, { seeded: false, reason: 'demo catalog already present' });
    assert.equal((await catalog.repo.getProductBySlug('dining-chair'))!.version, chair.version);
  });

  it('reset restores edited demo products, keeps sold stock sold only without reset, and leaves merchant products alone', async () => {
    const chair = (await catalog.repo.getProductBySlug('dining-chair'))!;
    const edited = await catalog.repo.putProduct({ ...chair, title: 'Edited by a merchant' }, chair.version);
    const mine: Product = {
      ...chair,
      id: 'merchant-1',
      slug: 'my-own-chair',
      title: 'My own chair',
      variants: chair.variants.map((v) => ({ ...v, id: `m-${v.id}`, sku: `M-${v.sku}` })),
      version: 0,
    };
    await catalog.repo.putProduct(mine);
    const v = chair.variants[0]!.id;
    const before = (await stockFor(relational.db, [v])).get(v)!;
    assert.ok(await takeStock(relational.db, v, 1));

    // Without reset, after the marker is gone (a crash before it was written), seeding completes but refills nothing.
    await objects.delete('system/demo-catalog.json');
    const resumed = await seedDemoCatalog(deps(), { currency: 'EUR' });
    assert.ok(resumed.seeded);
    assert.equal((await stockFor(relational.db, [v])).get(v), before - 1, 'sold stock stays sold');
    assert.equal((await catalog.repo.getProductBySlug('dining-chair'))!.title, 'Edited by a merchant');

    const reset = await seedDemoCatalog(deps(), { currency: 'EUR', reset: true });
    assert.ok(reset.seeded);
    const restored = (await catalog.repo.getProductBySlug('dining-chair'))!;
    assert.equal(restored.title, chair.title);
    assert.ok(restored.version > edited.version);
    assert.equal((await stockFor(relational.db, [v])).get(v), before, 'reset restores demo stock');
    assert.equal((await catalog.repo.getProductBySlug('my-own-chair'))!.title, 'My own chair');
  });
});
