// Cloudflare Workers (workerd): wrangler bundles a `.wasm` import as a
// compiled WebAssembly.Module, which instantiates synchronously.
import module from "../dist/mdm_wasm_bg.wasm";
import { initSync } from "../dist/mdm_wasm.js";

initSync({ module });

export * from "./api.js";
