// The job function's entry bundled as synth bundles it (esbuild, ESM, the app's sources) and run: it loads the app's
// configuration and handlers and answers SQS batches with per-record failures, and (with an OTLP endpoint set) has
// exported each record's span, continuing the traceparent the message carries, by the time it answers.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { JOBS_ENTRY } from '../lib/compute-jobs/index.ts';
import { bundleEntry, INFRA_DIR } from './helpers.ts';

/** Bundles the entry as synth does, into a file of its own (each import is a fresh cold start). */
async function bundle(name: string): Promise<string> {
  const outdir = path.join(INFRA_DIR, '.cache', 'lambda-entry-test');
  mkdirSync(outdir, { recursive: true });
  const outfile = path.join(outdir, `${name}-${process.pid}.mjs`);
  await bundleEntry(JOBS_ENTRY, outfile);
  return outfile;
}

describe('job function entry', () => {
  it('bundles the app\'s handlers and reports each bad record as a batch item failure', async () => {
    const outfile = await bundle('index');

    // The environment jobsEnvironment() gives the function, plus Lambda's own AWS_REGION; no AWS call is made.
    Object.assign(process.env, {
      NODE_ENV: 'production', LOG_LEVEL: 'silent', DYNAMODB_ENDPOINT: 'aws', DYNAMODB_TABLE: 'vitrine-test-catalog',
      OBJECT_STORE: 's3', S3_BUCKET: 'vitrine-test-assets', RUN_WORKER: 'false', SEED_DEMO: 'false', AWS_REGION: 'us-east-1',
    });
    const { handler } = (await import(pathToFileURL(outfile).href)) as {
      handler: (e: unknown) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
    };
    rmSync(outfile); // loaded; the bundle is 3 MB
    const record = (messageId: string, body: string) => ({ messageId, body, attributes: { ApproximateReceiveCount: '1' } });
    const out = await handler({
      Records: [record('not-json', 'hello'), record('unknown-type', JSON.stringify({ id: 'j1', type: 'no.such.job', payload: {} })), record('no-id', JSON.stringify({ type: 'asset.inspect' }))],
    });
    assert.deepEqual(out.batchItemFailures.map((f) => f.itemIdentifier), ['not-json', 'unknown-type', 'no-id']);
  });

  it('with OTEL_EXPORTER_OTLP_ENDPOINT, exports a span per job before answering, in the trace its message names', async () => {
    // A collector stand-in: OTLP/HTTP JSON on 127.0.0.1.
    const exported: { name: string; traceId: string; parentSpanId?: string; status?: { code?: number }; service: string }[] = [];
    const collector = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        type Otlp = { resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: (typeof exported)[number][] }[] }[] };
        for (const rs of (JSON.parse(body) as Otlp).resourceSpans) {
          const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
          for (const ss of rs.scopeSpans) for (const s of ss.spans) exported.push({ ...s, service });
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    try {
      const outfile = await bundle('traced');
      Object.assign(process.env, {
        NODE_ENV: 'production', LOG_LEVEL: 'silent', DYNAMODB_ENDPOINT: 'aws', DYNAMODB_TABLE: 'vitrine-test-catalog',
        OBJECT_STORE: 's3', S3_BUCKET: 'vitrine-test-assets', RUN_WORKER: 'false', SEED_DEMO: 'false', AWS_REGION: 'us-east-1',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
      });
      const { handler } = (await import(pathToFileURL(outfile).href)) as {
        handler: (e: unknown) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
      };
      rmSync(outfile);
      const traceId = '0af7651916cd43dd8448eb211c80319c';
      const out = await handler({
        Records: [{
          messageId: 'bad-payload',
          body: JSON.stringify({ id: 'j1', type: 'asset.inspect', payload: {} }),
          attributes: { ApproximateReceiveCount: '1' },
          messageAttributes: { traceparent: { stringValue: `00-${traceId}-b7ad6b7169203331-01` } },
        }],
      });
      assert.deepEqual(out.batchItemFailures.map((f) => f.itemIdentifier), ['bad-payload']);
      // No waiting: the handler flushed before it answered (Lambda would freeze the environment right after).
      const span = exported.find((s) => s.name === 'process asset.inspect');
      assert.ok(span, `the job's span was exported (got ${exported.map((s) => s.name).join(', ')})`);
      assert.equal(span.traceId, traceId);
      assert.equal(span.parentSpanId, 'b7ad6b7169203331');
      assert.equal(span.service, 'vitrine-worker');
      assert.equal(span.status?.code, 2, 'the failed attempt is an error span');
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
      await new Promise((resolve) => collector.close(resolve));
    }
  });
});
