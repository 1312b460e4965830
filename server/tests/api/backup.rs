//! `vault backup` copies a running SQLite vault as one consistent snapshot, and
//! `vault restore` brings it back under the same master key: every secret in the copy
//! opens to the value that was written, with all its versions and their audit events.
//! Restore refuses what is not a vault, and a database it would overwrite unasked or
//! while a server has it open. PostgreSQL is pointed to pg_dump.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::StatusCode;
use secrecy::ExposeSecret;

use app::domain::secrets::{sealing, value::SecretValue};

use crate::cli::{fails_with, ok};
use crate::helpers::{expect_status, spawn_app, TestApp, ADMIN};

/// `vault` on the SQLite database in `dir`, with the master key `key`.
fn vault_at(dir: &Path, key: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vault"))
        .args(args)
        .env("VAULT_DATA_DIR", dir)
        .env("VAULT_MASTER_KEY_FILE", key)
        .env_remove("VAULT_DATABASE_URL")
        .env_remove("VAULT_MODE")
        .output()
        .expect("vault binary")
}

/// A workspace admin writing as fast as the server lets them: secret `load_N` is created
/// with `v1`, then replaced with `v2` and `v3`. Every acknowledged value is remembered by
/// (name, version).
struct WriteLoad {
    written: Arc<Mutex<HashMap<(String, i64), String>>>,
    acknowledged: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

impl WriteLoad {
    async fn start(app: Arc<TestApp>) -> Self {
        let admin = app.signed_in(ADMIN).await;
        let written = Arc::new(Mutex::new(HashMap::new()));
        let acknowledged = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (w, a, s) = (written.clone(), acknowledged.clone(), stop.clone());
        let task = tokio::spawn(async move {
            let mut i: i64 = 0;
            while !s.load(Ordering::SeqCst) {
                let (name, version) = (format!("load_{}", i / 3), i % 3 + 1);
                let value = format!("{name} value v{version}");
                let res = if version == 1 {
                    app.create_secret(&admin, "acme", &name, &value, &[]).await
                } else {
                    let base = (version - 1).to_string();
                    let form = [
                        ("ws", "acme"),
                        ("name", name.as_str()),
                        ("base_version", base.as_str()),
                        ("kind", "single"),
                        ("value", value.as_str()),
                    ];
                    app.call(&admin, "secrets/replace", &form).await
                };
                expect_status(res, StatusCode::OK).await;
                w.lock().unwrap().insert((name, version), value);
                a.fetch_add(1, Ordering::SeqCst);
                i += 1;
            }
        });
        Self {
            written,
            acknowledged,
            stop,
            task,
        }
    }

    async fn until_acknowledged(&self, n: u64) {
        while self.acknowledged.load(Ordering::SeqCst) < n {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    fn written(&self) -> HashMap<(String, i64), String> {
        self.written.lock().unwrap().clone()
    }

    async fn finish(self) -> HashMap<(String, i64), String> {
        self.stop.store(true, Ordering::SeqCst);
        self.task
            .await
            .expect("the write load ran without an error");
        self.written.lock().unwrap().clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_under_write_load_restores_every_secret_it_holds_under_the_same_key() {
    let app = Arc::new(spawn_app().await);
    if app.on_postgres() {
        eprintln!("skipped on PostgreSQL: vault backup copies SQLite databases (pg_dump there)");
        return;
    }
    let load = WriteLoad::start(app.clone()).await;
    load.until_acknowledged(12).await;
    let before = load.written();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("vault-backup.db");
    let (cli_app, cli_file) = (app.clone(), file.display().to_string());
    let out = tokio::task::spawn_blocking(move || cli_app.cli(&["backup", &cli_file]))
        .await
        .unwrap();
    assert!(ok(&out).contains("keep the master key apart"));
    // Writes went on after the snapshot, so it is a strict part of what was written.
    let after_backup = load.acknowledged.load(Ordering::SeqCst);
    load.until_acknowledged(after_backup + 6).await;
    let written = load.finish().await;

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "a backup is readable by its owner only"
        );
    }
    let trail: Vec<String> =
        sqlx::query_scalar("SELECT detail FROM operator_events WHERE action = 'vault.backup'")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(trail, [format!("backup written to {}", file.display())]);

    // Restored into a fresh data directory and opened with the same master key.
    let fresh = tempfile::tempdir().unwrap();
    let restored = fresh.path().join("restored");
    let file_arg = file.display().to_string();
    ok(&vault_at(
        &restored,
        &app.key_path(),
        &["restore", &file_arg],
    ));
    let url = format!("sqlite://{}", restored.join("vault.db").display());
    let pool = app::domain::db::connect(&url, 1).await.unwrap();
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(integrity, "ok");
    let ws = app.workspace_id("acme").await;
    let secrets: Vec<(String, i64, i64, i64)> = sqlx::query_as(
        "SELECT s.name, s.current_version, \
           (SELECT COUNT(*) FROM secret_versions v WHERE v.secret_id = s.id), \
           (SELECT COUNT(*) FROM audit_events e WHERE e.secret_id = s.id \
              AND e.action IN ('secret.create', 'secret.rotate')) \
         FROM secrets s WHERE s.workspace_id = $1 AND s.name LIKE 'load\\_%' ESCAPE '\\'",
    )
    .bind(ws)
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut in_backup = HashSet::new();
    for (name, current, versions, audited) in &secrets {
        // Consistent: every version of every secret, each with its audit event.
        assert_eq!(*versions, *current, "{name}: versions 1..={current}");
        assert_eq!(*audited, *current, "{name}: one audit event per version");
        for version in 1..=*current {
            let value = sealing::version_value(&pool, &app.keyring, ws, name, version)
                .await
                .unwrap_or_else(|e| panic!("{name} v{version} does not open: {e}"));
            let expected = written.get(&(name.clone(), version)).unwrap_or_else(|| {
                panic!("{name} v{version} is in the backup but was never written")
            });
            match value {
                SecretValue::Single(v) => assert_eq!(v.expose_secret(), expected.as_str()),
                other => panic!("{name} v{version} is not a single value: {other:?}"),
            }
            in_backup.insert((name.clone(), version));
        }
    }
    for key in before.keys() {
        assert!(
            in_backup.contains(key),
            "{key:?} was acknowledged before the backup began but is not in it"
        );
    }
    assert!(
        in_backup.len() < written.len(),
        "writes acknowledged after the backup are not in it ({} of {})",
        in_backup.len(),
        written.len()
    );
    let restore_trail: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM operator_events WHERE action = 'vault.restore'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(restore_trail, 1);
    pool.close().await;
}

#[tokio::test]
async fn restore_refuses_what_is_not_a_vault_and_a_database_it_was_not_asked_to_replace() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("copy.db");
    let file_arg = file.display().to_string();
    if app.on_postgres() {
        fails_with(&app.cli(&["backup", &file_arg]), "pg_dump");
        fails_with(&app.cli(&["restore", &file_arg]), "pg_restore");
        return;
    }

    let junk = dir.path().join("notes.txt");
    std::fs::write(&junk, "not a database\n").unwrap();
    let junk_arg = junk.display().to_string();
    fails_with(
        &app.cli(&["restore", &junk_arg, "--force"]),
        "is not a Secrets Vault database",
    );
    let other = dir.path().join("other.db");
    let other_pool = app::domain::db::connect(&format!("sqlite://{}?mode=rwc", other.display()), 1)
        .await
        .unwrap();
    sqlx::query("CREATE TABLE notes (body TEXT)")
        .execute(&other_pool)
        .await
        .unwrap();
    other_pool.close().await;
    let other_arg = other.display().to_string();
    fails_with(
        &app.cli(&["restore", &other_arg, "--force"]),
        "is not a Secrets Vault database",
    );

    ok(&app.cli(&["backup", &file_arg]));
    fails_with(&app.cli(&["backup", &file_arg]), "never overwrites");
    fails_with(&app.cli(&["restore", &file_arg]), "pass --force");
    fails_with(&app.cli(&["restore", &file_arg, "--force"]), "is in use");
    // The running vault is untouched: its admin still signs in and sees the workspace.
    app.signed_in(ADMIN).await;

    // With the server stopped, --force replaces a database, and only then.
    let stopped = tempfile::tempdir().unwrap();
    let key = app.key_path();
    ok(&vault_at(stopped.path(), &key, &["restore", &file_arg]));
    fails_with(
        &vault_at(stopped.path(), &key, &["restore", &file_arg]),
        "pass --force",
    );
    ok(&vault_at(
        stopped.path(),
        &key,
        &["restore", &file_arg, "--force"],
    ));
    // No half-written file is left beside either database or the backup.
    for d in [app.data_dir(), stopped.path(), dir.path()] {
        let partial: Vec<_> = std::fs::read_dir(d)
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
            .collect();
        assert!(partial.is_empty(), "left behind: {partial:?}");
    }
}
