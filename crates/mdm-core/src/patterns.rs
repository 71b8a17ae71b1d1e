//! The string patterns of the seeds, matched by hand instead of with a regex
//! engine: a regex crate would add tens of kilobytes to every wasm build, and
//! these shapes are simple. Each pattern also carries its regex text, which the
//! OpenAPI document publishes; a property test checks the two agree.

/// A named string shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    /// A 24-hex entity id, like a MongoDB ObjectId.
    ObjectId,
    /// An organization's id or slug (seed pattern).
    IdOrSlug,
    /// An organization slug as created: lowercase letters, digits and inner hyphens.
    Slug,
    /// A list `sort` expression: `field`, `field:asc`, `field:desc`.
    Sort,
    /// The SHA-256 signature checksum of a DPC APK, URL-safe base64 as Android expects.
    SignatureChecksum,
    /// An Android component name: `com.example.dpc/.AdminReceiver`.
    ComponentName,
    /// A protobuf Duration in JSON form: `3600s`, `3.5s`.
    ProtoDuration,
}

impl Pattern {
    pub fn regex(self) -> &'static str {
        match self {
            Pattern::ObjectId => "^[a-fA-F0-9]{24}$",
            Pattern::IdOrSlug => "^(([a-fA-F0-9]{24})|([a-zA-Z0-9\\-]{3,}))$",
            Pattern::Slug => "^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$",
            Pattern::Sort => "^[\\w.]*((:asc)|(:desc))?$",
            Pattern::SignatureChecksum => "^[A-Za-z0-9_-]{43}=?$",
            Pattern::ComponentName => "^[A-Za-z][A-Za-z0-9_]*(\\.[A-Za-z][A-Za-z0-9_]*)+/[A-Za-z0-9_.$]+$",
            Pattern::ProtoDuration => "^[0-9]+(\\.[0-9]{1,9})?s$",
        }
    }

    /// What a person should read when a value does not match.
    pub fn describe(self) -> &'static str {
        match self {
            Pattern::ObjectId => "must be a 24-character hexadecimal id",
            Pattern::IdOrSlug => {
                "must be a 24-character hexadecimal id or a slug of at least 3 letters, digits or hyphens"
            }
            Pattern::Slug => "must be 3 to 64 lowercase letters, digits or inner hyphens",
            Pattern::Sort => "must be a field name, optionally followed by :asc or :desc",
            Pattern::SignatureChecksum => {
                "must be the URL-safe base64 SHA-256 checksum of the APK signature (43 characters)"
            }
            Pattern::ComponentName => "must be an Android component name such as com.example.dpc/.AdminReceiver",
            Pattern::ProtoDuration => "must be a duration in seconds such as \"3600s\" or \"3.5s\"",
        }
    }

    pub fn matches(self, s: &str) -> bool {
        self.matches_bytes(s.as_bytes())
    }

    /// [`matches`](Self::matches) on a string's UTF-8 bytes. Every pattern
    /// is made of ASCII classes, so bytes are all it needs to read, and the
    /// validator calls it on a body's bytes without a UTF-8 check first.
    pub fn matches_bytes(self, s: &[u8]) -> bool {
        match self {
            Pattern::ObjectId => is_object_id_bytes(s),
            Pattern::IdOrSlug => {
                is_object_id_bytes(s) || (s.len() >= 3 && s.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-'))
            }
            Pattern::Slug => {
                (3..=64).contains(&s.len())
                    && s.iter()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
                    && s[0] != b'-'
                    && s[s.len() - 1] != b'-'
            }
            Pattern::Sort => matches_sort(s),
            Pattern::SignatureChecksum => {
                let body = s.strip_suffix(b"=").unwrap_or(s);
                body.len() == 43
                    && body
                        .iter()
                        .all(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
            }
            Pattern::ComponentName => matches_component_name(s),
            Pattern::ProtoDuration => matches_proto_duration(s),
        }
    }
}

pub fn is_object_id(s: &str) -> bool {
    is_object_id_bytes(s.as_bytes())
}

fn is_object_id_bytes(s: &[u8]) -> bool {
    s.len() == 24 && crate::words::all_hex(s)
}

/// `\w` in the seed's regex is ASCII `[A-Za-z0-9_]` (JavaScript semantics).
fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn matches_sort(s: &[u8]) -> bool {
    let field = s
        .strip_suffix(b":asc")
        .or_else(|| s.strip_suffix(b":desc"))
        .unwrap_or(s);
    field.iter().all(|b| is_word(*b) || *b == b'.')
}

/// Splits `s` at its first `sep`.
fn split_once(s: &[u8], sep: u8) -> Option<(&[u8], &[u8])> {
    let at = s.iter().position(|b| *b == sep)?;
    Some((&s[..at], &s[at + 1..]))
}

fn matches_component_name(s: &[u8]) -> bool {
    let Some((package, class)) = split_once(s, b'/') else {
        return false;
    };
    // Two or more dot-separated segments, each a letter then word characters.
    let (mut segments, mut at_start) = (0, true);
    for &c in package {
        if c == b'.' {
            if at_start {
                return false;
            }
            at_start = true;
        } else if at_start {
            if !c.is_ascii_alphabetic() {
                return false;
            }
            segments += 1;
            at_start = false;
        } else if !is_word(c) {
            return false;
        }
    }
    !at_start && segments >= 2 && !class.is_empty() && class.iter().all(|c| is_word(*c) || *c == b'.' || *c == b'$')
}

fn matches_proto_duration(s: &[u8]) -> bool {
    let Some(number) = s.strip_suffix(b"s") else {
        return false;
    };
    let (whole, fraction) = match split_once(number, b'.') {
        Some((w, f)) => (w, Some(f)),
        None => (number, None),
    };
    !whole.is_empty()
        && whole.iter().all(|b| b.is_ascii_digit())
        && fraction.is_none_or(|f| (1..=9).contains(&f.len()) && f.iter().all(|b| b.is_ascii_digit()))
}

/// A pragmatic email check (what a form would accept): one `@`, a non-empty local
/// part without spaces, and a dotted domain of letters, digits and hyphens.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !local
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b == b'@' || b.is_ascii_control())
        && domain.contains('.')
        && domain.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// An absolute `https://` URL with a host (DPC downloads must be fetched over TLS).
pub fn is_https_url(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("https://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty() && !s.bytes().any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ALL: [Pattern; 7] = [
        Pattern::ObjectId,
        Pattern::IdOrSlug,
        Pattern::Slug,
        Pattern::Sort,
        Pattern::SignatureChecksum,
        Pattern::ComponentName,
        Pattern::ProtoDuration,
    ];

    #[test]
    fn boundaries() {
        assert!(Pattern::ObjectId.matches("0123456789abcdefABCDEF01"));
        assert!(!Pattern::ObjectId.matches("0123456789abcdefABCDEF0"));
        assert!(!Pattern::ObjectId.matches("0123456789abcdefABCDEF012"));
        assert!(!Pattern::ObjectId.matches("0123456789abcdefABCDEF0g"));
        assert!(Pattern::IdOrSlug.matches("acme"));
        assert!(Pattern::IdOrSlug.matches("a-c"));
        assert!(!Pattern::IdOrSlug.matches("ab"));
        assert!(!Pattern::IdOrSlug.matches("acme corp"));
        assert!(Pattern::Sort.matches("createdAt:desc"));
        assert!(Pattern::Sort.matches(""));
        assert!(!Pattern::Sort.matches("createdAt:up"));
        assert!(!Pattern::Sort.matches("-createdAt"));
        assert!(Pattern::ProtoDuration.matches("3.5s"));
        assert!(Pattern::ProtoDuration.matches("3600s"));
        assert!(!Pattern::ProtoDuration.matches("3600"));
        assert!(!Pattern::ProtoDuration.matches(".5s"));
        assert!(!Pattern::ProtoDuration.matches("1.0000000001s"));
        assert!(Pattern::ComponentName.matches("com.example.dpc/.AdminReceiver"));
        assert!(!Pattern::ComponentName.matches("dpc/.AdminReceiver"));
        assert!(is_email("ada@example.com"));
        assert!(!is_email("ada@example"));
        assert!(!is_email("ada example@example.com"));
        assert!(is_https_url("https://dl.example.com/dpc.apk"));
        assert!(!is_https_url("http://dl.example.com/dpc.apk"));
    }

    fn agree(p: Pattern, s: &str) {
        let re = regex::Regex::new(p.regex()).unwrap();
        assert_eq!(p.matches(s), re.is_match(s), "{p:?} on {s:?}");
    }

    proptest! {
        #[test]
        fn hand_matchers_agree_with_published_regexes(s in "[a-zA-Z0-9_.:/$=\\- ]{0,70}") {
            for p in ALL { agree(p, &s); }
        }

        #[test]
        fn hex_and_durations_agree(s in "[0-9a-fA-F.s]{0,30}") {
            for p in ALL { agree(p, &s); }
        }

        #[test]
        fn component_names_agree(s in "[a-c]{1,3}(\\.[a-c_0-9]{0,3}){0,3}/[.a-c$]{0,4}") {
            agree(Pattern::ComponentName, &s);
        }
    }
}
