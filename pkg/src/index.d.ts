// Types of the package entry (every runtime exports the same API).
// The wasm exports and every request/resource type are generated
// (dist/mdm_wasm.d.ts: wasm-bindgen + crates/mdm-wasm/build.rs from
// mdm_core::catalog); this file adds the JavaScript-side exports.

import type { DpcBuildRef } from "../dist/mdm_wasm.js";

export * from "../dist/mdm_wasm.js";
export * from "./client.js";

/**
 * The JSON text of an AOSP token's Android provisioning extras: what its QR
 * code carries (`qrSvg(provisioningPayload(...))`).
 */
export function provisioningPayload(tokenValue: string, enrollmentHost: string, dpc?: DpcBuildRef | null): string;
