#!/usr/bin/env node
// Builds the npm package's generated files into pkg/dist/ (gitignored):
//
//   1. cargo build -p mdm-wasm -p mdm-qr for wasm32 (profile wasm-pkg:
//      release, unstripped so wasm-bindgen sees the target features);
//   2. wasm-bindgen --target web: one ES module + one .wasm serve every runtime
//      (browsers fetch the .wasm, Node reads it from disk, workerd imports it as
//      a compiled module; see src/{browser,node,workerd}.js);
//   3. wasm-opt -Oz from npm binaryen (never Debian's binaryen: it breaks the wasm),
//      also over the QR encoder's wasm (dist/mdm_qr.wasm, no wasm-bindgen: it
//      is loaded on the first qrSvg call, see src/qr.js);
//   4. dist/size.json with the raw and gzipped wasm sizes;
//   5. a copy of the browser files into admin/pkg/ for the admin page.
//
// Tools: WASM_BINDGEN_BIN (default ~/.cargo/bin/wasm-bindgen, else PATH) must
// match the wasm-bindgen version in Cargo.lock; WASM_OPT_BIN (default the
// repository's node_modules/.bin/wasm-opt) must be binaryen 132.
// Flags: --skip-cargo reuses the last cargo build; --quiet prints only sizes;
// without --force nothing is done when the outputs are newer than every input.

import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const pkgDir = dirname(fileURLToPath(import.meta.url));
const root = resolve(pkgDir, "..");
const dist = join(pkgDir, "dist");
const args = new Set(process.argv.slice(2));
const quiet = args.has("--quiet");
const log = (...m) => quiet || console.error("[build-pkg]", ...m);

/** Newest modification time of the files under `paths` (0 when none exist). */
function newest(paths) {
  let t = 0;
  for (const p of paths) {
    if (!existsSync(p)) continue;
    const st = statSync(p);
    if (st.isDirectory()) {
      t = Math.max(t, newest(readdirSync(p).map((f) => join(p, f))));
    } else {
      t = Math.max(t, st.mtimeMs);
    }
  }
  return t;
}

const inputs = ["Cargo.toml", "Cargo.lock", "crates/mdm-core", "crates/mdm-wasm", "crates/mdm-qr", "pkg/src", "pkg/build.mjs"].map((p) =>
  join(root, p),
);
const outputs = [join(dist, "size.json"), join(root, "admin/pkg/dist/mdm_wasm_bg.wasm")];
if (!args.has("--force") && outputs.every(existsSync) && Math.min(...outputs.map((o) => statSync(o).mtimeMs)) > newest(inputs)) {
  const size = JSON.parse(readFileSync(join(dist, "size.json"), "utf8"));
  console.log(`pkg is up to date (wasm: ${size.wasm.raw} B raw, ${size.wasm.gzip} B gzip); --force rebuilds`);
  process.exit(0);
}

function run(cmd, argv, opts = {}) {
  log(cmd, argv.join(" "));
  return execFileSync(cmd, argv, { cwd: root, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", ...opts });
}

function lockedVersion(name) {
  const lock = readFileSync(join(root, "Cargo.lock"), "utf8");
  const m = lock.match(new RegExp(`name = "${name}"\\nversion = "([^"]+)"`));
  if (!m) throw new Error(`${name} not in Cargo.lock`);
  return m[1];
}

function tool(envVar, candidates, name) {
  const fromEnv = process.env[envVar];
  if (fromEnv) return fromEnv;
  for (const c of candidates) if (c && existsSync(c)) return c;
  return name; // from PATH
}

const wasmBindgen = tool("WASM_BINDGEN_BIN", [join(homedir(), ".cargo/bin/wasm-bindgen")], "wasm-bindgen");
const wasmOpt = tool("WASM_OPT_BIN", [join(root, "node_modules/.bin/wasm-opt")], "wasm-opt");

const wantBindgen = lockedVersion("wasm-bindgen");
const haveBindgen = run(wasmBindgen, ["--version"]).trim().split(" ")[1];
if (haveBindgen !== wantBindgen) {
  throw new Error(
    `wasm-bindgen CLI ${haveBindgen} does not match the library ${wantBindgen} in Cargo.lock: ` +
      `cargo install wasm-bindgen-cli --version ${wantBindgen}`,
  );
}
const optVersion = run(wasmOpt, ["--version"]).trim();
if (!/version[ _]132\b/.test(optVersion)) {
  throw new Error(`wasm-opt must be npm binaryen 132 (got "${optVersion}" from ${wasmOpt}); run npm ci`);
}

const profile = "wasm-pkg";
if (!args.has("--skip-cargo")) {
  run("cargo", ["build", "-p", "mdm-wasm", "-p", "mdm-qr", "--lib", "--target", "wasm32-unknown-unknown", "--profile", profile], {
    stdio: ["ignore", "inherit", "inherit"],
  });
}
const input = join(root, "target/wasm32-unknown-unknown", profile, "mdm_wasm.wasm");

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
run(wasmBindgen, ["--target", "web", "--out-dir", dist, "--out-name", "mdm_wasm", input]);

const wasmFile = join(dist, "mdm_wasm_bg.wasm");
const before = statSync(wasmFile).size;
// The features rustc enables by default for wasm32-unknown-unknown.
const features = [
  "--enable-bulk-memory",
  "--enable-nontrapping-float-to-int",
  "--enable-sign-ext",
  "--enable-mutable-globals",
  "--enable-reference-types",
  "--enable-multivalue",
];
run(wasmOpt, ["-Oz", "--strip-debug", "--strip-producers", ...features, wasmFile, "-o", wasmFile]);
const qrFile = join(dist, "mdm_qr.wasm");
run(wasmOpt, [
  "-Oz",
  "--strip-debug",
  "--strip-producers",
  ...features,
  join(root, "target/wasm32-unknown-unknown", profile, "mdm_qr.wasm"),
  "-o",
  qrFile,
]);

const sizeOf = (file) => {
  const bytes = readFileSync(file);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
};
const size = {
  wasm: { ...sizeOf(wasmFile), beforeWasmOpt: before },
  glue: sizeOf(join(dist, "mdm_wasm.js")),
  qr: sizeOf(qrFile),
};
writeFileSync(join(dist, "size.json"), JSON.stringify(size, null, 2) + "\n");
console.log(
  `wasm: ${size.wasm.raw} B raw, ${size.wasm.gzip} B gzip -9 (before wasm-opt ${before} B); ` +
    `glue js: ${size.glue.raw} B raw, ${size.glue.gzip} B gzip; ` +
    `QR wasm (loaded on first qrSvg): ${size.qr.raw} B raw, ${size.qr.gzip} B gzip`,
);

// One named validator per request body (`validateAospEnrollmentTokenCreate`,
// ...), written from the bodies the wasm's generated declarations list, so a
// body added to mdm-core's catalog is exported with no other change.
const bodies = [...readFileSync(join(dist, "mdm_wasm.d.ts"), "utf8").matchAll(/export function validate(\w+)\(body: unknown\)/g)].map(
  (m) => m[1],
);
if (bodies.length === 0) throw new Error("no request bodies in dist/mdm_wasm.d.ts");
writeFileSync(
  join(dist, "validators.js"),
  "// Generated by pkg/build.mjs from mdm-core's catalog: one validator per request body.\n" +
    'import { validate } from "../src/validate.js";\n\n' +
    bodies.map((b) => `export const validate${b} = (body) => validate("${b}", body);\n`).join(""),
);

// The admin page (served by the worker as static assets) loads the package
// from /pkg/: the browser entry and what it imports.
const adminPkg = join(root, "admin/pkg");
rmSync(adminPkg, { recursive: true, force: true });
mkdirSync(join(adminPkg, "dist"), { recursive: true });
mkdirSync(join(adminPkg, "src"), { recursive: true });
for (const f of ["mdm_wasm.js", "mdm_wasm_bg.wasm", "mdm_qr.wasm", "validators.js"]) cpSync(join(dist, f), join(adminPkg, "dist", f));
for (const f of ["browser.js", "api.js", "client.js", "lifecycle.js", "list.js", "operations.js", "validate.js", "qr.js"]) cpSync(join(pkgDir, "src", f), join(adminPkg, "src", f));
log("copied the browser build to admin/pkg/");
