// Money is an integer count of the currency's minor units (cents, pence, yen): no floating point anywhere.
// Currency exponents follow ISO 4217; only the currencies the store may be configured with are listed.

export const CURRENCY_EXPONENT = { USD: 2, EUR: 2, GBP: 2, CAD: 2, AUD: 2, CHF: 2, SEK: 2, JPY: 0 } as const;
export type Currency = keyof typeof CURRENCY_EXPONENT;
export const CURRENCIES = Object.keys(CURRENCY_EXPONENT) as Currency[];

export interface Money {
  readonly amount: number; // integer minor units
  readonly currency: Currency;
}

export class MoneyError extends Error {
  readonly code = 'INVALID_MONEY';
}

export function isCurrency(value: string): value is Currency {
  return Object.hasOwn(CURRENCY_EXPONENT, value);
}

export function money(amount: number, currency: string): Money {
  if (!Number.isSafeInteger(amount)) throw new MoneyError(`money: amount must be an integer of minor units, got ${amount}`);
  if (!isCurrency(currency)) throw new MoneyError(`money: unsupported currency ${JSON.stringify(currency)}`);
  return { amount, currency };
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new MoneyError(`money: cannot combine ${a.currency} with ${b.currency}`);
}

export function add(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return money(a.amount + b.amount, a.currency);
}

export function subtract(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return money(a.amount - b.amount, a.currency);
}

export function multiply(a: Money, quantity: number): Money {
  if (!Number.isSafeInteger(quantity)) throw new MoneyError(`money: quantity must be an integer, got ${quantity}`);
  return money(a.amount * quantity, a.currency);
}

export function compare(a: Money, b: Money): number {
  sameCurrency(a, b);
  return Math.sign(a.amount - b.amount);
}

export function sum(items: readonly Money[], currency: Currency): Money {
  return items.reduce((acc, m) => add(acc, m), money(0, currency));
}

/**
 * Parses a decimal string typed by a merchant ("12.5", "1,299.00" is refused: no thousands separators)
 * into minor units without going through a float.
 */
export function parseDecimal(text: string, currency: string): Money {
  if (!isCurrency(currency)) throw new MoneyError(`money: unsupported currency ${JSON.stringify(currency)}`);
  const exp = CURRENCY_EXPONENT[currency];
  const m = /^(-)?(\d{1,13})(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new MoneyError(`money: ${JSON.stringify(text)} is not a decimal amount`);
  const [, sign, whole, frac = ''] = m;
  if (frac.length > exp) throw new MoneyError(`money: ${currency} has ${exp} decimal places, got ${JSON.stringify(text)}`);
  const amount = Number(whole) * 10 ** exp + Number(frac.padEnd(exp, '0') || '0');
  return money(sign ? -amount : amount, currency);
}

/** Formats for display with Intl (the storefront does the same in the browser). */
export function format(m: Money, locale = 'en-US'): string {
  const exp = CURRENCY_EXPONENT[m.currency];
  return new Intl.NumberFormat(locale, { style: 'currency', currency: m.currency, minimumFractionDigits: exp, maximumFractionDigits: exp })
    .format(m.amount / 10 ** exp);
}
