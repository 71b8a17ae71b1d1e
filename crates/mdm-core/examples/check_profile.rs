//! Runs the single-pass validator over JSON bodies, for instruction counts
//! (BENCHMARKS.md section 0):
//!
//!   CARGO_PROFILE_WASM_PKG_DEBUG=1 cargo build --profile wasm-pkg -p mdm-core \
//!     --features compare-by-word --example check_profile
//!   valgrind --tool=callgrind target/wasm-pkg/examples/check_profile AospDeviceUpdate=body.json ...
//!
//! The `wasm-pkg` profile is the package's opt-level 3; `--release` is
//! opt-level "z", whose counts (15.1k instructions per check of the valid
//! device body, against 9.0k) are not the package's (BENCHMARKS.md 0r).
//!
//! Each argument is `RequestBodyName=file`; each body is checked `REPEAT`
//! times (default 1000) into the npm package's answer (`mdm_core::answer`),
//! reused across calls as the package reuses it.

use mdm_core::answer::Answer;
use mdm_core::catalog;

fn main() {
    let repeat: usize = std::env::var("REPEAT")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1000);
    let bodies: Vec<(&catalog::RequestCheck, Vec<u8>)> = std::env::args()
        .skip(1)
        .map(|arg| {
            let (name, file) = arg.split_once('=').expect("RequestBodyName=file");
            let check = catalog::request_check(name).expect("a request body name");
            (check, std::fs::read(file).expect("a readable file"))
        })
        .collect();
    // The npm package's answer (`__check`), without its header numbers.
    let mut out = Answer::new(0);
    let mut violations = 0;
    for _ in 0..repeat {
        for (check, bytes) in &bodies {
            out.begin(out.held(), out.generation);
            let _ = (check.write)(std::hint::black_box(bytes), &mut out);
            violations += out.count();
        }
    }
    println!("{} bodies x {repeat}: {violations} violations", bodies.len());
}
