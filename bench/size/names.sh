#!/usr/bin/env bash
# The worker's wasm with its function names kept, for bench/size/composition.py
# (BENCHMARKS.md 0l): the release build unstripped, wasm-bindgen, then the same
# wasm-opt -O1 as scripts/build-worker.sh plus --debuginfo. Writes
# bench/.build/names/opt.wasm; the size budget's file is not touched.
#   bash bench/size/names.sh && python3 bench/size/composition.py bench/.build/names/opt.wasm 40
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OUT=bench/.build/names
CARGO_PROFILE_RELEASE_STRIP=false cargo build -q --release -p mdm-worker --target wasm32-unknown-unknown \
  --target-dir bench/.build/names-target
rm -rf "$OUT" && mkdir -p "$OUT"
"${CARGO_HOME:-$HOME/.cargo}/bin/wasm-bindgen" --target web --out-dir "$OUT" \
  bench/.build/names-target/wasm32-unknown-unknown/release/mdm_worker.wasm
node_modules/.bin/wasm-opt "$OUT/mdm_worker_bg.wasm" -o "$OUT/opt.wasm" -O1 --debuginfo --skip-pass=memory-packing \
  --enable-mutable-globals --enable-sign-ext --enable-nontrapping-float-to-int --enable-bulk-memory \
  --enable-multivalue --enable-reference-types --enable-exception-handling
echo "names build: $OUT/opt.wasm"
