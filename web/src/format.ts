// Pure display helpers (no DOM): unit-tested in Node by test/browser/storefront-logic.test.ts.
import type { Dimensions, Money, OrderStatus, ProductDetail, Variant } from './types.ts';

/** Formats integer minor units with the currency's own fraction digits (USD 24900 → $249.00, JPY 1200 → ¥1,200). */
export function formatMoney(m: Money, locale?: string | readonly string[]): string {
  const nf = new Intl.NumberFormat(locale as string | string[] | undefined, { style: 'currency', currency: m.currency });
  const digits = nf.resolvedOptions().maximumFractionDigits ?? 2;
  return nf.format(m.amount / 10 ** digits);
}

export type StockState = { readonly kind: 'in' | 'low' | 'out'; readonly label: string };

export const LOW_STOCK = 5;

export function stockState(stock: number): StockState {
  if (stock <= 0) return { kind: 'out', label: 'Out of stock' };
  if (stock <= LOW_STOCK) return { kind: 'low', label: `Only ${stock} left` };
  return { kind: 'in', label: 'In stock' };
}

/** Metres → "W 45 cm × H 85 cm × D 50 cm" (whole centimetres; millimetres below 10 cm). */
export type Unit = 'cm' | 'in';
export const UNITS: readonly Unit[] = ['cm', 'in'];

/** A length in metres as a number of `unit`: centimetres whole (a tenth below 10 cm), inches to a tenth. */
function length(m: number, unit: Unit, locale?: string | readonly string[]): string {
  const v = unit === 'cm' ? m * 100 : m / 0.0254;
  return new Intl.NumberFormat(locale as string | string[] | undefined, { maximumFractionDigits: unit === 'in' || v < 10 ? 1 : 0 }).format(v);
}

/** Width × depth × height, as furniture is measured: "W 45 × D 50 × H 85 cm". */
export function formatSize(d: Dimensions, unit: Unit, locale?: string | readonly string[]): string {
  const n = (m: number): string => length(m, unit, locale);
  return `W ${n(d.width)} × D ${n(d.depth)} × H ${n(d.height)} ${unit}`;
}

/** The same in words, for a text alternative: "45 cm wide, 50 cm deep and 85 cm tall". */
export function sizeInWords(d: Dimensions, unit: Unit, locale?: string | readonly string[]): string {
  const n = (m: number): string => `${length(m, unit, locale)} ${unit === 'cm' ? 'cm' : 'inches'}`;
  return `${n(d.width)} wide, ${n(d.depth)} deep and ${n(d.height)} tall`;
}

/** The variant matching every picked value, if any. */
export function findVariant(variants: readonly Variant[], picked: Readonly<Record<string, string>>): Variant | undefined {
  return variants.find((v) => Object.entries(picked).every(([k, val]) => v.options[k] === val));
}

/** The variant shown first: the one named in the URL, else the first in stock, else the first. */
export function initialVariant(p: Pick<ProductDetail, 'variants'>, wantedId?: string | null): Variant | undefined {
  return p.variants.find((v) => v.id === wantedId) ?? p.variants.find((v) => v.stock > 0) ?? p.variants[0];
}

/**
 * The variant after a shopper picks `value` for `option`: keep the other choices when that combination exists,
 * otherwise take the first variant offering the value (so a click never lands on "no such variant").
 */
export function pickVariant(variants: readonly Variant[], current: Variant, option: string, value: string): Variant | undefined {
  return findVariant(variants, { ...current.options, [option]: value }) ?? variants.find((v) => v.options[option] === value);
}

/** Whether any variant offers `value` for `option` (values no variant offers are shown disabled). */
export function isOffered(variants: readonly Variant[], option: string, value: string): boolean {
  return variants.some((v) => v.options[option] === value);
}

/** Digits after the decimal point in `currency` (USD 2, JPY 0, BHD 3). */
export function fractionDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Minor units → a plain editable amount ("12.50", "1200"): no grouping or symbol, so it parses back. */
export function amountInput(m: Money): string {
  const digits = fractionDigits(m.currency);
  return (m.amount / 10 ** digits).toFixed(digits);
}

/** A typed amount ("12.5", "12,50") → integer minor units, or undefined if it is not a positive amount in the currency. */
export function toMinorUnits(text: string, currency: string): number | undefined {
  const digits = fractionDigits(currency);
  const m = /^\s*(\d{1,12})(?:[.,](\d*))?\s*$/.exec(text);
  if (!m) return undefined;
  const frac = m[2] ?? '';
  if (frac.length > digits) return undefined;
  const amount = Number(m[1]) * 10 ** digits + Number(frac.padEnd(digits, '0') || '0');
  return Number.isSafeInteger(amount) && amount > 0 ? amount : undefined;
}

const STATUS_LABELS: Readonly<Record<OrderStatus, string>> = {
  pending_payment: 'Awaiting payment',
  paid: 'Paid',
  payment_failed: 'Payment failed',
  fulfilled: 'Shipped',
  cancelled: 'Cancelled',
  refunded: 'Refunded',
};

export function statusLabel(status: OrderStatus): string {
  return STATUS_LABELS[status] ?? status;
}

export function formatDate(iso: string, locale?: string | readonly string[], withTime = false): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale as string | string[] | undefined, withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' }).format(d);
}

/** "Colour: Oak, Size: Large" for a line's chosen options. */
export function describeOptions(options: Readonly<Record<string, string>>): string {
  return Object.entries(options)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
}

/** Splits the API's "Invalid body: address.postalCode: is not valid; email: must be …" into per-field messages. */
export function fieldErrors(message: string): { readonly fields: Readonly<Record<string, string>>; readonly other: readonly string[] } {
  const fields: Record<string, string> = {};
  const other: string[] = [];
  for (const part of message.replace(/^Invalid \w+: /, '').split('; ')) {
    const m = /^([A-Za-z][\w.]*): (.+)$/.exec(part);
    if (m) fields[m[1]!] = fields[m[1]!] ? `${fields[m[1]!]}; ${m[2]!}` : m[2]!;
    else other.push(part);
  }
  return { fields, other };
}

/** A wait in seconds, humanised to its two largest units: "under a second", "42 seconds", "3 minutes 5 seconds", "2 hours", "3 days 4 hours". */
export function formatAge(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 1) return 'under a second';
  const units: readonly [string, number][] = [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
    ['second', 1],
  ];
  let rest = Math.floor(seconds);
  const parts: string[] = [];
  for (const [name, size] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 || parts.length > 0) parts.push(n === 0 ? '' : `${n} ${name}${n === 1 ? '' : 's'}`);
    if (parts.length === 2) break;
  }
  return parts.filter(Boolean).join(' ');
}

/** The first non-empty line of a (possibly multi-line) message, e.g. an error with its stack. */
export function firstLine(text: string): string {
  return text.split(/\r?\n/).find((l) => l.trim() !== '')?.trim() ?? '';
}
