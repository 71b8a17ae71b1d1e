# mdm-edge. `make dev` serves the API locally; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8787
export PATH := $(HOME)/.cargo/bin:$(PATH)
export WRANGLER_SEND_METRICS := false

.PHONY: help install build dev test test-rust test-wasm test-e2e test-pkg test-worker-size test-admin test-parity test-deploy fmt clippy bench fuzz

help:
	@echo "make dev    install, build, migrate + seed local D1, print a token, wrangler dev on 127.0.0.1:$(PORT)"
	@echo "make test   install, fmt/clippy, Rust tests, wasm32 build, worker build, end-to-end tests"
	@echo "make bench  benchmarks (not part of make test): validation vs ajv/zod/valibot, worker under wrk; see BENCHMARKS.md"
	@echo "make fuzz   the single-pass validator against its oracle on FUZZ_CASES generated bodies (default 10 million)"

install:
	@bash scripts/install.sh

build: install
	@bash scripts/build-worker.sh
	@node pkg/build.mjs --quiet
	@node scripts/build-docs.mjs

dev: build
	@PORT=$(PORT) bash scripts/dev.sh

# Every test. Later suites add themselves as prerequisites here.
test: install test-rust test-wasm test-pkg test-worker-size test-admin test-parity test-e2e test-deploy

test-rust: install
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p mdm-worker --target wasm32-unknown-unknown -- -D warnings
	cargo test --workspace

test-wasm: install
	cargo build -p mdm-core --target wasm32-unknown-unknown --release

# The npm package (pkg/): wasm32 clippy, build (prints the wasm size), then its
# tests in Node, workerd (Miniflare), tsc and headless Chromium.
test-pkg: install
	cargo clippy -p mdm-wasm --target wasm32-unknown-unknown -- -D warnings
	node pkg/build.mjs
	node scripts/size-budget.mjs pkg
	node --test --test-concurrency=1 pkg/test/*.test.mjs

# The worker's wasm within its size budget (gzip -9), after the worker build.
test-worker-size: build
	node scripts/size-budget.mjs worker

# The admin page and the API reference at /docs (admin/) end to end: headless
# Chromium against wrangler dev.
test-admin: build
	node --test --test-concurrency=1 tests/browser/

# The shared validation corpus through the npm package and the running worker:
# identical violation lists (paths, codes, messages).
test-parity: build
	node --test --test-concurrency=1 tests/parity/

test-e2e: build
	node --test --test-concurrency=1 tests/e2e/

# What `wrangler deploy` would upload, without uploading: the bundle is built
# and checked, and its sizes are printed against the Workers limits.
test-deploy: build
	@bash scripts/deploy-dry-run.sh

fmt:
	cargo fmt --all

# The single-pass validator (mdm_core::scan) against the oracle it replaced,
# on FUZZ_CASES generated bodies (valid, corpus mutations, garbage), on every
# core; prints cases per second. Not part of `make test` (about 3 minutes).
FUZZ_CASES ?= 10000000
fuzz:
	FUZZ_CASES=$(FUZZ_CASES) cargo run --release -p mdm-core --features oracle --example fuzz

# Benchmarks (BENCHMARKS.md), never part of `make test`: validation in Node
# (npm package vs ajv, zod, valibot; the JS <-> wasm boundary) and the worker
# on local workerd under wrk. Installs wrk and bench/'s npm packages. ~6 min.
bench: build
	@bash bench/run.sh
