// Layer 2, Delivery (the design's CloudFront): the caching contract between the origin (our API) and any CDN or
// browser in front of it. CloudFront's cache policies in infra/ are written to honour exactly these headers.

/** Content-hashed URLs (models, posters, the web bundle): the bytes behind a URL never change. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Catalog GETs: browsers revalidate every time (cheap: ETag → 304), shared caches keep a copy for a few seconds
 * and may serve it while refetching. The bound on a stale price at the edge is s-maxage + one refetch.
 */
export const CATALOG = 'public, max-age=0, s-maxage=5, stale-while-revalidate=30';

/** Files with stable names whose content can change on deploy (vendor scripts, decoders). */
export const REVALIDATE_HOURLY = 'public, max-age=3600';

/** The HTML shell: always revalidated so a deploy is seen at once (its scripts are content-hashed). */
export const HTML = 'no-cache';

/** Per-user data (carts, accounts, orders): never stored by any shared cache. */
export const PRIVATE = 'private, no-store';

/** Health and readiness: load balancers must always see the live answer. */
export const NO_STORE = 'no-store';
