// `qrSvg` over the package's second wasm (dist/mdm_qr.wasm, crates/mdm-qr):
// the QR encoder is not in the validators' wasm, and is compiled and
// instantiated on the first call. Each entry (browser.js, node.js,
// workerd.js) says how to get the module synchronously, so `qrSvg` stays a
// plain function.

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const LEVELS = { L: 0, l: 0, M: 1, m: 1, Q: 2, q: 2, H: 3, h: 3 };
let load = () => {
  throw new Error("@mdm-edge/client: import an entry (browser, node or workerd) before qrSvg");
};
let qr;

/** How the entry gets the QR module: a function returning a WebAssembly.Module. */
export function setQrModuleLoader(loader) {
  load = loader;
}

/**
 * An SVG document of `text` as a QR code (error correction `L`, `M`
 * (default), `Q` or `H`; 4 modules of quiet zone; scales to its container).
 */
export function qrSvg(text, ec) {
  const level = Object.hasOwn(LEVELS, ec ?? "M") ? LEVELS[ec ?? "M"] : undefined;
  if (level === undefined) throw new TypeError("error correction must be L, M, Q or H");
  qr ??= new WebAssembly.Instance(load(), {}).exports;
  const s = String(text);
  const room = s.length * 3;
  const at = qr.qr_input(room);
  const { written } = encoder.encodeInto(s, new Uint8Array(qr.memory.buffer, at, room));
  const n = qr.qr_svg(written, level);
  const out = decoder.decode(new Uint8Array(qr.memory.buffer, qr.qr_output(), Math.abs(n)));
  if (n < 0) throw new RangeError(`cannot encode as a QR code: ${out}`);
  return out;
}
