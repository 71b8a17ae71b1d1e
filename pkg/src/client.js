// The typed API client and the errors it throws. Pure JavaScript over fetch;
// validation comes from the wasm exports (the same mdm-core code the worker
// runs), so an invalid body is rejected here without a round trip, with the
// very violations the server would list.

import { tryBuildListQuery } from "./list.js";
import { OPERATIONS } from "./operations.js";
import { validate } from "./validate.js";

/** An error envelope from the API: `{status: false, error: {code, message, details}}`. */
export class ApiError extends Error {
  constructor(status, code, message, details = []) {
    super(message);
    this.name = "ApiError";
    /** HTTP status (0 when the request never reached the API). */
    this.status = status;
    /** The envelope's error code (5209, 3001, ...). */
    this.code = code;
    /** Violations for 5209; otherwise usually empty. */
    this.details = details;
  }
}

/**
 * A request the client refused to send: same shape as the server's 5209
 * (`status` 400, `code` 5209, `message` "Invalid input", `details`), so one
 * `catch` handles both; `local` tells them apart.
 */
export class ValidationError extends ApiError {
  constructor(violations) {
    super(400, 5209, "Invalid input", violations);
    this.name = "ValidationError";
    this.local = true;
  }
}

/** `buildListQuery(resource, params)`: the query string, or a thrown ValidationError. */
export function buildListQuery(resource, params) {
  const r = tryBuildListQuery(resource, params);
  if (!r.ok) throw new ValidationError(r.violations);
  return r.value;
}

const seg = (s) => {
  if (typeof s !== "string" || s === "") throw new TypeError("path parameters must be non-empty strings");
  return encodeURIComponent(s);
};

// Every method is async: a bad argument or body rejects the promise, never throws.
export class MdmClient {
  /**
   * @param {{baseUrl?: string, token?: string, apiKey?: string, organization?: string, fetch?: typeof fetch}} options
   * `token` or `apiKey`: the bearer credential (an API key is one like any other).
   */
  constructor({ baseUrl = "", token, apiKey, organization, fetch: fetchImpl } = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.token = token ?? apiKey;
    this.bookmark = undefined;
    this.organization = organization;
    this.fetch = fetchImpl ?? ((...a) => globalThis.fetch(...a));
  }

  /**
   * One API call: validates `body` as `bodyName` first (throws ValidationError
   * without sending), sends JSON with the bearer token, returns the envelope's
   * `data` or throws ApiError.
   */
  async request(method, path, { query, body, bodyName, signal } = {}) {
    if (bodyName !== undefined) {
      const violations = validate(bodyName, body);
      if (violations.length > 0) throw new ValidationError(violations);
    }
    const headers = { accept: "application/json" };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const init = { method, headers, signal };
    if (body !== undefined) {
      headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    // Read-your-writes on D1 replicas: send back the latest bookmark the API gave.
    if (this.bookmark) headers["x-d1-bookmark"] = this.bookmark;
    const url = this.baseUrl + path + (query ? `?${query}` : "");
    const res = await this.fetch(url, init);
    const bookmark = res.headers?.get?.("x-d1-bookmark");
    if (bookmark) this.bookmark = bookmark;
    let envelope;
    try {
      envelope = await res.json();
    } catch {
      throw new ApiError(res.status, 0, `HTTP ${res.status}: the response is not JSON`);
    }
    if (envelope && envelope.status === true) return envelope.data;
    const e = envelope?.error;
    if (e && typeof e === "object") {
      throw new ApiError(res.status, e.code ?? 0, e.message ?? `HTTP ${res.status}`, Array.isArray(e.details) ? e.details : []);
    }
    throw new ApiError(res.status, 0, `HTTP ${res.status}: not an API envelope`);
  }

  /**
   * Calls the endpoint-table operation behind the client method `name`
   * (pkg/src/operations.js): the path ids first, in path order, then the
   * list params or the body, then `{signal}`. The organization of
   * `/v1/organizations/{organizationId}/...` is the client's.
   */
  async operation(name, ...args) {
    const op = OPERATIONS[name];
    if (!op) throw new TypeError(`unknown operation ${name}`);
    const values = {};
    for (const [, param] of op.path.matchAll(/\{(\w+)\}/g)) {
      if (param !== "organizationId") values[param] = seg(args.shift());
    }
    if (op.path.includes("{organizationId}")) {
      if (!this.organization) throw new TypeError("set the client's organization (id or slug) first");
      values.organizationId = seg(this.organization);
    }
    const path = op.path.replace(/\{(\w+)\}/g, (_, param) => values[param]);
    if (op.list) {
      const [params, { signal } = {}] = args;
      return this.request("GET", path, { query: buildListQuery(op.list, params ?? {}), signal });
    }
    if (op.body) {
      const [body, { signal } = {}] = args;
      return this.request(op.method, path, { body, bodyName: op.body, signal });
    }
    const [{ signal } = {}] = args;
    return this.request(op.method, path, { signal });
  }

  /** `GET /v1/me`: who the credential is, and what it may do in each organization it sees. */
  async me({ signal } = {}) {
    return this.request("GET", "/v1/me", { signal });
  }
}

// One method per operation, named as the endpoint table says.
for (const name of Object.keys(OPERATIONS)) {
  Object.defineProperty(MdmClient.prototype, name, {
    value(...args) {
      return this.operation(name, ...args);
    },
    writable: true,
    configurable: true,
  });
}
