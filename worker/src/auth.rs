//! Bearer JWT authentication (HS256 only) and permission checks.
//!
//! * The header must be `Authorization: Bearer <jwt>` (scheme case-insensitive);
//!   no header, or another scheme → 401 / 4002.
//! * Anything wrong with the token → 401 / 4004: not three base64url parts,
//!   header `alg` other than `HS256` (so `none` and RS/ES algorithms are
//!   refused before any key is touched), a `crit` header, a bad signature
//!   (checked in constant time by `Mac::verify_slice`), a payload that is not
//!   a JSON object, `exp` missing or passed, `nbf` in the future, `sub`
//!   missing, or `orgs`/`perms` not arrays of strings.
//! * `exp`/`nbf`/`iat` are NumericDate seconds; no leeway.
//! * Permissions: exact match, `*` (everything), or a trailing `.*` prefix
//!   wildcard (`mdm.aosp.*` grants `mdm.aosp.device.get`, not `mdm.aosp`).
//! * Organizations: `orgs` holds ids or slugs, or `"*"`.

use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

use crate::http::ApiError;

type HmacSha256 = Hmac<Sha256>;

/// Name of the secret/var holding the HMAC key.
pub const SECRET_BINDING: &str = "AUTH_SECRET";

/// The shortest `AUTH_SECRET` accepted: a shorter one can be guessed offline
/// from any token, so the worker refuses every HS256 token instead.
pub const MIN_SECRET_LEN: usize = 32;

/// Tokens longer than this are rejected without parsing.
const MAX_TOKEN_LEN: usize = 8 * 1024;

/// Which kind of credential the caller presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    ApiKey,
    Oidc,
    Hs256,
}

impl Via {
    /// As `GET /v1/me` names it.
    pub fn name(self) -> &'static str {
        match self {
            Via::ApiKey => "apiKey",
            Via::Oidc => "oidc",
            Via::Hs256 => "hs256",
        }
    }
}

/// Permissions held over some organizations: an HS256 token's claims, an API
/// key's organization, one membership, or a platform operator's `platform.*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// Organization ids or slugs, or `"*"`.
    pub orgs: Vec<String>,
    /// Permission strings (exact, `prefix.*`, or `*`).
    pub perms: Vec<String>,
    /// The membership's role, when the grant is one.
    pub role: Option<&'static str>,
}

impl Grant {
    fn covers_org(&self, id: &str, slug: &str) -> bool {
        self.orgs
            .iter()
            .any(|o| o == "*" || o.eq_ignore_ascii_case(id) || o.eq_ignore_ascii_case(slug))
    }

    fn holds(&self, perm: &str) -> bool {
        mdm_core::permissions::any_matches(&self.perms, perm)
    }
}

/// Who is calling, from a verified credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub sub: String,
    pub email: Option<String>,
    pub via: Via,
    pub grants: Vec<Grant>,
}

/// Which organizations a caller's permission reaches (organization lists).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    All,
    /// Ids or slugs, lowercase.
    Some(Vec<String>),
}

impl Principal {
    /// A principal with one grant.
    pub fn new(sub: String, via: Via, grant: Grant) -> Self {
        Principal {
            sub,
            email: None,
            via,
            grants: vec![grant],
        }
    }

    /// Does any grant cover `perm` (in some organization)?
    pub fn has_perm(&self, perm: &str) -> bool {
        self.grants.iter().any(|g| g.holds(perm))
    }

    /// `Ok(())` or 403 / 4005.
    pub fn require(&self, perm: &str) -> Result<(), ApiError> {
        if self.has_perm(perm) {
            Ok(())
        } else {
            Err(ApiError::PermissionDenied)
        }
    }

    /// `Ok(())` if a grant that reaches the organization holds `perm`, else
    /// 403 / 4005 (a member of two organizations holds each role only in its own).
    pub fn require_in(&self, perm: &str, id: &str, slug: &str) -> Result<(), ApiError> {
        if self.grants.iter().any(|g| g.covers_org(id, slug) && g.holds(perm)) {
            Ok(())
        } else {
            Err(ApiError::PermissionDenied)
        }
    }

    /// May the caller see the organization with this id and slug? Both
    /// compare ASCII-case-insensitively (ids are hex; slugs are unique
    /// regardless of case).
    pub fn can_see_org(&self, id: &str, slug: &str) -> bool {
        self.grants.iter().any(|g| g.covers_org(id, slug))
    }

    /// The organizations where the caller holds `perm`.
    pub fn reach(&self, perm: &str) -> Reach {
        let mut some = Vec::new();
        for g in self.grants.iter().filter(|g| g.holds(perm)) {
            if g.orgs.iter().any(|o| o == "*") {
                return Reach::All;
            }
            some.extend(g.orgs.iter().map(|o| o.to_ascii_lowercase()));
        }
        Reach::Some(some)
    }

    /// The organizations the caller sees at all.
    pub fn reach_any(&self) -> Reach {
        if self.grants.iter().any(|g| g.orgs.iter().any(|o| o == "*")) {
            return Reach::All;
        }
        Reach::Some(
            self.grants
                .iter()
                .flat_map(|g| g.orgs.iter().map(|o| o.to_ascii_lowercase()))
                .collect(),
        )
    }

    /// Every permission string the caller holds in the organization.
    pub fn perms_in(&self, id: &str, slug: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for g in self.grants.iter().filter(|g| g.covers_org(id, slug)) {
            for p in &g.perms {
                if !out.contains(p) {
                    out.push(p.clone());
                }
            }
        }
        out
    }

    /// The caller's role in the organization, if a membership brings one.
    pub fn role_in(&self, id: &str, slug: &str) -> Option<&'static str> {
        self.grants
            .iter()
            .filter(|g| g.covers_org(id, slug))
            .find_map(|g| g.role)
    }

    /// The permissions `wanted` covers (never a platform one), if the caller
    /// holds every one of them in the organization; else 403 / 4005. Nobody
    /// hands out more than they hold: API keys, and roles given to members.
    pub fn delegate<S: AsRef<str>>(&self, wanted: &[S], id: &str, slug: &str) -> Result<Vec<&'static str>, ApiError> {
        let held = self.perms_in(id, slug);
        let expanded = mdm_core::permissions::expand(wanted);
        if expanded.iter().all(|p| mdm_core::permissions::any_matches(&held, p)) {
            Ok(expanded)
        } else {
            Err(ApiError::PermissionDenied)
        }
    }
}

/// Extract the token from an `Authorization` header value.
pub fn bearer_token(header: Option<&str>) -> Result<&str, ApiError> {
    let value = header.ok_or(ApiError::NoAuthToken)?.trim();
    let (scheme, token) = value.split_once(' ').ok_or(ApiError::NoAuthToken)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(ApiError::NoAuthToken);
    }
    let token = token.trim();
    if token.is_empty() {
        return Err(ApiError::NoAuthToken);
    }
    Ok(token)
}

/// The seconds in which a verified token's claims let it in: from
/// `not_before` (if any) to before `expires`. What a verification kept in
/// this isolate (`identity`) is checked against on every use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetime {
    pub not_before: Option<i64>,
    pub expires: i64,
}

impl Lifetime {
    /// Does it let the token in at `now` (seconds since the epoch)?
    pub fn covers(self, now: i64) -> bool {
        now < self.expires && self.not_before.is_none_or(|nbf| now >= nbf)
    }
}

/// Verify an HS256 JWT: its principal, and when its claims let it in. `now`
/// is seconds since the epoch.
pub fn verify(token: &str, secret: &[u8], now: i64) -> Result<(Principal, Lifetime), ApiError> {
    verify_inner(token, secret, now).ok_or(ApiError::InvalidToken)
}

/// Full check from the raw header: 4002 / 4004 as appropriate.
#[cfg(test)]
pub fn authenticate(header: Option<&str>, secret: &[u8], now: i64) -> Result<Principal, ApiError> {
    let token = bearer_token(header)?;
    verify(token, secret, now).map(|(principal, _)| principal)
}

fn verify_inner(token: &str, secret: &[u8], now: i64) -> Option<(Principal, Lifetime)> {
    if token.len() > MAX_TOKEN_LEN || secret.len() < MIN_SECRET_LEN {
        return None;
    }
    let mut parts = token.split('.');
    let (h64, p64, s64) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }

    // Header first: the algorithm is pinned before the key is used.
    let header: Value = mdm_core::json_text::parse_value(&mdm_core::base64url::decode(h64)?).ok()?;
    let header = header.as_object()?;
    if header.get("alg")?.as_str()? != "HS256" || header.contains_key("crit") {
        return None;
    }

    let signature = mdm_core::base64url::decode(s64)?;
    let mut mac = HmacSha256::new_from_slice(secret).ok()?;
    mac.update(h64.as_bytes());
    mac.update(b".");
    mac.update(p64.as_bytes());
    mac.verify_slice(&signature).ok()?;

    let claims: Value = mdm_core::json_text::parse_value(&mdm_core::base64url::decode(p64)?).ok()?;
    let claims = claims.as_object()?;
    let lifetime = Lifetime {
        expires: numeric_date(claims.get("exp")?)?,
        not_before: match claims.get("nbf") {
            Some(nbf) => Some(numeric_date(nbf)?),
            None => None,
        },
    };
    if !lifetime.covers(now) {
        return None;
    }
    if let Some(iat) = claims.get("iat") {
        numeric_date(iat)?;
    }
    let sub = claims.get("sub")?.as_str()?.to_string();
    let grant = Grant {
        orgs: string_list(claims.get("orgs"))?,
        perms: string_list(claims.get("perms"))?,
        role: None,
    };
    Some((Principal::new(sub, Via::Hs256, grant), lifetime))
}

/// A NumericDate: a JSON number of seconds (fractions floored).
fn numeric_date(v: &Value) -> Option<i64> {
    if let Some(i) = v.as_i64() {
        return Some(i);
    }
    let f = v.as_f64()?;
    if f.is_finite() && f.abs() < 1e15 {
        Some(f.floor() as i64)
    } else {
        None
    }
}

/// Absent → empty; otherwise an array of strings.
fn string_list(v: Option<&Value>) -> Option<Vec<String>> {
    match v {
        None | Some(Value::Null) => Some(Vec::new()),
        Some(Value::Array(items)) => items.iter().map(|i| i.as_str().map(str::to_string)).collect(),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mdm_core::permissions as perm;
    use serde_json::json;

    const SECRET: &[u8] = b"test-secret-of-reasonable-length-0123456789";
    const NOW: i64 = 1_800_000_000;

    fn sign_raw(header: &Value, claims: &Value, secret: &[u8]) -> String {
        let h = mdm_core::base64url::encode(header.to_string().as_bytes());
        let p = mdm_core::base64url::encode(claims.to_string().as_bytes());
        let mut mac = HmacSha256::new_from_slice(secret).unwrap();
        mac.update(format!("{h}.{p}").as_bytes());
        let s = mdm_core::base64url::encode(&mac.finalize().into_bytes());
        format!("{h}.{p}.{s}")
    }

    fn sign(claims: Value) -> String {
        sign_raw(&json!({"alg": "HS256", "typ": "JWT"}), &claims, SECRET)
    }

    fn good_claims() -> Value {
        json!({"sub": "u1", "exp": NOW + 60, "iat": NOW, "orgs": ["acme"], "perms": ["mdm.aosp.*"]})
    }

    #[test]
    fn valid_token() {
        let (p, lifetime) = verify(&sign(good_claims()), SECRET, NOW).unwrap();
        assert_eq!(
            lifetime,
            Lifetime {
                not_before: None,
                expires: NOW + 60
            }
        );
        assert_eq!(p.sub, "u1");
        assert_eq!(p.grants[0].orgs, vec!["acme"]);
        assert_eq!(p.via, Via::Hs256);
        assert!(p.has_perm(perm::AOSP_TOKEN_CREATE.name));
        assert!(!p.has_perm(perm::WIN_TOKEN_CREATE.name));
        assert_eq!(
            p.require(perm::PLATFORM_ORGANIZATION_CREATE.name),
            Err(ApiError::PermissionDenied)
        );
    }

    #[test]
    fn wrong_secret_or_tampering() {
        let token = sign(good_claims());
        assert_eq!(verify(&token, b"other", NOW), Err(ApiError::InvalidToken));
        // Swap in another payload under the same signature.
        let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
        let mut claims = good_claims();
        claims["perms"] = json!(["*"]);
        parts[1] = mdm_core::base64url::encode(claims.to_string().as_bytes());
        assert_eq!(verify(&parts.join("."), SECRET, NOW), Err(ApiError::InvalidToken));
        // Truncated signature.
        let cut = &token[..token.len() - 2];
        assert_eq!(verify(cut, SECRET, NOW), Err(ApiError::InvalidToken));
        // An empty or short secret never verifies anything, even its own tokens.
        assert_eq!(verify(&token, b"", NOW), Err(ApiError::InvalidToken));
        let short = b"0123456789abcdef0123456789abcde";
        let t = sign_raw(&json!({"alg": "HS256"}), &good_claims(), short);
        assert_eq!(verify(&t, short, NOW), Err(ApiError::InvalidToken));
        let enough = b"0123456789abcdef0123456789abcdef";
        let t = sign_raw(&json!({"alg": "HS256"}), &good_claims(), enough);
        assert!(verify(&t, enough, NOW).is_ok());
    }

    #[test]
    fn algorithm_is_pinned() {
        for alg in ["none", "HS512", "RS256", "hs256"] {
            let t = sign_raw(&json!({"alg": alg}), &good_claims(), SECRET);
            assert_eq!(verify(&t, SECRET, NOW), Err(ApiError::InvalidToken), "{alg}");
        }
        // alg=none with an empty signature part.
        let h = mdm_core::base64url::encode(br#"{"alg":"none"}"#);
        let p = mdm_core::base64url::encode(good_claims().to_string().as_bytes());
        assert_eq!(verify(&format!("{h}.{p}."), SECRET, NOW), Err(ApiError::InvalidToken));
        // Missing alg, and a crit header we do not understand.
        let t = sign_raw(&json!({"typ": "JWT"}), &good_claims(), SECRET);
        assert_eq!(verify(&t, SECRET, NOW), Err(ApiError::InvalidToken));
        let t = sign_raw(&json!({"alg": "HS256", "crit": ["b64"]}), &good_claims(), SECRET);
        assert_eq!(verify(&t, SECRET, NOW), Err(ApiError::InvalidToken));
    }

    #[test]
    fn time_claims() {
        let mut c = good_claims();
        c["exp"] = json!(NOW);
        assert_eq!(
            verify(&sign(c.clone()), SECRET, NOW),
            Err(ApiError::InvalidToken),
            "exp == now is expired"
        );
        c["exp"] = json!(NOW + 1);
        assert!(verify(&sign(c.clone()), SECRET, NOW).is_ok());
        c["nbf"] = json!(NOW + 10);
        assert_eq!(verify(&sign(c.clone()), SECRET, NOW), Err(ApiError::InvalidToken));
        c["nbf"] = json!(NOW);
        let (_, lifetime) = verify(&sign(c.clone()), SECRET, NOW).unwrap();
        assert_eq!(
            lifetime,
            Lifetime {
                not_before: Some(NOW),
                expires: NOW + 1
            }
        );
        // What a kept verification is checked against: the same bounds.
        assert!(lifetime.covers(NOW) && !lifetime.covers(NOW - 1) && !lifetime.covers(NOW + 1));
        c["exp"] = json!((NOW + 5) as f64 + 0.5);
        assert!(verify(&sign(c.clone()), SECRET, NOW).is_ok());
        c["exp"] = json!("tomorrow");
        assert_eq!(verify(&sign(c.clone()), SECRET, NOW), Err(ApiError::InvalidToken));
        let mut c = good_claims();
        c.as_object_mut().unwrap().remove("exp");
        assert_eq!(
            verify(&sign(c), SECRET, NOW),
            Err(ApiError::InvalidToken),
            "exp is required"
        );
        let mut c = good_claims();
        c["iat"] = json!("x");
        assert_eq!(verify(&sign(c), SECRET, NOW), Err(ApiError::InvalidToken));
    }

    #[test]
    fn claim_shapes() {
        let mut c = good_claims();
        c.as_object_mut().unwrap().remove("sub");
        assert_eq!(
            verify(&sign(c), SECRET, NOW),
            Err(ApiError::InvalidToken),
            "sub is required"
        );
        let mut c = good_claims();
        c["perms"] = json!("*");
        assert_eq!(verify(&sign(c), SECRET, NOW), Err(ApiError::InvalidToken));
        let mut c = good_claims();
        c["orgs"] = json!([1]);
        assert_eq!(verify(&sign(c), SECRET, NOW), Err(ApiError::InvalidToken));
        let mut c = good_claims();
        c.as_object_mut().unwrap().remove("orgs");
        c.as_object_mut().unwrap().remove("perms");
        let (p, _) = verify(&sign(c), SECRET, NOW).unwrap();
        assert!(p.grants[0].orgs.is_empty() && p.grants[0].perms.is_empty());
        assert!(!p.has_perm("anything"));
        // Payload that is not an object.
        let t = sign_raw(&json!({"alg": "HS256"}), &json!([1, 2]), SECRET);
        assert_eq!(verify(&t, SECRET, NOW), Err(ApiError::InvalidToken));
    }

    #[test]
    fn malformed_tokens() {
        for t in ["", "a", "a.b", "a.b.c.d", "!!!.???.***", "eyJ.eyJ.x="] {
            assert_eq!(verify(t, SECRET, NOW), Err(ApiError::InvalidToken), "{t:?}");
        }
        let long = "a".repeat(MAX_TOKEN_LEN + 1);
        assert_eq!(verify(&long, SECRET, NOW), Err(ApiError::InvalidToken));
    }

    #[test]
    fn bearer_header() {
        assert_eq!(bearer_token(None), Err(ApiError::NoAuthToken));
        assert_eq!(bearer_token(Some("Basic abc")), Err(ApiError::NoAuthToken));
        assert_eq!(bearer_token(Some("Bearer")), Err(ApiError::NoAuthToken));
        assert_eq!(bearer_token(Some("Bearer   ")), Err(ApiError::NoAuthToken));
        assert_eq!(bearer_token(Some("bearer abc")), Ok("abc"));
        assert_eq!(bearer_token(Some("Bearer abc ")), Ok("abc"));
        let t = sign(good_claims());
        assert!(authenticate(Some(&format!("Bearer {t}")), SECRET, NOW).is_ok());
        assert_eq!(
            authenticate(Some("Bearer junk"), SECRET, NOW),
            Err(ApiError::InvalidToken)
        );
        assert_eq!(authenticate(None, SECRET, NOW), Err(ApiError::NoAuthToken));
    }

    fn grant(orgs: &[&str], perms: &[&str], role: Option<&'static str>) -> Grant {
        Grant {
            orgs: orgs.iter().map(|s| s.to_string()).collect(),
            perms: perms.iter().map(|s| s.to_string()).collect(),
            role,
        }
    }

    #[test]
    fn organizations() {
        let p = Principal::new("s".into(), Via::Hs256, grant(&["acme"], &[], None));
        assert!(p.can_see_org("0123456789abcdef01234567", "acme"));
        assert!(p.can_see_org("0123456789abcdef01234567", "ACME"));
        let by_id = Principal::new("s".into(), Via::Hs256, grant(&["0123456789ABCDEF01234567"], &[], None));
        assert!(by_id.can_see_org("0123456789abcdef01234567", "acme"));
        assert!(!p.can_see_org("0123456789abcdef01234567", "other"));
        let all = Principal::new("s".into(), Via::Hs256, grant(&["*"], &[], None));
        assert!(all.can_see_org("x", "y") && all.reach_any() == Reach::All);
    }

    #[test]
    fn memberships_hold_their_role_in_their_organization_only() {
        let viewer = mdm_core::roles::Role::Viewer.permissions();
        let admin = mdm_core::roles::Role::Admin.permissions();
        let p = Principal {
            sub: "a@x.co".into(),
            email: Some("a@x.co".into()),
            via: Via::Oidc,
            grants: vec![
                grant(&["a"], &admin, Some("admin")),
                grant(&["b"], &viewer, Some("viewer")),
            ],
        };
        let create = perm::AOSP_TOKEN_CREATE.name;
        assert!(p.has_perm(create));
        assert!(p.require_in(create, "a", "a").is_ok());
        assert_eq!(p.require_in(create, "b", "b"), Err(ApiError::PermissionDenied));
        assert_eq!(p.role_in("b", "b"), Some("viewer"));
        assert_eq!(p.reach(create), Reach::Some(vec!["a".into()]));
        // Delegation: within what the caller holds there, never platform.
        assert!(p.delegate(&["mdm.*"], "a", "a").is_ok());
        assert_eq!(p.delegate(&["mdm.*"], "b", "b"), Err(ApiError::PermissionDenied));
        assert_eq!(
            p.delegate(&[perm::MEMBER_OWNER.name], "a", "a"),
            Err(ApiError::PermissionDenied)
        );
        let root = Principal::new("r".into(), Via::Hs256, grant(&["*"], &["*"], None));
        let all = root.delegate(&["*"], "a", "a").unwrap();
        assert!(all.iter().all(|n| !mdm_core::permissions::is_platform(n)));
        assert!(all.contains(&perm::MEMBER_OWNER.name));
    }
}
