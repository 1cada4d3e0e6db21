// The job function's entry point (orders, mail): the app's own job handlers behind its SQS adapter, built once per
// execution environment (cold start) and reused by every invocation it serves. See function-runtime.ts.
import { jobFunction } from './function-runtime.ts';

export const handler = await jobFunction('jobs');
