//! Single sign-on as pages see it: the providers on the sign-in page, an account's ways to
//! sign in, and the words for each reason a single sign-on was refused (the server sends only
//! a code, `?sso=<code>`, so that nothing from the request is echoed).

use serde::{Deserialize, Serialize};

/// A configured provider, and whether it answered the last time we asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoProvider {
    pub id: String,
    pub name: String,
    pub available: bool,
}

/// An identity linked to the signed-in account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedIdentity {
    pub id: i64,
    pub provider_id: String,
    /// The provider's name, or its id when it is no longer configured.
    pub provider_name: String,
    pub email: String,
    pub linked_at: i64,
    pub last_used_at: i64,
}

/// The signed-in account's ways to sign in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInMethods {
    pub has_password: bool,
    /// The account has a passkey (it confirms re-authentication).
    pub has_passkey: bool,
    pub identities: Vec<LinkedIdentity>,
    pub providers: Vec<SsoProvider>,
}

impl SignInMethods {
    /// Whether an identity may be unlinked: another way to sign in remains.
    pub fn can_unlink(&self) -> bool {
        self.has_password || self.identities.len() > 1
    }
}

/// The words for a refusal code; `None` for a code we never send.
pub fn sso_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "unknown_provider" => "That sign-in provider is not configured here.",
        "unavailable" => {
            "The sign-in provider cannot be reached right now. Try again later, or sign in with your password."
        }
        "state" => "That sign-in has expired or was already used. Please start again.",
        "refused" => "The provider did not sign you in.",
        "code" => {
            "The provider's answer could not be used (it may have been used already). Please start again."
        }
        "token" => {
            "The provider's answer failed a security check, so nobody was signed in. Please start again; if it happens again, tell your operator."
        }
        "email_missing" => "The provider did not share your email address.",
        "email_unverified" => {
            "Your email address is not verified at the provider. Verify it there, then try again."
        }
        "no_workspace" => {
            "No workspace accepts sign-ins from your email's domain. Ask a workspace admin for an invitation."
        }
        "account_exists" => {
            "An account with your email already exists. Sign in with your password, then link this provider from your Account page."
        }
        "linked_elsewhere" => "That identity is already linked to another account.",
        "wrong_account" => {
            "The provider signed in someone other than the identity linked to your account."
        }
        "not_recent" => "The provider did not ask for your password again. Please try again.",
        "sign_in_first" => "Sign in first.",
        "internal" => "Something went wrong. Please try again.",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_codes_have_no_words_so_nothing_is_echoed() {
        assert_eq!(sso_message("<script>"), None);
        assert!(sso_message("state").is_some());
    }
}
