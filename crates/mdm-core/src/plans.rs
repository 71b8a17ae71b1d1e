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

/// How many AOSP enrollment tokens may be live (PENDING or PROCESSING and not
/// expired) at once in an organization; `None` for no limit.
pub fn live_aosp_token_limit(plan: &str) -> Option<u64> {
    match plan {
        "free" => Some(FREE_LIVE_AOSP_TOKENS),
        "pro" => Some(1_000),
        _ => None,
    }
}

pub const FREE_LIVE_AOSP_TOKENS: u64 = 25;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_plan_has_an_answer() {
        for plan in crate::requests::admin::PLANS {
            let _ = (includes_windows(plan), live_aosp_token_limit(plan));
        }
        assert!(!includes_windows("free") && includes_windows("pro"));
        assert_eq!(live_aosp_token_limit("free"), Some(25));
        assert_eq!(live_aosp_token_limit("enterprise"), None);
    }
}
