//! Expansion shared by AOSP tokens and devices: stored references
//! (`mdm_user_id`, `[{aosPolicyId, priority}]`) become the seeds' embedded
//! objects (`mdmUser {id, email}`, `aosPolicy {id, name, version}`). One query
//! per kind for a whole page, never one per row.

use std::collections::HashMap;

use serde::Deserialize;

use mdm_core::model::aosp::{AosPolicyAssignment, AosPolicySummary};
use mdm_core::model::MdmUserRef;
use mdm_core::requests::aosp::AosPolicyAssignmentInput;

use crate::db::{Db, Param};
use crate::http::ApiError;
use crate::routes::aosp_policies;

/// Users and policies named by a set of rows, loaded once.
#[derive(Default)]
pub struct Expansions {
    users: HashMap<String, MdmUserRef>,
    pub policies: HashMap<String, aosp_policies::Row>,
}

impl Expansions {
    /// Load every user and policy the given references name, in `org_id` only.
    pub async fn load<'a>(
        db: &Db,
        org_id: &str,
        user_ids: impl IntoIterator<Item = &'a str>,
        policy_ids: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, ApiError> {
        let mut users: Vec<String> = user_ids.into_iter().map(str::to_string).collect();
        users.sort();
        users.dedup();
        let mut policies: Vec<String> = policy_ids.into_iter().map(str::to_string).collect();
        policies.sort();
        policies.dedup();
        let mut out = Expansions::default();
        if !users.is_empty() {
            #[derive(Deserialize)]
            struct U {
                id: String,
                email: String,
            }
            let marks = vec!["?"; users.len()].join(", ");
            let mut params = vec![Param::from(org_id)];
            params.extend(users.iter().map(Param::from));
            let rows: Vec<U> = db
                .all(
                    &format!("SELECT id, email FROM mdm_users WHERE organization_id = ? AND id IN ({marks})"),
                    &params,
                )
                .await?;
            for u in rows {
                out.users.insert(
                    u.id.clone(),
                    MdmUserRef {
                        id: u.id,
                        email: u.email,
                    },
                );
            }
        }
        for p in aosp_policies::by_ids(db, org_id, &policies).await? {
            out.policies.insert(p.id.clone(), p);
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

/// Assignments as stored: ids lowercased (ids are stored lowercase everywhere).
pub fn normalize(assignments: &[AosPolicyAssignmentInput]) -> Vec<AosPolicyAssignmentInput> {
    assignments
        .iter()
        .map(|a| AosPolicyAssignmentInput {
            aos_policy_id: a.aos_policy_id.to_ascii_lowercase(),
            priority: a.priority,
        })
        .collect()
}
