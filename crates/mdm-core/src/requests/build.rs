//! Typed requests built from a validated body's value without serde's
//! derive: [`request!`] gives each request struct a [`FromJson`] that reads
//! each field by name, one call per field. serde's derive, through
//! serde_json's value reader, was several kilobytes of wasm per body in the
//! worker (BENCHMARKS.md 0l); it stays derived, unused by the worker, as the
//! reference the tests compare with (`catalog::tests`).
//!
//! What serde's derive did, kept: a JSON key is the field's name in
//! camelCase; an absent `Option` is `None`, an absent `bool` or `Vec` its
//! default (the structs' `#[serde(default)]`; the two required lists,
//! `ApiKeyCreate.permissions` and `WebhookCreate.events`, are never absent
//! after validation, where serde would have said "missing field"); `null` is
//! `None`, except in an
//! `Option<Option<T>>`, where it is `Some(None)` (`aosp::present`); unknown
//! keys are ignored (the validator has refused them).

use serde_json::{Map, Value};

/// A value a request field holds, read from its JSON value.
pub trait FromJson: Sized {
    fn from_json(value: &Value) -> Result<Self, String>;

    /// The field's value when its key is absent.
    fn absent(name: &str) -> Result<Self, String> {
        Err(format!("missing field `{name}`"))
    }

    /// The value `null` stands for, for a type that holds one (an
    /// `Option`): how `Option<Option<T>>` reads `null` as `Some(None)`.
    fn null() -> Option<Self> {
        None
    }
}

#[inline(never)]
fn wrong(expected: &str) -> String {
    format!("invalid type: expected {expected}")
}

impl FromJson for String {
    fn from_json(value: &Value) -> Result<Self, String> {
        value.as_str().map(str::to_owned).ok_or_else(|| wrong("a string"))
    }
}

impl FromJson for i64 {
    fn from_json(value: &Value) -> Result<Self, String> {
        value.as_i64().ok_or_else(|| wrong("an integer"))
    }
}

impl FromJson for bool {
    fn from_json(value: &Value) -> Result<Self, String> {
        value.as_bool().ok_or_else(|| wrong("a boolean"))
    }

    fn absent(_: &str) -> Result<Self, String> {
        Ok(false)
    }
}

impl FromJson for Value {
    fn from_json(value: &Value) -> Result<Self, String> {
        Ok(value.clone())
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: &Value) -> Result<Self, String> {
        value
            .as_array()
            .ok_or_else(|| wrong("an array"))?
            .iter()
            .map(T::from_json)
            .collect()
    }

    fn absent(_: &str) -> Result<Self, String> {
        Ok(Vec::new())
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(value: &Value) -> Result<Self, String> {
        match value {
            Value::Null => Ok(T::null()),
            value => T::from_json(value).map(Some),
        }
    }

    fn absent(_: &str) -> Result<Self, String> {
        Ok(None)
    }

    fn null() -> Option<Self> {
        Some(None)
    }
}

/// The object a struct is read from.
pub fn object(value: &Value) -> Result<&Map<String, Value>, String> {
    value.as_object().ok_or_else(|| wrong("an object"))
}

/// The field `name` (snake_case, as declared) of `object`, whose key is
/// the name in camelCase; its default, with the first failure kept in
/// `failed`, when it cannot be read. So [`request!`] builds the whole struct
/// and drops it once on failure, instead of dropping what it has read so far
/// at every field (the drop code that took per request type).
pub fn field<T: FromJson + Default>(object: &Map<String, Value>, name: &str, failed: &mut Option<String>) -> T {
    let read = match object.iter().find(|(key, _)| is_camel_case_of(key, name)) {
        Some((_, value)) => T::from_json(value),
        None => T::absent(name),
    };
    read.unwrap_or_else(|e| {
        failed.get_or_insert(e);
        T::default()
    })
}

/// Is `key` the camelCase form of the snake_case `name` (serde's
/// `rename_all = "camelCase"`: each `_x` becomes `X`)?
fn is_camel_case_of(key: &str, name: &str) -> bool {
    let mut key = key.bytes();
    let mut name = name.bytes();
    while let Some(n) = name.next() {
        let want = if n == b'_' {
            match name.next() {
                Some(next) => next.to_ascii_uppercase(),
                None => return false,
            }
        } else {
            n
        };
        if key.next() != Some(want) {
            return false;
        }
    }
    key.next().is_none()
}

/// A request struct: the struct as written (its derives and serde
/// attributes kept, for serde's reading in the tests) and its [`FromJson`].
/// Exported: the worker declares what it reads back from JSON it wrote
/// itself (a queue message, a sealed credential) the same way.
#[macro_export]
macro_rules! request {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $($(#[$field_meta:meta])* pub $field:ident : $ty:ty),* $(,)?
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $($(#[$field_meta])* pub $field: $ty),*
        }

        impl $crate::requests::build::FromJson for $name {
            fn from_json(value: &serde_json::Value) -> Result<Self, String> {
                let object = $crate::requests::build::object(value)?;
                let mut failed = None;
                let built = Self {
                    $($field: $crate::requests::build::field(object, stringify!($field), &mut failed)),*
                };
                match failed {
                    None => Ok(built),
                    Some(e) => Err(e),
                }
            }
        }
    };
}
pub(crate) use request;

#[cfg(test)]
mod tests {
    use super::is_camel_case_of;

    #[test]
    fn a_key_is_the_camel_case_of_its_field() {
        for (key, name) in [
            ("aosPolicyId", "aos_policy_id"),
            ("token", "token"),
            ("sha256Checksum", "sha256_checksum"),
            ("x", "x"),
        ] {
            assert!(is_camel_case_of(key, name), "{key} {name}");
        }
        for (key, name) in [
            ("aos_policy_id", "aos_policy_id"),
            ("aosPolicyid", "aos_policy_id"),
            ("aosPolicyIds", "aos_policy_id"),
            ("aosPolicy", "aos_policy_id"),
            ("Token", "token"),
            ("", "x"),
            ("x", ""),
            ("a", "a_"),
        ] {
            assert!(!is_camel_case_of(key, name), "{key} {name}");
        }
    }
}
