//! The producer: after a change's batch, its events go onto the queue, one
//! message per enabled subscription of the organization that names the event.

use serde_json::Value;
use worker::Env;

use super::{Message, QUEUE_BINDING};
use crate::db::row;
use crate::db::Db;
use crate::http::ApiError;
use crate::params;

/// Something that happened in an organization.
pub struct Event {
    pub kind: &'static str,
    pub organization_id: String,
    pub data: Value,
}

impl Event {
    pub fn new(kind: &'static str, organization_id: &str, data: Value) -> Self {
        Event {
            kind,
            organization_id: organization_id.to_string(),
            data,
        }
    }

    /// An `enrollmentToken.*` event: `{platform, enrollmentTokenId}`
    /// (`platform`: `aosp`, `windows` or `google`).
    pub fn token(kind: &'static str, organization_id: &str, platform: &str, token_id: &str) -> Self {
        let data = serde_json::json!({"platform": platform, "enrollmentTokenId": token_id});
        Event::new(kind, organization_id, data)
    }

    /// `device.stateChanged` after an administrator's action (disable,
    /// enable, disenroll, delete): `{platform, deviceId, from, to}`, where
    /// `from` is the state the history held before the action's own entry.
    pub fn device_moved(organization_id: &str, platform: &str, device_id: &str, state_history: &str, to: &str) -> Self {
        // Read as a `Value` (no typed serde reader in the wasm, BENCHMARKS.md
        // 0m); a history that is not a list of entries with a state has none.
        let history = match serde_json::from_str(state_history) {
            Ok(serde_json::Value::Array(entries)) => entries,
            _ => Vec::new(),
        };
        let states: Option<Vec<&str>> = history
            .iter()
            .map(|e| e.get("state").and_then(serde_json::Value::as_str))
            .collect();
        let from = states.unwrap_or_default().into_iter().rev().nth(1);
        let data = serde_json::json!({"platform": platform, "deviceId": device_id, "from": from, "to": to});
        Event::new(mdm_core::webhooks::DEVICE_STATE_CHANGED, organization_id, data)
    }
}

/// The subscriptions an event goes to: enabled, not deleted, naming it.
const SUBSCRIBERS: &str = "SELECT id FROM webhooks WHERE organization_id = ?1 AND enabled = 1 \
     AND deleted_at IS NULL AND EXISTS (SELECT 1 FROM json_each(webhooks.events) WHERE value = ?2)";

/// Messages per `sendBatch` (Queues' limit).
pub(super) const BATCH: usize = 100;

row! {
    struct Subscriber {
        id: String,
    }
}

/// Queue `events` for their subscribers. Runs after the change is stored, so
/// it never fails the request: a failure is logged (the change stands; the
/// client must not retry it).
pub async fn publish(env: &Env, db: &Db, now: i64, events: Vec<Event>) {
    if let Err(e) = try_publish(env, db, now, events).await {
        worker::console_error!("webhooks: events not queued: {e:?}");
    }
}

async fn try_publish(env: &Env, db: &Db, now: i64, events: Vec<Event>) -> Result<(), ApiError> {
    let mut messages = Vec::new();
    for event in events {
        let subscribers: Vec<Subscriber> = db.all(SUBSCRIBERS, params![&event.organization_id, event.kind]).await?;
        for s in subscribers {
            messages.push(message(&s.id, &event.organization_id, event.kind, now, &event.data)?);
        }
    }
    send(env, messages).await
}

/// Queue one event for one subscription whatever it subscribes to (the
/// `ping` of `POST .../test`); returns the message id.
pub async fn publish_to(
    env: &Env,
    webhook_id: &str,
    organization_id: &str,
    kind: &str,
    now: i64,
    data: Value,
) -> Result<String, ApiError> {
    let m = message(webhook_id, organization_id, kind, now, &data)?;
    let id = m.message_id.clone();
    send(env, vec![m]).await?;
    Ok(id)
}

fn message(webhook_id: &str, organization_id: &str, kind: &str, now: i64, data: &Value) -> Result<Message, ApiError> {
    Ok(Message {
        webhook_id: webhook_id.to_string(),
        organization_id: organization_id.to_string(),
        message_id: format!("msg_{}", crate::routes::columns::new_id(now)?),
        event: kind.to_string(),
        at: now,
        data: data.to_string(),
    })
}

async fn send(env: &Env, messages: Vec<Message>) -> Result<(), ApiError> {
    if messages.is_empty() {
        return Ok(());
    }
    super::enqueue(env, QUEUE_BINDING, &messages).await
}
