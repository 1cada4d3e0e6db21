// The production topology on one machine: several stateless API instances behind a load balancer (Node's cluster
// module: the primary accepts connections and hands them round-robin to the instances), plus a separate worker
// process, all on shared stores (PostgreSQL, DynamoDB Local or DynamoDB, S3 or one folder). The primary restarts
// an instance that dies, as an Auto Scaling group replaces an unhealthy EC2 instance.
import cluster, { type Worker } from 'node:cluster';
import { fork, type ChildProcess } from 'node:child_process';
import type { Config } from '../config/env.ts';
import { createLogger } from '../monitoring/logger.ts';
import { openRuntime, seedOnFirstStart } from './index.ts';
import { startShop } from './shop.ts';

export class ClusterConfigError extends Error {
  readonly code = 'INVALID_CONFIG';
}

/** Several processes cannot share the embedded stores: the cluster needs servers for both databases. */
export function assertSharedStores(config: Config): void {
  const missing = [!config.DATABASE_URL && 'DATABASE_URL (a PostgreSQL server)', !config.DYNAMODB_ENDPOINT && 'DYNAMODB_ENDPOINT (DynamoDB Local or aws)'].filter(Boolean);
  if (missing.length) {
    throw new ClusterConfigError(`cluster: several processes cannot share the embedded stores; set ${missing.join(' and ')} (npm run start:cluster starts them for you)`);
  }
}

export async function runClusterPrimary(config: Config, instances: number): Promise<void> {
  assertSharedStores(config);
  const log = createLogger(config.LOG_LEVEL, 'vitrine-cluster');
  // Migrations, table creation and the demo catalog happen once, here, before any instance starts.
  const rt = await openRuntime(config, log);
  try {
    await seedOnFirstStart(rt);
  } finally {
    await rt.close();
  }

  let stopping = false;
  const env = { RUN_WORKER: 'false', SEED_DEMO: 'false' };
  const startInstance = (n: number): Worker => {
    const w = cluster.fork({ ...env, VITRINE_INSTANCE: String(n) });
    w.on('online', () => log.info({ instance: n, pid: w.process.pid }, 'api instance started'));
    w.on('exit', (code, signal) => {
      if (stopping) return;
      log.warn({ instance: n, pid: w.process.pid, code, signal }, 'api instance died; replacing it');
      setTimeout(() => startInstance(n), 500).unref();
    });
    return w;
  };
  for (let i = 1; i <= instances; i++) startInstance(i);

  // The entry this process runs (bin/vitrine.js from the sources, or the built dist/server/main.js).
  const bin = process.argv[1]!;
  let jobWorker: ChildProcess | undefined;
  const startJobWorker = (): void => {
    jobWorker = fork(bin, ['worker'], { env: { ...process.env, SEED_DEMO: 'false' }, stdio: 'inherit' });
    log.info({ pid: jobWorker.pid }, 'job worker started');
    jobWorker.on('exit', (code, signal) => {
      if (stopping) return;
      log.warn({ code, signal }, 'job worker died; replacing it');
      setTimeout(startJobWorker, 500).unref();
    });
  };
  startJobWorker();

  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping the cluster');
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    jobWorker?.kill('SIGTERM');
    const done = setInterval(() => {
      const jobWorkerGone = !jobWorker || jobWorker.exitCode !== null || jobWorker.signalCode !== null;
      if (Object.keys(cluster.workers ?? {}).length === 0 && jobWorkerGone) {
        clearInterval(done);
        process.exit(0);
      }
    }, 100);
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.stderr.write(`\nVitrine cluster: ${instances} API instances on http://${config.HOST}:${config.PORT} + 1 job worker (Ctrl+C to stop)\n\n`);
}

/** One API instance of the cluster: the same shop as `vitrine start`, without the worker or seeding. */
export async function runClusterInstance(config: Config): Promise<void> {
  const shop = await startShop({ ...config, RUN_WORKER: false, SEED_DEMO: false }, { worker: false, seed: false });
  const stop = async (): Promise<void> => {
    await shop.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

export const isClusterPrimary = (): boolean => cluster.isPrimary;
