// The production topology on one machine: 2 API instances behind Node's cluster balancer and a job worker, on
// the real PostgreSQL, DynamoDB Local and an S3-compatible server. One instance is killed (SIGKILL) while
// shoppers check out: the other keeps serving, the dead one is replaced, and every order the shop accepted
// (201) is in the database, paid, exactly once, even for shoppers who retried after a dropped connection.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../helpers/wait.ts';
import pg from 'pg';
import { dynamoDbLocalMissing, startDynamoDbLocal, type DynamoDbLocal } from '../catalog/dynamodb-local.ts';
import { relationalTargets } from '../relational/targets.ts';
import { startS3rver, type S3rverHandle } from '../storage/s3rver-harness.ts';

const postgres = (await relationalTargets()).find((t) => t.name === 'postgres')!;
const missing = dynamoDbLocalMissing();
if (missing && process.env.CI === 'true') throw new Error(`cluster test: ${missing}`);
const skip = postgres.skip || missing || false;
if (skip) console.log(`# skipping the cluster test: ${skip}`);

let dynamo: DynamoDbLocal | undefined;
let s3: S3rverHandle | undefined;
let dataDir: string;
let cluster: ChildProcess | undefined;
let logs = '';
let base = '';
let databaseUrl = '';

const instancePids = (): number[] =>
  logs
    .split('\n')
    .filter((l) => l.includes('"api instance started"'))
    .map((l) => (JSON.parse(l) as { pid: number }).pid);

describe('cluster: several API instances on shared stores', { skip }, () => {
  before(async () => {
    dynamo = await startDynamoDbLocal();
    s3 = await startS3rver('vitrine-cluster');
    databaseUrl = (await postgres.fresh()).DATABASE_URL!;
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'vitrine-cluster-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    cluster = spawn(process.execPath, ['bin/vitrine.js', 'cluster', '--instances', '2'], {
      env: {
        ...process.env,
        PORT: String(port),
        LOG_LEVEL: 'info',
        VITRINE_DATA_DIR: dataDir,
        DATABASE_URL: databaseUrl,
        DYNAMODB_ENDPOINT: dynamo.endpoint,
        OBJECT_STORE: 's3',
        S3_BUCKET: s3.bucket,
        S3_ENDPOINT: s3.endpoint,
        S3_FORCE_PATH_STYLE: 'true',
        AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
        CATALOG_REFRESH_MS: '500',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cluster.stdout!.on('data', (c: Buffer) => (logs += c.toString()));
    cluster.stderr!.on('data', (c: Buffer) => (logs += c.toString()));
    for (let i = 0; i < 1800 && instancePids().length < 2; i++) {
      if (cluster.exitCode !== null) throw new Error(`cluster exited:\n${logs}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    for (let i = 0; i < 600; i++) {
      if ((await fetch(`${base}/readyz`).catch(() => undefined))?.ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // Plenty of stock: this test is about instances dying, not about selling out.
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    await c.query('update inventory set on_hand = 1000');
    await c.end();
  });

  after(async () => {
    if (cluster && cluster.exitCode === null) {
      cluster.kill('SIGTERM');
      await new Promise((r) => cluster!.once('exit', r));
    }
    await dynamo?.close();
    await s3?.stop();
    await postgres.cleanup();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps taking orders when an instance is killed, and loses none it accepted', async () => {
    assert.equal(instancePids().length, 2, logs);
    const list = (await (await fetch(`${base}/api/products?limit=100`)).json()) as { items: { slug: string }[] };
    const variants: string[] = [];
    for (const p of list.items.slice(0, 10)) {
      const d = (await (await fetch(`${base}/api/products/${p.slug}`)).json()) as { variants: { id: string }[] };
      variants.push(d.variants[0]!.id);
    }

    const accepted = new Map<string, string>(); // idempotency key → order id
    let failures = 0;
    let acceptedAfterKill = 0;
    let killed = false;

    /** Retries a request whose connection dropped (it went to the killed instance), as a browser's user would. */
    const retrying = async (send: () => Promise<Response>): Promise<Response> => {
      for (let attempt = 0; ; attempt++) {
        try {
          const res = await send();
          // The killed instance held this checkout's claim: it is resumed once the claim goes stale.
          if (res.status === 409 && attempt < 60) {
            const body = (await res.clone().json()) as { error?: { code?: string } };
            if (body.error?.code === 'IN_PROGRESS') {
              await new Promise((r) => setTimeout(r, 500));
              continue;
            }
          }
          return res;
        } catch (err) {
          failures++;
          if (attempt > 60) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    };

    /** One shopper: a cart (its cookie kept), then checkout with one Idempotency-Key however often it is retried. */
    const shop = async (n: number): Promise<void> => {
      const key = `cluster-order-${n.toString().padStart(4, '0')}`;
      // The CSRF token every state change carries (a guest's: bound to the vitrine_csrf cookie), fetched once as the storefront does.
      const csrf = await retrying(() => fetch(`${base}/api/auth/csrf`));
      const csrfToken = ((await csrf.json()) as { csrfToken: string }).csrfToken;
      const csrfCookie = csrf.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const add = await retrying(() =>
        fetch(`${base}/api/cart/lines`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: base, cookie: csrfCookie, 'x-csrf-token': csrfToken },
          body: JSON.stringify({ variantId: variants[n % variants.length], quantity: 1 }),
        }),
      );
      assert.equal(add.status, 201);
      const cookie = [csrfCookie, ...add.headers.getSetCookie().map((c) => c.split(';')[0])].join('; ');
      const res = await retrying(() =>
        fetch(`${base}/api/checkout`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie, origin: base, 'x-csrf-token': csrfToken, 'idempotency-key': key },
          body: JSON.stringify({
            email: `cluster${n}@example.com`,
            address: { name: 'C', line1: '1 Main St', city: 'Austin', region: 'TX', postalCode: '73301', country: 'US' },
            shippingMethod: 'standard',
            payment: { card: '4242424242424242' },
          }),
        }),
      );
      const body = (await res.json()) as { order?: { id: string } };
      assert.equal(res.status, 201, JSON.stringify(body));
      accepted.set(key, body.order!.id);
      if (killed) acceptedAfterKill++;
    };

    const shoppers = Array.from({ length: 40 }, (_, n) => n);
    const first = shoppers.slice(0, 20);
    const second = shoppers.slice(20);
    const running = Promise.all(first.map((n) => shop(n)));
    for (let i = 0; i < 600 && accepted.size < 5; i++) await new Promise((r) => setTimeout(r, 20));
    const victim = instancePids()[0]!;
    process.kill(victim, 'SIGKILL');
    killed = true;
    await running;
    await Promise.all(second.map((n) => shop(n)));

    assert.equal(accepted.size, 40, 'every shopper got an order, retrying dropped requests');
    assert.ok(acceptedAfterKill >= 20, `the surviving instance kept serving (${acceptedAfterKill} orders after the kill)`);
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    try {
      const { rows } = await c.query<{ id: string; status: string; email: string }>('select id, status, email from orders');
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const [key, orderId] of accepted) {
        assert.equal(byId.get(orderId)?.status, 'paid', `accepted order ${orderId} (${key}) is in the database, paid`);
      }
      const paidEmails = rows.filter((r) => r.status === 'paid').map((r) => r.email);
      assert.equal(new Set(paidEmails).size, paidEmails.length, 'no shopper was charged twice');
    } finally {
      await c.end();
    }
    for (let i = 0; i < 100 && instancePids().length < 3; i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(instancePids().length >= 3, 'the killed instance was replaced');
    assert.ok((await fetch(`${base}/readyz`)).ok);
    console.log(`# cluster: ${accepted.size} orders accepted, ${acceptedAfterKill} after the kill, ${failures} dropped requests retried`);
  });
});
