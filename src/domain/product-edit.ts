// The merchant's product editor's rules (issue #8): what a product must look like to be saved and to be published,
// each problem named with the field it belongs to ("variants.2.price"), so the back office can show it there.
// Plain functions, no I/O: the API gathers what they need (the model's material variants, the known categories).
import { isSlug, type ProductOption } from './catalog.ts';

export const PRODUCT_LIMITS = {
  title: 200,
  description: 20_000,
  options: 3,
  valuesPerOption: 20,
  optionName: 40,
  optionValue: 60,
  variants: 100,
  /** Categories a product is listed in besides its own. */
  extraCategories: 4,
  sku: 64,
  /** 100 million in major units of a 2-digit currency: far above any product, well inside a safe integer. */
  price: 10_000_000_000,
  stock: 1_000_000,
} as const;

export interface FieldError {
  /** Dotted path of the field as the API takes it: "title", "options.0.values", "variants.3.price". */
  readonly field: string;
  readonly message: string;
}

/** A product as the editor sends it, before it is stored (prices in minor units, stock per variant). */
export interface ProductDraft {
  readonly title: string;
  readonly slug: string;
  readonly description: string;
  /** A category slug, or '' for none yet (allowed on a draft only). */
  readonly category: string;
  /** Other categories it is also listed in. */
  readonly extraCategories?: readonly string[];
  readonly options: readonly ProductOption[];
  readonly variants: readonly DraftVariant[];
}

export interface DraftVariant {
  readonly sku: string;
  readonly options: Readonly<Record<string, string>>;
  readonly price: number;
  readonly materialVariant?: string;
  /** Units on hand; undefined leaves the stored count alone. */
  readonly stock?: number;
}

export interface DraftContext {
  /** Category slugs that exist. */
  readonly categories: ReadonlySet<string>;
  /**
   * The KHR_materials_variants names a variant may show (the product's processed model's); null when the product has
   * no model, in which case a variant may not name a material variant at all.
   */
  readonly materialVariants: readonly string[] | null;
}

/** Every problem with a draft, in field order; empty when it may be saved. */
export function validateProductDraft(d: ProductDraft, ctx: DraftContext): FieldError[] {
  const errors: FieldError[] = [];
  const add = (field: string, message: string): void => void errors.push({ field, message });

  if (!d.title.trim()) add('title', 'is required');
  else if (d.title.length > PRODUCT_LIMITS.title) add('title', `must be at most ${PRODUCT_LIMITS.title} characters`);
  if (!isSlug(d.slug)) add('slug', 'must be lowercase letters and digits in words joined by single hyphens (e.g. oak-chair), at most 96 characters');
  if (d.description.length > PRODUCT_LIMITS.description) add('description', `must be at most ${PRODUCT_LIMITS.description} characters`);
  if (d.category !== '' && !ctx.categories.has(d.category)) add('category', 'is not a category of this shop');
  const extra = d.extraCategories ?? [];
  if (extra.length > PRODUCT_LIMITS.extraCategories) add('extraCategories', `may name at most ${PRODUCT_LIMITS.extraCategories} more categories`);
  else if (extra.length > 0 && d.category === '') add('extraCategories', 'needs the product’s own category first');
  extra.forEach((slug, i) => {
    if (!ctx.categories.has(slug)) add(`extraCategories.${i}`, 'is not a category of this shop');
    else if (slug === d.category) add(`extraCategories.${i}`, 'is the product’s own category already');
    else if (extra.indexOf(slug) !== i) add(`extraCategories.${i}`, 'is listed twice');
  });

  if (d.options.length > PRODUCT_LIMITS.options) add('options', `may have at most ${PRODUCT_LIMITS.options} options`);
  const names = new Set<string>();
  d.options.forEach((o, i) => {
    const at = `options.${i}`;
    if (!o.name.trim()) add(`${at}.name`, 'is required');
    else if (o.name.length > PRODUCT_LIMITS.optionName) add(`${at}.name`, `must be at most ${PRODUCT_LIMITS.optionName} characters`);
    else if (names.has(o.name)) add(`${at}.name`, `repeats the option ${JSON.stringify(o.name)}`);
    names.add(o.name);
    if (o.values.length === 0) add(`${at}.values`, 'needs at least one value');
    else if (o.values.length > PRODUCT_LIMITS.valuesPerOption) add(`${at}.values`, `may have at most ${PRODUCT_LIMITS.valuesPerOption} values`);
    else if (o.values.some((v) => !v.trim())) add(`${at}.values`, 'must not have an empty value');
    else if (o.values.some((v) => v.length > PRODUCT_LIMITS.optionValue)) add(`${at}.values`, `must each be at most ${PRODUCT_LIMITS.optionValue} characters`);
    else if (new Set(o.values).size !== o.values.length) add(`${at}.values`, 'must not repeat a value');
  });

  if (d.variants.length === 0) add('variants', 'a product needs at least one variant');
  else if (d.variants.length > PRODUCT_LIMITS.variants) add('variants', `may have at most ${PRODUCT_LIMITS.variants} variants`);
  const combos = new Set<string>();
  const skus = new Set<string>();
  d.variants.forEach((v, i) => {
    const at = `variants.${i}`;
    if (!v.sku.trim()) add(`${at}.sku`, 'is required');
    else if (v.sku.length > PRODUCT_LIMITS.sku || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(v.sku)) add(`${at}.sku`, `must be letters, digits, dots, dashes or underscores, at most ${PRODUCT_LIMITS.sku}`);
    else if (skus.has(v.sku)) add(`${at}.sku`, `repeats the SKU ${v.sku}`);
    skus.add(v.sku);
    if (!Number.isSafeInteger(v.price)) add(`${at}.price`, 'must be a whole number of minor units (cents)');
    else if (v.price < 0) add(`${at}.price`, 'must not be negative');
    else if (v.price > PRODUCT_LIMITS.price) add(`${at}.price`, 'is too large');
    if (v.stock !== undefined && (!Number.isSafeInteger(v.stock) || v.stock < 0 || v.stock > PRODUCT_LIMITS.stock)) {
      add(`${at}.stock`, `must be a whole number from 0 to ${PRODUCT_LIMITS.stock}`);
    }
    const extra = Object.keys(v.options).filter((k) => !names.has(k));
    if (extra.length > 0) add(`${at}.options`, `names no option ${extra.map((k) => JSON.stringify(k)).join(', ')}`);
    for (const o of d.options) {
      const picked = v.options[o.name];
      if (picked === undefined) add(`${at}.options.${o.name}`, `must pick a value of ${o.name}`);
      else if (!o.values.includes(picked)) add(`${at}.options.${o.name}`, `${JSON.stringify(picked)} is not a value of ${o.name}`);
    }
    const combo = d.options.map((o) => `${o.name}=${v.options[o.name] ?? ''}`).join('\u0000');
    if (combos.has(combo)) add(`${at}.options`, 'another variant has the same options');
    combos.add(combo);
    if (v.materialVariant !== undefined) {
      if (ctx.materialVariants === null) add(`${at}.materialVariant`, 'the product has no processed 3D model to take a material variant from');
      else if (!ctx.materialVariants.includes(v.materialVariant)) {
        add(`${at}.materialVariant`, ctx.materialVariants.length === 0 ? 'the product’s 3D model has no material variants' : `must be one of the model’s material variants: ${ctx.materialVariants.join(', ')}`);
      }
    }
  });
  return errors;
}

/** What still stands between a saved draft and the storefront (it is already valid as a draft). */
export function publishProblems(p: { readonly category: string; readonly variants: readonly unknown[] }): FieldError[] {
  const errors: FieldError[] = [];
  if (p.category === '') errors.push({ field: 'category', message: 'choose a category before publishing: shoppers find products through it' });
  if (p.variants.length === 0) errors.push({ field: 'variants', message: 'a product needs at least one variant before publishing' });
  return errors;
}
