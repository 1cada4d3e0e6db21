// The embedded job queue's contract, on PGlite (a temp folder) and on the real Postgres (a fresh database).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, describe, test } from 'node:test';
import { PgQueue, Worker } from '../../src/compute/queue/pg-queue.ts';
import type { WorkerOptions } from '../../src/compute/queue/pg-queue.ts';
import type { Job, JobHandlers } from '../../src/compute/queue/queue.ts';
import { openRelational } from '../../src/databases/relational/index.ts';
import type { Relational, RelationalConfig } from '../../src/databases/relational/index.ts';
import { eventually, relationalTargets } from '../relational/targets.ts';

const CRASH_WORKER = fileURLToPath(new URL('./crash-worker.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** A promise with its resolve function outside, to hold a handler until the test lets it go. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

for (const target of await relationalTargets()) {
  describe(`job queue contract: ${target.name}`, { skip: target.skip }, () => {
    let config: RelationalConfig;
    let rel: Relational;
    let queue: PgQueue;
    const workers: Worker[] = [];
    const children: ChildProcess[] = [];
    const handlerErrors: string[] = [];

    before(async () => {
      config = await target.fresh();
      rel = await openRelational(config);
      queue = new PgQueue(rel);
    });
    after(async () => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await Promise.all(workers.map((w) => w.stop({ timeoutMs: 1000 })));
      await rel?.close();
      await target.cleanup();
    });
    beforeEach(async () => {
      await Promise.all(workers.splice(0).map((w) => w.stop({ timeoutMs: 1000 })));
      await rel.db.deleteFrom('jobs').execute();
      handlerErrors.length = 0;
    });

    function startWorker(handlers: JobHandlers, opts: WorkerOptions = {}): Worker {
      const worker = new Worker(rel, handlers, {
        pollMs: 20,
        backoff: { baseMs: 5, maxMs: 20 },
        onError: (err) => handlerErrors.push(err.message),
        ...opts,
      });
      workers.push(worker);
      worker.start();
      return worker;
    }

    async function row(id: string) {
      return rel.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    }

    async function settled(id: string, status: 'done' | 'dead') {
      return eventually(async () => {
        const r = await row(id);
        return r.status === status && r;
      }, `job ${id} to be ${status}`);
    }

    test('an enqueued job runs once with its payload, then is done', async () => {
      const seen: Job<{ sku: string }>[] = [];
      const { id, duplicate } = await queue.enqueue('email.receipt', { sku: 'CHAIR-OAK' });
      assert.equal(duplicate, false);
      startWorker({ 'email.receipt': async (job: Job<{ sku: string }>) => void seen.push(job) });
      const done = await settled(id, 'done');
      assert.deepEqual(seen, [{ id, type: 'email.receipt', payload: { sku: 'CHAIR-OAK' }, attempt: 1, lastAttempt: false }]);
      assert.equal(done.attempts, 1);
      assert.equal(done.locked_until, null);
    });

    test('a second enqueue with the same dedupe key returns the first job, and it runs once', async () => {
      const first = await queue.enqueue('asset.process', { asset: 'a1' }, { dedupeKey: 'asset:a1' });
      const second = await queue.enqueue('asset.process', { asset: 'a1' }, { dedupeKey: 'asset:a1' });
      const other = await queue.enqueue('asset.process', { asset: 'a2' }, { dedupeKey: 'asset:a2' });
      assert.deepEqual(second, { id: first.id, duplicate: true });
      assert.equal(first.duplicate, false);
      assert.notEqual(other.id, first.id);
      const runs: string[] = [];
      startWorker({ 'asset.process': async (job: Job<{ asset: string }>) => void runs.push(job.payload.asset) });
      await settled(first.id, 'done');
      await settled(other.id, 'done');
      assert.deepEqual(runs.sort(), ['a1', 'a2']);
      // The key stays taken while the job's row exists, even once done.
      assert.deepEqual(await queue.enqueue('asset.process', { asset: 'a1' }, { dedupeKey: 'asset:a1' }), { id: first.id, duplicate: true });
    });

    test('a handler that fails twice is retried, and succeeds on attempt 3', async () => {
      const attempts: number[] = [];
      const outcomes: string[] = [];
      const { id } = await queue.enqueue('search.index', { product: 'p1' }, { maxAttempts: 5 });
      startWorker(
        {
          'search.index': async (job) => {
            attempts.push(job.attempt);
            if (job.attempt < 3) throw new Error(`index unavailable (try ${job.attempt})`);
          },
        },
        { onSettled: (job, outcome, seconds) => outcomes.push(`${job.type} ${outcome} ${seconds >= 0}`) },
      );
      const done = await settled(id, 'done');
      await eventually(async () => outcomes.length === 3, 'three settled attempts');
      assert.deepEqual(outcomes, ['search.index retry true', 'search.index retry true', 'search.index done true'], 'each attempt is measured');
      assert.deepEqual(attempts, [1, 2, 3]);
      assert.equal(done.attempts, 3);
      assert.match(done.last_error ?? '', /index unavailable \(try 2\)/, 'the last failure stays on record');
      assert.deepEqual(handlerErrors, ['index unavailable (try 1)', 'index unavailable (try 2)']);
    });

    test('finished jobs past their retention are deleted; pending, dead and recent ones stay', async () => {
      const old = await queue.enqueue('x', { n: 1 });
      const recent = await queue.enqueue('x', { n: 2 });
      const waiting = await queue.enqueue('x', { n: 3 }, { delayMs: 3_600_000 });
      const dead = await queue.enqueue('x', { n: 4 });
      await rel.db.updateTable('jobs').set({ status: 'done', updated_at: new Date(Date.now() - 8 * 86_400_000) }).where('id', '=', old.id).execute();
      await rel.db.updateTable('jobs').set({ status: 'done' }).where('id', '=', recent.id).execute();
      await rel.db.updateTable('jobs').set({ status: 'dead', updated_at: new Date(Date.now() - 30 * 86_400_000) }).where('id', '=', dead.id).execute();
      const worker = new Worker(rel, {}, { retainDoneMs: 7 * 86_400_000 });
      assert.equal(await worker.purgeDone(), 1);
      const left = (await rel.db.selectFrom('jobs').select('id').execute()).map((r) => r.id).sort();
      assert.deepEqual(left, [recent.id, waiting.id, dead.id].sort());
    });

    test('a poison job ends dead after its max attempts, with its last error', async () => {
      let calls = 0;
      const { id } = await queue.enqueue('poison', {}, { maxAttempts: 3 });
      startWorker({
        poison: async (job) => {
          calls++;
          throw new Error(`cannot parse model (attempt ${job.attempt})`);
        },
      });
      const dead = await settled(id, 'dead');
      assert.equal(calls, 3);
      assert.equal(dead.attempts, 3);
      assert.match(dead.last_error ?? '', /cannot parse model \(attempt 3\)/);
      assert.equal((await queue.depth()).dead, 1);
    });

    test('a job of an unknown type is dead at once, saying why', async () => {
      const { id } = await queue.enqueue('no.such.type', { x: 1 });
      startWorker({ known: async () => {} });
      const dead = await settled(id, 'dead');
      assert.equal(dead.attempts, 1);
      assert.match(dead.last_error ?? '', /queue: no handler for job type "no\.such\.type" \(this worker handles: known\)/);
    });

    test('a delayed job waits while due jobs run; bad arguments are refused', async () => {
      const later = await queue.enqueue('t', { n: 'later' }, { delayMs: 60 * 60_000 });
      const now = await queue.enqueue('t', { n: 'now' });
      const ran: string[] = [];
      startWorker({ t: async (job: Job<{ n: string }>) => void ran.push(job.payload.n) });
      await settled(now.id, 'done');
      const waiting = await row(later.id);
      assert.equal(waiting.status, 'queued');
      assert.equal(waiting.attempts, 0);
      assert.deepEqual(ran, ['now']);
      await assert.rejects(queue.enqueue('t', undefined), /queue: payload is not JSON-serialisable/);
      await assert.rejects(queue.enqueue('', {}), /queue: job type/);
      await assert.rejects(queue.enqueue('t', {}, { maxAttempts: 0 }), /queue: maxAttempts/);
    });

    test('stop waits for a running job; a job enqueued while stopped runs after a restart on a new connection', async () => {
      const hold = gate();
      let started = false;
      const a = await queue.enqueue('slow', { n: 'a' });
      const worker = startWorker({
        slow: async () => {
          started = true;
          await hold.promise;
        },
      });
      await eventually(async () => started, 'the slow job to start');
      const stopping = worker.stop({ timeoutMs: 60_000 });
      hold.open();
      assert.deepEqual(await stopping, { unfinished: 0 });
      assert.equal((await row(a.id)).status, 'done', 'stop let the running job finish');

      const b = await queue.enqueue('slow', { n: 'b' });
      await rel.close(); // PGlite: the folder is closed and reopened; Postgres: a new pool
      rel = await openRelational(config);
      queue = new PgQueue(rel);
      assert.equal((await row(b.id)).status, 'queued');
      startWorker({ slow: async () => {} });
      await settled(b.id, 'done');
    });

    test('a job left running by a worker that died is reclaimed after its visibility timeout', async () => {
      const { id } = await queue.enqueue('crashy', { n: 1 }, { maxAttempts: 3 });
      if (rel.kind === 'pglite') await rel.close(); // one process per PGlite folder: hand it to the child

      const child = spawn(process.execPath, ['--import', 'tsx', CRASH_WORKER, JSON.stringify(config), '1500'], {
        cwd: REPO,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      let out = '';
      child.stdout!.setEncoding('utf8');
      const claimed = new Promise<string>((resolve, reject) => {
        child.stdout!.on('data', (chunk: string) => {
          out += chunk;
          if (out.includes('\n')) resolve(out.trim());
        });
        child.on('exit', (code) => reject(new Error(`test: crash worker exited (${code}) before claiming: ${out}`)));
      });
      assert.equal(await claimed, `claimed ${id} 1`);
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;

      if (rel.kind === 'pglite') rel = await openRelational(config); // takes over the dead child's lock
      queue = new PgQueue(rel);
      const orphan = await row(id);
      assert.equal(orphan.status, 'running', 'the dead worker still holds the claim');
      assert.equal(orphan.attempts, 1);

      const attempts: number[] = [];
      startWorker({ crashy: async (job) => void attempts.push(job.attempt) });
      const done = await settled(id, 'done');
      assert.deepEqual(attempts, [2]);
      assert.equal(done.attempts, 2);
    });

    test('a hung handler loses its job after the visibility timeout, and its late outcome changes nothing', async () => {
      const [late1, late2, late3] = [gate(), gate(), gate()];
      const seen: number[] = [];
      const handlers: JobHandlers = {
        'hangs-once': async (job) => {
          seen.push(job.attempt);
          if (job.attempt === 1) {
            await late1.promise;
            throw new Error('late failure from the expired claim');
          }
          await late2.promise;
        },
        'hangs-always': async () => {
          await late3.promise; // then "succeeds", too late
        },
      };
      const { id } = await queue.enqueue('hangs-once', {}, { maxAttempts: 2 });
      const a = startWorker(handlers, { concurrency: 1, visibilityTimeoutMs: 300 });
      await eventually(async () => seen.includes(1), 'attempt 1 to start');
      const b = startWorker(handlers, { concurrency: 1 });
      await eventually(async () => seen.includes(2), 'worker b to reclaim the job after its visibility timeout');

      late1.open();
      assert.deepEqual(await a.stop(), { unfinished: 0 }, 'attempt 1 has reported its failure');
      assert.ok(handlerErrors.includes('late failure from the expired claim'));
      const during = await row(id);
      assert.deepEqual([during.status, during.attempts, during.last_error], ['running', 2, null], 'attempt 2 still owns the job');
      late2.open();
      await settled(id, 'done');
      await b.stop();

      // On its last attempt, an expired claim dead-letters the job instead.
      const last = await queue.enqueue('hangs-always', {}, { maxAttempts: 1 });
      const c = startWorker(handlers, { concurrency: 2, visibilityTimeoutMs: 300 });
      const dead = await settled(last.id, 'dead');
      assert.match(dead.last_error ?? '', /queue: visibility timeout expired on the last attempt/);
      assert.deepEqual(await c.stop({ timeoutMs: 50 }), { unfinished: 1 }, 'stop gives up on a hung handler after its timeout');
      late3.open();
      assert.deepEqual(await c.stop(), { unfinished: 0 });
      assert.equal((await row(last.id)).status, 'dead', 'the late success could not revive it');
    });

    test('a heartbeat keeps a long job claimed past its visibility timeout, until maxRunMs; then another worker takes it', async () => {
      const hold = gate();
      const seen: number[] = [];
      const handlers: JobHandlers = {
        long: async (job) => {
          seen.push(job.attempt);
          if (job.attempt === 1) await hold.promise;
        },
      };
      const { id } = await queue.enqueue('long', {}, { maxAttempts: 3 });
      const a = startWorker(handlers, { concurrency: 1, visibilityTimeoutMs: 1500, heartbeatMs: 150, maxRunMs: 60_000 });
      await eventually(async () => seen.includes(1), 'attempt 1 to start');
      const first = (await row(id)).locked_until!;
      // Renewed: the claim now ends later than the first one did, and a second worker finds nothing to take once
      // the first claim's end has passed.
      await eventually(async () => (await row(id)).locked_until! > first, 'the heartbeat to extend the claim');
      const b = startWorker(handlers, { concurrency: 1 });
      await eventually(async () => new Date() > new Date(first.getTime() + 500), 'the first claim to have run out');
      assert.deepEqual(seen, [1], 'nobody else took the job while its worker was alive');
      assert.equal((await row(id)).attempts, 1);
      hold.open();
      await settled(id, 'done');
      assert.deepEqual(seen, [1]);
      await a.stop();
      await b.stop();

      // Past maxRunMs the heartbeat stops: a hung handler loses its job as without one.
      const hung = gate();
      const runs: number[] = [];
      const { id: id2 } = await queue.enqueue('hangs', {}, { maxAttempts: 3 });
      const hangs = async (job: Job): Promise<void> => {
        runs.push(job.attempt);
        if (job.attempt === 1) await hung.promise;
      };
      startWorker({ hangs }, { concurrency: 1, visibilityTimeoutMs: 500, heartbeatMs: 100, maxRunMs: 300 });
      await eventually(async () => runs.includes(1), 'attempt 1 to start');
      startWorker({ hangs }, { concurrency: 1 });
      await settled(id2, 'done');
      assert.deepEqual(runs, [1, 2]);
      hung.open();
      assert.throws(() => new Worker(rel, {}, { visibilityTimeoutMs: 1000, heartbeatMs: 1000 }), /heartbeatMs \(1000\) must be shorter than visibilityTimeoutMs/);
    });

    test('expiredClaimsAllowed: claims that ran out do not use up attempts, up to the allowance; then the job is dead', async () => {
      const stuck = gate();
      const runs: { attempt: number; last: boolean }[] = [];
      const { id } = await queue.enqueue('dies', {}, { maxAttempts: 1 });
      // Claims 1 and 2 never finish (as if their worker had been killed); claim 3 succeeds, and is the last attempt.
      const first = startWorker(
        {
          dies: async (job) => {
            runs.push({ attempt: job.attempt, last: job.lastAttempt === true });
            if (job.attempt < 3) await stuck.promise;
          },
        },
        { concurrency: 3, visibilityTimeoutMs: 300, expiredClaimsAllowed: 2 },
      );
      const done = await settled(id, 'done');
      assert.deepEqual(runs.map((r) => r.attempt), [1, 2, 3]);
      assert.deepEqual(runs.at(-1), { attempt: 3, last: true });
      assert.equal(done.expired_claims, 2);
      await first.stop({ timeoutMs: 50 }); // its two hung handlers stay hung until the end

      // Past the allowance an expired claim counts again: the job ends dead, saying why.
      const { id: id2 } = await queue.enqueue('always-dies', {}, { maxAttempts: 1 });
      const seen: number[] = [];
      const alwaysDies = async (job: Job): Promise<void> => {
        seen.push(job.attempt);
        await stuck.promise;
      };
      startWorker({ 'always-dies': alwaysDies }, { concurrency: 3, visibilityTimeoutMs: 300, expiredClaimsAllowed: 1 });
      const dead = await settled(id2, 'dead');
      assert.deepEqual(seen, [1, 2]);
      assert.match(dead.last_error ?? '', /visibility timeout expired on the last attempt/);
      stuck.open();
    });

    test('a worker never runs more jobs at once than its concurrency; two workers never share a job', async () => {
      let active = 0;
      let maxActive = 0;
      const runs = new Map<number, number>();
      const handlers: JobHandlers = {
        work: async (job: Job<{ n: number }>) => {
          active++;
          maxActive = Math.max(maxActive, active);
          runs.set(job.payload.n, (runs.get(job.payload.n) ?? 0) + 1);
          await new Promise((r) => setTimeout(r, 15));
          active--;
        },
      };
      const ids = [];
      for (let n = 0; n < 8; n++) ids.push((await queue.enqueue('work', { n })).id);
      const single = startWorker(handlers, { concurrency: 2 });
      for (const id of ids) await settled(id, 'done');
      assert.equal(maxActive, 2);
      await single.stop();

      // Two workers on the same table: each job is claimed exactly once.
      active = 0;
      maxActive = 0;
      runs.clear();
      const more = [];
      for (let n = 0; n < 20; n++) more.push((await queue.enqueue('work', { n })).id);
      startWorker(handlers, { concurrency: 3 });
      startWorker(handlers, { concurrency: 3 });
      for (const id of more) await settled(id, 'done');
      assert.ok(maxActive <= 6, `at most 3 + 3 at once, saw ${maxActive}`);
      assert.deepEqual([...runs.values()], Array(20).fill(1));
      const attempts = await rel.db.selectFrom('jobs').select('attempts').where('id', 'in', more).execute();
      assert.ok(attempts.every((r) => r.attempts === 1));
    });

    test('depth counts queued, running and dead jobs and the oldest due wait', async () => {
      assert.deepEqual(await queue.depth(), { queued: 0, running: 0, dead: 0, oldestQueuedAgeMs: null });
      await queue.enqueue('slow', {});
      await queue.enqueue('bad', {}, { maxAttempts: 1 });
      await queue.enqueue('slow', {}, { delayMs: 60 * 60_000 });
      const before = await queue.depth();
      assert.equal(before.queued, 3);
      assert.equal(before.running, 0);
      assert.equal(before.dead, 0);
      assert.equal(typeof before.oldestQueuedAgeMs, 'number');
      assert.ok(before.oldestQueuedAgeMs! >= 0);

      const hold = gate();
      let started = false;
      startWorker({
        slow: async () => {
          started = true;
          await hold.promise;
        },
        bad: async () => {
          throw new Error('always fails');
        },
      });
      await eventually(async () => started && (await queue.depth()).dead === 1, 'one running and one dead job');
      assert.deepEqual(await queue.depth(), { queued: 1, running: 1, dead: 1, oldestQueuedAgeMs: null }, 'the delayed job is queued but not due');
      hold.open();
      await eventually(async () => (await queue.depth()).running === 0, 'the slow job to finish');
      assert.deepEqual(await queue.depth(), { queued: 1, running: 0, dead: 1, oldestQueuedAgeMs: null });
    });
  });
}
