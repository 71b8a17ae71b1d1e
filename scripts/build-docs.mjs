#!/usr/bin/env node
// Copies Swagger UI (npm swagger-ui-dist, pinned in package.json) from
// node_modules into admin/docs/vendor/ (gitignored), where wrangler's [assets]
// serve it for the API reference at /docs (admin/docs/index.html + docs.js).
// No CDN: the page loads only these files and GET /openapi.json. `make build`
// runs this; it is quick and idempotent.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const from = join(root, "node_modules", "swagger-ui-dist");
const to = join(root, "admin", "docs", "vendor");

// The bundle and stylesheet the page loads, their source maps (named at their
// ends; fetched only by an open DevTools), and the licence texts that travel
// with them (Apache-2.0: LICENSE and NOTICE; the bundle's third-party notices).
const FILES = [
  "swagger-ui-bundle.js",
  "swagger-ui-bundle.js.map",
  "swagger-ui.css",
  "swagger-ui.css.map",
  "LICENSE",
  "NOTICE",
  "swagger-ui-bundle.js.LICENSE.txt",
];

if (!existsSync(join(from, "package.json"))) {
  console.error("build-docs: node_modules/swagger-ui-dist is missing (run scripts/install.sh)");
  process.exit(1);
}
const { version } = JSON.parse(readFileSync(join(from, "package.json"), "utf8"));
rmSync(to, { recursive: true, force: true });
mkdirSync(to, { recursive: true });
for (const f of FILES) copyFileSync(join(from, f), join(to, f));
console.log(`build-docs: swagger-ui-dist ${version} -> admin/docs/vendor/`);
