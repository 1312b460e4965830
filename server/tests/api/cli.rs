//! The operator CLI validates every change and exits non-zero with a clear message.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

fn vault(dir: &TempDir, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vault"))
        .args(args)
        .env("VAULT_DATA_DIR", dir.path())
        .env_remove("VAULT_DATABASE_URL")
        .env_remove("VAULT_MODE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("vault binary");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// The command succeeded; its standard output.
pub(crate) fn ok(out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "stdout: {stdout}\nstderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The command failed with `needle` in its error output.
pub(crate) fn fails_with(out: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "expected a failure, stderr: {stderr}"
    );
    assert!(stderr.contains(needle), "expected {needle:?} in: {stderr}");
}

#[test]
fn an_operator_sets_up_a_workspace_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    ok(&vault(
        &dir,
        &["workspace", "create", "hooli", "--name", "Hooli"],
        "",
    ));
    ok(&vault(
        &dir,
        &["user", "create", "gavin@hooli.test", "--name", "Gavin"],
        "a-strong-password\n",
    ));
    ok(&vault(
        &dir,
        &[
            "user",
            "add",
            "gavin@hooli.test",
            "hooli",
            "--role",
            "admin",
        ],
        "",
    ));
    let out = ok(&vault(
        &dir,
        &[
            "workspace",
            "flag",
            "hooli",
            "secrets",
            "on",
            "--reason",
            "pilot",
        ],
        "",
    ));
    assert!(out.contains("secrets vault is now on for hooli"), "{out}");
    ok(&vault(
        &dir,
        &["agent", "create", "hooli", "nightly-sync"],
        "",
    ));
    let out = ok(&vault(&dir, &["workspace", "list"], ""));
    assert!(out.contains("hooli") && out.contains("secrets on"), "{out}");

    // Every change made from the CLI is in the audit trail, by the operator.
    let url = format!("sqlite://{}", dir.path().join("vault.db").display());
    let (in_workspace, operator) = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let pool = app::domain::db::connect(&url, 1).await.unwrap();
        let in_workspace: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT e.actor, e.action, e.detail FROM audit_events e \
             JOIN workspaces w ON w.id = e.workspace_id WHERE w.slug = 'hooli' ORDER BY e.id",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        let operator: Vec<(String, String)> =
            sqlx::query_as("SELECT action, detail FROM operator_events ORDER BY id")
                .fetch_all(&pool)
                .await
                .unwrap();
        (in_workspace, operator)
    });
    let actions: Vec<&str> = in_workspace.iter().map(|(_, a, _)| a.as_str()).collect();
    assert_eq!(
        actions,
        [
            "workspace.create",
            "member.add",
            "workspace.flag",
            "agent.create"
        ],
        "{in_workspace:?}"
    );
    assert!(in_workspace
        .iter()
        .all(|(actor, _, _)| actor == "operator (CLI)"));
    assert_eq!(in_workspace[2].2, "secrets vault on: pilot");
    // The platform audit log: the user, then the flag switch with its reason.
    assert_eq!(
        operator,
        [
            ("user.create".to_string(), "gavin@hooli.test".to_string()),
            (
                "workspace.flag.on".to_string(),
                "secrets vault on".to_string()
            )
        ]
    );
}

#[test]
fn bad_input_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    fails_with(
        &vault(&dir, &["workspace", "create", "Not A Slug"], ""),
        "workspace slug",
    );
    fails_with(
        &vault(
            &dir,
            &[
                "workspace",
                "flag",
                "nowhere",
                "secrets",
                "on",
                "--reason",
                "x",
            ],
            "",
        ),
        "unknown workspace",
    );
    fails_with(
        &vault(&dir, &["user", "create", "weak@hooli.test"], "short\n"),
        "too weak",
    );
    fails_with(
        &vault(
            &dir,
            &["user", "create", "not-an-email"],
            "a-strong-password\n",
        ),
        "valid email",
    );
    ok(&vault(
        &dir,
        &["user", "create", "dup@hooli.test"],
        "a-strong-password\n",
    ));
    fails_with(
        &vault(
            &dir,
            &["user", "create", "DUP@hooli.test"],
            "a-strong-password\n",
        ),
        "already exists",
    );
    fails_with(
        &vault(
            &dir,
            &[
                "user",
                "add",
                "dup@hooli.test",
                "nowhere",
                "--role",
                "admin",
            ],
            "",
        ),
        "unknown workspace",
    );
    fails_with(
        &vault(&dir, &["agent", "create", "nowhere", "bot"], ""),
        "unknown workspace",
    );
    // clap rejects an unknown role before anything runs.
    let out = vault(
        &dir,
        &["user", "add", "dup@hooli.test", "hooli", "--role", "owner"],
        "",
    );
    assert!(!out.status.success());
}

#[test]
fn demo_data_is_refused_in_production_mode() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_vault"))
        .arg("demo")
        .env("VAULT_DATA_DIR", dir.path())
        .env("VAULT_MODE", "production")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("production mode needs"), "{stderr}");
}

#[test]
fn production_mode_refuses_to_serve_without_a_master_key() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_vault"))
        .arg("serve")
        .env("VAULT_DATA_DIR", dir.path())
        .env("VAULT_MODE", "production")
        .env(
            "VAULT_DATABASE_URL",
            format!("sqlite://{}/p.db?mode=rwc", dir.path().display()),
        )
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("master key"), "{stderr}");
}

#[tokio::test]
async fn rotate_master_key_rewraps_every_data_key_under_the_new_key() {
    use app::domain::demo;
    use app::domain::keys::crypto::Keyring;
    use app::domain::keys::master_key::MasterKey;
    use app::domain::secrets::store;

    let dir = tempfile::tempdir().unwrap();
    let mut config = server::config::Config::default();
    config.storage.data_dir = dir.path().to_path_buf();
    let (old_ring, _) = config.keyring().unwrap();
    let pool = server::startup::open_database(&config).await.unwrap();
    demo::seed(&pool, crate::helpers::shell()).await.unwrap();
    let gate = crate::helpers::demo_admin_gate(&pool, "acme").await;
    let value = crate::helpers::single_value("rotate-me");
    store::create(&pool, &old_ring, &gate, "api_token", "", &value, &[])
        .await
        .unwrap();

    let old_path = dir.path().join("master.key");
    let new_path = dir.path().join("new.key");
    MasterKey::read_or_create_file(&new_path).unwrap();
    let rotate = |previous: Option<&std::path::Path>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_vault"));
        cmd.arg("rotate-master-key")
            .env("VAULT_DATA_DIR", dir.path())
            .env("VAULT_MASTER_KEY_FILE", &new_path)
            .env_remove("VAULT_DATABASE_URL")
            .env_remove("VAULT_MODE");
        match previous {
            Some(p) => cmd.env(
                "VAULT_PREVIOUS_MASTER_KEY_FILES",
                format!("[\"{}\"]", p.display()),
            ),
            None => cmd.env_remove("VAULT_PREVIOUS_MASTER_KEY_FILES"),
        };
        cmd.output().unwrap()
    };
    // Without the old key the data keys cannot be re-wrapped: the rotation is reported as
    // not complete, with how many keys still need the previous master key.
    fails_with(
        &rotate(None),
        "1 data key(s) are still wrapped under a previous master key",
    );
    let out = ok(&rotate(Some(&old_path)));
    assert!(out.contains("re-wrapped 1 data key(s)"), "{out}");
    assert!(out.contains("rotation complete"), "{out}");
    let trail: Vec<String> = sqlx::query_scalar(
        "SELECT detail FROM operator_events WHERE action = 'master_key.rotate' ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        trail.len(),
        2,
        "both runs are in the operator trail: {trail:?}"
    );
    assert!(
        trail[1].contains("0 still under a previous key"),
        "{trail:?}"
    );

    let ws = app::domain::identity::workspaces::get_by_slug(&pool, "acme")
        .await
        .unwrap()
        .id;
    let new_only = Keyring::new(MasterKey::read_file(&new_path).unwrap(), vec![]);
    assert!(
        crate::helpers::current_value(&pool, &new_only, ws, "api_token")
            .await
            .is_ok()
    );
    assert!(
        crate::helpers::current_value(&pool, &old_ring, ws, "api_token")
            .await
            .is_err()
    );
}
