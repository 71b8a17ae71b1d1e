//! `GET /openapi.json`: the OpenAPI 3.1 document of every route, generated
//! from the router's table ([`ROUTES`]: methods and path patterns), the
//! metadata below ([`OPS`]: permission, body, success and query shape), and
//! the shared crate's schemas (`mdm_core::catalog::ENTRIES` become
//! `components.schemas`; list query parameters come from each resource's
//! `ListSpec`). Nothing is hand-written JSON about a body or a resource, so the
//! document cannot drift from what validates: a test fails when a route of
//! `ROUTES` has no entry here, and schemathesis checks the live server against
//! the document in `make test`.
//!
//! Error responses are derived from what the handlers do, in their order:
//! a permission means 401 / 403; an `:organizationId` means 400 (malformed) /
//! 404; the Windows plan gate adds a 5050 under 400; a body adds 400 / 413 /
//! 415; a path id adds 400 (malformed) and 404. Routes under `/v1/enterprises`
//! answer errors with Google's body instead of the envelope.

use serde_json::{json, Map, Value};
use worker::Response;

use mdm_core::catalog::ENTRIES;
use mdm_core::model::schemas::PAGE_FIELDS;
use mdm_core::pagination::{self as pg, ListSpec};
use mdm_core::patterns::Pattern;
use mdm_core::schema::{string, Field, Schema, DATE_TIME, NON_NEGATIVE_SAFE_INTEGER, OBJECT_ID};

use crate::ctx::Ctx;
use crate::http::{raw_json, ApiError};
use crate::router::{Route, ROUTES};
use crate::routes::{google, windows};

/// What a successful response carries.
#[derive(Debug, Clone, Copy)]
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
    /// This document.
    Document,
}

/// Query parameters an operation takes.
#[derive(Debug, Clone, Copy)]
pub enum QueryKind {
    None,
    /// `page`, `limit`, `sort`, `status`, `segmentId`, `expandTo` and id filters per the spec.
    List(&'static ListSpec),
    /// Google's `pageSize` / `pageToken`.
    GooglePage,
}

/// One operation's metadata; method and path come from `ROUTES` by `route`.
#[derive(Debug, Clone, Copy)]
pub struct Op {
    pub route: Route,
    pub summary: &'static str,
    pub tag: &'static str,
    /// `None`: no bearer token needed; `Some("")`: any valid token (no 403).
    pub perm: Option<&'static str>,
    /// Authenticated by the device secret header instead (AOSP status reports).
    pub device_secret: bool,
    /// Catalog name of the JSON body, if any.
    pub body: Option<&'static str>,
    pub status: u16,
    pub success: Success,
    pub query: QueryKind,
    /// The Windows plan gate (5050) applies.
    pub plan_gate: bool,
    /// Statuses beyond the derived ones (e.g. 404 for an unknown enroll code).
    pub extra: &'static [u16],
    /// OpenAPI links from the success response to operations on what it
    /// created (schemathesis' stateful phase follows them: create, then get,
    /// update, delete, and get again after the delete).
    pub links: &'static [Link],
}

/// `operationId` of `op` takes `params` (name, runtime expression) from this response.
#[derive(Debug, Clone, Copy)]
pub struct Link {
    pub op: Route,
    pub params: &'static [(&'static str, &'static str)],
}

/// An AOSP token created under `organizationId`, addressed by its `data.id`.
const AOSP_TOKEN_PARAMS: &[(&str, &str)] = &[
    ("organizationId", "$request.path.organizationId"),
    ("aosEnrollmentTokenId", "$response.body#/data/id"),
];
/// A Windows token created under `organizationId`, addressed by its `data.id`.
const WIN_TOKEN_PARAMS: &[(&str, &str)] = &[
    ("organizationId", "$request.path.organizationId"),
    ("winEnrollmentTokenId", "$response.body#/data/id"),
];

const fn op(route: Route, tag: &'static str, summary: &'static str, perm: Option<&'static str>) -> Op {
    Op {
        route,
        summary,
        tag,
        perm,
        device_secret: false,
        body: None,
        status: 200,
        success: Success::Document,
        query: QueryKind::None,
        plan_gate: false,
        extra: &[],
        links: &[],
    }
}

impl Op {
    const fn body(mut self, name: &'static str) -> Self {
        self.body = Some(name);
        self
    }
    const fn ok(mut self, success: Success) -> Self {
        self.success = success;
        self
    }
    const fn created(mut self, success: Success) -> Self {
        self.status = 201;
        self.success = success;
        self
    }
    const fn list(mut self, spec: &'static ListSpec, item: &'static str) -> Self {
        self.query = QueryKind::List(spec);
        self.success = Success::Page(item);
        self
    }
    const fn google_list(mut self, item: &'static str) -> Self {
        self.query = QueryKind::GooglePage;
        self.success = Success::GoogleList(item);
        self
    }
    const fn windows(mut self) -> Self {
        self.plan_gate = true;
        self
    }
    const fn also(mut self, statuses: &'static [u16]) -> Self {
        self.extra = statuses;
        self
    }
    const fn device_secret(mut self) -> Self {
        self.device_secret = true;
        self
    }
    const fn links(mut self, links: &'static [Link]) -> Self {
        self.links = links;
        self
    }
}

const HEALTH: Schema = Schema::Object(&[Field::required("ok", Schema::Boolean, "D1 answers.")]);
const ME: Schema = Schema::Object(&[
    Field::required("sub", string().schema(), "The token's subject."),
    Field::required(
        "orgs",
        mdm_core::schema::array(&string().schema()),
        "Organizations it may see.",
    ),
    Field::required(
        "perms",
        mdm_core::schema::array(&string().schema()),
        "Permissions it holds.",
    ),
    Field::required("exp", NON_NEGATIVE_SAFE_INTEGER, "Expiry, seconds since the epoch."),
]);
/// `POST /v1/enroll/windows` → the new device and its secret (shown once).
const WINDOWS_ENROLLMENT: Schema = Schema::Object(&[
    Field::required("id", OBJECT_ID, "The new Windows device."),
    Field::required("organizationId", OBJECT_ID, ""),
    Field::required("winEnterpriseId", OBJECT_ID, ""),
    Field::required("winEnrollmentTokenId", OBJECT_ID, "The token the code belonged to."),
    Field::required("state", string().one_of(&["PROVISIONING"]).schema(), ""),
    Field::required(
        "deviceSecret",
        string().min(1).schema(),
        "Credential of the device's later reports; returned only here.",
    ),
]);
/// `POST /v1/enroll/aosp` → the new device and its secret (shown once).
const AOSP_ENROLLMENT: Schema = Schema::Object(&[
    Field::required("aosDeviceId", OBJECT_ID, "The new AOSP device."),
    Field::required("organizationId", OBJECT_ID, ""),
    Field::required(
        "deviceSecret",
        string().min(1).schema(),
        "Credential of the device's status reports (X-Device-Secret); returned only here.",
    ),
    Field::required("state", string().one_of(&["PROVISIONING"]).schema(), ""),
    Field::required("enrolledDate", DATE_TIME, ""),
]);
/// `POST /v1/devices/aosp/:aosDeviceId/status` → the device's state after the report.
const AOSP_REPORTED: Schema = Schema::Object(&[
    Field::required("aosDeviceId", OBJECT_ID, ""),
    Field::required("state", string().one_of(pg::DEVICE_STATES).schema(), ""),
    Field::required("lastStatusReportTime", DATE_TIME, ""),
]);
/// Google's `Empty`.
const EMPTY: Schema = Schema::Object(&[]);

const AOSP_TOKENS: &str = "AOSP enrollment tokens";
const AOSP_DEVICES: &str = "AOSP devices";
const DEVICE_SIDE: &str = "Device enrollment";
const WIN_TOKENS: &str = "Windows enrollment tokens";
const GOOGLE: &str = "Android Management API (Google-compatible)";

/// Every documented operation. A route in `ROUTES` must appear here (tested)
/// unless it is in [`UNDOCUMENTED`].
pub static OPS: &[Op] = &[
    op(
        Route::Health,
        "Service",
        "Liveness: the worker runs and D1 answers",
        None,
    )
    .ok(Success::EnvelopeInline(&HEALTH)),
    op(Route::Me, "Service", "The caller, as the bearer token says", Some("")).ok(Success::EnvelopeInline(&ME)),
    op(Route::OpenApi, "Service", "This OpenAPI document", None),
    // Supporting resources (issue 3).
    op(
        Route::OrganizationsCreate,
        "Organizations",
        "Create an organization",
        Some("admin.organization.create"),
    )
    .body("OrganizationCreate")
    .created(Success::Envelope("Organization")),
    op(
        Route::OrganizationsList,
        "Organizations",
        "List the organizations the token may see",
        Some("admin.organization.list"),
    )
    .list(&pg::ORGANIZATIONS, "Organization"),
    op(
        Route::SegmentsCreate,
        "Segments",
        "Create a segment",
        Some("admin.segment.create"),
    )
    .body("SegmentCreate")
    .created(Success::Envelope("Segment")),
    op(
        Route::SegmentsList,
        "Segments",
        "List segments",
        Some("admin.segment.list"),
    )
    .list(&pg::SEGMENTS, "Segment"),
    op(
        Route::MdmUsersCreate,
        "MDM users",
        "Create an MDM user",
        Some("admin.mdmUser.create"),
    )
    .body("MdmUserCreate")
    .created(Success::Envelope("MdmUser")),
    op(
        Route::MdmUsersList,
        "MDM users",
        "List MDM users",
        Some("admin.mdmUser.list"),
    )
    .list(&pg::MDM_USERS, "MdmUser"),
    op(
        Route::AospPoliciesCreate,
        "AOSP policies",
        "Create an AOSP policy",
        Some("admin.aospPolicy.create"),
    )
    .body("AospPolicyCreate")
    .created(Success::Envelope("AospPolicy")),
    op(
        Route::AospPoliciesList,
        "AOSP policies",
        "List AOSP policies",
        Some("admin.aospPolicy.list"),
    )
    .list(&pg::AOSP_POLICIES, "AospPolicy"),
    op(
        Route::DpcBuildsCreate,
        "DPC builds",
        "Register a DPC build",
        Some("admin.dpcBuild.create"),
    )
    .body("DpcBuildCreate")
    .created(Success::Envelope("DpcBuild")),
    op(
        Route::DpcBuildsList,
        "DPC builds",
        "List DPC builds",
        Some("admin.dpcBuild.list"),
    )
    .list(&pg::DPC_BUILDS, "DpcBuild"),
    // AOSP (issue 3).
    op(
        Route::AospTokensCreate,
        AOSP_TOKENS,
        "Create an AOSP enrollment token",
        Some("mdm.aosp.enrollmentToken.create"),
    )
    .body("AospEnrollmentTokenCreate")
    .created(Success::Envelope("AospEnrollmentToken"))
    .links(&[
        Link {
            op: Route::AospTokenGet,
            params: AOSP_TOKEN_PARAMS,
        },
        Link {
            op: Route::AospTokenRemove,
            params: AOSP_TOKEN_PARAMS,
        },
    ]),
    op(
        Route::AospTokensList,
        AOSP_TOKENS,
        "List AOSP enrollment tokens (seed 001)",
        Some("mdm.aosp.enrollmentToken.list"),
    )
    .list(&pg::AOSP_TOKENS, "AospEnrollmentToken"),
    op(
        Route::AospTokenGet,
        AOSP_TOKENS,
        "Get an AOSP enrollment token",
        Some("mdm.aosp.enrollmentToken.get"),
    )
    .ok(Success::Envelope("AospEnrollmentToken")),
    op(
        Route::AospTokenRemove,
        AOSP_TOKENS,
        "Delete an AOSP enrollment token (seed 000; afterwards 404)",
        Some("mdm.aosp.enrollmentToken.remove"),
    )
    .ok(Success::Envelope("AospEnrollmentToken"))
    .also(&[409]),
    op(
        Route::AospDevicesList,
        AOSP_DEVICES,
        "List AOSP devices",
        Some("mdm.aosp.device.list"),
    )
    .list(&pg::AOSP_DEVICES, "AospDevice"),
    op(
        Route::AospDeviceGet,
        AOSP_DEVICES,
        "Get an AOSP device",
        Some("mdm.aosp.device.get"),
    )
    .ok(Success::Envelope("AospDevice")),
    op(
        Route::AospDeviceUpdate,
        AOSP_DEVICES,
        "Update an AOSP device (seed 002)",
        Some("mdm.aosp.device.update"),
    )
    .body("AospDeviceUpdate")
    .ok(Success::Envelope("AospDevice")),
    op(
        Route::EnrollAosp,
        DEVICE_SIDE,
        "A device enrolls with an AOSP or Google-compatible enrollment token (consumed atomically)",
        None,
    )
    .body("EnrollAosp")
    .created(Success::EnvelopeInline(&AOSP_ENROLLMENT))
    .also(&[404, 409]),
    op(
        Route::AospStatusReport,
        DEVICE_SIDE,
        "A device reports its status (X-Device-Secret); the first moves it to ACTIVE",
        None,
    )
    .device_secret()
    .body("AospStatusReport")
    .ok(Success::EnvelopeInline(&AOSP_REPORTED)),
    // Windows (issue 4).
    op(
        Route::WinTokensCreate,
        WIN_TOKENS,
        "Create a Windows enrollment token",
        Some(windows::tokens::PERM_CREATE),
    )
    .windows()
    .body("WinEnrollmentTokenCreate")
    .created(Success::Envelope("WinEnrollmentToken"))
    .links(&[
        Link {
            op: Route::WinTokenGet,
            params: WIN_TOKEN_PARAMS,
        },
        Link {
            op: Route::WinTokenUpdate,
            params: WIN_TOKEN_PARAMS,
        },
        Link {
            op: Route::WinTokenRemove,
            params: WIN_TOKEN_PARAMS,
        },
    ]),
    op(
        Route::WinTokensList,
        WIN_TOKENS,
        "List Windows enrollment tokens",
        Some(windows::tokens::PERM_LIST),
    )
    .windows()
    .list(&pg::WIN_TOKENS, "WinEnrollmentToken"),
    op(
        Route::WinTokenGet,
        WIN_TOKENS,
        "Get a Windows enrollment token",
        Some(windows::tokens::PERM_GET),
    )
    .windows()
    .ok(Success::Envelope("WinEnrollmentToken")),
    op(
        Route::WinTokenUpdate,
        WIN_TOKENS,
        "Update a Windows enrollment token (seed 004)",
        Some(windows::tokens::PERM_UPDATE),
    )
    .windows()
    .body("WinEnrollmentTokenUpdate")
    .ok(Success::Envelope("WinEnrollmentToken")),
    op(
        Route::WinTokenRemove,
        WIN_TOKENS,
        "Delete a Windows enrollment token (state DELETED; afterwards 404)",
        Some(windows::tokens::PERM_REMOVE),
    )
    .windows()
    .ok(Success::Envelope("WinEnrollmentToken")),
    op(
        Route::WinPoliciesCreate,
        "Windows policies",
        "Create a Windows policy",
        Some(windows::policies::PERM_CREATE),
    )
    .windows()
    .body("WinPolicyCreate")
    .created(Success::Envelope("WinPolicy")),
    op(
        Route::WinPoliciesList,
        "Windows policies",
        "List Windows policies",
        Some(windows::policies::PERM_LIST),
    )
    .windows()
    .list(&pg::WIN_POLICIES, "WinPolicy"),
    op(
        Route::EnrollWindows,
        DEVICE_SIDE,
        "A PC enrolls with a Windows enrollCode (consumed atomically)",
        None,
    )
    .body("EnrollWindows")
    .created(Success::EnvelopeInline(&WINDOWS_ENROLLMENT))
    .also(&[404, 409]),
    // Google-compatible (issue 4).
    op(
        Route::GoogleTokensCreate,
        GOOGLE,
        "enterprises.enrollmentTokens.create",
        Some(google::PERM),
    )
    .body("GoogleEnrollmentTokenCreate")
    .ok(Success::Raw("GoogleEnrollmentToken")),
    op(
        Route::GoogleTokensList,
        GOOGLE,
        "enterprises.enrollmentTokens.list",
        Some(google::PERM),
    )
    .google_list("GoogleEnrollmentToken"),
    op(
        Route::GoogleTokenGet,
        GOOGLE,
        "enterprises.enrollmentTokens.get",
        Some(google::PERM),
    )
    .ok(Success::Raw("GoogleEnrollmentToken")),
    op(
        Route::GoogleTokenRemove,
        GOOGLE,
        "enterprises.enrollmentTokens.delete",
        Some(google::PERM),
    )
    .ok(Success::RawInline(&EMPTY)),
];

/// Routes deliberately left out of the document, and why.
pub const UNDOCUMENTED: &[(Route, &str)] = &[(
    Route::DebugEcho,
    "exists only when the var DEBUG_ROUTES is \"true\" (the e2e tests); everywhere else it is a 404",
)];

/// `GET /openapi.json` (no bearer token).
pub async fn serve(_ctx: &mut Ctx) -> Result<Response, ApiError> {
    raw_json(200, &document())
}

/// The whole document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for def in ROUTES {
        let mut item = Map::new();
        for (method, route) in def.methods {
            if let Some(op) = OPS.iter().find(|o| o.route == *route) {
                item.insert(method.to_ascii_lowercase(), operation(op, def.pattern));
            }
        }
        if !item.is_empty() {
            paths.insert(template(def.pattern), Value::Object(item));
        }
    }
    let mut schemas = Map::new();
    for entry in ENTRIES {
        schemas.insert(entry.name.into(), entry.schema.to_json_schema());
    }
    schemas.insert("ErrorEnvelope".into(), error_envelope_schema());
    schemas.insert("GoogleError".into(), google_error_schema());
    json!({
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "mdm-edge",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Enrollment tokens and devices of an MDM service (AOSP, Windows, and a \
                Google Android Management API compatible surface). Success: {\"status\": true, \
                \"data\": ...}; failure: {\"status\": false, \"error\": {code, message, details}}, \
                except under /v1/enterprises, which answers like Google's API. Any path answers \
                404 / 4040 when no route matches and 405 / 4050 (with Allow) for a method the \
                path does not serve.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                    "description": "HS256 JWT with sub, exp, orgs and perms claims."},
                "deviceSecret": {"type": "apiKey", "in": "header", "name": "X-Device-Secret",
                    "description": "The deviceSecret POST /v1/enroll/aosp returned."}
            }
        }
    })
}

/// `/a/:b/c` → `/a/{b}/c`.
fn template(pattern: &str) -> String {
    pattern
        .split('/')
        .map(|seg| match seg.strip_prefix(':') {
            Some(name) => format!("{{{name}}}"),
            None => seg.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn path_params(pattern: &str) -> impl Iterator<Item = &str> {
    pattern.split('/').filter_map(|s| s.strip_prefix(':'))
}

/// The schema a path parameter is validated against (an unmatched value is
/// a 400 for ids the handler checks, a 404 where it is only looked up).
fn path_param_schema(name: &str) -> Value {
    match name {
        "organizationId" | "enterpriseId" => string().pattern(Pattern::IdOrSlug).schema().to_json_schema(),
        _ => OBJECT_ID.to_json_schema(),
    }
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn envelope(data: Value) -> Value {
    json!({
        "type": "object",
        "required": ["status", "data"],
        "properties": {"status": {"const": true}, "data": data},
        "additionalProperties": false
    })
}

fn page_of(item: &str) -> Value {
    let mut page = Schema::Object(PAGE_FIELDS).to_json_schema();
    page["properties"]["items"] = json!({"type": "array", "items": reference(item)});
    if let Some(Value::Array(required)) = page.get_mut("required") {
        required.insert(0, json!("items"));
    }
    page
}

fn success_schema(success: Success) -> Value {
    match success {
        Success::Envelope(name) => envelope(reference(name)),
        Success::Page(name) => envelope(page_of(name)),
        Success::EnvelopeInline(schema) => envelope(schema.to_json_schema()),
        Success::Raw(name) => reference(name),
        Success::RawInline(schema) => schema.to_json_schema(),
        Success::GoogleList(name) => json!({
            "type": "object",
            "required": ["enrollmentTokens"],
            "properties": {
                "enrollmentTokens": {"type": "array", "items": reference(name)},
                "nextPageToken": {"type": "string", "description": "Pass as pageToken for the next page; absent on the last."}
            },
            "additionalProperties": false
        }),
        Success::Document => json!({"type": "object"}),
    }
}

fn query_params(kind: QueryKind) -> Vec<Value> {
    let param = |name: &str, schema: Value, description: &str| json!({"name": name, "in": "query", "required": false, "schema": schema, "description": description});
    match kind {
        QueryKind::None => Vec::new(),
        QueryKind::GooglePage => vec![
            param(
                "pageSize",
                json!({"type": "integer", "minimum": 0}),
                &format!(
                    "Tokens per page; 0 or absent: {}; values above {max} are coerced to {max}.",
                    google::DEFAULT_PAGE_SIZE,
                    max = google::MAX_PAGE_SIZE
                ),
            ),
            param(
                "pageToken",
                json!({"type": "string"}),
                "nextPageToken of the previous page; anything else is INVALID_ARGUMENT.",
            ),
        ],
        QueryKind::List(spec) => {
            // The seeds' sort pattern allows an empty field: "", ":asc" and
            // ":desc" all mean the default order (createdAt:desc).
            let mut sorts: Vec<String> = vec!["".into(), ":asc".into(), ":desc".into()];
            for f in spec.sort_fields {
                sorts.extend([f.to_string(), format!("{f}:asc"), format!("{f}:desc")]);
            }
            let mut out = vec![
                param(
                    "page",
                    json!({"type": "integer", "minimum": 1, "maximum": mdm_core::schema::MAX_SAFE_INTEGER}),
                    "Page number, from 1.",
                ),
                param(
                    "limit",
                    json!({"type": "integer", "minimum": 0, "maximum": pg::MAX_LIMIT}),
                    "Items per page (default 10); 0 returns only the counts.",
                ),
                param(
                    "sort",
                    json!({"type": "string", "enum": sorts}),
                    "field, field:asc or field:desc; default (also for an empty field) createdAt:desc.",
                ),
            ];
            if !spec.statuses.is_empty() {
                let mut p = param(
                    "status",
                    json!({"type": "array", "items": {"type": "string", "enum": spec.statuses}}),
                    "Repeated or comma-separated; default every status but DELETED.",
                );
                p["style"] = json!("form");
                p["explode"] = json!(true);
                out.push(p);
            }
            if spec.segmented {
                out.push(param(
                    "segmentId",
                    json!({"type": "integer", "minimum": 0, "maximum": mdm_core::schema::MAX_SAFE_INTEGER}),
                    "Only items of this segment.",
                ));
                out.push(param(
                    "expandTo",
                    json!({"type": "string", "enum": ["children", "ancestors"]}),
                    "With segmentId: also the segment's descendants or ancestors (without segmentId: 400).",
                ));
            }
            for f in spec.id_filters {
                out.push(param(f, OBJECT_ID.to_json_schema(), "Only items referring to this id."));
            }
            out
        }
    }
}

/// The error statuses an operation can answer, each with what causes it.
fn errors(op: &Op, pattern: &str) -> Vec<(u16, String)> {
    let mut out: Vec<(u16, String)> = Vec::new();
    let mut add = |status: u16, why: String| match out.iter_mut().find(|(s, _)| *s == status) {
        Some((_, text)) => {
            text.push_str("; ");
            text.push_str(&why);
        }
        None => out.push((status, why)),
    };
    if op.device_secret {
        add(
            401,
            "4002 No auth token (no X-Device-Secret), or 4004 Invalid Token (unknown device or wrong secret)".into(),
        );
    }
    if let Some(perm) = op.perm {
        add(401, "4002 No auth token, or 4004 Invalid Token".into());
        if !perm.is_empty() {
            add(403, format!("4005 Permission denied: the token lacks `{perm}`"));
        }
    }
    for name in path_params(pattern) {
        match name {
            "organizationId" => {
                add(400, "5209 Invalid input: malformed organizationId".into());
                add(
                    404,
                    "3001 Entity not found: unknown organization, or one the token's orgs claim does not cover".into(),
                );
            }
            "enterpriseId" | "tokenId" => add(404, format!("NOT_FOUND: unknown or hidden {name}")),
            _ => {
                add(400, format!("5209 Invalid input: malformed {name}"));
                add(
                    404,
                    format!("3001 Entity not found: no live {name} in this organization"),
                );
            }
        }
    }
    if op.plan_gate {
        add(
            400,
            "5050 Feature not allowed for you billing plan: the organization is on plan free \
             (checked right after the organization, before the body and ids)"
                .into(),
        );
    }
    if op.body.is_some() {
        add(
            400,
            "5209 Invalid input: the body breaks its schema or a cross-field rule, or names an id \
             that is not in this organization (code reference); details lists every violation"
                .into(),
        );
        add(413, "4130 Payload too large: body over 64 KiB".into());
        add(415, "4150 Unsupported media type: Content-Type is not JSON".into());
    }
    match op.query {
        QueryKind::None => {}
        QueryKind::List(_) => add(
            400,
            "5209 Invalid input: a query parameter is invalid or unknown".into(),
        ),
        QueryKind::GooglePage => add(400, "INVALID_ARGUMENT: bad pageSize or pageToken".into()),
    }
    for status in op.extra {
        match status {
            404 => add(
                404,
                "3001 Entity not found: no usable token with this code or value".into(),
            ),
            409 => add(409, "5010 Invalid state transition".into()),
            other => add(*other, String::new()),
        }
    }
    out.sort_by_key(|(s, _)| *s);
    out
}

fn operation(op: &Op, pattern: &str) -> Value {
    let google = pattern.starts_with("/v1/enterprises/");
    let mut parameters: Vec<Value> = path_params(pattern)
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": path_param_schema(name)}))
        .collect();
    parameters.extend(query_params(op.query));

    let mut responses = Map::new();
    let mut success = json!({
        "description": "Success",
        "content": {"application/json": {"schema": success_schema(op.success)}}
    });
    if !op.links.is_empty() {
        let links: Map<String, Value> = op
            .links
            .iter()
            .map(|l| {
                let params: Map<String, Value> = l.params.iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
                (
                    format!("{:?}", l.op),
                    json!({"operationId": format!("{:?}", l.op), "parameters": params}),
                )
            })
            .collect();
        success["links"] = Value::Object(links);
    }
    responses.insert(op.status.to_string(), success);
    let error_schema = reference(if google { "GoogleError" } else { "ErrorEnvelope" });
    for (status, why) in errors(op, pattern) {
        responses.insert(
            status.to_string(),
            json!({"description": why, "content": {"application/json": {"schema": error_schema}}}),
        );
    }

    let mut o = json!({
        "operationId": format!("{:?}", op.route),
        "summary": op.summary,
        "tags": [op.tag],
        "parameters": parameters,
        "responses": responses,
        "security": match (op.perm, op.device_secret) {
            (Some(_), _) => json!([{"bearerAuth": []}]),
            (None, true) => json!([{"deviceSecret": []}]),
            (None, false) => json!([]),
        },
    });
    if let Some(perm) = op.perm.filter(|p| !p.is_empty()) {
        o["description"] = json!(format!("Permission: `{perm}`."));
    }
    if let Some(body) = op.body {
        o["requestBody"] = json!({
            "required": true,
            "content": {"application/json": {"schema": reference(body)}}
        });
    }
    o
}

fn error_envelope_schema() -> Value {
    json!({
        "type": "object",
        "required": ["status", "error"],
        "properties": {
            "status": {"const": false},
            "error": {
                "type": "object",
                "required": ["code", "message", "details"],
                "properties": {
                    "code": {"type": "integer"},
                    "message": {"type": "string"},
                    "details": {"type": "array", "items": reference("Violation")}
                },
                "additionalProperties": false
            }
        },
        "additionalProperties": false
    })
}

fn google_error_schema() -> Value {
    json!({
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message", "status"],
                "properties": {
                    "code": {"type": "integer"},
                    "message": {"type": "string"},
                    "status": {"type": "string"},
                    "details": {"type": "array", "items": {"type": "object"}}
                },
                "additionalProperties": false
            }
        },
        "additionalProperties": false
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_documented_or_excused() {
        for def in ROUTES {
            for (method, route) in def.methods {
                let documented = OPS.iter().filter(|o| o.route == *route).count();
                let excused = UNDOCUMENTED.iter().any(|(r, _)| r == route);
                assert!(
                    documented == 1 || (documented == 0 && excused),
                    "{method} {} ({route:?}) needs exactly one entry in openapi::OPS",
                    def.pattern
                );
            }
        }
        for op in OPS {
            assert!(
                ROUTES.iter().any(|d| d.methods.iter().any(|(_, r)| *r == op.route)),
                "{:?} is documented but not routed",
                op.route
            );
        }
        let doc = document();
        for def in ROUTES {
            for (method, route) in def.methods {
                if UNDOCUMENTED.iter().all(|(r, _)| r != route) {
                    let path = template(def.pattern);
                    assert!(
                        doc["paths"][&path][method.to_ascii_lowercase()].is_object(),
                        "{method} {path} missing from the document"
                    );
                }
            }
        }
    }

    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r.clone());
                }
                m.values().for_each(|x| refs(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }

    #[test]
    fn every_ref_resolves_and_bodies_come_from_the_catalog() {
        let doc = document();
        let mut all = Vec::new();
        refs(&doc, &mut all);
        assert!(!all.is_empty());
        for r in all {
            let name = r.strip_prefix("#/components/schemas/").expect("local ref");
            assert!(doc["components"]["schemas"][name].is_object(), "{r} does not resolve");
        }
        for op in OPS {
            for link in op.links {
                assert!(
                    OPS.iter().any(|o| o.route == link.op),
                    "link to undocumented {:?}",
                    link.op
                );
            }
            if let Some(body) = op.body {
                assert!(mdm_core::catalog::find(body).is_some(), "{body} is not in the catalog");
            }
        }
    }

    #[test]
    fn windows_routes_document_the_plan_gate_and_google_its_error_body() {
        let doc = document();
        let p = &doc["paths"]
            ["/v1/organizations/{organizationId}/mdm/windows/enterprise/enrollment-tokens/{winEnrollmentTokenId}"];
        for m in ["get", "put", "delete"] {
            assert!(p[m]["responses"]["400"]["description"]
                .as_str()
                .unwrap()
                .contains("5050"));
            assert!(p[m]["responses"]["404"].is_object());
        }
        let g = &doc["paths"]["/v1/enterprises/{enterpriseId}/enrollmentTokens"]["post"];
        assert_eq!(
            g["responses"]["400"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/GoogleError"
        );
        assert_eq!(doc["paths"]["/health"]["get"]["security"], json!([]));
        assert!(doc["paths"]["/v1/me"]["get"]["responses"]["403"].is_null());
    }
}
