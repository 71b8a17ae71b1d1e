# mdm-edge. `make dev` serves the API locally; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8787
export PATH := $(HOME)/.cargo/bin:$(PATH)
export WRANGLER_SEND_METRICS := false

.PHONY: help install build dev test test-rust test-wasm test-e2e test-pkg fmt clippy

help:
	@echo "make dev    install, build, migrate + seed local D1, print a token, wrangler dev on 127.0.0.1:$(PORT)"
	@echo "make test   install, fmt/clippy, Rust tests, wasm32 build, worker build, end-to-end tests"

install:
	@bash scripts/install.sh

build: install
	@bash scripts/build-worker.sh

dev: build
	@PORT=$(PORT) bash scripts/dev.sh

# Every test. Later suites add themselves as prerequisites here.
test: install test-rust test-wasm test-pkg test-e2e

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
	node --test --test-concurrency=1 pkg/test/*.test.mjs

test-e2e: build
	node --test --test-concurrency=1 tests/e2e/

fmt:
	cargo fmt --all
