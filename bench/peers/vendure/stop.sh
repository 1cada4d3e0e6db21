#!/usr/bin/env bash
# Stops the Vendure server started by start.sh (by its saved pid).
cd "$(dirname "$0")"
. ./env.sh
. ../lib.sh
stop_peer
