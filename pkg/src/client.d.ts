// Types of client.js. The per-operation methods are generated from the
// worker's endpoint table (operations.d.ts); the types they refer to from
// mdm-core's catalog.

import type { EntityInUse, ListParams, ListResource, RequestBodyName, Violation } from "../dist/mdm_wasm.js";
import type { Operations } from "./operations.js";

/** An error envelope from the API: `{status: false, error: {code, message, details}}`. */
export class ApiError extends Error {
  constructor(status: number, code: number, message: string, details?: Violation[] | EntityInUse[]);
  readonly name: "ApiError" | "ValidationError";
  /** HTTP status (0 when the request never reached the API). */
  status: number;
  /** The envelope's error code (5209 invalid input, 3001 not found, 4004 invalid token, ...). */
  code: number;
  /** Every violation for a 5209; the referrers by kind for a 5012 (Entity in use); otherwise empty. */
  details: Violation[] | EntityInUse[];
}

/** A request the client refused to send: shaped like the server's 5209. */
export class ValidationError extends ApiError {
  constructor(violations: Violation[]);
  status: 400;
  code: 5209;
  local: true;
}

/** The list query string for `params` (defaults left out), or a thrown ValidationError. */
export function buildListQuery<R extends ListResource>(resource: R, params?: ListParams[R]): string;

export interface ClientOptions {
  /** Origin of the API, e.g. "https://mdm.example.com" (default: same origin). */
  baseUrl?: string;
  /** Bearer credential: an API key (`mdme_...`), an OpenID Connect token, or an HS256 JWT. */
  token?: string;
  /** An API key (`mdme_...`); the same as `token`, which wins when both are given. */
  apiKey?: string;
  /** Organization id or slug used by every organization-scoped call. */
  organization?: string;
  /** fetch implementation (default: globalThis.fetch). */
  fetch?: typeof fetch;
}

/** What `GET /v1/me` answers. */
export interface Me {
  subject: string;
  email?: string;
  via: "apiKey" | "oidc" | "hs256";
  organizations: { id: string; slug: string; role?: "viewer" | "operator" | "admin" | "owner"; permissions: string[] }[];
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface RequestOptions<N extends RequestBodyName = RequestBodyName> extends CallOptions {
  /** Query string without `?`. */
  query?: string;
  body?: unknown;
  /** Validate `body` as this request body before sending. */
  bodyName?: N;
}

export class MdmClient {
  constructor(options?: ClientOptions);
  baseUrl: string;
  token: string | undefined;
  organization: string | undefined;
  /** The latest D1 bookmark the API answered with; sent back on every call, so reads see earlier writes. */
  bookmark: string | undefined;

  /** One call: returns the envelope's `data`; throws ApiError / ValidationError. */
  request<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<T>;
  /** Calls the endpoint-table operation behind the client method `name` (see operations.d.ts). */
  operation(name: keyof Operations, ...args: unknown[]): Promise<unknown>;
  /** `GET /v1/me`: who the credential is, and what it may do in each organization it sees. */
  me(options?: CallOptions): Promise<Me>;
}

/** The generated methods, one per operation of the endpoint table. */
export interface MdmClient extends Operations {}

