//! The WebAuthn ceremonies, through webauthn-rs: registering a passkey, signing in with one
//! alone (a discoverable credential: the authenticator says whose it is), and a passkey of a
//! known account (the second step of a sign-in, re-authentication). User verification is
//! required throughout and sign counters are checked (webauthn-rs refuses a counter that did
//! not move forward).
//!
//! The relying party is this site: its id is the host of the origin (`public_url`, or in
//! development the host the browser used), and only that exact origin is accepted. What a
//! ceremony remembers between its two requests is JSON kept in the server-side session.

use webauthn_rs::prelude::{
    AuthenticationResult, CredentialID, DiscoverableAuthentication, DiscoverableKey, Passkey,
    PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential,
    Url, Uuid, Webauthn, WebauthnBuilder,
};

use crate::domain::DomainError;

/// The relying party for `origin` (`https://vault.example.com`, `http://localhost:3000`).
pub fn relying_party(origin: &str) -> Result<Webauthn, DomainError> {
    let url = Url::parse(origin)
        .map_err(|e| DomainError::Internal(format!("site origin {origin:?}: {e}")))?;
    let Some(rp_id) = url.domain().map(str::to_string) else {
        return Err(DomainError::validation(
            "passkey",
            "Passkeys need the vault to be opened by its name (such as localhost), not by an IP address.",
        ));
    };
    WebauthnBuilder::new(&rp_id, &url)
        .and_then(|builder| builder.rp_name("Secrets Vault").build())
        .map_err(|e| DomainError::Internal(format!("relying party {rp_id}: {e}")))
}

/// What the browser gets (options for `navigator.credentials`) and what the session keeps.
pub struct Started {
    pub options: String,
    pub state: String,
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, DomainError> {
    serde_json::to_string(value).map_err(|e| DomainError::Internal(format!("webauthn json: {e}")))
}

fn refused(what: &str, e: impl std::fmt::Display) -> DomainError {
    tracing::info!(error = %e, "passkey {what} refused");
    DomainError::validation(
        "passkey",
        "That passkey was not accepted. Try again, or use another way.",
    )
}

fn state<T: serde::de::DeserializeOwned>(raw: &str) -> Result<T, DomainError> {
    serde_json::from_str(raw).map_err(|_| expired())
}

/// No ceremony under way (none started, already used, or too old).
pub fn expired() -> DomainError {
    DomainError::validation("passkey", "That took too long. Please try again.")
}

/// Starts registering a passkey for the user whose handle is `handle`. The authenticator is
/// asked for a discoverable credential, so that it can later sign in without an email, and
/// not to make a second one for a credential the account has already.
pub fn start_registration(
    rp: &Webauthn,
    handle: Uuid,
    email: &str,
    display_name: &str,
    existing: Vec<CredentialID>,
) -> Result<Started, DomainError> {
    let (options, state) = rp
        .start_passkey_registration(handle, email, display_name, Some(existing))
        .map_err(|e| DomainError::Internal(format!("passkey registration: {e}")))?;
    let mut options = serde_json::to_value(&options)
        .map_err(|e| DomainError::Internal(format!("webauthn json: {e}")))?;
    if let Some(selection) = options
        .pointer_mut("/publicKey/authenticatorSelection")
        .and_then(|s| s.as_object_mut())
    {
        selection.insert("residentKey".into(), "required".into());
        selection.insert("requireResidentKey".into(), true.into());
    }
    Ok(Started {
        options: options.to_string(),
        state: json(&state)?,
    })
}

/// The authenticator's answer to [`start_registration`]: the new passkey.
pub fn finish_registration(
    rp: &Webauthn,
    credential: &str,
    state: &str,
) -> Result<Passkey, DomainError> {
    let state: PasskeyRegistration = self::state(state)?;
    let credential: RegisterPublicKeyCredential =
        serde_json::from_str(credential).map_err(|e| refused("registration", e))?;
    rp.finish_passkey_registration(&credential, &state)
        .map_err(|e| refused("registration", e))
}

/// Starts a sign-in with a passkey alone: any discoverable credential for this site.
pub fn start_sign_in(rp: &Webauthn) -> Result<Started, DomainError> {
    let (options, state) = rp
        .start_discoverable_authentication()
        .map_err(|e| DomainError::Internal(format!("passkey sign-in: {e}")))?;
    let mut options = serde_json::to_value(&options)
        .map_err(|e| DomainError::Internal(format!("webauthn json: {e}")))?;
    // Asked from a button, not from the browser's autofill.
    if let Some(options) = options.as_object_mut() {
        options.remove("mediation");
    }
    Ok(Started {
        options: options.to_string(),
        state: json(&state)?,
    })
}

/// The authenticator's answer to [`start_sign_in`], read: whose handle it names.
pub fn identify(
    rp: &Webauthn,
    credential: &str,
) -> Result<(Uuid, PublicKeyCredential), DomainError> {
    let credential: PublicKeyCredential =
        serde_json::from_str(credential).map_err(|e| refused("sign-in", e))?;
    let (handle, _) = rp
        .identify_discoverable_authentication(&credential)
        .map_err(|e| refused("sign-in", e))?;
    Ok((handle, credential))
}

/// Checks the answer of [`identify`] against the passkeys of the account it named.
pub fn finish_sign_in(
    rp: &Webauthn,
    credential: &PublicKeyCredential,
    state: &str,
    keys: &[Passkey],
) -> Result<AuthenticationResult, DomainError> {
    let state: DiscoverableAuthentication = self::state(state)?;
    let keys: Vec<DiscoverableKey> = keys.iter().map(DiscoverableKey::from).collect();
    rp.finish_discoverable_authentication(credential, state, &keys)
        .map_err(|e| refused("sign-in", e))
}

/// Starts asking for one of `keys`, the passkeys of a known account.
pub fn start_known(rp: &Webauthn, keys: &[Passkey]) -> Result<Started, DomainError> {
    let (options, state) = rp
        .start_passkey_authentication(keys)
        .map_err(|e| DomainError::Internal(format!("passkey check: {e}")))?;
    Ok(Started {
        options: json(&options)?,
        state: json(&state)?,
    })
}

/// The authenticator's answer to [`start_known`].
pub fn finish_known(
    rp: &Webauthn,
    credential: &str,
    state: &str,
) -> Result<AuthenticationResult, DomainError> {
    let state: PasskeyAuthentication = self::state(state)?;
    let credential: PublicKeyCredential =
        serde_json::from_str(credential).map_err(|e| refused("check", e))?;
    rp.finish_passkey_authentication(&credential, &state)
        .map_err(|e| refused("check", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_relying_party_is_the_sites_host_and_an_ip_address_is_refused() {
        assert!(relying_party("https://vault.example.com").is_ok());
        assert!(relying_party("http://localhost:3000").is_ok());
        let err = relying_party("http://127.0.0.1:3000")
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("IP address")));
    }

    #[test]
    fn registration_asks_for_a_discoverable_credential_with_user_verification() {
        let rp = relying_party("http://localhost:3000").unwrap();
        let started = start_registration(&rp, Uuid::new_v4(), "a@b.test", "A", Vec::new()).unwrap();
        let options: serde_json::Value = serde_json::from_str(&started.options).unwrap();
        let selection = &options["publicKey"]["authenticatorSelection"];
        assert_eq!(selection["residentKey"], "required");
        assert_eq!(selection["userVerification"], "required");
        assert_eq!(options["publicKey"]["rp"]["id"], "localhost");
        // A made-up answer is refused, not a panic.
        let err = finish_registration(&rp, "{}", &started.state).unwrap_err();
        assert!(err.to_string().contains("not accepted"));
    }

    #[test]
    fn a_sign_in_is_asked_from_a_button_not_from_autofill() {
        let rp = relying_party("https://vault.example.com").unwrap();
        let started = start_sign_in(&rp).unwrap();
        let options: serde_json::Value = serde_json::from_str(&started.options).unwrap();
        assert!(options.get("mediation").is_none());
        assert_eq!(options["publicKey"]["userVerification"], "required");
        assert!(finish_known(&rp, "{}", "not json").is_err());
    }
}
