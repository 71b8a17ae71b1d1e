// The harness's own rules (lib/server.mjs), checked against loopback servers
// so that they can fail here, not only under CI's load:
// - call(): wrangler dev's proxy's 503 "Your worker restarted mid-request" is
//   sent again, at most three times in all, and said on stderr; any other 503
//   is the worker's answer and is returned as it came;
// - a request that never answers fails at its timeout, and while it waits
//   past what it may take, the watchdog names it on stderr;
// - bounded(): a wait whose promise never settles (no timer, no socket, no
//   process: what a launch of wrangler dev once waited on for 15 minutes)
//   still ends at its bound, with its signal aborted;
// - w.sql's text is split into statements at the semicolons outside quotes
//   and comments;
// - a command (wrangler d1 ...) runs in a process group of its own, ended
//   whole a grace period after the command exits, or at its timeout: nothing
//   it started can hold its pipes open and keep the harness waiting, or run
//   on after it.

import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { execFile, spawn } from "node:child_process";
import { bounded, call, groupMembers, runGroup, statements } from "./lib/server.mjs";

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

test("bounded(): a promise that never settles, and holds nothing open, still ends at its bound with its signal aborted", async () => {
  let seen;
  const started = Date.now();
  await assert.rejects(
    bounded(300, "a wait on nothing", (signal) => {
      seen = signal;
      return new Promise(() => {}); // no timer, no I/O: only bounded's own timer keeps the loop
    }),
    (e) => e.name === "TimeoutError" && /^a wait on nothing: not settled within 300 ms$/.test(e.message),
  );
  assert.ok(Date.now() - started >= 290, `ended after ${Date.now() - started} ms`);
  assert.equal(seen.aborted, true);
  assert.equal(seen.reason.name, "TimeoutError");
  // What settles in time is returned as it came, and its timer does not linger.
  assert.equal(await bounded(5_000, "a quick one", async () => 7), 7);
  await assert.rejects(bounded(5_000, "a failing one", async () => Promise.reject(new Error("its own"))), /^Error: its own$/);
  assert.ok(!process.getActiveResourcesInfo().includes("Timeout"), `left: ${process.getActiveResourcesInfo()}`);
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

/** The live members of group `pgid` once they are gone, or after 2 s: a kill takes a moment to land. */
async function membersLeft(pgid) {
  const until = Date.now() + 2_000;
  for (;;) {
    const members = groupMembers(pgid);
    if (members.length === 0 || Date.now() > until) return members;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `runGroup`'s outcome (its output, or its error) and how long it took, settled within 10 s. */
async function quickly(command, args, options) {
  const started = Date.now();
  const outcome = await runGroup(command, args, options).catch((e) => e);
  const ms = Date.now() - started;
  assert.ok(ms < 10_000, `${ms} ms`);
  return Object.assign(outcome, { ms });
}

/** The pid a command printed on the given line of `text`. */
function pidIn(text, line = 0) {
  const pid = Number(text.split("\n")[line]);
  assert.ok(pid > 0, text);
  return pid;
}

test("groupMembers finds a live group's processes", { timeout: 30_000 }, async () => {
  // The control for the tests below, which expect it to find none.
  const child = spawn("sleep", ["600"], { detached: true, stdio: "ignore" });
  try {
    assert.deepEqual(groupMembers(child.pid), [child.pid]);
  } finally {
    process.kill(-child.pid, "SIGKILL");
  }
  assert.deepEqual(await membersLeft(child.pid), []);
});

test("a command that leaves a child on its pipes returns after its grace, and the child is ended", { timeout: 30_000 }, async () => {
  // The child inherits the command's pipes and keeps them open.
  const { stdout, ms } = await quickly("bash", ["-c", "echo $$; sleep 600 &"], { grace: 300 });
  assert.ok(ms >= 300, `returned after ${ms} ms, before its grace`);
  assert.deepEqual(await membersLeft(pidIn(stdout)), []);
});

test("a child that finishes within the grace is left to, and its output is kept", { timeout: 30_000 }, async () => {
  const { stdout, ms } = await quickly("bash", ["-c", "echo $$; (sleep 0.2; echo late) &"], { grace: 5_000 });
  assert.match(stdout, /\nlate\n$/);
  assert.ok(ms < 5_000, `waited ${ms} ms, the whole grace`);
});

test("a child off the command's pipes is ended a grace after the command returns", { timeout: 30_000 }, async () => {
  // As workerd, which has pipes of its own: the command returns at once.
  const { stdout, ms } = await quickly("bash", ["-c", "echo $$; sleep 600 >/dev/null 2>&1 &"], { grace: 300 });
  assert.ok(ms < 300, `${ms} ms`);
  const pgid = pidIn(stdout);
  assert.equal(groupMembers(pgid).length, 1, "the child is left its grace");
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(await membersLeft(pgid), []);
});

test("a command that exits before its timeout succeeds, though its grace runs past the timeout", { timeout: 30_000 }, async () => {
  const outcome = await quickly("bash", ["-c", "sleep 0.3; echo $$; sleep 600 &"], { timeout: 1_000, grace: 1_500 });
  assert.ok(!(outcome instanceof Error), String(outcome.message));
  assert.deepEqual(await membersLeft(pidIn(outcome.stdout)), []);
});

test("a command that hangs is ended at its timeout, with whatever it started", { timeout: 30_000 }, async () => {
  const error = await quickly("bash", ["-c", "echo $$; sleep 600 & sleep 600"], { timeout: 2_000 });
  assert.ok(error instanceof Error, "a hung command must not succeed");
  assert.match(error.message, /timed out after 2000 ms/);
  assert.deepEqual(await membersLeft(pidIn(error.message, 1)), []);
});

test("a command's failure carries its output", { timeout: 30_000 }, async () => {
  await assert.rejects(runGroup("bash", ["-c", "echo out; echo err >&2; exit 3"]), /failed \(3\):\nout\n\nerr/);
});

test("a command whose pipes a process outside its group holds returns anyway", { timeout: 30_000 }, async () => {
  // setsid: a new session and group, out of reach of the group's kill, as
  // something a command starts might be; it says its pid, to be ended here.
  const { stdout } = await quickly("bash", ["-c", "setsid sh -c 'echo $$; exec sleep 600' &"], { grace: 2_000 });
  const escaped = Number(stdout.split("\n")[0]);
  try {
    assert.ok(escaped > 0, stdout);
  } finally {
    if (escaped > 0) process.kill(escaped, "SIGKILL");
  }
});
