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

use serde_json::Value;
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
    let sent = ctx.req.headers().get("x-debug-secret")?.unwrap_or_default();
    // Without the var and the worker's own signing secret, the route is not
    // there: nothing says it could be.
    let on = ctx.string_binding("DEBUG_SQL").as_deref() == Some("true");
    if !on || !crate::identity::signing_secret(ctx).is_ok_and(|secret| same(&sent, &secret)) {
        return Err(ApiError::RouteNotFound);
    }
    let body = ctx.json().await?;
    let statements: Option<Vec<&str>> = body["statements"]
        .as_array()
        .and_then(|list| list.iter().map(Value::as_str).collect());
    let Some(statements) = statements else {
        return Ok(Response::error("{\"statements\": [\"SQL\", ...]} expected", 400)?);
    };
    match rows(&Db::from_env(&ctx.env)?, &statements).await {
        // Plain text, which the tests read as JSON: a JSON response's
        // headers would only add to the deployed wasm.
        Ok(text) => Ok(Response::ok(text)?),
        // What went wrong, for the test that sent it.
        Err(ApiError::Internal(cause)) => Ok(Response::error(cause, 400)?),
        Err(e) => Err(e),
    }
}

/// `statements` in one batch: `[[row, ...], ...]`, written by JavaScript
/// (the rows are its values).
async fn rows(db: &Db, statements: &[&str]) -> Result<String, ApiError> {
    let batch = statements.iter().map(|s| db.stmt(s, &[])).collect::<Result<_, _>>()?;
    let all = db.batch(batch).await?;
    let all = all
        .iter()
        .map(|r| r.js_array().map(JsValue::from))
        .collect::<Result<Array, _>>()?;
    let text = JSON::stringify(&all).map_err(|_| ApiError::internal("rows: not JSON"))?;
    Ok(text.into())
}

/// Equal, in time that depends on the lengths only.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
