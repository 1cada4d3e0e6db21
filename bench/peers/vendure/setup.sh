#!/usr/bin/env bash
# Installs Vendure (npm ci into ./node_modules), creates its database on the local Postgres and imports the
# benchmark catalogue, then rebuilds the search index. Idempotent: a finished setup (the .bench-ready marker, same
# lockfile, CSV and scripts, database present) is reused. Usage: setup.sh [--reset]
cd "$(dirname "$0")"
. ./env.sh
. ../lib.sh
[ "${1:-}" = --reset ] && RESET=1
want="$(stamp populate.js reindex.js vendure-config.js) $PEER_DB"
already_ready "$want" && exit 0
rm -f "$MARKER"
./stop.sh >/dev/null
install_peer
fresh_db
rm -rf static
echo "vendure: populating $PEER_DB"
node populate.js
echo "vendure: rebuilding the search index"
node reindex.js
echo "$want" > "$MARKER"
echo "vendure: ready to start"
