# Sourced by this peer's scripts.
PEER=vendure
PEER_DB="${BENCH_PEER_DB:-bench_peer_vendure}"
PEER_PORT="${PORT:-3100}"
export BENCH_PEER_DB="$PEER_DB" PORT="$PEER_PORT" NODE_ENV=production VENDURE_DISABLE_TELEMETRY=true
READY_CHECK="curl -sf -o /dev/null -X POST -H 'content-type: application/json' --data '{\"query\":\"{ products(options:{take:1}) { totalItems } }\"}' http://127.0.0.1:$PEER_PORT/shop-api"
