// Job `asset.inspect`: reads a stored model and records what it is (real-world size, triangles, material variants)
// on its catalog record. The first step of the asset pipeline, shaped as every handler is: a plain function of the
// job, idempotent (running it twice records the same facts), given its ports rather than reaching for clients.
import type { CatalogRepository } from '../../databases/catalog/repository.ts';
import { CatalogConflictError } from '../../databases/catalog/repository.ts';
import { inspectDocument, readGlb } from '../../assets/inspect.ts';
import { readObject } from '../../storage/index.ts';
import type { ObjectStore } from '../../storage/object-store.ts';
import type { Job } from '../queue/queue.ts';

import { ASSET_INSPECT } from './job-types.ts';
export { ASSET_INSPECT };

export interface AssetInspectPayload {
  readonly assetId: string;
}

export interface AssetInspectDeps {
  readonly repo: CatalogRepository;
  readonly objects: ObjectStore;
}

export function assetInspectHandler(deps: AssetInspectDeps) {
  return async (job: Job<AssetInspectPayload>): Promise<void> => {
    const assetId = job.payload?.assetId;
    if (typeof assetId !== 'string') throw new Error(`${ASSET_INSPECT}: payload needs an assetId`);
    // A concurrent edit of the record (version race) is retried here; anything else goes back to the queue.
    for (let attempt = 0; attempt < 3; attempt++) {
      const asset = await deps.repo.getAsset(assetId);
      if (!asset) throw new Error(`${ASSET_INSPECT}: asset ${assetId} does not exist`);
      if (!asset.glbKey) throw new Error(`${ASSET_INSPECT}: asset ${assetId} has no model file`);
      const bytes = await readObject(deps.objects, asset.glbKey);
      if (!bytes) throw new Error(`${ASSET_INSPECT}: model ${asset.glbKey} is missing from storage`);
      let next;
      try {
        const found = inspectDocument(await readGlb(bytes));
        next = { ...asset, status: 'ready' as const, dimensions: found.dimensions, bounds: found.bounds, triangles: found.triangles, materialVariants: found.materialVariants, bytes: bytes.byteLength, error: undefined };
      } catch (err) {
        // A model that cannot be read will not get better on retry: record why for the merchant and finish.
        next = { ...asset, status: 'failed' as const, error: (err as Error).message };
      }
      try {
        await deps.repo.putAsset(next, asset.version);
        return;
      } catch (err) {
        if (!(err instanceof CatalogConflictError)) throw err;
      }
    }
    throw new Error(`${ASSET_INSPECT}: asset ${assetId} kept changing while being inspected`);
  };
}
