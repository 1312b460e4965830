//! The migrations embedded in this binary, one folder per backend, and the database's schema
//! measured against them.

use sqlx::migrate::Migrator;

use super::backend::{backend, Backend, Pool};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

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

#[cfg(test)]
mod tests {
    use crate::domain::db::schema::{classify, Schema};

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
}
