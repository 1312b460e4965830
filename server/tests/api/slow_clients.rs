//! Slow and idle clients: a thousand connections that send half a request line do not stop a
//! normal request from being answered, and the server closes each of them once the header
//! timeout (from configuration, set short here) has passed; so does a kept-alive connection
//! left idle.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::spawn_app_with;

/// Waits for the server to close `stream` (a read returns end of file or an error), failing
/// after a deadline far beyond the configured timeout.
async fn closed_by_server(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 512];
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

#[tokio::test]
async fn a_thousand_half_sent_requests_neither_block_others_nor_stay_open() {
    let app = spawn_app_with(|c| c.http.http_header_timeout_seconds = 2).await;
    let mut slow = Vec::new();
    for _ in 0..1000 {
        let mut stream = TcpStream::connect(app.addr).await.unwrap();
        stream.write_all(b"GET /healthz HT").await.unwrap();
        slow.push(stream);
    }
    // A normal request is answered meanwhile.
    let res = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(res.text().await.unwrap(), "ok");
    // Each half-sent request is cut off by the server once its header time is up.
    for (i, stream) in slow.iter_mut().enumerate() {
        assert!(
            closed_by_server(stream).await,
            "connection {i} is still open"
        );
    }
}

#[tokio::test]
async fn a_kept_alive_connection_left_idle_is_closed() {
    let app = spawn_app_with(|c| c.http.http_header_timeout_seconds = 2).await;
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    let request = format!(
        "GET /healthz HTTP/1.1\r\nHost: {}\r\nConnection: keep-alive\r\n\r\n",
        app.addr
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = [0u8; 512];
    let n = stream.read(&mut answer).await.unwrap();
    assert!(String::from_utf8_lossy(&answer[..n]).starts_with("HTTP/1.1 200"));
    // Nothing more is sent: the server closes the connection.
    assert!(closed_by_server(&mut stream).await);
}
