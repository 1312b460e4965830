//! Liveness and readiness, for load balancers and orchestrators. `/healthz`: the process
//! answers (restart it if not). `/readyz`: send it traffic; no while the database does not
//! answer, while its schema lacks a migration this binary needs, while its disk is full
//! (checked again on each probe, so that the server comes back by itself once space is freed:
//! see `DiskWatch::probe`), or once shutdown has begun. Both answer a word or a short reason,
//! never a detail of the database.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;

use app::domain::db::{self, DiskWatch, Pool, Schema};

/// A probe waits this long for the database before calling it unavailable.
const DATABASE_WAIT: Duration = Duration::from_secs(2);

/// Whether the server is draining (its shutdown has begun): told by whoever stops it.
pub trait Draining: Clone + Send + Sync + 'static {
    fn is_draining(&self) -> bool;
}

#[derive(Clone)]
struct Readiness<D> {
    pool: Pool,
    disk: DiskWatch,
    shutdown: D,
}

pub fn routes<S: Clone + Send + Sync + 'static, D: Draining>(
    pool: Pool,
    disk: DiskWatch,
    shutdown: D,
) -> Router<S> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .with_state(Readiness {
            pool,
            disk,
            shutdown,
        })
}

async fn readyz<D: Draining>(State(ready): State<Readiness<D>>) -> (StatusCode, &'static str) {
    const NOT_READY: StatusCode = StatusCode::SERVICE_UNAVAILABLE;
    if ready.shutdown.is_draining() {
        return (NOT_READY, "draining");
    }
    if ready.disk.is_full() {
        match tokio::time::timeout(DATABASE_WAIT, ready.disk.probe(&ready.pool)).await {
            Ok(true) => {}
            Ok(false) | Err(_) => return (NOT_READY, "disk full"),
        }
    }
    match tokio::time::timeout(DATABASE_WAIT, db::schema(&ready.pool)).await {
        Ok(Ok(Schema::Current | Schema::Newer)) => (StatusCode::OK, "ready"),
        Ok(Ok(Schema::Pending)) => (NOT_READY, "migrations pending"),
        Ok(Ok(Schema::Failed)) => (NOT_READY, "migration failed"),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: the database did not answer");
            (NOT_READY, "database unavailable")
        }
        Err(_) => (NOT_READY, "database unavailable"),
    }
}
