//! Static assets: precompressed variants for browsers that accept them, a year of caching
//! for content-hashed names, pages never cached.

use reqwest::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, VARY};
use reqwest::{Client, StatusCode};

use crate::helpers::*;

const WASM: &str = "vault.5tXcTzGjMGGHDNcW0Wt7Gg.wasm";

#[tokio::test]
async fn hashed_assets_are_served_precompressed_and_cached_as_immutable() {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    // The build writes each variant; what matters here is which one is served.
    std::fs::write(pkg.join(WASM), b"raw wasm").unwrap();
    std::fs::write(pkg.join(format!("{WASM}.br")), b"brotli wasm").unwrap();
    std::fs::write(pkg.join(format!("{WASM}.gz")), b"gzip wasm").unwrap();
    std::fs::write(pkg.join("vault.css"), b"body {}").unwrap();
    let root = site.path().to_path_buf();
    let app = spawn_app_with(move |c| c.http.site_root = root).await;
    // No automatic decompression: the test sees the bytes on the wire.
    let client = Client::builder().no_gzip().no_brotli().build().unwrap();
    let get = |path: String, encodings: &'static str| {
        let mut req = client.get(app.url(&path));
        if !encodings.is_empty() {
            req = req.header(ACCEPT_ENCODING, encodings);
        }
        req.send()
    };

    for (accept, encoding, body) in [
        ("br, gzip", Some("br"), "brotli wasm"),
        ("gzip, deflate", Some("gzip"), "gzip wasm"),
        ("", None, "raw wasm"),
    ] {
        let res = get(format!("/pkg/{WASM}"), accept).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "Accept-Encoding: {accept}");
        let h = res.headers().clone();
        assert_eq!(
            h.get(CONTENT_ENCODING).map(|v| v.to_str().unwrap()),
            encoding,
            "Accept-Encoding: {accept}"
        );
        assert_eq!(h[CACHE_CONTROL], "public, max-age=31536000, immutable");
        assert_eq!(h[VARY], "accept-encoding");
        assert_eq!(h["content-type"], "application/wasm");
        assert_eq!(res.text().await.unwrap(), body);
    }

    // A name without a content hash may change under the same URL: revalidate it.
    let res = get("/pkg/vault.css".into(), "br").await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[CACHE_CONTROL], "no-cache");
    assert!(res.headers().get(CONTENT_ENCODING).is_none());

    let missing = get("/pkg/vault.AAAAAAAAAAAAAAAAAAAAAA.js".into(), "br")
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_ne!(
        missing
            .headers()
            .get(CACHE_CONTROL)
            .map(|v| v.to_str().unwrap()),
        Some("public, max-age=31536000, immutable"),
        "a missing file is never cached for a year"
    );

    let page = app.page(&app.client(), "/login").await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()[CACHE_CONTROL], "no-store");
}
