#!/usr/bin/env bash
# `make dev`: local D1 (persistent in .wrangler/state), demo data, a secret in
# .dev.vars, an admin token on the terminal, then `wrangler dev`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PORT="${PORT:-8787}"
export WRANGLER_SEND_METRICS=false
WRANGLER=node_modules/.bin/wrangler

# A random HS256 secret, kept across runs. One under 32 bytes (left from
# before the worker refused them) would make it refuse every token: replaced.
secret="$(grep -s '^AUTH_SECRET=' .dev.vars | head -n 1 | cut -d= -f2- | tr -d '"' || true)"
if (( ${#secret} < 32 )); then
  fresh="$(node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("hex"))')"
  if [[ -n "$secret" ]]; then
    sed -i "s/^AUTH_SECRET=.*/AUTH_SECRET=$fresh/" .dev.vars
    echo "dev: the AUTH_SECRET in .dev.vars was under 32 bytes; wrote a new one"
  else
    echo "AUTH_SECRET=$fresh" >> .dev.vars
    echo "dev: wrote a new AUTH_SECRET to .dev.vars"
  fi
  chmod 600 .dev.vars
fi

# Credential keys (worker/src/sealed.rs): the lookup HMAC key and the first
# sealing key, kept across runs like the secret above.
if ! grep -qs '^CREDENTIAL_LOOKUP_KEY=' .dev.vars; then
  echo "CREDENTIAL_LOOKUP_KEY=$(node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64"))')" >> .dev.vars
  echo "CREDENTIAL_SEAL_KEYS=k1:$(node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64"))')" >> .dev.vars
  chmod 600 .dev.vars
  echo "dev: wrote new credential keys to .dev.vars"
fi

# CI=true: answer wrangler's confirmation prompt non-interactively.
run_quiet() {
  local out
  if ! out="$(CI=true "$@" 2>&1)"; then
    echo "$out" >&2
    exit 1
  fi
}
run_quiet "$WRANGLER" d1 migrations apply DB --local
run_quiet "$WRANGLER" d1 execute DB --local --file scripts/seed-demo.sql
echo "dev: local D1 migrated and seeded (organization 'demo')"

TOKEN="$(node scripts/mint-token.mjs --sub demo-admin --orgs '*' --perms '*' --ttl 2592000)"
cat <<MSG

  API:    http://127.0.0.1:$PORT   (GET /health)
  Admin bearer token (all organizations, all permissions, valid 30 days):

  $TOKEN

  curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:$PORT/health
  More tokens: node scripts/mint-token.mjs --orgs demo --perms 'mdm.aosp.*' --ttl 3600

MSG

exec "$WRANGLER" dev --port "$PORT" --ip 127.0.0.1 \
  --var "ENROLLMENT_HOST:http://127.0.0.1:$PORT" --var "ENVIRONMENT:development"
