// Node: reads the wasm from the package directory, synchronously; the QR
// encoder's wasm only on the first qrSvg call.
import { readFileSync } from "node:fs";
import { initSync } from "../dist/mdm_wasm.js";
import { setQrModuleLoader } from "./qr.js";

initSync({ module: readFileSync(new URL("../dist/mdm_wasm_bg.wasm", import.meta.url)) });
setQrModuleLoader(() => new WebAssembly.Module(readFileSync(new URL("../dist/mdm_qr.wasm", import.meta.url))));

export * from "./api.js";
