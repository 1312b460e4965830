#!/usr/bin/env bash
# Scale benchmark: a release server on a fresh SQLite vault seeded with 10,000 secrets, 200 agents
# and 10 million audit events; prints p50/p99 of the audit page (with and without filters), the
# secrets list and the grant matrix, and the audit export's time and the server's memory.
#
# Usage: bench/scale.sh [events] [samples]   (needs a release build: cargo leptos build --release)
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS="${1:-10000000}"
SAMPLES="${2:-100}"
PORT=3310
BIN="${VAULT_BENCH_BIN:-target/release/vault}"
DATA="$(mktemp -d -t vault-scale-XXXXXX)"
export VAULT_DATA_DIR="$DATA" VAULT_BIND="127.0.0.1:$PORT" VAULT_LOG=warn
# The benchmark signs in and calls pages as fast as it can.
export VAULT_SIGN_IN_RATE=600/minute VAULT_SIGN_IN_BURST=600 VAULT_DEMO_SHOWCASE=false
unset VAULT_DATABASE_URL
"$BIN" serve --demo > "$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
python3 bench/scale.py --db "$DATA/vault.db" --url "http://127.0.0.1:$PORT" --pid "$SERVER" \
  --events "$EVENTS" --samples "$SAMPLES"
echo "database: $(du -sh "$DATA" | cut -f1)"
