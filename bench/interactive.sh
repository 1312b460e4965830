#!/usr/bin/env bash
# Time to interactive of the heaviest pages in Chromium (cold loads), against a release
# server with the demo data. Needs `cargo leptos build --release --precompress` (scripts/run
# builds it) and the Playwright packages (scripts/setup --with-browser).
#
# Usage: bench/interactive.sh [runs]
# VAULT_BENCH_BIN and VAULT_BENCH_SITE choose another build (its hash.txt beside the binary).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-10}"
PORT=3400
BIN="${VAULT_BENCH_BIN:-target/release/vault}"
DATA="$(mktemp -d -t vault-tti-XXXXXX)"
export VAULT_DATA_DIR="$DATA" VAULT_BIND="127.0.0.1:$PORT" VAULT_LOG=warn
export VAULT_SITE_ROOT="${VAULT_BENCH_SITE:-target/site}"
unset VAULT_DATABASE_URL VAULT_MODE
"$BIN" serve --demo >/dev/null 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
node bench/interactive.mjs "http://127.0.0.1:$PORT" "$RUNS"
