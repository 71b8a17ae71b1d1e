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
    fn as_bool(self) -> Option<bool>;
    /// The items of an array; `None` for anything else.
    fn items(self) -> Option<impl Iterator<Item = Self>>;
}

/// One JSON value as bytes, already checked by the validator (so reading it
/// needs no error handling), without surrounding whitespace.
#[derive(Debug, Clone, Copy)]
pub struct Raw<'a>(pub &'a [u8], pub Option<Members<'a>>);

/// Where the members (or items) of a value are, recorded by the walk as it
/// reads them, so that the rules' `get` and `items` look them up instead of
/// scanning the text again: for the body, its members' values and theirs
/// (an assignment list's items and each item's id).
#[derive(Debug, Clone, Copy)]
pub struct Members<'a> {
    pub text: &'a [u8],
    pub levels: &'a Levels,
    /// The level of `levels` this value's members are at, and where.
    pub level: usize,
    pub range: (u32, u32),
}

/// How many levels below the body the walk records.
pub const LEVELS: usize = 3;
/// Each level's members and items, in the order read: the members of one
/// value are next to each other.
pub type Levels = [Vec<Member>; LEVELS];
/// `Member::children` of the values of the last level (not recorded).
pub const NOT_RECORDED: (u32, u32) = (u32::MAX, u32::MAX);

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
        let level: &'a [Member] = self.levels.get(self.level).map_or(&[], |l| l);
        level
            .get(self.range.0 as usize..self.range.1 as usize)
            .unwrap_or_default()
    }

    fn value(self, m: &Member) -> Raw<'a> {
        let bytes = self
            .text
            .get(m.value.0 as usize..m.value.1 as usize)
            .unwrap_or_default();
        let level = self.level + 1;
        let recorded = (level < LEVELS && m.children != NOT_RECORDED).then_some(Members {
            level,
            range: m.children,
            ..self
        });
        Raw(bytes, recorded)
    }
}

/// The items of an array: recorded, or scanned.
pub struct Items<'a> {
    bytes: &'a [u8],
    i: usize,
    recorded: Option<(Members<'a>, usize)>,
}

impl<'a> Iterator for Items<'a> {
    type Item = Raw<'a>;

    fn next(&mut self) -> Option<Raw<'a>> {
        if let Some((members, at)) = &mut self.recorded {
            let item = members.places().get(*at)?;
            *at += 1;
            return Some(members.value(item));
        }
        let b = self.bytes;
        let mut i = skip_ws(b, self.i);
        if b.get(i) == Some(&b',') {
            i = skip_ws(b, i + 1);
        }
        match b.get(i) {
            None | Some(b']') => None,
            Some(_) => {
                let start = i;
                self.i = skip_value(b, i);
                Some(Raw(b.get(start..self.i).unwrap_or_default(), None))
            }
        }
    }
}

impl<'a> JsonView<'a> for Raw<'a> {
    fn get(self, key: &str) -> Option<Self> {
        let b = self.0;
        if b.first() != Some(&b'{') {
            return None;
        }
        if let Some(m) = self.1 {
            // The last member with that key, as in a parsed map.
            let found = m.places().iter().rev().find(|p| {
                let name = m.text.get(p.key.0 as usize..p.key.1 as usize).unwrap_or_default();
                key_is(name, key)
            });
            return found.map(|p| m.value(p));
        }
        let mut found = None;
        let mut i = skip_ws(b, 1);
        while let Some(&c) = b.get(i) {
            if c == b'}' {
                break;
            }
            if c == b',' {
                i = skip_ws(b, i + 1);
            }
            let key_end = skip_string(b, i);
            let name = b.get(i + 1..key_end.saturating_sub(1)).unwrap_or_default();
            let start = skip_ws(b, skip_ws(b, key_end) + 1);
            let end = skip_value(b, start);
            if key_is(name, key) {
                found = Some(Raw(b.get(start..end).unwrap_or_default(), None));
            }
            i = skip_ws(b, end);
        }
        found
    }

    fn as_str(self) -> Option<Cow<'a, str>> {
        let content = self.0.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
        if content.contains(&b'\\') {
            let mut out = Vec::with_capacity(content.len());
            decode_into(content, &mut out);
            String::from_utf8(out).ok().map(Cow::Owned)
        } else {
            std::str::from_utf8(content).ok().map(Cow::Borrowed)
        }
    }

    fn as_bool(self) -> Option<bool> {
        match self.0 {
            b"true" => Some(true),
            b"false" => Some(false),
            _ => None,
        }
    }

    fn items(self) -> Option<impl Iterator<Item = Self>> {
        if self.0.first() != Some(&b'[') {
            return None;
        }
        Some(Items {
            bytes: self.0,
            i: 1,
            recorded: self.1.map(|m| (m, 0)),
        })
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
    fn as_bool(self) -> Option<bool> {
        serde_json::Value::as_bool(self)
    }
    fn items(self) -> Option<impl Iterator<Item = Self>> {
        self.as_array().map(|a| a.iter())
    }
}

/// Does the raw content of a key string equal `key` once unescaped?
pub fn key_is(raw: &[u8], key: &str) -> bool {
    if raw == key.as_bytes() {
        return true;
    }
    // An escape is longer than what it stands for: a key as long as `key`
    // or shorter that is not `key` itself cannot decode to it.
    if raw.len() > key.len() && raw.contains(&b'\\') {
        let mut out = Vec::with_capacity(raw.len());
        decode_into(raw, &mut out);
        out == key.as_bytes()
    } else {
        false
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\n' | b'\t' | b'\r')) {
        i += 1;
    }
    i
}

/// The index after the string starting at `i` (its opening quote).
fn skip_string(b: &[u8], mut i: usize) -> usize {
    i += 1;
    while let Some(n) = b
        .get(i..)
        .and_then(|rest| rest.iter().position(|&c| c == b'"' || c == b'\\'))
    {
        i += n;
        if b[i] == b'"' {
            return i + 1;
        }
        i += 2;
    }
    b.len()
}

/// The bytes `skip_value` stops at inside an array or object.
const STRUCTURE: [bool; 256] = {
    let mut t = [false; 256];
    t[b'"' as usize] = true;
    t[b'{' as usize] = true;
    t[b'[' as usize] = true;
    t[b'}' as usize] = true;
    t[b']' as usize] = true;
    t
};

/// The index after the value starting at `i`.
fn skip_value(b: &[u8], mut i: usize) -> usize {
    match b.get(i) {
        Some(b'"') => skip_string(b, i),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            // From one bracket or quote to the next, skipping the rest.
            while let Some(n) = b
                .get(i..)
                .and_then(|rest| rest.iter().position(|&c| STRUCTURE[c as usize]))
            {
                i += n;
                match b[i] {
                    b'"' => i = skip_string(b, i),
                    b'{' | b'[' => {
                        depth += 1;
                        i += 1;
                    }
                    _ => {
                        depth -= 1;
                        i += 1;
                        if depth == 0 {
                            return i;
                        }
                    }
                }
            }
            b.len()
        }
        _ => {
            while let Some(c) = b.get(i) {
                if matches!(c, b',' | b'}' | b']' | b' ' | b'\n' | b'\t' | b'\r') {
                    break;
                }
                i += 1;
            }
            i
        }
    }
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
