//! Device-side bodies: enrollment with a token (no bearer token; the enrollment
//! token is the credential) and the status reports an enrolled device sends.

use super::RequestBody;
use crate::schema::{array_max, integer, number, string, Field, Schema, DATE_TIME, OBJECT_ID};
use serde::{Deserialize, Serialize};

use super::build::request;
use serde_json::Value;

const SHORT_TEXT: Schema = string().max(128).schema();

const AOSP_DEVICE_INFO: Schema = Schema::Object(&[
    Field::required(
        "serialNumber",
        string().min(1).max(128).schema(),
        "Hardware serial number.",
    ),
    Field::optional("model", SHORT_TEXT, ""),
    Field::optional("manufacturer", SHORT_TEXT, ""),
    Field::optional("brand", SHORT_TEXT, ""),
    Field::optional("androidVersion", string().max(32).schema(), ""),
    Field::optional("apiLevel", integer(1, 1000), ""),
    Field::optional("imei", string().max(32).schema(), ""),
    Field::optional("wifiMacAddress", string().max(32).schema(), ""),
    Field::optional("name", string().max(256).schema(), "Name the device gives itself."),
]);

request! {
    #[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct AospDeviceInfo {
        pub serial_number: String,
        pub model: Option<String>,
        pub manufacturer: Option<String>,
        pub brand: Option<String>,
        pub android_version: Option<String>,
        pub api_level: Option<i64>,
        pub imei: Option<String>,
        pub wifi_mac_address: Option<String>,
        pub name: Option<String>,
    }
}

request! {
    /// `POST /v1/enroll/aosp`.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct EnrollAosp {
        pub token: String,
        pub device: AospDeviceInfo,
    }
}

impl RequestBody for EnrollAosp {
    const NAME: &'static str = "EnrollAosp";
    const SCHEMA: Schema = Schema::Object(&[
        Field::required(
            "token",
            string().min(1).max(256).schema(),
            "The enrollment token value: an AOSP token's config.oneTimeToken, or a Google-compatible token's value.",
        ),
        Field::required("device", AOSP_DEVICE_INFO, "What the device reports about itself."),
    ]);
}

const WINDOWS_DEVICE_INFO: Schema = Schema::Object(&[
    Field::required(
        "serialNumber",
        string().min(1).max(128).schema(),
        "Hardware serial number.",
    ),
    Field::optional("deviceName", string().max(256).schema(), ""),
    Field::optional("model", SHORT_TEXT, ""),
    Field::optional("manufacturer", SHORT_TEXT, ""),
    Field::optional("osVersion", string().max(64).schema(), ""),
]);

request! {
    #[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct WindowsDeviceInfo {
        pub serial_number: String,
        pub device_name: Option<String>,
        pub model: Option<String>,
        pub manufacturer: Option<String>,
        pub os_version: Option<String>,
    }
}

request! {
    /// `POST /v1/enroll/windows`.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct EnrollWindows {
        pub enroll_code: String,
        pub device: WindowsDeviceInfo,
    }
}

impl RequestBody for EnrollWindows {
    const NAME: &'static str = "EnrollWindows";
    const SCHEMA: Schema = Schema::Object(&[
        Field::required(
            "enrollCode",
            string().min(1).max(128).schema(),
            "The code from the token's enrollCode, as typed.",
        ),
        Field::required("device", WINDOWS_DEVICE_INFO, "What the PC reports about itself."),
    ]);
}

const LOCATION: Schema = Schema::Object(&[
    Field::required("latitude", number(-90.0, 90.0), ""),
    Field::required("longitude", number(-180.0, 180.0), ""),
    Field::optional("accuracy", number(0.0, 1.0e7), "Meters."),
]);
const APPLIED_POLICY: Schema = Schema::Object(&[
    Field::optional("policyId", OBJECT_ID, ""),
    Field::required("status", string().one_of(&["success", "error", "pending"]).schema(), ""),
    Field::optional("appliedAt", DATE_TIME, ""),
    Field::optional("errorMessage", string().max(1024).schema(), ""),
]);

request! {
    /// `POST /v1/devices/aosp/:aosDeviceId/status` (with the device secret): moves
    /// a provisioning device to ACTIVE and records the report.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct AospStatusReport {
        pub software_info: Option<Value>,
        pub hardware_info: Option<Value>,
        pub network_info: Option<Value>,
        pub memory_info: Option<Value>,
        pub policy_compliant: Option<bool>,
        #[serde(default)]
        pub non_compliance_details: Vec<Value>,
        pub location: Option<Value>,
        pub applied_policy: Option<Value>,
        pub applied_policy_version: Option<String>,
    }
}

impl RequestBody for AospStatusReport {
    const NAME: &'static str = "AospStatusReport";
    const SCHEMA: Schema = Schema::Object(&[
        Field::optional("softwareInfo", Schema::AnyObject, ""),
        Field::optional("hardwareInfo", Schema::AnyObject, ""),
        Field::optional("networkInfo", Schema::AnyObject, ""),
        Field::optional("memoryInfo", Schema::AnyObject, ""),
        Field::optional("policyCompliant", Schema::Boolean, ""),
        Field::optional("nonComplianceDetails", array_max(&Schema::AnyObject, 200), ""),
        Field::optional("location", LOCATION, ""),
        Field::optional("appliedPolicy", APPLIED_POLICY, ""),
        Field::optional("appliedPolicyVersion", string().max(128).schema(), ""),
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::requests::test_support::{accepts, codes, rejects};
    use serde_json::json;

    #[test]
    fn enrollment_bodies() {
        accepts::<EnrollAosp>(json!({"token": "t", "device": {"serialNumber": "SN1", "apiLevel": 34}}));
        assert_eq!(
            codes::<EnrollAosp>(json!({"device": {"model": "x".repeat(129)}})),
            vec![
                ("token".into(), "required"),
                ("device.serialNumber".into(), "required"),
                ("device.model".into(), "maxLength"),
            ]
        );
        accepts::<EnrollWindows>(json!({"enrollCode": "ABCDE", "device": {"serialNumber": "PC1"}}));
        rejects::<EnrollWindows>(
            json!({"enrollCode": "", "device": {"serialNumber": "PC1"}}),
            "enrollCode",
            "minLength",
        );
    }

    #[test]
    fn status_reports() {
        accepts::<AospStatusReport>(json!({
            "policyCompliant": true,
            "location": {"latitude": 52.5, "longitude": 13.4, "accuracy": 12},
            "appliedPolicy": {"status": "success", "appliedAt": "2026-01-01T00:00:00Z"}
        }));
        rejects::<AospStatusReport>(
            json!({"location": {"latitude": 91, "longitude": 0}}),
            "location.latitude",
            "max",
        );
        rejects::<AospStatusReport>(
            json!({"appliedPolicy": {"status": "ok"}}),
            "appliedPolicy.status",
            "enum",
        );
    }
}
