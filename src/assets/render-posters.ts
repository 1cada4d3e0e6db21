// Render posters: the still images shown before the 3D view loads and in product grids, rendered by the same
// <model-viewer> the storefront uses (viewer-page.ts), from its default camera with the storefront's light and shadow,
// so the poster and the first frame of the live model match. One render at the largest width, scaled down with
// sharp and encoded as WebP and AVIF at every width (`srcset`). The background stays transparent unless asked.
import type { Sharp } from './tools.ts';
import { type ViewerLook, type ViewerPage } from './viewer-page.ts';

export const NAME = 'renderPosters';

export type PosterFormat = 'webp' | 'avif';

export interface RenderPostersOptions {
  readonly viewer: ViewerPage;
  readonly sharp: Sharp;
  /** Widths in pixels; the largest is rendered and must fit the viewer page. */
  readonly widths?: readonly number[];
  readonly formats?: readonly PosterFormat[];
  /** width / height. */
  readonly aspect?: number;
  /** model-viewer's default camera: what a shopper sees first. */
  readonly orbit?: string;
  readonly fieldOfView?: string;
  readonly look?: ViewerLook;
  /** A CSS colour to flatten onto, or null to keep transparency. */
  readonly background?: string | null;
  readonly quality?: Readonly<Record<PosterFormat, number>>;
}

export const RENDER_POSTERS_DEFAULTS: Required<Omit<RenderPostersOptions, 'viewer' | 'sharp'>> = {
  widths: [256, 512, 1024],
  formats: ['webp', 'avif'],
  aspect: 1,
  orbit: '0deg 75deg 105%',
  fieldOfView: 'auto',
  look: { shadowIntensity: 1 }, // the storefront's product page (web/src/components/ModelViewer.tsx)
  background: null,
  quality: { webp: 82, avif: 55 },
};

export interface Poster {
  readonly width: number;
  readonly height: number;
  readonly format: PosterFormat;
  readonly mimeType: `image/${PosterFormat}`;
  /** e.g. poster-512.webp */
  readonly filename: string;
  readonly bytes: Uint8Array;
}

const SLOT = 'poster';

export async function renderPosters(glb: Uint8Array, options: RenderPostersOptions): Promise<Poster[]> {
  const o = { ...RENDER_POSTERS_DEFAULTS, ...options };
  if (!o.viewer || typeof o.viewer.render !== 'function') throw new Error(`${NAME}: Requires an open ViewerPage`);
  if (typeof o.sharp !== 'function') throw new Error(`${NAME}: Requires sharp to encode posters`);
  if (o.widths.length === 0 || o.widths.some((w) => !Number.isInteger(w) || w < 16)) throw new Error(`${NAME}: Requires integer widths >= 16`);
  if (o.formats.length === 0 || o.formats.some((f) => f !== 'webp' && f !== 'avif')) throw new Error(`${NAME}: formats must be webp and/or avif`);
  if (!(o.aspect > 0)) throw new Error(`${NAME}: Requires aspect > 0`);
  const widest = Math.max(...o.widths);
  const heightOf = (w: number): number => Math.max(1, Math.round(w / o.aspect));
  if (widest > o.viewer.options.maxSize || heightOf(widest) > o.viewer.options.maxSize) {
    throw new Error(`${NAME}: a ${widest}px poster does not fit the viewer page (max ${o.viewer.options.maxSize}px)`);
  }

  await o.viewer.show(SLOT, glb, o.look);
  const png = await o.viewer.render(SLOT, { orbit: o.orbit, fieldOfView: o.fieldOfView, width: widest, height: heightOf(widest), look: o.look });
  const widths = [...new Set(o.widths)].sort((a, b) => a - b);
  // sharp works on its own thread pool: encode every size and format at once.
  const jobs = widths.flatMap((width) => o.formats.map((format) => ({ width, height: heightOf(width), format })));
  const posters = await Promise.all(
    jobs.map(async ({ width, height, format }): Promise<Poster> => {
      let img = o.sharp(png).resize(width, height, { kernel: 'lanczos3', fit: 'fill' });
      if (o.background !== null) img = img.flatten({ background: o.background });
      const out = format === 'webp' ? img.webp({ quality: o.quality.webp, effort: 5 }) : img.avif({ quality: o.quality.avif, effort: 4 });
      const bytes = await out.toBuffer();
      return {
        width,
        height,
        format,
        mimeType: `image/${format}`,
        filename: `poster-${width}.${format}`,
        bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      };
    }),
  );
  return posters;
}
