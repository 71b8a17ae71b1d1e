//! The generator of `admin/openapi.json` (see the module above), run by
//! this module's tests: the document is the same for every request, so it is
//! a static asset the worker's route answers with, and none of this code is
//! in the wasm.

use serde_json::{json, Map, Value};

use mdm_core::catalog::ENTRIES;
use mdm_core::model::schemas::PAGE_FIELDS;
use mdm_core::pagination as pg;
use mdm_core::patterns::Pattern;
use mdm_core::schema::{string, Schema, NON_NEGATIVE_SAFE_INTEGER, OBJECT_ID};

use crate::dispatch::DEVICE_SECRET_HEADER;
use crate::endpoint::{Endpoint, Gate, ParamKind, QueryKind, Refusal, Success};
use crate::table::ENDPOINTS;

/// Answers errors with Google's body (the `/v1/enterprises` surface)?
fn google(endpoint: &Endpoint) -> bool {
    matches!(endpoint.gate, Gate::Enterprise(_))
}

/// The whole document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for endpoint in ENDPOINTS.iter().filter(|e| e.hidden.is_none()) {
        let item = paths
            .entry(template(endpoint.path))
            .or_insert_with(|| Value::Object(Map::new()));
        item[endpoint.method.to_ascii_lowercase()] = operation(endpoint);
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
                "deviceSecret": {"type": "apiKey", "in": "header", "name": DEVICE_SECRET_HEADER,
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

/// The schema a path parameter is validated against (an unmatched value is
/// a 400 for ids the dispatcher checks, a 404 where it is only looked up).
fn path_param_schema(name: &str) -> Value {
    match ParamKind::of(name) {
        ParamKind::Organization => string().pattern(Pattern::IdOrSlug).schema().to_json_schema(),
        ParamKind::ObjectId | ParamKind::Opaque => OBJECT_ID.to_json_schema(),
        ParamKind::SegmentId => NON_NEGATIVE_SAFE_INTEGER.to_json_schema(),
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
                    mdm_core::google_page::DEFAULT_PAGE_SIZE,
                    max = mdm_core::google_page::MAX_PAGE_SIZE
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
                    &format!(
                        "field, field:asc or field:desc; default (also for an empty field) {}:desc.",
                        pg::default_sort(spec).field
                    ),
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
            for f in spec.text_filters {
                out.push(param(
                    f,
                    json!({"type": "string", "minLength": 1, "maxLength": pg::MAX_TEXT_FILTER}),
                    "Only items with exactly this value.",
                ));
            }
            if spec.ranged {
                for (f, what) in [("from", "at or after"), ("to", "at or before")] {
                    out.push(param(
                        f,
                        json!({"type": "string", "format": "date-time"}),
                        &format!("Only items {what} this time (RFC 3339)."),
                    ));
                }
            }
            out
        }
    }
}

/// The error statuses an operation can answer, each with what causes it,
/// in the dispatcher's order: gate, path ids, query, body, then the row's
/// own refusals.
fn errors(endpoint: &Endpoint) -> Vec<(u16, String)> {
    let mut out: Vec<(u16, String)> = Vec::new();
    let mut add = |status: u16, why: String| match out.iter_mut().find(|(s, _)| *s == status) {
        Some((_, text)) => {
            text.push_str("; ");
            text.push_str(&why);
        }
        None => out.push((status, why)),
    };
    let gate = endpoint.gate;
    if let Gate::DeviceSecret = gate {
        add(
            401,
            "4002 No auth token (no X-Device-Secret), or 4004 Invalid Token (unknown device or wrong secret)".into(),
        );
    }
    if gate.needs_bearer() {
        add(401, "4002 No auth token, or 4004 Invalid Token".into());
        add(
            503,
            "5030 Identity provider unavailable: an OpenID Connect token arrived and the provider's key set \
             cannot be fetched (retry later)"
                .into(),
        );
        add(
            429,
            "4290 Too many requests: the credential's rate limit (Retry-After says when to retry)".into(),
        );
    }
    if endpoint.device_side {
        add(
            429,
            "4290 Too many requests: too many failed device-side attempts from this IP (Retry-After)".into(),
        );
    }
    if let Some(p) = gate.permission() {
        add(403, format!("4005 Permission denied: the token lacks `{}`", p.name));
    }
    match gate {
        Gate::Organization(_) | Gate::OrganizationFeature(..) => {
            add(400, "5209 Invalid input: malformed organizationId".into());
            add(
                404,
                "3001 Entity not found: unknown organization, or one the token's orgs claim does not cover".into(),
            );
        }
        Gate::Enterprise(_) => add(404, "NOT_FOUND: unknown or hidden enterpriseId".into()),
        _ => {}
    }
    if let Gate::OrganizationFeature(_, feature) = gate {
        add(
            400,
            format!(
                "5050 Feature not allowed for you billing plan: {} (checked right after the organization, \
                 before the body and ids)",
                feature.describe()
            ),
        );
    }
    for name in endpoint.params() {
        match ParamKind::of(name) {
            ParamKind::Organization => {}
            ParamKind::Opaque => add(404, format!("NOT_FOUND: unknown or hidden {name}")),
            ParamKind::ObjectId | ParamKind::SegmentId => {
                add(400, format!("5209 Invalid input: malformed {name}"));
                add(
                    404,
                    format!("3001 Entity not found: no live {name} in this organization"),
                );
            }
        }
    }
    match endpoint.query {
        QueryKind::None => {}
        QueryKind::List(_) => add(
            400,
            "5209 Invalid input: a query parameter is invalid or unknown".into(),
        ),
        QueryKind::GooglePage => add(400, "INVALID_ARGUMENT: bad pageSize or pageToken".into()),
    }
    if endpoint.body.is_some() {
        add(413, "4130 Payload too large: body over 64 KiB".into());
        add(415, "4150 Unsupported media type: Content-Type is not JSON".into());
        add(
            400,
            "5209 Invalid input: the body breaks its schema or a cross-field rule, or names an id \
             that is not in this organization (code reference); details lists every violation"
                .into(),
        );
    }
    if endpoint.idempotent {
        add(400, "5209 Invalid input: a malformed Idempotency-Key".into());
        add(
            409,
            "5013 Idempotency key reused: the key came with another request, or its first request has \
             not answered yet"
                .into(),
        );
    }
    for refusal in endpoint.refusals {
        let (status, why) = match (refusal, google(endpoint)) {
            (Refusal::Quota, true) => (
                429,
                "RESOURCE_EXHAUSTED: the plan's quota of live credentials is reached",
            ),
            _ => refusal_doc(*refusal),
        };
        add(status, why.into());
    }
    out.sort_by_key(|(s, _)| *s);
    out
}

/// The status and description of a refusal a handler answers itself.
pub fn refusal_doc(refusal: Refusal) -> (u16, &'static str) {
    match refusal {
        Refusal::UnknownCredential => (404, "3001 Entity not found: no usable token with this code or value"),
        Refusal::StateTransition => (409, "5010 Invalid state transition"),
        Refusal::Quota => (
            400,
            "5017 Limit Exceeded: the plan's quota of live credentials (or, for an enrollment, of devices) is reached",
        ),
        Refusal::Delegation => (
            403,
            "4005 Permission denied: the permissions or role handed out exceed the caller's own in this organization",
        ),
        Refusal::LastOwner => (
            409,
            "5010 Invalid state transition: the organization's last owner cannot be removed or demoted",
        ),
        Refusal::InUse => (
            409,
            "5012 Entity in use: other entities still refer to it; details counts them by kind \
             ([{kind, count}], see EntityInUse), and nothing was deleted",
        ),
    }
}

fn operation(endpoint: &Endpoint) -> Value {
    let mut parameters: Vec<Value> = endpoint
        .params()
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": path_param_schema(name)}))
        .collect();
    parameters.extend(query_params(endpoint.query));
    if endpoint.idempotent {
        parameters.push(json!({
            "name": "Idempotency-Key", "in": "header", "required": false,
            // Not spaces alone: HTTP trims a header's surrounding spaces, so
            // the worker would read an empty key (5209).
            "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x20-\\x7e]*[\\x21-\\x7e][\\x20-\\x7e]*$"},
            "description": "Makes a retry safe: a repeat with the same key, credential and body within 24 hours \
                answers as the first request did and creates nothing. 1 to 255 printable ASCII characters, \
                not spaces alone."
        }));
    }

    let mut responses = Map::new();
    let mut success = json!({
        "description": "Success",
        "content": {"application/json": {"schema": success_schema(endpoint.success)}}
    });
    if !endpoint.links.is_empty() {
        let links: Map<String, Value> = endpoint
            .links
            .iter()
            .map(|l| {
                let params: Map<String, Value> = l.params.iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
                (l.op.to_string(), json!({"operationId": l.op, "parameters": params}))
            })
            .collect();
        success["links"] = Value::Object(links);
    }
    responses.insert(endpoint.status.to_string(), success);
    let error_schema = reference(if google(endpoint) {
        "GoogleError"
    } else {
        "ErrorEnvelope"
    });
    for (status, why) in errors(endpoint) {
        responses.insert(
            status.to_string(),
            json!({"description": why, "content": {"application/json": {"schema": error_schema}}}),
        );
    }

    let gate = endpoint.gate;
    let mut o = json!({
        "operationId": endpoint.name,
        "summary": endpoint.summary,
        "tags": [endpoint.tag],
        "parameters": parameters,
        "responses": responses,
        "security": match gate {
            Gate::DeviceSecret => json!([{"deviceSecret": []}]),
            _ if gate.needs_bearer() => json!([{"bearerAuth": []}]),
            _ => json!([]),
        },
    });
    if let Some(p) = gate.permission() {
        o["description"] = json!(format!("Permission: `{}` ({})", p.name, p.description));
        o["x-permission"] = json!(p.name);
    }
    if let Some(p) = endpoint.reveals {
        o["description"] = json!(format!(
            "{} Credential fields (a token's value and QR payload, an enroll code and link) appear only to \
             callers holding `{}` ({})",
            o["description"].as_str().unwrap_or_default(),
            p.name,
            p.description
        ));
        o["x-reveal-permission"] = json!(p.name);
    }
    if let Some(action) = endpoint.audit_action() {
        o["x-audit-action"] = json!(action);
    }
    if let Some(body) = endpoint.body {
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
                    "details": {
                        "type": "array",
                        "description": "The violations of a 5209 (Violation), the referrers of a 5012 (EntityInUse); \
                            otherwise empty.",
                        "items": {"anyOf": [reference("Violation"), reference("EntityInUse")]}
                    }
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

    /// The served file is what the table generates; `UPDATE=1 cargo test
    /// -p mdm-worker openapi` writes it again after a change to the table.
    #[test]
    fn the_served_document_is_the_tables() {
        let want = serde_json::to_string(&document()).unwrap();
        crate::checked_in::assert_generated("../admin/openapi.json", &want, "openapi");
    }

    #[test]
    fn every_visible_row_is_documented_once() {
        let doc = document();
        let mut operations = 0;
        for e in ENDPOINTS {
            let op = &doc["paths"][template(e.path)][e.method.to_ascii_lowercase()];
            if e.hidden.is_some() {
                assert!(op.is_null(), "{} is hidden but documented", e.name);
                continue;
            }
            operations += 1;
            assert_eq!(op["operationId"], e.name);
            assert_eq!(
                op["x-permission"].as_str(),
                e.gate.permission().map(|p| p.name),
                "{}",
                e.name
            );
        }
        let documented: usize = doc["paths"]
            .as_object()
            .unwrap()
            .values()
            .map(|item| item.as_object().unwrap().len())
            .sum();
        assert_eq!(documented, operations);
    }

    #[test]
    fn every_table_permission_is_defined_in_the_core() {
        for e in ENDPOINTS {
            if let Some(p) = e.gate.permission() {
                assert_eq!(mdm_core::permissions::find(p.name), Some(&p), "{}", e.name);
            }
        }
    }

    /// The statuses of a row follow from its gate, path ids, query, body and
    /// refusals, and from nothing else.
    #[test]
    fn documented_errors_follow_from_the_gate() {
        for e in ENDPOINTS {
            let statuses: Vec<u16> = errors(e).into_iter().map(|(s, _)| s).collect();
            let has = |s: u16| statuses.contains(&s);
            assert_eq!(
                has(401),
                e.gate.needs_bearer() || matches!(e.gate, Gate::DeviceSecret),
                "{}",
                e.name
            );
            assert_eq!(has(403), e.gate.permission().is_some(), "{}", e.name);
            assert_eq!(has(413), e.body.is_some(), "{}", e.name);
            assert_eq!(has(415), e.body.is_some(), "{}", e.name);
            let org = matches!(
                e.gate,
                Gate::Organization(_) | Gate::OrganizationFeature(..) | Gate::Enterprise(_)
            );
            let ids = e.params().any(|p| ParamKind::of(p) != ParamKind::Organization);
            let unknown = e.refusals.contains(&Refusal::UnknownCredential);
            assert_eq!(has(404), org || ids || unknown, "{}", e.name);
            assert_eq!(
                has(409),
                e.refusals.contains(&Refusal::StateTransition)
                    || e.refusals.contains(&Refusal::LastOwner)
                    || e.refusals.contains(&Refusal::InUse)
                    || e.idempotent,
                "{}",
                e.name
            );
            let bad_input = e.body.is_some()
                || !matches!(e.query, QueryKind::None)
                || matches!(e.gate, Gate::Organization(_) | Gate::OrganizationFeature(..))
                || e.params()
                    .any(|p| matches!(ParamKind::of(p), ParamKind::ObjectId | ParamKind::SegmentId))
                || e.refusals.contains(&Refusal::Quota);
            assert_eq!(has(400), bad_input, "{}", e.name);
            assert_eq!(has(503), e.gate.needs_bearer(), "{}", e.name);
            assert_eq!(has(429), e.gate.needs_bearer() || e.device_side, "{}", e.name);
            let allowed = [400, 401, 403, 404, 409, 413, 415, 429, 503];
            assert!(statuses.iter().all(|s| allowed.contains(s)), "{}: {statuses:?}", e.name);
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
        for e in ENDPOINTS {
            for link in e.links {
                assert!(
                    ENDPOINTS.iter().any(|o| o.name == link.op && o.hidden.is_none()),
                    "link to undocumented {}",
                    link.op
                );
            }
            if let Some(body) = e.body {
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
