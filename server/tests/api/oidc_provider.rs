//! A real OpenID Provider for the tests: npm `oidc-provider` started from
//! `end2end/oidc/provider.mjs` on loopback (installed by `scripts/setup --with-browser`),
//! and a browser-like walk through its login page over plain HTTP.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use reqwest::header::LOCATION;
use reqwest::{Client, StatusCode};
use tokio::net::TcpListener;

use crate::helpers::{spawn_app_on, TestApp};
use server::config::{Config, OidcProvider};

pub const CLIENT_ID: &str = "vault";
const CLIENT_SECRET: &str = "test-client-secret";
/// The provider's id in the server's configuration (in URLs).
pub const PROVIDER: &str = "test";

/// Accounts at the provider: (email, password, email_verified).
pub const ACCOUNTS: [(&str, &str, bool); 5] = [
    ("alice@acme.test", "alice-pass", true),
    ("bob@acme.test", "bob-pass", true),
    ("eve@elsewhere.test", "eve-pass", true),
    ("unverified@acme.test", "unverified-pass", false),
    ("admin@acme.test", "admin-at-the-provider", true),
];

pub fn password_of(email: &str) -> &'static str {
    ACCOUNTS
        .iter()
        .find(|(e, _, _)| *e == email)
        .map(|(_, p, _)| *p)
        .expect("an account at the provider")
}

/// The provider process, stopped when dropped.
pub struct Provider {
    child: Child,
    pub issuer: String,
    _secret: tempfile::TempDir,
    pub secret_file: PathBuf,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn script() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let script = root.join("end2end/oidc/provider.mjs");
    assert!(
        root.join("end2end/node_modules/oidc-provider").is_dir(),
        "npm oidc-provider is missing: run scripts/setup --with-browser"
    );
    script
}

impl Provider {
    /// Starts a provider whose client `vault` may redirect to `redirect_uri`; `tamper`
    /// makes its token endpoint answer with one ID token claim changed (see provider.mjs).
    pub fn start(redirect_uri: &str, tamper: Option<&str>) -> Self {
        let clients = serde_json::json!([{
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": [redirect_uri],
        }]);
        let accounts: Vec<serde_json::Value> = ACCOUNTS
            .iter()
            .map(|(email, password, verified)| {
                serde_json::json!({"email": email, "password": password, "email_verified": verified})
            })
            .collect();
        let mut cmd = Command::new("node");
        cmd.arg(script())
            .env("OP_PORT", "0")
            .env("OP_CLIENTS", clients.to_string())
            .env("OP_ACCOUNTS", serde_json::Value::from(accounts).to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some(tamper) = tamper {
            cmd.env("OP_TAMPER", tamper);
        }
        let mut child = cmd.spawn().expect("node (Node.js) on PATH");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the provider's first line");
        let started: serde_json::Value =
            serde_json::from_str(line.trim()).unwrap_or_else(|_| panic!("provider said {line:?}"));
        let issuer = started["issuer"].as_str().expect("issuer").to_string();
        let secret = tempfile::tempdir().unwrap();
        let secret_file = secret.path().join("client_secret");
        std::fs::write(&secret_file, CLIENT_SECRET).unwrap();
        Self {
            child,
            issuer,
            _secret: secret,
            secret_file,
        }
    }

    /// The server's `[[oidc]]` entry for this provider.
    pub fn entry(&self, domains: &[&str]) -> OidcProvider {
        OidcProvider {
            id: PROVIDER.into(),
            name: "Test IdP".into(),
            issuer: self.issuer.clone(),
            client_id: CLIENT_ID.into(),
            client_secret_file: self.secret_file.clone(),
            scopes: None,
            domains: domains.iter().map(|d| d.to_string()).collect(),
            second_factor: false,
        }
    }
}

/// A server configured with a fresh provider (`tamper`: see [`Provider::start`]).
pub async fn sso_app(
    tamper: Option<&str>,
    domains: &[&str],
    adjust: impl FnOnce(&mut Config),
) -> (TestApp, Provider) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().unwrap().port();
    let redirect = format!("http://127.0.0.1:{port}/auth/oidc/{PROVIDER}/callback");
    let provider = Provider::start(&redirect, tamper);
    let entry = provider.entry(domains);
    let app = spawn_app_on(listener, move |config| {
        config.sso.oidc = vec![entry];
        adjust(config);
    })
    .await;
    (app, provider)
}

/// Where a page that moves on by itself (`<meta http-equiv="refresh">`) goes.
pub fn onward(html: &str) -> String {
    let start = html.find("url=").expect("an onward page") + 4;
    let end = start + html[start..].find('"').expect("end of the url");
    html[start..end].replace("&amp;", "&")
}

/// What a walk through the provider gave.
pub struct Walk {
    /// Our callback URL with the provider's `code` and `state`.
    pub callback: String,
    /// How many times the provider's login page asked for the password.
    pub logins: usize,
}

/// From our `start` path through the provider's login page (as `email`) back to our callback
/// URL, which is not fetched.
pub async fn walk(app: &TestApp, client: &Client, start: &str, email: &str) -> Walk {
    let res = client.get(app.url(start)).send().await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "start: {:?}",
        res.text().await
    );
    let mut url = location(&res, &app.url("/"));
    let mut logins = 0;
    for _ in 0..20 {
        if url.starts_with(&app.url("/auth/oidc/")) {
            return Walk {
                callback: url,
                logins,
            };
        }
        let res = client.get(&url).send().await.unwrap();
        if res.status().is_redirection() {
            url = location(&res, &url);
            continue;
        }
        let page = res.text().await.unwrap();
        if page.contains("document.forms[0].submit()") {
            // The provider's page that posts itself (ending its session of another account
            // before this one signs in), as a browser would.
            let res = client
                .post(attribute(&page, "action"))
                .form(&hidden_inputs(&page))
                .send()
                .await
                .unwrap();
            assert!(
                res.status().is_redirection(),
                "self-posting form: {}",
                res.status()
            );
            url = location(&res, &url);
            continue;
        }
        assert!(
            page.contains("Sign in at the provider"),
            "not the login page: {page}"
        );
        logins += 1;
        let res = client
            .post(format!("{url}/login"))
            .form(&[("email", email), ("password", password_of(email))])
            .send()
            .await
            .unwrap();
        assert!(
            res.status().is_redirection(),
            "login at the provider: {}",
            res.status()
        );
        url = location(&res, &url);
    }
    panic!("the provider never sent the browser back");
}

/// The first `name="..."` attribute's value in `html`.
fn attribute(html: &str, name: &str) -> String {
    let key = format!("{name}=\"");
    let start = html.find(&key).expect("the attribute") + key.len();
    let end = start + html[start..].find('"').expect("its end");
    html[start..end].replace("&amp;", "&")
}

/// The hidden inputs of a form: (name, value).
fn hidden_inputs(html: &str) -> Vec<(String, String)> {
    html.split("<input")
        .skip(1)
        .filter(|tag| tag.contains("type=\"hidden\""))
        .map(|tag| (attribute(tag, "name"), attribute(tag, "value")))
        .collect()
}

fn location(res: &reqwest::Response, base: &str) -> String {
    let raw = res
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no Location from {}", res.url()));
    reqwest::Url::parse(base)
        .and_then(|b| b.join(raw))
        .map(|u| u.to_string())
        .expect("a location")
}

/// The callback, then (when it succeeded) the completion on our site: where the browser ends.
pub async fn finish(app: &TestApp, client: &Client, callback: &str) -> String {
    let res = client.get(callback).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let next = onward(&res.text().await.unwrap());
    if next != "/auth/oidc/complete" {
        return next;
    }
    let res = client.get(app.url(&next)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    res.headers()[LOCATION].to_str().unwrap().to_string()
}

/// Signs in through the provider as `email` from `start`; where the browser ends.
pub async fn sso_sign_in(app: &TestApp, client: &Client, email: &str) -> String {
    let walk = walk(app, client, &format!("/auth/oidc/{PROVIDER}/start"), email).await;
    finish(app, client, &walk.callback).await
}
