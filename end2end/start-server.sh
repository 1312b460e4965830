#!/usr/bin/env bash
# Starts the built server for the browser tests: a fresh data directory, demo data seeded,
# and a real OpenID Provider (npm oidc-provider, oidc/provider.mjs) on loopback configured
# as the single sign-on provider "Test IdP", authoritative for acme.test.
set -euo pipefail
PORT="${1:-3111}"
cd "$(dirname "$0")/.."
BIN="${VAULT_E2E_BIN:-target/debug/vault}"
DATA="$(mktemp -d -t vault-e2e-XXXXXX)"
OP_PID=""
cleanup() { [ -n "$OP_PID" ] && kill "$OP_PID" 2>/dev/null; rm -rf "$DATA"; }
trap cleanup EXIT

# The provider: its client may return only to this server's callback.
printf 'e2e-client-secret' > "$DATA/oidc-secret"
OP_CLIENTS="[{\"client_id\":\"vault\",\"client_secret\":\"e2e-client-secret\",\"redirect_uris\":[\"http://127.0.0.1:$PORT/auth/oidc/test/callback\"]}]" \
OP_ACCOUNTS='[{"email":"admin@acme.test","password":"admin-at-the-provider","name":"Demo Admin"},{"email":"eve@elsewhere.test","password":"eve-pass","name":"Eve"},{"email":"newcomer@acme.test","password":"newcomer-pass","name":"Newcomer"}]' \
  node end2end/oidc/provider.mjs > "$DATA/op.out" &
OP_PID=$!
for _ in $(seq 100); do [ -s "$DATA/op.out" ] && break; sleep 0.1; done
ISSUER="$(sed -n 's/.*"issuer":"\([^"]*\)".*/\1/p' "$DATA/op.out")"
[ -n "$ISSUER" ] || { echo "the test OpenID Provider did not start" >&2; exit 1; }
cat > "$DATA/vault.toml" <<TOML
[[oidc]]
id = "test"
name = "Test IdP"
issuer = "$ISSUER"
client_id = "vault"
client_secret_file = "$DATA/oidc-secret"
domains = ["acme.test"]
TOML

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
"$BIN" --config "$DATA/vault.toml" serve --demo
