//! A form sent before its island has hydrated (or with WebAssembly off) is a plain HTML form
//! post. It must still work: the server answers with a redirect back to the page, with a
//! failed action's error in the URL, and the page shows that error next to its field.

use reqwest::header::{ACCEPT, LOCATION, REFERER};
use reqwest::StatusCode;

use crate::helpers::{expect_status, spawn_app, ADMIN};

const BROWSER_ACCEPT: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

/// Loads `url` as the browser does after a redirect from one of our own pages.
async fn same_origin_page(client: &reqwest::Client, url: &str) -> String {
    let res = client
        .get(url)
        .header(ACCEPT, "text/html")
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    expect_status(res, StatusCode::OK).await
}

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
    // The browser follows the redirect from our own form: a same-origin load.
    let html = same_origin_page(&admin, &back).await;
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

#[tokio::test]
async fn an_error_in_a_link_from_elsewhere_is_dropped_before_the_page_shows_it() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    // {"Validation":{"field":"name","message":"Call 555-0100 now"}}, as a crafted link.
    let crafted = "/w/acme/agents?__path=%2Fapi%2Fagents%2Fcreate\
        &__err=eyJWYWxpZGF0aW9uIjp7ImZpZWxkIjoibmFtZSIsIm1lc3NhZ2UiOiJDYWxsIDU1NS0wMTAwIG5vdyJ9fQ%3D%3D";
    for site in [Some("cross-site"), Some("none"), None] {
        let mut req = admin.get(app.url(crafted)).header(ACCEPT, "text/html");
        if let Some(site) = site {
            req = req.header("sec-fetch-site", site);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{site:?}");
        assert_eq!(res.headers()[LOCATION], "/w/acme/agents", "{site:?}");
    }
    let html = same_origin_page(&admin, &app.url(crafted)).await;
    assert!(
        html.contains("Call 555-0100 now"),
        "after our own form the error stays"
    );
}
