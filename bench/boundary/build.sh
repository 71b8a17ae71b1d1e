#!/usr/bin/env bash
# Builds the bench-only wasm twice, the package's way (pkg/build.mjs: its
# Cargo profile, wasm-bindgen --target web, npm binaryen wasm-opt -Oz):
#   bench/.build/validator-only/  the package's validation exports alone (size floor)
#   bench/.build/boundary/        the same plus the `floors` exports (timing)
# ~1 min cold, seconds warm (each build relinks: the features differ).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$ROOT/bench/.build"
export CARGO_TARGET_DIR="$OUT/target"
BINDGEN="${WASM_BINDGEN_BIN:-$HOME/.cargo/bin/wasm-bindgen}"
WASM_OPT="${WASM_OPT_BIN:-$ROOT/node_modules/.bin/wasm-opt}"
FEATURES=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals
  --enable-reference-types --enable-multivalue)
cd "$ROOT/bench/boundary"
for build in validator-only boundary; do
  features=()
  [[ $build == boundary ]] && features=(--features floors)
  cargo build --quiet --target wasm32-unknown-unknown --release "${features[@]}"
  rm -rf "${OUT:?}/$build"
  "$BINDGEN" --target web --out-dir "$OUT/$build" --out-name "$build" \
    "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/mdm_bench_boundary.wasm"
  "$WASM_OPT" -Oz --strip-debug --strip-producers "${FEATURES[@]}" \
    "$OUT/$build/${build}_bg.wasm" -o "$OUT/$build/${build}_bg.wasm"
done
rm -rf "$OUT"/boundary-z "$OUT"/boundary-speed # the builds before these
