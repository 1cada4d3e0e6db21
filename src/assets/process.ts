// Process: one upload in, everything the storefront needs out. The pipeline's orchestrator, and pure of
// storage: bytes in, bytes and a report out (the asset.process job handler reads and writes the stores;
// `vitrine assets:optimize` runs the same function on a local file).
//
//   unpack (a .glb as it is, a .zip's .gltf + files as a GLB) ── refused ──▶ failed (what is wrong, in words)
//      │
//   validate ── errors ──▶ failed (the validator's messages, for the merchant)
//      │
//   inspect (textures of 16384² or more ──▶ failed, before anything decodes them)
//      │
//   render the original (4 views) → optimise → same 4 views → SSIM ≥ threshold?
//      requested settings, then smaller candidates (AVIF 4:4:4 at the lowest quality that passes, tangents left to
//      the viewer): the smallest that passes is published; when none does, lighter settings until one passes
//      (then: publish the original)
//      │
//   posters (WebP + AVIF, several widths) → USDZ for iOS Quick Look (optional: its failure is noted, not fatal)
//
// A model model-viewer cannot display fails too: the storefront would show nothing. Anything that is the machine's
// fault rather than the file's (the browser crashed, a render timed out) is thrown, so the job is retried. The
// browser is asked for only once the file passed validation, so a bad file never waits for (or needs) Chromium.
import type { Browser } from 'playwright-core';
import type { AssetReport, AssetValidationSummary } from '../domain/catalog.ts';
import { type CheckFidelityOptions, type FidelityReference, type FidelityResult, checkFidelity, renderReference } from './check-fidelity.ts';
import { exportUsdz } from './export-usdz.ts';
import { type Inspection, inspectDocument, readGlb } from './inspect.ts';
import { type OptimizeResult, type OptimizeSettings, type TextureCache, OPTIMIZE_DEFAULTS, describeSettings, optimize } from './optimize.ts';
import { type Poster, type RenderPostersOptions, renderPosters } from './render-posters.ts';
import type { PipelineTools } from './tools.ts';
import type { ModelFormat } from './sniff.ts';
import { type ResourceResolver, type UnpackLimits, ModelInputError, oversizedTexture, prepareInput } from './unpack.ts';
import { type Validation, describeErrors, validate } from './validate.ts';
import { ModelDisplayError, ViewerPage, type ViewerPageOptions } from './viewer-page.ts';

export const NAME = 'process';

export interface ProcessOptions {
  readonly tools: PipelineTools;
  /**
   * A launched browser (one per worker, shared), or a function that gives one, called only when a render is due;
   * the pipeline opens and closes its own context in it.
   */
  readonly browser: Browser | (() => Promise<Browser>);
  /** The upload's file name, for messages. */
  readonly filename?: string;
  /** Reads the files a bare .gltf references (the CLI: from beside it); without it they must be in a .zip. */
  readonly resolveResource?: ResourceResolver;
  /** Zip limits (unpack.ts UNPACK_DEFAULTS otherwise). */
  readonly unpack?: Partial<UnpackLimits>;
  /** Called as each step starts (`optimize` and `checkFidelity` again for each lighter attempt): for progress. */
  readonly onStep?: (step: ProcessStep) => void;
  /** The first settings tried (OPTIMIZE_DEFAULTS otherwise); lighter ones follow when fidelity falls short. */
  readonly optimize?: OptimizeSettings;
  readonly fidelity?: Omit<CheckFidelityOptions, 'viewer' | 'sharp'>;
  readonly posters?: Omit<RenderPostersOptions, 'viewer' | 'sharp'>;
  /** false: no USDZ. */
  readonly usdz?: false | { readonly maxTextureSize?: number };
  /** false: publish the first settings that look the same, without searching for a smaller file (faster). */
  readonly searchSmaller?: boolean;
  readonly viewer?: ViewerPageOptions;
}

/** The steps in the order they first run. */
export const PROCESS_STEPS = ['unpack', 'validate', 'inspect', 'renderOriginal', 'optimize', 'checkFidelity', 'posters', 'usdz'] as const;
export type ProcessStep = (typeof PROCESS_STEPS)[number];

export interface ProcessResult {
  readonly status: 'ready' | 'failed';
  /** What was uploaded, and the GLB it became (absent when it could not be read at all). */
  readonly input?: { readonly format: ModelFormat; readonly bytes: number; readonly glbBytes: number };
  /** The GLB to publish: optimised, or the validated original. Absent when failed. */
  readonly glb?: Uint8Array;
  readonly posters: Poster[];
  readonly usdz?: Uint8Array;
  /** What the published GLB is (size, triangles, variants). */
  readonly inspection?: Inspection;
  /** For the merchant, when failed. */
  readonly error?: string;
  readonly report: AssetReport;
}

/**
 * What to try when the requested settings do not look the same, in order: keep data textures exact (normal maps,
 * the packed ones, both), then every
 * texture pixel, then full-precision vertices too. Each step is lighter than the one before.
 */
function lighterSettings(first: Required<OptimizeSettings>): { settings: Required<OptimizeSettings>; why: string }[] {
  const steps: { settings: Required<OptimizeSettings>; why: string }[] = [];
  if (first.textureFormat === 'webp' && !first.losslessTextures && !first.losslessDataTextures) {
    // Normal maps alone, then the packed ones alone, then both: the smallest file that looks the same wins.
    steps.push({ settings: { ...first, losslessDataTextures: 'normal' }, why: 'lighter: lossless normal maps' });
    steps.push({ settings: { ...first, losslessDataTextures: 'packed' }, why: 'lighter: lossless occlusion/metal-rough' });
    steps.push({ settings: { ...first, losslessDataTextures: true }, why: 'lighter: lossless data textures (normal, occlusion, metal-rough)' });
  }
  const lossless = { ...first, losslessTextures: true, maxTextureSize: null };
  if (!first.losslessTextures || first.maxTextureSize !== null) steps.push({ settings: lossless, why: 'lighter: lossless textures at full size' });
  if (first.geometry === 'draco' || (first.geometry === 'meshopt' && first.quantize)) {
    const geometry = first.geometry === 'meshopt' ? 'meshopt' : 'none'; // Draco always quantizes
    steps.push({ settings: { ...lossless, geometry, quantize: false }, why: 'lighter: lossless textures, no quantization' });
  }
  return steps;
}

interface Candidate {
  readonly opt: OptimizeResult;
  readonly fidelity: FidelityResult;
}

/** AVIF qualities the search picks from, lowest first (sharp's scale; bytes grow with it, and so does the score). */
export const SEARCH_QUALITIES: readonly number[] = [40, 55, 70, 85];

/**
 * The smallest file that still looks the same, found by the same fidelity check: textures as AVIF with full-resolution
 * chroma (lossy WebP's 4:2:0 is what blurs normal and packed maps, see optimize.ts) at the lowest quality that
 * passes (a binary search over SEARCH_QUALITIES: 2–3 candidates), then the same with the stored tangents left to
 * the viewer (one more, its textures from the cache). Measured on ../shared/models (docs/performance.md): this is
 * what makes the pipeline's files smaller than glTF-Transform's `optimize` at a higher SSIM. Only when the requested
 * textures are the default lossy WebP: explicit lossless or original-format textures are the merchant's choice.
 */
async function searchSmaller(
  first: Required<OptimizeSettings>,
  model: { readonly textures: boolean; readonly tangents: boolean },
  attempt: (s: Required<OptimizeSettings>) => Promise<Candidate | null>,
): Promise<void> {
  if (first.textureFormat !== 'webp' || first.losslessTextures || first.losslessDataTextures || first.textureQuality !== null) return;
  let best: Required<OptimizeSettings> | null = model.textures ? null : first;
  if (model.textures) {
    let lo = 0;
    let hi = SEARCH_QUALITIES.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const settings: Required<OptimizeSettings> = { ...first, textureFormat: 'avif', textureQuality: SEARCH_QUALITIES[mid]! };
      if (await attempt(settings)) {
        best = settings;
        hi = mid - 1;
      } else {
        lo = mid + 1;
      }
    }
  }
  if (best && model.tangents) await attempt({ ...best, dropTangents: true });
}

export async function processModel(input: Uint8Array, options: ProcessOptions): Promise<ProcessResult> {
  if (!options?.tools?.validator || !options.tools.io) throw new Error(`${NAME}: Requires the pipeline tools (loadPipelineTools())`);
  const given = options.browser;
  if (!given || (typeof given !== 'function' && typeof given.newContext !== 'function')) throw new Error(`${NAME}: Requires a launched browser`);
  if (!(input instanceof Uint8Array)) throw new Error(`${NAME}: Requires the model's bytes`);
  const browser = (): Promise<Browser> => (typeof given === 'function' ? given() : Promise.resolve(given));
  const { tools } = options;
  const timings: Record<string, number> = {};
  const started = performance.now();
  const time = async <T>(step: ProcessStep, work: () => Promise<T>): Promise<T> => {
    options.onStep?.(step);
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      timings[step] = Math.round((timings[step] ?? 0) + performance.now() - t0);
    }
  };
  const notes: string[] = [];
  const finish = (report: Omit<AssetReport, 'timingsMs' | 'notes'>): AssetReport => ({
    ...report,
    ...(notes.length > 0 ? { notes } : {}),
    timingsMs: { ...timings, total: Math.round(performance.now() - started) },
  });
  const failed = (error: string, report: Omit<AssetReport, 'timingsMs' | 'notes' | 'publishedOriginal'>): ProcessResult => ({
    status: 'failed',
    posters: [],
    error,
    report: finish({ ...report, publishedOriginal: false, reason: error }),
  });

  // 0. A GLB, from whatever was uploaded (or a refusal that says what is wrong with the file).
  const upload = input;
  let prepared;
  try {
    prepared = await time('unpack', () =>
      prepareInput(upload, { io: tools.io, filename: options.filename, resolveResource: options.resolveResource, limits: options.unpack }),
    );
  } catch (err) {
    if (!(err instanceof ModelInputError)) throw err;
    return failed(err.message, { validation: { input: refusal(err) } });
  }
  notes.push(...prepared.notes);
  input = prepared.glb;
  const inputFacts = { format: prepared.format, bytes: upload.byteLength, glbBytes: input.byteLength };
  const failedInput = (error: string, report: Parameters<typeof failed>[1]): ProcessResult => ({ ...failed(error, report), input: inputFacts });

  // 1. Valid glTF, or the merchant gets the validator's words.
  const inputValidation = await time('validate', () => validate(input, { validator: tools.validator, io: tools.io }));
  const validation: { input: AssetValidationSummary; output?: AssetValidationSummary } = { input: summary(inputValidation) };
  if (inputValidation.errors > 0) return failedInput(describeErrors(inputValidation), { validation });
  if (!inputValidation.decodedChecked) notes.push(`compressed geometry (${inputValidation.compressed.join(', ')}) was not validated`);

  let inputInspection: Inspection;
  let hasTangents = false;
  try {
    inputInspection = await time('inspect', async () => {
      const doc = await readGlb(input, tools.io);
      hasTangents = doc.getRoot().listMeshes().some((m) => m.listPrimitives().some((p) => p.getAttribute('TANGENT') !== null));
      return inspectDocument(doc);
    });
  } catch (err) {
    return failedInput(`The model could not be read: ${(err as Error).message}`, { validation });
  }
  const inspection = {
    drawCalls: inputInspection.drawCalls,
    materials: inputInspection.materials,
    extensions: inputInspection.extensions,
    textures: inputInspection.textureSizes,
  };
  // Sizes come from the image headers; nothing has decoded a pixel yet. The first render would.
  const hugeTexture = oversizedTexture(inputInspection.textureSizes);
  if (hugeTexture) return failedInput(hugeTexture, { validation, inspection });

  const viewer = await ViewerPage.open(await browser(), options.viewer);
  try {
    const fidelityOptions = { ...options.fidelity, viewer, sharp: tools.sharp };
    // 2. The original as model-viewer shows it: the reference, and proof the storefront can display it at all.
    let reference: FidelityReference;
    try {
      reference = await time('renderOriginal', () => renderReference(input, fidelityOptions));
    } catch (err) {
      if (!(err instanceof ModelDisplayError)) throw err;
      return failedInput(`The 3D viewer could not display the model: ${err.message}`, { validation, inspection });
    }

    // 3. Optimise: the requested settings, then the smallest file that still looks the same (searchSmaller), and
    // only when nothing passed, lighter settings one after another (the first that passes wins).
    const first: Required<OptimizeSettings> = { ...OPTIMIZE_DEFAULTS, ...definedOnly(options.optimize ?? {}) };
    const fallbacks: string[] = [];
    const passed: Candidate[] = [];
    let lastStats: OptimizeResult['stats'] | undefined;
    let reason: string | undefined;
    /** One candidate: optimised, validated, meaning kept, then scored; null when it is not publishable. */
    const textureCache: TextureCache = new Map(); // candidates share encodes (same image, same settings)
    const attempt = async (settings: Required<OptimizeSettings>): Promise<Candidate | null> => {
      const opt = await time('optimize', () => optimize(input, { ...tools, ...settings, textureCache }));
      fallbacks.push(...opt.fallbacks);
      lastStats = opt.stats;
      if (opt.usedOriginal) {
        reason = opt.fallbacks.at(-1) ?? 'no optimisation passed the checks';
        return null;
      }
      if (opt.warnings.length > 0) notes.push(...opt.warnings.map((w) => `optimize: ${w}`));
      let fidelity: FidelityResult;
      try {
        fidelity = await time('checkFidelity', () => checkFidelity(reference, opt.glb, fidelityOptions));
      } catch (err) {
        if (!(err instanceof ModelDisplayError)) throw err;
        fallbacks.push(`${describeSettings(opt.settings!)}: the viewer could not display the result`);
        return null;
      }
      if (fidelity.pass) {
        const found = { opt, fidelity };
        passed.push(found);
        return found;
      }
      const worst = fidelity.views.reduce((a, b) => (b.ssim < a.ssim ? b : a));
      fallbacks.push(`${describeSettings(opt.settings!)} looked different: SSIM ${worst.ssim} < ${fidelity.threshold} from ${worst.orbit}`);
      return null;
    };
    await attempt(first);
    if (!reason && options.searchSmaller !== false) {
      await searchSmaller(first, { textures: inputInspection.textureSizes.length > 0, tangents: hasTangents }, attempt);
    }
    if (passed.length === 0 && !reason) {
      for (const step of lighterSettings(first)) {
        fallbacks.push(step.why);
        if ((await attempt(step.settings)) || reason) break;
      }
    }
    const accepted = passed.reduce<Candidate | undefined>((best, c) => (!best || c.opt.glb.byteLength < best.opt.glb.byteLength ? c : best), undefined);
    if (!accepted && !reason) reason = 'no optimisation looked the same as the original';
    const glb = accepted ? accepted.opt.glb : input;
    validation.output = summary(accepted ? accepted.opt.validation : inputValidation);
    const published = accepted ? await time('inspect', async () => inspectDocument(await readGlb(glb, tools.io))) : inputInspection;

    // 4. Posters and the iOS file, from what is published.
    const posters = await time('posters', () => renderPosters(glb, { ...options.posters, viewer, sharp: tools.sharp }));
    let usdz: Uint8Array | undefined;
    let usdzNote: string;
    if (options.usdz === false) {
      usdzNote = 'not requested';
    } else {
      try {
        const out = await time('usdz', () => exportUsdz(glb, { viewer, ...(options.usdz || {}) }));
        usdz = out.bytes;
        usdzNote = `three.js USDZExporter, ${out.entries.length} files, checked (stored, 64-byte aligned)` +
          (published.materialVariants.length > 0 ? '; shows the default material only: Quick Look has no material variants' : '');
      } catch (err) {
        usdzNote = `not produced (${(err as Error).message}); model-viewer builds one in the browser for Quick Look`;
      }
    }
    if (viewer.blocked.length > 0) notes.push(`the render page refused ${viewer.blocked.length} requests, e.g. ${viewer.blocked[0]}`);
    if (viewer.pageErrors.length > 0) notes.push(`render page errors: ${viewer.pageErrors.slice(0, 3).join('; ')}`);

    const stats = accepted?.opt.stats ?? lastStats!;
    return {
      status: 'ready',
      input: inputFacts,
      glb,
      posters,
      ...(usdz ? { usdz } : {}),
      inspection: published,
      report: finish({
        validation,
        inspection,
        optimisation: {
          settings: accepted ? describeSettings(accepted.opt.settings!) : null,
          bytesBefore: input.byteLength,
          bytesAfter: glb.byteLength,
          trianglesBefore: stats.trianglesBefore,
          trianglesAfter: accepted ? stats.trianglesAfter : stats.trianglesBefore,
          fallbacks,
        },
        ...(accepted ? { ssim: accepted.fidelity.views } : {}),
        usdz: { produced: usdz !== undefined, note: usdzNote },
        publishedOriginal: !accepted,
        ...(reason && !accepted ? { reason } : {}),
      }),
    };
  } finally {
    await viewer.close();
  }
}

/** A refused upload, in the validation summary's shape: one error, the refusal. */
function refusal(err: ModelInputError): AssetValidationSummary {
  return { errors: 1, warnings: 0, infos: 0, hints: 0, messages: [{ code: 'INPUT_REFUSED', message: err.message, severity: 'error', pointer: '' }], truncated: false };
}

function summary(v: Validation): AssetValidationSummary {
  return { errors: v.errors, warnings: v.warnings, infos: v.infos, hints: v.hints, messages: v.messages, truncated: v.truncated };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
