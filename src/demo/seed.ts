// Writes the generated demo catalog into the stores: models and posters to object storage (content-hashed keys),
// categories, 3D asset records and products to the catalog, stock to Postgres. Idempotent: every entity has a
// deterministic id and is written only when missing (or overwritten with `reset`), and a marker object written
// last says the whole catalog landed, so a crash half-way is completed by the next start, never duplicated.
import type { Kysely } from 'kysely';
import type { Asset3D, Category, Product } from '../domain/catalog.ts';
import type { Currency } from '../domain/money.ts';
import type { CatalogRepository } from '../databases/catalog/repository.ts';
import type { Database } from '../databases/relational/database.ts';
import { setStock, stockFor } from '../databases/relational/inventory.ts';
import { contentHashedKey, putOnce } from '../storage/index.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import { demoCategories, generateDemoCatalog, type DemoProduct } from './index.ts';

export const DEMO_MARKER_KEY = 'system/demo-catalog.json';
const EPOCH = '1970-01-01T00:00:00.000Z'; // replaced by the repository's own updatedAt on write

export interface SeedDeps {
  readonly repo: CatalogRepository;
  readonly objects: ObjectStore;
  readonly db: Kysely<Database>;
}

export interface SeedOptions {
  readonly currency: Currency;
  /** Overwrite the demo entities even when present (merchant-created products are never touched). */
  readonly reset?: boolean;
  readonly onProgress?: (phase: 'generate' | 'store', done: number, total: number, item: string) => void;
}

export type SeedResult = { seeded: false; reason: string } | { seeded: true; products: number; ms: number };

/** True when the demo catalog was fully written before (the marker exists). */
export async function demoSeeded(objects: ObjectStore): Promise<boolean> {
  return (await objects.head(DEMO_MARKER_KEY)) !== null;
}

export async function seedDemoCatalog(deps: SeedDeps, opts: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  if (!opts.reset && (await demoSeeded(deps.objects))) return { seeded: false, reason: 'demo catalog already present' };

  const products = await generateDemoCatalog({
    currency: opts.currency,
    onProgress: (done, total, slug) => opts.onProgress?.('generate', done, total, slug),
  });

  const existing = new Map((await deps.repo.listCategories()).map((c) => [c.slug, c]));
  for (const c of demoCategories()) {
    const category: Category = { slug: c.slug, name: c.name, rank: c.rank, version: 0, updatedAt: EPOCH };
    await upsert(opts.reset, async () => existing.get(c.slug), (v) => deps.repo.putCategory(category, v));
  }

  let done = 0;
  for (const d of products) {
    const asset = await storeAsset(deps, d, opts.reset);
    const product = toProduct(d, asset.id);
    await upsert(opts.reset, () => deps.repo.getProduct(product.id), (v) => deps.repo.putProduct(product, v));
    // Stock is set only for variants that have none yet (or on reset): a restart must not refill sold stock.
    const rows = product.variants.map((v, i) => ({ variantId: v.id, productId: product.id, onHand: d.variants[i]!.stock }));
    const existing = opts.reset ? new Map<string, number>() : await stockFor(deps.db, rows.map((r) => r.variantId));
    await setStock(deps.db, rows.filter((r) => !existing.has(r.variantId)));
    opts.onProgress?.('store', ++done, products.length, d.slug);
  }

  await deps.objects.put(DEMO_MARKER_KEY, Buffer.from(JSON.stringify({ products: products.length }) + '\n'), {
    contentType: 'application/json',
  });
  return { seeded: true, products: products.length, ms: Math.round(performance.now() - started) };
}

async function storeAsset(deps: SeedDeps, d: DemoProduct, reset: boolean | undefined): Promise<Asset3D> {
  const glbKey = contentHashedKey('models', d.glb, `${d.slug}.glb`);
  const posterKey = contentHashedKey('posters', d.poster, `${d.slug}.webp`);
  await putOnce(deps.objects, glbKey, d.glb, 'model/gltf-binary');
  await putOnce(deps.objects, posterKey, d.poster, 'image/webp');
  const asset: Asset3D = {
    id: `demo-${d.slug}`,
    status: 'ready',
    glbKey,
    posterKey,
    dimensions: d.dimensions,
    bounds: d.bounds,
    materialVariants: d.materialVariants,
    bytes: d.glb.byteLength,
    triangles: d.triangles,
    version: 0,
    updatedAt: EPOCH,
  };
  return upsert(reset, () => deps.repo.getAsset(asset.id), (v) => deps.repo.putAsset(asset, v));
}

function toProduct(d: DemoProduct, assetId: string): Product {
  const id = `demo-${d.slug}`;
  return {
    id,
    slug: d.slug,
    title: d.title,
    description: d.description,
    category: d.category,
    status: 'published',
    options: d.options,
    variants: d.variants.map((v) => ({
      id: `${id}-${v.sku.toLowerCase()}`,
      sku: v.sku,
      options: v.options,
      price: v.price,
      ...(v.materialVariant ? { materialVariant: v.materialVariant } : {}),
    })),
    assetId,
    rank: d.rank,
    version: 0,
    createdAt: EPOCH,
    updatedAt: EPOCH,
  };
}

/** Create when missing; with reset, replace the current version (optimistic: a concurrent edit fails loudly). */
async function upsert<T extends { version: number }>(
  reset: boolean | undefined,
  read: () => Promise<T | null | undefined>,
  write: (expectedVersion: number | undefined) => Promise<T>,
): Promise<T> {
  const current = await read();
  if (!current) return write(undefined);
  return reset ? write(current.version) : current;
}
