//! Bulk import as the preview shows it: one row per entry, never a value.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportStatus {
    /// Will be created.
    New,
    /// A secret with this name exists: skipped, or its value replaced if chosen.
    Exists { replace: bool },
    /// Cannot be imported; see the reason. Nothing is written while any entry is invalid.
    Invalid,
}

impl ImportStatus {
    pub fn label(self) -> &'static str {
        match self {
            ImportStatus::New => "new",
            ImportStatus::Exists { replace: true } => "exists: value replaced",
            ImportStatus::Exists { replace: false } => "exists: skipped",
            ImportStatus::Invalid => "invalid",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    /// Where the entry is: `line 3` of a `.env`, or `key "X"` of a JSON object.
    pub source: String,
    /// The name it is imported as (the suggestion, when accepted).
    pub name: String,
    /// `single`, `pairs`, or empty when the value could not be read.
    pub kind: String,
    /// What will be stored, never the value: `12 characters`, `2 keys, 40 characters`.
    #[serde(default)]
    pub stored: String,
    pub status: ImportStatus,
    pub reason: Option<String>,
    /// A valid name derived from an invalid one (`STRIPE-KEY` -> `stripe_key`).
    pub suggestion: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPlan {
    pub rows: Vec<ImportRow>,
    pub new: usize,
    pub replaced: usize,
    pub skipped: usize,
    pub invalid: usize,
}

/// What the admin chose besides the text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOptions {
    /// Replace the value of secrets that exist (a new version) instead of skipping them.
    #[serde(default)]
    pub replace: bool,
    /// Import invalid names under their suggested valid names.
    #[serde(default)]
    pub accept_suggestions: bool,
    /// Agents (by id) granted every new secret.
    #[serde(default)]
    pub agents: Vec<i64>,
}
