#!/usr/bin/env bash
# Builds bench/worker-floor the way scripts/build-worker.sh builds the worker
# (worker-build, then the same wasm-opt flags) into bench/.build/worker-floor/.
# ~1 min cold, seconds warm.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$ROOT/bench/.build/worker-floor"
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$CARGO_BIN:$PATH"
export CARGO_TARGET_DIR="$ROOT/bench/.build/floor-target"
export WASM_BINDGEN_BIN="${WASM_BINDGEN_BIN:-$CARGO_BIN/wasm-bindgen}"
export WASM_OPT_BIN="${WASM_OPT_BIN:-$ROOT/node_modules/.bin/wasm-opt}"
export ESBUILD_BIN="${ESBUILD_BIN:-$ROOT/node_modules/.bin/esbuild}"
cd "$ROOT/bench/worker-floor"
rm -rf "$OUT"
mkdir -p "$OUT"
worker-build --release >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log" >&2; exit 1; }
# scripts/build-worker.sh's flags (BENCHMARKS.md, section 0b).
"$WASM_OPT_BIN" build/index_bg.wasm -o "$OUT/index_bg.wasm" -O1 --skip-pass=memory-packing \
  --enable-mutable-globals --enable-sign-ext --enable-nontrapping-float-to-int --enable-bulk-memory \
  --enable-multivalue --enable-reference-types --enable-exception-handling
rm -rf build
