// Node: reads the wasm from the package directory, synchronously.
import { readFileSync } from "node:fs";
import { initSync } from "../dist/mdm_wasm.js";

initSync({ module: readFileSync(new URL("../dist/mdm_wasm_bg.wasm", import.meta.url)) });

export * from "./api.js";
