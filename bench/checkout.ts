// npm run bench:checkout — guest checkout under load and the API's memory (issue #9), on the real Postgres and on
// the embedded profile (PGlite in the API process).
//
// For each profile the real API is started by `vitrine start` on a fresh database with the demo catalog, once to
// seed it and once more to measure (so "idle" is a restarted shop, not one still holding the seed's garbage). Every
// shopper is a new guest doing the storefront's whole flow as fast as it can: CSRF token → add to cart (creates
// the cart) → quote with the address and shipping method → pay with the test card (Idempotency-Key). Per shopper
// count two runs, each on its own variant:
//   - plenty: 1,000,000 units, BENCH_SECONDS long: throughput, latency, errors;
//   - short:  4 units per shopper, until every shopper has been told OUT_OF_STOCK: the last units, fought over.
// Then the API is stopped and the database is checked run by run: the paid orders are exactly the 201 answers
// (same ids), none is left pending or failed, units sold + units left = units set, nothing went below zero.
// Any oversell, lost or extra order, or error exits non-zero.
//
// Baseline (Postgres profile, same run, same shopper count): the smallest transaction a checkout cannot do without,
// run straight through `pg` on the same server: take units from one hot stock row (the same `on_hand >= q` guard
// placeOrder uses) and insert an order row, in one transaction, with as many connections as the API's pool
// (DATABASE_POOL_MAX, 10) and as many concurrent callers as shoppers. It shares the checkout's real bottleneck, row
// locks on one stock row held until commit, and has none of the rest (four HTTP requests, the cart, the
// idempotency record, order lines, history, the payment record, the outbox, settling). The ratio is the share of
// that raw rate the whole flow keeps. Baseline and checkout take turns in 5 s slices, so both see the same machine.
// The embedded profile has no such baseline (its database lives in the API process); it is there for memory and is
// printed without a ratio. CPU time per order of the API process is printed too: on a shared machine it moves much
// less than rates do.
//
// RSS is the API process's VmRSS from /proc (Linux): after start and 5 s idle, peak sampled every 100 ms under
// load, and after load and 5 s idle. Postgres's own processes are not counted.
// Env: BENCH_SECONDS (20), BENCH_SHOPPERS (16,64), TEST_DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres,
// the admin URL the bench creates and drops its database with), DATABASE_POOL_MAX (10), BENCH_API_NODE_ARGS (extra
// node flags for the API, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it under this load).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openRelational, type Relational } from '../src/databases/relational/index.ts';
import { setStock, stockFor } from '../src/databases/relational/inventory.ts';
import { checkSales, guestCheckout, LOAD_ENV, STEPS } from './guest-checkout.ts';
import { apiEntry, freePort, rssMb, waitFor } from './process-kit.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const shopperCounts = (process.env.BENCH_SHOPPERS ?? '16,64').split(',').map(Number);
const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const poolMax = Number(process.env.DATABASE_POOL_MAX ?? 10);
const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
const PLENTY = 1_000_000;
const SHORT_PER_SHOPPER = 4; // units per shopper in a short run: each gets one or two orders, then OUT_OF_STOCK
const MAX_QUANTITY = 3; // each order takes 1–3 units, so the last units are fought over by orders of different sizes

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU time (user + system) a process has used so far, in ms, from /proc/<pid>/stat (Linux). */
function cpuMs(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    // The fields after the ")" that ends the command name; utime and stime are the 14th and 15th of the line.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}
const CLOCK_TICKS = 100; // USER_HZ, 100 on every Linux Node supports

/** The highest RSS seen while `during` runs, sampled every 100 ms. */
async function peakRss<T>(pid: number | undefined, during: () => Promise<T>): Promise<{ value: T; peakMb: number }> {
  let peakMb = rssMb(pid);
  const timer = setInterval(() => (peakMb = Math.max(peakMb, rssMb(pid))), 100);
  try {
    const value = await during();
    return { value, peakMb: Math.max(peakMb, rssMb(pid)) };
  } finally {
    clearInterval(timer);
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
const ms = (v: number) => (Number.isNaN(v) ? '–' : v < 10 ? v.toFixed(1) : v.toFixed(0));

// ---- the API -----------------------------------------------------------------------------------------------------

interface Api {
  readonly proc: ChildProcess;
  readonly port: number;
  readonly base: string;
}

async function startApi(env: Record<string, string>): Promise<Api> {
  const port = await freePort();
  const proc = spawn(process.execPath, [...nodeArgs, apiEntry(), 'start'], {
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ...LOAD_ENV,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const api = { proc, port, base: `http://127.0.0.1:${port}` };
  try {
    await waitFor(`${api.base}/api/products?limit=20`, proc, 180_000);
  } catch (err) {
    await stopApi(api);
    throw err;
  }
  return api;
}

async function stopApi(api: Api): Promise<void> {
  if (api.proc.exitCode !== null || api.proc.signalCode !== null) return;
  const exited = new Promise((r) => api.proc.once('exit', r));
  api.proc.kill('SIGTERM');
  await exited;
}

interface Run {
  readonly profile: 'postgres' | 'embedded';
  readonly shoppers: number;
  readonly kind: 'plenty' | 'short';
  readonly variantId: string;
  readonly productId: string;
  readonly units: number;
  elapsedS: number;
  readonly paid: { orderId: string; quantity: number }[];
  readonly flowMs: number[];
  readonly payMs: number[];
  readonly stepMs: number[][];
  outOfStock: number;
  /** Shoppers who stopped on OUT_OF_STOCK (short runs stop there), and the smallest quantity refused. */
  soldOutShoppers: number;
  smallestRefused: number;
  readonly errors: Map<string, number>;
  peakRssMb: number;
  /** CPU time the API process and this bench process (the shoppers' client) used during the run. */
  apiCpuMs: number;
  clientCpuMs: number;
  baseline?: Baseline;
  /** Filled in by verify(): what the database says after the API stopped. */
  db?: { paidOrders: number; unitsSold: number; stockLeft: number };
  problems: string[];
}

type RunSpec = Pick<Run, 'profile' | 'shoppers' | 'kind' | 'variantId' | 'productId' | 'units'>;

function newRun(spec: RunSpec): Run {
  return {
    ...spec,
    elapsedS: 0,
    paid: [],
    flowMs: [],
    payMs: [],
    stepMs: STEPS.map(() => []),
    outOfStock: 0,
    soldOutShoppers: 0,
    smallestRefused: Infinity,
    errors: new Map(),
    peakRssMb: 0,
    apiCpuMs: 0,
    clientCpuMs: 0,
    problems: [],
  };
}

/** Shoppers check out until `forS` seconds have passed (a short run: until each has been told OUT_OF_STOCK); adds to `run`. */
async function shoppersFor(api: Api, run: Run, forS: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: run.shoppers });
  const started = performance.now();
  const deadline = started + forS * 1000;
  const apiCpuStart = cpuMs(api.proc.pid);
  const clientCpuStart = process.cpuUsage();
  const tag = randomBytes(3).toString('hex');
  const { peakMb } = await peakRss(api.proc.pid, () =>
    Promise.all(
      Array.from({ length: run.shoppers }, async (_, w) => {
        for (let n = 0; performance.now() < deadline; n++) {
          const quantity = 1 + ((w + n) % MAX_QUANTITY);
          const o = await guestCheckout(agent, api, run.variantId, quantity, `s${w}.${n}.${tag}@bench.example.com`);
          if (o.kind === 'paid') {
            run.paid.push({ orderId: o.orderId, quantity: o.quantity });
            run.flowMs.push(o.flowMs);
            run.payMs.push(o.payMs);
            o.stepMs.forEach((v, i) => run.stepMs[i]!.push(v));
          } else if (o.kind === 'out_of_stock') {
            run.outOfStock++;
            run.smallestRefused = Math.min(run.smallestRefused, o.quantity);
            if (run.kind === 'short') {
              run.soldOutShoppers++;
              return;
            }
          } else {
            run.errors.set(o.what, (run.errors.get(o.what) ?? 0) + 1);
          }
        }
      }),
    ),
  );
  run.elapsedS += (performance.now() - started) / 1000;
  run.apiCpuMs += cpuMs(api.proc.pid) - apiCpuStart;
  const clientCpu = process.cpuUsage(clientCpuStart);
  run.clientCpuMs += (clientCpu.user + clientCpu.system) / 1000;
  run.peakRssMb = Math.max(run.peakRssMb, peakMb);
  agent.destroy();
}

// ---- the baseline: the one transaction a checkout cannot avoid, straight to Postgres ------------------------------

interface Baseline {
  readonly latencies: number[];
  errors: number;
  elapsedS: number;
}

async function baselinePool(url: string): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, max: poolMax });
  await pool.query('create table if not exists bench_stock (id int primary key, on_hand int not null check (on_hand >= 0))');
  await pool.query('create table if not exists bench_orders (id bigserial primary key, stock_id int not null, quantity int not null, created_at timestamptz not null default now())');
  await pool.query('insert into bench_stock values (1, 2000000000) on conflict (id) do update set on_hand = excluded.on_hand');
  return pool;
}

/** `shoppers` callers run the minimal order transaction on `pool` for `forS` seconds; adds to `b`. */
async function baselineFor(pool: pg.Pool, shoppers: number, b: Baseline, forS: number): Promise<void> {
  const started = performance.now();
  const deadline = started + forS * 1000;
  await Promise.all(
    Array.from({ length: shoppers }, async (_, w) => {
      for (let n = 0; performance.now() < deadline; n++) {
        const quantity = 1 + ((w + n) % MAX_QUANTITY);
        const t0 = performance.now();
        const client = await pool.connect();
        try {
          await client.query('begin');
          const taken = await client.query('update bench_stock set on_hand = on_hand - $1 where id = 1 and on_hand >= $1 returning on_hand', [quantity]);
          if (taken.rowCount !== 1) throw new Error('baseline: out of stock');
          await client.query('insert into bench_orders (stock_id, quantity) values (1, $1)', [quantity]);
          await client.query('commit');
          b.latencies.push(performance.now() - t0);
        } catch {
          b.errors++;
          await client.query('rollback').catch(() => {});
        } finally {
          client.release();
        }
      }
    }),
  );
  b.elapsedS += (performance.now() - started) / 1000;
}

/**
 * A plenty run. On Postgres the baseline and the checkout take turns in 5 s slices, so that both see the same
 * machine: on a shared machine the load changes from one minute to the next, and a ratio of two rates measured
 * at different times would mostly measure that.
 */
async function plentyRun(api: Api, spec: RunSpec, pool: pg.Pool | undefined): Promise<Run> {
  const run = newRun(spec);
  const slices = pool ? Math.max(1, Math.round(seconds / 5)) : 1;
  const baseline: Baseline = { latencies: [], errors: 0, elapsedS: 0 };
  for (let i = 0; i < slices; i++) {
    if (pool) await baselineFor(pool, spec.shoppers, baseline, seconds / slices);
    await shoppersFor(api, run, seconds / slices);
  }
  if (pool) run.baseline = baseline;
  return run;
}

async function shortRun(api: Api, spec: RunSpec): Promise<Run> {
  const run = newRun(spec);
  // The run ends when every shopper has been refused; the time limit only guards against a hang.
  await shoppersFor(api, run, Math.max(180, 6 * seconds));
  return run;
}

// ---- checks in the database, after the API has stopped -----------------------------------------------------------

async function verify(db: Relational['db'], run: Run, stockAfter: number): Promise<void> {
  const answered = new Map(run.paid.map((p) => [p.orderId, p.quantity]));
  const c = await checkSales(db, { variantId: run.variantId, units: run.units, stockLeft: stockAfter, answered });
  run.db = { paidOrders: c.paidOrders, unitsSold: c.unitsSold, stockLeft: stockAfter };
  const p = run.problems;
  p.push(...c.problems);
  if (run.kind === 'short') {
    if (run.soldOutShoppers !== run.shoppers) p.push(`only ${run.soldOutShoppers} of ${run.shoppers} shoppers reached OUT_OF_STOCK before the cap`);
    else if (stockAfter >= run.smallestRefused) p.push(`refused an order of ${run.smallestRefused} with ${stockAfter} units left`);
  }
}

// ---- one profile: seed, set stock, restart, measure, stop, verify ------------------------------------------------

interface ProfileResult {
  readonly profile: Run['profile'];
  readonly idleMb: number;
  readonly afterLoadMb: number;
  readonly runs: Run[];
}

async function profile(name: Run['profile'], databaseUrl: string | undefined): Promise<ProfileResult> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `vitrine-bench-${name}-`));
  const env = { VITRINE_DATA_DIR: dataDir, DATABASE_URL: databaseUrl ?? '', DATABASE_POOL_MAX: String(poolMax) };
  const relationalConfig = { DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: 2, dataDir };
  try {
    // First start seeds the demo catalog; pick one variant per run from what the storefront lists.
    let api = await startApi(env);
    const variants: { id: string; productId: string }[] = [];
    try {
      const list = (await (await fetch(`${api.base}/api/products?limit=20`)).json()) as { items: { slug: string }[] };
      for (const item of list.items) {
        const p = (await (await fetch(`${api.base}/api/products/${item.slug}`)).json()) as { id: string; variants: { id: string }[] };
        variants.push({ id: p.variants[0]!.id, productId: p.id });
      }
    } finally {
      await stopApi(api);
    }
    const specs = shopperCounts.flatMap((shoppers) =>
      (['plenty', 'short'] as const).map((kind) => ({ profile: name, shoppers, kind, units: kind === 'plenty' ? PLENTY : SHORT_PER_SHOPPER * shoppers })),
    );
    if (variants.length < specs.length) throw new Error(`bench: need ${specs.length} products, the catalog lists ${variants.length}`);
    const planned = specs.map((s, i) => ({ ...s, variantId: variants[i]!.id, productId: variants[i]!.productId }));
    // Stock is set with the API stopped (PGlite has one owner at a time), through the app's own inventory code.
    const rel = await openRelational(relationalConfig);
    try {
      await setStock(rel.db, planned.map((s) => ({ variantId: s.variantId, productId: s.productId, onHand: s.units })));
    } finally {
      await rel.close();
    }

    api = await startApi(env);
    const runs: Run[] = [];
    let idleMb: number;
    let afterLoadMb: number;
    const pool = databaseUrl ? await baselinePool(databaseUrl) : undefined;
    try {
      await sleep(5000);
      idleMb = rssMb(api.proc.pid);
      for (const spec of planned) {
        const run = spec.kind === 'plenty' ? await plentyRun(api, spec, pool) : await shortRun(api, spec);
        for (const a of [run.flowMs, run.payMs, ...run.stepMs, run.baseline?.latencies ?? []]) a.sort((x, y) => x - y);
        runs.push(run);
        process.stderr.write(`bench: ${name} ${spec.shoppers} shoppers ${spec.kind}: ${run.paid.length} orders in ${run.elapsedS.toFixed(1)} s\n`);
      }
      await sleep(5000);
      afterLoadMb = rssMb(api.proc.pid);
    } finally {
      await pool?.end();
      await stopApi(api);
    }

    const check = await openRelational(relationalConfig);
    try {
      const left = await stockFor(check.db, runs.map((r) => r.variantId));
      for (const run of runs) await verify(check.db, run, left.get(run.variantId) ?? NaN);
    } finally {
      await check.close();
    }
    return { profile: name, idleMb, afterLoadMb, runs };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

// ---- main ---------------------------------------------------------------------------------------------------------

const dbName = `vitrine_bench_${randomBytes(6).toString('hex')}`;
await admin((c) => c.query(`create database ${dbName}`));
const benchUrl = new URL(adminUrl);
benchUrl.pathname = `/${dbName}`;
const results: ProfileResult[] = [];
try {
  const version = await admin(async (c) => (await c.query<{ server_version: string }>('show server_version')).rows[0]!.server_version);
  console.log(
    `checkout bench: ${shopperCounts.join(' and ')} shoppers, ${seconds} s per plenty run, ${os.cpus().length} cores, node ${process.version}, Postgres ${version}, API pool ${poolMax}`,
  );
  results.push(await profile('postgres', benchUrl.toString()));
  results.push(await profile('embedded', undefined));
} finally {
  await admin((c) => c.query(`drop database if exists ${dbName} with (force)`));
}

const runs = results.flatMap((r) => r.runs);
console.log('\n| profile | shoppers | stock | orders/s | flow p50 ms | flow p99 ms | pay p50 ms | pay p99 ms | errors | out of stock | baseline tx/s | baseline p99 ms | ratio | API RSS peak MB | check |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of runs) {
  const errors = [...r.errors.values()].reduce((a, b) => a + b, 0);
  const rate = r.paid.length / r.elapsedS;
  const stock = r.kind === 'plenty' ? `plenty, ${seconds} s` : `${r.units} units`;
  const b = r.baseline && { tps: r.baseline.latencies.length / r.baseline.elapsedS, p99: percentile(r.baseline.latencies, 99) };
  console.log(
    `| ${r.profile} | ${r.shoppers} | ${stock} | ${rate.toFixed(0)} | ${ms(percentile(r.flowMs, 50))} | ${ms(percentile(r.flowMs, 99))} | ${ms(percentile(r.payMs, 50))} | ${ms(percentile(r.payMs, 99))} | ${errors} | ${r.outOfStock} | ${b ? b.tps.toFixed(0) : '–'} | ${b ? ms(b.p99) : '–'} | ${b ? (rate / b.tps).toFixed(3) : '–'} | ${r.peakRssMb} | ${r.problems.length === 0 && errors === 0 ? 'ok' : 'FAIL'} |`,
  );
}

// CPU time per order moves much less than wall-clock rates when other work shares the machine.
console.log('\nWhere a paid order\'s time goes, plenty runs (p50 / p99 ms per request; CPU ms per paid order, and cores used):');
for (const r of runs.filter((x) => x.kind === 'plenty')) {
  const perOrder = (cpu: number) => `${(cpu / r.paid.length).toFixed(1)} ms (${(cpu / 1000 / r.elapsedS).toFixed(2)} cores)`;
  console.log(
    `  ${r.profile}, ${r.shoppers} shoppers: ${STEPS.map((s, i) => `${s} ${ms(percentile(r.stepMs[i]!, 50))} / ${ms(percentile(r.stepMs[i]!, 99))}`).join(', ')}; ` +
      `CPU: API ${perOrder(r.apiCpuMs)}, bench client ${perOrder(r.clientCpuMs)}`,
  );
}

console.log('\n| profile | API RSS idle after start MB | peak under load MB | idle after load MB |');
console.log('|---|---|---|---|');
for (const p of results) console.log(`| ${p.profile} | ${p.idleMb} | ${Math.max(...p.runs.map((r) => r.peakRssMb))} | ${p.afterLoadMb} |`);

console.log('\nChecks in the database after each profile (API stopped):');
let failed = false;
for (const r of runs) {
  const errors = [...r.errors].map(([what, n]) => `${n}× ${what}`);
  const ok = r.problems.length === 0 && errors.length === 0;
  failed ||= !ok;
  console.log(
    `  ${ok ? 'ok  ' : 'FAIL'} ${r.profile}, ${r.shoppers} shoppers, ${r.units} units set: ${r.paid.length} paid answers, ${r.db?.paidOrders} paid orders in the database, ${r.db?.unitsSold} units sold, ${r.db?.stockLeft} left` +
      (r.kind === 'short' ? `, ${r.soldOutShoppers}/${r.shoppers} shoppers told OUT_OF_STOCK` : '') +
      (r.problems.length > 0 ? `\n       ${r.problems.join('\n       ')}` : '') +
      (errors.length > 0 ? `\n       errors: ${errors.join(', ')}` : ''),
  );
}
if (runs.some((r) => r.baseline && r.baseline.errors > 0)) console.log('  note: the baseline transaction loop had errors');
if (failed) {
  console.error('\nbench: FAILED: oversold, lost or unanswered orders, or errors (above)');
  process.exitCode = 1;
}
