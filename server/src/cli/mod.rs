//! The operator CLI: `vault serve`, `vault demo`, `vault workspace ...`, `vault user ...`,
//! `vault operator ...`. Acts with the process's `Shell` (the operator's rights without
//! signing in), which `main` claims and hands to [`run`].
//!
//! May import: every other room (`config`, `startup` and through it the server), the `app`
//! crate.

mod args;
mod backup;
mod import;
mod operator;
mod sso;

use tokio::net::TcpListener;

use app::domain::admin::agents;
use app::domain::db;
use app::domain::identity::shell::Shell;
use app::domain::identity::workspaces;
use app::domain::{demo, showcase};

pub use args::*;
use operator::{operator, rotate_master_key, user, workspace};

use crate::config::{Config, Mode};
use crate::startup;
use crate::startup::error::CliError;

/// Runs `cli` with the process's `shell` (claimed by `main` before anything else), which
/// `serve` does not pass on to the server.
pub async fn run(cli: Cli, shell: Shell) -> Result<(), CliError> {
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
                seed_demo(&config, &shell).await?;
            }
            // The shell is not passed on: the server answers requests without its rights.
            let listener = TcpListener::bind(config.http.bind)
                .await
                .map_err(|e| CliError::Io(format!("cannot listen on {}: {e}", config.http.bind)))?;
            startup::serve(config, listener).await
        }
        Command::Migrate => {
            startup::open_database(&config).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Demo => seed_demo(&config, &shell).await,
        Command::Workspace(cmd) => workspace(&config, cmd, &shell).await,
        Command::User(cmd) => user(&config, cmd, &shell).await,
        Command::Operator(cmd) => operator(&config, cmd, &shell).await,
        Command::RotateMasterKey => {
            let (keyring, _) = config.keyring()?;
            let pool = startup::open_database(&config).await?;
            rotate_master_key(&pool, &keyring).await
        }
        Command::Backup { file } => backup::backup(&config, &file).await,
        Command::Restore { file, force } => backup::restore(&config, &file, force).await,
        Command::Import {
            workspace,
            file,
            dry_run,
            replace,
            accept_suggestions,
            grant,
        } => {
            let options = app::model::import::ImportOptions {
                replace,
                accept_suggestions,
                agents: Vec::new(),
            };
            let request = import::Request {
                workspace: &workspace,
                file: &file,
                dry_run,
                options,
                grant: &grant,
            };
            import::run(&config, request, &shell).await
        }
        Command::Agent(AgentCommand::Create { workspace, name }) => {
            let pool = startup::open_database(&config).await?;
            let ws = workspaces::get_by_slug(&pool, &workspace).await?;
            // Audited as agent.create by the operator, like a change from the dashboard.
            let agent = agents::create(&pool, &shell.admin(ws), &name).await?;
            println!("created agent {} in {workspace}", agent.name);
            Ok(())
        }
    }
}

/// Development listens on loopback only, unless the operator says otherwise: the demo
/// passwords are public, and a development server is not hardened for a network.
fn check_bind(config: &Config, allow_remote: bool) -> Result<(), CliError> {
    if config.mode == Mode::Development && !config.http.bind.ip().is_loopback() && !allow_remote {
        return Err(CliError::Usage(format!(
            "development mode listens on loopback only, not {}: bind 127.0.0.1, \
             or pass `vault serve --allow-remote` (and set public_url to the name clients use)",
            config.http.bind
        )));
    }
    Ok(())
}

async fn seed_demo(config: &Config, shell: &Shell) -> Result<(), CliError> {
    if config.mode == Mode::Production {
        return Err(CliError::Usage(
            "demo data is for development only; refusing in production mode".into(),
        ));
    }
    let pool = startup::open_database(config).await?;
    let postgres = db::is_postgres_url(&config.database_url())?;
    if postgres && demo::holds_other_data(&pool).await? {
        return Err(CliError::Usage(
            "this PostgreSQL database holds users or workspaces besides the demo ones; \
             refusing to add demo accounts with public passwords to it"
                .into(),
        ));
    }
    let created = demo::seed(&pool, shell).await?;
    if config.demo_showcase {
        let (keyring, _) = config.keyring()?;
        showcase::seed(&pool, &keyring).await?;
    }
    println!();
    println!(
        "  Secrets Vault demo data {}",
        if created {
            "created"
        } else {
            "already present"
        }
    );
    println!("  Open http://{} and sign in as:", config.http.bind);
    for login in demo::LOGINS {
        println!(
            "    {:<18} password: {:<22} ({})",
            login.email, login.password, login.what
        );
    }
    println!("  These demo passwords are public: never use demo data in production.");
    for provider in config.sso.providers(config.mode)? {
        println!(
            "  Single sign-on: \"Sign in with {}\" ({}){}",
            provider.name,
            provider.issuer,
            if provider.domains.is_empty() {
                String::new()
            } else {
                format!(", authoritative for {}", provider.domains.join(", "))
            }
        );
    }
    println!();
    Ok(())
}
