// Browsers (and the `default` condition): fetches mdm_wasm_bg.wasm next to the
// glue (bundlers that understand `new URL(..., import.meta.url)` copy it) and
// instantiates it before the module finishes loading (top-level await).
import init from "../dist/mdm_wasm.js";

await init();

export * from "./api.js";
