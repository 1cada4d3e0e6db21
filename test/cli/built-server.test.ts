// What `npm start` runs: the server bundled by scripts/build-server.sh (esbuild) rather than the sources through
// tsx. The bundle must behave as the sources do: start on the embedded stores, answer /readyz, report the app's
// version, and keep its lazily loaded parts (CLI commands) loadable as separate chunks. On the Postgres profile it
// loads only the adapters it uses: each unused one (Stripe, SMTP, PGlite, dynalite, the asset pipeline) is
// megabytes of resident memory (issue #9: under 150 MB).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDynalite } from '../../src/databases/catalog/dynalite-server.ts';
import { relationalTargets } from '../relational/targets.ts';
import { freePort, stopChild, until } from '../helpers/wait.ts';

describe('the built server (npm run build:server)', () => {
  // Inside the repository, so the bundle's package imports resolve from its node_modules as dist/server's do.
  const outDir = path.resolve('.cache', `built-server-test-${process.pid}`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vitrine-built-'));
  before(() => execFileSync('bash', ['scripts/build-server.sh', outDir]));
  after(() => {
    rmSync(outDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('builds, starts on the embedded stores, and answers like the sources', async () => {
    const files = readdirSync(outDir);
    assert.ok(files.includes('main.js'));
    assert.ok(files.length > 5, `lazily imported parts are chunks of their own (${files.length} files)`);

    const help = execFileSync(process.execPath, [path.join(outDir, 'main.js'), '--help'], { encoding: 'utf8' });
    assert.match(help, /advisor/);

    const port = await freePort();
    const child = spawn(process.execPath, [path.join(outDir, 'main.js'), 'start', '--no-seed', '--no-worker'], {
      env: { ...process.env, PORT: String(port), VITRINE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    try {
      const base = `http://127.0.0.1:${port}`;
      let ready = false;
      for (let i = 0; i < 600 && !ready; i++) {
        assert.equal(child.exitCode, null, `the built server exited: ${err}`);
        ready = await fetch(`${base}/readyz`).then((r) => r.ok, () => false);
        if (!ready) await new Promise((r) => setTimeout(r, 200));
      }
      assert.ok(ready, `never ready: ${err}`);
      const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
      const doc = (await (await fetch(`${base}/api/openapi.json`)).json()) as { info: { version: string } };
      assert.equal(doc.info.version, version, 'the version comes from package.json, found from the bundle');
      const list = await fetch(`${base}/api/products?limit=20`);
      assert.equal(list.status, 200);
    } finally {
      await stopChild(child);
    }
  });
});

describe('the built server on the Postgres profile', async () => {
  const outDir = path.resolve('.cache', `built-server-pg-test-${process.pid}`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vitrine-built-pg-'));
  const postgres = (await relationalTargets()).find((t) => t.name === 'postgres')!;
  before(() => execFileSync('bash', ['scripts/build-server.sh', outDir]));
  after(async () => {
    await postgres.cleanup();
    rmSync(outDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loads only the adapters it uses', { skip: postgres.skip }, async () => {
    const { DATABASE_URL } = await postgres.fresh();
    const dynamo = await startDynalite(); // the catalog outside the process, as DynamoDB is on AWS
    const record = path.join(dataDir, 'modules');
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', path.resolve('test/helpers/record-modules.mjs'), path.join(outDir, 'main.js'), 'start', '--no-seed', '--no-worker'], {
      env: {
        ...process.env,
        PORT: String(port),
        VITRINE_DATA_DIR: dataDir,
        DATABASE_URL: DATABASE_URL!,
        DYNAMODB_ENDPOINT: dynamo.endpoint,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        LOG_LEVEL: 'warn',
        VITRINE_RECORD_MODULES: record,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    try {
      const base = `http://127.0.0.1:${port}`;
      await until(async () => {
        assert.ok(child.exitCode === null && child.signalCode === null, `the built server exited (${child.exitCode ?? child.signalCode}): ${err}`);
        return fetch(`${base}/readyz`).then((r) => r.ok, () => false);
      }, `the built server ready on Postgres (${err})`, 120_000, 200);
      // The read paths a shopper takes, so what they load lazily is loaded too.
      for (const p of ['/api/products?limit=20', '/api/products/no-such-product', '/api/search?q=chair', '/api/categories']) await fetch(base + p);
      // The require cache is written as the process exits: a clean stop, as an operator's.
      const stopped = await stopChild(child);
      assert.equal(stopped.code, 0, `the built server stopped cleanly (${JSON.stringify(stopped)}): ${err}`);
      const packages = loadedPackages(record, err);
      for (const used of ['fastify', 'pg', 'kysely', '@aws-sdk/client-dynamodb']) assert.ok(packages.has(used), `${used} is recorded as loaded (the recorder works)`);
      const unused = ['stripe', 'nodemailer', 'fflate', 'cli-progress', 'dynalite', 'classic-level', '@electric-sql/pglite', '@gltf-transform/core', 'sharp', 'playwright-core', '@aws-sdk/client-s3', '@aws-sdk/client-sqs'];
      assert.deepEqual(unused.filter((p) => packages.has(p)), [], 'packages of adapters and jobs this API does not use');
    } finally {
      await stopChild(child);
      await dynamo.close();
    }
  });
});

/** The npm packages a process run with test/helpers/record-modules.mjs loaded, read once it has exited. */
function loadedPackages(record: string, stderr: string): Set<string> {
  for (const f of [`${record}.esm`, `${record}.cjs`]) assert.ok(existsSync(f), `the recorder wrote ${f} (server stderr: ${stderr})`);
  const files = [readFileSync(`${record}.esm`, 'utf8'), readFileSync(`${record}.cjs`, 'utf8')].join('\n');
  const names = new Set<string>();
  for (const m of files.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/g)) names.add(m[1]!);
  return names;
}
