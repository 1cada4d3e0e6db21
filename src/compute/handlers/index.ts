// Every background job type and its handler. The local worker (src/compute/worker.ts) and the Lambda entry points
// (src/compute/lambda.ts) run these same functions.
import type { JobHandlers } from '../queue/queue.ts';
import { ASSET_INSPECT, assetInspectHandler, type AssetInspectDeps } from './asset-inspect.ts';

export type HandlerDeps = AssetInspectDeps;

export function createHandlers(deps: HandlerDeps): JobHandlers {
  return {
    [ASSET_INSPECT]: assetInspectHandler(deps),
  };
}
