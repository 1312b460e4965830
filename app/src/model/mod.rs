//! Data shared by the server and the browser: what server functions return.
//! Nothing here holds a secret value or a password hash.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "admin" => Some(Role::Admin),
            "member" => Some(Role::Member),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::Member => "Member",
        }
    }
}

/// A workspace the signed-in user belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceSummary {
    pub slug: String,
    pub name: String,
    pub role: Role,
}

/// The signed-in user and their workspaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub email: String,
    pub name: String,
    pub workspaces: Vec<WorkspaceSummary>,
    /// Holds the platform operator role (sees the Operator page).
    pub operator: bool,
}

/// What the workspace frame (top bar and tabs) needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceView {
    pub slug: String,
    pub name: String,
    pub role: Role,
    /// True only for admins of a workspace whose secrets feature flag is on.
    pub secrets_tab: bool,
    pub me: Me,
    pub agent_count: i64,
    pub member_count: i64,
    /// When and why the secrets vault flag last changed; for admins only.
    pub flag_change: Option<operator::FlagChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentView {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub user_id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub joined_at: i64,
    /// Whether the member has a second factor of their own.
    pub second_factor: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembersPage {
    pub members: Vec<MemberView>,
    /// Whether the caller may change roles.
    pub can_manage: bool,
    /// The workspace's rule "Admins must use a second factor".
    pub second_factor_rule: bool,
    pub my_user_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentsPage {
    pub agents: Vec<AgentView>,
    pub can_manage: bool,
    /// For admins: what each agent can read and whether it still reads (empty for members).
    pub usage: Vec<AgentUsage>,
}

/// One agent at a glance, for an admin reviewing least privilege.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentUsage {
    pub agent_id: i64,
    /// Secrets granted to it (`None` where the workspace's secrets vault is off).
    pub secrets: Option<i64>,
    /// Tokens neither revoked nor expired.
    pub active_tokens: i64,
    /// Its last runtime read of any secret.
    pub last_read_at: Option<i64>,
}

pub mod activity;
pub mod audit_actions;
pub mod import;
pub mod invitations;
pub mod lifecycle;
pub mod operator;
pub mod second_factor;
pub mod secrets;
pub mod sso;
pub mod webhooks;

/// An agent credential as listed: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenView {
    pub id: i64,
    /// The first characters of the token, to recognise it (`svt_AbCd1234`).
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    /// `None`: never expires.
    pub expires_at: Option<i64>,
    /// Past `expires_at`: refused like a revoked token.
    pub expired: bool,
    /// Live, but not used for 30 days (since it was issued, if never).
    pub unused: bool,
}

/// The lifetimes the token form offers, by form value; `never` only by explicit choice.
pub const TOKEN_LIFETIMES: [(&str, &str); 5] = [
    ("1", "1 day"),
    ("30", "30 days"),
    ("90", "90 days"),
    ("365", "1 year"),
    ("never", "Never expires"),
];

/// How long an old token stays valid after a rotation, by form value (hours).
pub const ROTATION_OVERLAPS: [(&str, &str); 4] = [
    ("0", "No overlap"),
    ("1", "1 hour"),
    ("24", "24 hours"),
    ("168", "7 days"),
];

/// A token just issued: the only response that ever carries a token's full text.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedTokenView {
    pub token: String,
    pub view: TokenView,
}

impl std::fmt::Debug for IssuedTokenView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedTokenView")
            .field("view", &self.view)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentTokensPage {
    pub agent: String,
    pub tokens: Vec<TokenView>,
    /// The workspace's default lifetime for new tokens (`None`: never expire).
    pub default_lifetime: Option<i64>,
    /// The secrets this agent may read and its last read of each (empty when the
    /// workspace's secrets vault is off).
    pub reads: Vec<AgentRead>,
    /// Its reads and denials per day, the last 30 days (empty when the vault is off).
    pub activity: Vec<activity::DayActivity>,
}

/// A secret an agent may read, and when it last did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentRead {
    pub secret: String,
    pub description: String,
    /// Where the secret stands against its rotation policy.
    pub status: lifecycle::RotationStatus,
    /// This agent's last read of it.
    pub last_read_at: Option<i64>,
    /// Not read for 30 days (since the grant, if never).
    pub unused: bool,
}

/// One audit event as shown and exported. Never holds a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEventView {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub secret: Option<String>,
    pub agent: Option<String>,
    pub outcome: Option<String>,
    pub detail: String,
}

impl AuditEventView {
    /// Where the event stands in the log's order (time, then id): what a link to the page of
    /// events older or newer than it carries.
    pub fn cursor(&self) -> String {
        format!("{}.{}", self.at, self.id)
    }
}

/// Filters of the audit log; empty strings mean "any". Dates are `YYYY-MM-DD` (UTC).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    #[serde(default)]
    pub secret: String,
    #[serde(default)]
    pub agent: String,
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub events: Vec<AuditEventView>,
    /// Matching events, counted up to a bound (see `capped`).
    pub total: i64,
    /// More events match than `total`: counting them all would cost a scan of the log.
    #[serde(default)]
    pub capped: bool,
    /// The page of newer events: the cursor of this page's first event (none on the first page).
    pub newer: Option<String>,
    /// The page of older events: the cursor of this page's last event (none on the last page).
    pub older: Option<String>,
}
