// Issue #9: a full or read-only data folder. The embedded profile keeps PGlite's database, dynalite's catalog and
// the object files in one folder (VITRINE_DATA_DIR). Tests run as root, for whom chmod changes nothing, so the folder
// is a small tmpfs mount: filled with a file until the disk says ENOSPC, or remounted read-only. (PGlite keeps its
// files open for writing, which makes the kernel refuse to remount its file system read-only while it runs: the
// read-only case while running is the object folder on a mount of its own, as a separate disk or volume would be.)
//
// Checked: the shop keeps running and says what is wrong. Writes that cannot be stored answer 507/503 with a code
// (never a 500), /readyz names the store, reads (catalog, assets) keep being served, and once space is freed or the
// folder is writable again everything works, with nothing corrupted: existing objects byte for byte, existing
// orders with their lines, and the database reopens. Starting on a read-only or full folder is refused with one
// message naming the folder and the problem (code DATA_FOLDER_UNWRITABLE, exit code 2), not a stack trace.
//
// Skipped, with the reason, when tmpfs cannot be mounted here (not root, or a container without the capability).
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { errorCode, guestCheckout, type Answer, type Target } from '../../bench/guest-checkout.ts';
import { setRole } from '../../src/databases/relational/accounts.ts';
import { setStock } from '../../src/databases/relational/inventory.ts';
import { readObject } from '../../src/storage/index.ts';
import { Browser } from '../accounts/client.ts';
import { product } from '../catalog/fixtures.ts';
import { startTestApp } from '../helpers/app.ts';
import { until } from '../helpers/wait.ts';

const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '../..');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function mountTmpfs(dir: string, size: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await run('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir]);
}
const remount = (dir: string, mode: 'ro' | 'rw') => run('mount', ['-o', `remount,${mode}`, dir]);
const unmount = (dir: string) => run('umount', ['-l', dir]).catch(() => undefined);

/** Why tmpfs cannot be mounted here, or false. */
async function cannotMount(): Promise<string | false> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vitrine-mount-probe-'));
  try {
    await mountTmpfs(dir, '1m');
    await remount(dir, 'ro');
    return false;
  } catch (err) {
    return `cannot mount a tmpfs to make a read-only or full folder (${((err as { stderr?: string }).stderr || (err as Error).message).trim()})`;
  } finally {
    await unmount(dir);
    await fs.rmdir(dir).catch(() => undefined);
  }
}

/** Fills the file system holding `dir` with one file, until it refuses with ENOSPC. */
async function fill(dir: string): Promise<string> {
  const file = path.join(dir, 'filler.bin');
  const fh = await fs.open(file, 'w');
  const chunk = Buffer.alloc(1 << 20, 7);
  try {
    for (;;) await fh.write(chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    await fh.close().catch(() => undefined);
  }
  // A small write that may have fitted in a last partial page: fill that too.
  await fs.appendFile(file, Buffer.alloc(4096)).catch(() => undefined);
  return file;
}

/** `vitrine start` on `dataDir`: how it ended and what it printed (killed if it starts instead of refusing). */
async function startCli(dataDir: string): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const env: Record<string, string | undefined> = { ...process.env, VITRINE_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', SEED_DEMO: 'false' };
  for (const k of ['DATABASE_URL', 'DYNAMODB_ENDPOINT', 'OBJECT_STORE', 'QUEUE']) delete env[k];
  const child = spawn(process.execPath, ['bin/vitrine.js', 'start', '--no-seed'], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000); // a hang guard: it should refuse within seconds
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stderr, stdout };
}

/** The refusal an operator should see: exit code 2, and one line naming the code, the folder and the problem. */
function assertRefused(r: { code: number | null; stderr: string; stdout: string }, folder: string, problem: RegExp): void {
  // The AWS SDK's warning about this Node version is the environment's, not the shop's message.
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !/NodeVersionSupportWarning|node >=22|AWS SDK|receiving updates|security updates|More information|--trace-warnings|versions published/.test(l));
  assert.equal(r.code, 2, `exit code 2 (stderr: ${r.stderr})`);
  assert.equal(lines.length, 1, `one message, got:\n${lines.join('\n')}`);
  assert.match(lines[0]!, /^vitrine: DATA_FOLDER_UNWRITABLE: /);
  assert.ok(lines[0]!.includes(folder), `names the folder ${folder}: ${lines[0]}`);
  assert.match(lines[0]!, problem);
  assert.doesNotMatch(r.stderr + r.stdout, /^\s+at /m, 'no stack trace');
}

const skip = await cannotMount();
if (skip) console.log(`# skipping the data folder scenarios: ${skip}`);

/** A shop on `dataDir` with a product in stock, a merchant, an object, an upload and a paid order, for the checks. */
async function openShop(dataDir: string) {
  const app = await startTestApp({ dataDir, env: { SEED_DEMO: 'false' } });
  const rt = app.shop.runtime;
  const p = product({ id: `folder-${randomUUID().slice(0, 8)}` });
  await rt.catalog.repo.putProduct(p);
  const variantId = p.variants[0]!.id;
  await setStock(rt.relational.db, [{ variantId, productId: p.id, onHand: 1000 }]);
  await until(async () => {
    const res = await fetch(`${app.baseUrl}/api/products/${p.slug}`);
    if (!res.ok) return false;
    return ((await res.json()) as { variants: { id: string; stock: number }[] }).variants.some((v) => v.id === variantId && v.stock === 1000);
  }, 'the product and its stock to be served', 60_000);
  const merchant = new Browser(app.baseUrl);
  const email = `merchant-${randomUUID().slice(0, 8)}@folder.example.com`;
  assert.equal((await merchant.signup(email, 'correct horse 42')).status, 201);
  await setRole(rt.relational.db, email, 'merchant');
  // A published object (served at /assets/…) and a merchant's upload, to check byte for byte later.
  const poster = new Uint8Array(Buffer.alloc(48 * 1024, 3));
  const posterKey = `posters/${p.id}/${sha(poster).slice(0, 16)}/poster.webp`;
  await rt.objects.put(posterKey, poster, { contentType: 'image/webp' });
  const api: Target = { port: Number(new URL(app.baseUrl).port), base: app.baseUrl };
  const agent = new http.Agent({ keepAlive: false });
  return { app, rt, p, variantId, merchant, poster, posterKey, api, agent };
}
type Shop = Awaited<ReturnType<typeof openShop>>;

/** A merchant's model upload, all three steps; the answer of the first step that failed, or the upload's key. */
async function upload(s: Shop, bytes: Uint8Array): Promise<{ ok: true; key: string } | { ok: false; step: string; status: number; code: string }> {
  const base = `/api/admin/products/${s.p.id}/model-uploads`;
  const asked = await s.merchant.call('POST', base, { filename: 'chair.glb', contentType: 'model/gltf-binary', size: bytes.byteLength });
  const code = (b: unknown) => (b as { error?: { code?: string } } | undefined)?.error?.code ?? '';
  if (asked.status !== 201) return { ok: false, step: 'request', status: asked.status, code: code(asked.body) };
  const u = asked.body as { uploadId: string; upload: { url: string; headers: Record<string, string> } };
  const put = await fetch(u.upload.url, { method: 'PUT', headers: u.upload.headers, body: new Uint8Array(bytes) });
  const putBody = (await put.json().catch(() => undefined)) as unknown;
  if (put.status !== 200) return { ok: false, step: 'put', status: put.status, code: code(putBody) };
  const done = await s.merchant.call('POST', `${base}/${u.uploadId}/complete`);
  if (done.status !== 202) return { ok: false, step: 'complete', status: done.status, code: code(done.body) };
  return { ok: true, key: (await s.rt.catalog.repo.getAsset(`upload-${u.uploadId}`))!.sourceKey! };
}

/** A GLB-looking body (the complete step sniffs the magic), distinct per call. */
function glb(kb: number): Uint8Array {
  const b = Buffer.alloc(kb * 1024, Math.floor(Math.random() * 200) + 1);
  b.write('glTF', 0, 'latin1');
  b.writeUInt32LE(2, 4);
  b.writeUInt32LE(b.byteLength, 8);
  return new Uint8Array(b);
}

/** Catalog and asset reads, which must keep working whatever happens to writes. */
async function assertReadsServed(s: Shop): Promise<void> {
  for (const url of ['/api/products?limit=20', `/api/products/${s.p.slug}`, `/assets/${s.posterKey}`]) {
    const res = await fetch(`${s.app.baseUrl}${url}`);
    const body = new Uint8Array(await res.arrayBuffer());
    assert.equal(res.status, 200, `GET ${url} is served`);
    if (url.startsWith('/assets/')) assert.equal(sha(body), sha(s.poster), 'the asset is served intact');
  }
}

async function readyz(s: Shop): Promise<{ status: number; body: { status: string; checks: Record<string, { status: string; error?: string }> } }> {
  const res = await fetch(`${s.app.baseUrl}/readyz`);
  return { status: res.status, body: (await res.json()) as { status: string; checks: Record<string, { status: string; error?: string }> } };
}

/** A guest checkout: its order id when paid, else the failing answer (which must be a coded 507/503). */
async function checkout(s: Shop): Promise<{ paid: string } | { status: number; code: string; step: string }> {
  const answers: Answer[] = [];
  const o = await guestCheckout(s.agent, s.api, s.variantId, 1, `g-${randomUUID().slice(0, 8)}@folder.example.com`, { onAnswer: (_step, a) => answers.push(a) });
  if (o.kind === 'paid') return { paid: o.orderId };
  if (o.kind === 'out_of_stock') throw new Error('unexpected OUT_OF_STOCK');
  const last = answers.at(-1);
  return { status: o.status, code: last ? errorCode(last) : '', step: o.step };
}

/** Orders are whole: each has its lines and history; each paid one its succeeded charge. Returns the paid ids. */
async function intactOrders(s: Shop, expectPaid: readonly string[]): Promise<void> {
  const rows = await sql<{ id: string; status: string; lines: number; history: number; charges: number }>`
    select o.id, o.status,
           (select count(*) from order_lines l where l.order_id = o.id)::int as lines,
           (select count(*) from order_history h where h.order_id = o.id)::int as history,
           (select count(*) from payments p where p.order_id = o.id and p.kind = 'charge' and p.status = 'succeeded')::int as charges
      from orders o`.execute(s.rt.relational.db);
  const bad = rows.rows.filter((o) => o.lines < 1 || o.history < 1 || (o.status === 'paid' && o.charges !== 1));
  assert.deepEqual(bad, [], 'no half-written order');
  const paid = new Set(rows.rows.filter((o) => o.status === 'paid').map((o) => o.id));
  for (const id of expectPaid) assert.ok(paid.has(id), `order ${id} is still paid`);
}

async function objectIntact(s: Shop, key: string, bytes: Uint8Array): Promise<void> {
  const stored = await readObject(s.rt.objects, key);
  assert.ok(stored, `${key} is still there`);
  assert.equal(sha(stored), sha(bytes), `${key} is intact`);
}

describe('a full or read-only data folder', { skip }, () => {
  it('full while running: writes answer 507 with a code, reads are served, all works again once space is freed; a full folder refuses to start', { timeout: 10 * 60_000 }, async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vitrine-full-'));
    await mountTmpfs(dir, '160m');
    let s: Shop | undefined;
    try {
      s = await openShop(dir);
      const first = await checkout(s);
      assert.ok('paid' in first, `a checkout before the disk fills: ${JSON.stringify(first)}`);
      const model = glb(64);
      const up = await upload(s, model);
      assert.ok(up.ok, `an upload before the disk fills: ${JSON.stringify(up)}`);

      const filler = await fill(dir);
      // Uploads cannot be stored: a coded 507, and nothing half-stored.
      const refused = await upload(s, glb(64));
      assert.ok(!refused.ok);
      assert.deepEqual({ status: refused.status, code: refused.code }, { status: 507, code: 'STORAGE_FULL' }, `upload refused at ${refused.step}`);
      // Checkouts either still fit (a database page with room) or get a coded 507/503: never a 500. They go on until
      // the database needs a new page and is refused (or 300 went through).
      const paidWhileFull: string[] = [];
      const refusedWhileFull: string[] = [];
      for (let i = 0; i < 300 && refusedWhileFull.length < 3; i++) {
        const c = await checkout(s);
        if ('paid' in c) paidWhileFull.push(c.paid);
        else {
          assert.ok((c.status === 507 || c.status === 503) && /^[A-Z_]+$/.test(c.code), `a checkout while full answered ${c.status} ${c.code} at ${c.step}`);
          refusedWhileFull.push(`${c.step} ${c.status} ${c.code}`);
        }
      }
      console.log(`# data-folder: checkouts while full: ${paidWhileFull.length} paid, refused: ${JSON.stringify(refusedWhileFull)}`);
      await assertReadsServed(s);
      const r = await readyz(s);
      assert.equal(r.status, 503);
      assert.equal(r.body.checks.objects?.status, 'down');
      assert.match(r.body.checks.objects?.error ?? '', /full/, 'readyz says the object folder is full');

      await fs.rm(filler);
      await until(async () => (await readyz(s!)).status === 200, '/readyz to be ready once space is freed', 60_000);
      const again = await upload(s, glb(64));
      assert.ok(again.ok, `an upload once space is freed: ${JSON.stringify(again)}`);
      const after = await checkout(s);
      assert.ok('paid' in after, `a checkout once space is freed: ${JSON.stringify(after)}`);
      await assertReadsServed(s);
      await objectIntact(s, up.key, model);
      await objectIntact(s, s.posterKey, s.poster);
      await intactOrders(s, [first.paid, after.paid, ...paidWhileFull]);

      // The database on disk survived: it reopens with every order.
      await s.app.close();
      s = undefined;
      const reopened = await startTestApp({ dataDir: dir, env: { SEED_DEMO: 'false' } });
      try {
        const ids = (await reopened.shop.runtime.relational.db.selectFrom('orders').select('id').where('status', '=', 'paid').execute()).map((o) => o.id);
        for (const id of [first.paid, after.paid, ...paidWhileFull]) assert.ok(ids.includes(id), `order ${id} survived the reopen`);
        assert.equal(sha((await readObject(reopened.shop.runtime.objects, up.key))!), sha(model));
      } finally {
        await reopened.close();
      }

      // Starting on the full folder is refused with one clear message.
      await fill(dir);
      assertRefused(await startCli(dir), dir, /is full/);
    } finally {
      await s?.app.close().catch(() => undefined);
      await unmount(dir);
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('read-only while running: uploads answer 503 STORAGE_UNAVAILABLE, the rest is served, all works again once writable; a read-only folder refuses to start', { timeout: 10 * 60_000 }, async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vitrine-ro-'));
    const objectsDir = path.join(dir, 'objects');
    await mountTmpfs(dir, '160m');
    await mountTmpfs(objectsDir, '32m');
    let s: Shop | undefined;
    try {
      s = await openShop(dir);
      const model = glb(64);
      const up = await upload(s, model);
      assert.ok(up.ok, `an upload while writable: ${JSON.stringify(up)}`);

      await remount(objectsDir, 'ro');
      const refused = await upload(s, glb(64));
      assert.ok(!refused.ok);
      assert.deepEqual({ status: refused.status, code: refused.code }, { status: 503, code: 'STORAGE_UNAVAILABLE' }, `upload refused at ${refused.step}`);
      const paid = await checkout(s);
      assert.ok('paid' in paid, `checkout needs no object folder: ${JSON.stringify(paid)}`);
      await assertReadsServed(s);
      const r = await readyz(s);
      assert.equal(r.status, 503);
      assert.match(r.body.checks.objects?.error ?? '', /read-only/, 'readyz says the object folder is read-only');

      await remount(objectsDir, 'rw');
      await until(async () => (await readyz(s!)).status === 200, '/readyz to be ready once writable', 60_000);
      const again = await upload(s, glb(64));
      assert.ok(again.ok, `an upload once writable: ${JSON.stringify(again)}`);
      await objectIntact(s, up.key, model);
      await objectIntact(s, s.posterKey, s.poster);
      await intactOrders(s, [paid.paid]);
      await s.app.close();
      s = undefined;

      // Starting on a read-only folder (the whole data folder now) is refused with one clear message.
      await remount(dir, 'ro');
      assertRefused(await startCli(dir), dir, /read-only/);
      // A read-only objects folder inside a writable data folder too, naming that folder.
      await remount(dir, 'rw');
      await remount(objectsDir, 'ro');
      assertRefused(await startCli(dir), objectsDir, /read-only/);
    } finally {
      await s?.app.close().catch(() => undefined);
      await unmount(objectsDir);
      await unmount(dir);
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
