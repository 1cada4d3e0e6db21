// The product editor's form state and the pure rules between it and the API: amounts typed as text ↔ minor units,
// the variants table derived from the options (one row per combination of values), the PATCH body, and the
// problems the browser can see before asking (an amount that is not a number). The shop's own rules (price ≥ 0,
// slug format, limits) are the API's: its answer names the fields, and the page shows them there.
import { fractionDigits } from '../../format.ts';
import type { AdminProductJson, ProductEdit, ProductOption } from '../../types.ts';

export interface OptionRow {
  readonly key: string;
  readonly name: string;
  /** Values as typed: comma-separated. */
  readonly values: string;
}

export interface VariantRow {
  readonly id?: string;
  readonly sku: string;
  readonly price: string;
  readonly stock: string;
  /** Stock is sent only when the merchant changed it (or for a new variant), so an edit never undoes a sale. */
  readonly stockTouched: boolean;
  readonly materialVariant: string;
}

export interface ProductForm {
  readonly title: string;
  readonly slug: string;
  readonly description: string;
  readonly category: string;
  readonly extraCategories: readonly string[];
  readonly options: readonly OptionRow[];
  /** Every row seen, by the combination of option values it stands for (comboKey): retyping a value brings it back. */
  readonly rows: Readonly<Record<string, VariantRow>>;
}

export interface VariantLine {
  readonly combo: Readonly<Record<string, string>>;
  readonly key: string;
  readonly row: VariantRow;
}

let nextKey = 0;
export const newKey = (): string => `k${++nextKey}`;

/** "12.50" / "-5" / "12,5" → signed minor units; undefined when it is not an amount in the currency. */
export function parseAmount(text: string, currency: string): number | undefined {
  const digits = fractionDigits(currency);
  const m = /^\s*(-)?\s*(\d{1,12})(?:[.,](\d*))?\s*$/.exec(text);
  if (!m) return undefined;
  const frac = m[3] ?? '';
  if (frac.length > digits) return undefined;
  const amount = Number(m[2]) * 10 ** digits + Number(frac.padEnd(digits, '0') || '0');
  if (!Number.isSafeInteger(amount)) return undefined;
  return m[1] ? -amount : amount;
}

export function formatAmount(minor: number, currency: string): string {
  const digits = fractionDigits(currency);
  return (minor / 10 ** digits).toFixed(digits);
}

export function splitValues(text: string): string[] {
  return text
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** Options as the API takes them, in the order shown (rows with no name still count, so error indices match). */
export function parsedOptions(options: readonly OptionRow[]): ProductOption[] {
  return options.map((o) => ({ name: o.name.trim(), values: splitValues(o.values) }));
}

export function comboKey(combo: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(combo));
}

/** Every combination of the options' values, in the options' order (one empty combination when there are none). */
export function combinations(options: readonly ProductOption[]): Record<string, string>[] {
  let acc: Record<string, string>[] = [{}];
  for (const o of options) {
    if (!o.name || o.values.length === 0) continue;
    acc = acc.flatMap((partial) => [...new Set(o.values)].map((v) => ({ ...partial, [o.name]: v })));
  }
  return acc;
}

/**
 * The variants table: a row per combination. A combination seen before keeps its row; a new one takes over a stored
 * variant whose values it extends (adding a first option keeps the product's variant, its id and stock), else it
 * starts from the first row's price with no stock.
 */
export function variantLines(form: ProductForm, currency: string): VariantLine[] {
  const combos = combinations(parsedOptions(form.options));
  const used = new Set<string>();
  const lines: VariantLine[] = [];
  const fallbackPrice = Object.values(form.rows)[0]?.price ?? formatAmount(0, currency);
  for (const combo of combos) {
    const key = comboKey(combo);
    let row = form.rows[key];
    if (row?.id && used.has(row.id)) row = undefined;
    if (!row) {
      const entry = Object.entries(form.rows).find(([k, r]) => r.id && !used.has(r.id) && extends_(combo, JSON.parse(k) as [string, string][]));
      row = entry ? entry[1] : { sku: '', price: fallbackPrice, stock: '0', stockTouched: true, materialVariant: '' };
    }
    if (row.id) used.add(row.id);
    lines.push({ combo, key, row });
  }
  return lines;
}

function extends_(combo: Readonly<Record<string, string>>, stored: readonly [string, string][]): boolean {
  return stored.length < Object.keys(combo).length && stored.every(([k, v]) => combo[k] === v);
}

export function formFromProduct(p: AdminProductJson): ProductForm {
  const rows: Record<string, VariantRow> = {};
  for (const v of p.variants) {
    const combo = Object.fromEntries(p.options.map((o) => [o.name, v.options[o.name] ?? '']));
    rows[comboKey(combo)] = {
      id: v.id,
      sku: v.sku,
      price: formatAmount(v.price.amount, v.price.currency),
      stock: String(v.stock),
      stockTouched: false,
      materialVariant: v.materialVariant ?? '',
    };
  }
  return {
    title: p.title,
    slug: p.slug,
    description: p.description,
    category: p.category,
    extraCategories: p.extraCategories,
    options: p.options.map((o) => ({ key: newKey(), name: o.name, values: o.values.join(', ') })),
    rows,
  };
}

/** The PATCH body, or the fields the browser already knows are wrong (keyed as the API would name them). */
export function editBody(form: ProductForm, version: number, currency: string): { body: ProductEdit } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const lines = variantLines(form, currency);
  const variants = lines.map(({ combo, row }, i) => {
    const price = parseAmount(row.price, currency);
    if (price === undefined) errors[`variants.${i}.price`] = `enter an amount like ${formatAmount(1250, currency)}`;
    const stock = /^\s*\d{1,9}\s*$/.test(row.stock) ? Number(row.stock) : undefined;
    if (row.stockTouched && stock === undefined) errors[`variants.${i}.stock`] = 'enter a whole number of units, like 12';
    return {
      ...(row.id ? { id: row.id } : {}),
      ...(row.sku.trim() ? { sku: row.sku.trim() } : {}),
      options: combo,
      price: price ?? 0,
      materialVariant: row.materialVariant || null,
      ...(row.stockTouched && stock !== undefined ? { stock } : {}),
    };
  });
  if (Object.keys(errors).length > 0) return { errors };
  return {
    body: {
      version,
      title: form.title,
      slug: form.slug.trim(),
      description: form.description,
      category: form.category,
      // The product's own category is not "also" one of its categories.
      extraCategories: form.extraCategories.filter((c) => c !== form.category),
      options: parsedOptions(form.options),
      variants,
    },
  };
}
