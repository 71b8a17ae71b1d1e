#!/usr/bin/env bash
# Builds the bench-only boundary wasm twice (bench/.build/boundary-{z,speed}/):
#   z     = the package's settings: opt-level "z", wasm-opt -Oz
#   speed = opt-level 3, wasm-opt -O3
# Same wasm-bindgen CLI and npm binaryen as pkg/build.mjs. ~2 min cold, seconds warm.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$ROOT/bench/.build"
export CARGO_TARGET_DIR="$OUT/target"
BINDGEN="${WASM_BINDGEN_BIN:-$HOME/.cargo/bin/wasm-bindgen}"
WASM_OPT="${WASM_OPT_BIN:-$ROOT/node_modules/.bin/wasm-opt}"
FEATURES=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals
  --enable-reference-types --enable-multivalue)
cd "$ROOT/bench/boundary"
for variant in z speed; do
  profile=release; opt=-Oz
  if [[ $variant == speed ]]; then profile=speed; opt=-O3; fi
  cargo build --quiet --target wasm32-unknown-unknown --profile "$profile"
  rm -rf "$OUT/boundary-$variant"
  "$BINDGEN" --target web --out-dir "$OUT/boundary-$variant" --out-name boundary \
    "$CARGO_TARGET_DIR/wasm32-unknown-unknown/$profile/mdm_bench_boundary.wasm"
  "$WASM_OPT" "$opt" --strip-debug --strip-producers "${FEATURES[@]}" \
    "$OUT/boundary-$variant/boundary_bg.wasm" -o "$OUT/boundary-$variant/boundary_bg.wasm"
done
echo "boundary builds: $(ls -1 "$OUT"/boundary-*/boundary_bg.wasm | tr '\n' ' ')" >&2
