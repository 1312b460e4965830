//! A form sent before its island has hydrated (or with WebAssembly off) is a plain HTML form
//! post. It must still work: the server answers with a redirect back to the page, with a
//! failed action's error in the URL, and the page shows that error next to its field.

use reqwest::header::{ACCEPT, LOCATION, REFERER};
use reqwest::StatusCode;

use crate::helpers::{expect_status, spawn_app, ADMIN};

const BROWSER_ACCEPT: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

#[tokio::test]
async fn a_plain_form_post_with_a_bad_name_returns_to_the_page_which_shows_the_error() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let page = app.url("/w/acme/agents");
    let post = |name: &'static str| {
        admin
            .post(app.url("/api/agents/create"))
            .header(ACCEPT, BROWSER_ACCEPT)
            .header(REFERER, page.clone())
            .form(&[("ws", "acme"), ("name", name)])
            .send()
    };

    let res = post("Not Valid!").await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::FOUND,
        "a redirect, not a bare error body"
    );
    let back = res.headers()[LOCATION].to_str().unwrap().to_string();
    assert!(back.starts_with(&page), "back to the page: {back}");
    assert!(
        back.contains("__err="),
        "the error travels in the URL: {back}"
    );
    let path = back.strip_prefix(&app.url("")).unwrap();
    let html = expect_status(app.page(&admin, path).await, StatusCode::OK).await;
    assert!(
        html.contains(r#"id="agent-name-error""#) && html.contains("lowercase letters"),
        "the page shows the error next to the name field"
    );
    assert!(!app
        .agent_names("acme")
        .await
        .contains(&"Not Valid!".to_string()));

    let res = post("plain-form-bot").await.unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let back = res.headers()[LOCATION].to_str().unwrap();
    assert!(
        back.starts_with(&page) && !back.contains("__err"),
        "back to the page, without an error: {back}"
    );
    assert!(app
        .agent_names("acme")
        .await
        .contains(&"plain-form-bot".to_string()));
}

#[tokio::test]
async fn a_hydrated_page_still_gets_the_error_status() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let res = app
        .call(
            &admin,
            "agents/create",
            &[("ws", "acme"), ("name", "Not Valid!")],
        )
        .await;
    let body = expect_status(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(body.contains("lowercase letters"), "{body}");
}
