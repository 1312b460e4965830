//! What the Operator page shows: workspaces with counts (never a secret's name or value) and
//! the platform audit log.

use serde::{Deserialize, Serialize};

/// One workspace as an operator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorWorkspace {
    pub slug: String,
    pub name: String,
    pub secrets_enabled: bool,
    pub members: i64,
    /// Secrets not in the trash.
    pub secrets: i64,
}

/// One entry of the platform audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformEvent {
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub detail: String,
    /// The workspace's slug, when the entry concerns one.
    pub workspace: Option<String>,
    pub reason: String,
}

/// The Operator page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsoleView {
    pub workspaces: Vec<OperatorWorkspace>,
    /// The newest entries first.
    pub log: Vec<PlatformEvent>,
}

/// When and why a workspace's secrets vault flag last changed, for its admins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlagChange {
    pub on: bool,
    pub at: i64,
    pub reason: String,
}

/// The answer to a switch: the workspace's name and its flag now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlagSwitched {
    pub workspace: String,
    pub on: bool,
}
