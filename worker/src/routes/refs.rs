//! Reference checks: ids a body names (policies, users, segments, DPC builds)
//! must exist in the same organization. Each missing one is a violation with
//! code `reference` at its body path, all reported together in one 5209; the
//! lookups run as one D1 batch (one round trip).
//!
//! ```ignore
//! let mut refs = Refs::new();
//! refs.add("mdmUserId", Table::MdmUsers, body.mdm_user_id.as_deref());
//! refs.segment("segmentId", body.segment_id);
//! refs.check(&db, &org.id).await?;
//! ```

use crate::db::{Db, Param};
use crate::http::{ApiError, Violation, ViolationCode};

/// A table whose rows bodies refer to by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    MdmUsers,
    Segments,
    AospPolicies,
    WinPolicies,
    /// Looked up by `tag` (a token's `dpcBuildTag`), not by id.
    DpcBuildTags,
}

impl Table {
    fn lookup(self) -> &'static str {
        match self {
            Table::MdmUsers => "SELECT 1 AS found FROM mdm_users WHERE id = lower(?1) AND organization_id = ?2",
            Table::Segments => "SELECT 1 AS found FROM segments WHERE id = ?1 AND organization_id = ?2",
            Table::AospPolicies => "SELECT 1 AS found FROM aosp_policies WHERE id = lower(?1) AND organization_id = ?2",
            Table::WinPolicies => "SELECT 1 AS found FROM win_policies WHERE id = lower(?1) AND organization_id = ?2",
            Table::DpcBuildTags => "SELECT 1 AS found FROM dpc_builds WHERE tag = ?1 AND organization_id = ?2",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Table::MdmUsers => "MDM user",
            Table::Segments => "segment",
            Table::AospPolicies => "AOSP policy",
            Table::WinPolicies => "Windows policy",
            Table::DpcBuildTags => "DPC build tag",
        }
    }
}

/// The references of one body, checked together.
#[derive(Debug, Default)]
pub struct Refs {
    wanted: Vec<(String, Table, Param)>,
}

impl Refs {
    pub fn new() -> Self {
        Self::default()
    }

    /// Check `id` (if present) in `table`; `path` is its place in the body.
    pub fn add(&mut self, path: impl Into<String>, table: Table, id: Option<&str>) -> &mut Self {
        if let Some(id) = id {
            self.wanted.push((path.into(), table, Param::from(id)));
        }
        self
    }

    /// Check a segment id (segments have integer ids).
    pub fn segment(&mut self, path: impl Into<String>, id: Option<i64>) -> &mut Self {
        if let Some(id) = id {
            self.wanted.push((path.into(), Table::Segments, Param::Int(id)));
        }
        self
    }

    /// `Ok(())` when every reference exists in `org_id`, else one 5209 listing
    /// each missing one (code `reference`).
    pub async fn check(&self, db: &Db, org_id: &str) -> Result<(), ApiError> {
        if self.wanted.is_empty() {
            return Ok(());
        }
        let stmts = self
            .wanted
            .iter()
            .map(|(_, table, id)| db.stmt(table.lookup(), &[id.clone(), Param::from(org_id)]))
            .collect::<Result<Vec<_>, _>>()?;
        let results = db.batch(stmts).await?;
        let mut missing = Vec::new();
        for ((path, table, _), result) in self.wanted.iter().zip(results) {
            if result.rows::<serde_json::Value>()?.is_empty() {
                missing.push(Violation::new(
                    path.clone(),
                    ViolationCode::Reference,
                    format!("no such {} in this organization", table.noun()),
                ));
            }
        }
        if missing.is_empty() {
            Ok(())
        } else {
            Err(missing.into())
        }
    }
}
