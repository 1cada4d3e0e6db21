// What the HTTP shell needs from the layers below, as narrow interfaces. The composition root (src/runtime.ts)
// hands in the real adapters; the API never constructs a client or knows which adapter runs.
import type { Kysely } from 'kysely';
import type { Config } from '../../config/env.ts';
import type { Database } from '../../databases/relational/database.ts';
import type { CatalogRepository } from '../../databases/catalog/repository.ts';
import type { BrowsePage, BrowseQuery, PublishedPage, SearchPage, StaffListQuery } from '../../databases/catalog/read-model.ts';
import type { CatalogEntity } from '../../databases/catalog/repository.ts';
import type { Asset3D, Product, Variant } from '../../domain/catalog.ts';
import type { ProductMedia } from '../../domain/media.ts';
import type { JobQueue } from '../queue/queue.ts';
import type { StoreSettings } from '../../domain/checkout.ts';
import type { PaymentProvider } from '../payments/provider.ts';
import type { DependencyCheck } from '../../monitoring/health.ts';
import type { Finding } from '../../monitoring/advisor/checks.ts';
import type { Metrics } from '../../monitoring/metrics.ts';
import type { ObjectStore } from '../../storage/object-store.ts';

export interface CatalogReader {
  listPublished(q: { category?: string; limit: number; cursor?: string }): { items: Product[]; nextCursor?: string };
  /** Filtered and sorted listing with facets (category pages): computed per call, in memory. */
  browse(q: BrowseQuery): BrowsePage;
  /** Full-text search with typo tolerance over published products, most relevant first. */
  search(query: string, limit: number): SearchPage;
  productBySlug(slug: string): Product | undefined;
  /** A published variant with its product (carts and checkout price from this). */
  variantById(variantId: string): { product: Product; variant: Variant } | undefined;
  categories(): { slug: string; name: string; productCount: number }[];
  /** A product by id whatever its status (orders refer to ids). */
  productById(id: string): Product | undefined;
  asset(id: string): Asset3D | undefined;
  /** Every asset record, whatever its status. */
  allAssets(): Iterable<Asset3D>;
  /** A product's photos and videos, as last seen. */
  media(productId: string): ProductMedia | undefined;
  /** The back office's product list: drafts too, newest first. */
  listForStaff(q: StaffListQuery): PublishedPage;
  /** Serves a write this instance just made at once (other instances see it at their next poll of the change feed). */
  applyLocal(entity: CatalogEntity): void;
  /** Changes whenever any answer above may change. */
  readonly generation: number;
}

/** Catalog writes merchants make through the API (a model upload's asset): the repository, versioned writes. */
export type CatalogWriter = Pick<CatalogRepository, 'getProduct' | 'getProductBySlug' | 'putProduct' | 'getAsset' | 'putAsset' | 'getMedia' | 'putMedia'>;

export interface StockReader {
  /** Units on hand for a variant, as last seen (refreshed every second from Postgres); 0 when unknown. */
  onHand(variantId: string): number;
  /** Changes whenever any count changes. */
  readonly generation: number;
}

/** The store advisor (monitoring/advisor), run against this instance's stores and metrics on request. */
export interface AdvisorRunner {
  run(): Promise<Finding[]>;
}

export interface ApiServices {
  readonly config: Config;
  /** Transactional data (accounts, carts, orders, stock): the relational port. */
  readonly db: Kysely<Database>;
  readonly queue: JobQueue;
  readonly storeSettings: StoreSettings;
  readonly metrics: Metrics;
  readonly payments: PaymentProvider;
  readonly catalog: CatalogReader;
  readonly catalogWriter: CatalogWriter;
  readonly stock: StockReader;
  readonly objects: ObjectStore;
  readonly readiness: readonly DependencyCheck[];
  /** Base URL of the CDN serving /assets, when it is not this origin. */
  readonly assetBaseUrl?: string;
  /** Entries of the catalog routes' response cache (config CATALOG_CACHE_ENTRIES); 0 = off. Default 2000. */
  readonly catalogCacheEntries?: number;
  /** Folder of the built storefront (web/dist); absent = API only. */
  readonly webRoot?: string;
  readonly advisor: AdvisorRunner;
}
