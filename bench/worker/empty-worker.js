// The ceiling: a JavaScript worker that answers every request with a constant
// JSON envelope (no routing, no auth, no D1).
const BODY = '{"status":true,"data":{"ok":true}}';
export default {
  fetch() {
    return new Response(BODY, { headers: { "content-type": "application/json" } });
  },
};
