//! Several servers in one process, as in these tests (one per test): starting one must not
//! stall a page that another is rendering.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn pages_render_while_other_servers_start_in_the_same_process() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;

    // Another thread builds servers' route lists all the while, as other tests do when they
    // start their servers.
    let done = Arc::new(AtomicBool::new(false));
    let starter = std::thread::spawn({
        let done = done.clone();
        move || {
            let mut built = 0u32;
            while !done.load(Ordering::Relaxed) {
                assert!(!server::startup::routes().is_empty());
                built += 1;
                std::thread::yield_now();
            }
            built
        }
    });

    for _ in 0..30 {
        // Only a hang trips this bound: a page renders in milliseconds.
        let body = tokio::time::timeout(Duration::from_secs(60), async {
            expect_status(app.page(&admin, "/w/acme/agents").await, StatusCode::OK).await
        })
        .await
        .expect("the page stalled while another server started");
        assert!(
            body.contains("billing-worker"),
            "the agents page lists the agents"
        );
    }
    done.store(true, Ordering::Relaxed);
    assert!(starter.join().unwrap() > 0);
}
