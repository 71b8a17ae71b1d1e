// Generated from worker/src/table.rs by `UPDATE=1 cargo test -p mdm-worker client_operations`.
// Do not edit: add a row (with `.client("name")`) to the endpoint table instead.

import type { AospDevice, AospDeviceUpdate, AospEnrollmentToken, AospEnrollmentTokenCreate, AospPolicy, AospPolicyCreate, AospPolicyUpdate, ApiKey, ApiKeyCreate, AuditEvent, DpcBuild, DpcBuildCreate, DpcBuildUpdate, ListParams, MdmUser, MdmUserCreate, MdmUserUpdate, Member, MemberCreate, MemberUpdate, Organization, OrganizationCreate, OrganizationUpdate, Page, Segment, SegmentCreate, SegmentUpdate, Webhook, WebhookCreate, WebhookDelivery, WebhookTest, WebhookUpdate, WinDevice, WinDeviceUpdate, WinEnrollmentToken, WinEnrollmentTokenCreate, WinEnrollmentTokenUpdate, WinPolicy, WinPolicyCreate, WinPolicyUpdate } from "../dist/mdm_wasm.js";
import type { CallOptions } from "./client.js";

/** One method per operation of the endpoint table that the client offers. */
export interface Operations {
  /** `GET /v1/organizations` (List the organizations the token may see). */
  listOrganizations(params?: ListParams["organizations"], options?: CallOptions): Promise<Page<Organization>>;
  /** `POST /v1/organizations` (Create an organization and choose its plan (platform operators)). */
  createOrganization(body: OrganizationCreate, options?: CallOptions): Promise<Organization>;
  /** `PUT /v1/organizations/:organizationId` (Rename an organization or change its plan (platform operators)). */
  updateOrganization(body: OrganizationUpdate, options?: CallOptions): Promise<Organization>;
  /** `GET /v1/organizations/:organizationId/segments` (List segments). */
  listSegments(params?: ListParams["segments"], options?: CallOptions): Promise<Page<Segment>>;
  /** `POST /v1/organizations/:organizationId/segments` (Create a segment). */
  createSegment(body: SegmentCreate, options?: CallOptions): Promise<Segment>;
  /** `GET /v1/organizations/:organizationId/segments/:segmentId` (Get a segment). */
  getSegment(segmentId: string, options?: CallOptions): Promise<Segment>;
  /** `PUT /v1/organizations/:organizationId/segments/:segmentId` (Update a segment (absent fields stay as they are); a parent that is the segment itself or one of its descendants is refused). */
  updateSegment(segmentId: string, body: SegmentUpdate, options?: CallOptions): Promise<Segment>;
  /** `DELETE /v1/organizations/:organizationId/segments/:segmentId` (Delete a segment (409 / 5012 while anything still refers to it)). */
  deleteSegment(segmentId: string, options?: CallOptions): Promise<Segment>;
  /** `GET /v1/organizations/:organizationId/mdm-users` (List MDM users). */
  listMdmUsers(params?: ListParams["mdmUsers"], options?: CallOptions): Promise<Page<MdmUser>>;
  /** `POST /v1/organizations/:organizationId/mdm-users` (Create an MDM user). */
  createMdmUser(body: MdmUserCreate, options?: CallOptions): Promise<MdmUser>;
  /** `GET /v1/organizations/:organizationId/mdm-users/:mdmUserId` (Get an MDM user). */
  getMdmUser(mdmUserId: string, options?: CallOptions): Promise<MdmUser>;
  /** `PUT /v1/organizations/:organizationId/mdm-users/:mdmUserId` (Update an MDM user (absent fields stay as they are)). */
  updateMdmUser(mdmUserId: string, body: MdmUserUpdate, options?: CallOptions): Promise<MdmUser>;
  /** `DELETE /v1/organizations/:organizationId/mdm-users/:mdmUserId` (Delete an MDM user (409 / 5012 while anything still refers to it)). */
  deleteMdmUser(mdmUserId: string, options?: CallOptions): Promise<MdmUser>;
  /** `GET /v1/organizations/:organizationId/members` (List the organization's members). */
  listMembers(params?: ListParams["members"], options?: CallOptions): Promise<Page<Member>>;
  /** `POST /v1/organizations/:organizationId/members` (Add a member with a role (within the caller's own permissions)). */
  createMember(body: MemberCreate, options?: CallOptions): Promise<Member>;
  /** `GET /v1/organizations/:organizationId/members/:memberId` (Get a member). */
  getMember(memberId: string, options?: CallOptions): Promise<Member>;
  /** `PUT /v1/organizations/:organizationId/members/:memberId` (Change a member's role or email (the last owner stays owner)). */
  updateMember(memberId: string, body: MemberUpdate, options?: CallOptions): Promise<Member>;
  /** `DELETE /v1/organizations/:organizationId/members/:memberId` (Remove a member (never the last owner)). */
  removeMember(memberId: string, options?: CallOptions): Promise<Member>;
  /** `GET /v1/organizations/:organizationId/api-keys` (List the organization's live API keys (never the keys themselves)). */
  listApiKeys(params?: ListParams["apiKeys"], options?: CallOptions): Promise<Page<ApiKey>>;
  /** `POST /v1/organizations/:organizationId/api-keys` (Create an API key; the answer is the only one that shows `key`). */
  createApiKey(body: ApiKeyCreate, options?: CallOptions): Promise<ApiKey>;
  /** `DELETE /v1/organizations/:organizationId/api-keys/:apiKeyId` (Revoke an API key (its next request is 401)). */
  revokeApiKey(apiKeyId: string, options?: CallOptions): Promise<ApiKey>;
  /** `POST /v1/organizations/:organizationId/webhooks` (Subscribe a URL to events; the answer is the only one that shows the signing `secret`). */
  createWebhook(body: WebhookCreate, options?: CallOptions): Promise<Webhook>;
  /** `GET /v1/organizations/:organizationId/webhooks` (List the organization's webhook subscriptions (never their secret)). */
  listWebhooks(params?: ListParams["webhooks"], options?: CallOptions): Promise<Page<Webhook>>;
  /** `GET /v1/organizations/:organizationId/webhooks/:webhookId` (Read a webhook subscription (never its secret)). */
  getWebhook(webhookId: string, options?: CallOptions): Promise<Webhook>;
  /** `PUT /v1/organizations/:organizationId/webhooks/:webhookId` (Change a subscription's URL or events, or enable / disable it). */
  updateWebhook(webhookId: string, body: WebhookUpdate, options?: CallOptions): Promise<Webhook>;
  /** `DELETE /v1/organizations/:organizationId/webhooks/:webhookId` (Delete a subscription (nothing more is delivered to it)). */
  deleteWebhook(webhookId: string, options?: CallOptions): Promise<Webhook>;
  /** `GET /v1/organizations/:organizationId/webhooks/:webhookId/deliveries` (List a subscription's delivery attempts, newest first (one row per attempt)). */
  listWebhookDeliveries(webhookId: string, params?: ListParams["webhookDeliveries"], options?: CallOptions): Promise<Page<WebhookDelivery>>;
  /** `POST /v1/organizations/:organizationId/webhooks/:webhookId/test` (Queue a `ping` event to the subscription (sent even when it is disabled)). */
  testWebhook(webhookId: string, options?: CallOptions): Promise<WebhookTest>;
  /** `GET /v1/organizations/:organizationId/audit-events` (List the organization's audit events, newest first (filters: action, actorId, targetId, from, to)). */
  listAuditEvents(params?: ListParams["auditEvents"], options?: CallOptions): Promise<Page<AuditEvent>>;
  /** `GET /v1/organizations/:organizationId/mdm/aosp/enterprise/policies` (List AOSP policies). */
  listAospPolicies(params?: ListParams["aospPolicies"], options?: CallOptions): Promise<Page<AospPolicy>>;
  /** `POST /v1/organizations/:organizationId/mdm/aosp/enterprise/policies` (Create an AOSP policy). */
  createAospPolicy(body: AospPolicyCreate, options?: CallOptions): Promise<AospPolicy>;
  /** `GET /v1/organizations/:organizationId/mdm/aosp/enterprise/policies/:aosPolicyId` (Get an AOSP policy). */
  getAospPolicy(aosPolicyId: string, options?: CallOptions): Promise<AospPolicy>;
  /** `PUT /v1/organizations/:organizationId/mdm/aosp/enterprise/policies/:aosPolicyId` (Update an AOSP policy (absent fields stay as they are); every change bumps its version by one, up to 2^53 - 1, where it stays). */
  updateAospPolicy(aosPolicyId: string, body: AospPolicyUpdate, options?: CallOptions): Promise<AospPolicy>;
  /** `DELETE /v1/organizations/:organizationId/mdm/aosp/enterprise/policies/:aosPolicyId` (Delete an AOSP policy (409 / 5012 while anything still refers to it)). */
  deleteAospPolicy(aosPolicyId: string, options?: CallOptions): Promise<AospPolicy>;
  /** `GET /v1/organizations/:organizationId/mdm/aosp/enterprise/dpc-builds` (List DPC builds). */
  listDpcBuilds(params?: ListParams["dpcBuilds"], options?: CallOptions): Promise<Page<DpcBuild>>;
  /** `POST /v1/organizations/:organizationId/mdm/aosp/enterprise/dpc-builds` (Register a DPC build). */
  createDpcBuild(body: DpcBuildCreate, options?: CallOptions): Promise<DpcBuild>;
  /** `GET /v1/organizations/:organizationId/mdm/aosp/enterprise/dpc-builds/:dpcBuildId` (Get a DPC build). */
  getDpcBuild(dpcBuildId: string, options?: CallOptions): Promise<DpcBuild>;
  /** `PUT /v1/organizations/:organizationId/mdm/aosp/enterprise/dpc-builds/:dpcBuildId` (Update a DPC build (absent fields stay as they are)). */
  updateDpcBuild(dpcBuildId: string, body: DpcBuildUpdate, options?: CallOptions): Promise<DpcBuild>;
  /** `DELETE /v1/organizations/:organizationId/mdm/aosp/enterprise/dpc-builds/:dpcBuildId` (Delete a DPC build (409 / 5012 while anything still refers to it)). */
  deleteDpcBuild(dpcBuildId: string, options?: CallOptions): Promise<DpcBuild>;
  /** `GET /v1/organizations/:organizationId/mdm/aosp/enterprise/enrollment-tokens` (List AOSP enrollment tokens). */
  listAospEnrollmentTokens(params?: ListParams["aospEnrollmentTokens"], options?: CallOptions): Promise<Page<AospEnrollmentToken>>;
  /** `POST /v1/organizations/:organizationId/mdm/aosp/enterprise/enrollment-tokens` (Create an AOSP enrollment token). */
  createAospEnrollmentToken(body: AospEnrollmentTokenCreate, options?: CallOptions): Promise<AospEnrollmentToken>;
  /** `GET /v1/organizations/:organizationId/mdm/aosp/enterprise/enrollment-tokens/:aosEnrollmentTokenId` (Get an AOSP enrollment token). */
  getAospEnrollmentToken(aosEnrollmentTokenId: string, options?: CallOptions): Promise<AospEnrollmentToken>;
  /** `GET /v1/organizations/:organizationId/mdm/aosp/enterprise/enrollment-tokens/:aosEnrollmentTokenId/devices` (List the devices enrolled with an AOSP enrollment token). */
  listAospEnrollmentTokenDevices(aosEnrollmentTokenId: string, params?: ListParams["aospDevices"], options?: CallOptions): Promise<Page<AospDevice>>;
  /** `DELETE /v1/organizations/:organizationId/mdm/aosp/enterprise/enrollment-tokens/:aosEnrollmentTokenId` (Delete an AOSP enrollment token (afterwards 404)). */
  deleteAospEnrollmentToken(aosEnrollmentTokenId: string, options?: CallOptions): Promise<AospEnrollmentToken>;
  /** `GET /v1/organizations/:organizationId/mdm/aosp/enterprise/devices` (List AOSP devices). */
  listAospDevices(params?: ListParams["aospDevices"], options?: CallOptions): Promise<Page<AospDevice>>;
  /** `GET /v1/organizations/:organizationId/mdm/aosp/enterprise/devices/:aosDeviceId` (Get an AOSP device). */
  getAospDevice(aosDeviceId: string, options?: CallOptions): Promise<AospDevice>;
  /** `PUT /v1/organizations/:organizationId/mdm/aosp/enterprise/devices/:aosDeviceId` (Update an AOSP device). */
  updateAospDevice(aosDeviceId: string, body: AospDeviceUpdate, options?: CallOptions): Promise<AospDevice>;
  /** `DELETE /v1/organizations/:organizationId/mdm/aosp/enterprise/devices/:aosDeviceId` (Delete an AOSP device (state DELETED, still listed with state=DELETED; its device secret stops working)). */
  deleteAospDevice(aosDeviceId: string, options?: CallOptions): Promise<AospDevice>;
  /** `POST /v1/organizations/:organizationId/mdm/aosp/enterprise/devices/:aosDeviceId/disable` (Disable an AOSP device (PROVISIONING or ACTIVE → DISABLED; its next status report says `disable`)). */
  disableAospDevice(aosDeviceId: string, options?: CallOptions): Promise<AospDevice>;
  /** `POST /v1/organizations/:organizationId/mdm/aosp/enterprise/devices/:aosDeviceId/enable` (Enable a disabled AOSP device (DISABLED → ACTIVE)). */
  enableAospDevice(aosDeviceId: string, options?: CallOptions): Promise<AospDevice>;
  /** `POST /v1/organizations/:organizationId/mdm/aosp/enterprise/devices/:aosDeviceId/disenroll` (Disenroll an AOSP device (→ PENDING_DISENROLL; its next status report says `wipe` and makes it DELETED)). */
  disenrollAospDevice(aosDeviceId: string, options?: CallOptions): Promise<AospDevice>;
  /** `GET /v1/organizations/:organizationId/mdm/windows/enterprise/enrollment-tokens` (List Windows enrollment tokens). */
  listWinEnrollmentTokens(params?: ListParams["winEnrollmentTokens"], options?: CallOptions): Promise<Page<WinEnrollmentToken>>;
  /** `POST /v1/organizations/:organizationId/mdm/windows/enterprise/enrollment-tokens` (Create a Windows enrollment token). */
  createWinEnrollmentToken(body: WinEnrollmentTokenCreate, options?: CallOptions): Promise<WinEnrollmentToken>;
  /** `GET /v1/organizations/:organizationId/mdm/windows/enterprise/enrollment-tokens/:winEnrollmentTokenId` (Get a Windows enrollment token). */
  getWinEnrollmentToken(winEnrollmentTokenId: string, options?: CallOptions): Promise<WinEnrollmentToken>;
  /** `PUT /v1/organizations/:organizationId/mdm/windows/enterprise/enrollment-tokens/:winEnrollmentTokenId` (Update a Windows enrollment token). */
  updateWinEnrollmentToken(winEnrollmentTokenId: string, body: WinEnrollmentTokenUpdate, options?: CallOptions): Promise<WinEnrollmentToken>;
  /** `DELETE /v1/organizations/:organizationId/mdm/windows/enterprise/enrollment-tokens/:winEnrollmentTokenId` (Delete a Windows enrollment token (state DELETED; afterwards 404)). */
  deleteWinEnrollmentToken(winEnrollmentTokenId: string, options?: CallOptions): Promise<WinEnrollmentToken>;
  /** `GET /v1/organizations/:organizationId/mdm/windows/enterprise/devices` (List Windows devices). */
  listWinDevices(params?: ListParams["winDevices"], options?: CallOptions): Promise<Page<WinDevice>>;
  /** `GET /v1/organizations/:organizationId/mdm/windows/enterprise/devices/:winDeviceId` (Get a Windows device). */
  getWinDevice(winDeviceId: string, options?: CallOptions): Promise<WinDevice>;
  /** `PUT /v1/organizations/:organizationId/mdm/windows/enterprise/devices/:winDeviceId` (Update a Windows device). */
  updateWinDevice(winDeviceId: string, body: WinDeviceUpdate, options?: CallOptions): Promise<WinDevice>;
  /** `DELETE /v1/organizations/:organizationId/mdm/windows/enterprise/devices/:winDeviceId` (Delete a Windows device (state DELETED, still listed with state=DELETED; its device secret stops working)). */
  deleteWinDevice(winDeviceId: string, options?: CallOptions): Promise<WinDevice>;
  /** `POST /v1/organizations/:organizationId/mdm/windows/enterprise/devices/:winDeviceId/disable` (Disable a Windows device (PROVISIONING or ACTIVE → DISABLED)). */
  disableWinDevice(winDeviceId: string, options?: CallOptions): Promise<WinDevice>;
  /** `POST /v1/organizations/:organizationId/mdm/windows/enterprise/devices/:winDeviceId/enable` (Enable a disabled Windows device (DISABLED → ACTIVE)). */
  enableWinDevice(winDeviceId: string, options?: CallOptions): Promise<WinDevice>;
  /** `POST /v1/organizations/:organizationId/mdm/windows/enterprise/devices/:winDeviceId/disenroll` (Disenroll a Windows device (→ PENDING_DISENROLL)). */
  disenrollWinDevice(winDeviceId: string, options?: CallOptions): Promise<WinDevice>;
  /** `GET /v1/organizations/:organizationId/mdm/windows/enterprise/policies` (List Windows policies). */
  listWinPolicies(params?: ListParams["winPolicies"], options?: CallOptions): Promise<Page<WinPolicy>>;
  /** `POST /v1/organizations/:organizationId/mdm/windows/enterprise/policies` (Create a Windows policy). */
  createWinPolicy(body: WinPolicyCreate, options?: CallOptions): Promise<WinPolicy>;
  /** `GET /v1/organizations/:organizationId/mdm/windows/enterprise/policies/:winPolicyId` (Get a Windows policy). */
  getWinPolicy(winPolicyId: string, options?: CallOptions): Promise<WinPolicy>;
  /** `PUT /v1/organizations/:organizationId/mdm/windows/enterprise/policies/:winPolicyId` (Update a Windows policy (absent fields stay as they are); every change bumps its version by one, up to 2^53 - 1, where it stays). */
  updateWinPolicy(winPolicyId: string, body: WinPolicyUpdate, options?: CallOptions): Promise<WinPolicy>;
  /** `DELETE /v1/organizations/:organizationId/mdm/windows/enterprise/policies/:winPolicyId` (Delete a Windows policy (409 / 5012 while anything still refers to it)). */
  deleteWinPolicy(winPolicyId: string, options?: CallOptions): Promise<WinPolicy>;
}
