// The Vendure server the bench measures (Shop API at http://127.0.0.1:$PORT/shop-api).
const { bootstrap } = require('@vendure/core');
const { config } = require('./vendure-config');
bootstrap(config).catch((err) => { console.error(err); process.exit(1); });
