//! The authenticator secret of an account, sealed under the current master key and bound to
//! the account; unconfirmed until the person types a code from their app. `last_step` makes
//! every code single use.

use zeroize::Zeroizing;

use crate::domain::db::Pool;
use crate::domain::keys::crypto::{self, Keyring};
use crate::domain::{now, DomainError};

fn crypto_error(e: crypto::CryptoError) -> DomainError {
    DomainError::Internal(format!("authenticator secret: {e}"))
}

/// Stores a new, unconfirmed secret, replacing an unconfirmed one. An account whose app is
/// already confirmed must remove it first.
pub async fn begin(
    pool: &Pool,
    keyring: &Keyring,
    user_id: i64,
    secret: &[u8],
) -> Result<(), DomainError> {
    let (kek_id, kek) = keyring.current();
    let sealed = crypto::seal_user_secret(kek, secret, user_id).map_err(crypto_error)?;
    let at = now();
    let done = sqlx::query(
        "INSERT INTO user_totp (user_id, kek_id, secret_sealed, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $4) ON CONFLICT (user_id) DO UPDATE \
         SET kek_id = $2, secret_sealed = $3, last_step = 0, updated_at = $4 \
         WHERE user_totp.confirmed_at IS NULL",
    )
    .bind(user_id)
    .bind(kek_id)
    .bind(sealed)
    .bind(at)
    .execute(pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(DomainError::validation(
            "code",
            "An authenticator app is already set up: remove it first.",
        ));
    }
    Ok(())
}

async fn secret(
    pool: &Pool,
    keyring: &Keyring,
    user_id: i64,
    confirmed: bool,
) -> Result<Option<Zeroizing<Vec<u8>>>, DomainError> {
    let row: Option<(String, Vec<u8>, Option<i64>)> = sqlx::query_as(
        "SELECT kek_id, secret_sealed, confirmed_at FROM user_totp WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(pool)
    .await?;
    let Some((kek_id, sealed, confirmed_at)) = row else {
        return Ok(None);
    };
    if confirmed_at.is_some() != confirmed {
        return Ok(None);
    }
    let kek = keyring.find(&kek_id).map_err(crypto_error)?;
    Ok(Some(
        crypto::open_user_secret(kek, &sealed, user_id).map_err(crypto_error)?,
    ))
}

/// The secret being set up (not confirmed yet).
pub async fn pending_secret(
    pool: &Pool,
    keyring: &Keyring,
    user_id: i64,
) -> Result<Option<Zeroizing<Vec<u8>>>, DomainError> {
    secret(pool, keyring, user_id, false).await
}

/// The confirmed secret, if the account uses an authenticator app.
pub async fn confirmed_secret(
    pool: &Pool,
    keyring: &Keyring,
    user_id: i64,
) -> Result<Option<Zeroizing<Vec<u8>>>, DomainError> {
    secret(pool, keyring, user_id, true).await
}

/// Whether the account signs in with an authenticator code.
pub async fn is_enabled(pool: &Pool, user_id: i64) -> Result<bool, DomainError> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT user_id FROM user_totp WHERE user_id = $1 AND confirmed_at IS NOT NULL",
    )
    .bind(user_id)
    .fetch_optional(pool)
    .await?;
    Ok(found.is_some())
}

/// Accepts `step` once: later than every step accepted before. Whether it was accepted.
pub async fn use_step(pool: &Pool, user_id: i64, step: i64) -> Result<bool, DomainError> {
    let done = sqlx::query(
        "UPDATE user_totp SET last_step = $1, updated_at = $2 WHERE user_id = $3 AND last_step < $1",
    )
    .bind(step)
    .bind(now())
    .bind(user_id)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The first code typed confirms the setup (and is used up).
pub async fn confirm(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    step: i64,
) -> Result<bool, DomainError> {
    let at = now();
    let done = sqlx::query(
        "UPDATE user_totp SET confirmed_at = $1, last_step = $2, updated_at = $1 \
         WHERE user_id = $3 AND confirmed_at IS NULL",
    )
    .bind(at)
    .bind(step)
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Removes the app and the recovery codes; whether there was an app.
pub async fn remove(conn: &mut sqlx::AnyConnection, user_id: i64) -> Result<bool, DomainError> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    let done = sqlx::query("DELETE FROM user_totp WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
