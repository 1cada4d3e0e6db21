// The app's configuration on AWS: the environment variables the stack hands to the API instances and the job
// function. Every name is one the app reads (src/config/env.ts CONFIG_KEYS); test/config-contract.test.ts keeps the
// two in step. DATABASE_URL is not here: the API's boot script composes it from Secrets Manager.

export interface AppEnvironmentInputs {
  readonly region: string;
  /** The stage's name: the `Stage` dimension of the app's EMF metrics (infra/lib/monitoring APP_METRICS). */
  readonly stage: string;
  readonly tableName: string;
  readonly assetsBucketName: string;
  readonly seedDemo: boolean;
  readonly logLevel?: string;
  readonly currency?: string;
  /** An OTLP/HTTP collector for traces (the stage's `tracing.otlpEndpoint`); unset = no tracing. */
  readonly otlpEndpoint?: string;
}

/** The two job queues (infra/lib/compute-jobs): orders and mail, and the asset pipeline's. */
export interface JobQueues {
  readonly jobs: { readonly queueUrl: string; readonly deadLetterQueueUrl: string };
  readonly assets: { readonly queueUrl: string; readonly deadLetterQueueUrl: string };
}

/** What every process of the app gets: the stores on AWS. */
function shared(i: AppEnvironmentInputs): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: i.logLevel ?? 'info',
    ...(i.currency ? { CURRENCY: i.currency } : {}),
    DYNAMODB_ENDPOINT: 'aws',
    DYNAMODB_TABLE: i.tableName,
    OBJECT_STORE: 's3',
    S3_BUCKET: i.assetsBucketName,
    ...(i.otlpEndpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: i.otlpEndpoint } : {}),
  };
}

/** The API instances: listen on every interface for the ALB; jobs go to SQS and run on the two functions. */
export function apiEnvironment(i: AppEnvironmentInputs, port: number, queues: JobQueues): Record<string, string> {
  return {
    ...shared(i),
    HOST: '0.0.0.0',
    PORT: String(port),
    // Shoppers reach the API through CloudFront, then the ALB: two proxies whose X-Forwarded-For the app trusts, so
    // req.ip (rate limits, log-in throttling, logs) is the shopper's address, not the load balancer's.
    TRUST_PROXY: '2',
    AWS_REGION: i.region,
    VITRINE_DATA_DIR: '/var/lib/vitrine',
    CATALOG_REFRESH_MS: '1000',
    // Jobs go to SQS; the API only enqueues them. Its in-process "worker" then runs no job: it relays the outbox
    // (events committed with an order) to SQS and settles payments a crash left half-done (src/compute/worker.ts).
    QUEUE: 'sqs',
    SQS_QUEUE_URL: queues.jobs.queueUrl,
    SQS_DLQ_URL: queues.jobs.deadLetterQueueUrl,
    SQS_ASSETS_QUEUE_URL: queues.assets.queueUrl,
    SQS_ASSETS_DLQ_URL: queues.assets.deadLetterQueueUrl,
    RUN_WORKER: 'true',
    SEED_DEMO: String(i.seedDemo),
    // The app's metrics as EMF, to the CloudWatch agent's endpoint on the instance (user-data.ts enables it).
    METRICS_EMF: 'tcp://127.0.0.1:25888',
    METRICS_EMF_STAGE: i.stage,
  };
}

/** The job function. AWS_REGION is set by Lambda itself (a reserved name it refuses from templates). */
export function jobsEnvironment(i: AppEnvironmentInputs): Record<string, string> {
  // JOB_MAX_RECEIVES: the queues' maxReceiveCount, so a handler knows its last attempt and records a final state.
  return { ...shared(i), RUN_WORKER: 'false', SEED_DEMO: 'false', JOB_MAX_RECEIVES: '5' };
}

/** How the job function reaches the database: the secret's ARN (read at cold start) and where the instance is. */
export function jobsDatabaseEnvironment(d: { secretArn: string; host: string; port: string; name: string }): Record<string, string> {
  return {
    DATABASE_SECRET_ARN: d.secretArn,
    DATABASE_HOST: d.host,
    DATABASE_PORT: d.port,
    DATABASE_NAME: d.name,
    // Node's own variable, not the app's: Lambda's Node runtimes keep the RDS CAs here but do not load them.
    NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
  };
}

/**
 * The job function's own queue, for the follow-up jobs its handlers enqueue (an order's confirmation mail). The
 * asset function enqueues nothing, so it gets no queue (and no send permission).
 */
export function jobsQueueEnvironment(q: { queueUrl: string; deadLetterQueueUrl: string }): Record<string, string> {
  return { QUEUE: 'sqs', SQS_QUEUE_URL: q.queueUrl, SQS_DLQ_URL: q.deadLetterQueueUrl };
}
