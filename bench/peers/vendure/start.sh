#!/usr/bin/env bash
# Starts Vendure (Shop API at http://127.0.0.1:$PORT/shop-api, default 3100) and waits until it answers.
cd "$(dirname "$0")"
. ./env.sh
. ../lib.sh
start_peer node server.js
