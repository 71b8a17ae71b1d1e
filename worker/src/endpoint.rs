//! What one row of the endpoint table ([`crate::table::ENDPOINTS`]) says:
//! method and path, the gate a request passes before its handler runs, the
//! body and query it takes, what it answers, and the handler itself.
//!
//! The router, the dispatcher ([`crate::dispatch`]) and the OpenAPI document
//! ([`crate::openapi`]) all read these rows; nothing about a route is written
//! anywhere else.

use std::future::Future;
use std::pin::Pin;

use mdm_core::pagination::ListSpec;
use mdm_core::permissions::Permission;
use mdm_core::plans::Feature;
use mdm_core::schema::Schema;
use worker::Response;

use crate::ctx::Ctx;
use crate::dispatch::Scope;
use crate::http::ApiError;

/// What a handler returns: a future borrowing the request context.
pub type Reply<'a> = Pin<Box<dyn Future<Output = Result<Response, ApiError>> + 'a>>;

/// A handler as the table stores it (see [`handler!`](crate::handler)).
pub type Handler = for<'a> fn(&'a mut Ctx, Scope) -> Reply<'a>;

/// Turns `async fn(&mut Ctx, Scope) -> Result<Response, ApiError>` into a [`Handler`].
#[macro_export]
macro_rules! handler {
    ($f:path) => {{
        fn adapter(ctx: &mut $crate::ctx::Ctx, scope: $crate::dispatch::Scope) -> $crate::endpoint::Reply<'_> {
            Box::pin($f(ctx, scope))
        }
        adapter as $crate::endpoint::Handler
    }};
}

/// What a request must prove before its handler runs. The dispatcher checks,
/// in this order: credential, permission, organization, plan feature; then
/// path ids, the query and the body.
#[derive(Debug, Clone, Copy)]
pub enum Gate {
    /// Nothing (health, this API's documents, device enrollment, where the
    /// body carries the enrollment credential).
    Public,
    /// Any valid bearer credential.
    Caller,
    /// A bearer credential holding the permission.
    Permission(Permission),
    /// ... and `:organizationId` is an organization the caller may see.
    Organization(Permission),
    /// ... and the organization's plan includes the feature.
    OrganizationFeature(Permission, Feature),
    /// The Google-compatible surface: the permission, and `:enterpriseId`
    /// an organization the caller may see (Google's error body).
    Enterprise(Permission),
    /// The device's own secret in `X-Device-Secret` (checked against the
    /// device by the handler's one statement).
    DeviceSecret,
}

impl Gate {
    /// The permission the gate checks, if any.
    pub const fn permission(self) -> Option<Permission> {
        match self {
            Gate::Permission(p) | Gate::Organization(p) | Gate::OrganizationFeature(p, _) | Gate::Enterprise(p) => {
                Some(p)
            }
            Gate::Public | Gate::Caller | Gate::DeviceSecret => None,
        }
    }

    /// Does the gate ask for a bearer credential?
    pub const fn needs_bearer(self) -> bool {
        !matches!(self, Gate::Public | Gate::DeviceSecret)
    }
}

/// What a successful response carries. Read by the OpenAPI document's
/// generator, which runs in the tests (`crate::openapi`).
#[derive(Debug, Clone, Copy)]
#[cfg_attr(not(test), allow(dead_code))]
pub enum Success {
    /// `{"status": true, "data": <catalog resource>}`.
    Envelope(&'static str),
    /// `{"status": true, "data": <page of catalog resource>}`.
    Page(&'static str),
    /// The envelope around a shape that is not a catalog entry.
    EnvelopeInline(&'static Schema),
    /// A bare catalog resource (the Google-compatible surface).
    Raw(&'static str),
    /// A bare shape that is not a catalog entry.
    RawInline(&'static Schema),
    /// Google's list response: `{"enrollmentTokens": [...], "nextPageToken"}`.
    GoogleList(&'static str),
    /// A document that is not JSON of ours (OpenAPI itself).
    Document,
}

/// Query parameters an operation takes.
#[derive(Debug, Clone, Copy)]
pub enum QueryKind {
    None,
    /// `page`, `limit`, `sort`, `status`, `segmentId`, `expandTo` and id
    /// filters per the spec; the dispatcher parses them.
    List(&'static ListSpec),
    /// Google's `pageSize` / `pageToken`.
    GooglePage,
}

/// A refusal a handler itself can answer, beyond what the gate, path ids,
/// query and body produce (those are derived from the row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 404 / 3001: the enrollment credential names no usable token.
    UnknownCredential,
    /// 409 / 5010: the lifecycle forbids the move.
    StateTransition,
    /// 400 / 5017: a plan quota would be exceeded.
    Quota,
    /// 403 / 4005: the body asks to hand out permissions (an API key's, a
    /// member's role) the caller does not hold in the organization.
    Delegation,
    /// 409 / 5010: the organization's last owner would be removed or demoted.
    LastOwner,
    /// 409 / 5012: the entity to delete is still referred to.
    InUse,
}

/// An OpenAPI link: `op` (an operation name) takes `params` (name, runtime
/// expression) from this response. Schemathesis' stateful phase follows them.
/// Read by the OpenAPI document's generator, in the tests.
#[derive(Debug, Clone, Copy)]
#[cfg_attr(not(test), allow(dead_code))]
pub struct Link {
    pub op: &'static str,
    pub params: &'static [(&'static str, &'static str)],
}

/// One row of the endpoint table.
#[derive(Clone, Copy)]
pub struct Endpoint {
    pub method: &'static str,
    /// `/v1/organizations/:organizationId/...`; `:name` captures one segment.
    pub path: &'static str,
    /// The OpenAPI `operationId`.
    pub name: &'static str,
    pub tag: &'static str,
    pub summary: &'static str,
    pub gate: Gate,
    /// Catalog name of the JSON body, if it takes one.
    pub body: Option<&'static str>,
    pub query: QueryKind,
    pub status: u16,
    pub success: Success,
    pub refusals: &'static [Refusal],
    pub links: &'static [Link],
    /// Left out of `/openapi.json` (with the reason in the table).
    pub hidden: Option<&'static str>,
    /// A create that takes an `Idempotency-Key` (`crate::idempotency`).
    pub idempotent: bool,
    /// A device-side route: its failed attempts count against the client's
    /// IP (`crate::limits`).
    pub device_side: bool,
    /// The npm client's method for this operation (`pkg/src/operations.js`
    /// is generated from the rows that name one).
    pub client: Option<&'static str>,
    /// The permission that shows the answer's credential fields (a token's
    /// value, QR payload, enroll code and link); without it they are absent.
    pub reveals: Option<Permission>,
    pub handler: Handler,
}

/// What only the OpenAPI document and the npm client's generator read (a
/// row's tag, summary, success shape, refusals, links, client method and
/// why it is hidden): kept in the tests, which generate both, and left out
/// of the wasm, which serves what they generated (BENCHMARKS.md 0l).
const fn doc_only<T: Copy>(value: T, in_the_wasm: T) -> T {
    if cfg!(test) {
        value
    } else {
        in_the_wasm
    }
}

/// A row answering 200 with a document; builders below refine it.
pub const fn endpoint(
    method: &'static str,
    path: &'static str,
    name: &'static str,
    gate: Gate,
    handler: Handler,
) -> Endpoint {
    Endpoint {
        method,
        path,
        name,
        tag: "",
        summary: "",
        gate,
        body: None,
        query: QueryKind::None,
        status: 200,
        success: Success::Document,
        refusals: &[],
        links: &[],
        hidden: None,
        client: None,
        device_side: false,
        idempotent: false,
        reveals: None,
        handler,
    }
}

impl Endpoint {
    pub const fn doc(mut self, tag: &'static str, summary: &'static str) -> Self {
        self.tag = doc_only(tag, "");
        self.summary = doc_only(summary, "");
        self
    }
    pub const fn body(mut self, name: &'static str) -> Self {
        self.body = Some(name);
        self
    }
    pub const fn ok(mut self, success: Success) -> Self {
        self.success = doc_only(success, Success::Document);
        self
    }
    pub const fn created(mut self, success: Success) -> Self {
        self.status = 201;
        self.success = doc_only(success, Success::Document);
        self
    }
    pub const fn list(mut self, spec: &'static ListSpec, item: &'static str) -> Self {
        self.query = QueryKind::List(spec);
        self.success = doc_only(Success::Page(item), Success::Document);
        self
    }
    pub const fn google_list(mut self, item: &'static str) -> Self {
        self.query = QueryKind::GooglePage;
        self.success = doc_only(Success::GoogleList(item), Success::Document);
        self
    }
    pub const fn refuses(mut self, refusals: &'static [Refusal]) -> Self {
        self.refusals = doc_only(refusals, &[]);
        self
    }
    pub const fn links(mut self, links: &'static [Link]) -> Self {
        self.links = doc_only(links, &[]);
        self
    }
    pub const fn idempotent(mut self) -> Self {
        self.idempotent = true;
        self
    }
    pub const fn device_side(mut self) -> Self {
        self.device_side = true;
        self
    }
    pub const fn client(mut self, method: &'static str) -> Self {
        self.client = doc_only(Some(method), None);
        self
    }
    pub const fn reveals(mut self, permission: Permission) -> Self {
        self.reveals = Some(permission);
        self
    }
    pub const fn hidden(mut self, why: &'static str) -> Self {
        self.hidden = doc_only(Some(why), None);
        self
    }

    /// Path parameters, in order.
    pub fn params(&self) -> impl Iterator<Item = &'static str> {
        self.path.split('/').filter_map(|s| s.strip_prefix(':'))
    }

    /// The audit action of a change this row makes (`crate::audit`): the
    /// row's permission for a write with one, `device.enroll` /
    /// `device.stateChanged` on the device side; `None` for reads and
    /// for public rows.
    pub fn audit_action(&self) -> Option<&'static str> {
        if matches!(self.method, "GET" | "HEAD" | "OPTIONS") {
            return None;
        }
        match (self.gate, self.device_side) {
            (Gate::DeviceSecret, true) => Some(crate::audit::DEVICE_STATE_CHANGED),
            (Gate::Public, true) => Some(crate::audit::DEVICE_ENROLL),
            (gate, _) => gate.permission().map(|p| p.name),
        }
    }
}

/// How a path parameter is checked before the handler runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// `:organizationId` / `:enterpriseId`: an id or a slug, resolved by the gate.
    Organization,
    /// A 24-hex entity id: malformed is 5209 `pattern`; handed over lowercase.
    ObjectId,
    /// An opaque name only looked up (Google's `:tokenId`: unknown is 404).
    Opaque,
    /// A segment id (`:segmentId`, an integer): malformed is 5209 `pattern`.
    SegmentId,
}

impl ParamKind {
    pub fn of(name: &str) -> Self {
        match name {
            "organizationId" | "enterpriseId" => ParamKind::Organization,
            "tokenId" => ParamKind::Opaque,
            "segmentId" => ParamKind::SegmentId,
            _ => ParamKind::ObjectId,
        }
    }
}
