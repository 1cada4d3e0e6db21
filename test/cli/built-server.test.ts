// What `npm start` runs: the server bundled by scripts/build-server.sh (esbuild) rather than the sources through
// tsx. The bundle must behave as the sources do: start on the embedded stores, answer /readyz, report the app's
// version, and keep its lazily loaded parts (CLI commands) loadable as separate chunks.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort } from '../helpers/wait.ts';

describe('the built server (npm run build:server)', () => {
  // Inside the repository, so the bundle's package imports resolve from its node_modules as dist/server's do.
  const outDir = path.resolve('.cache', `built-server-test-${process.pid}`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vitrine-built-'));
  after(() => {
    rmSync(outDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('builds, starts on the embedded stores, and answers like the sources', async () => {
    execFileSync('bash', ['scripts/build-server.sh', outDir]);
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
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});
