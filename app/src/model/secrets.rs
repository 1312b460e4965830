//! Secrets as the dashboard sees them: names, descriptions, key names, versions, access.
//! Values never appear here, except in `PairInput`, which only travels from a form to
//! the server and never prints.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::lifecycle::Rotation;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SecretKind {
    Single,
    Pairs,
}

impl SecretKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SecretKind::Single => "single",
            SecretKind::Pairs => "pairs",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "single" => Some(SecretKind::Single),
            "pairs" => Some(SecretKind::Pairs),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SecretKind::Single => "Single value",
            SecretKind::Pairs => "Key/value pairs",
        }
    }
}

/// What every view of a live secret shows about it: a secret's own fields live here once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretMeta {
    pub name: String,
    pub description: String,
    pub kind: SecretKind,
    pub key_names: Vec<String>,
    /// The current version.
    pub version: i64,
    pub updated_at: i64,
    pub updated_by: String,
    pub rotation: Rotation,
}

/// A row of the secrets list. `meta` is flattened: the JSON has the same fields as before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretSummary {
    #[serde(flatten)]
    pub meta: SecretMeta,
    pub agent_count: i64,
    /// The last runtime read by any agent.
    pub last_read_at: Option<i64>,
    /// Nobody has read it for 30 days (since its creation, if never).
    pub unused: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretList {
    pub items: Vec<SecretSummary>,
    /// Matching secrets in all pages.
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
    /// Secrets in the workspace, whatever the search (for the empty state).
    pub workspace_total: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentAccess {
    pub id: i64,
    pub name: String,
    pub granted: bool,
    /// This agent's last runtime read of the secret.
    pub last_read_at: Option<i64>,
    /// Granted, but not read for 30 days (since the grant, if never).
    pub unused: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionInfo {
    pub version: i64,
    pub kind: SecretKind,
    pub created_at: i64,
    pub created_by: String,
    pub note: String,
}

/// A secret's page. `meta` is flattened: the JSON has the same fields as before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretDetail {
    #[serde(flatten)]
    pub meta: SecretMeta,
    pub created_at: i64,
    pub agents: Vec<AgentAccess>,
    pub versions: Vec<VersionInfo>,
    /// Its reads and denials per day, the last 30 days.
    pub activity: Vec<crate::model::activity::DayActivity>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrashItem {
    pub name: String,
    pub description: String,
    pub deleted_at: i64,
    pub purge_at: i64,
    pub agent_count: i64,
}

/// One key/value row of a form. The value never prints.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairInput {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub value: String,
}

impl fmt::Debug for PairInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PairInput")
            .field("key", &self.key)
            .field("value", &"<redacted>")
            .finish()
    }
}

/// What a new value is made of, as a form sends it.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueInput {
    /// `single` or `pairs`.
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub pairs: Vec<PairInput>,
}

impl ValueInput {
    /// A value from a form's `kind`, `value` and `pairs` fields (absent ones empty).
    pub fn from_form(kind: String, value: Option<String>, pairs: Option<Vec<PairInput>>) -> Self {
        Self {
            kind,
            value: value.unwrap_or_default(),
            pairs: pairs.unwrap_or_default(),
        }
    }
}

impl fmt::Debug for ValueInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ValueInput")
            .field("kind", &self.kind)
            .field("value", &"<redacted>")
            .field("pairs", &self.pairs)
            .finish()
    }
}

/// The code snippet on a secret's page: how an agent's function reads it.
pub fn read_snippet(name: &str) -> String {
    format!(
        "import os, requests\n\n\
         def get_secret(name):\n    \
         r = requests.get(f\"{{os.environ['VAULT_URL']}}/v1/secrets/{{name}}\",\n                     \
         headers={{\"Authorization\": f\"Bearer {{os.environ['VAULT_AGENT_TOKEN']}}\"}}, timeout=5)\n    \
         r.raise_for_status()\n    \
         return r.json()[\"value\"]\n\n\
         value = get_secret(\"{name}\")\n"
    )
}

/// How a function reads the secret with an existing Vault client (here Python's hvac), and
/// the same with the Vault CLI. `key_names` picks the field shown: `value` for a single value.
pub fn vault_snippet(name: &str, key_names: &[String]) -> String {
    let field = key_names.first().map_or("value", String::as_str);
    format!(
        "import hvac  # pip install hvac\n\n\
         client = hvac.Client()  # reads VAULT_ADDR and VAULT_TOKEN\n\
         secret = client.secrets.kv.v2.read_secret_version(\n    \
         path=\"{name}\", raise_on_deleted_version=True)\n\
         value = secret[\"data\"][\"data\"][\"{field}\"]\n\n\
         # or in a shell: vault kv get -field={field} secret/{name}\n"
    )
}

/// One page of the grant matrix: secrets as rows, agents as columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantMatrix {
    pub secrets: Vec<String>,
    pub agents: Vec<crate::model::AgentView>,
    /// (secret, agent id) cells that are granted, within this page.
    pub granted: Vec<(String, i64)>,
    pub secret_total: i64,
    pub agent_total: i64,
    pub page: i64,
    pub agent_page: i64,
    pub page_size: i64,
    pub agent_page_size: i64,
}

/// A pending change of one matrix cell.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GrantChange {
    pub secret: String,
    pub agent_id: i64,
    pub grant: bool,
}

#[cfg(test)]
mod tests {
    use super::vault_snippet;

    #[test]
    fn the_vault_snippet_reads_the_value_field_or_the_first_key() {
        let single = vault_snippet("stripe_api_key", &[]);
        assert!(single.contains("path=\"stripe_api_key\""));
        assert!(single.contains("[\"data\"][\"data\"][\"value\"]"));
        let pairs = vault_snippet(
            "oauth_client",
            &["client_id".into(), "client_secret".into()],
        );
        assert!(pairs.contains("vault kv get -field=client_id secret/oauth_client"));
    }
}

/// The admin's dashboard on the workspace page: counts that link to the filtered lists, and
/// what happened lately.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretsOverview {
    pub secrets: i64,
    pub due: i64,
    pub overdue: i64,
    pub expired: i64,
    pub unused_secrets: i64,
    pub unused_tokens: i64,
    /// The latest changes by people (and the operator), newest first.
    pub recent_changes: Vec<crate::model::AuditEventView>,
    /// The latest refused runtime reads, newest first.
    pub recent_denials: Vec<crate::model::AuditEventView>,
    /// The workspace's reads and denials per day, the last 30 days.
    pub activity: Vec<crate::model::activity::DayActivity>,
}
