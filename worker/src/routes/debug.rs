//! The e2e tests' own routes, which do not exist (404) unless a var turns
//! them on; no deployment sets either var.
//!
//! - `POST /v1/_debug/echo` (var `DEBUG_ROUTES`): parses the JSON body
//!   through the same pipeline as every write route and returns it.
//! - `POST /v1/_debug/sql` (var `DEBUG_SQL`, and the worker's own
//!   `AUTH_SECRET` in `x-debug-secret`): runs `{"statements": [...]}` as one
//!   batch on the worker's D1 and answers each statement's rows. The tests'
//!   SQL goes through the server's own database this way: `wrangler d1
//!   execute` opened the same SQLite file from a second process while the
//!   server ran, and the two then failed each other (`SQLITE_BUSY`, or a
//!   request left unanswered).

use worker::js_sys::{Array, JSON};
use worker::wasm_bindgen::JsValue;
use worker::Response;

use crate::ctx::Ctx;
use crate::db::Db;
use crate::dispatch::Scope;
use crate::http::{ok, ApiError};

pub async fn echo(ctx: &mut Ctx, _scope: Scope) -> Result<Response, ApiError> {
    if ctx.string_binding("DEBUG_ROUTES").as_deref() != Some("true") {
        return Err(ApiError::RouteNotFound);
    }
    let body = ctx.json().await?;
    ok(&body)
}

pub async fn sql(ctx: &mut Ctx, _scope: Scope) -> Result<Response, ApiError> {
    let secret = ctx.string_binding(crate::auth::SECRET_BINDING).unwrap_or_default();
    let sent = ctx.req.headers().get("x-debug-secret")?.unwrap_or_default();
    // Without both, the route is not there: nothing says it could be.
    if ctx.string_binding("DEBUG_SQL").as_deref() != Some("true") || secret.is_empty() || !same(&sent, &secret) {
        return Err(ApiError::RouteNotFound);
    }
    let body = ctx.json().await?;
    let Some(statements) = body["statements"].as_array() else {
        return Ok(Response::error("{\"statements\": [SQL, ...]} expected", 400)?);
    };
    let db = Db::from_env(&ctx.env)?;
    let mut batch = Vec::with_capacity(statements.len());
    for s in statements {
        batch.push(db.stmt(s.as_str().unwrap_or_default(), &[])?);
    }
    match db.batch(batch).await {
        Ok(results) => {
            // `[[row, ...], ...]`, written by JavaScript: the rows are its values.
            let all = results
                .iter()
                .map(|r| r.js_array().map(JsValue::from))
                .collect::<Result<Array, _>>()?;
            let text = JSON::stringify(&all).map_err(|_| ApiError::internal("rows: not JSON"))?;
            Ok(Response::ok(String::from(text))?)
        }
        // What D1 said, for the test that sent it.
        Err(ApiError::Internal(cause)) => Ok(Response::error(cause, 400)?),
        Err(e) => Err(e),
    }
}

/// Equal, in time that depends on the lengths only.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
