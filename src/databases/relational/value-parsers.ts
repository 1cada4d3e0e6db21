// How both adapters turn Postgres text values into JS values, so a query returns the same shapes on PGlite and on
// a real server (see the conventions on `Database`). Left alone: numeric stays a string (both drivers' default,
// exact), timestamptz becomes a Date, jsonb is parsed.

export const INT8_OID = 20;
export const DATE_OID = 1082;

/** int8 (bigint, `count(*)`) as a number; throws instead of silently rounding past 2^53. */
export function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`relational: int8 value ${text} is outside the safe integer range`);
  return n;
}

/** date as its 'YYYY-MM-DD' text: a calendar date has no time zone, and a Date object would invent one. */
export function parseDate(text: string): string {
  return text;
}
