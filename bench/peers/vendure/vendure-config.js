// Vendure 3 configured as a benchmark peer (adapted from ../shared/peers): the local Postgres as user postgres (trust
// auth), its own database, production-like logging, the default job queue, search and asset plugins. CommonJS
// because Vendure is loaded without a build step.
const path = require('path');
const {
  dummyPaymentHandler, DefaultJobQueuePlugin, DefaultSchedulerPlugin, DefaultSearchPlugin, DefaultLogger, LogLevel,
} = require('@vendure/core');
const { AssetServerPlugin } = require('@vendure/asset-server-plugin');

const port = Number(process.env.PORT || 3100);
const adminPassword = process.env.BENCH_PEER_ADMIN_PASSWORD || 'bench-peer-admin';

const config = {
  apiOptions: { hostname: '127.0.0.1', port, adminApiPath: 'admin-api', shopApiPath: 'shop-api' },
  authOptions: {
    tokenMethod: ['bearer', 'cookie'],
    superadminCredentials: { identifier: 'superadmin', password: adminPassword },
    cookieOptions: { secret: 'bench-peer-cookie-secret' },
  },
  dbConnectionOptions: {
    type: 'postgres',
    synchronize: false,
    logging: false,
    host: process.env.PGHOST || '127.0.0.1',
    port: Number(process.env.PGPORT || 5432),
    username: process.env.PGUSER || 'postgres',
    password: process.env.PGPASSWORD || '',
    database: process.env.BENCH_PEER_DB || 'bench_peer_vendure',
  },
  paymentOptions: { paymentMethodHandlers: [dummyPaymentHandler] },
  logger: new DefaultLogger({ level: LogLevel.Warn }),
  customFields: {},
  plugins: [
    AssetServerPlugin.init({
      route: 'assets',
      assetUploadDir: path.join(__dirname, 'static/assets'),
      assetUrlPrefix: `http://127.0.0.1:${port}/assets/`,
    }),
    DefaultSchedulerPlugin.init(),
    DefaultJobQueuePlugin.init({ useDatabaseForBuffer: true }),
    DefaultSearchPlugin.init({ bufferUpdates: false, indexStockStatus: true }),
  ],
};
module.exports = { config, adminPassword };
