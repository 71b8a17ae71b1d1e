//! Generates `$OUT_DIR/types.d.ts`: TypeScript for every request body and
//! resource in mdm-core's catalog (see `src/ts.rs`). `lib.rs` embeds it in the
//! `.d.ts` that wasm-bindgen writes, so the package's types come from the same
//! `Schema` constants that validate.

#[path = "src/specs.rs"]
mod specs;
#[path = "src/ts.rs"]
mod ts;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/ts.rs");
    println!("cargo:rerun-if-changed=src/specs.rs");
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out.join("types.d.ts"), ts::declarations()).expect("write types.d.ts");
}
