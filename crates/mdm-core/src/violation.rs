//! A validation problem, as every layer reports it: the API's `details`, the npm
//! package's return value and the admin page's field messages are all lists of these.

use serde::{Deserialize, Serialize};

/// The small, documented set of violation codes. Clients switch on
/// these, so adding one is an API change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ViolationCode {
    /// A required field or parameter is missing.
    Required,
    /// The JSON type is wrong (string where an integer is needed, null, a fraction...).
    Type,
    /// A string does not match the field's pattern.
    Pattern,
    MinLength,
    MaxLength,
    Min,
    Max,
    /// A value outside the field's enumeration.
    Enum,
    /// A field the resource does not have.
    UnknownField,
    /// A string that is not a valid email, URL, timestamp, duration...
    Format,
    MaxItems,
    /// A value that must be unique within its list appears twice.
    Unique,
    /// A referenced entity (policy, user, segment...) does not exist in the organization.
    Reference,
    /// A field that depends on another (e.g. `sendEmail` needs an MDM user).
    Dependency,
    /// The last entry of a capped list: how many more were left out.
    TooMany,
}

/// Every code's name, as the API writes it (the published enum of `code`).
pub const CODES: &[&str] = &[
    "required",
    "type",
    "pattern",
    "minLength",
    "maxLength",
    "min",
    "max",
    "enum",
    "unknownField",
    "format",
    "maxItems",
    "unique",
    "reference",
    "dependency",
    "tooMany",
];

impl ViolationCode {
    pub const ALL: [ViolationCode; 15] = [
        Self::Required,
        Self::Type,
        Self::Pattern,
        Self::MinLength,
        Self::MaxLength,
        Self::Min,
        Self::Max,
        Self::Enum,
        Self::UnknownField,
        Self::Format,
        Self::MaxItems,
        Self::Unique,
        Self::Reference,
        Self::Dependency,
        Self::TooMany,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::Type => "type",
            Self::Pattern => "pattern",
            Self::MinLength => "minLength",
            Self::MaxLength => "maxLength",
            Self::Min => "min",
            Self::Max => "max",
            Self::Enum => "enum",
            Self::UnknownField => "unknownField",
            Self::Format => "format",
            Self::MaxItems => "maxItems",
            Self::Unique => "unique",
            Self::Reference => "reference",
            Self::Dependency => "dependency",
            Self::TooMany => "tooMany",
        }
    }
}

/// One problem with one input value. `path` uses dots for fields and `[i]` for
/// array items (`aosPolicyAssignments[1].priority`); query and path parameters
/// use their own name; a problem with the whole body has the empty path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    pub path: String,
    pub code: ViolationCode,
    pub message: String,
}

impl Violation {
    pub fn new(path: impl Into<String>, code: ViolationCode, message: impl Into<String>) -> Self {
        Violation {
            path: path.into(),
            code,
            message: message.into(),
        }
    }

    /// The violation whose texts `write` writes ([`Sink::violation_written`]),
    /// cut as [`capped`] cuts them.
    pub fn written(code: ViolationCode, write: &mut dyn FnMut(Part, &mut String)) -> Self {
        let (mut path, mut message) = (String::new(), String::new());
        write(Part::Path, &mut path);
        write(Part::Message, &mut message);
        cut_tail(&mut path, 0);
        cut_tail(&mut message, 0);
        Violation { path, code, message }
    }
}

/// Where a validator hands its violations, in their final order, one at a
/// time: a list of [`Violation`]s (the worker), or the npm package's
/// answer, texts by id ([`crate::answer::Answer`]).
pub trait Sink {
    fn violation(&mut self, path: &str, code: ViolationCode, message: &str);

    /// The same, with the texts written by `write` (its [`Part::Path`], then
    /// its [`Part::Message`]) straight into where they are kept, then cut as
    /// [`capped`] cuts them: the single-pass validator's violations, which
    /// are not texts until they are written out.
    fn violation_written(&mut self, code: ViolationCode, write: &mut dyn FnMut(Part, &mut String)) {
        let v = Violation::written(code, write);
        self.violation(&v.path, v.code, &v.message);
    }

    /// The same, with `key`: words that name the violation's two texts,
    /// equal for two violations only when their paths and messages are (its
    /// place in the schema and its message's parts, by address), so a sink
    /// that keeps texts can find them without writing them.
    fn violation_keyed(&mut self, code: ViolationCode, key: &[u64], write: &mut dyn FnMut(Part, &mut String)) {
        let _ = key;
        self.violation_written(code, write);
    }

    /// Whether keys are worth making for it ([`Sink::violation_keyed`]).
    fn takes_keys(&self) -> bool {
        false
    }
}

/// Which text of a violation [`Sink::violation_written`] asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Path,
    Message,
}

impl Sink for Vec<Violation> {
    fn violation(&mut self, path: &str, code: ViolationCode, message: &str) {
        self.push(Violation::new(path, code, message));
    }

    /// Writes each text once, into the `String` the violation keeps.
    fn violation_written(&mut self, code: ViolationCode, write: &mut dyn FnMut(Part, &mut String)) {
        self.push(Violation::written(code, write));
    }
}

/// Where a value sits in a body, as a chain of borrowed segments on the
/// stack. Rendered to the `Violation::path` text only when a violation is
/// reported, so validating a valid body allocates no path strings.
#[derive(Debug, Clone, Copy)]
pub enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl Path<'_> {
    /// `aosPolicyAssignments[1].priority`; empty for the root.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Path::Root => {}
            Path::Key(parent, key) => {
                parent.write(out);
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Path::Index(parent, i) => {
                parent.write(out);
                out.push('[');
                crate::json_text::push_u64(out, *i as u64);
                out.push(']');
            }
        }
    }
}

/// At most this many violations are reported; the last says how many more there were.
pub const MAX_VIOLATIONS: usize = 100;
/// Paths and messages longer than this are cut (a path echoes client keys,
/// which may be up to a whole body long).
pub const MAX_TEXT: usize = 100;

/// The list as every layer reports it: at most [`MAX_VIOLATIONS`] entries,
/// the last being `{"path": "", "code": "tooMany"}` when more were found, and
/// paths and messages cut to [`MAX_TEXT`] characters, so a hostile body cannot
/// make a large error answer (100 entries stay well under 32 KiB of JSON).
pub fn capped(mut list: Vec<Violation>) -> Vec<Violation> {
    if list.len() > MAX_VIOLATIONS {
        let more = list.len() - (MAX_VIOLATIONS - 1);
        list.truncate(MAX_VIOLATIONS - 1);
        list.push(Violation::new(
            "",
            ViolationCode::TooMany,
            crate::json_text::with_number("... ", more as i64, " more violations not shown"),
        ));
    }
    for v in &mut list {
        cut_tail(&mut v.path, 0);
        cut_tail(&mut v.message, 0);
    }
    list
}

/// Cuts the text `text` holds from byte `start` on as [`capped`] reports
/// it, in place: its first [`MAX_TEXT`] characters and `…`.
pub fn cut_tail(text: &mut String, start: usize) {
    if text.len() <= start + MAX_TEXT {
        return; // no more characters than bytes
    }
    let at = text.get(start..).and_then(cut_point);
    if let Some(at) = at {
        text.truncate(start + at);
        text.push('…');
    }
}

/// Where character number [`MAX_TEXT`] starts, when `text` has more.
fn cut_point(text: &str) -> Option<usize> {
    if text.len() <= MAX_TEXT {
        return None; // no more characters than bytes
    }
    // Counting the bytes that start a character.
    let mut chars = 0;
    text.bytes().position(|b| {
        let starts = b & 0xC0 != 0x80;
        chars += starts as usize;
        starts && chars > MAX_TEXT
    })
}

#[cfg(test)]
mod tests {
    use super::Path;

    #[test]
    fn published_codes_are_every_code() {
        let names: Vec<&str> = super::ViolationCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names, super::CODES);
    }

    #[test]
    fn lists_are_capped_with_too_many_last_and_texts_cut() {
        use super::{capped, Violation, ViolationCode, MAX_VIOLATIONS};
        let many: Vec<Violation> = (0..5000)
            .map(|i| {
                Violation::new(
                    format!("k{i}{}", "x".repeat(300)),
                    ViolationCode::UnknownField,
                    "is not a field",
                )
            })
            .collect();
        let out = capped(many);
        assert_eq!(out.len(), MAX_VIOLATIONS);
        let last = out.last().unwrap();
        assert_eq!((last.path.as_str(), last.code), ("", ViolationCode::TooMany));
        assert_eq!(last.message, "... 4901 more violations not shown");
        assert!(out.iter().all(|v| v.path.chars().count() <= 101));
        assert!(serde_json::to_string(&out).unwrap().len() < 32 * 1024);
        let few = vec![Violation::new("a", ViolationCode::Min, "m")];
        assert_eq!(capped(few.clone()), few);
    }

    #[test]
    fn texts_are_cut_after_max_text_characters() {
        // Cut alone, and after other text (a sink's earlier texts): the same.
        let cut = |text: &str| {
            let mut alone = text.to_owned();
            super::cut_tail(&mut alone, 0);
            let mut after = format!("é{text}");
            super::cut_tail(&mut after, "é".len());
            assert_eq!(after, format!("é{alone}"), "{text}");
            alone
        };
        assert_eq!(super::MAX_TEXT, 100);
        for kept in ["", "short", &"x".repeat(100), &"é".repeat(100), &"😀".repeat(100)] {
            assert_eq!(cut(kept), kept);
        }
        assert_eq!(cut(&"x".repeat(101)), format!("{}…", "x".repeat(100)));
        assert_eq!(cut(&"é".repeat(101)), format!("{}…", "é".repeat(100)));
        assert_eq!(
            cut(&format!("{}😀😀", "a".repeat(99))),
            format!("{}😀…", "a".repeat(99))
        );
    }

    #[test]
    fn paths_render_like_the_contract_example() {
        let list = Path::Key(&Path::Root, "aosPolicyAssignments");
        let item = Path::Index(&list, 1);
        assert_eq!(
            Path::Key(&item, "priority").render(),
            "aosPolicyAssignments[1].priority"
        );
        assert_eq!(Path::Index(&Path::Root, 120).render(), "[120]");
        assert_eq!(Path::Root.render(), "");
    }
}
