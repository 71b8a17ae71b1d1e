//! Resource shapes the API returns, with the seeds' field names. The worker
//! builds them from rows; the npm package exposes them as TypeScript types.
//! Timestamps are RFC 3339 strings (`crate::time::to_rfc3339`).

pub mod admin;
pub mod aosp;
pub mod google;
pub mod schemas;
pub mod windows;

use serde::{Deserialize, Serialize};

/// `mdmUser` as embedded in tokens and devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MdmUserRef {
    pub id: String,
    pub email: String,
}
