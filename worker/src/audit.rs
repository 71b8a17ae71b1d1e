//! The audit log's write side: the one place that knows how an audit event
//! is written.
//!
//! - The dispatcher arms a [`Draft`] for every row that changes something
//!   ([`Endpoint::audit_action`]): the action (the row's permission, or
//!   `device.enroll` / `device.stateChanged` on the device side), the actor
//!   (the caller's credential, or the device), the client's IP and the time.
//! - The handler only names what it changes: `scope.target(Target::new("aospDevice", &id))`.
//! - The database layer ([`crate::db`]) puts the event's INSERT into the same
//!   D1 batch as the change's write, so there is never a change without its
//!   event, or an event without its change: the INSERT is conditional on the
//!   change having changed a row ([`Target::new`]: `changes() > 0`, right after
//!   the write), on the target row existing after the batch
//!   ([`Target::stored_in`], for enrollments, whose organization is the new
//!   device's), or on a condition read before the write ([`Target::before`],
//!   for a status report that moves a device's state). A write in an audited
//!   request before its target is named is refused (a logged 500), so a new
//!   route cannot change anything without its event.
//!
//! Events carry no credential: the actor is an id (an API key's id, a token's
//! `sub`, a device's id), and `details` holds the operation and what a
//! handler adds explicitly (ids, states), never a request body.

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::{Map, Value};

use crate::auth::{Principal, Via};
use crate::db::Param;
use crate::endpoint::Endpoint;
use crate::http::ApiError;

/// What a device does, as audit actions (they are not permissions).
pub const DEVICE_ENROLL: &str = "device.enroll";
pub const DEVICE_STATE_CHANGED: &str = "device.stateChanged";

/// Who acts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A bearer credential: `apiKey`, `user` or `service`, its id, a person's email.
    Credential {
        kind: &'static str,
        id: String,
        email: Option<String>,
    },
    /// The device the request is about (its id is the target's).
    Device,
}

impl Actor {
    /// The actor a verified credential is.
    pub fn of(principal: &Principal) -> Self {
        let (kind, id) = match principal.via {
            Via::ApiKey => (
                "apiKey",
                principal
                    .sub
                    .strip_prefix("apiKey:")
                    .unwrap_or(&principal.sub)
                    .to_string(),
            ),
            Via::Oidc => ("user", principal.sub.clone()),
            Via::Hs256 => ("service", principal.sub.clone()),
        };
        Actor::Credential {
            kind,
            id,
            email: principal.email.clone(),
        }
    }
}

/// An event waiting for its change (armed by the dispatcher).
#[derive(Debug, Clone)]
pub struct Draft {
    pub id: String,
    /// The organization of the path, if the row has one.
    pub org: Option<String>,
    pub at: i64,
    pub actor: Actor,
    pub action: &'static str,
    pub ip: String,
    /// The OpenAPI operationId, kept in `details.operation`.
    pub operation: &'static str,
}

/// The target's id: known before the write, or the row the write inserted
/// (integer keys, e.g. segments).
#[derive(Debug, Clone, PartialEq)]
enum TargetId {
    Known(String),
    LastInsert,
}

/// When the event is written.
#[derive(Debug, Clone, PartialEq)]
enum Guard {
    /// Right after the change's write, if it changed a row.
    Changed,
    /// At the end of the change's batch, if `table` then holds the target;
    /// the event takes that row's organization.
    Stored { table: &'static str, details: &'static str },
    /// Just before the change's write, if `table`'s row of the target matches
    /// `condition` (anonymous `?` placeholders, bound to `params`); the event
    /// takes that row's organization.
    Before {
        table: &'static str,
        condition: String,
        params: Vec<Param>,
        details: String,
    },
}

/// What a change changes, as its handler names it.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    kind: &'static str,
    id: TargetId,
    details: Map<String, Value>,
    guard: Guard,
}

impl Target {
    /// `kind` (`aospEnrollmentToken`, ...) with this id; the event is written
    /// when the change's write changes a row.
    pub fn new(kind: &'static str, id: impl Into<String>) -> Self {
        Target {
            kind,
            id: TargetId::Known(id.into()),
            details: Map::new(),
            guard: Guard::Changed,
        }
    }

    /// The row the change's INSERT adds (an integer key the database picks).
    pub fn inserted(kind: &'static str) -> Self {
        Target {
            id: TargetId::LastInsert,
            ..Target::new(kind, "")
        }
    }

    /// A safe fact about the change (never a credential).
    pub fn detail(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.details.insert(key.to_string(), value.into());
        self
    }

    /// Written if `table` holds the target once the batch ran (a create with
    /// a fresh id, e.g. an enrolled device), in that row's organization.
    /// `details` is an SQL JSON object over the row's columns.
    pub fn stored_in(mut self, table: &'static str, details: &'static str) -> Self {
        self.guard = Guard::Stored { table, details };
        self
    }

    /// Written, just before the change's write, if the target's row in
    /// `table` matches `condition` (anonymous `?` bound to `params`), in that
    /// row's organization. `details` is an SQL JSON object over the row as
    /// it was (e.g. the state a move starts from).
    pub fn before(mut self, table: &'static str, condition: String, params: Vec<Param>, details: String) -> Self {
        self.guard = Guard::Before {
            table,
            condition,
            params,
            details,
        };
        self
    }
}

/// Where the event's statement goes relative to the change's statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    Before,
    After,
}

/// One request's audit event, shared by the dispatcher, the handler's
/// [`crate::dispatch::Scope`] and the request's database.
#[derive(Debug, Default)]
pub struct State {
    draft: Option<Draft>,
    target: Option<Target>,
    /// The event's statement went out with a write (or the request is over).
    closed: bool,
}

pub type Slot = Rc<RefCell<State>>;

impl State {
    pub fn arm(&mut self, draft: Draft) {
        self.draft = Some(draft);
        self.target = None;
        self.closed = false;
    }

    pub fn name(&mut self, target: Target) {
        self.target = Some(target);
    }

    /// The handler is done: later writes (an idempotency key's answer) are
    /// not the change. `true` if an armed event never went out.
    pub fn close(&mut self) -> bool {
        let missed = self.draft.is_some() && !self.closed;
        self.closed = true;
        missed
    }

    /// The event's statement for the write about to run, once: `None` when
    /// nothing is armed or it already went; a 500 when the handler writes
    /// before naming its target.
    pub fn take_for_write(&mut self) -> Result<Option<(String, Vec<Param>, Position)>, ApiError> {
        let Some(draft) = self.draft.as_ref().filter(|_| !self.closed) else {
            return Ok(None);
        };
        let Some(target) = &self.target else {
            return Err(ApiError::internal(format!(
                "{} writes before naming its audit target (Scope::target)",
                draft.operation
            )));
        };
        let statement = statement(draft, target)?;
        self.closed = true;
        Ok(Some(statement))
    }
}

/// The conditional INSERT of `draft` for `target`.
fn statement(draft: &Draft, target: &Target) -> Result<(String, Vec<Param>, Position), ApiError> {
    let mut details = Map::new();
    details.insert("operation".into(), draft.operation.into());
    details.extend(target.details.clone());
    let details = Value::Object(details).to_string();
    let mut params: Vec<Param> = Vec::new();
    let mut bind = |p: Param| {
        params.push(p);
        "?".to_string()
    };
    let row_based = !matches!(target.guard, Guard::Changed);
    let id = bind(draft.id.as_str().into());
    let org = match (&draft.org, &target.id, row_based) {
        (_, _, true) => "organization_id".to_string(),
        (Some(org), _, false) => bind(org.as_str().into()),
        // Without an organization in the path, the target is one (a new organization).
        (None, TargetId::Known(target_id), false) => bind(target_id.as_str().into()),
        (None, TargetId::LastInsert, false) => {
            return Err(ApiError::internal(format!(
                "{}: an audit event needs an organization",
                draft.operation
            )))
        }
    };
    let at = bind(draft.at.into());
    let target_id = |bind: &mut dyn FnMut(Param) -> String| match &target.id {
        TargetId::Known(t) => bind(t.as_str().into()),
        TargetId::LastInsert => "CAST(last_insert_rowid() AS TEXT)".to_string(),
    };
    let (actor_type, actor_id, actor_email) = match &draft.actor {
        Actor::Credential { kind, id, email } => (
            bind((*kind).into()),
            bind(id.as_str().into()),
            bind(email.as_deref().into()),
        ),
        Actor::Device => (bind("device".into()), target_id(&mut bind), bind(Param::Null)),
    };
    let action = bind(draft.action.into());
    let target_type = bind(target.kind.into());
    let target_sql = target_id(&mut bind);
    let ip = bind(draft.ip.as_str().into());
    let (details_sql, tail, position) = match &target.guard {
        Guard::Changed => (bind(details.into()), "WHERE changes() > 0".to_string(), Position::After),
        Guard::Stored { table, details: extra } => {
            let d = format!("json_patch({}, {extra})", bind(details.into()));
            let tail = format!("FROM {table} WHERE id = {}", target_id(&mut bind));
            (d, tail, Position::After)
        }
        Guard::Before {
            table,
            condition,
            params: condition_params,
            details: extra,
        } => {
            let d = format!("json_patch({}, {extra})", bind(details.into()));
            let tail = format!("FROM {table} WHERE id = {} AND ({condition})", target_id(&mut bind));
            // `condition`'s placeholders come last, in order.
            for p in condition_params {
                bind(p.clone());
            }
            (d, tail, Position::Before)
        }
    };
    let sql = format!(
        "INSERT INTO audit_events (id, organization_id, at, actor_type, actor_id, actor_email, action, \
           target_type, target_id, ip, details) \
         SELECT {id}, {org}, {at}, {actor_type}, {actor_id}, {actor_email}, {action}, {target_type}, \
           {target_sql}, {ip}, {details_sql} {tail}"
    );
    Ok((sql, params, position))
}

/// A draft for `endpoint`'s change, if the row changes something.
pub fn draft(
    endpoint: &Endpoint,
    caller: Option<&Principal>,
    org: Option<&str>,
    ip: String,
    now_ms: i64,
) -> Result<Option<Draft>, ApiError> {
    let Some(action) = endpoint.audit_action() else {
        return Ok(None);
    };
    let actor = match caller {
        Some(principal) => Actor::of(principal),
        None => Actor::Device,
    };
    Ok(Some(Draft {
        id: crate::routes::columns::new_id(now_ms)?,
        org: org.map(str::to_string),
        at: now_ms,
        actor,
        action,
        ip,
        operation: endpoint.name,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(actor: Actor, org: Option<&str>) -> Draft {
        Draft {
            id: "e".into(),
            org: org.map(str::to_string),
            at: 5,
            actor,
            action: "mdm.aosp.enrollmentToken.create",
            ip: "203.0.113.7".into(),
            operation: "AospTokensCreate",
        }
    }

    fn service() -> Actor {
        Actor::Credential {
            kind: "service",
            id: "ci".into(),
            email: None,
        }
    }

    #[test]
    fn placeholders_match_parameters() {
        let cases = [
            (draft(service(), Some("o")), Target::new("aospEnrollmentToken", "t")),
            (draft(service(), Some("o")), Target::inserted("segment")),
            (draft(service(), None), Target::new("organization", "o")),
            (
                draft(Actor::Device, None),
                Target::new("aospDevice", "d").stored_in("aosp_devices", "json_object()"),
            ),
            (
                draft(Actor::Device, None),
                Target::new("aospDevice", "d").before(
                    "aosp_devices",
                    "secret_hash = ? AND state != ?".into(),
                    vec!["h".into(), "DELETED".into()],
                    "json_object('from', state)".into(),
                ),
            ),
        ];
        for (d, t) in cases {
            let (sql, params, _) = statement(&d, &t).unwrap();
            assert_eq!(sql.matches('?').count(), params.len(), "{sql}");
        }
    }

    #[test]
    fn guards_and_positions() {
        let (sql, params, pos) = statement(&draft(service(), Some("o")), &Target::new("apiKey", "k")).unwrap();
        assert!(sql.ends_with("WHERE changes() > 0"), "{sql}");
        assert_eq!(pos, Position::After);
        assert_eq!(params[1], Param::Text("o".into()));
        let (sql, _, _) = statement(&draft(service(), Some("o")), &Target::inserted("segment")).unwrap();
        assert!(sql.contains("CAST(last_insert_rowid() AS TEXT)"));
        let t = Target::new("aospDevice", "d").stored_in("aosp_devices", "json_object()");
        let (sql, params, pos) = statement(&draft(Actor::Device, None), &t).unwrap();
        assert!(sql.contains("organization_id") && sql.ends_with("FROM aosp_devices WHERE id = ?"));
        assert_eq!(pos, Position::After);
        // The device is the actor: its id is the target's.
        assert_eq!(params.iter().filter(|p| **p == Param::Text("d".into())).count(), 3);
        let t = Target::new("aospDevice", "d").before("aosp_devices", "1".into(), vec![], "json_object()".into());
        assert_eq!(statement(&draft(Actor::Device, None), &t).unwrap().2, Position::Before);
        assert!(statement(&draft(service(), None), &Target::inserted("segment")).is_err());
    }

    #[test]
    fn a_write_before_the_target_is_refused_and_the_event_goes_once() {
        let mut state = State::default();
        assert!(state.take_for_write().unwrap().is_none(), "nothing armed");
        state.arm(draft(service(), Some("o")));
        assert!(state.take_for_write().is_err());
        state.name(Target::new("apiKey", "k").detail("name", "ci"));
        let (sql, params, _) = state.take_for_write().unwrap().unwrap();
        assert!(sql.starts_with("INSERT INTO audit_events"));
        let details = params.iter().find_map(|p| match p {
            Param::Text(t) if t.starts_with('{') => serde_json::from_str::<Value>(t).ok(),
            _ => None,
        });
        assert_eq!(
            details,
            Some(serde_json::json!({"name": "ci", "operation": "AospTokensCreate"}))
        );
        assert!(state.take_for_write().unwrap().is_none(), "once");
        assert!(!state.close());
        let mut unused = State::default();
        unused.arm(draft(service(), Some("o")));
        assert!(unused.close(), "an armed event that never went out is reported");
        assert!(unused.take_for_write().unwrap().is_none(), "closed");
    }

    /// The action of an event comes from its row, and its INSERT from here:
    /// no handler writes (or even names) the table, and only the list reads it.
    #[test]
    fn only_the_dispatcher_and_the_db_write_audit_events() {
        fn scan(dir: &std::path::Path, found: &mut Vec<(String, String)>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    scan(&path, found);
                } else {
                    found.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
                }
            }
        }
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        scan(&src, &mut files);
        let name = |path: &str| path.strip_prefix(src.to_str().unwrap()).unwrap_or(path).to_string();
        let writers: Vec<String> = files
            .iter()
            .filter(|(_, text)| text.contains(&["INSERT INTO ", "audit", "_events"].concat()))
            .map(|(path, _)| name(path))
            .collect();
        assert_eq!(writers, vec!["/audit.rs".to_string()]);
        let table = ["audit", "_events"].concat();
        let sql = [
            format!("FROM {table}"),
            format!("UPDATE {table}"),
            format!("\"{table}\""),
        ];
        let mut readers: Vec<String> = files
            .iter()
            .filter(|(_, text)| sql.iter().any(|s| text.contains(s.as_str())))
            .map(|(path, _)| name(path))
            .collect();
        readers.sort();
        assert_eq!(readers, ["/cron.rs", "/routes/audit_events.rs"]);
        // Handlers name targets; only the dispatcher arms a draft.
        for (path, text) in &files {
            if path.contains("/routes/") {
                for needle in ["Draft", ".arm(", "audit::draft", ".audit()"] {
                    assert!(!text.contains(needle), "{} uses {needle}", name(path));
                }
            }
        }
    }

    /// Every row that can change something has an action (its permission,
    /// or a device's), and no read has one.
    #[test]
    fn every_row_that_changes_something_has_an_action() {
        use crate::endpoint::Gate;
        for e in crate::table::ENDPOINTS {
            let writes = !matches!(e.method, "GET" | "HEAD" | "OPTIONS");
            let expected = match (writes, e.gate, e.device_side) {
                (false, _, _) => None,
                (true, Gate::DeviceSecret, true) => Some(DEVICE_STATE_CHANGED),
                (true, Gate::Public, true) => Some(DEVICE_ENROLL),
                (true, gate, _) => gate.permission().map(|p| p.name),
            };
            assert_eq!(e.audit_action(), expected, "{}", e.name);
            if writes && e.hidden.is_none() {
                assert!(
                    e.audit_action().is_some(),
                    "{} changes something without an event",
                    e.name
                );
            }
        }
    }
}
