// bench/worker-floor: the shell every route of the worker stands on, and nothing else: a fetch
// handler that reads one D1 row and answers it as JSON, a queue consumer and
// a scheduled handler (the three entry points mdm-worker has).
use serde::{Deserialize, Serialize};
use worker::*;

#[derive(Deserialize, Serialize)]
struct Row {
    id: String,
    n: f64,
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let db = env.d1("DB")?;
    let row: Option<Row> = db
        .prepare("SELECT ?1 AS id, 1 AS n")
        .bind(&[req.path().into()])?
        .first(None)
        .await?;
    Response::from_json(&row)
}

#[event(queue)]
async fn queue(batch: MessageBatch<serde_json::Value>, _env: Env, _ctx: Context) -> Result<()> {
    batch.ack_all();
    Ok(())
}

#[event(scheduled)]
async fn scheduled(_e: ScheduledEvent, _env: Env, _ctx: ScheduleContext) {}
