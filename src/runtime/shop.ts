// The whole shop in one process (the one-machine default): stores, demo catalog on first start, the API's read
// side, the HTTP server and the background worker. `vitrine start` and the test helper both boot through here.
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/env.ts';
import { buildApp } from '../compute/api/app.ts';
import type { RunningWorker } from '../compute/worker.ts';
import { startEmf } from '../monitoring/emf.ts';
import { createLogger } from '../monitoring/logger.ts';
import { startTracing } from '../monitoring/tracing.ts';
import { openRuntime, seedOnFirstStart, startReadSide, type Runtime } from './index.ts';

export interface ShopOptions {
  readonly worker?: boolean;
  readonly seed?: boolean;
  readonly webRoot?: string;
  readonly onSeedProgress?: (phase: 'generate' | 'store', done: number, total: number, item: string) => void;
}

export interface Shop {
  readonly app: FastifyInstance;
  readonly runtime: Runtime;
  readonly url: string;
  close(): Promise<void>;
}

export async function startShop(config: Config, opts: ShopOptions = {}): Promise<Shop> {
  const logger = createLogger(config.LOG_LEVEL, 'vitrine');
  // Before the stores open, so their clients are built with spans; nothing is loaded when no endpoint is set.
  const tracing = await startTracing(config, 'vitrine-api', (err) => logger.warn({ err }, 'trace export failed'));
  if (tracing) logger.info({ url: tracing.url, serviceName: tracing.serviceName }, 'tracing on');
  let rt: Runtime;
  try {
    rt = await openRuntime(config, logger);
  } catch (err) {
    await tracing?.shutdown();
    throw err;
  }
  let worker: RunningWorker | undefined;
  let emf: { stop(): Promise<void> } | undefined;
  let stopReadSide = async (): Promise<void> => {};
  let app: FastifyInstance | undefined;
  const close = async (): Promise<void> => {
    await app?.close(); // stop taking requests first, finish the ones in flight
    await worker?.stop();
    await emf?.stop();
    await stopReadSide();
    await rt.close();
    await tracing?.shutdown(); // last: exports the spans of everything above
  };
  try {
    if (opts.seed ?? config.SEED_DEMO) await seedOnFirstStart(rt, opts.onSeedProgress);
    const read = await startReadSide(rt, opts.webRoot ?? path.resolve('web/dist'));
    stopReadSide = read.stop;
    app = await buildApp(read.services, { logLevel: config.LOG_LEVEL });
    if (config.METRICS_EMF) {
      emf = startEmf(read.services.metrics, {
        stage: config.METRICS_EMF_STAGE,
        target: config.METRICS_EMF,
        intervalMs: config.METRICS_EMF_INTERVAL_SECONDS * 1000,
        onError: (err) => logger.warn({ err }, 'EMF metrics flush failed'),
      });
    }
    // Imported only when this process runs jobs: the handlers bring the asset pipeline (glTF-Transform, sharp).
    if (opts.worker ?? config.RUN_WORKER) worker = (await import('../compute/worker.ts')).startWorker(rt, { metrics: read.services.metrics });
    const address = await app.listen({ port: config.PORT, host: config.HOST });
    return { app, runtime: rt, url: address.replace('[::1]', 'localhost'), close };
  } catch (err) {
    await close();
    throw err;
  }
}
