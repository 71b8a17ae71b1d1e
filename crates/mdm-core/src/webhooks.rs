//! Webhooks without I/O: the events a subscription may name, which URLs a
//! delivery may go to, the retry schedule, and the Standard Webhooks pieces
//! (the `whsec_` secret, the signed content, the signature header).
//!
//! The worker stores subscriptions, puts events on its queue and signs with
//! WebCrypto; everything it decides is decided here, so it is tested natively.

/// Every event a subscription may name, as `type` of a delivery.
pub const EVENTS: &[&str] = &[
    "device.enrolled",
    "device.stateChanged",
    "enrollmentToken.consumed",
    "enrollmentToken.expired",
    "enrollmentToken.deleted",
];

/// The event `POST .../webhooks/:webhookId/test` sends (no subscription names it).
pub const PING: &str = "ping";

pub const DEVICE_ENROLLED: &str = EVENTS[0];
pub const DEVICE_STATE_CHANGED: &str = EVENTS[1];
pub const TOKEN_CONSUMED: &str = EVENTS[2];
pub const TOKEN_EXPIRED: &str = EVENTS[3];
pub const TOKEN_DELETED: &str = EVENTS[4];

/// What an attempt came to: `status` of a delivery.
pub const DELIVERED: &str = "delivered";
pub const FAILED: &str = "failed";
/// The last attempt failed and the message went to the dead-letter queue.
pub const DEAD_LETTERED: &str = "deadLettered";
pub const DELIVERY_STATUSES: &[&str] = &[DELIVERED, FAILED, DEAD_LETTERED];

/// The secret's prefix (Standard Webhooks).
pub const SECRET_PREFIX: &str = "whsec_";

/// Seconds between attempts by default: after the first attempt fails, wait
/// `[0]`, and so on; after the last delay's attempt fails, the message is
/// dead-lettered. Growing, each at most Queues' 12 hours, about 40 hours in all.
pub const DEFAULT_RETRY_DELAYS: &[u32] = &[30, 120, 600, 1800, 3600, 7200, 14400, 28800, 43200, 43200];

/// The longest delay Cloudflare Queues accepts for one retry.
pub const MAX_RETRY_DELAY: u32 = 43_200;

/// A retry schedule from its var (`WEBHOOK_RETRY_DELAYS`: seconds, comma
/// separated, each 0 to 43200); absent, blank or malformed: the default
/// (`Err` carries the default and why, for the log).
pub fn retry_delays(var: Option<&str>) -> Result<Vec<u32>, (Vec<u32>, String)> {
    let default = || DEFAULT_RETRY_DELAYS.to_vec();
    let text = match var.map(str::trim) {
        None | Some("") => return Ok(default()),
        Some(t) => t,
    };
    let parsed: Option<Vec<u32>> = text
        .split(',')
        .map(|s| s.trim().parse::<u32>().ok().filter(|d| *d <= MAX_RETRY_DELAY))
        .collect();
    match parsed {
        Some(delays) if !delays.is_empty() && delays.len() <= 100 => Ok(delays),
        _ => Err((
            default(),
            format!(
                "WEBHOOK_RETRY_DELAYS = {text:?} is not a list of seconds (0 to {MAX_RETRY_DELAY}, comma separated)"
            ),
        )),
    }
}

/// After attempt `attempt` (from 1) failed: the delay before the next one,
/// or `None` when the schedule is spent and the message is dead-lettered.
pub fn next_delay(delays: &[u32], attempt: u32) -> Option<u32> {
    delays.get(attempt.checked_sub(1)? as usize).copied()
}

/// A fresh secret: `whsec_` and base64 of 32 random bytes.
pub fn new_secret() -> Result<String, getrandom::Error> {
    let bytes: [u8; 32] = crate::ids::random_bytes()?;
    Ok(format!("{SECRET_PREFIX}{}", crate::base64url::encode_standard(&bytes)))
}

/// The HMAC key of a secret: the base64 after `whsec_`.
pub fn secret_key(secret: &str) -> Option<Vec<u8>> {
    crate::base64url::decode_any(secret.strip_prefix(SECRET_PREFIX)?)
}

/// What is signed: `id.timestamp.body` (timestamp in seconds).
pub fn signed_content(message_id: &str, timestamp_s: i64, body: &str) -> String {
    format!("{message_id}.{timestamp_s}.{body}")
}

/// The `webhook-signature` header of an HMAC-SHA256 result.
pub fn signature_header(mac: &[u8]) -> String {
    format!("v1,{}", crate::base64url::encode_standard(mac))
}

/// Why a subscription may not deliver to `url`, or `None` when it may.
///
/// `https://` only; plain `http://` only to loopback (127.0.0.0/8, ::1,
/// `localhost`) and only when `development`. Outside development, no address
/// literal in a private or reserved range and no `localhost` name: a
/// webhook is not a way into the network the worker runs next to. (A public
/// name that resolves to a private address is the network's to refuse.)
pub fn url_problem(url: &str, development: bool) -> Option<&'static str> {
    const HTTPS: &str = "must be an https:// URL (http:// only to loopback in development)";
    let lower = url.to_ascii_lowercase();
    let (plain, rest) = if let Some(rest) = lower.strip_prefix("https://") {
        (false, rest)
    } else if let Some(rest) = lower.strip_prefix("http://") {
        (true, rest)
    } else {
        return Some(HTTPS);
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("must not contain spaces or control characters");
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains(['@', '\\']) {
        return Some("must not carry credentials");
    }
    let host = match host_of(authority) {
        Some(h) if !h.is_empty() => h,
        _ => return Some("must name a host"),
    };
    let host = host.strip_suffix('.').unwrap_or(host);
    let kind = classify(host);
    if kind == Host::Malformed {
        return Some("must name a host by name, dotted IPv4 or [IPv6]");
    }
    let loopback = kind == Host::Loopback;
    if plain {
        return if development && loopback { None } else { Some(HTTPS) };
    }
    if !development && (loopback || kind == Host::Private) {
        return Some("must not be a private, loopback or reserved address");
    }
    None
}

/// The host of an authority (`host[:port]` or `[v6][:port]`), brackets removed.
fn host_of(authority: &str) -> Option<&str> {
    if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']')?;
        return (after.is_empty() || port_ok(after.strip_prefix(':')?)).then_some(host);
    }
    match authority.split_once(':') {
        Some((host, port)) => port_ok(port).then_some(host),
        None => Some(authority),
    }
}

fn port_ok(port: &str) -> bool {
    !port.is_empty()
        && port.len() <= 5
        && port.bytes().all(|b| b.is_ascii_digit())
        && port.parse::<u32>().is_ok_and(|p| p <= 65535)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Host {
    Public,
    Loopback,
    /// Private or reserved: anything but loopback that is not the Internet.
    Private,
    Malformed,
}

fn classify(host: &str) -> Host {
    if host.contains(':') {
        return ipv6(host).map_or(Host::Malformed, classify_v6);
    }
    if host == "localhost" || host.ends_with(".localhost") {
        return Host::Loopback;
    }
    // A last label that is a number makes the whole host an IPv4 address to a
    // URL parser (`2130706433`, `0x7f.1`): only the dotted decimal form is
    // accepted, so no spelling slips past the ranges.
    let last = host.rsplit('.').next().unwrap_or_default();
    let numeric = !last.is_empty() && (last.bytes().all(|b| b.is_ascii_digit()) || last.starts_with("0x"));
    if numeric {
        return ipv4(host).map_or(Host::Malformed, classify_v4);
    }
    let name_ok = host
        .split('.')
        .all(|l| !l.is_empty() && l.len() <= 63 && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    if name_ok && host.len() <= 253 {
        Host::Public
    } else {
        Host::Malformed
    }
}

fn ipv4(host: &str) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut parts = host.split('.');
    for byte in &mut out {
        let part = parts.next()?;
        // No leading zeros: `010` is octal to some parsers.
        if part.is_empty() || part.len() > 3 || (part.len() > 1 && part.starts_with('0')) {
            return None;
        }
        *byte = part.parse().ok()?;
    }
    parts.next().is_none().then_some(out)
}

fn classify_v4([a, b, _, _]: [u8; 4]) -> Host {
    match (a, b) {
        (127, _) => Host::Loopback,
        (10, _) | (0, _) | (169, 254) | (192, 168) => Host::Private,
        (172, 16..=31) | (100, 64..=127) => Host::Private,
        _ => Host::Public,
    }
}

/// An IPv6 literal as 8 groups (`::` and a trailing dotted IPv4 allowed).
fn ipv6(host: &str) -> Option<[u16; 8]> {
    if host.contains('%') {
        return None;
    }
    let groups = |part: &str| -> Option<Vec<u16>> {
        if part.is_empty() {
            return Some(Vec::new());
        }
        let mut out = Vec::new();
        let pieces: Vec<&str> = part.split(':').collect();
        for (i, piece) in pieces.iter().enumerate() {
            if i == pieces.len() - 1 && piece.contains('.') {
                let [a, b, c, d] = ipv4(piece)?;
                out.push(u16::from_be_bytes([a, b]));
                out.push(u16::from_be_bytes([c, d]));
            } else if piece.is_empty() || piece.len() > 4 {
                return None;
            } else {
                out.push(u16::from_str_radix(piece, 16).ok()?);
            }
        }
        Some(out)
    };
    let mut out = [0u16; 8];
    match host.split_once("::") {
        Some((head, tail)) => {
            let (head, tail) = (groups(head)?, groups(tail)?);
            if head.len() + tail.len() > 7 {
                return None;
            }
            out[..head.len()].copy_from_slice(&head);
            out[8 - tail.len()..].copy_from_slice(&tail);
        }
        None => {
            let all = groups(host)?;
            if all.len() != 8 {
                return None;
            }
            out.copy_from_slice(&all);
        }
    }
    Some(out)
}

fn classify_v6(g: [u16; 8]) -> Host {
    let first = g[0];
    if g == [0, 0, 0, 0, 0, 0, 0, 1] {
        Host::Loopback
    } else if g[..5] == [0; 5] && g[5] == 0xffff {
        // IPv4-mapped: the IPv4 address decides.
        let [a, b] = g[6].to_be_bytes();
        let [c, d] = g[7].to_be_bytes();
        classify_v4([a, b, c, d])
    } else if g == [0; 8] || first & 0xfe00 == 0xfc00 || first & 0xffc0 == 0xfe80 {
        Host::Private
    } else {
        Host::Public
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_retries_last_at_least_a_day_and_grow() {
        let total: u64 = DEFAULT_RETRY_DELAYS.iter().map(|d| *d as u64).sum();
        assert!(total >= 24 * 60 * 60, "{total} s");
        assert!(DEFAULT_RETRY_DELAYS.windows(2).all(|w| w[0] <= w[1]));
        assert!(DEFAULT_RETRY_DELAYS.iter().all(|d| *d <= MAX_RETRY_DELAY));
        assert_eq!(retry_delays(None).unwrap(), DEFAULT_RETRY_DELAYS);
        assert_eq!(retry_delays(Some(" ")).unwrap(), DEFAULT_RETRY_DELAYS);
        assert_eq!(retry_delays(Some("1, 1,2")).unwrap(), vec![1, 1, 2]);
        for bad in ["1,,2", "x", "-1", "43201", "1.5"] {
            assert_eq!(retry_delays(Some(bad)).unwrap_err().0, DEFAULT_RETRY_DELAYS, "{bad}");
        }
        assert_eq!(next_delay(&[5, 7], 1), Some(5));
        assert_eq!(next_delay(&[5, 7], 2), Some(7));
        assert_eq!(next_delay(&[5, 7], 3), None);
        assert_eq!(next_delay(&[5, 7], 0), None);
    }

    #[test]
    fn secrets_and_signatures_follow_standard_webhooks() {
        let s = new_secret().unwrap();
        assert!(s.starts_with("whsec_") && s.len() == 6 + 44, "{s}");
        assert_eq!(secret_key(&s).unwrap().len(), 32);
        assert_eq!(secret_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap().len(), 24);
        assert!(secret_key("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_none());
        assert_eq!(crate::base64url::encode_standard(b"ab"), "YWI=");
        assert_eq!(crate::base64url::encode_standard(&[0xfb, 0xff]), "+/8=");
        assert_eq!(crate::base64url::decode_any("+/8=").unwrap(), vec![0xfb, 0xff]);
        assert_eq!(signed_content("msg_1", 1700000000, "{}"), "msg_1.1700000000.{}");
        assert_eq!(signature_header(b"ab"), "v1,YWI=");
    }

    fn allowed(url: &str, dev: bool) -> bool {
        url_problem(url, dev).is_none()
    }

    #[test]
    fn https_only_but_loopback_http_in_development() {
        assert!(allowed("https://hooks.example.com/x?y=1", false));
        assert!(allowed("HTTPS://Hooks.Example.com:8443", false));
        assert!(!allowed("http://hooks.example.com/", false));
        assert!(!allowed("http://hooks.example.com/", true));
        assert!(!allowed("ftp://hooks.example.com/", true));
        assert!(!allowed("hooks.example.com", true));
        for loopback in [
            "http://127.0.0.1:9000/h",
            "http://127.255.255.255/",
            "http://[::1]:8080/",
            "http://localhost:1/",
            "http://api.localhost/",
        ] {
            assert!(allowed(loopback, true), "{loopback}");
            assert!(!allowed(loopback, false), "{loopback}");
        }
        assert!(!allowed("http://128.0.0.1/", true));
        assert!(!allowed("http://10.0.0.1/", true));
        assert!(!allowed("https://user:pw@example.com/", false));
        assert!(!allowed("https:///path", false));
        assert!(!allowed("https://example.com:99999/", false));
        assert!(!allowed("https://exa mple.com/", false));
    }

    #[test]
    fn private_ranges_refused_outside_development_at_their_edges() {
        let refused = [
            "10.0.0.0",
            "10.255.255.255",
            "172.16.0.0",
            "172.31.255.255",
            "192.168.0.0",
            "192.168.255.255",
            "127.0.0.0",
            "127.255.255.255",
            "169.254.0.0",
            "169.254.255.255",
            "0.0.0.0",
            "0.255.255.255",
            "100.64.0.0",
            "100.127.255.255",
            "[::1]",
            "[fc00::]",
            "[fdff:ffff::1]",
            "[fe80::1]",
            "[febf::1]",
            "[::]",
            "[::ffff:10.1.2.3]",
            "[::ffff:7f00:1]",
            "localhost",
            "LOCALHOST.",
            "a.b.localhost",
        ];
        for host in refused {
            let url = format!("https://{host}/hook");
            assert!(!allowed(&url, false), "{url}");
            assert!(allowed(&url, true), "{url} in development");
        }
        let public = [
            "9.255.255.255",
            "11.0.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.167.255.255",
            "192.169.0.0",
            "128.0.0.0",
            "126.255.255.255",
            "169.253.255.255",
            "169.255.0.0",
            "1.0.0.0",
            "100.63.255.255",
            "100.128.0.0",
            "[::2]",
            "[fbff::1]",
            "[fe00::1]",
            "[fec0::1]",
            "[2606:4700::1111]",
            "[::ffff:8.8.8.8]",
            "notlocalhost",
            "localhost.example.com",
        ];
        for host in public {
            let url = format!("https://{host}/hook");
            assert!(allowed(&url, false), "{url}");
        }
        // Other spellings of an IPv4 address are refused rather than guessed.
        for odd in [
            "2130706433",
            "0x7f.1",
            "127.1",
            "010.0.0.1",
            "1.2.3.4.5",
            "[::1%25lo]",
            "[1::2::3]",
        ] {
            let url = format!("https://{odd}/");
            assert!(!allowed(&url, false), "{url}");
            assert!(!allowed(&url, true), "{url}");
        }
    }
}
