//! A small static router: a table of path patterns, each with the methods it
//! answers and the [`Route`] they dispatch to. `resolve` gives the route and
//! the captured `:params`, or the 404 / 405 (with `Allow`) error.
//!
//! To add a resource: add `Route` variants, add a `RouteDef` to `ROUTES`
//! (`:name` captures one path segment), and a match arm in `lib.rs::dispatch`.
//! Path parameters are the raw segments (not percent-decoded); handlers
//! validate them (ids are hex, slugs are `[a-zA-Z0-9-]`).

use crate::http::ApiError;

/// Every endpoint the worker serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Health,
    Me,
    DebugEcho,
    // Supporting admin resources (issue 3).
    OrganizationsCreate,
    OrganizationsList,
    SegmentsCreate,
    SegmentsList,
    MdmUsersCreate,
    MdmUsersList,
    AospPoliciesCreate,
    AospPoliciesList,
    DpcBuildsCreate,
    DpcBuildsList,
    // AOSP enrollment tokens, devices, device-side enrollment (issue 3).
    AospTokensCreate,
    AospTokensList,
    AospTokenGet,
    AospTokenRemove,
    AospDevicesList,
    AospDeviceGet,
    AospDeviceUpdate,
    EnrollAosp,
    AospStatusReport,
    // Windows MDM and the Google-compatible surface (issue 4).
    WinTokensCreate,
    WinTokensList,
    WinTokenGet,
    WinTokenUpdate,
    WinTokenRemove,
    WinPoliciesCreate,
    WinPoliciesList,
    EnrollWindows,
    GoogleTokensCreate,
    GoogleTokensList,
    GoogleTokenGet,
    GoogleTokenRemove,
    OpenApi,
}

pub struct RouteDef {
    pub pattern: &'static str,
    pub methods: &'static [(&'static str, Route)],
}

pub static ROUTES: &[RouteDef] = &[
    RouteDef {
        pattern: "/health",
        methods: &[("GET", Route::Health)],
    },
    RouteDef {
        pattern: "/v1/me",
        methods: &[("GET", Route::Me)],
    },
    RouteDef {
        pattern: "/v1/_debug/echo",
        methods: &[("POST", Route::DebugEcho)],
    },
    // Supporting admin resources (issue 3).
    RouteDef {
        pattern: "/v1/organizations",
        methods: &[("GET", Route::OrganizationsList), ("POST", Route::OrganizationsCreate)],
    },
    RouteDef {
        pattern: "/v1/organizations/:organizationId/segments",
        methods: &[("GET", Route::SegmentsList), ("POST", Route::SegmentsCreate)],
    },
    RouteDef {
        pattern: "/v1/organizations/:organizationId/mdm-users",
        methods: &[("GET", Route::MdmUsersList), ("POST", Route::MdmUsersCreate)],
    },
    RouteDef {
        pattern: "/v1/organizations/:organizationId/mdm/aosp/enterprise/policies",
        methods: &[("GET", Route::AospPoliciesList), ("POST", Route::AospPoliciesCreate)],
    },
    RouteDef {
        pattern: "/v1/organizations/:organizationId/mdm/aosp/enterprise/dpc-builds",
        methods: &[("GET", Route::DpcBuildsList), ("POST", Route::DpcBuildsCreate)],
    },
    // AOSP enrollment tokens, devices, device-side enrollment (issue 3).
    RouteDef {
        pattern: "/v1/organizations/:organizationId/mdm/aosp/enterprise/enrollment-tokens",
        methods: &[("GET", Route::AospTokensList), ("POST", Route::AospTokensCreate)],
    },
    RouteDef {
        pattern: "/v1/organizations/:organizationId/mdm/aosp/enterprise/enrollment-tokens/:aosEnrollmentTokenId",
        methods: &[("GET", Route::AospTokenGet), ("DELETE", Route::AospTokenRemove)],
    },
    RouteDef {
        pattern: "/v1/organizations/:organizationId/mdm/aosp/enterprise/devices",
        methods: &[("GET", Route::AospDevicesList)],
    },
    RouteDef {
        pattern: "/v1/organizations/:organizationId/mdm/aosp/enterprise/devices/:aosDeviceId",
        methods: &[("GET", Route::AospDeviceGet), ("PUT", Route::AospDeviceUpdate)],
    },
    RouteDef {
        pattern: "/v1/enroll/aosp",
        methods: &[("POST", Route::EnrollAosp)],
    },
    RouteDef {
        pattern: "/v1/devices/aosp/:aosDeviceId/status",
        methods: &[("POST", Route::AospStatusReport)],
    },
    // Windows MDM and the Google-compatible surface (issue 4).
    RouteDef {
        pattern: "/v1/organizations/:organizationId/mdm/windows/enterprise/enrollment-tokens",
        methods: &[("GET", Route::WinTokensList), ("POST", Route::WinTokensCreate)],
    },
    RouteDef {
        pattern: "/v1/organizations/:organizationId/mdm/windows/enterprise/enrollment-tokens/:winEnrollmentTokenId",
        methods: &[
            ("GET", Route::WinTokenGet),
            ("PUT", Route::WinTokenUpdate),
            ("DELETE", Route::WinTokenRemove),
        ],
    },
    RouteDef {
        pattern: "/v1/organizations/:organizationId/mdm/windows/enterprise/policies",
        methods: &[("GET", Route::WinPoliciesList), ("POST", Route::WinPoliciesCreate)],
    },
    RouteDef {
        pattern: "/v1/enroll/windows",
        methods: &[("POST", Route::EnrollWindows)],
    },
    RouteDef {
        pattern: "/v1/enterprises/:enterpriseId/enrollmentTokens",
        methods: &[("GET", Route::GoogleTokensList), ("POST", Route::GoogleTokensCreate)],
    },
    RouteDef {
        pattern: "/v1/enterprises/:enterpriseId/enrollmentTokens/:tokenId",
        methods: &[("GET", Route::GoogleTokenGet), ("DELETE", Route::GoogleTokenRemove)],
    },
    RouteDef {
        pattern: "/openapi.json",
        methods: &[("GET", Route::OpenApi)],
    },
];

/// Captured `:name` segments of the matched pattern.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(Vec<(&'static str, String)>);

impl Params {
    /// The segment captured as `:name`. Routes only ask for names their
    /// pattern has; an unknown name yields `""` (which fails validation).
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| *k == name).map_or("", |(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched {
    pub route: Route,
    pub params: Params,
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

/// Find the route for `method` (as sent, e.g. `"GET"`) and `path`.
pub fn resolve(method: &str, path: &str) -> Result<Matched, ApiError> {
    let mut allowed: Vec<&'static str> = Vec::new();
    for def in ROUTES {
        if let Some(params) = match_pattern(def.pattern, path) {
            if let Some((_, route)) = def.methods.iter().find(|(m, _)| *m == method) {
                return Ok(Matched { route: *route, params });
            }
            allowed.extend(def.methods.iter().map(|(m, _)| *m));
        }
    }
    if allowed.is_empty() {
        Err(ApiError::RouteNotFound)
    } else {
        allowed.dedup();
        Err(ApiError::MethodNotAllowed(allowed))
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
        assert_eq!(resolve("GET", "/health").unwrap().route, Route::Health);
        assert_eq!(resolve("GET", "/nope"), Err(ApiError::RouteNotFound));
        assert_eq!(
            resolve("DELETE", "/health"),
            Err(ApiError::MethodNotAllowed(vec!["GET"]))
        );
        // Unknown verbs are not mistaken for GET.
        assert_eq!(
            resolve("PROPFIND", "/health"),
            Err(ApiError::MethodNotAllowed(vec!["GET"]))
        );
    }

    #[test]
    fn table_is_well_formed() {
        for (i, a) in ROUTES.iter().enumerate() {
            assert!(a.pattern.starts_with('/'), "{}", a.pattern);
            assert!(!a.methods.is_empty(), "{}", a.pattern);
            for b in &ROUTES[i + 1..] {
                assert_ne!(a.pattern, b.pattern, "duplicate pattern");
            }
        }
    }
}
