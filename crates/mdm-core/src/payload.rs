//! What a device is handed to enroll: the Android provisioning extras (shown as
//! a QR code), Google's variant of them, and the Windows enrollment deep link.

use serde_json::{json, Value};

/// Key under which our DPC finds its enrollment token in the admin extras bundle.
pub const EXTRA_ENROLLMENT_TOKEN: &str = "com.mdmedge.dpc.EXTRA_ENROLLMENT_TOKEN";
/// Key under which our DPC finds the host to enroll with.
pub const EXTRA_ENROLLMENT_HOST: &str = "com.mdmedge.dpc.EXTRA_ENROLLMENT_HOST";

const ADMIN_COMPONENT: &str = "android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME";
const DOWNLOAD_LOCATION: &str = "android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION";
const SIGNATURE_CHECKSUM: &str = "android.app.extra.PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM";
const LEAVE_SYSTEM_APPS: &str = "android.app.extra.PROVISIONING_LEAVE_ALL_SYSTEM_APPS_ENABLED";
const ADMIN_EXTRAS: &str = "android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE";

/// The DPC build a token installs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DpcBuild<'a> {
    pub component_name: &'a str,
    pub download_url: &'a str,
    pub signature_checksum: &'a str,
}

/// Android provisioning extras for an AOSP token. Without a DPC build the
/// payload still carries the token and host (for devices with the DPC preloaded).
pub fn aosp_provisioning_extras(dpc: Option<&DpcBuild>, token_value: &str, enrollment_host: &str) -> Value {
    serde_json::from_str(&aosp_provisioning_extras_json(dpc, token_value, enrollment_host)).unwrap_or_default()
}

/// The same extras as JSON text, written by hand so the npm package needs no
/// JSON writer. Keys come sorted, as in the server's parsed `Value`.
pub fn aosp_provisioning_extras_json(dpc: Option<&DpcBuild>, token_value: &str, enrollment_host: &str) -> String {
    use crate::json_text::push_str_literal as lit;
    let mut out = String::with_capacity(512);
    out.push('{');
    let member = |out: &mut String, key: &str| {
        if out.len() > 1 {
            out.push(',');
        }
        lit(out, key);
        out.push(':');
    };
    member(&mut out, ADMIN_EXTRAS);
    out.push('{');
    lit(&mut out, EXTRA_ENROLLMENT_HOST);
    out.push(':');
    lit(&mut out, enrollment_host);
    out.push(',');
    lit(&mut out, EXTRA_ENROLLMENT_TOKEN);
    out.push(':');
    lit(&mut out, token_value);
    out.push('}');
    if let Some(dpc) = dpc {
        member(&mut out, ADMIN_COMPONENT);
        lit(&mut out, dpc.component_name);
        member(&mut out, DOWNLOAD_LOCATION);
        lit(&mut out, dpc.download_url);
        member(&mut out, SIGNATURE_CHECKSUM);
        lit(&mut out, dpc.signature_checksum);
    }
    // AOSP devices have no Play Store to reinstall disabled system apps from.
    member(&mut out, LEAVE_SYSTEM_APPS);
    out.push_str("true}");
    out
}

/// Google's Android Device Policy, as the Android Management API names it.
const GOOGLE_DPC: DpcBuild<'static> = DpcBuild {
    component_name: "com.google.android.apps.work.clouddpc/.receivers.CloudDeviceAdminReceiver",
    download_url: "https://play.google.com/managed/downloadManagingApp?identifier=setup",
    signature_checksum: "I5YvS0O5hXY46mb01BlRjq4oJJGs2kuUcHvVkAPEXlg",
};
pub const GOOGLE_EXTRA_ENROLLMENT_TOKEN: &str = "com.google.android.apps.work.clouddpc.EXTRA_ENROLLMENT_TOKEN";

/// The `qrCode` string of a Google-compatible enrollment token.
pub fn google_qr_code(token_value: &str) -> String {
    json!({
        ADMIN_COMPONENT: GOOGLE_DPC.component_name,
        SIGNATURE_CHECKSUM: GOOGLE_DPC.signature_checksum,
        DOWNLOAD_LOCATION: GOOGLE_DPC.download_url,
        ADMIN_EXTRAS: { GOOGLE_EXTRA_ENROLLMENT_TOKEN: token_value },
    })
    .to_string()
}

/// The Windows enrollment deep link (`ms-device-enrollment:`), which opens
/// Settings > Access work or school with the MDM enrollment prefilled.
pub fn windows_enrollment_link(username: &str, server_name: &str, access_token: &str) -> String {
    // By hand rather than `format!`: the npm package links this function.
    let mut out = String::from("ms-device-enrollment:?mode=mdm&username=");
    out.push_str(&percent_encode(username));
    out.push_str("&servername=");
    out.push_str(&percent_encode(server_name));
    out.push_str("&accesstoken=");
    out.push_str(&percent_encode(access_token));
    out
}

/// RFC 3986 percent-encoding of everything but unreserved characters.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extras_text_is_the_sorted_json_of_the_extras() {
        let dpc = DpcBuild {
            component_name: "com.example.dpc/.AdminReceiver",
            download_url: "https://dl.example.com/dpc.apk?a=\"b\"",
            signature_checksum: "I5YvS0O5hXY46mb01BlRjq4oJJGs2kuUcHvVkAPEXlg",
        };
        for d in [None, Some(&dpc)] {
            let text = aosp_provisioning_extras_json(d, "tok\u{1}", "https://h");
            let mut extras = serde_json::Map::new();
            if let Some(dpc) = d {
                extras.insert(ADMIN_COMPONENT.into(), json!(dpc.component_name));
                extras.insert(DOWNLOAD_LOCATION.into(), json!(dpc.download_url));
                extras.insert(SIGNATURE_CHECKSUM.into(), json!(dpc.signature_checksum));
            }
            extras.insert(LEAVE_SYSTEM_APPS.into(), json!(true));
            extras.insert(
                ADMIN_EXTRAS.into(),
                json!({ EXTRA_ENROLLMENT_TOKEN: "tok\u{1}", EXTRA_ENROLLMENT_HOST: "https://h" }),
            );
            assert_eq!(text, Value::Object(extras).to_string());
        }
    }

    #[test]
    fn aosp_extras_carry_dpc_and_token() {
        let dpc = DpcBuild {
            component_name: "com.example.dpc/.AdminReceiver",
            download_url: "https://dl.example.com/dpc.apk",
            signature_checksum: "I5YvS0O5hXY46mb01BlRjq4oJJGs2kuUcHvVkAPEXlg",
        };
        let v = aosp_provisioning_extras(Some(&dpc), "tok", "mdm.example.com");
        assert_eq!(v[ADMIN_COMPONENT], "com.example.dpc/.AdminReceiver");
        assert_eq!(v[ADMIN_EXTRAS][EXTRA_ENROLLMENT_TOKEN], "tok");
        assert_eq!(v[ADMIN_EXTRAS][EXTRA_ENROLLMENT_HOST], "mdm.example.com");
        let bare = aosp_provisioning_extras(None, "tok", "h");
        assert!(bare.get(ADMIN_COMPONENT).is_none());
    }

    #[test]
    fn google_qr_is_a_json_string_with_the_clouddpc_token() {
        let v: Value = serde_json::from_str(&google_qr_code("ABC")).unwrap();
        assert_eq!(v[ADMIN_EXTRAS][GOOGLE_EXTRA_ENROLLMENT_TOKEN], "ABC");
        assert!(v[ADMIN_COMPONENT]
            .as_str()
            .unwrap()
            .starts_with("com.google.android.apps.work.clouddpc/"));
    }

    #[test]
    fn windows_link_is_encoded() {
        let link = windows_enrollment_link(
            "ada@example.com",
            "https://mdm.example.com/EnrollmentServer/Discovery.svc",
            "AB-CD",
        );
        assert_eq!(
            link,
            "ms-device-enrollment:?mode=mdm&username=ada%40example.com&servername=https%3A%2F%2Fmdm.example.com%2FEnrollmentServer%2FDiscovery.svc&accesstoken=AB-CD"
        );
    }
}
