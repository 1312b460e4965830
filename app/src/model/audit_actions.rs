//! The audit trail's action names, in one list, with where each is offered: as a filter of
//! the audit log, and as an event a webhook can subscribe to. A new audited action is added
//! here once.

/// An audited action and where it is offered.
pub struct AuditAction {
    pub name: &'static str,
    /// The audit log's action filter lists it.
    pub filter: bool,
    /// A webhook can subscribe to it (see `domain::audit::outbox`).
    pub webhook: bool,
}

const fn both(name: &'static str) -> AuditAction {
    AuditAction {
        name,
        filter: true,
        webhook: true,
    }
}

const fn filter_only(name: &'static str) -> AuditAction {
    AuditAction {
        name,
        filter: true,
        webhook: false,
    }
}

const fn webhook_only(name: &'static str) -> AuditAction {
    AuditAction {
        name,
        filter: false,
        webhook: true,
    }
}

/// In the order the audit log's filter and the webhook form list them.
pub const AUDIT_ACTIONS: [AuditAction; 27] = [
    both("secret.create"),
    filter_only("secret.describe"),
    webhook_only("secret.replace"),
    both("secret.rotate"),
    both("secret.rollback"),
    both("secret.delete"),
    both("secret.restore"),
    both("secret.purge"),
    both("grant.add"),
    both("grant.remove"),
    filter_only("secret.read"),
    filter_only("secret.read_denied"),
    both("token.issue"),
    filter_only("member.role"),
    both("member.join"),
    both("invitation.create"),
    both("invitation.revoke"),
    both("invitation.accept"),
    webhook_only("token.rotate"),
    both("token.revoke"),
    webhook_only("workspace.flag"),
    both("workspace.2fa_rule"),
    both("2fa.enrol"),
    both("2fa.remove"),
    both("2fa.recovery_codes"),
    both("2fa.recovery_used"),
    both("2fa.reset"),
];

/// The actions the audit log can be filtered by.
pub fn filter_actions() -> impl Iterator<Item = &'static str> {
    AUDIT_ACTIONS.iter().filter(|a| a.filter).map(|a| a.name)
}

/// The actions a webhook can subscribe to, as its events are named.
pub fn webhook_events() -> impl Iterator<Item = &'static str> {
    AUDIT_ACTIONS.iter().filter(|a| a.webhook).map(|a| a.name)
}

/// Whether a webhook can subscribe to `action`.
pub fn is_webhook_event(action: &str) -> bool {
    webhook_events().any(|e| e == action)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_and_the_webhooks_list_their_actions_in_order() {
        assert_eq!(
            filter_actions().collect::<Vec<_>>(),
            [
                "secret.create",
                "secret.describe",
                "secret.rotate",
                "secret.rollback",
                "secret.delete",
                "secret.restore",
                "secret.purge",
                "grant.add",
                "grant.remove",
                "secret.read",
                "secret.read_denied",
                "token.issue",
                "member.role",
                "member.join",
                "invitation.create",
                "invitation.revoke",
                "invitation.accept",
                "token.revoke",
                "workspace.2fa_rule",
                "2fa.enrol",
                "2fa.remove",
                "2fa.recovery_codes",
                "2fa.recovery_used",
                "2fa.reset",
            ]
        );
        assert_eq!(webhook_events().count(), 23);
        assert!(is_webhook_event("2fa.reset"));
        assert!(is_webhook_event("workspace.flag"));
        assert!(!is_webhook_event("secret.read"));
    }
}
