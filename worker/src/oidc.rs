//! OpenID Connect tokens (RS256, ES256), also Cloudflare Access' assertion,
//! checked against the identity provider's key set (JWKS):
//!
//! * configuration: `AUTH_JWKS_URL`, `AUTH_ISSUER`, `AUTH_AUDIENCE` (vars);
//!   without all three, every such token is refused (and the worker logs why);
//! * the key is chosen by the header's `kid` and must be of the algorithm's
//!   type (RSA for RS256, EC P-256 for ES256); a header naming another
//!   algorithm, `crit`, or a key of the wrong type is refused;
//! * the signature is checked by WebCrypto (`crypto.subtle.importKey("jwk")`
//!   and `verify`), so the wasm carries no RSA or ECDSA code;
//! * `iss` equals `AUTH_ISSUER`, `aud` (a string or a list) contains
//!   `AUTH_AUDIENCE`, `exp` is required; `exp` and `nbf` allow 60 s of clock
//!   skew;
//! * the key set is cached per isolate and fetched again when a token names
//!   a `kid` it lacks, at most once a minute, so keys rotate without a
//!   restart; a key set that cannot be fetched is 503 / 5030 (logged).
//!
//! Anything wrong with the token itself is 401 / 4004.

use std::cell::RefCell;

use serde_json::Value;
use worker::js_sys::{self, Array};
use worker::wasm_bindgen::JsValue;

use crate::auth::Lifetime;
use crate::ctx::Ctx;
use crate::http::ApiError;
use crate::js::{call, get, object};
use crate::webcrypto::{bytes, subtle};

pub const JWKS_URL_BINDING: &str = "AUTH_JWKS_URL";
pub const ISSUER_BINDING: &str = "AUTH_ISSUER";
pub const AUDIENCE_BINDING: &str = "AUTH_AUDIENCE";

/// Clock skew allowed on `exp` and `nbf`, seconds.
pub const SKEW_SECONDS: i64 = 60;

/// The key set is fetched again for an unknown `kid` at most this often (ms).
const REFETCH_EVERY_MS: i64 = 60_000;

/// Tokens longer than this are refused without parsing.
const MAX_TOKEN_LEN: usize = 16 * 1024;

/// What a verified token says about the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub sub: String,
    /// The `email` claim, unless the provider says it is not verified.
    pub email: Option<String>,
}

/// The `alg` of a JWT's header, if it has one.
pub fn algorithm(token: &str) -> Option<String> {
    let h64 = token.split('.').next()?;
    let header: Value = mdm_core::json_text::parse_value(&mdm_core::base64url::decode(h64)?).ok()?;
    Some(header.get("alg")?.as_str()?.to_string())
}

/// A token split and decoded, before its signature is checked.
#[derive(Debug)]
struct Parts {
    alg: Alg,
    kid: Option<String>,
    signed: String,
    signature: Vec<u8>,
    claims: serde_json::Map<String, Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Alg {
    Rs256,
    Es256,
}

impl Alg {
    fn kty(self) -> &'static str {
        match self {
            Alg::Rs256 => "RSA",
            Alg::Es256 => "EC",
        }
    }
}

fn split(token: &str) -> Option<Parts> {
    if token.len() > MAX_TOKEN_LEN {
        return None;
    }
    let mut it = token.split('.');
    let (h64, p64, s64) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() {
        return None;
    }
    let header: Value = mdm_core::json_text::parse_value(&mdm_core::base64url::decode(h64)?).ok()?;
    let header = header.as_object()?;
    if header.contains_key("crit") {
        return None;
    }
    let alg = match header.get("alg")?.as_str()? {
        "RS256" => Alg::Rs256,
        "ES256" => Alg::Es256,
        _ => return None,
    };
    let kid = match header.get("kid") {
        None => None,
        Some(k) => Some(k.as_str()?.to_string()),
    };
    let claims: Value = mdm_core::json_text::parse_value(&mdm_core::base64url::decode(p64)?).ok()?;
    Some(Parts {
        alg,
        kid,
        signed: format!("{h64}.{p64}"),
        signature: mdm_core::base64url::decode(s64)?,
        claims: claims.as_object()?.clone(),
    })
}

/// The claims' checks: issuer, audience, times (with skew), subject.
fn check_claims(
    claims: &serde_json::Map<String, Value>,
    issuer: &str,
    audience: &str,
    now: i64,
) -> Option<(Identity, Lifetime)> {
    if claims.get("iss")?.as_str()? != issuer {
        return None;
    }
    let aud_ok = match claims.get("aud")? {
        Value::String(a) => a == audience,
        Value::Array(list) => list.iter().any(|a| a.as_str() == Some(audience)),
        _ => false,
    };
    if !aud_ok {
        return None;
    }
    // The skew widens the claims' window both ways.
    let lifetime = Lifetime {
        expires: seconds(claims.get("exp")?)?.saturating_add(SKEW_SECONDS),
        not_before: match claims.get("nbf") {
            Some(nbf) => Some(seconds(nbf)?.saturating_sub(SKEW_SECONDS)),
            None => None,
        },
    };
    if !lifetime.covers(now) {
        return None;
    }
    let sub = claims.get("sub")?.as_str()?.to_string();
    let verified = claims.get("email_verified").and_then(Value::as_bool) != Some(false);
    let email = claims
        .get("email")
        .and_then(Value::as_str)
        .filter(|e| verified && !e.is_empty())
        .map(str::to_string);
    Some((Identity { sub, email }, lifetime))
}

fn seconds(v: &Value) -> Option<i64> {
    if let Some(i) = v.as_i64() {
        return Some(i);
    }
    let f = v.as_f64()?;
    (f.is_finite() && f.abs() < 1e15).then(|| f.floor() as i64)
}

/// The key for the token: its `kid` (or, without one, the only key of the
/// algorithm's type) among keys of that type.
fn pick<'a>(keys: &'a [Value], alg: Alg, kid: Option<&str>) -> Option<&'a Value> {
    let mut fitting = keys.iter().filter(|k| {
        k.get("kty").and_then(Value::as_str) == Some(alg.kty())
            && k.get("use").and_then(Value::as_str).is_none_or(|u| u == "sig")
    });
    match kid {
        Some(kid) => fitting.find(|k| k.get("kid").and_then(Value::as_str) == Some(kid)),
        None => {
            let first = fitting.next()?;
            fitting.next().is_none().then_some(first)
        }
    }
}

/// The key set cached in this isolate.
struct Cached {
    url: String,
    keys: Vec<Value>,
    fetched_at_ms: i64,
}

thread_local! {
    static CACHE: RefCell<Option<Cached>> = const { RefCell::new(None) };
}

fn cached_key(url: &str, alg: Alg, kid: Option<&str>) -> (Option<Value>, Option<i64>) {
    CACHE.with(|c| match c.borrow().as_ref() {
        Some(cached) if cached.url == url => (pick(&cached.keys, alg, kid).cloned(), Some(cached.fetched_at_ms)),
        _ => (None, None),
    })
}

async fn fetch_keys(url: &str, now_ms: i64) -> Result<(), ApiError> {
    let unavailable = |why: String| ApiError::IdentityProviderUnavailable(format!("key set {url}: {why}"));
    // The global `fetch`, called directly (`js::get`): the runtime's
    // URL parser reads the URL (the `url` crate in the wasm has no Unicode
    // host support: Cargo.lock pins `idna_adapter` 1.0.0), and no request
    // types of workers-rs are linked for one GET (BENCHMARKS.md 0m).
    let text = match get(&js_sys::global(), url).await.map_err(unavailable)? {
        (200, text) => text,
        (status, _) => return Err(unavailable(format!("HTTP {status}"))),
    };
    let body: Value = serde_json::from_str(&text).map_err(|e| unavailable(e.to_string()))?;
    let keys = body
        .get("keys")
        .and_then(Value::as_array)
        .cloned()
        .ok_or_else(|| unavailable("no \"keys\" list".into()))?;
    CACHE.with(|c| {
        *c.borrow_mut() = Some(Cached {
            url: url.to_string(),
            keys,
            fetched_at_ms: now_ms,
        })
    });
    Ok(())
}

/// Verify an OpenID Connect token (or Cloudflare Access assertion).
pub async fn verify(ctx: &Ctx, token: &str) -> Result<(Identity, Lifetime), ApiError> {
    let config = |name: &str| {
        ctx.string_binding(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let (Some(url), Some(issuer), Some(audience)) = (
        config(JWKS_URL_BINDING),
        config(ISSUER_BINDING),
        config(AUDIENCE_BINDING),
    ) else {
        worker::console_error!(
            "{JWKS_URL_BINDING}, {ISSUER_BINDING} and {AUDIENCE_BINDING} are not all set: OpenID Connect tokens are refused"
        );
        return Err(ApiError::InvalidToken);
    };
    let parts = split(token).ok_or(ApiError::InvalidToken)?;
    let now_ms = ctx.now_ms;
    let key = match cached_key(&url, parts.alg, parts.kid.as_deref()) {
        (Some(key), _) => key,
        (None, fetched_at) => {
            // Unknown kid (or nothing cached): fetch again, at most once a minute.
            if fetched_at.is_some_and(|at| now_ms - at < REFETCH_EVERY_MS) {
                return Err(ApiError::InvalidToken);
            }
            fetch_keys(&url, now_ms).await?;
            cached_key(&url, parts.alg, parts.kid.as_deref())
                .0
                .ok_or(ApiError::InvalidToken)?
        }
    };
    if !webcrypto_verify(&key, parts.alg, parts.signed.as_bytes(), &parts.signature).await? {
        return Err(ApiError::InvalidToken);
    }
    check_claims(&parts.claims, &issuer, &audience, now_ms.div_euclid(1000)).ok_or(ApiError::InvalidToken)
}

/// `crypto.subtle.importKey("jwk", key, ...)` then `verify`. A key WebCrypto
/// will not import for the algorithm is a token that does not verify.
async fn webcrypto_verify(jwk: &Value, alg: Alg, data: &[u8], signature: &[u8]) -> Result<bool, ApiError> {
    let subtle = subtle()?;
    let (import_alg, verify_alg) = match alg {
        Alg::Rs256 => (
            object(&[("name", "RSASSA-PKCS1-v1_5".into()), ("hash", "SHA-256".into())])?,
            object(&[("name", "RSASSA-PKCS1-v1_5".into())])?,
        ),
        Alg::Es256 => (
            object(&[("name", "ECDSA".into()), ("namedCurve", "P-256".into())])?,
            object(&[("name", "ECDSA".into()), ("hash", "SHA-256".into())])?,
        ),
    };
    let jwk = js_sys::JSON::parse(&jwk.to_string()).map_err(crate::webcrypto::js_error)?;
    let usages = Array::of1(&"verify".into());
    let args = Array::of5(&"jwk".into(), &jwk, &import_alg, &JsValue::FALSE, &usages);
    let Ok(key) = call(&subtle, "importKey", &args).await else {
        return Ok(false);
    };
    let args = Array::of4(&verify_alg, &key, &bytes(signature), &bytes(data));
    match call(&subtle, "verify", &args).await {
        Ok(v) => Ok(v.as_bool() == Some(true)),
        Err(_) => Ok(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: i64 = 1_800_000_000;

    fn claims(v: Value) -> serde_json::Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    fn good() -> Value {
        json!({"iss": "https://idp", "aud": "api", "sub": "u", "email": "A@x.co", "exp": NOW + 10})
    }

    #[test]
    fn claims_are_checked_with_skew() {
        let ok = |v: Value| check_claims(&claims(v), "https://idp", "api", NOW).map(|(identity, _)| identity);
        assert_eq!(
            ok(good()),
            Some(Identity {
                sub: "u".into(),
                email: Some("A@x.co".into())
            })
        );
        let lifetime = |v: Value| check_claims(&claims(v), "https://idp", "api", NOW).map(|(_, l)| l);
        assert_eq!(
            lifetime(good()),
            Some(Lifetime {
                not_before: None,
                expires: NOW + 10 + SKEW_SECONDS
            })
        );
        let with = |k: &str, v: Value| {
            let mut c = good();
            c[k] = v;
            c
        };
        assert!(ok(with("iss", json!("https://other"))).is_none());
        assert!(ok(with("aud", json!("other"))).is_none());
        assert!(ok(with("aud", json!(["other", "api"]))).is_some());
        assert!(ok(with("exp", json!(NOW - 59))).is_some(), "within the skew");
        assert!(ok(with("exp", json!(NOW - 60))).is_none());
        assert!(ok(with("nbf", json!(NOW + 60))).is_some(), "within the skew");
        assert!(ok(with("nbf", json!(NOW + 61))).is_none());
        assert_eq!(
            lifetime(with("nbf", json!(NOW + 60))).and_then(|l| l.not_before),
            Some(NOW),
            "a kept verification is checked against the same skewed bounds"
        );
        let mut no_exp = good();
        no_exp.as_object_mut().unwrap().remove("exp");
        assert!(ok(no_exp).is_none());
        let unverified = ok(with("email_verified", json!(false))).unwrap();
        assert_eq!(unverified.email, None);
    }

    #[test]
    fn headers_pin_the_algorithm() {
        let b = |v: Value| mdm_core::base64url::encode(v.to_string().as_bytes());
        let token = |h: Value| format!("{}.{}.{}", b(h), b(good()), mdm_core::base64url::encode(b"sig"));
        assert_eq!(
            split(&token(json!({"alg": "RS256", "kid": "k"}))).unwrap().alg,
            Alg::Rs256
        );
        assert_eq!(split(&token(json!({"alg": "ES256"}))).unwrap().alg, Alg::Es256);
        for h in [
            json!({"alg": "none"}),
            json!({"alg": "HS256"}),
            json!({"alg": "RS512"}),
            json!({"alg": "RS256", "crit": ["x"]}),
            json!({"alg": "RS256", "kid": 1}),
        ] {
            assert!(split(&token(h.clone())).is_none(), "{h}");
        }
        assert_eq!(algorithm(&token(json!({"alg": "ES256"}))).as_deref(), Some("ES256"));
        assert_eq!(algorithm("junk"), None);
    }

    #[test]
    fn keys_are_chosen_by_kid_and_type() {
        let keys = vec![
            json!({"kty": "RSA", "kid": "r1"}),
            json!({"kty": "EC", "kid": "e1"}),
            json!({"kty": "RSA", "kid": "r2", "use": "enc"}),
        ];
        assert_eq!(pick(&keys, Alg::Rs256, Some("r1")), Some(&keys[0]));
        assert_eq!(
            pick(&keys, Alg::Es256, Some("r1")),
            None,
            "an RSA key never verifies ES256"
        );
        assert_eq!(pick(&keys, Alg::Rs256, Some("r2")), None, "not a signing key");
        assert_eq!(pick(&keys, Alg::Es256, None), Some(&keys[1]));
        assert_eq!(pick(&keys, Alg::Rs256, Some("nope")), None);
    }
}
