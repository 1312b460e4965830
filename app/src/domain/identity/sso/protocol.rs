//! The authorization code flow with PKCE (S256), as OpenID Connect Core 1.0 describes it:
//! the request that sends the browser to the provider, then the code exchanged for tokens
//! and the ID token checked (signature with the provider's keys, `iss`, `aud`, `exp`, `iat`,
//! `nonce`, the access token's hash), giving a verified identity.

use std::time::Duration;

use openidconnect::core::{
    CoreAuthPrompt, CoreAuthenticationFlow, CoreClient, CoreProviderMetadata,
};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken,
    Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    SignatureVerificationError, TokenResponse,
};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

use super::directory::{Directory, Provider, ProviderSettings};
use super::SsoError;
use crate::domain::now;

/// An ID token issued longer ago than this, or this far in the future, is refused.
const IAT_WINDOW_SECONDS: i64 = 600;
const CLOCK_SKEW_SECONDS: i64 = 60;

/// Where to send the browser, and what the callback must find again.
pub struct Authorization {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// What the provider vouched for, after every check.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VerifiedIdentity {
    pub issuer: String,
    pub subject: String,
    /// Lower case; verified by the provider (`email_verified`).
    pub email: String,
    pub name: Option<String>,
    /// When the person last typed their credentials at the provider (`auth_time`).
    pub auth_time: Option<i64>,
    /// The provider vouched for a second factor: the operator marked it as enforcing one, or
    /// its `amr` claim says so (see [`amr_second_factor`]).
    #[serde(default)]
    pub second_factor: bool,
}

/// Whether an `amr` claim (RFC 8176) tells of a second factor: `mfa`, or two or more methods.
pub fn amr_second_factor<S: AsRef<str>>(amr: &[S]) -> bool {
    let mut methods: Vec<&str> = amr.iter().map(|m| m.as_ref()).collect();
    methods.sort_unstable();
    methods.dedup();
    methods.contains(&"mfa") || methods.len() >= 2
}

fn client(
    meta: &CoreProviderMetadata,
    settings: &ProviderSettings,
    redirect_uri: &str,
) -> Result<
    CoreClient<
        openidconnect::EndpointSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointMaybeSet,
        openidconnect::EndpointMaybeSet,
    >,
    SsoError,
> {
    let redirect = RedirectUrl::new(redirect_uri.to_string())
        .map_err(|e| SsoError::Unavailable(format!("redirect URI: {e}")))?;
    Ok(CoreClient::from_provider_metadata(
        meta.clone(),
        ClientId::new(settings.client_id.clone()),
        Some(ClientSecret::new(
            settings.client_secret.expose_secret().to_string(),
        )),
    )
    .set_redirect_uri(redirect))
}

/// The authorization request. `reauth`: the provider must ask for the password again
/// (`prompt=login`, `max_age=0`) however recently the person signed in there.
pub fn authorize(
    meta: &CoreProviderMetadata,
    settings: &ProviderSettings,
    redirect_uri: &str,
    reauth: bool,
) -> Result<Authorization, SsoError> {
    let client = client(meta, settings, redirect_uri)?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge);
    for scope in &settings.scopes {
        request = request.add_scope(Scope::new(scope.clone()));
    }
    if reauth {
        request = request
            .add_prompt(CoreAuthPrompt::Login)
            .set_max_age(Duration::from_secs(0));
    }
    let (url, state, nonce) = request.url();
    Ok(Authorization {
        url: url.to_string(),
        state: state.secret().clone(),
        nonce: nonce.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
    })
}

/// What the callback brought back, and what the flow remembered.
pub struct Redemption<'a> {
    pub code: String,
    pub pkce_verifier: String,
    pub nonce: String,
    pub redirect_uri: &'a str,
}

/// Exchanges the code and checks the ID token. A token signed with a key id we do not know
/// fetches the provider's keys again, once.
pub async fn redeem(
    directory: &Directory,
    provider: &Provider,
    redemption: Redemption<'_>,
) -> Result<VerifiedIdentity, SsoError> {
    let meta = directory.metadata(provider).await?;
    let settings = provider.settings();
    let exchange = client(&meta, settings, redemption.redirect_uri)?;
    let tokens = exchange
        .exchange_code(AuthorizationCode::new(redemption.code))
        .map_err(|e| SsoError::Unavailable(format!("token endpoint: {e}")))?
        .set_pkce_verifier(PkceCodeVerifier::new(redemption.pkce_verifier))
        .request_async(directory.http())
        .await
        .map_err(|e| SsoError::Code(e.to_string()))?;
    let nonce = Nonce::new(redemption.nonce);
    match verify(&meta, settings, redemption.redirect_uri, &tokens, &nonce) {
        Err(SsoError::Token("unknown key")) => {
            let meta = directory.refresh_keys(provider).await?;
            verify(&meta, settings, redemption.redirect_uri, &tokens, &nonce)
        }
        other => other,
    }
}

fn verify(
    meta: &CoreProviderMetadata,
    settings: &ProviderSettings,
    redirect_uri: &str,
    tokens: &openidconnect::core::CoreTokenResponse,
    nonce: &Nonce,
) -> Result<VerifiedIdentity, SsoError> {
    let client = client(meta, settings, redirect_uri)?;
    let id_token = tokens.id_token().ok_or(SsoError::Token("missing"))?;
    let at = now();
    let verifier = client
        .id_token_verifier()
        .set_issue_time_verifier_fn(move |iat| {
            let iat = iat.timestamp();
            if iat > at + CLOCK_SKEW_SECONDS {
                Err("issued in the future".to_string())
            } else if at - iat > IAT_WINDOW_SECONDS {
                Err("issued too long ago".to_string())
            } else {
                Ok(())
            }
        });
    let claims = id_token.claims(&verifier, nonce).map_err(token_error)?;
    if let Some(expected) = claims.access_token_hash() {
        let alg = id_token
            .signing_alg()
            .map_err(|_| SsoError::Token("signature"))?;
        let key = id_token
            .signing_key(&verifier)
            .map_err(|_| SsoError::Token("signature"))?;
        let actual = AccessTokenHash::from_token(tokens.access_token(), alg, key)
            .map_err(|_| SsoError::Token("at_hash"))?;
        if actual != *expected {
            return Err(SsoError::Token("at_hash"));
        }
    }
    let email = claims
        .email()
        .map(|e| e.as_str().trim().to_lowercase())
        .filter(|e| !e.is_empty())
        .ok_or(SsoError::EmailMissing)?;
    if claims.email_verified() != Some(true) {
        return Err(SsoError::EmailUnverified);
    }
    Ok(VerifiedIdentity {
        issuer: claims.issuer().as_str().to_string(),
        subject: claims.subject().as_str().to_string(),
        email,
        name: claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str().to_string()),
        auth_time: claims.auth_time().map(|t| t.timestamp()),
        second_factor: settings.second_factor
            || claims.auth_method_refs().is_some_and(|amr| {
                amr_second_factor(&amr.iter().map(|m| m.as_str()).collect::<Vec<_>>())
            }),
    })
}

fn token_error(e: ClaimsVerificationError) -> SsoError {
    let reason = match e {
        ClaimsVerificationError::SignatureVerification(
            SignatureVerificationError::NoMatchingKey,
        ) => "unknown key",
        ClaimsVerificationError::SignatureVerification(_) => "signature",
        ClaimsVerificationError::Expired(_) => "expired",
        ClaimsVerificationError::InvalidAudience(_) => "aud",
        ClaimsVerificationError::InvalidIssuer(_) => "iss",
        ClaimsVerificationError::InvalidNonce(_) => "nonce",
        _ => "invalid",
    };
    tracing::info!(reason, "single sign-on ID token refused");
    SsoError::Token(reason)
}

#[cfg(test)]
mod tests {
    use super::amr_second_factor;

    #[test]
    fn amr_counts_mfa_or_two_methods_and_nothing_less() {
        assert!(amr_second_factor(&["mfa"]));
        assert!(amr_second_factor(&["pwd", "otp"]));
        assert!(amr_second_factor(&["hwk", "pin"]));
        assert!(!amr_second_factor(&["pwd"]));
        assert!(!amr_second_factor(&["pwd", "pwd"]));
        assert!(!amr_second_factor::<&str>(&[]));
    }
}
