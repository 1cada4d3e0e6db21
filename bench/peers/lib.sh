# Shared by the peers' setup/start/stop scripts (sourced, not run). Each peer folder sets PEER, PEER_DB, PEER_PORT
# and READY_CHECK (a command that succeeds once the server answers) before sourcing this file.
set -euo pipefail
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
MARKER=.bench-ready

# What a populated peer depends on: when any of it changes, setup redoes the work.
stamp() { cat package-lock.json ../products-x4.csv "$@" | sha256sum | cut -c1-16; }

db_exists() { [ "$(psql -d postgres -tAc "select 1 from pg_database where datname = '$PEER_DB'")" = 1 ]; }

# npm ci into ./node_modules unless the installed tree was made from this exact lockfile (a reinstall costs minutes).
install_peer() {
  local want; want="$(sha256sum package-lock.json | cut -c1-16)"
  if [ "${RESET:-0}" = 1 ] || [ ! -f node_modules/.bench-lock ] || [ "$(cat node_modules/.bench-lock)" != "$want" ]; then
    echo "$PEER: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$want" > node_modules/.bench-lock
  fi
}

fresh_db() {
  psql -d postgres -qc "drop database if exists $PEER_DB with (force)"
  psql -d postgres -qc "create database $PEER_DB"
}

# True (and says so) when a previous setup finished with the same inputs and its database is still there.
already_ready() {
  [ "${RESET:-0}" != 1 ] && [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$1" ] && [ -d node_modules ] && db_exists \
    && echo "$PEER: installed and populated ($MARKER matches), reusing it; --reset redoes it"
}

start_peer() { # start_peer <command...>: runs it in the background, pid in server.pid, waits for READY_CHECK.
  if [ -f server.pid ] && kill -0 "$(cat server.pid)" 2>/dev/null; then echo "$PEER: already running, pid $(cat server.pid)"; return 0; fi
  nohup "$@" > server.log 2>&1 &
  echo $! > server.pid
  for _ in $(seq 1 300); do
    if eval "$READY_CHECK" >/dev/null 2>&1; then echo "$PEER: ready on 127.0.0.1:$PEER_PORT, pid $(cat server.pid)"; return 0; fi
    kill -0 "$(cat server.pid)" 2>/dev/null || { echo "$PEER: server exited; server.log:"; tail -30 server.log; rm -f server.pid; return 1; }
    sleep 1
  done
  echo "$PEER: not ready after 300 s"; return 1
}

stop_peer() { # by the saved pid only
  [ -f server.pid ] || { echo "$PEER: not running"; return 0; }
  local pid; pid="$(cat server.pid)"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f server.pid; echo "$PEER: stopped $pid"
}
