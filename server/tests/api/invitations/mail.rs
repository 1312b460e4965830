//! With `smtp_url` set, an invitation's link is also mailed: to a real SMTP server
//! (aiosmtpd, which `scripts/setup` installs into `tools/venv`) that the test starts.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use super::NEWCOMER;
use crate::helpers::{expect_status, installed_tool, spawn_app, spawn_app_with, ADMIN};

/// aiosmtpd listening on a port of its own, keeping each message it receives as a file of
/// a maildir; stopped with the test.
struct SmtpServer {
    child: Child,
    port: u16,
    maildir: tempfile::TempDir,
}

impl SmtpServer {
    async fn start(python: &Path) -> Self {
        let maildir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir.path().join("mail"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd");
        // Held from here on, so that its `Drop` stops the process whatever happens next.
        let server = Self {
            child,
            port,
            maildir,
        };
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("aiosmtpd did not start listening on {port}");
    }

    /// The messages received so far.
    fn messages(&self) -> Vec<String> {
        let new: PathBuf = self.maildir.path().join("mail/new");
        let Ok(entries) = std::fs::read_dir(new) else {
            return Vec::new();
        };
        entries
            .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
            .collect()
    }

    /// Waits (up to 20 s) for the first message.
    async fn first_message(&self) -> String {
        for _ in 0..400 {
            if let Some(message) = self.messages().pop() {
                return message;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no message arrived");
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Python with aiosmtpd, or `None` (skipped; in CI a failure).
fn python_with_aiosmtpd() -> Option<PathBuf> {
    let python = installed_tool("VAULT_TEST_SMTPD_PYTHON", "python")?;
    let found = Command::new(&python)
        .args(["-c", "import aiosmtpd"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        found || std::env::var("CI").as_deref() != Ok("true"),
        "aiosmtpd is missing from {}: run scripts/setup --with-browser",
        python.display()
    );
    if !found {
        eprintln!("skipped: aiosmtpd is missing (scripts/setup --with-browser installs it)");
    }
    found.then_some(python)
}

/// The text of a message with quoted-printable soft line breaks joined.
fn unwrapped(message: &str) -> String {
    message.replace("=\r\n", "").replace("=\n", "")
}

#[tokio::test]
async fn with_smtp_configured_the_link_is_also_mailed_to_the_invitee() {
    let Some(python) = python_with_aiosmtpd() else {
        return;
    };
    let smtp = SmtpServer::start(&python).await;
    let url = format!("smtp://127.0.0.1:{}", smtp.port);
    let app = spawn_app_with(|c| {
        c.mail.smtp_url = Some(url.into());
        c.mail.smtp_from = "Acme Vault <vault@acme.test>".into();
    })
    .await;
    let admin = app.signed_in(ADMIN).await;
    let form = [("ws", "acme"), ("email", NEWCOMER), ("role", "member")];
    let res = app.call(&admin, "invitations/create", &form).await;
    let body: Value = serde_json::from_str(&expect_status(res, StatusCode::OK).await).unwrap();
    assert_eq!(body["mailed"], true);
    let link = body["link"].as_str().unwrap();

    let message = unwrapped(&smtp.first_message().await);
    assert!(message.contains(&format!("To: {NEWCOMER}")), "{message}");
    assert!(message.contains("vault@acme.test"), "{message}");
    assert!(
        message.contains("Subject: Join Acme Inc on Secrets Vault"),
        "{message}"
    );
    assert!(message.contains(link), "the link is in the mail: {message}");
    assert_eq!(smtp.messages().len(), 1);
}

#[tokio::test]
async fn without_smtp_nothing_is_mailed_and_an_unreachable_one_breaks_nothing() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let form = [("ws", "acme"), ("email", NEWCOMER), ("role", "member")];
    let res = app.call(&admin, "invitations/create", &form).await;
    let body: Value = serde_json::from_str(&expect_status(res, StatusCode::OK).await).unwrap();
    assert_eq!(body["mailed"], false);

    // A mail server that is down: the admin still gets the link at once.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let app =
        spawn_app_with(|c| c.mail.smtp_url = Some(format!("smtp://127.0.0.1:{port}").into())).await;
    let admin = app.signed_in(ADMIN).await;
    let res = app.call(&admin, "invitations/create", &form).await;
    let body: Value = serde_json::from_str(&expect_status(res, StatusCode::OK).await).unwrap();
    assert!(body["link"].as_str().unwrap().contains("/invite/"));
    assert_eq!(app.count("invitations").await, 1);
}
