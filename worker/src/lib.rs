//! mdm-edge: the HTTP API on Cloudflare Workers with D1.
//!
//! One fetch entry resolves the route ([`router`]), runs the handler (one
//! module per resource under [`routes`]) and renders any [`ApiError`] as the
//! error envelope, so no request ends in a 5xx from an unhandled error or in a
//! stack trace. A scheduled entry sweeps expired enrollment tokens ([`cron`]).

pub mod auth;
pub mod cron;
pub mod ctx;
pub mod db;
pub mod http;
pub mod openapi;
pub mod router;
pub mod routes;

use worker::{event, Context, Env, Request, Response, ScheduleContext, ScheduledEvent};

use crate::ctx::Ctx;
use crate::http::query::Query;
use crate::http::{body, error_response, ApiError, Flavor};
use crate::router::Route;

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
        params: Default::default(),
        query: Query::from_url(&url),
        now_ms: now_ms(),
    };
    let result = match router::resolve(&method, url.path()) {
        Ok(matched) => {
            ctx.params = matched.params;
            dispatch(matched.route, &mut ctx).await
        }
        Err(e) => Err(e),
    };
    Ok(match result {
        Ok(resp) => resp,
        Err(err) => {
            if let ApiError::Internal(cause) = &err {
                worker::console_error!("{} {} {}: {cause}", method, url.path(), err.code());
            }
            body::drain(&mut ctx.req).await;
            error_response(&err, Flavor::for_path(url.path()))
        }
    })
}

/// Route → handler. Add one arm per new `Route` variant.
async fn dispatch(route: Route, ctx: &mut Ctx) -> Result<Response, ApiError> {
    match route {
        Route::Health => routes::health::get(ctx).await,
        Route::Me => routes::me::get(ctx).await,
        Route::DebugEcho => routes::debug::echo(ctx).await,
        // Supporting admin resources (issue 3).
        Route::OrganizationsCreate => routes::organizations::create(ctx).await,
        Route::OrganizationsList => routes::organizations::list(ctx).await,
        Route::SegmentsCreate => routes::segments::create(ctx).await,
        Route::SegmentsList => routes::segments::list(ctx).await,
        Route::MdmUsersCreate => routes::mdm_users::create(ctx).await,
        Route::MdmUsersList => routes::mdm_users::list(ctx).await,
        Route::AospPoliciesCreate => routes::aosp_policies::create(ctx).await,
        Route::AospPoliciesList => routes::aosp_policies::list(ctx).await,
        Route::DpcBuildsCreate => routes::dpc_builds::create(ctx).await,
        Route::DpcBuildsList => routes::dpc_builds::list(ctx).await,
        // AOSP enrollment tokens, devices, device-side enrollment (issue 3).
        Route::AospTokensCreate => routes::aosp_tokens::create(ctx).await,
        Route::AospTokensList => routes::aosp_tokens::list(ctx).await,
        Route::AospTokenGet => routes::aosp_tokens::get(ctx).await,
        Route::AospTokenRemove => routes::aosp_tokens::remove(ctx).await,
        Route::AospDevicesList => routes::aosp_devices::list(ctx).await,
        Route::AospDeviceGet => routes::aosp_devices::get(ctx).await,
        Route::AospDeviceUpdate => routes::aosp_devices::update(ctx).await,
        Route::EnrollAosp => routes::aosp_enroll::enroll(ctx).await,
        Route::AospStatusReport => routes::aosp_enroll::status_report(ctx).await,
        // Windows MDM and the Google-compatible surface (issue 4).
        Route::WinTokensCreate => routes::windows::tokens::create(ctx).await,
        Route::WinTokensList => routes::windows::tokens::list(ctx).await,
        Route::WinTokenGet => routes::windows::tokens::get(ctx).await,
        Route::WinTokenUpdate => routes::windows::tokens::update(ctx).await,
        Route::WinTokenRemove => routes::windows::tokens::remove(ctx).await,
        Route::WinPoliciesCreate => routes::windows::policies::create(ctx).await,
        Route::WinPoliciesList => routes::windows::policies::list(ctx).await,
        Route::EnrollWindows => routes::windows::enroll::enroll(ctx).await,
        Route::GoogleTokensCreate => routes::google::create(ctx).await,
        Route::GoogleTokensList => routes::google::list(ctx).await,
        Route::GoogleTokenGet => routes::google::get(ctx).await,
        Route::GoogleTokenRemove => routes::google::remove(ctx).await,
        Route::OpenApi => openapi::serve(ctx).await,
    }
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
