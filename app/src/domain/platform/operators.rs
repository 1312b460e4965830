//! Granting and revoking the platform operator role. Only the CLI calls these: no web path
//! can make anyone an operator. Both are written to the platform audit log.

use crate::domain::db::{self, Pool};
use crate::domain::identity::access::{actor_label, Operator};
use crate::domain::identity::users;
use crate::domain::{now, DomainError};

/// Makes the user with `email` an operator. Returns false if they already were one.
pub async fn grant(pool: &Pool, by: &Operator, email: &str) -> Result<bool, DomainError> {
    change(pool, by, email, true).await
}

/// Takes the operator role from the user with `email`. Returns false if they had none.
/// Their open sessions lose the Operator page on their next request.
pub async fn revoke(pool: &Pool, by: &Operator, email: &str) -> Result<bool, DomainError> {
    change(pool, by, email, false).await
}

async fn change(pool: &Pool, by: &Operator, email: &str, grant: bool) -> Result<bool, DomainError> {
    let user = users::find_by_email(pool, email)
        .await?
        .ok_or(DomainError::NotFound("user"))?;
    let at = now();
    let mut tx = db::begin_write(pool).await?;
    let changed = if grant {
        sqlx::query(
            "INSERT INTO operators (user_id, created_at, updated_at) VALUES ($1, $2, $2) \
             ON CONFLICT (user_id) DO NOTHING",
        )
        .bind(user.id)
        .bind(at)
        .execute(&mut *tx)
        .await?
    } else {
        sqlx::query("DELETE FROM operators WHERE user_id = $1")
            .bind(user.id)
            .execute(&mut *tx)
            .await?
    }
    .rows_affected()
        > 0;
    if changed {
        let action = if grant {
            "operator.grant"
        } else {
            "operator.revoke"
        };
        sqlx::query(
            "INSERT INTO operator_events (actor, action, detail, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(actor_label(by.actor()))
        .bind(action)
        .bind(&user.email)
        .bind(at)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(changed)
}

/// The operators' emails, for `vault operator list`.
pub async fn list(pool: &Pool) -> Result<Vec<String>, DomainError> {
    Ok(sqlx::query_scalar(
        "SELECT u.email FROM operators o JOIN users u ON u.id = o.user_id ORDER BY u.email",
    )
    .fetch_all(pool)
    .await?)
}
