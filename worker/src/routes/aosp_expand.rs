//! Expansion shared by AOSP tokens and devices: stored references
//! (`mdm_user_id`, `[{aosPolicyId, priority}]`) become the seeds' embedded
//! objects (`mdmUser {id, email}`, `aosPolicy {id, name, version}`). One query
//! per kind for a whole page, never one per row.

use std::collections::HashMap;

use serde::Deserialize;

use mdm_core::model::aosp::{AosPolicyAssignment, AosPolicySummary};
use mdm_core::model::MdmUserRef;
use mdm_core::requests::aosp::AosPolicyAssignmentInput;

use crate::db::{BatchResult, Db, Param, Stmt};
use crate::http::ApiError;
use crate::params;
use crate::routes::aosp_policies;
use crate::routes::list::RowsSql;

/// Users and policies named by a set of rows, loaded once.
#[derive(Default)]
pub struct Expansions {
    users: HashMap<String, MdmUserRef>,
    pub policies: HashMap<String, aosp_policies::Row>,
}

/// Where a load's statements sit in a batch (see [`Expansions::prepare`]).
pub struct Pending {
    users: Option<usize>,
    policies: Option<usize>,
}

#[derive(Deserialize)]
struct UserRow {
    id: String,
    email: String,
}

impl Expansions {
    /// Load every user and policy the given references name, in `org_id` only
    /// (one batch: one round trip, none without references).
    pub async fn load<'a>(
        db: &Db,
        org_id: &str,
        user_ids: impl IntoIterator<Item = &'a str>,
        policy_ids: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, ApiError> {
        let mut stmts = Vec::new();
        let pending = Self::prepare(db, org_id, user_ids, policy_ids, &mut stmts)?;
        let results = db.batch(stmts).await?;
        Self::read(&pending, &results)
    }

    /// Append the statements of a load to `stmts` (to batch them with others);
    /// [`Expansions::read`] takes the batch's results.
    pub fn prepare<'a>(
        db: &Db,
        org_id: &str,
        user_ids: impl IntoIterator<Item = &'a str>,
        policy_ids: impl IntoIterator<Item = &'a str>,
        stmts: &mut Vec<Stmt>,
    ) -> Result<Pending, ApiError> {
        let mut users: Vec<String> = user_ids.into_iter().map(str::to_string).collect();
        users.sort();
        users.dedup();
        let mut policies: Vec<String> = policy_ids.into_iter().map(str::to_string).collect();
        policies.sort();
        policies.dedup();
        let mut pending = Pending {
            users: None,
            policies: None,
        };
        if !users.is_empty() {
            pending.users = Some(stmts.len());
            stmts.push(db.stmt(
                "SELECT id, email FROM mdm_users WHERE organization_id = ?1 \
                 AND id IN (SELECT value FROM json_each(?2))",
                params![org_id, &serde_json::Value::from(users)],
            )?);
        }
        if let Some(stmt) = aosp_policies::by_ids_stmt(db, org_id, &policies)? {
            pending.policies = Some(stmts.len());
            stmts.push(stmt);
        }
        Ok(pending)
    }

    /// Append statements loading every user and policy that `rows` name
    /// (their `mdm_user_id` and `policy_assignments`, and `policy_id` when
    /// `direct_policy`), in `org_id` only, to the batch that reads the rows
    /// themselves: the read stays one round trip. [`Expansions::read`] takes
    /// the batch's results.
    pub fn prepare_for_rows(
        db: &Db,
        org_id: &str,
        rows: &RowsSql,
        direct_policy: bool,
        stmts: &mut Vec<Stmt>,
    ) -> Result<Pending, ApiError> {
        let org = || [Param::from(org_id)];
        let (users, params) = rows.with(
            "SELECT id, email FROM mdm_users WHERE organization_id = ? \
             AND id IN (SELECT mdm_user_id FROM r)",
            org(),
        );
        let users_at = stmts.len();
        stmts.push(db.stmt(&users, &params)?);
        let direct = if direct_policy {
            " UNION SELECT policy_id FROM r"
        } else {
            ""
        };
        let (policies, params) = rows.with(
            &format!(
                "SELECT {} FROM aosp_policies WHERE organization_id = ? AND id IN \
                 (SELECT json_extract(a.value, '$.aosPolicyId') FROM r, json_each(r.policy_assignments) AS a{direct})",
                aosp_policies::COLUMNS
            ),
            org(),
        );
        stmts.push(db.stmt(&policies, &params)?);
        Ok(Pending {
            users: Some(users_at),
            policies: Some(users_at + 1),
        })
    }

    /// The expansions out of the results of a batch [`Expansions::prepare`] filled.
    pub fn read(pending: &Pending, results: &[BatchResult]) -> Result<Self, ApiError> {
        let at = |i: usize| {
            results
                .get(i)
                .ok_or_else(|| ApiError::internal("batch: missing expansion result"))
        };
        let mut out = Expansions::default();
        if let Some(i) = pending.users {
            for u in at(i)?.rows::<UserRow>()? {
                out.users.insert(
                    u.id.clone(),
                    MdmUserRef {
                        id: u.id,
                        email: u.email,
                    },
                );
            }
        }
        if let Some(i) = pending.policies {
            for p in at(i)?.rows::<aosp_policies::Row>()? {
                out.policies.insert(p.id.clone(), p);
            }
        }
        Ok(out)
    }

    pub fn user(&self, id: Option<&str>) -> Option<MdmUserRef> {
        id.and_then(|id| self.users.get(id)).cloned()
    }

    pub fn summary(&self, id: &str) -> AosPolicySummary {
        match self.policies.get(id) {
            Some(p) => p.summary(),
            // Policies cannot be deleted, so this only covers a row written by
            // hand: keep the id, leave name and version empty.
            None => AosPolicySummary {
                id: id.to_string(),
                name: String::new(),
                version: String::new(),
            },
        }
    }

    /// Stored assignments with their policies expanded, in stored order.
    pub fn assignments(&self, stored: &[AosPolicyAssignmentInput]) -> Vec<AosPolicyAssignment> {
        stored
            .iter()
            .map(|a| AosPolicyAssignment {
                aos_policy_id: a.aos_policy_id.clone(),
                aos_policy: self.summary(&a.aos_policy_id),
                priority: a.priority,
            })
            .collect()
    }
}
