// Token lifecycle helpers. The rules are mdm-core's (`TokenFacts`, in the
// wasm); this module reads the token object as the API returns it and passes
// its facts as plain values, which costs less wasm than reading properties
// from Rust.

import { __lifecycle, __millis } from "../dist/mdm_wasm.js";

/** Token statuses, in the order the wasm numbers them. */
const STATUSES = ["PENDING", "PROCESSING", "DONE", "DELETED", "EXPIRED"];

/** A timestamp as milliseconds (a number, or an RFC 3339 string); NaN when absent. */
function millis(v, what) {
  if (v === undefined || v === null) return NaN;
  if (typeof v === "number") {
    if (Number.isFinite(v)) return v;
    throw new TypeError(`${what} must be a finite number of milliseconds`);
  }
  const ms = typeof v === "string" ? __millis(v) : NaN;
  if (Number.isNaN(ms)) throw new TypeError(`${what} must be milliseconds or an RFC 3339 timestamp`);
  return ms;
}

/** `rule` of the wasm's `__lifecycle` for a token object (see `TokenLike`). */
function lifecycle(rule, token, now) {
  if (typeof token !== "object" || token === null) throw new TypeError("token must be an object");
  let status = token.status;
  if (typeof status !== "string") status = token.state;
  if (typeof status !== "string" || !STATUSES.includes(status)) {
    throw new TypeError('token.status (or token.state) must be a token status such as "PENDING"');
  }
  const perpetual = token.perpetual;
  let expiresAt = millis(token.expiresAt, "token.expiresAt");
  if (Number.isNaN(expiresAt)) expiresAt = millis(token.expireAt, "token.expireAt");
  if (Number.isNaN(expiresAt)) {
    const summary = token.summary;
    if (typeof summary === "object" && summary !== null) {
      expiresAt = millis(summary.expirationTimestamp, "token.summary.expirationTimestamp");
    }
  }
  const windows = token.winEnterpriseId !== undefined;
  return __lifecycle(rule, status, perpetual === true, windows, expiresAt, now ?? Date.now());
}

/**
 * The status a reader sees at `now` (milliseconds; default: the current
 * time): a PENDING token past its expiry is EXPIRED.
 */
export function effectiveStatus(token, now) {
  return STATUSES[lifecycle(0, token, now)];
}

/** Whether a device may still enroll with the token at `now`. */
export function canEnroll(token, now) {
  return lifecycle(1, token, now) === 1;
}

/**
 * Milliseconds until the token expires (0 once expired), or `null` for a
 * token that never expires.
 */
export function timeLeft(token, now) {
  const ms = lifecycle(2, token, now);
  return Number.isNaN(ms) ? null : ms;
}
