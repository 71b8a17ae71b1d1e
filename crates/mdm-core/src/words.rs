//! Byte comparisons and searches the validator makes on every body: eight
//! bytes at a time (SWAR) with the `compare-by-word` feature, which the npm
//! package's wasm turns on (there `memcmp` and `memchr` are byte loops and
//! validation is the hot path); the worker keeps the byte loops (smaller).

/// `a == b`, eight bytes at a time with the `compare-by-word` feature (the
/// npm package): `==` on byte slices calls `memcmp`, which the wasm
/// compares a byte at a time (names and keys are ten to thirty bytes,
/// compared on every member of every body).
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if cfg!(feature = "compare-by-word") {
        by_word::same_bytes(a, b)
    } else {
        a == b
    }
}

/// `a.eq_ignore_ascii_case(b)`, eight bytes at a time with the
/// `compare-by-word` feature (policy ids are 24 bytes, compared pairwise
/// in every assignment list).
pub(crate) fn same_ignoring_ascii_case(a: &[u8], b: &[u8]) -> bool {
    if cfg!(feature = "compare-by-word") {
        by_word::same_ignoring_ascii_case(a, b)
    } else {
        a.eq_ignore_ascii_case(b)
    }
}

/// `bytes.contains(&b'\\')`, eight bytes at a time with the
/// `compare-by-word` feature: the rules ask it of every string they read
/// (policy ids: 24 bytes), and the wasm's `memchr` reads a byte at a time.
pub(crate) fn has_backslash(bytes: &[u8]) -> bool {
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

/// A word-at-a-time multiplicative hash (FxHash's constant) of `words`,
/// seeded with a length: the answer's key table (`answer.rs`) and the
/// ids of a `unique_by` list (`scan/walk.rs`).
pub(crate) fn hash(len: u64, words: impl Iterator<Item = u64>) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    words.fold(len, |h, w| (h.rotate_left(5) ^ w).wrapping_mul(K))
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
