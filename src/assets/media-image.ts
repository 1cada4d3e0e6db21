// Product photos (and video posters): decoded with sharp, turned upright from their EXIF orientation, every piece of
// metadata dropped (camera, GPS position, colour profile applied first: sharp keeps none unless asked), and encoded
// as WebP at the gallery's widths, never wider than the photo. No storage I/O: the handler stores what this returns.
import { MAX_IMAGE_PIXELS, renditionWidths, type MediaFormat } from '../domain/media.ts';

/** A photo this shop cannot use, for a reason in the file itself (shown to the merchant as it is). */
export class MediaInputError extends Error {
  readonly code = 'MEDIA_INPUT';
}

export interface Rendition {
  readonly width: number;
  readonly height: number;
  readonly bytes: Buffer;
}

export interface ProcessedImage {
  /** The photo's own size, upright. */
  readonly width: number;
  readonly height: number;
  /** Narrowest first. */
  readonly renditions: readonly Rendition[];
}

/** What sharp calls each taken format (AVIF is decoded by its HEIF loader). */
const SHARP_FORMAT: Readonly<Record<string, readonly string[]>> = { jpeg: ['jpeg'], png: ['png'], webp: ['webp'], avif: ['heif', 'avif'] };

export async function processImage(bytes: Uint8Array, format: MediaFormat | 'png-frame', opts: { quality?: number } = {}): Promise<ProcessedImage> {
  const { default: sharp } = await import('sharp');
  const input = (): ReturnType<typeof sharp> => sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error', sequentialRead: true });
  let meta;
  try {
    meta = await input().metadata();
  } catch (err) {
    throw new MediaInputError(`The image could not be read (${reason(err)}): it may be damaged or cut short. Export it again and upload it.`);
  }
  const expected = SHARP_FORMAT[format === 'png-frame' ? 'png' : format] ?? [];
  if (!meta.format || !expected.includes(meta.format)) {
    throw new MediaInputError(`The file starts like ${format.toUpperCase()} but decodes as ${meta.format ?? 'nothing known'}: export it again.`);
  }
  if (!meta.width || !meta.height) throw new MediaInputError('The image has no size: it may be damaged.');
  if (meta.width * meta.height > MAX_IMAGE_PIXELS) {
    throw new MediaInputError(`The image is ${meta.width} × ${meta.height} pixels; at most ${MAX_IMAGE_PIXELS / 1e6} megapixels are taken.`);
  }
  // Orientations 5–8 turn the photo by a quarter: its upright width is the stored height.
  const turned = (meta.orientation ?? 1) >= 5;
  const width = turned ? meta.height : meta.width;
  const height = turned ? meta.width : meta.height;
  const renditions: Rendition[] = [];
  try {
    for (const w of renditionWidths(width)) {
      const { data, info } = await input()
        .rotate() // upright from EXIF, before the orientation tag goes with the rest of the metadata
        .resize({ width: w, withoutEnlargement: true })
        .webp({ quality: opts.quality ?? 80, effort: 4 })
        .toBuffer({ resolveWithObject: true });
      renditions.push({ width: info.width, height: info.height, bytes: data });
    }
  } catch (err) {
    throw new MediaInputError(`The image could not be decoded (${reason(err)}): it may be damaged or cut short. Export it again and upload it.`);
  }
  return { width, height, renditions };
}

function reason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]!.replace(/^Input buffer (has|contains) /, '').slice(0, 200);
}
