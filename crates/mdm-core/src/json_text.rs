//! JSON text written by hand: numbers, string literals and violation lists.
//! Messages and the npm package's output are built with these instead of
//! `format!`, whose formatting machinery would otherwise be linked into every
//! wasm build that validates.

use crate::violation::Violation;

/// JSON text's bytes as a `Value`, read with `serde_json::from_str`: the
/// one instantiation of serde_json's reader in the wasm builds (each of
/// `from_slice` and `from_str` is a copy of it, BENCHMARKS.md 0m). Bytes that
/// are not UTF-8 are not JSON text.
pub fn parse_value(bytes: &[u8]) -> Result<serde_json::Value, String> {
    match std::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str(text).map_err(|e| e.to_string()),
        Err(_) => Err("invalid UTF-8".to_string()),
    }
}

/// Appends the decimal digits of `n`.
pub fn push_u64(out: &mut String, mut n: u64) {
    if n < 10 {
        // Most item indexes and many bounds.
        out.push((b'0' + n as u8) as char);
        return;
    }
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // One `push_str` of ASCII digits, not a `char` push per digit.
    out.push_str(std::str::from_utf8(&digits[at..]).unwrap_or_default());
}

/// Appends `n` in decimal, with a minus sign when negative.
pub fn push_i64(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    push_u64(out, n.unsigned_abs());
}

/// `prefix` followed by `n`: "must be at least 60".
pub fn with_number(prefix: &str, n: i64, suffix: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + 20 + suffix.len());
    out.push_str(prefix);
    push_i64(&mut out, n);
    out.push_str(suffix);
    out
}

/// Appends `s` as a JSON string literal. A Rust `str` has no lone
/// surrogates, so only quotes, backslashes and control characters are escaped.
pub fn push_str_literal(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 0xf] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `[{"path":…,"code":…,"message":…},…]`: what `JSON.stringify` of the
/// violations as plain objects writes, up to escaping.
pub fn violations(list: &[Violation]) -> String {
    let mut out = String::with_capacity(64 * list.len() + 2);
    out.push('[');
    for (i, v) in list.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"path\":");
        push_str_literal(&mut out, &v.path);
        out.push_str(",\"code\":");
        push_str_literal(&mut out, v.code.as_str());
        out.push_str(",\"message\":");
        push_str_literal(&mut out, &v.message);
        out.push('}');
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::violation::ViolationCode;
    use serde_json::Value;

    #[test]
    fn numbers() {
        for n in [0i64, 7, -7, 60, i64::MAX, i64::MIN, -9_007_199_254_740_991] {
            let mut s = String::new();
            push_i64(&mut s, n);
            assert_eq!(s, n.to_string());
        }
        assert_eq!(with_number("at most ", 5, " items"), "at most 5 items");
    }

    #[test]
    fn violations_are_what_json_parse_reads_back() {
        assert_eq!(violations(&[]), "[]");
        let list = [
            Violation::new("a.b[0]", ViolationCode::Min, "must be at least 60"),
            Violation::new("", ViolationCode::Format, "malformed JSON: \"x\\y\"\n\u{1}\u{1f} é 😀"),
        ];
        let text = violations(&list);
        let back: Value = serde_json::from_str(&text).unwrap();
        let expected: Vec<Value> = list
            .iter()
            .map(|v| serde_json::json!({"path": v.path, "code": v.code.as_str(), "message": v.message}))
            .collect();
        assert_eq!(back, Value::Array(expected));
        assert!(text.contains("\\u0001\\u001f"), "{text}");
    }
}
