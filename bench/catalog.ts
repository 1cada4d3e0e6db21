// npm run bench:catalog — catalog reads under load: Vitrine's API (embedded defaults, demo catalog) against a
// trivial node:http server returning the same bytes, measured in the same run on the same machine.
// Env: BENCH_CONNECTIONS (32), BENCH_SECONDS (10).
import { fork, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { apiEntry, freePort, rssMb, waitFor } from './process-kit.ts';

const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);

async function load(url: string): Promise<{ rps: number; p50: number; p99: number; errors: number; non2xx: number }> {
  const r = await autocannon({ url, connections, duration: seconds, pipelining: 1 });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx };
}

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vitrine-bench-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const api = spawn(process.execPath, [apiEntry(), 'start', '--no-worker'], {
  env: { ...process.env, PORT: String(port), VITRINE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const trivial = fork(path.resolve('bench/trivial-server.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
try {
  await waitFor(`${base}/api/products?limit=20`, api);
  const list = (await (await fetch(`${base}/api/products?limit=20`)).json()) as { items: { slug: string }[] };
  const slug = list.items[0]!.slug;
  // The plain list and a product (the storefront's hot paths), a search as typed with a typo, and a filtered,
  // sorted category page (both served from the second response cache after their first request).
  const paths = [
    '/api/products?limit=20',
    `/api/products/${slug}`,
    '/api/search?q=chiar&limit=6',
    '/api/products?category=furniture&option=Wood:Walnut&sort=price-asc&limit=24',
  ];
  const trivialPort = await new Promise<number>((resolve) => trivial.once('message', (m: { port: number }) => resolve(m.port)));
  for (const p of paths) {
    const res = await fetch(base + p);
    const headers: Record<string, string> = {};
    for (const h of ['content-type', 'cache-control', 'etag', 'vary']) headers[h] = res.headers.get(h) ?? '';
    trivial.send({ path: p, headers, body: Buffer.from(await res.arrayBuffer()).toString('base64') });
  }
  await new Promise((r) => setTimeout(r, 200));

  console.log(`catalog bench: ${connections} connections, ${seconds} s per run, ${os.cpus().length} cores, node ${process.version}`);
  const rows: string[] = [];
  for (const p of paths) {
    const baseline = await load(`http://127.0.0.1:${trivialPort}${p}`);
    const vitrine = await load(base + p);
    const label = p.startsWith('/api/products/') ? 'GET /api/products/:slug' : `GET ${p}`;
    rows.push(
      `| ${label} | ${vitrine.rps.toFixed(0)} | ${vitrine.p50} | ${vitrine.p99} | ${baseline.rps.toFixed(0)} | ${baseline.p50} | ${baseline.p99} | ${(vitrine.rps / baseline.rps).toFixed(2)} | ${vitrine.errors + vitrine.non2xx} |`,
    );
  }
  console.log('\n| request | Vitrine req/s | p50 ms | p99 ms | trivial req/s | p50 ms | p99 ms | ratio | errors |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
  console.log(`\nAPI RSS after load: ${rssMb(api.pid)} MB (embedded profile: PGlite + dynalite in the same process)`);
} finally {
  api.kill('SIGTERM');
  trivial.kill('SIGTERM');
  await new Promise((r) => api.once('exit', r));
  await rm(dataDir, { recursive: true, force: true });
}
