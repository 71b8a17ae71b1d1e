// Everything the package exports, whatever the runtime. Each entry
// (browser.js, node.js, workerd.js) initializes the wasm its own way, then
// re-exports this module. Nothing here calls into the wasm at import time.

import { provisioningExtras as provisioningExtrasText } from "../dist/mdm_wasm.js";

export * from "../dist/mdm_wasm.js";
// The validators (one per request body, generated at build time), the extras
// and qrSvg over the wasm's raw exports (named exports take precedence over
// `export *`).
export { validate, validateJson } from "./validate.js";
export { parseListQuery, tryBuildListQuery } from "./list.js";
export { canEnroll, effectiveStatus, timeLeft } from "./lifecycle.js";
export * from "../dist/validators.js";
export { qrSvg } from "./qr.js";
export { ApiError, ValidationError, MdmClient, buildListQuery } from "./client.js";

/**
 * The Android provisioning extras of an AOSP token, as an object, keys in the
 * server's order (the wasm writes them as JSON text).
 */
export function provisioningExtras(tokenValue, enrollmentHost, dpc = null) {
  return JSON.parse(provisioningExtrasText(tokenValue, enrollmentHost, dpc));
}

/**
 * The JSON text of an AOSP token's Android provisioning extras: what its QR
 * code carries (`qrSvg(provisioningPayload(...))`). Equal to the server's
 * `JSON.stringify(token.config.qrCode)` for the same token, host and DPC.
 */
export function provisioningPayload(tokenValue, enrollmentHost, dpc = null) {
  return JSON.stringify(provisioningExtras(tokenValue, enrollmentHost, dpc));
}
