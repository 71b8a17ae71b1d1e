// Generated from worker/src/table.rs by `UPDATE=1 cargo test -p mdm-worker client_operations`.
// Do not edit: add a row (with `.client("name")`) to the endpoint table instead.

/** Client method -> the operation it calls: method, path template, body name, list resource. */
export const OPERATIONS = {
  listOrganizations: { method: "GET", path: "/v1/organizations", body: null, list: "organizations" },
  createOrganization: { method: "POST", path: "/v1/organizations", body: "OrganizationCreate", list: null },
  updateOrganization: { method: "PUT", path: "/v1/organizations/{organizationId}", body: "OrganizationUpdate", list: null },
  listSegments: { method: "GET", path: "/v1/organizations/{organizationId}/segments", body: null, list: "segments" },
  createSegment: { method: "POST", path: "/v1/organizations/{organizationId}/segments", body: "SegmentCreate", list: null },
  listMdmUsers: { method: "GET", path: "/v1/organizations/{organizationId}/mdm-users", body: null, list: "mdmUsers" },
  createMdmUser: { method: "POST", path: "/v1/organizations/{organizationId}/mdm-users", body: "MdmUserCreate", list: null },
  listAospPolicies: { method: "GET", path: "/v1/organizations/{organizationId}/mdm/aosp/enterprise/policies", body: null, list: "aospPolicies" },
  createAospPolicy: { method: "POST", path: "/v1/organizations/{organizationId}/mdm/aosp/enterprise/policies", body: "AospPolicyCreate", list: null },
  listDpcBuilds: { method: "GET", path: "/v1/organizations/{organizationId}/mdm/aosp/enterprise/dpc-builds", body: null, list: "dpcBuilds" },
  createDpcBuild: { method: "POST", path: "/v1/organizations/{organizationId}/mdm/aosp/enterprise/dpc-builds", body: "DpcBuildCreate", list: null },
  listAospEnrollmentTokens: { method: "GET", path: "/v1/organizations/{organizationId}/mdm/aosp/enterprise/enrollment-tokens", body: null, list: "aospEnrollmentTokens" },
  createAospEnrollmentToken: { method: "POST", path: "/v1/organizations/{organizationId}/mdm/aosp/enterprise/enrollment-tokens", body: "AospEnrollmentTokenCreate", list: null },
  getAospEnrollmentToken: { method: "GET", path: "/v1/organizations/{organizationId}/mdm/aosp/enterprise/enrollment-tokens/{aosEnrollmentTokenId}", body: null, list: null },
  deleteAospEnrollmentToken: { method: "DELETE", path: "/v1/organizations/{organizationId}/mdm/aosp/enterprise/enrollment-tokens/{aosEnrollmentTokenId}", body: null, list: null },
  listAospDevices: { method: "GET", path: "/v1/organizations/{organizationId}/mdm/aosp/enterprise/devices", body: null, list: "aospDevices" },
  getAospDevice: { method: "GET", path: "/v1/organizations/{organizationId}/mdm/aosp/enterprise/devices/{aosDeviceId}", body: null, list: null },
  updateAospDevice: { method: "PUT", path: "/v1/organizations/{organizationId}/mdm/aosp/enterprise/devices/{aosDeviceId}", body: "AospDeviceUpdate", list: null },
  listWinEnrollmentTokens: { method: "GET", path: "/v1/organizations/{organizationId}/mdm/windows/enterprise/enrollment-tokens", body: null, list: "winEnrollmentTokens" },
  createWinEnrollmentToken: { method: "POST", path: "/v1/organizations/{organizationId}/mdm/windows/enterprise/enrollment-tokens", body: "WinEnrollmentTokenCreate", list: null },
  getWinEnrollmentToken: { method: "GET", path: "/v1/organizations/{organizationId}/mdm/windows/enterprise/enrollment-tokens/{winEnrollmentTokenId}", body: null, list: null },
  updateWinEnrollmentToken: { method: "PUT", path: "/v1/organizations/{organizationId}/mdm/windows/enterprise/enrollment-tokens/{winEnrollmentTokenId}", body: "WinEnrollmentTokenUpdate", list: null },
  deleteWinEnrollmentToken: { method: "DELETE", path: "/v1/organizations/{organizationId}/mdm/windows/enterprise/enrollment-tokens/{winEnrollmentTokenId}", body: null, list: null },
  listWinPolicies: { method: "GET", path: "/v1/organizations/{organizationId}/mdm/windows/enterprise/policies", body: null, list: "winPolicies" },
  createWinPolicy: { method: "POST", path: "/v1/organizations/{organizationId}/mdm/windows/enterprise/policies", body: "WinPolicyCreate", list: null },
};
