//! Credentials a handler issues: fresh secrets from the CSPRNG, and the hash
//! that is all D1 keeps of a device secret.

use crate::http::ApiError;

/// A fresh secret (enrollment token value, device secret).
pub fn new_secret() -> Result<String, ApiError> {
    mdm_core::ids::new_token_value().map_err(ApiError::internal)
}

/// SHA-256 of a device secret, hex: what a device row's `secret_hash` holds
/// (the secret itself is shown once and never stored).
pub fn secret_hash(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    mdm_core::ids::hex(&Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_hash_is_hex_sha256() {
        assert_eq!(
            secret_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
