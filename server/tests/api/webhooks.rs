//! Webhooks: a change is delivered to a real receiver on loopback, signed, retried after a
//! 500, and delivered after a restart with events queued; addresses inside the network are
//! refused unless configured; only admins of the workspace manage its webhooks.

use reqwest::{Client, StatusCode};
use serde_json::Value;

use app::domain::identity::workspaces;
use app::domain::keys::crypto::Keyring;
use app::domain::keys::master_key::MasterKey;
use app::domain::webhooks::registry;
use app::domain::{demo, secrets::store};

use crate::helpers::{
    demo_admin_gate, expect_status, single_value, spawn_app_with, TestApp, ADMIN, MEMBER,
};
use crate::instance::Instance;
use crate::receiver::Receiver;

/// Deliveries are looked for every 20 ms and retried 10 ms after a failure, so the tests
/// wait for what they expect instead of for the clock.
async fn app_reaching_loopback() -> TestApp {
    spawn_app_with(|c| {
        c.sign_in.reauth_minutes = 10;
        c.webhooks.webhook_allow_private = true;
        c.webhooks.webhook_poll_ms = 20;
        c.webhooks.webhook_retry_base_ms = 10;
    })
    .await
}

async fn add_webhook(
    app: &TestApp,
    client: &Client,
    ws: &str,
    url: &str,
    events: &[&str],
) -> reqwest::Response {
    let mut form = vec![
        ("ws".to_string(), ws.to_string()),
        ("url".to_string(), url.to_string()),
    ];
    for (i, e) in events.iter().enumerate() {
        form.push((format!("events[{i}]"), e.to_string()));
    }
    client
        .post(app.url("/api/webhooks/create"))
        .form(&form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_change_is_delivered_signed_and_retried_after_a_500() {
    let app = app_reaching_loopback().await;
    let receiver = Receiver::start(500).await;
    let admin = app.signed_in(ADMIN).await;
    let body = expect_status(
        add_webhook(
            &app,
            &admin,
            "acme",
            &receiver.url,
            &["secret.create", "grant.add"],
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let created: Value = serde_json::from_str(&body).unwrap();
    let secret = created["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"));
    // The secret is stored sealed, never as it was shown.
    let sealed: Vec<u8> = sqlx::query_scalar("SELECT sealed_secret FROM webhooks")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(!sealed.windows(secret.len()).any(|w| w == secret.as_bytes()));

    expect_status(
        app.create_secret(&admin, "acme", "stripe_api_key", "sk_live_hook_value", &[])
            .await,
        StatusCode::OK,
    )
    .await;
    // The first attempt gets a 500; the receiver then accepts, and the retry arrives.
    let got = receiver
        .wait_for("the first attempt", |got| !got.is_empty())
        .await;
    assert_eq!(got[0].answered, 500);
    receiver.answer(200);
    let got = receiver
        .wait_for("the retry", |got| got.iter().any(|r| r.answered == 200))
        .await;
    let (first, retry) = (&got[0], got.iter().find(|r| r.answered == 200).unwrap());
    assert_eq!(first.body, retry.body, "a retry sends the same body");
    assert_eq!(
        first.header("x-vault-delivery"),
        retry.header("x-vault-delivery")
    );
    for r in [first, retry] {
        assert!(r.signed_with(&secret), "bad signature: {r:#?}");
        assert!(!r.signed_with("whsec_someone_else"));
        assert_eq!(r.header("x-vault-event"), "secret.create");
        assert_eq!(r.header("content-type"), "application/json");
    }
    let event = retry.json();
    assert_eq!(event["event"], "secret.create");
    assert_eq!(event["workspace"], "acme");
    assert_eq!(event["actor"], ADMIN.0);
    assert_eq!(event["secret"], "stripe_api_key");
    assert!(event["id"].as_str().unwrap().starts_with("evt_"));
    assert!(!retry.body.contains("sk_live_hook_value"));

    // The page lists the delivery as delivered after two attempts.
    let list = expect_status(
        app.call(&admin, "webhooks/list", &[("ws", "acme")]).await,
        StatusCode::OK,
    )
    .await;
    let list: Value = serde_json::from_str(&list).unwrap();
    let last = &list["webhooks"][0]["last"];
    assert_eq!(last["state"], "delivered", "{list}");
    assert_eq!(last["attempts"], 2);
    assert_eq!(last["last_status"], 200);
    assert!(
        !list.to_string().contains(&secret),
        "the secret is shown once only"
    );

    // An event the webhook did not subscribe to is not queued.
    let deletes: i64 = {
        expect_status(
            app.call(
                &admin,
                "secrets/delete",
                &[("ws", "acme"), ("name", "stripe_api_key")],
            )
            .await,
            StatusCode::OK,
        )
        .await;
        sqlx::query_scalar("SELECT COUNT(*) FROM webhook_deliveries WHERE event = 'secret.delete'")
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };
    assert_eq!(deletes, 0);
}

#[tokio::test]
async fn queued_events_are_delivered_by_the_next_server_after_a_kill() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("vault.db").display()
    );
    let key = dir.path().join("shared.key");
    let (master, _) = MasterKey::read_or_create_file(&key).unwrap();
    let keyring = Keyring::new(master, vec![]);
    let pool = app::domain::db::connect(&url, 2).await.unwrap();
    app::domain::db::migrate(&pool, &url).await.unwrap();
    demo::seed(&pool, crate::helpers::shell()).await.unwrap();
    let receiver = Receiver::start(503).await;
    let acme = workspaces::get_by_slug(&pool, "acme").await.unwrap();
    let events = ["secret.create".to_string()];
    let hook = registry::create(
        &pool,
        &keyring,
        &crate::helpers::shell().admin(acme),
        &receiver.url,
        &events,
        true,
    )
    .await
    .unwrap();
    let settings = [
        ("VAULT_WEBHOOK_ALLOW_PRIVATE", "true"),
        ("VAULT_WEBHOOK_POLL_MS", "20"),
        ("VAULT_WEBHOOK_RETRY_BASE_MS", "20"),
        // A delivery cut off by the kill is retried once its lease (timeout + 30 s) ends.
        ("VAULT_WEBHOOK_TIMEOUT_MS", "1000"),
    ];
    let mut first = Instance::start_with(&url, dir.path(), &key, &settings);
    let gate = demo_admin_gate(&pool, "acme").await;
    let names = ["queued_a", "queued_b", "queued_c"];
    for name in names {
        store::create(&pool, &keyring, &gate, name, "", &single_value("v"), &[])
            .await
            .unwrap();
    }
    // The first server tries each (the receiver answers 503), then dies without a word.
    receiver
        .wait_for("an attempt at every event", |got| {
            names.iter().all(|n| got.iter().any(|r| r.body.contains(n)))
        })
        .await;
    first.kill();
    receiver.answer(200);
    let _second = Instance::start_with(&url, dir.path(), &key, &settings);
    let got = receiver
        .wait_for("every event delivered", |got| {
            names
                .iter()
                .all(|n| got.iter().any(|r| r.answered == 200 && r.body.contains(n)))
        })
        .await;
    for r in got.iter().filter(|r| r.answered == 200) {
        assert!(r.signed_with(&hook.secret));
    }
    let undelivered: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM webhook_deliveries WHERE delivered_at IS NULL")
            .fetch_one(&pool)
            .await
            .unwrap();
    // The server records the delivery just after the receiver answers.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let mut undelivered = undelivered;
    while undelivered > 0 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        undelivered = sqlx::query_scalar(
            "SELECT COUNT(*) FROM webhook_deliveries WHERE delivered_at IS NULL",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
    }
    assert_eq!(undelivered, 0);
}

#[tokio::test]
async fn addresses_inside_the_network_are_refused_unless_allowed() {
    // Deliveries retried at once, so that the refusals below are recorded quickly.
    let app = spawn_app_with(|c| {
        c.webhooks.webhook_poll_ms = 20;
        c.webhooks.webhook_retry_base_ms = 10;
    })
    .await;
    let receiver = Receiver::start(200).await;
    let admin = app.signed_in(ADMIN).await;
    for url in [
        receiver.url.as_str(),
        "http://localhost:9/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://10.0.0.8/",
        "ftp://example.com/",
        "https://user:pw@example.com/",
    ] {
        let body = expect_status(
            add_webhook(&app, &admin, "acme", url, &["secret.create"]).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(body.contains("url"), "{url}: {body}");
    }
    assert_eq!(app.count("webhooks").await, 0);
    // Webhooks registered while private targets were allowed are refused at delivery time
    // once they are not: an address literal, and a host name that resolves to loopback.
    let port = receiver
        .url
        .rsplit(':')
        .next()
        .unwrap()
        .trim_end_matches("/hook")
        .to_string();
    let acme = workspaces::get_by_slug(&app.pool, "acme").await.unwrap();
    let events = ["secret.create".to_string()];
    for url in [
        receiver.url.clone(),
        format!("http://localhost:{port}/hook"),
    ] {
        let operator = crate::helpers::shell().admin(acme.clone());
        registry::create(&app.pool, &app.keyring, &operator, &url, &events, true)
            .await
            .unwrap();
    }
    expect_status(
        app.create_secret(&admin, "acme", "ssrf_probe", "v", &[])
            .await,
        StatusCode::OK,
    )
    .await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let errors: Vec<String> = loop {
        let errors: Vec<String> = sqlx::query_scalar(
            "SELECT last_error FROM webhook_deliveries WHERE last_error <> '' ORDER BY webhook_id",
        )
        .fetch_all(&app.pool)
        .await
        .unwrap();
        if errors.len() == 2 || std::time::Instant::now() > deadline {
            break errors;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(
        errors,
        [
            "refused: the address is not public",
            "refused: the host resolves to a non-public address"
        ]
    );
    assert!(
        receiver.received().is_empty(),
        "nothing reached the receiver"
    );
}

#[tokio::test]
async fn only_admins_of_the_workspace_manage_its_webhooks() {
    let app = app_reaching_loopback().await;
    let receiver = Receiver::start(200).await;
    let admin = app.signed_in(ADMIN).await;
    let body = expect_status(
        add_webhook(&app, &admin, "acme", &receiver.url, &["token.issue"]).await,
        StatusCode::OK,
    )
    .await;
    let id = serde_json::from_str::<Value>(&body).unwrap()["webhook"]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let member = app.signed_in(MEMBER).await;
    expect_status(
        app.call(&member, "webhooks/list", &[("ws", "acme")]).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    expect_status(
        add_webhook(&app, &member, "acme", &receiver.url, &["token.issue"]).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    expect_status(
        app.call(&member, "webhooks/delete", &[("ws", "acme"), ("id", &id)])
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let outsider = app.outsider(true).await;
    expect_status(
        app.call(&outsider, "webhooks/list", &[("ws", "acme")])
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    // Adding one asks for the password again once it was entered long ago.
    crate::sessions::age(&app, ADMIN.0, 11 * 60, &["verified_at"], false).await;
    let body = expect_status(
        add_webhook(&app, &admin, "acme", &receiver.url, &["token.issue"]).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert!(body.contains("ReauthRequired"), "{body}");
    expect_status(
        app.call(&admin, "account/reauthenticate", &[("password", ADMIN.1)])
            .await,
        StatusCode::OK,
    )
    .await;
    // An admin of another workspace cannot delete it through their own.
    expect_status(
        app.call(&admin, "webhooks/delete", &[("ws", "globex"), ("id", &id)])
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(app.count("webhooks").await, 1);
    // No events chosen, or one that does not exist: refused, nothing written.
    let body = expect_status(
        add_webhook(&app, &admin, "acme", &receiver.url, &[]).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(body.contains("Choose at least one event"), "{body}");
    expect_status(
        add_webhook(&app, &admin, "acme", &receiver.url, &["secret.read"]).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(app.count("webhooks").await, 1);
    expect_status(
        app.call(&admin, "webhooks/delete", &[("ws", "acme"), ("id", &id)])
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(app.count("webhooks").await, 0);
    let audited: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_events WHERE action LIKE 'webhook.%' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(audited, ["webhook.create", "webhook.delete"]);
}
