//! wasm-bindgen bindings over mdm-core, published as the npm package
//! `@mdm-edge/client` (`pkg/`). Every export is a thin shell: the rules live in
//! mdm-core and are the very functions the worker calls, so a browser form and
//! the API report the same violations for the same input.
//!
//! JavaScript names are camelCase. Validators never throw on bad data: they
//! return the violation list (empty when valid). They throw only when called
//! wrongly (an unknown body or resource name).

pub mod convert;
pub mod specs;
#[cfg(not(target_arch = "wasm32"))]
pub mod ts;

use js_sys::{Array, Reflect};
use mdm_core::catalog;
use mdm_core::lifecycle::{Platform, TokenFacts, TokenStatus};
use mdm_core::pagination::{self, Direction, ExpandTo, ListQuery, ListSpec};
use mdm_core::violation::Violation;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!(concat!(env!("OUT_DIR"), "/types.d.ts"));

fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

fn range_error(message: &str) -> JsValue {
    js_sys::RangeError::new(message).into()
}

/// `a` + `b` + `c`: messages without `format!` (see `mdm_core::json_text`).
fn concat(a: &str, b: &str, c: &str) -> String {
    let mut s = String::with_capacity(a.len() + b.len() + c.len());
    s.push_str(a);
    s.push_str(b);
    s.push_str(c);
    s
}

// ---- validation --------------------------------------------------------------
//
// The JavaScript side (pkg/src/validate.js) writes a body's JSON text with
// `TextEncoder.encodeInto` straight into `INPUT` (no per-character copy
// loop), calls `__check`, and reads nothing back for a valid body. Violations
// come back as one JSON text in `OUTPUT` for `JSON.parse`.

thread_local! {
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static OUTPUT: RefCell<String> = const { RefCell::new(String::new()) };
}

/// The address of an input buffer of at least `len` bytes, reused across calls.
#[doc(hidden)]
#[wasm_bindgen(js_name = __input, skip_typescript)]
pub fn input(len: usize) -> usize {
    INPUT.with(|b| {
        let mut b = b.borrow_mut();
        if b.len() < len {
            b.resize(len, 0);
        }
        b.as_mut_ptr() as usize
    })
}

/// Validates the first `len` input bytes as request body number `body` (of
/// `requestBodyNames()`): 0 when valid, else the byte length of the
/// violations' JSON text in `__output()`, negated when the text is blank or
/// not JSON (its one violation is then the server's `required` / `format`).
#[doc(hidden)]
#[wasm_bindgen(js_name = __check, skip_typescript)]
pub fn check(body: usize, len: usize) -> i32 {
    let Some(request) = catalog::REQUESTS.get(body) else {
        return 0;
    };
    let (violations, malformed) = INPUT.with(|b| {
        let b = b.borrow();
        match (request.check)(&b[..len.min(b.len())]) {
            Ok(list) => (list, false),
            Err(v) => (vec![v], true),
        }
    });
    if violations.is_empty() {
        return 0;
    }
    let text = mdm_core::json_text::violations(&violations);
    let n = text.len() as i32;
    OUTPUT.with(|o| *o.borrow_mut() = text);
    if malformed {
        -n
    } else {
        n
    }
}

/// Where `__check` left the violations' JSON text.
#[doc(hidden)]
#[wasm_bindgen(js_name = __output, skip_typescript)]
pub fn output() -> usize {
    OUTPUT.with(|o| o.borrow().as_ptr() as usize)
}

/// The wasm's memory, for the JavaScript side to write and read the buffers.
#[doc(hidden)]
#[wasm_bindgen(js_name = __memory, skip_typescript)]
pub fn memory() -> JsValue {
    wasm_bindgen::memory()
}

/// The names `validate` accepts.
#[wasm_bindgen(js_name = requestBodyNames, unchecked_return_type = "RequestBodyName[]")]
pub fn request_body_names() -> Array {
    catalog::REQUESTS.iter().map(|r| JsValue::from_str(r.name)).collect()
}

// ---- list queries --------------------------------------------------------------

fn list_spec(resource: &str) -> Result<&'static ListSpec, JsValue> {
    specs::list_spec(resource)
        .ok_or_else(|| type_error(&concat("unknown list resource \"", resource, "\"; see listResources()")))
}

/// The resource names `parseListQuery` and `buildListQuery` accept.
#[wasm_bindgen(js_name = listResources, unchecked_return_type = "ListResource[]")]
pub fn list_resources() -> Array {
    specs::LISTS.iter().map(|s| JsValue::from_str(s.name)).collect()
}

fn checked_ok(value: JsValue) -> JsValue {
    convert::object(&[("ok", JsValue::TRUE), ("value", value)])
}

fn checked_err(violations: &[Violation]) -> JsValue {
    convert::object(&[
        ("ok", JsValue::FALSE),
        ("violations", convert::violations(violations).into()),
    ])
}

fn list_query_js(q: &ListQuery) -> JsValue {
    let direction = match q.sort.direction {
        Direction::Asc => "asc",
        Direction::Desc => "desc",
    };
    let sort = convert::object(&[
        ("field", JsValue::from_str(q.sort.field)),
        ("direction", JsValue::from_str(direction)),
    ]);
    let status: Array = q.statuses.iter().map(|s| JsValue::from_str(s)).collect();
    let filters = convert::object(
        &q.id_filters
            .iter()
            .map(|(k, v)| (*k, JsValue::from_str(v)))
            .collect::<Vec<_>>(),
    );
    let mut pairs = vec![
        ("page", JsValue::from_f64(q.page as f64)),
        ("limit", JsValue::from_f64(q.limit as f64)),
        ("sort", sort),
        ("status", status.into()),
        ("filters", filters),
    ];
    if let Some(s) = q.segment_id {
        pairs.push(("segmentId", JsValue::from_f64(s as f64)));
    }
    if let Some(e) = q.expand_to {
        let e = if e == ExpandTo::Children {
            "children"
        } else {
            "ancestors"
        };
        pairs.push(("expandTo", JsValue::from_str(e)));
    }
    for (key, bound) in [("from", &q.from), ("to", &q.to)] {
        if let Some(b) = bound {
            pairs.push((key, JsValue::from_str(&b.text)));
        }
    }
    convert::object(&pairs)
}

/// Reads a list endpoint's query string (with or without `?`) as the server
/// does: `{ok: true, value: ListQuery}` with defaults applied, or
/// `{ok: false, violations}`.
#[wasm_bindgen(js_name = parseListQuery, unchecked_return_type = "Checked<ListQuery>")]
pub fn parse_list_query(
    #[wasm_bindgen(unchecked_param_type = "ListResource")] resource: &str,
    query: &str,
) -> Result<JsValue, JsValue> {
    let spec = list_spec(resource)?;
    Ok(
        match pagination::parse_list_query(spec, &mdm_core::query_string::decode_pairs(query)) {
            Ok(q) => checked_ok(list_query_js(&q)),
            Err(v) => checked_err(&v),
        },
    )
}

/// Text of one query parameter value, as `String(value)` would write it.
fn param_text(v: &JsValue) -> Option<String> {
    if let Some(s) = v.as_string() {
        return Some(s);
    }
    if let Some(b) = v.as_bool() {
        return Some(b.to_string());
    }
    // JavaScript's own `Number.prototype.toString`, which is `String(n)`;
    // not `f64::to_string`, which would link float formatting into the wasm.
    v.dyn_ref::<js_sys::Number>()
        .and_then(|n| n.to_string_with_radix(10).ok())
        .map(String::from)
}

/// Builds a list query string from parameters (`{page: 2, status: ["DONE"]}`),
/// checked by the server's parser: `{ok: true, value: "page=2&status=DONE"}`
/// (defaults left out, no leading `?`) or `{ok: false, violations}`.
/// `undefined` and `null` parameters are left out; arrays become comma lists.
#[wasm_bindgen(js_name = tryBuildListQuery, unchecked_return_type = "Checked<string>")]
pub fn try_build_list_query(
    #[wasm_bindgen(unchecked_param_type = "ListResource")] resource: &str,
    #[wasm_bindgen(unchecked_param_type = "ListParams[ListResource]")] params: JsValue,
) -> Result<JsValue, JsValue> {
    let spec = list_spec(resource)?;
    let mut pairs: Vec<(String, String)> = Vec::new();
    if !params.is_undefined() && !params.is_null() {
        if !params.is_object() {
            return Err(type_error("list parameters must be an object"));
        }
        for entry in js_sys::Object::entries(params.unchecked_ref()).iter() {
            let pair: &Array = entry.unchecked_ref();
            let key = pair.get(0).as_string().unwrap_or_default();
            let value = pair.get(1);
            if value.is_undefined() || value.is_null() {
                continue;
            }
            let text = if Array::is_array(&value) {
                let parts: Vec<String> = value
                    .unchecked_ref::<Array>()
                    .iter()
                    .map(|item| param_text(&item).unwrap_or_default())
                    .collect();
                parts.join(",")
            } else {
                param_text(&value).ok_or_else(|| {
                    type_error(&concat(
                        "list parameter \"",
                        &key,
                        "\" must be a string, a number or a boolean",
                    ))
                })?
            };
            pairs.push((key, text));
        }
    }
    Ok(match pagination::parse_list_query(spec, &pairs) {
        // Every value was validated (digits, enum names, hex ids, the sort
        // pattern), so the text needs no percent-encoding.
        Ok(q) => checked_ok(JsValue::from_str(&pagination::to_query_string(spec, &q))),
        Err(v) => checked_err(&v),
    })
}

/// Pagination counters (mongoose-paginate-v2 arithmetic), as the server
/// computes them for a list response.
#[wasm_bindgen(js_name = pageMeta, unchecked_return_type = "PageMeta")]
pub fn page_meta(
    #[wasm_bindgen(js_name = totalDocs)] total_docs: f64,
    page: f64,
    limit: f64,
) -> Result<JsValue, JsValue> {
    let as_count = |name: &str, n: f64| -> Result<u64, JsValue> {
        if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= mdm_core::schema::MAX_SAFE_INTEGER as f64 {
            Ok(n as u64)
        } else {
            Err(range_error(&concat(name, " must be a non-negative safe integer", "")))
        }
    };
    let m = pagination::page_meta(
        as_count("totalDocs", total_docs)?,
        as_count("page", page)?,
        as_count("limit", limit)?,
    );
    let opt = |p: Option<u64>| p.map_or(JsValue::NULL, |n| JsValue::from_f64(n as f64));
    Ok(convert::object(&[
        ("totalDocs", JsValue::from_f64(m.total_docs as f64)),
        ("limit", JsValue::from_f64(m.limit as f64)),
        ("hasPrevPage", JsValue::from_bool(m.prev_page.is_some())),
        ("hasNextPage", JsValue::from_bool(m.next_page.is_some())),
        ("page", JsValue::from_f64(m.page as f64)),
        ("totalPages", JsValue::from_f64(m.total_pages as f64)),
        ("prevPage", opt(m.prev_page)),
        ("nextPage", opt(m.next_page)),
    ]))
}

// ---- lifecycle ---------------------------------------------------------------------

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A timestamp as milliseconds: a number, or an RFC 3339 string.
fn millis(v: &JsValue, what: &str) -> Result<Option<i64>, JsValue> {
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    if let Some(n) = v.as_f64() {
        return if n.is_finite() {
            Ok(Some(n as i64))
        } else {
            Err(type_error(&concat(
                what,
                " must be a finite number of milliseconds",
                "",
            )))
        };
    }
    match v.as_string().and_then(|s| mdm_core::time::parse_rfc3339(&s)) {
        Some(ms) => Ok(Some(ms)),
        None => Err(type_error(&concat(
            what,
            " must be milliseconds or an RFC 3339 timestamp",
            "",
        ))),
    }
}

/// The lifecycle facts of a token object (see `TokenLike`).
fn facts(token: &JsValue) -> Result<TokenFacts, JsValue> {
    if !token.is_object() {
        return Err(type_error("token must be an object"));
    }
    let status_value = match get(token, "status") {
        s if s.is_string() => s,
        _ => get(token, "state"),
    };
    let status = status_value
        .as_string()
        .and_then(|s| TokenStatus::parse(&s))
        .ok_or_else(|| type_error("token.status (or token.state) must be a token status such as \"PENDING\""))?;
    let perpetual = get(token, "perpetual").as_bool().unwrap_or(false);
    let mut expires_at = millis(&get(token, "expiresAt"), "token.expiresAt")?;
    if expires_at.is_none() {
        expires_at = millis(&get(token, "expireAt"), "token.expireAt")?;
    }
    if expires_at.is_none() {
        let summary = get(token, "summary");
        if summary.is_object() {
            expires_at = millis(
                &get(&summary, "expirationTimestamp"),
                "token.summary.expirationTimestamp",
            )?;
        }
    }
    let platform = if get(token, "winEnterpriseId").is_undefined() {
        Platform::Aosp
    } else {
        Platform::Windows
    };
    Ok(TokenFacts {
        platform,
        status,
        perpetual,
        expires_at,
    })
}

fn now_or(now: Option<f64>) -> i64 {
    now.unwrap_or_else(js_sys::Date::now) as i64
}

/// The status a reader sees at `now` (milliseconds; default: the current
/// time): a PENDING token past its expiry is EXPIRED.
#[wasm_bindgen(js_name = effectiveStatus, unchecked_return_type = "TokenStatus")]
pub fn effective_status(
    #[wasm_bindgen(unchecked_param_type = "TokenLike")] token: JsValue,
    now: Option<f64>,
) -> Result<String, JsValue> {
    Ok(facts(&token)?.effective_status(now_or(now)).as_str().to_owned())
}

/// Whether a device may still enroll with the token at `now`.
#[wasm_bindgen(js_name = canEnroll)]
pub fn can_enroll(
    #[wasm_bindgen(unchecked_param_type = "TokenLike")] token: JsValue,
    now: Option<f64>,
) -> Result<bool, JsValue> {
    Ok(facts(&token)?.can_enroll(now_or(now)))
}

/// Milliseconds until the token expires (0 once expired), or `null` for a
/// token that never expires.
#[wasm_bindgen(js_name = timeLeft, unchecked_return_type = "number | null")]
pub fn time_left(
    #[wasm_bindgen(unchecked_param_type = "TokenLike")] token: JsValue,
    now: Option<f64>,
) -> Result<JsValue, JsValue> {
    Ok(facts(&token)?
        .time_left(now_or(now))
        .map_or(JsValue::NULL, |ms| JsValue::from_f64(ms as f64)))
}

// ---- enrollment payloads and QR codes ---------------------------------------------

/// The Android provisioning extras of an AOSP token, as an object (the
/// package's `provisioningPayload` is its JSON text, what a provisioning QR code
/// carries). Without `dpc` the extras still carry the token and host (for
/// devices with the DPC preinstalled). Keys come in the server's order, so
/// `JSON.stringify` of it equals the server's `config.qrCode` text. (The wasm
/// returns the JSON text; pkg/src/api.js parses it.)
#[wasm_bindgen(js_name = provisioningExtras, unchecked_return_type = "Record<string, unknown>")]
pub fn provisioning_extras(
    #[wasm_bindgen(js_name = tokenValue)] token_value: &str,
    #[wasm_bindgen(js_name = enrollmentHost)] enrollment_host: &str,
    #[wasm_bindgen(unchecked_param_type = "DpcBuildRef | null | undefined")] dpc: JsValue,
) -> Result<String, JsValue> {
    let dpc_fields = if dpc.is_undefined() || dpc.is_null() {
        None
    } else {
        let field = |k: &str| {
            get(&dpc, k)
                .as_string()
                .ok_or_else(|| type_error(&concat("dpc.", k, " must be a string")))
        };
        Some((
            field("componentName")?,
            field("downloadUrl")?,
            field("signatureChecksum")?,
        ))
    };
    let build = dpc_fields.as_ref().map(|(c, d, s)| mdm_core::payload::DpcBuild {
        component_name: c,
        download_url: d,
        signature_checksum: s,
    });
    Ok(mdm_core::payload::aosp_provisioning_extras_json(
        build.as_ref(),
        token_value,
        enrollment_host,
    ))
}

/// The Windows `ms-device-enrollment:` deep link that opens Settings with the
/// MDM enrollment prefilled.
#[wasm_bindgen(js_name = windowsEnrollmentLink)]
pub fn windows_enrollment_link(
    username: &str,
    #[wasm_bindgen(js_name = serverName)] server_name: &str,
    #[wasm_bindgen(js_name = accessToken)] access_token: &str,
) -> String {
    mdm_core::payload::windows_enrollment_link(username, server_name, access_token)
}

// dlmalloc (Rust's default on wasm32) is ~7 kB of the wasm; talc is smaller and
// faster (measured: -7 kB raw, -2.5 kB gzip).
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
