// Browsers (and the `default` condition): fetches mdm_wasm_bg.wasm next to the
// glue (bundlers that understand `new URL(..., import.meta.url)` copy it) and
// instantiates it before the module finishes loading (top-level await).
//
// The QR encoder's wasm (mdm_qr.wasm) is fetched on the first qrSvg call.
// qrSvg returns its SVG synchronously, so that one fetch is a synchronous
// request (bytes through the x-user-defined charset) and a synchronous
// compile, which browsers allow for a module this small.
import init from "../dist/mdm_wasm.js";
import { setQrModuleLoader } from "./qr.js";

await init();

setQrModuleLoader(() => {
  const request = new XMLHttpRequest();
  request.open("GET", new URL("../dist/mdm_qr.wasm", import.meta.url), false);
  request.overrideMimeType("text/plain; charset=x-user-defined");
  request.send();
  if (request.status !== 200 && request.status !== 0) {
    throw new Error(`@mdm-edge/client: mdm_qr.wasm: HTTP ${request.status}`);
  }
  const text = request.responseText;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return new WebAssembly.Module(bytes);
});

export * from "./api.js";
