// Layer 1, Storage: the one place that knows which object-store adapter runs. Everything else gets an ObjectStore.
import { createHash } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import path from 'node:path';
import type { Config } from '../config/env.ts';
import { FsObjectStore } from './fs-store.ts';
import { assertKey } from './object-store.ts';
import type { ByteRange, ObjectStore } from './object-store.ts';

export type { ByteRange, ObjectMeta, ObjectStore, PresignedPut, PresignPutOptions, PutOptions, UploadGrant } from './object-store.ts';
export { ObjectStoreError, assertKey } from './object-store.ts';

/** Where the folder store's upload URLs point (compute/api/routes/uploads.ts serves it). */
export const UPLOAD_ROUTE_PREFIX = '/api/uploads/';

/**
 * OBJECT_STORE=fs: a folder under the data dir (the one-machine default), its direct uploads going through the API
 * (signed with UPLOAD_SIGNING_KEY); s3: S3_BUCKET via the SDK's credential chain, uploads to signed S3 URLs.
 */
export async function createObjectStore(config: Config): Promise<ObjectStore> {
  switch (config.OBJECT_STORE) {
    case 'fs':
      return new FsObjectStore(path.join(config.dataDir, 'objects'), {
        uploadSigningKey: config.UPLOAD_SIGNING_KEY,
        uploadUrlBase: `${config.PUBLIC_URL ? new URL(config.PUBLIC_URL).origin : ''}${UPLOAD_ROUTE_PREFIX}`,
      });
    case 's3':
      if (!config.S3_BUCKET) throw new Error('storage: S3_BUCKET is required when OBJECT_STORE=s3');
      // Loaded only when chosen: the S3 SDK is some 10 MB of memory a process on the folder store never uses.
      return new (await import('./s3-store.ts')).S3ObjectStore({
        bucket: config.S3_BUCKET,
        region: config.AWS_REGION,
        endpoint: config.S3_ENDPOINT,
        forcePathStyle: config.S3_FORCE_PATH_STYLE,
      });
  }
}

/**
 * An immutable key for these bytes: `<prefix>/<first 16 hex of sha256>/<filename>`. New bytes get a new key, so the
 * CDN can cache the URL forever, while the filename stays readable (and is the download name).
 */
export function contentHashedKey(prefix: string, bytes: Uint8Array, filename: string): string {
  if (filename.includes('/')) throw new Error(`storage: filename must not contain "/": ${JSON.stringify(filename)}`);
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  const key = `${prefix.replace(/\/+$/, '')}/${hash}/${filename}`;
  assertKey(key);
  return key;
}

/** An object's bytes (or a byte range of them) in memory, or null when the key does not exist. For models and
 *  images a step must read whole; never for media that should be streamed. */
export async function readObject(store: ObjectStore, key: string, range?: ByteRange): Promise<Buffer | null> {
  const obj = await store.get(key, range);
  return obj ? buffer(obj.body) : null;
}

/** Writes content-hashed bytes unless the key exists: such a key can only ever hold these very bytes. */
export async function putOnce(store: ObjectStore, key: string, bytes: Uint8Array, contentType: string): Promise<void> {
  if (await store.head(key)) return;
  await store.put(key, bytes, { contentType });
}
