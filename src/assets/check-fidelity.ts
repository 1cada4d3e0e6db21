// Check fidelity: does the optimised model look like the original? Both are rendered by <model-viewer> in headless
// Chromium (viewer-page.ts) from the same cameras with the same light, and each pair of images is scored with SSIM
// (ssim.js). A view passes at `threshold` (0.97 by default); the check passes when every view does.
//
// How the score is taken, and why:
// - Images are cropped to the union of both models' silhouettes (alpha > 0) plus a margin: an empty background is
//   identical in both and would otherwise lift every score towards 1 (a bottle covers ~25 % of a square frame).
// - Transparent pixels are composited onto mid grey, so edges count against either background colour alike.
// - SSIM is computed on each of R, G and B and the lowest is kept. ssim.js works on luminance; a colour change of
//   similar luminance (a red fabric turned green) would pass a luminance-only score.
import { ssim } from 'ssim.js';
import type { Sharp } from './tools.ts';
import type { ViewerPage } from './viewer-page.ts';

export const NAME = 'checkFidelity';

export interface CheckFidelityOptions {
  /** An open viewer page (the browser is the caller's). */
  readonly viewer: ViewerPage;
  readonly sharp: Sharp;
  /** model-viewer camera orbits, one per view. */
  readonly views?: readonly string[];
  /** Square render size in pixels. */
  readonly size?: number;
  readonly fieldOfView?: string;
  readonly threshold?: number;
}

export const CHECK_FIDELITY_DEFAULTS: Required<Omit<CheckFidelityOptions, 'viewer' | 'sharp'>> = {
  // Front, back-right from a little above, left from a little below, and a high three-quarter view.
  views: ['0deg 75deg auto', '135deg 60deg auto', '250deg 100deg auto', '315deg 30deg auto'],
  size: 384,
  fieldOfView: '30deg',
  threshold: 0.97,
};

/** The original's renders, kept to score further candidates without rendering it again. */
export interface FidelityReference {
  readonly views: readonly string[];
  readonly size: number;
  readonly fieldOfView: string;
  readonly images: readonly Buffer[]; // PNG, one per view
}

export interface ViewScore {
  readonly orbit: string;
  readonly ssim: number;
}

export interface FidelityResult {
  readonly pass: boolean;
  readonly threshold: number;
  readonly minSsim: number;
  readonly views: ViewScore[];
  /** The candidate's renders (PNG), in view order: evidence for a report or a test. */
  readonly images: Buffer[];
}

const ORIGINAL = 'fidelity-original';
const CANDIDATE = 'fidelity-candidate';

function checkOptions(options: CheckFidelityOptions): Required<CheckFidelityOptions> {
  const o = { ...CHECK_FIDELITY_DEFAULTS, ...options };
  if (!o.viewer || typeof o.viewer.render !== 'function') throw new Error(`${NAME}: Requires an open ViewerPage`);
  if (typeof o.sharp !== 'function') throw new Error(`${NAME}: Requires sharp to decode renders`);
  if (o.views.length === 0) throw new Error(`${NAME}: Requires at least one view`);
  if (!Number.isInteger(o.size) || o.size < 32) throw new Error(`${NAME}: Requires an integer size >= 32`);
  if (!(o.threshold > 0 && o.threshold <= 1)) throw new Error(`${NAME}: Requires 0 < threshold <= 1`);
  return o;
}

/** Renders the original once from every view. Throws ModelDisplayError when model-viewer cannot show it. */
export async function renderReference(original: Uint8Array, options: CheckFidelityOptions): Promise<FidelityReference> {
  const o = checkOptions(options);
  await o.viewer.show(ORIGINAL, original);
  const images: Buffer[] = [];
  for (const orbit of o.views) images.push(await o.viewer.render(ORIGINAL, { orbit, fieldOfView: o.fieldOfView, width: o.size, height: o.size }));
  return { views: [...o.views], size: o.size, fieldOfView: o.fieldOfView, images };
}

/**
 * Scores `optimised` against the original (its bytes, or a reference rendered earlier). The reference's views,
 * size and field of view win over the options'. Throws ModelDisplayError when model-viewer cannot show a model.
 */
export async function checkFidelity(
  original: Uint8Array | FidelityReference,
  optimised: Uint8Array,
  options: CheckFidelityOptions,
): Promise<FidelityResult> {
  const o = checkOptions(options);
  const ref = original instanceof Uint8Array ? await renderReference(original, o) : original;
  await o.viewer.show(CANDIDATE, optimised);
  const scores: number[] = [];
  const images: Buffer[] = [];
  for (const [i, orbit] of ref.views.entries()) {
    const png = await o.viewer.render(CANDIDATE, { orbit, fieldOfView: ref.fieldOfView, width: ref.size, height: ref.size });
    images.push(png);
    scores.push(await compareImages(ref.images[i]!, png, o.sharp));
  }
  const minSsim = Math.min(...scores);
  return {
    pass: minSsim >= o.threshold,
    threshold: o.threshold,
    minSsim: round4(minSsim),
    views: ref.views.map((orbit, i) => ({ orbit, ssim: round4(scores[i]!) })),
    images,
  };
}

interface Rgba {
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
}

async function decode(png: Buffer, sharp: Sharp): Promise<Rgba> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** SSIM of two renders (PNG, RGBA): the lowest of the R, G and B scores over the models' silhouettes. */
export async function compareImages(a: Buffer, b: Buffer, sharp: Sharp): Promise<number> {
  const [x, y] = await Promise.all([decode(a, sharp), decode(b, sharp)]);
  if (x.width !== y.width || x.height !== y.height) throw new Error(`${NAME}: renders differ in size (${x.width}x${x.height}, ${y.width}x${y.height})`);
  const box = silhouetteBox(x, y);
  if (!box) return 1; // nothing drawn in either: identical
  let lowest = 1;
  for (let channel = 0; channel < 3; channel++) {
    const score = ssim(channelImage(x, box, channel), channelImage(y, box, channel)).mssim;
    lowest = Math.min(lowest, score);
  }
  return lowest;
}

interface Box {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

const MARGIN = 8;
const MIN_SIDE = 32; // well above SSIM's 11-pixel window

function silhouetteBox(x: Rgba, y: Rgba): Box | null {
  let minX = Infinity, minY = Infinity, maxX = -1, maxY = -1;
  for (let py = 0; py < x.height; py++) {
    for (let px = 0; px < x.width; px++) {
      const i = (py * x.width + px) * 4 + 3;
      if (x.data[i]! > 0 || y.data[i]! > 0) {
        if (px < minX) minX = px;
        if (px > maxX) maxX = px;
        if (py < minY) minY = py;
        if (py > maxY) maxY = py;
      }
    }
  }
  if (maxX < 0) return null;
  const grow = (lo: number, hi: number, limit: number): [number, number] => {
    let a = Math.max(0, lo - MARGIN);
    let b = Math.min(limit - 1, hi + MARGIN);
    while (b - a + 1 < Math.min(MIN_SIDE, limit)) {
      if (a > 0) a--;
      if (b < limit - 1) b++;
    }
    return [a, b];
  };
  const [left, right] = grow(minX, maxX, x.width);
  const [top, bottom] = grow(minY, maxY, x.height);
  return { left, top, width: right - left + 1, height: bottom - top + 1 };
}

/** One colour channel of the box, over mid grey, as a grey RGBA image (ssim.js's luminance of it is the channel). */
function channelImage(img: Rgba, box: Box, channel: number): { data: Uint8ClampedArray; width: number; height: number } {
  const out = new Uint8ClampedArray(box.width * box.height * 4);
  for (let y = 0; y < box.height; y++) {
    for (let x = 0; x < box.width; x++) {
      const i = ((box.top + y) * img.width + box.left + x) * 4;
      const alpha = img.data[i + 3]! / 255;
      const v = img.data[i + channel]! * alpha + 128 * (1 - alpha);
      const o = (y * box.width + x) * 4;
      out[o] = out[o + 1] = out[o + 2] = v;
      out[o + 3] = 255;
    }
  }
  return { data: out, width: box.width, height: box.height };
}

/** Four decimals are plenty for a report; the pass/fail decision uses the unrounded score. */
const round4 = (n: number): number => Math.floor(n * 10_000) / 10_000;
