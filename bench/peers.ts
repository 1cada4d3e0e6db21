// npm run bench:peers — Vitrine's catalog API side by side with Vendure 3 and Medusa 2 (issue #9), and with a
// trivial node:http server returning Vitrine's bytes, in one run on the same machine and the same Postgres.
//
// Every server holds the same catalogue: bench/peers/products-x4.csv (216 products, 352 variants). Vendure and
// Medusa are installed from npm into bench/peers/<peer>/node_modules and populated by their setup.sh (reused when
// already done: the .bench-ready marker; `--reset` redoes both). Vitrine gets the CSV through its own catalog
// repository and inventory code (bench/peers/vitrine-import.ts), then runs on the Postgres profile: `vitrine start
// --no-worker` with DATABASE_URL on a fresh database and DYNAMODB_ENDPOINT on a dynalite in this bench's process
// (over a temporary folder): each database its own process, as Vendure's and Medusa's Postgres is and DynamoDB is on
// AWS, so the API's RSS is the API's. (Without DYNAMODB_ENDPOINT the API runs dynalite inside itself: the one-machine
// layout, whose memory `npm run bench:memory` reports.)
//
// The trivial server and Vitrine are both up and measured in BENCH_ROUNDS rounds: per request kind, one run of each,
// the order swapped every other round. Their rows are the medians over the rounds, and Vitrine's ratio is the median
// of each round's ratio: on this shared machine the trivial server's own rate moved by up to 45 % between two runs
// minutes apart, so a ratio of runs far apart measured the machine more than the API. Then Vendure alone, then Medusa
// alone, once each (their rates are hundreds of times lower: drift of that size does not change what they show).
// Per server and request kind: a warm-up run first, then runs of BENCH_SECONDS with BENCH_CONNECTIONS (autocannon in
// this process). The request kinds:
//   list    20 products with their prices (Vendure and Medusa: with variants; Vitrine's list carries the "from"
//           price and facets, its variants are on the product page);
//   slug    one product by slug/handle, with options, variants and prices;
//   search  a full-text search for "laptop", 20 results at most;
//   slug*   one product by slug, the slug cycling over all 216 per request: no single hot key, so no server answers
//           a repeated URL or query. Vitrine's response cache (2,000 entries) still holds every product after the
//           first pass: that is its design (answers built once per change of the data), not something a URL defeats.
// Every answer is checked once before the load (status 200, the expected product or hit count), since a GraphQL
// error still comes back as 200. RSS is /proc VmRSS of the server process: idle (after start and 5 s), after load, and
// the highest read right after any one run.
// Env: BENCH_CONNECTIONS (32), BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (5), BENCH_ROUNDS (3), BENCH_PEERS (vendure,medusa),
// TEST_DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres: creates and drops Vitrine's database).
import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { readCatalogCsv } from './peers/catalog-csv.ts';
import { importIntoVitrine } from './peers/vitrine-import.ts';
import { startDynalite } from '../src/databases/catalog/dynalite-server.ts';
import { apiEntry, freePort, median, rssMb, stop, waitFor } from './process-kit.ts';

const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const warmup = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const peers = (process.env.BENCH_PEERS ?? 'vendure,medusa').split(',').filter(Boolean) as PeerName[];
const reset = process.argv.includes('--reset');
const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const peersDir = path.resolve('bench/peers');
const csvFile = path.join(peersDir, 'products-x4.csv');
const SEARCH_TERM = 'laptop';

type PeerName = 'vendure' | 'medusa';
type Kind = 'list' | 'slug' | 'search' | 'slug*';
const KINDS: readonly Kind[] = ['list', 'slug', 'search', 'slug*'];
const KIND_LABEL: Record<Kind, string> = {
  list: 'list 20 products',
  slug: 'one product by slug',
  search: `search "${SEARCH_TERM}"`,
  'slug*': 'by slug, slug cycling over 216',
};

/** What autocannon sends for one request kind: a fixed request, or one made per request from a counter. */
interface Target {
  readonly url: string;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** For slug*: the path and body of the n-th request. */
  readonly nth?: (n: number) => { path: string; body?: string };
}

interface Result {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly bytes: number;
}

const products = readCatalogCsv(csvFile);
const slugs = products.map((p) => p.handle);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function load(t: Target, forS: number): Promise<Result> {
  let n = 0;
  const nth = t.nth;
  const r = await autocannon({
    url: t.url,
    method: t.method ?? 'GET',
    headers: t.headers ?? {},
    ...(t.body === undefined ? {} : { body: t.body }),
    ...(nth
      ? {
          requests: [
            {
              setupRequest: (req) => {
                const next = nth(n++);
                return { ...req, path: next.path, ...(next.body === undefined ? {} : { body: next.body }) };
              },
            },
          ],
        }
      : {}),
    connections,
    duration: forS,
    pipelining: 1,
    timeout: 30,
  });
  return {
    rps: r.requests.total / r.duration, // the exact rate; the per-second average rounds slow servers down
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx,
    bytes: Math.round(r.throughput.total / Math.max(1, r.requests.total)),
  };
}

/**
 * A warm-up run, then one checked request: a slow server is still working through the warm-up's last requests when
 * autocannon stops, and one answered request means that backlog is gone, so the measured run starts on an idle server.
 */
async function warm(server: string, kind: Kind, t: Target): Promise<void> {
  await load(t, warmup);
  await check(server, kind, t, '');
}

/** Per server (lowercase name), the highest RSS read right after one of its runs: "after load" is only the last. */
const highestMb = new Map<string, number>();

function report(server: string, kind: Kind, r: Result, pid: number | undefined): void {
  const mb = rssMb(pid);
  if (mb > (highestMb.get(server.toLowerCase()) ?? 0)) highestMb.set(server.toLowerCase(), mb);
  process.stderr.write(`bench: ${server} ${kind}: ${r.rps.toFixed(0)} req/s, p99 ${r.p99} ms, ${r.errors} errors, RSS ${mb} MB\n`);
}

/** One server on its own: every kind warmed up, then measured once. */
async function measure(server: string, pid: () => number | undefined, targets: Record<Kind, Target>): Promise<Map<Kind, Result>> {
  const out = new Map<Kind, Result>();
  for (const kind of KINDS) {
    await warm(server, kind, targets[kind]);
    const r = await load(targets[kind], seconds);
    out.set(kind, r);
    report(server, kind, r, pid());
  }
  return out;
}

interface Side {
  readonly server: string;
  readonly pid: () => number | undefined;
  readonly targets: Record<Kind, Target>;
}

/** Two servers up at once, measured in alternating rounds: one result per round, per server and kind. */
async function measureInRounds(sides: readonly [Side, Side]): Promise<Map<string, Map<Kind, Result[]>>> {
  const out = new Map(sides.map((s) => [s.server, new Map(KINDS.map((k) => [k, [] as Result[]]))]));
  for (const kind of KINDS) for (const s of sides) await warm(s.server, kind, s.targets[kind]);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? sides : [sides[1], sides[0]];
    for (const kind of KINDS) {
      for (const s of order) {
        const r = await load(s.targets[kind], seconds);
        out.get(s.server)!.get(kind)!.push(r);
        report(s.server, kind, r, s.pid());
      }
    }
    process.stderr.write(`bench: round ${round + 1}/${rounds} done (load average ${os.loadavg()[0]!.toFixed(2)})\n`);
  }
  return out;
}

/** The medians of a server's rounds, as one result; errors are summed. */
function medianResult(rs: readonly Result[]): Result {
  return {
    rps: median(rs.map((r) => r.rps)),
    p50: median(rs.map((r) => r.p50)),
    p99: median(rs.map((r) => r.p99)),
    errors: rs.reduce((n, r) => n + r.errors, 0),
    bytes: rs[0]!.bytes,
  };
}

/** One request of the target, checked: the body must contain `expect`. Returns the answer's bytes. */
async function check(server: string, kind: string, t: Target, expect: string): Promise<Buffer> {
  const res = await fetch(t.url, { method: t.method ?? 'GET', headers: t.headers ?? {}, ...(t.body === undefined ? {} : { body: t.body }) });
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200 || !body.includes(expect) || body.includes('"errors"')) {
    throw new Error(`bench: ${server} ${kind} answered ${res.status} without ${JSON.stringify(expect)}: ${body.subarray(0, 300).toString()}`);
  }
  return body;
}

// ---- the peers: shell scripts in bench/peers/<peer>/ --------------------------------------------------------------

function script(peer: PeerName, name: 'setup' | 'start' | 'stop', args: string[] = []): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(peersDir, peer, `${name}.sh`), ...args], { stdio: ['ignore', process.stderr, 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bench: ${peer}/${name}.sh exited with ${code}`))));
  });
}

async function peerPid(peer: PeerName): Promise<number> {
  return Number((await readFile(path.join(peersDir, peer, 'server.pid'), 'utf8')).trim());
}

const VENDURE_PRODUCT = `id name slug description featuredAsset { id preview } assets { id preview }
  optionGroups { id code name options { id code name } } facetValues { id code name facet { id code name } }
  collections { id slug name } variants { id name sku price priceWithTax currencyCode stockLevel options { id code name } }`;

function vendureTargets(port: number): Record<Kind, Target> {
  const url = `http://127.0.0.1:${port}/shop-api`;
  const gql = (query: string) => ({ url, method: 'POST' as const, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  const bySlug = (slug: string) => JSON.stringify({ query: `query { product(slug: ${JSON.stringify(slug)}) { ${VENDURE_PRODUCT} } }` });
  return {
    list: gql(`query { products(options: { take: 20 }) { totalItems items { id name slug description featuredAsset { id preview }
      variants { id name sku price priceWithTax currencyCode stockLevel } } } }`),
    slug: { ...gql(''), body: bySlug('laptop') },
    search: gql(`query { search(input: { term: ${JSON.stringify(SEARCH_TERM)}, take: 20, groupByProduct: true }) { totalItems items {
      productId productName slug description productAsset { id preview }
      priceWithTax { ... on PriceRange { min max } ... on SinglePrice { value } } currencyCode } } }`),
    'slug*': { ...gql(''), body: bySlug(slugs[0]!), nth: (n) => ({ path: '/shop-api', body: bySlug(slugs[n % slugs.length]!) }) },
  };
}

async function medusaTargets(port: number): Promise<Record<Kind, Target>> {
  const seed = JSON.parse(await readFile(path.join(peersDir, 'medusa', 'seed-output.json'), 'utf8')) as { publishableKey: string; regionId: string };
  const headers = { 'x-publishable-api-key': seed.publishableKey };
  // region_id makes Medusa compute each variant's price (calculated_price); without it the variants come unpriced.
  const p = (query: string) => `/store/products?${query}&region_id=${seed.regionId}`;
  const get = (query: string): Target => ({ url: `http://127.0.0.1:${port}${p(query)}`, headers });
  return {
    list: get('limit=20'),
    slug: get('handle=laptop'),
    search: get(`q=${SEARCH_TERM}&limit=20`),
    'slug*': { ...get(`handle=${slugs[0]}`), nth: (n) => ({ path: p(`handle=${slugs[n % slugs.length]}`) }) },
  };
}

async function benchPeer(peer: PeerName): Promise<{ results: Map<Kind, Result>; idleMb: number; afterMb: number; bytes: Map<Kind, number> }> {
  await script(peer, 'start');
  try {
    const pid = await peerPid(peer);
    const targets = peer === 'vendure' ? vendureTargets(3100) : await medusaTargets(9100);
    const bytes = new Map<Kind, number>();
    // Vendure answers with "totalItems", Medusa with "count"; both must name the product and price it.
    const price = peer === 'vendure' ? '"priceWithTax"' : '"calculated_amount"';
    bytes.set('list', (await check(peer, 'list', targets.list, price)).length);
    bytes.set('slug', (await check(peer, 'slug', targets.slug, '"laptop"')).length);
    bytes.set('search', (await check(peer, 'search', targets.search, 'laptop-4')).length);
    bytes.set('slug*', bytes.get('slug')!);
    await sleep(5000);
    const idleMb = rssMb(pid);
    const results = await measure(peer, () => pid, targets);
    return { results, idleMb, afterMb: rssMb(pid), bytes };
  } finally {
    await script(peer, 'stop');
  }
}

// ---- Vitrine and the trivial server --------------------------------------------------------------------------------

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const vitrinePaths: Record<Exclude<Kind, 'slug*'>, string> = {
  list: '/api/products?limit=20',
  slug: '/api/products/laptop',
  search: `/api/search?q=${SEARCH_TERM}&limit=20`,
};
const cycling = (n: number) => ({ path: `/api/products/${slugs[n % slugs.length]}` });
const vitrineTargets = (base: string): Record<Kind, Target> => ({
  list: { url: base + vitrinePaths.list },
  slug: { url: base + vitrinePaths.slug },
  search: { url: base + vitrinePaths.search },
  'slug*': { url: base + vitrinePaths.slug, nth: cycling },
});

// ---- main ----------------------------------------------------------------------------------------------------------

// The machine's 1-minute load average every 5 s of the run: other sessions share these 2 cores.
const loadSamples: number[] = [os.loadavg()[0]!];
const loadTimer = setInterval(() => loadSamples.push(os.loadavg()[0]!), 5000);
loadTimer.unref();
console.log(
  `peers bench: ${connections} connections, ${seconds} s per run after ${warmup} s of warm-up, trivial and Vitrine in ${rounds} alternating rounds, ${os.cpus().length} cores, node ${process.version}, ` +
    `${products.length} products / ${products.reduce((n, p) => n + p.variants.length, 0)} variants from bench/peers/products-x4.csv`,
);
for (const peer of peers) await script(peer, 'setup', reset ? ['--reset'] : []);

const dbName = `vitrine_bench_peers_${randomBytes(6).toString('hex')}`;
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vitrine-bench-peers-'));
const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${dbName}` }).toString();
await admin((c) => c.query(`create database ${dbName}`));
const trivial = fork(path.resolve('bench/trivial-server.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
const rows = new Map<string, Map<Kind, Result>>();
const memory: { server: string; idleMb: number; afterMb: number }[] = [];
const answerBytes = new Map<string, Map<Kind, number>>();
/** Per kind, Vitrine's rate over the trivial server's in each round. */
const roundRatios = new Map<Kind, number[]>();
/** Per kind, Vitrine's p99 in each round. */
const roundP99 = new Map<Kind, number[]>();
try {
  const trivialPort = await new Promise<number>((resolve) => trivial.once('message', (m: { port: number }) => resolve(m.port)));
  const imported = await importIntoVitrine(products, { dataDir, databaseUrl });
  process.stderr.write(`bench: imported ${imported.products} products, ${imported.variants} variants, ${imported.categories} categories into Vitrine\n`);

  const dynamo = await startDynalite({ path: path.join(dataDir, 'dynamodb') }); // where the import wrote the catalog
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const api = spawn(process.execPath, [apiEntry(), 'start', '--no-worker'], {
    env: {
      ...process.env,
      PORT: String(port),
      VITRINE_DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      AWS_ACCESS_KEY_ID: 'bench', // dynalite takes any credentials; the SDK wants some
      AWS_SECRET_ACCESS_KEY: 'bench',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production', // as the peers run
      UPLOAD_SIGNING_KEY: randomBytes(32).toString('hex'), // production requires one; no upload happens here
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitFor(`${base}/api/products?limit=20`, api, 180_000);
    // The trivial server gets Vitrine's exact answers (bytes and headers), every product page included for slug*.
    const bytes = new Map<Kind, number>();
    const feed = async (p: string): Promise<number> => {
      const res = await fetch(base + p);
      if (res.status !== 200) throw new Error(`bench: Vitrine ${p} answered ${res.status}`);
      const headers: Record<string, string> = {};
      for (const h of ['content-type', 'cache-control', 'etag', 'vary']) headers[h] = res.headers.get(h) ?? '';
      const body = Buffer.from(await res.arrayBuffer());
      trivial.send({ path: p, headers, body: body.toString('base64') });
      return body.length;
    };
    for (const kind of ['list', 'slug', 'search'] as const) bytes.set(kind, await feed(vitrinePaths[kind]));
    for (const s of slugs) await feed(`/api/products/${s}`);
    bytes.set('slug*', bytes.get('slug')!);
    const search = (await (await fetch(base + vitrinePaths.search)).json()) as { items: { slug: string }[] };
    if (!search.items.some((i) => i.slug === 'laptop-4')) throw new Error(`bench: Vitrine's search for ${SEARCH_TERM} misses laptop-4`);
    answerBytes.set('Vitrine', bytes);
    answerBytes.set('trivial', bytes);
    await sleep(5000);
    const idleMb = rssMb(api.pid);
    const trivialIdle = rssMb(trivial.pid);
    const sides: [Side, Side] = [
      { server: 'trivial', pid: () => trivial.pid, targets: vitrineTargets(`http://127.0.0.1:${trivialPort}`) },
      { server: 'Vitrine', pid: () => api.pid, targets: vitrineTargets(base) },
    ];
    const byRound = await measureInRounds(sides);
    for (const [server, results] of byRound) rows.set(server, new Map(KINDS.map((k) => [k, medianResult(results.get(k)!)])));
    for (const kind of KINDS) {
      const t = byRound.get('trivial')!.get(kind)!;
      const v = byRound.get('Vitrine')!.get(kind)!;
      roundRatios.set(kind, v.map((r, i) => r.rps / t[i]!.rps));
      roundP99.set(kind, v.map((r) => r.p99));
    }
    memory.push({ server: 'trivial', idleMb: trivialIdle, afterMb: rssMb(trivial.pid) });
    memory.push({ server: 'Vitrine', idleMb, afterMb: rssMb(api.pid) });
  } finally {
    await stop(api);
    await dynamo.close();
  }

  for (const peer of peers) {
    const name = peer === 'vendure' ? 'Vendure' : 'Medusa';
    const r = await benchPeer(peer);
    rows.set(name, r.results);
    answerBytes.set(name, r.bytes);
    memory.push({ server: name, idleMb: r.idleMb, afterMb: r.afterMb });
  }
} finally {
  await stop(trivial);
  await admin((c) => c.query(`drop database if exists ${dbName} with (force)`));
  await rm(dataDir, { recursive: true, force: true });
}
clearInterval(loadTimer);
loadSamples.push(os.loadavg()[0]!);

// ---- report ----------------------------------------------------------------------------------------------------------

const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
console.log('\n| request | server | req/s | p50 ms | p99 ms | errors | bytes | ÷ trivial | Vitrine ÷ this |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const kind of KINDS) {
  const trivialRps = rows.get('trivial')!.get(kind)!.rps;
  const vitrine = rows.get('Vitrine')!.get(kind)!;
  for (const [server, results] of rows) {
    const r = results.get(kind)!;
    const bytes = answerBytes.get(server)?.get(kind) ?? r.bytes;
    // Vitrine's is the median of its per-round ratios; a peer's, its one run over the trivial server's median.
    const q = server === 'Vitrine' ? median(roundRatios.get(kind)!) : r.rps / trivialRps;
    const ratio = server === 'trivial' ? '' : q.toFixed(q < 0.01 ? 5 : 2);
    const vs = server === 'trivial' || server === 'Vitrine' ? '' : `${fmt(vitrine.rps / r.rps)}×`;
    console.log(`| ${KIND_LABEL[kind]} | ${server} | ${fmt(r.rps)} | ${r.p50} | ${r.p99} | ${r.errors} | ${bytes} | ${ratio} | ${vs} |`);
  }
}
console.log(`\ntrivial and Vitrine: medians of ${rounds} alternating rounds of ${seconds} s; errors summed. Vendure and Medusa: one run each.`);
console.log('\n| request | Vitrine ÷ trivial, each round | Vitrine p99 ms, each round | goal: ≥ 0.5 and p99 < 10 ms (list, by slug) |');
console.log('|---|---|---|---|');
for (const kind of KINDS) {
  const ratios = roundRatios.get(kind)!;
  const p99s = roundP99.get(kind)!;
  const goal = kind === 'list' || kind === 'slug' ? (median(ratios) >= 0.5 && median(p99s) < 10 ? 'met (medians)' : 'not met (medians)') : '';
  console.log(`| ${KIND_LABEL[kind]} | ${ratios.map((x) => x.toFixed(2)).join(', ')} | ${p99s.join(', ')} | ${goal} |`);
}
console.log('\n| server | RSS idle MB | RSS after load MB | highest RSS after a run MB |');
console.log('|---|---|---|---|');
for (const m of memory) console.log(`| ${m.server} | ${m.idleMb} | ${m.afterMb} | ${highestMb.get(m.server.toLowerCase()) ?? ''} |`);
const mean = loadSamples.reduce((a, b) => a + b, 0) / loadSamples.length;
console.log(
  `\nmachine load average (1 min, every 5 s, ${loadSamples.length} samples) during the run: min ${Math.min(...loadSamples).toFixed(2)}, ` +
    `mean ${mean.toFixed(2)}, max ${Math.max(...loadSamples).toFixed(2)} on ${os.cpus().length} cores`,
);
