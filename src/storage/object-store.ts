// Layer 1, Storage (the design's S3): the object-store port. Models, posters, images, video and the built web app
// live behind this interface; `fs-store.ts` (a folder, the embedded default) and `s3-store.ts` (S3 or any
// S3-compatible server) implement it. Nothing outside src/storage knows which one runs.
import type { Readable } from 'node:stream';

export interface ObjectMeta {
  readonly key: string;
  readonly size: number;
  /** Strong validator for the bytes, without quotes (a content hash, or S3's ETag). */
  readonly etag: string;
  readonly contentType: string;
  readonly lastModified: Date;
}

export interface ByteRange {
  readonly start: number; // inclusive
  readonly end: number; // inclusive
}

export interface PutOptions {
  readonly contentType: string;
}

export interface ObjectStore {
  /** Writes the whole object atomically: a reader sees the old bytes or the new ones, never a torn file. */
  put(key: string, body: Uint8Array | Readable, opts: PutOptions): Promise<ObjectMeta>;
  head(key: string): Promise<ObjectMeta | null>;
  /**
   * The object's bytes, or the inclusive byte range of them (an end past the last byte is cut to it; a start past it
   * throws INVALID_RANGE); `meta` always describes the whole object. Null when the key does not exist. The caller
   * must read `body` to the end or destroy it.
   */
  get(key: string, range?: ByteRange): Promise<{ meta: ObjectMeta; body: Readable } | null>;
  delete(key: string): Promise<void>;
  /**
   * Objects whose key starts with `prefix` ("" = all), in ascending key order. `contentType` may be "" here: S3
   * listings do not carry it (use head() when it matters).
   */
  list(prefix: string): AsyncIterable<ObjectMeta>;
  /** Throws when the store cannot be reached or written (readiness). */
  check(): Promise<void>;
  close(): Promise<void>;
}

export class ObjectStoreError extends Error {
  constructor(
    message: string,
    readonly code: 'INVALID_KEY' | 'INVALID_RANGE' | 'UNAVAILABLE',
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ObjectStoreError';
  }
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9._\-/]{0,511}$/;

/** Keys are relative POSIX paths of safe characters: no "..", no leading slash, no empty segments. */
export function assertKey(key: string): void {
  if (!KEY.test(key) || key.split('/').some((seg) => seg === '' || seg === '.' || seg === '..')) {
    throw new ObjectStoreError(`storage: invalid object key ${JSON.stringify(key)}`, 'INVALID_KEY');
  }
}

/** A list prefix is "" or the start of a valid key (it may end in "/"). */
export function assertPrefix(prefix: string): void {
  if (prefix === '') return;
  try {
    assertKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
  } catch {
    throw new ObjectStoreError(`storage: invalid list prefix ${JSON.stringify(prefix)}`, 'INVALID_KEY');
  }
}

/** Whole, non-negative, start <= end; whether it fits the object is the adapter's to check. */
export function assertRange(r: ByteRange): void {
  if (!Number.isSafeInteger(r.start) || !Number.isSafeInteger(r.end) || r.start < 0 || r.end < r.start) {
    throw new ObjectStoreError(`storage: invalid byte range ${r.start}-${r.end}`, 'INVALID_RANGE');
  }
}
