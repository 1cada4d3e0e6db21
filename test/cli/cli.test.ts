// The operator's view: `npx vitrine` as a real process. Start, stop, start again on the same data folder (nothing
// regenerated, nothing lost), a second process on the same folder refused, bad configuration named.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, stopChild } from '../helpers/wait.ts';

const BIN = path.resolve('bin/vitrine.js');
let dataDir: string;

before(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'vitrine-cli-'));
});
after(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

interface Running {
  child: ChildProcess;
  base: string;
  output: () => string;
}

async function start(env: Record<string, string> = {}): Promise<Running> {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, 'start'], {
    env: { ...process.env, PORT: String(port), VITRINE_DATA_DIR: dataDir, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 1200; i++) {
    if (child.exitCode !== null) throw new Error(`vitrine start exited with ${child.exitCode}:\n${out}`);
    try {
      if ((await fetch(`${base}/readyz`)).ok) return { child, base, output: () => out };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`vitrine start did not become ready:\n${out}`);
}

async function stop(r: Running): Promise<number | null> {
  return (await stopChild(r.child)).code;
}

describe('npx vitrine', () => {
  it('--help lists the operator commands', () => {
    const r = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    assert.equal(r.status, 0);
    for (const cmd of ['start', 'seed', 'worker']) assert.match(r.stdout, new RegExp(`\\b${cmd}\\b`));
  });

  it('refuses a bad environment variable, naming it, with a non-zero exit', () => {
    const r = spawnSync(process.execPath, [BIN, 'start'], { encoding: 'utf8', env: { ...process.env, PORT: 'eighty', VITRINE_DATA_DIR: dataDir } });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /PORT: must be a port number/);
  });

  it('starts with the demo catalog, keeps it across a restart without regenerating it, and locks its data folder', async () => {
    const first = await start();
    let firstList: string;
    try {
      const res = await fetch(`${first.base}/api/products?limit=100`);
      firstList = await res.text();
      const items = (JSON.parse(firstList) as { items: unknown[] }).items;
      assert.ok(items.length >= 24, `demo catalog has ${items.length} products`);
      assert.match(first.output(), /generating the demo catalog/);

      // A second shop on the same folder would corrupt the embedded stores: refused, with the reason.
      const second = spawnSync(process.execPath, [BIN, 'start'], {
        encoding: 'utf8',
        env: { ...process.env, PORT: String(await freePort()), VITRINE_DATA_DIR: dataDir },
        timeout: 60_000,
      });
      assert.notEqual(second.status, 0);
      assert.match(second.stderr, /in use by process \d+/);
    } finally {
      assert.equal(await stop(first), 0, 'a clean shutdown on SIGTERM');
    }

    const again = await start();
    try {
      assert.doesNotMatch(again.output(), /generating the demo catalog/, 'the second start reuses the data');
      const list = await (await fetch(`${again.base}/api/products?limit=100`)).text();
      assert.equal(list, firstList, 'the same catalog, byte for byte');
    } finally {
      assert.equal(await stop(again), 0);
    }
  });
});
