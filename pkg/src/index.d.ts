// Types of the package entry (every runtime exports the same API).
// The wasm exports and every request/resource type are generated
// (dist/mdm_wasm.d.ts: wasm-bindgen + crates/mdm-wasm/build.rs from
// mdm_core::catalog); this file adds the JavaScript-side exports.

import type { Checked, DpcBuildRef, ListParams, ListQuery, ListResource, TokenLike, TokenStatus } from "../dist/mdm_wasm.js";

export * from "../dist/mdm_wasm.js";
export * from "./client.js";

/**
 * The JSON text of an AOSP token's Android provisioning extras: what its QR
 * code carries (`qrSvg(provisioningPayload(...))`).
 */
export function provisioningPayload(tokenValue: string, enrollmentHost: string, dpc?: DpcBuildRef | null): string;

/**
 * Reads a list endpoint's query string (with or without `?`) as the server
 * does: `{ok: true, value: ListQuery}` with defaults applied, or
 * `{ok: false, violations}`.
 */
export function parseListQuery(resource: ListResource, query: string): Checked<ListQuery>;

/**
 * Builds a list query string from parameters (`{page: 2, status: ["DONE"]}`),
 * checked by the server's parser: `{ok: true, value: "page=2&status=DONE"}`
 * (defaults left out, no leading `?`) or `{ok: false, violations}`.
 * `undefined` and `null` parameters are left out; arrays become comma lists.
 */
export function tryBuildListQuery(resource: ListResource, params: ListParams[ListResource]): Checked<string>;

/**
 * The status a reader sees at `now` (milliseconds; default: the current
 * time): a PENDING token past its expiry is EXPIRED.
 */
export function effectiveStatus(token: TokenLike, now?: number | null): TokenStatus;

/** Whether a device may still enroll with the token at `now`. */
export function canEnroll(token: TokenLike, now?: number | null): boolean;

/**
 * Milliseconds until the token expires (0 once expired), or `null` for a
 * token that never expires.
 */
export function timeLeft(token: TokenLike, now?: number | null): number | null;
