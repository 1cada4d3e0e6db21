// A guest's whole checkout against a running API, and the database checks that follow a load of them: shared by
// bench/checkout.ts (throughput, oversell) and test/reliability/kill-nine.ts (processes killed mid-checkout).
//
// The flow is the storefront's: CSRF token → add to cart (creates the cart) → quote with the address and shipping
// method → pay with the test card (Idempotency-Key). Requests go over node:http (lighter than fetch: the client
// shares the machine's cores with the API).
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../src/databases/relational/database.ts';

export const CARD = '4242 4242 4242 4242';
export const ADDRESS = { name: 'Bench Shopper', line1: '350 Fifth Avenue', city: 'New York', region: 'NY', postalCode: '10118', country: 'US' };
export const STEPS = ['csrf', 'add', 'quote', 'pay'] as const;

/**
 * Environment for an API under a load of guest checkouts from loopback: the test card gateway, and no rate limiting.
 * Loopback callers are not rate limited when no proxy is trusted; the limits are raised too, so a change to that rule
 * shows up as 429 errors in the load rather than as a measurement of the limiter.
 */
export const LOAD_ENV: Readonly<Record<string, string>> = {
  PAYMENT_PROVIDER: 'test',
  TRUST_PROXY: 'false',
  RATE_LIMIT_WRITES_PER_MINUTE: '1000000',
  RATE_LIMIT_CHECKOUTS_PER_MINUTE: '1000000',
};

/** Where the API listens. */
export interface Target {
  readonly port: number;
  readonly base: string;
}

export interface Answer {
  readonly status: number;
  readonly body: string;
  readonly setCookie: readonly string[];
  /** The Retry-After header of an answer that has one (a 503 while a store is down). */
  readonly retryAfter?: string;
}

export function request(agent: http.Agent, api: Target, method: string, urlPath: string, headers: Record<string, string>, body?: unknown): Promise<Answer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: '127.0.0.1',
        port: api.port,
        method,
        path: urlPath,
        headers: payload === undefined ? headers : { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        timeout: 60_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const retryAfter = res.headers['retry-after'];
          const a = { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), setCookie: res.headers['set-cookie'] ?? [] };
          resolve(retryAfter === undefined ? a : { ...a, retryAfter });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out after 60 s')));
    req.on('error', reject);
    req.end(payload);
  });
}

/** The error code of an API error answer ({ error: { code } }), or ''. */
export function errorCode(a: Answer): string {
  try {
    return (JSON.parse(a.body) as { error?: { code?: string } }).error?.code ?? '';
  } catch {
    return ''; // not JSON
  }
}

export type Outcome =
  | { kind: 'paid'; orderId: string; quantity: number; flowMs: number; payMs: number; stepMs: number[] }
  | { kind: 'out_of_stock'; quantity: number; payMs: number }
  /** `step` failed: with an HTTP answer (`status`), or without one (`status` 0: the connection failed). */
  | { kind: 'error'; step: (typeof STEPS)[number]; status: number; what: string };

export interface CheckoutOptions {
  /**
   * Sends the pay request (the same body, cookies and Idempotency-Key each time) and returns the answer to go by;
   * a caller that survives API restarts retries it here. Default: send once.
   */
  readonly pay?: (send: () => Promise<Answer>) => Promise<Answer>;
  /** Sees every answer of the flow (pay retries included), e.g. to check what an outage looks like to a shopper. */
  readonly onAnswer?: (step: (typeof STEPS)[number], a: Answer) => void;
}

/** One new guest's whole checkout, as the storefront does it. */
export async function guestCheckout(agent: http.Agent, api: Target, variantId: string, quantity: number, email: string, opts: CheckoutOptions = {}): Promise<Outcome> {
  const jar = new Map<string, string>();
  let csrf = '';
  const call = async (method: string, urlPath: string, body?: unknown, extra: Record<string, string> = {}) => {
    const headers: Record<string, string> = { origin: api.base, accept: 'application/json', ...extra };
    if (jar.size > 0) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (method !== 'GET') headers['x-csrf-token'] = csrf;
    const a = await request(agent, api, method, urlPath, headers, body);
    opts.onAnswer?.(step, a);
    for (const c of a.setCookie) {
      const pair = c.split(';')[0] ?? '';
      jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
    return a;
  };
  const failed = (step: (typeof STEPS)[number], a: Answer): Outcome => {
    const code = errorCode(a);
    return { kind: 'error', step, status: a.status, what: `${step} ${a.status}${code ? ` ${code}` : ''}` };
  };
  let step: (typeof STEPS)[number] = 'csrf';
  try {
    const t: number[] = [performance.now()];
    const token = await call('GET', '/api/auth/csrf');
    if (token.status !== 200) return failed('csrf', token);
    csrf = (JSON.parse(token.body) as { csrfToken: string }).csrfToken;
    t.push(performance.now());
    step = 'add';
    const added = await call('POST', '/api/cart/lines', { variantId, quantity });
    if (added.status !== 201) return failed('add', added);
    t.push(performance.now());
    step = 'quote';
    const quoted = await call('POST', '/api/checkout/quote', { country: ADDRESS.country, region: ADDRESS.region, shippingMethod: 'standard' });
    if (quoted.status !== 200) return failed('quote', quoted);
    t.push(performance.now());
    step = 'pay';
    const key = randomUUID();
    const send = () => call('POST', '/api/checkout', { email, address: ADDRESS, shippingMethod: 'standard', payment: { card: CARD } }, { 'idempotency-key': key });
    const paid = await (opts.pay ? opts.pay(send) : send());
    t.push(performance.now());
    const payMs = t[4]! - t[3]!;
    if (paid.status === 409 && errorCode(paid) === 'OUT_OF_STOCK') return { kind: 'out_of_stock', quantity, payMs };
    if (paid.status !== 201) return failed('pay', paid);
    const order = (JSON.parse(paid.body) as { order: { id: string; status: string } }).order;
    if (order.status !== 'paid') return { kind: 'error', step: 'pay', status: paid.status, what: `pay 201 with status ${order.status}` };
    return { kind: 'paid', orderId: order.id, quantity, flowMs: t[4]! - t[0]!, payMs, stepMs: t.slice(1).map((v, i) => v - t[i]!) };
  } catch (err) {
    return { kind: 'error', step, status: 0, what: `${step}: ${(err as Error).message}` };
  }
}

// ---- checks in the database ----------------------------------------------------------------------------------------

export interface Sales {
  readonly variantId: string;
  /** Units the variant had when the shoppers started. */
  readonly units: number;
  /** Units left now. */
  readonly stockLeft: number;
  /** Every order the API answered 201 paid: order id → quantity asked for. */
  readonly answered: ReadonlyMap<string, number>;
}

export interface SalesCheck {
  readonly paidOrders: number;
  readonly unitsSold: number;
  readonly problems: string[];
}

/**
 * The orders of one variant against what shoppers were told: the paid orders are exactly the 201 answers (same ids,
 * same quantities), none is left in another state (holding or losing stock), nothing oversold, and units sold +
 * units left = units there were.
 */
export async function checkSales(db: Kysely<Database>, s: Sales): Promise<SalesCheck> {
  const rows = await sql<{ id: string; status: string; units: number }>`
    select o.id, o.status, sum(l.quantity)::int as units
    from orders o join order_lines l on l.order_id = o.id
    where o.id in (select order_id from order_lines where variant_id = ${s.variantId})
    group by o.id, o.status`.execute(db);
  const answered = s.answered;
  const paidInDb = rows.rows.filter((r) => r.status === 'paid');
  const other = rows.rows.filter((r) => r.status !== 'paid');
  const unitsSold = paidInDb.reduce((sum, r) => sum + Number(r.units), 0);
  const p: string[] = [];
  if (paidInDb.length !== answered.size) p.push(`${paidInDb.length} paid orders in the database, ${answered.size} paid answers`);
  const unanswered = paidInDb.filter((r) => !answered.has(r.id));
  if (unanswered.length > 0) p.push(`${unanswered.length} paid orders nobody was told about (e.g. ${unanswered[0]!.id})`);
  const paidIds = new Set(paidInDb.map((r) => r.id));
  const missing = [...answered.keys()].filter((id) => !paidIds.has(id));
  if (missing.length > 0) p.push(`${missing.length} orders answered 201 but not paid in the database (e.g. ${missing[0]})`);
  const wrongUnits = paidInDb.filter((r) => answered.has(r.id) && Number(r.units) !== answered.get(r.id));
  if (wrongUnits.length > 0) p.push(`${wrongUnits.length} orders with other quantities than asked for`);
  if (other.length > 0) p.push(`${other.length} orders left ${[...new Set(other.map((r) => r.status))].join('/')} (holding or lost stock)`);
  if (s.stockLeft < 0) p.push(`stock went negative: ${s.stockLeft}`);
  if (unitsSold > s.units) p.push(`OVERSOLD: ${unitsSold} units paid for, ${s.units} were in stock`);
  if (unitsSold + s.stockLeft !== s.units) p.push(`units do not add up: ${unitsSold} sold + ${s.stockLeft} left ≠ ${s.units} set`);
  return { paidOrders: paidInDb.length, unitsSold, problems: p };
}
