// Layer 5, Monitoring (the design's X-Ray): traces with OpenTelemetry, exported as OTLP/HTTP JSON to a collector.
// Off by default, and then free: this file imports nothing from OpenTelemetry, the SDK (tracing-sdk.ts) is loaded
// with a dynamic import only when OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set, and
// every seam asks `tracing()` once, when it is built (a Fastify app, a Kysely instance, an AWS client, the job
// handlers), so with tracing off no hook, log function or middleware is installed at all.
//
// Spans (tracing-sdk.ts): an HTTP server span per request (route, method, status; W3C traceparent continued from
// the caller), a span per SQL statement (Kysely, on Postgres and PGlite alike), a span per DynamoDB/S3/SQS call (an
// AWS SDK middleware) and a span per job attempt (child of whoever enqueued the job: the job row, the outbox row or
// the SQS message carries a traceparent). SQL and AWS spans are made only inside a request or a job, so the
// background polls (catalog change feed, stock view, queue claims, outbox relay) make no traces of their own.
import type { FastifyInstance } from 'fastify';
import type { LogEvent } from 'kysely';
import type { Config } from '../config/env.ts';
import type { JobHandlers } from '../compute/queue/queue.ts';

export type TracingConfig = Pick<
  Config,
  | 'OTEL_EXPORTER_OTLP_ENDPOINT'
  | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'
  | 'OTEL_EXPORTER_OTLP_HEADERS'
  | 'OTEL_SERVICE_NAME'
  | 'OTEL_TRACES_SAMPLER'
  | 'OTEL_TRACES_SAMPLER_ARG'
  | 'OTEL_SDK_DISABLED'
  | 'NODE_ENV'
>;

/** The parts of an AWS SDK v3 client the tracing middleware needs (DynamoDBClient, S3Client, SQSClient…). */
export interface AwsClientLike {
  readonly middlewareStack: {
    add(
      middleware: (next: (args: { input: object }) => Promise<{ response: unknown }>, context: { commandName?: string }) => (args: { input: object }) => Promise<{ response: unknown }>,
      options: { step: 'initialize'; name: string; override?: boolean },
    ): void;
  };
}

export interface Tracing {
  readonly serviceName: string;
  /** Where spans are sent (the full /v1/traces URL). */
  readonly url: string;
  /** Adds the hooks that make a server span per request. Call before routes are registered. */
  instrumentFastify(app: FastifyInstance): void;
  /** Kysely's `log` option: a span per SQL statement run inside a traced request or job. */
  readonly sqlLog: (event: LogEvent) => void;
  /** A span per call on this AWS SDK client (the client's middleware stack, shared by lib-dynamodb's document client). */
  instrumentAwsClient(client: AwsClientLike, service: 'DynamoDB' | 'S3' | 'SQS'): void;
  /** The same handlers, each attempt in a span whose parent is the job's `traceparent` (`system`: the queue's name). */
  traceJobs(handlers: JobHandlers, system: 'vitrine-jobs-table' | 'aws_sqs'): JobHandlers;
  /** The current span as a W3C traceparent (for a job enqueued now), or undefined outside a traced operation. */
  traceparent(): string | undefined;
  /** Exports every finished span now (a Lambda invocation's end; tests). */
  flush(): Promise<void>;
  /** Flushes, then stops: the process's tracing is off again. */
  shutdown(): Promise<void>;
}

let active: Tracing | undefined;

/** The traces URL the configuration names, or undefined when tracing is off. */
export function tracesUrl(config: TracingConfig): string | undefined {
  if (config.OTEL_SDK_DISABLED) return undefined;
  if (config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const base = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
}

/**
 * Starts the process's tracing when the configuration names an endpoint (else returns undefined, loading nothing).
 * One per process: a second call returns the running one. Call it before the runtime is opened, so the stores'
 * clients are built with their spans. `onError`: export failures (a collector that is down), at most one a minute.
 */
export async function startTracing(config: TracingConfig, defaultServiceName: string, onError: (err: unknown) => void = () => {}): Promise<Tracing | undefined> {
  if (active) return active;
  const url = tracesUrl(config);
  if (!url) return undefined;
  const { createTracing } = await import('./tracing-sdk.ts');
  active ??= createTracing({
    url,
    headers: config.OTEL_EXPORTER_OTLP_HEADERS,
    serviceName: config.OTEL_SERVICE_NAME ?? defaultServiceName,
    sampler: config.OTEL_TRACES_SAMPLER,
    samplerRatio: config.OTEL_TRACES_SAMPLER_ARG,
    environment: config.NODE_ENV,
    onError,
    onShutdown: () => {
      active = undefined;
    },
  });
  return active;
}

/** The running tracing, or undefined when it is off: what each seam asks once, when it is built. */
export function tracing(): Tracing | undefined {
  return active;
}

/** The current span as a traceparent for a job or outbox row written now; undefined when tracing is off. */
export function currentTraceparent(): string | undefined {
  return active?.traceparent();
}

/** `handlers` with a span per job attempt when tracing is on; the very same object when it is off. */
export function traceJobs(handlers: JobHandlers, system: 'vitrine-jobs-table' | 'aws_sqs'): JobHandlers {
  return active ? active.traceJobs(handlers, system) : handlers;
}
