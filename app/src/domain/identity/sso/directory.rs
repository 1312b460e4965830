//! The providers the operator configured, and what each one's discovery document and keys
//! say. Discovery runs at start; a provider that cannot be reached is marked down (logged
//! once, shown on the sign-in page) and tried again when someone asks for it, at most once per
//! `retry_seconds`. Keys are fetched again when an ID token names a key id we do not know
//! (the provider rotated its keys).

use std::sync::{Arc, RwLock};
use std::time::Duration;

use openidconnect::core::CoreProviderMetadata;
use openidconnect::{IssuerUrl, JsonWebKeySet};
use secrecy::SecretString;

use super::SsoError;
use crate::domain::now;

/// One `[[oidc]]` entry of the configuration. (`Debug` shows no secret: `SecretString`
/// prints as redacted.)
#[derive(Debug)]
pub struct ProviderSettings {
    /// In URLs: `/auth/oidc/{id}/callback`.
    pub id: String,
    /// On the button: "Sign in with {name}".
    pub name: String,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: SecretString,
    /// Asked for besides `openid` (default `email profile`).
    pub scopes: Vec<String>,
    /// Email domains this provider is authoritative for: a verified email of one of them
    /// links to the existing account with that email.
    pub domains: Vec<String>,
    /// The operator vouches that this provider enforces a second factor at every sign-in:
    /// its sign-ins count for the rule "Admins must use a second factor".
    pub second_factor: bool,
}

/// Times the flow keeps to, from the configuration.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// A flow left at the provider longer than this is refused (10 minutes).
    pub flow_seconds: i64,
    /// A provider that is down is asked again at most this often.
    pub retry_seconds: i64,
    /// How long a request to a provider may take.
    pub request_seconds: u64,
}

enum Discovery {
    Unknown,
    Ready(Arc<CoreProviderMetadata>),
    Down { last_try: i64 },
}

pub struct Provider {
    settings: ProviderSettings,
    discovery: RwLock<Discovery>,
}

impl Provider {
    pub fn settings(&self) -> &ProviderSettings {
        &self.settings
    }

    pub fn id(&self) -> &str {
        &self.settings.id
    }

    pub fn name(&self) -> &str {
        &self.settings.name
    }

    /// Whether the last discovery worked (or none was tried yet).
    pub fn available(&self) -> bool {
        !matches!(*self.read(), Discovery::Down { .. })
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Discovery> {
        self.discovery.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self, value: Discovery) {
        *self.discovery.write().unwrap_or_else(|e| e.into_inner()) = value;
    }
}

/// Every configured provider, and the HTTP client that talks to them.
pub struct Directory {
    providers: Vec<Arc<Provider>>,
    http: reqwest::Client,
    timing: Timing,
}

/// A provider as the sign-in page lists it.
pub struct Listed {
    pub id: String,
    pub name: String,
    pub available: bool,
}

impl Directory {
    pub fn new(settings: Vec<ProviderSettings>, timing: Timing) -> Result<Self, SsoError> {
        // Following redirects would let a provider's answer point us anywhere (SSRF).
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(timing.request_seconds.max(1)))
            .build()
            .map_err(|e| SsoError::Unavailable(format!("HTTP client: {e}")))?;
        let providers = settings
            .into_iter()
            .map(|settings| {
                Arc::new(Provider {
                    settings,
                    discovery: RwLock::new(Discovery::Unknown),
                })
            })
            .collect();
        Ok(Self {
            providers,
            http,
            timing,
        })
    }

    pub fn timing(&self) -> Timing {
        self.timing
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    pub fn find(&self, id: &str) -> Result<&Arc<Provider>, SsoError> {
        self.providers
            .iter()
            .find(|p| p.id() == id)
            .ok_or(SsoError::UnknownProvider)
    }

    pub fn list(&self) -> Vec<Listed> {
        self.providers
            .iter()
            .map(|p| Listed {
                id: p.id().to_string(),
                name: p.name().to_string(),
                available: p.available(),
            })
            .collect()
    }

    /// Discovers every provider (at start), one after another: there are few, and each
    /// request has its time limit.
    pub async fn discover_all(&self) {
        for provider in &self.providers {
            // A failure is logged where it happens, and the provider is shown as down.
            let _ = self.metadata(provider).await;
        }
    }

    /// The provider's discovery document and keys: discovered now if never yet, or if it
    /// was down and `retry_seconds` have passed.
    pub async fn metadata(
        &self,
        provider: &Provider,
    ) -> Result<Arc<CoreProviderMetadata>, SsoError> {
        let at = now();
        match &*provider.read() {
            Discovery::Ready(meta) => return Ok(meta.clone()),
            Discovery::Down { last_try } if at - last_try < self.timing.retry_seconds => {
                return Err(SsoError::Unavailable("down".into()))
            }
            _ => {}
        }
        self.discover(provider, at).await
    }

    async fn discover(
        &self,
        provider: &Provider,
        at: i64,
    ) -> Result<Arc<CoreProviderMetadata>, SsoError> {
        let issuer = IssuerUrl::new(provider.settings.issuer.clone())
            .map_err(|e| SsoError::Unavailable(format!("issuer URL: {e}")))?;
        match CoreProviderMetadata::discover_async(issuer, &self.http).await {
            Ok(meta) => {
                let meta = Arc::new(meta);
                if !provider.available() {
                    tracing::info!(
                        provider = provider.id(),
                        "single sign-on provider reachable again"
                    );
                }
                provider.write(Discovery::Ready(meta.clone()));
                Ok(meta)
            }
            Err(e) => {
                // Logged once per outage, not once per retry.
                let was_down = !provider.available();
                provider.write(Discovery::Down { last_try: at });
                if !was_down {
                    tracing::warn!(provider = provider.id(), error = %e,
                        "single sign-on provider cannot be reached; password sign-in still works");
                }
                Err(SsoError::Unavailable(e.to_string()))
            }
        }
    }

    /// Fetches the provider's keys again (an ID token named a key id we do not know).
    pub async fn refresh_keys(
        &self,
        provider: &Provider,
    ) -> Result<Arc<CoreProviderMetadata>, SsoError> {
        let meta = self.metadata(provider).await?;
        let keys = JsonWebKeySet::fetch_async(meta.jwks_uri(), &self.http)
            .await
            .map_err(|e| SsoError::Unavailable(format!("keys: {e}")))?;
        let meta = Arc::new((*meta).clone().set_jwks(keys));
        provider.write(Discovery::Ready(meta.clone()));
        tracing::info!(
            provider = provider.id(),
            "single sign-on provider keys fetched again"
        );
        Ok(meta)
    }
}
