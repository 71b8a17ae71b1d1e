//! One module per resource; each handler is `async fn(&mut Ctx) -> Result<Response, ApiError>`.

pub mod debug;
pub mod health;
pub mod me;
