// `npm run bench:memory`: the API's resident memory (VmRSS), idle and under load, on both profiles, run as
// production runs it (the esbuild bundle, dist/server/main.js) and, as the baseline in the same run, as development
// runs it (the sources through tsx, bin/vitrine.js). Issue #9's goal: under 150 MB on the Postgres profile.
//   postgres+dynalite: DATABASE_URL on 127.0.0.1 (a fresh database), the catalog in a dynalite of its own (in this
//     bench's process, DYNAMODB_ENDPOINT): both databases outside the API, as on AWS and as bench:peers runs it;
//   postgres: the same Postgres, the catalog in dynalite inside the API (the one-machine layout with Postgres);
//   embedded: PGlite and dynalite, both inside the API.
// Each API gets the demo catalog (seeded once per profile by the bundle, then reused), --no-worker, and a load of
// BENCH_SECONDS (default 15) per route at 32 connections on the product list and one product, with the load env of
// the other benches (no rate limiting). Env: BENCH_PROFILES=postgres+dynalite,postgres,embedded.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { startDynalite, type DynaliteServer } from '../src/databases/catalog/dynalite-server.ts';
import { LOAD_ENV } from './guest-checkout.ts';
import { apiEntry, freePort, rssMb, stop, waitFor } from './process-kit.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const PROFILES = ['postgres+dynalite', 'postgres', 'embedded'];
const profiles = (process.env.BENCH_PROFILES ?? PROFILES.join(',')).split(',');
for (const p of profiles) if (!PROFILES.includes(p)) throw new Error(`BENCH_PROFILES: unknown profile ${p} (one of ${PROFILES.join(', ')})`);
const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Row {
  profile: string;
  entry: string;
  idleMb: number;
  loadedMb: number;
  listRps: number;
  slugRps: number;
}

async function measure(profile: string, entry: string, env: Record<string, string>): Promise<Row> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const api = spawn(process.execPath, [entry, 'start', '--no-worker', '--no-seed'], {
    env: { ...process.env, ...env, ...LOAD_ENV, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitFor(`${base}/readyz`, api);
    await sleep(5000); // start-up garbage collected, timers settled
    const idleMb = rssMb(api.pid);
    const load = async (url: string) => (await autocannon({ url, connections: 32, duration: seconds })).requests.average;
    const listRps = await load(`${base}/api/products?limit=20`);
    const slugRps = await load(`${base}/api/products/dining-chair`);
    return { profile, entry, idleMb, loadedMb: rssMb(api.pid), listRps, slugRps };
  } finally {
    await stop(api);
  }
}

const rows: Row[] = [];
for (const profile of profiles) {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `vitrine-memory-${profile}-`));
  const env: Record<string, string> = { VITRINE_DATA_DIR: dataDir, NODE_ENV: 'production', UPLOAD_SIGNING_KEY: 'bench-'.padEnd(40, 'x') };
  const dbName = `vitrine_bench_memory_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  const onPostgres = profile !== 'embedded';
  let dynamo: DynaliteServer | undefined;
  if (onPostgres) {
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    env.DATABASE_URL = adminUrl.replace(/\/[^/]*$/, `/${dbName}`);
  }
  try {
    process.stderr.write(`bench: ${profile}: seeding the demo catalog\n`);
    const seeded = spawnSync(process.execPath, [apiEntry(), 'seed'], { env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'] });
    if (seeded.status !== 0) throw new Error(`seeding failed (${seeded.status})`);
    if (profile === 'postgres+dynalite') {
      // The catalog the seed wrote (the API's default place for it), now served from outside the API.
      dynamo = await startDynalite({ path: path.join(dataDir, 'dynamodb') });
      Object.assign(env, { DYNAMODB_ENDPOINT: dynamo.endpoint, AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench' }); // dynalite takes any credentials; the SDK wants some
    }
    for (const entry of ['bin/vitrine.js', apiEntry()]) {
      const row = await measure(profile, entry, env);
      process.stderr.write(`bench: ${profile} ${entry}: idle ${row.idleMb} MB, after load ${row.loadedMb} MB\n`);
      rows.push(row);
    }
  } finally {
    await dynamo?.close();
    await rm(dataDir, { recursive: true, force: true });
    if (onPostgres) {
      await admin.query(`drop database if exists ${dbName} with (force)`);
      await admin.end();
    }
  }
}

console.log(`\nAPI RSS (VmRSS), idle 5 s after start and after ${seconds} s of 32-connection load on each of list and by slug:\n`);
console.log('| profile | run as | RSS idle MB | RSS after load MB | ÷ tsx idle | list req/s | by slug req/s |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) {
  const baseline = rows.find((b) => b.profile === r.profile && b.entry === 'bin/vitrine.js')!;
  const as = r.entry === 'bin/vitrine.js' ? 'sources via tsx (bin/vitrine.js)' : 'bundle (dist/server/main.js)';
  console.log(`| ${r.profile} | ${as} | ${r.idleMb} | ${r.loadedMb} | ${(r.idleMb / baseline.idleMb).toFixed(2)} | ${r.listRps.toFixed(0)} | ${r.slugRps.toFixed(0)} |`);
}
console.log('');
for (const profile of ['postgres+dynalite', 'postgres']) {
  const pgBundle = rows.find((r) => r.profile === profile && r.entry !== 'bin/vitrine.js');
  if (pgBundle) console.log(`Issue #9 goal (Postgres profile < 150 MB), ${profile}: idle ${pgBundle.idleMb} MB, after load ${pgBundle.loadedMb} MB: ${pgBundle.loadedMb < 150 ? 'met' : 'not met'}`);
}
