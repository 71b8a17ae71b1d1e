//! Webhooks (the contract's "Webhooks"): after a change's D1 batch succeeds,
//! its event goes onto the `WEBHOOK_QUEUE` queue once per enabled
//! subscription of the organization that names it ([`publish`]); this same
//! worker consumes the queue ([`deliver::consume`]) and POSTs each message,
//! signed as Standard Webhooks says, recording every attempt.
//!
//! What is decided without I/O (events, URL rules, the retry schedule, the
//! signature's format) lives in `mdm_core::webhooks`.

mod deliver;
mod publish;
mod sign;

use serde::{Deserialize, Serialize};
use worker::js_sys::{self, Array, Reflect};
use worker::Env;

use crate::http::ApiError;
use crate::js::object;
use crate::js::{call, error_text};

pub use deliver::consume;
pub use publish::{publish, publish_to, Event};

/// The producer binding of the delivery queue (wrangler.toml).
pub const QUEUE_BINDING: &str = "WEBHOOK_QUEUE";
/// The producer binding of the dead-letter queue: a message whose retries are
/// spent is sent there (the queue's own `dead_letter_queue` is the same one,
/// for a consumer that fails outright `max_retries` times).
pub const DEAD_LETTER_BINDING: &str = "WEBHOOK_DEAD_LETTERS";
/// Seconds between attempts, comma separated (`mdm_core::webhooks::retry_delays`).
pub const RETRY_DELAYS_BINDING: &str = "WEBHOOK_RETRY_DELAYS";
/// What a stored secret's seal names (`sealed::row_aad`).
pub const TABLE: &str = "webhooks";

mdm_core::request! {
    /// One message on the queue: one event for one subscription. It carries no
    /// secret: the consumer opens the subscription's sealed secret itself.
    #[derive(Debug, Clone, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Message {
        pub webhook_id: String,
        pub organization_id: String,
        /// `webhook-id`: the same for every attempt.
        pub message_id: String,
        /// The event type (`device.enrolled`, ..., or `ping`).
        pub event: String,
        /// When the event happened (ms since the epoch): the body's `timestamp`.
        pub at: i64,
        /// The body's `data`, as JSON text (a queue message crosses into
        /// JavaScript; text keeps an object an object).
        pub data: String,
    }
}

/// Sends `messages` to the queue bound as `binding`, at most
/// [`publish::BATCH`] a call: the runtime's `sendBatch([{body, contentType}])`,
/// called directly, each body the message's JSON made a JavaScript object
/// (what workers-rs's serde-wasm-bindgen made of it, whose writer this leaves
/// out of the wasm for sends, BENCHMARKS.md 0m).
async fn enqueue(env: &Env, binding: &str, messages: &[Message]) -> Result<(), ApiError> {
    let failed = |why: String| ApiError::internal(format!("queue {binding}: {why}"));
    let queue = Reflect::get(env.as_ref(), &binding.into()).map_err(|e| failed(error_text(&e)))?;
    for chunk in messages.chunks(publish::BATCH) {
        let batch = Array::new();
        for m in chunk {
            let text = serde_json::to_string(m).map_err(|e| failed(e.to_string()))?;
            let body = js_sys::JSON::parse(&text).map_err(|e| failed(error_text(&e)))?;
            // JSON, as workers-rs sent it: readable in the dashboard (the
            // dead letters too), whatever the compatibility date's default.
            batch.push(&object(&[("body", body), ("contentType", "json".into())])?);
        }
        call(&queue, "sendBatch", &Array::of1(&batch))
            .await
            .map_err(|e| failed(error_text(&e)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Message;
    use mdm_core::requests::build::FromJson;

    #[test]
    fn a_message_reads_back_as_serde_reads_it() {
        let sent = Message {
            webhook_id: "w1".into(),
            organization_id: "o1".into(),
            message_id: "msg_1".into(),
            event: "device.enrolled".into(),
            at: 1_700_000_000_123,
            data: r#"{"deviceId":"d\"1"}"#.into(),
        };
        let value = serde_json::to_value(&sent).unwrap();
        let ours = Message::from_json(&value).unwrap();
        let theirs: Message = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(format!("{ours:?}"), format!("{theirs:?}"));
        for key in ["webhookId", "organizationId", "messageId", "event", "at", "data"] {
            let mut cut = value.clone();
            cut.as_object_mut().unwrap().remove(key);
            assert!(Message::from_json(&cut).is_err(), "{key}");
            assert!(serde_json::from_value::<Message>(cut).is_err(), "{key}");
        }
        // Not an object, and members of the wrong type: both refuse.
        let mut wrong = vec![serde_json::json!("text"), serde_json::json!(null)];
        for (key, bad) in [
            ("at", serde_json::json!("1")),
            ("at", serde_json::json!(1.5)),
            ("event", serde_json::json!(7)),
        ] {
            let mut v = value.clone();
            v[key] = bad;
            wrong.push(v);
        }
        for v in wrong {
            assert!(Message::from_json(&v).is_err(), "{v}");
            assert!(serde_json::from_value::<Message>(v.clone()).is_err(), "{v}");
        }
    }
}
