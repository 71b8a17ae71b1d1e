//! The request as the runtime hands it over (`web_sys::Request`), and what
//! the worker reads of it: headers, URL, method, and the body.
//!
//! Why not workers-rs's `Request`: making one reads `request.cf`, which the
//! runtime builds as a new JavaScript object on every read. The worker reads
//! nothing from it, and it cost a GET about 40 µs, more than its rate
//! limiter's call (BENCHMARKS.md 0j). Only a request whose body is read (or
//! drained) becomes one, for its body stream.

use worker::worker_sys::web_sys;
use worker::{Headers, Url};

use super::error::ApiError;

pub struct Incoming {
    raw: web_sys::Request,
    /// The workers-rs request, made when the body is first read: it keeps
    /// whether the body was used.
    with_body: Option<worker::Request>,
}

impl From<web_sys::Request> for Incoming {
    fn from(raw: web_sys::Request) -> Self {
        Incoming { raw, with_body: None }
    }
}

impl Incoming {
    pub fn headers(&self) -> Headers {
        Headers(self.raw.headers())
    }

    pub fn method(&self) -> String {
        self.raw.method()
    }

    /// The URL, parsed (the runtime's is already WHATWG-normalized).
    pub fn url(&self) -> Result<Url, ApiError> {
        Url::parse(&self.raw.url()).map_err(|_| ApiError::RouteNotFound)
    }

    /// The request with its body, to read (or drain) the body's stream.
    pub fn body(&mut self) -> &mut worker::Request {
        let raw = &self.raw;
        // `Clone::clone`: another handle on the same JavaScript request
        // (`web_sys::Request::clone` would copy the request, body and all).
        self.with_body
            .get_or_insert_with(|| worker::Request::from(Clone::clone(raw)))
    }

    /// Does the request carry a body not read yet? (A GET has none: it is
    /// answered without making the workers-rs request.)
    pub fn has_unread_body(&self) -> bool {
        match &self.with_body {
            Some(_) => true,
            None => self.raw.body().is_some(),
        }
    }
}
