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
