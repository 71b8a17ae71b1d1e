// Everything the package exports, whatever the runtime. Each entry
// (browser.js, node.js, workerd.js) initializes the wasm its own way, then
// re-exports this module. Nothing here calls into the wasm at import time.

import { provisioningExtras } from "../dist/mdm_wasm.js";

export * from "../dist/mdm_wasm.js";
// The validators over the wasm's same-named exports (named exports take
// precedence over `export *`).
export {
  validate,
  validateJson,
  validateAospEnrollmentTokenCreate,
  validateAospDeviceUpdate,
  validateWinEnrollmentTokenCreate,
  validateWinEnrollmentTokenUpdate,
  validateWinPolicyCreate,
  validateGoogleEnrollmentTokenCreate,
  validateOrganizationCreate,
  validateSegmentCreate,
  validateMdmUserCreate,
  validateAospPolicyCreate,
  validateDpcBuildCreate,
  validateEnrollAosp,
  validateEnrollWindows,
  validateAospStatusReport,
} from "./validate.js";
export { ApiError, ValidationError, MdmClient, buildListQuery } from "./client.js";

/**
 * The JSON text of an AOSP token's Android provisioning extras: what its QR
 * code carries (`qrSvg(provisioningPayload(...))`). Equal to the server's
 * `JSON.stringify(token.config.qrCode)` for the same token, host and DPC.
 */
export function provisioningPayload(tokenValue, enrollmentHost, dpc = null) {
  return JSON.stringify(provisioningExtras(tokenValue, enrollmentHost, dpc));
}
