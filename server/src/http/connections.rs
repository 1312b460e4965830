//! Serving connections within limits, so that slow or idle clients cannot hold the server:
//! - a client has `http_header_timeout_seconds` to send a request's headers; hyper's timer
//!   also runs while a kept-alive connection waits for its next request, so an idle
//!   connection is closed after the same time;
//! - at most `max_open_connections` are served at once: further ones wait in the kernel's
//!   listen queue, holding none of our file descriptors, and the cap is kept below the
//!   process's open-file limit (raised to fit where the hard limit allows).
//!
//! HTTP/1.1 only, as `axum::serve` served it here; shutdown lets requests in flight finish.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// File descriptors kept for everything but client connections: the database pool, the
/// listeners, files being read, outgoing webhook connections.
const RESERVED_FDS: usize = 256;
/// After a failed accept (out of file descriptors, say), wait this long before the next.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_timeout: Duration,
    pub max_open: usize,
}

/// Serves `router` on `listener` until `stop_accepting` completes, then waits for the
/// connections' requests in flight to finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    stop_accepting: impl Future<Output = ()>,
) {
    let max_open = fit_open_file_limit(limits.max_open);
    if max_open < limits.max_open {
        tracing::warn!(
            max_open_connections = max_open,
            configured = limits.max_open,
            "the open-file limit (ulimit -n) allows fewer connections than max_open_connections"
        );
    }
    let permits = Arc::new(Semaphore::new(max_open));
    let graceful = GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    tokio::pin!(stop_accepting);
    loop {
        let permit = tokio::select! {
            () = &mut stop_accepting => break,
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let (stream, peer) = tokio::select! {
            () = &mut stop_accepting => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let service = router
            .clone()
            .map_request(move |mut req: axum::http::Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
                req
            });
        let conn =
            builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _permit = permit;
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection closed with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// `wanted`, or fewer if the open-file limit cannot hold that many connections besides
/// [`RESERVED_FDS`]; the soft limit is raised towards the hard one first.
fn fit_open_file_limit(wanted: usize) -> usize {
    let Some((soft, hard)) = open_file_limit() else {
        return wanted;
    };
    let need = wanted.saturating_add(RESERVED_FDS) as u64;
    let soft = if soft < need && soft < hard {
        raise_open_file_limit(need.min(hard), hard).unwrap_or(soft)
    } else {
        soft
    };
    let fits = usize::try_from(soft)
        .unwrap_or(usize::MAX)
        .saturating_sub(RESERVED_FDS);
    wanted.min(fits.max(1))
}

#[cfg(unix)]
fn open_file_limit() -> Option<(u64, u64)> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `getrlimit` only writes the struct it is given, which lives on this stack.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0;
    ok.then_some((limit.rlim_cur, limit.rlim_max))
}

#[cfg(unix)]
fn raise_open_file_limit(soft: u64, hard: u64) -> Option<u64> {
    let limit = libc::rlimit {
        rlim_cur: soft,
        rlim_max: hard,
    };
    // SAFETY: `setrlimit` only reads the struct it is given.
    let ok = unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) } == 0;
    ok.then_some(soft)
}

#[cfg(not(unix))]
fn open_file_limit() -> Option<(u64, u64)> {
    None
}

#[cfg(not(unix))]
fn raise_open_file_limit(_: u64, _: u64) -> Option<u64> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_connection_cap_fits_in_the_open_file_limit() {
        let (soft, _) = open_file_limit().expect("an open-file limit");
        let fitted = fit_open_file_limit(usize::MAX / 2);
        let (soft_after, _) = open_file_limit().expect("an open-file limit");
        assert!(soft_after >= soft, "never lowered");
        assert!(
            (fitted as u64) + (RESERVED_FDS as u64) <= soft_after.max(RESERVED_FDS as u64 + 1),
            "{fitted} connections and {RESERVED_FDS} others fit in {soft_after}"
        );
        assert_eq!(fit_open_file_limit(10), 10);
    }
}
