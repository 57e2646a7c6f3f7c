//! Statements written once for both engines (issue 16): the table modules pass SQL in the
//! subset SQLite and PostgreSQL share, with `?1`, `?2`… placeholders (rewritten `$1`, `$2`…
//! for PostgreSQL), values as [`Value`], and read rows as [`Row`]s of values, whichever engine
//! is under the [`Db`]. A module moves to these calls from `db.conn()` (SQLite only) one at a
//! time; the store's tests of a moved module run on both engines ([`crate::test_util`]).
//!
//! The engines agree on the values Fidelia stores: integers (`INTEGER` / `BIGINT`, read as
//! `i64`; a flag is 0 or 1), text (instants and days included), reals and bytes.
//!
//! What the shared subset asks of a statement: a parameter PostgreSQL cannot type from where
//! it stands (one only tested with `IS NULL`) is written `CAST(?N AS BIGINT)`; a `sum()` of
//! integers, which PostgreSQL makes `numeric`, is cast to `BIGINT`; `ON CONFLICT … DO UPDATE …
//! WHERE` names the table's columns with the table (`settings.value`); no `INSERT OR …`, no
//! SQLite date functions (those go in a dialect function).

use std::borrow::Cow;
use std::cell::RefCell;

use crate::{Db, Result, StoreError};

/// A value bound to a statement or read from a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(Cow<'a, str>),
    Blob(Cow<'a, [u8]>),
}

impl From<i64> for Value<'_> {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<bool> for Value<'_> {
    fn from(v: bool) -> Self {
        Value::Int(v as i64)
    }
}
impl From<f64> for Value<'_> {
    fn from(v: f64) -> Self {
        Value::Real(v)
    }
}
impl<'a> From<&'a str> for Value<'a> {
    fn from(v: &'a str) -> Self {
        Value::Text(Cow::Borrowed(v))
    }
}
impl<'a> From<&'a String> for Value<'a> {
    fn from(v: &'a String) -> Self {
        Value::Text(Cow::Borrowed(v))
    }
}
impl From<String> for Value<'_> {
    fn from(v: String) -> Self {
        Value::Text(Cow::Owned(v))
    }
}
impl<'a, T: Into<Value<'a>>> From<Option<T>> for Value<'a> {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// The values of a statement: `vals![id.0, d.name, d.active]`.
#[macro_export]
macro_rules! vals {
    ($($v:expr),* $(,)?) => { [$($crate::sql::Value::from($v)),*] };
}

/// A Rust value read from a column.
pub trait FromValue: Sized {
    fn from_value(v: Value<'static>) -> Option<Self>;
}
impl FromValue for i64 {
    fn from_value(v: Value<'static>) -> Option<Self> {
        match v {
            Value::Int(i) => Some(i),
            _ => None,
        }
    }
}
/// Smaller integers (scores, counts), when the stored value fits.
macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(v: Value<'static>) -> Option<Self> {
                i64::from_value(v).and_then(|i| <$t>::try_from(i).ok())
            }
        }
    )*};
}
from_int!(u8, u16, u32, i32, u64, usize);

impl FromValue for bool {
    fn from_value(v: Value<'static>) -> Option<Self> {
        i64::from_value(v).map(|i| i != 0)
    }
}
impl FromValue for f64 {
    fn from_value(v: Value<'static>) -> Option<Self> {
        match v {
            Value::Real(r) => Some(r),
            Value::Int(i) => Some(i as f64),
            _ => None,
        }
    }
}
impl FromValue for String {
    fn from_value(v: Value<'static>) -> Option<Self> {
        match v {
            Value::Text(t) => Some(t.into_owned()),
            _ => None,
        }
    }
}
impl FromValue for Vec<u8> {
    fn from_value(v: Value<'static>) -> Option<Self> {
        match v {
            Value::Blob(b) => Some(b.into_owned()),
            _ => None,
        }
    }
}
impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: Value<'static>) -> Option<Self> {
        match v {
            Value::Null => Some(None),
            v => T::from_value(v).map(Some),
        }
    }
}

/// One row read, its columns in the statement's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Row(Vec<Value<'static>>);

impl Row {
    /// Every column's value, in order.
    pub fn values(&self) -> &[Value<'static>] {
        &self.0
    }

    /// Column `i` as a `T`; an error names the column and what it held.
    pub fn get<T: FromValue>(&self, i: usize) -> Result<T> {
        let v = self.0.get(i).unwrap_or(&Value::Null);
        T::from_value(v.clone()).ok_or_else(|| {
            StoreError::Column(format!(
                "column {i} holds {v:?}, not a {}",
                std::any::type_name::<T>()
            ))
        })
    }
}

/// `?1`, `?2`… as PostgreSQL writes them (`$1`, `$2`…), outside quoted text and names.
pub(crate) fn pg_placeholders(sql: &str) -> Cow<'_, str> {
    if !sql.contains('?') {
        return Cow::Borrowed(sql);
    }
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    for c in sql.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            (None, '?') => {
                out.push('$');
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    Cow::Owned(out)
}

/// What the engines write differently, as SQL fragments: the one place a statement names an
/// engine's own function (`Db::dialect`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Dialect {
    pg: bool,
}

impl Dialect {
    /// The values of `expr` in a group joined with the character `sep`, in no set order.
    pub fn group_concat(self, expr: &str, sep: char) -> String {
        let code = sep as u32;
        match self.pg {
            false => format!("group_concat({expr}, char({code}))"),
            true => format!("string_agg({expr}, chr({code}))"),
        }
    }

    /// `table` read through `index` where the engine lets a statement name it (SQLite's
    /// `INDEXED BY`; PostgreSQL's planner chooses).
    pub fn indexed_by(self, table: &str, index: &str) -> String {
        match self.pg {
            false => format!("{table} INDEXED BY {index}"),
            true => table.to_owned(),
        }
    }

    /// Where `needle` first appears in `hay`, from 1; 0 when it does not.
    pub fn instr(self, hay: &str, needle: &str) -> String {
        match self.pg {
            false => format!("instr({hay}, {needle})"),
            true => format!("strpos({hay}, {needle})"),
        }
    }

    /// The text values of a JSON array given as the parameter `param` (`?1`), as a subquery's
    /// rows (`x IN (…)`).
    pub fn json_texts(self, param: &str) -> String {
        match self.pg {
            false => format!("SELECT value FROM json_each({param})"),
            true => format!("SELECT json_array_elements_text(CAST(CAST({param} AS text) AS json))"),
        }
    }

    /// `expr` is one of the texts of a JSON array given as the parameter `param`, written so
    /// that the engine can take an index on `expr`: PostgreSQL plans `IN (SELECT
    /// json_array_elements_text(…))` for a hundred values and joins them by hash after reading
    /// the whole table, and an array (`= ANY (ARRAY(…))`) through the index.
    pub fn in_json_texts(self, expr: &str, param: &str) -> String {
        match self.pg {
            false => format!("{expr} IN (SELECT value FROM json_each({param}))"),
            true => format!(
                "{expr} = ANY (ARRAY(SELECT json_array_elements_text(CAST(CAST({param} AS text) AS json))))"
            ),
        }
    }

    /// The integers of a JSON array given as the parameter `param`, as a subquery's rows
    /// (`id IN (…)`: ids read in one statement rather than one each).
    pub fn json_ints(self, param: &str) -> String {
        match self.pg {
            false => format!("SELECT value FROM json_each({param})"),
            true => format!(
                "SELECT CAST(json_array_elements_text(CAST(CAST({param} AS text) AS json)) AS BIGINT)"
            ),
        }
    }

    /// The rows of a JSON array of arrays given as the parameter `param`, as a subquery
    /// whose columns are `cols` in the arrays' order (`true`: an integer; `false`: text or
    /// NULL): many rows written by one statement rather than one each.
    pub fn json_rows(self, param: &str, cols: &[(&str, bool)]) -> String {
        let picked: Vec<String> = cols
            .iter()
            .enumerate()
            .map(|(i, (name, int))| match (self.pg, int) {
                (false, _) => format!("json_extract(value, '$[{i}]') AS {name}"),
                (true, true) => format!("CAST(e ->> {i} AS BIGINT) AS {name}"),
                (true, false) => format!("e ->> {i} AS {name}"),
            })
            .collect();
        match self.pg {
            false => format!("SELECT {} FROM json_each({param})", picked.join(", ")),
            true => format!(
                "SELECT {} FROM json_array_elements(CAST(CAST({param} AS text) AS json)) AS e",
                picked.join(", ")
            ),
        }
    }

    /// An instant stored as text (`ts`) moved by `minutes` (an integer expression), in the
    /// same text form: comparable with other instants.
    pub fn plus_minutes(self, instant: &str, minutes: &str) -> String {
        match self.pg {
            false => format!("strftime('%Y-%m-%dT%H:%M:%SZ', {instant}, ({minutes}) || ' minutes')"),
            true => format!(
                "to_char((CAST(CAST({instant} AS text) AS timestamptz) + ({minutes}) * interval '1 minute') AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
            ),
        }
    }
}

/// A PostgreSQL session a [`Db`] runs on: a transaction, or a connection outside one.
pub(crate) trait PgSession {
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, postgres::Error>;
    fn rows(&mut self, sql: &str, params: &[Value]) -> Result<Vec<postgres::Row>, postgres::Error>;
    fn columns(&mut self, sql: &str) -> Result<Vec<String>, postgres::Error>;
    /// Runs a `COPY … FROM STDIN` with `data`; the rows copied.
    fn copy_in(&mut self, sql: &str, data: &[u8]) -> Result<u64>;
}

fn pg_params<'v>(params: &'v [Value<'v>]) -> Vec<&'v (dyn postgres::types::ToSql + Sync)> {
    params
        .iter()
        .map(|v| v as &(dyn postgres::types::ToSql + Sync))
        .collect()
}

/// A transaction, or a connection outside one.
impl<C: postgres::GenericClient> PgSession for C {
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, postgres::Error> {
        postgres::GenericClient::execute(self, &*pg_placeholders(sql), &pg_params(params))
    }
    fn rows(&mut self, sql: &str, params: &[Value]) -> Result<Vec<postgres::Row>, postgres::Error> {
        self.query(&*pg_placeholders(sql), &pg_params(params))
    }
    fn columns(&mut self, sql: &str) -> Result<Vec<String>, postgres::Error> {
        let st = self.prepare(&pg_placeholders(sql))?;
        Ok(st.columns().iter().map(|c| c.name().to_owned()).collect())
    }
    fn copy_in(&mut self, sql: &str, data: &[u8]) -> Result<u64> {
        self.copy_in_all(sql, data)
    }
}

/// `COPY … FROM STDIN` with all of `data`, on a connection or a transaction.
trait CopyIn {
    fn copy_in_all(&mut self, sql: &str, data: &[u8]) -> Result<u64>;
}

impl<C: postgres::GenericClient> CopyIn for C {
    fn copy_in_all(&mut self, sql: &str, data: &[u8]) -> Result<u64> {
        use std::io::Write;
        let mut w = postgres::GenericClient::copy_in(self, sql)?;
        w.write_all(data)?;
        Ok(w.finish()?)
    }
}

/// A server connection's prepared statements, by SQL (each statement is prepared once per
/// connection: one round trip to the server instead of two). Bounded: emptied when full.
#[derive(Default)]
pub(crate) struct Statements(std::collections::HashMap<String, postgres::Statement>);

impl Statements {
    const MAX: usize = 1_000;

    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }
}

/// A server connection with its prepared statements: the session of [`crate::Store`].
pub(crate) struct Cached<'s> {
    client: postgres::Client,
    statements: &'s mut Statements,
    /// Whether a statement changed a row (a write that changed nothing is not announced).
    changed: bool,
}

impl<'s> Cached<'s> {
    pub(crate) fn new(client: postgres::Client, statements: &'s mut Statements) -> Self {
        Cached {
            client,
            statements,
            changed: false,
        }
    }

    /// The connection back, and whether any statement changed a row.
    pub(crate) fn into_client(self) -> (postgres::Client, bool) {
        (self.client, self.changed)
    }

    fn statement(&mut self, sql: &str) -> Result<postgres::Statement, postgres::Error> {
        if let Some(st) = self.statements.0.get(sql) {
            return Ok(st.clone());
        }
        let st = self.client.prepare(&pg_placeholders(sql))?;
        if self.statements.0.len() >= Statements::MAX {
            self.statements.0.clear();
        }
        self.statements.0.insert(sql.to_owned(), st.clone());
        Ok(st)
    }
}

impl PgSession for Cached<'_> {
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, postgres::Error> {
        let st = self.statement(sql)?;
        let n = self.client.execute(&st, &pg_params(params))?;
        self.changed |= n > 0;
        Ok(n)
    }
    fn rows(&mut self, sql: &str, params: &[Value]) -> Result<Vec<postgres::Row>, postgres::Error> {
        let st = self.statement(sql)?;
        let rows = self.client.query(&st, &pg_params(params))?;
        // An INSERT … RETURNING that returned a row inserted it.
        let writes = ["INSERT", "UPDATE", "DELETE"].iter().any(|w| {
            sql.trim_start()
                .get(..w.len())
                .is_some_and(|s| s.eq_ignore_ascii_case(w))
        });
        self.changed |= writes && !rows.is_empty();
        Ok(rows)
    }
    fn columns(&mut self, sql: &str) -> Result<Vec<String>, postgres::Error> {
        let st = self.statement(sql)?;
        Ok(st.columns().iter().map(|c| c.name().to_owned()).collect())
    }
    fn copy_in(&mut self, sql: &str, data: &[u8]) -> Result<u64> {
        let n = self.client.copy_in_all(sql, data)?;
        self.changed |= n > 0;
        Ok(n)
    }
}

/// The connection under a [`Db`].
pub(crate) enum Engine<'c> {
    Sqlite(&'c rusqlite::Connection),
    Pg(&'c RefCell<dyn PgSession + 'c>),
}

impl Db<'_> {
    /// What this engine writes its own way.
    pub(crate) fn dialect(&self) -> Dialect {
        Dialect {
            pg: matches!(self.engine, Engine::Pg(_)),
        }
    }

    /// Runs a statement; the rows it changed.
    pub(crate) fn execute(&self, sql: &str, params: &[Value]) -> Result<usize> {
        match &self.engine {
            Engine::Sqlite(c) => Ok(c
                .prepare_cached(sql)?
                .execute(rusqlite::params_from_iter(params))?),
            Engine::Pg(s) => Ok(s.borrow_mut().execute(sql, params)? as usize),
        }
    }

    /// Inserts a row and returns its `id`.
    pub(crate) fn insert(&self, sql: &str, params: &[Value]) -> Result<i64> {
        self.insert_new(sql, params)?.ok_or(StoreError::NotFound)
    }

    /// Inserts a row unless a conflict clause (`ON CONFLICT … DO NOTHING`) skipped it: its
    /// `id`, or `None` when nothing was inserted.
    pub(crate) fn insert_new(&self, sql: &str, params: &[Value]) -> Result<Option<i64>> {
        match &self.engine {
            Engine::Sqlite(c) => {
                let n = c
                    .prepare_cached(sql)?
                    .execute(rusqlite::params_from_iter(params))?;
                Ok((n == 1).then(|| c.last_insert_rowid()))
            }
            Engine::Pg(s) => {
                let rows = s
                    .borrow_mut()
                    .rows(&format!("{sql} RETURNING id"), params)?;
                Ok(rows.first().map(|r| r.get(0)))
            }
        }
    }

    /// Every row of a query.
    pub(crate) fn rows(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        let mut out = Vec::new();
        self.each(sql, params, |r| {
            out.push(r.clone());
            Ok(())
        })?;
        Ok(out)
    }

    /// Every row of a query, each read by `read` as it comes (no row kept, none copied).
    pub(crate) fn map_rows<T>(
        &self,
        sql: &str,
        params: &[Value],
        mut read: impl FnMut(&Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.each(sql, params, |r| {
            out.push(read(r)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// The first column of the one row a query gives (a count, a sum, an id); `NotFound`
    /// when it gives none.
    pub(crate) fn value<T: FromValue>(&self, sql: &str, params: &[Value]) -> Result<T> {
        self.row(sql, params)?.ok_or(StoreError::NotFound)?.get(0)
    }

    /// Reads every row of a query in turn (the dashboard reads hundreds of thousands): `f`
    /// sees one row at a time. SQLite's rows are not kept; PostgreSQL's are fetched first
    /// (`f` may query the database again), to be streamed by a cursor when the server mode
    /// reads such volumes.
    pub(crate) fn each(
        &self,
        sql: &str,
        params: &[Value],
        mut f: impl FnMut(&Row) -> Result<()>,
    ) -> Result<()> {
        let mut row = Row(Vec::new());
        match &self.engine {
            Engine::Sqlite(c) => {
                let mut st = c.prepare_cached(sql)?;
                let n = st.column_count();
                let mut rows = st.query(rusqlite::params_from_iter(params))?;
                while let Some(r) = rows.next()? {
                    row.0.clear();
                    for i in 0..n {
                        row.0.push(from_sqlite(r.get_ref(i)?));
                    }
                    f(&row)?;
                }
            }
            Engine::Pg(s) => {
                // Fetched before `f` runs: `f` may query the database again.
                let fetched = s.borrow_mut().rows(sql, params)?;
                for r in fetched {
                    row.0.clear();
                    for i in 0..r.len() {
                        row.0.push(r.try_get::<_, PgValue>(i)?.0);
                    }
                    f(&row)?;
                }
            }
        }
        Ok(())
    }

    /// The names of the columns a query gives, in order (it is prepared, not run).
    pub(crate) fn columns(&self, sql: &str) -> Result<Vec<String>> {
        match &self.engine {
            Engine::Sqlite(c) => Ok(c
                .prepare_cached(sql)?
                .column_names()
                .into_iter()
                .map(str::to_owned)
                .collect()),
            Engine::Pg(s) => Ok(s.borrow_mut().columns(sql)?),
        }
    }

    /// Inserts `rows` (values in the order of `columns`) into `table` as they are, ids
    /// included: a prepared `INSERT` per row on SQLite, one `COPY` on a server.
    pub(crate) fn insert_rows(
        &self,
        table: &str,
        columns: &[String],
        rows: &[Vec<Value<'static>>],
    ) -> Result<()> {
        match &self.engine {
            Engine::Sqlite(c) => {
                let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
                let mut st = c.prepare_cached(&format!(
                    "INSERT INTO {table} ({}) VALUES ({})",
                    columns.join(", "),
                    marks.join(", ")
                ))?;
                for row in rows {
                    st.execute(rusqlite::params_from_iter(row))?;
                }
            }
            Engine::Pg(s) => {
                let mut data = Vec::new();
                for row in rows {
                    for (i, v) in row.iter().enumerate() {
                        if i > 0 {
                            data.push(b',');
                        }
                        copy_csv(&mut data, v);
                    }
                    data.push(b'\n');
                }
                s.borrow_mut().copy_in(
                    &format!(
                        "COPY {table} ({}) FROM STDIN (FORMAT csv)",
                        columns.join(", ")
                    ),
                    &data,
                )?;
            }
        }
        Ok(())
    }

    /// After rows were inserted with their ids: new rows of `table` get ids after the
    /// highest. SQLite does so by itself; a server's identity sequence is moved on.
    pub(crate) fn continue_ids(&self, table: &str) -> Result<()> {
        if let Engine::Pg(_) = self.engine {
            // Only a table numbered by the server (an identity column; not one keyed by text).
            let sequence: Option<String> = self.value(
                &format!("SELECT CAST(pg_get_serial_sequence('{table}', 'id') AS TEXT)"),
                &[],
            )?;
            if let Some(sequence) = sequence {
                self.value::<i64>(
                    &format!(
                        "SELECT setval('{sequence}', coalesce(max(id), 0) + 1, false) FROM {table}"
                    ),
                    &[],
                )?;
            }
        }
        Ok(())
    }

    /// The first row of a query, if any.
    pub(crate) fn row(&self, sql: &str, params: &[Value]) -> Result<Option<Row>> {
        Ok(self.rows(sql, params)?.into_iter().next())
    }
}

/// A value as a field of PostgreSQL's `COPY … (FORMAT csv)`: nothing for NULL, text quoted
/// (so that an empty text is not NULL), bytes as `\x` and hex.
fn copy_csv(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => {}
        Value::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Value::Real(r) => out.extend_from_slice(format!("{r:?}").as_bytes()),
        Value::Text(t) => {
            out.push(b'"');
            for &b in t.as_bytes() {
                if b == b'"' {
                    out.push(b'"');
                }
                out.push(b);
            }
            out.push(b'"');
        }
        Value::Blob(b) => {
            out.extend_from_slice(b"\"\\x");
            for byte in b.iter() {
                out.extend_from_slice(format!("{byte:02x}").as_bytes());
            }
            out.push(b'"');
        }
    }
}

fn from_sqlite(v: rusqlite::types::ValueRef) -> Value<'static> {
    use rusqlite::types::ValueRef as V;
    match v {
        V::Null => Value::Null,
        V::Integer(i) => Value::Int(i),
        V::Real(r) => Value::Real(r),
        V::Text(t) => Value::Text(Cow::Owned(String::from_utf8_lossy(t).into_owned())),
        V::Blob(b) => Value::Blob(Cow::Owned(b.to_vec())),
    }
}

impl rusqlite::ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => ValueRef::Null,
            Value::Int(i) => ValueRef::Integer(*i),
            Value::Real(r) => ValueRef::Real(*r),
            Value::Text(t) => ValueRef::Text(t.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

/// A value as PostgreSQL takes it: converted to the type the server gives the parameter
/// (an integer to `int4` where the server wants one, a flag to `bool`…).
impl postgres::types::ToSql for Value<'_> {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::{IsNull, Type};
        match (self, ty) {
            (Value::Null, _) => Ok(IsNull::Yes),
            (Value::Int(i), &Type::INT8) => i.to_sql(ty, out),
            (Value::Int(i), &Type::INT4) => i32::try_from(*i)?.to_sql(ty, out),
            (Value::Int(i), &Type::INT2) => i16::try_from(*i)?.to_sql(ty, out),
            (Value::Int(i), &Type::BOOL) => (*i != 0).to_sql(ty, out),
            (Value::Int(i), &Type::FLOAT8) => (*i as f64).to_sql(ty, out),
            (Value::Real(r), &Type::FLOAT4) => (*r as f32).to_sql(ty, out),
            (Value::Real(r), &Type::FLOAT8) => r.to_sql(ty, out),
            (
                Value::Text(t),
                &Type::TEXT | &Type::VARCHAR | &Type::BPCHAR | &Type::NAME | &Type::UNKNOWN,
            ) => t.as_ref().to_sql(ty, out),
            (Value::Blob(b), &Type::BYTEA) => b.as_ref().to_sql(ty, out),
            // Sent as is, it would be read as something else (text bytes as an integer…).
            (v, ty) => Err(format!(
                "{v:?} bound where the server wants a {ty}: cast the parameter in the SQL"
            )
            .into()),
        }
    }
    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }
    postgres::types::to_sql_checked!();
}

/// A column read from PostgreSQL as a [`Value`].
struct PgValue(Value<'static>);

impl<'r> postgres::types::FromSql<'r> for PgValue {
    fn from_sql(
        ty: &postgres::types::Type,
        raw: &'r [u8],
    ) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::Type;
        Ok(PgValue(match *ty {
            Type::INT8 => Value::Int(i64::from_sql(ty, raw)?),
            Type::INT4 => Value::Int(i32::from_sql(ty, raw)? as i64),
            Type::INT2 => Value::Int(i16::from_sql(ty, raw)? as i64),
            Type::BOOL => Value::Int(bool::from_sql(ty, raw)? as i64),
            Type::FLOAT8 => Value::Real(f64::from_sql(ty, raw)?),
            Type::FLOAT4 => Value::Real(f32::from_sql(ty, raw)? as f64),
            Type::BYTEA => Value::Blob(Cow::Owned(Vec::<u8>::from_sql(ty, raw)?)),
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
                Value::Text(Cow::Owned(String::from_sql(ty, raw)?))
            }
            _ => return Err(format!("a column of type {ty}: cast it in the SQL").into()),
        }))
    }
    fn from_sql_null(
        _: &postgres::types::Type,
    ) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(PgValue(Value::Null))
    }
    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::on_each_engine;

    /// Each fragment gives the same answer on both engines.
    #[test]
    fn the_dialects_agree() {
        on_each_engine(|db| {
            let d = db.dialect();
            let one = |sql: String, params: &[Value]| -> Row {
                db.row(&sql, params).unwrap().expect("a row")
            };
            let r = one(
                format!(
                    "SELECT {}, {}, {}",
                    d.instr("'luna perro'", "'perro'"),
                    d.instr("'luna'", "'gato'"),
                    d.plus_minutes("?1", "90")
                ),
                &vals!["2026-12-31T23:00:00Z"],
            );
            assert_eq!(r.get::<i64>(0).unwrap(), 6);
            assert_eq!(r.get::<i64>(1).unwrap(), 0);
            assert_eq!(r.get::<String>(2).unwrap(), "2027-01-01T00:30:00Z");
            let r = one(
                format!("SELECT {}", d.plus_minutes("'2026-03-01T00:10:00Z'", "-20")),
                &[],
            );
            assert_eq!(r.get::<String>(0).unwrap(), "2026-02-28T23:50:00Z");
            let n: i64 = one(
                format!(
                    "SELECT count(*) FROM (SELECT 1) AS t WHERE '12-24' IN ({})",
                    d.json_texts("?1")
                ),
                &vals![r#"["12-23","12-24"]"#],
            )
            .get(0)
            .unwrap();
            assert_eq!(n, 1);
            let joined: String = one(
                format!(
                    "SELECT {} FROM (SELECT 'Luna' AS n UNION ALL SELECT 'Michi') AS t",
                    d.group_concat("n", '\u{1f}')
                ),
                &[],
            )
            .get(0)
            .unwrap();
            let mut names: Vec<&str> = joined.split('\u{1f}').collect();
            names.sort();
            assert_eq!(names, ["Luna", "Michi"]);
            let ints = d.json_ints("?1");
            let r = one(
                format!("SELECT 5 IN ({ints}), 7 IN ({ints}), 12345678901 IN ({ints})"),
                &vals!["[3, 5, 12345678901]"],
            );
            assert_eq!(
                (0..3)
                    .map(|i| r.get::<bool>(i).unwrap())
                    .collect::<Vec<_>>(),
                [true, false, true]
            );
        });
    }

    #[test]
    fn placeholders_are_rewritten_outside_quotes() {
        assert_eq!(
            pg_placeholders("SELECT a FROM t WHERE b = ?1 AND c = '?2' AND \"d?\" = ?12"),
            "SELECT a FROM t WHERE b = $1 AND c = '?2' AND \"d?\" = $12"
        );
        assert!(matches!(pg_placeholders("SELECT 1"), Cow::Borrowed(_)));
    }
}
