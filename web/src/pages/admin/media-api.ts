// The product editor's media section talks to the media routes (src/compute/api/routes/admin-media.ts): request an
// upload → PUT the file (model-api's putFile, with progress) → complete → follow processing; reorder, alt text,
// delete, each naming the list's version.
import { getJson, sendJson } from '../../api.ts';
import type { UploadTicket } from './model-api.ts';

export interface AdminMediaItem {
  readonly id: string;
  readonly kind: 'image' | 'video';
  readonly format: string;
  readonly status: 'processing' | 'ready' | 'failed';
  readonly error?: string;
  readonly filename: string;
  readonly bytes: number;
  readonly alt: string;
  readonly width: number | null;
  readonly height: number | null;
  readonly duration: number | null;
  readonly video: string | null;
  readonly renditions: readonly { readonly url: string; readonly width: number; readonly height: number }[];
}

export interface AdminMedia {
  readonly productId: string;
  readonly version: number;
  readonly items: readonly AdminMediaItem[];
}

const seg = encodeURIComponent;
const base = (productId: string): string => `/api/admin/products/${seg(productId)}`;

export const getMedia = async (productId: string, signal?: AbortSignal): Promise<AdminMedia> =>
  (await getJson<{ media: AdminMedia }>(`${base(productId)}/media`, signal)).media;

export const requestMediaUpload = async (productId: string, file: { filename: string; contentType: string; size: number }): Promise<UploadTicket> =>
  (await sendJson<UploadTicket>('POST', `${base(productId)}/media-uploads`, file)).body;

export const completeMediaUpload = async (productId: string, uploadId: string): Promise<AdminMedia> =>
  (await sendJson<{ media: AdminMedia }>('POST', `${base(productId)}/media-uploads/${seg(uploadId)}/complete`)).body.media;

export const editMedia = async (productId: string, version: number, edit: { order?: readonly string[]; alt?: Readonly<Record<string, string>> }): Promise<AdminMedia> =>
  (await sendJson<{ media: AdminMedia }>('PATCH', `${base(productId)}/media`, { version, ...edit })).body.media;

export const deleteMedia = async (productId: string, mediaId: string, version: number): Promise<AdminMedia> =>
  (await sendJson<{ media: AdminMedia }>('DELETE', `${base(productId)}/media/${seg(mediaId)}?version=${version}`)).body.media;

const TYPES: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  webm: 'video/webm',
};

/** The type an upload is declared with (its link is signed for it); the server decides from the bytes anyway. */
export function mediaContentType(filename: string): string {
  return TYPES[/\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase() ?? ''] ?? 'application/octet-stream';
}
