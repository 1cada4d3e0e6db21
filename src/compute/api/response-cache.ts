// Serialised catalog responses, reused until the data behind them changes. A storefront asks the same few
// questions over and over (page 1 of a category, a popular product): answering from bytes already made, hashed
// and compressed skips JSON.stringify, the ETag hash and per-request compression. Keyed by URL, bounded (least
// recently used goes first), and invalidated by the read models' generation counters, so a cached answer is
// never older than the data.
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { strongEtag } from '../../delivery/conditional.ts';
import type { Encoding } from '../../delivery/encoding.ts';

/** Below this, compression saves less than its headers and CPU cost. */
const MIN_COMPRESS_BYTES = 1024;

export class CachedResponse {
  private readonly encoded = new Map<Encoding, Buffer>();

  constructor(
    readonly json: Buffer,
    readonly etag: string,
  ) {
    this.encoded.set('identity', json);
  }

  /** The bytes in `encoding` (made on first use, then kept), or identity when compression is not worth it. */
  body(encoding: Encoding): { bytes: Buffer; encoding: Encoding } {
    if (encoding === 'identity' || this.json.length < MIN_COMPRESS_BYTES) return { bytes: this.json, encoding: 'identity' };
    let bytes = this.encoded.get(encoding);
    if (!bytes) {
      // Quality 5 brotli: close to the best ratio on JSON for a fraction of quality 11's CPU; done once per change.
      bytes = encoding === 'br' ? brotliCompressSync(this.json, { params: { [zlib.BROTLI_PARAM_QUALITY]: 5 } }) : gzipSync(this.json, { level: 6 });
      this.encoded.set(encoding, bytes);
    }
    return { bytes, encoding };
  }
}

export class ResponseCache {
  private readonly entries = new Map<string, { generation: string; response: CachedResponse }>();

  constructor(
    private readonly maxEntries = 2000,
    private readonly onLookup: (hit: boolean) => void = () => {},
  ) {}

  /** The cached response for `key` if it was built at `generation`, else builds, stores and returns a new one. */
  get(key: string, generation: string, build: () => unknown): CachedResponse {
    const hit = this.entries.get(key);
    this.entries.delete(key); // (re-)inserted below: Map order is recency order
    if (hit && hit.generation === generation) {
      this.onLookup(true);
      this.entries.set(key, hit);
      return hit.response;
    }
    this.onLookup(false);
    const json = Buffer.from(JSON.stringify(build()), 'utf8');
    const response = new CachedResponse(json, strongEtag(createHash('sha1').update(json).digest('base64url')));
    if (this.maxEntries > 0) this.entries.set(key, { generation, response });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return response;
  }
}
