//! The webhook delivery loop every server runs: claim due deliveries from the outbox, sign
//! and POST each, record the outcome (`app::domain::webhooks::delivery`).
//!
//! Requests go only where `target` allows: a host name is resolved by [`PublicOnly`], which
//! drops loopback, private and link-local addresses (unless the operator allows them), so a
//! name that later points inside the network reaches nothing; an address literal is checked
//! before sending. Redirects are not followed, and proxies from the environment are not used.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{CONTENT_TYPE, USER_AGENT};

use app::domain::webhooks::delivery::{self, Due, Outcome, Policy};
use app::domain::webhooks::{signing, target};
use app::state::AppState;
use tokio::task::JoinHandle;

use crate::config::Webhooks;
use crate::http::ready::Draining;
use crate::startup::shutdown::Shutdown;

/// Deliveries one pass claims at most.
const BATCH: i64 = 16;

#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub allow_private: bool,
    pub poll: Duration,
    pub timeout: Duration,
    pub policy: Policy,
}

impl Settings {
    /// How webhook deliveries are sent and retried.
    pub fn from_config(config: &Webhooks) -> Self {
        Self {
            allow_private: config.webhook_allow_private,
            poll: Duration::from_millis(config.webhook_poll_ms.max(1)),
            timeout: Duration::from_millis(config.webhook_timeout_ms.max(1)),
            policy: Policy {
                // A delivery not finished within the timeout and a margin is retried.
                lease_ms: i64::try_from(config.webhook_timeout_ms)
                    .unwrap_or(i64::MAX / 2)
                    .saturating_add(30_000),
                retry_base_ms: config.webhook_retry_base_ms.max(1),
                max_attempts: config.webhook_max_attempts.max(1),
            },
        }
    }
}

/// Resolves host names to the addresses a webhook may reach, and refuses names that have none.
struct PublicOnly {
    allow_private: bool,
}

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((name.as_str(), 0)).await?.collect();
            let mut blocked = None;
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(|a| match target::check_ip(a.ip(), allow_private) {
                    Ok(()) => true,
                    Err(b) => {
                        blocked = Some(b);
                        false
                    }
                })
                .collect();
            if allowed.is_empty() {
                let err: Box<dyn std::error::Error + Send + Sync> = match blocked {
                    Some(b) => Box::new(b),
                    None => "the host name has no address".into(),
                };
                return Err(err);
            }
            let addrs: Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

/// Starts the delivery loop. Once `shutdown` begins it claims nothing more; the returned
/// task ends when the deliveries it was sending are recorded. A delivery claimed by a server
/// that dies is retried by any server once its lease ends.
pub fn spawn(
    state: AppState,
    settings: Settings,
    shutdown: Shutdown,
) -> Result<JoinHandle<()>, reqwest::Error> {
    let client = reqwest::Client::builder()
        .dns_resolver(Arc::new(PublicOnly {
            allow_private: settings.allow_private,
        }))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(settings.timeout)
        .build()?;
    Ok(tokio::spawn(async move {
        while !shutdown.is_draining() {
            let now = now_ms();
            match delivery::claim(&state.pool, now, &settings.policy, BATCH).await {
                Ok(batch) if !batch.is_empty() => {
                    let sends = batch
                        .iter()
                        .map(|due| deliver(&state, &client, &settings, due));
                    futures::future::join_all(sends).await;
                }
                Ok(_) => pause(&shutdown, settings.poll).await,
                Err(e) => {
                    tracing::warn!(error = %e, "could not claim webhook deliveries");
                    pause(&shutdown, settings.poll).await;
                }
            }
        }
    }))
}

/// Waits `poll`, or less if the shutdown begins.
async fn pause(shutdown: &Shutdown, poll: Duration) {
    tokio::select! {
        () = tokio::time::sleep(poll) => {}
        () = shutdown.begun() => {}
    }
}

async fn deliver(state: &AppState, client: &reqwest::Client, settings: &Settings, due: &Due) {
    let outcome = match send(state, client, settings, due).await {
        Ok(outcome) => outcome,
        Err(e) => {
            tracing::error!(error = %e, webhook = due.webhook_id, "could not sign a webhook delivery");
            Outcome::Failed {
                status: None,
                error: "could not sign the delivery".into(),
            }
        }
    };
    if let Outcome::Failed { error, .. } = &outcome {
        tracing::info!(
            webhook = due.webhook_id,
            delivery = due.id,
            attempt = due.attempt,
            error = %error,
            "webhook delivery failed"
        );
    }
    let policy = &settings.policy;
    if let Err(e) = delivery::finish(&state.pool, due, &outcome, now_ms(), policy).await {
        tracing::warn!(error = %e, delivery = due.id, "could not record a webhook delivery");
    }
}

async fn send(
    state: &AppState,
    client: &reqwest::Client,
    settings: &Settings,
    due: &Due,
) -> Result<Outcome, app::domain::DomainError> {
    let url = match reqwest::Url::parse(&due.url) {
        Ok(url) => url,
        Err(_) => return Ok(failed("the URL is not valid")),
    };
    // Address literals are not resolved: check them here.
    let literal = url
        .host_str()
        .map(|h| h.trim_start_matches('[').trim_end_matches(']'))
        .and_then(|h| h.parse::<std::net::IpAddr>().ok());
    if let Some(ip) = literal {
        if target::check_ip(ip, settings.allow_private).is_err() {
            return Ok(failed("refused: the address is not public"));
        }
    }
    let secret = delivery::signing_secret(&state.pool, &state.keyring, due).await?;
    let timestamp = now_ms() / 1000;
    let signature = signing::signature(&secret, timestamp, &due.body)?;
    let sent = client
        .post(url)
        .header(CONTENT_TYPE, "application/json")
        .header(
            USER_AGENT,
            concat!("SecretsVault-Webhook/", env!("CARGO_PKG_VERSION")),
        )
        .header(signing::EVENT_HEADER, &due.event)
        .header(signing::DELIVERY_HEADER, due.id.to_string())
        .header(signing::TIMESTAMP_HEADER, timestamp.to_string())
        .header(signing::SIGNATURE_HEADER, signature)
        .body(due.body.clone())
        .send()
        .await;
    Ok(match sent {
        Ok(res) if res.status().is_success() => Outcome::Delivered {
            status: res.status().as_u16(),
        },
        Ok(res) => Outcome::Failed {
            status: Some(res.status().as_u16()),
            error: format!("the receiver answered {}", res.status().as_u16()),
        },
        Err(e) => failed(describe(&e)),
    })
}

fn failed(error: &str) -> Outcome {
    Outcome::Failed {
        status: None,
        error: error.to_string(),
    }
}

/// A short reason without the URL (which may itself hold a credential).
fn describe(e: &reqwest::Error) -> &'static str {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.downcast_ref::<target::Blocked>().is_some() {
            return "refused: the host resolves to a non-public address";
        }
        source = err.source();
    }
    if e.is_timeout() {
        "the receiver did not answer in time"
    } else if e.is_connect() {
        "could not connect to the receiver"
    } else {
        "the request failed"
    }
}

fn now_ms() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    i64::try_from(now.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}
