// Serialised catalog responses, reused until the data behind them changes. A storefront asks the same few
// questions over and over (page 1 of a category, a popular product): answering from bytes already made and
// hashed skips JSON.stringify and the ETag hash. Keyed by URL, bounded (least recently used goes first),
// and invalidated by the read models' generation counters, so a cached answer is never older than the data.
import { createHash } from 'node:crypto';
import { strongEtag } from '../../delivery/conditional.ts';

export interface CachedResponse {
  readonly json: string;
  readonly etag: string;
}

export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse & { generation: string }>();

  constructor(private readonly maxEntries = 2000) {}

  /** The cached response for `key` if it was built at `generation`, else builds, stores and returns a new one. */
  get(key: string, generation: string, build: () => unknown): CachedResponse {
    const hit = this.entries.get(key);
    if (hit && hit.generation === generation) {
      this.entries.delete(key); // re-insert: Map order is recency order
      this.entries.set(key, hit);
      return hit;
    }
    const json = JSON.stringify(build());
    const entry = { json, etag: strongEtag(createHash('sha1').update(json).digest('base64url')), generation };
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }
}
