// A row the worker wrote that no longer reads back (an unknown stored status,
// a JSON column of the wrong shape) is a logged 500 on AOSP and Windows
// alike: never a silent default, never a stack trace. The rows are corrupted
// behind the API's back with SQL, as a bad migration or a manual edit would.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker } from "./lib/server.mjs";
import { client, assertError } from "./lib/fixtures.mjs";

let w, api;
const base = {
  aosp: "/v1/organizations/corrupt/mdm/aosp/enterprise/enrollment-tokens",
  windows: "/v1/organizations/corrupt/mdm/windows/enterprise/enrollment-tokens",
};
const table = { aosp: ["aosp_enrollment_tokens", "status"], windows: ["win_enrollment_tokens", "state"] };

before(async () => {
  w = await startWorker();
  api = client(w, w.token());
  await api.org("corrupt");
});
after(async () => {
  await w?.stop();
});

/** The worker's log reaches wrangler's output a moment after the answer. */
async function logged(pattern) {
  for (let i = 0; i < 50 && !pattern.test(w.output()); i++) await new Promise((r) => setTimeout(r, 200));
  assert.match(w.output(), pattern);
}

for (const platform of ["aosp", "windows"]) {
  test(`${platform}: a JSON column of the wrong shape is a logged 500 on get and list`, async () => {
    const t = await api.post(base[platform], {});
    await w.sql(`UPDATE ${table[platform][0]} SET tags = '{"not":"a list"}' WHERE id = '${t.id}'`);
    const got = await api.call("GET", `${base[platform]}/${t.id}`);
    assertError(got, 500, 5000);
    assert.doesNotMatch(JSON.stringify(got.body), /not|list|invalid type/, "the cause stays in the log");
    assertError(await api.call("GET", base[platform]), 500, 5000);
    // The reader's own words (`FromJson`, mdm_core::requests::build).
    await logged(/invalid type: expected an array/);
    await w.sql(`DELETE FROM ${table[platform][0]} WHERE id = '${t.id}'`);
  });

  test(`${platform}: an unknown stored status is a logged 500, not a default`, async () => {
    const t = await api.post(base[platform], {});
    const [name, column] = table[platform];
    // The schema's CHECK refuses such a value; a bad migration would not.
    // Off again in the same batch: the server's connection stays open.
    await w.sql(
      `PRAGMA ignore_check_constraints = ON; UPDATE ${name} SET ${column} = 'ARCHIVED' WHERE id = '${t.id}'; PRAGMA ignore_check_constraints = OFF`,
    );
    const [row] = await w.sql(`SELECT ${column} AS s FROM ${name} WHERE id = '${t.id}'`);
    assert.equal(row.s, "ARCHIVED", "the corruption took");
    assertError(await api.call("GET", `${base[platform]}/${t.id}`), 500, 5000);
    await logged(/unknown stored token status "ARCHIVED"/);
    await w.sql(`DELETE FROM ${name} WHERE id = '${t.id}'`);
  });
}
