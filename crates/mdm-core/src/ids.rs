//! Identifiers and secrets. Randomness comes from the platform CSPRNG through
//! `getrandom` (the Web Crypto API on wasm32, the OS elsewhere).

use crate::time::Millis;

/// Fills `buf` from the CSPRNG. A failure here means the platform has no secure
/// randomness; there is no safe fallback, so the caller gets an error.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], getrandom::Error> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf)?;
    Ok(buf)
}

/// A new 24-hex id shaped like a MongoDB ObjectId: 4 bytes of seconds since the
/// epoch (so ids sort roughly by creation time) and 8 random bytes.
pub fn new_object_id(now: Millis) -> Result<String, getrandom::Error> {
    let secs = (now.max(0) / 1000) as u32;
    let random: [u8; 8] = random_bytes()?;
    let mut bytes = [0u8; 12];
    bytes[..4].copy_from_slice(&secs.to_be_bytes());
    bytes[4..].copy_from_slice(&random);
    Ok(hex(&bytes))
}

/// A path id as the client sent it, checked (24 hex digits, else a 5209
/// `pattern` violation at `name`) and lowercased, as ids are stored.
pub fn normalize_object_id(name: &str, raw: &str) -> Result<String, crate::Violation> {
    crate::check_object_id(name, raw)?;
    Ok(raw.to_ascii_lowercase())
}

/// The creation time encoded in an id from `new_object_id`, in milliseconds.
pub fn object_id_time(id: &str) -> Option<Millis> {
    if !crate::patterns::is_object_id(id) {
        return None;
    }
    u32::from_str_radix(&id[..8], 16).ok().map(|s| s as Millis * 1000)
}

/// A secret token value: 192 random bits, URL-safe base64 without padding (32
/// characters). Used for enrollment tokens and device secrets.
pub fn new_token_value() -> Result<String, getrandom::Error> {
    let bytes: [u8; 24] = random_bytes()?;
    Ok(crate::base64url::encode(&bytes))
}

/// Crockford's base32 alphabet: no I, L, O or U, so codes survive being read aloud.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A Windows enrollment code a person can type: 130 random bits as 26 Crockford
/// base32 characters, grouped by five with hyphens (`7QK2M-...`).
pub fn new_enroll_code() -> Result<String, getrandom::Error> {
    let bytes: [u8; 26] = random_bytes()?;
    let mut out = String::with_capacity(31);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i % 5 == 0 {
            out.push('-');
        }
        out.push(CROCKFORD[(b & 31) as usize] as char);
    }
    Ok(out)
}

/// The canonical form of a typed enrollment code: upper case, hyphens and spaces
/// dropped, the look-alikes I/L to 1 and O to 0, regrouped by five. `None` when
/// the input cannot be a code.
pub fn normalize_enroll_code(input: &str) -> Option<String> {
    let mut chars = Vec::with_capacity(26);
    for c in input.chars() {
        let c = match c.to_ascii_uppercase() {
            '-' | ' ' => continue,
            'I' | 'L' => '1',
            'O' => '0',
            c if CROCKFORD.contains(&(c as u8)) && c.is_ascii() => c,
            _ => return None,
        };
        chars.push(c);
    }
    if chars.len() != 26 {
        return None;
    }
    let mut out = String::with_capacity(31);
    for (i, c) in chars.into_iter().enumerate() {
        if i > 0 && i % 5 == 0 {
            out.push('-');
        }
        out.push(c);
    }
    Some(out)
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patterns::is_object_id;

    #[test]
    fn object_ids_are_hex_and_time_ordered() {
        let a = new_object_id(1_700_000_000_000).unwrap();
        let b = new_object_id(1_700_000_001_000).unwrap();
        assert!(is_object_id(&a) && is_object_id(&b));
        assert!(a < b);
        assert_eq!(object_id_time(&a), Some(1_700_000_000_000));
        assert_ne!(new_object_id(0).unwrap(), new_object_id(0).unwrap());
    }

    #[test]
    fn token_values_carry_at_least_128_bits() {
        let v = new_token_value().unwrap();
        assert_eq!(v.len(), 32);
        assert!(v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_ne!(v, new_token_value().unwrap());
    }

    #[test]
    fn enroll_codes_normalize() {
        let code = new_enroll_code().unwrap();
        assert_eq!(code.len(), 31);
        assert_eq!(normalize_enroll_code(&code).as_deref(), Some(code.as_str()));
        assert_eq!(
            normalize_enroll_code(&code.to_lowercase().replace('-', " ")).as_deref(),
            Some(code.as_str())
        );
        assert_eq!(normalize_enroll_code("ABC"), None);
        let with_o = "O".repeat(26);
        assert_eq!(normalize_enroll_code(&with_o).unwrap().replace('-', ""), "0".repeat(26));
    }
}
