//! List queries (`page`, `limit`, `sort`, `status`, `segmentId`, `expandTo` and
//! per-resource filters) and the mongoose-paginate-v2 envelope.
//!
//! Sorting is safe by construction: `ListQuery::sort` holds a field taken from
//! the resource's whitelist (a `&'static str`), never the client's text.

use crate::json_text::{push_u64, with_number};
use crate::patterns::{is_object_id, Pattern};
use crate::schema::MAX_SAFE_INTEGER;
use crate::violation::{Violation, ViolationCode as Code};
use serde::{Deserialize, Serialize};

pub const DEFAULT_LIMIT: u64 = 10;
pub const MAX_LIMIT: u64 = 100;

/// What a list endpoint lists: decides the sortable fields, the status enum and
/// the extra filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListSpec {
    pub name: &'static str,
    /// Sortable fields, as the API spells them; the first is the default tie-breaker.
    pub sort_fields: &'static [&'static str],
    /// Values the `status` filter accepts; empty when the resource has no status.
    pub statuses: &'static [&'static str],
    /// Statuses listed when `status` is absent (every status but DELETED).
    pub default_statuses: &'static [&'static str],
    /// Extra filters that take an entity id (`mdmUserId`, `winPolicyId`...).
    pub id_filters: &'static [&'static str],
    /// Extra filters matched exactly against free text (`action`, `actorId`),
    /// 1 to [`MAX_TEXT_FILTER`] characters; parsed into `ListQuery::id_filters`.
    pub text_filters: &'static [&'static str],
    /// Whether `from` / `to` (RFC 3339, both inclusive) bound the list in time.
    pub ranged: bool,
    /// Whether `segmentId`/`expandTo` apply.
    pub segmented: bool,
}

/// The longest value a text filter takes.
pub const MAX_TEXT_FILTER: usize = 256;

pub const AOSP_TOKEN_STATUSES: &[&str] = &["PENDING", "PROCESSING", "DONE", "DELETED", "EXPIRED"];
pub const WIN_TOKEN_STATES: &[&str] = &["PENDING", "DONE", "DELETED", "EXPIRED"];
pub const DEVICE_STATES: &[&str] = &["PROVISIONING", "ACTIVE", "DISABLED", "PENDING_DISENROLL", "DELETED"];

pub const AOSP_TOKENS: ListSpec = ListSpec {
    name: "aospEnrollmentTokens",
    sort_fields: &["createdAt", "updatedAt", "expirationTimestamp", "displayName", "status"],
    statuses: AOSP_TOKEN_STATUSES,
    default_statuses: &["PENDING", "PROCESSING", "DONE", "EXPIRED"],
    id_filters: &["mdmUserId"],
    text_filters: &[],
    ranged: false,
    segmented: true,
};

pub const AOSP_DEVICES: ListSpec = ListSpec {
    name: "aospDevices",
    sort_fields: &[
        "createdAt",
        "updatedAt",
        "enrolledDate",
        "lastStatusReportTime",
        "displayName",
        "state",
    ],
    statuses: DEVICE_STATES,
    default_statuses: &["PROVISIONING", "ACTIVE", "DISABLED", "PENDING_DISENROLL"],
    id_filters: &["mdmUserId", "aosPolicyId"],
    text_filters: &[],
    ranged: false,
    segmented: true,
};

pub const WIN_DEVICES: ListSpec = ListSpec {
    name: "winDevices",
    sort_fields: &[
        "createdAt",
        "updatedAt",
        "enrolledDate",
        "lastStatusReportTime",
        "displayName",
        "state",
    ],
    statuses: DEVICE_STATES,
    default_statuses: &["PROVISIONING", "ACTIVE", "DISABLED", "PENDING_DISENROLL"],
    id_filters: &["mdmUserId", "winPolicyId"],
    text_filters: &[],
    ranged: false,
    segmented: true,
};

pub const WIN_TOKENS: ListSpec = ListSpec {
    name: "winEnrollmentTokens",
    sort_fields: &["createdAt", "updatedAt", "expireAt", "displayName", "state"],
    statuses: WIN_TOKEN_STATES,
    default_statuses: &["PENDING", "DONE", "EXPIRED"],
    id_filters: &["mdmUserId", "winPolicyId"],
    text_filters: &[],
    ranged: false,
    segmented: true,
};

/// Supporting resources: no status, no segment filter.
pub const fn plain(name: &'static str, sort_fields: &'static [&'static str]) -> ListSpec {
    ListSpec {
        name,
        sort_fields,
        statuses: &[],
        default_statuses: &[],
        id_filters: &[],
        text_filters: &[],
        ranged: false,
        segmented: false,
    }
}

pub const ORGANIZATIONS: ListSpec = plain("organizations", &["createdAt", "name", "slug"]);
pub const SEGMENTS: ListSpec = plain("segments", &["createdAt", "name", "id"]);
pub const MDM_USERS: ListSpec = plain("mdmUsers", &["createdAt", "email"]);
pub const AOSP_POLICIES: ListSpec = plain("aospPolicies", &["createdAt", "updatedAt", "name"]);
pub const WIN_POLICIES: ListSpec = plain("winPolicies", &["createdAt", "updatedAt", "name"]);
pub const DPC_BUILDS: ListSpec = plain("dpcBuilds", &["createdAt", "tag"]);
pub const MEMBERS: ListSpec = plain("members", &["createdAt", "email", "role"]);
pub const API_KEYS: ListSpec = plain("apiKeys", &["createdAt", "name", "lastUsedAt"]);
pub const WEBHOOKS: ListSpec = plain("webhooks", &["createdAt", "url"]);
/// A subscription's delivery attempts, newest first by default.
pub const WEBHOOK_DELIVERIES: ListSpec = plain("webhookDeliveries", &["at"]);
/// The audit log: newest first (`at`), filtered by what, who, which target and when.
pub const AUDIT_EVENTS: ListSpec = ListSpec {
    name: "auditEvents",
    sort_fields: &["at"],
    statuses: &[],
    default_statuses: &[],
    id_filters: &[],
    text_filters: &["action", "actorId", "targetId"],
    ranged: true,
    segmented: false,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Asc,
    Desc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    /// A field of the resource's whitelist.
    pub field: &'static str,
    pub direction: Direction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExpandTo {
    Children,
    Ancestors,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub page: u64,
    pub limit: u64,
    pub sort: Sort,
    /// Status filter: never empty for resources with a status.
    pub statuses: Vec<&'static str>,
    pub segment_id: Option<u64>,
    pub expand_to: Option<ExpandTo>,
    /// (filter name from `ListSpec::id_filters` or `text_filters`, value).
    pub id_filters: Vec<(&'static str, String)>,
    /// `from` (inclusive), as sent and in ms.
    pub from: Option<TimeBound>,
    /// `to` (inclusive), as sent and in ms.
    pub to: Option<TimeBound>,
}

/// A point in time a list query names: the client's RFC 3339 text and its ms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeBound {
    pub text: String,
    pub ms: i64,
}

impl ListQuery {
    /// Rows to skip. Saturates instead of overflowing for absurd pages.
    pub fn offset(&self) -> u64 {
        (self.page - 1).saturating_mul(self.limit)
    }
}

/// Parses a query string's pairs (already percent-decoded) into a `ListQuery`,
/// or every violation.
pub fn parse_list_query(spec: &ListSpec, pairs: &[(String, String)]) -> Result<ListQuery, Vec<Violation>> {
    let mut out = Vec::new();
    let mut query = ListQuery {
        page: 1,
        limit: DEFAULT_LIMIT,
        sort: default_sort(spec),
        statuses: spec.default_statuses.to_vec(),
        segment_id: None,
        expand_to: None,
        id_filters: Vec::new(),
        from: None,
        to: None,
    };
    let mut seen: Vec<&str> = Vec::new();
    let mut explicit_statuses: Vec<&'static str> = Vec::new();
    let mut status_given = false;

    for (key, value) in pairs {
        let key = key.as_str();
        let repeatable = key == "status";
        if !repeatable && seen.contains(&key) {
            out.push(Violation::new(key, Code::Type, "must be given once"));
            continue;
        }
        seen.push(key);
        match key {
            "page" => {
                if let Some(p) = parse_uint(key, value, 1, MAX_SAFE_INTEGER as u64, &mut out) {
                    query.page = p;
                }
            }
            "limit" => {
                if let Some(l) = parse_uint(key, value, 0, MAX_LIMIT, &mut out) {
                    query.limit = l;
                }
            }
            "sort" => match parse_sort(spec, value) {
                Ok(sort) => query.sort = sort,
                Err(v) => out.push(v),
            },
            "status" if !spec.statuses.is_empty() => {
                status_given = true;
                for part in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    match spec.statuses.iter().find(|s| s.eq_ignore_ascii_case(part)) {
                        Some(s) => {
                            if !explicit_statuses.contains(s) {
                                explicit_statuses.push(s)
                            }
                        }
                        None => out.push(Violation::new(
                            "status",
                            Code::Enum,
                            joined("must be one or more of: ", spec.statuses, ", "),
                        )),
                    }
                }
            }
            "segmentId" if spec.segmented => {
                query.segment_id = parse_uint(key, value, 0, MAX_SAFE_INTEGER as u64, &mut out);
            }
            "expandTo" if spec.segmented => match value.as_str() {
                "children" => query.expand_to = Some(ExpandTo::Children),
                "ancestors" => query.expand_to = Some(ExpandTo::Ancestors),
                _ => out.push(Violation::new(key, Code::Enum, "must be one of: children, ancestors")),
            },
            "from" | "to" if spec.ranged => match crate::time::parse_rfc3339(value) {
                Some(ms) => {
                    let bound = Some(TimeBound {
                        text: value.clone(),
                        ms,
                    });
                    if key == "from" {
                        query.from = bound;
                    } else {
                        query.to = bound;
                    }
                }
                None => out.push(Violation::new(
                    key,
                    Code::Format,
                    "must be an RFC 3339 timestamp (2024-01-31T12:00:00Z)",
                )),
            },
            _ if spec.text_filters.contains(&key) => {
                let filter = spec
                    .text_filters
                    .iter()
                    .find(|f| **f == key)
                    .copied()
                    .unwrap_or_default();
                let chars = value.chars().count();
                if chars == 0 {
                    out.push(Violation::new(key, Code::MinLength, "must not be empty"));
                } else if chars > MAX_TEXT_FILTER {
                    out.push(Violation::new(
                        key,
                        Code::MaxLength,
                        with_number("must be at most ", MAX_TEXT_FILTER as i64, " characters"),
                    ));
                } else {
                    query.id_filters.push((filter, value.clone()));
                }
            }
            _ => match spec.id_filters.iter().find(|f| **f == key) {
                Some(filter) => {
                    if is_object_id(value) {
                        query.id_filters.push((filter, value.to_ascii_lowercase()));
                    } else {
                        out.push(Violation::new(key, Code::Pattern, Pattern::ObjectId.describe()));
                    }
                }
                None => out.push(Violation::new(
                    key,
                    Code::UnknownField,
                    "is not a known query parameter",
                )),
            },
        }
    }
    if status_given {
        if explicit_statuses.is_empty() && !out.iter().any(|v| v.path == "status") {
            out.push(Violation::new(
                "status",
                Code::Required,
                "must name at least one status",
            ));
        }
        query.statuses = explicit_statuses;
    }
    if let (Some(from), Some(to)) = (&query.from, &query.to) {
        if to.ms < from.ms {
            out.push(Violation::new("to", Code::Min, "must not be before from"));
        }
    }
    if query.expand_to.is_some() && query.segment_id.is_none() && !out.iter().any(|v| v.path == "segmentId") {
        out.push(Violation::new("expandTo", Code::Dependency, "needs segmentId"));
    }
    if out.is_empty() {
        Ok(query)
    } else {
        Err(out)
    }
}

fn parse_uint(key: &str, value: &str, min: u64, max: u64, out: &mut Vec<Violation>) -> Option<u64> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        let message = if value
            .strip_prefix('-')
            .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        {
            out.push(Violation::new(
                key,
                Code::Min,
                with_number("must be at least ", min as i64, ""),
            ));
            return None;
        } else {
            "must be a whole number"
        };
        out.push(Violation::new(key, Code::Type, message));
        return None;
    }
    // Digits only: anything that does not fit u64 is certainly above max.
    let n = value.parse::<u64>().unwrap_or(u64::MAX);
    if n < min {
        out.push(Violation::new(
            key,
            Code::Min,
            with_number("must be at least ", min as i64, ""),
        ));
        None
    } else if n > max {
        out.push(Violation::new(
            key,
            Code::Max,
            with_number("must be at most ", max as i64, ""),
        ));
        None
    } else {
        Some(n)
    }
}

/// The first sortable field (`createdAt` for every resource but the audit
/// log's `at`), newest first.
pub fn default_sort(spec: &ListSpec) -> Sort {
    Sort {
        field: spec.sort_fields.first().copied().unwrap_or("createdAt"),
        direction: Direction::Desc,
    }
}

fn parse_sort(spec: &ListSpec, value: &str) -> Result<Sort, Violation> {
    if !Pattern::Sort.matches(value) {
        return Err(Violation::new("sort", Code::Pattern, Pattern::Sort.describe()));
    }
    let (field, direction) = match value.rsplit_once(':') {
        Some((f, "desc")) => (f, Direction::Desc),
        Some((f, _)) => (f, Direction::Asc),
        None => (value, Direction::Asc),
    };
    if field.is_empty() {
        return Ok(default_sort(spec));
    }
    match spec.sort_fields.iter().find(|f| **f == field) {
        Some(f) => Ok(Sort { field: f, direction }),
        None => Err(Violation::new(
            "sort",
            Code::Enum,
            joined("can sort by: ", spec.sort_fields, ", "),
        )),
    }
}

/// The paginated list envelope. Serialized by hand (below), not derived.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total_docs: u64,
    pub limit: u64,
    pub has_prev_page: bool,
    pub has_next_page: bool,
    pub page: u64,
    pub total_pages: u64,
    pub prev_page: Option<u64>,
    pub next_page: Option<u64>,
}

/// The counters of a page, without items: what a client needs to draw pager links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageMeta {
    pub total_docs: u64,
    pub limit: u64,
    pub page: u64,
    pub total_pages: u64,
    pub prev_page: Option<u64>,
    pub next_page: Option<u64>,
}

/// mongoose-paginate-v2 arithmetic. `limit == 0` asks for counts only: one
/// page, no neighbours.
pub fn page_meta(total_docs: u64, page: u64, limit: u64) -> PageMeta {
    if limit == 0 {
        return PageMeta {
            total_docs,
            limit,
            page: 1,
            total_pages: 1,
            prev_page: None,
            next_page: None,
        };
    }
    let page = page.max(1);
    let total_pages = total_docs.div_ceil(limit).max(1);
    PageMeta {
        total_docs,
        limit,
        page,
        total_pages,
        prev_page: (page > 1).then(|| page - 1),
        next_page: (page < total_pages).then(|| page + 1),
    }
}

/// As `#[derive(Serialize)]` with `rename_all = "camelCase"` writes it (the
/// test `a_page_serializes_as_derived` compares), but with the counters
/// written by one function per serializer rather than again for every item
/// type: the worker's wasm holds a copy of a derived `Page<T>`'s code per
/// resource (BENCHMARKS.md 0m).
impl<T: Serialize> Serialize for Page<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut page = serializer.serialize_struct("Page", 9)?;
        page.serialize_field("items", &self.items)?;
        self.counters(&mut page)?;
        page.end()
    }
}

impl<T> Page<T> {
    /// Every field but the items, in the struct's order.
    fn counters<M: serde::ser::SerializeStruct>(&self, page: &mut M) -> Result<(), M::Error> {
        write_counters(
            page,
            [self.total_docs, self.limit],
            [self.has_prev_page, self.has_next_page],
            [self.page, self.total_pages],
            [self.prev_page, self.next_page],
        )
    }

    pub fn new(items: Vec<T>, total_docs: u64, query: &ListQuery) -> Self {
        Self::with_meta(items, total_docs, page_meta(total_docs, query.page, query.limit))
    }

    fn with_meta(items: Vec<T>, total_docs: u64, m: PageMeta) -> Self {
        Page {
            items,
            total_docs,
            limit: m.limit,
            has_prev_page: m.prev_page.is_some(),
            has_next_page: m.next_page.is_some(),
            page: m.page,
            total_pages: m.total_pages,
            prev_page: m.prev_page,
            next_page: m.next_page,
        }
    }

    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> Page<U> {
        match self.try_map(|t| Ok::<U, std::convert::Infallible>(f(t))) {
            Ok(page) => page,
            Err(never) => match never {},
        }
    }

    /// `map` for a conversion that can fail: the first error is returned.
    pub fn try_map<U, E>(self, mut f: impl FnMut(T) -> Result<U, E>) -> Result<Page<U>, E> {
        // A loop, not `collect::<Result<_, _>>()`: the same, in less code
        // per item type in the worker's wasm.
        let mut items = Vec::with_capacity(self.items.len());
        for item in self.items {
            items.push(f(item)?);
        }
        Ok(Page {
            items,
            total_docs: self.total_docs,
            limit: self.limit,
            has_prev_page: self.has_prev_page,
            has_next_page: self.has_next_page,
            page: self.page,
            total_pages: self.total_pages,
            prev_page: self.prev_page,
            next_page: self.next_page,
        })
    }
}

/// A page's counters, not generic over its items: one copy per serializer.
#[inline(never)]
fn write_counters<M: serde::ser::SerializeStruct>(
    page: &mut M,
    [total_docs, limit]: [u64; 2],
    [has_prev_page, has_next_page]: [bool; 2],
    [number, total_pages]: [u64; 2],
    [prev_page, next_page]: [Option<u64>; 2],
) -> Result<(), M::Error> {
    page.serialize_field("totalDocs", &total_docs)?;
    page.serialize_field("limit", &limit)?;
    page.serialize_field("hasPrevPage", &has_prev_page)?;
    page.serialize_field("hasNextPage", &has_next_page)?;
    page.serialize_field("page", &number)?;
    page.serialize_field("totalPages", &total_pages)?;
    page.serialize_field("prevPage", &prev_page)?;
    page.serialize_field("nextPage", &next_page)
}

/// Builds a query string from a `ListQuery` (the inverse of `parse_list_query`,
/// used by the npm package's client). Defaults are left out.
pub fn to_query_string(spec: &ListSpec, q: &ListQuery) -> String {
    // By hand rather than `format!`: the npm package links this function.
    let mut out = String::new();
    let mut pair = |key: &str, value: &dyn Fn(&mut String)| {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(key);
        out.push('=');
        value(&mut out);
    };
    if q.page != 1 {
        pair("page", &|o| push_u64(o, q.page));
    }
    if q.limit != DEFAULT_LIMIT {
        pair("limit", &|o| push_u64(o, q.limit));
    }
    if q.sort != default_sort(spec) {
        let d = match q.sort.direction {
            Direction::Asc => ":asc",
            Direction::Desc => ":desc",
        };
        pair("sort", &|o| {
            o.push_str(q.sort.field);
            o.push_str(d);
        });
    }
    if !spec.statuses.is_empty() && q.statuses != spec.default_statuses {
        pair("status", &|o| o.push_str(&joined("", &q.statuses, ",")));
    }
    if let Some(s) = q.segment_id {
        pair("segmentId", &|o| push_u64(o, s));
    }
    if let Some(e) = q.expand_to {
        let e = if e == ExpandTo::Children {
            "children"
        } else {
            "ancestors"
        };
        pair("expandTo", &|o| o.push_str(e));
    }
    for (k, v) in &q.id_filters {
        pair(k, &|o| push_encoded(o, v));
    }
    for (k, bound) in [("from", &q.from), ("to", &q.to)] {
        if let Some(b) = bound {
            pair(k, &|o| push_encoded(o, &b.text));
        }
    }
    out
}

/// `value` percent-encoded for a query string (free text filters, a `+` in a
/// time offset): unreserved characters as they are, every other byte `%XX`.
fn push_encoded(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b':') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
    }
}

/// `prefix` then `items` separated by `sep`.
fn joined(prefix: &str, items: &[&str], sep: &str) -> String {
    let mut out = String::from(prefix);
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(item);
    }
    out
}

#[cfg(test)]
mod tests {
    /// What `#[derive(Serialize)]` writes for [`Page`]: the reference.
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Derived<T> {
        items: Vec<T>,
        total_docs: u64,
        limit: u64,
        has_prev_page: bool,
        has_next_page: bool,
        page: u64,
        total_pages: u64,
        prev_page: Option<u64>,
        next_page: Option<u64>,
    }

    #[test]
    fn a_page_serializes_as_derived() {
        for (total, page, limit) in [(0, 1, 10), (25, 2, 10), (25, 3, 10), (7, 1, 0), (u64::MAX, 9, 100)] {
            let m = super::page_meta(total, page, limit);
            let items: Vec<String> = (0..limit.min(3)).map(|i| format!("item \"{i}\"")).collect();
            let ours = super::Page::with_meta(items.clone(), total, m);
            let derived = Derived {
                items,
                total_docs: ours.total_docs,
                limit: ours.limit,
                has_prev_page: ours.has_prev_page,
                has_next_page: ours.has_next_page,
                page: ours.page,
                total_pages: ours.total_pages,
                prev_page: ours.prev_page,
                next_page: ours.next_page,
            };
            assert_eq!(
                serde_json::to_string(&ours).unwrap(),
                serde_json::to_string(&derived).unwrap()
            );
        }
    }

    use super::*;
    use proptest::prelude::*;

    fn q(pairs: &[(&str, &str)]) -> Result<ListQuery, Vec<(String, &'static str)>> {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        parse_list_query(&AOSP_TOKENS, &pairs).map_err(|v| v.into_iter().map(|v| (v.path, v.code.as_str())).collect())
    }

    #[test]
    fn defaults() {
        let d = q(&[]).unwrap();
        assert_eq!(
            (d.page, d.limit, d.sort.field, d.sort.direction),
            (1, 10, "createdAt", Direction::Desc)
        );
        assert_eq!(d.statuses, vec!["PENDING", "PROCESSING", "DONE", "EXPIRED"]);
    }

    #[test]
    fn bounds() {
        assert_eq!(q(&[("limit", "100")]).unwrap().limit, 100);
        assert_eq!(q(&[("limit", "0")]).unwrap().limit, 0);
        assert_eq!(q(&[("limit", "101")]), Err(vec![("limit".into(), "max")]));
        assert_eq!(q(&[("page", "0")]), Err(vec![("page".into(), "min")]));
        assert_eq!(q(&[("page", "-3")]), Err(vec![("page".into(), "min")]));
        assert_eq!(q(&[("page", "1.5")]), Err(vec![("page".into(), "type")]));
        assert_eq!(
            q(&[("page", "99999999999999999999999")]),
            Err(vec![("page".into(), "max")])
        );
        assert_eq!(q(&[("page", "9007199254740991")]).unwrap().page, 9_007_199_254_740_991);
        assert_eq!(q(&[("page", "1"), ("page", "2")]), Err(vec![("page".into(), "type")]));
    }

    #[test]
    fn sort_whitelist() {
        let s = q(&[("sort", "displayName")]).unwrap().sort;
        assert_eq!((s.field, s.direction), ("displayName", Direction::Asc));
        let s = q(&[("sort", "expirationTimestamp:desc")]).unwrap().sort;
        assert_eq!((s.field, s.direction), ("expirationTimestamp", Direction::Desc));
        assert_eq!(q(&[("sort", "secret:asc")]), Err(vec![("sort".into(), "enum")]));
        assert_eq!(
            q(&[("sort", "createdAt;drop table")]),
            Err(vec![("sort".into(), "pattern")])
        );
        assert_eq!(
            q(&[("sort", "createdAt:sideways")]),
            Err(vec![("sort".into(), "pattern")])
        );
    }

    #[test]
    fn statuses_segments_and_filters() {
        assert_eq!(
            q(&[("status", "PENDING,DONE")]).unwrap().statuses,
            vec!["PENDING", "DONE"]
        );
        assert_eq!(
            q(&[("status", "PENDING"), ("status", "deleted")]).unwrap().statuses,
            vec!["PENDING", "DELETED"]
        );
        assert_eq!(q(&[("status", "GONE")]), Err(vec![("status".into(), "enum")]));
        assert_eq!(q(&[("status", "")]), Err(vec![("status".into(), "required")]));
        let s = q(&[("segmentId", "4"), ("expandTo", "children")]).unwrap();
        assert_eq!((s.segment_id, s.expand_to), (Some(4), Some(ExpandTo::Children)));
        assert_eq!(
            q(&[("expandTo", "children")]),
            Err(vec![("expandTo".into(), "dependency")])
        );
        assert_eq!(
            q(&[("expandTo", "siblings"), ("segmentId", "1")]),
            Err(vec![("expandTo".into(), "enum")])
        );
        assert_eq!(
            q(&[("mdmUserId", "65A1B2C3D4E5F60718293A4B")]).unwrap().id_filters,
            vec![("mdmUserId", "65a1b2c3d4e5f60718293a4b".to_string())]
        );
        assert_eq!(
            q(&[("winPolicyId", "x")]),
            Err(vec![("winPolicyId".into(), "unknownField")])
        );
        assert_eq!(
            q(&[("limit", "x"), ("sort", "nope"), ("foo", "1")]),
            Err(vec![
                ("limit".into(), "type"),
                ("sort".into(), "enum"),
                ("foo".into(), "unknownField")
            ])
        );
    }

    #[test]
    fn audit_filters_and_time_range() {
        let parse = |raw: &str| parse_list_query(&AUDIT_EVENTS, &crate::query_string::decode_pairs(raw));
        let q =
            parse("action=device.enroll&targetId=12&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00%2B01:00").unwrap();
        assert_eq!(q.sort, default_sort(&AUDIT_EVENTS));
        assert_eq!(q.sort.field, "at");
        assert_eq!(
            q.id_filters,
            vec![("action", "device.enroll".to_string()), ("targetId", "12".to_string())]
        );
        assert_eq!(q.from.as_ref().map(|b| b.ms), Some(1_767_225_600_000));
        assert_eq!(q.to.as_ref().map(|b| b.ms), Some(1_767_225_600_000 + 23 * 3_600_000));
        let back = to_query_string(&AUDIT_EVENTS, &q);
        assert_eq!(parse(&back).unwrap(), q);
        let codes = |raw: &str| {
            parse(raw)
                .unwrap_err()
                .into_iter()
                .map(|v| (v.path, v.code.as_str()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            codes("from=now&actorId=&to=2026-01-01T00:00:00Z&mdmUserId=65a1b2c3d4e5f60718293a4b"),
            vec![
                ("from".to_string(), "format"),
                ("actorId".to_string(), "minLength"),
                ("mdmUserId".to_string(), "unknownField")
            ]
        );
        assert_eq!(
            codes("from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z"),
            vec![("to".to_string(), "min")]
        );
        assert_eq!(
            codes(&format!("targetId={}", "x".repeat(257))),
            vec![("targetId".to_string(), "maxLength")]
        );
        // Other lists take neither.
        assert_eq!(
            q_codes_aosp("from=2026-01-01T00:00:00Z"),
            vec![("from".to_string(), "unknownField")]
        );
    }

    fn q_codes_aosp(raw: &str) -> Vec<(String, &'static str)> {
        parse_list_query(&AOSP_TOKENS, &crate::query_string::decode_pairs(raw))
            .unwrap_err()
            .into_iter()
            .map(|v| (v.path, v.code.as_str()))
            .collect()
    }

    #[test]
    fn envelope_semantics() {
        let m = page_meta(25, 2, 10);
        assert_eq!((m.total_pages, m.prev_page, m.next_page), (3, Some(1), Some(3)));
        let m = page_meta(0, 1, 10);
        assert_eq!((m.total_pages, m.prev_page, m.next_page), (1, None, None));
        let past = page_meta(25, 7, 10);
        assert_eq!(
            (past.page, past.total_pages, past.prev_page, past.next_page),
            (7, 3, Some(6), None)
        );
        let counts = page_meta(25, 3, 0);
        assert_eq!((counts.page, counts.total_pages, counts.next_page), (1, 1, None));
    }

    #[test]
    fn query_strings_round_trip() {
        let pairs = [
            ("page", "3"),
            ("limit", "5"),
            ("sort", "displayName:asc"),
            ("status", "DONE,EXPIRED"),
            ("segmentId", "2"),
            ("expandTo", "ancestors"),
        ];
        let parsed = q(&pairs).unwrap();
        let text = to_query_string(&AOSP_TOKENS, &parsed);
        let back: Vec<(String, String)> = text
            .split('&')
            .map(|kv| kv.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())).unwrap())
            .collect();
        assert_eq!(parse_list_query(&AOSP_TOKENS, &back).unwrap(), parsed);
    }

    proptest! {
        #[test]
        fn page_arithmetic_holds(total in 0u64..1_000_000_000, page in 1u64..1_000_000, limit in 0u64..=100) {
            let m = page_meta(total, page, limit);
            prop_assert!(m.total_pages >= 1);
            if limit > 0 {
                prop_assert!(m.total_pages * limit >= total);
                prop_assert!(total == 0 || (m.total_pages - 1) * limit < total);
                prop_assert_eq!(m.page, page);
                prop_assert_eq!(m.prev_page.is_some(), page > 1);
                prop_assert_eq!(m.next_page.is_some(), page < m.total_pages);
                if let Some(n) = m.next_page { prop_assert_eq!(n, page + 1); }
            } else {
                prop_assert_eq!((m.prev_page, m.next_page), (None, None));
            }
        }

        #[test]
        fn query_parsing_never_panics(pairs in prop::collection::vec(("[a-zA-Z]{0,10}", "\\PC{0,20}"), 0..8)) {
            let _ = parse_list_query(&AOSP_DEVICES, &pairs);
        }
    }
}
