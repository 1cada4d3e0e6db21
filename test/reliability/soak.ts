// The soak (issue #9): the shop on the Postgres profile (`vitrine start`, worker in the process, demo catalog,
// a fresh database on the real Postgres) under a steady, open-loop load for a long time — catalog reads
// (list, by slug, search, a filtered category) at a fixed rate and guest checkouts at a fixed rate, each started
// on its clock whether or not earlier ones have finished, as real traffic arrives. Every answer must be the
// expected one (zero errors), every paid order must be in the database with exactly one confirmation mail, and the
// API's memory must stay flat: after a warm-up, the median RSS of the last quarter of the run is compared with
// the median of the first quarter.
// `npm run reliability:soak` runs 10 minutes (SOAK_SECONDS=600); test/reliability/soak.test.ts runs a short one
// in CI. Env: SOAK_SECONDS, SOAK_READS_PER_S (100), SOAK_CHECKOUTS_PER_S (2).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { checkSales, guestCheckout, LOAD_ENV, request, type Target } from '../../bench/guest-checkout.ts';
import { rssMb } from '../../bench/process-kit.ts';
import { openRelational, type Relational } from '../../src/databases/relational/index.ts';
import { setStock, stockFor } from '../../src/databases/relational/inventory.ts';
import { relationalTargets } from '../relational/targets.ts';
import { freePort, until } from '../helpers/wait.ts';

export interface SoakOptions {
  readonly seconds: number;
  readonly readsPerSecond?: number;
  readonly checkoutsPerSecond?: number;
  readonly log?: (line: string) => void;
}

export interface SoakReport {
  readonly seconds: number;
  readonly reads: number;
  readonly checkouts: number;
  readonly paidOrders: number;
  readonly errors: Record<string, number>;
  /** Per minute (or per sixth of a short run): reads, read p99 ms, checkouts, checkout flow p99 ms, RSS MB. */
  readonly windows: { readonly fromS: number; readonly reads: number; readP99: number; readonly checkouts: number; checkoutP99: number; readonly rssMb: number }[];
  readonly rss: { readonly idleMb: number; readonly earlyMb: number; readonly lateMb: number; readonly growth: number; readonly samples: number[] };
  readonly problems: string[];
}

const SAMPLE_MS = 2000;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
}
function p99(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil(0.99 * s.length) - 1)]! : NaN;
}

export async function runSoak(opts: SoakOptions): Promise<SoakReport> {
  const log = opts.log ?? (() => {});
  const readsPerSecond = opts.readsPerSecond ?? 100;
  const checkoutsPerSecond = opts.checkoutsPerSecond ?? 2;
  const postgres = (await relationalTargets()).find((t) => t.name === 'postgres')!;
  if (postgres.skip) throw new Error(`soak: ${postgres.skip}`);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vitrine-soak-'));
  let proc: ChildProcess | undefined;
  let rel: Relational | undefined;
  try {
    const { DATABASE_URL } = await postgres.fresh();
    const port = await freePort();
    const api: Target = { port, base: `http://127.0.0.1:${port}` };
    proc = spawn(process.execPath, ['bin/vitrine.js', 'start'], {
      env: {
        ...process.env,
        DATABASE_URL: DATABASE_URL!,
        VITRINE_DATA_DIR: dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        ...LOAD_ENV,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const exited = new Promise<void>((r) => proc!.once('exit', () => r()));
    await until(async () => (await fetch(`${api.base}/readyz`).catch(() => undefined))?.ok === true || proc!.exitCode !== null, 'the shop to be ready', 300_000, 250);
    if (proc.exitCode !== null) throw new Error(`soak: the shop exited with code ${proc.exitCode}`);

    // What shoppers read: the storefront's hot paths. What they buy: one variant with stock that cannot run out.
    const list = (await (await fetch(`${api.base}/api/products?limit=20`)).json()) as { items: { slug: string }[] };
    const slugs = list.items.map((p) => p.slug);
    const reads = [
      '/api/products?limit=20',
      ...slugs.slice(0, 6).map((s) => `/api/products/${encodeURIComponent(s)}`),
      '/api/search?q=chiar&limit=6',
      '/api/products?category=furniture&sort=price-asc&limit=24',
      '/api/featured',
    ];
    const detail = (await (await fetch(`${api.base}/api/products/${encodeURIComponent(slugs[0]!)}`)).json()) as { id: string; variants: { id: string }[] };
    const variantId = detail.variants[0]!.id;
    rel = await openRelational({ DATABASE_URL, DATABASE_POOL_MAX: 2, dataDir });
    const UNITS = 10_000_000;
    await setStock(rel.db, [{ productId: detail.id, variantId, onHand: UNITS }]);
    await new Promise((r) => setTimeout(r, 5000)); // settle after start-up and seeding before the idle reading
    const idleMb = rssMb(proc.pid);
    log(`soak: ${opts.seconds} s at ${readsPerSecond} reads/s and ${checkoutsPerSecond} checkouts/s; API RSS idle ${idleMb} MB`);

    const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
    const errors: Record<string, number> = {};
    const fail = (what: string): void => void (errors[what] = (errors[what] ?? 0) + 1);
    const answered = new Map<string, number>();
    const readLat: { t: number; ms: number }[] = [];
    const flowLat: { t: number; ms: number }[] = [];
    const samples: { t: number; mb: number }[] = [];
    const inflight = new Set<Promise<void>>();
    const track = (p: Promise<void>): void => {
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    };
    const t0 = performance.now();
    const elapsedS = (): number => (performance.now() - t0) / 1000;
    let readsSent = 0;
    let checkoutsSent = 0;
    const sampler = setInterval(() => samples.push({ t: elapsedS(), mb: rssMb(proc!.pid) }), SAMPLE_MS);

    // Open loop: at each tick start whatever the clock says is due. A backlog beyond 500 requests in flight means
    // the shop is not keeping up with a rate it should carry: that is an error, not a slower soak.
    while (elapsedS() < opts.seconds) {
      if (proc.exitCode !== null) {
        fail(`the API exited (${proc.exitCode})`);
        break;
      }
      const s = elapsedS();
      while (readsSent < s * readsPerSecond) {
        const p = reads[readsSent++ % reads.length]!;
        if (inflight.size > 500) {
          fail('backlog over 500 requests');
          continue;
        }
        const start = performance.now();
        track(
          request(agent, api, 'GET', p, { accept: 'application/json' }).then(
            (a) => (a.status === 200 ? void readLat.push({ t: elapsedS(), ms: performance.now() - start }) : fail(`GET ${p.split('?')[0]} ${a.status}`)),
            (err: Error) => fail(`GET: ${err.message}`),
          ),
        );
      }
      while (checkoutsSent < s * checkoutsPerSecond) {
        checkoutsSent++;
        track(
          guestCheckout(agent, api, variantId, 1 + (checkoutsSent % 3), `soak-${randomUUID()}@example.com`).then((o) => {
            if (o.kind === 'paid') {
              answered.set(o.orderId, o.quantity);
              flowLat.push({ t: elapsedS(), ms: o.flowMs });
            } else fail(o.kind === 'error' ? o.what : o.kind);
          }),
        );
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    await Promise.all(inflight);
    clearInterval(sampler);
    agent.destroy();

    // ---- nothing lost: every paid answer is a paid order, stock adds up, one confirmation each ------------------
    const problems: string[] = [];
    const db = rel.db;
    const left = (await stockFor(db, [variantId])).get(variantId) ?? NaN;
    const sales = await checkSales(db, { variantId, units: UNITS, stockLeft: left, answered });
    problems.push(...sales.problems);
    const mailed = async (): Promise<number> =>
      Number((await sql<{ n: number }>`select count(*)::int as n from dev_mailbox where message_key like 'order-confirmation:%'`.execute(db)).rows[0]!.n);
    try {
      await until(async () => (await mailed()) >= sales.paidOrders, 'a confirmation for every paid order', 120_000, 250);
    } catch {
      // reported below with the numbers
    }
    const dupes = await sql<{ n: number }>`select count(*)::int as n from (select message_key from dev_mailbox group by message_key having count(*) > 1) d`.execute(db);
    const mails = await mailed();
    if (mails !== sales.paidOrders) problems.push(`${mails} confirmation mails for ${sales.paidOrders} paid orders`);
    if (dupes.rows[0]!.n > 0) problems.push(`${dupes.rows[0]!.n} mails sent more than once`);
    if (Object.keys(errors).length > 0) problems.push(`errors: ${JSON.stringify(errors)}`);

    // ---- memory: after the first fifth (warm-up: JIT, caches, pools filling), first quarter vs last quarter --------
    const steady = samples.filter((x) => x.t >= opts.seconds / 5).map((x) => x.mb);
    const q = Math.max(1, Math.floor(steady.length / 4));
    const earlyMb = median(steady.slice(0, q));
    const lateMb = median(steady.slice(-q));
    const windowS = opts.seconds >= 300 ? 60 : Math.max(5, Math.round(opts.seconds / 6));
    const windows: SoakReport['windows'] = [];
    for (let from = 0; from < opts.seconds; from += windowS) {
      const inW = <T extends { t: number }>(xs: readonly T[]) => xs.filter((x) => x.t >= from && x.t < from + windowS);
      const r = inW(readLat).map((x) => x.ms);
      const c = inW(flowLat).map((x) => x.ms);
      windows.push({ fromS: from, reads: r.length, readP99: Math.round(p99(r) * 10) / 10, checkouts: c.length, checkoutP99: Math.round(p99(c)), rssMb: Math.max(...inW(samples).map((x) => x.mb), 0) });
    }
    await rel.close();
    rel = undefined;
    proc.kill('SIGTERM');
    await exited;
    return {
      seconds: opts.seconds,
      reads: readsSent,
      checkouts: checkoutsSent,
      paidOrders: sales.paidOrders,
      errors,
      windows,
      rss: { idleMb, earlyMb, lateMb, growth: lateMb / earlyMb - 1, samples: samples.map((x) => x.mb) },
      problems,
    };
  } finally {
    await rel?.close();
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGKILL');
      await new Promise((r) => proc!.once('exit', r));
    }
    await postgres.cleanup();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** `npm run reliability:soak`: the 10-minute soak, its table, and a non-zero exit on errors, losses or growth. */
async function main(): Promise<void> {
  const seconds = Number(process.env.SOAK_SECONDS ?? 600);
  const r = await runSoak({
    seconds,
    readsPerSecond: Number(process.env.SOAK_READS_PER_S ?? 100),
    checkoutsPerSecond: Number(process.env.SOAK_CHECKOUTS_PER_S ?? 2),
    log: (l) => console.log(l),
  });
  console.log(`\n| from s | reads | read p99 ms | checkouts | checkout p99 ms | API RSS MB (max) |\n|---|---|---|---|---|---|`);
  for (const w of r.windows) console.log(`| ${w.fromS} | ${w.reads} | ${w.readP99} | ${w.checkouts} | ${w.checkoutP99} | ${w.rssMb} |`);
  console.log(
    `\n${r.reads} reads, ${r.checkouts} checkouts, ${r.paidOrders} paid orders; errors ${JSON.stringify(r.errors)}; ` +
      `RSS idle ${r.rss.idleMb} MB, first quarter ${r.rss.earlyMb} MB, last quarter ${r.rss.lateMb} MB (${(r.rss.growth * 100).toFixed(1)} %)`,
  );
  // Flat: the last quarter's median within 10 % of the first quarter's (GC sawtooth and pools move a few %).
  if (r.rss.growth > 0.1) r.problems.push(`memory grew ${(r.rss.growth * 100).toFixed(1)} % from the first to the last quarter`);
  for (const p of r.problems) console.log(`PROBLEM: ${p}`);
  console.log(r.problems.length === 0 ? 'soak passed' : 'soak FAILED');
  process.exitCode = r.problems.length === 0 ? 0 : 1;
}

if (process.argv[1]?.endsWith('soak.ts')) await main();
