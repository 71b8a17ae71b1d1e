//! mdm-edge: the HTTP API on Cloudflare Workers with D1.
//!
//! One fetch entry matches the request to a row of the endpoint table
//! ([`table`], through [`router`]), runs the row's gate and handler
//! ([`dispatch`]) and renders any [`ApiError`] as the error envelope, so no
//! request ends in a 5xx from an unhandled error or in a stack trace. A
//! scheduled entry sweeps expired enrollment tokens ([`cron`]).

mod auth;
#[cfg(test)]
mod client_gen;
mod cron;
mod ctx;
mod db;
mod dispatch;
mod endpoint;
mod http;
mod identity;
mod oidc;
mod openapi;
mod router;
mod routes;
mod table;

use worker::{event, Context, Env, Request, Response, ScheduleContext, ScheduledEvent};

use crate::ctx::Ctx;
use crate::http::query::Query;
use crate::http::{body, error_response, ApiError, Flavor};

/// Milliseconds since the epoch, from the runtime clock.
pub fn now_ms() -> i64 {
    worker::Date::now().as_millis() as i64
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    let Ok(url) = req.url() else {
        return Ok(error_response(&ApiError::RouteNotFound, Flavor::Envelope));
    };
    let method = req.inner().method();
    let mut ctx = Ctx {
        req,
        env,
        query: Query::from_url(&url),
        now_ms: now_ms(),
    };
    let result = match router::resolve(&method, url.path()) {
        Ok((endpoint, params)) => dispatch::run(endpoint, params, &mut ctx).await,
        Err(e) => Err(e),
    };
    Ok(match result {
        Ok(resp) => resp,
        Err(err) => {
            if let ApiError::Internal(cause) | ApiError::IdentityProviderUnavailable(cause) = &err {
                worker::console_error!("{} {} {}: {cause}", method, url.path(), err.code());
            }
            body::drain(&mut ctx.req).await;
            error_response(&err, Flavor::for_path(url.path()))
        }
    })
}

#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    let result = match db::Db::from_env(&env) {
        Ok(db) => cron::sweep_expired(&db, now_ms()).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(n) => worker::console_log!("expired {n} enrollment tokens"),
        Err(e) => worker::console_error!("token sweep failed: {e:?}"),
    }
}
