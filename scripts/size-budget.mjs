#!/usr/bin/env node
// The size budget (gzip -9) of the two wasm files. Each has a goal (the npm
// package's main wasm 30 kB, the worker's 250 kB) and a ceiling: the size it
// has reached today plus a small margin. Over the ceiling fails; between the
// goal and the ceiling prints how far from the goal it is (BENCHMARKS.md
// says why the goals are not met yet). Lower a ceiling whenever a change
// makes a file smaller.
//   node scripts/size-budget.mjs pkg      (after node pkg/build.mjs)
//   node scripts/size-budget.mjs worker   (after scripts/build-worker.sh)
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const root = new URL("..", import.meta.url);
// [file, goal, ceiling] in bytes of gzip -9; null: no budget.
const BUDGETS = {
  pkg: [
    // +1.8 kB for members and API keys (their bodies, and the permission
    // table an API key's permissions are checked against); +0.5 kB for the
    // audit log's list query (text filters, RFC 3339 from / to, encoding);
    // +0.4 kB for the five update bodies of the supporting resources;
    // +0.9 kB for the two webhook bodies and their two list queries (50.3 kB).
    // -2.7 kB (47 593 B, issue 14): list queries answer JSON text and the
    // lifecycle helpers take plain values instead of reading objects through
    // js_sys; permission descriptions and `format!` left out.
    // 47,881 B measured: admin paths through violation::Path (+12 B).
    // 47,319 B: the link at opt-level 3 (-541 B; BENCHMARKS.md, section 0k).
    // 49,416 B: violations named by id, their texts sent once
    // (mdm_core::answer; +2.0 kB for invalid bodies 1.2x as fast, section 0n).
    // 49,719 B: keys compared eight bytes at a time (+0.3 kB, 1-5% faster);
    // 49,931 B: policy ids too, case-insensitively (+0.2 kB, up to 5%);
    // both only in the package (mdm-core feature `compare-by-word`).
    // 49,981 B: backslashes and hex ids eight bytes at a time too, fields
    // seen in a u64 (+56 B, valid bodies 4-10% faster; section 0o).
    // 50,011 B: unique ids checked inside the walk, members recorded only
    // as deep as the rules read (+31 B, valid device and Windows bodies
    // 15-18% faster; section 0p). 50,267 B: the ids compared by hash
    // first (+256 B): a 64 KB body of distinct ids took 2-4x as long as
    // the old rule without it (section 0p, bench/validation/unique-worst.mjs).
    // 50,308 B: the two "field only when / required when a boolean is true"
    // rules declared (RequestBody::DEPENDENCIES) and checked by the walk,
    // with no members recorded (+41 B gzip, -210 B raw; the AOSP token
    // create body 10-17% faster; section 0q).
    ["pkg/dist/mdm_wasm_bg.wasm", 30_000, 50_350],
    ["pkg/dist/mdm_qr.wasm", null, null],
  ],
  // +29 kB for identity: API keys, members and roles, OpenID Connect over
  // WebCrypto (the JWKS cache and the js-sys calls), GET /v1/me. The audit
  // log (its model, list and the event statement) brought it to 413.7 kB.
  // +25 kB for the supporting resources complete: 15 routes (get, partial
  // update, referrer-checked delete of five resources), their five update
  // bodies and the EntityInUse error. Not yet looked into where it goes.
  // Merged with main at be90222 (sealed credentials, the audit log): 457.4 kB.
  // Google token usage, token lists that compute expiry on read, and the
  // source rules' const status names: 458.4 kB.
  // +38.8 kB for webhooks: seven routes and their models, the queue producer
  // and consumer (workers-rs `queue`), the delivery's POST (the global fetch
  // and AbortSignal.timeout called directly), HMAC in WebCrypto. Merged with
  // main at 82f7046: 497.2 kB. Not yet looked into where it goes.
  // device.stateChanged from administrators' device actions: 498.5 kB.
  // +7.3 kB for one round trip per read: the organization cache and the
  // expansions batched with their rows (list and GET of AOSP tokens and
  // devices, GET of Windows tokens and devices): 505.1 kB. API keys and
  // memberships cached for reads too (crate::isolate_cache): 506.5 kB; the
  // x-d1-round-trips count the e2e tests read: 507.1 kB.
  // +0.8 kB for the validator's speed (issue 14): recorded top-level
  // members, the ASCII string scan, in-place sorting of short violation lists.
  // Issue 14 (BENCHMARKS.md, section 0b): no ICU4X behind the url crate
  // (idna_adapter 1.0.0), one D1 decoding path (rows decoded by serde_json,
  // the query paths of Db, lists and edits no longer generic), the JSON
  // response built once, wasm-opt -O1 without memory-packing: 429.2 kB on
  // its own, 442.6 kB merged with the three above. The caches' one way in
  // (isolate_cache::get_or_load, so a hit never renews an entry) and one
  // helper for a Windows row with its policies: 444.0 kB. A read as one
  // statement (expansions as JSON columns, the device list's token check in
  // its batch, the statement counter): 447.0 kB. Vars read once per
  // isolate, D1 rows crossing as UTF-8 through TextEncoder: 447.9 kB.
  // +0.5 kB (443 954 -> 444 427 B on its own, both built here) for violations
  // without an allocation each (validator-ids: places and paths in kept
  // buffers, a Sink) and every member and item recorded for the cross-field rules.
  // After the merge: 448.8 kB. The answer after a token or device change
  // read back like a GET (one statement with the expansion columns), which
  // removed the second way of expanding (Expansions::load, the build and
  // policy statements): 441.1 kB. A status report's state before read in
  // its batch: 440.6 kB. The e2e tests' SQL route (routes::debug, their SQL
  // through the server instead of a second process on its SQLite file,
  // its statements checked and its secret's length too): +2.2 kB, 442.9 kB.
  // A token page's newest DPC build read once, in its count's row, instead
  // of in every untagged row, and the default status filter on the stored
  // status (BENCHMARKS.md 0i: the list's work 0.96-0.97x): +2.3 kB, 445.2 kB.
  // A signed token's verification kept per isolate (identity::signed: no
  // HMAC or WebCrypto per request for the same credential, BENCHMARKS.md
  // 0j): +1.5 kB, 446.8 kB. No URL parser in the worker (the path read as
  // written, else by the runtime's URL; BENCHMARKS.md 0l): 425.2 kB. Rows
  // read by column name without serde (db/row.rs): 412.2 kB; their one float
  // read by serde_json's number reader, not core's: 397.0 kB. The OpenAPI
  // document served as the text the tests generate, and no descriptions in
  // the wasm: 391.5 kB. Rows' documentation only in test builds: 388.2 kB.
  // Typed requests built without serde's derive (requests/build.rs): 370.6 kB.
  // Rows and requests built whole and dropped once on failure: 363.6 kB.
  // No library sort (the policy order by insertion, Allow built in order):
  // 360.1 kB. The OpenAPI document a static asset (admin/openapi.json) the
  // route answers with through the ASSETS binding, not text in the wasm:
  // 346.4 kB. talc as the global allocator, not dlmalloc: 343.2 kB. Page
  // counters written once, list and row futures not generic per row type
  // (BENCHMARKS.md 0m): 337.9 kB. The OpenID key set and the document's
  // asset fetched with the runtime's own fetch, D1 and the rate limiter
  // called without workers-rs's serde-wasm-bindgen: 329.0 kB. No typed
  // serde reader left (JSON columns and queue messages by `FromJson`), so
  // no serde error texts or float formatting: 306.3 kB. One serde_json
  // reader (`from_str`), queue messages sent directly: 302.9 kB. Review
  // fixes (an answer without meta refused, contentType, clearer errors):
  // 303.3 kB. D1 through worker-sys's bindings, structs by `request!`:
  // 303.2 kB. The validator's violation keys (for the npm package's
  // answer; the worker's sink takes none, but the walk is shared): 303.9 kB.
  // Unique ids in the walk, compared by hash first (a 64 KB body of
  // distinct ids costs a fraction of the old rule's time): 304.2 kB.
  // Two rules declared as the bodies' dependencies, checked in the walk: 304.4 kB.
  worker: [["worker/build/index_bg.wasm", 250_000, 304_450]],
};
const which = process.argv.slice(2);
let over = false;
for (const name of which.length ? which : Object.keys(BUDGETS)) {
  for (const [file, goal, ceiling] of BUDGETS[name] ?? []) {
    const bytes = readFileSync(new URL(file, root));
    const gzip = gzipSync(bytes, { level: 9 }).length;
    let verdict = "(no budget: loaded on first qrSvg)";
    if (ceiling !== null) {
      if (gzip > ceiling) verdict = `> ceiling ${ceiling} B: OVER BUDGET`;
      else if (gzip > goal) verdict = `<= ceiling ${ceiling} B, ${(gzip / goal).toFixed(2)}x the goal of ${goal} B`;
      else verdict = `<= goal ${goal} B: ok`;
    }
    console.log(`size: ${file} ${bytes.length} B raw, ${gzip} B gzip -9 ${verdict}`);
    if (ceiling !== null && gzip > ceiling) over = true;
  }
}
process.exit(over ? 1 : 0);
