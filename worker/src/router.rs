//! Matches a request to a row of the endpoint table ([`ENDPOINTS`]): the row,
//! and the captured `:params`; or 404 / 4040 when no path matches, 405 / 4050
//! (with `Allow`) when the path exists with other methods.
//!
//! Path parameters are the raw segments (not percent-decoded); the dispatcher
//! validates them (ids are hex, slugs are `[a-zA-Z0-9-]`).

use crate::endpoint::Endpoint;
use crate::http::ApiError;
use crate::table::ENDPOINTS;

/// Captured `:name` segments of the matched pattern.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(Vec<(&'static str, String)>);

impl Params {
    /// The segment captured as `:name`; an unknown name yields `""` (which
    /// fails validation).
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| *k == name).map_or("", |(_, v)| v.as_str())
    }
}

/// Match `path` against a pattern: `Some(params)` when every segment fits.
/// One trailing slash is tolerated (`/health/` is `/health`).
fn match_pattern(pattern: &'static str, path: &str) -> Option<Params> {
    let path = if path.len() > 1 {
        path.strip_suffix('/').unwrap_or(path)
    } else {
        path
    };
    let mut want = pattern.split('/');
    let mut got = path.split('/');
    let mut params = Vec::new();
    loop {
        match (want.next(), got.next()) {
            (None, None) => return Some(Params(params)),
            (Some(w), Some(g)) => {
                if let Some(name) = w.strip_prefix(':') {
                    if g.is_empty() {
                        return None;
                    }
                    params.push((name, g.to_string()));
                } else if w != g {
                    return None;
                }
            }
            _ => return None,
        }
    }
}

/// Find the row for `method` (as sent, e.g. `"GET"`) and `path`.
pub fn resolve(method: &str, path: &str) -> Result<(&'static Endpoint, Params), ApiError> {
    resolve_in(ENDPOINTS, method, path)
}

fn resolve_in(table: &'static [Endpoint], method: &str, path: &str) -> Result<(&'static Endpoint, Params), ApiError> {
    let mut allowed: Vec<&'static str> = Vec::new();
    for endpoint in table {
        if let Some(params) = match_pattern(endpoint.path, path) {
            if endpoint.method == method {
                return Ok((endpoint, params));
            }
            if !allowed.contains(&endpoint.method) {
                allowed.push(endpoint.method);
            }
        }
    }
    if allowed.is_empty() {
        Err(ApiError::RouteNotFound)
    } else {
        // `Allow` in a stable order, whatever the table's.
        const ORDER: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];
        let mut ordered: Vec<&'static str> = allowed.iter().copied().filter(|m| !ORDER.contains(m)).collect();
        ordered.extend(ORDER.iter().filter(|m| allowed.contains(m)));
        Err(ApiError::MethodNotAllowed(ordered))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        let p = match_pattern("/v1/organizations/:org/things/:id", "/v1/organizations/acme/things/42").unwrap();
        assert_eq!(p.get("org"), "acme");
        assert_eq!(p.get("id"), "42");
        assert_eq!(p.get("nope"), "");
        assert!(match_pattern("/v1/organizations/:org/things", "/v1/organizations//things").is_none());
        assert!(match_pattern("/v1/organizations/:org", "/v1/organizations/a/b").is_none());
        assert!(match_pattern("/health", "/health/").is_some());
        assert!(match_pattern("/health", "/healthz").is_none());
        assert!(match_pattern("/health", "/").is_none());
    }

    #[test]
    fn resolve_routes_and_errors() {
        assert_eq!(resolve("GET", "/health").unwrap().0.name, "Health");
        assert_eq!(resolve("GET", "/nope").err(), Some(ApiError::RouteNotFound));
        assert_eq!(
            resolve("DELETE", "/health").err(),
            Some(ApiError::MethodNotAllowed(vec!["GET"]))
        );
        // Unknown verbs are not mistaken for GET.
        assert_eq!(
            resolve("PROPFIND", "/health").err(),
            Some(ApiError::MethodNotAllowed(vec!["GET"]))
        );
        assert_eq!(
            resolve(
                "PATCH",
                "/v1/organizations/acme/mdm/windows/enterprise/enrollment-tokens/65a1b2c3d4e5f60718293a4b"
            )
            .err(),
            Some(ApiError::MethodNotAllowed(vec!["GET", "PUT", "DELETE"]))
        );
    }

    #[test]
    fn table_is_well_formed() {
        for (i, a) in ENDPOINTS.iter().enumerate() {
            assert!(a.path.starts_with('/'), "{}", a.path);
            assert!(
                !a.name.is_empty() && (a.hidden.is_some() || !a.summary.is_empty()),
                "{}",
                a.path
            );
            for b in &ENDPOINTS[i + 1..] {
                assert!(
                    a.path != b.path || a.method != b.method,
                    "{} {} twice",
                    a.method,
                    a.path
                );
                assert_ne!(a.name, b.name, "operation name {} twice", a.name);
            }
        }
    }
}
