#!/usr/bin/env bash
# Starts Medusa (store API at http://127.0.0.1:$PORT/store, default 9100) and waits until it answers.
cd "$(dirname "$0")"
. ./env.sh
. ../lib.sh
[ -f seed-output.json ] || { echo "medusa: run setup.sh first"; exit 1; }
NODE_ENV=production start_peer node node_modules/@medusajs/cli/cli.js start --host 127.0.0.1 --port "$PEER_PORT"
