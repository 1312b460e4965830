//! Changes made through this server apply to the very next runtime read: once a dashboard
//! request that may write (anything but GET, HEAD, OPTIONS; the runtime API does not pass
//! through here) has been answered by its handler, and so committed, the remembered runtime
//! reads are dropped, before the answer leaves.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

use app::domain::runtime::read_cache::ReadCache;

pub async fn apply_at_once(
    State(reads): State<Arc<ReadCache>>,
    req: Request,
    next: Next,
) -> Response {
    let may_write = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let res = next.run(req).await;
    if may_write {
        reads.invalidate();
    }
    res
}
