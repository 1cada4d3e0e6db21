// What both job functions build at cold start: the app's configuration (secrets from Secrets Manager), its stores
// on AWS, its job handlers behind the app's own SQS adapter, and tracing. Nothing here is job logic. esbuild bundles
// each entry with the app's sources, so this imports the AWS adapters directly (not src/runtime, which would bundle
// the embedded stores and their native modules).
import { sqsHandler } from '../../src/compute/lambda.ts';
import { createHandlers } from '../../src/compute/handlers/index.ts';
import { ASSET_JOB_TYPES } from '../../src/compute/handlers/job-types.ts';
import { createMailer } from '../../src/compute/mail/index.ts';
import { pgMailLog } from '../../src/compute/mail/mail-log.ts';
import { shopDetails } from '../../src/compute/mail/shop.ts';
import { sqsQueueFromConfig } from '../../src/compute/queue/sqs-queue.ts';
import type { BrowserProvider } from '../../src/assets/browser.ts';
import { loadConfig } from '../../src/config/env.ts';
import { resolveSecrets } from '../../src/config/secrets.ts';
import { DynamoCatalogRepository } from '../../src/databases/catalog/dynamo-repository.ts';
import { openPostgres } from '../../src/databases/relational/postgres.ts';
import { createLogger } from '../../src/monitoring/logger.ts';
import { startTracing, traceJobs } from '../../src/monitoring/tracing.ts';
import { createObjectStore } from '../../src/storage/index.ts';

type Run = ReturnType<typeof sqsHandler>;

/** `browser`: the asset function's Chromium (the other function has none, and refuses asset.process). */
export async function jobFunction(name: string, opts: { browser?: BrowserProvider } = {}): Promise<Run> {
  await resolveSecrets(process.env);
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, name);
  // Before the clients are built, so they carry their spans; nothing is loaded when no OTLP endpoint is set.
  const tracing = await startTracing(config, 'vitrine-worker', (err) => logger.warn({ err }, 'trace export failed'));
  // The schema is the API's to migrate: a job that runs before a deploy's migration fails and is retried.
  const relational = config.DATABASE_URL ? openPostgres({ url: config.DATABASE_URL, poolMax: Math.min(config.DATABASE_POOL_MAX, 2) }) : undefined;
  // Handlers enqueue follow-up jobs (an order's confirmation mail) on the queues that feed these functions.
  const queue = config.QUEUE === 'sqs' ? sqsQueueFromConfig(config, ASSET_JOB_TYPES) : undefined;
  const handlers = traceJobs(createHandlers({
    repo: new DynamoCatalogRepository({ client: config.DYNAMODB_ENDPOINT, region: config.AWS_REGION, tableName: config.DYNAMODB_TABLE }),
    objects: await createObjectStore(config),
    browser: opts.browser,
    db: relational?.db,
    queue,
    mailer: relational ? await createMailer(config, relational.db) : undefined,
    mailLog: relational ? pgMailLog(relational.db) : undefined,
    shop: shopDetails(config),
  }), 'aws_sqs');

  const run = sqsHandler(handlers, (err, messageId) => logger.error({ err, messageId }, 'job failed'), config.JOB_MAX_RECEIVES);
  // Lambda freezes the environment between invocations, so the batch's spans are exported before it answers.
  return async (event) => {
    try {
      return await run(event);
    } finally {
      await tracing?.flush().catch((err: unknown) => logger.warn({ err }, 'trace export failed'));
    }
  };
}
