// The storefront (built by Vite into web/dist) and the 3D viewer's own files, all from this origin: no browser
// request ever leaves it. On AWS the same files sit in S3 behind CloudFront; this is the one-machine origin.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { HTML, IMMUTABLE, REVALIDATE_HOURLY } from '../../../delivery/cache-policy.ts';
import { body, notFound } from '../errors.ts';
import type { ApiServices } from '../ports.ts';

const require = createRequire(import.meta.url);
const dirOf = (specifier: string): string => path.dirname(require.resolve(specifier));

/** URL prefix → folder, for <model-viewer> and the decoders it loads (draco, basis/KTX2, meshopt). */
export const VENDOR_DIRS: Record<string, string> = {
  '/vendor/model-viewer/': dirOf('@google/model-viewer/dist/model-viewer.min.js'),
  '/vendor/draco/': dirOf('three/examples/jsm/libs/draco/gltf/draco_decoder.js'),
  '/vendor/basis/': dirOf('three/examples/jsm/libs/basis/basis_transcoder.js'),
  '/vendor/meshopt/': dirOf('meshoptimizer'),
};

const VENDOR_FILES = /^(model-viewer\.min\.js|draco_decoder\.(js|wasm)|draco_wasm_wrapper\.js|basis_transcoder\.(js|wasm)|meshopt_decoder\.cjs)$/;

export const webRoutes: FastifyPluginAsync<{ services: ApiServices }> = async (app, { services }) => {
  const webRoot = services.webRoot;
  const hasWeb = webRoot !== undefined && existsSync(path.join(webRoot, 'index.html'));
  if (hasWeb) {
    await app.register(fastifyStatic, {
      root: webRoot,
      prefix: '/',
      decorateReply: true, // reply.sendFile serves the app shell below
      cacheControl: false,
      wildcard: false,
      setHeaders: (res, file) => {
        // Vite names everything under static/ by content hash; the rest (index.html, icons) must revalidate.
        const rel = path.relative(webRoot, file).split(path.sep);
        res.header('cache-control', rel[0] === 'static' ? IMMUTABLE : HTML);
      },
    });
  }

  for (const [prefix, root] of Object.entries(VENDOR_DIRS)) {
    await app.register(fastifyStatic, {
      root,
      prefix,
      decorateReply: false,
      cacheControl: false,
      index: false,
      allowedPath: (p) => VENDOR_FILES.test(path.basename(p)),
      setHeaders: (res, file) => {
        res.header('cache-control', REVALIDATE_HOURLY);
        // The meshopt decoder must load as a classic script defining a global; .cjs has no standard MIME type.
        if (file.endsWith('.cjs')) res.header('content-type', 'text/javascript; charset=utf-8');
      },
    });
  }

  // Client-side routes (/p/:slug, /c/:category) get the app shell; unknown API and asset paths stay JSON 404s.
  app.setNotFoundHandler(async (req, reply) => {
    const p = req.url.split('?')[0] ?? '/';
    const wantsPage = (req.method === 'GET' || req.method === 'HEAD') && !/^\/(api|assets|vendor|static)\//.test(p);
    if (wantsPage && hasWeb) {
      return reply.header('cache-control', HTML).sendFile('index.html', webRoot);
    }
    if (wantsPage && p === '/') {
      return reply
        .type('text/plain; charset=utf-8')
        .send('Vitrine API is running, but the storefront is not built. Run `npm run build:web` (npm start does it for you).\n');
    }
    const e = notFound(`Route ${req.method} ${p}`);
    return reply.code(e.statusCode).send(body(e.code, e.message));
  });
};
