// Cloudflare Workers (workerd): wrangler bundles a `.wasm` import as a
// compiled WebAssembly.Module, which instantiates synchronously. The QR
// encoder's module is instantiated only on the first qrSvg call.
import module from "../dist/mdm_wasm_bg.wasm";
import qrModule from "../dist/mdm_qr.wasm";
import { initSync } from "../dist/mdm_wasm.js";
import { setQrModuleLoader } from "./qr.js";

initSync({ module });
setQrModuleLoader(() => qrModule);

export * from "./api.js";
