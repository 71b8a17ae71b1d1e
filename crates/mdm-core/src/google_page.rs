//! Paging on the Google-compatible surface: `pageSize` as Google reads it,
//! and `pageToken`, an opaque keyset cursor over `(created_at, id)`, so
//! items created while a client pages never shift the pages it has not read.

use crate::violation::{Violation, ViolationCode};

/// `pageSize` when absent or 0.
pub const DEFAULT_PAGE_SIZE: u64 = 10;
/// Larger `pageSize`s are coerced to this, as Google does (not rejected).
pub const MAX_PAGE_SIZE: u64 = 100;

/// `pageSize`: absent or 0 → 10; above 100 → 100; anything but a
/// non-negative integer is a `format` violation (INVALID_ARGUMENT).
pub fn page_size(raw: Option<&str>) -> Result<u64, Violation> {
    let s = raw.map(str::trim).unwrap_or_default();
    if s.is_empty() {
        return Ok(DEFAULT_PAGE_SIZE);
    }
    let digits = s.strip_prefix('+').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Violation::new(
            "pageSize",
            ViolationCode::Format,
            "must be a non-negative integer",
        ));
    }
    // Too many digits for a u64 is still just "above 100".
    Ok(match digits.parse::<u64>() {
        Ok(0) => DEFAULT_PAGE_SIZE,
        Ok(n) => n.min(MAX_PAGE_SIZE),
        Err(_) => MAX_PAGE_SIZE,
    })
}

/// Where a page starts: after the item with this `(created_at, id)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageToken {
    pub created_at: i64,
    pub id: String,
}

impl PageToken {
    /// Opaque to clients: base64url of `created_at.id`.
    pub fn encode(&self) -> String {
        crate::base64url::encode(format!("{}.{}", self.created_at, self.id).as_bytes())
    }

    /// `pageToken` as sent: absent or empty is the first page; anything this
    /// API did not issue is a `format` violation (INVALID_ARGUMENT).
    pub fn parse(raw: Option<&str>) -> Result<Option<PageToken>, Violation> {
        match raw.filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(t) => Self::decode(t)
                .map(Some)
                .ok_or_else(|| Violation::new("pageToken", ViolationCode::Format, "is not a token this API issued")),
        }
    }

    fn decode(token: &str) -> Option<PageToken> {
        let text = String::from_utf8(crate::base64url::decode(token)?).ok()?;
        let (at, id) = text.split_once('.')?;
        // Only times a D1 number holds: anything else was not issued here.
        let created_at: i64 = at
            .parse()
            .ok()
            .filter(|t| (0..=crate::schema::MAX_SAFE_INTEGER).contains(t))?;
        crate::patterns::is_object_id(id).then(|| PageToken {
            created_at,
            id: id.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_reject_junk() {
        let c = PageToken {
            created_at: 1_767_225_600_123,
            id: "65a1b2c3d4e5f60718293a4b".into(),
        };
        assert_eq!(PageToken::parse(Some(&c.encode())), Ok(Some(c)));
        assert_eq!(PageToken::parse(None), Ok(None));
        assert_eq!(PageToken::parse(Some("")), Ok(None));
        assert!(PageToken::parse(Some("nope!")).is_err());
        assert!(PageToken::parse(Some(&crate::base64url::encode(b"12.not-an-id"))).is_err());
        let huge = crate::base64url::encode(b"9223372036854775807.65a1b2c3d4e5f60718293a4b");
        assert!(PageToken::parse(Some(&huge)).is_err(), "an offset no D1 number holds");
        let negative = crate::base64url::encode(b"-5.65a1b2c3d4e5f60718293a4b");
        assert!(PageToken::parse(Some(&negative)).is_err());
    }

    #[test]
    fn page_sizes() {
        assert_eq!(page_size(None).unwrap(), 10);
        assert_eq!(page_size(Some("0")).unwrap(), 10);
        assert_eq!(page_size(Some("100")).unwrap(), 100);
        assert_eq!(page_size(Some("101")).unwrap(), 100);
        assert_eq!(page_size(Some("500")).unwrap(), 100);
        assert_eq!(page_size(Some("123456789012345678901234567890")).unwrap(), 100);
        assert!(page_size(Some("-1")).is_err());
        assert!(page_size(Some("x")).is_err());
        assert!(page_size(Some("1.5")).is_err());
        assert!(page_size(Some("+")).is_err());
    }
}
