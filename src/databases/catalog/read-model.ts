// The catalog as the API serves it: held in memory and refreshed from the repository's change feed, because a
// DynamoDB round trip (~2 ms through the SDK) per storefront read would cap the API far below what memory gives.
// Built on the CatalogRepository port only, so it works over any adapter.
//
// Why a price is never stale for more than ~refreshMs + lookbackMs on any instance:
// - Every write goes through the repository, which stamps updatedAt (ISO, ms) and indexes the item in the change
//   feed (GSI3) under that time. Say a write commits at T by the writer's clock, and the feed shows it by T + d.
// - Poll k starts at local time P(k) and asks for changedSince(P(k-1) - lookbackMs), where P(k-1) is the start of
//   the previous *successful* poll. The first poll with P(k) >= T + d has P(k-1) < T + d, so its window starts
//   before T - s as long as d + s <= lookbackMs (s = how far the writer's clock lags ours). That poll sees the write.
// - Polls start at most refreshMs (+ the previous poll's duration) apart, so the new price is served at most
//   ~d + refreshMs after the write, i.e. within refreshMs + lookbackMs. A failed poll does not move the window, so
//   nothing is skipped; it only shows in stats() (lastRefreshOk) for readiness and metrics.
// - If d + s ever exceeds the lookback (a broken clock, a very slow index), the full consistent rescan every
//   rescanMs catches it: the backstop.
// - Applying an entity only when its version is newer than the cached one makes polls idempotent and
//   order-independent, so overlapping windows, rescans and applyLocal() never move an entity backwards.
import type { Asset3D, Category, Product, Variant } from '../../domain/catalog.ts';
import type { CatalogEntity, CatalogRepository } from './repository.ts';
import { InvalidCursorError, decodeCursor, encodeCursor, isRecord } from './cursor.ts';

export interface CatalogReadModelOptions {
  /** Poll interval (config CATALOG_REFRESH_MS). Default 1000. */
  readonly refreshMs?: number;
  /** How far each poll reaches back before the previous poll's start. Default 5000. */
  readonly lookbackMs?: number;
  /** Interval of the full rescan backstop. Default 5 minutes. */
  readonly rescanMs?: number;
  /** Called with each failed refresh (for logging); the model keeps serving what it has. */
  readonly onError?: (err: unknown) => void;
}

export interface CategoryWithCount extends Category {
  /** Published products in this category. */
  readonly productCount: number;
}

export interface ReadModelStats {
  /** Epoch ms of the last full load (start or rescan), null before start(). */
  readonly loadedAt: number | null;
  /** Epoch ms of the last refresh attempt (poll or rescan). */
  readonly lastRefreshAt: number | null;
  readonly lastRefreshOk: boolean;
  /** Epoch ms of the last successful refresh: now minus this bounds how stale the model can be. */
  readonly lastSuccessAt: number | null;
  readonly lastError?: string;
  readonly entities: { readonly products: number; readonly categories: number; readonly assets: number };
}

export interface PublishedPage {
  readonly items: Product[];
  readonly nextCursor?: string;
}

const MAX_LIMIT = 1000;
/** Rank used for products whose category is unknown: they list after every known category. */
const NO_CATEGORY_RANK = Number.MAX_VALUE;

/** Sort key: (category rank, category slug, rank, id) for the whole shop; (rank, id) within one category. */
type SortKey = readonly (number | string)[];
interface Entry {
  readonly key: SortKey;
  readonly product: Product;
}
interface View {
  readonly all: Entry[];
  readonly byCategory: Map<string, Entry[]>;
  readonly bySlug: Map<string, Product>;
  /** Published variants by id, for carts (a shopper adds a variant, not a product). */
  readonly byVariant: Map<string, { product: Product; variant: Variant }>;
  readonly categories: CategoryWithCount[];
}

export class CatalogReadModel {
  private readonly products = new Map<string, Product>();
  private readonly categoryMap = new Map<string, Category>();
  private readonly assets = new Map<string, Asset3D>();
  /** Sorted arrays and indexes, rebuilt lazily on the first read after a change. */
  private view: View | null = null;
  private gen = 0;

  private readonly refreshMs: number;
  private readonly lookbackMs: number;
  private readonly rescanMs: number;
  private readonly onError: ((err: unknown) => void) | undefined;

  private started = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  /** Local start time of the last successful poll or full load: the next poll's window starts lookbackMs before it. */
  private pollFrom = 0;
  private lastFullLoadAt = 0;
  private loadedAt: number | null = null;
  private lastRefreshAt: number | null = null;
  private lastSuccessAt: number | null = null;
  private lastRefreshOk = false;
  private lastError: string | undefined;

  constructor(
    private readonly repository: CatalogRepository,
    options: CatalogReadModelOptions = {},
  ) {
    this.refreshMs = positive('refreshMs', options.refreshMs ?? 1000);
    this.lookbackMs = positive('lookbackMs', options.lookbackMs ?? 5000);
    this.rescanMs = positive('rescanMs', options.rescanMs ?? 5 * 60_000);
    this.onError = options.onError;
  }

  /** Loads everything (a full scan), then keeps polling the change feed until stop(). */
  async start(): Promise<void> {
    if (this.started) throw new Error('read-model: already started');
    this.started = true;
    try {
      await this.fullLoad(Date.now());
    } catch (err) {
      this.started = false; // let the caller retry start()
      throw err;
    }
    this.lastRefreshOk = true;
    this.lastRefreshAt = this.lastSuccessAt = Date.now();
    this.schedule();
  }

  /** Stops polling and waits for a poll in flight, so the repository can be closed right after. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /** One refresh now (a poll, or a full rescan when one is due). Errors are recorded in stats() and rethrown. */
  async refresh(): Promise<void> {
    const startedAt = Date.now();
    try {
      if (startedAt - this.lastFullLoadAt >= this.rescanMs) {
        await this.fullLoad(startedAt);
      } else {
        const since = new Date(this.pollFrom - this.lookbackMs).toISOString();
        for (const entity of await this.repository.changedSince(since)) this.apply(entity);
        this.pollFrom = startedAt;
      }
      this.lastRefreshOk = true;
      this.lastError = undefined;
      this.lastSuccessAt = Date.now();
    } catch (err) {
      this.lastRefreshOk = false;
      this.lastError = err instanceof Error ? err.message : String(err);
      throw err;
    } finally {
      this.lastRefreshAt = Date.now();
    }
  }

  /** Changes whenever anything served from this model changes: responses built from it can be cached until then. */
  get generation(): number {
    return this.gen;
  }

  /** Lets the instance that made a write serve it at once, before its next poll. */
  applyLocal(entity: CatalogEntity): void {
    this.apply(entity);
  }

  // ---- queries: all in memory ---------------------------------------------------------------------------------

  /**
   * Published products, ordered by (category rank, rank, id), or by (rank, id) within `category`.
   * The cursor holds the last item's sort key, so a page starts right after it even if the catalog changed.
   */
  listPublished(opts: { category?: string; limit: number; cursor?: string }): PublishedPage {
    if (!Number.isSafeInteger(opts.limit) || opts.limit < 1 || opts.limit > MAX_LIMIT) {
      throw new RangeError(`read-model: limit must be an integer from 1 to ${MAX_LIMIT}`);
    }
    const view = this.current();
    const entries = opts.category === undefined ? view.all : (view.byCategory.get(opts.category) ?? []);
    const start = opts.cursor === undefined ? 0 : firstAfter(entries, decodeListCursor(opts.cursor, opts.category));
    const page = entries.slice(start, start + opts.limit);
    const last = page[page.length - 1];
    const items = page.map((e) => e.product);
    if (!last || start + opts.limit >= entries.length) return { items };
    return { items, nextCursor: encodeCursor({ v: 1, c: opts.category ?? null, k: last.key }) };
  }

  /** A published product by its slug; drafts and archived products are not found. */
  productBySlug(slug: string): Product | undefined {
    return this.current().bySlug.get(slug);
  }

  /** A published variant with its product, or undefined when unknown or unpublished. */
  variantById(variantId: string): { product: Product; variant: Variant } | undefined {
    return this.current().byVariant.get(variantId);
  }

  /** A product by id whatever its status (carts and orders refer to ids); callers decide what to show. */
  productById(id: string): Product | undefined {
    return this.products.get(id);
  }

  /** Categories in (rank, slug) order, each with its count of published products. */
  categories(): CategoryWithCount[] {
    return this.current().categories.slice();
  }

  asset(id: string): Asset3D | undefined {
    return this.assets.get(id);
  }

  stats(): ReadModelStats {
    return {
      loadedAt: this.loadedAt,
      lastRefreshAt: this.lastRefreshAt,
      lastRefreshOk: this.lastRefreshOk,
      lastSuccessAt: this.lastSuccessAt,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
      entities: { products: this.products.size, categories: this.categoryMap.size, assets: this.assets.size },
    };
  }

  // ---- internals ----------------------------------------------------------------------------------------------

  private schedule(): void {
    if (this.stopped) return;
    // A timeout chain, not an interval: polls never overlap, and a slow store just spaces them out.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.inFlight = this.refresh()
        .catch((err: unknown) => {
          if (!this.stopped) this.onError?.(err); // a poll cut short by shutdown is not worth a warning
        })
        .finally(() => {
          this.inFlight = undefined;
          this.schedule();
        });
    }, this.refreshMs);
    this.timer.unref(); // the read model must never keep the process alive
  }

  private async fullLoad(startedAt: number): Promise<void> {
    for await (const entity of this.repository.scanAll()) this.apply(entity);
    this.pollFrom = startedAt; // writes during the scan are at or after its start: the next poll covers them
    this.lastFullLoadAt = startedAt;
    this.loadedAt = Date.now();
  }

  private apply(entity: CatalogEntity): void {
    switch (entity.kind) {
      case 'product':
        if (newer(this.products.get(entity.value.id), entity.value)) this.products.set(entity.value.id, entity.value);
        else return;
        break;
      case 'category':
        if (newer(this.categoryMap.get(entity.value.slug), entity.value)) this.categoryMap.set(entity.value.slug, entity.value);
        else return;
        break;
      case 'asset':
        // Assets are not part of the sorted view: no rebuild needed.
        if (!newer(this.assets.get(entity.value.id), entity.value)) return;
        this.assets.set(entity.value.id, entity.value);
        this.gen++;
        return;
    }
    this.view = null;
    this.gen++;
  }

  private current(): View {
    this.view ??= this.build();
    return this.view;
  }

  private build(): View {
    const all: Entry[] = [];
    const byCategory = new Map<string, Entry[]>();
    const bySlug = new Map<string, Product>();
    const byVariant = new Map<string, { product: Product; variant: Variant }>();
    for (const p of this.products.values()) {
      if (p.status !== 'published') continue;
      for (const variant of p.variants) byVariant.set(variant.id, { product: p, variant });
      const cat = this.categoryMap.get(p.category);
      all.push({ key: [cat ? cat.rank : NO_CATEGORY_RANK, p.category, p.rank, p.id], product: p });
      let list = byCategory.get(p.category);
      if (!list) byCategory.set(p.category, (list = []));
      list.push({ key: [p.rank, p.id], product: p });
      // Slugs are unique in the store; should two published products ever share one, the newer wins.
      const other = bySlug.get(p.slug);
      if (!other || other.updatedAt < p.updatedAt) bySlug.set(p.slug, p);
    }
    all.sort(byKey);
    for (const list of byCategory.values()) list.sort(byKey);
    const categories = [...this.categoryMap.values()]
      .sort((a, b) => compareKeys([a.rank, a.slug], [b.rank, b.slug]))
      .map((c) => ({ ...c, productCount: byCategory.get(c.slug)?.length ?? 0 }));
    return { all, byCategory, bySlug, byVariant, categories };
  }
}

function newer(cached: { readonly version: number } | undefined, incoming: { readonly version: number }): boolean {
  return !cached || incoming.version > cached.version;
}

function compareKeys(a: SortKey, b: SortKey): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

function byKey(a: Entry, b: Entry): number {
  return compareKeys(a.key, b.key);
}

/** Index of the first entry whose key is strictly after `key` (binary search: O(log n)). */
function firstAfter(entries: readonly Entry[], key: SortKey): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(entries[mid]!.key, key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A cursor is valid only for the listing it came from: same category filter, a key of the right shape. */
function decodeListCursor(cursor: string, category: string | undefined): SortKey {
  const c = decodeCursor(cursor, 'read-model');
  const shape = category === undefined ? ['number', 'string', 'number', 'string'] : ['number', 'string'];
  if (
    !isRecord(c) ||
    c.v !== 1 ||
    c.c !== (category ?? null) ||
    !Array.isArray(c.k) ||
    c.k.length !== shape.length ||
    !c.k.every((part: unknown, i) => typeof part === shape[i] && (typeof part !== 'number' || Number.isFinite(part)))
  ) {
    throw new InvalidCursorError('read-model: invalid cursor');
  }
  return c.k as SortKey; // checked element by element above
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`read-model: ${name} must be a positive number of ms`);
  return value;
}
