//! The schema-directed half of the single-pass validator: it drives the reader
//! (`syntax.rs`) through one value and checks each token against the schema as
//! it comes by. Nothing is allocated for a valid body: keys are compared as
//! bytes, fields seen are bits, paths are borrowed chains on the stack, and the
//! few buffers (the ids of a `unique_by` list, the members recorded for the
//! rules) are kept per thread. It also checks the declared rules: the
//! schema's `unique_by` as it reads the list, and the body's dependencies at
//! the end of its top object (from two words of bits: the fields present,
//! the boolean ones `true`). Their violations come after the schema's own,
//! in field order. Each violation carries its place in the oracle's order
//! (fields in schema order, unknown keys sorted, items by index), because
//! the body's member order need not be the schema's. A violation is
//! recorded without an allocation of its own: its place goes into a buffer
//! shared by the whole check (the place's steps are also its path's
//! segments), and its path and message (an id with arguments, [`Message`])
//! become text only when it is written out, straight into a [`Sink`].

use super::syntax::{Num, Reader, Result, Str, EXPECTED_VALUE};
use super::view::{unescaped, Member, Members};
use crate::json_text::{push_i64, push_u64};
use crate::patterns::{is_email, is_https_url};
use crate::schema::{ArrayRule, Dependency, Field, Format, IntegerRule, NumberRule, Schema, StringRule};
use crate::violation::{Part, Sink, Violation, ViolationCode as Code, MAX_VIOLATIONS};
use crate::words::{same_bytes, same_ignoring_ascii_case};
use std::cell::Cell;
use std::cmp::Ordering;

/// Where a value sits, borrowed from the callers' stack frames.
#[derive(Clone, Copy)]
enum At<'p> {
    Root,
    Field(&'p At<'p>, &'static str, u16),
    Index(&'p At<'p>, usize),
}

/// One step of a violation's place in the oracle's order: fields by their
/// schema index, then unknown keys by name (a byte range of `Places::text`),
/// then array items by index. The steps are also the path's segments: a
/// path is written from them only when its violation is written out.
#[derive(Debug, Clone, Copy)]
enum Rank {
    Field(u16, &'static str),
    Unknown(u32, u32),
    Index(usize),
}

impl At<'_> {
    /// Appends its steps, outermost first: the chain is walked twice (its
    /// length, then each step into its place), not recursed into.
    fn order(&self, out: &mut Vec<Rank>) {
        let mut depth = 0;
        let mut at = self;
        while let At::Field(parent, ..) | At::Index(parent, _) = at {
            depth += 1;
            at = parent;
        }
        let start = out.len();
        out.resize(start + depth, Rank::Index(0));
        let mut at = self;
        for slot in out.iter_mut().skip(start).rev() {
            (*slot, at) = match at {
                At::Field(parent, name, i) => (Rank::Field(*i, name), parent),
                At::Index(parent, i) => (Rank::Index(*i), parent),
                At::Root => break,
            };
        }
    }
}

/// A violation's message, written out only when the violation is.
#[derive(Clone, Copy)]
enum Message {
    Text(&'static str),
    /// `prefix`, a number, `suffix`.
    Number(&'static str, i64, &'static str),
    /// "must be {expected}, not {got}".
    Type(&'static str, &'static str),
    /// "must be one of: a, b, c".
    OneOf(&'static [&'static str]),
}

/// A violation's key ([`Sink::violation_keyed`]) is a string of words,
/// each with its kind in its top 16 bits, so that it reads back one way
/// only: a `'static` text or list (its length there, its address below,
/// which is its identity: equal ones are the same), or one of these tags
/// (`answer` keeps 0xFFF8 for violations known by their texts).
const INDEX: u64 = 0xFFFF << 48;
const UNKNOWN: u64 = 0xFFFE << 48;
const TEXT: u64 = 0xFFF1 << 48;
const NUMBER: u64 = 0xFFF2 << 48;
const TYPE: u64 = 0xFFF3 << 48;
const ONE_OF: u64 = 0xFFF4 << 48;

/// A `'static` text or list as one key word; none when its address or its
/// length does not fit (then its violation is known by its texts).
fn static_word(at: *const u8, len: usize) -> Option<u64> {
    let (at, len) = (at as usize as u64, len as u64);
    (at < 1 << 48 && len < 0xFFF0).then_some(len << 48 | at)
}

fn text_word(text: &'static str) -> Option<u64> {
    static_word(text.as_ptr(), text.len())
}

impl Message {
    /// Its parts: a tag, then its texts' words (and a number's own word).
    fn key(self, out: &mut Vec<u64>) -> Option<()> {
        match self {
            Message::Text(t) => out.extend_from_slice(&[TEXT, text_word(t)?]),
            Message::Number(p, n, s) => out.extend_from_slice(&[NUMBER, text_word(p)?, n as u64, text_word(s)?]),
            Message::Type(e, g) => out.extend_from_slice(&[TYPE, text_word(e)?, text_word(g)?]),
            Message::OneOf(values) => {
                out.extend_from_slice(&[ONE_OF, static_word(values.as_ptr().cast(), values.len())?]);
            }
        }
        Some(())
    }

    fn write(self, out: &mut String) {
        match self {
            Message::Text(text) => out.push_str(text),
            Message::Number(prefix, n, suffix) => {
                out.push_str(prefix);
                push_i64(out, n);
                out.push_str(suffix);
            }
            Message::Type(expected, got) => {
                out.push_str("must be ");
                out.push_str(expected);
                out.push_str(", not ");
                out.push_str(got);
            }
            Message::OneOf(values) => {
                out.push_str("must be one of: ");
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(v);
                }
            }
        }
    }
}

/// One violation: its place (a range of `Places::ranks`, which is also its
/// path), its code and message, and whether a declared rule found it (the
/// schema's `unique_by`, the body's dependencies): those come after the
/// schema's own.
#[derive(Clone, Copy)]
struct Found {
    ranks: (u32, u32),
    code: Code,
    message: Message,
    rule: bool,
}

/// The buffers `Found` points into: the places' steps, and the unknown
/// keys' names they refer to.
#[derive(Default)]
struct Places {
    ranks: Vec<Rank>,
    text: String,
    /// The key of the violation being written (`Places::key`).
    key: Vec<u64>,
}

impl Places {
    fn ranks(&self, range: (u32, u32)) -> &[Rank] {
        &self.ranks[range.0 as usize..range.1 as usize]
    }

    fn name(&self, start: u32, end: u32) -> &str {
        // `get`: slicing a `str` would link its panic message's formatting.
        self.text.get(start as usize..end as usize).unwrap_or_default()
    }

    /// The key of `f`'s violation ([`Sink::violation_keyed`]): its place's
    /// steps, then its message's parts.
    fn key<'k>(&self, f: &Found, out: &'k mut Vec<u64>) -> Option<&'k [u64]> {
        out.clear();
        for rank in self.ranks(f.ranks) {
            match *rank {
                Rank::Field(_, name) => out.push(text_word(name)?),
                Rank::Index(i) => out.push(INDEX | Some(i as u64).filter(|&i| i < 1 << 48)?),
                Rank::Unknown(a, b) => {
                    // A name from the body: its bytes, eight to a word. A
                    // long one has none (its violation is then known by its
                    // texts, which are cut): keys stay small.
                    let name = self.name(a, b).as_bytes();
                    if name.len() > 4 * crate::violation::MAX_TEXT {
                        return None;
                    }
                    out.push(UNKNOWN);
                    crate::answer::push_bytes(out, name);
                }
            }
        }
        f.message.key(out)?;
        Some(out)
    }

    /// Appends the path of the place `range` to `out`.
    fn render(&self, range: (u32, u32), out: &mut String) {
        let start = out.len();
        for rank in self.ranks(range) {
            let name = match *rank {
                Rank::Field(_, name) => name,
                Rank::Unknown(a, b) => self.name(a, b),
                Rank::Index(i) => {
                    out.push('[');
                    push_u64(out, i as u64);
                    out.push(']');
                    continue;
                }
            };
            if out.len() > start {
                out.push('.');
            }
            out.push_str(name);
        }
    }

    fn rank_cmp(&self, a: Rank, b: Rank) -> Ordering {
        let variant = |r: Rank| match r {
            Rank::Field(..) => 0,
            Rank::Unknown(..) => 1,
            Rank::Index(_) => 2,
        };
        match (a, b) {
            (Rank::Field(x, _), Rank::Field(y, _)) => x.cmp(&y),
            (Rank::Unknown(a0, a1), Rank::Unknown(b0, b1)) => self.name(a0, a1).cmp(self.name(b0, b1)),
            (Rank::Index(x), Rank::Index(y)) => x.cmp(&y),
            _ => variant(a).cmp(&variant(b)),
        }
    }

    /// The oracle's order of two places: step by step, a prefix first.
    fn cmp(&self, a: (u32, u32), b: (u32, u32)) -> Ordering {
        let (a, b) = (self.ranks(a), self.ranks(b));
        for (x, y) in a.iter().zip(b) {
            match self.rank_cmp(*x, *y) {
                Ordering::Equal => {}
                other => return other,
            }
        }
        a.len().cmp(&b.len())
    }

    fn starts_with(&self, place: (u32, u32), prefix: (u32, u32)) -> bool {
        let head = (place.0, place.1.min(place.0 + (prefix.1 - prefix.0)));
        self.cmp(head, prefix) == Ordering::Equal
    }
}

/// No object of a request body has more fields than `Walk::object` has
/// bits for: checked when this crate compiles.
const _: () = {
    let mut i = 0;
    while i < crate::catalog::ENTRIES.len() {
        let entry = &crate::catalog::ENTRIES[i];
        if matches!(entry.kind, crate::catalog::Kind::Request) {
            assert!(entry.schema.widest_object() <= u64::BITS as usize);
        }
        i += 1;
    }
};

pub struct Walk<'a> {
    pub r: Reader<'a>,
    found: Vec<Found>,
    places: Places,
    /// Where the members and items of every value are, by nesting level
    /// (`view::Members`), for the rules: only the first `record` levels.
    levels: Vec<Vec<Member>>,
    record: usize,
    /// How many arrays and objects enclose the value being read.
    depth: usize,
    /// The ids read so far of the items of `unique_by` lists.
    ids: Vec<Id>,
    /// The body's dependencies, checked at the end of its top object.
    dependencies: &'static [Dependency],
}

/// An id of an item of a `unique_by` list: its content as a byte range of
/// the text, whether it has escapes, and a hash of its content unescaped
/// and ASCII case folded. Each item's id is compared with every earlier
/// one's: by hash first, so that a list of thousands (a 64 KB body holds
/// about 3,000) costs word compares, and the contents are read (escapes
/// decoded) only when two hashes agree.
#[derive(Clone, Copy)]
struct Id {
    start: u32,
    end: u32,
    escaped: bool,
    folded: u64,
}

impl Id {
    fn new(text: &[u8], start: usize, end: usize) -> Id {
        let raw = text.get(start..end).unwrap_or_default();
        let escaped = crate::words::has_backslash(raw);
        // Eight bytes at a time, each with its 0x20 bit set: bytes equal
        // ASCII case aside are then equal (and some others, which only
        // makes the contents compared).
        let content = unescaped(raw, escaped);
        let words = content.chunks(8).map(|c| crate::words::word(c) | 0x2020_2020_2020_2020);
        let folded = crate::words::hash(content.len() as u64, words);
        Id {
            start: start as u32,
            end: end as u32,
            escaped,
            folded,
        }
    }

    /// Whether the two ids are the same, ASCII case aside, once unescaped.
    fn same_as(&self, other: &Id, text: &[u8]) -> bool {
        if self.folded != other.folded {
            return false;
        }
        let read = |id: &Id| {
            unescaped(
                text.get(id.start as usize..id.end as usize).unwrap_or_default(),
                id.escaped,
            )
        };
        same_ignoring_ascii_case(&read(self), &read(other))
    }
}

/// The items' fields of a `unique_by` list, and the index of its id among them.
fn unique_by(rule: &ArrayRule) -> Option<(&'static [Field], usize)> {
    let name = rule.unique_by?;
    let Schema::Object(fields) = rule.items else {
        return None;
    };
    Some((fields, fields.iter().position(|f| f.name == name)?))
}

/// A walk's buffers, kept for the next walk on this thread once emptied
/// (none of them is allocated per check after the first).
#[derive(Default)]
struct Spare {
    found: Vec<Found>,
    places: Places,
    levels: Vec<Vec<Member>>,
    ids: Vec<Id>,
}

impl Spare {
    /// The bytes its buffers hold.
    fn held(&self) -> usize {
        use std::mem::size_of;
        let levels: usize = self.levels.iter().map(Vec::capacity).sum();
        self.found.capacity() * size_of::<Found>()
            + self.places.ranks.capacity() * size_of::<Rank>()
            + self.places.text.capacity()
            + self.places.key.capacity() * size_of::<u64>()
            + levels * size_of::<Member>()
            + self.ids.capacity() * size_of::<Id>()
    }
}

thread_local! {
    static SPARE: Cell<Option<Spare>> = const { Cell::new(None) };
}

/// A walk's buffers are kept while they hold at most this many bytes in
/// all: they grow with the body and its violations.
const KEEP: usize = 16 * 1024;

impl<'a> Walk<'a> {
    /// A walk over `bytes` that records the first `record` levels of
    /// members for the rules (`RequestBody::RULES_READ_LEVELS`), and checks
    /// the body's `dependencies`.
    pub fn new(bytes: &'a [u8], record: usize, dependencies: &'static [Dependency]) -> Self {
        let spare = SPARE.with(Cell::take).unwrap_or_default();
        Walk {
            r: Reader::new(bytes),
            found: spare.found,
            places: spare.places,
            levels: spare.levels,
            record,
            depth: 0,
            ids: spare.ids,
            dependencies,
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

    /// What was recorded of the top value's members or items, for the
    /// rules' reads over `text`.
    pub fn recorded(&self, text: &'a [u8]) -> Members<'_> {
        let top = self.levels.first().map_or(0, Vec::len);
        Members {
            text,
            levels: &self.levels,
            recorded: self.record,
            level: 0,
            range: (0, top as u32),
        }
    }

    /// Whether the members and items at this depth are recorded.
    fn recording(&self) -> bool {
        self.depth <= self.record
    }

    /// Before one member's or item's value: where it starts, and where its
    /// own members or items will.
    fn value_starts(&mut self) -> (u32, u32) {
        let level = self.depth - 1;
        if self.levels.len() < level + 2 {
            self.levels.resize_with(level + 2, Vec::new);
        }
        self.r.whitespace();
        (self.r.i as u32, self.levels[level + 1].len() as u32)
    }

    /// After it: records where it is and where its members or items are.
    fn value_ends(&mut self, key: (u32, u32), (start, first_child): (u32, u32)) {
        let level = self.depth - 1;
        let children = (first_child, self.levels[level + 1].len() as u32);
        self.levels[level].push(Member {
            key,
            value: (start, self.r.i as u32),
            children,
        });
    }

    /// Puts the violations found in the oracle's order.
    pub fn sort(&mut self) {
        let places = &self.places;
        // The schema's own violations first, then those of its declared rules.
        let less =
            |a: &Found, b: &Found| a.rule.cmp(&b.rule).then_with(|| places.cmp(a.ranks, b.ranks)) == Ordering::Less;
        // Usually found in order already, or nearly (members in schema
        // order, a missing field found at its object's end): an insertion
        // sort then costs one comparison per violation.
        if self.found.len() <= 32 {
            insertion_sort(&mut self.found, less);
        } else if self.found.windows(2).any(|w| less(&w[1], &w[0])) {
            merge_sort(&mut self.found, less);
        }
    }

    /// Writes the violations found (sorted), then the rules' `extra` ones,
    /// as every layer reports them: at most [`MAX_VIOLATIONS`], the last then
    /// saying how many more there were, texts cut (`violation::capped`).
    pub fn write(&mut self, extra: &[Violation], sink: &mut dyn Sink) {
        let total = self.found.len() + extra.len();
        let shown = if total > MAX_VIOLATIONS {
            MAX_VIOLATIONS - 1
        } else {
            total
        };
        // The texts written once, where the sink keeps them (and cuts them),
        // or, for a sink that has them already, named by their key.
        let mut words = std::mem::take(&mut self.places.key);
        let keyed = sink.takes_keys();
        for f in self.found.iter().take(shown) {
            let mut write = |part, out: &mut String| match part {
                Part::Path => self.places.render(f.ranks, out),
                Part::Message => f.message.write(out),
            };
            match keyed.then(|| self.places.key(f, &mut words)).flatten() {
                Some(key) => sink.violation_keyed(f.code, key, &mut write),
                None => sink.violation_written(f.code, &mut write),
            }
        }
        self.places.key = words;
        for v in extra.iter().take(shown.saturating_sub(self.found.len())) {
            sink.violation_written(v.code, &mut |part, out| match part {
                Part::Path => out.push_str(&v.path),
                Part::Message => out.push_str(&v.message),
            });
        }
        if total > shown {
            let more = Message::Number("... ", (total - shown) as i64, " more violations not shown");
            sink.violation_written(Code::TooMany, &mut |part, out| {
                if part == Part::Message {
                    more.write(out);
                }
            });
        }
    }

    fn push(&mut self, at: &At, code: Code, message: Message) {
        self.push_found(at, code, message, false);
    }

    fn push_found(&mut self, at: &At, code: Code, message: Message, rule: bool) {
        self.reserve();
        let ranks = self.places.ranks.len() as u32;
        at.order(&mut self.places.ranks);
        self.found.push(Found {
            ranks: (ranks, self.places.ranks.len() as u32),
            code,
            message,
            rule,
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
                let fields = match schema {
                    Some(Schema::Object(fields)) => Some(*fields),
                    None | Some(Schema::AnyObject) => None,
                    Some(s) => {
                        self.type_violation(s, "an object", at);
                        None
                    }
                };
                self.object(fields, at, None)?;
                self.r.leave();
            }
            _ => return Err(self.r.peek_error(EXPECTED_VALUE)),
        }
        Ok(())
    }

    fn array(&mut self, rule: Option<&ArrayRule>, at: &At) -> Result<()> {
        let mut n = 0usize;
        let unique = rule.and_then(unique_by);
        let ids = self.ids.len();
        self.depth += 1;
        let recording = self.recording();
        while self.r.next_item(n == 0)? {
            let start = if recording { self.value_starts() } else { (0, 0) };
            let item = At::Index(at, n);
            match unique {
                // An item of a `unique_by` list: an object, its id read on the way.
                Some((fields, id)) if self.r.whitespace() == Some(b'{') => {
                    self.r.enter()?;
                    let found = self.object(Some(fields), &item, Some(id))?;
                    self.r.leave();
                    if let Some(found) = found {
                        self.unique_id(found, ids, &At::Field(&item, fields[id].name, id as u16));
                    }
                }
                _ => self.value(rule.map(|r| r.items), &item)?,
            }
            if recording {
                self.value_ends((0, 0), start);
            }
            n += 1;
        }
        self.depth -= 1;
        self.ids.truncate(ids);
        if let Some(max) = rule.and_then(|r| r.max_items) {
            if n > max {
                self.push(
                    at,
                    Code::MaxItems,
                    Message::Number("must have at most ", max as i64, " items"),
                );
            }
        }
        Ok(())
    }

    /// An object's members. Without fields (free-form objects, values that
    /// are not checked) it only reads them. Returns the string value of
    /// field `id` (the last one, as in a parsed map), when asked for.
    fn object(&mut self, fields: Option<&'static [Field]>, at: &At, id: Option<usize>) -> Result<Option<Id>> {
        // One bit per field: a `u64` (the wasm has no 128-bit shift; a
        // `u128` one is a call). Every request body's schema is held to
        // that when this crate compiles (above `Walk`); the validator checks
        // no other schema with fields.
        debug_assert!(fields.is_none_or(|f| f.len() <= u64::BITS as usize));
        let mut seen: u64 = 0;
        // The boolean fields whose value is `true`, for the dependencies.
        let mut truthy: u64 = 0;
        // Where the next member's field is likely to be: right after the
        // last one's, as bodies usually list their members in schema order.
        let mut next = 0usize;
        let mut first = true;
        let mut found = None;
        self.depth += 1;
        let recording = self.recording();
        while let Some(key) = self.r.next_key(first)? {
            first = false;
            let start = if recording { self.value_starts() } else { (0, 0) };
            self.member(fields, key, at, (&mut seen, &mut truthy, &mut next), (id, &mut found))?;
            if recording {
                self.value_ends((key.start as u32, key.end as u32), start);
            }
        }
        self.depth -= 1;
        let mut bit = 1u64;
        for (i, field) in fields.unwrap_or_default().iter().enumerate() {
            let missing = field.required && seen & bit == 0;
            bit <<= 1;
            if missing {
                self.push(
                    &At::Field(at, field.name, i as u16),
                    Code::Required,
                    Message::Text("is required"),
                );
            }
        }
        // The body's own object only: not one under an unknown key, which
        // is read with its parent's place (and no fields).
        if let (0, Some(_), [_, ..]) = (self.depth, fields, self.dependencies) {
            self.dependencies(seen, truthy);
        }
        Ok(found)
    }

    /// The body's dependencies, at the end of its top object: `seen` and
    /// `truthy` are its fields present, and its boolean ones `true`.
    #[inline(never)]
    fn dependencies(&mut self, seen: u64, truthy: u64) {
        for d in self.dependencies {
            let present = seen >> d.field_index & 1 == 1;
            let on = truthy >> d.on_index & 1 == 1;
            let broken = if d.required { on && !present } else { present && !on };
            if broken {
                let at = At::Field(&At::Root, d.field, d.field_index as u16);
                self.push_found(&at, Code::Dependency, Message::Text(d.message), true);
            }
        }
    }

    /// One member's value, after its key. `seen`, `truthy` and `next` are
    /// `object`'s, as is the id asked for and found.
    fn member(
        &mut self,
        fields: Option<&'static [Field]>,
        key: Str,
        at: &At,
        (seen, truthy, next): (&mut u64, &mut u64, &mut usize),
        (id, found): (Option<usize>, &mut Option<Id>),
    ) -> Result<()> {
        let Some(fields) = fields else {
            return self.value(None, at);
        };
        match self.field_index(fields, key, *next) {
            Some(i) => {
                *next = i + 1;
                let field = &fields[i];
                let child = At::Field(at, field.name, i as u16);
                let bit = 1u64 << i;
                if *seen & bit != 0 && !self.found.is_empty() {
                    // A repeated key: the last one counts, as in a parsed map.
                    let start = self.places.ranks.len();
                    child.order(&mut self.places.ranks);
                    let prefix = (start as u32, self.places.ranks.len() as u32);
                    let places = &self.places;
                    self.found.retain(|f| !places.starts_with(f.ranks, prefix));
                    self.places.ranks.truncate(start);
                }
                *seen |= bit;
                if let Schema::Boolean = field.schema {
                    // For the dependencies: whether it is `true` (the last
                    // one, as in a parsed map). A `t` starts no other value.
                    // (The first byte is peeked again below, not kept: kept,
                    // every body was 2-9% slower; BENCHMARKS.md 0q.)
                    let t = (self.r.whitespace() == Some(b't')) as u64;
                    *truthy = *truthy & !bit | t << i;
                }
                let schema = if field.nullable && self.r.whitespace() == Some(b'n') {
                    None
                } else {
                    Some(&field.schema)
                };
                if id == Some(i) {
                    let start = self.r.whitespace().filter(|&c| c == b'"').map(|_| self.r.i + 1);
                    self.value(schema, &child)?;
                    *found = start.map(|start| Id::new(self.r.bytes, start, self.r.i - 1));
                } else {
                    self.value(schema, &child)?;
                }
            }
            None => {
                self.value(None, at)?;
                self.unknown(key, at);
            }
        }
        Ok(())
    }

    /// After the item whose id is `id` (at `at`) of a `unique_by` list
    /// whose ids start at `base` of `ids`: the id, if an earlier item has it
    /// too (ASCII case aside), is a violation of the rule.
    #[inline(never)]
    fn unique_id(&mut self, id: Id, base: usize, at: &At) {
        let text = self.r.bytes;
        let earlier = self.ids.get(base..).unwrap_or_default();
        if earlier.iter().any(|e| e.same_as(&id, text)) {
            self.push_found(at, Code::Unique, Message::Text("is assigned more than once"), true);
        }
        self.ids.push(id);
    }

    /// The field `key` names, trying field `hint` first.
    fn field_index(&self, fields: &[Field], key: Str, hint: usize) -> Option<usize> {
        let decoded;
        let name: &[u8] = if key.escaped {
            decoded = self.bytes(key);
            &decoded
        } else {
            &self.r.bytes[key.start..key.end]
        };
        if fields.get(hint).is_some_and(|f| same_bytes(f.name.as_bytes(), name)) {
            return Some(hint);
        }
        fields.iter().position(|f| same_bytes(f.name.as_bytes(), name))
    }

    /// Room for a few violations at the first one (of the first invalid
    /// body on this thread): one allocation per buffer, not step by step.
    fn reserve(&mut self) {
        if self.found.capacity() == 0 {
            self.found.reserve(16);
            self.places.ranks.reserve(64);
            self.places.text.reserve(64);
        }
    }

    fn unknown(&mut self, key: Str, at: &At) {
        self.reserve();
        let name = self.bytes(key);
        let name = std::str::from_utf8(&name).unwrap_or_default();
        let ranks = self.places.ranks.len();
        let text = &mut self.places.text;
        let name_start = text.len();
        text.push_str(name);
        let name = Rank::Unknown(name_start as u32, text.len() as u32);
        at.order(&mut self.places.ranks);
        self.places.ranks.push(name);
        let place = (ranks as u32, self.places.ranks.len() as u32);
        let places = &self.places;
        // A key repeated: one violation, as a parsed map has one member.
        let repeated = |f: &Found| f.code == Code::UnknownField && places.cmp(f.ranks, place) == Ordering::Equal;
        if self.found.iter().any(repeated) {
            self.places.ranks.truncate(ranks);
            self.places.text.truncate(name_start);
            return;
        }
        self.found.push(Found {
            ranks: place,
            code: Code::UnknownField,
            message: Message::Text("is not a known field"),
            rule: false,
        });
    }

    /// A string token's content, unescaped.
    fn bytes(&self, s: Str) -> std::borrow::Cow<'a, [u8]> {
        unescaped(&self.r.bytes[s.start..s.end], s.escaped)
    }

    fn type_violation(&mut self, schema: &Schema, got: &'static str, at: &At) {
        let expected = match schema {
            Schema::String(_) => "a string",
            Schema::Integer(_) => "an integer",
            Schema::Number(_) => "a number",
            Schema::Boolean => "a boolean",
            Schema::Array(_) => "an array",
            Schema::Object(_) | Schema::AnyObject => "an object",
        };
        self.push(at, Code::Type, Message::Type(expected, got));
    }

    fn string(&mut self, rule: &StringRule, s: Str, at: &At) {
        // Lengths count Unicode scalar values: what a person calls characters.
        if s.chars < rule.min_length {
            let message = if rule.min_length == 1 {
                Message::Text("must not be empty")
            } else {
                Message::Number("must be at least ", rule.min_length as i64, " characters")
            };
            self.push(at, Code::MinLength, message);
        }
        if let Some(max) = rule.max_length {
            if s.chars > max {
                self.push(
                    at,
                    Code::MaxLength,
                    Message::Number("must be at most ", max as i64, " characters"),
                );
            }
        }
        if rule.one_of.is_none() && rule.pattern.is_none() && rule.format.is_none() {
            return;
        }
        // The content as bytes: a body's strings are checked UTF-8 already,
        // and enums and patterns compare bytes (no `from_utf8` per value).
        let bytes = self.bytes(s);
        if let Some(values) = rule.one_of {
            if !values.iter().any(|v| v.as_bytes() == &*bytes) {
                self.push(at, Code::Enum, Message::OneOf(values));
            }
        }
        if let Some(p) = rule.pattern {
            if !p.matches_bytes(&bytes) {
                self.push(at, Code::Pattern, Message::Text(p.describe()));
            }
        }
        if let Some(f) = rule.format {
            let text = std::str::from_utf8(&bytes).unwrap_or_default();
            let (ok, message) = match f {
                Format::Email => (is_email(text), "must be a valid email address"),
                Format::HttpsUrl => (is_https_url(text), "must be an absolute https:// URL"),
                Format::DateTime => (
                    crate::time::parse_rfc3339(text).is_some(),
                    "must be an RFC 3339 timestamp such as 2024-01-01T00:00:00Z",
                ),
            };
            if !ok {
                self.push(at, Code::Format, Message::Text(message));
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
                    self.push(at, Code::Type, Message::Text("must be an integer"));
                    return;
                }
                (f < rule.min as f64, f > rule.max as f64)
            }
        };
        if small {
            self.push(at, Code::Min, Message::Number("must be at least ", rule.min, ""));
        } else if big {
            self.push(at, Code::Max, Message::Number("must be at most ", rule.max, ""));
        }
    }

    fn number(&mut self, rule: &NumberRule, n: Num, at: &At) {
        let n = n.as_f64();
        if n < rule.min {
            self.push(at, Code::Min, Message::Number("must be at least ", bound(rule.min), ""));
        } else if n > rule.max {
            self.push(at, Code::Max, Message::Number("must be at most ", bound(rule.max), ""));
        }
    }
}

impl Drop for Walk<'_> {
    /// Keeps the buffers, emptied, for the next walk on this thread, unless
    /// a large body grew them.
    fn drop(&mut self) {
        let mut spare = Spare {
            found: std::mem::take(&mut self.found),
            places: std::mem::take(&mut self.places),
            levels: std::mem::take(&mut self.levels),
            ids: std::mem::take(&mut self.ids),
        };
        if spare.held() > KEEP {
            return;
        }
        spare.found.clear();
        spare.places.ranks.clear();
        spare.places.text.clear();
        spare.places.key.clear();
        spare.levels.iter_mut().for_each(Vec::clear);
        spare.ids.clear();
        // What it replaces is `None` (`new` took it): nothing to drop, and
        // no drop code for it in the wasm.
        std::mem::forget(SPARE.with(|s| s.replace(Some(spare))));
    }
}

/// A stable sort by place for short lists, in place.
fn insertion_sort(v: &mut [Found], less: impl Fn(&Found, &Found) -> bool) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && less(&v[j], &v[j - 1]) {
            v.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// A stable sort by place, bottom-up, by hand: the standard library's sorts
/// are several kilobytes of wasm, and these lists are short and nearly sorted.
fn merge_sort(v: &mut Vec<Found>, less: impl Fn(&Found, &Found) -> bool) {
    let n = v.len();
    let mut from = v.clone();
    let mut to = v.clone();
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut l, mut r) = (start, mid);
            for slot in &mut to[start..end] {
                // The right one only when strictly before: stable.
                if r < end && (l >= mid || less(&from[r], &from[l])) {
                    *slot = from[r];
                    r += 1;
                } else {
                    *slot = from[l];
                    l += 1;
                }
            }
            start = end;
        }
        std::mem::swap(&mut from, &mut to);
        width *= 2;
    }
    *v = from;
}

/// A number bound as the oracle prints it. Every bound in the catalog is a
/// whole number below 1e15 (a test checks), which prints as an integer.
fn bound(x: f64) -> i64 {
    x as i64
}

#[cfg(test)]
mod tests {
    use super::{Cell, KEEP, MAX_VIOLATIONS, SPARE};
    use crate::catalog;

    /// A body of a few kilobytes can hold thousands of violations: the
    /// buffers they grew are dropped, not kept for the thread's next check.
    #[test]
    fn buffers_grown_by_many_violations_are_not_kept() {
        let device = catalog::request_check("AospDeviceUpdate").unwrap();
        let items = vec!["{}"; 5000].join(",");
        let body = format!(r#"{{"aosPolicyAssignments":[{items}]}}"#);
        assert!(body.len() < KEEP);
        // 5,000 found, 100 reported (the cap).
        assert_eq!(device.check(body.as_bytes()).unwrap().len(), MAX_VIOLATIONS);
        assert!(SPARE.with(Cell::take).is_none());
        // A usual invalid body's buffers are kept, and small.
        assert_eq!(device.check(br#"{"displayName":1}"#).unwrap().len(), 1);
        let spare = SPARE.with(Cell::take).expect("kept");
        assert!(spare.held() <= KEEP, "{}", spare.held());
    }
}
