// Checkout arithmetic: line prices from the catalog, shipping and tax from the store's tables, totals in integer
// minor units. Pure: the caller passes the catalog lookup and the settings.
import { isCurrency, type Currency, type Money } from './money.ts';
import type { CartLine } from './cart.ts';

export interface TaxRate {
  readonly country: string; // ISO 3166-1 alpha-2
  readonly region?: string; // ISO 3166-2 subdivision code without the country, e.g. "CA" for California
  /** Basis points: 2000 = 20 %. */
  readonly rateBps: number;
}

export interface ShippingRate {
  readonly id: string;
  readonly name: string;
  readonly countries: readonly string[]; // ['*'] = everywhere else
  readonly price: number; // minor units
  /** Free when the subtotal reaches this (minor units). */
  readonly freeOver?: number;
}

export interface StoreSettings {
  readonly currency: Currency;
  /** true: catalog prices include tax (EU/UK style); false: tax is added at checkout (US style). */
  readonly taxInclusive: boolean;
  readonly taxRates: readonly TaxRate[];
  readonly shippingRates: readonly ShippingRate[];
  /** Countries the store ships to. */
  readonly countries: readonly string[];
}

export interface PricedLine extends CartLine {
  readonly sku: string;
  readonly title: string;
  readonly options: Readonly<Record<string, string>>;
  readonly unitPrice: Money;
  readonly total: Money;
}

export interface Totals {
  readonly subtotal: Money;
  readonly shipping: Money;
  /** Tax included in (inclusive) or added to (exclusive) the total. */
  readonly tax: Money;
  readonly taxInclusive: boolean;
  readonly total: Money;
}

export interface CatalogVariantView {
  readonly productId: string;
  readonly sku: string;
  readonly title: string;
  readonly options: Readonly<Record<string, string>>;
  readonly price: Money;
  readonly published: boolean;
}

export class CheckoutRuleError extends Error {
  constructor(
    message: string,
    readonly code: 'INVALID_DATA' | 'UNAVAILABLE' = 'INVALID_DATA',
  ) {
    super(message);
  }
}

/** Prices every line from the catalog; a line whose variant is gone or unpublished is refused by name. */
export function priceLines(lines: readonly CartLine[], lookup: (line: CartLine) => CatalogVariantView | undefined, currency: Currency): PricedLine[] {
  return lines.map((l) => {
    const v = lookup(l);
    if (!v || !v.published) throw new CheckoutRuleError(`cart: item ${l.variantId} is no longer available`, 'UNAVAILABLE');
    if (v.price.currency !== currency) throw new CheckoutRuleError(`cart: item ${v.sku} is priced in ${v.price.currency}, the store sells in ${currency}`);
    return { ...l, productId: v.productId, sku: v.sku, title: v.title, options: v.options, unitPrice: v.price, total: { amount: v.price.amount * l.quantity, currency } };
  });
}

/** Half-up rounding of a non-negative integer ratio, without floats: round(n / d). */
function divRound(n: number, d: number): number {
  return Math.floor((2 * n + d) / (2 * d));
}

export function taxRateFor(settings: StoreSettings, country: string, region?: string): number {
  const exact = settings.taxRates.find((r) => r.country === country && r.region !== undefined && r.region === region);
  return (exact ?? settings.taxRates.find((r) => r.country === country && r.region === undefined))?.rateBps ?? 0;
}

export function shippingOptions(settings: StoreSettings, country: string, subtotal: number): { id: string; name: string; price: number }[] {
  const specific = settings.shippingRates.filter((r) => r.countries.includes(country));
  const rates = specific.length > 0 ? specific : settings.shippingRates.filter((r) => r.countries.includes('*'));
  return rates.map((r) => ({ id: r.id, name: r.name, price: r.freeOver !== undefined && subtotal >= r.freeOver ? 0 : r.price }));
}

/**
 * Totals for priced lines shipped to an address. Tax applies to goods and shipping alike (the common rule in the
 * EU, UK and most US states); inclusive tax is extracted from the gross, exclusive tax is added on top.
 */
export function computeTotals(
  settings: StoreSettings,
  lines: readonly PricedLine[],
  to: { country: string; region?: string },
  shippingRateId: string,
): Totals {
  const currency = settings.currency;
  if (!isCurrency(currency)) throw new CheckoutRuleError(`settings: unsupported currency ${currency}`);
  if (lines.length === 0) throw new CheckoutRuleError('cart: is empty');
  if (!settings.countries.includes(to.country)) throw new CheckoutRuleError(`address.country: we do not ship to ${to.country}`);
  const subtotal = lines.reduce((s, l) => s + l.total.amount, 0);
  const option = shippingOptions(settings, to.country, subtotal).find((o) => o.id === shippingRateId);
  if (!option) throw new CheckoutRuleError(`shippingMethod: ${JSON.stringify(shippingRateId)} is not offered for ${to.country}`);
  const taxable = subtotal + option.price;
  const rate = taxRateFor(settings, to.country, to.region);
  const tax = settings.taxInclusive ? taxable - divRound(taxable * 10_000, 10_000 + rate) : divRound(taxable * rate, 10_000);
  const total = settings.taxInclusive ? taxable : taxable + tax;
  const m = (amount: number): Money => ({ amount, currency });
  return { subtotal: m(subtotal), shipping: m(option.price), tax: m(tax), taxInclusive: settings.taxInclusive, total: m(total) };
}

/** The defaults a new store starts with: edit them in the admin (later) or replace them in code. */
export function defaultStoreSettings(currency: Currency, taxInclusive: boolean): StoreSettings {
  return {
    currency,
    taxInclusive,
    countries: ['US', 'CA', 'GB', 'DE', 'FR', 'NL', 'ES', 'IT', 'SE', 'JP', 'AU'],
    taxRates: [
      { country: 'US', region: 'CA', rateBps: 725 },
      { country: 'US', region: 'NY', rateBps: 400 },
      { country: 'US', region: 'TX', rateBps: 625 },
      { country: 'US', region: 'WA', rateBps: 650 },
      { country: 'CA', rateBps: 500 },
      { country: 'CA', region: 'ON', rateBps: 1300 },
      { country: 'GB', rateBps: 2000 },
      { country: 'DE', rateBps: 1900 },
      { country: 'FR', rateBps: 2000 },
      { country: 'NL', rateBps: 2100 },
      { country: 'ES', rateBps: 2100 },
      { country: 'IT', rateBps: 2200 },
      { country: 'SE', rateBps: 2500 },
      { country: 'JP', rateBps: 1000 },
      { country: 'AU', rateBps: 1000 },
    ],
    shippingRates: [
      { id: 'standard', name: 'Standard (3–5 days)', countries: ['US'], price: 900, freeOver: 15_000 },
      { id: 'express', name: 'Express (1–2 days)', countries: ['US'], price: 2500 },
      { id: 'standard', name: 'Standard international (5–10 days)', countries: ['*'], price: 2500, freeOver: 50_000 },
    ],
  };
}
