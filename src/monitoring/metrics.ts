// Layer 5, Monitoring (the design's CloudWatch metrics): the numbers an operator alarms on, in Prometheus format
// at /metrics. Names follow Prometheus conventions (base units, _total counters) and are the same names the
// CloudWatch dashboard in infra/ expects.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricSources {
  /** Seconds since the catalog read model last refreshed successfully, and its entity counts. */
  readonly catalog?: () => { ageSeconds: number; products: number; categories: number; assets: number };
  readonly queue?: () => Promise<{ queued: number; running: number; dead: number; oldestQueuedAgeMs: number | null }>;
}

export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from request to response, by method, route pattern and status class',
    labelNames: ['method', 'route', 'status_class'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly assetBytes = new Counter({
    name: 'asset_bytes_served_total',
    help: 'Bytes of models, posters and media sent from /assets (what a CDN would offload)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly responseCache = new Counter({
    name: 'catalog_response_cache_total',
    help: 'Catalog responses served from bytes already made (hit) or built anew (miss)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly jobDuration = new Histogram({
    name: 'job_duration_seconds',
    help: 'Background job attempts by type and outcome (done, retry, dead) and how long they ran',
    labelNames: ['type', 'outcome'] as const,
    buckets: [0.005, 0.025, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [this.registry],
  });

  /** Label children per (method, route, status): prom-client hashes label objects on every call otherwise. */
  private readonly httpChildren = new Map<string, { count: { inc(): void }; duration: { observe(v: number): void } }>();

  /** One finished HTTP request (the API's onResponse hook), on the hot path of every request. */
  recordHttp(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${route} ${status}`;
    let c = this.httpChildren.get(key);
    if (!c) {
      c = {
        count: this.httpRequests.labels({ method, route, status }),
        duration: this.httpDuration.labels({ method, route, status_class: `${Math.floor(status / 100)}xx` }),
      };
      this.httpChildren.set(key, c);
    }
    c.count.inc();
    c.duration.observe(seconds);
  }

  constructor(sources: MetricSources = {}) {
    collectDefaultMetrics({ register: this.registry });
    const { catalog, queue } = sources;
    if (catalog) {
      new Gauge({
        name: 'catalog_readmodel_age_seconds',
        help: 'Seconds since the in-memory catalog last caught up with the catalog table',
        registers: [this.registry],
        collect() {
          this.set(catalog().ageSeconds);
        },
      });
      new Gauge({
        name: 'catalog_readmodel_entities',
        help: 'Entities held by the in-memory catalog',
        labelNames: ['kind'] as const,
        registers: [this.registry],
        collect() {
          const c = catalog();
          this.set({ kind: 'product' }, c.products);
          this.set({ kind: 'category' }, c.categories);
          this.set({ kind: 'asset' }, c.assets);
        },
      });
    }
    if (queue) {
      new Gauge({
        name: 'queue_depth',
        help: 'Background jobs by state (dead = dead letters waiting for an operator)',
        labelNames: ['state'] as const,
        registers: [this.registry],
        async collect() {
          const d = await queue();
          this.set({ state: 'queued' }, d.queued);
          this.set({ state: 'running' }, d.running);
          this.set({ state: 'dead' }, d.dead);
        },
      });
      new Gauge({
        name: 'queue_oldest_age_seconds',
        help: 'How long the oldest due job has waited (0 when none is waiting)',
        registers: [this.registry],
        async collect() {
          const d = await queue();
          this.set((d.oldestQueuedAgeMs ?? 0) / 1000);
        },
      });
    }
  }
}
