//! Rows read by column name, without serde. A row crosses from D1 as one
//! JSON text (`JsRow::json`); [`Columns::parse`] splits it once into its
//! columns, and a row type built with [`row!`] reads each field by name
//! through [`Field`]. Per row type that is one short function of calls, where
//! serde's derive through serde_json's reader was 3-9 kB of wasm each
//! (BENCHMARKS.md 0l). The JSON values inside a text column are read as a
//! `serde_json::Value`, then by mdm-core's `FromJson` (`columns::from_json`);
//! SQLite's JSON expansions by [`row!`] too (BENCHMARKS.md 0m).

use crate::http::ApiError;

/// A row type: built from its columns by [`row!`].
pub trait FromRow: Sized {
    fn from_row(columns: &mut Columns<'_>) -> Result<Self, ApiError>;
}

/// A field's type: read from its column's JSON value (`None`: the column is
/// absent or SQL NULL).
pub trait Field: Sized {
    fn read(value: Option<&str>, name: &str) -> Result<Self, ApiError>;
}

/// The columns of one row, in the order D1 answered them: each column's
/// name and its JSON value as written (`12`, `"text"`, `null`).
pub struct Columns<'a> {
    cells: Vec<(&'a str, &'a str)>,
    /// Where the next lookup starts: fields are mostly declared in the
    /// order their columns are selected, so a lookup is usually one compare.
    next: usize,
}

impl<'a> Columns<'a> {
    /// A flat JSON object of scalars, as `JSON.stringify` writes a D1 row
    /// and SQLite's `json_object` an expansion: no spaces, names without
    /// escapes, values numbers, strings or null.
    pub fn parse(text: &'a str) -> Result<Self, ApiError> {
        match Self::parse_at(text, 0)? {
            (columns, end) if end == text.len() => Ok(columns),
            _ => Err(not_columns()),
        }
    }

    /// A JSON array of such objects (SQLite's `json_group_array`), each read
    /// as a `T`.
    pub fn parse_array<T: FromRow>(text: &str) -> Result<Vec<T>, ApiError> {
        let b = text.as_bytes();
        let mut rows = Vec::new();
        if b.first() != Some(&b'[') {
            return Err(not_columns());
        }
        if b.get(1) == Some(&b']') && b.len() == 2 {
            return Ok(rows);
        }
        let mut i = 1;
        loop {
            let (mut columns, end) = Columns::parse_at(text, i)?;
            rows.push(T::from_row(&mut columns)?);
            match b.get(end) {
                Some(b',') => i = end + 1,
                Some(b']') if end + 1 == b.len() => return Ok(rows),
                _ => return Err(not_columns()),
            }
        }
    }

    /// The object starting at `i`, and where it ends.
    fn parse_at(text: &'a str, mut i: usize) -> Result<(Self, usize), ApiError> {
        let b = text.as_bytes();
        let mut cells = Vec::new();
        if b.get(i) != Some(&b'{') {
            return Err(not_columns());
        }
        i += 1;
        if b.get(i) == Some(&b'}') {
            return Ok((Columns { cells, next: 0 }, i + 1));
        }
        loop {
            if b.get(i) != Some(&b'"') {
                return Err(not_columns());
            }
            let name_end = i + 1 + b[i + 1..].iter().position(|&c| c == b'"').ok_or_else(not_columns)?;
            let name = &text[i + 1..name_end];
            if name.contains('\\') || b.get(name_end + 1) != Some(&b':') {
                return Err(not_columns());
            }
            let start = name_end + 2;
            let mut end = start;
            match b.get(start) {
                Some(b'"') => {
                    end += 1;
                    loop {
                        match b.get(end) {
                            Some(b'"') => break,
                            Some(b'\\') => end += 2,
                            Some(_) => end += 1,
                            None => return Err(not_columns()),
                        }
                    }
                    end += 1;
                }
                Some(b'{' | b'[') | None => return Err(not_columns()),
                Some(_) => {
                    while !matches!(b.get(end), Some(b',' | b'}' | b']') | None) {
                        end += 1;
                    }
                }
            }
            cells.push((name, &text[start..end]));
            match b.get(end) {
                Some(b',') => i = end + 1,
                Some(b'}') => return Ok((Columns { cells, next: 0 }, end + 1)),
                _ => return Err(not_columns()),
            }
        }
    }

    /// The field `name`, read from its column.
    fn get<T: Field>(&mut self, name: &str) -> Result<T, ApiError> {
        T::read(self.value(name), name)
    }

    /// The field `name`, or its default with the first failure kept in
    /// `failed`: how [`row!`] reads a row, so that a row type's `from_row`
    /// builds the whole struct and drops it once on failure, instead of
    /// dropping what it has read so far at every field (the drop code that
    /// took per row type).
    #[inline(never)]
    pub fn field<T: Field + Default>(&mut self, name: &str, failed: &mut Option<ApiError>) -> T {
        match self.get(name) {
            Ok(value) => value,
            Err(e) => {
                failed.get_or_insert(e);
                T::default()
            }
        }
    }

    /// A column's JSON value; none when absent or NULL.
    fn value(&mut self, name: &str) -> Option<&'a str> {
        let n = self.cells.len();
        let found = (0..n).map(|k| (self.next + k) % n).find(|&k| self.cells[k].0 == name)?;
        self.next = found + 1;
        Some(self.cells[found].1).filter(|v| *v != "null")
    }
}

#[inline(never)]
fn not_columns() -> ApiError {
    ApiError::internal("D1 row: not an object of columns")
}

/// Why a column could not be read as its field's type.
#[inline(never)]
fn wrong(name: &str, expected: &str) -> ApiError {
    ApiError::internal(format!("D1 row: {name} is not {expected}"))
}

impl Field for String {
    fn read(value: Option<&str>, name: &str) -> Result<Self, ApiError> {
        match value {
            Some(v) if v.len() >= 2 && v.starts_with('"') => {
                let inner = &v[1..v.len() - 1];
                if inner.contains('\\') {
                    // As a `Value`: no typed serde reader (BENCHMARKS.md 0m).
                    match serde_json::from_str(v) {
                        Ok(serde_json::Value::String(text)) => Ok(text),
                        _ => Err(wrong(name, "text")),
                    }
                } else {
                    Ok(inner.to_owned())
                }
            }
            _ => Err(wrong(name, "text")),
        }
    }
}

impl Field for i64 {
    fn read(value: Option<&str>, name: &str) -> Result<Self, ApiError> {
        value
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| wrong(name, "a whole number"))
    }
}

impl Field for f64 {
    fn read(value: Option<&str>, name: &str) -> Result<Self, ApiError> {
        // serde_json's number reader, which request bodies already bring:
        // `str::parse` would add core's own float tables to the wasm.
        value
            .and_then(|v| serde_json::from_str::<serde_json::Value>(v).ok())
            .and_then(|v| v.as_f64())
            .ok_or_else(|| wrong(name, "a number"))
    }
}

/// Counts and indexes: a whole number that fits.
macro_rules! unsigned_field {
    ($($t:ty),*) => {$(
        impl Field for $t {
            fn read(value: Option<&str>, name: &str) -> Result<Self, ApiError> {
                <$t>::try_from(i64::read(value, name)?).map_err(|_| wrong(name, "in range"))
            }
        }
    )*};
}
unsigned_field!(u16, usize);

impl<T: Field> Field for Option<T> {
    fn read(value: Option<&str>, name: &str) -> Result<Self, ApiError> {
        value.map(|v| T::read(Some(v), name)).transpose()
    }
}

/// A struct that is a row type: the struct as written, and its
/// [`FromRow`], each field read from the column of its name. An `Option`
/// field is `None` when its column is NULL or not selected (a row's
/// expansion columns). Fields after a `;` are not columns: they start as
/// their `Default` and are filled in after the read.
macro_rules! row {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $($(#[$field_meta:meta])* $field_vis:vis $field:ident : $ty:ty),* $(,)?
            $(; $($(#[$later_meta:meta])* $later_vis:vis $later:ident : $later_ty:ty),* $(,)?)?
        }
    ) => {
        $(#[$meta])*
        $vis struct $name {
            $($(#[$field_meta])* $field_vis $field: $ty,)*
            $($($(#[$later_meta])* $later_vis $later: $later_ty,)*)?
        }

        impl $crate::db::FromRow for $name {
            fn from_row(columns: &mut $crate::db::Columns<'_>) -> Result<Self, $crate::http::ApiError> {
                let mut failed = None;
                let row = Self {
                    $($field: columns.field(stringify!($field), &mut failed),)*
                    $($($later: Default::default(),)*)?
                };
                match failed {
                    None => Ok(row),
                    Some(e) => Err(e),
                }
            }
        }
    };
}
pub(crate) use row;

#[cfg(test)]
mod tests {
    use super::*;

    row! {
        #[derive(Debug, PartialEq)]
        struct Sample {
            id: String,
            /// A doc comment on a field is kept.
            count: i64,
            parent: Option<i64>,
            note: Option<String>,
            share: f64,
            absent: Option<String>,
        }
    }

    fn decode<T: FromRow>(text: &str) -> Result<T, ApiError> {
        T::from_row(&mut Columns::parse(text)?)
    }

    /// What serde's derive read from the same text, the reference.
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Reference {
        id: String,
        count: i64,
        parent: Option<i64>,
        note: Option<String>,
        share: f64,
        #[serde(default)]
        absent: Option<String>,
    }

    #[test]
    fn a_row_reads_as_serde_read_it() {
        let texts = [
            r#"{"id":"a","count":1,"parent":null,"note":null,"share":0.5}"#,
            r#"{"share":-1e+21,"note":"x\"y\\z\u00e9\ud83d\ude00\n","parent":-9007199254740991,"count":0,"id":""}"#,
            r#"{"id":"caf\u00e9 ü","count":42,"parent":7,"note":"[{\"a\":1}]","share":3,"extra":"ignored"}"#,
        ];
        for text in texts {
            let mine: Sample = decode(text).unwrap();
            let theirs: Reference = serde_json::from_str(text).unwrap();
            let Reference {
                id,
                count,
                parent,
                note,
                share,
                absent,
            } = theirs;
            assert_eq!(
                mine,
                Sample {
                    id,
                    count,
                    parent,
                    note,
                    share,
                    absent
                },
                "{text}"
            );
        }
    }

    #[test]
    fn a_row_that_is_not_its_type_is_an_error_not_a_panic() {
        let texts = [
            "",
            "{",
            "[]",
            "{}",
            r#"{"id":1,"count":1,"share":1}"#,
            r#"{"id":"a","count":1.5,"share":1}"#,
            r#"{"id":"a","count":"1","share":1}"#,
            r#"{"id":"a","count":null,"share":1}"#,
            r#"{"id":"a","count":1,"share":"1"}"#,
            r#"{"id":"a","count":1,"share":1"#,
            r#"{"id":"a","count":1,"share":1}x"#,
            r#"{"id":"a\"#,
            r#"{"id":"a","count":{"x":1},"share":1}"#,
            r#"{"id":"\ud800","count":1,"share":1}"#,
            r#"{"i\"d":"a","count":1,"share":1}"#,
        ];
        for text in texts {
            assert!(decode::<Sample>(text).is_err(), "{text}");
        }
        let text = r#"{"id":"a\"b","count":12,"parent":null,"note":"n","share":0.25}"#;
        for n in 0..=text.len() {
            // Every cut of a good row is refused too, and never panics.
            let cut = &text[..n];
            assert_eq!(decode::<Sample>(cut).is_ok(), cut.len() == text.len(), "{cut}");
        }
    }

    #[test]
    fn a_lookup_finds_columns_in_any_order() {
        let mut columns = Columns::parse(r#"{"a":1,"b":2,"c":3}"#).unwrap();
        for name in ["c", "a", "b", "b", "a", "c", "d"] {
            let want = match name {
                "a" => Some(1),
                "b" => Some(2),
                "c" => Some(3),
                _ => None,
            };
            assert_eq!(columns.get::<Option<i64>>(name).unwrap(), want, "{name}");
        }
    }
}
