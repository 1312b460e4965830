//! Passkeys as stored: each user's handle (a random UUID the authenticator keeps as the
//! credential's user id, so that a passkey alone says whose it is), and each credential with
//! its name, sign counter (inside the credential), when it was added and last used.

use webauthn_rs::prelude::{Passkey, Uuid};

use crate::domain::db::Pool;
use crate::domain::{now, DomainError};
use crate::model::second_factor::PasskeyView;

/// A name its owner gives a passkey: 1 to 60 characters.
pub fn name(raw: &str) -> Result<String, DomainError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 60 || name.chars().any(char::is_control) {
        return Err(DomainError::validation(
            "name",
            "Give the passkey a name of 1 to 60 characters, such as \"Work laptop\".",
        ));
    }
    Ok(name.to_string())
}

/// The user's handle, made on first use.
pub async fn handle(pool: &Pool, user_id: i64) -> Result<Uuid, DomainError> {
    let fresh = Uuid::new_v4().to_string();
    sqlx::query("UPDATE users SET passkey_handle = $1 WHERE id = $2 AND passkey_handle IS NULL")
        .bind(&fresh)
        .bind(user_id)
        .execute(pool)
        .await?;
    let stored: Option<String> =
        sqlx::query_scalar("SELECT passkey_handle FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(pool)
            .await?;
    stored
        .and_then(|h| Uuid::parse_str(&h).ok())
        .ok_or_else(|| DomainError::Internal("passkey handle unreadable".into()))
}

/// The account whose handle is `handle`.
pub async fn user_by_handle(pool: &Pool, handle: Uuid) -> Result<Option<i64>, DomainError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM users WHERE passkey_handle = $1")
            .bind(handle.to_string())
            .fetch_optional(pool)
            .await?,
    )
}

/// The credentials of `user_id`, with their row ids.
pub async fn credentials(pool: &Pool, user_id: i64) -> Result<Vec<(i64, Passkey)>, DomainError> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, credential FROM passkeys WHERE user_id = $1 ORDER BY id")
            .bind(user_id)
            .fetch_all(pool)
            .await?;
    rows.into_iter()
        .map(|(id, json)| {
            serde_json::from_str(&json)
                .map(|key| (id, key))
                .map_err(|e| DomainError::Internal(format!("passkey {id} unreadable: {e}")))
        })
        .collect()
}

fn credential_id(key: &Passkey) -> Result<String, DomainError> {
    serde_json::to_value(key.cred_id())
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .ok_or_else(|| DomainError::Internal("credential id unreadable".into()))
}

fn to_json(key: &Passkey) -> Result<String, DomainError> {
    serde_json::to_string(key).map_err(|e| DomainError::Internal(format!("passkey json: {e}")))
}

/// Stores a new passkey of `user_id`; a credential already registered is refused.
pub async fn insert(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    name: &str,
    key: &Passkey,
) -> Result<i64, DomainError> {
    let at = now();
    sqlx::query_scalar(
        "INSERT INTO passkeys (user_id, credential_id, name, credential, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(user_id)
    .bind(credential_id(key)?)
    .bind(name)
    .bind(to_json(key)?)
    .bind(at)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| DomainError::on_unique(e, "passkey", "This passkey is registered already."))
}

/// A passkey of `user_id` was used: when, and its credential as the sign-in left it (the
/// counter moved on) when it changed.
pub async fn used(
    pool: &Pool,
    user_id: i64,
    keys: &mut [(i64, Passkey)],
    result: &webauthn_rs::prelude::AuthenticationResult,
) -> Result<(), DomainError> {
    let at = now();
    for (id, key) in keys.iter_mut() {
        let Some(changed) = key.update_credential(result) else {
            continue;
        };
        let json = changed.then(|| to_json(key)).transpose()?;
        sqlx::query(
            "UPDATE passkeys SET last_used_at = $1, updated_at = $1, credential = COALESCE($2, credential) \
             WHERE id = $3 AND user_id = $4",
        )
        .bind(at)
        .bind(json)
        .bind(*id)
        .bind(user_id)
        .execute(pool)
        .await?;
    }
    Ok(())
}

/// What the Account page lists.
pub async fn list(pool: &Pool, user_id: i64) -> Result<Vec<PasskeyView>, DomainError> {
    let rows: Vec<(i64, String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT id, name, created_at, last_used_at FROM passkeys WHERE user_id = $1 ORDER BY id",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, added_at, last_used_at)| PasskeyView {
            id,
            name,
            added_at,
            last_used_at,
        })
        .collect())
}

/// Removes passkey `id` of `user_id`; its name, if there was one.
pub async fn remove(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    id: i64,
) -> Result<Option<String>, DomainError> {
    Ok(
        sqlx::query_scalar("DELETE FROM passkeys WHERE id = $1 AND user_id = $2 RETURNING name")
            .bind(id)
            .bind(user_id)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// Removes every passkey of `user_id`; how many there were.
pub async fn remove_all(conn: &mut sqlx::AnyConnection, user_id: i64) -> Result<u64, DomainError> {
    Ok(sqlx::query("DELETE FROM passkeys WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?
        .rows_affected())
}
