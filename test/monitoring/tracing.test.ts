// Traces (src/monitoring/tracing.ts) on the whole shop, with real components only: a tiny OTLP/HTTP receiver on
// 127.0.0.1 stands in for the collector (the exporter sends OTLP JSON), the catalog is dynalite, objects are in
// s3rver, SQL is PGlite, the worker runs in the process. Off by default: then no OpenTelemetry module is loaded at
// all, which a loader hook registered below records (it sees every module the process resolves from here on).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { register } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setStock } from '../../src/databases/relational/inventory.ts';
import { tracesUrl, tracing } from '../../src/monitoring/tracing.ts';
import { Browser } from '../accounts/client.ts';
import { product } from '../catalog/fixtures.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { untilValue } from '../helpers/wait.ts';
import { startS3rver, type S3rverHandle } from '../storage/s3rver-harness.ts';

// ---- which modules the process loads -------------------------------------------------------------------------

const loadsFile = path.join(os.tmpdir(), `vitrine-otel-loads-${process.pid}.txt`);
await writeFile(loadsFile, '');
const RECORDER = `
import { appendFileSync } from 'node:fs';
let file;
export function initialize(data) { file = data.file; }
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (r.url.includes('/@opentelemetry/')) appendFileSync(file, r.url + '\\n');
  return r;
}`;
register(`data:text/javascript,${encodeURIComponent(RECORDER)}`, import.meta.url, { data: { file: loadsFile } });
const openTelemetryLoads = async (): Promise<string[]> => (await readFile(loadsFile, 'utf8')).split('\n').filter(Boolean);
after(() => rm(loadsFile, { force: true }));

// ---- an OTLP/HTTP receiver ------------------------------------------------------------------------------------

interface AnyValue {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
  arrayValue?: { values: AnyValue[] };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: AnyValue }[];
  status?: { code?: number };
}
interface ReceivedSpan extends OtlpSpan {
  service: string;
  attrs: Record<string, unknown>;
}
const SERVER = 2;
const CLIENT = 3;
const CONSUMER = 5;

function plain(v: AnyValue): unknown {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return v.arrayValue.values.map(plain);
  return undefined;
}

async function startReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; requests: { path: string; contentType: string }[]; close(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const requests: { path: string; contentType: string }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '' });
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans: { resource: { attributes: { key: string; value: AnyValue }[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
      };
      for (const rs of body.resourceSpans) {
        const service = String(plain(rs.resource.attributes.find((a) => a.key === 'service.name')?.value ?? {}));
        for (const ss of rs.scopeSpans) {
          for (const s of ss.spans) spans.push({ ...s, service, attrs: Object.fromEntries((s.attributes ?? []).map((a) => [a.key, plain(a.value)])) });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, spans, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

// ---- off (first: nothing may have loaded OpenTelemetry before it) --------------------------------------------

describe('tracing off (no OTLP endpoint set)', () => {
  it('serves requests with no OpenTelemetry module loaded and no global tracer registered', async () => {
    const app = await startTestApp({ env: { SEED_DEMO: 'false' } });
    try {
      assert.equal(tracing(), undefined);
      for (const p of ['/readyz', '/api/products', '/api/cart']) assert.equal((await fetch(app.baseUrl + p)).status, 200, p);
      assert.deepEqual(await openTelemetryLoads(), [], 'no @opentelemetry module resolved');
      // @opentelemetry/api keeps whatever is registered under this key on globalThis: nothing, since nothing loaded it.
      assert.equal((globalThis as Record<symbol, unknown>)[Symbol.for('opentelemetry.js.api.1')], undefined);
    } finally {
      await app.close();
    }
  });

  it('is off for OTEL_SDK_DISABLED=true even with an endpoint, and the traces URL follows the OTel variables', () => {
    const base = { OTEL_TRACES_SAMPLER: 'parentbased_always_on', OTEL_TRACES_SAMPLER_ARG: 1, NODE_ENV: 'test' } as const;
    assert.equal(tracesUrl({ ...base, OTEL_SDK_DISABLED: false }), undefined);
    assert.equal(tracesUrl({ ...base, OTEL_SDK_DISABLED: false, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }), 'http://collector:4318/v1/traces');
    assert.equal(
      tracesUrl({ ...base, OTEL_SDK_DISABLED: false, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/otlp' }),
      'https://traces.example/otlp',
    );
    assert.equal(tracesUrl({ ...base, OTEL_SDK_DISABLED: true, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }), undefined);
  });
});

// ---- on ---------------------------------------------------------------------------------------------------------

describe('tracing on (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let s3: S3rverHandle;
  let app: TestApp;
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  const productId = `lamp-${randomUUID().slice(0, 8)}`;

  before(async () => {
    receiver = await startReceiver();
    s3 = await startS3rver('vitrine-traces');
    process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey;
    app = await startTestApp({
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        SEED_DEMO: 'false',
        RUN_WORKER: 'true',
        OBJECT_STORE: 's3',
        S3_BUCKET: s3.bucket,
        S3_ENDPOINT: s3.endpoint,
        S3_FORCE_PATH_STYLE: 'true',
        AWS_REGION: s3.region,
      },
    });
    // One product with stock to check out (written before any request: those writes are outside every trace).
    const p = product({ id: productId });
    await app.shop.runtime.catalog.repo.putProduct(p);
    await setStock(app.shop.runtime.relational.db, p.variants.map((v) => ({ variantId: v.id, productId: p.id, onHand: 10 })));
    await untilValue(async () => ((await fetch(`${app.baseUrl}/api/products/${p.slug}`)).status === 200 ? true : undefined), 'the product in the read model');
  });
  after(async () => {
    await app?.close();
    for (const [k, v] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await s3?.stop();
    await receiver?.close();
  });

  /** Exports what has ended so far, then the spans of one trace. */
  async function traceOf(traceId: string): Promise<ReceivedSpan[]> {
    await tracing()!.flush();
    return receiver.spans.filter((s) => s.traceId === traceId);
  }

  /** The server span of the request that answered with this x-request-id. */
  async function serverSpan(requestId: string): Promise<ReceivedSpan> {
    await tracing()!.flush();
    const found = receiver.spans.filter((s) => s.kind === SERVER && s.attrs['vitrine.request_id'] === requestId);
    assert.equal(found.length, 1, `one server span for request ${requestId}`);
    return found[0]!;
  }

  it('loads the SDK and exports OTLP JSON to <endpoint>/v1/traces as vitrine-api', async () => {
    assert.ok(tracing(), 'tracing started');
    assert.ok((await openTelemetryLoads()).some((u) => u.includes('/@opentelemetry/sdk-trace/')), 'the SDK was loaded when the endpoint is set');
    const res = await fetch(`${app.baseUrl}/api/products`);
    assert.equal(res.status, 200);
    const span = await serverSpan(res.headers.get('x-request-id')!);
    assert.equal(span.service, 'vitrine-api');
    assert.ok(receiver.requests.every((r) => r.path === '/v1/traces' && r.contentType.startsWith('application/json')), JSON.stringify(receiver.requests));
  });

  it('a readiness check: one trace with the HTTP span (route, method, status) and its SQL, DynamoDB and S3 calls', async () => {
    const res = await fetch(`${app.baseUrl}/readyz`);
    assert.equal(res.status, 200);
    const http = await serverSpan(res.headers.get('x-request-id')!);
    assert.equal(http.name, 'GET /readyz');
    assert.equal(http.attrs['http.route'], '/readyz');
    assert.equal(http.attrs['http.request.method'], 'GET');
    assert.equal(http.attrs['http.response.status_code'], 200);
    assert.equal(http.parentSpanId || undefined, undefined, 'a root span: the request carried no traceparent');

    const spans = await traceOf(http.traceId);
    const children = spans.filter((s) => s.parentSpanId === http.spanId);
    const sql = children.find((s) => s.attrs['db.system.name'] === 'postgresql');
    assert.ok(sql, `an SQL span under the request: ${names(spans)}`);
    assert.equal(sql.kind, CLIENT);
    assert.match(String(sql.attrs['db.query.text']), /select 1/);
    const dynamo = children.find((s) => s.attrs['rpc.service'] === 'DynamoDB');
    assert.ok(dynamo, `a DynamoDB span under the request: ${names(spans)}`);
    assert.equal(dynamo.name, 'DynamoDB.DescribeTable');
    assert.deepEqual(dynamo.attrs['aws.dynamodb.table_names'], ['vitrine-catalog']);
    assert.equal(dynamo.attrs['http.response.status_code'], 200);
    const s3span = children.find((s) => s.attrs['rpc.service'] === 'S3');
    assert.ok(s3span, `an S3 span under the request: ${names(spans)}`);
    assert.equal(s3span.attrs['aws.s3.bucket'], 'vitrine-traces');
  });

  it('continues the caller\'s W3C traceparent', async () => {
    const traceId = randomUUID().replaceAll('-', '');
    const parentId = randomUUID().replaceAll('-', '').slice(0, 16);
    const res = await fetch(`${app.baseUrl}/api/products/product-${productId}`, { headers: { traceparent: `00-${traceId}-${parentId}-01` } });
    assert.equal(res.status, 200);
    const span = await serverSpan(res.headers.get('x-request-id')!);
    assert.equal(span.traceId, traceId);
    assert.equal(span.parentSpanId, parentId);
    assert.equal(span.name, 'GET /api/products/:slug', 'named by the route pattern, not the URL');
    assert.equal(span.attrs['url.path'], `/api/products/product-${productId}`);
  });

  it('a checkout: SQL spans (POST bodies included) in the request\'s trace, and the order\'s jobs continue it', async () => {
    const shopper = new Browser(app.baseUrl);
    await shopper.csrf();
    // The body streamed in two parts with a pause between: the handler runs once the socket has delivered the rest,
    // and must still be inside the request's span.
    const added = await postInTwoParts(shopper, '/api/cart/lines', { variantId: `${productId}-oak`, quantity: 1 });
    assert.equal(added.status, 201, await added.text());
    for (const c of added.headers.getSetCookie()) shopper.cookies.set(c.slice(0, c.indexOf('=')), c.slice(c.indexOf('=') + 1).split(';')[0]!);
    const addSpan = await serverSpan(added.headers.get('x-request-id')!);
    assert.equal(addSpan.name, 'POST /api/cart/lines');
    assert.equal(addSpan.attrs['http.response.status_code'], 201);
    const addSql = (await traceOf(addSpan.traceId)).filter((s) => s.attrs['db.system.name'] === 'postgresql');
    assert.ok(addSql.some((s) => s.name === 'INSERT cart_lines' || s.name === 'INSERT carts'), `the cart write as SQL spans: ${names(addSql)}`);
    assert.ok(addSql.every((s) => s.parentSpanId === addSpan.spanId), 'every statement a child of the request');

    const email = `traced-${randomUUID().slice(0, 8)}@example.com`;
    const address = { name: 'Grace Hopper', line1: '350 Fifth Avenue', city: 'New York', region: 'NY', postalCode: '10118', country: 'US' };
    const checkout = await shopper.call(
      'POST',
      '/api/checkout',
      { email, address, shippingMethod: 'standard', payment: { card: '4242 4242 4242 4242' } },
      { headers: { 'idempotency-key': `traced-${randomUUID()}` } },
    );
    assert.equal(checkout.status, 201, JSON.stringify(checkout.body));
    const checkoutSpan = await serverSpan(checkout.headers.get('x-request-id')!);
    assert.equal(checkoutSpan.attrs['http.route'], '/api/checkout');

    // The outbox relay and the worker run on their own timers; the mail in the dev mailbox says both jobs ran.
    const db = app.shop.runtime.relational.db;
    await untilValue(async () => db.selectFrom('dev_mailbox').select('id').where('recipient', '=', email).executeTakeFirst(), 'the order confirmation mail');
    await untilValue(async () => {
      const spans = await traceOf(checkoutSpan.traceId);
      return spans.some((s) => s.name === 'process mail.send') ? spans : undefined;
    }, 'the mail job span to be exported');
    const spans = await traceOf(checkoutSpan.traceId);
    const placed = spans.find((s) => s.name === 'process order.placed');
    assert.ok(placed, `the order.placed job in the checkout's trace: ${names(spans)}`);
    assert.equal(placed.kind, CONSUMER);
    assert.equal(placed.parentSpanId, checkoutSpan.spanId, 'relayed from the outbox row the checkout wrote');
    assert.equal(placed.attrs['messaging.system'], 'vitrine-jobs-table');
    assert.equal(placed.attrs['vitrine.job.attempt'], 1);
    const mail = spans.find((s) => s.name === 'process mail.send')!;
    assert.equal(mail.parentSpanId, placed.spanId, 'enqueued by the order.placed job');
    assert.ok(spans.some((s) => s.parentSpanId === placed.spanId && s.attrs['db.system.name'] === 'postgresql'), 'the job\'s own SQL in its span');
    assert.ok(spans.every((s) => s.service === 'vitrine-api'));
  });

  it('makes no spans for work outside a request or job (the background polls)', async () => {
    await tracing()!.flush();
    const roots = receiver.spans.filter((s) => !s.parentSpanId);
    assert.ok(roots.length > 0);
    assert.deepEqual([...new Set(roots.map((s) => s.kind))].filter((k) => k !== SERVER && k !== CONSUMER), [], `root spans: ${names(roots)}`);
  });
});

// ---- the real process: start-up, the log line, shutdown ------------------------------------------------------

describe('vitrine start with tracing on', () => {
  it('puts the trace id on the request\'s log line and exports the spans when stopped', { timeout: 300_000 }, async () => {
    const receiver = await startReceiver();
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vitrine-traces-cli-'));
    const child = spawn(process.execPath, ['bin/vitrine.js', 'start', '--no-seed'], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', VITRINE_DATA_DIR: dataDir, LOG_LEVEL: 'info', RUN_WORKER: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'shop-under-test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const baseUrl = await untilValue(async () => /running at (http:\/\/\S+)/.exec(stderr)?.[1]?.replace('localhost', '127.0.0.1'), `the shop to start (stderr: ${stderr})`, 180_000);
      const res = await fetch(`${baseUrl}/api/categories`);
      assert.equal(res.status, 200);
      const requestId = res.headers.get('x-request-id')!;
      child.kill('SIGTERM');
      assert.equal(await exited, 0, stderr);
      // Shutdown exports what is left: no flush call, no waiting.
      const span = receiver.spans.find((s) => s.kind === SERVER && s.attrs['vitrine.request_id'] === requestId);
      assert.ok(span, `the request's span, exported at shutdown (got ${names(receiver.spans)})`);
      assert.equal(span.service, 'shop-under-test');
      const line = stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.requestId === requestId && l.msg === 'request');
      assert.ok(line, `the access log line of ${requestId} in ${stdout}`);
      assert.equal(line.traceId, span.traceId, 'the log line names the trace');
      assert.equal(line.route, '/api/categories');
    } finally {
      child.kill('SIGKILL');
      await receiver.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

/** POSTs JSON as a browser client would, the second half of the body sent a moment after the first. */
async function postInTwoParts(who: Browser, path: string, body: unknown): Promise<Response> {
  const bytes = new TextEncoder().encode(JSON.stringify(body));
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(bytes.slice(0, 8));
      await new Promise((r) => setTimeout(r, 100));
      controller.enqueue(bytes.slice(8));
      controller.close();
    },
  });
  return fetch(who.baseUrl + path, {
    method: 'POST',
    body: stream,
    duplex: 'half',
    headers: {
      'content-type': 'application/json',
      origin: who.baseUrl,
      'x-csrf-token': who.csrfToken!,
      ...(who.cookies.size ? { cookie: [...who.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
    },
  } as RequestInit);
}

function names(spans: readonly OtlpSpan[]): string {
  return spans.map((s) => s.name).join(', ');
}
