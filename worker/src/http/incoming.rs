//! The request as the runtime hands it over (`web_sys::Request`), and what
//! the worker reads of it: headers, URL, method, and the body's stream.
//!
//! Why not workers-rs's `Request`: making one reads `request.cf`, which the
//! runtime builds as a new JavaScript object on every read. The worker reads
//! nothing from it, and it cost every request about 40 µs of isolate time,
//! more than a GET's rate limiter call (BENCHMARKS.md 0j).

use worker::worker_sys::web_sys;
use worker::{ByteStream, Headers, Url};

use super::error::ApiError;

pub struct Incoming(web_sys::Request);

impl From<web_sys::Request> for Incoming {
    fn from(raw: web_sys::Request) -> Self {
        Incoming(raw)
    }
}

impl Incoming {
    pub fn headers(&self) -> Headers {
        Headers(self.0.headers())
    }

    pub fn method(&self) -> String {
        self.0.method()
    }

    /// The URL, parsed (and so normalized, as the router sees it).
    pub fn url(&self) -> Result<Url, ApiError> {
        Url::parse(&self.0.url()).map_err(|_| ApiError::RouteNotFound)
    }

    /// The URL's path as the runtime wrote it, not parsed again: from the
    /// first `/` after the host to the query or fragment. What the
    /// idempotency hash has always hashed (workers-rs's `Request::path`),
    /// so a retry after a deploy matches its first request even when the
    /// zone does not normalize URLs and parsing would.
    pub fn raw_path(&self) -> String {
        path_as_written(&self.0.url()).to_string()
    }

    /// The body's stream; none when there is no body, or once it has been
    /// read (or drained), as the runtime's `bodyUsed` says.
    pub fn body_stream(&self) -> Option<ByteStream> {
        if self.0.body_used() {
            return None;
        }
        self.0.body().map(ByteStream::from)
    }
}

/// The path of an absolute URL's text, as written: see [`Incoming::raw_path`].
fn path_as_written(url: &str) -> &str {
    let host = url.find("://").map_or(0, |i| i + 3);
    let path = url[host..].find('/').map_or("/", |i| &url[host + i..]);
    &path[..path.find(['?', '#']).unwrap_or(path.len())]
}

#[cfg(test)]
mod tests {
    use super::path_as_written;

    #[test]
    fn the_path_is_taken_as_written() {
        let cases = [
            ("https://api.example.com/v1/me", "/v1/me"),
            ("https://api.example.com/v1/me?x=1#y", "/v1/me"),
            ("https://api.example.com/v1/me#y?x", "/v1/me"),
            ("https://api.example.com", "/"),
            ("https://api.example.com/?x=/a", "/"),
            ("http://127.0.0.1:8787/v1//a/./b/../c/", "/v1//a/./b/../c/"),
            ("https://api.example.com/v1/%2e/caf%C3%A9", "/v1/%2e/caf%C3%A9"),
        ];
        for (url, path) in cases {
            assert_eq!(path_as_written(url), path, "{url}");
        }
    }
}
