import closeWithGrace from 'close-with-grace';
import type { Config } from '../config/env.ts';
import { startWorker } from '../compute/worker.ts';
import { createLogger } from '../monitoring/logger.ts';
import { startTracing } from '../monitoring/tracing.ts';
import { openRuntime } from '../runtime/index.ts';

export async function workerCommand(config: Config): Promise<void> {
  const logger = createLogger(config.LOG_LEVEL, 'vitrine-worker');
  // Before the stores open, so their clients are built with spans; nothing is loaded when no endpoint is set.
  const tracing = await startTracing(config, 'vitrine-worker', (err) => logger.warn({ err }, 'trace export failed'));
  if (tracing) logger.info({ url: tracing.url, serviceName: tracing.serviceName }, 'tracing on');
  const rt = await openRuntime(config, logger);
  const worker = startWorker(rt);
  // The worker's timers do not hold a process open (they run inside the API's too), and while the database is down
  // no connection does either: without this the worker would exit as soon as Postgres restarts.
  const keepAlive = setInterval(() => {}, 3600_000);
  logger.info({ concurrency: config.WORKER_CONCURRENCY }, 'worker running');
  closeWithGrace({ delay: 15_000 }, async ({ err, signal }) => {
    if (err) logger.error({ err }, 'fatal error, shutting down');
    else logger.info({ signal }, 'shutting down');
    clearInterval(keepAlive);
    await worker.stop();
    await rt.close();
    await tracing?.shutdown();
  });
}
