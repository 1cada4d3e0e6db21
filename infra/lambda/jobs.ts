// The job function's entry point: the app's own job handlers (src/compute/handlers) behind the app's own SQS
// adapter (src/compute/lambda.ts), wired from the same configuration the API reads (src/config/env.ts). Nothing
// here is job logic; esbuild bundles this file with the app's sources into one file at synth.
import { sqsHandler } from '../../src/compute/lambda.ts';
import { createHandlers } from '../../src/compute/handlers/index.ts';
import { loadConfig } from '../../src/config/env.ts';
import { DynamoCatalogRepository } from '../../src/databases/catalog/dynamo-repository.ts';
import { createLogger } from '../../src/monitoring/logger.ts';
import { createObjectStore } from '../../src/storage/index.ts';

// Built once per execution environment (cold start) and reused by every invocation it serves.
const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL, 'jobs');
const handlers = createHandlers({
  repo: new DynamoCatalogRepository({ client: config.DYNAMODB_ENDPOINT, region: config.AWS_REGION, tableName: config.DYNAMODB_TABLE }),
  objects: createObjectStore(config),
});

export const handler = sqsHandler(handlers, (err, messageId) => logger.error({ err, messageId }, 'job failed'));
