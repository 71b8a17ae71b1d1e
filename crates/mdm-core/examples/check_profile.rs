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
use mdm_core::violation::{Sink, ViolationCode};

struct Output {
    text: String,
    lengths: Vec<u32>,
}

impl Sink for Output {
    fn violation(&mut self, path: &str, code: ViolationCode, message: &str) {
        self.text.push_str(path);
        self.text.push_str(message);
        self.lengths
            .extend([path.len() as u32, code as u32, message.len() as u32]);
    }
}

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
    let mut out = Output {
        text: String::new(),
        lengths: Vec::new(),
    };
    let mut violations = 0;
    for _ in 0..repeat {
        for (check, bytes) in &bodies {
            out.text.clear();
            out.lengths.clear();
            let _ = (check.write)(std::hint::black_box(bytes), &mut out);
            violations += out.lengths.len() / 3;
        }
    }
    println!("{} bodies x {repeat}: {violations} violations", bodies.len());
}
