//! Get, update and delete of the supporting resources (segments, MDM
//! users, AOSP and Windows policies, DPC builds), written once:
//!
//! - [`Update`]: a PUT is a partial update (absent fields stay, as every PUT
//!   of this API), one conditional `UPDATE ... RETURNING` scoped by
//!   organization. A versioned resource bumps `version` (and `updated_at`)
//!   in that same statement exactly when a sent value differs from the
//!   stored one, up to 2^53 - 1: SET expressions read the row as it was.
//! - [`delete_row`]: a DELETE refused while anything still refers to the entity
//!   (409 / 5012, `details` counting the referrers by kind). The check is a
//!   condition of the DELETE itself (`... AND NOT EXISTS (referrer)`), in
//!   one D1 batch with the detaching of DELETED tokens and devices (kept as
//!   history, they only lose the link the foreign key would keep) and the
//!   counts, so a referrer created concurrently cannot slip in between.

use std::future::Future;

use futures_util::FutureExt;

use crate::db::FromRow;

use mdm_core::lifecycle::sql::{device_not_deleted, AOSP_TOKENS, WIN_TOKENS};

use crate::audit::Target;
use crate::ctx::Ctx;
use crate::db::{Db, JsRow, Param, MAX_SAFE_INTEGER};
use crate::dispatch::Scope;
use crate::endpoint::ParamKind;
use crate::http::error::EntityInUse;
use crate::http::ApiError;
use crate::params;

/// A supporting resource's table, as its GET, PUT and DELETE address it.
pub struct Editable {
    /// The audit log's name for it (`segment`, `mdmUser`, ...).
    pub kind: &'static str,
    pub table: &'static str,
    /// The columns its `Row` reads.
    pub columns: &'static str,
    /// The path parameter holding its id.
    pub id_param: &'static str,
}

impl Editable {
    /// The id of the path, as stored (segments have integer ids).
    pub fn id(&self, scope: &Scope) -> Result<Param, ApiError> {
        let raw = scope.id(self.id_param)?;
        Ok(match ParamKind::of(self.id_param) {
            ParamKind::SegmentId => Param::Int(raw.parse().map_err(ApiError::internal)?),
            _ => raw.into(),
        })
    }

    /// The row of the path in the organization, or 404.
    /// (`map`, not `async fn`: see [`Db::all`].)
    pub fn find<'a, T: FromRow>(
        &'a self,
        ctx: &'a Ctx,
        scope: &'a Scope,
    ) -> impl Future<Output = Result<T, ApiError>> + 'a {
        self.find_row(ctx, scope).map(|row| row.and_then(|row| row.decode()))
    }

    /// [`Editable::find`] before decoding: one copy whatever the row type.
    async fn find_row(&self, ctx: &Ctx, scope: &Scope) -> Result<JsRow, ApiError> {
        find_row(&ctx.db()?, self.table, self.columns, self.id(scope)?, &scope.org()?.id).await
    }

    /// A PUT's changes to this table.
    pub fn changes(&self) -> Update {
        Update::new(self.table, self.columns)
    }

    /// Writes `update` to the row of the path: the row as written, or
    /// `None` (no such row here, or a guard failed).
    pub fn update<'a, T: FromRow>(
        &'a self,
        ctx: &'a Ctx,
        scope: &'a Scope,
        update: Update,
    ) -> impl Future<Output = Result<Option<T>, ApiError>> + 'a {
        self.update_row(ctx, scope, update)
            .map(|row| row.and_then(|row| row.map(|row| row.decode()).transpose()))
    }

    /// [`Editable::update`] before decoding: one copy whatever the row type.
    async fn update_row(&self, ctx: &Ctx, scope: &Scope, update: Update) -> Result<Option<JsRow>, ApiError> {
        self.target(scope)?;
        update
            .run_row(&ctx.db()?, self.id(scope)?, &scope.org()?.id, ctx.now_ms)
            .await
    }

    /// Names the row of the path as the audit event's target (the event is
    /// written only if the change's write changes a row).
    fn target(&self, scope: &Scope) -> Result<(), ApiError> {
        scope.target(Target::new(self.kind, scope.id(self.id_param)?));
        Ok(())
    }

    /// Deletes the row of the path unless a referrer counts ([`delete_row`]).
    pub fn delete<'a, T: FromRow>(
        &'a self,
        ctx: &'a Ctx,
        scope: &'a Scope,
        referrers: &'a [Referrer],
    ) -> impl Future<Output = Result<T, ApiError>> + 'a {
        self.delete_row(ctx, scope, referrers)
            .map(|row| row.and_then(|row| row.decode()))
    }

    /// [`Editable::delete`] before decoding: one copy whatever the row type.
    async fn delete_row(&self, ctx: &Ctx, scope: &Scope, referrers: &[Referrer]) -> Result<JsRow, ApiError> {
        self.target(scope)?;
        delete_row(
            &ctx.db()?,
            self.table,
            self.columns,
            self.id(scope)?,
            &scope.org()?.id,
            referrers,
        )
        .await?
        .first_row()?
        .ok_or_else(|| ApiError::internal("a DELETE that returned a row returned none"))
    }
}

/// The stored row `id` of `table` in the organization (undecoded), or 404.
async fn find_row(db: &Db, table: &str, columns: &str, id: Param, org_id: &str) -> Result<JsRow, ApiError> {
    db.first_row(
        &format!("SELECT {columns} FROM {table} WHERE id = ?1 AND organization_id = ?2"),
        &[id, org_id.into()],
        None,
    )
    .await?
    .ok_or(ApiError::NotFound)
}

/// A SQL expression and the values its `?` placeholders bind, in order.
type Sql = (String, Vec<Param>);

/// One PUT's changes to one row (placeholders are plain `?`, bound in order).
pub struct Update {
    table: &'static str,
    columns: &'static str,
    /// `column = expression`, with its values.
    sets: Vec<Sql>,
    /// Per set: is the new value not the stored one?
    differs: Vec<Sql>,
    /// JSON parts of one column (`json_set(column, '$.key', json(?), ...)`).
    json: Option<(&'static str, Vec<(&'static str, Param)>)>,
    versioned: bool,
    /// Further conditions of the write (a re-parent without a cycle, a
    /// segment that exists): when one fails the row is not written.
    guards: Vec<Sql>,
}

impl Update {
    pub fn new(table: &'static str, columns: &'static str) -> Self {
        Update {
            table,
            columns,
            sets: Vec::new(),
            differs: Vec::new(),
            json: None,
            versioned: false,
            guards: Vec::new(),
        }
    }

    /// Every change bumps `version` (once per PUT that changes anything, up
    /// to 2^53 - 1).
    pub fn versioned(mut self) -> Self {
        self.versioned = true;
        self
    }

    /// `column = value` when `value` is sent.
    pub fn set(&mut self, column: &'static str, value: Option<impl Into<Param>>) -> &mut Self {
        if let Some(value) = value {
            let value = value.into();
            self.sets.push((format!("{column} = ?"), vec![value.clone()]));
            self.differs.push((format!("{column} IS NOT ?"), vec![value]));
        }
        self
    }

    /// The JSON value at `$.key` of the JSON column `column`, when sent
    /// (`Value::Null` stores a JSON null).
    pub fn set_json_part(
        &mut self,
        column: &'static str,
        key: &'static str,
        value: Option<&serde_json::Value>,
    ) -> &mut Self {
        if let Some(value) = value {
            let parts = &mut self.json.get_or_insert((column, Vec::new())).1;
            parts.push((key, value.into()));
        }
        self
    }

    /// Write only if `condition` holds too.
    pub fn guard(&mut self, condition: impl Into<String>, values: Vec<Param>) -> &mut Self {
        self.guards.push((condition.into(), values));
        self
    }

    /// The statement: `UPDATE ... WHERE id AND organization AND guards RETURNING`.
    fn sql(mut self, id: Param, org_id: &str, now: i64) -> Sql {
        if let Some((column, parts)) = self.json.take() {
            let mut set = format!("{column} = json_set({column}");
            let mut values = Vec::new();
            for (key, value) in &parts {
                set.push_str(&format!(", '$.{key}', json(?)"));
                values.push(value.clone());
                self.differs.push((
                    format!("json_extract({column}, '$.{key}') IS NOT json_extract(json(?), '$')"),
                    vec![value.clone()],
                ));
            }
            set.push(')');
            self.sets.push((set, values));
        }
        let mut sets: Vec<String> = Vec::new();
        let mut values: Vec<Param> = Vec::new();
        for (sql, v) in self.sets {
            sets.push(sql);
            values.extend(v);
        }
        let changed = if self.differs.is_empty() {
            "0".to_string()
        } else {
            self.differs
                .iter()
                .map(|(sql, _)| sql.as_str())
                .collect::<Vec<_>>()
                .join(" OR ")
        };
        let differ_values: Vec<Param> = self.differs.into_iter().flat_map(|(_, v)| v).collect();
        if self.versioned {
            // A create may set any safe version, 2^53 - 1 included; the bump
            // stops there, so no answer carries a version past the numbers
            // JSON clients hold exactly (and the schema's maximum).
            sets.push(format!(
                "version = MIN(version + (CASE WHEN {changed} THEN 1 ELSE 0 END), {MAX_SAFE_INTEGER})"
            ));
            values.extend(differ_values.iter().cloned());
        }
        sets.push(format!("updated_at = CASE WHEN {changed} THEN ? ELSE updated_at END"));
        values.extend(differ_values);
        values.push(now.into());
        let mut sql = format!(
            "UPDATE {} SET {} WHERE id = ? AND organization_id = ?",
            self.table,
            sets.join(", ")
        );
        values.push(id);
        values.push(org_id.into());
        for (guard, v) in self.guards {
            sql.push_str(&format!(" AND ({guard})"));
            values.extend(v);
        }
        sql.push_str(&format!(" RETURNING {}", self.columns));
        (sql, values)
    }

    /// Runs it: the row as written (undecoded), or `None` when no row of
    /// the organization has that id or a guard failed.
    async fn run_row(self, db: &Db, id: Param, org_id: &str, now: i64) -> Result<Option<JsRow>, ApiError> {
        let (sql, values) = self.sql(id, org_id, now);
        db.first_row(&sql, &values, None).await
    }
}

/// Something that may refer to an entity being deleted: rows of `table`
/// (in the same organization) for which `refers` holds, `?1` being the
/// entity's id and `?2` the organization's.
pub struct Referrer {
    pub kind: &'static str,
    pub table: &'static str,
    pub refers: String,
    /// Which rows count: a DELETED token or device does not (`None`: all).
    pub live: Option<String>,
    /// A column with a foreign key to the entity: cleared on the rows that
    /// do not count, so the DELETE can go ahead.
    pub detach: &'static [&'static str],
}

impl Referrer {
    /// The rows of `table` referring to `?1` through `column`.
    pub fn column(kind: &'static str, table: &'static str, column: &'static str) -> Self {
        Referrer {
            kind,
            table,
            refers: format!("{column} = ?1"),
            live: None,
            detach: &[],
        }
    }

    /// A row of `table` that counts as referring to `?1` in organization `?2`.
    fn counted(&self) -> String {
        let live = self.live.as_deref().map(|l| format!(" AND {l}")).unwrap_or_default();
        format!("organization_id = ?2 AND ({}){live}", self.refers)
    }
}

/// AOSP enrollment tokens referring to the entity (DELETED ones do not count).
pub fn aosp_tokens(refers: String, detach: &'static [&'static str]) -> Referrer {
    Referrer {
        kind: "aospEnrollmentTokens",
        table: "aosp_enrollment_tokens",
        refers,
        live: Some(AOSP_TOKENS.not_deleted()),
        detach,
    }
}

/// AOSP devices referring to the entity (DELETED ones do not count).
pub fn aosp_devices(refers: String, detach: &'static [&'static str]) -> Referrer {
    Referrer {
        kind: "aospDevices",
        table: "aosp_devices",
        refers,
        live: Some(device_not_deleted("state")),
        detach,
    }
}

/// Windows enrollment tokens referring to the entity (DELETED ones do not count).
pub fn win_tokens(refers: String, detach: &'static [&'static str]) -> Referrer {
    Referrer {
        kind: "winEnrollmentTokens",
        table: "win_enrollment_tokens",
        refers,
        live: Some(WIN_TOKENS.not_deleted()),
        detach,
    }
}

/// Windows devices referring to the entity (DELETED ones do not count).
pub fn win_devices(refers: String, detach: &'static [&'static str]) -> Referrer {
    Referrer {
        kind: "winDevices",
        table: "win_devices",
        refers,
        live: Some(device_not_deleted("state")),
        detach,
    }
}

/// Tokens and devices of both platforms referring to the entity through
/// the foreign key `column` (a segment, an MDM user).
pub fn tokens_and_devices(column: &'static str, detach: &'static [&'static str]) -> Vec<Referrer> {
    let refers = || format!("{column} = ?1");
    vec![
        aosp_tokens(refers(), detach),
        aosp_devices(refers(), detach),
        win_tokens(refers(), detach),
        win_devices(refers(), detach),
    ]
}

/// `refers` for a JSON list of assignments (`[{<key>: id, priority}]`) in
/// `column`, or a direct `direct` column.
pub fn assigned(column: &str, key: &str, direct: Option<&str>) -> String {
    let listed = format!("EXISTS (SELECT 1 FROM json_each({column}) WHERE json_extract(value, '$.{key}') = ?1)");
    match direct {
        Some(direct) => format!("{direct} = ?1 OR {listed}"),
        None => listed,
    }
}

/// Deletes row `id` of `table` in the organization unless a referrer
/// counts: the DELETE's result (the deleted row), else 404 (no such row here) or 409 / 5012 with
/// the counts. One D1 batch: detach the rows that do not count, delete
/// (both conditional on nothing counting), then read the counts and whether
/// the row is still there.
/// The batch and its reading are not generic: one copy in the wasm whatever
/// the row type; only the deleted row's decoding is ([`Editable::delete`]).
async fn delete_row(
    db: &Db,
    table: &str,
    columns: &str,
    id: Param,
    org_id: &str,
    referrers: &[Referrer],
) -> Result<crate::db::BatchResult, ApiError> {
    let blocked: Vec<String> = referrers
        .iter()
        .map(|r| format!("EXISTS (SELECT 1 FROM {} WHERE {})", r.table, r.counted()))
        .collect();
    let free = if blocked.is_empty() {
        "1".to_string()
    } else {
        format!("NOT ({})", blocked.join(" OR "))
    };
    let bind = params![id, org_id];
    let mut stmts = Vec::new();
    for r in referrers {
        let Some(live) = &r.live else { continue };
        for column in r.detach {
            stmts.push(db.stmt(
                &format!(
                    "UPDATE {t} SET {column} = NULL WHERE organization_id = ?2 AND {column} = ?1 AND NOT ({live}) \
                     AND EXISTS (SELECT 1 FROM {table} WHERE id = ?1 AND organization_id = ?2) AND {free}",
                    t = r.table
                ),
                bind,
            )?);
        }
    }
    let deleted = stmts.len();
    stmts.push(db.stmt(
        &format!("DELETE FROM {table} WHERE id = ?1 AND organization_id = ?2 AND {free} RETURNING {columns}"),
        bind,
    )?);
    // One row, a column per referrer (D1 refuses long compound SELECTs).
    let counts: Vec<String> = referrers
        .iter()
        .enumerate()
        .map(|(i, r)| format!("(SELECT COUNT(*) FROM {} WHERE {}) AS c{i}", r.table, r.counted()))
        .collect();
    stmts.push(db.stmt(&format!("SELECT {}", counts.join(", ")), bind)?);
    stmts.push(db.stmt(
        &format!("SELECT 1 AS found FROM {table} WHERE id = ?1 AND organization_id = ?2"),
        bind,
    )?);
    let mut results = db.batch(stmts).await?;
    if results.len() != deleted + 3 {
        return Err(ApiError::internal("a D1 batch answered fewer statements than it ran"));
    }
    let found = results.pop().map(|r| r.first_row()).transpose()?.flatten();
    let counts = results.pop().map(|r| r.first_row()).transpose()?.flatten();
    let row = results.pop().ok_or_else(|| ApiError::internal("no DELETE result"))?;
    if row.first_row()?.is_some() {
        return Ok(row);
    }
    if found.is_none() {
        return Err(ApiError::NotFound);
    }
    let in_use: Vec<EntityInUse> = referrers
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let count = counts.as_ref()?.int(&format!("c{i}")).ok()?;
            (count > 0).then(|| EntityInUse {
                kind: r.kind.to_string(),
                count,
            })
        })
        .collect();
    Err(ApiError::InUse(in_use))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_versioned_update_bumps_only_on_a_change() {
        let mut u = Update::new("aosp_policies", "id").versioned();
        u.set("name", Some("Kiosk")).set("private", None::<bool>);
        let (sql, values) = u.sql("p1".into(), "o1", 7);
        assert_eq!(
            sql,
            "UPDATE aosp_policies SET name = ?, \
             version = MIN(version + (CASE WHEN name IS NOT ? THEN 1 ELSE 0 END), 9007199254740991), \
             updated_at = CASE WHEN name IS NOT ? THEN ? ELSE updated_at END \
             WHERE id = ? AND organization_id = ? RETURNING id"
        );
        assert_eq!(
            values,
            vec![
                Param::from("Kiosk"),
                "Kiosk".into(),
                "Kiosk".into(),
                7.into(),
                "p1".into(),
                "o1".into()
            ]
        );
    }

    #[test]
    fn json_parts_go_in_one_json_set() {
        let mut u = Update::new("win_policies", "id");
        let scripts = serde_json::json!([]);
        u.set_json_part("config", "scripts", Some(&scripts))
            .set_json_part("config", "agentConfiguration", Some(&serde_json::Value::Null))
            .guard("1 = ?", vec![1.into()]);
        let (sql, values) = u.sql("p1".into(), "o1", 7);
        assert!(sql.starts_with(
            "UPDATE win_policies SET config = json_set(config, '$.scripts', json(?), '$.agentConfiguration', json(?)), "
        ));
        assert!(sql.ends_with("WHERE id = ? AND organization_id = ? AND (1 = ?) RETURNING id"));
        // Two set, two compared, now, id, organization, the guard's.
        assert_eq!(values.len(), 8);
    }

    #[test]
    fn referrers_count_only_live_rows() {
        let r = aosp_devices("segment_id = ?1".into(), &["segment_id"]);
        assert_eq!(
            r.counted(),
            format!(
                "organization_id = ?2 AND (segment_id = ?1) AND {}",
                device_not_deleted("state")
            )
        );
        assert_eq!(
            Referrer::column("segments", "segments", "parent_id").counted(),
            "organization_id = ?2 AND (parent_id = ?1)"
        );
        assert_eq!(
            assigned("policy_assignments", "aosPolicyId", Some("policy_id")),
            "policy_id = ?1 OR EXISTS (SELECT 1 FROM json_each(policy_assignments) \
             WHERE json_extract(value, '$.aosPolicyId') = ?1)"
        );
    }
}
