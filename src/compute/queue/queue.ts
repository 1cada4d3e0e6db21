// Layer 3, Compute: the job-queue port. Work that need not happen inside a request (asset processing, emails,
// search indexing) is enqueued here and run by a worker. `pg-queue.ts` is the embedded adapter on the relational
// `jobs` table; on AWS the same handlers run as Lambda functions behind SQS. Delivery is at least once: a handler
// may see the same job again (after a crash or a timeout), so handlers must be idempotent.

export interface EnqueueOptions {
  /** Jobs with the same key are one job: a second enqueue returns the first job with `duplicate: true`. */
  readonly dedupeKey?: string;
  /** Run no sooner than this many milliseconds from now. */
  readonly delayMs?: number;
  /** Runs allowed before the job is dead-lettered (default 5). */
  readonly maxAttempts?: number;
  /** The W3C traceparent the job's span continues; default: the current span's, when tracing is on. */
  readonly traceparent?: string;
}

export interface QueueDepth {
  readonly queued: number; // includes delayed jobs and jobs waiting to retry
  readonly running: number;
  readonly dead: number;
  /** How long the longest-waiting due job has waited, or null when none is due: the queue's lag. */
  readonly oldestQueuedAgeMs: number | null;
}

export interface JobQueue {
  /** `payload` must survive JSON.stringify (it is stored as JSON). */
  enqueue(type: string, payload: unknown, opts?: EnqueueOptions): Promise<{ id: string; duplicate: boolean }>;
  depth(): Promise<QueueDepth>;
}

export interface Job<P = unknown> {
  readonly id: string;
  readonly type: string;
  readonly payload: P;
  /** 1 on the first run, 2 on the first retry, and so on. */
  readonly attempt: number;
  /**
   * True when a failure now dead-letters the job rather than retrying it, so a handler can leave a clear final state
   * behind (e.g. an asset the merchant sees as failed, with the reason). Absent where the runner cannot tell.
   */
  readonly lastAttempt?: boolean;
  /** The W3C traceparent of whatever enqueued the job, when tracing was on there (src/monitoring/tracing.ts). */
  readonly traceparent?: string;
}

/**
 * Does one job's work. Resolving marks the job done; throwing schedules a retry (or dead-letters it after its
 * last attempt). A plain function of the job, so it can also be wrapped as a Lambda handler for SQS records.
 */
export type JobHandler<P = unknown> = (job: Job<P>) => Promise<void>;

/**
 * Handlers keyed by job type. `never` payloads let handlers with any payload type share one map: the queue
 * cannot know payload types, each handler states (and should check) its own.
 */
export type JobHandlers = Readonly<Record<string, JobHandler<never>>>;
