//! Query strings: decoded pairs (by the shared crate's decoder, the same the
//! npm package uses) with the lookups the routes need. Validation of the
//! values (page, limit, sort, ...) belongs to the shared crate.

use worker::Url;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    pub fn from_url(url: &Url) -> Self {
        Self {
            pairs: mdm_core::query_string::decode_pairs(url.query().unwrap_or_default()),
        }
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// All decoded pairs in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }
}
