//! `GET /health`: the worker runs and D1 answers.

use serde_json::json;
use worker::Response;

use mdm_core::schema::{Field, Schema};

use crate::ctx::Ctx;
use crate::dispatch::Scope;
use crate::http::{ok, ApiError};
use crate::params;

/// What `GET /health` answers.
pub const HEALTH: Schema = Schema::Object(&[Field::required("ok", Schema::Boolean, "D1 answers.")]);

pub async fn get(ctx: &mut Ctx, _scope: Scope) -> Result<Response, ApiError> {
    let one: Option<i64> = ctx.db()?.value("SELECT 1 AS ok", params![], "ok").await?;
    ok(&json!({ "ok": one == Some(1) }))
}
