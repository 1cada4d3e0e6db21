#!/usr/bin/env bash
# `npm run start:cluster`: the production topology on one machine. Starts DynamoDB Local and an S3-compatible
# server with their data under $VITRINE_DATA_DIR/cluster, uses the PostgreSQL server on 127.0.0.1 (database
# `vitrine`, created if missing), then runs N API instances behind Node's cluster balancer plus a job worker.
set -euo pipefail
cd "$(dirname "$0")/.."

DATA="$(realpath -m "${VITRINE_DATA_DIR:-./data}")/cluster"
INSTANCES="${INSTANCES:-2}"
DYNAMO_PORT="${DYNAMO_PORT:-8000}"
S3_PORT="${S3_PORT:-4569}"
mkdir -p "$DATA/dynamodb" "$DATA/s3" "$DATA/app"

bash scripts/dynamodb-local.sh >/dev/null
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/vitrine}"
db_name="${DATABASE_URL##*/}"; admin_url="${DATABASE_URL%/*}/postgres"
psql "$admin_url" -tAc "select 1 from pg_database where datname = '$db_name'" | grep -q 1 || psql "$admin_url" -qc "create database \"$db_name\""

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

DDB=.cache/dynamodb-local
java -Djava.library.path="$DDB/DynamoDBLocal_lib" -jar "$DDB/DynamoDBLocal.jar" -sharedDb -dbPath "$DATA/dynamodb" -port "$DYNAMO_PORT" -disableTelemetry >"$DATA/dynamodb.log" 2>&1 &
pids+=($!)
node --openssl-legacy-provider scripts/s3-server.cjs "$DATA/s3" "$S3_PORT" vitrine-assets &
pids+=($!)
for _ in $(seq 1 60); do curl -s -o /dev/null "http://127.0.0.1:$DYNAMO_PORT" && curl -s -o /dev/null "http://127.0.0.1:$S3_PORT" && break; sleep 0.5; done

export DYNAMODB_ENDPOINT="http://127.0.0.1:$DYNAMO_PORT"
export OBJECT_STORE=s3 S3_BUCKET=vitrine-assets S3_ENDPOINT="http://127.0.0.1:$S3_PORT" S3_FORCE_PATH_STYLE=true
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-S3RVER}" AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-S3RVER}"
export VITRINE_DATA_DIR="$DATA/app" INSTANCE_COUNT="$INSTANCES"
npx vite build --config web/vite.config.ts --logLevel warn
node bin/vitrine.js cluster --instances "$INSTANCES" &
pids+=($!)
wait "${pids[-1]}"
