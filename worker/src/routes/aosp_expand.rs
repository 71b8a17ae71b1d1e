//! Expansion shared by AOSP tokens and devices: stored references
//! (`mdm_user_id`, `[{aosPolicyId, priority}]`) become the seeds' embedded
//! objects (`mdmUser {id, email}`, `aosPolicy {id, name, version}`), read as
//! JSON columns of the row's own statement ([`Expansions::columns`]): a GET,
//! a page, and the answer after a change each read them the same way.

use std::collections::HashMap;

use mdm_core::model::aosp::{AosPolicyAssignment, AosPolicySummary};
use mdm_core::model::MdmUserRef;
use mdm_core::requests::aosp::AosPolicyAssignmentInput;

use crate::db::row;
use crate::http::ApiError;
use crate::routes::aosp_policies;
use crate::routes::columns::{json_object_sql, row_from_json, rows_from_json};

/// Users and policies named by a set of rows.
#[derive(Default)]
pub struct Expansions {
    users: HashMap<String, MdmUserRef>,
    pub policies: HashMap<String, aosp_policies::Row>,
    /// Policies read as `{id, name, version}` only ([`PolicyFields::Summary`]).
    summaries: HashMap<String, AosPolicySummary>,
}

/// Which of a policy's fields [`Expansions::columns`] reads: `{id, name,
/// version}` for an embedded summary, every column where its config is used
/// (a device's effective policy; a config can be 64 kB, so never on a list).
#[derive(Clone, Copy)]
pub enum PolicyFields {
    Summary,
    Full,
}

row! {
    /// A policy as [`PolicyFields::Summary`] reads it.
    struct SummaryRow {
        id: String,
        name: String,
        version: i64,
    }
}

row! {
    struct UserRow {
        id: String,
        email: String,
    }
}

impl Expansions {
    /// A row's user and the policies it names (its assignments', and with
    /// `direct_policy` its `policy_id`), as columns of the row's own SELECT
    /// (the row read as `r`): `x_user`, a JSON object or NULL, and
    /// `x_policies`, a JSON array of `policies`' fields. Both match the row's
    /// own organization. A read is then one statement. (The unary `+` keeps
    /// SQLite on the primary key for the policies instead of the
    /// organization's index, which would scan every policy it has.)
    pub fn columns(policies: PolicyFields, direct_policy: bool) -> String {
        let policy = match policies {
            PolicyFields::Summary => "json_object('id', p.id, 'name', p.name, 'version', p.version)".to_string(),
            PolicyFields::Full => json_object_sql("p", aosp_policies::COLUMNS),
        };
        let direct = if direct_policy { " UNION SELECT r.policy_id" } else { "" };
        format!(
            ", (SELECT json_object('id', u.id, 'email', u.email) FROM mdm_users AS u \
             WHERE u.organization_id = r.organization_id AND u.id = r.mdm_user_id) AS x_user, \
             (SELECT json_group_array({policy}) FROM aosp_policies AS p \
             WHERE +p.organization_id = r.organization_id AND p.id IN \
             (SELECT json_extract(a.value, '$.aosPolicyId') FROM json_each(r.policy_assignments) AS a{direct})) \
             AS x_policies"
        )
    }

    /// The expansions out of rows' [`Expansions::columns`] (`x_user`, `x_policies`).
    pub fn from_columns<'a>(
        policies: PolicyFields,
        rows: impl IntoIterator<Item = (Option<&'a str>, Option<&'a str>)>,
    ) -> Result<Self, ApiError> {
        let mut out = Expansions::default();
        for (user, policy_list) in rows {
            if let Some(user) = user {
                let u: UserRow = row_from_json(user)?;
                out.users.insert(
                    u.id.clone(),
                    MdmUserRef {
                        id: u.id,
                        email: u.email,
                    },
                );
            }
            let policy_list = policy_list.unwrap_or("[]");
            match policies {
                PolicyFields::Summary => {
                    for p in rows_from_json::<SummaryRow>(policy_list)? {
                        out.summaries.insert(
                            p.id.clone(),
                            AosPolicySummary {
                                id: p.id,
                                name: p.name,
                                version: p.version.to_string(),
                            },
                        );
                    }
                }
                PolicyFields::Full => {
                    for p in rows_from_json::<aosp_policies::Row>(policy_list)? {
                        out.policies.insert(p.id.clone(), p);
                    }
                }
            }
        }
        Ok(out)
    }

    pub fn user(&self, id: Option<&str>) -> Option<MdmUserRef> {
        id.and_then(|id| self.users.get(id)).cloned()
    }

    pub fn summary(&self, id: &str) -> AosPolicySummary {
        if let Some(p) = self.summaries.get(id) {
            return p.clone();
        }
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
