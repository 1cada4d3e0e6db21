import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/env.ts';

describe('configuration from the environment', () => {
  it('defaults to the embedded one-machine shop', () => {
    const c = loadConfig({});
    assert.equal(c.PORT, 3000);
    assert.equal(c.OBJECT_STORE, 'fs');
    assert.equal(c.DATABASE_URL, undefined);
    assert.equal(c.DYNAMODB_ENDPOINT, undefined);
    assert.equal(c.dataDir, path.resolve('data'));
    assert.equal(c.CURRENCY, 'USD');
  });

  it('names every bad variable and its value', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', CURRENCY: 'BTC', DATABASE_URL: 'mysql://x' }),
      (err: Error) =>
        /PORT: must be a port number \(got "eighty"\)/.test(err.message) &&
        /CURRENCY: must be a supported ISO 4217 code/.test(err.message) &&
        /DATABASE_URL: must be a postgres:\/\/ URL/.test(err.message) &&
        !err.message.includes('mysql://x'), // URLs may hold passwords: never echoed
    );
  });

  it('paces the catalog backstop every 5 minutes unless told, and refuses a rescan more often than every 10 s', () => {
    assert.equal(loadConfig({}).CATALOG_RESCAN_MS, 300_000);
    assert.equal(loadConfig({ CATALOG_RESCAN_MS: '1800000' }).CATALOG_RESCAN_MS, 1_800_000);
    assert.throws(() => loadConfig({ CATALOG_RESCAN_MS: '500' }), /CATALOG_RESCAN_MS/);
  });

  it('limits heap growth to 30% past the live heap unless told (0: V8 decides), and refuses what is not a percentage', () => {
    assert.equal(loadConfig({}).HEAP_GROWING_PERCENT, 30);
    assert.equal(loadConfig({ HEAP_GROWING_PERCENT: '0' }).HEAP_GROWING_PERCENT, 0);
    for (const bad of ['-5', '12.5', 'lots', '1000']) {
      assert.throws(() => loadConfig({ HEAP_GROWING_PERCENT: bad }), /HEAP_GROWING_PERCENT: must be (a whole number from 0 to 300|at least 0|at most 300)/, bad);
    }
  });

  it('requires a bucket for the S3 store', () => {
    assert.throws(() => loadConfig({ OBJECT_STORE: 's3' }), /S3_BUCKET: required when OBJECT_STORE=s3/);
    assert.equal(loadConfig({ OBJECT_STORE: 's3', S3_BUCKET: 'assets' }).S3_BUCKET, 'assets');
  });

  it('treats empty values as unset', () => {
    assert.equal(loadConfig({ PORT: '' }).PORT, 3000);
  });
});
