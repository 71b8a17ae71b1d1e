//! `GET /openapi.json`: the OpenAPI 3.1 document of every route, generated
//! from the endpoint table (`ENDPOINTS`: method, path, permission, gate,
//! body, query and success shape) and the shared crate's schemas
//! (`mdm_core::catalog::ENTRIES` become `components.schemas`; list query
//! parameters come from each resource's `ListSpec`). Nothing is hand-written
//! JSON about a body or a resource, so the document cannot drift from what
//! validates; schemathesis checks the live server against it in `make test`.
//!
//! Error responses follow from the row, in the dispatcher's order: the gate
//! (401 / 403, the organization's 400 / 404, the plan's 5050), path ids (400
//! malformed, 404 unknown), the query and the body (400 / 413 / 415), then
//! the refusals the row lists. Routes under `/v1/enterprises` answer errors
//! with Google's body instead of the envelope.
//!
//! The document is the same for every request, so `document.rs` generates
//! it in the tests into `worker/openapi.json`, and the worker serves that
//! text: the generator is not in the wasm (BENCHMARKS.md 0l). A test fails
//! when the file is not what the table generates.

use worker::Response;

use crate::ctx::Ctx;
use crate::dispatch::Scope;
use crate::http::{json_text, ApiError};

#[cfg(test)]
mod document;

/// The document as `document::document()` writes it.
const DOCUMENT: &str = include_str!("../../openapi.json");

/// `GET /openapi.json` (no bearer token).
pub async fn serve(_ctx: &mut Ctx, _scope: Scope) -> Result<Response, ApiError> {
    json_text(200, DOCUMENT)
}
