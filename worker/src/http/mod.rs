//! HTTP plumbing shared by every route: errors, envelopes, bodies, query strings.

pub mod body;
pub mod cors;
pub mod envelope;
pub mod error;
pub mod incoming;
pub mod query;

pub use envelope::{created, error_response, json_stream, ok, raw_json};
pub use error::{ApiError, Flavor, Violation, ViolationCode};
