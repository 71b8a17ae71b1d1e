//! The audit log's read side: `GET /v1/organizations/:organizationId/audit-events`
//! (`admin.audit.list`), newest first, through the shared list code: `page`,
//! `limit`, and the filters `action`, `actorId`, `targetId` (exact) and
//! `from`, `to` (RFC 3339, inclusive). Events are written by the dispatcher
//! and the database layer (`crate::audit`), never here.

use serde_json::Value;
use worker::Response;

use mdm_core::model::admin::{AuditActor, AuditEvent, AuditTarget};

use crate::ctx::Ctx;
use crate::db::row;
use crate::db::Param;
use crate::dispatch::Scope;
use crate::http::{ok, ApiError};
use crate::routes::columns::{from_json, ts};
use crate::routes::list::{self, Listing, Where};

row! {
    struct Row {
        id: String,
        at: i64,
        actor_type: String,
        actor_id: String,
        actor_email: Option<String>,
        action: String,
        target_type: String,
        target_id: String,
        ip: String,
        details: String,
    }
}

const LISTING: Listing = Listing {
    table: "audit_events",
    columns: "id, at, actor_type, actor_id, actor_email, action, target_type, target_id, ip, details",
    fields: &[
        ("at", "at"),
        ("action", "action"),
        ("actorId", "actor_id"),
        ("targetId", "target_id"),
    ],
    status_column: None,
    expiry: None,
    segment_column: None,
    counted: true,
};

impl Row {
    fn into_model(self) -> Result<AuditEvent, ApiError> {
        let details: Value = from_json(&self.details)?;
        Ok(AuditEvent {
            id: self.id,
            at: ts(self.at),
            actor: AuditActor {
                kind: self.actor_type,
                id: self.actor_id,
                email: self.actor_email,
            },
            action: self.action,
            target: AuditTarget {
                kind: self.target_type,
                id: self.target_id,
            },
            ip: self.ip,
            details,
        })
    }
}

pub async fn list(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let org = scope.org()?;
    let q = scope.list()?;
    let mut w = Where::org(&org.id);
    if let Some(from) = &q.from {
        w = w.and("at >= ?", [Param::Int(from.ms)]);
    }
    if let Some(to) = &q.to {
        w = w.and("at <= ?", [Param::Int(to.ms)]);
    }
    let page = list::fetch(&ctx.db()?, &LISTING, q, &org.id, w).await?.page::<Row>()?;
    ok(&list::try_map(page, Row::into_model)?)
}
