//! The consumer: each message is one POST to its subscription's URL, signed,
//! with a 10 s timeout. A 2xx acknowledges it; anything else is retried after
//! the schedule's next delay (`WEBHOOK_RETRY_DELAYS`), and when the schedule
//! is spent the message goes to the dead-letter queue. Every attempt is one
//! row of `webhook_deliveries`.

use worker::js_sys::{self, Array, Function, Reflect};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::{Env, MessageBatch, MessageExt, QueueRetryOptionsBuilder};

use mdm_core::webhooks::{self as core, DEAD_LETTERED, DELIVERED, FAILED, PING};

use super::{Message, DEAD_LETTER_BINDING, RETRY_DELAYS_BINDING, TABLE};
use crate::db::row;
use crate::db::Db;
use crate::http::ApiError;
use crate::js::{call, object};
use crate::params;
use crate::sealed::{row_aad, Keys};

/// How long one attempt may take.
const TIMEOUT_MS: u64 = 10_000;

/// What becomes of a message after its attempt.
enum Outcome {
    Ack,
    Retry(u32),
    DeadLetter,
}

/// The queue handler: every message of the batch, in turn.
pub async fn consume(batch: MessageBatch<Message>, env: Env) {
    let var = crate::vars::get(&env, RETRY_DELAYS_BINDING);
    let delays = core::retry_delays(var.as_deref()).unwrap_or_else(|(default, why)| {
        worker::console_error!("{why}; using the default schedule");
        default
    });
    let setup = Db::from_env(&env).and_then(|db| Ok((db, Keys::of_env(&env)?)));
    for m in batch.raw_iter() {
        let Some(msg) = read(&m.body()) else {
            // A body this worker did not write: nothing to deliver, ever.
            worker::console_error!("webhooks: unreadable message {}, acknowledged", m.id());
            m.ack();
            continue;
        };
        let outcome = match &setup {
            Ok((db, keys)) => attempt(db, keys, &delays, &msg).await,
            Err(e) => Err(ApiError::internal(format!("{e:?}"))),
        };
        match outcome {
            Ok(Outcome::Ack) => m.ack(),
            Ok(Outcome::Retry(seconds)) => {
                m.retry_with_options(&QueueRetryOptionsBuilder::new().with_delay_seconds(seconds).build())
            }
            Ok(Outcome::DeadLetter) => match dead_letter(&env, &msg).await {
                Ok(()) => m.ack(),
                Err(e) => {
                    worker::console_error!("webhooks: dead-letter queue refused {}: {e:?}", msg.message_id);
                    m.retry()
                }
            },
            Err(e) => {
                // The worker's own failure (D1, keys): the queue's plain retry,
                // bounded by its max_retries, then its dead-letter queue.
                worker::console_error!("webhooks: {} not attempted: {e:?}", msg.message_id);
                m.retry()
            }
        }
    }
}

/// A message's body, as [`Message`]: its JSON text read back, not
/// serde-wasm-bindgen's typed reader (BENCHMARKS.md 0m). One message this
/// worker did not write is then acknowledged alone, not its whole batch.
fn read(body: &JsValue) -> Option<Message> {
    let text = js_sys::JSON::stringify(body).ok()?.as_string()?;
    crate::routes::columns::from_json(&text).ok()
}

row! {
    struct Subscription {
        url: String,
        enabled: i64,
        secret_sealed: String,
    }
}

async fn attempt(db: &Db, keys: &Keys, delays: &[u32], msg: &Message) -> Result<Outcome, ApiError> {
    let subscription: Option<Subscription> = db
        .first(
            "SELECT url, enabled, secret_sealed FROM webhooks \
             WHERE id = ?1 AND organization_id = ?2 AND deleted_at IS NULL",
            params![&msg.webhook_id, &msg.organization_id],
        )
        .await?;
    // Deleted, or disabled since the event was queued: nothing is sent (a
    // ping is sent to a disabled subscription: it was asked for).
    let Some(sub) = subscription.filter(|s| s.enabled == 1 || msg.event == PING) else {
        return Ok(Outcome::Ack);
    };
    let previous: Option<i64> = db
        .value(
            "SELECT count(*) AS n FROM webhook_deliveries WHERE message_id = ?1",
            params![&msg.message_id],
            "n",
        )
        .await?;
    let number = previous.unwrap_or(0) + 1;
    let secret = keys.open(&sub.secret_sealed, &row_aad(TABLE, &msg.webhook_id)).await?;
    let body = serde_json::json!({
        "type": msg.event,
        "timestamp": mdm_core::time::to_rfc3339(msg.at),
        "data": serde_json::from_str::<serde_json::Value>(&msg.data).map_err(ApiError::internal)?,
    })
    .to_string();
    let now = crate::now_ms();
    let signed = super::sign::headers(&secret, &msg.message_id, now / 1000, &body).await?;
    let response_status = post(&sub.url, &signed, &body).await;
    let (status, outcome) = match response_status {
        Some(s) if (200..300).contains(&s) => (DELIVERED, Outcome::Ack),
        _ => match core::next_delay(delays, u32::try_from(number).unwrap_or(u32::MAX)) {
            Some(delay) => (FAILED, Outcome::Retry(delay)),
            None => (DEAD_LETTERED, Outcome::DeadLetter),
        },
    };
    // A redelivered message (the queue may deliver twice) records its attempt once.
    db.run(
        "INSERT OR IGNORE INTO webhook_deliveries (id, webhook_id, organization_id, event_type, message_id, \
         attempt, status, response_status, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            crate::routes::columns::new_id(now)?,
            &msg.webhook_id,
            &msg.organization_id,
            &msg.event,
            &msg.message_id,
            number,
            status,
            response_status.map(i64::from),
            now
        ],
    )
    .await?;
    Ok(outcome)
}

/// POST the body; the receiver's status, or `None` for no answer (refused
/// connection, or none within [`TIMEOUT_MS`]). The global `fetch` with
/// `AbortSignal.timeout`, called directly (as `crate::webcrypto` calls
/// WebCrypto): the request types of workers-rs and a timer future would
/// only add to the wasm.
async fn post(url: &str, signed: &[(&'static str, String); 3], body: &str) -> Option<u16> {
    let mut headers: Vec<(&str, JsValue)> = vec![
        ("content-type", "application/json".into()),
        ("user-agent", "mdm-edge-webhooks".into()),
    ];
    headers.extend(signed.iter().map(|(name, value)| (*name, JsValue::from_str(value))));
    let global = js_sys::global();
    let abort_signal = Reflect::get(&global, &"AbortSignal".into()).ok()?;
    let timeout: Function = Reflect::get(&abort_signal, &"timeout".into()).ok()?.dyn_into().ok()?;
    let signal = timeout
        .call1(&abort_signal, &JsValue::from_f64(TIMEOUT_MS as f64))
        .ok()?;
    let init = object(&[
        ("method", "POST".into()),
        ("headers", object(&headers).ok()?),
        ("body", body.into()),
        ("signal", signal),
    ])
    .ok()?;
    let response = call(&global, "fetch", &Array::of2(&url.into(), &init)).await.ok()?;
    let status = crate::js::status(&response);
    // Read (and drop) the answer so the connection is released; the signal
    // bounds this too.
    let _ = call(&response, "arrayBuffer", &Array::new()).await;
    Some(status)
}

async fn dead_letter(env: &Env, msg: &Message) -> Result<(), ApiError> {
    super::enqueue(env, DEAD_LETTER_BINDING, std::slice::from_ref(msg)).await
}
