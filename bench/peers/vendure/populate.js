// Creates the schema (synchronize) and imports the catalogue: Vendure's own initial data (zones, tax, collections)
// from @vendure/create and the benchmark's products (../products-x4.csv: @vendure/create's sample products x4) with
// @vendure/core/cli's populate().
const path = require('path');
const { bootstrap, JobQueueService, DefaultLogger, LogLevel } = require('@vendure/core');
const { populate } = require('@vendure/core/cli');
const { config } = require('./vendure-config');

const assetsDir = path.join(path.dirname(require.resolve('@vendure/create/package.json')), 'assets');
(async () => {
  const bootstrapFn = async () => {
    const app = await bootstrap({
      ...config,
      dbConnectionOptions: { ...config.dbConnectionOptions, synchronize: true },
      logger: new DefaultLogger({ level: LogLevel.Info }),
      importExportOptions: { importAssetsDir: path.join(assetsDir, 'images') },
    });
    await app.get(JobQueueService).start();
    return app;
  };
  const t0 = Date.now();
  const app = await populate(bootstrapFn, path.join(assetsDir, 'initial-data.json'), path.join(__dirname, '..', 'products-x4.csv'));
  console.log('populate done in', (Date.now() - t0) / 1000, 's; letting its jobs finish');
  await new Promise((r) => setTimeout(r, 15000));
  await app.close();
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
