//! The dispatcher: runs a matched row's gate, then its handler.
//!
//! Every request passes the same steps in the same order, so the answer to a
//! request that is wrong in several ways is predictable (and documented by
//! `/openapi.json`, which derives each route's errors from the same row):
//!
//! 1. credential: bearer token (401 / 4002, 4004; 429 / 4290 past its rate
//!    limit) or device secret (401 / 4002);
//! 2. permission: the row's one permission (403 / 4005);
//! 3. organization: `:organizationId` / `:enterpriseId` (5209 malformed, 404 unknown or hidden),
//!    and the permission held in that organization (403 / 4005);
//! 4. plan: the row's feature (400 / 5050);
//! 5. path ids: each `:xxxId` a 24-hex id (5209), handed on lowercase;
//! 6. query: a list's `page`, `limit`, `sort`, ... (5209);
//! 7. body: 413 / 415, then every violation of the row's body schema (5209);
//! 8. the handler, with the [`Scope`] the steps resolved.
//!
//! Handlers never check a permission themselves: the row's is the only one.

use mdm_core::pagination::{parse_list_query, ListQuery};
use mdm_core::{RequestBody, Violation};

use crate::auth::Principal;
use crate::ctx::Ctx;
use crate::endpoint::{Endpoint, Gate, ParamKind, QueryKind};
use crate::http::{body, ApiError};
use crate::idempotency;
use crate::isolate_cache::Fresh;
use crate::limits;
use crate::router::Params;
use crate::routes::tenancy::{self, OrgRow};

/// The header carrying a device's secret on device-side routes.
pub const DEVICE_SECRET_HEADER: &str = "X-Device-Secret";

/// What the gate resolved for the handler.
pub struct Scope {
    pub endpoint: &'static Endpoint,
    caller: Option<Principal>,
    org: Option<OrgRow>,
    device_secret: Option<String>,
    /// Path ids, validated and lowercase.
    ids: Vec<(&'static str, String)>,
    list: Option<ListQuery>,
    /// The body's bytes, already validated against the row's schema.
    body: Option<Vec<u8>>,
    /// The caller holds the row's `reveals` permission in this organization.
    reveal: bool,
    /// The change's audit event, on rows that change something.
    audit: Option<crate::audit::Slot>,
}

/// A handler asked for something its row's gate does not provide: a bug in
/// the table, reported as a 500 with the reason in the log.
fn not_in_row(endpoint: &Endpoint, what: &str) -> ApiError {
    ApiError::internal(format!(
        "{} asks for {what}, which its table row does not provide",
        endpoint.name
    ))
}

impl Scope {
    /// The verified caller (rows with a bearer gate).
    pub fn caller(&self) -> Result<&Principal, ApiError> {
        self.caller
            .as_ref()
            .ok_or_else(|| not_in_row(self.endpoint, "a caller"))
    }

    /// The organization the path names (organization and enterprise gates).
    pub fn org(&self) -> Result<&OrgRow, ApiError> {
        self.org
            .as_ref()
            .ok_or_else(|| not_in_row(self.endpoint, "an organization"))
    }

    /// The `X-Device-Secret` the device sent (device-secret gate).
    pub fn device_secret(&self) -> Result<&str, ApiError> {
        self.device_secret
            .as_deref()
            .ok_or_else(|| not_in_row(self.endpoint, "a device secret"))
    }

    /// The path id `:name`, a validated lowercase 24-hex id.
    pub fn id(&self, name: &str) -> Result<String, ApiError> {
        self.ids
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| not_in_row(self.endpoint, name))
    }

    /// May the answer show credential fields? Only rows that name a `reveals`
    /// permission, to callers holding it in the organization.
    pub fn reveals(&self) -> bool {
        self.reveal
    }

    /// The parsed list query (rows with a list query).
    pub fn list(&self) -> Result<&ListQuery, ApiError> {
        self.list
            .as_ref()
            .ok_or_else(|| not_in_row(self.endpoint, "a list query"))
    }

    /// Names what this request changes: its audit event (armed by the
    /// dispatcher on rows that change something) is written in the same D1
    /// batch as the change's write. Call it before that write; a write
    /// before it is refused (`crate::audit`). A no-op on rows that read.
    pub fn target(&self, target: crate::audit::Target) {
        if let Some(slot) = &self.audit {
            slot.borrow_mut().name(target);
        }
    }

    /// The typed body. The dispatcher validated it against the row's body;
    /// asking for another type is a table bug (500), never a silent mismatch.
    pub fn body<T: RequestBody>(&mut self) -> Result<T, ApiError> {
        if self.endpoint.body != Some(T::NAME) {
            return Err(not_in_row(self.endpoint, T::NAME));
        }
        let bytes = self
            .body
            .take()
            .ok_or_else(|| not_in_row(self.endpoint, "its body twice"))?;
        Ok(mdm_core::requests::build_text::<T>(&bytes)?)
    }
}

/// Steps 1 to 8 for `endpoint`, within the abuse limits (`crate::limits`):
/// a device-side route's failures count against the client's IP.
pub async fn run(endpoint: &'static Endpoint, params: Params, ctx: &mut Ctx) -> Result<worker::Response, ApiError> {
    if !endpoint.device_side {
        return gates_then_handler(endpoint, params, ctx).await;
    }
    let ip = limits::client_ip(&ctx.req);
    limits::device_gate(&ip, ctx.now_ms)?;
    match gates_then_handler(endpoint, params, ctx).await {
        Err(e) if limits::is_device_failure(&e) => Err(limits::device_failure(&ctx.env, &ip, ctx.now_ms, e).await),
        other => other,
    }
}

async fn gates_then_handler(
    endpoint: &'static Endpoint,
    params: Params,
    ctx: &mut Ctx,
) -> Result<worker::Response, ApiError> {
    let gate = endpoint.gate;
    // A read may take what the gates resolve from D1 (an API key, a person's
    // memberships, the organization) from the isolate's caches
    // (`crate::isolate_cache`); a write, or a read that sent a bookmark, never.
    let fresh = if endpoint.method == "GET" && !ctx.sent_bookmark() {
        Fresh::Cached { now_ms: ctx.now_ms }
    } else {
        Fresh::Database
    };
    // 1. Credential (and its rate limit), 2. permission.
    let caller = if gate.needs_bearer() {
        let principal = ctx.authenticate(fresh).await?;
        limits::authenticated(&ctx.env, &ctx.credential_digest()?).await?;
        if let Some(p) = gate.permission() {
            principal.require(p.name)?;
        }
        Some(principal)
    } else {
        None
    };
    let device_secret = match gate {
        Gate::DeviceSecret => {
            let secret = ctx.req.headers().get(DEVICE_SECRET_HEADER)?.unwrap_or_default();
            if secret.is_empty() {
                return Err(ApiError::NoAuthToken);
            }
            Some(secret)
        }
        _ => None,
    };
    // 3. Organization, 4. plan.
    let org = match (gate, caller.as_ref()) {
        (Gate::Organization(_) | Gate::OrganizationFeature(..), Some(principal)) => {
            Some(tenancy::resolve(&ctx.db()?, principal, params.get(tenancy::ORG_PARAM), fresh).await?)
        }
        (Gate::Enterprise(_), Some(principal)) => {
            Some(tenancy::resolve_enterprise(&ctx.db()?, principal, params.get("enterpriseId"), fresh).await?)
        }
        _ => None,
    };
    // The permission again, now in this organization: a membership holds its
    // role only in its own organization, an API key only in its own.
    if let (Some(p), Some(org), Some(principal)) = (gate.permission(), org.as_ref(), caller.as_ref()) {
        principal.require_in(p.name, &org.id, &org.slug)?;
    }
    if let (Gate::OrganizationFeature(_, feature), Some(org)) = (gate, org.as_ref()) {
        if !mdm_core::plans::includes(&org.plan, feature) {
            return Err(ApiError::FeatureNotAllowed);
        }
    }
    // 5. Path ids.
    let mut ids = Vec::new();
    for name in endpoint.params() {
        let raw = params.get(name);
        match ParamKind::of(name) {
            ParamKind::Organization => {}
            ParamKind::ObjectId => ids.push((name, mdm_core::ids::normalize_object_id(name, raw)?)),
            ParamKind::Opaque => ids.push((name, raw.to_string())),
            ParamKind::SegmentId => ids.push((name, mdm_core::check_segment_id(name, raw)?.to_string())),
        }
    }
    // 6. Query.
    let list = match endpoint.query {
        QueryKind::List(spec) => Some(parse_list_query(spec, ctx.query.pairs())?),
        QueryKind::None | QueryKind::GooglePage => None,
    };
    // 7. Body (and the create's Idempotency-Key).
    let idempotency_key = if endpoint.idempotent {
        idempotency::key(ctx)?
    } else {
        None
    };
    let body = match endpoint.body {
        Some(name) => {
            let bytes = body::read_bytes(&ctx.req).await?;
            let validator = mdm_core::catalog::request_check(name)
                .ok_or_else(|| ApiError::internal(format!("{}: no body {name} in the catalog", endpoint.name)))?;
            let violations: Vec<Violation> = validator.check(&bytes).unwrap_or_else(|v| vec![v]);
            if !violations.is_empty() {
                return Err(violations.into());
            }
            Some(bytes)
        }
        None => None,
    };
    // 8. The handler, its change's audit event armed.
    let reveal = match (endpoint.reveals, caller.as_ref(), org.as_ref()) {
        (Some(p), Some(principal), Some(org)) => principal.require_in(p.name, &org.id, &org.slug).is_ok(),
        _ => false,
    };
    let audit = match crate::audit::draft(
        endpoint,
        caller.as_ref(),
        org.as_ref().map(|o| o.id.as_str()),
        limits::client_ip(&ctx.req),
        ctx.now_ms,
    )? {
        Some(draft) => {
            let slot = ctx.db()?.audit();
            slot.borrow_mut().arm(draft);
            Some(slot)
        }
        None => None,
    };
    let scope = Scope {
        reveal,
        endpoint,
        caller,
        org,
        device_secret,
        ids,
        list,
        body,
        audit: audit.clone(),
    };
    let Some(key) = idempotency_key else {
        return handle(endpoint, ctx, scope, audit).await;
    };
    let hash = idempotency::request_hash(endpoint.method, &ctx.req.raw_path(), scope.body.as_deref());
    match idempotency::begin(ctx, ctx.credential_digest()?, key, hash.clone()).await? {
        idempotency::Outcome::Replay(answer) => Ok(answer),
        idempotency::Outcome::Claimed(claim) => {
            let result = handle(endpoint, ctx, scope, audit).await;
            idempotency::finish(ctx, claim, &hash, result).await
        }
    }
}

/// The handler, then its audit event closed: writes after it (an
/// idempotency key's answer) are not the change. A success whose event never
/// went out wrote nothing it could be about; it is logged, as a route that
/// forgot its event would be.
async fn handle(
    endpoint: &'static Endpoint,
    ctx: &mut Ctx,
    scope: Scope,
    audit: Option<crate::audit::Slot>,
) -> Result<worker::Response, ApiError> {
    let result = (endpoint.handler)(ctx, scope).await;
    if let Some(slot) = audit {
        if slot.borrow_mut().close() && result.is_ok() {
            worker::console_error!("{}: answered success without writing its audit event", endpoint.name);
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The dispatcher checks the row's permission; a handler that checked
    /// one of its own would make the table lie. No handler may.
    #[test]
    fn handlers_never_check_permissions() {
        fn scan(dir: &Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    scan(&path, found);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for needle in [".require(", "has_perm(", "permissions::", "authenticate("] {
                    if text.contains(needle) {
                        found.push(format!("{} uses {needle}", path.display()));
                    }
                }
            }
        }
        let mut found = Vec::new();
        scan(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/routes"), &mut found);
        assert!(found.is_empty(), "{found:#?}");
    }
}
