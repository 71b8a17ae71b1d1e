//! Read-only access to a JSON value for the cross-field rules of request
//! bodies (`RequestBody::cross_field_rules`). The rules are written once
//! against [`JsonView`]; the single-pass validator runs them over the body's
//! bytes ([`Raw`]), the test oracle over a `serde_json::Value`.

use std::borrow::Cow;

use crate::words::{has_backslash, same_bytes};

/// The few reads cross-field rules make. `get` finds the last member with
/// that key, as a parser that keeps the last duplicate would.
pub trait JsonView<'a>: Copy {
    /// The member `key` of an object; `None` for anything else.
    fn get(self, key: &str) -> Option<Self>;
    fn as_str(self) -> Option<Cow<'a, str>>;
    /// A string's content as UTF-8 bytes: `as_str` without the UTF-8 check
    /// (a body's strings passed it already), for rules that compare bytes.
    fn as_bytes(self) -> Option<Cow<'a, [u8]>>;
    /// The items of an array; `None` for anything else.
    fn items(self) -> Option<impl ExactSizeIterator<Item = Self>>;
}

/// One JSON value as bytes, already checked by the validator (so reading it
/// needs no error handling), without surrounding whitespace, and where the
/// walk recorded its members or items (as deep as the body's rules read).
#[derive(Debug, Clone, Copy)]
pub struct Raw<'a>(pub &'a [u8], pub Members<'a>);

/// Where the members (or items) of a value are, recorded by the walk as it
/// read them, so that the rules' `get` and `items` look them up instead of
/// scanning the text again.
#[derive(Debug, Clone, Copy)]
pub struct Members<'a> {
    pub text: &'a [u8],
    /// The members and items of the values the rules may read, by nesting
    /// level (the top value's are level 0; only `recorded` levels), each
    /// level in the order read: the members of one value are next to each
    /// other.
    pub levels: &'a [Vec<Member>],
    /// How many levels the walk recorded (`RequestBody::RULES_READ_LEVELS`).
    pub recorded: usize,
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
        debug_assert!(
            self.level < self.recorded,
            "a cross-field rule reads deeper than its body's RULES_READ_LEVELS"
        );
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
