//! The Android Management API's `enterprises.enrollmentTokens.create` body
//!, with Google's field names and rules.

use super::RequestBody;
use crate::patterns::Pattern;
use crate::scan::JsonView;
use crate::schema::{integer, string, Field, Schema};
use crate::violation::{Violation, ViolationCode};
use serde::{Deserialize, Serialize};

use super::build::request;

pub const ALLOW_PERSONAL_USAGE: &[&str] = &[
    "ALLOW_PERSONAL_USAGE_UNSPECIFIED",
    "PERSONAL_USAGE_ALLOWED",
    "PERSONAL_USAGE_DISALLOWED",
    "PERSONAL_USAGE_DISALLOWED_USERLESS",
];

pub const DEFAULT_GOOGLE_DURATION_SECS: f64 = 3600.0;
const MIN_DURATION_SECS: f64 = 60.0;
const MAX_DURATION_SECS: f64 = 30.0 * 24.0 * 3600.0;

const USER: Schema = Schema::Object(&[Field::optional(
    "accountIdentifier",
    string().max(1024).schema(),
    "A unique identifier for the user, without personal information; at most 1024 characters.",
)]);

request! {
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct GoogleUser {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub account_identifier: Option<String>,
    }
}

request! {
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct GoogleTokenCreate {
        pub duration: Option<String>,
        pub policy_name: Option<String>,
        pub additional_data: Option<String>,
        #[serde(default)]
        pub one_time_only: bool,
        pub user: Option<GoogleUser>,
        pub allow_personal_usage: Option<String>,
        pub max_enrollments: Option<i64>,
    }
}

impl RequestBody for GoogleTokenCreate {
    const NAME: &'static str = "GoogleEnrollmentTokenCreate";
    const SCHEMA: Schema = Schema::Object(&[
        Field::optional(
            "duration",
            string().pattern(Pattern::ProtoDuration).schema(),
            "How long the token is valid, 60s to 2592000s (30 days); default 3600s.",
        ),
        Field::optional(
            "policyName",
            string().min(1).max(1024).schema(),
            "enterprises/{enterpriseId}/policies/{policyId}, or just the policyId; default enterprises/{enterpriseId}/policies/default.",
        ),
        Field::optional("additionalData", string().max(1024).schema(), "Arbitrary data, at most 1024 characters."),
        Field::optional("oneTimeOnly", Schema::Boolean, "Whether only one device may enroll with the token."),
        Field::optional("user", USER, "The user of the enrolled device."),
        Field::optional("allowPersonalUsage", string().one_of(ALLOW_PERSONAL_USAGE).schema(), ""),
        Field::optional(
            "maxEnrollments",
            integer(1, 100_000),
            "How many devices may enroll with the token at most (1 to 100,000; absent: no cap). Not a field of \
             Google's API: this service's extension, enforced by the atomic enrollment claim.",
        ),
        // Output-only fields: Google's clients may echo them back; they are ignored.
        Field::optional("name", string().max(1024).schema(), "Output only."),
        Field::optional("value", string().max(1024).schema(), "Output only."),
        Field::optional("qrCode", string().schema(), "Output only."),
        Field::optional("expirationTimestamp", string().max(64).schema(), "Output only."),
    ]);

    const RULES_READ_LEVELS: usize = 1;
    fn cross_field_rules<'a, J: JsonView<'a>>(body: J, out: &mut Vec<Violation>) {
        if let Some(d) = body.get("duration").and_then(J::as_str) {
            if let Some(secs) = parse_proto_duration(&d) {
                if secs < MIN_DURATION_SECS {
                    out.push(Violation::new("duration", ViolationCode::Min, "must be at least 60s"));
                } else if secs > MAX_DURATION_SECS {
                    out.push(Violation::new(
                        "duration",
                        ViolationCode::Max,
                        "must be at most 2592000s (30 days)",
                    ));
                }
            }
        }
        if let Some(p) = body.get("policyName").and_then(J::as_str) {
            if !p.is_empty() && policy_id_of(&p).is_none() {
                out.push(Violation::new(
                    "policyName",
                    ViolationCode::Format,
                    "must be enterprises/{enterpriseId}/policies/{policyId} or a policyId without slashes",
                ));
            }
        }
    }
}

impl GoogleTokenCreate {
    pub fn duration_secs(&self) -> f64 {
        self.duration
            .as_deref()
            .and_then(parse_proto_duration)
            .unwrap_or(DEFAULT_GOOGLE_DURATION_SECS)
    }

    /// The full policy name, with the policy id inferred as Google does.
    pub fn policy_name(&self, enterprise_id: &str) -> String {
        let policy_id = self.policy_name.as_deref().and_then(policy_id_of).unwrap_or("default");
        format!("enterprises/{enterprise_id}/policies/{policy_id}")
    }
}

/// Seconds in a protobuf JSON Duration (`"3600s"`, `"3.5s"`).
///
/// Parsed by hand: `str::parse::<f64>` would pull about 14 kB (gzipped) of
/// float-parsing tables into every browser's wasm.
pub fn parse_proto_duration(s: &str) -> Option<f64> {
    if !Pattern::ProtoDuration.matches(s) {
        return None;
    }
    let number = &s[..s.len() - 1];
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    // Digits only (the pattern checked); beyond u64 is beyond any valid duration anyway.
    let whole = whole.parse::<u64>().unwrap_or(u64::MAX) as f64;
    let nanos = fraction
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(9)
        .fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
    Some(whole + nanos as f64 / 1e9)
}

/// Formats seconds as a protobuf JSON Duration, without a needless fraction
/// (`3600s`, `90.5s`). By hand for the same size reason as the parser.
pub fn format_proto_duration(secs: f64) -> String {
    let total_nanos = (secs.max(0.0) * 1e9).round() as u64;
    let (whole, nanos) = (total_nanos / 1_000_000_000, total_nanos % 1_000_000_000);
    if nanos == 0 {
        return format!("{whole}s");
    }
    let fraction = format!("{nanos:09}");
    format!("{whole}.{}s", fraction.trim_end_matches('0'))
}

fn is_policy_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 256
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
}

/// The policy id of `enterprises/{e}/policies/{p}` or of a bare `{p}`.
pub fn policy_id_of(name: &str) -> Option<&str> {
    let mut parts = name.split('/');
    let id = match (parts.next(), parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(id), None, ..) => id,
        (Some("enterprises"), Some(enterprise), Some("policies"), Some(id), None) if !enterprise.is_empty() => id,
        _ => return None,
    };
    is_policy_id(id).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::requests::test_support::{accepts, rejects};
    use serde_json::json;

    #[test]
    fn durations() {
        let t: GoogleTokenCreate = accepts(json!({}));
        assert_eq!(t.duration_secs(), 3600.0);
        let t: GoogleTokenCreate = accepts(json!({"duration": "60s"}));
        assert_eq!(t.duration_secs(), 60.0);
        accepts::<GoogleTokenCreate>(json!({"duration": "2592000s"}));
        rejects::<GoogleTokenCreate>(json!({"duration": "59.999s"}), "duration", "min");
        rejects::<GoogleTokenCreate>(json!({"duration": "3.5s"}), "duration", "min");
        rejects::<GoogleTokenCreate>(json!({"duration": "2592000.5s"}), "duration", "max");
        rejects::<GoogleTokenCreate>(json!({"duration": "3600"}), "duration", "pattern");
        rejects::<GoogleTokenCreate>(json!({"duration": 3600}), "duration", "type");
        assert_eq!(format_proto_duration(3600.0), "3600s");
        assert_eq!(format_proto_duration(90.5), "90.5s");
        assert_eq!(format_proto_duration(0.000000001), "0.000000001s");
        assert_eq!(parse_proto_duration("1.000000001s"), Some(1.000000001));
        assert_eq!(parse_proto_duration("12.5s"), Some(12.5));
    }

    #[test]
    fn policy_names_are_normalised() {
        let t: GoogleTokenCreate = accepts(json!({}));
        assert_eq!(t.policy_name("LC01"), "enterprises/LC01/policies/default");
        let t: GoogleTokenCreate = accepts(json!({"policyName": "kiosk"}));
        assert_eq!(t.policy_name("LC01"), "enterprises/LC01/policies/kiosk");
        let t: GoogleTokenCreate = accepts(json!({"policyName": "enterprises/LC01/policies/kiosk"}));
        assert_eq!(t.policy_name("LC01"), "enterprises/LC01/policies/kiosk");
        rejects::<GoogleTokenCreate>(json!({"policyName": "policies/kiosk"}), "policyName", "format");
        rejects::<GoogleTokenCreate>(json!({"policyName": ""}), "policyName", "minLength");
    }

    #[test]
    fn text_limits() {
        accepts::<GoogleTokenCreate>(
            json!({"additionalData": "a".repeat(1024), "user": {"accountIdentifier": "u".repeat(1024)}}),
        );
        rejects::<GoogleTokenCreate>(
            json!({"additionalData": "a".repeat(1025)}),
            "additionalData",
            "maxLength",
        );
        rejects::<GoogleTokenCreate>(
            json!({"user": {"accountIdentifier": "u".repeat(1025)}}),
            "user.accountIdentifier",
            "maxLength",
        );
        rejects::<GoogleTokenCreate>(json!({"oneTimeOnly": 1}), "oneTimeOnly", "type");
        rejects::<GoogleTokenCreate>(json!({"allowPersonalUsage": "SOMETIMES"}), "allowPersonalUsage", "enum");
        accepts::<GoogleTokenCreate>(json!({"name": "enterprises/x/enrollmentTokens/y", "value": "v"}));
        let t: GoogleTokenCreate = accepts(json!({"maxEnrollments": 100000}));
        assert_eq!(t.max_enrollments, Some(100_000));
        rejects::<GoogleTokenCreate>(json!({"maxEnrollments": 0}), "maxEnrollments", "min");
        rejects::<GoogleTokenCreate>(json!({"maxEnrollments": 100001}), "maxEnrollments", "max");
    }
}
