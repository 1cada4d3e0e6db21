// 12-factor configuration: every setting comes from the environment, is validated once at start-up, and a bad
// value stops the process with a message naming the variable. Defaults give the embedded, one-machine shop.
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { isCurrency } from '../domain/money.ts';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const port = z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65535);
const url = z.string().url({ message: 'must be a URL' });
// `localhost:4318` parses as a URL whose scheme is "localhost:": an OTLP endpoint must name http or https.
const otlpUrl = z.string().regex(/^https?:\/\/[^\s/?#]+[^\s]*$/, { message: 'must be an http:// or https:// URL, such as http://127.0.0.1:4318' });

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  VITRINE_DATA_DIR: z.string().min(1).default('./data'),
  /** Store currency: all prices are integer minor units of it. */
  CURRENCY: z.string().refine(isCurrency, { message: 'must be a supported ISO 4217 code such as USD, EUR, GBP, JPY' }).default('USD'),

  // Databases: RDS (Postgres). Unset = PGlite under the data folder.
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' }).optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  // Secrets Manager (secrets.ts resolves these into DATABASE_URL and other settings before validation).
  DATABASE_SECRET_ARN: z.string().regex(/^arn:aws[a-z-]*:secretsmanager:/, { message: 'must be a Secrets Manager secret ARN' }).optional(),
  DATABASE_HOST: z.string().min(1).max(255).optional(),
  DATABASE_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  DATABASE_NAME: z.string().min(1).max(63).optional(),
  DATABASE_CA_FILE: z.string().min(1).optional(),
  VITRINE_SECRETS_ARN: z.string().regex(/^arn:aws[a-z-]*:secretsmanager:/, { message: 'must be a Secrets Manager secret ARN' }).optional(),
  // Databases: DynamoDB. Unset endpoint = dynalite in-process; on AWS set DYNAMODB_ENDPOINT=aws.
  DYNAMODB_ENDPOINT: z.union([z.literal('aws'), url]).optional(),
  DYNAMODB_TABLE: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, { message: 'must be a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)' }).default('vitrine-catalog'),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  /** How often each API instance polls the catalog change feed, in ms: the bound on a stale price. */
  CATALOG_REFRESH_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  /**
   * How often each API instance re-reads the whole catalog as a backstop for changes the feed missed, in ms. A pass
   * is paced over half the interval; on DynamoDB each pass costs reads of every item, so a big catalog may want more.
   */
  CATALOG_RESCAN_MS: z.coerce.number().int().min(10_000).max(86_400_000).default(300_000),
  /**
   * Encoded catalog answers each API instance keeps (lists, products, searches; half as many again for filtered
   * pages), dropped on any catalog change. 0 turns the cache off (what `npm run bench:scale` measures: the cost of
   * computing a page). A big catalog read at random benefits from more, at a few KB each.
   */
  CATALOG_CACHE_ENTRIES: z.coerce.number({ message: 'must be a whole number from 0 to 1000000' }).int('must be a whole number from 0 to 1000000').min(0).max(1_000_000).default(2000),

  /**
   * How far the JavaScript heap may grow past its live size before a full collection, in percent, while the heap is
   * small (src/runtime/heap.ts). 0 keeps V8's own factor, which lets a small API's garbage reach ~3× its live heap.
   */
  HEAP_GROWING_PERCENT: z.coerce.number({ message: 'must be a whole number from 0 to 300' }).int('must be a whole number from 0 to 300').min(0, 'must be at least 0').max(300, 'must be at most 300').default(30),

  // Storage: S3. Default = a folder under the data dir.
  OBJECT_STORE: z.enum(['fs', 's3']).default('fs'),
  S3_BUCKET: z.string().min(3).optional(),
  S3_ENDPOINT: url.optional(),
  S3_FORCE_PATH_STYLE: bool.default(false),
  /** The largest 3D model a merchant may upload (.glb, or .gltf with its files in a .zip), in bytes. Default 100 MB. */
  MAX_UPLOAD_BYTES: z.coerce
    .number({ message: 'must be a whole number of bytes from 1048576 (1 MiB) to 5368709120 (5 GiB)' })
    .int('must be a whole number of bytes from 1048576 (1 MiB) to 5368709120 (5 GiB)')
    .min(1024 * 1024, 'must be at least 1048576 (1 MiB)')
    .max(5 * 1024 * 1024 * 1024, 'must be at most 5368709120 (5 GiB): S3 takes at most 5 GiB in one PUT')
    .default(100 * 1024 * 1024),
  /** The largest photo (JPEG, PNG, WebP, AVIF) a merchant may upload to a product's gallery, in bytes. Default 20 MB. */
  MAX_IMAGE_UPLOAD_BYTES: z.coerce
    .number({ message: 'must be a whole number of bytes from 65536 (64 KiB) to 536870912 (512 MiB)' })
    .int('must be a whole number of bytes from 65536 (64 KiB) to 536870912 (512 MiB)')
    .min(64 * 1024, 'must be at least 65536 (64 KiB)')
    .max(512 * 1024 * 1024, 'must be at most 536870912 (512 MiB)')
    .default(20 * 1024 * 1024),
  /** The largest video (MP4, WebM) a merchant may upload to a product's gallery, in bytes. Default 200 MB. */
  MAX_VIDEO_UPLOAD_BYTES: z.coerce
    .number({ message: 'must be a whole number of bytes from 1048576 (1 MiB) to 5368709120 (5 GiB)' })
    .int('must be a whole number of bytes from 1048576 (1 MiB) to 5368709120 (5 GiB)')
    .min(1024 * 1024, 'must be at least 1048576 (1 MiB)')
    .max(5 * 1024 * 1024 * 1024, 'must be at most 5368709120 (5 GiB): S3 takes at most 5 GiB in one PUT')
    .default(200 * 1024 * 1024),
  // Signs the folder store's upload links (PUT /api/uploads/<token>): required in production with OBJECT_STORE=fs;
  // elsewhere a fixed development key is used. S3 signs its own URLs with the AWS credentials.
  UPLOAD_SIGNING_KEY: z.string().min(32, { message: 'must be at least 32 characters (e.g. openssl rand -base64 48)' }).optional(),

  /** HTTPS served by the API itself (PEM files), for a node exposed without a TLS-terminating proxy. Both or neither. */
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  /** The shop's public address (links in emails; https:// turns on HSTS and Secure cookies). Unset = http://localhost:PORT. */
  PUBLIC_URL: url.optional(),
  // Delivery: where browsers fetch assets from (a CloudFront domain in production). Unset = this origin.
  ASSET_BASE_URL: url.optional(),

  // Compute: the job queue. embedded = the jobs table in Postgres; sqs = Amazon SQS (jobs run on Lambda).
  QUEUE: z.enum(['embedded', 'sqs']).default('embedded'),
  SQS_QUEUE_URL: url.optional(),
  SQS_DLQ_URL: url.optional(),
  /** Optional second queue for the jobs that need the asset pipeline (Chromium, sharp): its own, bigger function. */
  SQS_ASSETS_QUEUE_URL: url.optional(),
  SQS_ASSETS_DLQ_URL: url.optional(),
  /** The queue's redrive maxReceiveCount (infra/ sets 5): a job function's last attempt records a final state. */
  JOB_MAX_RECEIVES: z.coerce.number().int().min(1).max(1000).default(5),
  // Compute: run the background worker inside the API process (the one-machine default).
  RUN_WORKER: bool.default(true),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  // Commerce: prices include tax (EU/UK style) or tax is added at checkout (US style); the payment gateway.
  TAX_INCLUSIVE: bool.default(false),
  PAYMENT_PROVIDER: z.enum(['test', 'stripe']).default('test'),
  STRIPE_SECRET_KEY: z.string().regex(/^sk_(test|live)_[A-Za-z0-9]+$/, { message: 'must be a Stripe secret key (sk_test_… or sk_live_…)' }).optional(),
  STRIPE_WEBHOOK_SECRET: z.string().regex(/^whsec_[A-Za-z0-9]+$/, { message: 'must be a Stripe webhook signing secret (whsec_…)' }).optional(),
  // Monitoring: /metrics needs `Authorization: Bearer <METRICS_TOKEN>`; unset = answered to loopback callers only.
  /** State-changing API requests one client may make per minute (per API instance); reads are not limited here. */
  RATE_LIMIT_WRITES_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(120),
  /** Checkout attempts one client may make per minute (per API instance): card testing is the abuse to stop. */
  RATE_LIMIT_CHECKOUTS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(10),
  /** CloudWatch EMF: `stdout`, or the CloudWatch agent's endpoint (tcp://127.0.0.1:25888). Unset = off. */
  METRICS_EMF: z.union([z.literal('stdout'), z.string().regex(/^tcp:\/\/[^/:]+:\d{1,5}$/, { message: 'must be stdout or tcp://host:port' })]).optional(),
  /** The `Stage` dimension of the EMF metrics (the CDK stage name: dev, prod…). */
  METRICS_EMF_STAGE: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, { message: 'must be a stage name (letters, digits, - and _)' }).default('local'),
  METRICS_EMF_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  METRICS_TOKEN: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  // Monitoring: traces (OpenTelemetry's own variable names, so collectors' docs apply as written). Off unless an OTLP
  // endpoint is set; the SDK is not even loaded then (src/monitoring/tracing.ts). Spans go as OTLP/HTTP JSON.
  /** The collector's OTLP/HTTP base URL (`/v1/traces` is appended), e.g. http://127.0.0.1:4318. */
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl.optional(),
  /** The full traces URL; wins over OTEL_EXPORTER_OTLP_ENDPOINT. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpUrl.optional(),
  /** Headers sent with each export (a vendor's API key): `key=value,key2=value2`, values percent-encoded. */
  OTEL_EXPORTER_OTLP_HEADERS: z
    .string()
    .regex(/^\s*[^\s=,]+\s*=[^,]*(,\s*[^\s=,]+\s*=[^,]*)*$/, { message: 'must be key=value pairs separated by commas (api-key=abc123,team=shop)' })
    .optional(),
  /** Only OTLP over HTTP is spoken (a collector's port 4318 takes JSON whichever of the two HTTP protocols is named). */
  OTEL_EXPORTER_OTLP_PROTOCOL: z
    .enum(['http/json', 'http/protobuf'], { message: 'must be http/json or http/protobuf: Vitrine exports OTLP over HTTP (a collector\'s port 4318), not gRPC' })
    .optional(),
  /** The service.name of the spans. Unset = vitrine-api for the API (with its in-process worker), vitrine-worker for the worker and the job function. */
  OTEL_SERVICE_NAME: z.string().regex(/^\S{1,255}$/, { message: 'must be a service name with no spaces (at most 255 characters)' }).optional(),
  /** Which traces are kept (the standard sampler names); parentbased_* follow the caller's decision in traceparent. */
  OTEL_TRACES_SAMPLER: z
    .enum(['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'], {
      message: 'must be one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio',
    })
    .default('parentbased_always_on'),
  /** The ratio of traces kept by the *traceidratio samplers, 0 to 1. */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number({ message: 'must be a ratio from 0 to 1' }).min(0, 'must be a ratio from 0 to 1').max(1, 'must be a ratio from 0 to 1').default(1),
  /** OpenTelemetry's off switch: true keeps tracing off even with an endpoint set. */
  OTEL_SDK_DISABLED: bool.default(false),
  // What the operator declares for the advisor: database backups verified, API instances behind the balancer.
  BACKUPS_CONFIGURED: bool.default(false),
  INSTANCE_COUNT: z.coerce.number().int().min(1).max(1000).default(1),
  // Generate the demo catalog on first start when the catalog is empty.
  SEED_DEMO: bool.default(true),

  // Accounts and access (links in mail point at PUBLIC_URL, above). Behind proxies, TRUST_PROXY makes the client's
  // IP (log-in rate limits) and protocol (Secure cookies) come from X-Forwarded-For/-Proto: the number of proxies in
  // front (2 for CloudFront then an ALB) or their addresses. `true` trusts every hop, so a client can pick its own
  // IP with a forged header; never set any of it on a node the internet reaches directly.
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|yes|no|\d{1,2}|[0-9A-Fa-f.:/]+(\s*,\s*[0-9A-Fa-f.:/]+)*)$/, {
      message: 'must be false, a number of proxies in front (e.g. 2 for CloudFront then a load balancer), a comma-separated list of proxy IPs or CIDRs, or true',
    })
    .default('false')
    .transform((v): boolean | number | string[] => {
      if (v === 'false' || v === 'no' || v === '0') return false;
      if (v === 'true' || v === 'yes') return true;
      if (/^\d+$/.test(v)) return Number(v);
      return v.split(',').map((a) => a.trim());
    }),
  SESSION_TTL_HOURS: z.coerce
    .number({ message: 'must be a whole number of hours from 1 to 2160 (90 days)' })
    .int('must be a whole number of hours from 1 to 2160 (90 days)')
    .min(1, 'must be at least 1 hour')
    .max(2160, 'must be at most 2160 hours (90 days)')
    .default(168),
  /** Log-in attempts allowed per client IP per minute (counted in Postgres, so across every API instance). */
  LOGIN_RATE_LIMIT: z.coerce
    .number({ message: 'must be a whole number of attempts per minute from 1 to 10000' })
    .int('must be a whole number of attempts per minute from 1 to 10000')
    .min(1, 'must be at least 1 attempt per minute')
    .max(10_000, 'must be at most 10000 attempts per minute')
    .default(10),
  /** Failed log-ins per account within 15 minutes before further attempts are refused until the window ends. */
  LOGIN_MAX_FAILURES: z.coerce
    .number({ message: 'must be a whole number of failures from 1 to 100' })
    .int('must be a whole number of failures from 1 to 100')
    .min(1, 'must be at least 1 failure')
    .max(100, 'must be at most 100 failures')
    .default(5),
  // Mail: unset SMTP_URL keeps mail in the development mailbox (a Postgres table admins read at /api/admin/mailbox).
  SMTP_URL: z.string().regex(/^smtps?:\/\/[^\s/]+/, { message: 'must be an smtp:// or smtps:// URL, such as smtps://user:password@mail.example.com:465' }).optional(),
  MAIL_FROM: z
    .string()
    .max(320)
    .regex(/^(?:[^<>@\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/, { message: 'must be an address, or a name and an address: Vitrine <shop@example.com>' })
    .default('Vitrine <no-reply@vitrine.localhost>'),
});

export type Config = z.infer<typeof schema> & { readonly dataDir: string };

/**
 * The upload signing key outside production when UPLOAD_SIGNING_KEY is unset. Public (it is in the source), so
 * links signed with it protect nothing: fine on a developer's machine, refused in production.
 */
export const DEV_UPLOAD_SIGNING_KEY = 'vitrine-development-upload-signing-key-not-secret';

/** Every environment variable the app reads (infra/ passes exactly these; a test keeps the two in step). */
export const CONFIG_KEYS: readonly string[] = Object.keys(schema.shape);

export class ConfigError extends Error {
  readonly code = 'INVALID_CONFIG';
}

/** Parses the environment; throws ConfigError whose message names every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset, as most shells and .env tools produce them for "no value".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}${showValue(cleaned, i.path)}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  if (c.OBJECT_STORE === 's3' && !c.S3_BUCKET) throw new ConfigError('Invalid configuration:\n  S3_BUCKET: required when OBJECT_STORE=s3');
  if (c.QUEUE === 'sqs' && !c.SQS_QUEUE_URL) throw new ConfigError('Invalid configuration:\n  SQS_QUEUE_URL: required when QUEUE=sqs');
  if (c.PAYMENT_PROVIDER === 'stripe' && (!c.STRIPE_SECRET_KEY || !c.STRIPE_WEBHOOK_SECRET)) {
    throw new ConfigError('Invalid configuration:\n  STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET: required when PAYMENT_PROVIDER=stripe');
  }
  if ((c.TLS_CERT_FILE === undefined) !== (c.TLS_KEY_FILE === undefined)) {
    throw new ConfigError(`Invalid configuration:\n  ${c.TLS_CERT_FILE ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE'}: required with ${c.TLS_CERT_FILE ? 'TLS_CERT_FILE' : 'TLS_KEY_FILE'} (HTTPS needs the certificate and its private key)`);
  }
  for (const name of ['TLS_CERT_FILE', 'TLS_KEY_FILE'] as const) {
    const file = c[name];
    if (file !== undefined && !readable(file)) throw new ConfigError(`Invalid configuration:\n  ${name}: cannot read ${file}`);
  }
  const production = c.NODE_ENV === 'production';
  if (production && c.OBJECT_STORE === 'fs' && !c.UPLOAD_SIGNING_KEY) {
    throw new ConfigError('Invalid configuration:\n  UPLOAD_SIGNING_KEY: required when NODE_ENV=production and OBJECT_STORE=fs (at least 32 random characters, e.g. openssl rand -base64 48)');
  }
  if (production && c.UPLOAD_SIGNING_KEY === DEV_UPLOAD_SIGNING_KEY) {
    throw new ConfigError('Invalid configuration:\n  UPLOAD_SIGNING_KEY: the development key is public; set a secret one in production');
  }
  return { ...c, UPLOAD_SIGNING_KEY: c.UPLOAD_SIGNING_KEY ?? (production ? undefined : DEV_UPLOAD_SIGNING_KEY), dataDir: path.resolve(c.VITRINE_DATA_DIR) };
}

function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

function showValue(env: Record<string, string | undefined>, p: PropertyKey[]): string {
  const name = String(p[0]);
  const v = env[name];
  if (v === undefined || /URL|SECRET|PASSWORD|TOKEN|KEY|OTEL_EXPORTER_OTLP/.test(name)) return '';
  return ` (got ${JSON.stringify(v)})`;
}
