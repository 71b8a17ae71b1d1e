//! Query strings: decoded pairs with the lookups the list routes need.
//! Validation of the values (page, limit, sort, ...) belongs to the shared crate.

use worker::Url;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    pub fn from_url(url: &Url) -> Self {
        Self {
            pairs: url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        }
    }

    /// Parse a raw query string (without the leading `?`).
    pub fn parse(raw: &str) -> Self {
        let mut url = Url::parse("http://q/").expect("static URL parses");
        url.set_query(Some(raw));
        Self::from_url(&url)
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Every value of `name`, repeated (`?status=A&status=B`) or comma-separated
    /// (`?status=A,B`), trimmed, empties dropped.
    pub fn get_all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// All decoded pairs in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// As a JSON object (last value wins; repeated keys become arrays), for
    /// handing to the shared crate's validators.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::{Map, Value};
        let mut map = Map::new();
        for (k, v) in &self.pairs {
            let v = Value::String(v.clone());
            match map.get_mut(k) {
                None => {
                    map.insert(k.clone(), v);
                }
                Some(Value::Array(items)) => items.push(v),
                Some(prev) => {
                    let first = prev.take();
                    *prev = Value::Array(vec![first, v]);
                }
            }
        }
        Value::Object(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_and_comma_separated() {
        let q = Query::parse("status=PENDING,DONE&status=EXPIRED&page=2&sort=createdAt%3Aasc");
        assert_eq!(q.get_all("status"), vec!["PENDING", "DONE", "EXPIRED"]);
        assert_eq!(q.get("page"), Some("2"));
        assert_eq!(q.get("sort"), Some("createdAt:asc"));
        assert_eq!(q.get("missing"), None);
        assert_eq!(
            q.to_json(),
            serde_json::json!({"status": ["PENDING,DONE", "EXPIRED"], "page": "2", "sort": "createdAt:asc"})
        );
    }
}
