// The embedded job queue: rows in the relational `jobs` table, claimed with FOR UPDATE SKIP LOCKED so any number
// of workers (threads of one process or many processes on one Postgres) never take the same job at once. SQS
// semantics: a claimed job is invisible until its visibility timeout; a worker that dies or hangs past it loses the
// job to another worker. All times come from the database clock, so app servers' clocks need not agree.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Relational } from '../../databases/relational/database.ts';
import { isDatabaseUnavailable } from '../../databases/relational/unavailable.ts';
import { currentTraceparent } from '../../monitoring/tracing.ts';
import type { EnqueueOptions, Job, JobHandlers, JobQueue, QueueDepth } from './queue.ts';

const DEFAULT_MAX_ATTEMPTS = 5;
const MAX_ERROR_CHARS = 8000;

export class PgQueue implements JobQueue {
  constructor(private readonly relational: Relational) {}

  async enqueue(type: string, payload: unknown, opts: EnqueueOptions = {}): Promise<{ id: string; duplicate: boolean }> {
    if (typeof type !== 'string' || type === '') throw new TypeError('queue: job type must be a non-empty string');
    const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) throw new RangeError(`queue: maxAttempts must be a whole number ≥ 1, got ${maxAttempts}`);
    const delayMs = opts.delayMs ?? 0;
    if (!Number.isFinite(delayMs) || delayMs < 0) throw new RangeError(`queue: delayMs must be ≥ 0, got ${delayMs}`);
    const json = toJson(payload);
    const traceparent = opts.traceparent ?? currentTraceparent();
    const db = this.relational.db;

    // A dedupe race (the row deleted between the two statements) just means trying again.
    for (let tries = 0; tries < 3; tries++) {
      const inserted = await db
        .insertInto('jobs')
        .values({
          id: randomUUID(),
          type,
          payload: json,
          dedupe_key: opts.dedupeKey ?? null,
          max_attempts: maxAttempts,
          traceparent,
          run_at: sql<Date>`now() + ${Math.round(delayMs)}::bigint * interval '1 millisecond'`,
        })
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) return { id: inserted.id, duplicate: false };
      if (opts.dedupeKey === undefined) break; // cannot happen: only dedupe_key conflicts are ignored
      const existing = await db.selectFrom('jobs').select('id').where('dedupe_key', '=', opts.dedupeKey).executeTakeFirst();
      if (existing) return { id: existing.id, duplicate: true };
    }
    throw new Error(`queue: could not enqueue a ${type} job`);
  }

  async depth(): Promise<QueueDepth> {
    const { rows } = await sql<{ queued: number; running: number; dead: number; oldest_ms: number | null }>`
      select count(*) filter (where status = 'queued') as queued,
             count(*) filter (where status = 'running') as running,
             count(*) filter (where status = 'dead') as dead,
             (extract(epoch from now() - min(run_at) filter (where status = 'queued' and run_at <= now())) * 1000)::float8
               as oldest_ms
        from jobs
       where status <> 'done'`.execute(this.relational.db);
    const r = rows[0];
    return {
      queued: r?.queued ?? 0,
      running: r?.running ?? 0,
      dead: r?.dead ?? 0,
      oldestQueuedAgeMs: r?.oldest_ms == null ? null : Math.max(0, Math.round(r.oldest_ms)),
    };
  }
}

function toJson(payload: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(payload);
  } catch (err) {
    throw new TypeError(`queue: payload is not JSON-serialisable: ${(err as Error).message}`, { cause: err });
  }
  if (json === undefined) throw new TypeError('queue: payload is not JSON-serialisable (got undefined or a function)');
  return json;
}

export type Backoff = { readonly baseMs?: number; readonly maxMs?: number } | ((attempt: number) => number);

export interface WorkerOptions {
  /** Jobs run at once by this worker (default 2). */
  readonly concurrency?: number;
  /** How long a claim lasts; keep it above the slowest handler's run time, or the job runs twice (default 30 s). */
  readonly visibilityTimeoutMs?: number;
  /** How often an idle worker looks for due jobs (default 1 s). A finished job triggers a look at once. */
  readonly pollMs?: number;
  /** Delay before a retry: exponential with full jitter (default base 1 s, cap 5 min), or a function of the attempt. */
  readonly backoff?: Backoff;
  /** Failed handlers and database errors; the default prints to stderr. */
  readonly onError?: (err: Error, job?: Job) => void;
  /** Every attempt's outcome and run time (metrics, logs): done, retry (queued again) or dead (dead letter). */
  readonly onSettled?: (job: Job, outcome: 'done' | 'retry' | 'dead', seconds: number) => void;
  /** Finished jobs are deleted once this old (default 7 days): the table keeps what is pending, not all history. */
  readonly retainDoneMs?: number;
  /**
   * While a job runs, extend its claim every `heartbeatMs` by `visibilityTimeoutMs` (default: off, a claim lasts
   * exactly `visibilityTimeoutMs`). A live worker then keeps a long job however long it takes, and the jobs of a
   * worker that died come back after one short visibility timeout instead of the slowest handler's run time.
   */
  readonly heartbeatMs?: number;
  /** With a heartbeat: stop extending a claim once its job has run this long, so a hung handler still loses it (default 15 min). */
  readonly maxRunMs?: number;
  /**
   * How many claims per job may run out without using up one of its attempts (default 0: every claim is an
   * attempt). With a heartbeat, a claim only runs out when its worker died (or its handler ran past maxRunMs), so a
   * job is not dead-lettered because workers kept being killed under it; one that kills every worker that takes it
   * still ends dead, after this many more tries.
   */
  readonly expiredClaimsAllowed?: number;
}

interface Claimed {
  id: string;
  type: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
  traceparent: string | null;
  /** Claims that ran out and were not counted as attempts: attempts − expired_claims is what the budget sees. */
  expired_claims: number;
}

/** Runs jobs from the `jobs` table. start() begins polling; stop() waits for running jobs. Timers never hold the process open. */
export class Worker {
  private readonly concurrency: number;
  private readonly visibilityTimeoutMs: number;
  private readonly pollMs: number;
  private readonly backoff: (attempt: number) => number;
  private readonly onError: (err: Error, job?: Job) => void;
  private readonly onSettled: NonNullable<WorkerOptions['onSettled']>;
  private readonly retainDoneMs: number;
  private readonly heartbeatMs: number | undefined;
  private readonly maxRunMs: number;
  private readonly expiredClaimsAllowed: number;
  private lastPurge = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wakePending = false;
  private wakeNap: (() => void) | undefined;
  /** Claim statements the database never answered (it went away): given back once it answers again. */
  private unansweredClaims: { token: string; at: number }[] = [];

  constructor(
    private readonly relational: Relational,
    private readonly handlers: JobHandlers,
    opts: WorkerOptions = {},
  ) {
    this.concurrency = positiveInt('concurrency', opts.concurrency ?? 2);
    this.visibilityTimeoutMs = positiveInt('visibilityTimeoutMs', opts.visibilityTimeoutMs ?? 30_000);
    this.pollMs = positiveInt('pollMs', opts.pollMs ?? 1000);
    this.backoff = typeof opts.backoff === 'function' ? opts.backoff : fullJitter(opts.backoff?.baseMs ?? 1000, opts.backoff?.maxMs ?? 300_000);
    this.onError = opts.onError ?? ((err, job) => console.error(`queue: ${job ? `job ${job.type} ${job.id} attempt ${job.attempt}: ` : ''}${err.stack ?? err.message}`));
    this.onSettled = opts.onSettled ?? (() => {});
    this.retainDoneMs = positiveInt('retainDoneMs', opts.retainDoneMs ?? 7 * 24 * 3600_000);
    this.heartbeatMs = opts.heartbeatMs === undefined ? undefined : positiveInt('heartbeatMs', opts.heartbeatMs);
    if (this.heartbeatMs !== undefined && this.heartbeatMs >= this.visibilityTimeoutMs) {
      throw new RangeError(`queue: heartbeatMs (${this.heartbeatMs}) must be shorter than visibilityTimeoutMs (${this.visibilityTimeoutMs})`);
    }
    this.maxRunMs = positiveInt('maxRunMs', opts.maxRunMs ?? 15 * 60_000);
    this.expiredClaimsAllowed = opts.expiredClaimsAllowed ?? 0;
    if (!Number.isSafeInteger(this.expiredClaimsAllowed) || this.expiredClaimsAllowed < 0) {
      throw new RangeError(`queue: expiredClaimsAllowed must be a whole number ≥ 0, got ${this.expiredClaimsAllowed}`);
    }
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Look for due jobs now instead of at the next poll (e.g. right after enqueueing in the same process). */
  wake(): void {
    this.wakePending = true;
    this.wakeNap?.();
  }

  /**
   * Stops claiming and waits up to `timeoutMs` (default 30 s) for running jobs to settle. Jobs still running then
   * stay claimed and return to the queue when their visibility timeout passes; calling stop() again waits again.
   */
  async stop(opts: { timeoutMs?: number } = {}): Promise<{ unfinished: number }> {
    if (this.loop) {
      this.stopping = true;
      this.wake();
      await this.loop;
      this.loop = undefined;
    }
    if (this.inFlight.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, opts.timeoutMs ?? 30_000);
        timer.unref();
      });
      await Promise.race([Promise.allSettled([...this.inFlight]), timeout]);
      clearTimeout(timer);
    }
    return { unfinished: this.inFlight.size };
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const free = this.concurrency - this.inFlight.size;
      if (free > 0) {
        try {
          await this.releaseUnansweredClaims();
          for (const job of await this.claim(free)) this.launch(job);
        } catch (err) {
          this.onError(asError(err));
        }
      }
      if (this.stopping) break;
      await this.nap();
    }
  }

  /** Waits for the poll interval, or less when woken (a job finished, stop, or wake()). */
  private nap(): Promise<void> {
    if (this.wakePending) {
      this.wakePending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeNap = undefined;
        this.wakePending = false;
        resolve();
      };
      const timer = setTimeout(done, this.pollMs);
      timer.unref();
      this.wakeNap = done;
    });
  }

  private async claim(n: number): Promise<Claimed[]> {
    const db = this.relational.db;
    if (Date.now() - this.lastPurge > PURGE_EVERY_MS) {
      this.lastPurge = Date.now();
      await this.purgeDone();
    }
    const allowed = this.expiredClaimsAllowed;
    // A job whose claim expired on its last attempt (its worker died or hung), with no expired claims left to
    // forgive, has no attempts left: dead-letter it.
    await sql`
      update jobs
         set status = 'dead', locked_until = null, updated_at = now(),
             last_error = 'queue: visibility timeout expired on the last attempt (the worker died or the handler ran too long)'
               || coalesce(E'\nprevious error: ' || last_error, '')
       where status = 'running' and locked_until < now()
         and attempts - expired_claims >= max_attempts and expired_claims >= ${allowed}`.execute(db);
    // The token marks what this statement claims: if the database goes away before answering, the statement may
    // or may not have committed, and the token is how its jobs are found and given back (releaseUnansweredClaims).
    const token = randomUUID();
    // The CTE is materialised so the locking pick runs once: an `IN (subquery)` may be re-run per row by a
    // nested-loop plan and claim more than `n`.
    const claimed = sql<Claimed>`
      with picked as materialized (
        select id from jobs
         where (status = 'queued' and run_at <= now())
            or (status = 'running' and locked_until < now()
                and (attempts - expired_claims < max_attempts or expired_claims < ${allowed}))
         order by run_at, id
         limit ${n}
           for update skip locked)
      update jobs
         set status = 'running', attempts = jobs.attempts + 1, updated_at = now(),
             -- Taking over an expired claim (old status still 'running'): forgiven while the allowance lasts.
             expired_claims = jobs.expired_claims + (case when jobs.status = 'running' and jobs.expired_claims < ${allowed} then 1 else 0 end),
             locked_until = now() + ${this.visibilityTimeoutMs}::bigint * interval '1 millisecond',
             claim_token = ${token}
        from picked
       where jobs.id = picked.id
      returning jobs.id, jobs.type, jobs.payload, jobs.attempts, jobs.max_attempts, jobs.traceparent, jobs.expired_claims`;
    try {
      return (await claimed.execute(db)).rows;
    } catch (err) {
      if (isDatabaseUnavailable(err)) this.unansweredClaims.push({ token, at: Date.now() });
      throw err;
    }
  }

  /**
   * Gives back the jobs of claims the database never answered: queued again at once, the claim not counted as an
   * attempt (nothing ran). Without this they would sit in a claim nobody holds until its visibility timeout ran out.
   * A claim older than that has run out anyway and is taken over like any expired one, so it is not kept.
   */
  private async releaseUnansweredClaims(): Promise<void> {
    const fresh = Date.now() - this.visibilityTimeoutMs;
    const pending = this.unansweredClaims.filter((c) => c.at > fresh);
    this.unansweredClaims = pending;
    if (pending.length === 0) return;
    await sql`
      update jobs
         set status = 'queued', attempts = attempts - 1, locked_until = null, claim_token = null, run_at = now(), updated_at = now()
       where status = 'running' and claim_token in (${sql.join(pending.map((c) => c.token))})`.execute(this.relational.db);
    this.unansweredClaims = this.unansweredClaims.filter((c) => !pending.includes(c));
  }

  private launch(row: Claimed): void {
    const task = this.execute(row)
      .catch((err: unknown) => this.onError(asError(err), toJob(row)))
      .finally(() => {
        this.inFlight.delete(task);
        this.wake();
      });
    this.inFlight.add(task);
  }

  private async execute(row: Claimed): Promise<void> {
    const job = toJob(row);
    const handler = this.handlers[row.type];
    if (!handler) {
      const known = Object.keys(this.handlers).join(', ') || 'none';
      await this.finish(row, 'dead', `queue: no handler for job type "${row.type}" (this worker handles: ${known})`);
      return;
    }
    const started = performance.now();
    const heartbeat = this.heartbeat(row, started);
    try {
      // The payload is whatever was enqueued for this type; the handler owns its shape (see JobHandlers).
      await handler({ ...job, payload: job.payload as never });
    } catch (err) {
      clearInterval(heartbeat);
      const error = asError(err);
      this.onError(error, job);
      // The database went away under the handler (and still does not answer): not the job's fault, so its claim is
      // given back without using an attempt. Asked at once, so an SMTP server refusing a mail still counts.
      if (isDatabaseUnavailable(err) && !(await this.databaseAnswers())) {
        await this.record(() => this.release(row));
        this.onSettled(job, 'retry', (performance.now() - started) / 1000);
        return;
      }
      const last = isLastAttempt(row);
      await this.record(() => this.finish(row, last ? 'dead' : 'queued', (error.stack ?? error.message).slice(0, MAX_ERROR_CHARS)));
      this.onSettled(job, last ? 'dead' : 'retry', (performance.now() - started) / 1000);
      return;
    }
    clearInterval(heartbeat);
    await this.record(() => this.finish(row, 'done', null));
    this.onSettled(job, 'done', (performance.now() - started) / 1000);
  }

  private async databaseAnswers(): Promise<boolean> {
    try {
      await this.relational.check();
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Writes a job's outcome, and while the database is away keeps trying (every 250 ms, doubling to 1 s) until it
   * answers: the job ran, and losing that would leave it in its claim until the visibility timeout, then run it again.
   * The writes are fenced by attempts, so one that lands after another worker took the job over changes nothing, and
   * one whose first try committed unanswered finds nothing left to change. Gives up after maxRunMs, or soon once
   * the worker is stopping.
   */
  private async record(write: () => Promise<void>): Promise<void> {
    const deadline = Date.now() + this.maxRunMs;
    for (let tries = 0; ; tries++) {
      try {
        await write();
        return;
      } catch (err) {
        if (!isDatabaseUnavailable(err) || Date.now() > deadline || (this.stopping && tries >= 3)) throw err;
        await new Promise<void>((resolve) => setTimeout(resolve, Math.min(1000, 250 * 2 ** tries)).unref());
      }
    }
  }

  /** Gives the claim back: queued again now, and the attempt it used is returned. Fenced like finish(). */
  private async release(row: Claimed): Promise<void> {
    await this.relational.db
      .updateTable('jobs')
      .set({
        status: 'queued',
        attempts: sql<number>`attempts - 1`,
        locked_until: null,
        claim_token: null,
        run_at: sql<Date>`now()`,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', row.id)
      .where('status', '=', 'running')
      .where('attempts', '=', row.attempts)
      .execute();
  }

  /** Extends this claim every heartbeatMs while its job runs (up to maxRunMs), fenced by attempts like finish(). */
  private heartbeat(row: Claimed, started: number): NodeJS.Timeout | undefined {
    if (this.heartbeatMs === undefined) return undefined;
    const timer = setInterval(() => {
      if (performance.now() - started > this.maxRunMs) {
        clearInterval(timer); // a hung handler: let the claim expire, as without a heartbeat
        return;
      }
      this.relational.db
        .updateTable('jobs')
        .set({ locked_until: sql<Date>`now() + ${this.visibilityTimeoutMs}::bigint * interval '1 millisecond'` })
        .where('id', '=', row.id)
        .where('status', '=', 'running')
        .where('attempts', '=', row.attempts)
        .execute()
        .catch((err: unknown) => this.onError(asError(err), toJob(row)));
    }, this.heartbeatMs);
    timer.unref();
    return timer;
  }

  /** Deletes finished jobs past their retention, a batch at a time so a large backlog never holds a long lock. */
  async purgeDone(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.retainDoneMs);
    let total = 0;
    for (;;) {
      const { rows } = await sql<{ id: string }>`
        delete from jobs where id in (select id from jobs where status = 'done' and updated_at < ${cutoff} limit 1000)
        returning id`.execute(this.relational.db);
      total += rows.length;
      if (rows.length < 1000) return total;
    }
  }

  /**
   * Records the outcome of one claim. `attempts` fences it: if this claim expired and another worker re-claimed the
   * job, the row's attempts moved on and this late outcome changes nothing.
   */
  private async finish(row: Claimed, status: 'done' | 'queued' | 'dead', error: string | null): Promise<void> {
    const delayMs = status === 'queued' ? Math.max(0, Math.round(this.backoff(row.attempts))) : 0;
    let q = this.relational.db
      .updateTable('jobs')
      .set({
        status,
        locked_until: null,
        updated_at: sql<Date>`now()`,
        run_at: status === 'queued' ? sql<Date>`now() + ${delayMs}::bigint * interval '1 millisecond'` : sql<Date>`run_at`,
      })
      .where('id', '=', row.id)
      .where('status', '=', 'running')
      .where('attempts', '=', row.attempts);
    if (error !== null) q = q.set({ last_error: error });
    await q.execute();
  }
}

const PURGE_EVERY_MS = 10 * 60_000;

function fullJitter(baseMs: number, maxMs: number): (attempt: number) => number {
  if (!(baseMs >= 0) || !(maxMs >= 0)) throw new RangeError('queue: backoff baseMs and maxMs must be ≥ 0');
  return (attempt) => Math.random() * Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

function positiveInt(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`queue: ${name} must be a whole number ≥ 1, got ${v}`);
  return v;
}

function isLastAttempt(row: Claimed): boolean {
  return row.attempts - row.expired_claims >= row.max_attempts;
}

function toJob(row: Claimed): Job {
  const job = { id: row.id, type: row.type, payload: row.payload, attempt: row.attempts, lastAttempt: isLastAttempt(row) };
  return row.traceparent ? { ...job, traceparent: row.traceparent } : job;
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
