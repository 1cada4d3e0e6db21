// The asset jobs' names and payloads, in a module of their own so the API can enqueue and route them (on AWS they
// go to their own queue and function, sized for renders: SQS_ASSETS_QUEUE_URL, infra/lib/compute-jobs) without
// loading the handlers and the pipeline behind them (glTF-Transform, sharp, the validator: tens of MB of memory).
import { randomBytes } from 'node:crypto';

export const ASSET_INSPECT = 'asset.inspect';
export const ASSET_PROCESS = 'asset.process';
/** A product photo or video (src/compute/handlers/media-process.ts): sharp, and Chromium for a video's poster frame. */
export const MEDIA_PROCESS = 'media.process';

/** The jobs that need the validator, the codecs, sharp or Chromium. */
export const ASSET_JOB_TYPES: readonly string[] = [ASSET_INSPECT, ASSET_PROCESS, MEDIA_PROCESS];

export interface MediaProcessPayload {
  readonly productId: string;
  readonly mediaId: string;
}

export interface AssetProcessPayload {
  readonly assetId: string;
  /** Point this product at the asset once it is ready (uploads through the API). */
  readonly productId?: string;
}

/** The asset an upload through the API becomes. */
export const assetIdForUpload = (uploadId: string): string => `upload-${uploadId}`;

/** Upload ids start with the time they were made (base 36, fixed width), so they sort by time. */
export function newUploadId(now = Date.now()): string {
  return `${now.toString(36).padStart(9, '0')}${randomBytes(12).toString('hex')}`;
}

/** Whether asset `a` comes from a later upload than asset `b` (false when either is not from an upload). */
export function isLaterUpload(a: string, b: string): boolean {
  const prefix = assetIdForUpload('');
  return a.startsWith(prefix) && b.startsWith(prefix) && a > b;
}
