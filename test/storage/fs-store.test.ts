// Behaviours only the folder store has: objects are plain files, writes leave no debris, metadata stays truthful
// when files change behind its back, and check() explains an unwritable folder.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { FsObjectStore } from '../../src/storage/fs-store.ts';
import { ObjectStoreError } from '../../src/storage/object-store.ts';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

async function getText(store: FsObjectStore, key: string): Promise<string | null> {
  const res = await store.get(key);
  return res ? Buffer.concat((await res.body.toArray()) as Buffer[]).toString() : null;
}

/** Every file under dir, as paths relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

describe('FsObjectStore', () => {
  let tmp: string;
  let root: string;
  let store: FsObjectStore;

  before(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'vitrine-fs-only-'));
    root = path.join(tmp, 'objects');
    store = new FsObjectStore(root);
    await store.check();
  });
  after(async () => {
    await store.close();
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('keeps objects as plain files under the root, with the sha256 of the bytes as etag', async () => {
    const meta = await store.put('models/chair.glb', text('glTF bytes'), { contentType: 'model/gltf-binary' });
    assert.equal(await fs.readFile(path.join(root, 'models/chair.glb'), 'utf8'), 'glTF bytes');
    assert.equal(meta.etag, sha256('glTF bytes'));
  });

  it('a put whose stream fails midway keeps the previous object and leaves no temp or metadata files', async () => {
    await store.put('fail/model.glb', text('the good version'), { contentType: 'model/gltf-binary' });
    const before = await filesUnder(root);
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(1024 * 1024, 1);
      throw new Error('client went away');
    }
    await assert.rejects(store.put('fail/model.glb', Readable.from(failing()), { contentType: 'model/gltf-binary' }), /client went away/);
    await assert.rejects(store.put('fail/other/new.glb', Readable.from(failing()), { contentType: 'model/gltf-binary' }), /client went away/);

    assert.equal(await getText(store, 'fail/model.glb'), 'the good version');
    assert.equal((await store.head('fail/model.glb'))?.etag, sha256('the good version'));
    assert.deepEqual(await filesUnder(root), before, 'no new files: no temp file, no sidecar, no partial object');
    assert.deepEqual(await filesUnder(path.join(root, '.tmp')), []);
    await assert.rejects(fs.stat(path.join(root, 'fail/other')), { code: 'ENOENT' });
  });

  it('an overwrite leaves exactly one metadata file for the key', async () => {
    for (const v of ['one', 'two', 'three']) await store.put('over/k.txt', text(v), { contentType: 'text/plain' });
    const sidecars = (await filesUnder(path.join(root, '.meta'))).filter((f) => f.startsWith('over/'));
    assert.equal(sidecars.length, 1);
    assert.equal(await getText(store, 'over/k.txt'), 'three');
  });

  it('serves a file copied into the folder by hand, hashing it for its etag', async () => {
    await fs.mkdir(path.join(root, 'copied'), { recursive: true });
    await fs.writeFile(path.join(root, 'copied/readme.txt'), 'dropped in by an operator');
    const head = await store.head('copied/readme.txt');
    assert.equal(head?.size, 25);
    assert.equal(head?.etag, sha256('dropped in by an operator'));
    assert.equal(head?.contentType, 'application/octet-stream');
    assert.equal(await getText(store, 'copied/readme.txt'), 'dropped in by an operator');
    const listed = [];
    for await (const m of store.list('copied/')) listed.push(m.key);
    assert.deepEqual(listed, ['copied/readme.txt']);
  });

  it('never reports a stale etag when a file is changed in place behind its back', async () => {
    await store.put('edited/page.html', text('<p>old</p>'), { contentType: 'text/html' });
    await fs.writeFile(path.join(root, 'edited/page.html'), '<p>new!</p>');
    const t = new Date(Date.now() + 5000); // a different mtime even on coarse-grained file systems
    await fs.utimes(path.join(root, 'edited/page.html'), t, t);
    const head = await store.head('edited/page.html');
    assert.equal(head?.etag, sha256('<p>new!</p>'));
    assert.equal(head?.size, 11);
  });

  it('refuses a key that clashes with an existing one ("a" vs "a/b") and keeps the existing object', async () => {
    await store.put('clash/a', text('file a'), { contentType: 'text/plain' });
    await assert.rejects(
      store.put('clash/a/b', text('under a'), { contentType: 'text/plain' }),
      (err: unknown) => err instanceof ObjectStoreError && err.code === 'INVALID_KEY' && /clashes/.test(err.message),
    );
    await store.put('clash/x/y', text('y'), { contentType: 'text/plain' });
    await assert.rejects(store.put('clash/x', text('x'), { contentType: 'text/plain' }), /clashes/);
    assert.equal(await getText(store, 'clash/a'), 'file a');
    assert.equal(await getText(store, 'clash/x/y'), 'y');
    assert.equal(await store.head('clash/a/b'), null, 'a key below a file is simply missing');
    assert.equal(await store.head('clash/x'), null, 'a folder is not an object');
  });

  it('delete leaves no empty folders behind', async () => {
    await store.put('deep/er/still/x.bin', text('x'), { contentType: 'application/octet-stream' });
    await store.delete('deep/er/still/x.bin');
    await assert.rejects(fs.stat(path.join(root, 'deep')), { code: 'ENOENT' });
    await assert.rejects(fs.stat(path.join(root, '.meta/deep')), { code: 'ENOENT' });
    // and a key may now be an object where a folder used to be
    await store.put('deep', text('now a file'), { contentType: 'text/plain' });
    assert.equal(await getText(store, 'deep'), 'now a file');
  });

  it('concurrent puts of one key end with bytes and metadata that agree', async () => {
    const versions = Array.from({ length: 8 }, (_, i) => `version ${i} `.repeat(1000 * (i + 1)));
    await Promise.all(versions.map((v, i) => store.put('race/k.txt', text(v), { contentType: `text/x-v${i}` })));
    const head = await store.head('race/k.txt');
    const body = await getText(store, 'race/k.txt');
    assert.ok(head && body !== null);
    const i = versions.indexOf(body);
    assert.ok(i >= 0, 'the object is one whole version, not a mix');
    assert.equal(head.etag, sha256(body));
    assert.equal(head.size, Buffer.byteLength(body));
    assert.equal(head.contentType, `text/x-v${i}`);
  });

  it('keys stay inside the root', async () => {
    const outside = path.join(tmp, 'outside.txt');
    await fs.writeFile(outside, 'secret');
    for (const key of ['../outside.txt', 'a/../../outside.txt', '/etc/passwd', '.meta/x', '.tmp/x']) {
      await assert.rejects(store.get(key), (err: unknown) => err instanceof ObjectStoreError && err.code === 'INVALID_KEY', key);
      await assert.rejects(store.put(key, text('x'), { contentType: 'text/plain' }), /invalid object key/, key);
    }
    assert.equal(await fs.readFile(outside, 'utf8'), 'secret');
    const listed = [];
    for await (const m of store.list('')) listed.push(m.key);
    assert.ok(!listed.some((k) => k.startsWith('.')), 'the store\'s own folders are not listed as objects');
  });

  it('check() removes temp files left by a crashed process, and only old ones', async () => {
    const tmpDir = path.join(root, '.tmp');
    await fs.writeFile(path.join(tmpDir, 'crashed-upload'), 'partial');
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await fs.utimes(path.join(tmpDir, 'crashed-upload'), old, old);
    await fs.writeFile(path.join(tmpDir, 'in-flight-upload'), 'being written now');
    await store.check();
    assert.deepEqual(await fs.readdir(tmpDir), ['in-flight-upload']);
    await fs.rm(path.join(tmpDir, 'in-flight-upload'));
  });

  it('check() creates a missing root folder', async () => {
    const fresh = new FsObjectStore(path.join(tmp, 'fresh', 'objects'));
    await fresh.check();
    assert.ok((await fs.stat(path.join(tmp, 'fresh', 'objects'))).isDirectory());
  });

  it('check() fails clearly when the root is a file, not a folder', async () => {
    const file = path.join(tmp, 'not-a-folder');
    await fs.writeFile(file, 'x');
    const bad = new FsObjectStore(file);
    await assert.rejects(bad.check(), (err: unknown) => {
      assert.ok(err instanceof ObjectStoreError);
      assert.equal(err.code, 'UNAVAILABLE');
      assert.match(err.message, /^storage: object folder .*not-a-folder is not writable: .*not a folder/);
      return true;
    });
    const below = new FsObjectStore(path.join(file, 'objects'));
    await assert.rejects(below.check(), /is not writable: .*not a folder/);
  });

  it('check() fails clearly on a read-only folder', async (t) => {
    if (process.getuid?.() === 0) {
      // root bypasses permission bits, and a read-only mount needs privileges a test should not use.
      t.skip('running as root: chmod 0555 does not stop root from writing');
      return;
    }
    const ro = path.join(tmp, 'read-only');
    await fs.mkdir(ro);
    await fs.chmod(ro, 0o555);
    try {
      await assert.rejects(new FsObjectStore(ro).check(), /is not writable: permission denied/);
    } finally {
      await fs.chmod(ro, 0o755);
    }
  });
});
