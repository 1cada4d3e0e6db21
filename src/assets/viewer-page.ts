// The page machinery the browser steps share (check-fidelity, render-posters, export-usdz): one Playwright context
// on a browser the caller owns, with every request answered from memory on a fake origin. The page, <model-viewer>,
// its decoders, three's modules and the models are served by `context.route()`; anything else is aborted and
// listed in `blocked`, so a render can never fetch from the network (model-viewer's default decoder locations are
// public CDNs) and a test can prove it.
//
// Renders are deterministic on one machine: fixed size, device pixel ratio 1, no auto-rotate, no interaction prompt,
// `minimumRenderScale = 1` (model-viewer otherwise lowers the resolution when frames are slow, as they are on
// SwiftShader), the camera jumped to its goal, and the image taken with model-viewer's own `toBlob()`, which copies
// the WebGL canvas (transparent background) rather than screenshotting the page.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';

export const ORIGIN = 'https://render.vitrine.invalid';

export interface ViewerPageOptions {
  /** Largest render, in CSS pixels (the viewport is this square). */
  readonly maxSize?: number;
  /** How long one model may take to load and show, or one export to finish. SwiftShader is slow: minutes, not seconds. */
  readonly timeoutMs?: number;
}

export const VIEWER_PAGE_DEFAULTS: Required<ViewerPageOptions> = { maxSize: 1024, timeoutMs: 120_000 };

/** How the viewer lights and frames a model. Defaults match the storefront's product page. */
export interface ViewerLook {
  readonly environmentImage?: string;
  readonly exposure?: number;
  readonly shadowIntensity?: number;
  readonly toneMapping?: string;
}

export const LOOK_DEFAULTS: Required<ViewerLook> = { environmentImage: 'neutral', exposure: 1, shadowIntensity: 0, toneMapping: 'neutral' };

export interface RenderRequest {
  /** model-viewer camera-orbit, e.g. "30deg 75deg 105%". */
  readonly orbit: string;
  /** model-viewer field-of-view, e.g. "30deg" ("auto" frames the model). */
  readonly fieldOfView?: string;
  readonly width: number;
  readonly height: number;
  readonly look?: ViewerLook;
}

/** The model itself could not be shown (model-viewer's `error` event): a fact about the file, not the machine. */
export class ModelDisplayError extends Error {
  readonly code = 'MODEL_DISPLAY';
}

const require = createRequire(import.meta.url);
const fileOf = (specifier: string): string => require.resolve(specifier);
const THREE_ROOT = path.dirname(path.dirname(fileOf('three'))); // build/three.cjs → the package folder

interface Served {
  readonly type: string;
  readonly body: Buffer | string;
}

let vendorFiles: Map<string, Served> | undefined;

/** model-viewer and the decoders it loads, read once per process (about 1.5 MB). */
function vendor(): Map<string, Served> {
  if (vendorFiles) return vendorFiles;
  const draco = path.dirname(fileOf('three/examples/jsm/libs/draco/gltf/draco_decoder.js'));
  const js = 'text/javascript; charset=utf-8';
  vendorFiles = new Map<string, Served>([
    ['/vendor/model-viewer.min.js', { type: js, body: readFileSync(fileOf('@google/model-viewer/dist/model-viewer.min.js')) }],
    // The meshopt decoder must be a classic script defining a global MeshoptDecoder (FIELD-NOTES).
    ['/decoders/meshopt_decoder.cjs', { type: js, body: readFileSync(path.join(path.dirname(fileOf('meshoptimizer')), 'meshopt_decoder.cjs')) }],
    ['/decoders/draco/draco_decoder.js', { type: js, body: readFileSync(path.join(draco, 'draco_decoder.js')) }],
    ['/decoders/draco/draco_wasm_wrapper.js', { type: js, body: readFileSync(path.join(draco, 'draco_wasm_wrapper.js')) }],
    ['/decoders/draco/draco_decoder.wasm', { type: 'application/wasm', body: readFileSync(path.join(draco, 'draco_decoder.wasm')) }],
    ['/', { type: 'text/html; charset=utf-8', body: VIEWER_HTML }],
    ['/usdz', { type: 'text/html; charset=utf-8', body: USDZ_HTML }],
  ]);
  return vendorFiles;
}

/** three's ES modules for the USDZ page: build/ and examples/jsm/ only, .js files only, no way out of the package. */
function threeFile(pathname: string): Served | undefined {
  const rel = decodeURIComponent(pathname.slice('/three/'.length));
  const full = path.resolve(THREE_ROOT, rel);
  const allowed = [path.join(THREE_ROOT, 'build') + path.sep, path.join(THREE_ROOT, 'examples', 'jsm') + path.sep];
  if (!full.endsWith('.js') || !allowed.some((dir) => full.startsWith(dir))) return undefined;
  try {
    return { type: 'text/javascript; charset=utf-8', body: readFileSync(full) };
  } catch {
    return undefined;
  }
}

// The page's globals, for the callbacks below that run in the browser (they may use nothing from this module).
interface PageGlobal {
  __viewer: {
    show(args: { id: string; url: string; attributes: Record<string, string>; width: number; height: number; timeoutMs: number }): Promise<void>;
    render(args: { id: string; orbit: string; fieldOfView: string; width: number; height: number; attributes: Record<string, string> }): Promise<string>;
  };
  __usdz: { export(args: { url: string; maxTextureSize: number; timeoutMs: number }): Promise<string> };
}

/**
 * One isolated browser context for one job. Open it with a browser the caller launched (one per worker, reused);
 * close it when the job is done. Not safe for concurrent calls: the steps use it one call at a time.
 */
export class ViewerPage {
  /** Every request that was refused because it was not one of ours (should stay empty). */
  readonly blocked: string[] = [];
  /** Errors the page reported (uncaught exceptions). */
  readonly pageErrors: string[] = [];
  private readonly models = new Map<string, Uint8Array>();
  private usdzPage: Page | undefined;
  private seq = 0;

  private constructor(
    private readonly context: BrowserContext,
    private readonly page: Page,
    readonly options: Required<ViewerPageOptions>,
  ) {}

  static async open(browser: Browser, options: ViewerPageOptions = {}): Promise<ViewerPage> {
    const opts = { ...VIEWER_PAGE_DEFAULTS, ...options };
    if (!browser || typeof browser.newContext !== 'function') throw new Error('viewer: Requires a Playwright browser');
    if (!Number.isInteger(opts.maxSize) || opts.maxSize < 16) throw new Error('viewer: Requires an integer maxSize >= 16');
    const context = await browser.newContext({
      viewport: { width: opts.maxSize, height: opts.maxSize },
      deviceScaleFactor: 1,
      serviceWorkers: 'block',
    });
    try {
      const page = await context.newPage();
      const viewer = new ViewerPage(context, page, opts);
      await context.route('**/*', (route) => viewer.answer(route));
      page.on('pageerror', (err) => viewer.pageErrors.push(err.message));
      await page.goto(`${ORIGIN}/`);
      await page.waitForFunction(() => 'ready' in ((globalThis as unknown as PageGlobal).__viewer ?? {}), null, { timeout: opts.timeoutMs });
      return viewer;
    } catch (err) {
      await context.close();
      throw err;
    }
  }

  private answer(route: Route): Promise<void> {
    const url = new URL(route.request().url());
    let served: Served | undefined;
    if (url.origin === ORIGIN) {
      const model = url.pathname.startsWith('/models/') ? this.models.get(url.pathname) : undefined;
      if (model) served = { type: 'model/gltf-binary', body: Buffer.from(model.buffer, model.byteOffset, model.byteLength) };
      else if (url.pathname.startsWith('/three/')) served = threeFile(url.pathname);
      else served = vendor().get(url.pathname);
    }
    if (!served) {
      this.blocked.push(url.href);
      return route.abort('blockedbyclient');
    }
    return route.fulfill({ status: 200, contentType: served.type, body: served.body, headers: { 'cache-control': 'no-store' } });
  }

  private serve(glb: Uint8Array): string {
    const url = `/models/${++this.seq}.glb`;
    this.models.set(url, glb);
    return url;
  }

  /**
   * Shows `glb` in the <model-viewer> called `id` (replacing what it showed) and resolves once the model is loaded,
   * visible and drawn. Throws ModelDisplayError when model-viewer cannot show the file.
   */
  async show(id: string, glb: Uint8Array, look: ViewerLook = {}): Promise<void> {
    if (!/^[a-z][a-z0-9-]*$/.test(id)) throw new Error(`viewer: invalid viewer id ${JSON.stringify(id)}`);
    const url = this.serve(glb);
    try {
      await this.page.evaluate((args) => (globalThis as unknown as PageGlobal).__viewer.show(args), {
        id,
        url,
        attributes: lookAttributes(look),
        width: Math.min(384, this.options.maxSize),
        height: Math.min(384, this.options.maxSize),
        timeoutMs: this.options.timeoutMs,
      });
    } catch (err) {
      const message = (err as Error).message;
      const found = /MODEL_DISPLAY: (.*)/.exec(message);
      if (found) throw new ModelDisplayError(`viewer: model-viewer could not show the model (${found[1]})`);
      throw err;
    } finally {
      this.models.delete(url); // loaded (or failed): the page holds its own copy
    }
  }

  /** A PNG (RGBA, transparent background) of the model shown in `id`, from the given camera. */
  async render(id: string, req: RenderRequest): Promise<Buffer> {
    for (const [k, v] of [['width', req.width], ['height', req.height]] as const) {
      if (!Number.isInteger(v) || v < 16 || v > this.options.maxSize) throw new Error(`viewer: ${k} must be an integer in 16..${this.options.maxSize}`);
    }
    const b64 = await this.page.evaluate((args) => (globalThis as unknown as PageGlobal).__viewer.render(args), {
      id,
      orbit: req.orbit,
      fieldOfView: req.fieldOfView ?? 'auto',
      width: req.width,
      height: req.height,
      attributes: req.look ? lookAttributes(req.look) : {},
    });
    return Buffer.from(b64, 'base64');
  }

  /**
   * Exports `glb` as USDZ with three's USDZExporter, in a second page of this context that loads three's own ES
   * modules (model-viewer bundles a private copy of three that exposes no exporter).
   */
  async exportUsdz(glb: Uint8Array, maxTextureSize: number): Promise<Uint8Array> {
    if (!this.usdzPage) {
      const page = await this.context.newPage();
      page.on('pageerror', (err) => this.pageErrors.push(err.message));
      await page.goto(`${ORIGIN}/usdz`);
      await page.waitForFunction(() => 'ready' in ((globalThis as unknown as PageGlobal).__usdz ?? {}), null, { timeout: this.options.timeoutMs });
      this.usdzPage = page;
    }
    const url = this.serve(glb);
    try {
      const b64 = await this.usdzPage.evaluate((args) => (globalThis as unknown as PageGlobal).__usdz.export(args), { url, maxTextureSize, timeoutMs: this.options.timeoutMs });
      return new Uint8Array(Buffer.from(b64, 'base64'));
    } finally {
      this.models.delete(url);
    }
  }

  async close(): Promise<void> {
    this.models.clear();
    await this.context.close();
  }
}

function lookAttributes(look: ViewerLook): Record<string, string> {
  const l = { ...LOOK_DEFAULTS, ...look };
  return {
    'environment-image': l.environmentImage,
    exposure: String(l.exposure),
    'shadow-intensity': String(l.shadowIntensity),
    'tone-mapping': l.toneMapping,
  };
}

// ---- the pages (browser code, plain JS) -------------------------------------------------------------------------

const BROWSER_HELPERS = `
function frames(n) {
  return new Promise((resolve) => { const step = () => (--n <= 0 ? resolve() : requestAnimationFrame(step)); requestAnimationFrame(step); });
}
async function toBase64(blob) {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(what + ' timed out after ' + ms + ' ms')), ms); })])
    .finally(() => clearTimeout(timer));
}`;

const VIEWER_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<style>html,body{margin:0;background:transparent}model-viewer{position:absolute;left:0;top:0;display:block;--poster-color:transparent}</style>
<script>
// Our decoders, from this origin: model-viewer's defaults are public CDNs.
self.ModelViewerElement = { dracoDecoderLocation: '/decoders/draco/', meshoptDecoderLocation: '/decoders/meshopt_decoder.cjs' };
</script>
<script type="module" src="/vendor/model-viewer.min.js"></script>
<script type="module">
${BROWSER_HELPERS}
await customElements.whenDefined('model-viewer');
const ModelViewer = customElements.get('model-viewer');
ModelViewer.minimumRenderScale = 1; // never trade resolution for frame rate: renders must be comparable
window.__viewer = {
  ready: true,
  async show({ id, url, attributes, width, height, timeoutMs }) {
    document.getElementById(id)?.remove();
    const mv = document.createElement('model-viewer');
    mv.id = id;
    mv.setAttribute('loading', 'eager');
    mv.setAttribute('reveal', 'auto');
    mv.setAttribute('interaction-prompt', 'none');
    for (const [k, v] of Object.entries(attributes)) mv.setAttribute(k, v);
    mv.style.width = width + 'px';
    mv.style.height = height + 'px';
    const loaded = new Promise((resolve, reject) => {
      mv.addEventListener('load', () => resolve(), { once: true });
      mv.addEventListener('error', (e) => reject(new Error('MODEL_DISPLAY: ' + ((e.detail && e.detail.type) || 'error'))), { once: true });
    });
    mv.src = url;
    document.body.append(mv);
    await withTimeout(loaded, timeoutMs, 'loading the model');
    await withTimeout((async () => { while (!mv.modelIsVisible) await frames(1); })(), timeoutMs, 'showing the model');
    await frames(3);
  },
  async render({ id, orbit, fieldOfView, width, height, attributes }) {
    const mv = document.getElementById(id);
    if (!mv) throw new Error('no viewer ' + id);
    for (const [k, v] of Object.entries(attributes)) mv.setAttribute(k, v);
    if (mv.style.width !== width + 'px' || mv.style.height !== height + 'px') {
      mv.style.width = width + 'px';
      mv.style.height = height + 'px';
      await frames(3); // model-viewer resizes its canvas on the next frames
    }
    mv.cameraOrbit = orbit;
    mv.fieldOfView = fieldOfView;
    mv.cameraTarget = 'auto auto auto';
    await mv.updateComplete;
    mv.jumpCameraToGoal();
    await frames(4);
    return toBase64(await mv.toBlob({ mimeType: 'image/png' }));
  },
};
</script>
</head><body></body></html>`;

const USDZ_HTML = `<!doctype html>
<html><head><meta charset="utf-8">
<script type="importmap">{ "imports": { "three": "/three/build/three.module.js", "three/addons/": "/three/examples/jsm/" } }</script>
<script type="module">
import { GLTFLoader } from 'three/addons/loaders/GLTFLoader.js';
import { DRACOLoader } from 'three/addons/loaders/DRACOLoader.js';
import { MeshoptDecoder } from 'three/addons/libs/meshopt_decoder.module.js';
import { USDZExporter } from 'three/addons/exporters/USDZExporter.js';
${BROWSER_HELPERS}
const draco = new DRACOLoader().setDecoderPath('/decoders/draco/');
window.__usdz = {
  ready: true,
  async export({ url, maxTextureSize, timeoutMs }) {
    const loader = new GLTFLoader().setDRACOLoader(draco).setMeshoptDecoder(MeshoptDecoder);
    const work = (async () => {
      const gltf = await loader.loadAsync(url);
      const data = await new USDZExporter().parseAsync(gltf.scene, { quickLookCompatible: true, maxTextureSize });
      return toBase64(new Blob([data]));
    })();
    return withTimeout(work, timeoutMs, 'exporting USDZ');
  },
};
</script>
</head><body></body></html>`;
