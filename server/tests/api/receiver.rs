//! A real HTTP receiver for webhook tests, on loopback: records every request and answers
//! with the status it is told to.

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use hmac::{Hmac, Mac};
use sha2::Sha256;

#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: String,
    /// What the receiver answered.
    pub answered: u16,
}

impl Received {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap()
    }

    /// Checks the signature as a receiver would: HMAC-SHA256 over `timestamp.body`.
    pub fn signed_with(&self, secret: &str) -> bool {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{}.{}", self.header("x-vault-timestamp"), self.body).as_bytes());
        let expected = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>();
        self.header("x-vault-signature") == format!("v1={expected}")
    }
}

#[derive(Clone)]
struct Inner {
    answer: Arc<AtomicU16>,
    got: Arc<Mutex<Vec<Received>>>,
}

pub struct Receiver {
    pub url: String,
    inner: Inner,
}

impl Receiver {
    /// Listens on a free loopback port, answering `status` until told otherwise.
    pub async fn start(status: u16) -> Self {
        let inner = Inner {
            answer: Arc::new(AtomicU16::new(status)),
            got: Arc::default(),
        };
        let app = Router::new()
            .route("/hook", post(record))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, inner }
    }

    pub fn answer(&self, status: u16) {
        self.inner.answer.store(status, Ordering::SeqCst);
    }

    pub fn received(&self) -> Vec<Received> {
        self.inner.got.lock().unwrap().clone()
    }

    /// Waits (up to two minutes, for a loaded machine) until `done` holds for what arrived.
    pub async fn wait_for(&self, what: &str, done: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        loop {
            let got = self.received();
            if done(&got) {
                return got;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "timed out waiting for {what}; received {got:#?}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

async fn record(State(inner): State<Inner>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let answered = inner.answer.load(Ordering::SeqCst);
    inner.got.lock().unwrap().push(Received {
        headers,
        body: String::from_utf8_lossy(&body).to_string(),
        answered,
    });
    StatusCode::from_u16(answered).unwrap()
}
