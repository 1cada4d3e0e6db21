# Sourced by this peer's scripts.
PEER=medusa
PEER_DB="${BENCH_PEER_DB:-bench_peer_medusa}"
PEER_PORT="${PORT:-9100}"
export DATABASE_URL="postgres://${PGUSER:-postgres}@${PGHOST:-127.0.0.1}:${PGPORT:-5432}/$PEER_DB"
export PORT="$PEER_PORT" HOST=127.0.0.1 MEDUSA_DISABLE_TELEMETRY=true
# The store API needs the publishable key the seed made; before the seed the check cannot pass anyway.
KEY="$(node -p "require('./seed-output.json').publishableKey" 2>/dev/null || true)"
READY_CHECK="curl -sf -o /dev/null -H 'x-publishable-api-key: $KEY' http://127.0.0.1:$PEER_PORT/store/products?limit=1"
