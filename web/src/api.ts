// A thin typed client for the same-origin storefront API. Errors keep the API's { error: { code, message } }.
import type { CategorySummary, ProductDetail, ProductPage } from './types.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.status === 404;
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { headers: { accept: 'application/json' }, signal });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError(0, 'NETWORK', 'The shop could not be reached. Check your connection and try again.');
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const e = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? `Request failed (${res.status})`);
  }
  if (body === undefined) throw new ApiError(res.status, 'BAD_RESPONSE', 'The shop sent an unreadable answer.');
  return body as T; // trusted same-origin API; shapes are documented in types.ts
}

export function getCategories(signal?: AbortSignal): Promise<{ items: CategorySummary[] }> {
  return getJson('/api/categories', signal);
}

export function getProducts(q: { category?: string; cursor?: string; limit?: number }, signal?: AbortSignal): Promise<ProductPage> {
  const params = new URLSearchParams();
  if (q.category) params.set('category', q.category);
  if (q.cursor) params.set('cursor', q.cursor);
  if (q.limit) params.set('limit', String(q.limit));
  const qs = params.toString();
  return getJson(`/api/products${qs ? `?${qs}` : ''}`, signal);
}

export function getProduct(slug: string, signal?: AbortSignal): Promise<ProductDetail> {
  return getJson(`/api/products/${encodeURIComponent(slug)}`, signal);
}
