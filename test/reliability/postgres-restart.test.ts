// Issue #9: restart Postgres under load. The production topology on one machine (an API process `vitrine start
// --no-worker` and a worker process `vitrine worker`, a dynalite catalog, a folder object store) on a PRIVATE
// Postgres cluster (private-postgres.ts: the machine's shared server is never stopped), while guests check out and a
// reader browses the catalog. Postgres is stopped twice and started again: once cleanly (`pg_ctl stop -m fast`), once
// as a crash (`-m immediate`, crash recovery at the next start).
//
// What is checked is what a shopper and an operator notice:
// - while it is down, /readyz answers 503 and names the database; every request that needs it answers 503
//   DATABASE_UNAVAILABLE with a Retry-After header (no 500, no other 5xx, no 409 but OUT_OF_STOCK and IN_PROGRESS),
//   neither process exits, and catalog reads keep being served (200);
// - once it is back, the shop is ready again by itself (waited on, and the time it took reported, never asserted);
// - nothing is lost: every checkout answered 201 paid is a paid order and every paid order was answered, units sold +
//   units left = units set, no order half-written, and the worker sends exactly one confirmation per paid order.
// The delay between an order being paid and its confirmation being written is reported (mail delay).
//
// Run: `node --import tsx --test test/reliability/postgres-restart.test.ts` (about 2 minutes). Skipped with the reason
// when a private cluster cannot be made (no PostgreSQL binaries, not root), except in CI, where it fails.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { checkSales, errorCode, guestCheckout, LOAD_ENV, type Answer, type Target } from '../../bench/guest-checkout.ts';
import { DynamoCatalogRepository } from '../../src/databases/catalog/dynamo-repository.ts';
import { startDynalite } from '../../src/databases/catalog/dynalite-server.ts';
import { openRelational, type Relational } from '../../src/databases/relational/index.ts';
import { setStock, stockFor } from '../../src/databases/relational/inventory.ts';
import { product } from '../catalog/fixtures.ts';
import { ledgerProblems, ShopProcess } from './kill-nine.ts';
import { freePort, until } from '../helpers/wait.ts';
import { PrivatePostgres, unavailable } from './private-postgres.ts';

const TABLE = 'vitrine-catalog';
const SHOPPERS = 4;
const SCARCE_UNITS = 60;

const skip = unavailable();
if (skip && process.env.CI === 'true') throw new Error(`postgres-restart: ${skip}; CI requires it`);
if (skip) console.log(`# skipping the Postgres restart scenario: ${skip}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => console.log(`# postgres-restart: ${line}`);

describe('restarting Postgres under load', { skip }, () => {
  let pgServer: PrivatePostgres;
  let dynalite: Awaited<ReturnType<typeof startDynalite>>;
  let dataDir: string;
  let databaseUrl: string;
  const procs: ShopProcess[] = [];

  before(async () => {
    pgServer = await PrivatePostgres.create();
    databaseUrl = pgServer.url;
    dynalite = await startDynalite();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'vitrine-pg-restart-'));
  });

  after(async () => {
    for (const p of procs) await p.stop().catch(() => {});
    await dynalite?.close().catch(() => {});
    await pgServer?.destroy();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('reports not ready and 503 DATABASE_UNAVAILABLE while it is down, recovers by itself and loses nothing', { timeout: 20 * 60_000 }, async () => {
    const port = await freePort();
    const api: Target = { port, base: `http://127.0.0.1:${port}` };
    const env: Record<string, string> = {
      DATABASE_URL: databaseUrl,
      DYNAMODB_ENDPOINT: dynalite.endpoint,
      DYNAMODB_TABLE: TABLE,
      VITRINE_DATA_DIR: dataDir,
      SEED_DEMO: 'false',
      ...LOAD_ENV,
      CATALOG_REFRESH_MS: '500',
      PORT: String(port),
      HOST: '127.0.0.1',
    };
    const ready = async () => (await fetch(`${api.base}/readyz`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined))?.ok === true;
    const apiProc = new ShopProcess('api', ['start', '--no-worker', '--no-seed'], { ...env, LOG_LEVEL: 'warn', RUN_WORKER: 'false' }, ready);
    const workerProc = new ShopProcess('worker', ['worker'], { ...env, LOG_LEVEL: 'info' }, async (out) => out.includes('"worker running"'));
    procs.push(apiProc, workerProc);
    await apiProc.start();

    // ---- setup: a product with a plentiful and a scarce variant ------------------------------------------------
    const catalog = new DynamoCatalogRepository({ client: dynalite.endpoint, region: 'us-east-1', tableName: TABLE });
    const shopProduct = product({ id: 'pg-restart' });
    await catalog.putProduct(shopProduct);
    const [plenty, scarce] = shopProduct.variants.map((v) => v.id) as [string, string];
    const units = new Map([
      [plenty, 1_000_000],
      [scarce, SCARCE_UNITS],
    ]);
    let rel: Relational = await openRelational({ DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: 2, dataDir });
    await setStock(rel.db, [...units].map(([variantId, onHand]) => ({ variantId, productId: shopProduct.id, onHand })));
    await rel.close(); // the test holds no connection while the server goes away
    await until(
      async () => {
        const res = await fetch(`${api.base}/api/products/${shopProduct.slug}`).catch(() => undefined);
        if (!res?.ok) return false;
        const p = (await res.json()) as { variants: { id: string; stock: number }[] };
        return p.variants.every((v) => v.stock === units.get(v.id));
      },
      'the API to list the product with its stock',
      120_000,
    );
    await workerProc.start();

    // ---- load: shoppers and a catalog reader, everything they are told is judged -------------------------------
    let down = false; // between pg_ctl stop and the API's /readyz saying ready again
    let stopping = false;
    const problems: string[] = [];
    const problem = (p: string) => {
      if (problems.length < 50) problems.push(p);
    };
    const paidBegan: number[] = []; // when each paid checkout began (wall clock)
    const answered = new Map<string, Map<string, number>>([...units.keys()].map((v) => [v, new Map()]));
    const seen = { unavailable503: 0, inProgress409: 0, outOfStock: 0, abandoned: 0, payRetries: 0, readsWhileDown: 0, readsFailedWhileDown: 0, unavailableAfterReady: 0 };

    /** What any answer of the checkout flow may be: a success, a documented refusal, or an outage's 503. */
    const judge = (step: string, a: Answer): void => {
      const code = errorCode(a);
      if (a.status === 503) {
        if (code !== 'DATABASE_UNAVAILABLE') problem(`${step} answered 503 ${code || a.body.slice(0, 120)} (expected DATABASE_UNAVAILABLE)`);
        else if (!a.retryAfter) problem(`${step} answered 503 DATABASE_UNAVAILABLE without Retry-After`);
        else seen.unavailable503++;
        if (!down) seen.unavailableAfterReady++; // sent before /readyz turned ready: reported, not a failure
      } else if (a.status >= 500) problem(`${step} answered ${a.status} ${code} ${a.body.slice(0, 200)}`);
      else if (a.status === 409 && code === 'IN_PROGRESS') seen.inProgress409++;
      else if (a.status === 409 && code !== 'OUT_OF_STOCK') problem(`${step} answered 409 ${code}`);
    };

    /** The storefront's pay button: the same request (same Idempotency-Key) until it gets a final answer. */
    const payUntilAnswered = async (send: () => Promise<Answer>): Promise<Answer> => {
      const deadline = Date.now() + 300_000;
      for (;;) {
        let a: Answer;
        try {
          a = await send();
        } catch (err) {
          problem(`pay: no answer (${(err as Error).message}): the API went away`);
          if (Date.now() > deadline) throw err;
          await sleep(500);
          seen.payRetries++;
          continue;
        }
        const retry = (a.status === 503 && errorCode(a) === 'DATABASE_UNAVAILABLE') || (a.status === 409 && errorCode(a) === 'IN_PROGRESS');
        if (!retry || Date.now() > deadline) return a;
        seen.payRetries++;
        await sleep(300);
      }
    };

    const agent = new http.Agent({ keepAlive: true, maxSockets: SHOPPERS + 1 });
    const shopper = async (w: number): Promise<void> => {
      for (let n = 0; !stopping; n++) {
        const variantId = n % 2 === 0 ? plenty : scarce;
        const quantity = 1 + ((w + n) % 3);
        const began = Date.now();
        const o = await guestCheckout(agent, api, variantId, quantity, `s${w}.${n}@pg-restart.example.com`, { pay: payUntilAnswered, onAnswer: judge });
        if (o.kind === 'paid') {
          answered.get(variantId)!.set(o.orderId, quantity);
          paidBegan.push(began);
        }
        else if (o.kind === 'out_of_stock') seen.outOfStock++;
        else if (o.status === 503 && o.step !== 'pay') {
          seen.abandoned++; // the cart could not be made while the database was down: this guest gives up
          await sleep(200);
        } else {
          if (o.status === 0) problem(`${o.what}: the API went away`); // answers with a status were judged already
          await sleep(300);
        }
      }
    };
    const reader = async (): Promise<void> => {
      while (!stopping) {
        for (const url of [`/api/products?limit=20`, `/api/products/${shopProduct.slug}`]) {
          const wasDown = down;
          const res = await fetch(`${api.base}${url}`, { signal: AbortSignal.timeout(30_000) }).catch((err: Error) => err);
          if (res instanceof Error) problem(`GET ${url}: no answer (${res.message})`);
          else {
            await res.arrayBuffer();
            if (res.status !== 200) problem(`GET ${url} answered ${res.status}${wasDown ? ' while Postgres was down' : ''}`);
            if (wasDown) {
              seen.readsWhileDown++;
              if (res.status !== 200) seen.readsFailedWhileDown++;
            }
          }
        }
        await sleep(100);
      }
    };
    /** Fails at once, with its last output, when a process exited (it must ride out the outage). */
    const alive = (): void => {
      for (const p of [apiProc, workerProc]) if (!p.running) throw new Error(`the ${p.name} process exited (${p.exitStatus()}):\n${p.tail()}`);
    };
    /** Paid checkouts that began after `t`: the retries an outage held back all finish at once when it ends. */
    const paidBeganAfter = (t: number) => paidBegan.filter((b) => b > t).length;
    const paidSoFar = () => [...answered.values()].reduce((s, m) => s + m.size, 0);
    const load = [...Array.from({ length: SHOPPERS }, (_, w) => shopper(w)), reader()];

    // ---- two outages ---------------------------------------------------------------------------------------------
    const outages: { stoppedAt: number; backAt: number }[] = []; // wall clock, comparable with the database's (same machine)
    const rounds: { mode: 'fast' | 'immediate'; downS: number; readyAgainS: number; readyz: unknown }[] = [];
    try {
      for (const mode of ['fast', 'immediate'] as const) {
        const before = paidSoFar();
        await until(async () => (alive(), paidSoFar() >= before + 20), `20 more paid checkouts before the ${mode} stop`, 180_000, 100);
        down = true;
        const stoppedAt = performance.now();
        const stoppedWall = Date.now();
        await pgServer.stop(mode);
        log(`${mode} stop: Postgres is down (${paidSoFar()} paid so far)`);
        // The operator's view: /readyz says not ready and names the database.
        let readyz: { status?: string; checks?: Record<string, { status: string; error?: string }> } = {};
        await until(
          async () => {
            alive();
            const res = await fetch(`${api.base}/readyz`, { signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
            if (res?.status !== 503) return false;
            readyz = (await res.json()) as typeof readyz;
            return readyz.checks?.postgres?.status === 'down';
          },
          '/readyz to answer 503 with the postgres check down',
          60_000,
          100,
        );
        assert.equal(readyz.status, 'not_ready');
        assert.match(readyz.checks!.postgres!.error ?? '', /./, 'the postgres check says why it is down');
        // Down long enough for shoppers to meet it, the reader to be served from memory, and jobs to be cut off.
        const unavailableBefore = seen.unavailable503;
        const readsBefore = seen.readsWhileDown;
        await until(async () => (alive(), true) && seen.unavailable503 >= unavailableBefore + 10 && seen.readsWhileDown >= readsBefore + 10 && performance.now() - stoppedAt > 5000, 'shoppers and the reader to meet the outage', 120_000, 100);
        assert.ok(apiProc.running, `the API exited while Postgres was down:\n${apiProc.tail()}`);
        assert.ok(workerProc.running, `the worker exited while Postgres was down:\n${workerProc.tail()}`);
        const downS = (performance.now() - stoppedAt) / 1000;

        await pgServer.start();
        const startedAt = performance.now();
        outages.push({ stoppedAt: stoppedWall, backAt: Date.now() });
        await until(async () => (alive(), ready()), 'the API to be ready again by itself', 300_000, 100);
        const readyAgainS = (performance.now() - startedAt) / 1000;
        down = false;
        rounds.push({ mode, downS: Math.round(downS * 10) / 10, readyAgainS: Math.round(readyAgainS * 100) / 100, readyz });
        log(`${mode}: down ${downS.toFixed(1)} s; ready again ${readyAgainS.toFixed(2)} s after Postgres accepted connections; readyz while down: ${JSON.stringify(readyz.checks?.postgres)}`);
        // Twenty checkouts begun after the restart, so the next outage does not cut into this one's recovery.
        const readyAt = Date.now();
        await until(async () => (alive(), paidBeganAfter(readyAt) >= 20), `20 checkouts begun and paid after the ${mode} restart`, 180_000, 100);
      }
    } finally {
      stopping = true;
      await Promise.allSettled(load);
      agent.destroy();
    }
    for (const r of await Promise.allSettled(load)) if (r.status === 'rejected') problem(`a shopper or the reader failed: ${(r.reason as Error).message}`);
    assert.ok(apiProc.running && apiProc.starts === 1, `the API process survived both outages:\n${apiProc.tail()}`);
    assert.ok(workerProc.running && workerProc.starts === 1, `the worker process survived both outages:\n${workerProc.tail()}`);

    // ---- drain and check -----------------------------------------------------------------------------------------
    rel = await openRelational({ DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: 2, dataDir });
    try {
      const db = rel.db;
      const drainStarted = performance.now();
      await until(
        async () => {
          const open = await db.selectFrom('jobs').select('id').where('status', 'in', ['queued', 'running']).limit(1).execute();
          const unpublished = await db.selectFrom('outbox').select('id').where('published_at', 'is', null).limit(1).execute();
          return open.length === 0 && unpublished.length === 0;
        },
        'the worker to drain (jobs done, outbox relayed)',
        600_000,
        250,
      );
      const drainS = (performance.now() - drainStarted) / 1000;
      const left = await stockFor(db, [...units.keys()]);
      for (const [variantId, set] of units) {
        const c = await checkSales(db, { variantId, units: set, stockLeft: left.get(variantId) ?? NaN, answered: answered.get(variantId)! });
        problems.push(...c.problems.map((p) => `${variantId === plenty ? 'plenty' : 'scarce'} variant: ${p}`));
      }
      const ledger = await ledgerProblems(db);
      problems.push(...ledger.problems);
      const dead = await db.selectFrom('jobs').select(['type', 'last_error']).where('status', '=', 'dead').execute();
      if (dead.length > 0) problems.push(`${dead.length} dead jobs, e.g. ${dead[0]!.type}: ${(dead[0]!.last_error ?? '').split('\n')[0]}`);

      // Mail delay: from the order's move to paid to its confirmation in the mailbox; and, for an order paid before an
      // outage that delayed its mail, from Postgres being back to the mail (what the worker adds once it can work).
      const times = await sql<{ id: string; paid: number; mailed: number }>`
        select o.id, extract(epoch from h.at)::float8 * 1000 as paid, extract(epoch from m.created_at)::float8 * 1000 as mailed
          from orders o
          join order_history h on h.order_id = o.id and h.to_status = 'paid'
          join dev_mailbox m on m.message_key = 'order-confirmation:' || o.id
         where o.status = 'paid'`.execute(db);
      const d = times.rows.map((r) => (Number(r.mailed) - Number(r.paid)) / 1000).sort((a, b) => a - b);
      const held = times.rows
        .map((r) => {
          const hit = outages.filter((o) => Number(r.paid) < o.backAt && Number(r.mailed) > o.backAt).at(-1); // the last outage it waited out
          return hit ? { id: r.id, backAt: hit.backAt, s: (Number(r.mailed) - Math.max(hit.backAt, Number(r.paid))) / 1000 } : undefined;
        })
        .filter((h) => h !== undefined)
        .sort((a, b) => a.s - b.s);
      const afterBack = held.map((h) => h.s);
      // The slowest of them, step by step (seconds from Postgres being back): where a late mail waited.
      const slowest = held.at(-1);
      const trail = slowest
        ? await sql<{ what: string; at: number; attempts: number | null; error: string | null }>`
            select 'outbox ' || e.topic as what, extract(epoch from e.published_at)::float8 * 1000 as at, null::int as attempts, null as error
              from outbox e where e.payload->>'orderId' = ${slowest.id}
            union all
            select j.type || ' ' || j.status, extract(epoch from j.updated_at)::float8 * 1000, j.attempts, left(j.last_error, 120)
              from jobs j where j.payload->>'orderId' = ${slowest.id} or j.payload::text like ${`%order-confirmation:${slowest.id}%`}`.execute(db)
        : undefined;
      const pct = (q: number) => (d.length ? d[Math.min(d.length - 1, Math.floor(q * d.length))]!.toFixed(2) : 'n/a');
      const report = {
        rounds: rounds.map(({ mode, downS, readyAgainS }) => ({ mode, downS, readyAgainS })),
        paidOrders: ledger.paid.length,
        mails: ledger.mails.length,
        ...seen,
        drainS: Math.round(drainS * 10) / 10,
        mailDelayS: { p50: pct(0.5), p99: pct(0.99), max: d.length ? d.at(-1)!.toFixed(2) : 'n/a', over10s: d.filter((s) => s > 10).length },
        // Orders whose mail an outage held up: seconds from Postgres accepting connections again to the mail.
        mailAfterBackS: { orders: afterBack.length, min: afterBack[0]?.toFixed(2) ?? 'n/a', max: afterBack.at(-1)?.toFixed(2) ?? 'n/a' },
      };
      log(`report ${JSON.stringify(report)}`);
      if (slowest && trail) {
        const steps = trail.rows.map((t) => `${t.what} at ${((Number(t.at) - slowest.backAt) / 1000).toFixed(2)} s${t.attempts ? ` (${t.attempts} attempts)` : ''}${t.error ? `: ${t.error}` : ''}`);
        log(`slowest mail after an outage: ${slowest.s.toFixed(2)} s: ${steps.join('; ')}`);
      }
      // PG_RESTART_LOGS=<folder>: keep both processes' last output for a closer look.
      if (process.env.PG_RESTART_LOGS) {
        for (const p of [apiProc, workerProc]) await writeFile(path.join(process.env.PG_RESTART_LOGS, `${p.name}.log`), p.tail(200_000));
      }
      if (problems.length > 0) {
        log(`last output of the API:\n${apiProc.tail()}`);
        log(`last output of the worker:\n${workerProc.tail()}`);
      }
      assert.deepEqual(problems, []);
      assert.ok(seen.unavailable503 > 0 && seen.readsWhileDown > 0 && seen.readsFailedWhileDown === 0);
      assert.ok(ledger.paid.length > 0);
    } finally {
      await rel.close();
      await catalog.close();
    }
  });
});
