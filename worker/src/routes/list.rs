//! The one list implementation every resource shares: a [`ListQuery`] (parsed
//! by the shared crate against the resource's `ListSpec`) becomes
//!
//! ```sql
//! SELECT <columns> FROM <table>
//!  WHERE <scope> AND <status_column> IN (...) AND <segment filter> AND <id filters>
//!  ORDER BY <whitelisted column> <dir>, id <dir> LIMIT ? OFFSET ?
//! ```
//!
//! plus the matching `COUNT(*)` (both in one D1 batch: one round trip),
//! returned as a [`Page`]. Only column names from the resource's static
//! [`Listing`] reach the SQL; every value is bound. The `id` tie-breaker keeps
//! pages stable when sort values repeat.
//!
//! Reads never write. A token list filters and sorts by the status a read
//! shows at `now` (a PENDING token past its expiry is EXPIRED), computed in
//! the query from [`TokenTable::effective_status_at`] (or, for a filter that
//! keeps the same rows either way, the stored status); only the cron sweep
//! writes the expiry back. So a list can run on a read replica, and the
//! sweep is the one place an expiry becomes an event.

use crate::db::FromRow;

use mdm_core::lifecycle::sql::TokenTable;
use mdm_core::lifecycle::TokenStatus;
use mdm_core::pagination::{Direction, ExpandTo, ListQuery, Page};

use crate::ctx::Ctx;
use crate::db::{BatchResult, Db, JsRow, Param, Stmt, MAX_SAFE_INTEGER};
use crate::dispatch::Scope;
use crate::http::ApiError;

/// How a resource's list maps onto its table.
pub struct Listing {
    pub table: &'static str,
    /// The SELECT list (`col AS alias, ...`) the row type deserializes from.
    pub columns: &'static str,
    /// API field name → column, for every sort field and id filter of the
    /// resource's `ListSpec` (a missing entry is a bug, reported as a 500).
    pub fields: &'static [(&'static str, &'static str)],
    /// Column the `status` query filters (`status`, `state`), if any.
    pub status_column: Option<&'static str>,
    /// For token tables, how a read computes the status it shows: filters
    /// and sorts on `status_column` then use it (see [`fetch_at`]).
    pub expiry: Option<TokenTable>,
    /// Column `segmentId` / `expandTo` filter, if any.
    pub segment_column: Option<&'static str>,
    /// `org_counts` keeps this table's rows per organization and status
    /// (migration 0011's triggers): a list with no filter but the status
    /// reads its total there instead of counting the organization's rows.
    pub counted: bool,
}

/// WHERE clauses joined with AND, each with its bound values (`?` placeholders,
/// in order).
#[derive(Debug, Clone, Default)]
pub struct Where {
    clauses: Vec<String>,
    params: Vec<Param>,
    /// Set by [`Where::org`] and cleared by any other clause: only then can
    /// the organization's counters stand for the count.
    org_only: bool,
}

impl Where {
    pub fn new() -> Self {
        Self::default()
    }

    /// `organization_id = ?`: the tenancy clause every organization list starts with.
    pub fn org(org_id: &str) -> Self {
        let mut w = Self::new().and("organization_id = ?", [Param::from(org_id)]);
        w.org_only = true;
        w
    }

    /// Add a clause with as many `?` as `params` has values.
    pub fn and(mut self, clause: impl Into<String>, params: impl IntoIterator<Item = Param>) -> Self {
        self.clauses.push(clause.into());
        self.params.extend(params);
        self.org_only = false;
        self
    }

    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }
}

/// The segment ids `segmentId` + `expandTo` select, as an SQL subquery over
/// the organization's segment tree (the segment itself included). `?`s: the
/// segment id, then the organization id.
pub fn segment_subquery(expand: ExpandTo) -> &'static str {
    match expand {
        ExpandTo::Children => {
            "WITH RECURSIVE tree(id) AS (\
               SELECT id FROM segments WHERE id = ? AND organization_id = ? \
               UNION SELECT s.id FROM segments s JOIN tree ON s.parent_id = tree.id) \
             SELECT id FROM tree"
        }
        ExpandTo::Ancestors => {
            "WITH RECURSIVE tree(id, parent_id) AS (\
               SELECT id, parent_id FROM segments WHERE id = ? AND organization_id = ? \
               UNION SELECT s.id, s.parent_id FROM segments s JOIN tree ON s.id = tree.parent_id) \
             SELECT id FROM tree"
        }
    }
}

/// Apply the query's filters (status, segment, id filters) for `listing`.
pub fn filters(
    listing: &Listing,
    q: &ListQuery,
    org_id: &str,
    mut w: Where,
    now_ms: Option<i64>,
) -> Result<Where, ApiError> {
    let status = match (listing.status_column, listing.expiry) {
        // The same rows either way (`expiry_shift`): the stored status, no
        // CASE per row and no `now`.
        (Some(_), Some(table)) if expiry_shift(q).is_none() => Some((table.status.to_string(), None)),
        _ => status_sql(listing, now_ms)?,
    };
    if let Some((status, now)) = status {
        // parse_list_query never returns an empty list for a resource with
        // statuses (an explicit empty `status=` is a 5209).
        let marks = vec!["?"; q.statuses.len()].join(", ");
        w = w.and(
            format!("{status} IN ({marks})"),
            now.into_iter().chain(q.statuses.iter().map(|s| Param::from(*s))),
        );
    }
    if let (Some(col), Some(segment)) = (listing.segment_column, q.segment_id) {
        let segment = i64::try_from(segment).map_err(ApiError::internal)?;
        w = match q.expand_to {
            None => w.and(format!("{col} = ?"), [Param::Int(segment)]),
            Some(expand) => w.and(
                format!("{col} IN ({})", segment_subquery(expand)),
                [Param::Int(segment), Param::from(org_id)],
            ),
        };
    }
    for (field, value) in &q.id_filters {
        w = w.and(format!("{} = ?", column(listing, field)?), [Param::from(value)]);
    }
    Ok(w)
}

/// The status a list filters and sorts on, with the bound `now` it needs:
/// the stored column, or for a token table the status a read shows at now.
fn status_sql(listing: &Listing, now_ms: Option<i64>) -> Result<Option<(String, Option<Param>)>, ApiError> {
    Ok(match (listing.status_column, listing.expiry) {
        (None, _) => None,
        (Some(col), None) => Some((col.to_string(), None)),
        (Some(_), Some(table)) => {
            let now = now_ms.ok_or_else(|| ApiError::internal(format!("{}: a token list needs now", listing.table)))?;
            Some((table.effective_status_at("?"), Some(Param::Int(now))))
        }
    })
}

/// How a token list's status filter differs on the status a read shows from
/// the stored one: only a PENDING token past its expiry differs (stored
/// PENDING, shown EXPIRED), so a query naming PENDING alone loses it (`-`),
/// EXPIRED alone gains it (`+`), and both or neither keep the same rows
/// (none: the default list names both). With none, the stored column
/// filters with no CASE per row, and the counters' total needs no correction.
fn expiry_shift(q: &ListQuery) -> Option<char> {
    let shows = |s: TokenStatus| q.statuses.contains(&s.as_str());
    match (shows(TokenStatus::Pending), shows(TokenStatus::Expired)) {
        (true, false) => Some('-'),
        (false, true) => Some('+'),
        _ => None,
    }
}

fn column(listing: &Listing, field: &str) -> Result<&'static str, ApiError> {
    listing
        .fields
        .iter()
        .find(|(f, _)| *f == field)
        .map(|(_, c)| *c)
        .ok_or_else(|| ApiError::internal(format!("{}: no column for field {field}", listing.table)))
}

/// The total of a list filtered by the organization and status alone, from
/// `org_counts`: a few primary-key rows, whatever the organization's size.
/// The counters hold stored statuses; a token list shows a PENDING token past
/// its expiry as EXPIRED, so those (the ones the cron sweep has not yet
/// written back: a short range of the pending-expiry index) move from one
/// status to the other here.
fn counted_total(
    listing: &Listing,
    q: &ListQuery,
    org_id: &str,
    now_ms: Option<i64>,
) -> Result<(String, Vec<Param>), ApiError> {
    let statuses: Vec<&str> = match listing.status_column {
        Some(_) => q.statuses.clone(),
        None => vec![""],
    };
    let marks = vec!["?"; statuses.len()].join(", ");
    let mut params = vec![Param::from(org_id), Param::from(listing.table)];
    params.extend(statuses.iter().map(|s| Param::from(*s)));
    let mut sql = format!(
        "SELECT COALESCE((SELECT SUM(n) FROM org_counts \
         WHERE organization_id = ? AND kind = ? AND status IN ({marks})), 0)"
    );
    if let Some(table) = listing.expiry {
        if let Some(sign) = expiry_shift(q) {
            let now = now_ms.ok_or_else(|| ApiError::internal(format!("{}: a token list needs now", listing.table)))?;
            sql.push_str(&format!(
                " {sign} (SELECT COUNT(*) FROM {} WHERE organization_id = ? AND {})",
                listing.table,
                table.expired_at("?")
            ));
            params.extend([Param::from(org_id), Param::Int(now)]);
        }
    }
    sql.push_str(" AS n");
    Ok((sql, params))
}

/// Run the page and the count. `w` already holds the scope (usually
/// [`Where::org`]) and any resource-specific clauses; [`filters`] is applied here.
/// `limit=0` skips the row query (mongoose-paginate-v2: counts only).
/// The rows come back undecoded ([`Fetched::page`] decodes them).
pub async fn fetch<'q>(
    db: &Db,
    listing: &Listing,
    q: &'q ListQuery,
    org_id: &str,
    w: Where,
) -> Result<Fetched<'q>, ApiError> {
    fetch_expanded(db, listing, q, org_id, w, None, Expand::default()).await
}

/// [`fetch`] for a token list: its `status` filter and sort see the status
/// each token shows at `now_ms` (expired on read, never written here).
pub async fn fetch_at<'q>(
    db: &Db,
    listing: &Listing,
    q: &'q ListQuery,
    org_id: &str,
    w: Where,
    now_ms: i64,
) -> Result<Fetched<'q>, ApiError> {
    fetch_expanded(db, listing, q, org_id, w, Some(now_ms), Expand::default()).await
}

/// What a list reads besides its rows (see [`fetch_expanded`]); the
/// default, nothing.
#[derive(Default)]
pub struct Expand<'a> {
    /// SQL appended to the page's SELECT list (`, (SELECT ...) AS x_name,
    /// ...`) reading the page's row as `r`: each row's expansions.
    pub columns: &'a str,
    /// A statement answering one row when the list's parent exists (a
    /// token, for its devices): 404 without it, even for an empty page or
    /// `limit=0`.
    pub guard: Option<Stmt>,
    /// SQL appended to the count's one row (`, (SELECT ...) AS x_name`),
    /// with its bound values: what the whole page needs once rather than
    /// once per row (a token page's newest DPC build). Anonymous `?`s only,
    /// in both this and the count: the totals' values are bound first, by
    /// their place in the text.
    pub totals: Option<(&'a str, Vec<Param>)>,
}

/// A list's answer from D1, its rows not yet decoded. Why not decoded in
/// the async functions above: a generic async function is a state machine
/// per row type, inlined into each handler; decoding here is one plain
/// function per row type (BENCHMARKS.md 0m).
pub struct Fetched<'q> {
    query: &'q ListQuery,
    total: u64,
    /// None past the last page or with `limit=0`.
    rows: Option<BatchResult>,
    /// The count's row: the total and [`Expand::totals`].
    totals: JsRow,
}

impl Fetched<'_> {
    /// The page, its rows decoded.
    pub fn page<T: FromRow>(self) -> Result<Page<T>, ApiError> {
        Ok(self.page_and_totals()?.0)
    }

    /// The page, and the count's row.
    pub fn page_and_totals<T: FromRow>(self) -> Result<(Page<T>, JsRow), ApiError> {
        let items = match &self.rows {
            Some(rows) => rows.rows()?,
            None => Vec::new(),
        };
        Ok((Page::new(items, self.total, self.query), self.totals))
    }
}

/// [`fetch`] (or [`fetch_at`] with `now_ms`) whose rows carry their
/// expansions as columns of the page's own statement, and with the list's
/// guard in the same batch: two statements (three with a guard), one round
/// trip. Also the count's row, which carries [`Expand::totals`]
/// ([`Fetched::page_and_totals`]).
///
/// The count, the page (its expansions among its columns) and the guard go
/// to D1 as one batch: one round trip, 404 when the guard finds no row. Not
/// generic (one copy in the wasm).
pub async fn fetch_expanded<'q>(
    db: &Db,
    listing: &Listing,
    q: &'q ListQuery,
    org_id: &str,
    w: Where,
    now_ms: Option<i64>,
    expand: Expand<'_>,
) -> Result<Fetched<'q>, ApiError> {
    let expansions = expand.columns;
    let from_counters = listing.counted && w.org_only && q.segment_id.is_none() && q.id_filters.is_empty();
    let w = filters(listing, q, org_id, w, now_ms)?;
    let where_sql = w.sql();
    let mut stmts = Vec::with_capacity(2);
    let (mut count_sql, mut count_params) = if from_counters {
        counted_total(listing, q, org_id, now_ms)?
    } else {
        (
            format!("SELECT COUNT(*) AS n FROM {}{where_sql}", listing.table),
            w.params.clone(),
        )
    };
    if let Some((totals, params)) = expand.totals {
        // Around the count: the totals' `?`s come first in the text, so
        // their values are bound first.
        count_sql = format!("SELECT c.n AS n{totals} FROM ({count_sql}) AS c");
        count_params.splice(0..0, params);
    }
    stmts.push(db.stmt(&count_sql, &count_params)?);
    // The page is asked for together with the count, before the total is
    // known; past the last page it is simply empty. A limit or offset no
    // D1 number holds cannot address a row: no page query.
    let bounds = i64::try_from(q.limit)
        .ok()
        .zip(i64::try_from(q.offset()).ok())
        .filter(|(l, o)| *l <= MAX_SAFE_INTEGER && *o <= MAX_SAFE_INTEGER);
    let page_query = match bounds {
        Some((limit, offset)) if limit > 0 => {
            let dir = match q.sort.direction {
                Direction::Asc => "ASC",
                Direction::Desc => "DESC",
            };
            let sort = column(listing, q.sort.field)?;
            let (sort, sort_params) = match status_sql(listing, now_ms)? {
                Some((status, now)) if Some(sort) == listing.status_column => (status, now),
                _ => (sort.to_string(), None),
            };
            let (sql, params) = if expansions.is_empty() {
                let mut params = w.params.clone();
                params.extend(sort_params);
                params.extend([Param::Int(limit), Param::Int(offset)]);
                let sql = format!(
                    "SELECT {} FROM {}{where_sql} ORDER BY {sort} {dir}, id {dir} LIMIT ? OFFSET ?",
                    listing.columns, listing.table
                );
                (sql, params)
            } else {
                // The page as a subquery `r`, its expansions computed for its
                // rows only (SQLite never flattens a subquery with OFFSET),
                // and sorted again by the key the page was cut by. The key is
                // a column of the page, so its `?` (a token list's `now`)
                // comes before the filters' values.
                let mut params: Vec<Param> = sort_params.into_iter().collect();
                params.extend(w.params.iter().cloned());
                params.extend([Param::Int(limit), Param::Int(offset)]);
                let sql = format!(
                    "SELECT r.*{expansions} FROM (SELECT {}, {sort} AS sort_key FROM {}{where_sql} \
                     ORDER BY sort_key {dir}, id {dir} LIMIT ? OFFSET ?) AS r ORDER BY r.sort_key {dir}, r.id {dir}",
                    listing.columns, listing.table
                );
                (sql, params)
            };
            stmts.push(db.stmt(&sql, &params)?);
            Some(stmts.len() - 1)
        }
        _ => None,
    };
    let guard_at = expand.guard.map(|g| {
        stmts.push(g);
        stmts.len() - 1
    });
    let mut results: Vec<Option<BatchResult>> = db.batch(stmts).await?.into_iter().map(Some).collect();
    let mut take = |at: usize| {
        results
            .get_mut(at)
            .and_then(Option::take)
            .ok_or_else(|| ApiError::internal("batch: a result is missing"))
    };
    let totals = take(0)?
        .first_row()?
        .ok_or_else(|| ApiError::internal("list: the count has no row"))?;
    let total = totals.int("n")?.max(0) as u64;
    if let Some(at) = guard_at {
        take(at)?.first_row()?.ok_or(ApiError::NotFound)?;
    }
    let page = page_query.map(&mut take).transpose()?;
    let rows = if q.limit == 0 || q.offset() >= total {
        None
    } else if page.is_some() {
        page
    } else {
        return Err(ApiError::internal(format!(
            "list: limit {} / offset {}",
            q.limit,
            q.offset()
        )));
    };
    Ok(Fetched {
        query: q,
        total,
        rows,
        totals,
    })
}

/// The page of the organization's rows the request's list query asks for:
/// the whole list handler of a resource without filters of its own.
pub async fn org_page<'q>(ctx: &Ctx, scope: &'q Scope, listing: &Listing) -> Result<Fetched<'q>, ApiError> {
    let org = scope.org()?;
    fetch(&ctx.db()?, listing, scope.list()?, &org.id, Where::org(&org.id)).await
}

/// `Page::map` for a conversion that can fail (e.g. a JSON column).
pub fn try_map<T, U>(page: Page<T>, f: impl FnMut(T) -> Result<U, ApiError>) -> Result<Page<U>, ApiError> {
    page.try_map(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    const L: Listing = Listing {
        table: "t",
        columns: "*",
        fields: &[("createdAt", "created_at"), ("mdmUserId", "mdm_user_id")],
        status_column: Some("status"),
        expiry: None,
        segment_column: Some("segment_id"),
        counted: false,
    };

    fn q(raw: &str) -> ListQuery {
        let pairs = mdm_core::query_string::decode_pairs(raw);
        mdm_core::pagination::parse_list_query(&mdm_core::pagination::AOSP_TOKENS, &pairs).unwrap()
    }

    #[test]
    fn filters_bind_every_value() {
        let w = filters(
            &L,
            &q("status=PENDING,DONE&segmentId=3&expandTo=children&mdmUserId=65a1b2c3d4e5f60718293a4b"),
            "org1",
            Where::org("org1"),
            None,
        )
        .unwrap();
        let sql = w.sql();
        assert!(sql.starts_with(" WHERE organization_id = ? AND status IN (?, ?) AND segment_id IN (WITH RECURSIVE"));
        assert!(sql.ends_with("AND mdm_user_id = ?"), "{sql}");
        assert_eq!(sql.matches('?').count(), w.params.len());
        assert_eq!(w.params[3], Param::Int(3));
    }

    #[test]
    fn a_token_list_filters_on_the_status_a_read_shows() {
        let tokens = Listing {
            expiry: Some(mdm_core::lifecycle::sql::AOSP_TOKENS),
            ..L
        };
        let w = filters(&tokens, &q("status=PENDING"), "o", Where::org("o"), Some(42)).unwrap();
        assert_eq!(
            w.sql(),
            " WHERE organization_id = ? AND (CASE WHEN status = 'PENDING' AND perpetual = 0 AND expires_at <= ? \
             THEN 'EXPIRED' ELSE status END) IN (?)"
        );
        assert_eq!(w.params, vec![Param::from("o"), Param::Int(42), Param::from("PENDING")]);
        // Without now, a token list is a bug, not a stale answer.
        assert!(filters(&tokens, &q("status=PENDING"), "o", Where::org("o"), None).is_err());
        // Both PENDING and EXPIRED, or neither (the default list names
        // both): an overdue token is kept either way, so the stored status
        // filters, with no `now`.
        for (query, statuses) in [("", 4), ("status=PENDING,EXPIRED", 2), ("status=DONE", 1)] {
            let w = filters(&tokens, &q(query), "o", Where::org("o"), Some(42)).unwrap();
            let marks = vec!["?"; statuses].join(", ");
            assert_eq!(
                w.sql(),
                format!(" WHERE organization_id = ? AND status IN ({marks})"),
                "{query}"
            );
            assert_eq!(w.params.len(), 1 + statuses, "{query}");
        }
        let w = filters(&tokens, &q("status=EXPIRED,DONE"), "o", Where::org("o"), Some(42)).unwrap();
        assert!(w.sql().contains("CASE WHEN"), "{}", w.sql());
        // Windows tokens: their `state` column, no perpetual flag.
        let windows = Listing {
            status_column: Some("state"),
            expiry: Some(mdm_core::lifecycle::sql::WIN_TOKENS),
            ..L
        };
        let win = |raw: &str| {
            let pairs = mdm_core::query_string::decode_pairs(raw);
            mdm_core::pagination::parse_list_query(&mdm_core::pagination::WIN_TOKENS, &pairs).unwrap()
        };
        for (query, stored) in [
            ("", true),
            ("status=DONE", true),
            ("status=PENDING", false),
            ("status=EXPIRED", false),
        ] {
            let w = filters(&windows, &win(query), "o", Where::org("o"), Some(42)).unwrap();
            let sql = w.sql();
            assert_eq!(
                sql.contains("CASE WHEN state = 'PENDING' AND expires_at <= ?"),
                !stored,
                "{query}: {sql}"
            );
            assert_eq!(sql.contains(" AND state IN ("), stored, "{query}: {sql}");
            assert_eq!(sql.matches('?').count(), w.params.len(), "{query}");
        }
    }

    #[test]
    fn a_list_filtered_by_status_alone_reads_the_counters() {
        let tokens = Listing {
            expiry: Some(mdm_core::lifecycle::sql::AOSP_TOKENS),
            counted: true,
            ..L
        };
        let (sql, params) = counted_total(&tokens, &q("status=PENDING,DONE"), "o", Some(42)).unwrap();
        assert_eq!(
            sql,
            "SELECT COALESCE((SELECT SUM(n) FROM org_counts WHERE organization_id = ? AND kind = ? \
             AND status IN (?, ?)), 0) - (SELECT COUNT(*) FROM t WHERE organization_id = ? AND status = 'PENDING' \
             AND perpetual = 0 AND expires_at <= ?) AS n"
        );
        assert_eq!(sql.matches('?').count(), params.len());
        assert_eq!(params[4], Param::from("o"));
        assert_eq!(params[5], Param::Int(42));
        // EXPIRED without PENDING gains the overdue ones; both or neither: no change.
        let (sql, _) = counted_total(&tokens, &q("status=EXPIRED"), "o", Some(42)).unwrap();
        assert!(sql.contains(") + (SELECT COUNT(*)"), "{sql}");
        let (sql, params) = counted_total(&tokens, &q(""), "o", Some(42)).unwrap();
        assert!(!sql.contains("COUNT(*)"), "{sql}");
        assert_eq!(params.len(), 2 + 4);
        // A table without statuses counts under ''.
        let plain = Listing {
            status_column: None,
            ..tokens
        };
        let (_, params) = counted_total(&Listing { expiry: None, ..plain }, &q(""), "o", None).unwrap();
        assert_eq!(params, vec![Param::from("o"), Param::from("t"), Param::from("")]);
    }

    #[test]
    fn only_the_organization_clause_lets_the_counters_answer() {
        assert!(Where::org("o").org_only);
        assert!(!Where::org("o").and("revoked_at IS NULL", []).org_only);
        assert!(!Where::new().org_only);
    }

    #[test]
    fn plain_segment_and_missing_column() {
        let w = filters(&L, &q("segmentId=7"), "o", Where::org("o"), None).unwrap();
        assert!(w.sql().ends_with("segment_id = ?"));
        assert!(column(&L, "displayName").is_err());
    }
}
