// The harness's own rules (lib/server.mjs), checked against loopback servers
// so that they can fail here, not only under CI's load:
// - call(): wrangler dev's proxy's 503 "Your worker restarted mid-request" is
//   sent again, at most three times in all, and said on stderr; any other 503
//   is the worker's answer and is returned as it came;
// - a request that never answers fails at its timeout, and while it waits
//   past what it may take, the watchdog names it on stderr;
// - w.sql's text is split into statements at the semicolons outside quotes
//   and comments;
// - a command (wrangler d1 ...) runs in a process group of its own, ended
//   whole a grace period after the command exits, or at its timeout: nothing
//   it started can hold its pipes open and keep the harness waiting.

import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { execFile } from "node:child_process";
import { call, runGroup, statements } from "./lib/server.mjs";

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

test("a request that never answers: named by the watchdog while it waits, then failed at its timeout", async () => {
  const sockets = new Set();
  const silent = createServer(() => {}); // reads the request, never answers
  silent.on("connection", (socket) => sockets.add(socket));
  await new Promise((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${silent.address().port}`;
  // A process of its own: the knobs are read when the harness loads.
  const script = `
    const { call } = await import(${JSON.stringify(new URL("./lib/server.mjs", import.meta.url).href)});
    const started = Date.now();
    try {
      await call({ url: ${JSON.stringify(url)} }, "POST", "/hang", { body: {}, timeoutMs: 2500 });
      console.log("answered");
    } catch (e) {
      console.log(JSON.stringify({ message: e.message, after: Date.now() - started }));
    }`;
  try {
    const { stdout, stderr } = await new Promise((resolve, reject) =>
      execFile(
        process.execPath,
        ["--input-type=module", "-e", script],
        { env: { ...process.env, HARNESS_WAIT_LIMIT_MS: "500", HARNESS_WATCH_EVERY_MS: "200" }, timeout: 30_000 },
        (err, stdout, stderr) => (err ? reject(Object.assign(err, { stderr })) : resolve({ stdout, stderr })),
      ),
    );
    const outcome = JSON.parse(stdout);
    assert.match(outcome.message, /^POST \/hang: no answer \(TimeoutError/);
    assert.ok(outcome.after >= 2400, `gave up after ${outcome.after} ms`);
    assert.match(stderr, /harness: still waiting on POST \/hang and its body \(\d+ s\); active: /);
    // Named once per watch, and only while it waited: not after it failed.
    const named = stderr.split("\n").filter((l) => l.includes("/hang")).length;
    assert.ok(named >= 2 && named <= 13, `named ${named} times`);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  }
});

test("w.sql's statements: split at semicolons outside quotes and comments, comments left out", () => {
  const cases = [
    ["SELECT 1; SELECT 2", ["SELECT 1", "SELECT 2"]],
    ["INSERT INTO t VALUES ('a;b'); -- x; y\nSELECT 1; /* c; d */ SELECT \"q;r\";", ["INSERT INTO t VALUES ('a;b')", "SELECT 1", 'SELECT "q;r"']],
    ["SELECT 1; -- a comment alone is no statement", ["SELECT 1"]],
    ["SELECT 'it''s; one string'", ["SELECT 'it''s; one string'"]],
    ["SELECT 1 /* a */ + 2", ["SELECT 1   + 2"]],
    ["  ;; ", []],
  ];
  for (const [sql, want] of cases) assert.deepEqual(statements(sql), want, sql);
});

/** The live processes of process group `pgid` (zombies, killed but not yet reaped, left out). */
function groupMembers(pgid) {
  return new Promise((resolve) =>
    execFile("ps", ["-o", "pid=,stat=", "-g", String(pgid)], (_e, out) =>
      resolve(String(out ?? "").trim().split("\n").filter((l) => l.trim() && !/\sZ/.test(l))),
    ),
  );
}

/** `runGroup`'s outcome (its output, or its error), settled within 10 s. */
async function quickly(command, args, options) {
  const started = Date.now();
  const outcome = await runGroup(command, args, options).catch((e) => e);
  assert.ok(Date.now() - started < 10_000, `${Date.now() - started} ms`);
  return outcome;
}

/** The pid a command printed on the given line of `text`. */
function pidIn(text, line = 0) {
  const pid = Number(text.split("\n")[line]);
  assert.ok(pid > 0, text);
  return pid;
}

test("a command that leaves a child behind returns its grace after it exits, and the child is ended", { timeout: 30_000 }, async () => {
  // The child inherits the command's pipes, as workerd inherits wrangler's.
  const { stdout } = await quickly("bash", ["-c", "echo $$; sleep 600 &"], { grace: 300 });
  assert.deepEqual(await groupMembers(pidIn(stdout)), []);
});

test("a command that hangs is ended at its timeout, with whatever it started", { timeout: 30_000 }, async () => {
  const error = await quickly("bash", ["-c", "echo $$; sleep 600 & sleep 600"], { timeout: 500 });
  assert.ok(error instanceof Error, "a hung command must not succeed");
  assert.match(error.message, /timed out after 500 ms/);
  assert.deepEqual(await groupMembers(pidIn(error.message, 1)), []);
});

test("a command's failure carries its output", { timeout: 30_000 }, async () => {
  await assert.rejects(runGroup("bash", ["-c", "echo out; echo err >&2; exit 3"]), /failed \(3\):\nout\n\nerr/);
});

test("a command whose pipes a process outside its group holds returns anyway", { timeout: 30_000 }, async () => {
  // setsid: a new session and group, out of reach of the group's kill, as
  // something a command starts might be; it says its pid, to be ended here.
  const { stdout } = await quickly("bash", ["-c", "setsid sh -c 'echo $$; exec sleep 600' &"], { grace: 300 });
  process.kill(pidIn(stdout), "SIGKILL");
});
