//! A real `vault serve` process, for multi-instance and failure tests.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::Client;

/// A `vault serve` process on a free port.
pub struct Instance {
    child: Child,
    pub base: String,
    /// What the server logged up to "listening on", one entry per line.
    pub startup_log: Vec<String>,
    /// The server's log lines after "listening on".
    log: Arc<Mutex<Vec<String>>>,
}

/// The URL a log line names after `marker`, in a text line or inside a JSON string.
pub fn url_after(line: &str, marker: &str) -> Option<String> {
    let at = line.find(marker)? + marker.len();
    let url: String = line[at..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '"')
        .collect();
    Some(url.trim_end_matches("/metrics").to_string())
}

impl Instance {
    pub fn start(db_url: &str, data_dir: &Path, key: &Path) -> Self {
        Self::start_with(db_url, data_dir, key, &[])
    }

    /// The same with extra `VAULT_*` settings.
    pub fn start_with(db_url: &str, data_dir: &Path, key: &Path, env: &[(&str, &str)]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_vault"))
            .arg("serve")
            .envs(env.iter().copied())
            .env("VAULT_DATABASE_URL", db_url)
            .env("VAULT_DATA_DIR", data_dir)
            .env("VAULT_MASTER_KEY_FILE", key)
            .env("VAULT_BIND", "127.0.0.1:0")
            .env("VAULT_LOG", "info")
            .env_remove("VAULT_MODE")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("vault binary");
        let stderr = child.stderr.take().unwrap();
        let mut lines = BufReader::new(stderr).lines();
        let mut startup_log = Vec::new();
        let base = loop {
            let line = lines
                .next()
                .expect("server exited before listening")
                .unwrap();
            let found = url_after(&line, "listening on ");
            startup_log.push(line);
            if let Some(base) = found {
                break base;
            }
        };
        // Keep draining the log so the server never blocks on a full pipe.
        let log = Arc::new(Mutex::new(Vec::new()));
        let kept = log.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                if let Ok(mut kept) = kept.lock() {
                    kept.push(line);
                }
            }
        });
        Self {
            child,
            base,
            startup_log,
            log,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn call(&self, client: &Client, f: &str, form: &[(&str, &str)]) -> reqwest::Response {
        client
            .post(self.url(&format!("/api/{f}")))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// Sends SIGTERM, as an orchestrator stopping the server does.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()
            .expect("kill");
        assert!(status.success(), "kill -TERM failed");
    }

    /// The exit status, once the process has exited within `bound`; `None` if it has not.
    pub fn wait_exit(&mut self, bound: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + bound;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The log lines written since "listening on".
    pub fn log(&self) -> Vec<String> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill(); // SIGKILL
        let _ = self.child.wait();
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.kill();
    }
}
