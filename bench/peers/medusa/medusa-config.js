// Medusa 2 configured as a benchmark peer (adapted from ../shared/peers): the local Postgres as user postgres,
// its own database, admin dashboard off, no Redis (in-memory event bus, cache, locking and workflow engine).
const { loadEnv, defineConfig } = require('@medusajs/framework/utils')
loadEnv(process.env.NODE_ENV || 'development', process.cwd())

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/bench_peer_medusa',
    databaseLogging: false,
    http: {
      storeCors: 'http://127.0.0.1:8000',
      adminCors: 'http://127.0.0.1:9000',
      authCors: 'http://127.0.0.1:9000',
      jwtSecret: process.env.JWT_SECRET || 'bench-peer-jwt-secret',
      cookieSecret: process.env.COOKIE_SECRET || 'bench-peer-cookie-secret',
    },
  },
  admin: { disable: true },
})
