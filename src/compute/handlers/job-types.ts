// The names of the jobs that run the asset pipeline, in a module of their own so the API can route them (on AWS
// they go to their own queue and function, sized for renders: SQS_ASSETS_QUEUE_URL, infra/lib/compute-jobs)
// without loading the handlers.
export const ASSET_INSPECT = 'asset.inspect';
export const ASSET_PROCESS = 'asset.process';

/** The jobs that need the validator, the codecs, sharp or Chromium. */
export const ASSET_JOB_TYPES: readonly string[] = [ASSET_INSPECT, ASSET_PROCESS];
