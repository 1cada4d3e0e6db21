// Strict security headers for every response, with a Content-Security-Policy that allows no inline script and
// still lets <model-viewer> work: its decoders compile WebAssembly ('wasm-unsafe-eval', not 'unsafe-eval') and
// three.js runs the Draco/Basis decoders in workers made from blob: URLs. Everything else comes from this origin,
// or from the CDN's domain when assets are served from one.
//
// The set is helmet's, computed once at start-up and attached with one reply.headers() call: @fastify/helmet ran
// a dozen header functions per request, which cost a quarter of the catalog's throughput (npm run bench:catalog).
import type { FastifyInstance } from 'fastify';

export interface SecurityOptions {
  /** Origin of a CDN serving /assets (ASSET_BASE_URL), allowed for images, models and video. */
  readonly assetOrigin?: string;
  /** Send HSTS: only when the shop is served over HTTPS. */
  readonly hsts: boolean;
  /** Where the merchant's browser PUTs presigned uploads (the S3 bucket's endpoint), when not this origin. */
  readonly uploadOrigin?: string | undefined;
}

export function contentSecurityPolicy(assetOrigin?: string, uploadOrigin?: string): Record<string, string[]> {
  const assets = assetOrigin ? [assetOrigin] : [];
  const uploads = uploadOrigin && uploadOrigin !== assetOrigin ? [uploadOrigin] : [];
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'", "'wasm-unsafe-eval'"],
    'worker-src': ["'self'", 'blob:'],
    // model-viewer (Lit) writes <style> into its shadow root; inline styles cannot run code, inline scripts can.
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:', ...assets],
    'media-src': ["'self'", 'blob:', ...assets],
    'connect-src': ["'self'", 'data:', 'blob:', ...assets, ...uploads],
    'font-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
}

export function securityHeaders(opts: SecurityOptions): Record<string, string> {
  const csp = Object.entries(contentSecurityPolicy(opts.assetOrigin, opts.uploadOrigin))
    .map(([directive, values]) => `${directive} ${values.join(' ')}`)
    .join('; ');
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'cross-origin-opener-policy': 'same-origin',
    // Models, posters and decoders are fetched cross-origin by AR viewers and CDNs: keep them loadable.
    'cross-origin-resource-policy': 'cross-origin',
    'origin-agent-cluster': '?1',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0',
    ...(opts.hsts ? { 'strict-transport-security': 'max-age=63072000; includeSubDomains' } : {}),
  };
}

/** Attaches the headers, and the request's id as `x-request-id`, to every response. */
export async function registerSecurityHeaders(app: FastifyInstance, opts: SecurityOptions): Promise<void> {
  const headers = securityHeaders(opts);
  app.addHook('onRequest', (req, reply, done) => {
    reply.headers(headers).header('x-request-id', req.id);
    done();
  });
}
