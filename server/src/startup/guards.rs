//! The request guards against hostile networks and abuse, built once from the configuration
//! and the bound address, and handed to the router: allowed hosts, trusted proxies, and the
//! sign-in and runtime throttles (whose idle keys are forgotten every minute), and single
//! sign-on's flow cookie.

use std::net::SocketAddr;
use std::time::Duration;

use app::domain::identity::attempts::AccountAttempts;

use crate::config::{Config, ConfigError};
use crate::http::client_addr::TrustedProxies;
use crate::http::hosts::AllowedHosts;
use crate::http::sign_in_throttle::SignInThrottle;
use crate::http::sso::FlowCookie;
use crate::runtime::throttle::RuntimeThrottle;

/// Request bodies for pages and server functions: a secret value is at most 64 KiB, and its
/// form encoding can triple that.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

#[derive(Clone)]
pub struct Guards {
    pub hosts: AllowedHosts,
    pub proxies: TrustedProxies,
    pub sign_in: SignInThrottle,
    pub runtime: RuntimeThrottle,
    /// Single sign-on's flow cookie and the public address its callbacks are built on.
    pub sso: FlowCookie,
}

impl Guards {
    pub fn new(config: &Config, bound: SocketAddr) -> Result<Self, ConfigError> {
        Ok(Self {
            hosts: AllowedHosts::new(config, bound)?,
            proxies: TrustedProxies::new(config.http.trusted_proxies.clone()),
            sign_in: SignInThrottle::new(config.sign_in.sign_in_rate, config.sign_in.sign_in_burst),
            runtime: RuntimeThrottle::new(
                config.runtime.runtime_rate,
                config.runtime.runtime_burst,
            ),
            sso: FlowCookie::new(config.secure_cookies(), config.http.public_url.clone()),
        })
    }

    /// Every minute, drop throttle keys whose allowance is full again (bounded memory), the
    /// per-account password attempts of the state among them.
    pub fn spawn_forget_idle(&self, accounts: AccountAttempts) -> tokio::task::JoinHandle<()> {
        let (sign_in, runtime) = (self.sign_in.clone(), self.runtime.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            loop {
                tick.tick().await;
                sign_in.forget_idle();
                accounts.forget_idle();
                runtime.forget_idle();
            }
        })
    }
}
