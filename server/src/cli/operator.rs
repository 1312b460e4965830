//! Operator commands on workspaces, users and the master key.

use std::io::{BufRead, IsTerminal};

use secrecy::SecretString;

use app::domain::admin::memberships;
use app::domain::audit::events;
use app::domain::db::Pool;
use app::domain::identity::shell::Shell;
use app::domain::identity::users;
use app::domain::identity::workspaces;
use app::domain::keys::crypto::Keyring;
use app::domain::keys::data_keys;
use app::domain::platform::{flag, operators};
use app::model::Role;

use super::args::{Flag, OnOff, OperatorCommand, UserCommand, WorkspaceCommand};
use crate::config::Config;
use crate::startup;
use crate::startup::error::CliError;

pub(super) async fn workspace(
    config: &Config,
    cmd: WorkspaceCommand,
    shell: &Shell,
) -> Result<(), CliError> {
    let pool = startup::open_database(config).await?;
    match cmd {
        WorkspaceCommand::Create { slug, name } => {
            let name = name.unwrap_or_else(|| slug.clone());
            let ws = workspaces::create(&pool, &slug, &name).await?;
            events::record_operator(&pool, Some(ws.id), "workspace.create", &ws.slug).await?;
            println!("created workspace {} ({})", ws.slug, ws.name);
        }
        WorkspaceCommand::Flag {
            workspace,
            flag: Flag::Secrets,
            state,
            reason,
        } => {
            let on = matches!(state, OnOff::On);
            let ws = flag::set(&pool, &shell.operator(), &workspace, on, &reason).await?;
            println!(
                "secrets vault is now {} for {}",
                if ws.secrets_enabled() { "on" } else { "off" },
                ws.slug
            );
        }
        WorkspaceCommand::Sso {
            workspace,
            domain,
            provider,
            require,
            remove,
        } => {
            let binding = super::sso::Binding {
                workspace,
                domain,
                provider,
                require,
            };
            super::sso::bind(config, &pool, binding, remove).await?
        }
        WorkspaceCommand::SsoList => super::sso::list(&pool).await?,
        WorkspaceCommand::List => {
            for ws in workspaces::list_all(&pool).await? {
                println!(
                    "{:<24} {:<32} secrets {}",
                    ws.slug,
                    ws.name,
                    if ws.secrets_enabled() { "on" } else { "off" }
                );
            }
        }
    }
    Ok(())
}

pub(super) async fn user(config: &Config, cmd: UserCommand, shell: &Shell) -> Result<(), CliError> {
    match cmd {
        UserCommand::Create { email, name } => {
            let password = read_password()?;
            let pool = startup::open_database(config).await?;
            let name =
                name.unwrap_or_else(|| email.split('@').next().unwrap_or(&email).to_string());
            let user = users::create(&pool, &email, &name, password).await?;
            events::record_operator(&pool, None, "user.create", &user.email).await?;
            println!("created user {}", user.email);
        }
        UserCommand::Add {
            email,
            workspace,
            role,
        } => membership(config, &email, &workspace, role.into(), true, shell).await?,
        UserCommand::SetRole {
            email,
            workspace,
            role,
        } => membership(config, &email, &workspace, role.into(), false, shell).await?,
        UserCommand::Reset2fa { email } => {
            let pool = startup::open_database(config).await?;
            app::domain::admin::second_factor::reset(&pool, &shell.operator(), &email).await?;
            println!("the second factor of {email} is removed; its sessions have ended");
        }
    }
    Ok(())
}

pub(super) async fn operator(
    config: &Config,
    cmd: OperatorCommand,
    shell: &Shell,
) -> Result<(), CliError> {
    let pool = startup::open_database(config).await?;
    let by = shell.operator();
    match cmd {
        OperatorCommand::Grant { email } => {
            if operators::grant(&pool, &by, &email).await? {
                println!("{email} is now a platform operator");
            } else {
                println!("{email} was already a platform operator");
            }
        }
        OperatorCommand::Revoke { email } => {
            if operators::revoke(&pool, &by, &email).await? {
                println!("{email} is no longer a platform operator");
            } else {
                println!("{email} was not a platform operator");
            }
        }
        OperatorCommand::List => {
            for email in operators::list(&pool).await? {
                println!("{email}");
            }
        }
    }
    Ok(())
}

/// Adds a user to a workspace (`add`), or changes their role there; audited either way.
async fn membership(
    config: &Config,
    email: &str,
    workspace: &str,
    role: Role,
    add: bool,
    shell: &Shell,
) -> Result<(), CliError> {
    let pool = startup::open_database(config).await?;
    let ws = workspaces::get_by_slug(&pool, workspace).await?;
    let user = users::find_by_email(&pool, email)
        .await?
        .ok_or_else(|| CliError::Domain(format!("unknown user {email}")))?;
    if add {
        memberships::add(&pool, ws.id, user.id, role).await?;
        let detail = format!("{} added as {}", user.email, role.as_str());
        events::record_operator(&pool, Some(ws.id), "member.add", &detail).await?;
        println!("added {} to {} as {}", user.email, ws.slug, role.as_str());
    } else {
        let slug = ws.slug.clone();
        memberships::set_role(&pool, &shell.admin(ws), user.id, role).await?;
        println!("{} is now {} of {slug}", user.email, role.as_str());
    }
    Ok(())
}

/// Re-wraps every data key under the current master key and says how many are still
/// wrapped under a previous one; the rotation is complete only when none are.
pub(super) async fn rotate_master_key(pool: &Pool, keyring: &Keyring) -> Result<(), CliError> {
    let report = data_keys::rewrap_all(pool, keyring).await?;
    let current = keyring.current().0;
    let detail = format!(
        "re-wrapped {} data key(s) under master key {current}; {} still under a previous key",
        report.rewrapped, report.remaining
    );
    events::record_operator(pool, None, "master_key.rotate", &detail).await?;
    println!(
        "re-wrapped {} data key(s) under master key {current}",
        report.rewrapped
    );
    if report.remaining > 0 {
        return Err(CliError::Domain(format!(
            "rotation NOT complete: {} data key(s) are still wrapped under a previous master key \
             (unknown to this configuration or changed meanwhile); keep the previous key configured \
             and run rotate-master-key again",
            report.remaining
        )));
    }
    println!("rotation complete: every data key is wrapped under the current master key; the previous key may be removed");
    Ok(())
}

/// Reads a new password: prompted twice on a terminal, one line from a pipe otherwise.
fn read_password() -> Result<SecretString, CliError> {
    let io = |e: std::io::Error| CliError::Io(format!("cannot read the password: {e}"));
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ").map_err(io)?;
        let second = rpassword::prompt_password("Repeat the password: ").map_err(io)?;
        if first != second {
            return Err(CliError::Usage("the passwords do not match".into()));
        }
        return Ok(SecretString::from(first));
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(io)?;
    Ok(SecretString::from(
        line.trim_end_matches(['\r', '\n']).to_string(),
    ))
}
