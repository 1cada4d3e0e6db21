// The asset function as synth builds it, run on this machine: the entry bundled by esbuild with the pipeline's
// run-time packages copied beside it by the same shell commands synth runs (packageClosure + copyCommands), in a
// folder outside both node_modules trees so nothing resolves from them. Its Chromium is the one it ships
// (@sparticuz/chromium, built for Lambda, unpacked to the temp folder), with WebGL on SwiftShader. The stores are
// API-compatible servers on loopback: dynalite for DynamoDB, s3rver for S3. One SQS record of asset.process turns a
// pending upload into a ready asset with its optimised model and posters, as it would on AWS.
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ASSETS_ENTRY, PACKAGE_ROOTS } from '../lib/compute-jobs/index.ts';
import { bundleEntry } from './helpers.ts';
import { ASSET_PACKAGES, copyCommands, packageClosure } from '../lib/compute-jobs/node-modules.ts';
import { loadConfig } from '../../src/config/env.ts';
import { DynamoCatalogRepository, startDynalite, type DynaliteServer } from '../../src/databases/catalog/index.ts';
import { generateDemoProduct, demoProductDefs } from '../../src/demo/index.ts';
import { createObjectStore, readObject } from '../../src/storage/index.ts';

const APP_ROOT = path.resolve(PACKAGE_ROOTS[0]!, '..');

describe('asset function (bundled as synth bundles it, with the Chromium it ships)', { timeout: 900_000 }, () => {
  // Outside the repository: Node would otherwise find the packages in the repo's node_modules by walking up.
  const dir = mkdtempSync('/tmp/vitrine-asset-fn-');
  let dynamo: DynaliteServer;
  let s3: ChildProcess;
  let s3Endpoint: string;

  before(async () => {
    dynamo = await startDynalite();
    s3 = spawn(process.execPath, ['--openssl-legacy-provider', path.join(APP_ROOT, 'scripts/s3-server.cjs'), path.join(dir, 's3'), '0', 'vitrine-assets'], { stdio: ['ignore', 'ignore', 'pipe'] });
    s3Endpoint = await new Promise<string>((resolve, reject) => {
      let err = '';
      s3.stderr!.on('data', (c: Buffer) => {
        err += c.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
        if (m) resolve(m[1]!);
      });
      s3.on('exit', (code) => reject(new Error(`s3-server exited ${code}: ${err}`)));
    });
  });
  after(async () => {
    s3?.kill();
    await dynamo?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ships every run-time package the pipeline loads, resolved from the installed trees', () => {
    const names = packageClosure(ASSET_PACKAGES, PACKAGE_ROOTS).map((c) => c.name);
    for (const n of [...ASSET_PACKAGES, 'tar-fs', '@img/sharp-linux-x64', '@img/sharp-libvips-linux-x64']) assert.ok(names.includes(n), n);
    assert.ok(!names.includes('lit'), "model-viewer's dependencies are in its bundle, not shipped");
    assert.equal(new Set(names).size, names.length, 'each package once');
    assert.throws(() => packageClosure(['no-such-package-vitrine'], PACKAGE_ROOTS), /no-such-package-vitrine is not installed/);
  });

  it('processes an uploaded model from one SQS record: optimised GLB, posters, ready in the catalog', async () => {
    const fnDir = path.join(dir, 'function');
    await bundleEntry(ASSETS_ENTRY, path.join(fnDir, 'index.mjs'), ASSET_PACKAGES);
    execFileSync('bash', ['-c', copyCommands(packageClosure(ASSET_PACKAGES, PACKAGE_ROOTS), fnDir).join(' && ')]);
    const mb = Math.round(duBytes(fnDir) / 1e6);
    console.log(`# asset function folder: ${mb} MB unzipped (Lambda's limit: 250 MB)`);
    assert.ok(mb < 250, `${mb} MB`);

    // The environment jobsEnvironment() gives the function, pointed at the loopback servers, plus Lambda's region.
    const env: Record<string, string> = {
      NODE_ENV: 'production', LOG_LEVEL: 'silent', DYNAMODB_ENDPOINT: dynamo.endpoint, DYNAMODB_TABLE: 'vitrine-test-catalog',
      OBJECT_STORE: 's3', S3_BUCKET: 'vitrine-assets', S3_ENDPOINT: s3Endpoint, S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1',
      RUN_WORKER: 'false', SEED_DEMO: 'false', JOB_MAX_RECEIVES: '5',
    };
    Object.assign(process.env, env);
    const config = loadConfig(env);
    const repo = new DynamoCatalogRepository({ client: dynamo.endpoint, region: 'us-east-1', tableName: env.DYNAMODB_TABLE! });
    await repo.ensureSchema();
    const objects = await createObjectStore(config);
    const def = demoProductDefs().find((d) => d.slug === 'ceramic-mug')!;
    const { glb } = await generateDemoProduct(def, 10, 'USD');
    await objects.put('uploads/fn-mug/model.glb', glb, { contentType: 'model/gltf-binary' });
    await repo.putAsset({ id: 'fn-mug', status: 'pending', sourceKey: 'uploads/fn-mug/model.glb', materialVariants: [], version: 0, updatedAt: new Date().toISOString() });

    const { handler, browser } = (await import(pathToFileURL(path.join(fnDir, 'index.mjs')).href)) as {
      handler: (e: unknown) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
      browser: { get(): Promise<{ version(): string }>; close(): Promise<void> };
    };
    after(() => browser.close());
    const body = JSON.stringify({ id: 'process:fn-mug', type: 'asset.process', payload: { assetId: 'fn-mug' } });
    const t0 = performance.now();
    const out = await handler({ Records: [{ messageId: 'm1', body, attributes: { ApproximateReceiveCount: '1' } }] });
    console.log(`# asset.process on the bundled function: ${Math.round(performance.now() - t0)} ms`);
    assert.deepEqual(out.batchItemFailures, []);
    // The Chromium that rendered is the one the function ships (Debian's is 156 here), unpacked to the temp folder.
    assert.match((await browser.get()).version(), /^153\./);

    const asset = await repo.getAsset('fn-mug');
    assert.equal(asset?.status, 'ready', asset?.error);
    assert.ok(asset.glbKey && asset.glbKey !== asset.sourceKey);
    const optimised = await readObject(objects, asset.glbKey);
    assert.ok(optimised && optimised.length > 0 && optimised.length < glb.length, 'a smaller model in S3');
    assert.ok(asset.posterKey, 'a poster');
    const poster = await readObject(objects, asset.posterKey);
    assert.equal(poster?.subarray(8, 12).toString('latin1'), 'WEBP');
    // The renders came from WebGL: the fidelity check compared the published model's views to the original's.
    const ssim = asset.report?.ssim ?? [];
    assert.ok(ssim.length > 0 && ssim.every((v) => v.ssim > 0.9), JSON.stringify(ssim));
    await repo.close();
  });
});

function duBytes(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.size;
  return readdirSync(p).reduce((n, e) => n + duBytes(path.join(p, e)), 0);
}
