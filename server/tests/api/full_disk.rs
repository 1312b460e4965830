//! A full disk, on a small filesystem mounted by the test (tmpfs; the test is skipped with a
//! message where mounting is not allowed, and fails in CI, which runs as root): a change is
//! refused with a clear message and 503, `/readyz` says so, nothing acknowledged is lost, and
//! once space is freed, writes resume without a restart. SQLite only: the data directory is
//! ours to place; PostgreSQL's disk is its server's.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use reqwest::StatusCode;

use crate::helpers::{spawn_app_with, TestApp, ADMIN};

/// A tmpfs of `megabytes` at `dir`, unmounted when dropped.
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(dir: &Path, megabytes: u32) -> Option<Self> {
        let out = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={megabytes}m,mode=0700"),
                "tmpfs",
            ])
            .arg(dir)
            .output();
        match out {
            Ok(out) if out.status.success() => Some(Self(dir.to_path_buf())),
            other => {
                let why = match other {
                    Ok(out) => String::from_utf8_lossy(&out.stderr).into_owned(),
                    Err(e) => e.to_string(),
                };
                assert!(
                    std::env::var("CI").as_deref() != Ok("true"),
                    "CI must be able to mount a small filesystem: {why}"
                );
                eprintln!("skipped: cannot mount a small filesystem here ({why})");
                None
            }
        }
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Fills the filesystem of `path` with one file, until it is full.
fn fill(path: &Path) {
    let mut file = std::fs::File::create(path).unwrap();
    let block = vec![0x5a_u8; 64 * 1024];
    while file.write_all(&block).is_ok() {}
    let _ = file.sync_all();
}

async fn create(app: &TestApp, admin: &reqwest::Client, name: &str) -> (StatusCode, String) {
    let value = "v".repeat(60 * 1024);
    let res = app.create_secret(admin, "acme", name, &value, &[]).await;
    (res.status(), res.text().await.unwrap())
}

async fn ready(app: &TestApp) -> (StatusCode, String) {
    let res = reqwest::get(app.url("/readyz")).await.unwrap();
    (res.status(), res.text().await.unwrap())
}

#[tokio::test]
async fn a_full_disk_refuses_changes_clearly_and_writes_resume_once_space_is_back() {
    if std::env::var("VAULT_TEST_POSTGRES").is_ok() {
        return;
    }
    let mount_point = tempfile::tempdir().unwrap();
    let Some(_disk) = SmallDisk::mount(mount_point.path(), 24) else {
        return;
    };
    let data = mount_point.path().join("data");
    let app = spawn_app_with(|c| c.storage.data_dir = data.clone()).await;
    let admin = app.signed_in(ADMIN).await;
    let (status, body) = create(&app, &admin, "before_full").await;
    assert!(status.is_success(), "{status}: {body}");

    let ballast = mount_point.path().join("ballast");
    fill(&ballast);
    let mut refused = None;
    for i in 0..400 {
        let (status, body) = create(&app, &admin, &format!("while_full_{i}")).await;
        if !status.is_success() {
            refused = Some((status, body));
            break;
        }
    }
    let (status, body) = refused.expect("a change is refused once the disk is full");
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(body.contains("disk is full"), "{body}");
    assert!(!body.contains("Internal"), "{body}");
    assert_eq!(
        ready(&app).await,
        (StatusCode::SERVICE_UNAVAILABLE, "disk full".into())
    );

    std::fs::remove_file(&ballast).unwrap();
    // Space is back: the next probe says so, and changes go through again, no restart.
    assert_eq!(ready(&app).await, (StatusCode::OK, "ready".into()));
    let (status, body) = create(&app, &admin, "after_full").await;
    assert!(status.is_success(), "{status}: {body}");
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM secrets WHERE name IN ('before_full', 'after_full') ORDER BY name",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(names, ["after_full", "before_full"]);
}
