// One suite of object-store behaviours, run against both adapters: the folder store and S3 (an s3rver started
// here). Whatever the rest of Vitrine relies on from storage must hold for both, so it is asserted once, twice.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { FsObjectStore } from '../../src/storage/fs-store.ts';
import { ObjectStoreError } from '../../src/storage/object-store.ts';
import type { ObjectMeta, ObjectStore } from '../../src/storage/object-store.ts';
import { S3ObjectStore } from '../../src/storage/s3-store.ts';
import { startS3rver } from './s3rver-harness.ts';

const MiB = 1024 * 1024;

interface Adapter {
  readonly name: string;
  /**
   * Whether list() order itself can be asserted. Real S3 and the folder store list in plain key order; s3rver walks
   * its folders instead ("a/1" before "a-b"), so against it the test compares the keys as sorted sets.
   */
  readonly ordered: boolean;
  open(): Promise<ObjectStore>;
  teardown(): Promise<void>;
}

function fsAdapter(): Adapter {
  let dir = '';
  return {
    name: 'fs',
    ordered: true,
    async open() {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vitrine-fs-store-'));
      return new FsObjectStore(path.join(dir, 'objects'));
    },
    async teardown() {
      if (dir) await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

function s3Adapter(): Adapter {
  let stop = async (): Promise<void> => undefined;
  return {
    name: 's3',
    ordered: false,
    async open() {
      const s3 = await startS3rver();
      stop = s3.stop;
      // Smallest legal part size, so the streamed bodies below take the multipart path.
      return new S3ObjectStore({ ...s3, forcePathStyle: true, partSize: 5 * MiB });
    },
    async teardown() {
      await stop();
    },
  };
}

async function readAll(body: Readable): Promise<Buffer> {
  return Buffer.concat((await body.toArray()) as Buffer[]);
}

async function getBytes(store: ObjectStore, key: string, range?: { start: number; end: number }): Promise<Buffer | null> {
  const res = await store.get(key, range);
  return res ? readAll(res.body) : null;
}

async function listAll(store: ObjectStore, prefix: string): Promise<ObjectMeta[]> {
  const out: ObjectMeta[] = [];
  for await (const m of store.list(prefix)) out.push(m);
  return out;
}

/** A deterministic stream of `total` bytes in 64 KiB chunks, and the sha256 of what it yields. */
function patternStream(total: number): { stream: Readable; sha256: string } {
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  for (let off = 0, i = 0; off < total; off += 64 * 1024, i++) {
    const c = Buffer.alloc(Math.min(64 * 1024, total - off), i % 251);
    hash.update(c);
    chunks.push(c);
  }
  return { stream: Readable.from(chunks), sha256: hash.digest('hex') };
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const isInvalidKey = (err: unknown): boolean => err instanceof ObjectStoreError && err.code === 'INVALID_KEY';
const isInvalidRange = (err: unknown): boolean => err instanceof ObjectStoreError && err.code === 'INVALID_RANGE';

for (const adapter of [fsAdapter(), s3Adapter()]) {
  describe(`ObjectStore contract: ${adapter.name}`, () => {
    let store: ObjectStore;
    const keysOf = (metas: ObjectMeta[]): string[] => (adapter.ordered ? metas.map((m) => m.key) : metas.map((m) => m.key).sort());
    before(async () => {
      store = await adapter.open();
      await store.check();
    });
    after(async () => {
      await store?.close();
      await adapter.teardown();
    });

    it('round-trips bytes, small and a 5 MB binary', async () => {
      const small = await store.put('rt/hello.txt', text('hello, world'), { contentType: 'text/plain' });
      assert.equal(small.key, 'rt/hello.txt');
      assert.equal(small.size, 12);
      assert.equal((await getBytes(store, 'rt/hello.txt'))?.toString(), 'hello, world');

      const big = randomBytes(5 * MiB);
      const meta = await store.put('rt/big.bin', big, { contentType: 'application/octet-stream' });
      assert.equal(meta.size, big.length);
      const back = await getBytes(store, 'rt/big.bin');
      assert.ok(back && big.equals(back), '5 MB object comes back byte for byte');
    });

    it('stores an empty object', async () => {
      const meta = await store.put('rt/empty', new Uint8Array(0), { contentType: 'text/plain' });
      assert.equal(meta.size, 0);
      assert.equal((await getBytes(store, 'rt/empty'))?.length, 0);
    });

    it('puts from a Readable stream larger than one upload part', async () => {
      const { stream, sha256 } = patternStream(11 * MiB + 123);
      const meta = await store.put('stream/model.glb', stream, { contentType: 'model/gltf-binary' });
      assert.equal(meta.size, 11 * MiB + 123);
      const res = await store.get('stream/model.glb');
      assert.ok(res);
      assert.equal(res.meta.contentType, 'model/gltf-binary');
      const got = createHash('sha256');
      for await (const chunk of res.body) got.update(chunk as Buffer);
      assert.equal(got.digest('hex'), sha256);
    });

    it('puts a small stream (string chunks included)', async () => {
      await store.put('stream/small.txt', Readable.from(['abc', Buffer.from('def')]), { contentType: 'text/plain' });
      assert.equal((await getBytes(store, 'stream/small.txt'))?.toString(), 'abcdef');
    });

    it('heads an object: size, content type, an etag that follows the bytes', async () => {
      const a = await store.put('head/a.json', text('{"a":1}'), { contentType: 'application/json' });
      const head = await store.head('head/a.json');
      assert.ok(head);
      assert.equal(head.size, 7);
      assert.equal(head.contentType, 'application/json');
      assert.equal(head.etag, a.etag, 'put and head agree');
      assert.match(head.etag, /^[^"]+$/, 'etag has no quotes');
      assert.ok(head.lastModified instanceof Date && !Number.isNaN(head.lastModified.getTime()));

      const again = await store.put('head/a.json', text('{"a":1}'), { contentType: 'application/json' });
      assert.equal(again.etag, a.etag, 'same bytes, same etag');
      const twin = await store.put('head/twin.json', text('{"a":1}'), { contentType: 'application/json' });
      assert.equal(twin.etag, a.etag, 'same bytes under another key, same etag');
      const other = await store.put('head/b.json', text('{"a":2}'), { contentType: 'application/json' });
      assert.notEqual(other.etag, a.etag, 'different bytes, different etag');
    });

    it('reads byte ranges: first bytes, middle, last byte, end past the object', async () => {
      const bytes = Buffer.from('0123456789abcdefghij');
      await store.put('range/r.txt', bytes, { contentType: 'text/plain' });
      assert.equal((await getBytes(store, 'range/r.txt', { start: 0, end: 3 }))?.toString(), '0123');
      assert.equal((await getBytes(store, 'range/r.txt', { start: 8, end: 11 }))?.toString(), '89ab');
      assert.equal((await getBytes(store, 'range/r.txt', { start: 19, end: 19 }))?.toString(), 'j');
      assert.equal((await getBytes(store, 'range/r.txt', { start: 15, end: 1000 }))?.toString(), 'fghij');

      const res = await store.get('range/r.txt', { start: 2, end: 4 });
      assert.ok(res);
      assert.equal(res.meta.size, 20, 'meta describes the whole object, not the range');
      assert.equal(res.meta.contentType, 'text/plain');
      await readAll(res.body);

      await assert.rejects(store.get('range/r.txt', { start: 20, end: 25 }), isInvalidRange);
      await assert.rejects(store.get('range/r.txt', { start: 5, end: 2 }), isInvalidRange);
      await assert.rejects(store.get('range/r.txt', { start: -1, end: 2 }), isInvalidRange);
    });

    it('reads a range deep inside the 5 MB object', async () => {
      const big = (await getBytes(store, 'rt/big.bin'))!;
      const start = 3 * MiB + 17;
      const part = await getBytes(store, 'rt/big.bin', { start, end: start + 999 });
      assert.ok(part && part.equals(big.subarray(start, start + 1000)));
    });

    it('answers null for a missing key', async () => {
      assert.equal(await store.head('missing/nothing.bin'), null);
      assert.equal(await store.get('missing/nothing.bin'), null);
      assert.equal(await store.get('missing/nothing.bin', { start: 0, end: 10 }), null);
      await store.delete('missing/nothing.bin'); // deleting what is not there is not an error
    });

    it('deletes an object', async () => {
      await store.put('del/x.txt', text('x'), { contentType: 'text/plain' });
      await store.delete('del/x.txt');
      assert.equal(await store.head('del/x.txt'), null);
      assert.equal(await store.get('del/x.txt'), null);
      assert.deepEqual(await listAll(store, 'del/'), []);
      // and the key can be used again
      await store.put('del/x.txt', text('y'), { contentType: 'text/plain' });
      assert.equal((await getBytes(store, 'del/x.txt'))?.toString(), 'y');
    });

    it('lists by prefix, in key order, with sizes and etags', async () => {
      const keys = ['list/a/1.txt', 'list/a/2.txt', 'list/a/sub/3.txt', 'list/a-b.txt', 'list/ab/4.txt', 'list/b/5.txt'];
      for (const [i, k] of [...keys].reverse().entries()) await store.put(k, text('x'.repeat(i + 1)), { contentType: 'text/plain' });

      const all = await listAll(store, 'list/');
      assert.deepEqual(keysOf(all), [...keys].sort());
      for (const m of all) {
        const h = await store.head(m.key);
        assert.equal(m.size, h?.size, `size of ${m.key}`);
        assert.equal(m.etag, h?.etag, `etag of ${m.key}`);
      }
      assert.deepEqual(
        keysOf(await listAll(store, 'list/a/')),
        ['list/a/1.txt', 'list/a/2.txt', 'list/a/sub/3.txt'],
      );
      // A prefix is a string prefix, not a folder: "list/a" also matches "list/a-b.txt" and "list/ab/…".
      assert.deepEqual(
        keysOf(await listAll(store, 'list/a')),
        ['list/a-b.txt', 'list/a/1.txt', 'list/a/2.txt', 'list/a/sub/3.txt', 'list/ab/4.txt'],
      );
      assert.deepEqual(
        keysOf(await listAll(store, 'list/a/s')),
        ['list/a/sub/3.txt'],
      );
      assert.deepEqual(await listAll(store, 'list/zzz'), []);
      assert.ok((await listAll(store, '')).some((m) => m.key === 'list/b/5.txt'), 'empty prefix lists everything');
    });

    it('lists past one page (more than 1000 keys)', async () => {
      const n = 1003;
      const keys = Array.from({ length: n }, (_, i) => `page/${String(i).padStart(4, '0')}`);
      for (let i = 0; i < n; i += 25) {
        await Promise.all(keys.slice(i, i + 25).map((k) => store.put(k, text(k), { contentType: 'text/plain' })));
      }
      const listed = await listAll(store, 'page/');
      assert.equal(listed.length, n);
      assert.deepEqual(keysOf(listed), keys);
    });

    it('overwrites: the new bytes, size and content type replace the old', async () => {
      const first = await store.put('over/o.bin', text('first version'), { contentType: 'text/plain' });
      const second = await store.put('over/o.bin', text('2nd'), { contentType: 'application/octet-stream' });
      assert.notEqual(second.etag, first.etag);
      const head = await store.head('over/o.bin');
      assert.equal(head?.size, 3);
      assert.equal(head?.etag, second.etag);
      assert.equal(head?.contentType, 'application/octet-stream');
      assert.equal((await getBytes(store, 'over/o.bin'))?.toString(), '2nd');
      assert.equal((await listAll(store, 'over/')).length, 1);
    });

    it('keeps the previous object when a streamed put fails midway', async () => {
      await store.put('fail/model.glb', text('the good version'), { contentType: 'model/gltf-binary' });
      async function* failing(): AsyncGenerator<Buffer> {
        yield Buffer.alloc(3 * MiB, 1);
        yield Buffer.alloc(3 * MiB, 2); // past one S3 part, so a multipart upload is under way
        throw new Error('upload connection lost');
      }
      await assert.rejects(store.put('fail/model.glb', Readable.from(failing()), { contentType: 'model/gltf-binary' }), /upload connection lost/);
      assert.equal((await getBytes(store, 'fail/model.glb'))?.toString(), 'the good version');
      assert.equal((await store.head('fail/model.glb'))?.size, 16);

      await assert.rejects(store.put('fail/new.glb', Readable.from(failing()), { contentType: 'model/gltf-binary' }), /upload connection lost/);
      assert.equal(await store.head('fail/new.glb'), null, 'a failed first put publishes nothing');
    });

    it('rejects invalid keys everywhere', async () => {
      const bad = ['../x', '/abs', 'a//b', '', 'a/../b', 'a/./b', 'a/', '.hidden', 'a b', 'a\\b', 'x'.repeat(513)];
      for (const key of bad) {
        await assert.rejects(store.put(key, text('x'), { contentType: 'text/plain' }), isInvalidKey, `put ${JSON.stringify(key)}`);
        await assert.rejects(store.get(key), isInvalidKey, `get ${JSON.stringify(key)}`);
        await assert.rejects(store.head(key), isInvalidKey, `head ${JSON.stringify(key)}`);
        await assert.rejects(store.delete(key), isInvalidKey, `delete ${JSON.stringify(key)}`);
      }
      for (const prefix of ['../', '/abs', 'a//']) {
        await assert.rejects(listAll(store, prefix), isInvalidKey, `list ${JSON.stringify(prefix)}`);
      }
    });
  });
}
