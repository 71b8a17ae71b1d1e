//! The single-pass validator: checks a request body's JSON bytes against its
//! compiled `Schema` while tokenizing, with no DOM, and reports exactly what
//! the oracle (`schema::validate` over a `serde_json::Value`, kept for tests)
//! reports: the same paths, codes, messages and order, including the
//! body's cross-field rules and serde_json's own message for malformed text.
//!
//! - `syntax.rs`: the tokenizer, serde_json's grammar, numbers and errors;
//! - `walk.rs`: the schema walk over the tokens, and the violation order;
//! - `view.rs`: [`JsonView`], what cross-field rules read, over bytes or a Value.

mod syntax;
mod view;
mod walk;

#[cfg(any(test, feature = "oracle"))]
pub mod differential;

pub use view::{JsonView, Member, Members, Raw};

use crate::json_text::push_u64;
use crate::requests::RequestBody;
use crate::schema::{Dependency, Schema};
use crate::violation::{Sink, Violation, ViolationCode};

/// The violations of the JSON text `bytes` against `schema`, then of the
/// cross-field `rules`; `Err` with the one violation for a blank body
/// (`required`) or malformed JSON (`format`, with serde_json's message).
pub(crate) fn check(schema: &Schema, rules: Rules, bytes: &[u8]) -> Result<Vec<Violation>, Violation> {
    let mut out = Vec::new();
    write(schema, rules, bytes, &mut out)?;
    Ok(out)
}

/// A body's cross-field rules, and how many levels of its members they
/// read (`RequestBody::RULES_READ_LEVELS`): the walk records only those.
/// And its dependencies, which the walk checks itself.
pub(crate) struct Rules {
    pub run: fn(Raw<'_>, &mut Vec<Violation>),
    pub levels: usize,
    pub dependencies: &'static [Dependency],
}

impl Rules {
    const NONE: Rules = Rules {
        run: |_, _| {},
        levels: 0,
        dependencies: &[],
    };

    fn of<T: RequestBody>() -> Rules {
        Rules {
            run: |body, out| T::cross_field_rules(body, out),
            levels: T::RULES_READ_LEVELS,
            dependencies: T::DEPENDENCIES,
        }
    }
}

/// [`check`], handing the violations to `sink` in order (capped and cut as
/// `violation::capped` does) instead of returning them.
pub(crate) fn write(schema: &Schema, rules: Rules, bytes: &[u8], sink: &mut dyn Sink) -> Result<(), Violation> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Violation::new(
            "",
            ViolationCode::Required,
            "a JSON request body is required",
        ));
    }
    let mut walk = walk::Walk::new(bytes, rules.levels, rules.dependencies);
    let start = match walk.root(schema).and_then(|start| {
        let end = walk.r.i;
        walk.r.end().map(|()| (start, end))
    }) {
        Ok(range) => range,
        Err(e) => return Err(malformed(bytes, &e)),
    };
    walk.sort();
    let mut extra = Vec::new();
    // A body without rules reads nothing. In debug builds (the tests) its
    // rules run anyway: rules declared with no levels fail their first read.
    if rules.levels > 0 || cfg!(debug_assertions) {
        (rules.run)(Raw(&bytes[start.0..start.1], walk.recorded(bytes)), &mut extra);
    }
    walk.write(&extra, sink);
    Ok(())
}

/// [`check`] for request body `T`.
pub fn check_body<T: RequestBody>(bytes: &[u8]) -> Result<Vec<Violation>, Violation> {
    check(&T::SCHEMA, Rules::of::<T>(), bytes)
}

/// [`write`] for request body `T`.
pub fn write_body<T: RequestBody>(bytes: &[u8], sink: &mut dyn Sink) -> Result<(), Violation> {
    write(&T::SCHEMA, Rules::of::<T>(), bytes, sink)
}

/// Only whether `bytes` is one JSON value, as serde_json would read it.
pub fn check_syntax(bytes: &[u8]) -> Result<(), Violation> {
    // Any value passes here: a top-level array's `type` violation is dropped.
    check(&Schema::AnyObject, Rules::NONE, bytes).map(|_| ())
}

fn malformed(bytes: &[u8], e: &syntax::SyntaxError) -> Violation {
    let (line, column) = syntax::position(bytes, e);
    let mut message = String::with_capacity(64);
    message.push_str("malformed JSON: ");
    message.push_str(e.message);
    message.push_str(" at line ");
    push_u64(&mut message, line as u64);
    message.push_str(" column ");
    push_u64(&mut message, column as u64);
    Violation::new("", ViolationCode::Format, message)
}
