//! Email domains bound to workspaces by the operator (`vault workspace sso`): a verified
//! single sign-on identity of such a domain joins the workspace as a member on its first
//! sign-in; with `require`, the workspace's members may not sign in with a password
//! (operators keep their own way in).

use sqlx::AnyConnection;

use crate::domain::db::Pool;
use crate::domain::{now, DomainError};

/// One binding, as the CLI lists it.
#[derive(Debug, Clone)]
pub struct Binding {
    pub workspace: String,
    pub domain: String,
    /// Only identities from this provider join; `None`: any configured provider.
    pub provider_id: Option<String>,
    pub require: bool,
}

/// The domain part of an email, lower case.
pub fn domain_of(email: &str) -> Option<&str> {
    email
        .rsplit_once('@')
        .map(|(_, d)| d)
        .filter(|d| !d.is_empty())
}

/// A domain as the operator typed it: lower case, no `@`, at least one dot.
pub fn parse_domain(raw: &str) -> Result<String, DomainError> {
    let domain = raw.trim().trim_start_matches('@').to_lowercase();
    let valid = domain.contains('.')
        && domain.len() <= 253
        && domain.split('.').all(|label| {
            !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if valid {
        Ok(domain)
    } else {
        Err(DomainError::validation(
            "domain",
            "Give a domain like acme.com.",
        ))
    }
}

/// Binds `domain` to the workspace (or changes the binding).
pub async fn bind(
    pool: &Pool,
    workspace_id: i64,
    domain: &str,
    provider_id: Option<&str>,
    require: bool,
) -> Result<(), DomainError> {
    let at = now();
    sqlx::query(
        "INSERT INTO workspace_sso_domains (workspace_id, domain, provider_id, require_sso, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) \
         ON CONFLICT (workspace_id, domain) DO UPDATE SET provider_id = $3, require_sso = $4, \
         updated_at = $5",
    )
    .bind(workspace_id)
    .bind(domain)
    .bind(provider_id)
    .bind(i64::from(require))
    .bind(at)
    .execute(pool)
    .await?;
    Ok(())
}

/// Removes a binding; whether there was one.
pub async fn unbind(pool: &Pool, workspace_id: i64, domain: &str) -> Result<bool, DomainError> {
    let done =
        sqlx::query("DELETE FROM workspace_sso_domains WHERE workspace_id = $1 AND domain = $2")
            .bind(workspace_id)
            .bind(domain)
            .execute(pool)
            .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn list(pool: &Pool) -> Result<Vec<Binding>, DomainError> {
    let rows: Vec<(String, String, Option<String>, i64)> = sqlx::query_as(
        "SELECT w.slug, d.domain, d.provider_id, d.require_sso FROM workspace_sso_domains d \
         JOIN workspaces w ON w.id = d.workspace_id ORDER BY w.slug, d.domain",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(workspace, domain, provider_id, require)| Binding {
            workspace,
            domain,
            provider_id,
            require: require != 0,
        })
        .collect())
}

/// The workspaces an identity of `domain` from `provider_id` joins.
pub async fn joining(
    conn: &mut AnyConnection,
    domain: &str,
    provider_id: &str,
) -> Result<Vec<i64>, DomainError> {
    Ok(sqlx::query_scalar(
        "SELECT workspace_id FROM workspace_sso_domains WHERE domain = $1 \
         AND (provider_id IS NULL OR provider_id = $2) ORDER BY workspace_id",
    )
    .bind(domain)
    .bind(provider_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Whether `user_id` must sign in with single sign-on: a member of a workspace that requires
/// it, and not an operator.
pub async fn password_refused(pool: &Pool, user_id: i64) -> Result<bool, DomainError> {
    let refused: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM memberships m JOIN workspace_sso_domains d ON d.workspace_id = m.workspace_id \
         WHERE m.user_id = $1 AND d.require_sso = 1 \
           AND NOT EXISTS (SELECT 1 FROM operators o WHERE o.user_id = $1) LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(pool)
    .await?;
    Ok(refused.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_lower_case_and_need_a_dot() {
        assert_eq!(parse_domain(" @Acme.COM ").unwrap(), "acme.com");
        assert!(parse_domain("localhost").is_err());
        assert!(parse_domain("acme..com").is_err());
        assert!(parse_domain("ac me.com").is_err());
        assert_eq!(domain_of("a@b.example"), Some("b.example"));
        assert_eq!(domain_of("nobody"), None);
    }
}
