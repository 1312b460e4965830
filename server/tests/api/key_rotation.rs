//! Master key rotation and data key renewal keep every secret readable.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use reqwest::StatusCode;
use sqlx::Acquire;

use app::domain::keys::crypto::Keyring;
use app::domain::keys::data_keys;
use app::domain::keys::master_key::MasterKey;

use crate::helpers::{expect_status, spawn_app, ADMIN};

#[tokio::test]
async fn rotating_the_master_key_never_fails_a_read_and_keeps_every_secret_readable() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    for i in 0..20 {
        expect_status(
            app.create_secret(
                &admin,
                "acme",
                &format!("s_{i}"),
                &format!("value-{i}"),
                &[],
            )
            .await,
            StatusCode::OK,
        )
        .await;
    }
    expect_status(
        app.create_secret(&admin, "globex", "never", "x", &[]).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let ws = app.workspace_id("acme").await;
    let key_dir = tempfile::tempdir().unwrap();
    let old_path = key_dir.path().join("old.key");
    std::fs::copy(app.key_path(), &old_path).unwrap();
    let new_path = key_dir.path().join("new.key");
    MasterKey::read_or_create_file(&new_path).unwrap();
    // Servers during the rotation: the new key current, the old one still accepted.
    let during = Arc::new(Keyring::new(
        MasterKey::read_file(&new_path).unwrap(),
        vec![MasterKey::read_file(&old_path).unwrap()],
    ));

    let stop = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicUsize::new(0));
    let reader = {
        let (pool, during, stop, reads) = (
            app.pool.clone(),
            during.clone(),
            stop.clone(),
            reads.clone(),
        );
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                for i in 0..20 {
                    crate::helpers::current_value(&pool, &during, ws, &format!("s_{i}"))
                        .await
                        .expect("a read failed during rotation");
                    reads.fetch_add(1, Ordering::Relaxed);
                }
            }
        })
    };
    // Reads run before, during and after the re-wrap.
    let wait_for = |n: usize| {
        let reads = reads.clone();
        async move {
            // No deadline: how fast the reader runs depends on the machine, not on the code.
            while reads.load(Ordering::Relaxed) < n {
                tokio::task::yield_now().await;
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
        }
    };
    wait_for(20).await;
    let report = data_keys::rewrap_all(&app.pool, &during).await.unwrap();
    let after = reads.load(Ordering::Relaxed) + 40;
    wait_for(after).await;
    stop.store(true, Ordering::Relaxed);
    reader.await.unwrap();
    assert_eq!(report.rewrapped, 1, "acme has one data key");
    assert_eq!(report.remaining, 0, "nothing is left under the old key");

    // After rotation the new key alone opens everything; the old key alone opens nothing.
    let new_only = Keyring::new(MasterKey::read_file(&new_path).unwrap(), vec![]);
    for i in 0..20 {
        let (_, value) = crate::helpers::current_value(&app.pool, &new_only, ws, &format!("s_{i}"))
            .await
            .unwrap();
        assert!(format!("{value:?}").starts_with("SecretValue(Single"));
    }
    let old_only = Keyring::new(MasterKey::read_file(&old_path).unwrap(), vec![]);
    assert!(
        crate::helpers::current_value(&app.pool, &old_only, ws, "s_0")
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_data_key_is_replaced_when_its_encryption_budget_is_spent() {
    let app = spawn_app().await;
    let ws = app.workspace_id("acme").await;
    let mut conn = app.pool.acquire().await.unwrap();
    let conn = conn.acquire().await.unwrap();
    let (first, _) = data_keys::for_encryption(conn, &app.keyring, ws, 2)
        .await
        .unwrap();
    let (again, _) = data_keys::for_encryption(conn, &app.keyring, ws, 2)
        .await
        .unwrap();
    let (next, _) = data_keys::for_encryption(conn, &app.keyring, ws, 2)
        .await
        .unwrap();
    assert_eq!(first, again);
    assert_ne!(first, next, "a new key version after the budget");
    let versions: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT version, encryptions FROM workspace_keys WHERE workspace_id = $1 ORDER BY version",
    )
    .bind(ws)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(versions, [(1, 2), (2, 1)]);
    // The old key still decrypts what it sealed.
    assert!(data_keys::for_decryption(conn, &app.keyring, ws, first)
        .await
        .is_ok());
    // A key id of another workspace is refused.
    let globex = app.workspace_id("globex").await;
    assert!(data_keys::for_decryption(conn, &app.keyring, globex, first)
        .await
        .is_err());
}
