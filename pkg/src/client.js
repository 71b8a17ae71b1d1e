// The typed API client and the errors it throws. Pure JavaScript over fetch;
// validation comes from the wasm exports (the same mdm-core code the worker
// runs), so an invalid body is rejected here without a round trip, with the
// very violations the server would list.

import { tryBuildListQuery } from "../dist/mdm_wasm.js";
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

// Paths below /v1/organizations/:organizationId (CONTRACT.md).
const AOSP_TOKENS = "/mdm/aosp/enterprise/enrollment-tokens";
const AOSP_DEVICES = "/mdm/aosp/enterprise/devices";
const AOSP_POLICIES = "/mdm/aosp/enterprise/policies";
const DPC_BUILDS = "/mdm/aosp/enterprise/dpc-builds";
const WIN_TOKENS = "/mdm/windows/enterprise/enrollment-tokens";
const WIN_POLICIES = "/mdm/windows/enterprise/policies";

// Every method is async: a bad argument or body rejects the promise, never throws.
export class MdmClient {
  /**
   * @param {{baseUrl?: string, token?: string, organization?: string, fetch?: typeof fetch}} options
   */
  constructor({ baseUrl = "", token, organization, fetch: fetchImpl } = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.token = token;
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
    const url = this.baseUrl + path + (query ? `?${query}` : "");
    const res = await this.fetch(url, init);
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

  /** An organization-scoped path. */
  #at(path) {
    if (!this.organization) throw new TypeError("set the client's organization (id or slug) first");
    return `/v1/organizations/${seg(this.organization)}${path}`;
  }

  async #list(path, resource, params, { signal } = {}) {
    return this.request("GET", path, { query: buildListQuery(resource, params ?? {}), signal });
  }

  async #send(method, path, bodyName, body, { signal } = {}) {
    return this.request(method, path, { body, bodyName, signal });
  }

  async #call(method, path, { signal } = {}) {
    return this.request(method, path, { signal });
  }

  /** `GET /v1/me`: who the token says the caller is. */
  async me(options) {
    return this.#call("GET", "/v1/me", options);
  }

  // ---- AOSP enrollment tokens and devices --------------------------------------------
  async listAospEnrollmentTokens(params, options) {
    return this.#list(this.#at(AOSP_TOKENS), "aospEnrollmentTokens", params, options);
  }
  async createAospEnrollmentToken(body, options) {
    return this.#send("POST", this.#at(AOSP_TOKENS), "AospEnrollmentTokenCreate", body, options);
  }
  async getAospEnrollmentToken(id, options) {
    return this.#call("GET", this.#at(`${AOSP_TOKENS}/${seg(id)}`), options);
  }
  async deleteAospEnrollmentToken(id, options) {
    return this.#call("DELETE", this.#at(`${AOSP_TOKENS}/${seg(id)}`), options);
  }
  async listAospDevices(params, options) {
    return this.#list(this.#at(AOSP_DEVICES), "aospDevices", params, options);
  }
  async getAospDevice(id, options) {
    return this.#call("GET", this.#at(`${AOSP_DEVICES}/${seg(id)}`), options);
  }
  async updateAospDevice(id, body, options) {
    return this.#send("PUT", this.#at(`${AOSP_DEVICES}/${seg(id)}`), "AospDeviceUpdate", body, options);
  }

  // ---- Windows enrollment tokens ---------------------------------------------------
  async listWinEnrollmentTokens(params, options) {
    return this.#list(this.#at(WIN_TOKENS), "winEnrollmentTokens", params, options);
  }
  async createWinEnrollmentToken(body, options) {
    return this.#send("POST", this.#at(WIN_TOKENS), "WinEnrollmentTokenCreate", body, options);
  }
  async getWinEnrollmentToken(id, options) {
    return this.#call("GET", this.#at(`${WIN_TOKENS}/${seg(id)}`), options);
  }
  async updateWinEnrollmentToken(id, body, options) {
    return this.#send("PUT", this.#at(`${WIN_TOKENS}/${seg(id)}`), "WinEnrollmentTokenUpdate", body, options);
  }
  async deleteWinEnrollmentToken(id, options) {
    return this.#call("DELETE", this.#at(`${WIN_TOKENS}/${seg(id)}`), options);
  }

  // ---- supporting resources (list and create) -----------------------------------
  async listOrganizations(params, options) {
    return this.#list("/v1/organizations", "organizations", params, options);
  }
  async createOrganization(body, options) {
    return this.#send("POST", "/v1/organizations", "OrganizationCreate", body, options);
  }
  async listSegments(params, options) {
    return this.#list(this.#at("/segments"), "segments", params, options);
  }
  async createSegment(body, options) {
    return this.#send("POST", this.#at("/segments"), "SegmentCreate", body, options);
  }
  async listMdmUsers(params, options) {
    return this.#list(this.#at("/mdm-users"), "mdmUsers", params, options);
  }
  async createMdmUser(body, options) {
    return this.#send("POST", this.#at("/mdm-users"), "MdmUserCreate", body, options);
  }
  async listAospPolicies(params, options) {
    return this.#list(this.#at(AOSP_POLICIES), "aospPolicies", params, options);
  }
  async createAospPolicy(body, options) {
    return this.#send("POST", this.#at(AOSP_POLICIES), "AospPolicyCreate", body, options);
  }
  async listWinPolicies(params, options) {
    return this.#list(this.#at(WIN_POLICIES), "winPolicies", params, options);
  }
  async createWinPolicy(body, options) {
    return this.#send("POST", this.#at(WIN_POLICIES), "WinPolicyCreate", body, options);
  }
  async listDpcBuilds(params, options) {
    return this.#list(this.#at(DPC_BUILDS), "dpcBuilds", params, options);
  }
  async createDpcBuild(body, options) {
    return this.#send("POST", this.#at(DPC_BUILDS), "DpcBuildCreate", body, options);
  }
}
