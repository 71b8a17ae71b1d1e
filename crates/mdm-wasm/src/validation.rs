//! The package's validation exports (`pkg/src/validate.js` is their other
//! half). A module of its own so that `bench/boundary` builds exactly this
//! code, and nothing else of the package, for the size floor of validation
//! (BENCHMARKS.md, section 0e).

use js_sys::Array;
use mdm_core::catalog;
use mdm_core::violation::{Sink, Written};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

// The JavaScript side (pkg/src/validate.js) writes a body's JSON text with
// `TextEncoder.encodeInto` straight into `INPUT` (no per-character copy
// loop), calls `__check`, and reads nothing back for a valid body. Violations
// come back as one text, the path and message of each in turn, written
// straight from the validator (`scan::write`: no `String` per violation), and
// per violation the path's length, the code's number and the message's
// length, lengths in UTF-16 units: JavaScript decodes the text once, slices
// it, and names the code from its own table (no `JSON.parse`, which cost
// more than the whole check).

thread_local! {
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// The violations of the last `__check`: `lengths` holds the address and
    /// byte length of `text`, then each violation's three numbers.
    static OUTPUT: RefCell<Written> = const { RefCell::new(Written::new(2)) };
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
/// `requestBodyNames()`): 0 when valid, else the number of violations, left
/// in `__output()`, negated when the text is blank or not JSON (its one
/// violation is then the server's `required` / `format`).
#[doc(hidden)]
#[wasm_bindgen(js_name = __check, skip_typescript)]
pub fn check(body: usize, len: usize) -> i32 {
    let Some(request) = catalog::REQUESTS.get(body) else {
        return 0;
    };
    OUTPUT.with(|o| {
        let o = &mut *o.borrow_mut();
        o.clear();
        let written = with_input(len, |bytes| (request.write)(bytes, o));
        let malformed = match written {
            Ok(()) => false,
            Err(v) => {
                o.violation(&v.path, v.code, &v.message);
                true
            }
        };
        o.utf16();
        o.lengths[0] = o.text.as_ptr() as u32;
        o.lengths[1] = o.text.len() as u32;
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

/// Where `__check` left the violations: the address of `OUTPUT`'s `lengths`.
#[doc(hidden)]
#[wasm_bindgen(js_name = __output, skip_typescript)]
pub fn output() -> usize {
    OUTPUT.with(|o| o.borrow().lengths.as_ptr() as usize)
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

#[cfg(test)]
mod tests {
    use mdm_core::catalog;
    use mdm_core::violation::{Part, Sink, Violation, ViolationCode, Written};

    /// What `pkg/src/validate.js` reads back from `__check`'s output, once
    /// its lengths are UTF-16 units.
    fn read_back(o: &mut Written) -> Vec<Violation> {
        o.utf16();
        let units: Vec<u16> = o.text.encode_utf16().collect();
        let mut at = 0;
        let mut slice = |len: u32| {
            let part = String::from_utf16(&units[at..at + len as usize]).unwrap();
            at += len as usize;
            part
        };
        o.lengths[2..]
            .chunks(3)
            .map(|l| {
                let path = slice(l[0]);
                let message = slice(l[2]);
                Violation::new(path, ViolationCode::ALL[l[1] as usize], message)
            })
            .collect()
    }

    #[test]
    fn output_reads_back_as_the_checked_list() {
        let device = catalog::request_check("AospDeviceUpdate").unwrap();
        let many: String = (0..150).map(|i| format!("\"k{i}\":1,")).collect();
        let bodies = [
            r#"{"displayName":"","tags":["ok",""],"policyId":"x","segmentId":"1","ü\u00e9":1,"é":2}"#.to_owned(),
            format!("{{{many}\"displayName\":\"{}\"}}", "ü".repeat(300)),
            format!("{{\"{}\":1}}", "é".repeat(150)),
            // A path cut after an earlier violation's texts.
            format!("{{\"displayName\":1,\"{}\":1}}", "é".repeat(150)),
            r#"{"aosPolicyAssignments":[{"aosPolicyId":"65a1b2c3d4e5f60718293a4b","priority":"x"},{"zz":1,"aa":2}]}"#
                .to_owned(),
        ];
        for body in &bodies {
            let want = device.check(body.as_bytes()).unwrap();
            assert!(!want.is_empty(), "{body}");
            let mut o = Written::new(2);
            o.clear();
            (device.write)(body.as_bytes(), &mut o).unwrap();
            assert_eq!(read_back(&mut o), want, "{body}");
        }
        let mut o = Written::new(2);
        o.clear();
        o.violation("é.ü", ViolationCode::TooMany, "x");
        // Both texts cut, after an earlier violation's: as `capped` cuts them.
        let mut long = |part: Part, out: &mut String| match part {
            Part::Path => out.push_str(&"ü".repeat(120)),
            Part::Message => out.push_str(&"m".repeat(101)),
        };
        o.violation_written(ViolationCode::Format, &mut long);
        let cut = Violation::written(ViolationCode::Format, &mut long);
        assert_eq!(cut.path.chars().count(), 101);
        assert_eq!(cut.message, format!("{}…", "m".repeat(100)));
        assert_eq!(
            read_back(&mut o),
            vec![Violation::new("é.ü", ViolationCode::TooMany, "x"), cut]
        );
    }
}
