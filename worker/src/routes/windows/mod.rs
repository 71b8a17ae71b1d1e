//! Windows MDM: enrollment tokens, devices, Windows policies, and the
//! device-side `POST /v1/enroll/windows`.
//!
//! Every administrator route's row gates on the Windows MDM plan feature, so
//! an organization on `free` gets 400 / 5050 right after the organization is
//! resolved, before any body or id is looked at: a caller on the wrong plan
//! learns that first and nothing else.

pub mod devices;
pub mod enroll;
pub mod policies;
pub mod tokens;
