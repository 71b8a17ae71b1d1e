//! Response builders: the success envelope and the rendering of [`ApiError`].

use serde::Serialize;
use worker::{Headers, Response, ResponseBody};

use super::error::{ApiError, Flavor};

/// `200 {"status": true, "data": <data>}`.
pub fn ok<T: Serialize>(data: &T) -> Result<Response, ApiError> {
    with_status(200, data)
}

/// `201 {"status": true, "data": <data>}`.
pub fn created<T: Serialize>(data: &T) -> Result<Response, ApiError> {
    with_status(201, data)
}

/// The success envelope with any status.
pub fn with_status<T: Serialize>(status: u16, data: &T) -> Result<Response, ApiError> {
    json_bytes_response(status, envelope_bytes(data)?)
}

/// `{"status":true,"data":<data>}` as serde_json writes it, the data written
/// into the envelope's own text: no envelope `Serialize` impl per data type.
fn envelope_bytes<T: Serialize>(data: &T) -> Result<Vec<u8>, ApiError> {
    let mut bytes = br#"{"status":true,"data":"#.to_vec();
    serde_json::to_writer(&mut bytes, data).map_err(ApiError::internal)?;
    bytes.push(b'}');
    Ok(bytes)
}

/// A bare JSON body (no envelope): the Google-compatible surface and `/openapi.json`.
pub fn raw_json<T: Serialize>(status: u16, body: &T) -> Result<Response, ApiError> {
    json_response(status, body)
}

/// A JSON body read from elsewhere as it streams (`/openapi.json`, a static
/// asset), with the API's JSON headers.
pub fn json_stream(status: u16, body: ResponseBody) -> Result<Response, ApiError> {
    Ok(Response::builder()
        .with_status(status)
        .with_headers(json_headers()?)
        .body(body))
}

fn json_response<T: Serialize>(status: u16, body: &T) -> Result<Response, ApiError> {
    json_bytes_response(status, serde_json::to_vec(body).map_err(ApiError::internal)?)
}

/// The JSON response around `bytes`: not generic and never inlined, so the
/// headers are built by one copy in the wasm, not one per body type.
#[inline(never)]
fn json_bytes_response(status: u16, bytes: Vec<u8>) -> Result<Response, ApiError> {
    Ok(Response::builder()
        .with_status(status)
        .with_headers(json_headers()?)
        .fixed(bytes))
}

fn json_headers() -> Result<Headers, ApiError> {
    let headers = Headers::new();
    headers.set("Content-Type", "application/json; charset=utf-8")?;
    headers.set("Cache-Control", "no-store")?;
    headers.set("X-Content-Type-Options", "nosniff")?;
    Ok(headers)
}

/// Render an error. Never fails: if even building headers fails it falls back
/// to a bare 500 built without headers.
pub fn error_response(err: &ApiError, flavor: Flavor) -> Response {
    let build = || -> Result<Response, ApiError> {
        let mut resp = json_response(err.http_status_in(flavor), &err.body(flavor))?;
        for (name, value) in err.headers() {
            resp.headers_mut().set(name, &value)?;
        }
        Ok(resp)
    };
    build().unwrap_or_else(|_| {
        Response::builder()
            .with_status(500)
            .fixed(br#"{"status":false,"error":{"code":5000,"message":"Internal error","details":[]}}"#.to_vec())
    })
}

#[cfg(test)]
mod tests {
    use serde::Serialize;

    /// The envelope written around the data is byte for byte the derived
    /// envelope serde_json writes.
    #[test]
    fn envelope_text_is_the_derived_envelope() {
        #[derive(Serialize)]
        struct Envelope<'a, T> {
            status: bool,
            data: &'a T,
        }
        #[derive(Serialize)]
        struct Item {
            id: &'static str,
            n: Option<i64>,
            tags: Vec<&'static str>,
        }
        let item = Item {
            id: "a\"b",
            n: None,
            tags: vec!["x", "é"],
        };
        let data = [
            serde_json::json!(null),
            serde_json::json!([1, {"k": "v"}]),
            serde_json::to_value(&item).unwrap(),
        ];
        for d in &data {
            let derived = serde_json::to_vec(&Envelope { status: true, data: d }).unwrap();
            assert_eq!(super::envelope_bytes(d).unwrap(), derived);
        }
        let derived = serde_json::to_vec(&Envelope {
            status: true,
            data: &item,
        })
        .unwrap();
        assert_eq!(
            String::from_utf8(super::envelope_bytes(&item).unwrap()).unwrap(),
            String::from_utf8(derived).unwrap()
        );
    }
}
