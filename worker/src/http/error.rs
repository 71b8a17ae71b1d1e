//! `ApiError`: every failure a handler can return, as a value.
//!
//! Handlers return `Result<Response, ApiError>`; the entry point turns an
//! `ApiError` into the error envelope (or Google's error body on the
//! Google-compatible surface, see [`Flavor`]). Nothing here panics and no
//! internal detail (D1 message, stack) ever reaches the client: `Internal`
//! carries a message for the log only.

use serde::Serialize;

/// One validation failure, as listed in the 5209 envelope's `details`: the
/// shared crate's own type, so the API and the npm package report exactly the
/// same list for the same input. A body that is not JSON is
/// `{"path": "", "code": "format"}`.
pub use mdm_core::{Violation, ViolationCode};

/// One kind of referrer in a 409 / 5012's `details`.
pub use mdm_core::model::admin::EntityInUse;

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// 401 / 4002: no `Authorization: Bearer` header.
    NoAuthToken,
    /// 401 / 4004: bad signature, malformed, expired, not yet valid, wrong alg.
    InvalidToken,
    /// 403 / 4005: valid token without the route's permission.
    PermissionDenied,
    /// 404 / 3001: unknown id, other organization's id, DELETED token, hidden organization.
    NotFound,
    /// 400 / 5209: validation failed; every violation is listed.
    InvalidInput(Vec<Violation>),
    /// 400 / 5050: the organization's plan lacks the feature.
    FeatureNotAllowed,
    /// 400 / 5017: a plan quota would be exceeded.
    LimitExceeded,
    /// 409 / 5010: the lifecycle state machine forbids the move.
    InvalidStateTransition,
    /// 409 / 5012: the entity to delete is still referred to; `details`
    /// counts the referrers by kind.
    InUse(Vec<EntityInUse>),
    /// 409 / 5013: an `Idempotency-Key` sent again with another request (or
    /// while its first request has not answered).
    IdempotencyKeyReused,
    /// 429 / 4290: a rate limit is exceeded; `Retry-After` is the seconds to wait.
    TooManyRequests(u32),
    /// 404 / 4040: no route matches the path.
    RouteNotFound,
    /// 405 / 4050: the path exists but not with this method; `Allow` lists the methods.
    MethodNotAllowed(Vec<&'static str>),
    /// 413 / 4130: request body over [`crate::http::body::MAX_BODY_BYTES`].
    PayloadTooLarge,
    /// 415 / 4150: a body-carrying request whose `Content-Type` is not JSON.
    UnsupportedMediaType,
    /// 503 / 5030: the identity provider's key set cannot be fetched
    /// (retryable); the cause is logged, not sent.
    IdentityProviderUnavailable(String),
    /// 500 / 5000: a bug or a platform failure. The string is logged, never sent.
    Internal(String),
}

/// Which error body to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// `{"status": false, "error": {"code", "message", "details"}}`
    Envelope,
    /// Google's `{"error": {"code", "message", "status"}}` (the `/v1/enterprises` surface).
    Google,
}

impl Flavor {
    /// The Google-compatible surface lives under `/v1/enterprises`; everything else uses the envelope.
    pub fn for_path(path: &str) -> Self {
        if path == "/v1/enterprises" || path.starts_with("/v1/enterprises/") {
            Flavor::Google
        } else {
            Flavor::Envelope
        }
    }
}

/// A rendered error body; serialize it (the order of fields is the documented one).
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum ErrorBody<'a> {
    Envelope { status: bool, error: EnvelopeError<'a> },
    Google { error: GoogleError<'a> },
}

#[derive(Debug, Serialize)]
pub struct EnvelopeError<'a> {
    pub code: u32,
    pub message: &'static str,
    pub details: Details<'a>,
}

/// An envelope's `details`: the violations of a 5209, the referrers of a
/// 5012, else empty.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Details<'a> {
    Violations(&'a [Violation]),
    InUse(&'a [EntityInUse]),
}

#[derive(Debug, Serialize)]
pub struct GoogleError<'a> {
    pub code: u16,
    pub message: String,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<GoogleBadRequest<'a>>,
}

/// `google.rpc.BadRequest`, as Google's APIs list field violations.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GoogleBadRequest<'a> {
    #[serde(rename = "@type")]
    pub kind: &'static str,
    pub field_violations: Vec<GoogleFieldViolation<'a>>,
}

#[derive(Debug, Serialize)]
pub struct GoogleFieldViolation<'a> {
    pub field: &'a str,
    pub description: &'a str,
}

impl ApiError {
    /// Shorthand for a 5209 with a single violation.
    pub fn invalid(path: impl Into<String>, code: ViolationCode, message: impl Into<String>) -> Self {
        ApiError::InvalidInput(vec![Violation::new(path, code, message)])
    }

    /// Shorthand for a 500 whose cause is logged (never sent).
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        ApiError::Internal(cause.to_string())
    }

    pub fn http_status(&self) -> u16 {
        match self {
            ApiError::NoAuthToken | ApiError::InvalidToken => 401,
            ApiError::PermissionDenied => 403,
            ApiError::NotFound | ApiError::RouteNotFound => 404,
            ApiError::InvalidInput(_) | ApiError::FeatureNotAllowed | ApiError::LimitExceeded => 400,
            ApiError::InvalidStateTransition | ApiError::InUse(_) | ApiError::IdempotencyKeyReused => 409,
            ApiError::TooManyRequests(_) => 429,
            ApiError::MethodNotAllowed(_) => 405,
            ApiError::PayloadTooLarge => 413,
            ApiError::UnsupportedMediaType => 415,
            ApiError::IdentityProviderUnavailable(_) => 503,
            ApiError::Internal(_) => 500,
        }
    }

    /// The envelope's numeric `error.code`.
    pub fn code(&self) -> u32 {
        match self {
            ApiError::NoAuthToken => 4002,
            ApiError::InvalidToken => 4004,
            ApiError::PermissionDenied => 4005,
            ApiError::NotFound => 3001,
            ApiError::InvalidInput(_) => 5209,
            ApiError::FeatureNotAllowed => 5050,
            ApiError::LimitExceeded => 5017,
            ApiError::InvalidStateTransition => 5010,
            ApiError::InUse(_) => 5012,
            ApiError::TooManyRequests(_) => 4290,
            ApiError::IdempotencyKeyReused => 5013,
            ApiError::RouteNotFound => 4040,
            ApiError::MethodNotAllowed(_) => 4050,
            ApiError::PayloadTooLarge => 4130,
            ApiError::UnsupportedMediaType => 4150,
            ApiError::IdentityProviderUnavailable(_) => 5030,
            ApiError::Internal(_) => 5000,
        }
    }

    /// The envelope's `error.message` (exact strings of the contract's table).
    pub fn message(&self) -> &'static str {
        match self {
            ApiError::NoAuthToken => "No auth token",
            ApiError::InvalidToken => "Invalid Token",
            ApiError::PermissionDenied => "Permission denied",
            ApiError::NotFound => "Entity not found",
            ApiError::InvalidInput(_) => "Invalid input",
            // Sic: the contract's wording.
            ApiError::FeatureNotAllowed => "Feature not allowed for you billing plan",
            ApiError::LimitExceeded => "Limit Exceeded",
            ApiError::InvalidStateTransition => "Invalid state transition",
            ApiError::InUse(_) => "Entity in use",
            ApiError::TooManyRequests(_) => "Too many requests",
            ApiError::IdempotencyKeyReused => "Idempotency key reused",
            ApiError::RouteNotFound => "Route not found",
            ApiError::MethodNotAllowed(_) => "Method not allowed",
            ApiError::PayloadTooLarge => "Payload too large",
            ApiError::UnsupportedMediaType => "Unsupported media type",
            ApiError::IdentityProviderUnavailable(_) => "Identity provider unavailable",
            ApiError::Internal(_) => "Internal error",
        }
    }

    /// The HTTP status in `flavor`: Google's surface answers a quota with
    /// 429, as Google does (contract: "Error codes added").
    pub fn http_status_in(&self, flavor: Flavor) -> u16 {
        match (self, flavor) {
            (ApiError::LimitExceeded, Flavor::Google) => 429,
            _ => self.http_status(),
        }
    }

    /// Google's canonical status name for the same failure.
    pub fn google_status(&self) -> &'static str {
        match self {
            ApiError::NoAuthToken | ApiError::InvalidToken => "UNAUTHENTICATED",
            ApiError::PermissionDenied => "PERMISSION_DENIED",
            ApiError::NotFound | ApiError::RouteNotFound => "NOT_FOUND",
            ApiError::InvalidInput(_) | ApiError::PayloadTooLarge | ApiError::UnsupportedMediaType => {
                "INVALID_ARGUMENT"
            }
            ApiError::FeatureNotAllowed | ApiError::InvalidStateTransition | ApiError::InUse(_) => {
                "FAILED_PRECONDITION"
            }
            ApiError::LimitExceeded | ApiError::TooManyRequests(_) => "RESOURCE_EXHAUSTED",
            ApiError::MethodNotAllowed(_) => "UNIMPLEMENTED",
            ApiError::IdentityProviderUnavailable(_) => "UNAVAILABLE",
            ApiError::IdempotencyKeyReused => "ABORTED",
            ApiError::Internal(_) => "INTERNAL",
        }
    }

    pub fn violations(&self) -> &[Violation] {
        match self {
            ApiError::InvalidInput(v) => v,
            _ => &[],
        }
    }

    /// The JSON body for this error in the given flavor (fields in the
    /// documented order: `status`, then `error` with `code`, `message`, ...).
    pub fn body(&self, flavor: Flavor) -> ErrorBody<'_> {
        match flavor {
            Flavor::Envelope => ErrorBody::Envelope {
                status: false,
                error: EnvelopeError {
                    code: self.code(),
                    message: self.message(),
                    details: match self {
                        ApiError::InUse(referrers) => Details::InUse(referrers),
                        _ => Details::Violations(self.violations()),
                    },
                },
            },
            Flavor::Google => ErrorBody::Google {
                error: GoogleError {
                    code: self.http_status_in(flavor),
                    message: self.google_message(),
                    status: self.google_status(),
                    details: match self {
                        ApiError::InvalidInput(v) => vec![GoogleBadRequest {
                            kind: "type.googleapis.com/google.rpc.BadRequest",
                            field_violations: v
                                .iter()
                                .map(|v| GoogleFieldViolation {
                                    field: &v.path,
                                    description: &v.message,
                                })
                                .collect(),
                        }],
                        _ => Vec::new(),
                    },
                },
            },
        }
    }

    /// Google puts the first violation's text in `message`.
    fn google_message(&self) -> String {
        match self {
            ApiError::InvalidInput(v) if !v.is_empty() => {
                let first = &v[0];
                if first.path.is_empty() {
                    first.message.clone()
                } else {
                    format!("{}: {}", first.path, first.message)
                }
            }
            other => other.message().to_string(),
        }
    }

    /// Extra headers the response needs (`Allow` on a 405).
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        match self {
            ApiError::MethodNotAllowed(methods) => {
                vec![("Allow", methods.join(", "))]
            }
            ApiError::TooManyRequests(seconds) => vec![("Retry-After", seconds.to_string())],
            ApiError::NoAuthToken | ApiError::InvalidToken => {
                // With a realm, as Google sends it: httplib2 (Google's Python client) cannot parse a bare `Bearer`.
                vec![("WWW-Authenticate", "Bearer realm=\"mdm-edge\"".to_string())]
            }
            // The key set is refetched at most once a minute.
            ApiError::IdentityProviderUnavailable(_) => vec![("Retry-After", "60".to_string())],
            _ => Vec::new(),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {}", self.http_status(), self.code(), self.message())
    }
}

/// Every violation the shared crate found becomes one 5209.
impl From<Vec<Violation>> for ApiError {
    /// Capped as every layer caps them (at most 100, paths and messages cut),
    /// so no 5209 grows with what a client sent.
    fn from(v: Vec<Violation>) -> Self {
        ApiError::InvalidInput(mdm_core::violation::capped(v))
    }
}

impl From<Violation> for ApiError {
    fn from(v: Violation) -> Self {
        ApiError::InvalidInput(vec![v])
    }
}

impl From<worker::Error> for ApiError {
    fn from(e: worker::Error) -> Self {
        ApiError::Internal(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_codes_and_messages_are_exact() {
        let cases = [
            (ApiError::NoAuthToken, 401, 4002, "No auth token"),
            (ApiError::InvalidToken, 401, 4004, "Invalid Token"),
            (ApiError::PermissionDenied, 403, 4005, "Permission denied"),
            (ApiError::NotFound, 404, 3001, "Entity not found"),
            (ApiError::InvalidInput(vec![]), 400, 5209, "Invalid input"),
            (
                ApiError::FeatureNotAllowed,
                400,
                5050,
                "Feature not allowed for you billing plan",
            ),
            (ApiError::LimitExceeded, 400, 5017, "Limit Exceeded"),
            (ApiError::InvalidStateTransition, 409, 5010, "Invalid state transition"),
            (ApiError::InUse(vec![]), 409, 5012, "Entity in use"),
            (
                ApiError::IdentityProviderUnavailable("down".into()),
                503,
                5030,
                "Identity provider unavailable",
            ),
        ];
        for (e, status, code, message) in cases {
            assert_eq!(e.http_status(), status, "{e:?}");
            assert_eq!(e.code(), code, "{e:?}");
            assert_eq!(e.message(), message, "{e:?}");
        }
    }

    #[test]
    fn envelope_body_lists_details() {
        let e = ApiError::invalid(
            "aosPolicyAssignments[1].priority",
            ViolationCode::Max,
            "must be <= 10000",
        );
        let body = serde_json::to_value(e.body(Flavor::Envelope)).unwrap();
        assert_eq!(body["status"], false);
        assert_eq!(body["error"]["code"], 5209);
        assert_eq!(body["error"]["details"][0]["path"], "aosPolicyAssignments[1].priority");
        assert_eq!(body["error"]["details"][0]["code"], "max");
        let in_use = ApiError::InUse(vec![EntityInUse {
            kind: "aospDevices".into(),
            count: 2,
        }]);
        assert_eq!(
            serde_json::to_string(&in_use.body(Flavor::Envelope)).unwrap(),
            r#"{"status":false,"error":{"code":5012,"message":"Entity in use","details":[{"kind":"aospDevices","count":2}]}}"#
        );
        // Non-validation errors carry an empty list.
        let text = serde_json::to_string(&ApiError::NotFound.body(Flavor::Envelope)).unwrap();
        // Field order as documented, and an empty `details`.
        assert_eq!(
            text,
            r#"{"status":false,"error":{"code":3001,"message":"Entity not found","details":[]}}"#
        );
    }

    #[test]
    fn google_body_shape() {
        let body = serde_json::to_value(ApiError::NotFound.body(Flavor::Google)).unwrap();
        assert_eq!(body["error"]["code"], 404);
        assert_eq!(body["error"]["status"], "NOT_FOUND");
        assert!(body.get("status").is_none());
        let body =
            serde_json::to_value(ApiError::invalid("duration", ViolationCode::Min, "too short").body(Flavor::Google))
                .unwrap();
        assert_eq!(body["error"]["status"], "INVALID_ARGUMENT");
        assert_eq!(body["error"]["message"], "duration: too short");
        assert_eq!(body["error"]["details"][0]["fieldViolations"][0]["field"], "duration");
    }

    #[test]
    fn allow_header_on_405() {
        let e = ApiError::MethodNotAllowed(vec!["GET", "POST"]);
        assert_eq!(e.headers(), vec![("Allow", "GET, POST".to_string())]);
        assert_eq!(e.http_status(), 405);
    }

    #[test]
    fn flavor_by_path() {
        assert_eq!(Flavor::for_path("/v1/enterprises/e1/enrollmentTokens"), Flavor::Google);
        assert_eq!(Flavor::for_path("/v1/enterprisesX"), Flavor::Envelope);
        assert_eq!(Flavor::for_path("/v1/organizations/x"), Flavor::Envelope);
    }
}
