//! The request as the runtime hands it over (`web_sys::Request`), and what
//! the worker reads of it: headers, URL, method, and the body's stream.
//!
//! Why not workers-rs's `Request`: making one reads `request.cf`, which the
//! runtime builds as a new JavaScript object on every read. The worker reads
//! nothing from it, and it cost every request about 40 µs of isolate time,
//! more than a GET's rate limiter call (BENCHMARKS.md 0j).

use wasm_bindgen::prelude::wasm_bindgen;
use worker::worker_sys::web_sys;
use worker::{ByteStream, Headers};

use super::error::ApiError;

#[wasm_bindgen]
extern "C" {
    /// The runtime's WHATWG URL parser (`URL`), for what the worker's own
    /// reading of the URL's text leaves to it ([`normalized_path`]).
    #[wasm_bindgen(js_name = URL)]
    type RuntimeUrl;
    #[wasm_bindgen(constructor, js_class = "URL", catch)]
    fn new(url: &str) -> Result<RuntimeUrl, wasm_bindgen::JsValue>;
    #[wasm_bindgen(method, getter)]
    fn pathname(this: &RuntimeUrl) -> String;
    #[wasm_bindgen(method, getter)]
    fn origin(this: &RuntimeUrl) -> String;
}

/// The runtime's request and its URL's text, read across the boundary once:
/// the router, the origin and the idempotency hash all read it.
pub struct Incoming {
    raw: web_sys::Request,
    url: String,
}

impl From<web_sys::Request> for Incoming {
    fn from(raw: web_sys::Request) -> Self {
        let url = raw.url();
        Incoming { raw, url }
    }
}

impl Incoming {
    pub fn headers(&self) -> Headers {
        Headers(self.raw.headers())
    }

    pub fn method(&self) -> String {
        self.raw.method()
    }

    /// The URL's path, normalized as a URL parser does (dot segments
    /// resolved, `\\` as `/`, what must be percent-encoded encoded): what
    /// the router matches. And the query as written, which the lists decode.
    pub fn path_and_query(&self) -> Result<(String, String), ApiError> {
        let path = match normalized_path(&self.url) {
            Some(path) => path.to_string(),
            None => RuntimeUrl::new(&self.url)
                .map_err(|_| ApiError::RouteNotFound)?
                .pathname(),
        };
        Ok((path, query_as_written(&self.url).to_string()))
    }

    /// The URL's origin (`https://api.example.com`), as the runtime's URL
    /// parser serializes it.
    pub fn origin(&self) -> Result<String, ApiError> {
        Ok(RuntimeUrl::new(&self.url)
            .map_err(|_| ApiError::internal("the request's URL does not parse"))?
            .origin())
    }

    /// The URL's path as the runtime wrote it, not parsed again: from the
    /// first `/` after the host to the query or fragment. What the
    /// idempotency hash has always hashed (workers-rs's `Request::path`),
    /// so a retry after a deploy matches its first request even when the
    /// zone does not normalize URLs and parsing would.
    pub fn raw_path(&self) -> String {
        path_as_written(&self.url).to_string()
    }

    /// The body's stream; none when there is no body, or once it has been
    /// read (or drained), as the runtime's `bodyUsed` says.
    pub fn body_stream(&self) -> Option<ByteStream> {
        if self.raw.body_used() {
            return None;
        }
        self.raw.body().map(ByteStream::from)
    }
}

/// The path of an absolute URL's text, as written: see [`Incoming::raw_path`].
fn path_as_written(url: &str) -> &str {
    let host = url.find("://").map_or(0, |i| i + 3);
    // The authority ends at the first `/`, `?` or `#`; only a `/` starts a path.
    let rest = &url[host..];
    let path = match rest.find(['/', '?', '#']) {
        Some(i) if rest.as_bytes()[i] == b'/' => &rest[i..],
        _ => "/",
    };
    &path[..path.find(['?', '#']).unwrap_or(path.len())]
}

/// The query of an absolute URL's text (after `?`, before `#`), as written.
/// The lists percent-decode it, so what a parser would encode first (a raw
/// non-ASCII character, `"`, `<`, `>`) decodes to the same pairs.
fn query_as_written(url: &str) -> &str {
    let url = &url[..url.find('#').unwrap_or(url.len())];
    url.find('?').map_or("", |i| &url[i + 1..])
}

/// The path as a WHATWG URL parser would give it, when the text as written
/// already is that: only characters a parser keeps as they are, no `\\`,
/// and no dot segment (`.`, `..`, or either written with `%2e`). The routes'
/// own paths always are. Anything else (none) goes to the runtime's parser,
/// so the worker carries no URL parser of its own (BENCHMARKS.md 0l).
fn normalized_path(url: &str) -> Option<&str> {
    let path = path_as_written(url);
    let kept = |b: u8| b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/%".contains(&b);
    if !path.bytes().all(kept)
        || path
            .as_bytes()
            .windows(3)
            .any(|w| w[0] == b'%' && w[1] == b'2' && (w[2] | 0x20) == b'e')
    {
        return None;
    }
    if path.split('/').any(|segment| segment == "." || segment == "..") {
        return None;
    }
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::{normalized_path, path_as_written, query_as_written};

    #[test]
    fn the_path_is_taken_as_written() {
        let cases = [
            ("https://api.example.com/v1/me", "/v1/me"),
            ("https://api.example.com/v1/me?x=1#y", "/v1/me"),
            ("https://api.example.com/v1/me#y?x", "/v1/me"),
            ("https://api.example.com", "/"),
            ("https://api.example.com/?x=/a", "/"),
            ("https://api.example.com?x=/a", "/"),
            ("https://api.example.com#/v1/me", "/"),
            ("http://127.0.0.1:8787/v1//a/./b/../c/", "/v1//a/./b/../c/"),
            ("https://api.example.com/v1/%2e/caf%C3%A9", "/v1/%2e/caf%C3%A9"),
        ];
        for (url, path) in cases {
            assert_eq!(path_as_written(url), path, "{url}");
        }
    }

    /// The worker's own reading of a path agrees with a WHATWG URL parser
    /// (the `url` crate, which workers-rs re-exports) wherever it answers,
    /// and leaves to the runtime's parser every path it would change.
    #[test]
    fn a_path_read_as_written_is_the_parsed_path() {
        let paths = [
            "",
            "/",
            "?x=/a",
            "#/v1/me",
            "/v1/me",
            "/v1/organizations/org-1/aospEnrollmentTokens/tok_9",
            "/v1//a/",
            "/v1/a/./b",
            "/v1/a/../b",
            "/v1/.",
            "/v1/..",
            "/v1/%2e/x",
            "/v1/%2E%2e/x",
            "/v1/.%2e",
            "/v1/a.b/c..d/.e",
            "/v1/caf%C3%A9",
            "/v1/café",
            "/v1/a b",
            "/v1/a\\b",
            "/v1/a\"b",
            "/v1/a<b>",
            "/v1/a{b}",
            "/v1/a`b",
            "/v1/a^b",
            "/v1/a|b",
            "/v1/~user/!$&'()*+,;=:@",
            "/v1/a%zz",
            "/v1/a%",
            "/v1/%41",
            "/v1/a?x=1",
            "/v1/a#f",
            "/v1/a/?x=/./..",
        ];
        let mut read = 0;
        for path in paths {
            let url = format!("https://api.example.com{path}");
            let parsed = worker::Url::parse(&url).unwrap();
            if let Some(mine) = normalized_path(&url) {
                assert_eq!(mine, parsed.path(), "{url}");
                read += 1;
            }
        }
        assert_eq!(read, 16, "paths read without the runtime");
        // A query as written decodes to the pairs of the parsed query, which
        // a parser percent-encodes in places.
        for query in [
            "",
            "?",
            "?a=1&b=2",
            "?name=café&x=a b",
            "?q=\"<>\"&p=%41%zz+x",
            "?a=1#b=2",
            "?#",
            "?a=`{}`",
        ] {
            let url = format!("https://api.example.com/v1/x{query}");
            let parsed = worker::Url::parse(&url).unwrap();
            let decode = mdm_core::query_string::decode_pairs;
            assert_eq!(
                decode(query_as_written(&url)),
                decode(parsed.query().unwrap_or("")),
                "{url}"
            );
        }
    }
}
