#!/usr/bin/env bash
# Build the worker (worker/build/index.js + index_bg.wasm) with worker-build,
# pointing it at local wasm-bindgen / wasm-opt / esbuild so it downloads nothing.
# Called by wrangler's [build] command, `make build` and the e2e tests.
# Skips the build when the output is newer than every Rust input (FORCE=1 rebuilds).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

OUT="worker/build/index.js"
if [[ "${FORCE:-0}" != 1 && -f "$OUT" && -f worker/build/index_bg.wasm ]]; then
  # admin/openapi.json too: not in the wasm, but checked below, so a changed
  # or checked-out document is checked again before a deploy uploads it.
  newer="$(find worker/src worker/Cargo.toml crates Cargo.toml Cargo.lock admin/openapi.json \
    -newer "$OUT" \( -name '*.rs' -o -name 'Cargo.toml' -o -name 'Cargo.lock' -o -name 'openapi.json' \) -print -quit 2>/dev/null || true)"
  if [[ -z "$newer" ]]; then
    echo "build-worker: worker/build is up to date"
    exit 0
  fi
fi

CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$CARGO_BIN:$PATH"
export WASM_BINDGEN_BIN="${WASM_BINDGEN_BIN:-$CARGO_BIN/wasm-bindgen}"
export WASM_OPT_BIN="${WASM_OPT_BIN:-$ROOT/node_modules/.bin/wasm-opt}"
export ESBUILD_BIN="${ESBUILD_BIN:-$ROOT/node_modules/.bin/esbuild}"
for tool in "$WASM_BINDGEN_BIN" "$WASM_OPT_BIN" "$ESBUILD_BIN" "$CARGO_BIN/worker-build"; do
  if [[ ! -x "$tool" ]]; then
    echo "build-worker: missing $tool (run scripts/install.sh)" >&2
    exit 1
  fi
done

start=$SECONDS
# The worker serves admin/openapi.json (a static asset) as it is; a build
# (and so a deploy) refuses a file that is not what the endpoint table
# generates. In make test
# the test binary is already built by test-rust, so this costs a second.
if ! cargo test -q -p mdm-worker --lib openapi::document::tests::the_served_document_is_the_tables >/dev/null 2>&1; then
  echo "build-worker: admin/openapi.json is stale; run UPDATE=1 cargo test -p mdm-worker openapi" >&2
  exit 1
fi
cd worker
worker-build --release
# wasm-opt here rather than in worker-build (off in worker/Cargo.toml): -O1
# without memory-packing gives the smallest gzip of the variants measured
# (BENCHMARKS.md, section 0b: -O, worker-build's default, and -Oz are larger
# gzipped; memory-packing splits the data section into segments that
# compress worse). The features are the ones worker-build enables.
"$WASM_OPT_BIN" build/index_bg.wasm -o build/index_bg.opt.wasm -O1 --skip-pass=memory-packing \
  --enable-mutable-globals --enable-sign-ext --enable-nontrapping-float-to-int --enable-bulk-memory \
  --enable-multivalue --enable-reference-types --enable-exception-handling
mv build/index_bg.opt.wasm build/index_bg.wasm
# worker-build leaves the previous index.js when only the wasm changed; make
# the skip check above see this build.
touch build/index.js
echo "build-worker: done in $((SECONDS - start)) s ($(du -k build/index_bg.wasm | cut -f1) KiB wasm)"
