// Loads the peers benchmark's catalogue (products-x4.csv, the products Vendure and Medusa get) into Vitrine's stores
// before the API starts: categories and products through the catalog repository (the DynamoDB port, here the
// embedded dynalite under `<dataDir>/dynamodb`), stock through the inventory module into Postgres. No 3D models:
// the CSV has none, and the peers serve no models either.
import type { Category, Product, ProductOption } from '../../src/domain/catalog.ts';
import { assertValidProduct, slugify } from '../../src/domain/catalog.ts';
import type { Currency } from '../../src/domain/money.ts';
import { openCatalog } from '../../src/databases/catalog/index.ts';
import { openRelational } from '../../src/databases/relational/index.ts';
import { setStock } from '../../src/databases/relational/inventory.ts';
import type { CsvProduct } from './catalog-csv.ts';

const EPOCH = '1970-01-01T00:00:00.000Z'; // replaced by the repository's own updatedAt on write

/** A CSV product as Vitrine's catalog entity: its most specific category, one option per option group. */
export function toVitrineProduct(p: CsvProduct, rank: number, currency: Currency): Product {
  const id = `peer-${p.handle}`;
  const options: ProductOption[] = p.optionGroups.map((name, i) => ({ name, values: [...new Set(p.variants.map((v) => v.values[i]!))] }));
  const product: Product = {
    id,
    slug: p.handle,
    title: p.title,
    description: p.description,
    category: slugify(p.categories.at(-1) ?? 'uncategorised'),
    status: 'published',
    options,
    variants: p.variants.map((v) => ({
      id: `${id}-${slugify(v.sku)}`,
      sku: v.sku,
      options: Object.fromEntries(p.optionGroups.map((g, i) => [g, v.values[i]!])),
      price: { amount: Math.round(v.price * 100), currency },
    })),
    rank,
    version: 0,
    createdAt: EPOCH,
    updatedAt: EPOCH,
  };
  assertValidProduct(product);
  return product;
}

export async function importIntoVitrine(
  products: readonly CsvProduct[],
  opts: { readonly dataDir: string; readonly databaseUrl: string; readonly currency?: Currency },
): Promise<{ products: number; variants: number; categories: number }> {
  const currency = opts.currency ?? 'USD';
  const entities = products.map((p, i) => toVitrineProduct(p, i, currency));
  const names = new Map<string, string>();
  for (const p of products) {
    const name = p.categories.at(-1) ?? 'Uncategorised';
    names.set(slugify(name), name);
  }
  const catalog = await openCatalog({ dataDir: opts.dataDir, DYNAMODB_ENDPOINT: undefined, DYNAMODB_TABLE: 'vitrine-catalog', AWS_REGION: 'us-east-1' });
  try {
    let rank = 0;
    for (const [slug, name] of names) {
      const category: Category = { slug, name, rank: rank++, version: 0, updatedAt: EPOCH };
      await catalog.repo.putCategory(category);
    }
    for (const p of entities) await catalog.repo.putProduct(p);
  } finally {
    await catalog.close();
  }
  const relational = await openRelational({ DATABASE_URL: opts.databaseUrl, DATABASE_POOL_MAX: 2, dataDir: opts.dataDir });
  try {
    await setStock(
      relational.db,
      entities.flatMap((p, i) => p.variants.map((v, j) => ({ variantId: v.id, productId: p.id, onHand: products[i]!.variants[j]!.stock }))),
    );
  } finally {
    await relational.close();
  }
  return { products: entities.length, variants: entities.reduce((n, p) => n + p.variants.length, 0), categories: names.size };
}
