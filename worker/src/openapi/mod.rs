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
//! it in the tests into `admin/openapi.json`, a static asset: the worker's
//! route (`run_worker_first` in wrangler.toml, so its gates, CORS and
//! errors are the API's) answers with the asset's bytes, and neither the
//! generator nor the text is in the wasm (BENCHMARKS.md 0l). A test fails,
//! and so does `scripts/build-worker.sh`, when the file is not what the
//! table generates.

use worker::js_sys::Reflect;
use worker::wasm_bindgen::JsCast;
use worker::web_sys::ReadableStream;
use worker::{Response, ResponseBody};

use crate::ctx::Ctx;
use crate::dispatch::Scope;
use crate::http::{json_stream, ApiError};
use crate::js::{error_text, fetched, status};

#[cfg(test)]
mod document;

/// The static assets' binding (wrangler.toml `[assets]`).
const ASSETS: &str = "ASSETS";

/// `GET /openapi.json` (no bearer token): the asset's body, as it streams,
/// with the API's JSON headers. The binding's `fetch` is called directly
/// (`js::fetched`), not through workers-rs's request types, which
/// nothing else in the worker uses (BENCHMARKS.md 0m).
pub async fn serve(ctx: &mut Ctx, _scope: Scope) -> Result<Response, ApiError> {
    let failed = |why: String| ApiError::internal(format!("openapi.json from {ASSETS}: {why}"));
    let assets = Reflect::get(ctx.env.as_ref(), &ASSETS.into()).map_err(|e| failed(error_text(&e)))?;
    let answer = fetched(&assets, "https://assets.local/openapi.json")
        .await
        .map_err(failed)?;
    let body = Reflect::get(&answer, &"body".into())
        .ok()
        .and_then(|body| body.dyn_into::<ReadableStream>().ok());
    match (status(&answer), body) {
        (200, Some(stream)) => json_stream(200, ResponseBody::Stream(stream)),
        (status, _) => Err(failed(format!("answered {status}"))),
    }
}
