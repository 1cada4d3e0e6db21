// The composition root: the only place that reads the configuration to choose adapters for each layer of the
// design and wires them together. The API, the worker and the CLI receive what it builds and never construct
// clients themselves.
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/env.ts';
import { StockView } from '../compute/api/stock-view.ts';
import type { ApiServices } from '../compute/api/ports.ts';
import { CatalogReadModel } from '../databases/catalog/read-model.ts';
import { openCatalog, type OpenCatalog } from '../databases/catalog/index.ts';
import { openRelational, type Relational } from '../databases/relational/index.ts';
import { PgQueue } from '../compute/queue/pg-queue.ts';
import type { JobQueue } from '../compute/queue/queue.ts';
import { ASSET_JOB_TYPES } from '../compute/handlers/job-types.ts';
import type { DependencyCheck } from '../monitoring/health.ts';
import { Metrics } from '../monitoring/metrics.ts';
import type { SeedOptions } from '../demo/seed.ts';
import { createObjectStore } from '../storage/index.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import { defaultStoreSettings } from '../domain/checkout.ts';
import type { PaymentProvider } from '../compute/payments/provider.ts';
import { advise } from '../monitoring/advisor/checks.ts';
import { staffBelowPasswordPolicy } from '../databases/relational/accounts.ts';
import { PASSWORD_POLICY_VERSION } from '../domain/accounts.ts';
import { collectSnapshot } from '../monitoring/advisor/collect.ts';
import { TestPaymentProvider } from '../compute/payments/test-provider.ts';
import { createMailer } from '../compute/mail/index.ts';
import { assertDataFolderWritable } from './data-folder.ts';
import type { Mailer } from '../compute/mail/mailer.ts';

export interface Runtime {
  readonly config: Config;
  readonly logger: Logger;
  readonly objects: ObjectStore;
  readonly catalog: OpenCatalog;
  readonly relational: Relational;
  readonly queue: JobQueue;
  /** Where `mail.send` jobs deliver: SMTP_URL's server, or the development mailbox table. */
  readonly mailer: Mailer;
  readonly readiness: DependencyCheck[];
  close(): Promise<void>;
}

/** Opens every store the configuration names (embedded ones under the data folder), creating schemas as needed. */
export async function openRuntime(config: Config, logger: Logger): Promise<Runtime> {
  const embedded = !config.DATABASE_URL || !config.DYNAMODB_ENDPOINT;
  // Each embedded store locks its own folder (src/databases/folder-lock.ts): a second process is refused clearly.
  const closers: (() => Promise<void>)[] = [];
  const close = async (): Promise<void> => {
    for (const c of closers.reverse()) await c().catch((err: unknown) => logger.error({ err }, 'close failed'));
  };
  try {
    // Before any store writes: a read-only or full folder is one clear message, not a stack trace from deep inside.
    if (embedded || config.OBJECT_STORE === 'fs') await assertDataFolderWritable(config.dataDir, ['objects', 'postgres', 'dynamodb']);
    const objects = await createObjectStore(config);
    closers.push(() => objects.close());
    const catalog = await openCatalog(config);
    closers.push(() => catalog.close());
    const relational = await openRelational(config);
    closers.push(() => relational.close());
    logger.info(
      {
        relational: relational.kind,
        catalog: catalog.endpointKind,
        objects: config.OBJECT_STORE,
        dataDir: embedded ? config.dataDir : undefined,
      },
      'stores open',
    );
    const readiness: DependencyCheck[] = [
      { name: 'postgres', check: () => relational.check() },
      { name: 'dynamodb', check: () => catalog.repo.check() },
      { name: 'objects', check: () => objects.check() },
    ];
    const queue: JobQueue =
      config.QUEUE === 'sqs'
        ? (await import('../compute/queue/sqs-queue.ts')).sqsQueueFromConfig(config, ASSET_JOB_TYPES)
        : new PgQueue(relational);
    const mailer = await createMailer(config, relational.db);
    closers.push(() => mailer.close());
    if (!config.SMTP_URL && config.NODE_ENV === 'production') {
      logger.warn('SMTP_URL is not set: mail (password resets, welcomes) is kept in the dev_mailbox table instead of being sent');
    }
    return { config, logger, objects, catalog, relational, queue, mailer, readiness, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * The payment gateway the configuration names (validated at start-up: Stripe needs its keys). Stripe's SDK (about
 * 10 MB resident) is imported only by a shop that uses it.
 */
export async function paymentProvider(config: Config): Promise<PaymentProvider> {
  if (config.PAYMENT_PROVIDER === 'stripe') {
    const { StripePaymentProvider } = await import('../compute/payments/stripe-provider.ts');
    return new StripePaymentProvider({ secretKey: config.STRIPE_SECRET_KEY!, webhookSecret: config.STRIPE_WEBHOOK_SECRET! });
  }
  return new TestPaymentProvider();
}

/** Generates the demo catalog on a store's first start (when SEED_DEMO allows); later starts find the marker. */
export async function seedOnFirstStart(rt: Runtime, onProgress?: SeedOptions['onProgress']): Promise<void> {
  if (!rt.config.SEED_DEMO) return;
  // The generator (meshes, a software rasterizer, glTF-Transform) is loaded only by a shop that seeds.
  const { demoSeeded, seedDemoCatalog } = await import('../demo/seed.ts');
  if (await demoSeeded(rt.objects)) return;
  rt.logger.info('generating the demo catalog (first start)');
  const r = await seedDemoCatalog({ repo: rt.catalog.repo, objects: rt.objects, db: rt.relational.db }, { currency: rt.config.CURRENCY, onProgress });
  if (r.seeded) rt.logger.info({ products: r.products, ms: r.ms }, 'demo catalog ready');
}

export interface ReadSide {
  readonly services: ApiServices;
  stop(): Promise<void>;
}

/** Starts the API's in-memory views (catalog read model, stock) and describes the services the HTTP shell gets. */
export async function startReadSide(rt: Runtime, webRoot = path.resolve('web/dist')): Promise<ReadSide> {
  const readModel = new CatalogReadModel(rt.catalog.repo, {
    refreshMs: rt.config.CATALOG_REFRESH_MS,
    rescanMs: rt.config.CATALOG_RESCAN_MS,
    onError: (err: unknown) => rt.logger.warn({ err }, 'catalog refresh failed'),
  });
  await readModel.start();
  const payments = await paymentProvider(rt.config);
  const stock = new StockView(rt.relational.db, rt.config.CATALOG_REFRESH_MS, (err) => rt.logger.warn({ err }, 'stock refresh failed'));
  await stock.start();
  const freshness: DependencyCheck = {
    name: 'catalog-read-model',
    critical: false,
    check: async () => {
      if (!readModel.stats().lastRefreshOk) throw new Error('last refresh from the catalog table failed');
    },
  };
  const metrics = new Metrics({
    catalog: () => {
      const s = readModel.stats();
      return { ageSeconds: s.lastSuccessAt ? (Date.now() - s.lastSuccessAt) / 1000 : 0, ...s.entities };
    },
    queue: () => rt.queue.depth(),
  });
  return {
    services: {
      metrics,
      config: rt.config,
      db: rt.relational.db,
      queue: rt.queue,
      storeSettings: defaultStoreSettings(rt.config.CURRENCY, rt.config.TAX_INCLUSIVE),
      payments,
      catalog: readModel,
      catalogWriter: rt.catalog.repo,
      stock,
      objects: rt.objects,
      readiness: [...rt.readiness, freshness],
      assetBaseUrl: rt.config.ASSET_BASE_URL,
      catalogCacheEntries: rt.config.CATALOG_CACHE_ENTRIES,
      webRoot,
      advisor: {
        // This instance's own metrics stand in for a scrape: the same numbers `vitrine advisor --url` reads.
        run: async () =>
          advise(
            await collectSnapshot({
              repo: rt.catalog.repo,
              objects: rt.objects,
              queue: rt.queue,
              relational: rt.relational.kind,
              publicUrl: rt.config.TLS_CERT_FILE ? (rt.config.PUBLIC_URL ?? `https://localhost:${rt.config.PORT}`) : rt.config.PUBLIC_URL,
              backupsConfigured: rt.config.BACKUPS_CONFIGURED,
              instances: rt.config.INSTANCE_COUNT,
              metricsText: await metrics.registry.metrics(),
              staffWithoutStrongPassword: await staffBelowPasswordPolicy(rt.relational.db, PASSWORD_POLICY_VERSION),
            }),
          ),
      },
    },
    stop: async () => {
      stock.stop();
      await readModel.stop();
    },
  };
}
