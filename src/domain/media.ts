// Product media beyond the 3D model (issue #8): the merchant's photos and short videos, shown in the product
// gallery after the 3D view. Plain shapes and rules, no I/O: what a file is (from its first bytes, never from its
// name or declared type), the limits, and the checks on a merchant's edit of the list.
import type { AssetImage } from './catalog.ts';

export type MediaKind = 'image' | 'video';
export type MediaFormat = 'jpeg' | 'png' | 'webp' | 'avif' | 'mp4' | 'webm';
export type MediaStatus = 'processing' | 'ready' | 'failed';

export const MEDIA_FORMATS: Readonly<Record<MediaFormat, { kind: MediaKind; mimeType: string; extensions: readonly string[]; name: string }>> = {
  jpeg: { kind: 'image', mimeType: 'image/jpeg', extensions: ['jpg', 'jpeg'], name: 'a JPEG image' },
  png: { kind: 'image', mimeType: 'image/png', extensions: ['png'], name: 'a PNG image' },
  webp: { kind: 'image', mimeType: 'image/webp', extensions: ['webp'], name: 'a WebP image' },
  avif: { kind: 'image', mimeType: 'image/avif', extensions: ['avif'], name: 'an AVIF image' },
  mp4: { kind: 'video', mimeType: 'video/mp4', extensions: ['mp4', 'm4v'], name: 'an MP4 video' },
  webm: { kind: 'video', mimeType: 'video/webm', extensions: ['webm'], name: 'a WebM video' },
};

/** One photo or video of a product, as the catalog keeps it. Object keys are immutable (content-hashed or per upload). */
export interface MediaItem {
  /** `m-<uploadId>`: stable, and sorts by upload time. */
  readonly id: string;
  readonly kind: MediaKind;
  readonly format: MediaFormat;
  readonly status: MediaStatus;
  /** The merchant's file as uploaded (private: under uploads/). */
  readonly sourceKey: string;
  readonly filename: string;
  readonly bytes: number;
  /** What the photo shows, for shoppers who cannot see it (required before publishing a product with photos: warned). */
  readonly alt: string;
  /** Pixels of the image (after its EXIF orientation) or of the video's frame. */
  readonly width?: number;
  readonly height?: number;
  /** Seconds (videos). */
  readonly duration?: number;
  /** Images: WebP renditions, narrowest first (never wider than the original). Videos: the poster frame's. */
  readonly renditions?: readonly AssetImage[];
  /** Videos: the file shoppers stream (the upload's bytes, under a public key of its own). */
  readonly videoKey?: string;
  readonly error?: string;
  readonly createdAt: string;
}

/** A product's media list: one catalog item per product, versioned apart from the product. */
export interface ProductMedia {
  readonly productId: string;
  /** In the merchant's order: what the gallery shows after the 3D view. */
  readonly items: readonly MediaItem[];
  /**
   * Counts the merchant's edits (add, reorder, alt text, delete), for their optimistic check. Processing results
   * bump `version` only, so a video finishing does not make the merchant's open list stale.
   */
  readonly editVersion: number;
  readonly version: number;
  readonly updatedAt: string;
}

export const MAX_MEDIA_PER_PRODUCT = 20;
export const MAX_ALT = 250;
/** The widths of WebP renditions of a photo; a narrower photo gets one rendition at its own width (never upscaled). */
export const IMAGE_WIDTHS: readonly number[] = [480, 960, 1600];
/** Photos larger than this many pixels are refused before decoding (a decompression bomb otherwise). */
export const MAX_IMAGE_PIXELS = 100_000_000;
export const MAX_VIDEO_SECONDS = 600;

export const mediaIdForUpload = (uploadId: string): string => `m-${uploadId}`;

/** The rendition widths for a photo `width` pixels wide: the standard ones below it, else its own width. */
export function renditionWidths(width: number): number[] {
  const below = IMAGE_WIDTHS.filter((w) => w <= width);
  if (below.length === 0) return [width];
  // A photo between two standard widths also gets its own width, so the widest rendition is the full photo.
  return width > below.at(-1)! && below.length < IMAGE_WIDTHS.length ? [...below, width] : below;
}

/** The format the extension of `filename` names, if it is one taken. */
export function formatFromName(filename: string): MediaFormat | undefined {
  const ext = /\.([A-Za-z0-9]+)$/.exec(filename)?.[1]?.toLowerCase();
  if (!ext) return undefined;
  return (Object.keys(MEDIA_FORMATS) as MediaFormat[]).find((f) => MEDIA_FORMATS[f].extensions.includes(ext));
}

/**
 * What the bytes are, from their start (at least the first 64 bytes; 4 KiB finds a WebM's DocType for sure), or
 * undefined when they are none of the taken formats.
 */
export function sniffMedia(b: Uint8Array): MediaFormat | undefined {
  const at = (i: number, ...bytes: number[]): boolean => bytes.every((v, j) => b[i + j] === v);
  const ascii = (i: number, n: number): string => String.fromCharCode(...b.subarray(i, i + n));
  if (b.length >= 3 && at(0, 0xff, 0xd8, 0xff)) return 'jpeg';
  if (b.length >= 8 && at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') return 'webp';
  if (b.length >= 12 && ascii(4, 4) === 'ftyp') {
    // ISO base media: the brands say AVIF (still image) or an MP4 video. The box's size bounds the brand list.
    const size = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
    const end = Math.min(b.length, size >= 16 ? size : 16);
    const brands = [ascii(8, 4)];
    for (let i = 16; i + 4 <= end; i += 4) brands.push(ascii(i, 4));
    if (brands.some((x) => x === 'avif' || x === 'avis')) return 'avif';
    const mp4 = ['isom', 'iso2', 'iso4', 'iso5', 'iso6', 'mp41', 'mp42', 'avc1', 'M4V ', 'M4VP', 'dash', 'mmp4', 'msnv', 'av01'];
    if (brands.some((x) => mp4.includes(x))) return 'mp4';
    return undefined;
  }
  if (b.length >= 4 && at(0, 0x1a, 0x45, 0xdf, 0xa3)) {
    // EBML: Matroska or WebM, told apart by the DocType element (0x42 0x82) in the header.
    for (let i = 4; i + 6 < Math.min(b.length, 4096); i++) {
      if (b[i] === 0x42 && b[i + 1] === 0x82) {
        const len = b[i + 2]! & 0x7f; // a one-byte size (0x84 = 4) is all a "webm" DocType needs
        return ascii(i + 3, Math.min(len, 8)) === 'webm' ? 'webm' : undefined;
      }
    }
  }
  return undefined;
}

/** What the first bytes look like, in a merchant's words, when they are none of the taken formats. */
export function describeUnknown(b: Uint8Array): string {
  const ascii = String.fromCharCode(...b.subarray(0, 16));
  if (b.length >= 4 && ascii.startsWith('glTF')) return 'a 3D model (.glb): upload it as the product’s model instead';
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b) return 'a zip archive';
  if (ascii.startsWith('%PDF')) return 'a PDF document';
  if (b.length >= 12 && ascii.slice(4, 8) === 'ftyp') return `an ISO media file of brand “${ascii.slice(8, 12).trim()}” (not MP4 or AVIF)`;
  if (b.length >= 6 && ascii.startsWith('GIF8')) return 'a GIF image (not taken: use a video or a still image)';
  if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return 'a Matroska (.mkv) video, not WebM';
  if (b.length >= 8 && ascii.slice(4, 8) === 'ftyp') return 'an unknown ISO media file';
  if (/^[\x09\x0a\x0d\x20-\x7e]*$/.test(ascii)) return 'text, not an image or a video';
  return 'not an image or a video this shop takes';
}

/** Thrown by the rules below with the field (a dotted path) and a message the merchant can act on. */
export class MediaRuleError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'MediaRuleError';
  }
}

/** A trimmed alt text; throws on control characters or more than MAX_ALT characters. */
export function checkAlt(field: string, alt: string): string {
  const t = alt.trim().replace(/\s+/g, ' ');
  if ([...t].length > MAX_ALT) throw new MediaRuleError(field, `must be at most ${MAX_ALT} characters`);
  if (/\p{Cc}/u.test(t)) throw new MediaRuleError(field, 'must not contain control characters');
  return t;
}

/**
 * The list after a merchant's edit: `order` (when given) must name every item once, in the new order; `alt` sets the
 * alt text of the items it names. Throws MediaRuleError at the field.
 */
export function editMedia(items: readonly MediaItem[], edit: { order?: readonly string[]; alt?: Readonly<Record<string, string>> }): MediaItem[] {
  const byId = new Map(items.map((m) => [m.id, m]));
  let next = [...items];
  if (edit.order) {
    const seen = new Set<string>();
    edit.order.forEach((id, i) => {
      if (!byId.has(id)) throw new MediaRuleError(`order.${i}`, `${id} is not one of this product’s media (reload the list)`);
      if (seen.has(id)) throw new MediaRuleError(`order.${i}`, `${id} is listed twice`);
      seen.add(id);
    });
    if (seen.size !== items.length) throw new MediaRuleError('order', `must list all ${items.length} media of the product (got ${seen.size}): reload the list`);
    next = edit.order.map((id) => byId.get(id)!);
  }
  if (edit.alt) {
    for (const [id, alt] of Object.entries(edit.alt)) {
      if (!byId.has(id)) throw new MediaRuleError(`alt.${id}`, 'is not one of this product’s media (reload the list)');
      const text = checkAlt(`alt.${id}`, alt);
      next = next.map((m) => (m.id === id ? { ...m, alt: text } : m));
    }
  }
  return next;
}

/** Photos without alt text: the editor warns before publishing, the storefront falls back to the product's name. */
export function imagesMissingAlt(items: readonly MediaItem[]): MediaItem[] {
  return items.filter((m) => m.kind === 'image' && m.alt.trim() === '');
}
