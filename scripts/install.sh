#!/usr/bin/env bash
# Install what building and testing need; idempotent and quick when all is present.
#   - Rust target wasm32-unknown-unknown
#   - worker-build (pinned) and wasm-bindgen-cli (= the wasm-bindgen in Cargo.lock)
#   - npm packages (npm ci when package-lock.json changed)
#   - Debian chromium (headless browser tests), when root
# Nothing is downloaded from GitHub: worker-build gets local tools (scripts/build-worker.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

WORKER_BUILD_VERSION=0.8.7
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$CARGO_BIN:$PATH"

log() { echo "install: $*"; }

# The wasm-bindgen version the lockfile resolved; the CLI must match it exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

ensure_rust_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding Rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_worker_build() {
  local have=""
  if [[ -x "$CARGO_BIN/worker-build" ]]; then
    have="$("$CARGO_BIN/worker-build" --version 2>/dev/null | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -n1 || true)"
  fi
  if [[ "$have" != "$WORKER_BUILD_VERSION" ]]; then
    # --debug: an unoptimized build compiles in a fraction of the time, and
    # the tool only orchestrates the build (a fresh CI machine pays this).
    log "cargo install --debug worker-build $WORKER_BUILD_VERSION (have: ${have:-none}; ~2 min cold)"
    cargo install worker-build --version "$WORKER_BUILD_VERSION" --locked --force --debug
  fi
}

ensure_wasm_bindgen_cli() {
  local want have=""
  want="$(wasm_bindgen_version)"
  if [[ -z "$want" ]]; then
    log "no wasm-bindgen in Cargo.lock?"; exit 1
  fi
  if [[ -x "$CARGO_BIN/wasm-bindgen" ]]; then
    have="$("$CARGO_BIN/wasm-bindgen" --version 2>/dev/null | awk '{print $2}' || true)"
  fi
  if [[ "$have" != "$want" ]]; then
    # Not --locked: its lockfile names a crate version the registry here lacks.
    log "cargo install wasm-bindgen-cli $want (have: ${have:-none}; ~3 min cold)"
    cargo install wasm-bindgen-cli --version "$want" --force
  fi
}

ensure_node_modules() {
  local stamp=node_modules/.mdm-lock.sha256 want
  want="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" || ! -x node_modules/.bin/wrangler ]]; then
    log "npm ci"
    npm ci --no-audit --no-fund
    echo "$want" > "$stamp"
  fi
}

ensure_chromium() {
  if [[ -x /usr/bin/chromium ]]; then
    return
  fi
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    log "apt-get install chromium (~35 s)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
  else
    log "warning: /usr/bin/chromium is missing and this is not root; browser tests will fail (sudo apt-get install chromium)"
  fi
}

# Hook for Python tooling (benchmarks, tests/python: Google's client and
# schemathesis): each requirements file present is installed into one .venv.
ensure_python() {
  local req
  for req in bench/requirements.txt requirements.txt tests/python/requirements.txt; do
    if [[ -f "$req" ]]; then
      local stamp=".venv/.mdm-req-${req//\//_}.sha256" want
      want="$(sha256sum "$req" | cut -d' ' -f1)"
      if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
        log "python venv from $req"
        [[ -x .venv/bin/pip ]] || python3 -m venv .venv
        .venv/bin/pip install -q -r "$req"
        echo "$want" > "$stamp"
      fi
    fi
  done
}

ensure_rust_target
ensure_worker_build
ensure_wasm_bindgen_cli
ensure_node_modules
ensure_chromium
ensure_python
