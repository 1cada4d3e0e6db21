// CloudWatch embedded metric format: the shop, started with METRICS_EMF pointing at a TCP listener on loopback (as
// the CloudWatch agent's EMF endpoint listens on EC2), sends one document per interval whose metrics move with the
// requests made; the document follows the EMF specification (the _aws metadata, ≤ 100 values per metric).
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Metrics } from '../../src/monitoring/metrics.ts';
import { EmfPublisher } from '../../src/monitoring/emf.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { untilValue } from '../helpers/wait.ts';

// any: EMF documents are JSON the assertions walk
type Doc = any;

describe('EMF metrics', () => {
  let app: TestApp;
  let server: net.Server;
  const docs: Doc[] = [];
  before(async () => {
    server = net.createServer((s) => {
      let buf = '';
      s.setEncoding('utf8');
      s.on('data', (chunk: string) => {
        buf += chunk;
        for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
          docs.push(JSON.parse(buf.slice(0, i)));
          buf = buf.slice(i + 1);
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    app = await startTestApp({ env: { SEED_DEMO: 'false', METRICS_EMF: `tcp://127.0.0.1:${port}`, METRICS_EMF_STAGE: 'test', METRICS_EMF_INTERVAL_SECONDS: '1' } });
  });
  after(async () => {
    await app?.close();
    server?.close();
  });

  it('sends the interval’s requests, their durations and the queue to the agent, in namespace Vitrine by Stage', async () => {
    for (let i = 0; i < 25; i++) await fetch(`${app.baseUrl}/api/categories`);
    await fetch(`${app.baseUrl}/api/products/nope`);
    // On a busy machine the requests may straddle intervals: each document counts its own, and together all 26.
    const total = (): number => docs.reduce((n, d) => n + (d.http_requests ?? 0), 0);
    await untilValue(async () => total() >= 26 || undefined, 'documents counting the requests', 30_000);
    const counted = docs.filter((d) => d.http_requests > 0);
    const doc = counted[0]!;
    const meta = doc._aws.CloudWatchMetrics[0];
    assert.equal(meta.Namespace, 'Vitrine');
    assert.deepEqual(meta.Dimensions, [['Stage']]);
    assert.equal(doc.Stage, 'test');
    assert.equal(typeof doc._aws.Timestamp, 'number');
    for (const m of meta.Metrics) assert.ok(m.Name in doc, `${m.Name} has a value`);
    for (const d of counted) {
      assert.ok(Array.isArray(d.http_request_duration_seconds) && d.http_request_duration_seconds.length === 100);
      assert.ok(d.http_request_duration_seconds.every((v: number) => v >= 0 && v < 5));
    }
    assert.equal(typeof doc.queue_depth, 'number');
    const later = await untilValue(async () => docs.slice(docs.indexOf(counted.at(-1)!) + 1).find((d) => d.http_requests === 0), 'a quiet interval', 15_000);
    assert.equal(total(), 26, 'exactly the requests made (the listener is the only traffic)');
    assert.equal(later.http_request_duration_seconds, undefined, 'no requests, no durations');
  });

  it('spreads the values over the distribution: p50 and p99 read from them match what was observed', async () => {
    const metrics = new Metrics();
    const lines: string[] = [];
    const emf = new EmfPublisher(metrics, { stage: 'unit', write: (l) => lines.push(l) });
    for (let i = 0; i < 990; i++) metrics.recordHttp('GET', '/fast', 200, 0.002);
    for (let i = 0; i < 10; i++) metrics.recordHttp('GET', '/slow', 500, 0.4);
    const doc = await emf.flush();
    const values = [...(doc.http_request_duration_seconds as number[])].sort((a, b) => a - b);
    assert.ok(values[49]! <= 0.0025 && values[49]! >= 0.001, `p50 ${values[49]}`);
    assert.ok(values[99]! >= 0.25 && values[99]! <= 0.5, `p99 ${values[99]}`);
    assert.deepEqual([doc.http_requests, doc.http_5xx], [1000, 10]);
    assert.equal(JSON.parse(lines[0]!).Stage, 'unit');
    const next = await emf.flush();
    assert.deepEqual([next.http_requests, next.http_5xx], [0, 0], 'counts are per interval');
  });
});
