//! What each billing plan includes. The worker enforces these (5050 for a
//! feature, 5017 for a quota); the admin page can show them.

/// A part of the product that only some plans include (400 / 5050 elsewhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    /// Windows MDM: tokens, policies and devices (not on `free`).
    WindowsMdm,
}

impl Feature {
    /// How the API documentation names the feature.
    pub const fn describe(self) -> &'static str {
        match self {
            Feature::WindowsMdm => "Windows MDM (not on plan free)",
        }
    }
}

/// Does `plan` include `feature`?
pub fn includes(plan: &str, feature: Feature) -> bool {
    match feature {
        Feature::WindowsMdm => plan != "free",
    }
}

/// Whether the plan includes Windows MDM (contract: not on `free`).
pub fn includes_windows(plan: &str) -> bool {
    includes(plan, Feature::WindowsMdm)
}

/// One plan quota (contract: "Quotas"): live enrollment credentials of every
/// kind (AOSP, Google and Windows tokens that can still enroll) and devices
/// that are not DELETED (AOSP and Windows); `None` is no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub credentials: Option<u64>,
    pub devices: Option<u64>,
}

/// Plans and their quotas; a plan not listed (`enterprise`) has none.
const QUOTAS: &[(&str, Quota)] = &[
    (
        "free",
        Quota {
            credentials: Some(25),
            devices: Some(100),
        },
    ),
    (
        "pro",
        Quota {
            credentials: Some(1_000),
            devices: Some(10_000),
        },
    ),
];

pub fn quota(plan: &str) -> Quota {
    QUOTAS.iter().find(|(p, _)| *p == plan).map_or(
        Quota {
            credentials: None,
            devices: None,
        },
        |(_, q)| *q,
    )
}

/// The device cap as SQL over a plan expression (NULL when unlimited), for
/// the enrollment claims, which learn the plan only inside the statement.
pub fn device_cap_sql(plan: &str) -> String {
    let mut out = format!("CASE {plan}");
    for (name, q) in QUOTAS {
        if let Some(cap) = q.devices {
            out.push_str(&format!(" WHEN '{name}' THEN {cap}"));
        }
    }
    out.push_str(" END");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_plan_has_an_answer() {
        for plan in crate::requests::admin::PLANS {
            let _ = (includes_windows(plan), quota(plan));
        }
        assert!(!includes_windows("free") && includes_windows("pro"));
        assert_eq!(quota("free").credentials, Some(25));
        assert_eq!(quota("free").devices, Some(100));
        assert_eq!(quota("pro").devices, Some(10_000));
        assert_eq!(quota("enterprise").credentials, None);
        assert_eq!(
            device_cap_sql("o.plan"),
            "CASE o.plan WHEN 'free' THEN 100 WHEN 'pro' THEN 10000 END"
        );
    }
}
