#!/usr/bin/env bash
# Starts the built server for the browser tests: a fresh data directory, demo data seeded.
set -euo pipefail
PORT="${1:-3111}"
cd "$(dirname "$0")/.."
BIN="${VAULT_E2E_BIN:-target/debug/vault}"
DATA="$(mktemp -d -t vault-e2e-XXXXXX)"
trap 'rm -rf "$DATA"' EXIT
export VAULT_DATA_DIR="$DATA" VAULT_BIND="127.0.0.1:$PORT"
# The suite signs in as the same demo users many times: no sign-in throttling here.
export VAULT_SIGN_IN_RATE=600/minute VAULT_SIGN_IN_BURST=600 \
  VAULT_SIGN_IN_ACCOUNT_RATE=600/minute VAULT_SIGN_IN_ACCOUNT_BURST=600
# Repeated refusals collapse within an hour here, so the audit assertions do not depend on
# how fast the browser gets from one refusal to the next.
export VAULT_AUDIT_COLLAPSE_SECONDS=3600
# The suite starts from empty Secrets tabs: no showcase secrets.
export VAULT_DEMO_SHOWCASE=false
unset VAULT_DATABASE_URL VAULT_MODE
"$BIN" serve --demo
