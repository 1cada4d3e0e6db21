// The job function's entry bundled as synth bundles it (esbuild, ESM, the app's sources) and run: it loads the app's
// configuration and handlers and answers SQS batches with per-record failures.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { JOBS_BUNDLING, JOBS_ENTRY } from '../lib/compute-jobs/index.ts';
import { INFRA_DIR } from './helpers.ts';

describe('job function entry', () => {
  it('bundles the app\'s handlers and reports each bad record as a batch item failure', async () => {
    const outdir = path.join(INFRA_DIR, '.cache', 'lambda-entry-test');
    mkdirSync(outdir, { recursive: true });
    const outfile = path.join(outdir, `index-${process.pid}.mjs`);
    const result = await build({
      entryPoints: [JOBS_ENTRY],
      outfile,
      bundle: true,
      platform: 'node',
      target: JOBS_BUNDLING.target,
      format: 'esm',
      mainFields: [...JOBS_BUNDLING.mainFields],
      banner: { js: JOBS_BUNDLING.banner },
      keepNames: JOBS_BUNDLING.keepNames,
      minify: JOBS_BUNDLING.minify,
      logLevel: 'silent',
    });
    assert.deepEqual(result.errors, []);

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
});
