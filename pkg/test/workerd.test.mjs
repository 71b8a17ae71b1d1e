import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";

// The `workerd` entry in the real runtime: a worker imports src/workerd.js
// (the .wasm arrives as a compiled module, as wrangler bundles it) and
// validates a body.
test("the workerd entry initializes and validates inside workerd", async () => {
  const mf = new Miniflare({
    modules: true,
    modulesRoot: fileURLToPath(new URL("..", import.meta.url)),
    modulesRules: [
      { type: "ESModule", include: ["**/*.js"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    scriptPath: fileURLToPath(new URL("./fixtures/worker.js", import.meta.url)),
    compatibilityDate: "2025-11-01",
  });
  try {
    const res = await mf.dispatchFetch("http://localhost/", { method: "POST", body: JSON.stringify({ duration: 59 }) });
    assert.deepEqual(await res.json(), {
      violations: [{ path: "duration", code: "min", message: "must be at least 60" }],
      svg: true,
    });
  } finally {
    await mf.dispose();
  }
});
