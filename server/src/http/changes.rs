//! Changes made through this server apply to the very next runtime read: once a dashboard
//! request that may write (anything but GET, HEAD, OPTIONS; the runtime API does not pass
//! through here) has been answered by its handler, the server reads the database's change
//! counter (`change_epoch`, moved by triggers on everything a read depends on), and the
//! remembered runtime reads are dropped only if it moved, before the answer leaves. A request
//! that changed nothing (a refused or anonymous POST, a failed sign-in) costs that one
//! indexed read and leaves the cache alone.

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

use app::state::AppState;

pub async fn apply_at_once(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let may_write = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let res = next.run(req).await;
    if may_write {
        // A failed read of the counter turns the cache off until the poller reads it again.
        if let Err(e) = state.reads.poll(&state.pool).await {
            tracing::warn!(error = %e, "cannot read the change counter after a change");
        }
    }
    res
}
