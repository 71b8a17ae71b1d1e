#!/usr/bin/env bash
# What `make bench` needs beyond scripts/install.sh: wrk (Debian's load
# generator) and the comparison libraries (ajv, zod, valibot: bench/package.json,
# pinned in bench/package-lock.json, kept out of the root install).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if ! command -v wrk >/dev/null 2>&1; then
  echo "bench/install: installing wrk (apt)" >&2
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi

# npm ci only when the lockfile changed since the last install.
stamp="$ROOT/bench/node_modules/.lock-stamp"
if [[ ! -f "$stamp" ]] || ! cmp -s "$ROOT/bench/package-lock.json" "$stamp"; then
  echo "bench/install: npm ci in bench/" >&2
  (cd "$ROOT/bench" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$ROOT/bench/package-lock.json" "$stamp"
fi
