//! Query strings: decoded pairs (by the shared crate's decoder, the same the
//! npm package uses) with the lookups the routes need. Validation of the
//! values (page, limit, sort, ...) belongs to the shared crate.

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// `query`: the URL's query without its `?`.
    pub fn parse(query: &str) -> Self {
        Self {
            pairs: mdm_core::query_string::decode_pairs(query),
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
