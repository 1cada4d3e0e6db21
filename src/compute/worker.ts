// Layer 3, Compute (the design's Lambda, run locally): the worker that runs background jobs. In-process by default
// (`vitrine start`), or as its own process (`vitrine worker`); on AWS the same handlers run on Lambda (lambda.ts).
import type { Runtime } from '../runtime/index.ts';
import { createHandlers } from './handlers/index.ts';
import { Worker } from './queue/pg-queue.ts';

export interface RunningWorker {
  stop(): Promise<void>;
}

export function startWorker(rt: Runtime): RunningWorker {
  const worker = new Worker(rt.relational, createHandlers({ repo: rt.catalog.repo, objects: rt.objects }), {
    concurrency: rt.config.WORKER_CONCURRENCY,
    onError: (err, job) => rt.logger.warn({ err, job: job && { id: job.id, type: job.type, attempt: job.attempt } }, 'job failed'),
  });
  worker.start();
  return {
    stop: async () => {
      const { unfinished } = await worker.stop({ timeoutMs: 10_000 });
      if (unfinished > 0) rt.logger.warn({ unfinished }, 'jobs still running at shutdown will be retried after their visibility timeout');
    },
  };
}
