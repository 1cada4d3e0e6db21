// The generated demo shop: categories and products with procedural GLB models (KHR_materials_variants where the
// colour option changes the material) and rendered WebP posters. Deterministic and offline: same bytes every run.
import type { Money, Currency } from '../domain/money.ts';
import { CURRENCY_EXPONENT, money } from '../domain/money.ts';
import { assertValidProduct, combinations, slugify, type ProductOption, type Dimensions } from '../domain/catalog.ts';
import type { Bounds } from '../domain/hotspots.ts';
import { buildDocument } from './model.ts';
import { renderPoster } from './poster.ts';
import type { CategorySlug, ProductDef } from './product-def.ts';
import { hash32, rng } from './random.ts';
import { furniture } from './products/furniture.ts';
import { lighting } from './products/lighting.ts';
import { gadgets } from './products/gadgets.ts';
import { home } from './products/home.ts';
import { fashion } from './products/fashion.ts';

export interface DemoCategory {
  slug: string;
  name: string;
  rank: number;
}

export interface DemoVariant {
  sku: string;
  options: Record<string, string>;
  price: Money;
  stock: number;
  materialVariant?: string;
}

export interface DemoProduct {
  slug: string;
  title: string;
  description: string;
  category: string;
  rank: number;
  options: ProductOption[];
  variants: DemoVariant[];
  glb: Uint8Array;
  poster: Uint8Array /* webp */;
  posterSize: { width: number; height: number };
  dimensions: Dimensions;
  bounds: Bounds;
  materialVariants: string[];
  triangles: number;
}

const CATEGORIES: readonly (DemoCategory & { slug: CategorySlug })[] = [
  { slug: 'furniture', name: 'Furniture', rank: 10 },
  { slug: 'lighting', name: 'Lighting', rank: 20 },
  { slug: 'gadgets', name: 'Gadgets', rank: 30 },
  { slug: 'home', name: 'Home', rank: 40 },
  { slug: 'fashion', name: 'Fashion', rank: 50 },
];

export const POSTER_SIZE = 768;

export function demoCategories(): DemoCategory[] {
  return CATEGORIES.map((c) => ({ ...c }));
}

/** Every product definition, in catalog order. */
export function demoProductDefs(): ProductDef[] {
  return [...furniture, ...lighting, ...gadgets, ...home, ...fashion];
}

// Prices are authored in US cents. Two-decimal currencies keep the same figure (49.00 reads naturally as EUR or
// GBP too); zero-decimal currencies convert at a round rate so a chair does not cost 249 yen.
const ZERO_DECIMAL_RATE = 150;

function localAmount(usdCents: number, currency: Currency): number {
  const exp = CURRENCY_EXPONENT[currency];
  if (exp === 2) return usdCents;
  const major = Math.round((usdCents / 100) * ZERO_DECIMAL_RATE / 100) * 100;
  return major * 10 ** exp;
}

function skuPart(text: string): string {
  return slugify(text).toUpperCase();
}

/** Deterministic stock: most variants have some, a few (never a product's first) are sold out. */
function stockFor(sku: string, first: boolean): number {
  if (!first && hash32(`sold-out:${sku}`) % 5 === 0) return 0;
  return 2 + Math.floor(rng(`stock:${sku}`)() * 38);
}

function variantsOf(def: ProductDef, currency: Currency): DemoVariant[] {
  return combinations(def.options).map((options, i) => {
    const usd = def.price + Object.values(options).reduce((s, v) => s + (def.surcharge?.[v] ?? 0), 0);
    const sku = [skuPart(def.slug), ...def.options.map((o) => skuPart(options[o.name]!))].join('-');
    const v: DemoVariant = { sku, options, price: money(localAmount(usd, currency), currency), stock: stockFor(sku, i === 0) };
    if (def.variantOption) v.materialVariant = options[def.variantOption]!;
    return v;
  });
}

export async function generateDemoProduct(def: ProductDef, rank: number, currency: Currency): Promise<DemoProduct> {
  const model = def.build();
  const variantOption = def.variantOption ? def.options.find((o) => o.name === def.variantOption) : undefined;
  if (def.variantOption && !variantOption) throw new Error(`demo: ${def.slug} names a missing variant option ${def.variantOption}`);
  const variantNames = variantOption ? [...variantOption.values] : [];
  if (JSON.stringify(model.variantNames()) !== JSON.stringify(variantNames)) {
    throw new Error(`demo: ${def.slug} model variants [${model.variantNames().join(', ')}] differ from option values [${variantNames.join(', ')}]`);
  }
  const built = await buildDocument(model, def.slug, variantNames);
  const poster = await renderPoster(built.doc, { size: POSTER_SIZE, ...def.view });
  const variants = variantsOf(def, currency);
  const product: DemoProduct = {
    slug: def.slug,
    title: def.title,
    description: def.description,
    category: def.category,
    rank,
    options: def.options.map((o) => ({ name: o.name, values: [...o.values] })),
    variants,
    glb: built.glb,
    poster: poster.webp,
    posterSize: { width: poster.width, height: poster.height },
    dimensions: built.dimensions,
    bounds: built.bounds,
    materialVariants: built.variants,
    triangles: built.triangles,
  };
  assertValidProduct({ ...product, variants: variants.map((v) => ({ ...v, id: v.sku })) });
  return product;
}

export async function generateDemoCatalog(opts: {
  currency: Currency;
  onProgress?: (done: number, total: number, slug: string) => void;
}): Promise<DemoProduct[]> {
  const defs = demoProductDefs();
  const out: DemoProduct[] = [];
  const rankInCategory = new Map<string, number>();
  for (const def of defs) {
    const rank = (rankInCategory.get(def.category) ?? 0) + 10;
    rankInCategory.set(def.category, rank);
    out.push(await generateDemoProduct(def, rank, opts.currency));
    opts.onProgress?.(out.length, defs.length, def.slug);
  }
  return out;
}
