// The job function's entry point: the app's own job handlers (src/compute/handlers) behind the app's own SQS
// adapter (src/compute/lambda.ts), wired from the same configuration the API reads (src/config/env.ts), with
// secrets from Secrets Manager (src/config/secrets.ts: the database's credentials, SMTP, …). Nothing here is job
// logic; esbuild bundles this file with the app's sources into one file at synth, so it imports the adapters it
// needs directly (not src/runtime, which would bundle the embedded stores and native modules).
import { SQSClient } from '@aws-sdk/client-sqs';
import { sqsHandler } from '../../src/compute/lambda.ts';
import { createHandlers } from '../../src/compute/handlers/index.ts';
import { createMailer } from '../../src/compute/mail/index.ts';
import { pgMailLog } from '../../src/compute/mail/mail-log.ts';
import { shopDetails } from '../../src/compute/mail/shop.ts';
import { SqsQueue } from '../../src/compute/queue/sqs-queue.ts';
import { loadConfig } from '../../src/config/env.ts';
import { resolveSecrets } from '../../src/config/secrets.ts';
import { DynamoCatalogRepository } from '../../src/databases/catalog/dynamo-repository.ts';
import { openPostgres } from '../../src/databases/relational/postgres.ts';
import { createLogger } from '../../src/monitoring/logger.ts';
import { startTracing, traceJobs } from '../../src/monitoring/tracing.ts';
import { createObjectStore } from '../../src/storage/index.ts';

// Built once per execution environment (cold start) and reused by every invocation it serves.
await resolveSecrets(process.env);
const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL, 'jobs');
// Before the clients are built, so they carry their spans; nothing is loaded when no OTLP endpoint is set.
const tracing = await startTracing(config, 'vitrine-worker', (err) => logger.warn({ err }, 'trace export failed'));
// The schema is the API's to migrate: a job that runs before a deploy's migration fails and is retried.
const relational = config.DATABASE_URL ? openPostgres({ url: config.DATABASE_URL, poolMax: Math.min(config.DATABASE_POOL_MAX, 2) }) : undefined;
// Handlers enqueue follow-up jobs (an order's confirmation mail) on the same queue that feeds this function.
const queue = config.QUEUE === 'sqs' ? new SqsQueue({ queueUrl: config.SQS_QUEUE_URL!, deadLetterQueueUrl: config.SQS_DLQ_URL, client: new SQSClient({ region: config.AWS_REGION }) }) : undefined;
const handlers = traceJobs(createHandlers({
  repo: new DynamoCatalogRepository({ client: config.DYNAMODB_ENDPOINT, region: config.AWS_REGION, tableName: config.DYNAMODB_TABLE }),
  objects: createObjectStore(config),
  db: relational?.db,
  queue,
  mailer: relational ? createMailer(config, relational.db) : undefined,
  mailLog: relational ? pgMailLog(relational.db) : undefined,
  shop: shopDetails(config),
}), 'aws_sqs');

const run = sqsHandler(handlers, (err, messageId) => logger.error({ err, messageId }, 'job failed'), config.JOB_MAX_RECEIVES);

/** Lambda freezes the environment between invocations, so the batch's spans are exported before it answers. */
export const handler: typeof run = async (event) => {
  try {
    return await run(event);
  } finally {
    await tracing?.flush().catch((err: unknown) => logger.warn({ err }, 'trace export failed'));
  }
};
