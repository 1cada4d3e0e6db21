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

/** What a client may upload straight to the store (presignPut): one key, one content type, an exact size. */
export interface PresignPutOptions {
  readonly contentType: string;
  /** The exact size of the upload in bytes: a longer (or shorter) body is refused. */
  readonly contentLength: number;
  /** How long the URL works, from now: 1 s to 7 days (S3's limit for signed URLs). */
  readonly expiresInSeconds: number;
}

/** A direct upload: send `method` to `url` with `headers` as they are and the bytes as the body. */
export interface PresignedPut {
  /**
   * Absolute (S3), or a path on the API's own origin (the folder store's `PUT /api/uploads/<token>`): resolve it
   * against the API's origin before handing it to a client.
   */
  readonly url: string;
  readonly method: 'PUT';
  /** Headers the client must send unchanged (they are part of the signature); Content-Length comes from the body. */
  readonly headers: Readonly<Record<string, string>>;
  readonly expiresAt: Date;
}

/** What a verified upload token allows: one key, one content type, exactly `contentLength` bytes, until `expiresAt`. */
export interface UploadGrant {
  readonly key: string;
  readonly contentType: string;
  readonly contentLength: number;
  readonly expiresAt: Date;
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
  /**
   * A URL a client can PUT `key`'s bytes to without going through this process's memory: an S3 signed URL (the
   * content type and length are signed, so S3 refuses any other body), or for stores S3 cannot front, a URL on the
   * API itself whose token `verifyUploadToken` checks.
   */
  presignPut(key: string, opts: PresignPutOptions): Promise<PresignedPut>;
  /**
   * Present only on stores whose presigned URLs point at the API (`PUT /api/uploads/<token>`): the grant a token
   * carries, if this store signed it and it has not expired. Throws ObjectStoreError UPLOAD_DENIED (not a token
   * of this store, or tampered with) or UPLOAD_EXPIRED. The API registers that route only when this exists.
   */
  verifyUploadToken?(token: string): UploadGrant;
  /**
   * The origin a browser sends presigned PUTs to (the bucket's S3 endpoint), or null when that is the page's own
   * origin (a relative upload URL on the API). The API's Content-Security-Policy lets the page connect to it.
   */
  uploadOrigin(): Promise<string | null>;
  /** Throws when the store cannot be reached or written (readiness). */
  check(): Promise<void>;
  close(): Promise<void>;
}

export class ObjectStoreError extends Error {
  constructor(
    message: string,
    readonly code: 'INVALID_KEY' | 'INVALID_RANGE' | 'UNAVAILABLE' | 'INVALID_UPLOAD' | 'UPLOAD_DENIED' | 'UPLOAD_EXPIRED',
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

/** S3 signs URLs for at most 7 days; the folder store keeps the same bound so both behave alike. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 60 * 60;

/** A whole, positive length; a content type; an expiry from 1 s to 7 days. */
export function assertPresignOptions(opts: PresignPutOptions): void {
  if (!Number.isSafeInteger(opts.contentLength) || opts.contentLength < 1) {
    throw new ObjectStoreError(`storage: an upload's contentLength must be a whole number of bytes >= 1 (got ${opts.contentLength})`, 'INVALID_UPLOAD');
  }
  if (typeof opts.contentType !== 'string' || !/^[\w.+-]+\/[\w.+-]+$/.test(opts.contentType)) {
    throw new ObjectStoreError(`storage: an upload's contentType must be a MIME type such as model/gltf-binary (got ${JSON.stringify(opts.contentType)})`, 'INVALID_UPLOAD');
  }
  if (!Number.isInteger(opts.expiresInSeconds) || opts.expiresInSeconds < 1 || opts.expiresInSeconds > MAX_PRESIGN_SECONDS) {
    throw new ObjectStoreError(`storage: an upload URL must expire in 1 to ${MAX_PRESIGN_SECONDS} seconds (got ${opts.expiresInSeconds})`, 'INVALID_UPLOAD');
  }
}
