//! mdm-edge: the HTTP API on Cloudflare Workers with D1.
//!
//! One fetch entry matches the request to a row of the endpoint table
//! ([`table`], through [`router`]), runs the row's gate and handler
//! ([`dispatch`]) and renders any [`ApiError`] as the error envelope, so no
//! request ends in a 5xx from an unhandled error or in a stack trace. A
//! scheduled entry sweeps expired enrollment tokens ([`cron`]); a queue entry
//! delivers webhook events ([`webhooks`]).

mod audit;
mod auth;
#[cfg(test)]
mod checked_in;
#[cfg(test)]
mod client_gen;
mod cron;
mod ctx;
mod db;
mod dispatch;
mod endpoint;
mod http;
mod idempotency;
mod identity;
mod isolate_cache;
mod js;
mod limits;
mod oidc;
mod openapi;
mod router;
mod routes;
mod sealed;
#[cfg(test)]
mod source_rules;
mod table;
mod vars;
mod webcrypto;
mod webhooks;

use worker::worker_sys::web_sys;
use worker::{event, Context, Env, MessageBatch, Response, ScheduleContext, ScheduledEvent};

use crate::ctx::Ctx;
use crate::http::incoming::Incoming;
use crate::http::query::Query;
use crate::http::{body, cors, error_response, ApiError, Flavor};

/// Milliseconds since the epoch, from the runtime clock.
// dlmalloc (Rust's default on wasm32) is larger; talc is 3.2 kB smaller
// gzip here and as fast on the reads timed (BENCHMARKS.md 0l).
#[cfg(all(not(target_feature = "atomics"), target_arch = "wasm32"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

pub fn now_ms() -> i64 {
    worker::Date::now().as_millis() as i64
}

#[event(fetch)]
async fn fetch(req: web_sys::Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    let req = Incoming::from(req);
    let Ok((path, query)) = req.path_and_query() else {
        return Ok(error_response(&ApiError::RouteNotFound, Flavor::Envelope));
    };
    let method = req.method();
    // An origin listed in CORS_ORIGINS gets CORS headers; any other, none.
    let origin = req.headers().get("Origin").ok().flatten().unwrap_or_default();
    let cors_origins = vars::get(&env, "CORS_ORIGINS").unwrap_or_default();
    let cors = cors::allows(&cors_origins, &origin);
    if cors && method == "OPTIONS" && req.headers().has("Access-Control-Request-Method").unwrap_or(false) {
        return Ok(cors::preflight(&origin).unwrap_or_else(|e| error_response(&e, Flavor::Envelope)));
    }
    let mut ctx = match Ctx::new(req, env, Query::parse(&query), now_ms()) {
        Ok(ctx) => ctx,
        Err(e) => return Ok(error_response(&e, Flavor::for_path(&path))),
    };
    let result = match router::resolve(&method, &path) {
        Ok((endpoint, params)) => dispatch::run(endpoint, params, &mut ctx).await,
        Err(e) => Err(e),
    };
    let mut resp = match result {
        Ok(resp) => resp,
        Err(err) => {
            if let ApiError::Internal(cause) | ApiError::IdentityProviderUnavailable(cause) = &err {
                worker::console_error!("{} {} {}: {cause}", method, &path, err.code());
            }
            body::drain(&ctx.req).await;
            error_response(&err, Flavor::for_path(&path))
        }
    };
    // Read-your-writes across requests: the client sends this back.
    if let Some(bookmark) = ctx.bookmark() {
        let _ = resp.headers_mut().set(db::BOOKMARK_HEADER, &bookmark);
    }
    // What the request asked of D1: the e2e tests hold a read to one round
    // trip, and to one statement (a list: its total and its page).
    if ctx.string_binding("DEBUG_ROUTES").as_deref() == Some("true") {
        let trips = ctx.trips();
        let _ = resp
            .headers_mut()
            .set("x-d1-round-trips", &trips.round_trips.to_string());
        let _ = resp.headers_mut().set("x-d1-statements", &trips.statements.to_string());
    }
    if cors {
        // Headers of a response the worker built are mutable; a failure
        // here leaves the answer without CORS headers, never without an answer.
        let _ = cors::decorate(&mut resp, &origin);
    }
    Ok(resp)
}

#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    let db = match db::Db::from_env(&env) {
        Ok(db) => db,
        Err(e) => return worker::console_error!("cron: no database: {e:?}"),
    };
    let now = now_ms();
    match cron::sweep_expired(&db, now).await {
        Ok(events) => {
            worker::console_log!("expired {} enrollment tokens", events.len());
            webhooks::publish(&env, &db, now, events).await;
        }
        Err(e) => worker::console_error!("token sweep failed: {e:?}"),
    }
    match cron::sweep_idempotency_keys(&db, now).await {
        Ok(n) => worker::console_log!("forgot {n} idempotency keys"),
        Err(e) => worker::console_error!("idempotency key sweep failed: {e:?}"),
    }
    let var = vars::get(&env, cron::AUDIT_RETENTION_BINDING);
    let days = cron::audit_retention_days(var.as_deref());
    match cron::sweep_audit_events(&db, now, days).await {
        Ok(n) => worker::console_log!("deleted {n} audit events older than {days} days"),
        Err(e) => worker::console_error!("audit retention sweep failed: {e:?}"),
    }
    let sealed = match sealed::Keys::of_env(&env) {
        Ok(keys) => cron::seal_credentials(&db, &keys).await,
        Err(e) => Err(e),
    };
    match sealed {
        Ok(n) => worker::console_log!("sealed {n} stored credentials"),
        Err(e) => worker::console_error!("credential sealing failed: {e:?}"),
    }
}

/// The webhook delivery queue (`WEBHOOK_QUEUE`): one signed POST per message.
#[event(queue)]
async fn queue(batch: MessageBatch<webhooks::Message>, env: Env, _ctx: Context) -> worker::Result<()> {
    webhooks::consume(batch, env).await;
    Ok(())
}
