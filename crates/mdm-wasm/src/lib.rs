//! wasm-bindgen bindings over mdm-core, published as the npm package
//! `@mdm-edge/client` (`pkg/`). Every export is a thin shell: the rules live in
//! mdm-core and are the very functions the worker calls, so a browser form and
//! the API report the same violations for the same input.
//!
//! JavaScript names are camelCase. Validators never throw on bad data: they
//! return the violation list (empty when valid). They throw only when called
//! wrongly (an unknown body or resource name).

pub mod convert;
pub mod qr;
pub mod specs;
#[cfg(not(target_arch = "wasm32"))]
pub mod ts;

use js_sys::{Array, Reflect};
use mdm_core::catalog;
use mdm_core::lifecycle::{Platform, TokenFacts, TokenStatus};
use mdm_core::pagination::{self, Direction, ExpandTo, ListQuery, ListSpec};
use mdm_core::requests::{aosp, device, google, windows};
use mdm_core::violation::Violation;
use serde_json::Value;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!(concat!(env!("OUT_DIR"), "/types.d.ts"));

fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

fn range_error(message: &str) -> JsValue {
    js_sys::RangeError::new(message).into()
}

// ---- validation --------------------------------------------------------------

/// Violations of a JavaScript value against request `name`, or the exception
/// to rethrow (a throwing getter or `toJSON`).
fn check_value(name: &str, body: &JsValue) -> Result<Vec<Violation>, JsValue> {
    let value = match convert::to_json(body) {
        Ok(v) => v.unwrap_or(Value::Null),
        Err(failure) => return failure.into_violation().map(|v| vec![v]),
    };
    catalog::violations_of(name, &value).ok_or_else(|| unknown_body(name))
}

fn unknown_body(name: &str) -> JsValue {
    type_error(&format!("unknown request body \"{name}\"; see requestBodyNames()"))
}

/// Every violation of `body` against the request body called `name` (see
/// `requestBodyNames()`); an empty array when the body is valid. `body` is
/// read as `JSON.stringify` would send it.
#[wasm_bindgen(js_name = validate, unchecked_return_type = "Violation[]")]
pub fn validate(
    #[wasm_bindgen(unchecked_param_type = "RequestBodyName")] name: &str,
    #[wasm_bindgen(unchecked_param_type = "unknown")] body: JsValue,
) -> Result<Array, JsValue> {
    check_value(name, &body).map(|v| convert::violations(&v))
}

/// Like `validate`, for a JSON text (what a request would carry). Empty or
/// malformed text gives the violation the server answers with.
#[wasm_bindgen(js_name = validateJson, unchecked_return_type = "Violation[]")]
pub fn validate_json(
    #[wasm_bindgen(unchecked_param_type = "RequestBodyName")] name: &str,
    text: &str,
) -> Result<Array, JsValue> {
    if !VALIDATOR_NAMES.iter().any(|(_, n)| *n == name) {
        return Err(unknown_body(name));
    }
    let violations = match parse_body_text(text) {
        Ok(value) => catalog::violations_of(name, &value).unwrap_or_default(),
        Err(v) => vec![v],
    };
    Ok(convert::violations(&violations))
}

/// The package's `validate` (pkg/src/validate.js) after `JSON.stringify`:
/// `undefined` when the text does not parse (nesting deeper than serde_json's
/// limit, a lone surrogate), and the JavaScript side then falls back to
/// `validate` (the object walk), so those inputs keep the walk's violations.
/// Otherwise `null` (valid) or the violations as JSON text. As with the walk,
/// an unknown `name` throws only once the body has been read.
#[doc(hidden)]
#[wasm_bindgen(js_name = __validateStringified, skip_typescript)]
pub fn validate_stringified(name: &str, text: &str) -> Result<JsValue, JsValue> {
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        return Ok(JsValue::UNDEFINED);
    };
    let violations = catalog::violations_of(name, &value).ok_or_else(|| unknown_body(name))?;
    Ok(convert::violations_text(&violations))
}

/// The package's `validateJson` (pkg/src/validate.js): `validateJson` with the
/// violations as one JSON text (`null` when valid) for `JSON.parse`.
#[doc(hidden)]
#[wasm_bindgen(js_name = __validateJsonText, skip_typescript)]
pub fn validate_json_text(name: &str, text: &str) -> Result<JsValue, JsValue> {
    if !VALIDATOR_NAMES.iter().any(|(_, n)| *n == name) {
        return Err(unknown_body(name));
    }
    Ok(match parse_body_text(text) {
        Ok(value) => convert::violations_text(&catalog::violations_of(name, &value).unwrap_or_default()),
        Err(v) => convert::violations_text(&[v]),
    })
}

/// The server's reading of a request body text: `mdm_core::parse_body_text`.
pub fn parse_body_text(text: &str) -> Result<Value, Violation> {
    mdm_core::parse_body_text(text.as_bytes())
}

/// The names `validate` accepts.
#[wasm_bindgen(js_name = requestBodyNames, unchecked_return_type = "RequestBodyName[]")]
pub fn request_body_names() -> Array {
    // Not from `catalog::ENTRIES`: that would link every resource schema too.
    VALIDATOR_NAMES.iter().map(|(_, n)| JsValue::from_str(n)).collect()
}

/// One exported validator per request body: `validate<Name>(body)`.
macro_rules! validators {
    ($($rust:ident => $js:literal, $ty:ty, $ts:literal;)*) => {
        $(
            #[doc = concat!("Every violation of `body` as a `", $ts, "` (empty when valid).")]
            #[wasm_bindgen(js_name = $js, unchecked_return_type = "Violation[]")]
            pub fn $rust(#[wasm_bindgen(unchecked_param_type = "unknown")] body: JsValue) -> Result<Array, JsValue> {
                check_value(<$ty as mdm_core::RequestBody>::NAME, &body).map(|v| convert::violations(&v))
            }
        )*
        /// (JavaScript name, request body name) of every per-body validator.
        pub const VALIDATOR_NAMES: &[(&str, &str)] = &[$(($js, <$ty as mdm_core::RequestBody>::NAME)),*];
    };
}

use mdm_core::requests::admin;
validators! {
    validate_aosp_enrollment_token_create => "validateAospEnrollmentTokenCreate", aosp::AospTokenCreate, "AospEnrollmentTokenCreate";
    validate_aosp_device_update => "validateAospDeviceUpdate", aosp::AospDeviceUpdate, "AospDeviceUpdate";
    validate_win_enrollment_token_create => "validateWinEnrollmentTokenCreate", windows::WinTokenCreate, "WinEnrollmentTokenCreate";
    validate_win_enrollment_token_update => "validateWinEnrollmentTokenUpdate", windows::WinTokenUpdate, "WinEnrollmentTokenUpdate";
    validate_win_policy_create => "validateWinPolicyCreate", windows::WinPolicyCreate, "WinPolicyCreate";
    validate_google_enrollment_token_create => "validateGoogleEnrollmentTokenCreate", google::GoogleTokenCreate, "GoogleEnrollmentTokenCreate";
    validate_organization_create => "validateOrganizationCreate", admin::OrganizationCreate, "OrganizationCreate";
    validate_segment_create => "validateSegmentCreate", admin::SegmentCreate, "SegmentCreate";
    validate_mdm_user_create => "validateMdmUserCreate", admin::MdmUserCreate, "MdmUserCreate";
    validate_aosp_policy_create => "validateAospPolicyCreate", admin::AospPolicyCreate, "AospPolicyCreate";
    validate_dpc_build_create => "validateDpcBuildCreate", admin::DpcBuildCreate, "DpcBuildCreate";
    validate_enroll_aosp => "validateEnrollAosp", device::EnrollAosp, "EnrollAosp";
    validate_enroll_windows => "validateEnrollWindows", device::EnrollWindows, "EnrollWindows";
    validate_aosp_status_report => "validateAospStatusReport", device::AospStatusReport, "AospStatusReport";
}

// ---- list queries --------------------------------------------------------------

fn list_spec(resource: &str) -> Result<&'static ListSpec, JsValue> {
    specs::list_spec(resource)
        .ok_or_else(|| type_error(&format!("unknown list resource \"{resource}\"; see listResources()")))
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
    v.as_f64().map(|n| match convert::number(n) {
        Value::Number(n) => n.to_string(),
        // NaN / Infinity (the parser rejects the text); not `f64::to_string`,
        // which would link float formatting into the wasm.
        _ => String::from("NaN"),
    })
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
                    type_error(&format!(
                        "list parameter \"{key}\" must be a string, a number or a boolean"
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
            Err(range_error(&format!("{name} must be a non-negative safe integer")))
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
            Err(type_error(&format!("{what} must be a finite number of milliseconds")))
        };
    }
    match v.as_string().and_then(|s| mdm_core::time::parse_rfc3339(&s)) {
        Some(ms) => Ok(Some(ms)),
        None => Err(type_error(&format!(
            "{what} must be milliseconds or an RFC 3339 timestamp"
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
/// `JSON.stringify` of it equals the server's `config.qrCode` text.
#[wasm_bindgen(js_name = provisioningExtras, unchecked_return_type = "Record<string, unknown>")]
pub fn provisioning_extras(
    #[wasm_bindgen(js_name = tokenValue)] token_value: &str,
    #[wasm_bindgen(js_name = enrollmentHost)] enrollment_host: &str,
    #[wasm_bindgen(unchecked_param_type = "DpcBuildRef | null | undefined")] dpc: JsValue,
) -> Result<JsValue, JsValue> {
    let dpc_fields = if dpc.is_undefined() || dpc.is_null() {
        None
    } else {
        let field = |k: &str| {
            get(&dpc, k)
                .as_string()
                .ok_or_else(|| type_error(&format!("dpc.{k} must be a string")))
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
    // Returned as an object rather than text: serializing JSON in Rust would
    // link serde_json's writer into the wasm for this one function.
    Ok(convert::from_json(&mdm_core::payload::aosp_provisioning_extras(
        build.as_ref(),
        token_value,
        enrollment_host,
    )))
}

/// An SVG document of `text` as a QR code (error correction `L`, `M`
/// (default), `Q` or `H`; 4 modules of quiet zone; scales to its container).
#[wasm_bindgen(js_name = qrSvg)]
pub fn qr_svg(text: &str, ec: Option<String>) -> Result<String, JsValue> {
    let level = qr::ec_level(ec.as_deref()).ok_or_else(|| type_error("error correction must be L, M, Q or H"))?;
    qr::svg(text, level).map_err(|e| range_error(&format!("cannot encode as a QR code: {e}")))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_request_body_has_a_validator_named_after_it() {
        let requests: Vec<&str> = catalog::ENTRIES
            .iter()
            .filter(|e| e.kind == catalog::Kind::Request)
            .map(|e| e.name)
            .collect();
        assert_eq!(
            requests.len(),
            VALIDATOR_NAMES.len(),
            "a request body without a validator"
        );
        for (js, name) in VALIDATOR_NAMES {
            assert_eq!(*js, format!("validate{name}"));
            assert!(requests.contains(name));
        }
    }

    #[test]
    fn body_text_is_read_like_the_server() {
        assert_eq!(parse_body_text(" \n").unwrap_err().code.as_str(), "required");
        let e = parse_body_text("{\"a\":").unwrap_err();
        assert_eq!((e.path.as_str(), e.code.as_str()), ("", "format"));
        assert!(
            e.message.starts_with("malformed JSON: EOF while parsing"),
            "{}",
            e.message
        );
        assert_eq!(parse_body_text("{\"a\": 1}").unwrap(), serde_json::json!({"a": 1}));
    }
}

// dlmalloc (Rust's default on wasm32) is ~7 kB of the wasm; talc is smaller and
// faster (measured: -7 kB raw, -2.5 kB gzip).
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
