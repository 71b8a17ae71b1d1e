//! Credentials at rest (the contract's "Credentials at rest"): what D1 keeps
//! of an enrollment token value, a Windows enroll code and link, or a stored
//! idempotent answer that carries one.
//!
//! - **Lookup key**: HMAC-SHA256 of the credential under
//!   `CREDENTIAL_LOOKUP_KEY`, hex. The `*_key` columns hold it (unique), so a
//!   device's credential is found without D1 ever holding the credential. A
//!   copy of D1 gives keyed hashes of 192-bit random values: nothing to replay.
//! - **Sealed copy**, for the answers that must show the credential again:
//!   AES-256-GCM under the first key of `CREDENTIAL_SEAL_KEYS`
//!   (`kid:base64,kid:base64,...`), stored as `kid.base64url(iv ‖ ciphertext)`.
//!   The additional data names the row (`table/id`), so a sealed value copied
//!   into another row does not open. Any listed key opens what it sealed, so
//!   keys rotate by putting a new one first; the cron re-seals old rows.
//! - Device secrets and API keys are never shown again: they keep only a
//!   plain SHA-256 (`routes::credentials`), not a sealed copy.
//!
//! Only this module knows the key formats; AES runs in WebCrypto.

use std::cell::RefCell;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use worker::js_sys::Array;
use worker::wasm_bindgen::JsValue;

use crate::ctx::Ctx;
use crate::http::ApiError;
use crate::js::{call, object};
use crate::webcrypto::{bytes, js_error, subtle, to_vec};

pub const LOOKUP_BINDING: &str = "CREDENTIAL_LOOKUP_KEY";
pub const SEAL_BINDING: &str = "CREDENTIAL_SEAL_KEYS";

const IV_BYTES: usize = 12;

/// The configured keys (parsed per use: two short strings).
pub struct Keys {
    lookup: Vec<u8>,
    /// The first seals; every one opens what it sealed.
    seal: Vec<(String, Vec<u8>)>,
}

impl Keys {
    /// The keys from the worker's secrets; unset or malformed is a logged 500
    /// (nothing is stored or shown without them).
    pub fn of(ctx: &Ctx) -> Result<Keys, ApiError> {
        Self::of_env(&ctx.env)
    }

    pub fn of_env(env: &worker::Env) -> Result<Keys, ApiError> {
        let get = |name| crate::vars::get(env, name);
        Self::parse(get(LOOKUP_BINDING).as_deref(), get(SEAL_BINDING).as_deref()).map_err(ApiError::internal)
    }

    pub fn parse(lookup: Option<&str>, seal: Option<&str>) -> Result<Keys, String> {
        let lookup = lookup
            .and_then(|k| mdm_core::base64url::decode_any(k.trim()))
            .filter(|k| k.len() >= 32)
            .ok_or_else(|| format!("{LOOKUP_BINDING} must be set to at least 32 random bytes in base64"))?;
        let seal_err = || format!("{SEAL_BINDING} must be set to kid:base64(32 bytes)[,kid:base64(32 bytes)...]");
        let mut keys: Vec<(String, Vec<u8>)> = Vec::new();
        for entry in seal.ok_or_else(seal_err)?.split(',') {
            let (kid, key) = entry.trim().split_once(':').ok_or_else(seal_err)?;
            let key = mdm_core::base64url::decode_any(key.trim())
                .filter(|k| k.len() == 32)
                .ok_or_else(seal_err)?;
            let kid_ok = (1..=16).contains(&kid.len())
                && kid.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if !kid_ok || keys.iter().any(|(k, _)| k == kid) {
                return Err(seal_err());
            }
            keys.push((kid.to_string(), key));
        }
        Ok(Keys { lookup, seal: keys })
    }

    /// The lookup key of a credential: HMAC-SHA256, hex.
    pub fn lookup(&self, credential: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.lookup).expect("HMAC takes any key length");
        mac.update(credential.as_bytes());
        mdm_core::ids::hex(&mac.finalize().into_bytes())
    }

    /// The key id that seals now.
    pub fn current(&self) -> &str {
        &self.seal[0].0
    }

    /// `kid.base64url(iv ‖ AES-256-GCM(plaintext, aad))`.
    pub async fn seal(&self, plaintext: &str, aad: &str) -> Result<String, ApiError> {
        let (kid, key) = &self.seal[0];
        let iv: [u8; IV_BYTES] = mdm_core::ids::random_bytes().map_err(ApiError::internal)?;
        let out = aes(key, "encrypt", &iv, aad, plaintext.as_bytes()).await?;
        let mut blob = iv.to_vec();
        blob.extend_from_slice(&out);
        Ok(format!("{kid}.{}", mdm_core::base64url::encode(&blob)))
    }

    /// The plaintext of `seal(plaintext, aad)`; a 500 if the key is gone or
    /// the value was tampered with (or moved to another row).
    pub async fn open(&self, sealed: &str, aad: &str) -> Result<String, ApiError> {
        let broken = || ApiError::internal(format!("a sealed credential of {aad} does not open"));
        let (kid, blob) = sealed.split_once('.').ok_or_else(broken)?;
        let (_, key) = self.seal.iter().find(|(k, _)| k == kid).ok_or_else(|| {
            ApiError::internal(format!(
                "{aad} is sealed with key {kid:?}, which {SEAL_BINDING} no longer lists"
            ))
        })?;
        let blob = mdm_core::base64url::decode(blob)
            .filter(|b| b.len() > IV_BYTES)
            .ok_or_else(broken)?;
        let (iv, ciphertext) = blob.split_at(IV_BYTES);
        let plain = aes(key, "decrypt", iv, aad, ciphertext).await.map_err(|_| broken())?;
        String::from_utf8(plain).map_err(|_| broken())
    }
}

/// What names a row in the additional data of its sealed value.
pub fn row_aad(table: &str, id: &str) -> String {
    format!("{table}/{id}")
}

/// A stored credential, sealed or (rows from before migration 0009) still
/// plaintext in its lookup column.
pub struct Stored<'a> {
    pub table: &'static str,
    pub id: &'a str,
    /// The `*_key` column.
    pub key: &'a str,
    pub sealed: Option<&'a str>,
}

impl Stored<'_> {
    pub async fn open(self, keys: &Keys) -> Result<String, ApiError> {
        match self.sealed {
            Some(sealed) => keys.open(sealed, &row_aad(self.table, self.id)).await,
            None => Ok(self.key.to_string()),
        }
    }
}

/// Runs the openings in turn (`None`: nothing to open for that row, e.g. a
/// token that can no longer enroll). In turn rather than joined: each is a
/// few microseconds of WebCrypto, and a join costs the wasm more than it saves.
pub async fn open_each<V, Fut>(openings: impl IntoIterator<Item = Option<Fut>>) -> Result<Vec<Option<V>>, ApiError>
where
    Fut: std::future::Future<Output = Result<V, ApiError>>,
{
    let mut out = Vec::new();
    for opening in openings {
        out.push(match opening {
            Some(f) => Some(f.await?),
            None => None,
        });
    }
    Ok(out)
}

thread_local! {
    /// Imported AES keys, per isolate: importKey costs more than the cipher.
    static IMPORTED: RefCell<Vec<(Vec<u8>, JsValue)>> = const { RefCell::new(Vec::new()) };
}

async fn aes(key: &[u8], op: &str, iv: &[u8], aad: &str, data: &[u8]) -> Result<Vec<u8>, ApiError> {
    let subtle = subtle()?;
    let cached = IMPORTED.with(|c| c.borrow().iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()));
    let crypto_key = match cached {
        Some(k) => k,
        None => {
            let usages = Array::of2(&"encrypt".into(), &"decrypt".into());
            let alg = object(&[("name", "AES-GCM".into())])?;
            let args = Array::of5(&"raw".into(), &bytes(key), &alg, &JsValue::FALSE, &usages);
            let k = call(&subtle, "importKey", &args).await.map_err(js_error)?;
            IMPORTED.with(|c| c.borrow_mut().push((key.to_vec(), k.clone())));
            k
        }
    };
    let alg = object(&[
        ("name", "AES-GCM".into()),
        ("iv", bytes(iv)),
        ("additionalData", bytes(aad.as_bytes())),
    ])?;
    let args = Array::of3(&alg, &crypto_key, &bytes(data));
    let out = call(&subtle, op, &args).await.map_err(js_error)?;
    Ok(to_vec(&out))
}

#[cfg(test)]
mod tests {
    use super::*;

    const K32: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    #[test]
    fn keys_parse_and_refuse() {
        let k = Keys::parse(Some(K32), Some(&format!("k2:{K32}, k1:{}", K32.replace('=', "")))).unwrap();
        assert_eq!(k.current(), "k2");
        for (lookup, seal) in [
            (None, Some(format!("k1:{K32}"))),
            (Some("c2hvcnQ="), Some(format!("k1:{K32}"))),
            (Some(K32), None),
            (Some(K32), Some("k1".to_string())),
            (Some(K32), Some("k1:c2hvcnQ=".to_string())),
            (Some(K32), Some(format!("k1:{K32},k1:{K32}"))),
            (Some(K32), Some(format!("bad kid:{K32}"))),
        ] {
            assert!(Keys::parse(lookup, seal.as_deref()).is_err(), "{lookup:?} {seal:?}");
        }
    }

    #[test]
    fn lookup_is_keyed_hmac_sha256() {
        let k = Keys::parse(Some(K32), Some(&format!("k1:{K32}"))).unwrap();
        let h = k.lookup("token");
        assert_eq!(h.len(), 64);
        assert_ne!(h, crate::routes::credentials::secret_hash("token"));
        let other = Keys::parse(Some(&K32.replace("AAEC", "AQEC")), Some(&format!("k1:{K32}"))).unwrap();
        assert_ne!(h, other.lookup("token"));
    }
}
