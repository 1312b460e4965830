//! The command line as clap parses it.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use app::model::Role;

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
    /// Grant or revoke the platform operator role (only here: no web page can).
    #[command(subcommand)]
    Operator(OperatorCommand),
    /// Re-wrap every workspace data key under the current master key. Configure the new key
    /// as VAULT_MASTER_KEY_FILE and the old one in VAULT_PREVIOUS_MASTER_KEY_FILES (servers
    /// too), run this, then drop the old key. Servers keep serving throughout.
    RotateMasterKey,
    /// Write a consistent snapshot of a SQLite vault to FILE while it runs (never overwrites).
    /// The master key is not in it: back that up separately. PostgreSQL: use pg_dump.
    Backup { file: PathBuf },
    /// Replace the SQLite database with the backup FILE, then apply migrations. Stop the
    /// server first. PostgreSQL: use pg_restore.
    Restore {
        file: PathBuf,
        /// Replace an existing database.
        #[arg(long)]
        force: bool,
    },
    /// Import secrets from a .env file or a JSON object: prints a table of what happens to
    /// each entry; writes nothing (and exits 1) if any entry is invalid.
    Import {
        workspace: String,
        file: PathBuf,
        /// Print the table only; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Replace the value of secrets that exist (a new version) instead of skipping them.
        #[arg(long)]
        replace: bool,
        /// Import invalid names under their suggested valid names (STRIPE-KEY -> stripe_key).
        #[arg(long)]
        accept_suggestions: bool,
        /// Grant every new secret to this agent (repeatable).
        #[arg(long = "grant", value_name = "AGENT")]
        grant: Vec<String>,
    },
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
    /// Switch a feature flag of a workspace. The reason goes to the platform audit log and
    /// is shown to the workspace's admins.
    Flag {
        workspace: String,
        flag: Flag,
        state: OnOff,
        /// Why (required): one line, at most 500 characters.
        #[arg(long)]
        reason: String,
    },
    /// List workspaces.
    List,
    /// Bind an email domain to a workspace for single sign-on: a verified identity of that
    /// domain joins as a member on its first sign-in. `--require` refuses password sign-in to
    /// the workspace's members (operators keep theirs). `--remove` drops the binding.
    Sso {
        workspace: String,
        /// The email domain, like acme.com.
        #[arg(long)]
        domain: String,
        /// Only identities from this configured provider (its `[[oidc]]` id) join.
        #[arg(long)]
        provider: Option<String>,
        /// Members of this workspace must sign in with single sign-on.
        #[arg(long)]
        require: bool,
        /// Remove the binding instead.
        #[arg(long, conflicts_with_all = ["provider", "require"])]
        remove: bool,
    },
    /// List the single sign-on domains bound to workspaces.
    SsoList,
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
    /// Take a lost second factor off an account (its authenticator app and recovery codes);
    /// every session of the account ends. Audited.
    #[command(name = "reset-2fa")]
    Reset2fa { email: String },
    /// Change a member's role.
    SetRole {
        email: String,
        workspace: String,
        #[arg(value_enum)]
        role: RoleArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum OperatorCommand {
    /// Make an existing user a platform operator: they get the Operator page (every
    /// workspace's flag and counts, the platform audit log) and no workspace rights.
    Grant { email: String },
    /// Take the operator role away.
    Revoke { email: String },
    /// List the operators.
    List,
}

#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    /// Create an agent in a workspace.
    Create { workspace: String, name: String },
}
