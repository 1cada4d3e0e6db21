// A thin typed client for the same-origin storefront API. Errors keep the API's { error: { code, message } }.
// Every state change (POST, PATCH, DELETE) carries the x-csrf-token header: the token comes from GET
// /api/auth/csrf, or from the log-in answer, and changes whenever the session does.
import type {
  AdminJobs,
  AdminOrder,
  AdminOrderSummary,
  CustomerDetail,
  CustomerSummary,
  AdminProductAnswer,
  AdminProductSummary,
  CategoryChoice,
  ProductEdit,
  ProductStatus,
  Address,
  Cart,
  CategorySummary,
  CheckoutAnswer,
  CheckoutRequest,
  CursorPage,
  DeadLetterTarget,
  MailboxMessage,
  Order,
  OrderStatus,
  OrderSummary,
  ProductDetail,
  ProductPage,
  ProductSummary,
  Quote,
  SearchAnswer,
  SavedAddress,
  Session, AdvisorReport } from './types.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The whole JSON answer, for errors that carry more (a declined checkout's order, a conflict's currentStatus). */
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.status === 404;
}

export function isUnauthenticated(err: unknown): boolean {
  return err instanceof ApiError && err.status === 401;
}

/** Network failures (status 0): the request may or may not have reached the shop. */
export function isNetworkError(err: unknown): boolean {
  return err instanceof ApiError && err.status === 0;
}

export function errorMessage(err: unknown): string {
  return err instanceof ApiError ? err.message : 'Something went wrong. Please try again.';
}

const networkError = (): ApiError => new ApiError(0, 'NETWORK', 'The shop could not be reached. Check your connection and try again.');

async function answer<T>(res: Response): Promise<T> {
  const body: unknown = res.status === 204 ? undefined : await res.json().catch(() => undefined);
  if (!res.ok) {
    const e = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? `Request failed (${res.status})`, body);
  }
  if (body === undefined && res.status !== 204) throw new ApiError(res.status, 'BAD_RESPONSE', 'The shop sent an unreadable answer.');
  return body as T; // trusted same-origin API; shapes are documented in types.ts
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { headers: { accept: 'application/json' }, signal });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw networkError();
  }
  return answer<T>(res);
}

// ---- CSRF token -----------------------------------------------------------------------------------------------

let csrfToken: string | undefined;
let csrfPending: Promise<string> | undefined;
let csrfGeneration = 0;

/** Called with the token a log-in returns, or with undefined after log-out (the next write fetches a fresh one). */
export function setCsrfToken(token: string | undefined): void {
  csrfGeneration++;
  csrfToken = token;
  csrfPending = undefined;
}

function currentCsrfToken(): Promise<string> {
  if (csrfToken) return Promise.resolve(csrfToken);
  if (!csrfPending) {
    const generation = csrfGeneration;
    csrfPending = getJson<{ csrfToken: string }>('/api/auth/csrf').then(
      ({ csrfToken: t }) => {
        if (generation === csrfGeneration) csrfToken = t; // a log-in meanwhile set a newer one
        return t;
      },
      (err: unknown) => {
        csrfPending = undefined;
        throw err;
      },
    );
  }
  return csrfPending;
}

export interface SendOptions {
  readonly idempotencyKey?: string;
  readonly signal?: AbortSignal;
}

export interface Sent<T> {
  readonly status: number;
  readonly body: T;
}

/** A state-changing request with the CSRF header; resolves with the status too (201 and 202 differ at checkout). */
export async function sendJson<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, opts: SendOptions = {}): Promise<Sent<T>> {
  for (let attempt = 0; ; attempt++) {
    const headers: Record<string, string> = { accept: 'application/json', 'x-csrf-token': await currentCsrfToken() };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
    let res: Response;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: opts.signal });
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      throw networkError();
    }
    // The session changed under us (expired, or log-in/out in another tab): the refusal did nothing, so refetch
    // the token and send once more.
    if (res.status === 403 && attempt === 0) {
      const refused = await res
        .clone()
        .json()
        .catch(() => undefined);
      if ((refused as { error?: { code?: string } } | undefined)?.error?.code === 'CSRF') {
        setCsrfToken(undefined);
        continue;
      }
    }
    return { status: res.status, body: await answer<T>(res) };
  }
}

export async function postJson<T>(path: string, body?: unknown, opts?: SendOptions): Promise<T> {
  return (await sendJson<T>('POST', path, body, opts)).body;
}

/** A random key for Idempotency-Key headers. getRandomValues works on plain http too, unlike randomUUID. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const query = (params: Record<string, string | number | undefined>): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
};
const seg = encodeURIComponent;

// ---- catalog --------------------------------------------------------------------------------------------------

export function getCategories(signal?: AbortSignal): Promise<{ items: CategorySummary[] }> {
  return getJson('/api/categories', signal);
}

/** The home page's shelf: each category's first products in the merchant's order, in turn. */
export function getFeatured(limit: number, signal?: AbortSignal): Promise<{ items: ProductSummary[] }> {
  return getJson(`/api/featured?limit=${limit}`, signal);
}

/** A page of products; `filters` is a query string from browse.ts (sort, price range, options, stock). */
export function getProducts(q: { category?: string; cursor?: string; limit?: number; filters?: string }, signal?: AbortSignal): Promise<ProductPage> {
  const base = query({ category: q.category, cursor: q.cursor, limit: q.limit });
  const filters = q.filters?.replace(/^\?/, '') ?? '';
  return getJson(`/api/products${base}${filters ? `${base ? '&' : '?'}${filters}` : ''}`, signal);
}

/** Products matching what the shopper typed (typos allowed), most relevant first. */
export function searchProducts(q: string, limit: number, signal?: AbortSignal): Promise<SearchAnswer> {
  return getJson(`/api/search${query({ q, limit })}`, signal);
}

export function getProduct(slug: string, signal?: AbortSignal): Promise<ProductDetail> {
  return getJson(`/api/products/${seg(slug)}`, signal);
}

// ---- cart and checkout ----------------------------------------------------------------------------------------

export const getCart = (signal?: AbortSignal): Promise<Cart> => getJson('/api/cart', signal);
export const addCartLine = (variantId: string, quantity = 1): Promise<Cart> => postJson('/api/cart/lines', { variantId, quantity });
export const setCartLineQuantity = async (variantId: string, quantity: number): Promise<Cart> =>
  (await sendJson<Cart>('PATCH', `/api/cart/lines/${seg(variantId)}`, { quantity })).body;
export const removeCartLine = async (variantId: string): Promise<Cart> => (await sendJson<Cart>('DELETE', `/api/cart/lines/${seg(variantId)}`)).body;

export function quoteCheckout(to: { country: string; region?: string; shippingMethod?: string }, signal?: AbortSignal): Promise<Quote> {
  return postJson('/api/checkout/quote', to, { signal });
}

/** 201: paid; 202: the bank wants an extra step (confirmPayment next). A decline throws ApiError 402 (body.order). */
export const placeOrder = (req: CheckoutRequest, idempotencyKey: string): Promise<Sent<CheckoutAnswer>> =>
  sendJson('POST', '/api/checkout', req, { idempotencyKey });
export const confirmPayment = (orderId: string): Promise<Sent<CheckoutAnswer>> => sendJson('POST', `/api/orders/${seg(orderId)}/confirm-payment`);
export const getOrder = (id: string, signal?: AbortSignal): Promise<Order> => getJson(`/api/orders/${seg(id)}`, signal);

// ---- accounts -------------------------------------------------------------------------------------------------

export const getMe = (signal?: AbortSignal): Promise<Session> => getJson('/api/auth/me', signal);
export const logIn = (body: { email: string; password: string }): Promise<Session> => postJson('/api/auth/login', body);
export const signUp = (body: { email: string; password: string; name?: string }): Promise<Session> => postJson('/api/auth/signup', body);
export const logOut = (): Promise<void> => postJson('/api/auth/logout');
export const changePassword = (body: { currentPassword: string; newPassword: string }): Promise<{ revokedSessions: number }> =>
  postJson('/api/auth/password', body);

export const getAccountOrders = (q: { cursor?: string; limit?: number }, signal?: AbortSignal): Promise<CursorPage<OrderSummary>> =>
  getJson(`/api/account/orders${query(q)}`, signal);
export const getAddresses = (signal?: AbortSignal): Promise<{ items: SavedAddress[] }> => getJson('/api/account/addresses', signal);
export const createAddress = (body: { label: string; address: Address; isDefault?: boolean }): Promise<SavedAddress> => postJson('/api/account/addresses', body);
/** isDefault can only be set (true): another address becoming the default is how one stops being it. */
export const updateAddress = async (id: string, body: { label?: string; address?: Address; isDefault?: true }): Promise<SavedAddress> =>
  (await sendJson<SavedAddress>('PATCH', `/api/account/addresses/${seg(id)}`, body)).body;
export const deleteAddress = async (id: string): Promise<void> => {
  await sendJson<void>('DELETE', `/api/account/addresses/${seg(id)}`);
};

// ---- merchant -------------------------------------------------------------------------------------------------

export const getAdminOrders = (q: { status?: OrderStatus | ''; q?: string; cursor?: string; limit?: number }, signal?: AbortSignal): Promise<CursorPage<AdminOrderSummary>> =>
  getJson(`/api/admin/orders${query(q)}`, signal);
export const getAdminOrder = (id: string, signal?: AbortSignal): Promise<AdminOrder> => getJson(`/api/admin/orders/${seg(id)}`, signal);
export const getAdminCustomers = (q: { q?: string; cursor?: string; limit?: number }, signal?: AbortSignal): Promise<CursorPage<CustomerSummary>> =>
  getJson(`/api/admin/customers${query(q)}`, signal);
export const getAdminCustomer = (id: string, signal?: AbortSignal): Promise<CustomerDetail> => getJson(`/api/admin/customers/${seg(id)}`, signal);
export const fulfilOrder = (id: string, body: { carrier: string; trackingNumber: string }): Promise<AdminOrder> => postJson(`/api/admin/orders/${seg(id)}/fulfil`, body);
export const cancelOrder = (id: string, body: { reason?: string }): Promise<AdminOrder> => postJson(`/api/admin/orders/${seg(id)}/cancel`, body);
/** 200: refunded; 202: the provider did not answer yet, the refund is pending and the shop finishes it. */
export const refundOrder = (id: string, body: { amount?: number; reason?: string }, idempotencyKey: string): Promise<Sent<AdminOrder>> =>
  sendJson('POST', `/api/admin/orders/${seg(id)}/refund`, body, { idempotencyKey });

// ---- admin: operations (admins only: jobs:manage, mailbox:read) -----------------------------------------------

export const getAdminJobs = (signal?: AbortSignal): Promise<AdminJobs> => getJson('/api/admin/jobs', signal);
/** Runs the store advisor's checks now: findings, most severe first. */
export const getAdvisor = (signal?: AbortSignal): Promise<AdvisorReport> => getJson('/api/admin/advisor', signal);
/** Puts dead letters back in the queue (due now, fresh attempt budget); answers how many were. */
export const replayDeadLetters = (target: DeadLetterTarget): Promise<{ replayed: number }> => postJson('/api/admin/jobs/dead/replay', target);
/** Deletes dead letters for good; answers how many were. */
export const purgeDeadLetters = (target: DeadLetterTarget): Promise<{ purged: number }> => postJson('/api/admin/jobs/dead/purge', target);
/** Newest first. 404 (with a message naming SMTP_URL) when mail goes to a real SMTP server instead. */
export const getMailbox = (q: { to?: string; limit?: number }, signal?: AbortSignal): Promise<{ items: MailboxMessage[] }> =>
  getJson(`/api/admin/mailbox${query(q)}`, signal);

// ---- the merchant's products ----------------------------------------------------------------------------------

export const getAdminProducts = (q: { q?: string; status?: Exclude<ProductStatus, 'archived'> | ''; cursor?: string; limit?: number }, signal?: AbortSignal): Promise<CursorPage<AdminProductSummary>> =>
  getJson(`/api/admin/products${query(q)}`, signal);
export const getAdminProduct = (id: string, signal?: AbortSignal): Promise<AdminProductAnswer> => getJson(`/api/admin/products/${seg(id)}`, signal);
export const getAdminCategories = (signal?: AbortSignal): Promise<{ items: CategoryChoice[]; currency: string }> => getJson('/api/admin/categories', signal);
export const createProduct = (body: { title: string; category?: string; price?: number }): Promise<AdminProductAnswer> => postJson('/api/admin/products', body);
export const updateProduct = async (id: string, body: ProductEdit): Promise<AdminProductAnswer> => (await sendJson<AdminProductAnswer>('PATCH', `/api/admin/products/${seg(id)}`, body)).body;
export const previewDescription = (description: string): Promise<{ html: string }> => postJson('/api/admin/description-preview', { description });
export const setProductPublished = (id: string, published: boolean, version: number): Promise<AdminProductAnswer> =>
  postJson(`/api/admin/products/${seg(id)}/${published ? 'publish' : 'unpublish'}`, { version });

/** The fields an API error names (400 invalid input, a taken slug): path → message. */
export function errorFields(err: unknown): Record<string, string> {
  const fields = (err instanceof ApiError ? (err.body as { error?: { fields?: unknown } } | undefined)?.error?.fields : undefined) ?? [];
  const out: Record<string, string> = {};
  if (!Array.isArray(fields)) return out;
  for (const f of fields as { field?: unknown; message?: unknown }[]) {
    if (typeof f.field !== 'string' || typeof f.message !== 'string') continue;
    out[f.field] = out[f.field] ? `${out[f.field]}; ${f.message}` : f.message;
  }
  return out;
}
