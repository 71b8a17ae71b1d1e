//! `POST /v1/_debug/echo`: parses the JSON body through the same pipeline as
//! every write route and returns it. Only when the var `DEBUG_ROUTES` is
//! `"true"` (the e2e tests set it); otherwise the route does not exist (404).

use worker::Response;

use crate::ctx::Ctx;
use crate::dispatch::Scope;
use crate::http::{ok, ApiError};

pub async fn echo(ctx: &mut Ctx, _scope: Scope) -> Result<Response, ApiError> {
    if ctx.string_binding("DEBUG_ROUTES").as_deref() != Some("true") {
        return Err(ApiError::RouteNotFound);
    }
    let body = ctx.json().await?;
    ok(&body)
}
