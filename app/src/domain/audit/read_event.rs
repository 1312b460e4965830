//! What the audit trail records of one runtime read: which agent, with which token, asked
//! for which secret (and version), through which API, and what came of it.

use crate::domain::now;

/// One runtime read attempt by an agent.
#[derive(Debug, Clone)]
pub struct ReadEvent {
    pub workspace_id: i64,
    pub agent_id: i64,
    pub agent_name: String,
    pub token_id: i64,
    pub token_prefix: String,
    /// The secret name asked for (or `*` for the list).
    pub secret_name: String,
    /// The secret read, for an answered read.
    pub secret_id: Option<i64>,
    /// `ok`, `missing_access`, `secret_not_found`, `version_not_found`, `feature_disabled`,
    /// `token_revoked`, `token_expired`.
    pub outcome: &'static str,
    /// The version read, or asked for.
    pub version: Option<i64>,
    pub via: Via,
    /// A read of a secret past its expiry date: answered, and audited as such.
    pub expired: bool,
    pub at: i64,
}

/// Which API an agent called.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Via {
    /// `/v1/secrets`.
    #[default]
    RuntimeApi,
    /// The Vault KV v2-compatible API at `/v1/secret/`.
    VaultApi,
}

impl ReadEvent {
    pub(super) fn action(&self) -> &'static str {
        if self.outcome == "ok" && self.expired {
            "secret.read_expired"
        } else if self.outcome == "ok" {
            "secret.read"
        } else {
            "secret.read_denied"
        }
    }

    /// `ok, version 3 with token svt_AbCd1234… (Vault API)`.
    pub(super) fn detail(&self) -> String {
        let version = self
            .version
            .map(|v| format!(", version {v}"))
            .unwrap_or_default();
        let via = match self.via {
            Via::RuntimeApi => "",
            Via::VaultApi => " (Vault API)",
        };
        format!(
            "{}{version} with token {}…{via}",
            self.outcome, self.token_prefix
        )
    }

    pub fn version(mut self, version: Option<i64>) -> Self {
        self.version = version;
        self
    }

    /// An answered read of secret `secret_id`, counted in "who uses what".
    pub fn of_secret(mut self, secret_id: i64) -> Self {
        self.secret_id = Some(secret_id);
        self
    }

    pub fn expired(mut self, expired: bool) -> Self {
        self.expired = expired;
        self
    }

    pub fn via(mut self, via: Via) -> Self {
        self.via = via;
        self
    }
}

/// Who read: the plain identity data an audit event needs.
pub struct Reader<'a> {
    pub workspace_id: i64,
    pub agent_id: i64,
    pub agent_name: &'a str,
    pub token_id: i64,
    pub token_prefix: &'a str,
}

pub fn event(reader: Reader<'_>, secret_name: &str, outcome: &'static str) -> ReadEvent {
    ReadEvent {
        workspace_id: reader.workspace_id,
        agent_id: reader.agent_id,
        agent_name: reader.agent_name.to_string(),
        token_id: reader.token_id,
        token_prefix: reader.token_prefix.to_string(),
        secret_name: secret_name.to_string(),
        secret_id: None,
        outcome,
        version: None,
        via: Via::RuntimeApi,
        expired: false,
        at: now(),
    }
}
