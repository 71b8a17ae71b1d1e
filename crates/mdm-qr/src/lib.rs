//! The npm package's QR encoder (`pkg/dist/mdm_qr.wasm`): a wasm apart from
//! the validators, so the package's main wasm does not carry it and a
//! runtime that never draws a QR code never instantiates it
//! (pkg/src/qr.js loads it on the first `qrSvg` call).
//!
//! No wasm-bindgen: JavaScript writes the text with `TextEncoder.encodeInto`
//! at `qr_input(len)`, calls `qr_svg`, and decodes the result at `qr_output()`.

pub mod qr;

use std::cell::RefCell;

thread_local! {
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static OUTPUT: RefCell<String> = const { RefCell::new(String::new()) };
}

/// The address of an input buffer of at least `len` bytes.
#[no_mangle]
pub extern "C" fn qr_input(len: usize) -> *mut u8 {
    INPUT.with(|b| {
        let mut b = b.borrow_mut();
        if b.len() < len {
            b.resize(len, 0);
        }
        b.as_mut_ptr()
    })
}

/// The SVG of the first `len` input bytes (UTF-8) at error correction `ec`
/// (0 = L, 1 = M, 2 = Q, 3 = H): its byte length at `qr_output()`, or the
/// negated length of the reason when the text does not fit in a QR code.
#[no_mangle]
pub extern "C" fn qr_svg(len: usize, ec: u32) -> i32 {
    let level = match ec {
        0 => qrcodegen::QrCodeEcc::Low,
        2 => qrcodegen::QrCodeEcc::Quartile,
        3 => qrcodegen::QrCodeEcc::High,
        _ => qrcodegen::QrCodeEcc::Medium,
    };
    let result = INPUT.with(|b| {
        let b = b.borrow();
        let text = String::from_utf8_lossy(&b[..len.min(b.len())]).into_owned();
        qr::svg(&text, level)
    });
    let (text, sign) = match result {
        Ok(svg) => (svg, 1),
        Err(e) => (e.to_string(), -1),
    };
    let n = text.len() as i32;
    OUTPUT.with(|o| *o.borrow_mut() = text);
    sign * n
}

/// Where `qr_svg` left its answer.
#[no_mangle]
pub extern "C" fn qr_output() -> *const u8 {
    OUTPUT.with(|o| o.borrow().as_ptr())
}
