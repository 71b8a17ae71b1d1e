// Types of client.js (hand-written JavaScript; the types it refers to are
// generated from mdm-core's catalog).

import type {
  AospDevice,
  AospDeviceUpdate,
  AospEnrollmentToken,
  AospEnrollmentTokenCreate,
  AospPolicy,
  AospPolicyCreate,
  DpcBuild,
  DpcBuildCreate,
  ListParams,
  ListResource,
  MdmUser,
  MdmUserCreate,
  Organization,
  OrganizationCreate,
  Page,
  RequestBodyName,
  Segment,
  SegmentCreate,
  Violation,
  WinEnrollmentToken,
  WinEnrollmentTokenCreate,
  WinEnrollmentTokenUpdate,
  WinPolicy,
  WinPolicyCreate,
} from "../dist/mdm_wasm.js";

/** An error envelope from the API: `{status: false, error: {code, message, details}}`. */
export class ApiError extends Error {
  constructor(status: number, code: number, message: string, details?: Violation[]);
  readonly name: "ApiError" | "ValidationError";
  /** HTTP status (0 when the request never reached the API). */
  status: number;
  /** The envelope's error code (5209 invalid input, 3001 not found, 4004 invalid token, ...). */
  code: number;
  /** Every violation for a 5209; otherwise usually empty. */
  details: Violation[];
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
  /** Bearer JWT. */
  token?: string;
  /** Organization id or slug used by every organization-scoped call. */
  organization?: string;
  /** fetch implementation (default: globalThis.fetch). */
  fetch?: typeof fetch;
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

  /** One call: returns the envelope's `data`; throws ApiError / ValidationError. */
  request<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<T>;
  me(options?: CallOptions): Promise<{ sub: string; orgs: string[]; perms: string[]; exp: number }>;

  listAospEnrollmentTokens(params?: ListParams["aospEnrollmentTokens"], options?: CallOptions): Promise<Page<AospEnrollmentToken>>;
  createAospEnrollmentToken(body: AospEnrollmentTokenCreate, options?: CallOptions): Promise<AospEnrollmentToken>;
  getAospEnrollmentToken(id: string, options?: CallOptions): Promise<AospEnrollmentToken>;
  deleteAospEnrollmentToken(id: string, options?: CallOptions): Promise<unknown>;

  listAospDevices(params?: ListParams["aospDevices"], options?: CallOptions): Promise<Page<AospDevice>>;
  getAospDevice(id: string, options?: CallOptions): Promise<AospDevice>;
  updateAospDevice(id: string, body: AospDeviceUpdate, options?: CallOptions): Promise<AospDevice>;

  listWinEnrollmentTokens(params?: ListParams["winEnrollmentTokens"], options?: CallOptions): Promise<Page<WinEnrollmentToken>>;
  createWinEnrollmentToken(body: WinEnrollmentTokenCreate, options?: CallOptions): Promise<WinEnrollmentToken>;
  getWinEnrollmentToken(id: string, options?: CallOptions): Promise<WinEnrollmentToken>;
  updateWinEnrollmentToken(id: string, body: WinEnrollmentTokenUpdate, options?: CallOptions): Promise<WinEnrollmentToken>;
  deleteWinEnrollmentToken(id: string, options?: CallOptions): Promise<unknown>;

  listOrganizations(params?: ListParams["organizations"], options?: CallOptions): Promise<Page<Organization>>;
  createOrganization(body: OrganizationCreate, options?: CallOptions): Promise<Organization>;
  listSegments(params?: ListParams["segments"], options?: CallOptions): Promise<Page<Segment>>;
  createSegment(body: SegmentCreate, options?: CallOptions): Promise<Segment>;
  listMdmUsers(params?: ListParams["mdmUsers"], options?: CallOptions): Promise<Page<MdmUser>>;
  createMdmUser(body: MdmUserCreate, options?: CallOptions): Promise<MdmUser>;
  listAospPolicies(params?: ListParams["aospPolicies"], options?: CallOptions): Promise<Page<AospPolicy>>;
  createAospPolicy(body: AospPolicyCreate, options?: CallOptions): Promise<AospPolicy>;
  listWinPolicies(params?: ListParams["winPolicies"], options?: CallOptions): Promise<Page<WinPolicy>>;
  createWinPolicy(body: WinPolicyCreate, options?: CallOptions): Promise<WinPolicy>;
  listDpcBuilds(params?: ListParams["dpcBuilds"], options?: CallOptions): Promise<Page<DpcBuild>>;
  createDpcBuild(body: DpcBuildCreate, options?: CallOptions): Promise<DpcBuild>;
}

