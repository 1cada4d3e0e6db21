// Content negotiation for compressed responses (RFC 9110 §12.5.3). Each encoding is its own representation with
// its own strong ETag (`"<hash>"`, `"<hash>-br"`, `"<hash>-gzip"`), as a strong validator must change when the
// bytes do; caches keep them apart by `Vary: Accept-Encoding`.

export type Encoding = 'br' | 'gzip' | 'identity';

/** Picks br, then gzip, when the client accepts it with a non-zero q-value (a `*` counts for both). */
export function negotiateEncoding(acceptEncoding: string | undefined): Encoding {
  if (!acceptEncoding) return 'identity';
  const q = new Map<string, number>();
  for (const part of acceptEncoding.toLowerCase().split(',')) {
    const [name = '', ...params] = part.trim().split(';');
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qp ? Number(qp.slice(2)) : 1;
    q.set(name.trim(), Number.isFinite(value) ? value : 0);
  }
  const accepts = (e: string): boolean => (q.get(e) ?? q.get('*') ?? 0) > 0;
  if (accepts('br')) return 'br';
  if (accepts('gzip')) return 'gzip';
  return 'identity';
}

/** The ETag of one encoding of a representation whose identity ETag is `etag` (quoted). */
export function encodedEtag(etag: string, encoding: Encoding): string {
  return encoding === 'identity' ? etag : `${etag.slice(0, -1)}-${encoding}"`;
}
