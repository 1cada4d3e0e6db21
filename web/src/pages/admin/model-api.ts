// The merchant's 3D panel talks to: GET /api/admin/products/:id/model, the model-upload routes (request → PUT the
// file → complete → poll), and PUT /api/admin/assets/:id/hotspots. Its shapes live here, beside the panel, so the
// shoppers' bundle never carries them.
import { getJson, sendJson } from '../../api.ts';
import type { Hotspot } from '../../types.ts';

export type AssetStatus = 'pending' | 'processing' | 'ready' | 'failed';
type Vec3 = readonly [number, number, number];

export interface ValidationMessage {
  readonly code: string;
  readonly message: string;
  readonly severity: 'error' | 'warning' | 'info' | 'hint';
  readonly pointer: string;
}

export interface ValidationSummary {
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
  readonly hints: number;
  readonly messages: readonly ValidationMessage[];
  readonly truncated: boolean;
}

/** What the asset pipeline found and did (AssetReport in src/domain/catalog.ts); every part may be missing. */
export interface AssetReport {
  readonly validation?: { readonly input?: ValidationSummary; readonly output?: ValidationSummary };
  readonly optimisation?: {
    readonly settings: string | null;
    readonly bytesBefore: number;
    readonly bytesAfter: number;
    readonly trianglesBefore: number;
    readonly trianglesAfter: number;
    readonly fallbacks?: readonly string[];
  };
  readonly ssim?: readonly { readonly orbit: string; readonly ssim: number }[];
  readonly usdz?: { readonly produced: boolean; readonly note: string };
  readonly publishedOriginal?: boolean;
  readonly reason?: string;
  readonly notes?: readonly string[];
}

export interface AdminAsset {
  readonly id: string;
  readonly status: AssetStatus;
  readonly error?: string;
  readonly glb: string | null;
  readonly poster: string | null;
  readonly dimensions: { readonly width: number; readonly height: number; readonly depth: number } | null;
  readonly bounds: { readonly min: Vec3; readonly max: Vec3 } | null;
  readonly bytes: number | null;
  readonly triangles: number | null;
  readonly report?: AssetReport;
  readonly hotspots: readonly Hotspot[];
  readonly hotspotsVersion: number;
}

export interface AdminModel {
  readonly product: { readonly id: string; readonly slug: string; readonly title: string; readonly status: string };
  readonly asset: AdminAsset | null;
}

export interface UploadTicket {
  readonly uploadId: string;
  readonly upload: { readonly url: string; readonly method: 'PUT'; readonly headers: Readonly<Record<string, string>> };
}

export interface UploadState {
  readonly uploadId: string;
  readonly filename: string;
  readonly size: number;
  readonly uploaded: boolean;
  readonly asset: { readonly id: string; readonly status: AssetStatus; readonly error?: string; readonly report?: AssetReport; readonly shownOnProduct: boolean } | null;
}

const seg = encodeURIComponent;

export const getAdminModel = (productId: string, signal?: AbortSignal): Promise<AdminModel> => getJson(`/api/admin/products/${seg(productId)}/model`, signal);

export const requestModelUpload = async (productId: string, file: { filename: string; contentType: string; size: number }): Promise<UploadTicket> =>
  (await sendJson<UploadTicket>('POST', `/api/admin/products/${seg(productId)}/model-uploads`, file)).body;

export const completeModelUpload = async (productId: string, uploadId: string): Promise<{ asset: { id: string; status: AssetStatus } }> =>
  (await sendJson<{ asset: { id: string; status: AssetStatus } }>('POST', `/api/admin/products/${seg(productId)}/model-uploads/${seg(uploadId)}/complete`)).body;

export const getModelUpload = (productId: string, uploadId: string, signal?: AbortSignal): Promise<UploadState> =>
  getJson(`/api/admin/products/${seg(productId)}/model-uploads/${seg(uploadId)}`, signal);

/** Replaces the model's hotspots; `version` is the hotspotsVersion they were loaded with (409 STALE otherwise). */
export const saveHotspots = async (assetId: string, version: number, hotspots: readonly Hotspot[]): Promise<{ asset: { id: string; version: number; hotspots: Hotspot[] } }> =>
  (await sendJson<{ asset: { id: string; version: number; hotspots: Hotspot[] } }>('PUT', `/api/admin/assets/${seg(assetId)}/hotspots`, { version, hotspots })).body;

/** The type an upload is declared with (the upload link is signed for it): the API refuses what it does not take, saying why. */
export function uploadContentType(filename: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase();
  if (ext === 'glb') return 'model/gltf-binary';
  if (ext === 'zip') return 'application/zip';
  if (ext === 'gltf') return 'model/gltf+json';
  return 'application/octet-stream';
}

/**
 * PUTs the file to the upload link with XMLHttpRequest (fetch reports no upload progress), calling `onProgress`
 * with the share sent (0–1). Rejects with the server's message when the store refuses it.
 */
export function putFile(ticket: UploadTicket, file: Blob, onProgress: (sent: number) => void, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(ticket.upload.method, ticket.upload.url);
    for (const [name, value] of Object.entries(ticket.upload.headers)) {
      // The browser sets Content-Length itself and refuses to be told it.
      if (name.toLowerCase() !== 'content-length') xhr.setRequestHeader(name, value);
    }
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    });
    xhr.addEventListener('load', () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve();
        return;
      }
      let message = `The upload was refused (${xhr.status}).`;
      try {
        message = (JSON.parse(xhr.responseText) as { error?: { message?: string } }).error?.message ?? message;
      } catch {
        // S3 answers in XML: the status says enough.
      }
      reject(new Error(message));
    });
    xhr.addEventListener('error', () => reject(new Error('The upload was interrupted: check your connection and try again.')));
    xhr.addEventListener('abort', () => reject(new DOMException('The upload was cancelled.', 'AbortError')));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}
