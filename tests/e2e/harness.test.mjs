// The harness's own rule for wrangler dev's proxy (lib/server.mjs, call()):
// its 503 "Your worker restarted mid-request" is sent again, at most three
// times in all, and said on stderr; any other 503 is the worker's answer and
// is returned as it came. Checked against a loopback server that plays the
// proxy, so the rule itself can fail here, not only under CI's load.

import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { call } from "./lib/server.mjs";

const LOST = "Your worker restarted mid-request. Please try sending the request again. Only GET or HEAD requests are retried automatically.";

/** A server answering `answers` in turn (the last one from then on), and the bodies it received. */
async function proxy(answers) {
  const seen = [];
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    seen.push(`${req.method} ${body}`);
    const [status, text] = answers[Math.min(seen.length, answers.length) - 1];
    res.writeHead(status, { "content-type": "text/plain", "retry-after": "0" }).end(text);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { worker: { url }, seen, close: () => new Promise((resolve) => server.close(resolve)) };
}

test("a POST the proxy lost is sent again, with the same body, and the worker's answer returned", async () => {
  const p = await proxy([[503, LOST], [201, '{"ok":true}']]);
  try {
    const r = await call(p.worker, "POST", "/v1/x", { body: { a: 1 } });
    assert.equal(r.status, 201);
    assert.deepEqual(r.body, { ok: true });
    assert.deepEqual(p.seen, ['POST {"a":1}', 'POST {"a":1}']);
  } finally {
    await p.close();
  }
});

test("three lost attempts in a row: the third 503 is the answer", async () => {
  const p = await proxy([[503, LOST]]);
  try {
    const r = await call(p.worker, "POST", "/v1/x", { body: {} });
    assert.equal(r.status, 503);
    assert.equal(p.seen.length, 3);
  } finally {
    await p.close();
  }
});

test("the worker's own 503 is returned at once", async () => {
  const p = await proxy([[503, '{"status":false}'], [200, "{}"]]);
  try {
    const r = await call(p.worker, "POST", "/v1/x", { body: {} });
    assert.equal(r.status, 503);
    assert.deepEqual(r.body, { status: false });
    assert.equal(p.seen.length, 1);
  } finally {
    await p.close();
  }
});
