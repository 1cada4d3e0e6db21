// The catalog's shapes and rules. Plain data and pure functions: no I/O, no adapter knows about these rules
// and these rules know nothing of DynamoDB.
import type { Money } from './money.ts';

export type ProductStatus = 'draft' | 'published' | 'archived';
export type AssetStatus = 'pending' | 'processing' | 'ready' | 'failed';

export interface ProductOption {
  readonly name: string; // "Colour"
  readonly values: readonly string[]; // ["Oak", "Walnut"]
}

export interface Variant {
  readonly id: string;
  readonly sku: string;
  /** One value per product option, keyed by option name. */
  readonly options: Readonly<Record<string, string>>;
  readonly price: Money;
  /** Name of the KHR_materials_variants variant the 3D model shows for this variant, if any. */
  readonly materialVariant?: string;
}

export interface Product {
  readonly id: string;
  readonly slug: string;
  readonly title: string;
  readonly description: string;
  readonly category: string; // category slug
  readonly status: ProductStatus;
  readonly options: readonly ProductOption[];
  readonly variants: readonly Variant[];
  /** The 3D asset shown for this product (an Asset3D id). */
  readonly assetId?: string;
  /** Sort position within listings: lower first. */
  readonly rank: number;
  /** Optimistic-concurrency version: incremented by the repository on every write. */
  readonly version: number;
  readonly createdAt: string; // ISO-8601
  readonly updatedAt: string; // ISO-8601
}

export interface Category {
  readonly slug: string;
  readonly name: string;
  readonly parent?: string;
  readonly rank: number;
  readonly version: number;
  readonly updatedAt: string;
}

export interface Dimensions {
  /** Metres, from the model's bounding box (glTF units are metres). */
  readonly width: number;
  readonly height: number;
  readonly depth: number;
}

/** A 3D model and what was made from it. Object keys are content-hashed, so their URLs are immutable. */
export interface Asset3D {
  readonly id: string;
  readonly status: AssetStatus;
  readonly glbKey?: string;
  readonly posterKey?: string;
  readonly usdzKey?: string;
  readonly dimensions?: Dimensions;
  /** KHR_materials_variants names, in the file's order. */
  readonly materialVariants: readonly string[];
  readonly bytes?: number;
  readonly triangles?: number;
  /** Attribution the licence requires wherever the model is shown (CC-BY), or a plain credit. */
  readonly credit?: string;
  readonly error?: string;
  /**
   * Failed for a reason outside the file (storage, the renderer) on every attempt, not because the model is bad:
   * replaying its job (an operator's `vitrine jobs replay`) processes it again.
   */
  readonly retryable?: boolean;
  /** The merchant's file as uploaded, kept unchanged; `glbKey` is what the storefront shows (optimised). */
  readonly sourceKey?: string;
  /** Rendered posters at several widths and formats (`posterKey` is one of them), for `srcset`/`<picture>`. */
  readonly posters?: readonly AssetImage[];
  /** What processing found and did (asset.process). */
  readonly report?: AssetReport;
  readonly version: number;
  readonly updatedAt: string;
}

export interface AssetImage {
  readonly key: string;
  readonly width: number;
  readonly height: number;
  readonly mimeType: string;
}

/** One line of the Khronos glTF validator's report. */
export interface AssetValidationMessage {
  readonly code: string;
  readonly message: string;
  readonly severity: 'error' | 'warning' | 'info' | 'hint';
  readonly pointer: string;
  readonly decoded?: true;
}

export interface AssetValidationSummary {
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
  readonly hints: number;
  readonly messages: readonly AssetValidationMessage[];
  readonly truncated: boolean;
}

/** The asset pipeline's record of one run (src/assets/process.ts): for the merchant and for operators. */
export interface AssetReport {
  readonly validation: { readonly input: AssetValidationSummary; readonly output?: AssetValidationSummary };
  readonly inspection?: {
    readonly drawCalls: number;
    readonly materials: number;
    readonly extensions: readonly string[];
    readonly textures: readonly { readonly mimeType: string; readonly width: number | null; readonly height: number | null; readonly bytes: number }[];
  };
  readonly optimisation?: {
    /** The settings that produced the published file, in words ("meshopt+quantize, WebP q80, max 2048px"). */
    readonly settings: string | null;
    readonly bytesBefore: number;
    readonly bytesAfter: number;
    readonly trianglesBefore: number;
    readonly trianglesAfter: number;
    /** Every safer setting that was tried, and why, in order. */
    readonly fallbacks: readonly string[];
  };
  /** Structural similarity of the published model's renders to the original's, per camera view (1 = identical). */
  readonly ssim?: readonly { readonly orbit: string; readonly ssim: number }[];
  readonly usdz?: { readonly produced: boolean; readonly note: string };
  /** The original was published unoptimised (`reason` says why). */
  readonly publishedOriginal: boolean;
  readonly reason?: string;
  /** Anything else worth knowing (optimiser warnings, requests the render page refused). */
  readonly notes?: readonly string[];
  readonly timingsMs: Readonly<Record<string, number>>;
}

export class CatalogRuleError extends Error {
  readonly code = 'INVALID_DATA';
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function isSlug(value: string): boolean {
  return value.length <= 96 && SLUG.test(value);
}

export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 96);
}

/**
 * Checks a product's options and variants form a consistent whole; throws CatalogRuleError naming the first problem.
 * - option names are unique and each has unique, non-empty values;
 * - every variant picks exactly one declared value per option, and no two variants pick the same combination;
 * - every variant is priced in one currency, in integer minor units, not negative.
 */
export function assertValidProduct(p: Pick<Product, 'slug' | 'title' | 'options' | 'variants'>): void {
  if (!isSlug(p.slug)) throw new CatalogRuleError(`slug: ${JSON.stringify(p.slug)} must be lowercase words joined by hyphens`);
  if (!p.title.trim()) throw new CatalogRuleError('title: must not be empty');
  const names = new Set<string>();
  for (const o of p.options) {
    if (!o.name.trim()) throw new CatalogRuleError('options: an option has no name');
    if (names.has(o.name)) throw new CatalogRuleError(`options: duplicate option ${JSON.stringify(o.name)}`);
    names.add(o.name);
    if (o.values.length === 0) throw new CatalogRuleError(`options: ${o.name} has no values`);
    if (new Set(o.values).size !== o.values.length) throw new CatalogRuleError(`options: ${o.name} has duplicate values`);
  }
  if (p.variants.length === 0) throw new CatalogRuleError('variants: a product needs at least one variant');
  const currency = p.variants[0]!.price.currency;
  const seenCombos = new Set<string>();
  const seenIds = new Set<string>();
  for (const v of p.variants) {
    if (seenIds.has(v.id)) throw new CatalogRuleError(`variants: duplicate id ${v.id}`);
    seenIds.add(v.id);
    if (!Number.isSafeInteger(v.price.amount) || v.price.amount < 0) {
      throw new CatalogRuleError(`variants: ${v.sku} price must be a non-negative integer of minor units`);
    }
    if (v.price.currency !== currency) throw new CatalogRuleError(`variants: ${v.sku} is priced in ${v.price.currency}, others in ${currency}`);
    const keys = Object.keys(v.options);
    if (keys.length !== p.options.length) throw new CatalogRuleError(`variants: ${v.sku} must pick one value for each option`);
    for (const o of p.options) {
      const picked = v.options[o.name];
      if (picked === undefined || !o.values.includes(picked)) {
        throw new CatalogRuleError(`variants: ${v.sku} has no valid value for option ${o.name}`);
      }
    }
    const combo = comboKey(p.options, v.options);
    if (seenCombos.has(combo)) throw new CatalogRuleError(`variants: two variants share the options ${combo}`);
    seenCombos.add(combo);
  }
}

function comboKey(options: readonly ProductOption[], picked: Readonly<Record<string, string>>): string {
  return options.map((o) => `${o.name}=${picked[o.name]}`).join(', ');
}

/** The variant matching a full or partial selection of option values (first match in declared order). */
export function findVariant(p: Pick<Product, 'variants'>, selection: Readonly<Record<string, string>>): Variant | undefined {
  return p.variants.find((v) => Object.entries(selection).every(([k, val]) => v.options[k] === val));
}

/** The price a listing shows: the lowest variant price ("from"). */
export function fromPrice(p: Pick<Product, 'variants'>): Money {
  let best = p.variants[0];
  if (!best) throw new CatalogRuleError('variants: a product needs at least one variant');
  for (const v of p.variants) if (v.price.amount < best.price.amount) best = v;
  return best.price;
}

/** Option values that can still be picked given the other options already chosen (for pickers). */
export function availableValues(p: Pick<Product, 'options' | 'variants'>, option: string, chosen: Readonly<Record<string, string>>): string[] {
  const others = Object.entries(chosen).filter(([k]) => k !== option);
  const vals = new Set<string>();
  for (const v of p.variants) if (others.every(([k, val]) => v.options[k] === val)) vals.add(v.options[option]!);
  const declared = p.options.find((o) => o.name === option)?.values ?? [];
  return declared.filter((x) => vals.has(x));
}

/** Cartesian product of option values, used to build variants when a merchant adds options. */
export function combinations(options: readonly ProductOption[]): Record<string, string>[] {
  let acc: Record<string, string>[] = [{}];
  for (const o of options) acc = acc.flatMap((partial) => o.values.map((v) => ({ ...partial, [o.name]: v })));
  return acc;
}
