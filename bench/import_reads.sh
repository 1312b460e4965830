#!/usr/bin/env bash
# Import-vs-reads benchmark: a release server on a fresh SQLite vault with the demo showcase;
# an agent token reads one granted secret in a loop while the demo admin runs one maximal bulk
# import (1000 entries, written in transactions of 10). Prints the import's duration and the
# runtime reads' p50/p99/max before (baseline) and during the import.
#
# Usage: bench/import_reads.sh [entries] [reads]   (needs a release build: cargo leptos build --release)
set -euo pipefail
cd "$(dirname "$0")/.."
ENTRIES="${1:-1000}"
READS="${2:-2000}"
PORT=3320
BIN="${VAULT_BENCH_BIN:-target/release/vault}"
DATA="$(mktemp -d -t vault-import-XXXXXX)"
export VAULT_DATA_DIR="$DATA" VAULT_BIND="127.0.0.1:$PORT" VAULT_LOG=warn
# The benchmark signs in once; raised anyway, as in scale.sh. The showcase stays on (the
# default): it grants Acme's secrets to its agents.
export VAULT_SIGN_IN_RATE=600/minute VAULT_SIGN_IN_BURST=600
# One token reads as fast as it can: lift its throttle (default 100/second).
export VAULT_RUNTIME_RATE=100000/second VAULT_RUNTIME_BURST=1000000
unset VAULT_DATABASE_URL VAULT_DEMO_SHOWCASE
"$BIN" serve --demo > "$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
if ! python3 bench/import_reads.py --url "http://127.0.0.1:$PORT" --entries "$ENTRIES" --reads "$READS"; then
  echo "--- server log (last 40 lines)" >&2
  tail -n 40 "$DATA/server.log" >&2
  exit 1
fi
