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
use mdm_core::lifecycle::{Platform, TokenFacts, TokenStatus};
use mdm_core::pagination::{self, Direction, ExpandTo, ListQuery, ListSpec};
use mdm_core::violation::Violation;
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

mod validation;

// ---- list queries --------------------------------------------------------------

// The list-query exports answer JSON text, which pkg/src/list.js parses:
// building the objects here through js_sys took more wasm than the parser.

/// The resource names `parseListQuery` and `buildListQuery` accept.
#[wasm_bindgen(js_name = listResources, unchecked_return_type = "ListResource[]")]
pub fn list_resources() -> Array {
    specs::LISTS.iter().map(|s| JsValue::from_str(s.name)).collect()
}

/// `{"ok":true,"value":` + `value` + `}`.
fn checked_ok(value: &str) -> String {
    concat("{\"ok\":true,\"value\":", value, "}")
}

fn checked_err(violations: &[Violation]) -> String {
    concat(
        "{\"ok\":false,\"violations\":",
        &mdm_core::json_text::violations(violations),
        "}",
    )
}

/// A `ListQuery` as the JSON text of the object `parseListQuery` answers.
fn list_query_json(q: &ListQuery) -> String {
    use mdm_core::json_text::{push_str_literal as lit, push_u64};
    let mut o = String::with_capacity(160);
    o.push_str("{\"page\":");
    push_u64(&mut o, q.page);
    o.push_str(",\"limit\":");
    push_u64(&mut o, q.limit);
    o.push_str(",\"sort\":{\"field\":");
    lit(&mut o, q.sort.field);
    o.push_str(",\"direction\":");
    lit(
        &mut o,
        match q.sort.direction {
            Direction::Asc => "asc",
            Direction::Desc => "desc",
        },
    );
    o.push_str("},\"status\":[");
    for (i, s) in q.statuses.iter().enumerate() {
        if i > 0 {
            o.push(',');
        }
        lit(&mut o, s);
    }
    o.push_str("],\"filters\":{");
    for (i, (k, v)) in q.id_filters.iter().enumerate() {
        if i > 0 {
            o.push(',');
        }
        lit(&mut o, k);
        o.push(':');
        lit(&mut o, v);
    }
    o.push('}');
    if let Some(s) = q.segment_id {
        o.push_str(",\"segmentId\":");
        push_u64(&mut o, s);
    }
    if let Some(e) = q.expand_to {
        o.push_str(",\"expandTo\":");
        lit(
            &mut o,
            if e == ExpandTo::Children {
                "children"
            } else {
                "ancestors"
            },
        );
    }
    for (key, bound) in [(",\"from\":", &q.from), (",\"to\":", &q.to)] {
        if let Some(b) = bound {
            o.push_str(key);
            lit(&mut o, &b.text);
        }
    }
    o.push('}');
    o
}

/// The server's reading of `query` for `resource`, as JSON text: `ok`
/// writes the value; `None` for an unknown resource.
fn list_answer(resource: &str, query: &str, ok: fn(&ListSpec, &ListQuery) -> String) -> Option<String> {
    let spec = specs::list_spec(resource)?;
    Some(
        match pagination::parse_list_query(spec, &mdm_core::query_string::decode_pairs(query)) {
            Ok(q) => checked_ok(&ok(spec, &q)),
            Err(v) => checked_err(&v),
        },
    )
}

/// `parseListQuery` (pkg/src/list.js): a list endpoint's query string read as
/// the server reads it, as the JSON text of `Checked<ListQuery>`; `None` for
/// an unknown resource.
#[doc(hidden)]
#[wasm_bindgen(js_name = __parseListQuery, skip_typescript)]
pub fn parse_list_query(resource: &str, query: &str) -> Option<String> {
    list_answer(resource, query, |_, q| list_query_json(q))
}

/// `tryBuildListQuery` (pkg/src/list.js): the parameters, which JavaScript
/// writes as a query string, checked by the server's parser and written back
/// without defaults, as the JSON text of `Checked<string>`; `None` for an
/// unknown resource.
#[doc(hidden)]
#[wasm_bindgen(js_name = __buildListQuery, skip_typescript)]
pub fn build_list_query(resource: &str, params: &str) -> Option<String> {
    list_answer(resource, params, |spec, q| {
        // Every value was validated (digits, enum names, hex ids, the sort
        // pattern), so the text needs no percent-encoding.
        let mut text = String::new();
        mdm_core::json_text::push_str_literal(&mut text, &pagination::to_query_string(spec, q));
        text
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
//
// pkg/src/lifecycle.js reads the token object (`TokenLike`) and passes its
// facts as plain numbers and strings: reading properties through js_sys took
// more wasm than the rules themselves. The rules stay mdm-core's.

/// Milliseconds of an RFC 3339 timestamp, or NaN when `text` is not one.
#[doc(hidden)]
#[wasm_bindgen(js_name = __millis, skip_typescript)]
pub fn millis(text: &str) -> f64 {
    mdm_core::time::parse_rfc3339(text).map_or(f64::NAN, |ms| ms as f64)
}

/// The lifecycle rule `rule` (0 `effectiveStatus`, 1 `canEnroll`, 2
/// `timeLeft`) for a token with status `status`, at `now` (ms); `expires_at`
/// is NaN for none. `effectiveStatus` answers the status's index in
/// `TokenStatus::ALL` (pkg/src/lifecycle.js `STATUSES`), `canEnroll` 0 or 1, `timeLeft` ms or NaN for `null`;
/// -1 when `status` is not a token status.
#[doc(hidden)]
#[wasm_bindgen(js_name = __lifecycle, skip_typescript)]
pub fn lifecycle(rule: u8, status: &str, perpetual: bool, windows: bool, expires_at: f64, now: f64) -> f64 {
    let Some(status) = TokenStatus::parse(status) else {
        return -1.0;
    };
    let facts = TokenFacts {
        platform: if windows { Platform::Windows } else { Platform::Aosp },
        status,
        perpetual,
        expires_at: (!expires_at.is_nan()).then_some(expires_at as i64),
    };
    let now = now as i64;
    match rule {
        0 => {
            let s = facts.effective_status(now);
            TokenStatus::ALL.iter().position(|t| *t == s).map_or(-1.0, |i| i as f64)
        }
        1 => f64::from(u8::from(facts.can_enroll(now))),
        _ => facts.time_left(now).map_or(f64::NAN, |ms| ms as f64),
    }
}

// ---- enrollment payloads and QR codes ---------------------------------------------

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

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

#[cfg(test)]
mod tests {
    use mdm_core::violation::ViolationCode;

    /// The strings of the one-line JavaScript array `const <name> = [...]` in `js`.
    fn js_strings<'a>(js: &'a str, name: &str) -> Vec<&'a str> {
        let start = format!("const {name} = [");
        let line = js
            .lines()
            .find(|l| l.starts_with(&start))
            .unwrap_or_else(|| panic!("no {name}"));
        line.split('"').skip(1).step_by(2).collect()
    }

    /// `validate.js` names the violation codes the wasm writes as numbers.
    #[test]
    fn js_codes_are_the_violation_codes() {
        let codes: Vec<&str> = ViolationCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(js_strings(include_str!("../../../pkg/src/validate.js"), "CODES"), codes);
    }

    /// `effectiveStatus` names the wasm's answer by this list's order.
    #[test]
    fn js_statuses_are_the_token_statuses_in_order() {
        let statuses: Vec<&str> = mdm_core::lifecycle::TokenStatus::ALL
            .iter()
            .map(|s| s.as_str())
            .collect();
        assert_eq!(
            js_strings(include_str!("../../../pkg/src/lifecycle.js"), "STATUSES"),
            statuses
        );
    }
}
