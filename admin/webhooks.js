// The admin page's Webhooks tab: subscribe a URL to events (the signing
// secret is shown once, with a copy button), list subscriptions, enable or
// disable them, send a test ping and see each subscription's recent delivery
// attempts. app.js only imports this module and calls load() when the tab
// opens; the panel's markup is built here, the rest comes from ui.js.

import { ApiError, validate } from "/pkg/src/browser.js";
import { $, $$, button, cell, confirmAction, errorText, listInto, session, showViolations, when } from "./ui.js";

const EVENTS = [
  "device.enrolled",
  "device.stateChanged",
  "enrollmentToken.consumed",
  "enrollmentToken.expired",
  "enrollmentToken.deleted",
];
const DELIVERIES_SHOWN = 10;

const PANEL = `
  <div class="card">
    <h2>New webhook</h2>
    <form id="webhook-form" data-body="WebhookCreate" novalidate>
      <label>URL <input name="url" autocomplete="off" placeholder="https://hooks.example.com/mdm"></label>
      <p class="error" data-error="url"></p>
      <fieldset>
        <legend>Events</legend>
        ${EVENTS.map((e) => `<label><input type="checkbox" name="events" value="${e}"> <code>${e}</code></label>`).join("\n")}
      </fieldset>
      <p class="error" data-error="events"></p>
      <label><input type="checkbox" name="enabled" checked> Enabled</label>
      <p class="error" data-error="form"></p>
      <button type="submit">Create webhook</button>
    </form>
    <div id="new-webhook" hidden>
      <p><strong>Copy this signing secret now: it is not shown again.</strong></p>
      <code id="new-webhook-secret" class="secret"></code>
      <button type="button" id="new-webhook-copy">Copy</button>
      <span id="new-webhook-copied" class="muted" role="status"></span>
    </div>
  </div>
  <div class="card">
    <h2>Webhooks</h2>
    <table id="webhooks-table">
      <thead><tr><th>URL</th><th>Events</th><th>State</th><th></th></tr></thead>
      <tbody></tbody>
    </table>
    <div class="pager" data-pager="webhooks"></div>
    <p class="error" data-error="webhooks-list"></p>
  </div>
  <div class="card wide" id="webhook-deliveries" hidden>
    <h2>Recent deliveries of <code id="webhook-deliveries-url"></code></h2>
    <table id="deliveries-table">
      <thead><tr><th>When</th><th>Event</th><th>Attempt</th><th>Status</th><th>Answer</th></tr></thead>
      <tbody></tbody>
    </table>
    <button type="button" id="deliveries-refresh">Refresh</button>
  </div>`;

/** The tab, rendered into `panel`; returns `{ load }` for the tab switch. */
export function webhooksTab(panel) {
  panel.innerHTML = PANEL;
  const form = $("#webhook-form", panel);
  const client = () => session.client;
  let shown = null; // the subscription whose deliveries are open

  const readForm = () => {
    const body = { url: form.elements.url.value.trim(), events: $$("input[name=events]:checked", form).map((i) => i.value) };
    if (!form.elements.enabled.checked) body.enabled = false;
    if (body.url === "") delete body.url;
    return body;
  };

  const check = () => {
    const violations = validate("WebhookCreate", readForm());
    showViolations(form, violations);
    $("button[type=submit]", form).disabled = violations.length > 0;
    return violations;
  };

  const row = (hook) => {
    const tr = document.createElement("tr");
    tr.dataset.id = hook.id;
    tr.append(cell(hook.url), cell(hook.events.join(", ")), cell(hook.enabled ? "enabled" : "disabled"));
    const actions = cell();
    actions.append(
      button(hook.enabled ? "Disable" : "Enable", () => act(() => client().updateWebhook(hook.id, { enabled: !hook.enabled })), {
        "data-action": "toggle",
      }),
      button("Send test", () => act(async () => {
        await client().testWebhook(hook.id);
        await openDeliveries(hook, { waitForNew: true });
      }), { "data-action": "test" }),
      button("Deliveries", () => openDeliveries(hook), { "data-action": "deliveries" }),
      button("Delete", async () => {
        if (await confirmAction(`Delete the webhook to ${hook.url}?`, "Delete")) await act(() => client().deleteWebhook(hook.id));
      }, { "data-action": "delete" }),
    );
    tr.append(actions);
    return tr;
  };

  const listError = $('[data-error="webhooks-list"]', panel);
  // The list reloads after every action, and a reload that succeeds clears
  // the line under it: a failed action's message is written after it.
  const act = async (action) => {
    let failed = "";
    try {
      await action();
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      failed = errorText(e);
    }
    await load();
    if (failed) listError.textContent = failed;
  };

  const load = () => listInto("webhooks", (q) => client().listWebhooks(q), row);

  const deliveryRow = (d) => {
    const tr = document.createElement("tr");
    tr.dataset.id = d.id;
    tr.dataset.status = d.status;
    tr.append(cell(when(d.at)), cell(d.event), cell(String(d.attempt)), cell(d.status), cell(d.responseStatus === null ? "no answer" : String(d.responseStatus)));
    return tr;
  };

  /** Shows the newest attempts; after a test, polls briefly until a new one is listed. */
  async function openDeliveries(hook, { waitForNew = false } = {}) {
    shown = hook;
    $("#webhook-deliveries-url", panel).textContent = hook.url;
    $("#webhook-deliveries", panel).hidden = false;
    const before = waitForNew ? $$("#deliveries-table tbody tr", panel).length : 0;
    for (let i = 0; i < (waitForNew ? 40 : 1); i++) {
      const result = await client().listWebhookDeliveries(hook.id, { limit: DELIVERIES_SHOWN, sort: "at:desc" });
      if (shown !== hook) return;
      $("#deliveries-table tbody", panel).replaceChildren(...result.items.map(deliveryRow));
      if (!waitForNew || result.totalDocs > before) return;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  form.addEventListener("input", check);
  form.addEventListener("change", check);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (check().length > 0) return;
    const submit = $("button[type=submit]", form);
    submit.disabled = true;
    try {
      const hook = await client().createWebhook(readForm());
      // A fresh form: no messages until the user types again.
      form.reset();
      showViolations(form, []);
      // The only time the secret is visible.
      $("#new-webhook-secret", panel).textContent = hook.secret;
      $("#new-webhook-copied", panel).textContent = "";
      $("#new-webhook", panel).hidden = false;
      await load();
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      showViolations(form, e.details ?? [], `${e.message} (${e.code})`);
    } finally {
      submit.disabled = false;
    }
  });

  $("#new-webhook-copy", panel).addEventListener("click", async () => {
    const note = $("#new-webhook-copied", panel);
    try {
      await navigator.clipboard.writeText($("#new-webhook-secret", panel).textContent);
      note.textContent = "Copied.";
    } catch {
      getSelection().selectAllChildren($("#new-webhook-secret", panel));
      note.textContent = "Selected: press Ctrl+C.";
    }
  });

  $("#deliveries-refresh", panel).addEventListener("click", () => shown && openDeliveries(shown));

  return { load };
}
