//! The package's validation exports (`pkg/src/validate.js` is their other
//! half). A module of its own so that `bench/boundary` builds exactly this
//! code, and nothing else of the package, for the size floor of validation
//! (BENCHMARKS.md, section 0e).

use js_sys::Array;
use mdm_core::answer::Answer;
use mdm_core::catalog;
use mdm_core::violation::Sink;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

// The JavaScript side (pkg/src/validate.js) writes a body's JSON text with
// `TextEncoder.encodeInto` straight into `INPUT` (no per-character copy
// loop), calls `__check`, and reads nothing back for a valid body. Violations
// come back as numbers, written straight from the validator (no `String` per
// violation): per violation its path's id, its code's number and its
// message's id, where an id names a text JavaScript already holds
// (`mdm_core::answer`). Only texts new to JavaScript come with the answer, as
// one text and its lengths in UTF-16 units: JavaScript decodes it once,
// slices it and keeps the slices, and names the code from its own table (no
// `JSON.parse`, which cost more than the whole check).

/// The numbers `OUTPUT` starts with, for JavaScript: the new texts' address
/// and byte length, their lengths' address, the first new text's id, how
/// many there are, and the ids' run (`Answer::generation`). `HEADER` in
/// pkg/src/validate.js is this number.
const HEADER: usize = 6;

thread_local! {
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// The violations of the last `__check`, after its `HEADER`.
    static OUTPUT: RefCell<Answer> = const { RefCell::new(Answer::new(HEADER)) };
}

/// The address of an input buffer of at least `len` bytes, reused across calls.
#[doc(hidden)]
#[wasm_bindgen(js_name = __input, skip_typescript)]
pub fn input(len: usize) -> usize {
    INPUT.with(|b| {
        let mut b = b.borrow_mut();
        if b.len() < len {
            b.resize(len, 0);
        }
        b.as_mut_ptr() as usize
    })
}

/// Validates the first `len` input bytes as request body number `body` (of
/// `requestBodyNames()`), for a caller that holds the first `held` texts of
/// run `generation` of earlier answers' ids: 0 when valid, else the number
/// of violations, left in `__output()`, negated when the text is blank or
/// not JSON (its one violation is then the server's `required` / `format`).
#[doc(hidden)]
#[wasm_bindgen(js_name = __check, skip_typescript)]
pub fn check(body: usize, len: usize, held: usize, generation: u32) -> i32 {
    let Some(request) = catalog::REQUESTS.get(body) else {
        return 0;
    };
    OUTPUT.with(|o| {
        let o = &mut *o.borrow_mut();
        o.begin(held, generation);
        let written = with_input(len, |bytes| (request.write)(bytes, o));
        let malformed = match written {
            Ok(()) => false,
            Err(v) => {
                o.violation(&v.path, v.code, &v.message);
                true
            }
        };
        let header = [
            o.fresh.as_ptr() as u32,
            o.fresh.len() as u32,
            o.fresh_lengths.as_ptr() as u32,
            o.base,
            o.fresh_lengths.len() as u32,
            o.generation,
        ];
        // `zip`, not a range: slicing would link its panic's formatting.
        o.numbers.iter_mut().zip(header).for_each(|(n, h)| *n = h);
        let n = o.count() as i32;
        if malformed {
            -n
        } else {
            n
        }
    })
}

/// The first `len` bytes JavaScript wrote into the input buffer. Also what
/// bench/boundary's floor exports, built with this module, read.
pub(crate) fn with_input<R>(len: usize, f: impl FnOnce(&[u8]) -> R) -> R {
    INPUT.with(|b| {
        let b = b.borrow();
        f(&b[..len.min(b.len())])
    })
}

/// Where `__check` left the violations: the address of `OUTPUT`'s numbers.
#[doc(hidden)]
#[wasm_bindgen(js_name = __output, skip_typescript)]
pub fn output() -> usize {
    OUTPUT.with(|o| o.borrow().numbers.as_ptr() as usize)
}

/// The wasm's memory, for the JavaScript side to write and read the buffers.
#[doc(hidden)]
#[wasm_bindgen(js_name = __memory, skip_typescript)]
pub fn memory() -> JsValue {
    wasm_bindgen::memory()
}

/// The names `validate` accepts.
#[wasm_bindgen(js_name = requestBodyNames, unchecked_return_type = "RequestBodyName[]")]
pub fn request_body_names() -> Array {
    catalog::REQUESTS.iter().map(|r| JsValue::from_str(r.name)).collect()
}
