//! Enrollment-token state machines as pure
//! functions of (token, event, now).
//!
//! AOSP:    PENDING -> PROCESSING -> DONE as a device enrolls;
//!          PENDING -> EXPIRED when the expiry passes (perpetual tokens never expire);
//!          any state but DELETED -> DELETED.
//! Windows: PENDING -> DONE | EXPIRED | DELETED (no PROCESSING).
//! A perpetual AOSP token stays PENDING while it enrolls devices.

pub mod sql;

use crate::time::Millis;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TokenStatus {
    Pending,
    Processing,
    Done,
    Deleted,
    Expired,
}

impl TokenStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenStatus::Pending => "PENDING",
            TokenStatus::Processing => "PROCESSING",
            TokenStatus::Done => "DONE",
            TokenStatus::Deleted => "DELETED",
            TokenStatus::Expired => "EXPIRED",
        }
    }

    /// Every status, in the one order the npm package numbers them in.
    pub const ALL: [TokenStatus; 5] = [
        Self::Pending,
        Self::Processing,
        Self::Done,
        Self::Deleted,
        Self::Expired,
    ];

    pub fn parse(s: &str) -> Option<TokenStatus> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    Aosp,
    Windows,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenEvent {
    /// The expiry passed (seen on a read or by the sweep).
    Expire,
    /// A device presented the token and is being created.
    BeginEnrollment,
    /// The device exists; the token is consumed.
    CompleteEnrollment,
    /// An administrator deleted the token.
    Delete,
}

/// The facts of a token the lifecycle depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenFacts {
    pub platform: Platform,
    pub status: TokenStatus,
    pub perpetual: bool,
    /// `None` for tokens that never expire.
    pub expires_at: Option<Millis>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidTransition {
    pub from: TokenStatus,
    pub event: TokenEvent,
}

impl std::fmt::Display for InvalidTransition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "a {} token cannot take the event {:?}",
            self.from.as_str(),
            self.event
        )
    }
}

impl TokenFacts {
    pub fn is_past_expiry(&self, now: Millis) -> bool {
        !self.perpetual && self.expires_at.is_some_and(|at| now >= at)
    }

    /// The status a reader should see at `now`: a PENDING token whose expiry has
    /// passed is EXPIRED even before the sweep writes it.
    pub fn effective_status(&self, now: Millis) -> TokenStatus {
        if self.status == TokenStatus::Pending && self.is_past_expiry(now) {
            TokenStatus::Expired
        } else {
            self.status
        }
    }

    /// Whether a device may enroll with this token at `now`.
    pub fn can_enroll(&self, now: Millis) -> bool {
        self.effective_status(now) == TokenStatus::Pending
    }

    /// Milliseconds until expiry (0 once expired); `None` for tokens that never expire.
    pub fn time_left(&self, now: Millis) -> Option<Millis> {
        if self.perpetual {
            return None;
        }
        self.expires_at.map(|at| (at - now).max(0))
    }

    /// The status after `event` at `now`, or why it cannot happen.
    pub fn transition(&self, event: TokenEvent, now: Millis) -> Result<TokenStatus, InvalidTransition> {
        use TokenEvent::*;
        use TokenStatus::*;
        let from = self.effective_status(now);
        let invalid = Err(InvalidTransition { from, event });
        match (self.platform, from, event) {
            (_, Deleted, _) => invalid,
            (_, _, Delete) => Ok(Deleted),
            (_, Pending, Expire) if self.is_past_expiry(now) => Ok(Expired),
            (_, Expired, Expire) => Ok(Expired),
            // Perpetual AOSP tokens stay PENDING while they enroll devices.
            (Platform::Aosp, Pending, BeginEnrollment) if self.perpetual => Ok(Pending),
            (Platform::Aosp, Pending, CompleteEnrollment) if self.perpetual => Ok(Pending),
            (Platform::Aosp, Pending, BeginEnrollment) => Ok(Processing),
            (Platform::Aosp, Processing, CompleteEnrollment) => Ok(Done),
            (Platform::Windows, Pending, BeginEnrollment | CompleteEnrollment) => Ok(Done),
            _ => invalid,
        }
    }
}

/// AOSP device states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeviceState {
    Provisioning,
    Active,
    Disabled,
    PendingDisenroll,
    Deleted,
}

impl DeviceState {
    /// The state `s` names, as the API and the database write it.
    pub fn parse(s: &str) -> Option<DeviceState> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            DeviceState::Provisioning => "PROVISIONING",
            DeviceState::Active => "ACTIVE",
            DeviceState::Disabled => "DISABLED",
            DeviceState::PendingDisenroll => "PENDING_DISENROLL",
            DeviceState::Deleted => "DELETED",
        }
    }

    /// The state after a status report: a provisioning device becomes ACTIVE,
    /// a device told to disenroll is gone once it reports (it was told to wipe
    /// itself in that very answer); DISABLED and ACTIVE are the
    /// administrator's and a report keeps them.
    pub fn after_status_report(self) -> DeviceState {
        self.transition(DeviceEvent::StatusReport).unwrap_or(self)
    }

    /// The state after `event`, or why the device cannot take it.
    ///
    /// PROVISIONING -> ACTIVE on the first status report;
    /// PROVISIONING | ACTIVE -> DISABLED (disable); DISABLED -> ACTIVE (enable);
    /// PROVISIONING | ACTIVE | DISABLED -> PENDING_DISENROLL (disenroll);
    /// PENDING_DISENROLL -> DELETED on its next status report;
    /// any state but DELETED -> DELETED (delete). DELETED is final.
    pub fn transition(self, event: DeviceEvent) -> Result<DeviceState, InvalidDeviceTransition> {
        use DeviceEvent::*;
        use DeviceState::*;
        match (self, event) {
            (Deleted, _) => Err(InvalidDeviceTransition { from: self, event }),
            (_, Delete) => Ok(Deleted),
            (Provisioning, StatusReport) => Ok(Active),
            (PendingDisenroll, StatusReport) => Ok(Deleted),
            (Active | Disabled, StatusReport) => Ok(self),
            (Provisioning | Active, Disable) => Ok(Disabled),
            (Disabled, Enable) => Ok(Active),
            (Provisioning | Active | Disabled, Disenroll) => Ok(PendingDisenroll),
            _ => Err(InvalidDeviceTransition { from: self, event }),
        }
    }

    /// What the answer to a status report asks of a device now in this
    /// state: a DISABLED device locks itself, a device whose report just
    /// finished its disenrollment (now DELETED) wipes itself.
    pub fn command(self) -> DeviceCommand {
        match self {
            DeviceState::Disabled => DeviceCommand::Disable,
            DeviceState::Deleted => DeviceCommand::Wipe,
            DeviceState::Provisioning | DeviceState::Active | DeviceState::PendingDisenroll => DeviceCommand::None,
        }
    }
}

/// What happens to a device: its own status report, or an administrator's action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceEvent {
    StatusReport,
    Disable,
    Enable,
    Disenroll,
    Delete,
}

/// The instruction a status report's answer carries (`command`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeviceCommand {
    /// Keep working under the current policy.
    None,
    /// Lock the device for its user until it is enabled again.
    Disable,
    /// Factory-reset: the device is no longer managed.
    Wipe,
}

impl DeviceCommand {
    pub const ALL: [&'static str; 3] = ["none", "disable", "wipe"];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidDeviceTransition {
    pub from: DeviceState,
    pub event: DeviceEvent,
}

impl std::fmt::Display for InvalidDeviceTransition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "a {} device cannot take the event {:?}",
            self.from.as_str(),
            self.event
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TokenEvent::*;
    use TokenStatus::*;

    fn aosp(status: TokenStatus, perpetual: bool) -> TokenFacts {
        TokenFacts {
            platform: Platform::Aosp,
            status,
            perpetual,
            expires_at: Some(1000),
        }
    }

    #[test]
    fn one_time_aosp_token() {
        let t = aosp(Pending, false);
        assert_eq!(t.transition(BeginEnrollment, 0), Ok(Processing));
        assert_eq!(aosp(Processing, false).transition(CompleteEnrollment, 0), Ok(Done));
        assert!(aosp(Done, false).transition(BeginEnrollment, 0).is_err());
        assert!(aosp(Processing, false).transition(BeginEnrollment, 0).is_err());
    }

    #[test]
    fn expiry_is_seen_on_read_and_blocks_enrollment() {
        let t = aosp(Pending, false);
        assert_eq!(t.effective_status(999), Pending);
        assert_eq!(t.effective_status(1000), Expired);
        assert!(t.can_enroll(999) && !t.can_enroll(1000));
        assert_eq!(t.transition(Expire, 1000), Ok(Expired));
        assert!(t.transition(Expire, 10).is_err());
        assert!(t.transition(BeginEnrollment, 1000).is_err());
        assert_eq!(t.time_left(400), Some(600));
        assert_eq!(t.time_left(4000), Some(0));
    }

    #[test]
    fn perpetual_tokens_never_expire_and_stay_pending() {
        let t = aosp(Pending, true);
        assert_eq!(t.effective_status(i64::MAX), Pending);
        assert_eq!(t.transition(BeginEnrollment, 5000), Ok(Pending));
        assert_eq!(t.transition(CompleteEnrollment, 5000), Ok(Pending));
        assert_eq!(t.time_left(0), None);
    }

    #[test]
    fn delete_from_anything_but_deleted() {
        for s in [Pending, Processing, Done, Expired] {
            assert_eq!(aosp(s, false).transition(Delete, 0), Ok(Deleted));
        }
        assert!(aosp(Deleted, false).transition(Delete, 0).is_err());
        assert!(!aosp(Deleted, true).can_enroll(0));
    }

    #[test]
    fn windows_has_no_processing() {
        let t = TokenFacts {
            platform: Platform::Windows,
            status: Pending,
            perpetual: false,
            expires_at: Some(1000),
        };
        assert_eq!(t.transition(BeginEnrollment, 0), Ok(Done));
        assert_eq!(t.transition(Expire, 1000), Ok(Expired));
        assert!(TokenFacts { status: Done, ..t }.transition(BeginEnrollment, 0).is_err());
    }

    #[test]
    fn devices_activate_on_first_report() {
        assert_eq!(DeviceState::Provisioning.after_status_report(), DeviceState::Active);
        assert_eq!(DeviceState::Disabled.after_status_report(), DeviceState::Disabled);
        assert_eq!(
            DeviceState::PendingDisenroll.after_status_report(),
            DeviceState::Deleted
        );
        assert_eq!(DeviceState::Deleted.after_status_report(), DeviceState::Deleted);
    }

    #[test]
    fn every_device_move_allowed_and_forbidden() {
        use DeviceEvent as E;
        use DeviceState::*;
        let allowed: &[(DeviceState, DeviceEvent, DeviceState)] = &[
            (Provisioning, E::StatusReport, Active),
            (Active, E::StatusReport, Active),
            (Disabled, E::StatusReport, Disabled),
            (PendingDisenroll, E::StatusReport, Deleted),
            (Provisioning, E::Disable, Disabled),
            (Active, E::Disable, Disabled),
            (Disabled, E::Enable, Active),
            (Provisioning, E::Disenroll, PendingDisenroll),
            (Active, E::Disenroll, PendingDisenroll),
            (Disabled, E::Disenroll, PendingDisenroll),
            (Provisioning, E::Delete, Deleted),
            (Active, E::Delete, Deleted),
            (Disabled, E::Delete, Deleted),
            (PendingDisenroll, E::Delete, Deleted),
        ];
        for from in DeviceState::ALL {
            for event in [E::StatusReport, E::Disable, E::Enable, E::Disenroll, E::Delete] {
                let want = allowed
                    .iter()
                    .find(|(f, e, _)| *f == from && *e == event)
                    .map(|(_, _, to)| *to);
                assert_eq!(from.transition(event).ok(), want, "{from:?} {event:?}");
            }
        }
    }

    #[test]
    fn status_report_commands() {
        assert_eq!(DeviceState::Active.command(), DeviceCommand::None);
        assert_eq!(DeviceState::Disabled.command(), DeviceCommand::Disable);
        assert_eq!(DeviceState::Deleted.command(), DeviceCommand::Wipe);
        assert_eq!(
            serde_json::to_value(DeviceCommand::Wipe).unwrap(),
            serde_json::json!(DeviceCommand::ALL[2])
        );
    }
}
