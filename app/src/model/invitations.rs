//! Invitations as the Users page and the invitation page see them. Nothing here holds a
//! token except [`CreatedInvitation`], the one answer that carries the link.

use serde::{Deserialize, Serialize};

use super::Role;

/// A pending invitation as listed to the workspace's admins: never its token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    pub id: i64,
    pub email: String,
    pub role: Role,
    /// The inviting admin's email; `None` when that account is gone.
    pub invited_by: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
}

/// An invitation just made: the only answer that carries its link, shown once.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedInvitation {
    pub link: String,
    pub view: InvitationView,
    /// Whether the link is also being mailed (SMTP configured).
    pub mailed: bool,
}

impl std::fmt::Debug for CreatedInvitation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedInvitation")
            .field("view", &self.view)
            .field("mailed", &self.mailed)
            .finish_non_exhaustive()
    }
}

/// Why a link no longer invites anyone. An unknown link and a used one read the same, and
/// none of them names the workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationProblem {
    /// Never issued, or already used.
    Invalid,
    Expired,
    Revoked,
}

impl InvitationProblem {
    pub fn message(self) -> &'static str {
        match self {
            InvitationProblem::Invalid => {
                "This invitation link is not valid: it was already used, or it never existed."
            }
            InvitationProblem::Expired => "This invitation link has expired.",
            InvitationProblem::Revoked => {
                "This invitation was withdrawn by the workspace's admins."
            }
        }
    }
}

/// Who opens a pending invitation's link, and so what the page offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Visitor {
    /// Signed in with the invited email: "Join".
    Invitee,
    /// Signed in with another account (its email): sign out first.
    OtherAccount(String),
    /// Not signed in, and the invited email has an account: sign in to accept.
    HasAccount,
    /// Not signed in, and no account yet: create one.
    NewAccount,
}

/// A pending invitation as its link's page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationDetails {
    pub workspace: String,
    pub email: String,
    pub role: Role,
    pub expires_at: i64,
    pub visitor: Visitor,
}

/// What `/invite/{token}` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationPage {
    Pending(InvitationDetails),
    Unusable(InvitationProblem),
}
