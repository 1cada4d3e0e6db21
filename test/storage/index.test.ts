// The factory picks the adapter from configuration alone, and content-hashed keys give immutable object URLs.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/env.ts';
import { contentHashedKey, createObjectStore } from '../../src/storage/index.ts';
import { startS3rver } from './s3rver-harness.ts';
import type { S3rverHandle } from './s3rver-harness.ts';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('createObjectStore', () => {
  let tmp: string;
  let s3: S3rverHandle;
  const savedEnv = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

  before(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'vitrine-store-factory-'));
    s3 = await startS3rver('vitrine-factory');
    // The factory uses the SDK's default credential chain, which reads these first.
    process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey;
  });
  after(async () => {
    restore('AWS_ACCESS_KEY_ID', savedEnv.id);
    restore('AWS_SECRET_ACCESS_KEY', savedEnv.secret);
    await s3?.stop();
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('defaults to a folder under the data dir', async () => {
    const store = await createObjectStore(loadConfig({ VITRINE_DATA_DIR: tmp }));
    try {
      await store.check();
      await store.put('posters/p.webp', text('webp'), { contentType: 'image/webp' });
      assert.equal(await fs.readFile(path.join(tmp, 'objects', 'posters/p.webp'), 'utf8'), 'webp');
    } finally {
      await store.close();
    }
  });

  it('uses S3 when OBJECT_STORE=s3', async () => {
    const config = loadConfig({
      VITRINE_DATA_DIR: tmp,
      OBJECT_STORE: 's3',
      S3_BUCKET: s3.bucket,
      S3_ENDPOINT: s3.endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      AWS_REGION: s3.region,
    });
    const store = await createObjectStore(config);
    try {
      await store.check();
      await store.put('posters/s3.webp', text('in the bucket'), { contentType: 'image/webp' });
      const head = await store.head('posters/s3.webp');
      assert.equal(head?.contentType, 'image/webp');
      await assert.rejects(fs.stat(path.join(tmp, 'objects', 'posters/s3.webp')), { code: 'ENOENT' }, 'not written to the folder');
    } finally {
      await store.close();
    }
  });

  it('check() names the bucket when it does not exist', async () => {
    const store = await createObjectStore(
      loadConfig({ OBJECT_STORE: 's3', S3_BUCKET: 'no-such-bucket', S3_ENDPOINT: s3.endpoint, S3_FORCE_PATH_STYLE: 'true' }),
    );
    try {
      await assert.rejects(store.check(), /storage: S3 bucket "no-such-bucket" is not usable: the bucket does not exist/);
    } finally {
      await store.close();
    }
  });
});

describe('contentHashedKey', () => {
  it('is <prefix>/<16 hex of sha256>/<filename>, stable for the same bytes', () => {
    const key = contentHashedKey('models', text('glb bytes'), 'chair.glb');
    assert.match(key, /^models\/[0-9a-f]{16}\/chair\.glb$/);
    assert.equal(contentHashedKey('models/', text('glb bytes'), 'chair.glb'), key);
    // sha256("abc") starts with ba7816bf8f01cfea
    assert.equal(contentHashedKey('posters', text('abc'), 'p.webp'), 'posters/ba7816bf8f01cfea/p.webp');
  });

  it('changes when the bytes change, so a URL never serves two contents', () => {
    assert.notEqual(contentHashedKey('models', text('v1'), 'a.glb'), contentHashedKey('models', text('v2'), 'a.glb'));
  });

  it('rejects filenames and prefixes that would make a bad key', () => {
    assert.throws(() => contentHashedKey('models', text('x'), 'a/b.glb'), /storage: filename/);
    assert.throws(() => contentHashedKey('models', text('x'), '..'), /invalid object key/);
    assert.throws(() => contentHashedKey('', text('x'), 'a.glb'), /invalid object key/);
  });
});

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
