//! `vault workspace sso` and `vault workspace sso-list`: email domains bound to workspaces
//! for single sign-on. Audited in the workspace's trail.

use app::domain::audit::events;
use app::domain::db::Pool;
use app::domain::identity::sso::domains;
use app::domain::identity::workspaces;

use crate::config::Config;
use crate::startup::error::CliError;

pub(super) struct Binding {
    pub workspace: String,
    pub domain: String,
    pub provider: Option<String>,
    pub require: bool,
}

pub(super) async fn bind(
    config: &Config,
    pool: &Pool,
    binding: Binding,
    remove: bool,
) -> Result<(), CliError> {
    let ws = workspaces::get_by_slug(pool, &binding.workspace).await?;
    let domain = domains::parse_domain(&binding.domain)?;
    if remove {
        if !domains::unbind(pool, ws.id, &domain).await? {
            return Err(CliError::Usage(format!(
                "{domain} is not bound to {}",
                ws.slug
            )));
        }
        events::record_operator(
            pool,
            Some(ws.id),
            "workspace.sso",
            &format!("{domain} unbound"),
        )
        .await?;
        println!("{domain} no longer joins {}", ws.slug);
        return Ok(());
    }
    let configured = config.sso.providers(config.mode)?;
    if configured.is_empty() {
        eprintln!(
            "note: no single sign-on provider is configured yet ([[oidc]] or VAULT_OIDC_ISSUER)"
        );
    }
    if let Some(id) = &binding.provider {
        if !configured.iter().any(|p| &p.id == id) {
            return Err(CliError::Usage(format!(
                "no configured provider has the id {id:?} (see [[oidc]] in the configuration)"
            )));
        }
    }
    domains::bind(
        pool,
        ws.id,
        &domain,
        binding.provider.as_deref(),
        binding.require,
    )
    .await?;
    let detail = format!(
        "{domain} joins as member{}{}",
        binding
            .provider
            .as_deref()
            .map(|p| format!(" with {p}"))
            .unwrap_or_default(),
        if binding.require {
            "; single sign-on required"
        } else {
            ""
        }
    );
    events::record_operator(pool, Some(ws.id), "workspace.sso", &detail).await?;
    println!("{}: {detail}", ws.slug);
    Ok(())
}

pub(super) async fn list(pool: &Pool) -> Result<(), CliError> {
    for b in domains::list(pool).await? {
        println!(
            "{:<24} {:<32} provider {:<12} {}",
            b.workspace,
            b.domain,
            b.provider_id.as_deref().unwrap_or("any"),
            if b.require { "required" } else { "optional" }
        );
    }
    Ok(())
}
