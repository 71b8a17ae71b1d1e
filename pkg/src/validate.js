// The package's validators. An object is validated through `JSON.stringify`
// and the wasm's JSON-text path: one native call writes the whole body and it
// crosses into wasm as one UTF-8 copy, where the wasm's own object walk
// (`convert.rs`) pays wasm -> JS calls per key and value. Violations come back
// as one JSON text for `JSON.parse` (nothing at all when valid) instead of an
// object built one property at a time across the boundary.
//
// Results are the walk's, which reads a value exactly as `JSON.stringify`
// sends it. Where the two cannot agree, the walk answers as before:
// `JSON.stringify` throws (a BigInt, a cycle, a throwing getter or `toJSON`)
// or leaves the body out (top-level `undefined`, a function); the text does
// not parse (nesting deeper than 127, a lone surrogate); or BigInt has a
// `toJSON` (the walk reports BigInts whatever their prototype says).

import {
  __validateJsonText,
  __validateStringified,
  validate as validateByWalk,
} from "../dist/mdm_wasm.js";

const parse = (text) => (text === null ? [] : JSON.parse(text));

/** Every violation of `body` against request body `name` (empty when valid). */
export function validate(name, body) {
  if (BigInt.prototype.toJSON === undefined) {
    let text;
    try {
      text = JSON.stringify(body);
    } catch {
      // The walk reports it (or rethrows the same exception).
    }
    if (text !== undefined) {
      const out = __validateStringified(name, text);
      if (out !== undefined) return parse(out);
    }
  }
  return validateByWalk(name, body);
}

/** Like `validate`, for a JSON text (what a request would carry). */
export function validateJson(name, text) {
  return parse(__validateJsonText(name, text));
}

export const validateAospEnrollmentTokenCreate = (body) => validate("AospEnrollmentTokenCreate", body);
export const validateAospDeviceUpdate = (body) => validate("AospDeviceUpdate", body);
export const validateWinEnrollmentTokenCreate = (body) => validate("WinEnrollmentTokenCreate", body);
export const validateWinEnrollmentTokenUpdate = (body) => validate("WinEnrollmentTokenUpdate", body);
export const validateWinPolicyCreate = (body) => validate("WinPolicyCreate", body);
export const validateGoogleEnrollmentTokenCreate = (body) => validate("GoogleEnrollmentTokenCreate", body);
export const validateOrganizationCreate = (body) => validate("OrganizationCreate", body);
export const validateSegmentCreate = (body) => validate("SegmentCreate", body);
export const validateMdmUserCreate = (body) => validate("MdmUserCreate", body);
export const validateAospPolicyCreate = (body) => validate("AospPolicyCreate", body);
export const validateDpcBuildCreate = (body) => validate("DpcBuildCreate", body);
export const validateEnrollAosp = (body) => validate("EnrollAosp", body);
export const validateEnrollWindows = (body) => validate("EnrollWindows", body);
export const validateAospStatusReport = (body) => validate("AospStatusReport", body);
