// A category page's filters and sort order, kept in the URL (so a filtered page can be shared and Back undoes a
// filter). The URL uses the API's own parameters: ?sort=price-asc&minPrice=10000&maxPrice=50000&option=Wood:Walnut
// &inStock=true (prices in minor units). Pure functions, no DOM: unit-tested in Node.

export const SORTS = [
  { value: 'featured', label: 'Featured' },
  { value: 'price-asc', label: 'Price: low to high' },
  { value: 'price-desc', label: 'Price: high to low' },
  { value: 'newest', label: 'Newest' },
  { value: 'name', label: 'Name: A to Z' },
] as const;
export type Sort = (typeof SORTS)[number]['value'];

/** The API accepts at most this many option filters. */
const MAX_OPTIONS = 20;

export interface BrowseState {
  readonly sort: Sort;
  readonly minPrice?: number;
  readonly maxPrice?: number;
  /** [option name, value] pairs, in the order they were ticked. */
  readonly options: readonly (readonly [string, string])[];
  readonly inStock: boolean;
}

const isSort = (v: string | null): v is Sort => SORTS.some((s) => s.value === v);

function price(v: string | null): number | undefined {
  return v !== null && /^\d{1,15}$/.test(v) ? Number(v) : undefined;
}

/** Reads the state from a location's search string; anything malformed is ignored rather than refused. */
export function parseBrowse(search: string): BrowseState {
  const q = new URLSearchParams(search);
  const sort = q.get('sort');
  let minPrice = price(q.get('minPrice'));
  let maxPrice = price(q.get('maxPrice'));
  if (minPrice !== undefined && maxPrice !== undefined && minPrice > maxPrice) [minPrice, maxPrice] = [maxPrice, minPrice];
  const options: [string, string][] = [];
  for (const pair of q.getAll('option')) {
    const colon = pair.indexOf(':');
    if (colon < 1 || colon === pair.length - 1) continue;
    const name = pair.slice(0, colon);
    const value = pair.slice(colon + 1);
    if (!options.some(([n, v]) => n === name && v === value) && options.length < MAX_OPTIONS) options.push([name, value]);
  }
  return {
    sort: isSort(sort) ? sort : 'featured',
    ...(minPrice === undefined ? {} : { minPrice }),
    ...(maxPrice === undefined ? {} : { maxPrice }),
    options,
    inStock: q.get('inStock') === 'true',
  };
}

/** The state as a search string ('' for the defaults), parameters in a fixed order. */
export function browseSearch(s: BrowseState): string {
  const q = new URLSearchParams();
  if (s.sort !== 'featured') q.set('sort', s.sort);
  if (s.minPrice !== undefined) q.set('minPrice', String(s.minPrice));
  if (s.maxPrice !== undefined) q.set('maxPrice', String(s.maxPrice));
  for (const [name, value] of s.options) q.append('option', `${name}:${value}`);
  if (s.inStock) q.set('inStock', 'true');
  const text = q.toString();
  return text ? `?${text}` : '';
}

export function hasFilters(s: BrowseState): boolean {
  return s.minPrice !== undefined || s.maxPrice !== undefined || s.options.length > 0 || s.inStock;
}

export function isTicked(s: BrowseState, name: string, value: string): boolean {
  return s.options.some(([n, v]) => n === name && v === value);
}

export function toggleOption(s: BrowseState, name: string, value: string): BrowseState {
  const options = isTicked(s, name, value) ? s.options.filter(([n, v]) => n !== name || v !== value) : [...s.options, [name, value] as const].slice(0, MAX_OPTIONS);
  return { ...s, options };
}

export function withPrice(s: BrowseState, minPrice: number | undefined, maxPrice: number | undefined): BrowseState {
  if (minPrice !== undefined && maxPrice !== undefined && minPrice > maxPrice) [minPrice, maxPrice] = [maxPrice, minPrice];
  return { sort: s.sort, options: s.options, inStock: s.inStock, ...(minPrice === undefined ? {} : { minPrice }), ...(maxPrice === undefined ? {} : { maxPrice }) };
}

/** Filters cleared, sort order kept. */
export function clearFilters(s: BrowseState): BrowseState {
  return { sort: s.sort, options: [], inStock: false };
}
