//! The floors under the npm package's validation (bench/validation/boundary.mjs).
//!
//! `validator` is the package's validation section (crates/mdm-wasm/src/lib.rs,
//! "validation"), copied rather than linked: linking mdm-wasm would bring every
//! other export of the package, and the build without `floors` is meant to
//! weigh only what validation needs. `floors` adds exports that do strictly
//! less than `__check` over the same input buffer.

mod validator;

#[cfg(feature = "floors")]
mod floors;

// As crates/mdm-wasm: talc, not dlmalloc, so the size floor counts the same allocator.
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
