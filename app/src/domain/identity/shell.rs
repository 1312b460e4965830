//! The operator's shell: the `vault` command, run by whoever can read the server's database
//! and master key already. It acts as the operator (`Actor::Operator`) without signing in, so
//! its rights come from one proof, [`Shell`], that a process can obtain once: `main` claims it
//! before it reads its arguments, whatever the command, and a serving process drops it before
//! it answers a request. A server function that asks for it later gets `None`: the rights of
//! the shell cannot be obtained by the code that answers requests.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::domain::identity::access::{Admin, Operator, SecretsAdmin};
use crate::domain::identity::workspaces::Workspace;
use crate::domain::DomainError;

static CLAIMED: AtomicBool = AtomicBool::new(false);

/// Proof that this is the operator's shell. Neither `Clone` nor constructible elsewhere.
#[derive(Debug)]
pub struct Shell(());

impl Shell {
    /// The process's one shell: the first call gets it, every later call `None`.
    pub fn claim() -> Option<Shell> {
        (!CLAIMED.swap(true, Ordering::SeqCst)).then_some(Shell(()))
    }

    /// The operator, for platform changes (feature flags, operator grants).
    pub fn operator(&self) -> Operator {
        Operator::shell()
    }

    /// The operator acting as an admin of `workspace` (roles, agents).
    pub fn admin(&self, workspace: Workspace) -> Admin {
        Admin::shell(workspace)
    }

    /// The operator acting on `workspace`'s secrets (`vault import`): the flag must be on.
    pub fn secrets_admin(&self, workspace: Workspace) -> Result<SecretsAdmin, DomainError> {
        if !workspace.secrets_enabled() {
            return Err(DomainError::FeatureDisabled);
        }
        Ok(SecretsAdmin::shell(self.admin(workspace)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_process_gets_one_shell() {
        // Another test of this binary may have claimed it first; never twice.
        let first = Shell::claim();
        assert!(Shell::claim().is_none(), "{first:?} is the only one");
        assert!(Shell::claim().is_none());
    }
}
