//! The bytes of a JSON text, read the way serde_json reads them (the crate the
//! worker used before and still uses to build typed structs): the same grammar,
//! the same number values (serde_json's own float algorithm, not a correctly
//! rounded one), the same nesting limit and the same error messages with the
//! same line and column. A body is therefore malformed here exactly when
//! serde_json would refuse it, with the very text it would print.

/// A syntax error: serde_json's message, the byte offset its position is
/// computed from, and how many columns to step back from there (invalid UTF-8
/// in a string is reported at the closing quote less the invalid tail).
#[derive(Debug)]
pub struct SyntaxError {
    pub message: &'static str,
    pub at: usize,
    pub less: usize,
}

/// A JSON number as serde_json classifies it.
#[derive(Debug, Clone, Copy)]
pub enum Num {
    /// A non-negative integer that fits `u64`.
    U(u64),
    /// A negative integer that fits `i64`.
    I(i64),
    /// Everything else: a fraction, an exponent, `-0`, or too many digits.
    F(f64),
}

impl Num {
    pub fn as_f64(self) -> f64 {
        match self {
            Num::U(u) => u as f64,
            Num::I(i) => i as f64,
            Num::F(f) => f,
        }
    }
}

/// A string token: its content between the quotes, and its length in
/// Unicode scalar values.
#[derive(Debug, Clone, Copy)]
pub struct Str {
    pub start: usize,
    pub end: usize,
    pub escaped: bool,
    pub chars: usize,
}

/// The bytes that end a run of plain ASCII in a string: a quote, a
/// backslash, a control character or a byte of a multi-byte character.
const NOT_PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = b < 0x20 || b >= 0x80 || b == b'"' as usize || b == b'\\' as usize;
        b += 1;
    }
    t
};

/// Where the first byte of `NOT_PLAIN` is in `bytes`: eight bytes at a time,
/// the last few by the table.
fn first_not_plain(bytes: &[u8]) -> Option<usize> {
    use crate::words::{HIGH, ONES};
    // Marks a zero byte / a byte below 0x20 with its high bit. A borrow can
    // also mark bytes after a marked one, never before it: the lowest mark is
    // exactly the first such byte (little-endian: the lowest bits come first).
    let zero = |v: u64| v.wrapping_sub(ONES) & !v;
    let mut at = 0;
    for chunk in bytes.chunks_exact(8) {
        let x = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or_default());
        let special =
            (zero(x ^ (ONES * b'"' as u64)) | zero(x ^ (ONES * b'\\' as u64)) | (x.wrapping_sub(ONES * 0x20) & !x) | x)
                & HIGH;
        if special != 0 {
            return Some(at + (special.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let rest = bytes.get(at..).unwrap_or_default();
    rest.iter().position(|&b| NOT_PLAIN[b as usize]).map(|n| at + n)
}

pub type Result<T> = core::result::Result<T, SyntaxError>;

const EOF_LIST: &str = "EOF while parsing a list";
const EOF_OBJECT: &str = "EOF while parsing an object";
const EOF_STRING: &str = "EOF while parsing a string";
const EOF_VALUE: &str = "EOF while parsing a value";
const EXPECTED_COLON: &str = "expected `:`";
const EXPECTED_LIST_COMMA: &str = "expected `,` or `]`";
const EXPECTED_OBJECT_COMMA: &str = "expected `,` or `}`";
const EXPECTED_IDENT: &str = "expected ident";
pub const EXPECTED_VALUE: &str = "expected value";
const INVALID_ESCAPE: &str = "invalid escape";
const INVALID_NUMBER: &str = "invalid number";
const OUT_OF_RANGE: &str = "number out of range";
const INVALID_CODE_POINT: &str = "invalid unicode code point";
const CONTROL_CHARACTER: &str = "control character (\\u0000-\\u001F) found while parsing a string";
const KEY_NOT_STRING: &str = "key must be a string";
const LONE_SURROGATE: &str = "lone leading surrogate in hex escape";
const TRAILING_COMMA: &str = "trailing comma";
const TRAILING_CHARACTERS: &str = "trailing characters";
const END_OF_HEX_ESCAPE: &str = "unexpected end of hex escape";
const RECURSION_LIMIT: &str = "recursion limit exceeded";

/// serde_json's nesting budget: 127 nested arrays or objects parse, 128 do not.
const DEPTH: u8 = 128;

pub struct Reader<'a> {
    pub bytes: &'a [u8],
    pub i: usize,
    remaining_depth: u8,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader {
            bytes,
            i: 0,
            remaining_depth: DEPTH,
        }
    }

    /// An error about the byte just consumed (serde_json's `error`).
    pub fn error(&self, message: &'static str) -> SyntaxError {
        SyntaxError {
            message,
            at: self.i,
            less: 0,
        }
    }

    /// An error about the next byte (serde_json's `peek_error`).
    pub fn peek_error(&self, message: &'static str) -> SyntaxError {
        SyntaxError {
            message,
            at: (self.i + 1).min(self.bytes.len()),
            less: 0,
        }
    }

    #[inline]
    pub fn peek(&self) -> Option<u8> {
        self.bytes.get(self.i).copied()
    }

    #[inline]
    fn peek_or_null(&self) -> u8 {
        self.peek().unwrap_or(0)
    }

    #[inline]
    pub fn eat(&mut self) {
        self.i += 1;
    }

    #[inline]
    fn next(&mut self) -> Option<u8> {
        let b = self.peek();
        if b.is_some() {
            self.i += 1;
        }
        b
    }

    /// The next byte that is not JSON whitespace, not consumed.
    #[inline]
    pub fn whitespace(&mut self) -> Option<u8> {
        while let Some(b) = self.peek() {
            if !matches!(b, b' ' | b'\n' | b'\t' | b'\r') {
                return Some(b);
            }
            self.i += 1;
        }
        None
    }

    /// After the top-level value: only whitespace may follow.
    pub fn end(&mut self) -> Result<()> {
        match self.whitespace() {
            Some(_) => Err(self.peek_error(TRAILING_CHARACTERS)),
            None => Ok(()),
        }
    }

    /// The first byte of a value, not consumed.
    pub fn value_start(&mut self) -> Result<u8> {
        self.whitespace().ok_or_else(|| self.peek_error(EOF_VALUE))
    }

    /// Consumes `[` or `{` within the nesting budget.
    pub fn enter(&mut self) -> Result<()> {
        self.remaining_depth -= 1;
        if self.remaining_depth == 0 {
            return Err(self.peek_error(RECURSION_LIMIT));
        }
        self.eat();
        Ok(())
    }

    pub fn leave(&mut self) {
        self.remaining_depth += 1;
    }

    /// The rest of `null`, `true` or `false` after its first byte.
    pub fn ident(&mut self, rest: &[u8]) -> Result<()> {
        for expected in rest {
            match self.next() {
                None => return Err(self.error(EOF_VALUE)),
                Some(b) if b != *expected => return Err(self.error(EXPECTED_IDENT)),
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// Before each array item: `Ok(false)` at the closing `]` (consumed).
    pub fn next_item(&mut self, first: bool) -> Result<bool> {
        let peek = self.whitespace().ok_or_else(|| self.peek_error(EOF_LIST))?;
        if peek == b']' {
            self.eat();
            return Ok(false);
        }
        if first {
            return Ok(true);
        }
        if peek != b',' {
            return Err(self.peek_error(EXPECTED_LIST_COMMA));
        }
        self.eat();
        match self.whitespace() {
            Some(b']') => Err(self.peek_error(TRAILING_COMMA)),
            Some(_) => Ok(true),
            None => Err(self.peek_error(EOF_VALUE)),
        }
    }

    /// Before each object member: its key, or `None` at the closing `}` (consumed).
    pub fn next_key(&mut self, first: bool) -> Result<Option<Str>> {
        let peek = self.whitespace().ok_or_else(|| self.peek_error(EOF_OBJECT))?;
        if peek == b'}' {
            self.eat();
            return Ok(None);
        }
        if first {
            if peek != b'"' {
                return Err(self.peek_error(KEY_NOT_STRING));
            }
        } else if peek == b',' {
            self.eat();
            match self.whitespace() {
                Some(b'"') => {}
                Some(b'}') => return Err(self.peek_error(TRAILING_COMMA)),
                Some(_) => return Err(self.peek_error(KEY_NOT_STRING)),
                None => return Err(self.peek_error(EOF_VALUE)),
            }
        } else {
            return Err(self.peek_error(EXPECTED_OBJECT_COMMA));
        }
        self.eat();
        let key = self.string()?;
        match self.whitespace() {
            Some(b':') => self.eat(),
            Some(_) => return Err(self.peek_error(EXPECTED_COLON)),
            None => return Err(self.peek_error(EOF_OBJECT)),
        }
        Ok(Some(key))
    }

    /// A string's content, after its opening quote, through its closing quote.
    pub fn string(&mut self) -> Result<Str> {
        let start = self.i;
        // Most strings are plain ASCII up to their closing quote: then they
        // are valid UTF-8 and have one character per byte, with no second pass.
        let rest = &self.bytes[self.i..];
        if let Some(n) = first_not_plain(rest) {
            if rest[n] == b'"' {
                self.i += n + 1;
                return Ok(Str {
                    start,
                    end: self.i - 1,
                    escaped: false,
                    chars: n,
                });
            }
        }
        let mut escaped = false;
        let mut chars = 0usize;
        // Decoded length up to the first invalid UTF-8 byte sequence, if any:
        // serde_json validates the decoded string once it is complete.
        let mut decoded = 0usize;
        let mut invalid_at: Option<usize> = None;
        let mut seg = self.i;
        loop {
            // Plain bytes up to a quote, a backslash or a control character.
            let rest = &self.bytes[self.i..];
            let n = rest
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                .unwrap_or(rest.len());
            self.i += n;
            if self.i == self.bytes.len() {
                return Err(self.error(EOF_STRING));
            }
            let raw = &self.bytes[seg..self.i];
            if invalid_at.is_none() {
                match core::str::from_utf8(raw) {
                    Ok(_) => {}
                    Err(e) => invalid_at = Some(decoded + e.valid_up_to()),
                }
            }
            chars += raw.iter().filter(|&&b| b & 0xC0 != 0x80).count();
            decoded += raw.len();
            match self.bytes[self.i] {
                b'"' => {
                    self.i += 1;
                    if let Some(valid) = invalid_at {
                        return Err(SyntaxError {
                            message: INVALID_CODE_POINT,
                            at: self.i,
                            less: decoded - valid,
                        });
                    }
                    return Ok(Str {
                        start,
                        end: self.i - 1,
                        escaped,
                        chars,
                    });
                }
                b'\\' => {
                    self.i += 1;
                    escaped = true;
                    decoded += self.escape()?;
                    chars += 1;
                    seg = self.i;
                }
                _ => {
                    self.i += 1;
                    return Err(self.error(CONTROL_CHARACTER));
                }
            }
        }
    }

    /// One escape after its backslash; returns its length in UTF-8.
    fn escape(&mut self) -> Result<usize> {
        let Some(ch) = self.next() else {
            return Err(self.error(EOF_STRING));
        };
        match ch {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Ok(1),
            b'u' => self.unicode_escape(),
            _ => Err(self.error(INVALID_ESCAPE)),
        }
    }

    fn hex4(&mut self) -> Result<u16> {
        if self.bytes.len() - self.i < 4 {
            self.i = self.bytes.len();
            return Err(self.error(EOF_STRING));
        }
        let mut n = 0u16;
        let mut ok = true;
        for &b in &self.bytes[self.i..self.i + 4] {
            let d = match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                b'A'..=b'F' => b - b'A' + 10,
                _ => {
                    ok = false;
                    0
                }
            };
            n = (n << 4) | d as u16;
        }
        self.i += 4;
        if ok {
            Ok(n)
        } else {
            Err(self.error(INVALID_ESCAPE))
        }
    }

    fn unicode_escape(&mut self) -> Result<usize> {
        let n = self.hex4()?;
        if (0xDC00..=0xDFFF).contains(&n) {
            return Err(self.error(LONE_SURROGATE));
        }
        if !(0xD800..=0xDBFF).contains(&n) {
            return Ok(match n {
                0..=0x7F => 1,
                0x80..=0x7FF => 2,
                _ => 3,
            });
        }
        for expected in [b'\\', b'u'] {
            match self.peek() {
                None => return Err(self.error(EOF_STRING)),
                Some(b) => {
                    self.i += 1;
                    if b != expected {
                        return Err(self.error(END_OF_HEX_ESCAPE));
                    }
                }
            }
        }
        let n2 = self.hex4()?;
        if !(0xDC00..=0xDFFF).contains(&n2) {
            return Err(self.error(LONE_SURROGATE));
        }
        Ok(4)
    }

    /// A number starting at the current byte (`-` or a digit, not consumed).
    pub fn number(&mut self) -> Result<Num> {
        let positive = if self.peek() == Some(b'-') {
            self.eat();
            false
        } else {
            true
        };
        let Some(first) = self.next() else {
            return Err(self.error(EOF_VALUE));
        };
        match first {
            b'0' => {
                if self.peek_or_null().is_ascii_digit() {
                    return Err(self.peek_error(INVALID_NUMBER));
                }
                self.number_rest(positive, 0)
            }
            b'1'..=b'9' => {
                let mut significand = (first - b'0') as u64;
                loop {
                    let c = self.peek_or_null();
                    if !c.is_ascii_digit() {
                        return self.number_rest(positive, significand);
                    }
                    let digit = (c - b'0') as u64;
                    if overflows_u64(significand, digit) {
                        return self.long_integer(positive, significand).map(Num::F);
                    }
                    self.eat();
                    significand = significand * 10 + digit;
                }
            }
            _ => Err(self.error(INVALID_NUMBER)),
        }
    }

    fn number_rest(&mut self, positive: bool, significand: u64) -> Result<Num> {
        Ok(match self.peek_or_null() {
            b'.' => Num::F(self.decimal(positive, significand, 0)?),
            b'e' | b'E' => Num::F(self.exponent(positive, significand, 0)?),
            _ if positive => Num::U(significand),
            _ => {
                let neg = (significand as i64).wrapping_neg();
                if neg >= 0 {
                    Num::F(-(significand as f64))
                } else {
                    Num::I(neg)
                }
            }
        })
    }

    fn decimal(&mut self, positive: bool, mut significand: u64, exponent_before: i32) -> Result<f64> {
        self.eat();
        let mut exponent_after = 0i32;
        while let c @ b'0'..=b'9' = self.peek_or_null() {
            let digit = (c - b'0') as u64;
            if overflows_u64(significand, digit) {
                return self.decimal_overflow(positive, significand, exponent_before + exponent_after);
            }
            self.eat();
            significand = significand * 10 + digit;
            exponent_after -= 1;
        }
        if exponent_after == 0 {
            return Err(match self.peek() {
                Some(_) => self.peek_error(INVALID_NUMBER),
                None => self.peek_error(EOF_VALUE),
            });
        }
        let exponent = exponent_before + exponent_after;
        match self.peek_or_null() {
            b'e' | b'E' => self.exponent(positive, significand, exponent),
            _ => self.assemble(positive, significand, exponent),
        }
    }

    fn exponent(&mut self, positive: bool, significand: u64, starting_exp: i32) -> Result<f64> {
        self.eat();
        let positive_exp = match self.peek_or_null() {
            b'+' => {
                self.eat();
                true
            }
            b'-' => {
                self.eat();
                false
            }
            _ => true,
        };
        let Some(next) = self.next() else {
            return Err(self.error(EOF_VALUE));
        };
        let mut exp = match next {
            c @ b'0'..=b'9' => (c - b'0') as i32,
            _ => return Err(self.error(INVALID_NUMBER)),
        };
        while let c @ b'0'..=b'9' = self.peek_or_null() {
            self.eat();
            let digit = (c - b'0') as i32;
            if exp >= i32::MAX / 10 && (exp > i32::MAX / 10 || digit > i32::MAX % 10) {
                return self.exponent_overflow(positive, significand == 0, positive_exp);
            }
            exp = exp * 10 + digit;
        }
        let final_exp = if positive_exp {
            starting_exp.saturating_add(exp)
        } else {
            starting_exp.saturating_sub(exp)
        };
        self.assemble(positive, significand, final_exp)
    }

    fn exponent_overflow(&mut self, positive: bool, zero_significand: bool, positive_exp: bool) -> Result<f64> {
        if !zero_significand && positive_exp {
            return Err(self.error(OUT_OF_RANGE));
        }
        while self.peek_or_null().is_ascii_digit() {
            self.eat();
        }
        Ok(if positive { 0.0 } else { -0.0 })
    }

    fn long_integer(&mut self, positive: bool, significand: u64) -> Result<f64> {
        let mut exponent = 0i32;
        loop {
            match self.peek_or_null() {
                b'0'..=b'9' => {
                    self.eat();
                    exponent += 1;
                }
                b'.' => return self.decimal(positive, significand, exponent),
                b'e' | b'E' => return self.exponent(positive, significand, exponent),
                _ => return self.assemble(positive, significand, exponent),
            }
        }
    }

    fn decimal_overflow(&mut self, positive: bool, significand: u64, exponent: i32) -> Result<f64> {
        while self.peek_or_null().is_ascii_digit() {
            self.eat();
        }
        match self.peek_or_null() {
            b'e' | b'E' => self.exponent(positive, significand, exponent),
            _ => self.assemble(positive, significand, exponent),
        }
    }

    /// serde_json's float assembly without `float_roundtrip`: the significand
    /// times or divided by one power of ten from its table.
    fn assemble(&mut self, positive: bool, significand: u64, mut exponent: i32) -> Result<f64> {
        let mut f = significand as f64;
        loop {
            match POW10.get(exponent.wrapping_abs() as usize) {
                Some(&pow) => {
                    if exponent >= 0 {
                        f *= pow;
                        if f.is_infinite() {
                            return Err(self.error(OUT_OF_RANGE));
                        }
                    } else {
                        f /= pow;
                    }
                    break;
                }
                None => {
                    if f == 0.0 {
                        break;
                    }
                    if exponent >= 0 {
                        return Err(self.error(OUT_OF_RANGE));
                    }
                    f /= 1e308;
                    exponent += 308;
                }
            }
        }
        Ok(if positive { f } else { -f })
    }
}

#[inline]
fn overflows_u64(significand: u64, digit: u64) -> bool {
    significand >= u64::MAX / 10 && (significand > u64::MAX / 10 || digit > u64::MAX % 10)
}

/// `(line, column)` of the error, as serde_json reports it.
pub fn position(bytes: &[u8], e: &SyntaxError) -> (usize, usize) {
    let (i, less) = (e.at, e.less);
    let start_of_line = bytes[..i].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let line = 1 + bytes[..start_of_line].iter().filter(|&&b| b == b'\n').count();
    (line, (i - start_of_line).saturating_sub(less))
}

#[rustfmt::skip]
static POW10: [f64; 309] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
    1e18, 1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 1e25, 1e26, 1e27, 1e28, 1e29, 1e30, 1e31, 1e32, 1e33,
    1e34, 1e35, 1e36, 1e37, 1e38, 1e39, 1e40, 1e41, 1e42, 1e43, 1e44, 1e45, 1e46, 1e47, 1e48, 1e49,
    1e50, 1e51, 1e52, 1e53, 1e54, 1e55, 1e56, 1e57, 1e58, 1e59, 1e60, 1e61, 1e62, 1e63, 1e64, 1e65,
    1e66, 1e67, 1e68, 1e69, 1e70, 1e71, 1e72, 1e73, 1e74, 1e75, 1e76, 1e77, 1e78, 1e79, 1e80, 1e81,
    1e82, 1e83, 1e84, 1e85, 1e86, 1e87, 1e88, 1e89, 1e90, 1e91, 1e92, 1e93, 1e94, 1e95, 1e96, 1e97,
    1e98, 1e99, 1e100, 1e101, 1e102, 1e103, 1e104, 1e105, 1e106, 1e107, 1e108, 1e109, 1e110, 1e111,
    1e112, 1e113, 1e114, 1e115, 1e116, 1e117, 1e118, 1e119, 1e120, 1e121, 1e122, 1e123, 1e124, 1e125,
    1e126, 1e127, 1e128, 1e129, 1e130, 1e131, 1e132, 1e133, 1e134, 1e135, 1e136, 1e137, 1e138, 1e139,
    1e140, 1e141, 1e142, 1e143, 1e144, 1e145, 1e146, 1e147, 1e148, 1e149, 1e150, 1e151, 1e152, 1e153,
    1e154, 1e155, 1e156, 1e157, 1e158, 1e159, 1e160, 1e161, 1e162, 1e163, 1e164, 1e165, 1e166, 1e167,
    1e168, 1e169, 1e170, 1e171, 1e172, 1e173, 1e174, 1e175, 1e176, 1e177, 1e178, 1e179, 1e180, 1e181,
    1e182, 1e183, 1e184, 1e185, 1e186, 1e187, 1e188, 1e189, 1e190, 1e191, 1e192, 1e193, 1e194, 1e195,
    1e196, 1e197, 1e198, 1e199, 1e200, 1e201, 1e202, 1e203, 1e204, 1e205, 1e206, 1e207, 1e208, 1e209,
    1e210, 1e211, 1e212, 1e213, 1e214, 1e215, 1e216, 1e217, 1e218, 1e219, 1e220, 1e221, 1e222, 1e223,
    1e224, 1e225, 1e226, 1e227, 1e228, 1e229, 1e230, 1e231, 1e232, 1e233, 1e234, 1e235, 1e236, 1e237,
    1e238, 1e239, 1e240, 1e241, 1e242, 1e243, 1e244, 1e245, 1e246, 1e247, 1e248, 1e249, 1e250, 1e251,
    1e252, 1e253, 1e254, 1e255, 1e256, 1e257, 1e258, 1e259, 1e260, 1e261, 1e262, 1e263, 1e264, 1e265,
    1e266, 1e267, 1e268, 1e269, 1e270, 1e271, 1e272, 1e273, 1e274, 1e275, 1e276, 1e277, 1e278, 1e279,
    1e280, 1e281, 1e282, 1e283, 1e284, 1e285, 1e286, 1e287, 1e288, 1e289, 1e290, 1e291, 1e292, 1e293,
    1e294, 1e295, 1e296, 1e297, 1e298, 1e299, 1e300, 1e301, 1e302, 1e303, 1e304, 1e305, 1e306, 1e307,
    1e308
];

#[cfg(test)]
mod tests {
    use super::{first_not_plain, NOT_PLAIN};

    #[test]
    fn first_not_plain_finds_each_stop_byte_at_each_place() {
        for stop in (0..=255u8).filter(|b| NOT_PLAIN[*b as usize]) {
            for len in [0, 1, 7, 8, 9, 16, 23] {
                for at in 0..len {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = stop;
                    assert_eq!(first_not_plain(&bytes), Some(at), "byte {stop:#x} at {at} of {len}");
                }
                assert_eq!(first_not_plain(&vec![b'~'; len]), None);
            }
        }
    }
}
