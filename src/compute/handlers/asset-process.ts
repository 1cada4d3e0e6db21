// Job `asset.process`: turns a merchant's upload (a .glb, or a .zip holding a .gltf with its files: process.ts
// sniffs the bytes and unpacks) into what the storefront publishes (src/assets/process.ts: validated, optimised
// without visible change, posters, USDZ) and records it on the asset.
//
// Uploads through the API (compute/api/routes/uploads.ts) make one asset per upload and name the product in the
// payload: once that asset is ready the product is pointed at it, so the storefront keeps showing the previous model
// while the new one is processed, and keeps it if the new one fails. Of two uploads for one product, the later one
// wins whichever finishes first (upload ids sort by time).
//
// Idempotent, for at-least-once delivery:
// - only a `pending` or `processing` asset is worked on; `ready` and `failed` are finished (a repeat is a no-op);
// - outputs go under content-hashed keys (models/…, posters/…, usdz/…) and are written before the record, so a
//   crash between the two leaves unreferenced objects only, and the re-run writes the same keys (the pipeline is
//   deterministic on one machine; the USDZ's zip times are fixed for that reason);
// - every record write is conditional on the version read (optimistic concurrency); on a lost race the fresh record
//   is re-read and our outputs merged onto it, unless the merchant replaced the upload meanwhile (then that
//   upload's own job owns the asset).
import path from 'node:path';
import type { CatalogRepository } from '../../databases/catalog/repository.ts';
import { CatalogConflictError } from '../../databases/catalog/repository.ts';
import type { Asset3D, AssetImage } from '../../domain/catalog.ts';
import type { BrowserProvider } from '../../assets/browser.ts';
import { type ProcessOptions, type ProcessResult, processModel } from '../../assets/process.ts';
import { type PipelineTools, loadPipelineTools } from '../../assets/tools.ts';
import { contentHashedKey, putOnce, readObject } from '../../storage/index.ts';
import type { ObjectStore } from '../../storage/object-store.ts';
import type { Job } from '../queue/queue.ts';

import { ASSET_PROCESS, assetIdForUpload, isLaterUpload, newUploadId, type AssetProcessPayload } from './job-types.ts';
export { ASSET_PROCESS, assetIdForUpload, isLaterUpload, newUploadId, type AssetProcessPayload };

export interface AssetProcessDeps {
  readonly repo: CatalogRepository;
  readonly objects: ObjectStore;
  /** The worker's shared Chromium (src/assets/browser.ts `launchOnDemand()`); required to run this job. */
  readonly browser?: BrowserProvider;
  /** The pipeline's heavy dependencies; loaded on first use by default. */
  readonly tools?: () => Promise<PipelineTools>;
  /** Overrides for the pipeline (optimisation settings, poster widths…). */
  readonly processOptions?: Omit<ProcessOptions, 'tools' | 'browser'>;
}

const MAX_RACES = 5;

export function assetProcessHandler(deps: AssetProcessDeps) {
  return async (job: Job<AssetProcessPayload>): Promise<void> => {
    const assetId = job.payload?.assetId;
    if (typeof assetId !== 'string' || assetId === '') throw new Error(`${ASSET_PROCESS}: payload needs an assetId`);
    const productId = job.payload?.productId;
    if (productId !== undefined && (typeof productId !== 'string' || productId === '')) throw new Error(`${ASSET_PROCESS}: productId must be a product id`);
    const browserProvider = deps.browser;
    if (!browserProvider) throw new Error(`${ASSET_PROCESS}: no browser configured (pass a BrowserProvider as deps.browser)`);

    // 1. Claim: pending → processing, remembering which upload this run is about.
    let asset: Asset3D | null = null;
    for (let race = 0; ; race++) {
      asset = await deps.repo.getAsset(assetId);
      if (!asset) throw new Error(`${ASSET_PROCESS}: asset ${assetId} does not exist`);
      if (asset.status === 'ready' || (asset.status === 'failed' && !asset.retryable)) {
        // Done by an earlier delivery, which may have crashed before pointing the product at it.
        if (asset.status === 'ready' && productId) await showOnProduct(deps.repo, productId, assetId);
        return;
      }
      const sourceKey = asset.sourceKey ?? asset.glbKey;
      if (!sourceKey) throw new Error(`${ASSET_PROCESS}: asset ${assetId} has no uploaded model (sourceKey)`);
      if (asset.status === 'processing' && asset.sourceKey === sourceKey) break; // a retry after a crash
      try {
        asset = await deps.repo.putAsset({ ...asset, status: 'processing', sourceKey, retryable: undefined, error: undefined }, asset.version);
        break;
      } catch (err) {
        if (!(err instanceof CatalogConflictError) || race >= MAX_RACES) throw err;
      }
    }
    const sourceKey = asset.sourceKey!;
    // 2–3. The work, then the records.
    try {
      await processAndPublish(deps, asset, sourceKey, productId, browserProvider);
    } catch (err) {
      // Out of attempts: the job becomes a dead letter, and the merchant must not watch "processing" forever.
      if (job.lastAttempt) await giveUp(deps.repo, assetId, sourceKey, err).catch(() => {});
      throw err;
    }
  };
}

async function giveUp(repo: CatalogRepository, assetId: string, sourceKey: string, err: unknown): Promise<void> {
  const asset = await repo.getAsset(assetId);
  if (!asset || asset.status !== 'processing' || asset.sourceKey !== sourceKey) return;
  const reason = err instanceof Error ? err.message : String(err);
  await repo.putAsset(
    { ...asset, status: 'failed', retryable: true, error: `Processing stopped after repeated failures on our side (${reason.slice(0, 300)}); the model itself may be fine. An operator can replay the job.` },
    asset.version,
  );
}

async function processAndPublish(deps: AssetProcessDeps, claimed: Asset3D, sourceKey: string, productId: string | undefined, browserProvider: NonNullable<AssetProcessDeps['browser']>): Promise<void> {
  let asset = claimed;
  const assetId = claimed.id;
  // 2. The work, away from the stores.
  const bytes = await readAll(deps.objects, sourceKey);
  const tools = await (deps.tools ?? loadPipelineTools)();
  // The browser is launched only if the file gets as far as a render (a refused upload needs none).
  const result = await processModel(bytes, {
    ...deps.processOptions,
    tools,
    browser: () => browserProvider.get(),
    filename: path.posix.basename(sourceKey),
  });

  // 3. Objects first, then the record that points at them.
  const outputs = result.status === 'ready' ? await storeOutputs(deps.objects, assetId, result) : undefined;
  for (let race = 0; ; race++) {
    const next: Asset3D = outputs
      ? {
          ...asset,
          status: 'ready',
          sourceKey,
          glbKey: outputs.glbKey,
          posterKey: outputs.posterKey,
          posters: outputs.posters,
          usdzKey: outputs.usdzKey,
          dimensions: result.inspection!.dimensions,
          bounds: result.inspection!.bounds,
          materialVariants: result.inspection!.materialVariants,
          bytes: result.glb!.byteLength,
          triangles: result.inspection!.triangles,
          report: result.report,
          error: undefined,
        }
      : { ...asset, status: 'failed', sourceKey, error: result.error, report: result.report };
    try {
      await deps.repo.putAsset(next, asset.version);
      if (next.status === 'ready' && productId) await showOnProduct(deps.repo, productId, assetId);
      return;
    } catch (err) {
      if (!(err instanceof CatalogConflictError) || race >= MAX_RACES) throw err;
    }
    const fresh = await deps.repo.getAsset(assetId);
    if (!fresh || fresh.status === 'ready' || fresh.status === 'failed') return; // finished by another delivery
    if ((fresh.sourceKey ?? fresh.glbKey) !== sourceKey) return; // a new upload replaced this one: its job owns it
    asset = fresh; // someone edited another field (e.g. the credit): keep their edit, add our outputs
  }
}

/**
 * Points the product at a ready asset, unless it already shows it or shows a ready asset from a later upload.
 * Conditional on the product's version: a concurrent edit of the product is re-read and kept.
 */
async function showOnProduct(repo: CatalogRepository, productId: string, assetId: string): Promise<void> {
  for (let race = 0; ; race++) {
    const product = await repo.getProduct(productId);
    if (!product || product.assetId === assetId) return; // deleted meanwhile, or done
    if (product.assetId && isLaterUpload(product.assetId, assetId)) {
      const current = await repo.getAsset(product.assetId);
      if (current?.status === 'ready') return; // a later upload is already on show
    }
    try {
      await repo.putProduct({ ...product, assetId }, product.version);
      return;
    } catch (err) {
      if (!(err instanceof CatalogConflictError) || race >= MAX_RACES) throw err;
    }
  }
}

interface StoredOutputs {
  readonly glbKey: string;
  readonly posterKey: string | undefined;
  readonly posters: AssetImage[];
  readonly usdzKey: string | undefined;
}

async function storeOutputs(objects: ObjectStore, assetId: string, result: ProcessResult): Promise<StoredOutputs> {
  const name = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(assetId) ? assetId : 'model';
  const glbKey = contentHashedKey('models', result.glb!, `${name}.glb`);
  await putOnce(objects, glbKey, result.glb!, 'model/gltf-binary');
  const posters: AssetImage[] = [];
  for (const p of result.posters) {
    const key = contentHashedKey('posters', p.bytes, `${name}-${p.filename}`);
    await putOnce(objects, key, p.bytes, p.mimeType);
    posters.push({ key, width: p.width, height: p.height, mimeType: p.mimeType });
  }
  // The poster the storefront shows by default: the widest WebP (every browser it supports decodes WebP).
  const main = posters.filter((p) => p.mimeType === 'image/webp').sort((a, b) => b.width - a.width)[0] ?? posters[0];
  let usdzKey: string | undefined;
  if (result.usdz) {
    usdzKey = contentHashedKey('usdz', result.usdz, `${name}.usdz`);
    await putOnce(objects, usdzKey, result.usdz, 'model/vnd.usdz+zip');
  }
  return { glbKey, posterKey: main?.key, posters, usdzKey };
}

async function readAll(objects: ObjectStore, key: string): Promise<Uint8Array> {
  const bytes = await readObject(objects, key);
  if (!bytes) throw new Error(`${ASSET_PROCESS}: model ${key} is missing from storage`);
  return bytes;
}
