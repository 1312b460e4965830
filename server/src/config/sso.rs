//! Single sign-on providers: `[[oidc]]` entries of the TOML file, plus one from the
//! environment (`VAULT_OIDC_ISSUER`, `VAULT_OIDC_CLIENT_ID`, `VAULT_OIDC_CLIENT_SECRET_FILE`,
//! `VAULT_OIDC_NAME`; its id is `default`). Checked at load: ids, issuers (https in
//! production), and the client secret files, read once.

use std::path::PathBuf;

use secrecy::SecretString;
use serde::Deserialize;

use app::domain::identity::sso::directory::{ProviderSettings, Timing};

use super::{ConfigError, Mode};

/// One `[[oidc]]` entry.
#[derive(Debug, Clone, Deserialize)]
pub struct OidcProvider {
    /// In URLs (`/auth/oidc/{id}/callback`): lowercase letters, digits, `-` and `_`.
    pub id: String,
    /// On the sign-in button.
    pub name: String,
    pub issuer: String,
    pub client_id: String,
    /// A file holding the client secret (never the secret itself in the configuration).
    pub client_secret_file: PathBuf,
    /// Asked for besides `openid`; default `email profile`.
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    /// Email domains this provider is authoritative for (links existing accounts by email).
    #[serde(default)]
    pub domains: Vec<String>,
    /// The operator vouches that the provider enforces a second factor at every sign-in, so
    /// that its sign-ins count for "Admins must use a second factor" (otherwise only its
    /// `amr` claim can say so).
    #[serde(default)]
    pub second_factor: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Sso {
    pub oidc: Vec<OidcProvider>,
    pub oidc_issuer: Option<String>,
    pub oidc_client_id: Option<String>,
    pub oidc_client_secret_file: Option<PathBuf>,
    pub oidc_name: Option<String>,
    /// `VAULT_OIDC_SECOND_FACTOR`: the environment's provider enforces a second factor.
    pub oidc_second_factor: bool,
    /// A sign-in left at the provider longer than this is refused.
    pub sso_flow_minutes: i64,
    /// A provider that could not be reached is asked again at most this often.
    pub sso_retry_seconds: i64,
    /// How long one request to a provider may take.
    pub sso_request_seconds: u64,
}

impl Default for Sso {
    fn default() -> Self {
        Self {
            oidc: Vec::new(),
            oidc_issuer: None,
            oidc_client_id: None,
            oidc_client_secret_file: None,
            oidc_name: None,
            oidc_second_factor: false,
            sso_flow_minutes: 10,
            sso_retry_seconds: 30,
            sso_request_seconds: 10,
        }
    }
}

fn invalid(message: String) -> ConfigError {
    ConfigError::Setting(message)
}

impl Sso {
    pub fn timing(&self) -> Timing {
        Timing {
            flow_seconds: self.sso_flow_minutes.max(1) * 60,
            retry_seconds: self.sso_retry_seconds.max(1),
            request_seconds: self.sso_request_seconds.max(1),
        }
    }

    /// Every configured provider: the TOML file's, then the environment's.
    pub fn entries(&self) -> Result<Vec<OidcProvider>, ConfigError> {
        let mut all = self.oidc.clone();
        match (
            &self.oidc_issuer,
            &self.oidc_client_id,
            &self.oidc_client_secret_file,
        ) {
            (None, None, None) => {}
            (Some(issuer), Some(client_id), Some(secret)) => all.push(OidcProvider {
                id: "default".into(),
                name: self
                    .oidc_name
                    .clone()
                    .unwrap_or_else(|| "single sign-on".into()),
                issuer: issuer.clone(),
                client_id: client_id.clone(),
                client_secret_file: secret.clone(),
                scopes: None,
                domains: Vec::new(),
                second_factor: self.oidc_second_factor,
            }),
            _ => {
                return Err(invalid(
                    "single sign-on from the environment needs VAULT_OIDC_ISSUER, \
                     VAULT_OIDC_CLIENT_ID and VAULT_OIDC_CLIENT_SECRET_FILE together"
                        .into(),
                ))
            }
        }
        Ok(all)
    }

    /// The checked providers, secrets read from their files.
    pub fn providers(&self, mode: Mode) -> Result<Vec<ProviderSettings>, ConfigError> {
        let entries = self.entries()?;
        let mut out: Vec<ProviderSettings> = Vec::with_capacity(entries.len());
        for entry in entries {
            let settings = check(entry, mode)?;
            if out.iter().any(|p| p.id == settings.id) {
                return Err(invalid(format!(
                    "two [[oidc]] providers have the id {:?}",
                    settings.id
                )));
            }
            out.push(settings);
        }
        Ok(out)
    }
}

fn check(entry: OidcProvider, mode: Mode) -> Result<ProviderSettings, ConfigError> {
    let id_ok = !entry.id.is_empty()
        && entry.id.len() <= 40
        && entry
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !id_ok {
        return Err(invalid(format!(
            "[[oidc]] id {:?}: use 1 to 40 lowercase letters, digits, '-' or '_'",
            entry.id
        )));
    }
    let issuer = reqwest::Url::parse(&entry.issuer).map_err(|e| {
        invalid(format!(
            "[[oidc]] {}: issuer {:?}: {e}",
            entry.id, entry.issuer
        ))
    })?;
    match issuer.scheme() {
        "https" => {}
        "http" if mode == Mode::Development => {}
        _ => {
            return Err(invalid(format!(
                "[[oidc]] {}: production requires an https issuer, not {:?}",
                entry.id, entry.issuer
            )))
        }
    }
    let secret = std::fs::read_to_string(&entry.client_secret_file).map_err(|e| {
        invalid(format!(
            "[[oidc]] {}: cannot read client_secret_file {}: {e}",
            entry.id,
            entry.client_secret_file.display()
        ))
    })?;
    let secret = secret.trim();
    if secret.is_empty() {
        return Err(invalid(format!(
            "[[oidc]] {}: client_secret_file is empty",
            entry.id
        )));
    }
    let mut scopes = entry
        .scopes
        .unwrap_or_else(|| vec!["email".into(), "profile".into()]);
    scopes.retain(|s| s != "openid");
    if !scopes.iter().any(|s| s == "email") {
        scopes.push("email".into());
    }
    Ok(ProviderSettings {
        name: if entry.name.trim().is_empty() {
            entry.id.clone()
        } else {
            entry.name.trim().to_string()
        },
        id: entry.id,
        issuer: entry.issuer.trim_end_matches('/').to_string(),
        client_id: entry.client_id,
        client_secret: SecretString::from(secret.to_string()),
        scopes,
        domains: entry
            .domains
            .iter()
            .map(|d| d.trim().to_lowercase())
            .collect(),
        second_factor: entry.second_factor,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(issuer: &str, secret_file: PathBuf) -> OidcProvider {
        OidcProvider {
            id: "acme".into(),
            name: "Acme".into(),
            issuer: issuer.into(),
            client_id: "vault".into(),
            client_secret_file: secret_file,
            scopes: None,
            domains: vec!["Acme.com".into()],
            second_factor: false,
        }
    }

    #[test]
    fn production_requires_an_https_issuer() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("secret");
        std::fs::write(&secret, "s3cret\n").unwrap();
        let http = entry("http://idp.example", secret.clone());
        let err = check(http.clone(), Mode::Production).unwrap_err();
        assert!(err.to_string().contains("https"), "{err}");
        let ok = check(http, Mode::Development).unwrap();
        assert_eq!(ok.scopes, ["email", "profile"]);
        assert_eq!(ok.domains, ["acme.com"]);
        assert!(check(entry("https://idp.example/", secret), Mode::Production).is_ok());
    }

    #[test]
    fn a_missing_secret_file_refuses_to_start() {
        let err = check(
            entry("https://idp.example", "/nonexistent/secret".into()),
            Mode::Development,
        )
        .unwrap_err();
        assert!(err.to_string().contains("client_secret_file"), "{err}");
    }
}
