// The embedded object store: each object is a plain file under a root folder (by default <dataDir>/objects), so a
// shop on one machine needs no server and its objects can be browsed, backed up or served as ordinary files.
//
// Layout under the root (top-level keys start with a letter or digit, so the dot folders never clash with keys):
//   <key>                      the object's bytes
//   .meta/<key>~<inode>.json   its metadata (size, sha256 etag, content type), for that exact file version
//   .tmp/                      files being written; renamed into place when complete
//
// Why the inode is in the sidecar's name: an object and its metadata are two files and cannot be renamed together.
// Put writes the sidecar for the new file's inode first, then renames the bytes into place (the commit point), so
// the file a reader finds always has its own metadata next to it; a crash can only leave an unused sidecar behind,
// never a stale one that a reader would trust. If a sidecar is missing anyway (copied-in files, lost directory
// entry), the bytes are rehashed and the sidecar rewritten, so the etag is always the hash of what is served.
// '~' is not allowed in keys, so a sidecar name can never collide with a folder made for a longer key.
//
// Direct uploads. S3 takes a merchant's 100 MB model straight from the browser through a signed URL; a folder has no
// server of its own, so presignPut returns a URL on the API (`PUT /api/uploads/<token>`, compute/api/routes/
// uploads.ts) whose token is a grant signed here with HMAC-SHA256: one key, one content type, an exact length, an
// expiry. The route asks verifyUploadToken() what a token allows and streams the body into put().
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import fsp, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { assertKey, assertPrefix, assertPresignOptions, assertRange, ObjectStoreError } from './object-store.ts';
import type { ByteRange, ObjectMeta, ObjectStore, PresignedPut, PresignPutOptions, PutOptions, UploadGrant } from './object-store.ts';

const META_DIR = '.meta';
const TMP_DIR = '.tmp';
const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
/** Temp files older than this are leftovers of a crashed process (a live put never takes this long to finish). */
const STALE_TMP_MS = 60 * 60 * 1000;

interface Sidecar {
  readonly v: 1;
  readonly size: number;
  readonly etag: string;
  readonly contentType: string;
  /** Identify the exact file version described; a mismatch means the sidecar is not for these bytes. */
  readonly ino: string;
  readonly mtimeNs: string;
}

export interface FsStoreOptions {
  /** Signs upload tokens (presignPut); at least 32 characters. Without it presignPut refuses. */
  readonly uploadSigningKey?: string | undefined;
  /** Where upload URLs point: the API's upload route, to which the token is appended. Default "/api/uploads/". */
  readonly uploadUrlBase?: string | undefined;
}

/** The HMAC's input starts with this label, so a token can never be confused with another signature made with the key. */
const UPLOAD_TOKEN_LABEL = 'vitrine-upload-v1\0';
const BASE64URL = /^[A-Za-z0-9_-]+$/;

interface TokenPayload {
  readonly v: 1;
  readonly k: string; // key
  readonly t: string; // content type
  readonly n: number; // exact length
  readonly e: number; // expiry, seconds since the epoch
}

export class FsObjectStore implements ObjectStore {
  readonly root: string;
  private readonly metaRoot: string;
  private readonly tmpRoot: string;
  /** Per-key queue so puts and deletes of one key in this process never interleave. */
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly uploadKey: Buffer | undefined;
  private readonly uploadUrlBase: string;

  constructor(root: string, options: FsStoreOptions = {}) {
    this.root = path.resolve(root);
    this.metaRoot = path.join(this.root, META_DIR);
    this.tmpRoot = path.join(this.root, TMP_DIR);
    if (options.uploadSigningKey !== undefined && options.uploadSigningKey.length < 32) {
      throw new Error('storage: the upload signing key must be at least 32 characters');
    }
    this.uploadKey = options.uploadSigningKey ? Buffer.from(options.uploadSigningKey, 'utf8') : undefined;
    this.uploadUrlBase = options.uploadUrlBase ?? '/api/uploads/';
  }

  async put(key: string, body: Uint8Array | Readable, opts: PutOptions): Promise<ObjectMeta> {
    assertKey(key);
    return this.serial(key, () => this.putNow(key, body, opts));
  }

  async head(key: string): Promise<ObjectMeta | null> {
    assertKey(key);
    return this.headOf(key, 0);
  }

  async get(key: string, range?: ByteRange): Promise<{ meta: ObjectMeta; body: Readable } | null> {
    assertKey(key);
    if (range) assertRange(range);
    let fh: FileHandle;
    try {
      fh = await fsp.open(this.objectPath(key), 'r');
    } catch (err) {
      if (isMissing(err)) return null;
      throw fsError(err, `read "${key}"`);
    }
    try {
      const st = await fh.stat({ bigint: true });
      if (!st.isFile()) {
        await fh.close();
        return null;
      }
      const meta = (await this.readSidecar(key, st)) ?? (await this.recoverSidecar(key, st, fh));
      if (range && range.start >= meta.size) {
        throw new ObjectStoreError(`storage: range ${range.start}-${range.end} is outside "${key}" (${meta.size} bytes)`, 'INVALID_RANGE');
      }
      // The stream owns the handle from here and closes it when read to the end or destroyed. Like S3, an end past
      // the last byte is cut to it.
      const body = range ? fh.createReadStream({ start: range.start, end: Math.min(range.end, meta.size - 1) }) : fh.createReadStream();
      return { meta, body };
    } catch (err) {
      await fh.close().catch(() => undefined);
      throw err instanceof ObjectStoreError ? err : fsError(err, `read "${key}"`);
    }
  }

  async delete(key: string): Promise<void> {
    assertKey(key);
    return this.serial(key, async () => {
      const st = await statFile(this.objectPath(key));
      if (!st) return;
      try {
        await fsp.rm(this.objectPath(key), { force: true });
        await fsp.rm(this.sidecarPath(key, st.ino), { force: true });
      } catch (err) {
        throw fsError(err, `delete "${key}"`);
      }
      await this.pruneEmptyDirs(this.root, key);
      await this.pruneEmptyDirs(this.metaRoot, key);
    });
  }

  async *list(prefix: string): AsyncIterable<ObjectMeta> {
    assertPrefix(prefix);
    // Start at the deepest folder the prefix names in full; the rest of the prefix filters names below it.
    const cut = prefix.lastIndexOf('/');
    yield* this.walk(cut < 0 ? '' : prefix.slice(0, cut), prefix);
  }

  async presignPut(key: string, opts: PresignPutOptions): Promise<PresignedPut> {
    assertKey(key);
    assertPresignOptions(opts);
    const secret = this.signingKey();
    const expiresAt = new Date((Math.floor(Date.now() / 1000) + opts.expiresInSeconds) * 1000);
    const payload: TokenPayload = { v: 1, k: key, t: opts.contentType, n: opts.contentLength, e: expiresAt.getTime() / 1000 };
    const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
    const token = `${body}.${sign(secret, body)}`;
    return { url: `${this.uploadUrlBase}${token}`, method: 'PUT', headers: { 'content-type': opts.contentType }, expiresAt };
  }

  verifyUploadToken(token: string): UploadGrant {
    const secret = this.signingKey();
    const denied = (why: string): ObjectStoreError => new ObjectStoreError(`storage: upload link refused: ${why}`, 'UPLOAD_DENIED');
    const [body, mac, ...rest] = typeof token === 'string' ? token.split('.') : [];
    if (!body || !mac || rest.length > 0 || !BASE64URL.test(body) || !BASE64URL.test(mac)) throw denied('not an upload token');
    const expected = Buffer.from(sign(secret, body), 'base64url');
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw denied('its signature does not match (altered, or signed with another key)');
    let p: Partial<TokenPayload>;
    try {
      p = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<TokenPayload>;
    } catch {
      throw denied('unreadable');
    }
    if (p.v !== 1 || typeof p.k !== 'string' || typeof p.t !== 'string' || !Number.isSafeInteger(p.n) || typeof p.e !== 'number') throw denied('unreadable');
    assertKey(p.k);
    const expiresAt = new Date(p.e * 1000);
    if (Date.now() >= expiresAt.getTime()) {
      throw new ObjectStoreError(`storage: upload link expired at ${expiresAt.toISOString()}: ask for a new one`, 'UPLOAD_EXPIRED');
    }
    return { key: p.k, contentType: p.t, contentLength: p.n!, expiresAt };
  }

  async uploadOrigin(): Promise<string | null> {
    return /^https?:\/\//.test(this.uploadUrlBase) ? new URL(this.uploadUrlBase).origin : null;
  }

  async check(): Promise<void> {
    const probe = path.join(this.tmpRoot, `probe-${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      await fsp.mkdir(this.tmpRoot, { recursive: true });
      const fh = await fsp.open(probe, 'wx');
      try {
        await fh.writeFile('ok');
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fsp.rm(probe, { force: true });
    } catch (err) {
      await fsp.rm(probe, { force: true }).catch(() => undefined);
      const code = errnoOf(err) ?? 'unknown error';
      throw new ObjectStoreError(
        `storage: object folder ${this.root} is not writable: ${explain(code)} (${code}: ${(err as Error).message})`,
        'UNAVAILABLE',
        { cause: err },
      );
    }
    await this.sweepStaleTemp();
  }

  async close(): Promise<void> {
    // Nothing is held open between calls: get() streams own and close their file handles.
    await Promise.allSettled([...this.locks.values()]);
  }

  // --- writing -------------------------------------------------------------------------------------------------

  private async putNow(key: string, body: Uint8Array | Readable, opts: PutOptions): Promise<ObjectMeta> {
    const target = this.objectPath(key);
    const tmp = await this.tmpName();
    let sidecar: string | undefined;
    let committed = false;
    try {
      const fh = await fsp.open(tmp, 'wx', 0o644);
      const hash = createHash('sha256');
      let size = 0;
      let st: BigIntStats;
      try {
        if (body instanceof Uint8Array) {
          hash.update(body);
          size = body.byteLength;
          await writeAll(fh, body);
        } else {
          // One chunk at a time: awaiting each write is the back-pressure, so memory stays at one chunk.
          for await (const chunk of body) {
            const bytes: Uint8Array = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array);
            hash.update(bytes);
            size += bytes.byteLength;
            await writeAll(fh, bytes);
          }
        }
        await fh.sync();
        st = await fh.stat({ bigint: true });
      } finally {
        await fh.close();
      }
      const record: Sidecar = {
        v: 1,
        size,
        etag: hash.digest('hex'),
        contentType: opts.contentType || DEFAULT_CONTENT_TYPE,
        ino: st.ino.toString(),
        mtimeNs: st.mtimeNs.toString(),
      };
      sidecar = this.sidecarPath(key, st.ino);
      await this.writeSidecar(sidecar, record);
      const previous = await statAny(target);
      if (previous && !previous.isFile()) throw conflict(key);
      await renameInto(tmp, target, key);
      committed = true;
      await fsyncDir(path.dirname(target));
      if (previous && previous.ino !== st.ino) await fsp.rm(this.sidecarPath(key, previous.ino), { force: true });
      return toMeta(key, record, st);
    } catch (err) {
      await fsp.rm(tmp, { force: true }).catch(() => undefined);
      if (sidecar && !committed) {
        await fsp.rm(sidecar, { force: true }).catch(() => undefined);
        await this.pruneEmptyDirs(this.metaRoot, key);
      }
      throw err instanceof ObjectStoreError ? err : fsError(err, `put "${key}"`);
    }
  }

  private async writeSidecar(file: string, record: Sidecar): Promise<void> {
    const tmp = await this.tmpName();
    try {
      const fh = await fsp.open(tmp, 'wx', 0o644);
      try {
        await fh.writeFile(JSON.stringify(record));
        await fh.sync();
      } finally {
        await fh.close();
      }
      await renameInto(tmp, file, file);
      await fsyncDir(path.dirname(file));
    } catch (err) {
      await fsp.rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    }
  }

  private async tmpName(): Promise<string> {
    await fsp.mkdir(this.tmpRoot, { recursive: true });
    return path.join(this.tmpRoot, `${process.pid}-${randomBytes(8).toString('hex')}`);
  }

  private async sweepStaleTemp(): Promise<void> {
    let names: string[];
    try {
      names = await fsp.readdir(this.tmpRoot);
    } catch {
      return;
    }
    const cutoff = Date.now() - STALE_TMP_MS;
    for (const name of names) {
      const file = path.join(this.tmpRoot, name);
      const st = await fsp.stat(file).catch(() => null);
      if (st && st.mtimeMs < cutoff) await fsp.rm(file, { force: true }).catch(() => undefined);
    }
  }

  // --- reading -------------------------------------------------------------------------------------------------

  private async headOf(key: string, attempt: number): Promise<ObjectMeta | null> {
    const st = await statFile(this.objectPath(key));
    if (!st) return null;
    const meta = await this.readSidecar(key, st);
    if (meta) return meta;
    // No trustworthy sidecar: rehash through a handle so the hash is of the very file version we stat'ed.
    let fh: FileHandle;
    try {
      fh = await fsp.open(this.objectPath(key), 'r');
    } catch (err) {
      if (isMissing(err)) return null;
      throw fsError(err, `read "${key}"`);
    }
    try {
      const now = await fh.stat({ bigint: true });
      if (now.ino !== st.ino && attempt < 3) return this.headOf(key, attempt + 1); // replaced meanwhile
      return await this.recoverSidecar(key, now, fh);
    } finally {
      await fh.close();
    }
  }

  private async readSidecar(key: string, st: BigIntStats): Promise<ObjectMeta | null> {
    let record: Partial<Sidecar>;
    try {
      record = JSON.parse(await fsp.readFile(this.sidecarPath(key, st.ino), 'utf8')) as Partial<Sidecar>;
    } catch {
      return null; // missing or unreadable: the caller rebuilds it from the bytes
    }
    const valid =
      record.v === 1 &&
      record.size === Number(st.size) &&
      record.mtimeNs === st.mtimeNs.toString() &&
      typeof record.etag === 'string' &&
      typeof record.contentType === 'string';
    return valid ? toMeta(key, record as Sidecar, st) : null;
  }

  /** Rebuilds a missing sidecar from the bytes; the content type is unknown then, so the generic one is used. */
  private async recoverSidecar(key: string, st: BigIntStats, fh: FileHandle): Promise<ObjectMeta> {
    const hash = createHash('sha256');
    const buf = Buffer.allocUnsafe(1 << 20);
    let pos = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
      pos += bytesRead;
    }
    const record: Sidecar = {
      v: 1,
      size: pos,
      etag: hash.digest('hex'),
      contentType: DEFAULT_CONTENT_TYPE,
      ino: st.ino.toString(),
      mtimeNs: st.mtimeNs.toString(),
    };
    // Best effort: a read-only store still serves the object, it just rehashes next time.
    await this.writeSidecar(this.sidecarPath(key, st.ino), record).catch(() => undefined);
    return toMeta(key, record, st);
  }

  private async *walk(rel: string, prefix: string): AsyncGenerator<ObjectMeta> {
    let entries;
    try {
      entries = await fsp.readdir(rel ? path.join(this.root, rel) : this.root, { withFileTypes: true });
    } catch (err) {
      if (isMissing(err)) return;
      throw fsError(err, `list "${prefix}"`);
    }
    // Sorting folders as "name/" yields keys in plain string order, the order S3 lists in.
    const sorted = entries
      .filter((e) => (e.isFile() || e.isDirectory()) && !(rel === '' && e.name.startsWith('.')))
      .map((e) => ({ name: e.name, dir: e.isDirectory(), sortKey: e.isDirectory() ? `${e.name}/` : e.name }))
      .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    for (const e of sorted) {
      const key = rel ? `${rel}/${e.name}` : e.name;
      if (e.dir) {
        const asPrefix = `${key}/`;
        if (asPrefix.startsWith(prefix) || prefix.startsWith(asPrefix)) yield* this.walk(key, prefix);
      } else if (key.startsWith(prefix) && isValidKey(key)) {
        const meta = await this.headOf(key, 0);
        if (meta) yield meta; // null: deleted since the folder was read
      }
    }
  }

  // --- helpers -------------------------------------------------------------------------------------------------

  private signingKey(): Buffer {
    if (!this.uploadKey) throw new ObjectStoreError('storage: direct uploads to the folder store need a signing key (UPLOAD_SIGNING_KEY)', 'UNAVAILABLE');
    return this.uploadKey;
  }

  private objectPath(key: string): string {
    return path.join(this.root, key);
  }

  private sidecarPath(key: string, ino: bigint): string {
    return path.join(this.metaRoot, `${key}~${ino}.json`);
  }

  /** Removes folders left empty by a delete, up to (not including) the tree's root, so deleted keys leave no trace. */
  private async pruneEmptyDirs(treeRoot: string, key: string): Promise<void> {
    for (let dir = path.posix.dirname(key); dir !== '.'; dir = path.posix.dirname(dir)) {
      try {
        await fsp.rmdir(path.join(treeRoot, dir));
      } catch {
        return; // not empty (or already gone): folders above it are not empty either
      }
    }
  }

  private serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.locks.set(key, settled);
    void settled.then(() => {
      if (this.locks.get(key) === settled) this.locks.delete(key);
    });
    return run;
  }
}

function sign(secret: Buffer, body: string): string {
  return createHmac('sha256', secret).update(UPLOAD_TOKEN_LABEL).update(body).digest('base64url');
}

function toMeta(key: string, r: Sidecar, st: BigIntStats): ObjectMeta {
  return { key, size: r.size, etag: r.etag, contentType: r.contentType, lastModified: st.mtime };
}

/** Renames into place, creating parent folders; retries when a concurrent delete pruned a folder in between. */
async function renameInto(from: string, to: string, key: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await fsp.mkdir(path.dirname(to), { recursive: true });
      await fsp.rename(from, to);
      return;
    } catch (err) {
      const code = errnoOf(err);
      if (code === 'ENOENT' && attempt < 3) continue;
      if (code === 'ENOTDIR' || code === 'EEXIST' || code === 'EISDIR' || code === 'ENOTEMPTY') throw conflict(key);
      throw err;
    }
  }
}

async function writeAll(fh: FileHandle, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.byteLength) {
    const { bytesWritten } = await fh.write(bytes, off, bytes.byteLength - off);
    off += bytesWritten;
  }
}

/** Makes a rename durable: the new directory entry survives a power cut once its folder is synced. */
async function fsyncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function statAny(file: string): Promise<BigIntStats | null> {
  try {
    return await fsp.stat(file, { bigint: true });
  } catch (err) {
    if (isMissing(err)) return null;
    throw err;
  }
}

async function statFile(file: string): Promise<BigIntStats | null> {
  const st = await statAny(file).catch((err: unknown) => {
    throw fsError(err, `stat ${file}`);
  });
  return st?.isFile() ? st : null;
}



function isValidKey(key: string): boolean {
  try {
    assertKey(key);
    return true;
  } catch {
    return false;
  }
}

function conflict(key: string): ObjectStoreError {
  return new ObjectStoreError(
    `storage: key "${key}" clashes with another key in the folder store (one key cannot be both an object and a folder prefix of another, e.g. "a" and "a/b")`,
    'INVALID_KEY',
  );
}

function errnoOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

function isMissing(err: unknown): boolean {
  const code = errnoOf(err);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function explain(code: string): string {
  switch (code) {
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EEXIST':
    case 'ENOTDIR':
      return 'the path (or a parent of it) is a file, not a folder';
    default:
      return 'the file system refused a write';
  }
}

/** System errors (they carry a syscall) become UNAVAILABLE; anything else (e.g. the body stream failing) passes as is. */
function fsError(err: unknown, what: string): unknown {
  if (err instanceof ObjectStoreError || !(err instanceof Error) || !('syscall' in err)) return err;
  const code = errnoOf(err) ?? 'unknown';
  return new ObjectStoreError(`storage: cannot ${what}: ${explain(code)} (${code})`, 'UNAVAILABLE', { cause: err });
}
