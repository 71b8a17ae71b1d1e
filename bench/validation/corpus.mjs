// One corpus for every validator: valid and invalid bodies of the three request
// kinds the issue names. Rules come from crates/mdm-core/src/requests/{aosp,windows}.rs
// (seeds 002 and 004); `expect` is how many violations the npm package reports,
// and every other library must agree on valid/invalid (checked before timing).

const ID = "65a1b2c3d4e5f60718293a4b";
const ID2 = "65a1b2c3d4e5f60718293a4c";
const ID3 = "65A1B2C3D4E5F60718293A4D";

export const KINDS = [
  {
    kind: "AospDeviceUpdate",
    seed: "002 PUT .../aosp/enterprise/devices/:id",
    valid: {
      displayName: "Front desk tablet",
      tags: ["lobby", "kiosk", "floor-2"],
      policyId: ID,
      aosPolicyAssignments: [
        { aosPolicyId: ID, priority: 10 },
        { aosPolicyId: ID2, priority: -5 },
        { aosPolicyId: ID3, priority: 9007199254740991 },
      ],
      mdmUserId: null,
      pushNotificationProvider: ID2,
      segmentId: 42,
    },
    invalid: {
      displayName: "x".repeat(257), // maxLength
      tags: ["ok", ""], // tags[1] minLength
      policyId: "not-an-id", // pattern
      aosPolicyAssignments: [
        { aosPolicyId: ID, priority: 1 },
        { aosPolicyId: ID, priority: 9007199254740992 }, // max + unique
        { priority: "high" }, // required + type
      ],
      segmentId: -1, // min
      state: "ACTIVE", // unknownField
    },
  },
  {
    kind: "AospEnrollmentTokenCreate",
    seed: "000/CONTRACT POST .../aosp/enterprise/enrollment-tokens",
    valid: {
      managementMode: "DEVICE_OWNER",
      duration: 86400,
      perpetual: false,
      displayName: "Warehouse scanners",
      tags: ["warehouse", "scanner"],
      aosPolicyAssignments: [{ aosPolicyId: ID, priority: 1 }],
      mdmUserId: ID2,
      segmentId: 7,
      dpcBuildTag: "stable",
      pushNotificationProvider: ID3,
    },
    invalid: {
      managementMode: "PROFILE_OWNER", // enum
      duration: 59, // min
      perpetual: "yes", // type
      displayName: "d".repeat(300), // maxLength
      tags: "warehouse", // type
      mdmUserId: ID.slice(0, 23), // pattern
      segmentId: 1.5, // type (integer)
      dpcBuildTag: "", // minLength
      status: "DONE", // unknownField
    },
  },
  {
    kind: "WinEnrollmentTokenUpdate",
    seed: "004 PUT .../windows/enterprise/enrollment-tokens/:id",
    valid: {
      displayName: "Finance laptops",
      winPolicyId: ID,
      winPolicyAssignments: [{ winPolicyId: ID, priority: 10000 }, { winPolicyId: ID2, priority: 0 }, { priority: 5 }],
      tags: ["finance", "emea"],
    },
    invalid: {
      displayName: "w".repeat(129), // maxLength
      winPolicyId: 12, // type
      winPolicyAssignments: [
        { winPolicyId: ID, priority: 10001 }, // max
        { winPolicyId: ID, priority: -1 }, // min + unique
        { winPolicyId: "zz" }, // pattern + required
      ],
      tags: [1], // type
      expiresAt: 0, // unknownField
    },
  },
];
