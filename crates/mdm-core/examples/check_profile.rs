//! Runs the single-pass validator over JSON bodies, for instruction counts
//! (BENCHMARKS.md section 0):
//!
//!   cargo build --release -p mdm-core --example check_profile
//!   valgrind --tool=callgrind target/release/examples/check_profile AospDeviceUpdate=body.json ...
//!
//! Each argument is `RequestBodyName=file`; each body is checked `REPEAT`
//! times (default 1000) into an output like the npm package's: one text and
//! three numbers per violation, reused across calls.

use mdm_core::catalog;
use mdm_core::violation::Written;

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
    // The npm package's output (`__check`), without its two header numbers.
    let mut out = Written::new(0);
    let mut violations = 0;
    for _ in 0..repeat {
        for (check, bytes) in &bodies {
            out.clear();
            let _ = (check.write)(std::hint::black_box(bytes), &mut out);
            out.utf16();
            violations += out.count();
        }
    }
    println!("{} bodies x {repeat}: {violations} violations", bodies.len());
}
