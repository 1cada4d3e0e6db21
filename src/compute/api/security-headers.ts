// Strict security headers for every response, with a Content-Security-Policy that allows no inline script and
// still lets <model-viewer> work: its decoders compile WebAssembly ('wasm-unsafe-eval', not 'unsafe-eval') and
// three.js runs the Draco/Basis decoders in workers made from blob: URLs. Everything else comes from this origin,
// or from the CDN's domain when assets are served from one.
import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

export interface SecurityOptions {
  /** Origin of a CDN serving /assets (ASSET_BASE_URL), allowed for images, models and video. */
  readonly assetOrigin?: string;
  /** Send HSTS: only when the shop is served over HTTPS. */
  readonly hsts: boolean;
}

export function contentSecurityPolicy(assetOrigin?: string): Record<string, string[]> {
  const assets = assetOrigin ? [assetOrigin] : [];
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'", "'wasm-unsafe-eval'"],
    'worker-src': ["'self'", 'blob:'],
    // model-viewer (Lit) writes <style> into its shadow root; inline styles cannot run code, inline scripts can.
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:', ...assets],
    'media-src': ["'self'", 'blob:', ...assets],
    'connect-src': ["'self'", 'data:', 'blob:', ...assets],
    'font-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
}

export async function registerSecurityHeaders(app: FastifyInstance, opts: SecurityOptions): Promise<void> {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(opts.assetOrigin) },
    hsts: opts.hsts ? { maxAge: 63_072_000, includeSubDomains: true, preload: false } : false,
    // Models, posters and decoders are fetched cross-origin by AR viewers and CDNs: keep them loadable.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
  });
}
