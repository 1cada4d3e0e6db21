// The embedded default: with no DYNAMODB_ENDPOINT the catalog lives in dynalite on LevelDB under the data folder,
// and survives a restart.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { openCatalog } from '../../src/databases/catalog/index.ts';
import { product } from './fixtures.ts';

describe('openCatalog (embedded dynalite)', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('keeps the catalog under <dataDir>/dynamodb across restarts', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vitrine-catalog-'));
    dirs.push(dataDir);
    const config = { dataDir, DYNAMODB_TABLE: 'vitrine-catalog', AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: undefined };

    const first = await openCatalog(config);
    assert.equal(first.endpointKind, 'dynalite');
    let stored;
    try {
      stored = await first.repo.putProduct(product({ id: 'p1', slug: 'kept' }));
    } finally {
      await first.close();
    }
    assert.ok((await readdir(path.join(dataDir, 'dynamodb'))).length > 0, 'LevelDB files are in the data folder');

    const second = await openCatalog(config);
    try {
      await second.repo.check();
      assert.deepEqual(await second.repo.getProductBySlug('kept'), stored);
    } finally {
      await second.close();
    }
  });

  it('refuses a second opener of the same folder (dynalite would start and corrupt it), and frees it on close', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vitrine-catalog-'));
    dirs.push(dataDir);
    const config = { dataDir, DYNAMODB_TABLE: 'vitrine-catalog', AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: undefined };
    const first = await openCatalog(config);
    try {
      await assert.rejects(openCatalog(config), /dynalite folder .* is already open in this process/);
    } finally {
      await first.close();
    }
    const again = await openCatalog(config);
    await again.close();
  });
});
