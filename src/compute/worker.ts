// Layer 3, Compute (the design's Lambda, run locally): the worker that runs background jobs. In-process by default
// (`vitrine start`), or as its own process (`vitrine worker`); on AWS the same handlers run on Lambda (lambda.ts).
import type { Metrics } from '../monitoring/metrics.ts';
import { traceJobs } from '../monitoring/tracing.ts';
import type { Runtime } from '../runtime/index.ts';
import { launchOnDemand, type BrowserProvider } from '../assets/browser.ts';
import { paymentProvider } from '../runtime/index.ts';
import type { PaymentProvider } from './payments/provider.ts';
import { createHandlers, type HandlerDeps } from './handlers/index.ts';
import { settleStale } from './orders/operations.ts';
import { pgMailLog } from './mail/mail-log.ts';
import { shopDetails } from './mail/shop.ts';
import { startOutboxRelay } from './queue/outbox-relay.ts';
import { Worker } from './queue/pg-queue.ts';

/** Everything the job handlers use, from an open runtime: the same for the local worker and the Lambda function. */
export function handlerDeps(rt: Runtime, browser?: BrowserProvider): HandlerDeps {
  return {
    repo: rt.catalog.repo,
    objects: rt.objects,
    browser,
    mailer: rt.mailer,
    mailLog: pgMailLog(rt.relational.db),
    db: rt.relational.db,
    queue: rt.queue,
    shop: shopDetails(rt.config),
  };
}

export interface RunningWorker {
  stop(): Promise<void>;
}

/** `metrics`: the API's registry when the worker runs in the API's process, so /metrics shows the jobs too. */
export function startWorker(rt: Runtime, opts: { metrics?: Metrics } = {}): RunningWorker {
  // Chromium for the asset pipeline's renders, launched on the first asset job only (and closed at stop).
  const browser = launchOnDemand();
  // A span per job attempt when tracing is on (src/monitoring/tracing.ts); the handlers as they are when it is off.
  const handlers = traceJobs(createHandlers(handlerDeps(rt, browser)), 'vitrine-jobs-table');
  // With SQS, Lambda runs the handlers; this process only relays the outbox to the queue.
  const worker = rt.config.QUEUE === 'sqs' ? undefined : new Worker(rt.relational, handlers, {
    concurrency: rt.config.WORKER_CONCURRENCY,
    // A claim lasts a minute and is renewed every 15 s while its job runs, for up to 15 min (longer than the slowest
    // asset job: the size search renders up to 6 candidates, 1.5–6 min per real model on 2 busy cores,
    // docs/performance.md). So a live worker keeps its jobs, and the jobs of a worker that was killed run again a
    // minute later rather than 15 (test/reliability/kill-nine.ts kills workers at random).
    visibilityTimeoutMs: 60_000,
    heartbeatMs: 15_000,
    maxRunMs: 15 * 60_000,
    // A claim that runs out despite the heartbeat means a dead worker: up to 20 of those per job are not counted as
    // attempts, so an upload is not dead-lettered because the worker kept being killed under it.
    expiredClaimsAllowed: 20,
    onError: (err, job) => rt.logger.warn({ err, job: job && { id: job.id, type: job.type, attempt: job.attempt } }, 'job failed'),
    // One line per attempt: CloudWatch metric filters (and the separate worker process) get duration and outcome.
    onSettled: (job, outcome, seconds) => {
      opts.metrics?.jobDuration.observe({ type: job.type, outcome }, seconds);
      rt.logger.info({ job: { id: job.id, type: job.type, attempt: job.attempt }, outcome, durationMs: Math.round(seconds * 1000) }, 'job settled');
    },
  });
  worker?.start();
  // Events committed with the changes they announce (order.placed…) reach the queue through the outbox relay.
  const relay = startOutboxRelay(rt.relational.db, rt.queue, 1000, (err) => rt.logger.warn({ err }, 'outbox relay failed'));
  // Refunds a crash left half-done and orders abandoned at payment are settled from the provider's record.
  // The provider is made on the first pass, inside the chain whose catch logs a failure (Stripe's SDK loads then).
  let payments: Promise<PaymentProvider> | undefined;
  let settling: Promise<unknown> = Promise.resolve();
  const settleTimer = setInterval(() => {
    settling = (payments ??= paymentProvider(rt.config))
      .then((p) => settleStale({ db: rt.relational.db, payments: p }))
      .then((r) => r.refunds + r.orders > 0 && rt.logger.info(r, 'settled stale payments'))
      .catch((err: unknown) => rt.logger.warn({ err }, 'settling stale payments failed'));
  }, 60_000);
  settleTimer.unref();
  return {
    stop: async () => {
      clearInterval(settleTimer);
      await settling;
      await relay.stop();
      const { unfinished } = (await worker?.stop({ timeoutMs: 10_000 })) ?? { unfinished: 0 };
      await browser.close();
      if (unfinished > 0) rt.logger.warn({ unfinished }, 'jobs still running at shutdown will be retried after their visibility timeout');
    },
  };
}
