// The upload settings in the environment: the size limit, and the key that signs the folder store's upload links
// (a public development default outside production, required in production when the folder store is used).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEV_UPLOAD_SIGNING_KEY, loadConfig } from '../../src/config/env.ts';

describe('upload configuration', () => {
  it('defaults to 100 MB and, outside production, to the development signing key', () => {
    const c = loadConfig({});
    assert.equal(c.MAX_UPLOAD_BYTES, 100 * 1024 * 1024);
    assert.equal(c.UPLOAD_SIGNING_KEY, DEV_UPLOAD_SIGNING_KEY);
    assert.equal(loadConfig({ MAX_UPLOAD_BYTES: '5242880' }).MAX_UPLOAD_BYTES, 5 * 1024 * 1024);
  });

  it('refuses a bad limit, naming it', () => {
    assert.throws(() => loadConfig({ MAX_UPLOAD_BYTES: 'lots' }), /MAX_UPLOAD_BYTES: must be a whole number of bytes/);
    assert.throws(() => loadConfig({ MAX_UPLOAD_BYTES: '100' }), /MAX_UPLOAD_BYTES: must be at least 1048576/);
    assert.throws(() => loadConfig({ MAX_UPLOAD_BYTES: String(6 * 1024 ** 3) }), /MAX_UPLOAD_BYTES: must be at most 5368709120/);
  });

  it('requires a secret signing key in production with the folder store, and never echoes it', () => {
    assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /UPLOAD_SIGNING_KEY: required when NODE_ENV=production and OBJECT_STORE=fs/);
    assert.throws(() => loadConfig({ NODE_ENV: 'production', UPLOAD_SIGNING_KEY: DEV_UPLOAD_SIGNING_KEY }), /the development key is public/);
    assert.throws(
      () => loadConfig({ UPLOAD_SIGNING_KEY: 'short-secret' }),
      (err: Error) => /UPLOAD_SIGNING_KEY: must be at least 32 characters/.test(err.message) && !err.message.includes('short-secret'),
    );
    const secret = 'a'.repeat(16) + 'B'.repeat(16) + '!';
    assert.equal(loadConfig({ NODE_ENV: 'production', UPLOAD_SIGNING_KEY: secret }).UPLOAD_SIGNING_KEY, secret);
    // With S3 the key is not used (S3 signs its own URLs), and no development key stands in for it.
    assert.equal(loadConfig({ NODE_ENV: 'production', OBJECT_STORE: 's3', S3_BUCKET: 'assets' }).UPLOAD_SIGNING_KEY, undefined);
  });
});
