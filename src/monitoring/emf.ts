// The same metrics as /metrics, as CloudWatch embedded metric format (EMF) documents: one JSON line per interval
// that CloudWatch Logs turns into metrics in namespace `Vitrine` with the dimension `Stage` (the names the CDK
// dashboard and alarms in infra/lib/monitoring use). Written to stdout (Lambda, or any log shipper that sends the
// `x-amzn-logs-format: json/emf` header) or to the CloudWatch agent's EMF endpoint (tcp://127.0.0.1:25888 on EC2).
//
// EMF carries numbers or arrays of at most 100 numbers, not histograms. Request durations are therefore sent as 100
// values spread over the interval's distribution (interpolated quantiles from the histogram's buckets), which
// CloudWatch's p50/p99 then read correctly to bucket resolution; the request count is sent on its own.
import net from 'node:net';
import type { MetricObjectWithValues, MetricValue, MetricValueWithName } from 'prom-client';
import type { Metrics } from './metrics.ts';

export const EMF_NAMESPACE = 'Vitrine';
const SAMPLES = 100;

export type EmfWrite = (line: string) => void;

/** Where documents go: `stdout`, or `tcp://host:port` (the CloudWatch agent). Returns the writer and its closer. */
export function emfSink(target: string): { write: EmfWrite; close(): void } {
  if (target === 'stdout') return { write: (line) => void process.stdout.write(`${line}\n`), close: () => {} };
  const url = new URL(target);
  let socket: net.Socket | undefined;
  const connect = (): net.Socket => {
    const s = net.connect(Number(url.port), url.hostname);
    s.on('error', () => s.destroy()); // the agent restarting is not the app's failure: the next flush reconnects
    s.on('close', () => {
      if (socket === s) socket = undefined;
    });
    s.unref();
    return s;
  };
  return {
    write: (line) => {
      socket ??= connect();
      socket.write(`${line}\n`);
    },
    close: () => socket?.end(),
  };
}

type Doc = Record<string, unknown>;

export class EmfPublisher {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly metrics: Metrics,
    private readonly opts: { stage: string; write: EmfWrite; now?: () => number },
  ) {}

  /** One document for the interval since the previous flush (the first one counts from start-up). */
  async flush(): Promise<Doc> {
    const all = await this.metrics.registry.getMetricsAsJSON();
    const byName = new Map(all.map((m) => [m.name, m as MetricObjectWithValues<MetricValue<string>>]));
    const metrics: { Name: string; Unit: string }[] = [];
    const doc: Doc = { Stage: this.opts.stage };
    const put = (name: string, unit: string, value: number | number[]): void => {
      metrics.push({ Name: name, Unit: unit });
      doc[name] = value;
    };

    // Requests and server errors in the interval, and the durations' distribution.
    const requests = this.deltas(byName.get('http_requests_total'));
    const sum = (ds: { labels: Record<string, string | number>; delta: number }[], match: (l: Record<string, string | number>) => boolean = () => true): number =>
      ds.filter((d) => match(d.labels)).reduce((n, d) => n + d.delta, 0);
    put('http_requests', 'Count', sum(requests));
    put('http_5xx', 'Count', sum(requests, (l) => String(l.status ?? '').startsWith('5')));
    const durations = this.histogramSamples(byName.get('http_request_duration_seconds'));
    if (durations.length > 0) put('http_request_duration_seconds', 'Seconds', durations);

    const gauge = (name: string, match: (l: Record<string, string | number>) => boolean = () => true): number | undefined => {
      const values = byName.get(name)?.values.filter((v) => match(v.labels as Record<string, string | number>)) ?? [];
      return values.length > 0 ? Math.max(...values.map((v) => v.value)) : undefined;
    };
    const age = gauge('catalog_readmodel_age_seconds');
    if (age !== undefined) put('catalog_readmodel_age_seconds', 'Seconds', age);
    const queued = gauge('queue_depth', (l) => l.state === 'queued');
    if (queued !== undefined) put('queue_depth', 'Count', queued);
    const dead = gauge('queue_depth', (l) => l.state === 'dead');
    if (dead !== undefined) put('queue_dead_letters', 'Count', dead);
    const lag = gauge('queue_oldest_age_seconds');
    if (lag !== undefined) put('queue_oldest_age_seconds', 'Seconds', lag);
    const jobs = byName.get('job_duration_seconds');
    if (jobs) put('job_failures', 'Count', sum(this.deltas(jobs, '_count'), (l) => l.outcome === 'retry' || l.outcome === 'dead'));

    const full: Doc = {
      _aws: { Timestamp: (this.opts.now ?? Date.now)(), CloudWatchMetrics: [{ Namespace: EMF_NAMESPACE, Dimensions: [['Stage']], Metrics: metrics }] },
      ...doc,
    };
    this.opts.write(JSON.stringify(full));
    return full;
  }

  /** Each label set's increase of a counter (or of a histogram's `_count`) since the last flush; read once per flush. */
  private deltas(m: MetricObjectWithValues<MetricValue<string>> | undefined, suffix = ''): { labels: Record<string, string | number>; delta: number }[] {
    if (!m) return [];
    const out: { labels: Record<string, string | number>; delta: number }[] = [];
    for (const v of m.values as MetricValueWithName<string>[]) {
      if (suffix && v.metricName !== `${m.name}${suffix}`) continue;
      const labels = v.labels as Record<string, string | number>;
      const key = `${m.name}${suffix}|${JSON.stringify(labels)}`;
      out.push({ labels, delta: v.value - (this.last.get(key) ?? 0) });
      this.last.set(key, v.value);
    }
    return out;
  }

  /** 100 values spread over the interval's distribution, from the histogram's cumulative buckets summed over labels. */
  private histogramSamples(m: MetricObjectWithValues<MetricValue<string>> | undefined): number[] {
    if (!m) return [];
    const cumulative = new Map<number, number>(); // upper bound → cumulative count, all label sets together
    for (const v of m.values as MetricValueWithName<string>[]) {
      if (v.metricName !== `${m.name}_bucket`) continue;
      const le = (v.labels as { le?: string | number }).le;
      const bound = le === '+Inf' ? Infinity : Number(le);
      cumulative.set(bound, (cumulative.get(bound) ?? 0) + v.value);
    }
    const bounds = [...cumulative.keys()].sort((a, b) => a - b);
    const deltas = bounds.map((b) => {
      const key = `${m.name}|le=${b}`;
      const d = cumulative.get(b)! - (this.last.get(key) ?? 0);
      this.last.set(key, cumulative.get(b)!);
      return d;
    });
    const total = deltas.at(-1) ?? 0;
    if (total <= 0) return [];
    const samples: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const rank = ((i + 0.5) / SAMPLES) * total;
      const j = deltas.findIndex((c) => c >= rank);
      const upper = bounds[j]!;
      const lower = j > 0 ? bounds[j - 1]! : 0;
      const below = j > 0 ? deltas[j - 1]! : 0;
      const inBucket = deltas[j]! - below;
      // Beyond the last finite bound nothing is known but "more than it": report the bound.
      const value = upper === Infinity ? lower : lower + (upper - lower) * (inBucket > 0 ? (rank - below) / inBucket : 1);
      samples.push(Math.round(value * 1e6) / 1e6);
    }
    return samples;
  }
}

/** Flushes every `intervalMs` until stopped (and once more at stop, so the last interval is not lost). */
export function startEmf(metrics: Metrics, opts: { stage: string; target: string; intervalMs: number; onError: (err: unknown) => void }): { stop(): Promise<void> } {
  const sink = emfSink(opts.target);
  const publisher = new EmfPublisher(metrics, { stage: opts.stage, write: sink.write });
  const flush = (): Promise<void> => publisher.flush().then(() => undefined, opts.onError);
  const timer = setInterval(() => void flush(), opts.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await flush();
      sink.close();
    },
  };
}
