// Layer 4, Databases (the design's DynamoDB): the catalog repository port. Products with their options and
// variants, categories and 3D asset records. `dynamo-repository.ts` implements it on the DynamoDB API, which runs
// as dynalite in-process by default, DynamoDB Local in tests, and DynamoDB on AWS.
import type { Asset3D, Category, Product } from '../../domain/catalog.ts';
import type { ProductMedia } from '../../domain/media.ts';

export interface Page<T> {
  readonly items: T[];
  /** Opaque; pass back to get the next page. Absent on the last page. */
  readonly nextCursor?: string;
}

export type CatalogEntity =
  | { readonly kind: 'product'; readonly value: Product }
  | { readonly kind: 'category'; readonly value: Category }
  | { readonly kind: 'asset'; readonly value: Asset3D }
  | { readonly kind: 'media'; readonly value: ProductMedia };

export interface CatalogRepository {
  /**
   * Creates or replaces a product. `expectedVersion` makes the write conditional (optimistic concurrency):
   * undefined = must not exist yet, a number = the stored version must equal it. Returns the stored product
   * with its new version and updatedAt. Throws CatalogConflictError on a lost race or a taken slug.
   */
  putProduct(product: Product, expectedVersion?: number): Promise<Product>;
  getProduct(id: string): Promise<Product | null>;
  getProductBySlug(slug: string): Promise<Product | null>;
  /** Published and draft products of one category (GSI), in rank order. */
  listProductsByCategory(category: string, opts: { limit: number; cursor?: string }): Promise<Page<Product>>;

  putCategory(category: Category, expectedVersion?: number): Promise<Category>;
  listCategories(): Promise<Category[]>;

  putAsset(asset: Asset3D, expectedVersion?: number): Promise<Asset3D>;
  getAsset(id: string): Promise<Asset3D | null>;

  /** A product's photos and videos (one item per product, versioned like the others). */
  putMedia(media: ProductMedia, expectedVersion?: number): Promise<ProductMedia>;
  getMedia(productId: string): Promise<ProductMedia | null>;

  /**
   * Every entity, for a full load of the read model. `pageSize` caps the items per request, so a reader that
   * paces itself (the read model's backstop pass) never holds a large page in memory or on the event loop at once.
   */
  scanAll(options?: { readonly pageSize?: number }): AsyncIterable<CatalogEntity>;
  /** Entities written at or after `sinceIso` (the change feed the read model polls). */
  changedSince(sinceIso: string): Promise<CatalogEntity[]>;

  /** Creates the table and its indexes if missing (idempotent). */
  ensureSchema(): Promise<void>;
  check(): Promise<void>;
  close(): Promise<void>;
}

export class CatalogConflictError extends Error {
  readonly code = 'CONFLICT';
}
