// Filters, facets and sort orders for category pages, over products already in memory (the read model's view).
// No I/O, no clock; stock comes in as a function so the read model needs no stock store.
//
// A product matches when one of its variants satisfies every filter at once: "Walnut, in stock, under $300" means
// a walnut variant that is in stock and costs under $300, not three different variants. Facets are standard
// (disjunctive) faceting: each facet is counted with every filter applied except its own, so ticking "Oak" still
// shows how many "Walnut" products there are, and counts are of products, not variants.
import type { Product } from '../../domain/catalog.ts';

export const SORT_ORDERS = ['featured', 'price-asc', 'price-desc', 'newest', 'name'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

/** At most this many option facets (the options most products have), and values per option. */
export const MAX_FACET_OPTIONS = 12;
export const MAX_FACET_VALUES = 40;

export interface BrowseFilters {
  /** Inclusive bounds on a variant's price, in minor units. */
  readonly minPrice?: number;
  readonly maxPrice?: number;
  /** Option name → accepted values: values of one option are alternatives (OR), options combine with AND. */
  readonly options?: ReadonlyMap<string, ReadonlySet<string>>;
  /** Only variants with stock on hand. */
  readonly inStock?: boolean;
}

export interface FacetValue {
  readonly value: string;
  readonly count: number;
}

export interface Facets {
  /** Lowest and highest variant price among products matching the other filters; null when none does. */
  readonly price: { readonly min: number; readonly max: number; readonly currency: string } | null;
  readonly options: readonly { readonly name: string; readonly values: readonly FacetValue[] }[];
  /** Products matching the other filters with a variant in stock. */
  readonly inStock: number;
}

export function hasFilters(f: BrowseFilters): boolean {
  return f.minPrice !== undefined || f.maxPrice !== undefined || (f.options?.size ?? 0) > 0 || f.inStock === true;
}

/**
 * One listing's products (a category, or the whole shop) laid out for filtering: every variant's product, price and
 * option values in typed arrays, values as small integers. Built once per catalog change and listing, it answers
 * each filtered page with tight loops over numbers instead of walking objects: at 10,000 products a first page with
 * facets went from ~70 ms to a few ms. A page after the first (no facets, no total) tests products in sort order only
 * until it is full.
 */
export class BrowseIndex {
  /** Products in the listing's own (featured) order; a product's position here is its number. */
  private readonly products: Product[];
  /** Product p's variants are numbers variantStart[p] to variantStart[p + 1] - 1. */
  private readonly variantStart: Int32Array;
  private readonly variantIds: string[] = [];
  private readonly prices: Float64Array;
  private readonly currencies: string[] = [];
  /** Every option name a product declares or a variant has, with each variant's value number (-1: none). */
  private readonly columns = new Map<string, Column>();
  /** Options products declare, in first-seen order: the facets. */
  private readonly facetColumns: Column[] = [];
  /** Units on hand per variant, at the stock generation they were read at. */
  private units: Int32Array | undefined;
  private unitsGeneration: number | undefined;

  constructor(products: readonly Product[]) {
    this.products = [...products];
    let variants = 0;
    for (const p of products) variants += p.variants.length;
    this.variantStart = new Int32Array(products.length + 1);
    this.prices = new Float64Array(variants);
    const column = (name: string): Column => {
      let c = this.columns.get(name);
      if (!c) this.columns.set(name, (c = { name, values: new Int32Array(variants).fill(-1), valueIds: new Map(), valueNames: [], declared: [], products: 0, facet: false }));
      return c;
    };
    let v = 0;
    for (const [i, p] of products.entries()) {
      this.variantStart[i] = v;
      for (const o of p.options) {
        const c = column(o.name);
        if (!c.facet) this.facetColumns.push(c);
        c.facet = true;
        c.products++;
        for (const value of o.values) c.declared[valueNumber(c, value)] = true;
      }
      for (const variant of p.variants) {
        this.variantIds.push(variant.id);
        this.prices[v] = variant.price.amount;
        this.currencies.push(variant.price.currency);
        for (const name in variant.options) {
          const c = column(name);
          c.values[v] = valueNumber(c, variant.options[name]!);
        }
        v++;
      }
    }
    this.variantStart[products.length] = v;
  }

  /**
   * Which products match `filters`: a flag per product (1 = matches) and how many; with `withFacets`, the facets
   * too, over every product of the listing. One pass over the variants.
   */
  match(filters: BrowseFilters, stock: Stock, withFacets = false): { matched: Uint8Array; total: number; facets?: Facets } {
    const f = this.compile(filters, stock);
    const units = f.units ?? (withFacets ? this.unitsFor(stock) : undefined);
    const matched = new Uint8Array(this.products.length);
    let total = 0;
    let priceMin = Infinity;
    let priceMax = -Infinity;
    let currency = '';
    let inStockCount = 0;
    const facetColumns = withFacets ? this.facetColumns : [];
    // Per facet column, the product last counted for each value (p + 1), so a product counts once per value.
    const counted = facetColumns.map((c) => new Int32Array(c.valueNames.length));
    const counts = facetColumns.map((c) => new Int32Array(c.valueNames.length));
    // Which filter, if any, is on each facet's own option: its own failure is forgiven when counting it.
    const ownFilter = facetColumns.map((c) => f.options.findIndex((o) => o.column === c));
    for (let p = 0; p < this.products.length; p++) {
      let matches = false;
      let stocked = false;
      for (let v = this.variantStart[p]!, end = this.variantStart[p + 1]!; v < end; v++) {
        const amount = this.prices[v]!;
        const priceOk = amount >= f.minPrice && amount <= f.maxPrice;
        const onHand = units ? units[v]! : 0;
        const stockOk = !f.units || onHand > 0;
        let optionFails = 0;
        let failedBits = 0; // bit i: the variant fails option filter i
        for (let i = 0; i < f.options.length; i++) {
          const { column, accepted } = f.options[i]!;
          const value = column ? column.values[v]! : -1;
          if (value < 0 || accepted[value] !== 1) {
            optionFails++;
            failedBits |= 1 << i;
          }
        }
        const fails = (priceOk ? 0 : 1) + (stockOk ? 0 : 1) + optionFails;
        if (fails === 0) matches = true;
        if (!withFacets) continue;
        if (stockOk && optionFails === 0) {
          if (amount < priceMin) priceMin = amount;
          if (amount > priceMax) priceMax = amount;
          currency ||= this.currencies[v]!;
        }
        if (priceOk && optionFails === 0 && onHand > 0) stocked = true;
        if (fails > 1) continue; // forgiving one filter cannot make it count
        for (let c = 0; c < facetColumns.length; c++) {
          const value = facetColumns[c]!.values[v]!;
          if (value < 0 || !facetColumns[c]!.declared[value]) continue;
          const own = ownFilter[c]! >= 0 ? (failedBits >> ownFilter[c]!) & 1 : 0;
          if (fails - own !== 0 || counted[c]![value] === p + 1) continue;
          counted[c]![value] = p + 1;
          counts[c]![value]!++;
        }
      }
      if (matches) {
        matched[p] = 1;
        total++;
      }
      if (stocked) inStockCount++;
    }
    if (!withFacets) return { matched, total };
    return {
      matched,
      total,
      facets: {
        price: currency ? { min: priceMin, max: priceMax, currency } : null,
        options: this.facetOptions(filters.options, counts),
        inStock: inStockCount,
      },
    };
  }

  /** Whether product `p` matches: one product's variants, for pages after the first. */
  matches(p: number, filters: CompiledFilters): boolean {
    const units = filters.units;
    for (let v = this.variantStart[p]!, end = this.variantStart[p + 1]!; v < end; v++) {
      const amount = this.prices[v]!;
      if (amount < filters.minPrice || amount > filters.maxPrice) continue;
      if (units && !(units[v]! > 0)) continue;
      let ok = true;
      for (const { column, accepted } of filters.options) {
        const value = column ? column.values[v]! : -1;
        if (value < 0 || accepted[value] !== 1) {
          ok = false;
          break;
        }
      }
      if (ok) return true;
    }
    return false;
  }

  /**
   * Puts a newer version of product `p` in its place when only its prices (or what browsing does not read: title,
   * description, media) changed: same variants with the same options, same declared options. Returns false, changing
   * nothing, when anything else did; the caller then builds the index again.
   */
  replace(p: number, product: Product): boolean {
    const old = this.products[p];
    if (!old || !sameShape(old, product)) return false;
    this.products[p] = product;
    for (const [k, variant] of product.variants.entries()) {
      this.prices[this.variantStart[p]! + k] = variant.price.amount;
      this.currencies[this.variantStart[p]! + k] = variant.price.currency;
    }
    return true;
  }

  /** Filters as numbers: option values become flags over this index's value numbers; stock is read when filtered on. */
  compile(filters: BrowseFilters, stock: Stock): CompiledFilters {
    const options = [...(filters.options ?? new Map<string, ReadonlySet<string>>())].map(([name, values]) => {
      const column = this.columns.get(name);
      const accepted = new Uint8Array(column?.valueNames.length ?? 0);
      if (column) for (const value of values) {
        const n = column.valueIds.get(value);
        if (n !== undefined) accepted[n] = 1;
      }
      return { column, accepted };
    });
    // More option filters than the bits of failedBits would be a query no storefront makes; the route caps them.
    if (options.length > 31) throw new RangeError('browse: at most 31 option filters');
    const units = filters.inStock === true ? this.unitsFor(stock) : undefined;
    return { minPrice: filters.minPrice ?? -Infinity, maxPrice: filters.maxPrice ?? Infinity, units, options };
  }

  /** Units on hand per variant, read again only when the stock generation moved (or is not given). */
  private unitsFor(stock: Stock): Int32Array {
    if (this.units && stock.generation !== undefined && stock.generation === this.unitsGeneration) return this.units;
    const units = this.units ?? new Int32Array(this.variantIds.length);
    for (let v = 0; v < this.variantIds.length; v++) units[v] = stock.onHand(this.variantIds[v]!);
    this.units = units;
    this.unitsGeneration = stock.generation;
    return units;
  }

  /** The facets most products have first, each value in the order products declare them. */
  private facetOptions(filtered: BrowseFilters['options'], counts: readonly Int32Array[]): Facets['options'] {
    return this.facetColumns
      .map((column, i) => ({ column, i }))
      .sort((a, b) => b.column.products - a.column.products || a.i - b.i)
      .filter(({ column }, rank) => rank < MAX_FACET_OPTIONS || filtered?.has(column.name) === true)
      .map(({ column, i }) => {
        const accepted = filtered?.get(column.name);
        const values: FacetValue[] = [];
        for (let value = 0; value < column.valueNames.length; value++) {
          if (!column.declared[value]) continue;
          const name = column.valueNames[value]!;
          if (values.length < MAX_FACET_VALUES || accepted?.has(name)) values.push({ value: name, count: counts[i]![value]! });
        }
        return { name: column.name, values };
      });
  }
}

/** Units on hand per variant, and the stock generation they belong to (when known, they are read once per generation). */
export interface Stock {
  readonly onHand: (variantId: string) => number;
  readonly generation?: number;
}

export interface CompiledFilters {
  readonly minPrice: number;
  readonly maxPrice: number;
  /** Units on hand per variant when only variants in stock pass. */
  readonly units: Int32Array | undefined;
  readonly options: readonly { readonly column: Column | undefined; readonly accepted: Uint8Array }[];
}

interface Column {
  readonly name: string;
  /** Per variant of the index: its value's number, -1 when it has none for this option. */
  readonly values: Int32Array;
  readonly valueIds: Map<string, number>;
  readonly valueNames: string[];
  /** Per value number: whether a product declares the value (only those are facet values). */
  readonly declared: boolean[];
  /** Products declaring this option. */
  products: number;
  /** Whether a product declares it (a facet), not only a variant. */
  facet: boolean;
}

/** Same declared options and the same variants (ids and picked values), in the same order. */
function sameShape(a: Product, b: Product): boolean {
  if (a.options.length !== b.options.length || a.variants.length !== b.variants.length) return false;
  for (const [i, o] of a.options.entries()) {
    const other = b.options[i]!;
    if (o.name !== other.name || o.values.length !== other.values.length || o.values.some((v, k) => v !== other.values[k])) return false;
  }
  for (const [i, v] of a.variants.entries()) {
    const other = b.variants[i]!;
    if (v.id !== other.id) return false;
    const names = Object.keys(v.options);
    if (names.length !== Object.keys(other.options).length || names.some((name) => v.options[name] !== other.options[name])) return false;
  }
  return true;
}

function valueNumber(c: Column, value: string): number {
  let n = c.valueIds.get(value);
  if (n === undefined) {
    c.valueIds.set(value, (n = c.valueNames.length));
    c.valueNames.push(value);
    c.declared.push(false);
  }
  return n;
}
