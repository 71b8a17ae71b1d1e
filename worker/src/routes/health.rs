//! `GET /health`: the worker runs and D1 answers.

use serde_json::json;
use worker::Response;

use crate::ctx::Ctx;
use crate::http::{ok, ApiError};
use crate::params;

pub async fn get(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let one: Option<i64> = ctx.db()?.value("SELECT 1 AS ok", params![], "ok").await?;
    ok(&json!({ "ok": one == Some(1) }))
}
