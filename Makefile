# mdm-edge. `make dev` serves the API locally; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8787
export PATH := $(HOME)/.cargo/bin:$(PATH)
export WRANGLER_SEND_METRICS := false

.PHONY: help install build dev test test-rust test-wasm test-e2e test-abuse test-pkg test-worker-size test-admin test-parity test-deploy fmt clippy bench fuzz

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

# Every test. The compilers run one after another (two cores gain nothing from
# racing cargo for its lock); then the suites that serve a worker run side by
# side, each on its own ports and its own local D1, and each prints its output
# when it ends. TEST_JOBS suites at once, E2E_JOBS end-to-end files at once.
TEST_JOBS ?= 4
E2E_JOBS ?= 2
# Every node --test file fails after 15 minutes (schemathesis, the longest, about 5):
# node's runner has no other bound per file, and one file that waits forever
# would hold the whole run to CI's limit. Once, bookmark.test.mjs (20 s alone)
# sat idle for 20 minutes in a full run; its server still answered /health.
NODE_TEST = node --test --test-timeout=900000
# The abuse suite runs last and alone: its limits are per minute, and under
# the load of the other suites its clients cannot send 1,200 requests in one.
test: install
	@$(MAKE) --no-print-directory test-rust test-wasm build
	@$(MAKE) --no-print-directory -j$(TEST_JOBS) --output-sync=target test-pkg test-worker-size test-admin test-parity test-e2e test-deploy
	@$(MAKE) --no-print-directory test-abuse

test-rust: install
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p mdm-worker --target wasm32-unknown-unknown -- -D warnings
	cargo clippy -p mdm-wasm --target wasm32-unknown-unknown -- -D warnings
	cargo test --workspace

test-wasm: install
	cargo build -p mdm-core --target wasm32-unknown-unknown --release

# The npm package (pkg/): build (prints the wasm size; a no-op when built), then its
# tests in Node, workerd (Miniflare), tsc and headless Chromium.
test-pkg: install
	node pkg/build.mjs
	node scripts/size-budget.mjs pkg
	$(NODE_TEST) --test-concurrency=1 pkg/test/*.test.mjs

# The worker's wasm within its size budget (gzip -9), after the worker build.
test-worker-size: build
	node scripts/size-budget.mjs worker

# The admin page and the API reference at /docs (admin/) end to end: headless
# Chromium against wrangler dev.
test-admin: build
	$(NODE_TEST) --test-concurrency=1 tests/browser/

# The shared validation corpus through the npm package and the running worker:
# identical violation lists (paths, codes, messages).
test-parity: build
	$(NODE_TEST) --test-concurrency=1 tests/parity/

test-e2e: build
	$(NODE_TEST) --test-concurrency=$(E2E_JOBS) $(filter-out tests/e2e/abuse.test.mjs,$(wildcard tests/e2e/*.test.mjs))

# Rate limits (tests/e2e/abuse.test.mjs), alone: see `test` above.
test-abuse: build
	$(NODE_TEST) --test-concurrency=1 tests/e2e/abuse.test.mjs

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
	FUZZ_CASES=$(FUZZ_CASES) cargo run --release -p mdm-core --features oracle,compare-by-word --example fuzz

# Benchmarks (BENCHMARKS.md), never part of `make test`: validation in Node
# (npm package vs ajv, zod, valibot; the JS <-> wasm boundary) and the worker
# on local workerd under wrk. Installs wrk and bench/'s npm packages. ~12 min.
bench: build
	@bash bench/run.sh
