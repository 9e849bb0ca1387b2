#!/usr/bin/env bash
# `npm start` with no DATABASE_URL starts an embedded PostgreSQL, answers GraphQL, stops cleanly
# on SIGINT leaving no PostgreSQL behind, and a second start reuses the data.
set -euo pipefail
cd "$(dirname "$0")/.."
data=$(mktemp -d)
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
pgport=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
log="$data/hub.log"

start_and_probe() {
  env -u DATABASE_URL -u TEST_DATABASE_URL DATA_DIR="$data" PORT="$port" EMBEDDED_PG_PORT="$pgport" \
    node -r @swc-node/register src/main.ts >>"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 60); do
    if curl -sf -X POST "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' \
         -d '{"query":"{ __typename }"}' | grep -q '"__typename":"Query"'; then break; fi
    sleep 1
  done
  curl -sf "http://127.0.0.1:$port/readyz" | grep -q ready || { echo "readyz failed"; cat "$log"; exit 1; }
  kill -INT "$pid"
  wait "$pid" || { echo "hub exited non-zero"; cat "$log"; exit 1; }
  real=$(readlink -f "$data/pg")   # as root under a mode-700 parent the cluster is relocated and symlinked
  if pgrep -f -- "-D $real" >/dev/null; then echo "PostgreSQL left behind"; pgrep -af -- "-D $real"; exit 1; fi
}

start_and_probe
test -f "$data/pg/PG_VERSION" || { echo "no data directory"; exit 1; }
start_and_probe   # second start reuses the data
grep -c '"migrations applied"' "$log" | grep -qx 1 || { echo "migrations ran twice: data not reused"; exit 1; }
echo "embedded smoke: ok (started twice, stopped cleanly, data reused)"
rm -rf "$(readlink -f "$data/pg")" "$data"
