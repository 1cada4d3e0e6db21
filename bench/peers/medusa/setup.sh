#!/usr/bin/env bash
# Installs Medusa (npm ci into ./node_modules), creates its database on the local Postgres, runs its migrations and
# seeds the benchmark catalogue (src/scripts/seed.js). Idempotent: a finished setup (the .bench-ready marker, same
# lockfile, CSV and scripts, database present) is reused. Usage: setup.sh [--reset]
cd "$(dirname "$0")"
. ./env.sh
. ../lib.sh
[ "${1:-}" = --reset ] && RESET=1
want="$(stamp src/scripts/seed.js medusa-config.js ../catalog-csv.ts) $PEER_DB"
already_ready "$want" && [ -f seed-output.json ] && exit 0
rm -f "$MARKER" seed-output.json
./stop.sh >/dev/null
install_peer
fresh_db
echo "medusa: migrating $PEER_DB"
NODE_ENV=production node node_modules/@medusajs/cli/cli.js db:migrate
(cd ../../.. && node --import tsx bench/peers/catalog-csv.ts bench/peers/products-x4.csv) > src/scripts/products.json
echo "medusa: seeding"
NODE_ENV=production node node_modules/@medusajs/cli/cli.js exec ./src/scripts/seed.js
echo "$want" > "$MARKER"
echo "medusa: ready to start"
