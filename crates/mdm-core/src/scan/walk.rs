//! The schema-directed half of the single-pass validator: it drives the
//! reader (`syntax.rs`) through one value and checks each token against the
//! schema as it comes by. Nothing is allocated for a valid body: keys are
//! compared as bytes, fields seen are bits, paths are borrowed chains on the
//! stack. Each violation carries its place in the oracle's order (fields in
//! schema order, unknown keys sorted, items by index), because the body's
//! member order need not be the schema's.

use super::syntax::{Num, Reader, Result, Str, EXPECTED_VALUE};
use super::view::{decode_into, Member};
use crate::json_text::{push_u64, with_number};
use crate::patterns::{is_email, is_https_url};
use crate::schema::{ArrayRule, Field, Format, IntegerRule, NumberRule, Schema, StringRule};
use crate::violation::{Violation, ViolationCode as Code};

/// Where a value sits, borrowed from the callers' stack frames.
#[derive(Clone, Copy)]
enum At<'p> {
    Root,
    Field(&'p At<'p>, &'static str, u16),
    Index(&'p At<'p>, usize),
}

/// One step of a violation's place in the oracle's order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    Field(u16),
    Unknown(String),
    Index(usize),
}

impl At<'_> {
    fn render(&self, out: &mut String) {
        match self {
            At::Root => {}
            At::Field(parent, name, _) => {
                parent.render(out);
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            At::Index(parent, i) => {
                parent.render(out);
                out.push('[');
                push_u64(out, *i as u64);
                out.push(']');
            }
        }
    }

    fn order(&self, out: &mut Vec<Rank>) {
        match self {
            At::Root => {}
            At::Field(parent, _, i) => {
                parent.order(out);
                out.push(Rank::Field(*i));
            }
            At::Index(parent, i) => {
                parent.order(out);
                out.push(Rank::Index(*i));
            }
        }
    }
}

struct Found {
    order: Vec<Rank>,
    violation: Violation,
}

/// How many top-level members the walk records for the rules (more: they scan).
const MEMBERS: usize = 32;

pub struct Walk<'a> {
    pub r: Reader<'a>,
    found: Vec<Found>,
    /// The top-level object's members, when it is one with at most `MEMBERS`.
    members: [Member; MEMBERS],
    member_count: usize,
}

impl<'a> Walk<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Walk {
            r: Reader::new(bytes),
            found: Vec::new(),
            members: [Member::default(); MEMBERS],
            member_count: 0,
        }
    }

    /// Checks the top-level value against `schema`; returns where it starts.
    pub fn root(&mut self, schema: &Schema) -> Result<usize> {
        let start = {
            self.r.whitespace();
            self.r.i
        };
        self.value(Some(schema), &At::Root)?;
        Ok(start)
    }

    /// Where the top-level object's members are (`None`: not an object, or
    /// more members than recorded).
    pub fn root_members(&self) -> Option<&[Member]> {
        let top_object = self.r.bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
        (top_object && self.member_count <= MEMBERS).then(|| &self.members[..self.member_count])
    }

    /// The violations found, in the oracle's order.
    pub fn finish(&mut self) -> Vec<Violation> {
        let found = std::mem::take(&mut self.found);
        // Usually found in order already (members in schema order).
        let sorted = found.windows(2).all(|w| w[0].order <= w[1].order);
        let found = match found.len() {
            _ if sorted => found,
            // Short lists: in place, without the merge sort's allocations.
            0..=32 => insertion_sort(found),
            _ => merge_sort(found),
        };
        found.into_iter().map(|f| f.violation).collect()
    }

    fn push(&mut self, at: &At, code: Code, message: impl Into<String>) {
        let mut order = Vec::with_capacity(4);
        at.order(&mut order);
        let mut path = String::with_capacity(32);
        at.render(&mut path);
        self.found.push(Found {
            order,
            violation: Violation::new(path, code, message),
        });
    }

    /// `schema: None` reads the value for syntax only.
    fn value(&mut self, schema: Option<&Schema>, at: &At) -> Result<()> {
        match self.r.value_start()? {
            b'n' => {
                self.r.eat();
                self.r.ident(b"ull")?;
                if let Some(s) = schema {
                    self.type_violation(s, "null", at);
                }
            }
            c @ (b't' | b'f') => {
                self.r.eat();
                self.r.ident(if c == b't' { b"rue" } else { b"alse" })?;
                match schema {
                    None | Some(Schema::Boolean) => {}
                    Some(s) => self.type_violation(s, "a boolean", at),
                }
            }
            b'-' | b'0'..=b'9' => {
                let n = self.r.number()?;
                match schema {
                    None => {}
                    Some(Schema::Integer(rule)) => self.integer(rule, n, at),
                    Some(Schema::Number(rule)) => self.number(rule, n, at),
                    Some(s) => self.type_violation(s, "a number", at),
                }
            }
            b'"' => {
                self.r.eat();
                let s = self.r.string()?;
                match schema {
                    None => {}
                    Some(Schema::String(rule)) => self.string(rule, s, at),
                    Some(other) => self.type_violation(other, "a string", at),
                }
            }
            b'[' => {
                self.r.enter()?;
                let rule = match schema {
                    None => None,
                    Some(Schema::Array(rule)) => Some(rule),
                    Some(s) => {
                        self.type_violation(s, "an array", at);
                        None
                    }
                };
                self.array(rule, at)?;
                self.r.leave();
            }
            b'{' => {
                self.r.enter()?;
                match schema {
                    Some(Schema::Object(fields)) => self.object(Some(fields), at)?,
                    None | Some(Schema::AnyObject) => self.object(None, at)?,
                    Some(s) => {
                        self.type_violation(s, "an object", at);
                        self.object(None, at)?;
                    }
                }
                self.r.leave();
            }
            _ => return Err(self.r.peek_error(EXPECTED_VALUE)),
        }
        Ok(())
    }

    fn array(&mut self, rule: Option<&ArrayRule>, at: &At) -> Result<()> {
        let mut n = 0usize;
        while self.r.next_item(n == 0)? {
            self.value(rule.map(|r| r.items), &At::Index(at, n))?;
            n += 1;
        }
        if let Some(max) = rule.and_then(|r| r.max_items) {
            if n > max {
                self.push(
                    at,
                    Code::MaxItems,
                    with_number("must have at most ", max as i64, " items"),
                );
            }
        }
        Ok(())
    }

    /// An object's members. Without fields (free-form objects, values that
    /// are not checked) it only reads them.
    fn object(&mut self, fields: Option<&'static [Field]>, at: &At) -> Result<()> {
        let mut seen: u128 = 0;
        let mut first = true;
        let root = matches!(at, At::Root);
        while let Some(key) = self.r.next_key(first)? {
            first = false;
            if !root {
                self.member(fields, key, at, &mut seen)?;
                continue;
            }
            self.r.whitespace();
            let start = self.r.i;
            self.member(fields, key, at, &mut seen)?;
            if let Some(m) = self.members.get_mut(self.member_count) {
                *m = Member {
                    key: (key.start as u32, key.end as u32),
                    value: (start as u32, self.r.i as u32),
                };
            }
            self.member_count += 1;
        }
        for (i, field) in fields.unwrap_or_default().iter().enumerate() {
            if field.required && seen & (1 << i) == 0 {
                self.push(&At::Field(at, field.name, i as u16), Code::Required, "is required");
            }
        }
        Ok(())
    }

    /// One member's value, after its key.
    fn member(&mut self, fields: Option<&'static [Field]>, key: Str, at: &At, seen: &mut u128) -> Result<()> {
        let Some(fields) = fields else {
            return self.value(None, at);
        };
        match self.field_index(fields, key) {
            Some(i) => {
                let field = &fields[i];
                let child = At::Field(at, field.name, i as u16);
                if *seen & (1 << i) != 0 && !self.found.is_empty() {
                    // A repeated key: the last one counts, as in a parsed map.
                    let mut prefix = Vec::new();
                    child.order(&mut prefix);
                    self.found.retain(|f| !f.order.starts_with(&prefix));
                }
                *seen |= 1 << i;
                let schema = if field.nullable && self.r.whitespace() == Some(b'n') {
                    None
                } else {
                    Some(&field.schema)
                };
                self.value(schema, &child)?;
            }
            None => {
                self.value(None, at)?;
                self.unknown(key, at);
            }
        }
        Ok(())
    }

    fn field_index(&self, fields: &[Field], key: Str) -> Option<usize> {
        let raw = &self.r.bytes[key.start..key.end];
        if key.escaped {
            let mut name = Vec::with_capacity(raw.len());
            decode_into(raw, &mut name);
            fields.iter().position(|f| f.name.as_bytes() == name)
        } else {
            fields.iter().position(|f| f.name.as_bytes() == raw)
        }
    }

    fn unknown(&mut self, key: Str, at: &At) {
        let name = self.text(key).into_owned();
        let mut order = Vec::with_capacity(4);
        at.order(&mut order);
        order.push(Rank::Unknown(name.clone()));
        if self.found.iter().any(|f| f.order == order) {
            return;
        }
        let mut path = String::with_capacity(32);
        at.render(&mut path);
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(&name);
        self.found.push(Found {
            order,
            violation: Violation::new(path, Code::UnknownField, "is not a known field"),
        });
    }

    /// A string token's text (checked UTF-8).
    fn text(&self, s: Str) -> std::borrow::Cow<'a, str> {
        let raw: &'a [u8] = &self.r.bytes[s.start..s.end];
        if s.escaped {
            let mut out = Vec::with_capacity(raw.len());
            decode_into(raw, &mut out);
            std::borrow::Cow::Owned(String::from_utf8(out).unwrap_or_default())
        } else {
            std::borrow::Cow::Borrowed(std::str::from_utf8(raw).unwrap_or_default())
        }
    }

    fn type_violation(&mut self, schema: &Schema, got: &str, at: &At) {
        let expected = match schema {
            Schema::String(_) => "a string",
            Schema::Integer(_) => "an integer",
            Schema::Number(_) => "a number",
            Schema::Boolean => "a boolean",
            Schema::Array(_) => "an array",
            Schema::Object(_) | Schema::AnyObject => "an object",
        };
        let mut message = String::with_capacity(32);
        message.push_str("must be ");
        message.push_str(expected);
        message.push_str(", not ");
        message.push_str(got);
        self.push(at, Code::Type, message);
    }

    fn string(&mut self, rule: &StringRule, s: Str, at: &At) {
        // Lengths count Unicode scalar values: what a person calls characters.
        if s.chars < rule.min_length {
            let message = if rule.min_length == 1 {
                "must not be empty".to_owned()
            } else {
                with_number("must be at least ", rule.min_length as i64, " characters")
            };
            self.push(at, Code::MinLength, message);
        }
        if let Some(max) = rule.max_length {
            if s.chars > max {
                self.push(
                    at,
                    Code::MaxLength,
                    with_number("must be at most ", max as i64, " characters"),
                );
            }
        }
        if rule.one_of.is_none() && rule.pattern.is_none() && rule.format.is_none() {
            return;
        }
        let text = self.text(s);
        if let Some(values) = rule.one_of {
            if !values.contains(&text.as_ref()) {
                let mut message = String::from("must be one of: ");
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        message.push_str(", ");
                    }
                    message.push_str(v);
                }
                self.push(at, Code::Enum, message);
            }
        }
        if let Some(p) = rule.pattern {
            if !p.matches(&text) {
                self.push(at, Code::Pattern, p.describe());
            }
        }
        if let Some(f) = rule.format {
            let (ok, message) = match f {
                Format::Email => (is_email(&text), "must be a valid email address"),
                Format::HttpsUrl => (is_https_url(&text), "must be an absolute https:// URL"),
                Format::DateTime => (
                    crate::time::parse_rfc3339(&text).is_some(),
                    "must be an RFC 3339 timestamp such as 2024-01-01T00:00:00Z",
                ),
            };
            if !ok {
                self.push(at, Code::Format, message);
            }
        }
    }

    fn integer(&mut self, rule: &IntegerRule, n: Num, at: &At) {
        // Integral floats (1.0, 1e3) are integers to a browser, so they count too.
        let (small, big) = match n {
            Num::U(u) if u > i64::MAX as u64 => (false, true),
            Num::U(u) => ((u as i64) < rule.min, u as i64 > rule.max),
            Num::I(i) => (i < rule.min, i > rule.max),
            Num::F(f) => {
                if !f.is_finite() || f.fract() != 0.0 {
                    self.push(at, Code::Type, "must be an integer");
                    return;
                }
                (f < rule.min as f64, f > rule.max as f64)
            }
        };
        if small {
            self.push(at, Code::Min, with_number("must be at least ", rule.min, ""));
        } else if big {
            self.push(at, Code::Max, with_number("must be at most ", rule.max, ""));
        }
    }

    fn number(&mut self, rule: &NumberRule, n: Num, at: &At) {
        let n = n.as_f64();
        if n < rule.min {
            self.push(at, Code::Min, with_number("must be at least ", bound(rule.min), ""));
        } else if n > rule.max {
            self.push(at, Code::Max, with_number("must be at most ", bound(rule.max), ""));
        }
    }
}

/// A stable sort by place for short lists.
fn insertion_sort(mut v: Vec<Found>) -> Vec<Found> {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && v[j - 1].order > v[j].order {
            v.swap(j - 1, j);
            j -= 1;
        }
    }
    v
}

/// A stable sort by place, by hand: the standard library's sorts are several
/// kilobytes of wasm, and these lists are short and nearly sorted already.
fn merge_sort(mut v: Vec<Found>) -> Vec<Found> {
    if v.len() < 2 {
        return v;
    }
    let right = merge_sort(v.split_off(v.len() / 2));
    let left = merge_sort(v);
    let mut out = Vec::with_capacity(left.len() + right.len());
    let mut right = right.into_iter().peekable();
    for l in left {
        while let Some(r) = right.next_if(|r| r.order < l.order) {
            out.push(r);
        }
        out.push(l);
    }
    out.extend(right);
    out
}

/// A number bound as the oracle prints it. Every bound in the catalog is a
/// whole number below 1e15 (a test checks), which prints as an integer.
fn bound(x: f64) -> i64 {
    x as i64
}
