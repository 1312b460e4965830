//! People who sign in to the dashboard.

use secrecy::SecretString;
use sqlx::AnyConnection;

use crate::domain::db::Pool;
use crate::domain::{identity::passwords, now, validate, DomainError};

/// A user as the domain sees them; the password hash never leaves this module.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
}

pub async fn create(
    pool: &Pool,
    email: &str,
    name: &str,
    password: SecretString,
) -> Result<User, DomainError> {
    let new = prepare(email, name, password).await?;
    let mut conn = pool.acquire().await?;
    insert(&mut conn, &new).await
}

/// A new account's checked email and name and its password's hash, ready to be written
/// (see [`insert`]). The hash is slow, so it is made before any transaction begins.
pub struct NewUser {
    email: String,
    name: String,
    password_hash: String,
}

impl NewUser {
    pub fn email(&self) -> &str {
        &self.email
    }
}

/// Checks a new account's fields with the rules the CLI uses and hashes the password.
pub async fn prepare(
    email: &str,
    name: &str,
    password: SecretString,
) -> Result<NewUser, DomainError> {
    let (email, name, ()) = {
        use secrecy::ExposeSecret;
        validate::all((
            validate::email(email),
            validate::display_name("name", name),
            validate::password(password.expose_secret()),
        ))?
    };
    let password_hash = passwords::hash(password).await?;
    Ok(NewUser {
        email,
        name,
        password_hash,
    })
}

/// Writes a prepared account on `conn` (inside the caller's transaction, if any). An email
/// already taken is a field error.
pub async fn insert(conn: &mut AnyConnection, new: &NewUser) -> Result<User, DomainError> {
    let at = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (email, name, password_hash, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $4) RETURNING id",
    )
    .bind(&new.email)
    .bind(&new.name)
    .bind(&new.password_hash)
    .bind(at)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| DomainError::on_unique(e, "email", "A user with this email already exists."))?;
    Ok(User {
        id,
        email: new.email.clone(),
        name: new.name.clone(),
    })
}

/// An account created by a single sign-on: no password (its hash is empty, which no
/// password verifies against), the name the provider gave or the email's first part.
pub async fn create_without_password(
    conn: &mut sqlx::AnyConnection,
    email: &str,
    name: Option<&str>,
) -> Result<User, DomainError> {
    let email = validate::email(email).map_err(|(f, m)| DomainError::validation(f, m))?;
    let fallback = email.split('@').next().unwrap_or("user").to_string();
    let name = name
        .and_then(|n| validate::display_name("name", n).ok())
        .unwrap_or(fallback);
    let at = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (email, name, password_hash, created_at, updated_at) \
         VALUES ($1, $2, '', $3, $3) RETURNING id",
    )
    .bind(&email)
    .bind(&name)
    .bind(at)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| DomainError::on_unique(e, "email", "A user with this email already exists."))?;
    Ok(User { id, email, name })
}

/// Whether the account has a password (accounts made by single sign-on have none).
pub async fn has_password(pool: &Pool, user_id: i64) -> Result<bool, DomainError> {
    let hash: Option<String> = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(pool)
        .await?;
    Ok(hash.is_some_and(|h| !h.is_empty()))
}

/// The user with `id`, on the pool or inside a caller's transaction.
pub async fn find_by_id<'c>(
    db: impl sqlx::Executor<'c, Database = sqlx::Any>,
    id: i64,
) -> Result<Option<User>, DomainError> {
    Ok(
        sqlx::query_as("SELECT id, email, name FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(db)
            .await?,
    )
}

/// The user with `email` (any case), on the pool or inside a caller's transaction.
pub async fn find_by_email<'c>(
    db: impl sqlx::Executor<'c, Database = sqlx::Any>,
    email: &str,
) -> Result<Option<User>, DomainError> {
    Ok(
        sqlx::query_as("SELECT id, email, name FROM users WHERE email = $1")
            .bind(email.trim().to_lowercase())
            .fetch_optional(db)
            .await?,
    )
}

/// Checks an email and password. Every failure is the same `InvalidCredentials`, and an
/// unknown email costs as much time as a wrong password.
pub async fn authenticate(
    pool: &Pool,
    email: &str,
    password: SecretString,
) -> Result<User, DomainError> {
    let row: Option<(i64, String, String, String)> =
        sqlx::query_as("SELECT id, email, name, password_hash FROM users WHERE email = $1")
            .bind(email.trim().to_lowercase())
            .fetch_optional(pool)
            .await?;
    let (user, hash) = match row {
        Some((id, email, name, hash)) => (Some(User { id, email, name }), Some(hash)),
        None => (None, None),
    };
    match (passwords::verify(password, hash).await?, user) {
        (true, Some(user)) => Ok(user),
        _ => Err(DomainError::InvalidCredentials),
    }
}

/// Checks the password of a signed-in user (re-authentication before a dangerous action).
pub async fn verify_password(
    pool: &Pool,
    user_id: i64,
    password: SecretString,
) -> Result<bool, DomainError> {
    let hash: Option<String> = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(pool)
        .await?;
    passwords::verify(password, hash).await
}

/// A user changes their own password: the current one is required and the new one follows
/// the same rule as the CLI's. Every other session of the user ends with the change (a
/// thief's session among them); `keep` is the caller's own.
pub async fn change_password(
    pool: &Pool,
    user_id: i64,
    current: SecretString,
    new: SecretString,
    confirm: SecretString,
    keep: Option<&tower_sessions::session::Id>,
) -> Result<(), DomainError> {
    use secrecy::ExposeSecret;
    let current = if verify_password(pool, user_id, current).await? {
        Ok(())
    } else {
        Err(("current", "The current password is incorrect.".to_string()))
    };
    let confirm = if new.expose_secret() == confirm.expose_secret() {
        Ok(())
    } else {
        Err(("confirm", "The two new passwords do not match.".to_string()))
    };
    validate::all((current, validate::password(new.expose_secret()), confirm))?;
    let hash = passwords::hash(new).await?;
    let mut tx = crate::domain::db::begin_write(pool).await?;
    sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(&hash)
        .bind(now())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    crate::domain::identity::session_store::delete_for_user(&mut tx, user_id, keep).await?;
    tx.commit().await?;
    Ok(())
}
