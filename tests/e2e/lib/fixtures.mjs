// Builders for the end-to-end tests of the organization resources: each
// creates a resource through the API (never by SQL) and returns its `data`.
//
//   const api = client(w, w.token());
//   const org = await api.org("acme");
//   const policy = await api.post(`/v1/organizations/acme/mdm/aosp/enterprise/policies`, { name: "p" });

import assert from "node:assert/strict";
import { call } from "./server.mjs";

export const SIGNATURE = "I5YvS0O5hXY46mb01BlRjq4oJJGs2kuUcHvVkAPEXlg";

/** Calls with one bearer token; `post`/`get`/`put`/`del` assert the status and return `data`. */
export function client(w, token) {
  const expect = async (method, path, body, status) => {
    const r = await call(w, method, path, { token, body });
    assert.equal(r.status, status, `${method} ${path}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.status, true);
    return r.body.data;
  };
  const api = {
    call: (method, path, opts = {}) => call(w, method, path, { token, ...opts }),
    post: (path, body, status = 201) => expect("POST", path, body, status),
    get: (path, status = 200) => expect("GET", path, undefined, status),
    put: (path, body, status = 200) => expect("PUT", path, body, status),
    del: (path, status = 200) => expect("DELETE", path, undefined, status),
    org: (slug, plan = "enterprise") => api.post("/v1/organizations", { name: `Org ${slug}`, slug, plan }),
    segment: (org, name, parentId) =>
      api.post(`/v1/organizations/${org}/segments`, parentId === undefined ? { name } : { name, parentId }),
    user: (org, email) => api.post(`/v1/organizations/${org}/mdm-users`, { email }),
    policy: (org, name, config = {}, version = 1) =>
      api.post(`/v1/organizations/${org}/mdm/aosp/enterprise/policies`, { name, config, version }),
    build: (org, tag) =>
      api.post(`/v1/organizations/${org}/mdm/aosp/enterprise/dpc-builds`, {
        tag,
        downloadUrl: `https://dl.example.com/${tag}.apk`,
        signatureChecksum: SIGNATURE,
        componentName: "com.example.dpc/.AdminReceiver",
      }),
    token: (org, body = {}) => api.post(`/v1/organizations/${org}/mdm/aosp/enterprise/enrollment-tokens`, body),
  };
  return api;
}

/** Enroll a device with a token value (device side: no bearer). */
export function enroll(w, token, serialNumber = "SN-1", extra = {}) {
  return call(w, "POST", "/v1/enroll/aosp", { body: { token, device: { serialNumber, ...extra } } });
}

/** Assert an error envelope. */
export function assertError(r, status, code) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(r.body.status, false, JSON.stringify(r.body));
  assert.equal(r.body.error.code, code, JSON.stringify(r.body));
  assert.ok(Array.isArray(r.body.error.details));
}

/** The (path, code) pairs of a 5209. */
export function violations(r) {
  assertError(r, 400, 5209);
  return r.body.error.details.map((d) => [d.path, d.code]);
}
