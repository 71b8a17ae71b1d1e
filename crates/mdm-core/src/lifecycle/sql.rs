//! The lifecycle as SQL: the status literals and the predicates "can enroll
//! at `now`", "expired at `now`", "live at `now`" and "not deleted" for each
//! token table, and the state changes of enrollment and status reports,
//! written out from the state machines above so the worker's statements and
//! the pure functions cannot disagree (the tests below compare them).
//!
//! `now` is the SQL text of the bound parameter holding the request time
//! (`"?2"`); every other value is a literal of the lifecycle's own.

use super::{DeviceEvent, DeviceState, Platform, TokenEvent, TokenFacts, TokenStatus};

impl TokenStatus {
    /// The status as an SQL string literal (`'PENDING'`).
    pub fn sql(self) -> String {
        format!("'{}'", self.as_str())
    }
}

impl DeviceState {
    /// The state as an SQL string literal (`'ACTIVE'`).
    pub fn sql(self) -> String {
        format!("'{}'", self.as_str())
    }

    pub const ALL: [DeviceState; 5] = [
        DeviceState::Provisioning,
        DeviceState::Active,
        DeviceState::Disabled,
        DeviceState::PendingDisenroll,
        DeviceState::Deleted,
    ];
}

/// How a token table stores the facts the lifecycle depends on.
#[derive(Debug, Clone, Copy)]
pub struct TokenTable {
    pub platform: Platform,
    /// The status column (`status`, or `state` for Windows).
    pub status: &'static str,
    /// The perpetual flag (0/1), for tables that have perpetual tokens.
    pub perpetual: Option<&'static str>,
    /// Expiry, ms since the epoch.
    pub expires_at: &'static str,
    /// `(enrolled count, cap)` columns where a token may cap its enrollments
    /// (a NULL cap: no limit); the claim then admits a token only below it.
    pub cap: Option<(&'static str, &'static str)>,
}

pub const AOSP_TOKENS: TokenTable = TokenTable {
    platform: Platform::Aosp,
    status: "status",
    perpetual: Some("perpetual"),
    expires_at: "expires_at",
    cap: Some(("enrolled_count", "max_enrollments")),
};
pub const WIN_TOKENS: TokenTable = TokenTable {
    platform: Platform::Windows,
    status: "state",
    perpetual: None,
    expires_at: "expires_at",
    cap: None,
};
/// Google-compatible tokens follow the AOSP machine without perpetual
/// tokens; any of them may cap its enrollments (`maxEnrollments`).
pub const GOOGLE_TOKENS: TokenTable = TokenTable {
    platform: Platform::Aosp,
    status: "status",
    perpetual: None,
    expires_at: "expires_at",
    cap: Some(("enrolled_count", "max_enrollments")),
};

impl TokenTable {
    fn not_perpetual(&self) -> String {
        match self.perpetual {
            Some(col) => format!(" AND {col} = 0"),
            None => String::new(),
        }
    }

    fn unexpired(&self, now: &str) -> String {
        match self.perpetual {
            Some(col) => format!("({col} = 1 OR {} > {now})", self.expires_at),
            None => format!("{} > {now}", self.expires_at),
        }
    }

    /// A stored PENDING token whose expiry has passed: what reads show as
    /// EXPIRED ([`TokenFacts::effective_status`]) and the sweep writes back.
    pub fn expired_at(&self, now: &str) -> String {
        format!(
            "{} = {}{} AND {} <= {now}",
            self.status,
            TokenStatus::Pending.sql(),
            self.not_perpetual(),
            self.expires_at
        )
    }

    /// The status a read shows at `now` ([`TokenFacts::effective_status`]):
    /// the stored one, or EXPIRED for a PENDING token past its expiry. Reads
    /// filter and sort by it, so they never have to write the expiry back
    /// (the cron sweep alone persists it).
    pub fn effective_status_at(&self, now: &str) -> String {
        format!(
            "(CASE WHEN {} THEN {} ELSE {} END)",
            self.expired_at(now),
            TokenStatus::Expired.sql(),
            self.status
        )
    }

    /// A token a device may enroll with at `now` ([`TokenFacts::can_enroll`]),
    /// and below its enrollment cap if it has one.
    pub fn can_enroll_at(&self, now: &str) -> String {
        let below_cap = match self.cap {
            Some((count, max)) => format!(" AND ({max} IS NULL OR {count} < {max})"),
            None => String::new(),
        };
        format!(
            "{} = {} AND {}{below_cap}",
            self.status,
            TokenStatus::Pending.sql(),
            self.unexpired(now)
        )
    }

    /// A token that still counts against a plan's quota: not finished, not
    /// deleted, not expired.
    pub fn live_at(&self, now: &str) -> String {
        format!(
            "{} IN ({}, {}) AND {}",
            self.status,
            TokenStatus::Pending.sql(),
            TokenStatus::Processing.sql(),
            self.unexpired(now)
        )
    }

    /// Anything but DELETED (a deleted token is not found).
    pub fn not_deleted(&self) -> String {
        format!("{} != {}", self.status, TokenStatus::Deleted.sql())
    }

    /// `SET` of the sweep: expired tokens become EXPIRED.
    pub fn set_expired(&self) -> String {
        format!("{} = {}", self.status, TokenStatus::Expired.sql())
    }

    /// The status after `events` (from PENDING, the state the claim
    /// matched), as an SQL expression over the row, taken from
    /// [`TokenFacts::transition`]: `CASE perpetual WHEN 1 THEN 'PENDING' ELSE
    /// 'PROCESSING' END` for the AOSP claim. `one_time` names the column that
    /// makes a token single-use where there is no perpetual flag (Google's
    /// `one_time_only`); a reusable token then behaves like a perpetual one
    /// until it expires.
    pub fn after(&self, events: &[TokenEvent], one_time: Option<&str>) -> String {
        let after = |perpetual: bool| {
            let mut facts = TokenFacts {
                platform: self.platform,
                status: TokenStatus::Pending,
                perpetual,
                expires_at: None,
            };
            for event in events {
                // The claim's WHERE admits only tokens the move is valid for.
                facts.status = facts.transition(*event, 0).unwrap_or(facts.status);
            }
            facts.status.sql()
        };
        match (self.perpetual, one_time) {
            (Some(col), _) => format!("CASE {col} WHEN 1 THEN {} ELSE {} END", after(true), after(false)),
            (None, Some(col)) => format!("CASE {col} WHEN 1 THEN {} ELSE {} END", after(false), after(true)),
            (None, None) => after(false),
        }
    }
}

/// `state` after a status report, as an SQL expression over the row: every
/// state [`DeviceState::after_status_report`] changes, and the rest kept.
pub fn device_state_after_report(column: &str) -> String {
    let mut sql = format!("CASE {column}");
    for from in DeviceState::ALL {
        let to = from.after_status_report();
        if to != from {
            sql.push_str(&format!(" WHEN {} THEN {}", from.sql(), to.sql()));
        }
    }
    sql.push_str(&format!(" ELSE {column} END"));
    sql
}

/// An administrator's action on a device as SQL over its state column:
/// `can` admits exactly the states [`DeviceState::transition`] allows the
/// event from, `after` is the state it leads to from each of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceMove {
    pub can: String,
    pub after: String,
}

pub fn device_move(column: &str, event: DeviceEvent) -> DeviceMove {
    let moves: Vec<(DeviceState, DeviceState)> = DeviceState::ALL
        .into_iter()
        .filter_map(|from| from.transition(event).ok().map(|to| (from, to)))
        .collect();
    let froms: Vec<String> = moves.iter().map(|(from, _)| from.sql()).collect();
    let mut after = format!("CASE {column}");
    for (from, to) in &moves {
        after.push_str(&format!(" WHEN {} THEN {}", from.sql(), to.sql()));
    }
    after.push_str(&format!(" ELSE {column} END"));
    DeviceMove {
        can: format!("{column} IN ({})", froms.join(", ")),
        after,
    }
}

/// How many enrollment credentials of organization `org` (a parameter or a
/// table-qualified column: a bare `organization_id` would name the counted
/// table's own) can still enroll at `now`: the plan quota's first count,
/// over the three token tables.
pub fn live_credentials(org: &str, now: &str) -> String {
    [
        ("aosp_enrollment_tokens", AOSP_TOKENS),
        ("google_enrollment_tokens", GOOGLE_TOKENS),
        ("win_enrollment_tokens", WIN_TOKENS),
    ]
    .iter()
    .map(|(table, t)| {
        format!(
            "(SELECT COUNT(*) FROM {table} WHERE organization_id = {org} AND {})",
            t.can_enroll_at(now)
        )
    })
    .collect::<Vec<_>>()
    .join(" + ")
}

/// How many devices of organization `org` (as above) are not DELETED: the plan quota's
/// second count, over AOSP and Windows devices.
pub fn devices_in_use(org: &str) -> String {
    ["aosp_devices", "win_devices"]
        .iter()
        .map(|table| {
            format!(
                "(SELECT COUNT(*) FROM {table} WHERE organization_id = {org} AND {})",
                device_not_deleted("state")
            )
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

/// True when organization `org` may enroll one more device under its plan's
/// cap (`crate::plans::device_cap_sql`); an unlimited plan compares with NULL.
pub fn device_room(org: &str) -> String {
    format!(
        "COALESCE((SELECT ({}) < ({}) FROM organizations WHERE id = {org}), 1)",
        devices_in_use(org),
        crate::plans::device_cap_sql("plan")
    )
}

/// Anything but DELETED (a deleted device is listed only when asked for).
pub fn device_not_deleted(column: &str) -> String {
    format!("{column} != {}", DeviceState::Deleted.sql())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predicates_read_like_the_state_machine() {
        assert_eq!(
            AOSP_TOKENS.expired_at("?2"),
            "status = 'PENDING' AND perpetual = 0 AND expires_at <= ?2"
        );
        assert_eq!(WIN_TOKENS.expired_at("?1"), "state = 'PENDING' AND expires_at <= ?1");
        assert_eq!(
            AOSP_TOKENS.can_enroll_at("?2"),
            "status = 'PENDING' AND (perpetual = 1 OR expires_at > ?2) \
             AND (max_enrollments IS NULL OR enrolled_count < max_enrollments)"
        );
        assert_eq!(
            GOOGLE_TOKENS.can_enroll_at("?2"),
            "status = 'PENDING' AND expires_at > ?2 \
             AND (max_enrollments IS NULL OR enrolled_count < max_enrollments)"
        );
        assert_eq!(
            AOSP_TOKENS.live_at("?16"),
            "status IN ('PENDING', 'PROCESSING') AND (perpetual = 1 OR expires_at > ?16)"
        );
        assert_eq!(WIN_TOKENS.not_deleted(), "state != 'DELETED'");
        assert_eq!(
            WIN_TOKENS.effective_status_at("?"),
            "(CASE WHEN state = 'PENDING' AND expires_at <= ? THEN 'EXPIRED' ELSE state END)"
        );
    }

    #[test]
    fn enrollment_moves_come_from_transition() {
        use TokenEvent::*;
        assert_eq!(
            AOSP_TOKENS.after(&[BeginEnrollment], None),
            "CASE perpetual WHEN 1 THEN 'PENDING' ELSE 'PROCESSING' END"
        );
        assert_eq!(
            AOSP_TOKENS.after(&[BeginEnrollment, CompleteEnrollment], None),
            "CASE perpetual WHEN 1 THEN 'PENDING' ELSE 'DONE' END"
        );
        assert_eq!(
            GOOGLE_TOKENS.after(&[BeginEnrollment, CompleteEnrollment], Some("one_time_only")),
            "CASE one_time_only WHEN 1 THEN 'DONE' ELSE 'PENDING' END"
        );
        assert_eq!(WIN_TOKENS.after(&[BeginEnrollment], None), "'DONE'");
        assert_eq!(WIN_TOKENS.after(&[Delete], None), "'DELETED'");
    }

    #[test]
    fn status_reports_activate_provisioning_devices_only() {
        assert_eq!(
            device_state_after_report("state"),
            "CASE state WHEN 'PROVISIONING' THEN 'ACTIVE' WHEN 'PENDING_DISENROLL' THEN 'DELETED' ELSE state END"
        );
    }

    #[test]
    fn device_actions_come_from_transition() {
        assert_eq!(
            device_move("state", DeviceEvent::Disable),
            DeviceMove {
                can: "state IN ('PROVISIONING', 'ACTIVE')".into(),
                after: "CASE state WHEN 'PROVISIONING' THEN 'DISABLED' WHEN 'ACTIVE' THEN 'DISABLED' ELSE state END"
                    .into(),
            }
        );
        assert_eq!(device_move("state", DeviceEvent::Enable).can, "state IN ('DISABLED')");
        assert_eq!(
            device_move("state", DeviceEvent::Disenroll).can,
            "state IN ('PROVISIONING', 'ACTIVE', 'DISABLED')"
        );
        assert_eq!(
            device_move("state", DeviceEvent::Delete).can,
            "state IN ('PROVISIONING', 'ACTIVE', 'DISABLED', 'PENDING_DISENROLL')"
        );
        assert_eq!(device_not_deleted("d.state"), "d.state != 'DELETED'");
    }
}
