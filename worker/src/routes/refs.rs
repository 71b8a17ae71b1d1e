//! Reference checks: ids a body names (policies, users, segments, DPC builds)
//! must exist in the same organization. Each missing one is a violation with
//! code `reference` at its body path, all reported together in one 5209; the
//! lookups run as one D1 statement.
//!
//! ```ignore
//! let mut refs = Refs::new();
//! refs.add("mdmUserId", Table::MdmUsers, body.mdm_user_id.as_deref());
//! refs.segment("segmentId", body.segment_id);
//! refs.check(&db, &org.id).await?;
//! ```

use crate::db::row;
use crate::db::Db;
use crate::http::{ApiError, Violation, ViolationCode};
use crate::params;

row! {
    /// The index (in `Refs::wanted`) of a reference that was not found.
    struct Missing {
        i: usize,
    }
}

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
    /// Whether the row exists, for `id` (the JSON value `v`) in organization `?2`.
    fn exists(self) -> &'static str {
        match self {
            Table::MdmUsers => "EXISTS (SELECT 1 FROM mdm_users WHERE id = lower(v) AND organization_id = ?2)",
            Table::Segments => "EXISTS (SELECT 1 FROM segments WHERE id = v AND organization_id = ?2)",
            Table::AospPolicies => "EXISTS (SELECT 1 FROM aosp_policies WHERE id = lower(v) AND organization_id = ?2)",
            Table::WinPolicies => "EXISTS (SELECT 1 FROM win_policies WHERE id = lower(v) AND organization_id = ?2)",
            Table::DpcBuildTags => "EXISTS (SELECT 1 FROM dpc_builds WHERE tag = v AND organization_id = ?2)",
        }
    }

    const ALL: [Table; 5] = [
        Table::MdmUsers,
        Table::Segments,
        Table::AospPolicies,
        Table::WinPolicies,
        Table::DpcBuildTags,
    ];

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
    wanted: Vec<(String, Table, serde_json::Value)>,
}

impl Refs {
    pub fn new() -> Self {
        Self::default()
    }

    /// Check `id` (if present) in `table`; `path` is its place in the body.
    pub fn add(&mut self, path: impl Into<String>, table: Table, id: Option<&str>) -> &mut Self {
        if let Some(id) = id {
            self.wanted.push((path.into(), table, id.into()));
        }
        self
    }

    /// Check a segment id (segments have integer ids).
    pub fn segment(&mut self, path: impl Into<String>, id: Option<i64>) -> &mut Self {
        if let Some(id) = id {
            self.wanted.push((path.into(), Table::Segments, id.into()));
        }
        self
    }

    /// `Ok(())` when every reference exists in `org_id`, else one 5209 listing
    /// each missing one (code `reference`).
    pub async fn check(&self, db: &Db, org_id: &str) -> Result<(), ApiError> {
        if self.wanted.is_empty() {
            return Ok(());
        }
        // One statement however many references (production D1 binds at
        // most 100 parameters and runs at most 50 queries per request on
        // the free plan): the wanted (table, id) pairs go in as one JSON
        // array, and the indexes of the missing ones come back.
        let wanted: Vec<serde_json::Value> = self
            .wanted
            .iter()
            .map(|(_, table, id)| serde_json::json!([*table as u8, id]))
            .collect();
        let cases: String = Table::ALL
            .iter()
            .map(|t| format!(" WHEN {} THEN {}", *t as u8, t.exists()))
            .collect();
        let sql = format!(
            "SELECT k AS i FROM (SELECT key AS k, json_extract(value, '$[0]') AS t, \
               json_extract(value, '$[1]') AS v FROM json_each(?1)) \
             WHERE NOT (CASE t{cases} ELSE 0 END) ORDER BY k"
        );
        let rows: Vec<Missing> = db.all(&sql, params![&serde_json::Value::from(wanted), org_id]).await?;
        let mut missing = Vec::new();
        for row in rows {
            if let Some((path, table, _)) = self.wanted.get(row.i) {
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
