//! A thin layer over `worker::D1Database`: every statement binds its
//! parameters (never string-built SQL with values), and every call returns
//! `Result<_, ApiError>` (a D1 failure is a logged 500, its text never sent).
//!
//! ```ignore
//! let db = Db::from_env(&env)?;
//! let org: Option<OrgRow> = db
//!     .first("SELECT * FROM organizations WHERE id = ?1 OR slug = ?1", params![org_ref])
//!     .await?;
//! let changed = db.run("UPDATE ... WHERE id = ?1", params![id]).await?.changed();
//! let results = db.batch(vec![db.stmt("INSERT ...", params![a, b])?, ...]).await?;
//! ```

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;

use futures_util::FutureExt;
use wasm_bindgen::{JsCast, JsValue};
use worker::js_sys::{Array, Promise, Reflect};
use worker::wasm_bindgen_futures::JsFuture;
use worker::worker_sys;
use worker::{D1Database, D1DatabaseSession, D1PreparedStatement, Env};

use crate::http::ApiError;

mod row;
pub(crate) use row::row;
pub use row::{Columns, Field, FromRow};

/// Name of the D1 binding in wrangler.toml.
pub const BINDING: &str = "DB";

/// A bound parameter. Integers must fit in ±2^53 (JavaScript numbers);
/// larger ones are refused rather than silently rounded.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

/// The largest integer a JavaScript number holds exactly.
pub const MAX_SAFE_INTEGER: i64 = 9_007_199_254_740_991;

impl Param {
    fn to_js(&self) -> Result<JsValue, ApiError> {
        Ok(match self {
            Param::Null => JsValue::NULL,
            Param::Int(i) if i.abs() <= MAX_SAFE_INTEGER => JsValue::from_f64(*i as f64),
            Param::Int(i) => return Err(ApiError::internal(format!("integer {i} does not fit a D1 number"))),
            Param::Real(f) => JsValue::from_f64(*f),
            Param::Text(s) => JsValue::from_str(s),
        })
    }
}

macro_rules! param_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Param {
            fn from(v: $t) -> Self {
                Param::Int(i64::from(v))
            }
        }
    )*};
}
param_from_int!(i8, i16, i32, i64, u8, u16, u32);

impl From<bool> for Param {
    /// SQLite has no boolean: 1 / 0.
    fn from(v: bool) -> Self {
        Param::Int(i64::from(v))
    }
}
impl From<f64> for Param {
    fn from(v: f64) -> Self {
        Param::Real(v)
    }
}
impl From<&str> for Param {
    fn from(v: &str) -> Self {
        Param::Text(v.to_string())
    }
}
impl From<String> for Param {
    fn from(v: String) -> Self {
        Param::Text(v)
    }
}
impl From<&String> for Param {
    fn from(v: &String) -> Self {
        Param::Text(v.clone())
    }
}
impl From<&serde_json::Value> for Param {
    /// JSON columns are TEXT holding the serialized value.
    fn from(v: &serde_json::Value) -> Self {
        Param::Text(v.to_string())
    }
}
impl<T: Into<Param>> From<Option<T>> for Param {
    fn from(v: Option<T>) -> Self {
        v.map_or(Param::Null, Into::into)
    }
}

/// `params![a, b, c]` → `&[Param]` (anything `Into<Param>`: integers, bool,
/// f64, &str, String, `Option<_>` (None is NULL), `&serde_json::Value`).
#[macro_export]
macro_rules! params {
    () => { &[] as &[$crate::db::Param] };
    ($($p:expr),+ $(,)?) => { &[$($crate::db::Param::from($p)),+] as &[$crate::db::Param] };
}

/// Bound parameters production D1 accepts in one statement.
pub const MAX_PARAMS: usize = 100;
/// Bytes of SQL production D1 accepts in one statement.
pub const MAX_SQL_BYTES: usize = 100 * 1000;

fn check_limits(sql: &str, params: usize) -> Result<(), ApiError> {
    if params > MAX_PARAMS {
        return Err(ApiError::internal(format!(
            "statement binds {params} parameters; D1 allows {MAX_PARAMS}: {}",
            &sql[..sql.len().min(120)]
        )));
    }
    if sql.len() > MAX_SQL_BYTES {
        return Err(ApiError::internal(format!(
            "statement of {} bytes; D1 allows {MAX_SQL_BYTES}",
            sql.len()
        )));
    }
    Ok(())
}

/// What a write reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunMeta {
    /// Rows the statement wrote, its triggers' writes included: D1 reports
    /// the connection's `total_changes()` difference, and migration 0011's
    /// counters add a write to every token, device and audit row change. So
    /// it says whether the statement changed something, never how many rows
    /// it did (count those with RETURNING).
    writes: usize,
    pub last_row_id: Option<i64>,
}

impl RunMeta {
    /// Did the statement change a row?
    pub fn changed(&self) -> bool {
        self.writes > 0
    }
}

/// One statement, prepared and bound, for [`Db::batch`].
pub struct Stmt {
    inner: D1PreparedStatement,
    /// An INSERT, UPDATE or DELETE (a change an audit event rides with).
    writes: bool,
}

impl Stmt {
    /// The runtime's prepared statement, whose `all`/`first`/`run` the
    /// worker calls through worker-sys's bindings: workers-rs's wrappers of
    /// them read every answer through serde-wasm-bindgen (BENCHMARKS.md 0m).
    fn js(&self) -> &worker_sys::D1PreparedStatement {
        self.inner.inner()
    }
}

/// Does `sql` write (INSERT, UPDATE, DELETE, also with RETURNING)?
fn writes(sql: &str) -> bool {
    let head = sql.trim_start().get(..6).unwrap_or("").to_ascii_uppercase();
    matches!(head.as_str(), "INSERT" | "UPDATE" | "DELETE")
}

/// The database, or one request's session of it.
#[derive(Clone)]
pub struct Db {
    inner: Inner,
    /// A statement to run in the same transaction as the request's first
    /// write (an idempotency key's claim, `crate::idempotency`).
    with_first_write: Armed,
    /// The request's audit event, which rides with its change (`crate::audit`).
    audit: crate::audit::Slot,
    /// Round trips to D1 and statements sent so far (shared by a `Db`'s
    /// clones): what `x-d1-round-trips` and `x-d1-statements` show when
    /// `DEBUG_ROUTES` is on (the e2e tests).
    trips: Rc<Cell<Trips>>,
}

/// What a request has asked of D1 so far.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Trips {
    pub round_trips: u32,
    /// Statements, a batch's each counted: production D1 allows 50 per
    /// invocation on the free plan, and each one costs D1 work of its own.
    pub statements: u32,
}

/// A statement waiting for the first write (shared by a `Db`'s clones).
type Armed = Rc<RefCell<Option<(String, Vec<Param>)>>>;

#[derive(Clone)]
enum Inner {
    Database(Rc<D1Database>),
    /// A D1 session (Sessions API): reads may go to a replica, and every
    /// statement sees at least what the session saw or wrote before.
    Session(Rc<D1DatabaseSession>),
}

/// The header carrying a D1 session bookmark, both ways.
pub const BOOKMARK_HEADER: &str = "x-d1-bookmark";

impl Db {
    /// The `DB` binding, without a session (the cron sweep).
    pub fn from_env(env: &Env) -> Result<Self, ApiError> {
        Ok(Self {
            inner: Inner::Database(Rc::new(env.d1(BINDING)?)),
            with_first_write: Rc::default(),
            audit: Rc::default(),
            trips: Rc::default(),
        })
    }

    /// A session for one request: anchored at the client's bookmark (it reads
    /// at least what that bookmark saw), else `first-unconstrained`, so reads
    /// can be answered by a read replica. (Not `first-primary` for devices:
    /// under `wrangler dev` such sessions reset connections under load.)
    pub fn session(env: &Env, bookmark: Option<&str>) -> Result<Self, ApiError> {
        let start = bookmark.unwrap_or("first-unconstrained");
        let session = env.d1(BINDING)?.with_session(Some(start)).map_err(|e| match e {
            worker::Error::D1(d1) => d1_error(AsRef::<JsValue>::as_ref(&d1).clone()),
            other => ApiError::Internal(format!("D1: {other}")),
        })?;
        Ok(Self {
            inner: Inner::Session(Rc::new(session)),
            with_first_write: Rc::default(),
            audit: Rc::default(),
            trips: Rc::default(),
        })
    }

    /// How many round trips and statements this request has sent to D1.
    pub fn trips(&self) -> Trips {
        self.trips.get()
    }

    fn trip(&self, statements: usize) {
        let t = self.trips.get();
        self.trips.set(Trips {
            round_trips: t.round_trips + 1,
            statements: t.statements + statements as u32,
        });
    }

    /// The session's latest bookmark, to hand back to the client.
    pub fn bookmark(&self) -> Option<String> {
        match &self.inner {
            Inner::Session(s) => s.get_bookmark().ok().flatten(),
            Inner::Database(_) => None,
        }
    }

    /// Run `sql` in the same D1 batch (one transaction) as the next write
    /// made through this database or a clone of it: a statement that writes
    /// (INSERT, UPDATE, DELETE, also with RETURNING) through any method, or
    /// any [`Db::batch`]. If that write fails, so does this statement.
    pub fn with_first_write(&self, sql: &str, params: &[Param]) {
        *self.with_first_write.borrow_mut() = Some((sql.to_string(), params.to_vec()));
    }

    /// Is a statement still waiting for the first write?
    pub fn first_write_pending(&self) -> bool {
        self.with_first_write.borrow().is_some()
    }

    /// The request's audit event (shared with its clones): the dispatcher
    /// arms it, the handler names its target, and the change's write takes
    /// its INSERT into the same batch ([`crate::audit`]).
    pub fn audit(&self) -> crate::audit::Slot {
        self.audit.clone()
    }

    fn take_armed_any(&self) -> Result<Option<Stmt>, ApiError> {
        let armed = self.with_first_write.borrow_mut().take();
        armed.map(|(sql, params)| self.stmt(&sql, &params)).transpose()
    }

    /// The audit event's statement, for a write about to run.
    fn take_audit(&self) -> Result<Option<(Stmt, crate::audit::Position)>, ApiError> {
        let taken = self.audit.borrow_mut().take_for_write()?;
        taken
            .map(|(sql, params, position)| Ok((self.stmt(&sql, &params)?, position)))
            .transpose()
    }

    /// `sql` alone, or, when it writes and a statement rides with the
    /// request's first write or its audit event, in one batch with them: its result.
    async fn single(&self, sql: &str, params: &[Param]) -> Result<Option<BatchResult>, ApiError> {
        if !writes(sql) {
            return Ok(None);
        }
        let (armed, audit) = (self.take_armed_any()?, self.take_audit()?);
        if armed.is_none() && audit.is_none() {
            return Ok(None);
        }
        let stmt = self.stmt(sql, params)?;
        let mut results = self.batch_with(vec![stmt], armed, audit).await?;
        Ok(results.pop())
    }

    /// `stmts` in one batch with what rides on a write: the statement armed
    /// by [`Db::with_first_write`] (first, with any batch), the audit event
    /// (before or after them, with a batch that writes). Their results are
    /// checked and left out: the answer is `stmts`' results, in order.
    async fn batch_with(
        &self,
        stmts: Vec<Stmt>,
        armed: Option<Stmt>,
        audit: Option<(Stmt, crate::audit::Position)>,
    ) -> Result<Vec<BatchResult>, ApiError> {
        if armed.is_none() && audit.is_none() {
            return self.batch_raw(stmts).await;
        }
        let n = stmts.len();
        let mut all = Vec::with_capacity(n + 2);
        let mut before = 0;
        if let Some(a) = armed {
            all.push(a);
            before += 1;
        }
        let mut after = None;
        match audit {
            Some((a, crate::audit::Position::Before)) => {
                all.push(a);
                before += 1;
            }
            Some((a, crate::audit::Position::After)) => after = Some(a),
            None => {}
        }
        all.extend(stmts);
        all.extend(after);
        let mut results = self.batch_raw(all).await?;
        for r in results.iter().take(before).chain(results.iter().skip(before + n)) {
            r.meta()?;
        }
        results.truncate(before + n);
        Ok(results.split_off(before))
    }

    fn prepare(&self, sql: &str) -> D1PreparedStatement {
        match &self.inner {
            Inner::Database(d) => d.prepare(sql),
            Inner::Session(s) => s.prepare(sql),
        }
    }

    /// Prepare and bind. Use `?1`, `?2`, ... (or `?`) placeholders.
    /// Production D1 refuses statements over [`MAX_PARAMS`] bound parameters
    /// or [`MAX_SQL_BYTES`] of SQL, which local D1 accepts; they are refused
    /// here in every build, so tests fail the way a deployment would (lists
    /// of ids go through `json_each(?)`).
    pub fn stmt(&self, sql: &str, params: &[Param]) -> Result<Stmt, ApiError> {
        check_limits(sql, params.len())?;
        let values = params.iter().map(Param::to_js).collect::<Result<Vec<_>, _>>()?;
        let stmt = self.prepare(sql);
        let stmt = if values.is_empty() { stmt } else { stmt.bind(&values)? };
        Ok(Stmt {
            inner: stmt,
            writes: writes(sql),
        })
    }

    /// Every row, deserialized (column names as in the SELECT; rename with `AS`).
    ///
    /// Why `map` over a plain future rather than an `async fn`: a generic
    /// async function is a state machine per row type, inlined into each
    /// handler; this is one non-generic future and a decode per row type
    /// (BENCHMARKS.md 0m). So for [`Db::first`] and [`Db::value`].
    pub fn all<'a, T: FromRow>(
        &'a self,
        sql: &'a str,
        params: &'a [Param],
    ) -> impl Future<Output = Result<Vec<T>, ApiError>> + 'a {
        self.all_rows(sql, params)
            .map(|rows| rows.and_then(|rows| decode_rows(&rows)))
    }

    /// [`Db::all`] before decoding: the one copy of the query's path for every row type.
    async fn all_rows(&self, sql: &str, params: &[Param]) -> Result<Vec<JsRow>, ApiError> {
        if let Some(r) = self.single(sql, params).await? {
            return r.js_rows();
        }
        let stmt = self.stmt(sql, params)?;
        self.trip(1);
        BatchResult(answer(stmt.js().all()).await?).js_rows()
    }

    /// The first row, if any.
    pub fn first<'a, T: FromRow>(
        &'a self,
        sql: &'a str,
        params: &'a [Param],
    ) -> impl Future<Output = Result<Option<T>, ApiError>> + 'a {
        self.first_row(sql, params, None)
            .map(|row| row.and_then(|row| row.map(|row| row.decode()).transpose()))
    }

    /// One column of the first row (e.g. `SELECT count(*) AS n ...` with `"n"`).
    pub fn value<'a, T: Field>(
        &'a self,
        sql: &'a str,
        params: &'a [Param],
        column: &'a str,
    ) -> impl Future<Output = Result<Option<T>, ApiError>> + 'a {
        self.first_row(sql, params, Some(column))
            .map(move |value| value.and_then(|value| value.map(|value| value.decode_value(column)).transpose()))
    }

    /// The first row (or its `column`), undecoded: [`Db::first`] and
    /// [`Db::value`] for every type share this one path.
    pub async fn first_row(
        &self,
        sql: &str,
        params: &[Param],
        column: Option<&str>,
    ) -> Result<Option<JsRow>, ApiError> {
        if let Some(r) = self.single(sql, params).await? {
            let Some(row) = r.js_rows()?.into_iter().next() else {
                return Ok(None);
            };
            return match column {
                None => Ok(Some(row)),
                // D1's first(column) answers SQL NULL as null, read here as none.
                Some(column) => Ok(row.column(column).filter(|v| !v.0.is_null() && !v.0.is_undefined())),
            };
        }
        let stmt = self.stmt(sql, params)?;
        self.trip(1);
        // No row, or SQL NULL in `column`, is null.
        let first = answer(stmt.js().first(column)).await?;
        Ok((!first.is_null() && !first.is_undefined()).then_some(JsRow(first)))
    }

    /// A write that says how many rows it changed: `sql` ends in a
    /// `RETURNING` clause, and its rows are counted ([`RunMeta`] cannot
    /// count them: D1's count includes the counters' trigger writes).
    pub async fn run_counted(&self, sql: &str, params: &[Param]) -> Result<usize, ApiError> {
        Ok(self.all_rows(sql, params).await?.len())
    }

    /// A write: how many rows changed.
    pub async fn run(&self, sql: &str, params: &[Param]) -> Result<RunMeta, ApiError> {
        if let Some(r) = self.single(sql, params).await? {
            return r.meta();
        }
        let stmt = self.stmt(sql, params)?;
        self.trip(1);
        BatchResult(answer(stmt.js().run()).await?).meta()
    }

    /// Several statements in one implicit transaction (all or nothing), in
    /// order. Each result's rows can be read with [`BatchResult::rows`].
    /// An empty batch makes no round trip.
    pub async fn batch(&self, stmts: Vec<Stmt>) -> Result<Vec<BatchResult>, ApiError> {
        if stmts.is_empty() {
            return Ok(Vec::new());
        }
        let armed = self.take_armed_any()?;
        let audit = if stmts.iter().any(|s| s.writes) {
            self.take_audit()?
        } else {
            None
        };
        self.batch_with(stmts, armed, audit).await
    }

    async fn batch_raw(&self, stmts: Vec<Stmt>) -> Result<Vec<BatchResult>, ApiError> {
        self.trip(stmts.len());
        let stmts: Array = stmts.iter().map(Stmt::js).collect();
        let sent = match &self.inner {
            Inner::Database(d) => AsRef::<JsValue>::as_ref(&**d)
                .unchecked_ref::<worker_sys::D1Database>()
                .batch(stmts),
            Inner::Session(s) => AsRef::<JsValue>::as_ref(&**s)
                .unchecked_ref::<worker_sys::D1DatabaseSession>()
                .session_batch(stmts),
        };
        let results: Array = answer(sent)
            .await?
            .dyn_into()
            .map_err(|_| ApiError::internal("D1: a batch answered no list"))?;
        Ok(results.iter().map(BatchResult).collect())
    }
}

/// One statement's outcome (inside a batch or alone), as D1's JavaScript
/// answered it: `{results, meta}`, read with no serde-wasm-bindgen
/// (BENCHMARKS.md 0m).
pub struct BatchResult(JsValue);

impl BatchResult {
    pub fn rows<T: FromRow>(&self) -> Result<Vec<T>, ApiError> {
        decode_rows(&self.js_rows()?)
    }

    /// The first row, if any.
    pub fn first<T: FromRow>(&self) -> Result<Option<T>, ApiError> {
        self.first_row()?.map(|row| row.decode()).transpose()
    }

    /// The first row, undecoded.
    pub fn first_row(&self) -> Result<Option<JsRow>, ApiError> {
        Ok(self.js_rows()?.into_iter().next())
    }

    /// The rows as D1 answered them: one copy of this path for every row type.
    fn js_rows(&self) -> Result<Vec<JsRow>, ApiError> {
        let results = self.field("results")?;
        match results.dyn_ref::<Array>() {
            Some(rows) => Ok(rows.iter().map(JsRow).collect()),
            None if results.is_undefined() || results.is_null() => Ok(Vec::new()),
            None => Err(ApiError::internal("D1: results not a list")),
        }
    }

    pub fn meta(&self) -> Result<RunMeta, ApiError> {
        let meta = self.field("meta")?;
        // What a write's effect is read from: without it, "nothing changed"
        // would be a guess (workers-rs's reader refused it too).
        if !meta.is_object() {
            return Err(ApiError::internal("D1: an answer without meta"));
        }
        let number = |name: &str| Reflect::get(&meta, &name.into()).ok().and_then(|n| n.as_f64());
        Ok(RunMeta {
            writes: number("changes").unwrap_or(0.0) as usize,
            last_row_id: number("last_row_id").map(|n| n as i64),
        })
    }

    /// A field of the answer, after its `error` (D1 reports some failures
    /// there rather than by rejecting).
    fn field(&self, name: &str) -> Result<JsValue, ApiError> {
        let error = Reflect::get(&self.0, &"error".into()).unwrap_or(JsValue::UNDEFINED);
        if !(error.is_undefined() || error.is_null()) {
            return Err(ApiError::Internal(
                error.as_string().unwrap_or_else(|| format!("D1: {error:?}")),
            ));
        }
        Reflect::get(&self.0, &name.into()).map_err(d1_error)
    }

    /// The rows as D1 answered them, one JavaScript array (the e2e tests'
    /// SQL route, `routes::debug`).
    pub fn js_array(&self) -> Result<worker::js_sys::Array, ApiError> {
        Ok(self.js_rows()?.into_iter().map(|row| row.0).collect())
    }
}

/// A row (or a value) as D1 answered it, a JavaScript value. Every row type
/// is decoded from its JSON text ([`JsRow::decode`]), so the D1 paths above
/// are compiled once, not once per row type.
pub struct JsRow(JsValue);

impl JsRow {
    pub fn decode<T: FromRow>(&self) -> Result<T, ApiError> {
        let text = self.json()?;
        T::from_row(&mut Columns::parse(&text)?)
    }

    /// A single column's value (what [`Db::value`] reads).
    fn decode_value<T: Field>(&self, column: &str) -> Result<T, ApiError> {
        T::read(Some(&self.json()?), column)
    }

    /// The JSON text of the value, as UTF-8. D1 answers numbers, text and
    /// null (the worker reads no BLOB column), all of which JSON carries as
    /// they are. The text crosses with `TextEncoder.encode` and one copy:
    /// wasm-bindgen's own string path walks an ASCII text a character at a
    /// time in JavaScript, which cost a GET a twentieth of its time.
    /// Not generic, so once in the wasm; `from_str` rather than `from_slice`
    /// keeps every row type on the one reader the other decodes use.
    #[inline(never)]
    fn json(&self) -> Result<String, ApiError> {
        let text = worker::js_sys::JSON::stringify(&self.0).map_err(|_| ApiError::internal("D1 row: not JSON"))?;
        utf8_string(&text)
    }

    /// A text column of a row object; none for NULL (or no such column).
    /// Not generic: no row type to derive for one column.
    pub fn text(&self, name: &str) -> Result<Option<String>, ApiError> {
        match self.column(name) {
            Some(value) if value.0.is_string() => utf8_string(&value.0).map(Some),
            Some(value) if !(value.0.is_null() || value.0.is_undefined()) => {
                Err(ApiError::internal(format!("D1 row: {name} is not text")))
            }
            _ => Ok(None),
        }
    }

    /// A whole-number column of a row object (a count), read as the number
    /// it is: no JSON text of the row, which may carry more (a token page's
    /// count row carries the newest DPC build).
    pub fn int(&self, name: &str) -> Result<i64, ApiError> {
        self.column(name)
            .and_then(|value| value.0.as_f64())
            .filter(|n| n.fract() == 0.0 && n.abs() <= MAX_SAFE_INTEGER as f64)
            .map(|n| n as i64)
            .ok_or_else(|| ApiError::internal(format!("D1 row: {name} is not a whole number")))
    }

    /// A column of a row object.
    fn column(&self, name: &str) -> Option<JsRow> {
        worker::js_sys::Reflect::get(&self.0, &JsValue::from_str(name))
            .ok()
            .map(JsRow)
    }
}

thread_local! {
    /// One `TextEncoder` and its `encode`, for every row this isolate reads.
    static ENCODER: RefCell<Option<(JsValue, worker::js_sys::Function)>> = const { RefCell::new(None) };
}

/// A JavaScript string as a Rust one, through [`utf8`].
fn utf8_string(text: &JsValue) -> Result<String, ApiError> {
    String::from_utf8(utf8(text)?).map_err(|_| ApiError::internal("D1 row: not UTF-8"))
}

/// The UTF-8 bytes of a JavaScript string.
fn utf8(text: &JsValue) -> Result<Vec<u8>, ApiError> {
    use wasm_bindgen::JsCast;
    use worker::js_sys::{global, Array, Function, Reflect, Uint8Array};
    let failed = |_| ApiError::internal("D1 row: no TextEncoder");
    let (encoder, encode) = match ENCODER.with(|e| e.borrow().clone()) {
        Some(found) => found,
        None => {
            let constructor: Function = Reflect::get(&global(), &"TextEncoder".into())
                .and_then(|c| c.dyn_into())
                .map_err(failed)?;
            let encoder = Reflect::construct(&constructor, &Array::new()).map_err(failed)?;
            let encode: Function = Reflect::get(&encoder, &"encode".into())
                .and_then(|f| f.dyn_into())
                .map_err(failed)?;
            ENCODER.with(|e| *e.borrow_mut() = Some((encoder.clone(), encode.clone())));
            (encoder, encode)
        }
    };
    let bytes = encode.call1(&encoder, text).map_err(failed)?;
    Ok(Uint8Array::new(&bytes).to_vec())
}

fn decode_rows<T: FromRow>(rows: &[JsRow]) -> Result<Vec<T>, ApiError> {
    rows.iter().map(JsRow::decode).collect()
}

/// A D1 call's promise awaited; its failure (thrown or rejected) as
/// [`d1_error`] words it.
async fn answer(promise: Result<Promise, JsValue>) -> Result<JsValue, ApiError> {
    JsFuture::from(promise.map_err(d1_error)?).await.map_err(d1_error)
}

/// A D1 failure in the log's words. D1's own errors ("D1_ERROR: ...")
/// carry the SQLite message in their cause: that is kept, and the line short.
fn d1_error(e: JsValue) -> ApiError {
    let msg = match e.dyn_ref::<worker::js_sys::Error>() {
        Some(err) if String::from(err.message()).starts_with("D1") => err
            .cause()
            .dyn_ref::<worker::js_sys::Error>()
            .map_or_else(|| "unknown error".to_string(), |cause| cause.message().into()),
        _ => crate::js::error_text(&e),
    };
    ApiError::Internal(format!("D1: {msg}"))
}

/// Is this D1 failure a UNIQUE constraint violation (e.g. a duplicate slug)?
/// Handlers can turn it into a 5209 instead of a 500.
pub fn is_unique_violation(err: &ApiError) -> bool {
    matches!(err, ApiError::Internal(msg) if msg.contains("UNIQUE constraint failed"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_macro_converts() {
        let name = String::from("acme");
        let none: Option<i64> = None;
        let json = serde_json::json!({"a": [1]});
        let p = params![1, "x", &name, none, Some(5u32), true, 1.5, &json];
        assert_eq!(
            p,
            &[
                Param::Int(1),
                Param::Text("x".into()),
                Param::Text("acme".into()),
                Param::Null,
                Param::Int(5),
                Param::Int(1),
                Param::Real(1.5),
                Param::Text(r#"{"a":[1]}"#.into()),
            ]
        );
        assert!(params![].is_empty());
    }

    #[test]
    fn unique_violation_detection() {
        assert!(is_unique_violation(&ApiError::Internal(
            "D1: D1_ERROR: UNIQUE constraint failed: organizations.slug: SQLITE_CONSTRAINT".into()
        )));
        assert!(!is_unique_violation(&ApiError::NotFound));
    }
}
