#!/usr/bin/env bash
# `wrangler deploy --dry-run`: builds and bundles the worker exactly as a
# deploy would, uploads nothing, and prints the bundle sizes against the
# Workers limits (compressed: 3 MB on the free plan, 10 MB on paid; the
# platform compresses with gzip). Fails when the bundle passes the free limit.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
CI=true WRANGLER_SEND_METRICS=false node_modules/.bin/wrangler deploy --dry-run --outdir "$OUT" > "$OUT.log" 2>&1 || {
  cat "$OUT.log" >&2
  rm -f "$OUT.log"
  exit 1
}
grep -E "Total Upload|dry-run" "$OUT.log" || true
# The e2e tests' own routes (worker/src/routes/debug.rs) exist only when a
# DEBUG_ var turns them on: wrangler.toml's bindings must not hold one. (A var
# set in the dashboard is not seen here; the SQL route then still wants the
# worker's AUTH_SECRET.)
if grep -E "env\.DEBUG_" "$OUT.log" >&2; then
  echo "deploy: a DEBUG_ var is bound; the e2e tests' routes would exist" >&2
  rm -f "$OUT.log"
  exit 1
fi
rm -f "$OUT.log"
node -e '
const { readdirSync, readFileSync, statSync } = require("fs");
const { gzipSync } = require("zlib");
const { join } = require("path");
const dir = process.argv[1];
let raw = 0, gz = 0;
const walk = (d) => { for (const f of readdirSync(d)) { const p = join(d, f); if (statSync(p).isDirectory()) walk(p); else { const b = readFileSync(p); raw += b.length; gz += gzipSync(b, { level: 9 }).length; console.log(`deploy: ${f} ${b.length} B raw, ${gzipSync(b, { level: 9 }).length} B gzip`); } } };
walk(dir);
const FREE = 3 * 1024 * 1024, PAID = 10 * 1024 * 1024;
console.log(`deploy: bundle ${raw} B raw, ${gz} B gzip = ${(100 * gz / FREE).toFixed(1)}% of the free plan limit (3 MiB), ${(100 * gz / PAID).toFixed(1)}% of the paid limit (10 MiB)`);
if (gz > FREE) { console.error("deploy: the bundle is over the free plan limit"); process.exit(1); }
' "$OUT"
