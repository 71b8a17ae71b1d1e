//! The floors under the npm package's validation (bench/validation/boundary.mjs).
//!
//! `validation` is the package's own module (crates/mdm-wasm/src/validation.rs),
//! compiled here from its file rather than by linking mdm-wasm, which would
//! bring every other export of the package: the build without `floors` weighs
//! only what validation needs. `floors` adds exports that do strictly less
//! than `__check` over the same input buffer.

#[path = "../../../crates/mdm-wasm/src/validation.rs"]
mod validation;

#[cfg(feature = "floors")]
mod floors;

// As crates/mdm-wasm: talc, not dlmalloc, so the size floor counts the same allocator.
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
