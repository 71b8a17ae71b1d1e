//! A validation problem, as every layer reports it: the API's `details`, the npm
//! package's return value and the admin page's field messages are all lists of these.

use serde::{Deserialize, Serialize};

/// The small, documented set of violation codes (CONTRACT.md). Clients switch on
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
}

impl ViolationCode {
    pub const ALL: [ViolationCode; 14] = [
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
}

/// Joins a parent path and a field name the way `Violation::path` spells it.
pub fn field_path(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_owned()
    } else {
        let mut p = String::with_capacity(parent.len() + 1 + name.len());
        p.push_str(parent);
        p.push('.');
        p.push_str(name);
        p
    }
}

/// Joins a parent path and an array index: `tags[3]`.
pub fn index_path(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}
