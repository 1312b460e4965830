//! The connection pool. One code path for SQLite and PostgreSQL through `sqlx::Any`;
//! backend differences stay in this module and the per-backend migration folders.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyArguments, AnyConnectOptions, AnyPoolOptions, AnyRow};
use sqlx::migrate::Migrator;
use sqlx::query::QueryAs;
use sqlx::{AnyPool, ConnectOptions, Executor};

pub type Db = sqlx::Any;
pub type Pool = AnyPool;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Self, sqlx::Error> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Self::Postgres)
        } else {
            Err(sqlx::Error::Configuration(
                "the database URL must start with sqlite: or postgres:".into(),
            ))
        }
    }
}

/// Every SQLite connection's settings. Checkpoints: see [`super::checkpoint`].
static SQLITE_SETTINGS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL; \
         PRAGMA wal_autocheckpoint = {};",
        super::checkpoint::AUTOCHECKPOINT_PAGES
    )
});

/// Whether `err` says the disk is full: SQLite's `SQLITE_FULL` (13), PostgreSQL's `disk_full`
/// (53100), or an I/O error out of space.
pub fn is_disk_full(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => {
            matches!(db.code().as_deref(), Some("13") | Some("53100"))
                || db.message().contains("database or disk is full")
        }
        sqlx::Error::Io(io) => io.kind() == std::io::ErrorKind::StorageFull,
        _ => false,
    }
}

/// Whether this server's database writes fail for lack of disk space: one per server (shared
/// by its audit writer, its server functions and `/readyz`), so that the failure is logged
/// once as an error, not on every request, and cleared once space is back.
#[derive(Clone, Default)]
pub struct DiskWatch {
    full: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// SQLite's directory, whose free space tells whether writes fit again.
    sqlite_dir: Option<std::path::PathBuf>,
}

/// Free space below this still counts as full: SQLite's log and a page or two must fit.
const SPACE_MARGIN: u64 = 1024 * 1024;

impl DiskWatch {
    /// For the database at `url`: a SQLite file's directory is watched for free space.
    pub fn for_url(url: &str) -> Self {
        let sqlite_dir = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .map(|rest| rest.split('?').next().unwrap_or(rest))
            .and_then(|file| std::path::Path::new(file).parent().map(|d| d.to_path_buf()))
            .map(|dir| {
                if dir.as_os_str().is_empty() {
                    ".".into()
                } else {
                    dir
                }
            });
        Self {
            full: Default::default(),
            sqlite_dir,
        }
    }

    /// A write failed for lack of space.
    pub fn report(&self, detail: &dyn std::fmt::Display) {
        if !self.full.swap(true, std::sync::atomic::Ordering::AcqRel) {
            tracing::error!(error = %detail, "the database's disk is full: changes and audited reads are refused until space is freed");
        }
    }

    /// A write committed, or space is back: if the disk was full, it is not any more.
    pub fn writes_work(&self) {
        if self.full.load(std::sync::atomic::Ordering::Acquire)
            && self.full.swap(false, std::sync::atomic::Ordering::AcqRel)
        {
            tracing::info!("the database's disk has space again: writes work");
        }
    }

    /// Whether the last write that failed for lack of space has not been followed by one that
    /// committed.
    pub fn is_full(&self) -> bool {
        self.full.load(std::sync::atomic::Ordering::Acquire)
    }

    /// While the disk is (or was last seen) full, whether space is back: for SQLite, the free
    /// space of its directory; for PostgreSQL, one small write, committed (it rewrites the
    /// change counter's row with its own value: nothing changes). `/readyz` asks, so that a
    /// server taken out of rotation comes back by itself.
    pub async fn probe(&self, pool: &Pool) -> bool {
        if !self.is_full() {
            return true;
        }
        let back = match &self.sqlite_dir {
            Some(dir) => free_bytes(dir).is_some_and(|free| free >= SPACE_MARGIN),
            None => async {
                let mut tx = begin_write(pool).await?;
                sqlx::query("UPDATE change_epoch SET n = n WHERE id = 1")
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await
            }
            .await
            .is_ok(),
        };
        if back {
            self.writes_work();
        }
        back
    }
}

/// Bytes free to an unprivileged writer on the filesystem of `dir`.
#[cfg(unix)]
fn free_bytes(dir: &std::path::Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    // SAFETY: `statvfs` reads the NUL-terminated path and writes only the struct it is given,
    // both of which live on this stack for the call.
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::statvfs(path.as_ptr(), &mut stat) } == 0;
    // The fields' types differ between platforms (u64 here, u32 on some).
    #[allow(clippy::useless_conversion)]
    let free = u64::from(stat.f_bavail).saturating_mul(u64::from(stat.f_frsize));
    ok.then_some(free)
}

#[cfg(not(unix))]
fn free_bytes(_: &std::path::Path) -> Option<u64> {
    None
}

/// Opens a pool for `url` (creating a SQLite file if needed).
pub async fn connect(url: &str, max_connections: u32) -> Result<Pool, sqlx::Error> {
    sqlx::any::install_default_drivers();
    let backend = Backend::from_url(url)?;
    let options = AnyConnectOptions::from_str(url)?.disable_statement_logging();
    let pool = AnyPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    conn.execute(SQLITE_SETTINGS.as_str()).await?;
                }
                Ok(())
            })
        })
        .after_release(move |conn, _meta| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    return sqlite_reusable(conn).await;
                }
                Ok(true)
            })
        })
        .connect_with(options)
        .await?;
    if backend == Backend::Sqlite {
        pool.execute("PRAGMA journal_mode = WAL;").await?;
    }
    Ok(pool)
}

/// Whether a SQLite connection given back to the pool may serve again: not if it still counts
/// itself inside a transaction once its pending rollback has run. SQLite rolls a transaction
/// back by itself when a write fails for lack of space (`SQLITE_FULL`) or on some I/O errors;
/// sqlx's rollback then fails ("no transaction is active") and sqlx keeps counting the
/// transaction, so every later `BEGIN IMMEDIATE` on that connection would fail
/// (`InvalidSavePointStatement`) long after the disk has space again. Such a connection is
/// closed instead, and the pool opens a fresh one.
async fn sqlite_reusable(conn: &mut sqlx::AnyConnection) -> Result<bool, sqlx::Error> {
    use sqlx::Connection;
    // Not counted as in a transaction: none is open, and none is waiting for its rollback.
    // This is every release but a dropped transaction's, and it costs no round trip.
    if !conn.is_in_transaction() {
        return Ok(true);
    }
    // The connection's thread runs commands in order: once this answers, the rollback that
    // dropping a transaction queued has run, or failed.
    conn.ping().await?;
    if conn.is_in_transaction() {
        tracing::warn!(
            "a database connection lost its transaction (disk full or I/O error); closing it"
        );
        return Ok(false);
    }
    Ok(true)
}

/// Applies the embedded migrations of the pool's backend.
pub async fn migrate(pool: &Pool, url: &str) -> Result<(), sqlx::migrate::MigrateError> {
    migrator(Backend::from_url(url)?).run(pool).await
}

fn migrator(backend: Backend) -> &'static Migrator {
    match backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    }
}

/// The database's schema against the migrations embedded in this binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    /// Every migration this binary knows is applied, and no other.
    Current,
    /// Every migration this binary knows is applied, and later ones too (a newer binary
    /// migrated the database during a rolling upgrade): this binary still serves it.
    Newer,
    /// A migration this binary knows is not applied yet.
    Pending,
    /// A migration started and failed: the schema is in an unknown state.
    Failed,
}

/// Reads the applied migrations (one query, so it also proves the database answers).
pub async fn schema(pool: &Pool) -> Result<Schema, sqlx::Error> {
    let applied: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT version, CAST(CASE WHEN success THEN 1 ELSE 0 END AS BIGINT) FROM _sqlx_migrations",
    )
    .fetch_all(pool)
    .await?;
    let applied: Vec<(i64, bool)> = applied.into_iter().map(|(v, ok)| (v, ok == 1)).collect();
    Ok(schema_of(backend(pool), &applied))
}

/// Compares `applied` (version, succeeded) with the backend's embedded migrations.
pub fn schema_of(backend: Backend, applied: &[(i64, bool)]) -> Schema {
    let known: Vec<i64> = migrator(backend)
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .map(|m| m.version)
        .collect();
    classify(&known, applied)
}

fn classify(known: &[i64], applied: &[(i64, bool)]) -> Schema {
    if applied.iter().any(|(_, ok)| !ok) {
        Schema::Failed
    } else if known.iter().any(|k| !applied.iter().any(|(v, _)| v == k)) {
        Schema::Pending
    } else if applied.iter().any(|(v, _)| !known.contains(v)) {
        Schema::Newer
    } else {
        Schema::Current
    }
}

/// Starts a transaction that will write. On SQLite it takes the connection, then this
/// process's turn to write ([`super::write_turn`]), then the write lock up front
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads and then writes fails at once with
/// "database is locked" when another writer (the audit writer, say) got in between.
pub async fn begin_write(pool: &Pool) -> Result<WriteTx, sqlx::Error> {
    if !is_sqlite(pool) {
        return Ok(WriteTx {
            tx: pool.begin().await?,
            _turn: None,
        });
    }
    let conn = pool.acquire().await?;
    let turn = write_turn(pool).await?;
    // What `Pool::begin_with` does, on the connection taken before the turn.
    let tx = sqlx::Transaction::begin(conn, Some(BEGIN_IMMEDIATE.into())).await?;
    Ok(WriteTx { tx, _turn: turn })
}

/// On SQLite, waits for this process's next turn to write to the pool's database (see
/// [`super::write_turn`]); `None` on PostgreSQL. Take the connection first.
pub async fn write_turn(pool: &Pool) -> Result<Option<super::write_turn::Turn>, sqlx::Error> {
    if !is_sqlite(pool) {
        return Ok(None);
    }
    let url = pool.connect_options().database_url.to_string();
    super::write_turn::take(&url).await.map(Some)
}

/// A write transaction from [`begin_write`], holding (on SQLite) the process's turn to write
/// until it commits or is dropped. It is used as the connection it writes on.
pub struct WriteTx {
    // Dropped first: the rollback is queued before the next writer's turn begins.
    tx: sqlx::Transaction<'static, Db>,
    _turn: Option<super::write_turn::Turn>,
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

/// [`begin_write`] on a connection the caller already holds (the audit writer keeps one).
pub async fn begin_write_on(
    conn: &mut sqlx::AnyConnection,
    sqlite: bool,
) -> Result<sqlx::Transaction<'_, Db>, sqlx::Error> {
    if sqlite {
        sqlx::Connection::begin_with(conn, BEGIN_IMMEDIATE).await
    } else {
        sqlx::Connection::begin(conn).await
    }
}

const BEGIN_IMMEDIATE: &str = "BEGIN IMMEDIATE";

pub fn is_sqlite(pool: &Pool) -> bool {
    pool.connect_options()
        .database_url
        .scheme()
        .starts_with("sqlite")
}

fn backend(pool: &Pool) -> Backend {
    if is_sqlite(pool) {
        Backend::Sqlite
    } else {
        Backend::Postgres
    }
}

/// The suffix that locks the rows a `SELECT` reads until the transaction ends: `FOR UPDATE`
/// on PostgreSQL; nothing on SQLite, where a write transaction (`BEGIN IMMEDIATE`) already
/// excludes every other writer.
pub fn lock_rows(pool: &Pool) -> &'static str {
    if is_sqlite(pool) {
        ""
    } else {
        " FOR UPDATE"
    }
}

/// `%text%` for a case-insensitive `LIKE ... ESCAPE '\\'` on lowercased columns, with LIKE's
/// own wildcards in `query` escaped so that user input only ever matches literally.
pub fn like_contains(query: &str) -> String {
    let mut pattern = String::with_capacity(query.len() + 2);
    pattern.push('%');
    for c in query.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// A workspace search: `sql` with `$1` the workspace, `$2` the trimmed search text (empty
/// matches everything) and `$3` its [`like_contains`] pattern; page bounds bind after.
pub fn searched<'q, O>(
    sql: &'q str,
    workspace_id: i64,
    query: &'q str,
) -> QueryAs<'q, Db, O, AnyArguments<'q>>
where
    O: for<'r> sqlx::FromRow<'r, AnyRow>,
{
    sqlx::query_as(sql)
        .bind(workspace_id)
        .bind(query.trim())
        .bind(like_contains(query))
}

#[cfg(test)]
mod tests {
    use super::{classify, free_bytes, like_contains, DiskWatch, Schema};

    #[test]
    fn a_sqlite_database_is_watched_in_its_directory() {
        let dir = |url: &str| DiskWatch::for_url(url).sqlite_dir;
        assert_eq!(
            dir("sqlite:///var/lib/vault/vault.db?mode=rwc"),
            Some("/var/lib/vault".into())
        );
        assert_eq!(dir("sqlite://data/vault.db"), Some("data".into()));
        assert_eq!(dir("sqlite:vault.db"), Some(".".into()));
        assert_eq!(dir("postgres://localhost/vault"), None);
    }

    /// A SQLite connection whose transaction SQLite ended by itself (as on `SQLITE_FULL`;
    /// here a raw `ROLLBACK` inside the transaction does the same) is not reused.
    #[tokio::test]
    async fn a_connection_whose_transaction_sqlite_rolled_back_is_not_reused() {
        let dir = std::env::temp_dir().join(format!("vault-lost-tx-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.join("t.db").display());
        let pool = super::connect(&url, 1).await.unwrap();
        sqlx::query("CREATE TABLE t (v TEXT)")
            .execute(&pool)
            .await
            .unwrap();
        {
            let mut tx = super::begin_write(&pool).await.unwrap();
            sqlx::query("INSERT INTO t VALUES ('lost')")
                .execute(&mut *tx)
                .await
                .unwrap();
            // SQLite ends the transaction; sqlx still counts it.
            sqlx::query("ROLLBACK").execute(&mut *tx).await.unwrap();
        }
        // The pool's one connection comes back (or is replaced): a write works again.
        let mut tx = super::begin_write(&pool)
            .await
            .expect("a write transaction begins");
        sqlx::query("INSERT INTO t VALUES ('kept')")
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let rows: Vec<String> = sqlx::query_scalar("SELECT v FROM t")
            .fetch_all(&pool)
            .await
            .unwrap();
        assert_eq!(rows, ["kept"]);
        pool.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn free_space_is_read_from_the_filesystem() {
        assert!(free_bytes(std::path::Path::new("/")).is_some_and(|b| b > 0));
        assert_eq!(free_bytes(std::path::Path::new("/no/such/dir")), None);
    }

    #[test]
    fn a_schema_is_current_only_with_every_known_migration_applied_and_none_failed() {
        let known = [1, 2, 3];
        let ok = |v: &[i64]| v.iter().map(|&v| (v, true)).collect::<Vec<_>>();
        assert_eq!(classify(&known, &ok(&[1, 2, 3])), Schema::Current);
        assert_eq!(classify(&known, &ok(&[1, 3])), Schema::Pending);
        assert_eq!(classify(&known, &ok(&[1, 2, 3, 4])), Schema::Newer);
        assert_eq!(
            classify(&known, &[(1, true), (2, true), (3, false)]),
            Schema::Failed
        );
        assert_eq!(classify(&known, &[]), Schema::Pending);
    }

    #[test]
    fn search_text_cannot_inject_like_wildcards() {
        assert_eq!(like_contains(" Stripe "), "%stripe%");
        assert_eq!(like_contains("a_b%"), "%a\\_b\\%%");
    }
}
