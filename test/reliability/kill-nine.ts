// Issue #9: kill -9 the API or the worker at random moments while guests check out and a merchant uploads models,
// restart it, N times; then let the worker drain and check that nothing was lost, half-written or duplicated.
//
// Topology (as in production, on one machine): a fresh database on the real Postgres, one API process
// (`vitrine start --no-worker`) and one worker process (`vitrine worker`), sharing a catalog (a dynalite server run
// by this process: DYNAMODB_ENDPOINT) and the object store (one folder: VITRINE_DATA_DIR). Each process is started
// in its own process group and killed with SIGKILL to the group, as a machine or container dies (the worker's
// Chromium goes with it). The kill schedule comes from a seeded random generator; the seed is printed.
//
// While the kills go on:
// - shoppers run the storefront's guest checkout (bench/guest-checkout.ts) again and again, on a variant with
//   plenty of stock and on one with few units (fought over, sold out); a pay request whose connection drops is
//   retried with the same Idempotency-Key until it gets an answer, as the storefront does; a failure before paying
//   abandons that cart (a new guest starts over);
// - a merchant uploads small demo models (request → PUT → complete), each step retried until answered.
// Checked at the end, once the worker has drained (polled with a generous bound, never a timing assertion):
// - every checkout answered 201 paid is a paid order, every paid order was answered, with the quantity asked for;
//   no order is left pending; units paid + units left = units set, for each variant (bench/guest-checkout.ts);
// - no half-written order: every order has its lines and its history; every paid order its one succeeded charge,
//   its payment reference, its pending → paid history and one `order.placed` event;
// - every upload whose complete call answered 202 ends `ready`, and the product shows the last of them;
// - every paid order's confirmation is in the mailbox exactly once (by message key and by recipient), no other
//   order got one, and no job is left queued, running or dead.
//
// Run: `npm run reliability:kill` (KILLS=100, SEED=…), or with a few kills from kill-nine.test.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { checkSales, errorCode, guestCheckout, LOAD_ENV, type Answer, type Target } from '../../bench/guest-checkout.ts';
import { rng as seededRandom } from '../../src/demo/random.ts';
import { freePort, until } from '../helpers/wait.ts';
import { DynamoCatalogRepository } from '../../src/databases/catalog/dynamo-repository.ts';
import { startDynalite } from '../../src/databases/catalog/dynalite-server.ts';
import { setRole } from '../../src/databases/relational/accounts.ts';
import { openRelational, type Relational } from '../../src/databases/relational/index.ts';
import { setStock, stockFor } from '../../src/databases/relational/inventory.ts';
import { Browser } from '../accounts/client.ts';
import { demoModel } from '../assets/fixtures.ts';
import { product } from '../catalog/fixtures.ts';
import { relationalTargets } from '../relational/targets.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TABLE = 'vitrine-catalog';
const MODELS = ['dining-table', 'side-table', 'bar-stool', 'coffee-table', 'dining-chair', 'bookshelf'];

export interface KillNineOptions {
  /** How many times a process is killed. */
  readonly kills: number;
  /** Seeds the kill schedule (which process, when); random when omitted. */
  readonly seed?: number;
  /** Guests checking out at once (default 4). */
  readonly shoppers?: number;
  /** Models the merchant uploads, spread over the kills (default 3). */
  readonly uploads?: number;
  /** Units of the scarce variant (default 40). */
  readonly scarceUnits?: number;
  /** The longest pause between one process being ready and the next kill, in ms (default 4000). */
  readonly maxGapMs?: number;
  /** Progress lines (default: stderr). */
  readonly log?: (line: string) => void;
}

export interface KillNineReport {
  readonly seed: number;
  readonly kills: { api: number; worker: number };
  readonly paidOrders: number;
  readonly outOfStock: number;
  /** Checkouts given up before paying because the API was down (their carts are simply abandoned). */
  readonly abandoned: number;
  readonly payRetries: number;
  readonly uploadsAccepted: number;
  readonly mails: number;
  /** The most claims any job took (each kill of the worker mid-job costs one). */
  readonly maxJobAttempts: number;
  readonly seconds: number;
  /** Where the time went: starting the shop, the kills under load, the worker's drain. */
  readonly phases: { setupS: number; killsS: number; drainS: number };
  /** Everything found lost, half-written or duplicated; empty when all checks passed. */
  readonly problems: string[];
}

const secondsSince = (t: number) => Math.round((performance.now() - t) / 1000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One of the shop's processes: started in its own process group, killed with SIGKILL to the whole group. */
export class ShopProcess {
  private child: ChildProcess | undefined;
  private output = '';
  private exited: Promise<void> = Promise.resolve();
  starts = 0;

  constructor(
    readonly name: 'api' | 'worker',
    readonly args: string[],
    private readonly env: Record<string, string>,
    private readonly isReady: (output: string) => Promise<boolean>,
  ) {}

  /** The last lines it printed (for a failure message). */
  tail(chars = 3000): string {
    return this.output.slice(-chars);
  }

  /** How it ended ("code 1", "signal SIGTERM"), or "running". */
  exitStatus(): string {
    if (!this.child || this.running) return 'running';
    return this.child.signalCode ? `signal ${this.child.signalCode}` : `code ${this.child.exitCode}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    this.starts++;
    this.output = '';
    const child = spawn(process.execPath, ['bin/vitrine.js', ...this.args], {
      cwd: REPO,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group: the kill takes Chromium and any other child with it
    });
    this.child = child;
    const keep = (c: Buffer): void => {
      this.output = (this.output + c.toString('utf8')).slice(-200_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    await until(
      async () => {
        if (!this.running) throw new Error(`kill-nine: the ${this.name} exited while starting (code ${child.exitCode}, signal ${child.signalCode}):\n${this.tail()}`);
        return this.isReady(this.output);
      },
      `the ${this.name} to be ready`,
      300_000,
    );
  }

  async kill9(): Promise<void> {
    if (!this.child?.pid || !this.running) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await this.exited;
  }

  /** SIGTERM (a graceful stop), SIGKILL if it has not exited after 60 s. */
  async stop(): Promise<void> {
    if (!this.child?.pid || !this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => void this.kill9(), 60_000);
    await this.exited;
    clearTimeout(timer);
    try {
      process.kill(-this.child.pid, 'SIGKILL'); // whatever it started and left behind
    } catch {
      // nothing left
    }
  }
}

export async function runKillNine(opts: KillNineOptions): Promise<KillNineReport> {
  const started = performance.now();
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const seed = opts.seed ?? randomInt(2 ** 31);
  const rng = seededRandom(seed); // seeded, so a failing schedule can be replayed with SEED
  const shoppers = opts.shoppers ?? 4;
  const uploads = opts.uploads ?? 3;
  const scarceUnits = opts.scarceUnits ?? 40;
  const maxGapMs = opts.maxGapMs ?? 4000;
  log(`kill-nine: seed ${seed}, ${opts.kills} kills, ${shoppers} shoppers, ${uploads} uploads`);

  const postgres = (await relationalTargets()).find((t) => t.name === 'postgres')!;
  if (postgres.skip) throw new Error(`kill-nine: ${postgres.skip}`);
  const dynalite = await startDynalite();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vitrine-kill-nine-'));
  let rel: Relational | undefined;
  let catalog: DynamoCatalogRepository | undefined;
  const procs: ShopProcess[] = [];
  try {
    const { DATABASE_URL } = await postgres.fresh();
    const port = await freePort();
    const api: Target = { port, base: `http://127.0.0.1:${port}` };
    const env: Record<string, string> = {
      DATABASE_URL: DATABASE_URL!,
      DYNAMODB_ENDPOINT: dynalite.endpoint,
      DYNAMODB_TABLE: TABLE,
      VITRINE_DATA_DIR: dataDir,
      SEED_DEMO: 'false',
      ...LOAD_ENV,
      CATALOG_REFRESH_MS: '500',
      PORT: String(port),
      HOST: '127.0.0.1',
    };
    const apiProc = new ShopProcess('api', ['start', '--no-worker', '--no-seed'], { ...env, LOG_LEVEL: 'warn', RUN_WORKER: 'false' }, async () =>
      (await fetch(`${api.base}/readyz`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined))?.ok === true,
    );
    const workerProc = new ShopProcess('worker', ['worker'], { ...env, LOG_LEVEL: 'info' }, async (out) => out.includes('"worker running"'));
    procs.push(apiProc, workerProc);

    // ---- setup: the API creates the schemas; then two products, stock, a merchant; then the worker ------------
    await apiProc.start();
    catalog = new DynamoCatalogRepository({ client: dynalite.endpoint, region: 'us-east-1', tableName: TABLE });
    rel = await openRelational({ DATABASE_URL, DATABASE_POOL_MAX: 4, dataDir });
    const db = rel.db;
    const shopProduct = product({ id: 'kill-shop' });
    const modelProduct = product({ id: 'kill-models' });
    await catalog.putProduct(shopProduct);
    await catalog.putProduct(modelProduct);
    const [plenty, scarce] = shopProduct.variants.map((v) => v.id) as [string, string];
    const units = new Map([
      [plenty, 1_000_000],
      [scarce, scarceUnits],
    ]);
    await setStock(db, [...units].map(([variantId, onHand]) => ({ variantId, productId: shopProduct.id, onHand })));
    await until(
      async () => {
        const res = await fetch(`${api.base}/api/products/${shopProduct.slug}`).catch(() => undefined);
        if (!res?.ok) return false;
        const p = (await res.json()) as { variants: { id: string; stock: number }[] };
        return p.variants.every((v) => v.stock === units.get(v.id));
      },
      'the API to list the products with their stock',
      120_000,
    );
    const merchant = new Browser(api.base);
    const merchantEmail = `merchant-${seed}@kill-nine.example.com`;
    const signup = await merchant.signup(merchantEmail, 'correct horse 42');
    if (signup.status !== 201) throw new Error(`kill-nine: merchant sign-up answered ${signup.status}: ${JSON.stringify(signup.body)}`);
    await setRole(db, merchantEmail, 'merchant');
    const models = await Promise.all(Array.from({ length: uploads }, (_, i) => demoModel(MODELS[i % MODELS.length]!)));
    await workerProc.start();
    const setupS = secondsSince(started);
    const killsStarted = performance.now();

    // ---- load: shoppers and the merchant, while processes are killed -------------------------------------------
    let stopping = false;
    let killsDone = 0;
    const answered = new Map<string, Map<string, number>>([...units.keys()].map((v) => [v, new Map()]));
    let outOfStock = 0;
    let abandoned = 0;
    let payRetries = 0;
    const unexpected = new Map<string, number>();
    const note = (what: string) => unexpected.set(what, (unexpected.get(what) ?? 0) + 1);
    const problems: string[] = [];

    /** The storefront's pay button: the same request until it gets an answer (the API may be down or restarting). */
    const payUntilAnswered = async (send: () => Promise<Answer>): Promise<Answer> => {
      const deadline = Date.now() + 600_000;
      for (let attempt = 0; ; attempt++) {
        if (attempt > 0) payRetries++;
        try {
          const a = await send();
          // The killed API held this checkout's claim: it is taken over once the claim is stale (15 s).
          if (a.status === 409 && errorCode(a) === 'IN_PROGRESS' && Date.now() < deadline) {
            await sleep(500);
            continue;
          }
          return a;
        } catch (err) {
          if (Date.now() > deadline) throw err;
          await sleep(300);
        }
      }
    };

    const agent = new http.Agent({ keepAlive: true, maxSockets: shoppers });
    const shopper = async (w: number): Promise<void> => {
      for (let n = 0; !stopping; n++) {
        const variantId = n % 2 === 0 ? plenty : scarce;
        const quantity = 1 + ((w + n) % 3);
        const o = await guestCheckout(agent, api, variantId, quantity, `s${w}.${n}.${seed}@kill-nine.example.com`, { pay: payUntilAnswered });
        if (o.kind === 'paid') answered.get(variantId)!.set(o.orderId, quantity);
        else if (o.kind === 'out_of_stock') outOfStock++;
        else if (o.status === 0 && o.step !== 'pay') {
          abandoned++; // the API was down before the pay request: this guest's cart is left behind
          await sleep(300);
        } else {
          note(o.what);
          await sleep(300);
        }
      }
    };

    /** A merchant's upload, each step retried until answered; the upload id once complete answered 202. */
    const acceptedUploads: string[] = [];
    const retry = async <T>(what: string, step: () => Promise<T>): Promise<T> => {
      const deadline = Date.now() + 600_000;
      for (;;) {
        try {
          return await step();
        } catch (err) {
          if (Date.now() > deadline) throw new Error(`kill-nine: ${what} never answered: ${(err as Error).message}`);
          await sleep(300);
        }
      }
    };
    const uploadOne = async (glb: Uint8Array, i: number): Promise<void> => {
      const base = `/api/admin/products/${modelProduct.id}/model-uploads`;
      const asked = await retry('upload request', () => merchant.call('POST', base, { filename: `model-${i}.glb`, contentType: 'model/gltf-binary', size: glb.byteLength }));
      if (asked.status !== 201) {
        note(`upload request ${asked.status}`);
        return;
      }
      const p = asked.body as { uploadId: string; upload: { url: string; method: string; headers: Record<string, string> } };
      const put = await retry('upload PUT', async () => (await fetch(p.upload.url, { method: p.upload.method, headers: p.upload.headers, body: new Uint8Array(glb) })).status);
      if (put !== 200) {
        note(`upload PUT ${put}`);
        return;
      }
      const done = await retry('upload complete', () => merchant.call('POST', `${base}/${p.uploadId}/complete`));
      if (done.status !== 202) {
        note(`upload complete ${done.status} ${JSON.stringify(done.body)}`);
        return;
      }
      acceptedUploads.push(p.uploadId);
    };
    const merchantLoop = async (): Promise<void> => {
      for (let i = 0; i < uploads; i++) {
        // Spread over the kills: upload i starts once i/uploads of them have happened.
        await until(async () => killsDone >= Math.floor((i * opts.kills) / uploads) || stopping, 'the next upload slot', 24 * 3600_000, 100);
        await uploadOne(models[i]!, i);
      }
    };

    const load = [...Array.from({ length: shoppers }, (_, w) => shopper(w)), merchantLoop()];
    const killed = { api: 0, worker: 0 };
    try {
      for (let k = 0; k < opts.kills; k++) {
        await sleep(200 + rng() * maxGapMs); // a random moment while checkouts and jobs run
        const victim = rng() < 0.5 ? apiProc : workerProc;
        await victim.kill9();
        killed[victim.name]++;
        killsDone++;
        if ((k + 1) % 10 === 0 || k + 1 === opts.kills) {
          log(`kill-nine: ${k + 1}/${opts.kills} kills (api ${killed.api}, worker ${killed.worker}); ${[...answered.values()].reduce((s, m) => s + m.size, 0)} paid so far, ${acceptedUploads.length} uploads accepted`);
        }
        await victim.start();
      }
    } finally {
      stopping = true;
      await Promise.allSettled(load);
      agent.destroy();
    }
    for (const r of await Promise.allSettled(load)) if (r.status === 'rejected') problems.push(`a shopper or the merchant failed: ${(r.reason as Error).message}`);
    const paidAnswers = [...answered.values()].reduce((s, m) => s + m.size, 0);
    log(`kill-nine: load stopped: ${paidAnswers} paid answers, ${outOfStock} out of stock, ${abandoned} abandoned before paying, ${payRetries} pay retries; draining the worker`);

    // ---- drain: the worker finishes what was accepted (polled; the bound only guards against a hang) ------------
    const killsS = secondsSince(killsStarted);
    const drainStarted = performance.now();
    const assetIds = acceptedUploads.map((u) => `upload-${u}`);
    let drained = false;
    try {
      await until(
        async () => {
          const jobs = await db.selectFrom('jobs').select(({ fn }) => ['status', fn.countAll<number>().as('n')]).where('status', '!=', 'done').groupBy('status').execute();
          if (jobs.some((j) => j.status === 'dead')) return true; // reported below
          if (jobs.length > 0) return false;
          const unpublished = await db.selectFrom('outbox').select('id').where('published_at', 'is', null).limit(1).execute();
          if (unpublished.length > 0) return false;
          for (const id of assetIds) {
            const a = await catalog!.getAsset(id);
            if (a?.status !== 'ready' && a?.status !== 'failed') return false;
          }
          return true;
        },
        'the worker to drain (jobs done, outbox relayed, uploads processed)',
        Math.max(20, 3 * uploads) * 60_000,
        1000,
      );
      drained = true;
    } catch (err) {
      problems.push((err as Error).message);
    }

    const drainS = secondsSince(drainStarted);
    log(`kill-nine: setup ${setupS} s, kills under load ${killsS} s, drain ${drainS} s`);

    // ---- checks -------------------------------------------------------------------------------------------------
    const left = await stockFor(db, [...units.keys()]);
    for (const [variantId, set] of units) {
      const c = await checkSales(db, { variantId, units: set, stockLeft: left.get(variantId) ?? NaN, answered: answered.get(variantId)! });
      problems.push(...c.problems.map((p) => `${variantId === plenty ? 'plenty' : 'scarce'} variant: ${p}`));
    }
    const ledger = await ledgerProblems(db);
    problems.push(...ledger.problems);
    const paid = ledger.paid;
    const mails = ledger.mails;
    for (const id of assetIds) {
      const a = await catalog.getAsset(id);
      if (a?.status !== 'ready') problems.push(`accepted upload ${id} is ${a?.status ?? 'missing'}${a?.error ? `: ${a.error}` : ''}`);
    }
    if (drained && assetIds.length > 0) {
      const shown = (await catalog.getProduct(modelProduct.id))?.assetId;
      if (shown !== assetIds.at(-1)) problems.push(`the product shows ${shown ?? 'no model'}, not the last accepted upload ${assetIds.at(-1)}`);
    }
    const dead = await db.selectFrom('jobs').select(['type', 'attempts', 'last_error']).where('status', '=', 'dead').execute();
    if (dead.length > 0) problems.push(`${dead.length} dead jobs, e.g. ${dead[0]!.type} after ${dead[0]!.attempts} attempts: ${(dead[0]!.last_error ?? '').split('\n')[0]}`);
    const maxAttempts = (await db.selectFrom('jobs').select(({ fn }) => fn.max<number>('attempts').as('m')).executeTakeFirst())?.m ?? 0;
    if (unexpected.size > 0) problems.push(`unexpected answers: ${[...unexpected].map(([w, n]) => `${n}× ${w}`).join(', ')}`);
    if (problems.length > 0) {
      log(`kill-nine: last output of the API:\n${apiProc.tail()}`);
      log(`kill-nine: last output of the worker:\n${workerProc.tail()}`);
    }

    return {
      seed,
      kills: killed,
      paidOrders: paid.length,
      outOfStock,
      abandoned,
      payRetries,
      uploadsAccepted: acceptedUploads.length,
      mails: mails.length,
      maxJobAttempts: Number(maxAttempts),
      seconds: secondsSince(started),
      phases: { setupS, killsS, drainS },
      problems,
    };
  } finally {
    for (const p of procs) await p.stop().catch(() => {});
    await catalog?.close().catch(() => {});
    await rel?.close().catch(() => {});
    await dynalite.close().catch(() => {});
    await postgres.cleanup().catch(() => {});
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * The order ledger after a run: no half-written order (every order has its lines and history; every paid order its
 * one succeeded charge, payment reference, pending → paid move and one `order.placed` event), and every paid order's
 * confirmation in the mailbox exactly once (by message key and by recipient), none for other orders.
 */
export async function ledgerProblems(db: Relational['db']): Promise<{ problems: string[]; paid: { id: string }[]; mails: { message_key: string }[] }> {
  const problems: string[] = [];
  const halfWritten = await sql<{ id: string; status: string; lines: number; history: number; charges: number; paid_moves: number; events: number; payment_ref: string | null }>`
    select o.id, o.status, o.payment_ref,
           (select count(*) from order_lines l where l.order_id = o.id)::int as lines,
           (select count(*) from order_history h where h.order_id = o.id)::int as history,
           (select count(*) from payments p where p.order_id = o.id and p.kind = 'charge' and p.status = 'succeeded')::int as charges,
           (select count(*) from order_history h where h.order_id = o.id and h.from_status = 'pending_payment' and h.to_status = 'paid')::int as paid_moves,
           (select count(*) from outbox e where e.topic = 'order.placed' and e.payload->>'orderId' = o.id)::int as events
      from orders o`.execute(db);
  const bad = halfWritten.rows.filter(
    (o) => o.lines < 1 || o.history < 1 || (o.status === 'paid' && (o.charges !== 1 || o.paid_moves !== 1 || o.events !== 1 || !o.payment_ref)),
  );
  if (bad.length > 0) problems.push(`${bad.length} half-written orders, e.g. ${JSON.stringify(bad[0])}`);
  const paid = halfWritten.rows.filter((o) => o.status === 'paid');

  const mails = await sql<{ message_key: string; recipient: string }>`
    select message_key, recipient from dev_mailbox where message_key like 'order-confirmation:%'`.execute(db);
  const byKey = new Map<string, number>();
  const byRecipient = new Map<string, number>();
  for (const m of mails.rows) {
    byKey.set(m.message_key, (byKey.get(m.message_key) ?? 0) + 1);
    byRecipient.set(m.recipient, (byRecipient.get(m.recipient) ?? 0) + 1);
  }
  const emails = new Map((await db.selectFrom('orders').select(['id', 'email']).execute()).map((o) => [o.id, o.email]));
  const paidIds = new Set(paid.map((o) => o.id));
  const noMail = paid.filter((o) => byKey.get(`order-confirmation:${o.id}`) !== 1);
  if (noMail.length > 0) problems.push(`${noMail.length} paid orders without exactly one confirmation (e.g. ${noMail[0]!.id}: ${byKey.get(`order-confirmation:${noMail[0]!.id}`) ?? 0})`);
  const twice = [...byRecipient].filter(([, n]) => n > 1);
  if (twice.length > 0) problems.push(`${twice.length} shoppers got more than one confirmation (e.g. ${twice[0]![0]}: ${twice[0]![1]})`);
  const stray = mails.rows.filter((m) => !paidIds.has(m.message_key.slice('order-confirmation:'.length)));
  if (stray.length > 0) problems.push(`${stray.length} confirmations for orders that are not paid (e.g. ${stray[0]!.message_key})`);
  const paidEmails = new Set(paid.map((o) => emails.get(o.id)));
  if (paidEmails.size !== paid.length) problems.push('two paid orders share a shopper email (each guest has its own)');

  return { problems, paid, mails: mails.rows };
}

// `npm run reliability:kill`: KILLS (100), SEED, SHOPPERS, UPLOADS.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
  const report = await runKillNine({
    kills: num(process.env.KILLS) ?? 100,
    seed: num(process.env.SEED),
    shoppers: num(process.env.SHOPPERS),
    uploads: num(process.env.UPLOADS),
  });
  console.log(JSON.stringify(report, null, 2));
  if (report.problems.length > 0) {
    console.error(`kill-nine: FAILED (seed ${report.seed}):\n  ${report.problems.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    console.log(`kill-nine: ok: ${report.kills.api + report.kills.worker} kills (api ${report.kills.api}, worker ${report.kills.worker}) in ${report.seconds} s, seed ${report.seed}`);
  }
}
