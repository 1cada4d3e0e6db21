// The worker when the database goes away at the worst moments, made exact by a Kysely plugin that turns one chosen
// statement's answer into a lost connection (after the statement ran, as when a server dies between commit and
// reply; or before it ran). On in-memory PGlite. The end-to-end version, a real Postgres stopped under load, is
// test/reliability/postgres-restart.test.ts.
//
// Visibility timeouts are 10 minutes here, so a job left in a claim nobody holds would stay stuck and the test would
// time out; the checks are on the job's row (attempts, expired claims) and the handler's calls, never on time.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { PgQueue, Worker } from '../../src/compute/queue/pg-queue.ts';
import type { JobHandlers } from '../../src/compute/queue/queue.ts';
import { openInMemoryRelational, type Relational } from '../../src/databases/relational/index.ts';
import { isDatabaseUnavailable } from '../../src/databases/relational/unavailable.ts';
import { until } from '../helpers/wait.ts';

const lostConnection = () => new Error('Connection terminated unexpectedly');

/** Fails the next statement `matches` picks: `after` it ran (its answer is lost) or `before` (it never reached the server). */
class Outage implements KyselyPlugin {
  private readonly pending = new Map<unknown, 'fail'>();
  private armed: { matches: (statement: string) => boolean; when: 'before' | 'after' } | undefined;
  fired = 0;

  arm(matches: (statement: string) => boolean, when: 'before' | 'after'): void {
    this.armed = { matches, when };
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const a = this.armed;
    if (a && a.matches(JSON.stringify(args.node))) {
      this.armed = undefined;
      this.fired++;
      if (a.when === 'before') throw lostConnection();
      this.pending.set(args.queryId, 'fail');
    }
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (this.pending.delete(args.queryId)) throw lostConnection();
    return args.result;
  }
}

describe('the worker when the database goes away', () => {
  let base: Relational;
  let outage: Outage;
  let rel: Relational;
  let checkFails = 0;
  const workers: Worker[] = [];

  before(async () => {
    base = await openInMemoryRelational();
  });
  after(async () => {
    await base.close();
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop({ timeoutMs: 1000 })));
    await base.db.deleteFrom('jobs').execute();
  });

  /** The database as the worker sees it: statements through the outage plugin, a readiness check that can fail. */
  function setup(): PgQueue {
    outage = new Outage();
    checkFails = 0;
    rel = {
      db: base.db.withPlugin(outage),
      kind: base.kind,
      check: async () => {
        if (checkFails > 0) {
          checkFails--;
          throw lostConnection();
        }
        await base.check();
      },
      close: async () => {},
    };
    return new PgQueue(base);
  }

  function start(handlers: JobHandlers): Worker {
    const w = new Worker(rel, handlers, { pollMs: 20, visibilityTimeoutMs: 600_000, heartbeatMs: 60_000, expiredClaimsAllowed: 20, onError: () => {} });
    workers.push(w);
    w.start();
    return w;
  }

  const row = async (id: string) => base.db.selectFrom('jobs').select(['status', 'attempts', 'expired_claims']).where('id', '=', id).executeTakeFirstOrThrow();

  test('the connection errors of a restart are recognised, and ordinary errors are not', () => {
    for (const e of [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
      Object.assign(new Error('connection failure'), { code: '08006' }),
      lostConnection(),
      new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })], 'connect failed'),
      new Error('wrapped', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }),
    ]) {
      assert.ok(isDatabaseUnavailable(e), e.message);
    }
    for (const e of [
      Object.assign(new Error('gateway down', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }), { code: 'PAYMENT_GATEWAY_UNAVAILABLE' }),
      Object.assign(new Error('duplicate key'), { code: '23505' }), Object.assign(new Error('no such table'), { code: '42P01' }), new Error('boom'), 'text', null]) {
      assert.equal(isDatabaseUnavailable(e), false, String(e));
    }
  });

  test("a claim whose answer was lost is given back at once, without using an attempt", async () => {
    const queue = setup();
    outage.arm((s) => s.includes('claim_token ='), 'after');
    const calls: string[] = [];
    start({ work: async (job) => void calls.push(job.id) });
    const { id } = await queue.enqueue('work', {});
    await until(async () => (await row(id)).status === 'done', 'the job to be done', 120_000);
    assert.equal(outage.fired, 1, 'the claim was cut off');
    assert.deepEqual(calls, [id], 'the handler ran once');
    assert.deepEqual(await row(id), { status: 'done', attempts: 1, expired_claims: 0 }, 'released, not expired and taken over');
  });

  test("a job's outcome is written once the database answers again, and the job does not run twice", async () => {
    const queue = setup();
    outage.arm((s) => s.includes('UpdateQueryNode') && s.includes('"done"'), 'before');
    const calls: string[] = [];
    start({ work: async (job) => void calls.push(job.id) });
    const { id } = await queue.enqueue('work', {});
    await until(async () => (await row(id)).status === 'done', 'the outcome to be written', 120_000);
    assert.equal(outage.fired, 1);
    assert.deepEqual(calls, [id]);
    assert.equal((await row(id)).attempts, 1);
  });

  test('a handler cut off by the outage gives its claim back without using an attempt; other failures still count', async () => {
    const queue = setup();
    let n = 0;
    start({
      work: async () => {
        n++;
        if (n === 1) {
          checkFails = 1; // the database does not answer when the worker asks why the handler failed
          throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
        }
      },
    });
    const { id } = await queue.enqueue('work', {});
    await until(async () => (await row(id)).status === 'done', 'the job to be done', 120_000);
    assert.equal(n, 2);
    assert.deepEqual(await row(id), { status: 'done', attempts: 1, expired_claims: 0 }, 'the cut-off run used no attempt');

    // The same error while the database answers (an SMTP server refusing, say) is the job's own failure.
    await Promise.all(workers.splice(0).map((w) => w.stop({ timeoutMs: 1000 })));
    let m = 0;
    start({
      other: async () => {
        m++;
        if (m === 1) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ECONNREFUSED' });
      },
    });
    const other = await queue.enqueue('other', {});
    await until(async () => (await row(other.id)).status === 'done', 'the other job to be done', 120_000);
    assert.equal((await row(other.id)).attempts, 2, 'its failure counted as an attempt');
  });
});
