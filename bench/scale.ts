// npm run bench:scale — does the cost of a catalog page grow with the catalog? The same reads against catalogs
// of 1,000, 10,000 and 100,000 products (BENCH_SCALE_SIZES), each in its own DynamoDB (a standalone dynalite) read
// by its own API (`vitrine start --no-worker`, SEED_DEMO=false). All of them are up at once and measured in rounds
// that alternate between them (the order reversed every other round): on a shared machine, sizes measured one
// after the other minutes apart differed by 2-3x on their own. The baseline is the smallest catalog: each row's
// ratio is the median over the rounds of its req/s over the smallest catalog's in the same round.
//
// The response cache is turned off (CATALOG_CACHE_ENTRIES=0) and every request asks for something else, so each
// answer is computed from the in-memory read model: what is measured is the cost of a page, not of a cache hit.
//   - list: pages 1–50 of the whole catalog by cursor, in turn;
//   - by slug: 2,000 products spread over the catalog, in turn;
//   - search: 60 one- or two-word queries (some misspelt), in turn;
//   - category: a filtered, sorted first page with facets (colour × price bound × sort), 90 combinations in turn.
//   - mixed: half the connections search (as above) while the other half ask for list pages and
//     products by slug in turn: whether a slow search holds the cheap reads up (two rows: each half's numbers).
//   - edits: list pages and products by slug in turn while "another API instance" saves 5 products a second into
//     the same DynamoDB (the same product, unchanged, at a new version: the kept catalogs stay as filled); this API
//     applies them from its change feed every second, as in production. Whether a live catalog stays flat.
// Also printed: time from start to ready (the full load of the read model) and the API's RSS after the load.
// Env: BENCH_SCALE_SIZES (1000,10000,100000), BENCH_SCALE_KINDS (all: list, by slug, search, category, mixed, edits),
// BENCH_ROUNDS (3), BENCH_CONNECTIONS (32), BENCH_SECONDS (5 per run), BENCH_SCALE_STORE (a folder: each filled
// catalog is kept there, in <folder>/<size>, and reused by later runs; writing 100,000 products takes 8-30 minutes,
// reading them back under a minute).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import type { Category, Product } from '../src/domain/catalog.ts';
import { DynamoCatalogRepository, startDynalite } from '../src/databases/catalog/index.ts';
import { rng } from '../src/demo/random.ts';
import { apiEntry, freePort, median, rssMb, stop, waitFor } from './process-kit.ts';

const sizes = (process.env.BENCH_SCALE_SIZES ?? '1000,10000,100000').split(',').map(Number);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const store = process.env.BENCH_SCALE_STORE;
const TABLE = 'vitrine-scale';

const CATEGORIES = ['chairs', 'tables', 'sofas', 'lamps', 'rugs', 'shelves', 'speakers', 'headphones', 'mugs', 'sneakers'];
const ADJECTIVES = ['oak', 'walnut', 'linen', 'velvet', 'ceramic', 'brass', 'nordic', 'compact', 'classic', 'modern', 'rustic', 'woven', 'curved', 'slim', 'studio', 'folding', 'round', 'tall', 'soft', 'matte'];
const NOUNS = ['chair', 'table', 'sofa', 'lamp', 'rug', 'shelf', 'speaker', 'headphones', 'mug', 'sneaker', 'stool', 'desk', 'bench', 'cabinet', 'vase', 'clock', 'mirror', 'planter', 'bowl', 'basket'];
const COLOURS = ['Oak', 'Walnut', 'Black', 'White', 'Sand', 'Sage', 'Rust', 'Navy'];
const SIZES = ['S', 'M', 'L'];

/** A deterministic catalog of `n` published products: two options, 2–6 variants each, titles made of real words. */
function* products(n: number): Generator<Product> {
  const r = rng(`scale-${n}`);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  for (let i = 0; i < n; i++) {
    const title = `${pick(ADJECTIVES)} ${pick(ADJECTIVES)} ${pick(NOUNS)} ${i}`.replace(/^\w/, (c) => c.toUpperCase());
    const colours = COLOURS.filter(() => r() < 0.35).slice(0, 3);
    if (colours.length === 0) colours.push(pick(COLOURS));
    const sizes = r() < 0.5 ? ['M'] : SIZES.slice(0, 2);
    const base = 1_000 + Math.floor(r() * 99_000);
    const variants = colours.flatMap((colour, ci) =>
      sizes.map((size, si) => ({
        id: `p${i}-${ci}${si}`,
        sku: `SCALE-${i}-${ci}${si}`,
        options: { Colour: colour, Size: size },
        price: { amount: base + si * 500, currency: 'USD' as const },
      })),
    );
    yield {
      id: `p${i}`,
      slug: `scale-${i}`,
      title,
      description: `${title}: a product generated for the scale benchmark.`,
      category: CATEGORIES[i % CATEGORIES.length]!,
      status: 'published',
      options: [
        { name: 'Colour', values: colours },
        { name: 'Size', values: sizes },
      ],
      variants,
      rank: i,
      version: 0,
      createdAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
      updatedAt: '',
    };
  }
}

async function fill(repo: DynamoCatalogRepository, n: number): Promise<void> {
  for (const [rank, slug] of CATEGORIES.entries()) {
    const c: Category = { slug, name: slug.replace(/^\w/, (x) => x.toUpperCase()), rank, version: 0, updatedAt: '' };
    await repo.putCategory(c);
  }
  // 32 writes in flight: dynalite answers one at a time, so more only queues.
  const inFlight = new Set<Promise<unknown>>();
  for (const p of products(n)) {
    const w = repo.putProduct(p).finally(() => inFlight.delete(w));
    inFlight.add(w);
    if (inFlight.size >= 32) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
}

interface Result {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

/** autocannon over `paths` in turn, one per request, on every connection. */
async function load(base: string, paths: readonly string[], conns = connections): Promise<Result> {
  let next = 0;
  const r = await autocannon({
    url: base,
    connections: conns,
    duration: seconds,
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length]! }) }],
  });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts + r.non2xx };
}

const KINDS = ['list', 'by slug', 'search', 'category', 'mixed', 'edits'] as const;
type Kind = (typeof KINDS)[number];
const kinds = (process.env.BENCH_SCALE_KINDS?.split(',') ?? KINDS).map((k) => {
  if (!(KINDS as readonly string[]).includes(k)) throw new Error(`BENCH_SCALE_KINDS: unknown ${k} (one of ${KINDS.join(', ')})`);
  return k as Kind;
});
type Row = 'list' | 'by slug' | 'search' | 'category' | 'search, with list+slug' | 'list+slug, with search' | 'list+slug, with 5 saves/s';
interface Catalog {
  readonly n: number;
  readonly base: string;
  readonly api: ChildProcess;
  readonly fillS: number;
  readonly readyS: number;
  readonly rssMb: number;
  readonly sets: Record<Exclude<Kind, 'mixed' | 'edits'>, string[]>;
  /** The catalog's DynamoDB as another API instance writes to it. */
  readonly repo: DynamoCatalogRepository;
}
const catalogs: Catalog[] = [];
const cleanup: (() => Promise<void>)[] = [];
console.log(
  `scale bench: ${sizes.join(', ')} products, all up at once; ${rounds} rounds alternating between them, ${connections} connections, ` +
    `${seconds} s per run, response cache off, ${os.cpus().length} cores, node ${process.version}`,
);

/** Fills (or reuses) a catalog of n products in its own dynalite, starts an API on it, builds its request sets. */
async function open(n: number): Promise<Catalog> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vitrine-scale-'));
  cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
  const kept = store === undefined ? undefined : path.resolve(store, String(n));
  const filled = kept !== undefined && existsSync(path.join(kept, 'filled'));
  // A fill cut short leaves no mark: start that one again from nothing.
  if (kept !== undefined && !filled) await rm(kept, { recursive: true, force: true });
  const dynalite = await startDynalite(kept === undefined ? {} : { path: kept });
  const repo = new DynamoCatalogRepository({ client: dynalite.endpoint, region: 'us-east-1', tableName: TABLE });
  cleanup.push(async () => {
    await repo.close();
    await dynalite.close();
  });
  let fillS = NaN;
  if (!filled) {
    await repo.ensureSchema();
    const t0 = performance.now();
    await fill(repo, n);
    fillS = (performance.now() - t0) / 1000;
    if (kept !== undefined) await writeFile(path.join(kept, 'filled'), `${n} products\n`);
  }
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t1 = performance.now();
  const api = spawn(process.execPath, [apiEntry(), 'start', '--no-worker', '--no-seed'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      VITRINE_DATA_DIR: dataDir,
      DYNAMODB_ENDPOINT: dynalite.endpoint,
      DYNAMODB_TABLE: TABLE,
      SEED_DEMO: 'false',
      CATALOG_CACHE_ENTRIES: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  cleanup.unshift(() => stop(api)); // APIs stop before their stores close
  await waitFor(`${base}/readyz`, api, 900_000);
  const readyS = (performance.now() - t1) / 1000;
  const total = ((await (await fetch(`${base}/api/products?category=chairs&limit=1`)).json()) as { total?: number }).total;
  if (total !== Math.ceil(n / CATEGORIES.length)) throw new Error(`scale: the API shows ${total} chairs, expected ${Math.ceil(n / CATEGORIES.length)}`);

  // The request sets, built from what the API itself answers (cursors) and from the generator (slugs).
  const list: string[] = ['/api/products?limit=20'];
  while (list.length < 50) {
    const page = (await (await fetch(base + list.at(-1)!)).json()) as { nextCursor?: string };
    if (!page.nextCursor) break;
    list.push(`/api/products?limit=20&cursor=${encodeURIComponent(page.nextCursor)}`);
  }
  const bySlug = Array.from({ length: Math.min(2000, n) }, (_, i) => `/api/products/scale-${Math.floor((i * n) / Math.min(2000, n))}`);
  const words = [...ADJECTIVES, ...NOUNS];
  const search = Array.from({ length: 60 }, (_, i) => {
    const w = words[i % words.length]!;
    const q = i % 3 === 0 ? `${w} ${words[(i * 7) % words.length]}` : i % 3 === 1 ? w.slice(0, -1) + (w.at(-1) === 'a' ? 'e' : 'a') : w;
    return `/api/search?q=${encodeURIComponent(q)}&limit=6`;
  });
  const category: string[] = [];
  for (const c of CATEGORIES.slice(0, 3))
    for (const colour of COLOURS.slice(0, 5))
      for (const [sort, max] of [['price-asc', 50_000], ['price-desc', 90_000], ['name', 100_000]] as const)
        category.push(`/api/products?category=${c}&option=Colour:${colour}&maxPrice=${max}&sort=${sort}&limit=24`);
  return { n, base, api, fillS, readyS, rssMb: rssMb(api.pid), sets: { list, 'by slug': bySlug, search, category }, repo };
}

/** One run of a kind against one catalog: one row, or two for mixed. */
async function measure(c: Catalog, kind: Kind): Promise<[Row, Result][]> {
  const cheap = c.sets.list.flatMap((l, i) => [l, c.sets['by slug'][i % c.sets['by slug'].length]!]);
  if (kind === 'edits') return [['list+slug, with 5 saves/s', await whileSaving(c, () => load(c.base, cheap))]];
  if (kind !== 'mixed') return [[kind, await load(c.base, c.sets[kind])]];
  // Half the connections search while the other half ask for list pages and products by slug.
  const half = Math.max(1, Math.floor(connections / 2));
  const [s, m] = await Promise.all([load(c.base, c.sets.search, half), load(c.base, cheap, half)]);
  return [['search, with list+slug', s], ['list+slug, with search', m]];
}

/** Runs `during` while saving a product of the catalog every 200 ms, as a merchant on another instance would. */
async function whileSaving<T>(c: Catalog, during: () => Promise<T>): Promise<T> {
  let saving = true;
  let saves = 0;
  const saver = (async () => {
    const r = rng(`edits-${c.n}-${Date.now()}`);
    while (saving) {
      const id = `p${Math.floor(r() * c.n)}`;
      const p = await c.repo.getProduct(id);
      if (p) await c.repo.putProduct(p, p.version);
      saves++;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  try {
    return await during();
  } finally {
    saving = false;
    await saver;
    if (saves < seconds * 4) console.log(`edits: only ${saves} saves in ${seconds} s on ${c.n} products (the store was slow)`);
  }
}

const results = new Map<string, Result[]>(); // `${n}|${row}` → one result per round
try {
  for (const n of sizes) catalogs.push(await open(n));
  // Warm-up: JIT and first allocations, every kind on every API.
  for (const c of catalogs) for (const kind of kinds) await measure(c, kind === 'mixed' ? 'search' : kind === 'edits' ? 'by slug' : kind);
  // Rounds: every kind on every catalog in turn, the catalogs' order reversed every other round, so whatever else
  // the machine does during the run falls on all sizes alike.
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? catalogs : [...catalogs].reverse();
    for (const kind of kinds) {
      for (const c of order) {
        for (const [row, r] of await measure(c, kind)) {
          const key = `${c.n}|${row}`;
          results.set(key, [...(results.get(key) ?? []), r]);
        }
      }
    }
    console.log(`round ${round + 1}/${rounds} done (load average ${os.loadavg()[0]!.toFixed(2)})`);
  }
} finally {
  for (const close of cleanup) await close().catch((err: unknown) => console.error(err));
}

const rows = [...new Set([...results.keys()].map((k) => k.slice(k.indexOf('|') + 1)))] as Row[];
console.log(`\n| products | request | req/s | p50 ms | p99 ms | ÷ ${sizes[0]!.toLocaleString('en')}-product rate | errors |`);
console.log('|---|---|---|---|---|---|---|');
for (const row of rows) {
  const baseline = results.get(`${sizes[0]}|${row}`)!;
  for (const n of sizes) {
    const rs = results.get(`${n}|${row}`)!;
    // The ratio is the median of each round's ratio: both sides measured minutes apart at most.
    const ratio = median(rs.map((r, i) => r.rps / baseline[i]!.rps));
    const errors = rs.reduce((sum, r) => sum + r.errors, 0);
    console.log(`| ${n.toLocaleString('en')} | ${row} | ${median(rs.map((r) => r.rps)).toFixed(0)} | ${median(rs.map((r) => r.p50))} | ${median(rs.map((r) => r.p99))} | ${ratio.toFixed(2)} | ${errors} |`);
  }
}
console.log('\nreq/s, p50 and p99: medians over the rounds; errors: summed.');
console.log('\n| products | write to DynamoDB s | start to ready s | API RSS after load MB |');
console.log('|---|---|---|---|');
for (const c of catalogs) console.log(`| ${c.n.toLocaleString('en')} | ${Number.isNaN(c.fillS) ? 'kept' : c.fillS.toFixed(1)} | ${c.readyS.toFixed(1)} | ${c.rssMb} |`);
