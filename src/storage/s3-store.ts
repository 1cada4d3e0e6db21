// The object-store port on Amazon S3 or any S3-compatible server (MinIO, s3rver in tests). S3 already gives atomic
// puts and strong read-after-write consistency, so this adapter only translates calls and errors.
//
// Streamed bodies have no length up front and PutObject needs one, so a Readable is read one part at a time: if it
// ends within the first part it goes as a single PutObject, otherwise as a multipart upload, part by part. Memory
// stays at one part (default 8 MiB) whatever the object's size; a failed upload is aborted, so nothing is published.
//
// presignPut signs a PutObject URL with the content type and length among the signed headers: S3 refuses a body of
// any other length or type (SignatureDoesNotMatch). Its client computes no checksums: by default the SDK would sign
// a CRC32 of the empty body into the URL, and S3 would then refuse every real upload.
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { CompletedPart, S3ClientConfig } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { tracing } from '../monitoring/tracing.ts';
import { assertKey, assertPrefix, assertPresignOptions, assertRange, ObjectStoreError } from './object-store.ts';
import type { ByteRange, ObjectMeta, ObjectStore, PresignedPut, PresignPutOptions, PutOptions } from './object-store.ts';

export interface S3StoreOptions {
  readonly bucket: string;
  readonly region: string;
  /** For S3-compatible servers; unset = AWS. */
  readonly endpoint?: string | undefined;
  /** Path-style URLs (http://host/bucket/key), which most S3-compatible servers need. */
  readonly forcePathStyle?: boolean | undefined;
  /** Unset = the SDK's default chain (environment, profile, instance or task role). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string } | undefined;
  /** Part size for streamed bodies, at least 5 MiB (S3's minimum for all parts but the last). */
  readonly partSize?: number | undefined;
}

const MIN_PART = 5 * 1024 * 1024;
const DEFAULT_PART = 8 * 1024 * 1024;
const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

export class S3ObjectStore implements ObjectStore {
  readonly bucket: string;
  private readonly client: S3Client;
  private readonly clientConfig: S3ClientConfig;
  private presigner: S3Client | undefined;
  private readonly partSize: number;

  constructor(opts: S3StoreOptions) {
    if (!opts.bucket) throw new Error('storage: S3 bucket name is required');
    this.bucket = opts.bucket;
    this.partSize = opts.partSize ?? DEFAULT_PART;
    if (!Number.isSafeInteger(this.partSize) || this.partSize < MIN_PART) {
      throw new Error(`storage: S3 partSize must be an integer of at least ${MIN_PART} bytes`);
    }
    this.clientConfig = {
      region: opts.region,
      ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
      forcePathStyle: opts.forcePathStyle ?? false,
      ...(opts.credentials ? { credentials: opts.credentials } : {}),
    };
    this.client = new S3Client(this.clientConfig);
    tracing()?.instrumentAwsClient(this.client, 'S3'); // the presigner below only signs: no call, no span
  }

  async put(key: string, body: Uint8Array | Readable, opts: PutOptions): Promise<ObjectMeta> {
    assertKey(key);
    const contentType = opts.contentType || DEFAULT_CONTENT_TYPE;
    if (body instanceof Uint8Array) return this.putWhole(key, body, contentType);
    return this.putStream(key, body, contentType);
  }

  async head(key: string): Promise<ObjectMeta | null> {
    assertKey(key);
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        key,
        size: res.ContentLength ?? 0,
        etag: unquote(res.ETag),
        contentType: res.ContentType ?? DEFAULT_CONTENT_TYPE,
        lastModified: res.LastModified ?? new Date(0),
      };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw s3Error(err, `head "${key}"`);
    }
  }

  async get(key: string, range?: ByteRange): Promise<{ meta: ObjectMeta; body: Readable } | null> {
    assertKey(key);
    if (range) assertRange(range);
    let res;
    try {
      res = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }),
      );
    } catch (err) {
      if (isNotFound(err)) return null;
      if (errName(err) === 'InvalidRange' || statusOf(err) === 416) {
        throw new ObjectStoreError(`storage: range ${range?.start}-${range?.end} is outside "${key}"`, 'INVALID_RANGE', { cause: err });
      }
      throw s3Error(err, `get "${key}"`);
    }
    // On Node the SDK's body is an http.IncomingMessage, i.e. a Readable; anything else means a non-Node runtime.
    if (!(res.Body instanceof Readable)) throw new ObjectStoreError(`storage: S3 get "${key}" returned no stream body`, 'UNAVAILABLE');
    // A ranged response's Content-Range ends with the whole object's size ("bytes 0-9/1234").
    const total = range ? Number(/\/(\d+)$/.exec(res.ContentRange ?? '')?.[1] ?? Number.NaN) : (res.ContentLength ?? 0);
    const meta: ObjectMeta = {
      key,
      size: Number.isFinite(total) ? total : 0,
      etag: unquote(res.ETag),
      contentType: res.ContentType ?? DEFAULT_CONTENT_TYPE,
      lastModified: res.LastModified ?? new Date(0),
    };
    return { meta, body: res.Body };
  }

  async delete(key: string): Promise<void> {
    assertKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (err) {
      if (isNotFound(err)) return;
      throw s3Error(err, `delete "${key}"`);
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectMeta> {
    assertPrefix(prefix);
    let token: string | undefined;
    do {
      let res;
      try {
        res = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, ...(prefix ? { Prefix: prefix } : {}), ...(token ? { ContinuationToken: token } : {}) }),
        );
      } catch (err) {
        throw s3Error(err, `list "${prefix}"`);
      }
      for (const o of res.Contents ?? []) {
        if (o.Key === undefined) continue;
        // Listings carry no content type; the port documents "" for it.
        yield { key: o.Key, size: o.Size ?? 0, etag: unquote(o.ETag), contentType: '', lastModified: o.LastModified ?? new Date(0) };
      }
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
  }

  async presignPut(key: string, opts: PresignPutOptions): Promise<PresignedPut> {
    assertKey(key);
    assertPresignOptions(opts);
    // Signing is local (no request is sent); the client only lends its credentials, region and endpoint.
    this.presigner ??= new S3Client({ ...this.clientConfig, requestChecksumCalculation: 'WHEN_REQUIRED' });
    const expiresAt = new Date(Date.now() + opts.expiresInSeconds * 1000);
    let url: string;
    try {
      url = await getSignedUrl(
        this.presigner,
        new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentType: opts.contentType, ContentLength: opts.contentLength }),
        { expiresIn: opts.expiresInSeconds, signableHeaders: new Set(['content-type', 'content-length']) },
      );
    } catch (err) {
      throw s3Error(err, `presign a PUT of "${key}"`);
    }
    return { url, method: 'PUT', headers: { 'content-type': opts.contentType }, expiresAt };
  }

  async uploadOrigin(): Promise<string | null> {
    // Whatever host the SDK signs for (virtual-hosted, path-style, a custom endpoint): signing is local.
    const { url } = await this.presignPut('uploads/origin-probe', { contentType: 'application/octet-stream', contentLength: 1, expiresInSeconds: 60 });
    return new URL(url).origin;
  }

  async check(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      const status = statusOf(err);
      const why = status === 404 ? 'the bucket does not exist' : status === 403 ? 'access denied' : `${errName(err)}: ${(err as Error).message}`;
      throw new ObjectStoreError(`storage: S3 bucket "${this.bucket}" is not usable: ${why}`, 'UNAVAILABLE', { cause: err });
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
    this.presigner?.destroy();
  }

  // --- writing -------------------------------------------------------------------------------------------------

  private async putWhole(key: string, bytes: Uint8Array, contentType: string): Promise<ObjectMeta> {
    let etag: string;
    try {
      const res = await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentLength: bytes.byteLength, ContentType: contentType }),
      );
      etag = unquote(res.ETag);
    } catch (err) {
      throw s3Error(err, `put "${key}"`);
    }
    return this.afterPut(key, bytes.byteLength, etag, contentType);
  }

  private async putStream(key: string, body: Readable, contentType: string): Promise<ObjectMeta> {
    let chunks: Buffer[] = [];
    let buffered = 0;
    let size = 0;
    let uploadId: string | undefined;
    const parts: CompletedPart[] = [];
    const flush = async (): Promise<void> => {
      uploadId ??= await this.createUpload(key, contentType);
      const part = Buffer.concat(chunks, buffered);
      chunks = [];
      buffered = 0;
      parts.push(await this.uploadPart(key, uploadId, parts.length + 1, part));
    };
    try {
      for await (const chunk of body) {
        const buf = toBuffer(chunk as string | Uint8Array);
        chunks.push(buf);
        buffered += buf.byteLength;
        size += buf.byteLength;
        if (buffered >= this.partSize) await flush();
      }
      if (uploadId === undefined) return await this.putWhole(key, Buffer.concat(chunks, buffered), contentType);
      if (buffered > 0) await flush();
      let etag: string;
      try {
        const res = await this.client.send(
          new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }),
        );
        etag = unquote(res.ETag);
      } catch (err) {
        throw s3Error(err, `put "${key}" (complete multipart upload)`);
      }
      uploadId = undefined; // completed: nothing to abort any more
      return await this.afterPut(key, size, etag, contentType);
    } catch (err) {
      if (uploadId !== undefined) {
        // Parts of an unfinished upload are billed and invisible; abort so they are freed.
        await this.client
          .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }))
          .catch(() => undefined);
      }
      throw err;
    }
  }

  private async createUpload(key: string, contentType: string): Promise<string> {
    try {
      // CRC32 declared at creation, so that S3 accepts the per-part checksums the SDK adds by default.
      const res = await this.client.send(
        new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: contentType, ChecksumAlgorithm: 'CRC32' }),
      );
      if (!res.UploadId) throw new Error('no UploadId in the response');
      return res.UploadId;
    } catch (err) {
      throw s3Error(err, `put "${key}" (create multipart upload)`);
    }
  }

  private async uploadPart(key: string, uploadId: string, partNumber: number, bytes: Buffer): Promise<CompletedPart> {
    try {
      const res = await this.client.send(
        new UploadPartCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber: partNumber,
          Body: bytes,
          ContentLength: bytes.byteLength,
          ChecksumAlgorithm: 'CRC32',
        }),
      );
      return { PartNumber: partNumber, ETag: res.ETag, ...(res.ChecksumCRC32 ? { ChecksumCRC32: res.ChecksumCRC32 } : {}) };
    } catch (err) {
      throw s3Error(err, `put "${key}" (part ${partNumber})`);
    }
  }

  /** S3's put responses carry no date; a head gives the stored metadata exactly as later reads will see it. */
  private async afterPut(key: string, size: number, etag: string, contentType: string): Promise<ObjectMeta> {
    const meta = await this.head(key);
    return meta ?? { key, size, etag, contentType, lastModified: new Date() };
  }
}

/** A view, not a copy, of a stream chunk (Readables yield Buffers, strings in string mode). */
function toBuffer(chunk: string | Uint8Array): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk);
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function unquote(etag: string | undefined): string {
  return (etag ?? '').replace(/^"(.*)"$/, '$1');
}

function errName(err: unknown): string {
  return err instanceof Error ? err.name : 'Error';
}

function statusOf(err: unknown): number | undefined {
  const meta = typeof err === 'object' && err !== null && '$metadata' in err ? (err as { $metadata?: { httpStatusCode?: number } }).$metadata : undefined;
  return meta?.httpStatusCode;
}

function isNotFound(err: unknown): boolean {
  const name = errName(err);
  if (name === 'NoSuchBucket') return false; // a misconfiguration, not a missing object
  return name === 'NotFound' || name === 'NoSuchKey' || statusOf(err) === 404;
}


function s3Error(err: unknown, what: string): ObjectStoreError {
  if (err instanceof ObjectStoreError) return err;
  return new ObjectStoreError(`storage: S3 ${what} failed: ${errName(err)}: ${(err as Error).message}`, 'UNAVAILABLE', { cause: err });
}
