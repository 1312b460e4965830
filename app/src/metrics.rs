//! The server's Prometheus metrics (OpenMetrics text, `prometheus-client`): runtime reads by
//! outcome, request latency by kind of route, the audit writer's queue and commit latency,
//! the database pool, sign-in refusals and throttles, and the build.
//!
//! Labels are a fixed, small set: never a secret's name (unbounded, and sensitive), a
//! token, a user or a workspace.

use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::Registry;

/// The reply's content type.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReadLabels {
    /// `native` (`/v1/secrets`) or `vault` (`/v1/secret/`).
    pub api: &'static str,
    /// `ok`, or why the read was refused (`missing_access`, `throttled`, ...).
    pub outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// `runtime`, `server_fn`, `page`, `asset` or `health`.
    pub route: &'static str,
    /// `2xx`, `3xx`, `4xx` or `5xx`.
    pub status: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SignInLabels {
    /// `credentials` (a wrong email or password) or `throttled`.
    pub reason: &'static str,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

/// From half a millisecond to about eight seconds, doubling.
fn latency() -> Histogram {
    Histogram::new(exponential_buckets(0.0005, 2.0, 15))
}

pub struct Metrics {
    registry: Registry,
    runtime_reads: Family<ReadLabels, Counter>,
    requests: HistogramFamily<RequestLabels>,
    sign_in_refusals: Family<SignInLabels, Counter>,
    audit_commit: Histogram,
    audit_queue: Gauge,
    pool_in_use: Gauge,
    pool_idle: Gauge,
}

/// What is read at scrape time rather than counted as it happens.
pub struct Snapshot {
    pub audit_queued: usize,
    pub pool_size: u32,
    pub pool_idle: usize,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("vault");
        let runtime_reads = Family::<ReadLabels, Counter>::default();
        registry.register(
            "runtime_reads",
            "Runtime reads of a secret by agents, by API and outcome",
            runtime_reads.clone(),
        );
        let requests: HistogramFamily<RequestLabels> = Family::new_with_constructor(latency);
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by kind of route and status class",
            requests.clone(),
        );
        let sign_in_refusals = Family::<SignInLabels, Counter>::default();
        registry.register(
            "sign_in_refusals",
            "Dashboard sign-ins refused, by reason",
            sign_in_refusals.clone(),
        );
        let audit_commit = latency();
        registry.register(
            "audit_commit_duration_seconds",
            "Time to commit one batch of runtime audit events",
            audit_commit.clone(),
        );
        let audit_queue = Gauge::default();
        registry.register(
            "audit_queue_depth",
            "Runtime audit events waiting for the writer",
            audit_queue.clone(),
        );
        let pool_in_use = Gauge::default();
        registry.register(
            "db_pool_connections_in_use",
            "Database connections in use",
            pool_in_use.clone(),
        );
        let pool_idle = Gauge::default();
        registry.register(
            "db_pool_connections_idle",
            "Database connections open and idle",
            pool_idle.clone(),
        );
        registry.register(
            "build",
            "The running build",
            Info::new(vec![("version", env!("CARGO_PKG_VERSION"))]),
        );
        Self {
            registry,
            runtime_reads,
            requests,
            sign_in_refusals,
            audit_commit,
            audit_queue,
            pool_in_use,
            pool_idle,
        }
    }
}

impl Metrics {
    pub fn runtime_read(&self, api: &'static str, outcome: &'static str) {
        self.runtime_reads
            .get_or_create(&ReadLabels { api, outcome })
            .inc();
    }

    pub fn request(&self, route: &'static str, status: u16, seconds: f64) {
        let status = match status {
            200..=299 => "2xx",
            300..=399 => "3xx",
            400..=499 => "4xx",
            _ => "5xx",
        };
        self.requests
            .get_or_create(&RequestLabels { route, status })
            .observe(seconds);
    }

    pub fn sign_in_refused(&self, reason: &'static str) {
        self.sign_in_refusals
            .get_or_create(&SignInLabels { reason })
            .inc();
    }

    /// A handle for the audit writer to time its commits with.
    pub fn audit_commit(&self) -> Histogram {
        self.audit_commit.clone()
    }

    /// The metrics in the OpenMetrics text format, with `now`'s gauges.
    pub fn render(&self, now: Snapshot) -> String {
        self.audit_queue
            .set(i64::try_from(now.audit_queued).unwrap_or(i64::MAX));
        let idle = i64::try_from(now.pool_idle).unwrap_or(i64::MAX);
        self.pool_idle.set(idle);
        self.pool_in_use
            .set((i64::from(now.pool_size) - idle).max(0));
        let mut out = String::new();
        if let Err(e) = encode(&mut out, &self.registry) {
            tracing::error!(error = %e, "could not encode the metrics");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_has_each_family_with_fixed_labels_only() {
        let m = Metrics::default();
        m.runtime_read("native", "ok");
        m.runtime_read("native", "ok");
        m.runtime_read("vault", "missing_access");
        m.request("runtime", 200, 0.002);
        m.request("server_fn", 503, 0.2);
        m.sign_in_refused("credentials");
        m.audit_commit().observe(0.001);
        let text = m.render(Snapshot {
            audit_queued: 3,
            pool_size: 5,
            pool_idle: 2,
        });
        assert!(
            text.contains("vault_runtime_reads_total{api=\"native\",outcome=\"ok\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("vault_runtime_reads_total{api=\"vault\",outcome=\"missing_access\"} 1")
        );
        assert!(text.contains(
            "vault_http_request_duration_seconds_count{route=\"server_fn\",status=\"5xx\"} 1"
        ));
        assert!(text.contains("vault_sign_in_refusals_total{reason=\"credentials\"} 1"));
        assert!(text.contains("vault_audit_commit_duration_seconds_count 1"));
        assert!(text.contains("vault_audit_queue_depth 3"));
        assert!(text.contains("vault_db_pool_connections_in_use 3"));
        assert!(text.contains("vault_db_pool_connections_idle 2"));
        assert!(text.contains("vault_build_info{version=\""));
        assert!(text.trim_end().ends_with("# EOF"));
    }
}
