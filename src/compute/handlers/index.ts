// Every background job type and its handler. The local worker (src/compute/worker.ts) and the Lambda entry points
// (src/compute/lambda.ts) run these same functions.
import type { JobHandlers } from '../queue/queue.ts';
import { ASSET_INSPECT, assetInspectHandler, type AssetInspectDeps } from './asset-inspect.ts';
import { ASSET_PROCESS, assetProcessHandler, type AssetProcessDeps } from './asset-process.ts';
import { MEDIA_PROCESS, mediaProcessHandler, type MediaProcessDeps } from './media-process.ts';
import { MAIL_SEND, sendMailHandler, type SendMailDeps } from './send-mail.ts';
import { ORDER_PLACED, orderPlacedHandler, type OrderPlacedDeps } from './order-placed.ts';
import { orderUpdateHandlers } from './order-updates.ts';

/**
 * `browser` (a lazily launched, shared Chromium: src/assets/browser.ts `launchOnDemand()`, closed by whoever made
 * it) is needed by asset.process and media.process (videos) only; without it that job fails with a message saying so and is retried.
 */
export type HandlerDeps = AssetInspectDeps & AssetProcessDeps & MediaProcessDeps & SendMailDeps & OrderPlacedDeps;

export function createHandlers(deps: HandlerDeps): JobHandlers {
  return {
    [ASSET_INSPECT]: assetInspectHandler(deps),
    [MAIL_SEND]: sendMailHandler(deps),
    [ASSET_PROCESS]: assetProcessHandler(deps),
    [MEDIA_PROCESS]: mediaProcessHandler(deps),
    [ORDER_PLACED]: orderPlacedHandler(deps),
    ...orderUpdateHandlers(deps),
  };
}
