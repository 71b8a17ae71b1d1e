//! Exports that each do less than `__check`, over the same input buffer, so
//! the bench can say where its time goes: the call itself, one read of the
//! bytes, the tokenizer, then the schema walk with its violations counted.
//! They are compiled as the package is (its link at opt-level 3): a floor
//! built with other settings would not be the package's floor.

use crate::validation::with_input;
use mdm_core::catalog;
use mdm_core::violation::{Part, Sink, ViolationCode};
use wasm_bindgen::prelude::*;

/// The crossing floor: the bytes are written, nothing reads them.
#[wasm_bindgen(js_name = __echo)]
pub fn echo(len: usize) -> usize {
    len
}

/// The one-pass floor: every byte read once (the number of quotes, so the
/// loop cannot be dropped), the least any single-pass check must do.
#[wasm_bindgen(js_name = __quotes)]
pub fn quotes(len: usize) -> usize {
    with_input(len, |b| b.iter().filter(|&&c| c == b'"').count())
}

/// The tokenizer alone, no schema: 0 when the text is one JSON value, else 1.
#[wasm_bindgen(js_name = __syntax)]
pub fn syntax(len: usize) -> u32 {
    with_input(len, |b| u32::from(mdm_core::scan::check_syntax(b).is_err()))
}

/// Counts violations and keeps nothing: the validator without the output the
/// package writes for JavaScript to decode.
struct Count(u32);

impl Sink for Count {
    fn violation(&mut self, _path: &str, _code: ViolationCode, _message: &str) {
        self.0 += 1;
    }

    /// Counted, its texts never written.
    fn violation_written(&mut self, _code: ViolationCode, _write: &mut dyn FnMut(Part, &mut String)) {
        self.0 += 1;
    }
}

/// The package's validator (`REQUESTS[body].write`, as `__check` calls it),
/// answering only the number of violations (a malformed text counts 1).
#[wasm_bindgen(js_name = __count)]
pub fn count(body: usize, len: usize) -> u32 {
    let Some(request) = catalog::REQUESTS.get(body) else {
        return 0;
    };
    let mut n = Count(0);
    match with_input(len, |b| (request.write)(b, &mut n)) {
        Ok(()) => n.0,
        Err(_) => 1,
    }
}
