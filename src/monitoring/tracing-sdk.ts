// The OpenTelemetry SDK and the app's instrumentation, loaded by tracing.ts only when tracing is on.
//
// Why manual spans rather than OpenTelemetry's auto-instrumentations (instrumentation-http, -pg, -aws-sdk): those
// patch modules as they load, which under ESM needs import-in-the-middle's loader hooks registered (node --import)
// before `http`, `pg` or the AWS SDK is first imported. The app is started three ways (bin/vitrine.js through tsx's
// loader, tests booting it in-process, an esbuild bundle on Lambda) and the hooks would have to be right in each,
// with a silent loss of spans when not. The seams here are the app's own and work the same everywhere: Fastify
// hooks (which also know the route pattern, something `http` never sees), Kysely's log callback (Postgres and PGlite
// alike; PGlite has no `pg` to patch), the AWS SDK's middleware stack, and a wrapper around the job handlers.
import os from 'node:os';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { loggingErrorHandler, parseKeyPairsIntoRecord, setGlobalErrorHandler, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
} from '@opentelemetry/sdk-trace';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LogEvent, OperationNode } from 'kysely';
import type { Job, JobHandler } from '../compute/queue/queue.ts';
import type { AwsClientLike, Tracing, TracingConfig } from './tracing.ts';

export interface TracingOptions {
  readonly url: string;
  readonly headers?: string;
  readonly serviceName: string;
  readonly sampler: TracingConfig['OTEL_TRACES_SAMPLER'];
  readonly samplerRatio: number;
  readonly environment: string;
  readonly onError: (err: unknown) => void;
  readonly onShutdown: () => void;
}

/** Longer statements are cut in the span (the parameters are never in it: Kysely sends them separately). */
const MAX_SQL_CHARS = 2048;
/** Machine pollers with no downstream calls: a span for each would be bandwidth with nothing to show. */
const UNTRACED_ROUTES = new Set(['/healthz', '/metrics']);
const ERROR_LOG_INTERVAL_MS = 60_000;
const SHUTDOWN_TIMEOUT_MS = 3000;

export function createTracing(opts: TracingOptions): Tracing {
  const exporter = new OTLPTraceExporter({ url: opts.url, headers: opts.headers ? parseKeyPairsIntoRecord(opts.headers) : undefined });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': opts.serviceName,
      'deployment.environment.name': opts.environment,
      'host.name': os.hostname(),
      'process.pid': process.pid,
    }),
    sampler: sampler(opts.sampler, opts.samplerRatio),
    spanProcessors: [new BatchSpanProcessor({ exporter })],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  // Export failures (a collector that is down) arrive here every few seconds: one line a minute is enough.
  let lastErrorAt = -Infinity;
  setGlobalErrorHandler((err) => {
    if (Date.now() - lastErrorAt < ERROR_LOG_INTERVAL_MS) return;
    lastErrorAt = Date.now();
    opts.onError(err);
  });
  const tracer = provider.getTracer('vitrine');
  let stopped: Promise<void> | undefined;

  return {
    serviceName: opts.serviceName,
    url: opts.url,
    instrumentFastify: (app) => instrumentFastify(app, tracer),
    sqlLog: (event) => sqlSpan(tracer, event),
    instrumentAwsClient: (client, service) => instrumentAws(client, service, tracer),
    traceJobs: (handlers, system) => Object.fromEntries(Object.entries(handlers).map(([type, h]) => [type, tracedJob(tracer, type, system, h)])),
    traceparent: () => {
      const active = context.active();
      if (!trace.getSpan(active)) return undefined;
      const carrier: Record<string, string> = {};
      propagation.inject(active, carrier);
      return carrier.traceparent;
    },
    flush: () => provider.forceFlush(),
    // A collector that is down costs the last spans (reported), never a failed or slow shutdown of the app: the
    // exporter's retries would take ~8 s of the 10 s that `vitrine start` gives itself to stop.
    shutdown: () =>
      (stopped ??= withTimeout(provider.shutdown(), SHUTDOWN_TIMEOUT_MS, 'tracing: spans not exported within 3 s at shutdown').catch(opts.onError).finally(() => {
        trace.disable();
        propagation.disable();
        context.disable();
        setGlobalErrorHandler(loggingErrorHandler());
        opts.onShutdown();
      })),
  };
}

function withTimeout(p: Promise<void>, ms: number, message: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function sampler(name: TracingOptions['sampler'], ratio: number): Sampler {
  const root = name.endsWith('always_off') ? new AlwaysOffSampler() : name.endsWith('traceidratio') ? new TraceIdRatioBasedSampler(ratio) : new AlwaysOnSampler();
  return name.startsWith('parentbased_') ? new ParentBasedSampler({ root }) : root;
}

/** The context of a request or job in progress; SQL and AWS calls outside one (background polls) make no spans. */
function tracedParent(): Context | undefined {
  const active = context.active();
  return trace.getSpan(active) ? active : undefined;
}

function fail(span: Span, err: unknown): void {
  const e = err instanceof Error ? err : new Error(String(err));
  span.recordException(e);
  span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
}

// ---- HTTP: Fastify hooks ---------------------------------------------------------------------------------------

function instrumentFastify(app: FastifyInstance, tracer: Tracer): void {
  const spans = new WeakMap<FastifyRequest, Span>();
  const end = (req: FastifyRequest, status: number | undefined, err?: unknown): void => {
    const span = spans.get(req);
    if (!span) return;
    spans.delete(req);
    if (status !== undefined) span.setAttribute('http.response.status_code', status);
    if (err !== undefined) fail(span, err);
    else if (status === undefined || status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };

  // Routing happens before onRequest, so the route pattern (not the URL: one series per product slug would be
  // useless) names the span from the start.
  app.addHook('onRequest', (req, reply, done) => {
    const route = req.routeOptions.url;
    if (route !== undefined && UNTRACED_ROUTES.has(route)) return done();
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const attributes: Attributes = {
      'http.request.method': req.method,
      'url.path': req.url.split('?', 1)[0],
      'url.scheme': req.protocol,
      'vitrine.request_id': req.id,
    };
    if (route !== undefined) attributes['http.route'] = route;
    const span = tracer.startSpan(route ? `${req.method} ${route}` : req.method, { kind: SpanKind.SERVER, attributes }, parent);
    spans.set(req, span);
    const ctx = trace.setSpan(parent, span);
    // The trace id on every log line of the request (the access log line included): logs and traces join on it.
    req.log = req.log.child({ traceId: span.spanContext().traceId });
    // Everything after this hook runs inside the span. Even a body that arrives after the headers: Fastify reads it
    // in an AsyncResource made here (lib/content-type-parser.js), so the handler of a POST keeps this context
    // without binding the request's emitters (the test posts a body in two parts to hold that).
    context.with(ctx, done);
  });
  app.addHook('onError', (req, _reply, err, done) => {
    const span = spans.get(req);
    if (span) fail(span, err);
    done();
  });
  app.addHook('onResponse', (req, reply, done) => {
    end(req, reply.statusCode);
    done();
  });
  // The client went away before the answer: the span ends there, with no status code.
  app.addHook('onRequestAbort', (req, done) => {
    spans.get(req)?.setAttribute('vitrine.aborted', true);
    end(req, undefined);
    done();
  });
}

// ---- SQL: Kysely's log callback --------------------------------------------------------------------------------

const OPERATIONS: Readonly<Record<string, string>> = { SelectQueryNode: 'SELECT', InsertQueryNode: 'INSERT', UpdateQueryNode: 'UPDATE', DeleteQueryNode: 'DELETE' };

/** A query-builder statement's operation and table from Kysely's own tree; raw SQL's first keyword (BEGIN, WITH…). */
function describeQuery(query: OperationNode, text: string): { operation?: string; table?: string } {
  const q = query as OperationNode & { into?: OperationNode; table?: OperationNode; from?: { froms: readonly OperationNode[] } };
  const operation = OPERATIONS[q.kind];
  if (!operation) return { operation: /^\s*([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase() };
  const target = q.kind === 'InsertQueryNode' ? q.into : q.kind === 'UpdateQueryNode' ? q.table : q.from?.froms[0];
  return { operation, table: tableName(target) };
}

function tableName(node: OperationNode | undefined): string | undefined {
  const n = node?.kind === 'AliasNode' ? (node as OperationNode & { node: OperationNode }).node : node;
  return n?.kind === 'TableNode' ? (n as OperationNode & { table: { identifier: { name: string } } }).table.identifier.name : undefined;
}

/**
 * Kysely calls its logger after each statement, in the caller's async context, with the statement's duration: the
 * span is recorded after the fact, with its real start time. Only statements inside a traced request or job.
 */
function sqlSpan(tracer: Tracer, event: LogEvent): void {
  const parent = tracedParent();
  if (!parent) return;
  const endTime = performance.timeOrigin + performance.now();
  const text = event.query.sql;
  const { operation, table } = describeQuery(event.query.query, text);
  const attributes: Attributes = {
    'db.system.name': 'postgresql',
    'db.query.text': text.length > MAX_SQL_CHARS ? `${text.slice(0, MAX_SQL_CHARS)}…` : text,
  };
  if (operation) attributes['db.operation.name'] = operation;
  if (table) attributes['db.collection.name'] = table;
  const name = operation ? (table ? `${operation} ${table}` : operation) : 'postgresql';
  const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes, startTime: endTime - event.queryDurationMillis }, parent);
  if (event.level === 'error') fail(span, event.error);
  span.end(endTime);
}

// ---- DynamoDB, S3, SQS: the AWS SDK's middleware stack ---------------------------------------------------------

function instrumentAws(client: AwsClientLike, service: 'DynamoDB' | 'S3' | 'SQS', tracer: Tracer): void {
  // The initialize step runs once per command, before the SDK's retries: one span covers every try.
  client.middlewareStack.add(
    (next, ctx) => async (args) => {
      const parent = tracedParent();
      if (!parent) return next(args);
      const method = (ctx.commandName ?? 'Unknown').replace(/Command$/, '');
      const input = args.input as { TableName?: unknown; Bucket?: unknown; QueueUrl?: unknown };
      const attributes: Attributes = { 'rpc.system': 'aws-api', 'rpc.service': service, 'rpc.method': method };
      if (typeof input.TableName === 'string') attributes['aws.dynamodb.table_names'] = [input.TableName];
      if (typeof input.Bucket === 'string') attributes['aws.s3.bucket'] = input.Bucket;
      if (typeof input.QueueUrl === 'string') attributes['messaging.destination.name'] = input.QueueUrl.slice(input.QueueUrl.lastIndexOf('/') + 1);
      const span = tracer.startSpan(`${service}.${method}`, { kind: SpanKind.CLIENT, attributes }, parent);
      try {
        const out = await context.with(trace.setSpan(parent, span), () => next(args));
        const status = (out.response as { statusCode?: unknown } | undefined)?.statusCode;
        if (typeof status === 'number') span.setAttribute('http.response.status_code', status);
        return out;
      } catch (err) {
        const status = (err as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
        if (typeof status === 'number') span.setAttribute('http.response.status_code', status);
        fail(span, err);
        throw err;
      } finally {
        span.end();
      }
    },
    { step: 'initialize', name: 'vitrineTracing', override: true },
  );
}

// ---- Jobs: a span per attempt ----------------------------------------------------------------------------------

function tracedJob(tracer: Tracer, type: string, system: string, handler: JobHandler<never>): JobHandler<never> {
  return (job: Job<never>) => {
    // A child of whatever enqueued the job (the checkout request, the job before it), so one trace runs from the
    // shopper's click to the confirmation mail; a job enqueued outside a trace starts its own.
    const parent = job.traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent: job.traceparent }) : ROOT_CONTEXT;
    const attributes: Attributes = {
      'messaging.system': system,
      'messaging.operation.type': 'process',
      'messaging.destination.name': type,
      'messaging.message.id': job.id,
      'vitrine.job.attempt': job.attempt,
    };
    return tracer.startActiveSpan(`process ${type}`, { kind: SpanKind.CONSUMER, attributes }, parent, async (span) => {
      try {
        await handler(job);
      } catch (err) {
        fail(span, err);
        throw err;
      } finally {
        span.end();
      }
    });
  };
}
