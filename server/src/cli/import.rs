//! `vault import <workspace> <file>`: the dashboard's import, from a file, as the operator.

use std::path::Path;

use app::domain::admin::agents;
use app::domain::identity::shell::Shell;
use app::domain::identity::workspaces;
use app::domain::secrets::import;
use app::model::import::{ImportOptions, ImportPlan};

use crate::config::Config;
use crate::startup;
use crate::startup::error::CliError;

/// What the import command was asked to do.
pub(super) struct Request<'a> {
    pub workspace: &'a str,
    pub file: &'a Path,
    pub dry_run: bool,
    pub options: ImportOptions,
    pub grant: &'a [String],
}

/// The preview as a text table: entry, name, type, what is stored (its size), status, reason.
/// Never a value.
fn table(plan: &ImportPlan) -> String {
    let mut out = format!(
        "{:<14} {:<32} {:<7} {:<24} {:<24} {}\n",
        "ENTRY", "NAME", "TYPE", "STORED", "STATUS", "REASON"
    );
    for row in &plan.rows {
        out.push_str(&format!(
            "{:<14} {:<32} {:<7} {:<24} {:<24} {}\n",
            row.source,
            row.name,
            row.kind,
            row.stored,
            row.status.label(),
            row.reason.as_deref().unwrap_or("")
        ));
    }
    out.push_str(&format!(
        "{} new, {} replaced, {} skipped, {} invalid\n",
        plan.new, plan.replaced, plan.skipped, plan.invalid
    ));
    out
}

pub(super) async fn run(config: &Config, req: Request<'_>, shell: &Shell) -> Result<(), CliError> {
    let text = std::fs::read_to_string(req.file)
        .map_err(|e| CliError::Io(format!("cannot read {}: {e}", req.file.display())))?;
    let pool = startup::open_database(config).await?;
    let ws = workspaces::get_by_slug(&pool, req.workspace).await?;
    let mut options = req.options;
    for agent in req.grant {
        options
            .agents
            .push(agents::id_of(&pool, ws.id, agent).await?);
    }
    let gate = shell.secrets_admin(ws)?;
    let plan = import::preview(&pool, &gate, &text, &options, config.import_max_entries).await?;
    print!("{}", table(&plan));
    if plan.invalid > 0 {
        return Err(CliError::Usage(format!(
            "{} invalid entr{}: nothing was imported",
            plan.invalid,
            if plan.invalid == 1 { "y" } else { "ies" }
        )));
    }
    if req.dry_run {
        println!("dry run: nothing was written");
        return Ok(());
    }
    let (keyring, _) = config.keyring()?;
    let done = import::import(
        &pool,
        &keyring,
        &gate,
        &text,
        &options,
        config.import_max_entries,
    )
    .await?;
    println!("imported: {} new, {} replaced", done.new, done.replaced);
    Ok(())
}
