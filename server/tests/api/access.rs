//! The Secrets tab and every admin action are enforced by the server, not by hidden links.

use reqwest::StatusCode;

use crate::helpers::{expect_status, spawn_app, ADMIN, MEMBER};

#[tokio::test]
async fn only_admins_of_flagged_workspaces_pass_the_secrets_gate() {
    let app = spawn_app().await;
    let anonymous = app.client();
    let body = expect_status(
        app.call(&anonymous, "secrets/list", &[("ws", "acme")])
            .await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert!(body.contains("NotSignedIn"), "{body}");

    let member = app.signed_in(MEMBER).await;
    let body = expect_status(
        app.call(&member, "secrets/list", &[("ws", "acme")]).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(body.contains("Forbidden"), "{body}");

    let admin = app.signed_in(ADMIN).await;
    let body = expect_status(
        app.call(&admin, "secrets/list", &[("ws", "globex")]).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(body.contains("FeatureDisabled"), "{body}");

    let other = app.outsider(false).await;
    let body = expect_status(
        app.call(&other, "secrets/list", &[("ws", "acme")]).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert!(body.contains("NotFound"), "{body}");

    expect_status(
        app.call(&admin, "secrets/list", &[("ws", "acme")]).await,
        StatusCode::OK,
    )
    .await;
}

#[tokio::test]
async fn the_secrets_page_url_is_denied_by_the_server() {
    let app = spawn_app().await;
    let member = app.signed_in(MEMBER).await;
    let body = expect_status(
        app.page(&member, "/w/acme/secrets").await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(body.contains("Access denied"));
    assert!(!body.contains("No secrets yet"));

    let admin = app.signed_in(ADMIN).await;
    let body = expect_status(
        app.page(&admin, "/w/globex/secrets").await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(body.contains("Secrets Vault is not enabled for this workspace; ask your operator."));
    assert!(!body.contains("No secrets yet"));

    let body = expect_status(app.page(&admin, "/w/acme/secrets").await, StatusCode::OK).await;
    assert!(body.contains("No secrets yet"));

    let anonymous = app.page(&app.client(), "/w/acme/secrets").await;
    assert_eq!(anonymous.status(), StatusCode::FOUND);
    assert_eq!(anonymous.headers()["location"], "/login");
}

#[tokio::test]
async fn the_secrets_tab_is_shown_only_to_admins_of_flagged_workspaces() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let member = app.signed_in(MEMBER).await;
    let tab = |ws: &str| format!("href=\"/w/{ws}/secrets\"");

    let body = expect_status(app.page(&admin, "/w/acme/agents").await, StatusCode::OK).await;
    assert!(body.contains(&tab("acme")));
    let body = expect_status(app.page(&admin, "/w/globex/agents").await, StatusCode::OK).await;
    assert!(!body.contains(&tab("globex")));
    let body = expect_status(app.page(&member, "/w/acme/agents").await, StatusCode::OK).await;
    assert!(!body.contains(&tab("acme")));

    let frame: serde_json::Value = app
        .call_json(&member, "workspace/overview", &[("ws", "acme")])
        .await;
    assert_eq!(frame["secrets_tab"], false);
    assert_eq!(frame["role"], "member");
}

#[tokio::test]
async fn switching_the_flag_off_closes_the_tab_at_once() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    expect_status(
        app.call(&admin, "secrets/list", &[("ws", "acme")]).await,
        StatusCode::OK,
    )
    .await;
    crate::helpers::switch_flag(&app.pool, "acme", false).await;
    expect_status(
        app.call(&admin, "secrets/list", &[("ws", "acme")]).await,
        StatusCode::FORBIDDEN,
    )
    .await;
}

#[tokio::test]
async fn a_workspace_you_do_not_belong_to_looks_missing() {
    let app = spawn_app().await;
    let other = app.outsider(false).await;
    let missing = expect_status(
        app.call(&other, "agents/list", &[("ws", "no-such-ws")])
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let foreign = expect_status(
        app.call(&other, "agents/list", &[("ws", "acme")]).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(missing, foreign);
    let page = expect_status(app.page(&other, "/w/acme").await, StatusCode::NOT_FOUND).await;
    assert!(!page.contains("Acme Inc"));
}

#[tokio::test]
async fn a_cross_site_post_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let res = admin
        .post(app.url("/api/agents/create"))
        .header("origin", "http://evil.example")
        .form(&[("ws", "acme"), ("name", "planted")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(!app
        .agent_names("acme")
        .await
        .contains(&"planted".to_string()));

    let same_origin = admin
        .post(app.url("/api/agents/create"))
        .header("origin", format!("http://{}", app.addr))
        .form(&[("ws", "acme"), ("name", "legit")])
        .send()
        .await
        .unwrap();
    assert_eq!(same_origin.status(), StatusCode::OK);
}

#[tokio::test]
async fn pages_carry_security_headers() {
    let app = spawn_app().await;
    let res = app.page(&app.client(), "/login").await;
    assert_eq!(res.headers()["x-frame-options"], "DENY");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn pages_allow_only_their_own_nonce_for_inline_scripts() {
    let app = spawn_app().await;
    let first = app.page(&app.client(), "/login").await;
    let csp = first.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .expect("a script nonce")
        .to_string();
    assert!(
        csp.contains("script-src 'self' 'nonce-") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    let body = first.text().await.unwrap();
    assert!(
        body.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the nonce"
    );
    let second = app.page(&app.client(), "/login").await;
    let again = second.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(!again.contains(&nonce), "a fresh nonce per response");
}
