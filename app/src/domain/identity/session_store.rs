//! Dashboard sessions kept in the application database (SQLite or PostgreSQL), so that
//! any server instance can serve any request.
//!
//! Rows are keyed by the SHA-256 of the session id: the cookie holds the id, the database
//! only its hash, so a copy of the database signs nobody in. Each row also carries the
//! user it belongs to, so that all sessions of a user can be ended at once
//! ([`crate::domain::admin::sign_out`]).

use async_trait::async_trait;
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

use crate::domain::db::Pool;
use crate::domain::{now, DomainError};

/// The session key holding the signed-in user's id (also copied to `sessions.user_id`).
pub const USER_ID_KEY: &str = "uid";

/// Deletes every session of `user_id` except `keep`; returns how many ended.
pub async fn delete_for_user(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    keep: Option<&Id>,
) -> Result<u64, DomainError> {
    let keep = keep.map(storage_key).unwrap_or_default();
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
        .bind(user_id)
        .bind(keep)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}

#[derive(Clone, Debug)]
pub struct DbSessionStore {
    pool: Pool,
}

impl DbSessionStore {
    pub fn new(pool: Pool) -> Self {
        Self { pool }
    }

    /// Removes expired sessions; returns how many.
    pub async fn delete_expired(&self) -> Result<u64, sqlx::Error> {
        let done = sqlx::query("DELETE FROM sessions WHERE expiry_date < $1")
            .bind(now())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}

/// The row key of a session: hex SHA-256 of the id as the cookie carries it.
pub fn storage_key(id: &Id) -> String {
    crate::domain::keys::digest::sha256_hex(id.to_string().as_bytes())
}

fn backend(e: sqlx::Error) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn encode(record: &Record) -> session_store::Result<String> {
    serde_json::to_string(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))
}

fn user_of(record: &Record) -> Option<i64> {
    record
        .data
        .get(USER_ID_KEY)
        .and_then(serde_json::Value::as_i64)
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let data = encode(record)?;
        let at = now();
        // Retry on the (astronomically unlikely) id collision instead of overwriting.
        for _ in 0..3 {
            let inserted = sqlx::query(
                "INSERT INTO sessions (id, user_id, data, expiry_date, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (id) DO NOTHING",
            )
            .bind(storage_key(&record.id))
            .bind(user_of(record))
            .bind(&data)
            .bind(record.expiry_date.unix_timestamp())
            .bind(at)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
            if inserted.rows_affected() == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
        Err(session_store::Error::Backend(
            "could not allocate a session id".into(),
        ))
    }

    /// Updates an existing session only. tower-sessions calls `save` for sessions it loaded
    /// (new ones go through `create`), so a row that is gone was ended meanwhile ("sign out
    /// everywhere", a password change): a request already in flight must not bring it back.
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        sqlx::query(
            "UPDATE sessions SET user_id = $1, data = $2, expiry_date = $3, updated_at = $4 \
             WHERE id = $5",
        )
        .bind(user_of(record))
        .bind(encode(record)?)
        .bind(record.expiry_date.unix_timestamp())
        .bind(now())
        .bind(storage_key(&record.id))
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row: Option<(String, i64)> = sqlx::query_as(
            "SELECT data, expiry_date FROM sessions WHERE id = $1 AND expiry_date > $2",
        )
        .bind(storage_key(id))
        .bind(now())
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        let Some((data, expiry)) = row else {
            return Ok(None);
        };
        let data =
            serde_json::from_str(&data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = OffsetDateTime::from_unix_timestamp(expiry)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(storage_key(id))
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_storage_key_is_the_hex_sha256_of_the_cookie_value() {
        let id = Id::default();
        let key = storage_key(&id);
        assert_eq!(key.len(), 64);
        assert!(!key.contains(&id.to_string()));
        assert_eq!(key, storage_key(&id));
    }
}
