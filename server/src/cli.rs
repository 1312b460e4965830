//! The operator CLI: `vault serve`, `vault demo`, `vault workspace ...`, `vault user ...`.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use secrecy::SecretString;
use tokio::net::TcpListener;

use app::domain::access::Admin;
use app::domain::db::Backend;
use app::domain::{agents, audit, demo, keys, memberships, users, workspaces};
use app::model::Role;

use crate::config::{Config, Mode};
use crate::error::CliError;
use crate::serve;

#[derive(Debug, Parser)]
#[command(
    name = "vault",
    version,
    about = "Secrets Vault: server and operator commands"
)]
pub struct Cli {
    /// A TOML configuration file (default: ./vault.toml if present). VAULT_* variables override it.
    #[arg(long, global = true, env = "VAULT_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (applies migrations first).
    Serve {
        /// Seed the demo data (if missing) and print the demo logins first. Development only.
        #[arg(long)]
        demo: bool,
        /// Allow `secure_cookies = false` in production (plain HTTP): the session cookie
        /// can then be read on the network. Without this flag production refuses it.
        #[arg(long)]
        insecure_cookies: bool,
        /// Allow a development server to listen on a non-loopback address (reachable from
        /// the network, with demo passwords that are public).
        #[arg(long)]
        allow_remote: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Seed demo workspaces, users and agents, and print the demo logins. Development only.
    Demo,
    /// Manage workspaces.
    #[command(subcommand)]
    Workspace(WorkspaceCommand),
    /// Manage users and memberships.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage agents.
    #[command(subcommand)]
    Agent(AgentCommand),
    /// Re-wrap every workspace data key under the current master key. Configure the new key
    /// as VAULT_MASTER_KEY_FILE and the old one in VAULT_PREVIOUS_MASTER_KEY_FILES (servers
    /// too), run this, then drop the old key. Servers keep serving throughout.
    RotateMasterKey,
}

#[derive(Debug, Subcommand)]
pub enum WorkspaceCommand {
    /// Create a workspace.
    Create {
        /// URL name: 2-40 lowercase letters, digits or hyphens.
        slug: String,
        /// Display name (defaults to the slug).
        #[arg(long)]
        name: Option<String>,
    },
    /// Switch a feature flag of a workspace.
    Flag {
        workspace: String,
        flag: Flag,
        state: OnOff,
    },
    /// List workspaces.
    List,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Flag {
    /// The secrets vault feature.
    Secrets,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Admin,
    Member,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Admin => Role::Admin,
            RoleArg::Member => Role::Member,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user. The password is read from standard input (prompted on a terminal).
    Create {
        email: String,
        #[arg(long)]
        name: Option<String>,
    },
    /// Add a user to a workspace.
    Add {
        email: String,
        workspace: String,
        #[arg(long, value_enum)]
        role: RoleArg,
    },
    /// Change a member's role.
    SetRole {
        email: String,
        workspace: String,
        #[arg(value_enum)]
        role: RoleArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    /// Create an agent in a workspace.
    Create { workspace: String, name: String },
}

pub async fn run(cli: Cli) -> Result<(), CliError> {
    let config = Config::load(cli.config.as_deref())?;
    match cli.command {
        Command::Serve {
            demo,
            insecure_cookies,
            allow_remote,
        } => {
            config.check_cookies(insecure_cookies)?;
            check_bind(&config, allow_remote)?;
            if demo {
                seed_demo(&config).await?;
            }
            let listener = TcpListener::bind(config.bind)
                .await
                .map_err(|e| CliError::Io(format!("cannot listen on {}: {e}", config.bind)))?;
            serve::serve(config, listener).await
        }
        Command::Migrate => {
            serve::open_database(&config).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Demo => seed_demo(&config).await,
        Command::Workspace(cmd) => workspace(&config, cmd).await,
        Command::User(cmd) => user(&config, cmd).await,
        Command::RotateMasterKey => {
            let (keyring, _) = config.keyring()?;
            let pool = serve::open_database(&config).await?;
            rotate_master_key(&pool, &keyring).await
        }
        Command::Agent(AgentCommand::Create { workspace, name }) => {
            let pool = serve::open_database(&config).await?;
            let ws = workspaces::get_by_slug(&pool, &workspace).await?;
            // Audited as agent.create by the operator, like a change from the dashboard.
            let agent = agents::create(&pool, &Admin::operator(ws), &name).await?;
            println!("created agent {} in {workspace}", agent.name);
            Ok(())
        }
    }
}

/// Development listens on loopback only, unless the operator says otherwise: the demo
/// passwords are public, and a development server is not hardened for a network.
fn check_bind(config: &Config, allow_remote: bool) -> Result<(), CliError> {
    if config.mode == Mode::Development && !config.bind.ip().is_loopback() && !allow_remote {
        return Err(CliError::Usage(format!(
            "development mode listens on loopback only, not {}: bind 127.0.0.1, \
             or pass `vault serve --allow-remote` (and set public_url to the name clients use)",
            config.bind
        )));
    }
    Ok(())
}

async fn seed_demo(config: &Config) -> Result<(), CliError> {
    if config.mode == Mode::Production {
        return Err(CliError::Usage(
            "demo data is for development only; refusing in production mode".into(),
        ));
    }
    let pool = serve::open_database(config).await?;
    let postgres = Backend::from_url(&config.database_url())? == Backend::Postgres;
    if postgres && demo::holds_other_data(&pool).await? {
        return Err(CliError::Usage(
            "this PostgreSQL database holds users or workspaces besides the demo ones; \
             refusing to add demo accounts with public passwords to it"
                .into(),
        ));
    }
    let created = demo::seed(&pool).await?;
    println!();
    println!(
        "  Secrets Vault demo data {}",
        if created {
            "created"
        } else {
            "already present"
        }
    );
    println!("  Open http://{} and sign in as:", config.bind);
    for login in [demo::ADMIN, demo::MEMBER] {
        println!(
            "    {:<18} password: {:<22} ({})",
            login.email, login.password, login.what
        );
    }
    println!("  These demo passwords are public: never use demo data in production.");
    println!();
    Ok(())
}

async fn workspace(config: &Config, cmd: WorkspaceCommand) -> Result<(), CliError> {
    let pool = serve::open_database(config).await?;
    match cmd {
        WorkspaceCommand::Create { slug, name } => {
            let name = name.unwrap_or_else(|| slug.clone());
            let ws = workspaces::create(&pool, &slug, &name).await?;
            audit::record_operator(&pool, Some(ws.id), "workspace.create", &ws.slug).await?;
            println!("created workspace {} ({})", ws.slug, ws.name);
        }
        WorkspaceCommand::Flag {
            workspace,
            flag: Flag::Secrets,
            state,
        } => {
            let ws =
                workspaces::set_secrets_flag(&pool, &workspace, matches!(state, OnOff::On)).await?;
            println!(
                "secrets vault is now {} for {}",
                if ws.secrets_enabled() { "on" } else { "off" },
                ws.slug
            );
        }
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

async fn user(config: &Config, cmd: UserCommand) -> Result<(), CliError> {
    match cmd {
        UserCommand::Create { email, name } => {
            let password = read_password()?;
            let pool = serve::open_database(config).await?;
            let name =
                name.unwrap_or_else(|| email.split('@').next().unwrap_or(&email).to_string());
            let user = users::create(&pool, &email, &name, password).await?;
            audit::record_operator(&pool, None, "user.create", &user.email).await?;
            println!("created user {}", user.email);
        }
        UserCommand::Add {
            email,
            workspace,
            role,
        } => {
            let pool = serve::open_database(config).await?;
            let ws = workspaces::get_by_slug(&pool, &workspace).await?;
            let user = users::find_by_email(&pool, &email)
                .await?
                .ok_or_else(|| CliError::Domain(format!("unknown user {email}")))?;
            memberships::add(&pool, ws.id, user.id, role.into()).await?;
            let detail = format!("{} added as {}", user.email, Role::from(role).as_str());
            audit::record_operator(&pool, Some(ws.id), "member.add", &detail).await?;
            println!(
                "added {} to {} as {}",
                user.email,
                ws.slug,
                Role::from(role).as_str()
            );
        }
        UserCommand::SetRole {
            email,
            workspace,
            role,
        } => {
            let pool = serve::open_database(config).await?;
            let ws = workspaces::get_by_slug(&pool, &workspace).await?;
            let user = users::find_by_email(&pool, &email)
                .await?
                .ok_or_else(|| CliError::Domain(format!("unknown user {email}")))?;
            memberships::set_role(&pool, &Admin::operator(ws), user.id, role.into()).await?;
            println!(
                "{} is now {} of {workspace}",
                user.email,
                Role::from(role).as_str()
            );
        }
    }
    Ok(())
}

/// Re-wraps every data key under the current master key and says how many are still
/// wrapped under a previous one; the rotation is complete only when none are.
async fn rotate_master_key(
    pool: &app::domain::db::Pool,
    keyring: &app::domain::crypto::Keyring,
) -> Result<(), CliError> {
    let report = keys::rewrap_all(pool, keyring).await?;
    let current = keyring.current().0;
    let detail = format!(
        "re-wrapped {} data key(s) under master key {current}; {} still under a previous key",
        report.rewrapped, report.remaining
    );
    audit::record_operator(pool, None, "master_key.rotate", &detail).await?;
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
