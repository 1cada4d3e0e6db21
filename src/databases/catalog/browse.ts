// Filters, facets and sort orders for category pages, over products already in memory (the read model's view).
// Pure functions: no I/O, no clock; stock comes in as a function so the read model needs no stock store.
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
 * Which products match `filters` (in the given order), and, when asked, the facets over all of `products`.
 * One pass over the variants: O(variants × options), microseconds for a category of a few hundred products.
 */
export function filterProducts(
  products: readonly Product[],
  filters: BrowseFilters,
  onHand: (variantId: string) => number,
  withFacets: boolean,
): { matched: Product[]; facets?: Facets } {
  const { minPrice, maxPrice, inStock } = filters;
  const optionFilters = filters.options ?? new Map<string, ReadonlySet<string>>();
  const matched: Product[] = [];
  let priceMin = Infinity;
  let priceMax = -Infinity;
  let currency = '';
  let inStockCount = 0;
  /** Per option name: products having it, first-seen value order, and matching products per value. */
  const optionStats = new Map<string, { order: number; products: number; counts: Map<string, number> }>();
  const seenThisProduct = new Map<string, Set<string>>();

  for (const p of products) {
    let matches = false;
    let stocked = false;
    seenThisProduct.clear();
    if (withFacets) {
      for (const o of p.options) {
        let stat = optionStats.get(o.name);
        if (!stat) optionStats.set(o.name, (stat = { order: optionStats.size, products: 0, counts: new Map() }));
        stat.products++;
        for (const value of o.values) if (!stat.counts.has(value)) stat.counts.set(value, 0);
      }
    }
    for (const v of p.variants) {
      const amount = v.price.amount;
      const priceOk = (minPrice === undefined || amount >= minPrice) && (maxPrice === undefined || amount <= maxPrice);
      const units = inStock || withFacets ? onHand(v.id) : 0;
      const stockOk = !inStock || units > 0;
      let optionFails = 0;
      for (const [name, accepted] of optionFilters) {
        const picked = v.options[name];
        if (picked === undefined || !accepted.has(picked)) optionFails++;
      }
      const fails = (priceOk ? 0 : 1) + (stockOk ? 0 : 1) + optionFails;
      if (fails === 0) matches = true;
      if (!withFacets) continue;
      if (stockOk && optionFails === 0) {
        if (amount < priceMin) priceMin = amount;
        if (amount > priceMax) priceMax = amount;
        currency ||= v.price.currency;
      }
      if (priceOk && optionFails === 0 && units > 0) stocked = true;
      for (const [name, value] of Object.entries(v.options)) {
        const accepted = optionFilters.get(name);
        const ownFail = accepted !== undefined && !accepted.has(value) ? 1 : 0;
        if (fails - ownFail !== 0) continue;
        let set = seenThisProduct.get(name);
        if (!set) seenThisProduct.set(name, (set = new Set()));
        set.add(value);
      }
    }
    if (matches) matched.push(p);
    if (!withFacets) continue;
    if (stocked) inStockCount++;
    for (const [name, values] of seenThisProduct) {
      const counts = optionStats.get(name)?.counts;
      if (!counts) continue; // a variant option the product does not declare: not a facet
      for (const value of values) if (counts.has(value)) counts.set(value, counts.get(value)! + 1);
    }
  }
  if (!withFacets) return { matched };

  const options = [...optionStats.entries()]
    .sort(([, a], [, b]) => b.products - a.products || a.order - b.order)
    .filter(([name], i) => i < MAX_FACET_OPTIONS || optionFilters.has(name))
    .map(([name, stat]) => {
      const accepted = optionFilters.get(name);
      const values = [...stat.counts.entries()]
        .filter(([value], i) => i < MAX_FACET_VALUES || accepted?.has(value))
        .map(([value, count]) => ({ value, count }));
      return { name, values };
    });
  return {
    matched,
    facets: {
      price: currency ? { min: priceMin, max: priceMax, currency } : null,
      options,
      inStock: inStockCount,
    },
  };
}
