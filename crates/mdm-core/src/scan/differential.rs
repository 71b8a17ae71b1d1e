//! The differential check: the single-pass validator and the oracle (parse
//! to a `serde_json::Value`, then walk it) must give the same answer for any
//! bytes. Bodies come from a seeded generator in three kinds: built from a
//! request's schema (valid, or wrong in the ways clients get things wrong),
//! mutations of the shared corpus (`crates/mdm-wasm/tests/corpus.json`), and
//! garbage. The property test below runs a few thousand; `make fuzz` runs
//! millions through the same functions.

use crate::catalog::{self, RequestCheck};
use crate::patterns::Pattern;
use crate::schema::{Format, Schema, StringRule};
use crate::violation::{Sink, Violation};

/// splitmix64: small, fast, and every seed gives a different stream.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The corpus bodies of each request, as JSON text, by `catalog::REQUESTS` index.
pub fn corpus() -> &'static [Vec<Vec<u8>>] {
    static CORPUS: std::sync::OnceLock<Vec<Vec<Vec<u8>>>> = std::sync::OnceLock::new();
    CORPUS.get_or_init(read_corpus)
}

fn read_corpus() -> Vec<Vec<Vec<u8>>> {
    let doc: serde_json::Value =
        serde_json::from_str(include_str!("../../../mdm-wasm/tests/corpus.json")).expect("corpus.json parses");
    let mut out = vec![Vec::new(); catalog::REQUESTS.len()];
    for case in doc["cases"].as_array().into_iter().flatten() {
        let name = case["name"].as_str().unwrap_or_default();
        if let Some(i) = catalog::REQUESTS.iter().position(|r| r.name == name) {
            out[i].push(serde_json::to_vec(&expand(&case["body"])).unwrap_or_default());
        }
    }
    out
}

/// `{"$repeat": [s, n]}` in the corpus stands for `s` repeated `n` times.
fn expand(v: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Object(m) if m.len() == 1 && m.contains_key("$repeat") => {
            let r = &m["$repeat"];
            Value::String(
                r[0].as_str()
                    .unwrap_or_default()
                    .repeat(r[1].as_u64().unwrap_or(0) as usize),
            )
        }
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), expand(v))).collect()),
        Value::Array(a) => Value::Array(a.iter().map(expand).collect()),
        other => other.clone(),
    }
}

thread_local! {
    /// The npm package's answer and the texts its reader kept, across every
    /// body this thread checks (as across a page's life): its ids, found
    /// again by key or text, and its resets are checked with the rest.
    static PACKAGE: std::cell::RefCell<(crate::answer::Answer, Vec<String>)> =
        const { std::cell::RefCell::new((crate::answer::Answer::new(0), Vec::new())) };
}

/// Both validators' answers for `bytes`, or `None` when they agree: the
/// single pass's as the worker gets it and as the npm package's reader gets
/// it (`answer::Answer::read_back`), against the oracle's.
pub fn disagreement(check: &RequestCheck, bytes: &[u8]) -> Option<(Vec<Violation>, Vec<Violation>)> {
    let fast = check.check(bytes).unwrap_or_else(|v| vec![v]);
    let oracle = (check.oracle)(bytes);
    if fast != oracle {
        return Some((fast, oracle));
    }
    let packaged = PACKAGE.with(|p| {
        let (answer, texts) = &mut *p.borrow_mut();
        answer.begin(texts.len(), answer.generation);
        if let Err(v) = (check.write)(bytes, answer) {
            answer.violation(&v.path, v.code, &v.message);
        }
        answer.read_back(texts)
    });
    (packaged != oracle).then_some((packaged, oracle))
}

/// One generated body for request `index` (of `catalog::REQUESTS`).
pub fn body(rng: &mut Rng, index: usize, corpus: &[Vec<Vec<u8>>]) -> Vec<u8> {
    let schema = catalog::find(catalog::REQUESTS[index].name).map_or(&Schema::AnyObject, |e| e.schema);
    let mut out = Vec::new();
    match rng.below(10) {
        0..=4 => Gen {
            rng,
            out: &mut out,
            sloppy: false,
        }
        .value(schema, 0),
        5 => Gen {
            rng,
            out: &mut out,
            sloppy: true,
        }
        .value(schema, 0),
        6..=8 => {
            let bodies = &corpus[index];
            if bodies.is_empty() {
                out.extend_from_slice(b"{}");
            } else {
                let i = rng.below(bodies.len());
                out.extend_from_slice(&bodies[i]);
            }
            let n = 1 + rng.below(4);
            for _ in 0..n {
                mutate(rng, &mut out);
            }
        }
        _ => garbage(rng, &mut out),
    }
    out
}

struct Gen<'r> {
    rng: &'r mut Rng,
    out: &'r mut Vec<u8>,
    /// Wrong types, out-of-range values and unknown keys far more often.
    sloppy: bool,
}

const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "1",
    "-1",
    "0.5",
    "1.0",
    "1e3",
    "1E+2",
    "60",
    "59",
    "2592000",
    "2592001",
    "10000",
    "10001",
    "9007199254740991",
    "9007199254740992",
    "-9007199254740991",
    "-9007199254740992",
    "2147483647",
    "2147483648",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "1e400",
    "-1e400",
    "1e-400",
    "123456789012345678901234567890",
    "0.1e1",
    "90",
    "90.0000000000001",
    "-90",
    "-180.5",
    "1e7",
    "10000000.000001",
    "4.9e-324",
    "1.7976931348623157e308",
    "1e308",
    "100e-2",
    "3.00",
    "-0.0",
    "1e-7",
    "12345678901234567890.5e-3",
    "1e2147483648",
    "0e2147483648",
    "1e-2147483649",
];

const STRINGS: &[&str] = &[
    "",
    "a",
    "abc",
    "Acme",
    "acme",
    "65a1b2c3d4e5f60718293a4b",
    "65A1B2C3D4E5F60718293A4B",
    "65a1b2c3d4e5f60718293a4",
    "zzzzzzzzzzzzzzzzzzzzzzzz",
    "DEVICE_OWNER",
    "PROFILE_OWNER",
    "free",
    "pro",
    "gold",
    "success",
    "pending",
    "loop",
    "forceInstall",
    "all-users",
    "ada@example.com",
    "ada@example",
    "https://dl.example.com/dpc.apk",
    "http://x",
    "https://",
    "2024-01-01T00:00:00Z",
    "2024-13-01T00:00:00Z",
    "2024-01-01T00:00:00.123+02:00",
    "3600s",
    "59s",
    "3.5s",
    "2592000.5s",
    "60.000000001s",
    "kiosk",
    "enterprises/LC01/policies/kiosk",
    "policies/x",
    "enterprises//policies/x",
    "com.example.dpc/.AdminReceiver",
    "I5YvS0O5hXY46mb01BlRjq4oJJGs2kuUcHvVkAPEXlg",
    "I5YvS0O5hXY46mb01BlRjq4oJJGs2kuUcHvVkAPEXlg=",
    "PERSONAL_USAGE_ALLOWED",
    "é",
    "😀",
    "a b",
    "lobby",
];

/// String contents as JSON source: escapes, multi-byte text, lone surrogates.
const STRING_SOURCES: &[&str] = &[
    "\\n",
    "\\\"",
    "\\\\",
    "\\/",
    "\\u0041",
    "\\u00e9",
    "\\ud83d\\ude00",
    "\\ud800",
    "\\udc00",
    "\\ud800x",
    "\\ud800\\n",
    "\\ud800\\u0041",
    "\\x",
    "\\u12",
    "\\uZZZZ",
    "é",
    "😀",
    "\u{7f}",
    "\t",
    "\u{1}",
];

impl Gen<'_> {
    fn ws(&mut self) {
        if self.rng.chance(6) {
            let w = *self.rng.pick(&[" ", "\n", "\t", "\r\n", "  ", "\u{c}"]);
            // A form feed is not JSON whitespace: rarely, so most bodies parse.
            if w != "\u{c}" || self.rng.chance(20) {
                self.out.extend_from_slice(w.as_bytes());
            }
        }
    }

    fn lit(&mut self, s: &str) {
        self.out.extend_from_slice(s.as_bytes());
    }

    fn string_literal(&mut self, s: &str) {
        self.out.push(b'"');
        for c in s.chars() {
            match c {
                '"' => self.lit("\\\""),
                '\\' => self.lit("\\\\"),
                c if (c as u32) < 0x20 => {
                    let hex = b"0123456789abcdef";
                    self.lit("\\u00");
                    self.out.push(hex[(c as usize) >> 4]);
                    self.out.push(hex[(c as usize) & 15]);
                }
                // Sometimes spelled as an escape: the same string to a parser.
                c if c.is_ascii_alphabetic() && self.rng.chance(40) => {
                    let hex = b"0123456789abcdef";
                    self.lit("\\u00");
                    self.out.push(hex[(c as usize) >> 4]);
                    self.out.push(hex[(c as usize) & 15]);
                }
                c => {
                    let mut buf = [0u8; 4];
                    self.lit(c.encode_utf8(&mut buf));
                }
            }
        }
        self.out.push(b'"');
    }

    fn text(&mut self, len: usize) -> String {
        let mut s = String::new();
        for _ in 0..len {
            s.push(
                *self
                    .rng
                    .pick(&['a', 'Z', '0', '-', '_', '.', ' ', 'é', '😀', '/', '@', ':']),
            );
        }
        s
    }

    fn string(&mut self, rule: &StringRule) {
        match self.rng.below(12) {
            0 => {
                // Raw escapes and odd characters, some of them malformed.
                self.out.push(b'"');
                for _ in 0..1 + self.rng.below(3) {
                    let src = *self.rng.pick(STRING_SOURCES);
                    let ok = !src.starts_with("\\u12") && !src.starts_with("\\x") && !src.starts_with("\\uZ");
                    if ok || self.rng.chance(4) {
                        self.lit(src);
                    }
                }
                self.out.push(b'"');
            }
            1 | 2 => {
                // Around the length bounds.
                let bound = match rule.max_length {
                    Some(max) if self.rng.chance(2) => max,
                    _ => rule.min_length,
                };
                let len = (bound + self.rng.below(3)).saturating_sub(1);
                let s = self.text(len.min(3000));
                self.string_literal(&s);
            }
            3 | 4 => {
                let s = match rule.one_of {
                    Some(values) => (*self.rng.pick(values)).to_owned(),
                    None => self.matching(rule),
                };
                let s = if self.rng.chance(8) { s.to_lowercase() } else { s };
                self.string_literal(&s);
            }
            5..=8 => {
                let s = self.matching(rule);
                self.string_literal(&s);
            }
            _ => {
                let s = *self.rng.pick(STRINGS);
                self.string_literal(s);
            }
        }
    }

    /// A string that usually passes the rule's pattern or format.
    fn matching(&mut self, rule: &StringRule) -> String {
        let hex =
            |r: &mut Rng, n: usize| -> String { (0..n).map(|_| *r.pick(&['0', '9', 'a', 'f', 'A', 'F'])).collect() };
        match (rule.pattern, rule.format) {
            (Some(Pattern::ObjectId), _) => {
                let n = if self.rng.chance(10) {
                    23 + self.rng.below(3)
                } else {
                    24
                };
                hex(self.rng, n)
            }
            (Some(Pattern::Slug), _) => {
                (*self
                    .rng
                    .pick(&["acme", "a-b", "ab", "-ab", "65a1b2c3d4e5f60718293a4b", "Acme"]))
                .into()
            }
            (Some(Pattern::ProtoDuration), _) => (*self.rng.pick(&[
                "60s",
                "3600s",
                "59.999s",
                "2592000s",
                "2592000.000000001s",
                "1.5s",
                "s",
                "60",
            ]))
            .into(),
            (Some(Pattern::ComponentName), _) => {
                (*self
                    .rng
                    .pick(&["com.example.dpc/.AdminReceiver", "a.b/c", "dpc/.X", "a.b/"]))
                .into()
            }
            (Some(Pattern::SignatureChecksum), _) => {
                let n = 42 + self.rng.below(3);
                (0..n).map(|_| *self.rng.pick(&['A', 'z', '0', '_', '-'])).collect()
            }
            (_, Some(Format::Email)) => (*self
                .rng
                .pick(&["ada@example.com", "a@b.c", "ada@", "a b@c.d", "x@-a.com"]))
            .into(),
            (_, Some(Format::HttpsUrl)) => {
                (*self
                    .rng
                    .pick(&["https://dl.example.com/dpc.apk", "https://h", "http://h", "https://a b"]))
                .into()
            }
            (_, Some(Format::DateTime)) => (*self.rng.pick(&[
                "2024-01-01T00:00:00Z",
                "2024-02-30T00:00:00Z",
                "2024-01-01 00:00:00Z",
                "2024-01-01T00:00:00.5-01:30",
            ]))
            .into(),
            _ => {
                let len = self.rng.below(12);
                self.text(len)
            }
        }
    }

    fn wrong(&mut self, depth: usize) {
        match self.rng.below(7) {
            0 => self.lit("null"),
            1 => {
                let b = if self.rng.chance(2) { "true" } else { "false" };
                self.lit(b);
            }
            2 => {
                let n = *self.rng.pick(NUMBERS);
                self.lit(n);
            }
            3 => {
                let s = *self.rng.pick(STRINGS);
                self.string_literal(s);
            }
            4 => self.lit("[]"),
            5 => self.lit("{}"),
            _ => self.any(depth + 1),
        }
    }

    /// Any JSON value, sometimes nested near or past the depth limit.
    fn any(&mut self, depth: usize) {
        if depth == 0 && self.rng.chance(30) {
            let n = 120 + self.rng.below(12);
            let (open, close) = if self.rng.chance(2) {
                ("[", "]")
            } else {
                ("{\"a\":", "}")
            };
            for _ in 0..n {
                self.lit(open);
            }
            self.lit("1");
            for _ in 0..n {
                self.lit(close);
            }
            return;
        }
        match if depth > 4 {
            self.rng.below(4)
        } else {
            self.rng.below(6)
        } {
            0 => self.lit("null"),
            1 => {
                let n = *self.rng.pick(NUMBERS);
                self.lit(n);
            }
            2 => {
                let s = *self.rng.pick(STRINGS);
                self.string_literal(s);
            }
            3 => self.lit("true"),
            4 => {
                self.lit("[");
                for i in 0..self.rng.below(4) {
                    if i > 0 {
                        self.lit(",");
                    }
                    self.ws();
                    self.any(depth + 1);
                }
                self.lit("]");
            }
            _ => {
                self.lit("{");
                for i in 0..self.rng.below(4) {
                    if i > 0 {
                        self.lit(",");
                    }
                    let k = *self.rng.pick(&["a", "b", "config", "x", "a"]);
                    self.string_literal(k);
                    self.lit(":");
                    self.any(depth + 1);
                }
                self.lit("}");
            }
        }
    }

    fn value(&mut self, schema: &Schema, depth: usize) {
        self.ws();
        if self.rng.chance(if self.sloppy { 4 } else { 40 }) {
            self.wrong(depth);
            self.ws();
            return;
        }
        match schema {
            Schema::String(rule) => self.string(rule),
            Schema::Integer(rule) => {
                if self.rng.chance(3) {
                    let n = *self.rng.pick(NUMBERS);
                    self.lit(n);
                } else {
                    let (lo, hi) = (rule.min.max(-1000), rule.max.min(1_000_000));
                    let v = lo + (self.rng.next_u64() % (hi - lo + 1).max(1) as u64) as i64;
                    self.lit(&v.to_string());
                }
            }
            Schema::Number(rule) => {
                if self.rng.chance(3) {
                    let n = *self.rng.pick(NUMBERS);
                    self.lit(n);
                } else {
                    let v = rule.min + (rule.max - rule.min) * (self.rng.below(1001) as f64 / 1000.0);
                    self.lit(&v.to_string());
                }
            }
            Schema::Boolean => {
                let b = if self.rng.chance(2) { "true" } else { "false" };
                self.lit(b);
            }
            Schema::Array(rule) => {
                let max = rule.max_items.unwrap_or(8);
                let n = if self.rng.chance(30) {
                    max + self.rng.below(3)
                } else {
                    self.rng.below(4)
                };
                self.lit("[");
                for i in 0..n {
                    if i > 0 {
                        self.lit(",");
                    }
                    self.value(rule.items, depth + 1);
                }
                self.ws();
                self.lit("]");
            }
            Schema::Object(fields) => {
                let drop = if self.sloppy { 4 } else { 30 };
                let mut members = Vec::new();
                for (i, f) in fields.iter().enumerate() {
                    if (f.required || self.rng.chance(2)) && !self.rng.chance(drop) {
                        members.push(i);
                    }
                }
                // Shuffle, and sometimes repeat a key or add an unknown one.
                for i in (1..members.len()).rev() {
                    let j = self.rng.below(i + 1);
                    members.swap(i, j);
                }
                if !members.is_empty() && self.rng.chance(if self.sloppy { 3 } else { 25 }) {
                    let again = members[self.rng.below(members.len())];
                    members.push(again);
                }
                let unknown = if self.rng.chance(if self.sloppy { 2 } else { 20 }) {
                    1 + self.rng.below(2)
                } else {
                    0
                };
                self.lit("{");
                let mut first = true;
                for slot in 0..members.len() + unknown {
                    if !first {
                        self.lit(",");
                    }
                    first = false;
                    self.ws();
                    if slot < members.len() {
                        let field = &fields[members[slot]];
                        self.string_literal(field.name);
                        self.ws();
                        self.lit(":");
                        if field.nullable && self.rng.chance(4) {
                            self.ws();
                            self.lit("null");
                        } else {
                            self.value(&field.schema, depth + 1);
                        }
                    } else {
                        let k = *self
                            .rng
                            .pick(&["extra", "state", "Name", "z", "é", "\u{1F600}", "duration "]);
                        self.string_literal(k);
                        self.lit(":");
                        self.any(depth + 1);
                    }
                }
                self.ws();
                self.lit("}");
            }
            Schema::AnyObject => {
                if self.rng.chance(2) {
                    self.lit("{}");
                } else {
                    self.lit("{\"k\":");
                    self.any(depth + 1);
                    self.lit("}");
                }
            }
        }
        self.ws();
    }
}

const TOKENS: &[&str] = &[
    ",",
    ":",
    "{",
    "}",
    "[",
    "]",
    "\"",
    "\\",
    "null",
    "tru",
    "-",
    "0",
    "01",
    "1.",
    ".5",
    "1e",
    "1e400",
    "-0",
    "9007199254740993",
    "\u{0}",
    "\u{1f}",
    " ",
    "\n",
    "\\u",
    "\\ud800",
    "é",
    "\u{7f}",
];

fn mutate(rng: &mut Rng, body: &mut Vec<u8>) {
    let len = body.len();
    let at = rng.below(len + 1);
    match rng.below(8) {
        0 if len > 0 => {
            body.remove(at.min(len - 1));
        }
        1 => {
            let t = rng.pick(TOKENS).as_bytes().to_vec();
            body.splice(at..at, t);
        }
        2 if len > 0 => body[at.min(len - 1)] = rng.next_u64() as u8,
        3 => body.truncate(at),
        4 if len > 1 => {
            let from = rng.below(len);
            let to = (from + 1 + rng.below(16)).min(len);
            let slice = body[from..to].to_vec();
            body.splice(at..at, slice);
        }
        5 => {
            const BAD: [&[u8]; 5] = [
                &[0xFF],
                &[0xC3],
                &[0xE2, 0x82],
                &[0xED, 0xA0, 0x80],
                &[0xF4, 0x90, 0x80, 0x80],
            ];
            let bad = BAD[rng.below(BAD.len())];
            body.splice(at..at, bad.iter().copied());
        }
        6 if len > 1 => {
            let other = rng.below(len);
            body.swap(at.min(len - 1), other);
        }
        _ => {
            // A digit run somewhere: numbers at their limits.
            let t = rng.pick(NUMBERS).as_bytes().to_vec();
            body.splice(at..at, t);
        }
    }
}

fn garbage(rng: &mut Rng, out: &mut Vec<u8>) {
    let n = rng.below(40);
    if rng.chance(4) {
        out.extend((0..n).map(|_| rng.next_u64() as u8));
    } else {
        for _ in 0..n {
            out.extend_from_slice(rng.pick(TOKENS).as_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::{any, proptest, ProptestConfig};

    fn agree(index: usize, bytes: &[u8]) {
        let check = &catalog::REQUESTS[index];
        if let Some((fast, oracle)) = disagreement(check, bytes) {
            panic!(
                "{} on {:?}:\nsingle pass: {fast:?}\noracle:      {oracle:?}",
                check.name,
                String::from_utf8_lossy(bytes)
            );
        }
    }

    #[test]
    fn edge_cases_agree() {
        let deep = |n: usize| format!("{{\"config\":{}{}}}", "[".repeat(n), "]".repeat(n));
        let cases: Vec<String> = vec![
            "".into(),
            " \n\t ".into(),
            "\u{c}".into(),
            "{".into(),
            "{}".into(),
            "[]".into(),
            "null".into(),
            "{} x".into(),
            "{\"duration\": 1e400}".into(),
            "{\"duration\": -1e400}".into(),
            "{\"duration\": 1e-400}".into(),
            "{\"duration\": -0}".into(),
            "{\"duration\": 9007199254740992}".into(),
            "{\"segmentId\": 9007199254740992}".into(),
            "{\"segmentId\": 18446744073709551616}".into(),
            "{\"segmentId\": -9223372036854775809}".into(),
            "{\"duration\": 60, \"duration\": 59}".into(),
            "{\"duration\": 59, \"duration\": 60}".into(),
            "{\"x\": 1, \"x\": 2, \"a\": 0}".into(),
            "{\"dur\\u0061tion\": 59}".into(),
            "{\"tags\": [\"\\ud800\"]}".into(),
            "{\"tags\": [\"\\ud83d\\ude00\"]}".into(),
            "{\"tags\": [\"a\u{1}\"]}".into(),
            "{\"displayName\": \"\u{ff}\"}".into(),
            deep(126),
            deep(127),
            deep(200),
            "{\"aosPolicyAssignments\": [{\"aosPolicyId\": \"65a1b2c3d4e5f60718293a4b\", \"priority\": 1}, {\"aosPolicyId\": \"65A1B2C3D4E5F60718293A4B\", \"priority\": 1.0}]}".into(),
            // A list the rules read, nested in an unknown member (the rules
            // must not see it as the body's, nor a list inside its items).
            "{\"x\": {\"aosPolicyAssignments\": [{\"aosPolicyId\": \"65a1b2c3d4e5f60718293a4b\"}, {\"aosPolicyId\": \"65a1b2c3d4e5f60718293a4b\"}]}}".into(),
            "{\"aosPolicyAssignments\": [{\"aosPolicyId\": \"65a1b2c3d4e5f60718293a4b\", \"x\": {\"aosPolicyId\": \"65a1b2c3d4e5f60718293a4c\"}}, {\"aosPolicyId\": \"65a1b2c3d4e5f60718293a4c\"}, {\"aosPolicyId\": \"65a1b2c3d4e5f60718293a4b\", \"aosPolicyId\": 1}]}".into(),
            // The schema's unique_by rule (checked inside the walk): a list
            // repeated (the last one counts, its earlier duplicates are not
            // reported), ids escaped or not strings, items not objects, and
            // a second list the rule does not cover.
            "{\"aosPolicyAssignments\": [{\"aosPolicyId\": \"65a1b2c3d4e5f60718293a4b\"}, {\"aosPolicyId\": \"65a1b2c3d4e5f60718293a4b\"}], \"aosPolicyAssignments\": [{\"aosPolicyId\": \"65a1b2c3d4e5f60718293a4b\"}]}".into(),
            "{\"aosPolicyAssignments\": [{\"aosPolicyId\": \"65a1b2c3d4e5f60718293a4b\"}, {\"aosPolicyId\": \"65a1b2c3d4e5f60718293a4b\"}], \"aosPolicyAssignments\": 7}".into(),
            "{\"aosPolicyAssignments\": [{\"aosPolicyId\": \"65a1b2c3d4e5f6071829\\u0033a4b\"}, 5, null, {\"aosPolicyId\": \"65A1B2C3D4E5F60718293A4B\"}, {\"aosPolicyId\": null}, {\"aosPolicyId\": \"65a1b2c3d4e5f60718293a4b\"}]}".into(),
            "{\"aosPolicyAssignments\": [{\"aosPolic\\u0079Id\": \"x\"}, {\"aosPolicyId\": \"X\"}, {\"priority\": 1, \"aosPolicyId\": \"x\"}], \"tags\": [\"x\", \"x\"]}".into(),
            "{\"winPolicyAssignments\": [{\"winPolicyId\": \"a\"}, {\"winPolicyId\": \"A\"}, {\"winPolicyId\": \"a\"}], \"winPolicyAssignments\": [{\"winPolicyId\": \"b\"}, {\"winPolicyId\": \"b\"}]}".into(),
            // The bodies' dependencies (checked inside the walk): a boolean
            // repeated (the last one counts), not a boolean, null, escaped,
            // spaced; the tied field null (present); both rules' fields
            // nested where the rules do not look; with other violations.
            "{\"maxEnrollments\": 5}".into(),
            "{\"maxEnrollments\": 5, \"perpetual\": true}".into(),
            "{\"maxEnrollments\": 5, \"perpetual\": true, \"perpetual\": false}".into(),
            "{\"perpetual\": false, \"maxEnrollments\": 0, \"perpetual\": true}".into(),
            "{\"maxEnrollments\": null, \"perpetual\": \"true\"}".into(),
            "{\"maxEnrollments\": 5, \"perpetual\": null}".into(),
            "{\"maxEnrollments\": 5, \"perp\\u0065tual\" :  \n true}".into(),
            "{\"m\\u0061xEnrollments\": 5, \"perpetual\": 1}".into(),
            "{\"x\": {\"maxEnrollments\": 5}, \"y\": [{\"sendEmail\": true}]}".into(),
            "{\"sendEmail\": true}".into(),
            "{\"sendEmail\": true, \"mdmUserId\": null}".into(),
            "{\"sendEmail\": true, \"sendEmail\": false}".into(),
            "{\"sendEmail\": false, \"sendEmail\": true, \"mdmUserId\": 5}".into(),
            "{\"sendEmail\": \"yes\", \"sendEmail\": true, \"winPolicyAssignments\": [{\"winPolicyId\": \"a\"}, {\"winPolicyId\": \"a\"}], \"q\": 1}".into(),
            "{\"sendEmail\": true, \"winPolicyAssignments\": [{\"winPolicyId\": \"a\"}, {\"winPolicyId\": \"a\"}], \"maxEnrollments\": 2, \"aosPolicyAssignments\": [{\"aosPolicyId\": \"b\"}, {\"aosPolicyId\": \"b\"}]}".into(),
        ];
        for case in &cases {
            for index in 0..catalog::REQUESTS.len() {
                agree(index, case.as_bytes());
            }
        }
        let mut invalid_utf8 = b"{\"displayName\": \"a\\n\xC3(\"}".to_vec();
        agree(1, &invalid_utf8);
        invalid_utf8.insert(3, b'\n');
        agree(1, &invalid_utf8);
    }

    /// Every valid body, of the corpus and of 2,000 generated per request
    /// (from 7 valid ones for DpcBuildCreate to over 800),
    /// builds the typed request the worker builds as serde's derive builds
    /// it (`requests::build`).
    #[test]
    fn valid_bodies_build_as_serde_builds_them() {
        let corpus = corpus();
        let mut rng = Rng::new(14);
        for (index, check) in catalog::REQUESTS.iter().enumerate() {
            let generated = (0..2000).map(|_| body(&mut rng, index, corpus));
            let mut valid = 0;
            for bytes in corpus[index].iter().cloned().chain(generated) {
                if check.check(&bytes).is_ok_and(|v| v.is_empty()) {
                    valid += 1;
                    if let Err(e) = (check.built_alike)(&bytes) {
                        panic!("{}: {}\n{e}", check.name, String::from_utf8_lossy(&bytes));
                    }
                }
            }
            assert!(valid >= 5, "{}: only {valid} valid bodies", check.name);
        }
    }

    #[test]
    fn every_corpus_body_agrees() {
        for (index, bodies) in corpus().iter().enumerate() {
            assert!(
                !bodies.is_empty(),
                "no corpus body for {}",
                catalog::REQUESTS[index].name
            );
            for body in bodies {
                agree(index, body);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        #[test]
        fn single_pass_agrees_with_the_oracle(seed in any::<u64>()) {
            let corpus = corpus();
            let mut rng = Rng::new(seed);
            for index in 0..catalog::REQUESTS.len() {
                let bytes = body(&mut rng, index, corpus);
                agree(index, &bytes);
            }
        }
    }
}
