//! Whether an account has a second factor of its own (a confirmed authenticator app or a
//! passkey), and taking every one off it (a reset of a lost factor).

use crate::domain::db::Pool;
use crate::domain::identity::{passkeys, totp};
use crate::domain::DomainError;

/// An SQL expression, 1 or 0: whether the user whose id is `user_id` (a column or a
/// parameter) has a second factor. One definition for lists and single checks.
pub fn enrolled_sql(user_id: &str) -> String {
    format!(
        "CASE WHEN EXISTS (SELECT 1 FROM user_totp f WHERE f.user_id = {user_id} \
         AND f.confirmed_at IS NOT NULL) \
         OR EXISTS (SELECT 1 FROM passkeys k WHERE k.user_id = {user_id}) THEN 1 ELSE 0 END"
    )
}

/// Whether `user_id` has set up a second factor.
pub async fn enrolled(pool: &Pool, user_id: i64) -> Result<bool, DomainError> {
    let found: i64 = sqlx::query_scalar(&format!("SELECT {}", enrolled_sql("$1")))
        .bind(user_id)
        .fetch_one(pool)
        .await?;
    Ok(found != 0)
}

/// The workspaces (by name) whose rule requires `user_id`, an admin there, to use a second
/// factor.
pub async fn required_by(pool: &Pool, user_id: i64) -> Result<Vec<String>, DomainError> {
    Ok(sqlx::query_scalar(
        "SELECT w.name FROM workspaces w JOIN memberships m ON m.workspace_id = w.id \
         WHERE m.user_id = $1 AND m.role = 'admin' AND w.admins_need_second_factor = 1 \
         ORDER BY w.name",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?)
}

/// Removes every second factor of `user_id` (the app, its recovery codes, the passkeys);
/// whether there was one.
pub async fn remove_all(conn: &mut sqlx::AnyConnection, user_id: i64) -> Result<bool, DomainError> {
    let app = totp::store::remove(conn, user_id).await?;
    let keys = passkeys::store::remove_all(conn, user_id).await?;
    Ok(app || keys > 0)
}
