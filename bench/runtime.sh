#!/usr/bin/env bash
# Runtime read benchmark: wrk against the release server on loopback, 16 connections.
# Measures GET /v1/secrets/{name} (token check, grant check, decrypt, audit) and the same read
# through the Vault KV v2-compatible API (GET /v1/secret/data/{name}) next to GET /healthz (a
# trivial handler of the same server) in the same run.
#
# Usage: bench/runtime.sh [duration-seconds] [sqlite|postgres|both]   (needs a release build and wrk)
# With `postgres`, a scratch database is created on postgres://postgres@127.0.0.1:5432 and dropped.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
PORT=3300
BIN="${VAULT_BENCH_BIN:-target/release/vault}"
BACKEND="${2:-sqlite}"
if [ "$BACKEND" = both ]; then
  "$0" "$DURATION" sqlite
  exec "$0" "$DURATION" postgres
fi
DATA="$(mktemp -d -t vault-bench-XXXXXX)"
export VAULT_DATA_DIR="$DATA" VAULT_BIND="127.0.0.1:$PORT" VAULT_LOG=warn
# The benchmark creates its own secret: no showcase data (which has one of the same name).
export VAULT_DEMO_SHOWCASE=false
# One token reads as fast as it can here: lift its throttle (default 100/second).
export VAULT_RUNTIME_RATE=10000000/second VAULT_RUNTIME_BURST=100000
unset VAULT_DATABASE_URL
PGDB="vault_bench_$$"
if [ "$BACKEND" = postgres ]; then
  psql -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE $PGDB"
  export VAULT_DATABASE_URL="postgres://postgres@127.0.0.1:5432/$PGDB"
fi
"$BIN" serve --demo > "$DATA/server.log" 2>&1 &
SERVER=$!
cleanup() {
  kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true
  rm -rf "$DATA"
  if [ "$BACKEND" = postgres ]; then psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)"; fi
}
trap cleanup EXIT
echo "backend: $BACKEND"
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

JAR="$DATA/cookies"
api() { curl -sf -b "$JAR" -c "$JAR" "$@"; }
api -o /dev/null -d "email=admin@acme.test&password=admin-demo-password" "http://127.0.0.1:$PORT/api/auth/login"
AGENT=$(api -d "ws=acme" "http://127.0.0.1:$PORT/api/agents/list" | python3 -c 'import json,sys; print([a["id"] for a in json.load(sys.stdin)["agents"] if a["name"]=="billing-worker"][0])')
api -o /dev/null --data-urlencode "ws=acme" -d "name=stripe_api_key&kind=single&value=sk_live_benchmark_value_0123456789&agents[0]=$AGENT" "http://127.0.0.1:$PORT/api/secrets/create"
TOKEN=$(api -d "ws=acme&agent=billing-worker" "http://127.0.0.1:$PORT/api/agents/issue_token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/v1/secrets/stripe_api_key" >/dev/null
curl -sf -H "X-Vault-Token: $TOKEN" "http://127.0.0.1:$PORT/v1/secret/data/stripe_api_key" >/dev/null

echo "== GET /healthz (trivial handler), 16 connections, ${DURATION}s"
wrk -t2 -c16 -d"${DURATION}s" --latency "http://127.0.0.1:$PORT/healthz" | grep -E "Requests/sec|50%|99%|Non-2xx"
echo "== GET /v1/secrets/stripe_api_key (audited), 16 connections, ${DURATION}s"
wrk -t2 -c16 -d"${DURATION}s" --latency -H "Authorization: Bearer $TOKEN" \
  "http://127.0.0.1:$PORT/v1/secrets/stripe_api_key" | grep -E "Requests/sec|50%|99%|Non-2xx"
echo "== GET /v1/secret/data/stripe_api_key (Vault KV v2 API, audited), 16 connections, ${DURATION}s"
wrk -t2 -c16 -d"${DURATION}s" --latency -H "X-Vault-Token: $TOKEN" \
  "http://127.0.0.1:$PORT/v1/secret/data/stripe_api_key" | grep -E "Requests/sec|50%|99%|Non-2xx"
sleep 1
echo "audit events stored: $(api -o /dev/null -w '' -d 'ws=acme' "http://127.0.0.1:$PORT/api/secrets/audit" ; api -d 'ws=acme' -d 'filter[action]=secret.read' "http://127.0.0.1:$PORT/api/secrets/audit" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(str(d["total"]) + ("+" if d.get("capped") else ""))')"
