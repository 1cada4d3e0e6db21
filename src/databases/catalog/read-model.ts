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
// - If d + s ever exceeds the lookback (a broken clock, a very slow index), the backstop catches it: every rescanMs
//   a pass re-reads every entity, a page at a time, spread over half the interval, beside the polls, which it never
//   holds up (at 100,000 products a whole scan takes tens of seconds: the start-up load, 32-87 s, and polls used to
//   wait for it).
// - Applying an entity only when its version is newer than the cached one makes polls idempotent and
//   order-independent, so overlapping windows, rescans and applyLocal() never move an entity backwards.
//
// Search and facets live here too, over the same memory: a full-text index (search-index.ts) updated product by
// product as changes are applied, and, per listing (a category or the whole shop), its products laid out in typed
// arrays for filters and facets (browse.ts) and its positions in each sort order, built on first use after a change.
import { setTimeout as sleep } from 'node:timers/promises';
import { fromPrice, type Asset3D, type Category, type Product, type Variant } from '../../domain/catalog.ts';
import type { ProductMedia } from '../../domain/media.ts';
import type { CatalogEntity, CatalogRepository } from './repository.ts';
import { InvalidCursorError, decodeCursor, encodeCursor, isRecord } from './cursor.ts';
import { BrowseIndex, hasFilters, type BrowseFilters, type Facets, type SortOrder, type Stock } from './browse.ts';
import { CatalogSearchIndex, type SearchDocument } from './search-index.ts';

export interface CatalogReadModelOptions {
  /** Poll interval (config CATALOG_REFRESH_MS). Default 1000. */
  readonly refreshMs?: number;
  /** How far each poll reaches back before the previous poll's start. Default 5000. */
  readonly lookbackMs?: number;
  /** Interval between the starts of the backstop's passes over every entity. Default 5 minutes. */
  readonly rescanMs?: number;
  /** Called with each failed refresh (for logging); the model keeps serving what it has. */
  readonly onError?: (err: unknown) => void;
}

export interface CategoryWithCount extends Category {
  /** Published products in this category. */
  readonly productCount: number;
}

export interface ReadModelStats {
  /** Epoch ms of the last full read: the load at start, then each completed backstop pass. Null before start(). */
  readonly loadedAt: number | null;
  /** Epoch ms of the last poll attempt. */
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

export interface BrowseQuery extends BrowseFilters {
  readonly category?: string;
  readonly limit: number;
  readonly cursor?: string;
  /** Default 'featured': the merchant's order (the same as listPublished). */
  readonly sort?: SortOrder;
  /** Units on hand per variant (the stock view), for inStock and its facet; 0 when unknown. */
  readonly onHand?: (variantId: string) => number;
  /** Also count facets and the total (a first page; later pages skip the work). */
  readonly facets?: boolean;
  /**
   * Changes whenever `onHand`'s answers may have (the stock view's generation). Given, stock is read once per
   * generation instead of per request, and the facets of an unfiltered listing are counted once per catalog and
   * stock generation instead of on every first page.
   */
  readonly onHandGeneration?: number;
}

export interface BrowsePage extends PublishedPage {
  /** Matching products in all pages (with facets only). */
  readonly total?: number;
  readonly facets?: Facets;
}

/** The merchant's list (drafts included), newest first: filtered by status and by words in the title or slug. */
export interface StaffListQuery {
  readonly status?: 'published' | 'draft';
  /** Matched, case- and accent-insensitively, as a substring of the title or the slug. */
  readonly text?: string;
  readonly limit: number;
  readonly cursor?: string;
}

export interface SearchPage {
  readonly items: Product[];
  /** When nothing matched: a nearby query that finds something ("Did you mean …"). */
  readonly suggestion?: string;
}

const MAX_LIMIT = 1000;
/** Entities per request of a backstop pass. */
const RESCAN_PAGE = 100;
/** Changed products from which the search index is updated in one batch rather than product by product. */
const BATCH_INDEX_AT = 200;
/**
 * Changed products up to which the sorted view is updated in place (a binary search and a splice per listing);
 * beyond, it is rebuilt and sorted in one go. A rebuild of 100,000 products holds the event loop for most of a second.
 */
const PATCH_VIEW_AT = 200;
/** Rank used for products whose category is unknown: they list after every known category. */
const NO_CATEGORY_RANK = Number.MAX_VALUE;

/** Sort key: (category rank, category slug, rank, id) for the whole shop; (rank, id) within one category. */
type SortKey = readonly (number | string)[];
interface Entry {
  readonly key: SortKey;
  readonly product: Product;
  /** What the other sort orders compare, worked out once per view: the listed ("from") price, age, name. */
  readonly from: number;
  readonly created: number;
  readonly name: string;
}
interface View {
  readonly all: Entry[];
  readonly byCategory: Map<string, Entry[]>;
  readonly bySlug: Map<string, Product>;
  /** Published variants by id, for carts (a shopper adds a variant, not a product). */
  readonly byVariant: Map<string, { product: Product; variant: Variant }>;
  categories: CategoryWithCount[];
  /** Facets and totals of unfiltered listings (by category, '' = all), at the stock generation they were counted at. */
  readonly unfilteredFacets: Map<string, { readonly onHandGeneration: number; readonly total: number; readonly facets: Facets }>;
  /** Per listing (category, '' = all), built on its first filtered or faceted request. */
  readonly browsing: Map<string, Browsing>;
}
interface Browsing {
  /** The listing's entries in the merchant's order, and the same products laid out for filters and facets. */
  readonly entries: readonly Entry[];
  readonly index: BrowseIndex;
  /** Positions in `entries` in each other sort order, sorted on first use. */
  readonly orders: Map<Exclude<SortOrder, 'featured'>, Int32Array>;
}

export class CatalogReadModel {
  private readonly products = new Map<string, Product>();
  private readonly categoryMap = new Map<string, Category>();
  private readonly assets = new Map<string, Asset3D>();
  /** Each product's photos and videos, by product id (not part of the sorted view either). */
  private readonly mediaMap = new Map<string, ProductMedia>();
  /** Sorted arrays and indexes, brought up to date on the first read after a change (patched, or rebuilt: current()). */
  private view: View | null = null;
  /** Products changed since the view was last brought up to date, with the version it holds (undefined: none). */
  private readonly unviewed = new Map<string, Product | undefined>();
  private gen = 0;
  /** Full-text index of published products, and the products whose entry in it may be out of date. */
  private readonly index = new CatalogSearchIndex();
  private readonly stale = new Set<string>();

  private readonly refreshMs: number;
  private readonly lookbackMs: number;
  private readonly rescanMs: number;
  private readonly onError: ((err: unknown) => void) | undefined;

  private started = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  /** The backstop's loop, and what stops its sleeps and scans at stop(). */
  private backstop: Promise<void> | undefined;
  private readonly stopping = new AbortController();
  /** Local start time of the last successful poll or full load: the next poll's window starts lookbackMs before it. */
  private pollFrom = 0;
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
    // Built before the API reports ready rather than by its first requests: at 100,000 products the sorted view
    // takes ~1 s and the whole shop's browse index ~0.5 s, on the event loop, in front of every request waiting.
    this.browsing(this.current(), undefined);
    this.lastRefreshOk = true;
    this.lastRefreshAt = this.lastSuccessAt = Date.now();
    this.schedule();
    this.backstop = this.runBackstop();
  }

  /** Stops polling and the backstop, and waits for what is in flight, so the repository can be closed right after. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.all([this.inFlight, this.backstop]);
  }

  /** One poll of the change feed now. Errors are recorded in stats() and rethrown. */
  async refresh(): Promise<void> {
    const startedAt = Date.now();
    try {
      const since = new Date(this.pollFrom - this.lookbackMs).toISOString();
      for (const entity of await this.repository.changedSince(since)) this.apply(entity);
      this.pollFrom = startedAt;
      this.syncIndex();
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

  /**
   * Published products of one category (or all) that pass `filters`, in `sort` order, with facets and the total on
   * request. Computed per call from memory; the cursor holds the last item's sort key, as in listPublished.
   */
  browse(q: BrowseQuery): BrowsePage {
    if (!Number.isSafeInteger(q.limit) || q.limit < 1 || q.limit > MAX_LIMIT) {
      throw new RangeError(`read-model: limit must be an integer from 1 to ${MAX_LIMIT}`);
    }
    const sort = q.sort ?? 'featured';
    const view = this.current();
    // The storefront's plain listing (no filter, the merchant's order): a slice of the sorted view, as listPublished,
    // with facets counted once per generation. Its cost does not grow with the catalog.
    if (sort === 'featured' && !hasFilters(q)) {
      const page = this.listPublished({ category: q.category, limit: q.limit, cursor: q.cursor });
      if (q.facets !== true) return page;
      const key = q.category ?? '';
      let memo = view.unfilteredFacets.get(key);
      if (!memo || q.onHandGeneration === undefined || memo.onHandGeneration !== q.onHandGeneration) {
        const counted = this.browsing(view, q.category).index.match({}, stockOf(q), true);
        memo = { onHandGeneration: q.onHandGeneration ?? NaN, total: counted.total, facets: counted.facets! };
        if (q.onHandGeneration !== undefined) view.unfilteredFacets.set(key, memo);
      }
      return { ...page, total: memo.total, facets: memo.facets };
    }
    const browsing = this.browsing(view, q.category);
    const order = sort === 'featured' ? undefined : this.order(browsing, sort);
    const size = browsing.entries.length;
    const entryAt = (i: number): Entry => browsing.entries[order ? order[i]! : i]!;
    const start = q.cursor === undefined ? 0 : firstAfterIn(size, (i) => sortKey(sort, entryAt(i)), decodeListCursor(q.cursor, q.category, sort));
    // A first page counts every match (facets, total); a later one tests products in order only until it is full.
    const stock = stockOf(q);
    let isMatch: (p: number) => boolean;
    let extra: { total?: number; facets?: Facets } = {};
    if (q.facets === true) {
      const { matched, total, facets } = browsing.index.match(q, stock, true);
      isMatch = matched;
      extra = { total, facets: facets! };
    } else {
      const filters = browsing.index.compile(q, stock);
      isMatch = (p) => browsing.index.matches(p, filters);
    }
    const items: Product[] = [];
    let last: Entry | undefined;
    let more = false;
    for (let i = start; i < size; i++) {
      const p = order ? order[i]! : i;
      if (!isMatch(p)) continue;
      if (items.length === q.limit) {
        more = true; // one match past the page: there is a next page
        break;
      }
      last = browsing.entries[p]!;
      items.push(last.product);
    }
    if (!last || !more) return { items, ...extra };
    const cursor = sort === 'featured' ? { v: 1, c: q.category ?? null, k: last.key } : { v: 1, c: q.category ?? null, s: sort, k: sortKey(sort, last) };
    return { items, nextCursor: encodeCursor(cursor), ...extra };
  }

  /** Published products matching a shopper's words (typos and prefixes allowed), most relevant first. */
  search(query: string, limit: number): SearchPage {
    this.syncIndex();
    const view = this.current();
    const items: Product[] = [];
    for (const hit of this.index.search(query, limit)) {
      const p = this.products.get(hit.id);
      if (p && p.status === 'published' && view.bySlug.get(p.slug) === p) items.push(p);
    }
    if (items.length > 0) return { items };
    const suggestion = this.index.suggest(query);
    return suggestion === undefined ? { items } : { items, suggestion };
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

  /**
   * Every product whatever its status (archived ones only when not filtered out by `status`), newest first by
   * (createdAt, id); the cursor holds the last item's key, so a page starts right after it even as products are added.
   * Computed per call over memory: the back office's list is small traffic next to the storefront's.
   */
  listForStaff(q: StaffListQuery): PublishedPage {
    if (!Number.isSafeInteger(q.limit) || q.limit < 1 || q.limit > MAX_LIMIT) {
      throw new RangeError(`read-model: limit must be an integer from 1 to ${MAX_LIMIT}`);
    }
    const text = q.text ? normalizeName(q.text.trim()) : '';
    const after = q.cursor === undefined ? undefined : decodeStaffCursor(q.cursor);
    const matched: Product[] = [];
    for (const p of this.products.values()) {
      if (q.status ? p.status !== q.status : p.status === 'archived') continue;
      if (text && !normalizeName(p.title).includes(text) && !p.slug.includes(text)) continue;
      if (after && compareKeys(staffKey(p), after) <= 0) continue;
      matched.push(p);
    }
    matched.sort((a, b) => compareKeys(staffKey(a), staffKey(b)));
    const items = matched.slice(0, q.limit);
    const last = items[items.length - 1];
    if (!last || matched.length <= q.limit) return { items };
    return { items, nextCursor: encodeCursor({ v: 1, staff: staffKey(last) }) };
  }

  /** Categories in (rank, slug) order, each with its count of published products. */
  categories(): CategoryWithCount[] {
    return this.current().categories.slice();
  }

  asset(id: string): Asset3D | undefined {
    return this.assets.get(id);
  }

  /** Every asset record, whatever its status (the dashboard sums the ready ones' sizes). */
  allAssets(): Iterable<Asset3D> {
    return this.assets.values();
  }

  media(productId: string): ProductMedia | undefined {
    return this.mediaMap.get(productId);
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
    this.syncIndex();
    this.pollFrom = startedAt; // writes during the scan are at or after its start: the next poll covers them
    this.loadedAt = Date.now();
  }

  /**
   * Every rescanMs, one pass over every entity, RESCAN_PAGE at a time with pauses that spread it over half the
   * interval: a few ms of the event loop at a time, beside the polls. Applying is idempotent (newer versions only),
   * so what a pass reads late or twice does no harm; a failed pass is reported and the next one starts on time.
   */
  private async runBackstop(): Promise<void> {
    const signal = this.stopping.signal;
    let passStart = Date.now();
    try {
      for (;;) {
        await sleep(Math.max(0, passStart + this.rescanMs - Date.now()), undefined, { signal, ref: false });
        passStart = Date.now();
        const { products, categories, assets } = this.stats().entities;
        const pauseMs = (RESCAN_PAGE * this.rescanMs) / 2 / Math.max(RESCAN_PAGE, products + categories + assets + this.mediaMap.size);
        let read = 0;
        try {
          for await (const entity of this.repository.scanAll({ pageSize: RESCAN_PAGE })) {
            if (signal.aborted) return;
            this.apply(entity);
            if (++read % RESCAN_PAGE === 0) await sleep(pauseMs, undefined, { signal, ref: false });
          }
          this.loadedAt = Date.now();
        } catch (err) {
          if (signal.aborted) return;
          this.onError?.(err);
        }
      }
    } catch (err) {
      if (!signal.aborted) this.onError?.(err); // the abort of a sleep at stop() is how the loop ends
    }
  }

  private apply(entity: CatalogEntity): void {
    switch (entity.kind) {
      case 'product': {
        const before = this.products.get(entity.value.id);
        if (!newer(before, entity.value)) return;
        this.products.set(entity.value.id, entity.value);
        this.stale.add(entity.value.id);
        // The view is patched on the next read rather than thrown away (see current()).
        if (this.view && !this.unviewed.has(entity.value.id)) this.unviewed.set(entity.value.id, before);
        this.gen++;
        return;
      }
      case 'category': {
        const old = this.categoryMap.get(entity.value.slug);
        if (newer(old, entity.value)) this.categoryMap.set(entity.value.slug, entity.value);
        else return;
        // Products are indexed with their category's name: a rename re-indexes that category's products.
        if (old?.name !== entity.value.name) {
          for (const p of this.products.values()) if (p.category === entity.value.slug) this.stale.add(p.id);
        }
        break;
      }
      case 'asset':
        // Assets are not part of the sorted view: no rebuild needed.
        if (!newer(this.assets.get(entity.value.id), entity.value)) return;
        this.assets.set(entity.value.id, entity.value);
        this.gen++;
        return;
      case 'media':
        if (!newer(this.mediaMap.get(entity.value.productId), entity.value)) return;
        this.mediaMap.set(entity.value.productId, entity.value);
        this.gen++;
        return;
    }
    this.view = null;
    this.unviewed.clear();
    this.gen++;
  }

  /**
   * Brings the search index up to date with the products changed since the last call: published ones are added or
   * replaced, others removed. Runs after each poll and before each search, so it only ever touches what changed.
   */
  private syncIndex(): void {
    if (this.stale.size === 0) return;
    const apply = (): void => {
      for (const id of this.stale) {
        const p = this.products.get(id);
        if (p && p.status === 'published') this.index.set(searchDocument(p, this.categoryMap.get(p.category)));
        else this.index.delete(id);
      }
    };
    // Many changes (the first load, a rescan, a renamed category): append, then sort each word's list once.
    if (this.stale.size > BATCH_INDEX_AT) this.index.batch(apply);
    else apply();
    this.stale.clear();
  }

  /** A listing's browse index, built on its first use in this view. */
  private browsing(view: View, category: string | undefined): Browsing {
    const key = category ?? '';
    let b = view.browsing.get(key);
    if (!b) {
      const entries = category === undefined ? view.all : (view.byCategory.get(category) ?? []);
      view.browsing.set(key, (b = { entries, index: new BrowseIndex(entries.map((e) => e.product)), orders: new Map() }));
    }
    return b;
  }

  /** The listing's positions in `sort` order, sorted once per view. */
  private order(b: Browsing, sort: Exclude<SortOrder, 'featured'>): Int32Array {
    let order = b.orders.get(sort);
    if (!order) {
      order = Int32Array.from(b.entries.keys());
      const by = bySort[sort];
      order.sort((i, j) => by(b.entries[i]!, b.entries[j]!));
      b.orders.set(sort, order);
    }
    return order;
  }

  private current(): View {
    if (this.view && this.unviewed.size > PATCH_VIEW_AT) this.view = null;
    if (!this.view) {
      this.unviewed.clear();
      this.view = this.build();
    } else if (this.unviewed.size > 0) {
      for (const [id, before] of this.unviewed) this.patch(this.view, before, this.products.get(id)!);
      this.unviewed.clear();
      this.view.categories = this.countCategories(this.view.byCategory);
    }
    return this.view;
  }

  /**
   * Moves one product in the view from `before` (the version the view holds) to `after`: out of its old places in
   * the sorted listings, the slug and variant maps, into its new ones. O(log n) to find a place and a memmove of
   * the listing to open or close it: microseconds at 100,000 products, where a rebuild takes most of a second.
   */
  private patch(view: View, before: Product | undefined, after: Product): void {
    const touched = new Set<string>(['']);
    if (before?.status === 'published') {
      removeSorted(view.all, this.sortable(before).allKey);
      for (const slug of listedIn(before)) {
        touched.add(slug);
        // An emptied list stays (listed as empty): a browse index may hold it, and the product may come right back.
        const list = view.byCategory.get(slug);
        if (list) removeSorted(list, [before.rank, before.id]);
      }
      for (const v of before.variants) if (view.byVariant.get(v.id)?.product === before) view.byVariant.delete(v.id);
      if (view.bySlug.get(before.slug) === before && !(after.status === 'published' && after.slug === before.slug)) {
        view.bySlug.delete(before.slug);
        // The slug is free (unpublished or renamed). Slugs are unique in the store, but two published products may
        // share one for a moment (a rename racing a new product): the other takes it back, as a rebuild would give it.
        for (const p of this.products.values()) {
          if (p !== after && p.slug === before.slug && p.status === 'published') offerSlug(view.bySlug, p);
        }
      }
    }
    const { allKey, ...sortable } = this.sortable(after);
    if (after.status === 'published') {
      insertSorted(view.all, { key: allKey, product: after, ...sortable });
      for (const slug of listedIn(after)) {
        touched.add(slug);
        let list = view.byCategory.get(slug);
        if (!list) view.byCategory.set(slug, (list = []));
        insertSorted(list, { key: [after.rank, after.id], product: after, ...sortable });
      }
      for (const variant of after.variants) view.byVariant.set(variant.id, { product: after, variant });
      // The same product's newer version keeps its slug; otherwise the newer of two claimants wins, as in build().
      if (view.bySlug.get(after.slug) === before) view.bySlug.set(after.slug, after);
      else offerSlug(view.bySlug, after);
    }
    // The facets of every listing the product was or is in are counted again on their next use. Their browse indexes
    // are patched when the product kept its place and its variants (a price or a title edited, the common case: at
    // 100,000 products building the whole shop's index again takes ~300 ms), and built again otherwise.
    const samePlace =
      before?.status === 'published' && after.status === 'published' && before.rank === after.rank && before.category === after.category &&
      sameSet(listedIn(before), listedIn(after));
    for (const key of touched) {
      view.unfilteredFacets.delete(key);
      const b = view.browsing.get(key);
      if (b && !(samePlace && replaceInBrowsing(b, key === '' ? allKey : [after.rank, after.id], after))) view.browsing.delete(key);
    }
  }

  /** What the sort orders compare for a product, and its key in the whole shop's listing. */
  private sortable(p: Product): Omit<Entry, 'key' | 'product'> & { allKey: SortKey } {
    const cat = this.categoryMap.get(p.category);
    return {
      allKey: [cat ? cat.rank : NO_CATEGORY_RANK, p.category, p.rank, p.id],
      // (A product with no variant breaks the catalog's rules; it sorts as free rather than failing every read.)
      from: p.variants.length > 0 ? fromPrice(p).amount : 0,
      created: Date.parse(p.createdAt) || 0,
      name: normalizeName(p.title),
    };
  }

  private countCategories(byCategory: ReadonlyMap<string, readonly Entry[]>): CategoryWithCount[] {
    return [...this.categoryMap.values()]
      .sort((a, b) => compareKeys([a.rank, a.slug], [b.rank, b.slug]))
      .map((c) => ({ ...c, productCount: byCategory.get(c.slug)?.length ?? 0 }));
  }

  private build(): View {
    const all: Entry[] = [];
    const byCategory = new Map<string, Entry[]>();
    const bySlug = new Map<string, Product>();
    const byVariant = new Map<string, { product: Product; variant: Variant }>();
    for (const p of this.products.values()) {
      if (p.status !== 'published') continue;
      for (const variant of p.variants) byVariant.set(variant.id, { product: p, variant });
      const { allKey, ...sortable } = this.sortable(p);
      all.push({ key: allKey, product: p, ...sortable });
      for (const slug of listedIn(p)) {
        let list = byCategory.get(slug);
        if (!list) byCategory.set(slug, (list = []));
        list.push({ key: [p.rank, p.id], product: p, ...sortable });
      }
      offerSlug(bySlug, p);
    }
    all.sort(byKey);
    for (const list of byCategory.values()) list.sort(byKey);
    return { all, byCategory, bySlug, byVariant, categories: this.countCategories(byCategory), unfilteredFacets: new Map(), browsing: new Map() };
  }
}

/** Listed in its own category and in each other one the merchant put it in (never twice in one). */
function listedIn(p: Product): Set<string> {
  return new Set([p.category, ...(p.extraCategories ?? [])]);
}

/** Slugs are unique in the store; should two published products ever share one, the newer wins. */
function offerSlug(bySlug: Map<string, Product>, p: Product): void {
  const other = bySlug.get(p.slug);
  if (!other || other.updatedAt < p.updatedAt) bySlug.set(p.slug, p);
}

/**
 * Puts `product`'s newer version, already at its unchanged place in the listing's entries, into the listing's browse
 * index and sort orders. False when its variants changed: the index must then be built again.
 */
function replaceInBrowsing(b: Browsing, key: SortKey, product: Product): boolean {
  const p = firstAfter(b.entries, key) - 1;
  if (b.entries[p]?.product !== product || !b.index.replace(p, product)) return false;
  for (const [sort, order] of b.orders) {
    // Out of its old place in the order and into its new one (its price or name may have changed): a memmove.
    const by = bySort[sort];
    const last = order.length - 1;
    const from = order.indexOf(p);
    order.copyWithin(from, from + 1);
    let lo = 0;
    let hi = last;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (by(b.entries[order[mid]!]!, b.entries[p]!) <= 0) lo = mid + 1;
      else hi = mid;
    }
    order.copyWithin(lo + 1, lo, last);
    order[lo] = p;
  }
  return true;
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

/** Inserts an entry at its place by key (keys are unique: they end with the product id). */
function insertSorted(entries: Entry[], entry: Entry): void {
  entries.splice(firstAfter(entries, entry.key), 0, entry);
}

/** Removes the entry with this key, if there is one. */
function removeSorted(entries: Entry[], key: SortKey): void {
  const i = firstAfter(entries, key) - 1;
  if (i >= 0 && compareKeys(entries[i]!.key, key) === 0) entries.splice(i, 1);
}

function searchDocument(p: Product, category: Category | undefined): SearchDocument {
  const values = new Set<string>();
  for (const o of p.options) for (const v of o.values) values.add(v);
  return {
    id: p.id,
    title: p.title,
    category: category?.name ?? p.category,
    options: [...values].join(' '),
    sku: p.variants.map((v) => v.sku).join(' '),
    description: p.description,
  };
}

/** Newest first: the negated creation time, then the id (descending ids would need another comparator). */
function staffKey(p: Product): SortKey {
  return [-(Date.parse(p.createdAt) || 0), p.id];
}

function decodeStaffCursor(cursor: string): SortKey {
  const c = decodeCursor(cursor, 'read-model');
  if (!isRecord(c) || c.v !== 1 || !Array.isArray(c.staff) || c.staff.length !== 2 || typeof c.staff[0] !== 'number' || !Number.isFinite(c.staff[0]) || typeof c.staff[1] !== 'string') {
    throw new InvalidCursorError('read-model: invalid cursor');
  }
  return c.staff as SortKey; // checked above
}

function normalizeName(title: string): string {
  return title.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
}

/** The key a sort order compares: its own field first, then the featured key, so ties keep the merchant's order. */
function sortKey(sort: SortOrder, e: Entry): SortKey {
  switch (sort) {
    case 'featured':
      return e.key;
    case 'price-asc':
      return [e.from, ...e.key];
    case 'price-desc':
      return [-e.from, ...e.key];
    case 'newest':
      return [-e.created, ...e.key];
    case 'name':
      return [e.name, ...e.key];
  }
}

/** The same orders as sortKey, compared field by field (no key arrays while sorting a whole listing). */
const bySort: Record<Exclude<SortOrder, 'featured'>, (a: Entry, b: Entry) => number> = {
  'price-asc': (a, b) => a.from - b.from || byKey(a, b),
  'price-desc': (a, b) => b.from - a.from || byKey(a, b),
  newest: (a, b) => b.created - a.created || byKey(a, b),
  name: (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : byKey(a, b)),
};

function stockOf(q: BrowseQuery): Stock {
  const onHand = q.onHand ?? (() => 0);
  return q.onHandGeneration === undefined ? { onHand } : { onHand, generation: q.onHandGeneration };
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
function firstAfter(entries: readonly { readonly key: SortKey }[], key: SortKey): number {
  return firstAfterIn(entries.length, (i) => entries[i]!.key, key);
}

/** The same over `size` positions whose keys `keyAt` gives, in ascending order. */
function firstAfterIn(size: number, keyAt: (i: number) => SortKey, key: SortKey): number {
  let lo = 0;
  let hi = size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(keyAt(mid), key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A cursor is valid only for the listing it came from: same category filter, same sort order, a key of the right
 * shape. (Filters are not part of it: a cursor under other filters still means "after this product".)
 */
function decodeListCursor(cursor: string, category: string | undefined, sort: SortOrder = 'featured'): SortKey {
  const c = decodeCursor(cursor, 'read-model');
  const featured = category === undefined ? ['number', 'string', 'number', 'string'] : ['number', 'string'];
  const shape = sort === 'featured' ? featured : [sort === 'name' ? 'string' : 'number', ...featured];
  if (
    !isRecord(c) ||
    c.v !== 1 ||
    c.c !== (category ?? null) ||
    (c.s ?? 'featured') !== sort ||
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
