//! Read-only access to a JSON value for the cross-field rules of request
//! bodies (`RequestBody::cross_field_rules`). The rules are written once
//! against [`JsonView`]; the single-pass validator runs them over the body's
//! bytes ([`Raw`]), the test oracle over a `serde_json::Value`.

use std::borrow::Cow;

/// The few reads cross-field rules make. `get` finds the last member with
/// that key, as a parser that keeps the last duplicate would.
pub trait JsonView<'a>: Copy {
    /// The member `key` of an object; `None` for anything else.
    fn get(self, key: &str) -> Option<Self>;
    fn as_str(self) -> Option<Cow<'a, str>>;
    /// A string's content as UTF-8 bytes: `as_str` without the UTF-8 check
    /// (a body's strings passed it already), for rules that compare bytes.
    fn as_bytes(self) -> Option<Cow<'a, [u8]>>;
    fn as_bool(self) -> Option<bool>;
    /// The items of an array; `None` for anything else.
    fn items(self) -> Option<impl ExactSizeIterator<Item = Self>>;
}

/// One JSON value as bytes, already checked by the validator (so reading it
/// needs no error handling), without surrounding whitespace, and where the
/// walk recorded its members or items.
#[derive(Debug, Clone, Copy)]
pub struct Raw<'a>(pub &'a [u8], pub Members<'a>);

/// Where the members (or items) of a value are, recorded by the walk as it
/// read them, so that the rules' `get` and `items` look them up instead of
/// scanning the text again.
#[derive(Debug, Clone, Copy)]
pub struct Members<'a> {
    pub text: &'a [u8],
    /// The members and items of every value, by nesting level (the top
    /// value's are level 0), each level in the order read: the members of
    /// one value are next to each other.
    pub levels: &'a [Vec<Member>],
    /// The level of `levels` this value's members are at, and where.
    pub level: usize,
    pub range: (u32, u32),
}

/// One member's key content (an item's: empty) and value, as byte ranges
/// of the text, and where the value's own members or items are in the next level.
#[derive(Debug, Clone, Copy, Default)]
pub struct Member {
    pub key: (u32, u32),
    pub value: (u32, u32),
    pub children: (u32, u32),
}

impl<'a> Members<'a> {
    fn places(self) -> &'a [Member] {
        let level = self.levels.get(self.level).map_or(&[][..], |l| l);
        level
            .get(self.range.0 as usize..self.range.1 as usize)
            .unwrap_or_default()
    }

    fn value(self, m: &Member) -> Raw<'a> {
        let bytes = self
            .text
            .get(m.value.0 as usize..m.value.1 as usize)
            .unwrap_or_default();
        let members = Members {
            level: self.level + 1,
            range: m.children,
            ..self
        };
        Raw(bytes, members)
    }
}

impl<'a> JsonView<'a> for Raw<'a> {
    fn get(self, key: &str) -> Option<Self> {
        if self.0.first() != Some(&b'{') {
            return None;
        }
        // The last member with that key, as in a parsed map.
        let m = self.1;
        let found = m.places().iter().rev().find(|p| {
            let name = m.text.get(p.key.0 as usize..p.key.1 as usize).unwrap_or_default();
            key_is(name, key)
        });
        found.map(|p| m.value(p))
    }

    fn as_str(self) -> Option<Cow<'a, str>> {
        match self.as_bytes()? {
            Cow::Borrowed(b) => std::str::from_utf8(b).ok().map(Cow::Borrowed),
            Cow::Owned(v) => String::from_utf8(v).ok().map(Cow::Owned),
        }
    }

    fn as_bytes(self) -> Option<Cow<'a, [u8]>> {
        let content = self.0.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
        Some(unescaped(content, has_backslash(content)))
    }

    fn as_bool(self) -> Option<bool> {
        match self.0 {
            b"true" => Some(true),
            b"false" => Some(false),
            _ => None,
        }
    }

    fn items(self) -> Option<impl ExactSizeIterator<Item = Self>> {
        if self.0.first() != Some(&b'[') {
            return None;
        }
        let m = self.1;
        Some(m.places().iter().map(move |item| m.value(item)))
    }
}

#[cfg(any(test, feature = "oracle"))]
impl<'a> JsonView<'a> for &'a serde_json::Value {
    fn get(self, key: &str) -> Option<Self> {
        serde_json::Value::get(self, key)
    }
    fn as_str(self) -> Option<Cow<'a, str>> {
        serde_json::Value::as_str(self).map(Cow::Borrowed)
    }
    fn as_bytes(self) -> Option<Cow<'a, [u8]>> {
        serde_json::Value::as_str(self).map(|s| Cow::Borrowed(s.as_bytes()))
    }
    fn as_bool(self) -> Option<bool> {
        serde_json::Value::as_bool(self)
    }
    fn items(self) -> Option<impl ExactSizeIterator<Item = Self>> {
        self.as_array().map(|a| a.iter())
    }
}

/// Does the raw content of a key string equal `key` once unescaped?
pub fn key_is(raw: &[u8], key: &str) -> bool {
    if same_bytes(raw, key.as_bytes()) {
        return true;
    }
    // An escape is longer than what it stands for: a key as long as `key`
    // or shorter that is not `key` itself cannot decode to it. Nor can one
    // whose first byte is neither `key`'s nor the start of an escape.
    let first = raw.first().copied();
    if raw.len() > key.len() && (first == Some(b'\\') || first == key.bytes().next()) && has_backslash(raw) {
        *unescaped(raw, true) == *key.as_bytes()
    } else {
        false
    }
}

/// The content of a checked JSON string, unescaped when `escaped` (borrowed
/// as it is otherwise): the one way the validator and the rules read a string.
#[inline]
pub fn unescaped(raw: &[u8], escaped: bool) -> Cow<'_, [u8]> {
    if !escaped {
        return Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(raw.len());
    decode_into(raw, &mut out);
    Cow::Owned(out)
}

/// Unescapes the content of a checked JSON string into UTF-8 bytes.
pub fn decode_into(raw: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    while i < raw.len() {
        let c = raw[i];
        if c != b'\\' {
            out.push(c);
            i += 1;
            continue;
        }
        let e = raw.get(i + 1).copied().unwrap_or(b'\\');
        i += 2;
        let simple = match e {
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => 0,
            other => other,
        };
        if e != b'u' {
            out.push(simple);
            continue;
        }
        let mut n = hex4(raw, i);
        i += 4;
        if (0xD800..=0xDBFF).contains(&n) {
            // The validator only lets a high surrogate through with its low half.
            let low = hex4(raw, i + 2);
            i += 6;
            n = 0x1_0000 + ((n - 0xD800) << 10) + (low.wrapping_sub(0xDC00) & 0x3FF);
        }
        let ch = char::from_u32(n).unwrap_or('\u{FFFD}');
        let mut buf = [0u8; 4];
        out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
    }
}

fn hex4(raw: &[u8], at: usize) -> u32 {
    raw.get(at..at + 4)
        .unwrap_or_default()
        .iter()
        .fold(0, |n, &b| (n << 4) | (b as char).to_digit(16).unwrap_or(0))
}

/// `a == b`, eight bytes at a time with the `compare-by-word` feature (the
/// npm package): `==` on byte slices calls `memcmp`, which the wasm
/// compares a byte at a time (names and keys are ten to thirty bytes,
/// compared on every member of every body).
pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if cfg!(feature = "compare-by-word") {
        by_word::same_bytes(a, b)
    } else {
        a == b
    }
}

/// `a.eq_ignore_ascii_case(b)`, eight bytes at a time with the
/// `compare-by-word` feature (policy ids are 24 bytes, compared pairwise
/// in every assignment list).
pub fn same_ignoring_ascii_case(a: &[u8], b: &[u8]) -> bool {
    if cfg!(feature = "compare-by-word") {
        by_word::same_ignoring_ascii_case(a, b)
    } else {
        a.eq_ignore_ascii_case(b)
    }
}

/// `bytes.contains(&b'\\')`, eight bytes at a time with the
/// `compare-by-word` feature: the rules ask it of every string they read
/// (policy ids: 24 bytes), and the wasm's `memchr` reads a byte at a time.
fn has_backslash(bytes: &[u8]) -> bool {
    if cfg!(feature = "compare-by-word") {
        by_word::has_backslash(bytes)
    } else {
        bytes.contains(&b'\\')
    }
}

/// Are all of `bytes` hexadecimal digits (`[0-9A-Fa-f]`)? Eight at a time
/// with the `compare-by-word` feature (an id is three words), where it is
/// one copy: inlined at each id check it cost 0.2 kB gzip more.
#[cfg_attr(feature = "compare-by-word", inline(never))]
pub(crate) fn all_hex(bytes: &[u8]) -> bool {
    if cfg!(feature = "compare-by-word") {
        by_word::all_hex(bytes)
    } else {
        bytes.iter().all(|b| HEX_DIGIT[*b as usize])
    }
}

/// `[0-9A-Fa-f]` by byte: one load per byte where ids are checked, which is
/// on nearly every body.
const HEX_DIGIT: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).is_ascii_hexdigit();
        b += 1;
    }
    t
};

/// The forms above that read eight bytes at a time. Always compiled, so
/// that `cargo test -p mdm-core` tests them with or without the feature;
/// only a build with it calls them.
#[cfg_attr(not(feature = "compare-by-word"), allow(dead_code))]
mod by_word {
    use super::{word, HIGH, ONES};

    pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
        if a.len() != b.len() {
            return false;
        }
        let (mut a8, mut b8) = (a.chunks_exact(8), b.chunks_exact(8));
        if !a8.by_ref().zip(b8.by_ref()).all(|(x, y)| word(x) == word(y)) {
            return false;
        }
        a8.remainder().iter().zip(b8.remainder()).all(|(x, y)| x == y)
    }

    pub fn same_ignoring_ascii_case(a: &[u8], b: &[u8]) -> bool {
        if a.len() != b.len() {
            return false;
        }
        let (mut a8, mut b8) = (a.chunks_exact(8), b.chunks_exact(8));
        let same = |(x, y): (&[u8], &[u8])| {
            let (x, y) = (word(x), word(y));
            x == y || ascii_lower(x) == ascii_lower(y)
        };
        if !a8.by_ref().zip(b8.by_ref()).all(same) {
            return false;
        }
        a8.remainder().eq_ignore_ascii_case(b8.remainder())
    }

    pub fn has_backslash(bytes: &[u8]) -> bool {
        let mut words = bytes.chunks_exact(8);
        for chunk in words.by_ref() {
            // A zero byte where a backslash was: exact for "is there one".
            let x = word(chunk) ^ (ONES * u64::from(b'\\'));
            if x.wrapping_sub(ONES) & !x & HIGH != 0 {
                return true;
            }
        }
        words.remainder().contains(&b'\\')
    }

    pub fn all_hex(bytes: &[u8]) -> bool {
        // For bytes below 0x80, each byte's high bit: set where it is `c`
        // or more (the high bit set first, so no byte borrows from the next).
        let at_least = |x: u64, c: u8| ((x | HIGH) - ONES * u64::from(c)) & HIGH;
        let mut words = bytes.chunks_exact(8);
        for chunk in words.by_ref() {
            let x = word(chunk);
            // `| 0x20` lowercases `A..=F` and moves no other byte into `a..=f`.
            let lower = x | (ONES * 0x20);
            let digit = at_least(x, b'0') & !at_least(x, b'9' + 1);
            let letter = at_least(lower, b'a') & !at_least(lower, b'f' + 1);
            if x & HIGH != 0 || digit | letter != HIGH {
                return false;
            }
        }
        words.remainder().iter().all(u8::is_ascii_hexdigit)
    }

    /// Each byte of `w` in `A..=Z` made lowercase, the others left as they are.
    fn ascii_lower(w: u64) -> u64 {
        // Each byte's low seven bits plus a bias: its high bit is set from
        // `A` on, and from past `Z` on; no byte carries into the next.
        let low = w & !HIGH;
        let from_a = low + ONES * (0x80 - u64::from(b'A'));
        let past_z = low + ONES * (0x80 - u64::from(b'Z') - 1);
        let upper = from_a & !past_z & !w & HIGH;
        w | upper >> 2
    }
}

/// Up to eight bytes as one little-endian word, zero-padded: a short tail
/// byte by byte (a copy into a padded array would call `memcpy`).
pub(crate) fn word(bytes: &[u8]) -> u64 {
    match <[u8; 8]>::try_from(bytes) {
        Ok(whole) => u64::from_le_bytes(whole),
        Err(_) => bytes.iter().rev().fold(0, |w, &b| w << 8 | u64::from(b)),
    }
}

/// Each byte of a word: its lowest bit, and its highest (the SWAR masks).
pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;
pub(crate) const HIGH: u64 = 0x8080_8080_8080_8080;

#[cfg(test)]
mod tests {
    // The word-at-a-time forms themselves, whether or not this build
    // calls them (`compare-by-word`).
    use super::by_word;

    /// `same_ignoring_ascii_case` is `eq_ignore_ascii_case`: every pair of
    /// bytes at every place of a word and of the tail.
    #[test]
    fn same_ignoring_ascii_case_is_eq_ignore_ascii_case() {
        for len in [8, 11] {
            for at in [0, 3, 7, len - 1] {
                for x in 0..=255u8 {
                    for y in 0..=255u8 {
                        let (mut a, mut b) = (vec![b'q'; len], vec![b'Q'; len]);
                        a[at] = x;
                        b[at] = y;
                        assert_eq!(
                            by_word::same_ignoring_ascii_case(&a, &b),
                            a.eq_ignore_ascii_case(&b),
                            "{len} {at} {x} {y}"
                        );
                    }
                }
            }
        }
        assert!(!by_word::same_ignoring_ascii_case(b"ab", b"abc"));
    }

    /// `same_bytes` is `==`: every length to past two words, a difference
    /// at every place (in a whole word and in the tail), and lengths apart.
    #[test]
    fn same_bytes_is_slice_equality() {
        for len in 0..20 {
            let a: Vec<u8> = (0..len as u8).map(|i| i.wrapping_mul(37) ^ 0x5a).collect();
            assert!(by_word::same_bytes(&a, &a.clone()), "{len}");
            for at in 0..len {
                let mut b = a.clone();
                b[at] ^= 0x80;
                assert!(!by_word::same_bytes(&a, &b), "{len} at {at}");
            }
            assert!(!by_word::same_bytes(&a, &a[..len.saturating_sub(1)]) || len == 0);
            let mut longer = a.clone();
            longer.push(0);
            assert!(!by_word::same_bytes(&a, &longer));
        }
    }

    /// `has_backslash` is `contains(&b'\\')`: every byte at every place of
    /// every length to past two words, among bytes that are not one.
    #[test]
    fn has_backslash_is_contains() {
        for len in 0..20 {
            for at in 0..len {
                for x in 0..=255u8 {
                    let mut bytes = vec![b'\\' ^ 0x80; len];
                    bytes[at] = x;
                    assert_eq!(by_word::has_backslash(&bytes), x == b'\\', "{len} {at} {x}");
                }
            }
            assert!(!by_word::has_backslash(&vec![b'a'; len]));
        }
    }

    /// `all_hex` is `is_ascii_hexdigit` of every byte: every byte at every place of an id
    /// (three words) and of a tail, next to every hexadecimal digit.
    #[test]
    fn all_hex_is_ascii_hexdigit_of_every_byte() {
        for len in [1, 8, 24, 27] {
            for at in 0..len {
                for x in 0..=255u8 {
                    for fill in b"09afAF".iter() {
                        let mut bytes = vec![*fill; len];
                        bytes[at] = x;
                        assert_eq!(by_word::all_hex(&bytes), x.is_ascii_hexdigit(), "{len} {at} {x}");
                    }
                }
            }
        }
        assert!(by_word::all_hex(b""));
    }
}
