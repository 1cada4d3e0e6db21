// Gathers the advisor's snapshot from the stores (through their ports) and, when given, a running instance's
// /metrics and headers. Read-only: it never changes the store it inspects.
import type { CatalogRepository } from '../../databases/catalog/repository.ts';
import type { JobQueue } from '../../compute/queue/queue.ts';
import { readObject } from '../../storage/index.ts';
import type { ObjectStore } from '../../storage/object-store.ts';
import type { Asset3D } from '../../domain/catalog.ts';
import type { AssetFacts, RouteLatency, StoreSnapshot } from './checks.ts';

export interface CollectDeps {
  readonly repo: CatalogRepository;
  readonly objects: ObjectStore;
  readonly queue: JobQueue;
  readonly relational: 'pglite' | 'postgres';
  readonly publicUrl?: string;
  readonly backupsConfigured: boolean;
  readonly instances: number;
  /** Prometheus text of a running instance, if reachable. */
  readonly metricsText?: string;
  /** Routes observed sending `Access-Control-Allow-Origin: *`. */
  readonly corsAllowAll?: readonly string[];
  /** Merchants and admins whose password predates the current policy (relational/accounts staffBelowPasswordPolicy). */
  readonly staffWithoutStrongPassword?: number;
}

/** extensionsUsed from a GLB's JSON chunk, read with two small range requests instead of the whole file. */
export async function glbExtensions(objects: ObjectStore, key: string): Promise<string[]> {
  const h = await readObject(objects, key, { start: 0, end: 19 });
  if (!h) return [];
  if (h.length < 20 || h.toString('latin1', 0, 4) !== 'glTF' || h.toString('latin1', 16, 20) !== 'JSON') return [];
  const jsonLength = h.readUInt32LE(12);
  const chunk = await readObject(objects, key, { start: 20, end: 20 + Math.min(jsonLength, 4 * 1024 * 1024) - 1 });
  if (!chunk) return [];
  try {
    const json = JSON.parse(chunk.toString('utf8')) as { extensionsUsed?: string[] };
    return json.extensionsUsed ?? [];
  } catch {
    return [];
  }
}

/** p99 per route from the http_request_duration_seconds histogram (bucket upper bounds, as Prometheus does). */
export function routeLatencies(metricsText: string): RouteLatency[] {
  const buckets = new Map<string, { le: number; count: number }[]>();
  for (const line of metricsText.split('\n')) {
    const m = /^http_request_duration_seconds_bucket\{(.*)\} (\d+(?:\.\d+)?)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    const key = `${labels.method} ${labels.route}`;
    const list = buckets.get(key) ?? [];
    list.push({ le: labels.le === '+Inf' ? Infinity : Number(labels.le), count: Number(m[2]) });
    buckets.set(key, list);
  }
  const out: RouteLatency[] = [];
  for (const [route, list] of buckets) {
    // Several status classes per route: sum the cumulative counts per bound.
    const byLe = new Map<number, number>();
    for (const b of list) byLe.set(b.le, (byLe.get(b.le) ?? 0) + b.count);
    const sorted = [...byLe.entries()].sort((a, b) => a[0] - b[0]);
    const total = sorted.at(-1)?.[1] ?? 0;
    if (total === 0) continue;
    const p99 = sorted.find(([, c]) => c >= total * 0.99)?.[0] ?? Infinity;
    out.push({ route, p99Seconds: Number.isFinite(p99) ? p99 : 60, count: total });
  }
  return out;
}

function counter(metricsText: string, series: string): number {
  const line = metricsText.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

export async function collectSnapshot(d: CollectDeps): Promise<StoreSnapshot> {
  const assets: Asset3D[] = [];
  const references = new Map<string, number>();
  for await (const e of d.repo.scanAll()) {
    if (e.kind === 'asset') assets.push(e.value);
    if (e.kind === 'product' && e.value.assetId && e.value.status !== 'archived') {
      references.set(e.value.assetId, (references.get(e.value.assetId) ?? 0) + 1);
    }
  }
  const facts: AssetFacts[] = [];
  for (const a of assets) {
    facts.push({
      id: a.id,
      bytes: a.bytes ?? 0,
      status: a.status,
      extensions: a.glbKey ? await glbExtensions(d.objects, a.glbKey) : [],
      referencedBy: references.get(a.id) ?? 0,
    });
  }
  const metrics = d.metricsText ?? '';
  return {
    publicUrl: d.publicUrl,
    assets: facts,
    relational: d.relational,
    backupsConfigured: d.backupsConfigured,
    deadLetters: (await d.queue.depth()).dead,
    instances: d.instances,
    routes: metrics ? routeLatencies(metrics) : [],
    responseCache: {
      hits: counter(metrics, 'catalog_response_cache_total{result="hit"}'),
      misses: counter(metrics, 'catalog_response_cache_total{result="miss"}'),
    },
    corsAllowAll: d.corsAllowAll ?? [],
    staffWithoutStrongPassword: d.staffWithoutStrongPassword ?? 0,
  };
}
