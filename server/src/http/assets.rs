//! The site's static assets under `/pkg`: the build's precompressed variants (`.br`, `.gz`,
//! made by `cargo leptos build --release --precompress`) are served to browsers that accept
//! them; content-hashed names (`vault.<hash>.wasm`, from `hash-files`) are cached for a year
//! as immutable, since a new build gets new names; anything else is revalidated.

use std::path::Path;

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tower_http::services::ServeDir;

/// The URL prefix of the static assets.
pub const PREFIX: &str = "/pkg";

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// `/pkg/*` from `site_root/pkg`, precompressed where the build left `.br` or `.gz` files.
pub fn routes<S: Clone + Send + Sync + 'static>(site_root: &Path) -> Router<S> {
    let files = ServeDir::new(site_root.join("pkg"))
        .precompressed_br()
        .precompressed_gzip();
    Router::new()
        .nest_service(PREFIX, files)
        .layer(middleware::from_fn(cache_headers))
}

async fn cache_headers(req: Request, next: Next) -> Response {
    let hashed = req
        .uri()
        .path()
        .rsplit('/')
        .next()
        .is_some_and(is_content_hashed);
    let mut res = next.run(req).await;
    if res.status() == StatusCode::OK || res.status() == StatusCode::NOT_MODIFIED {
        let h = res.headers_mut();
        let policy = if hashed { IMMUTABLE } else { REVALIDATE };
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    res
}

/// Whether a file name carries cargo-leptos's content hash: `name.<22 base64url chars>.ext`.
pub fn is_content_hashed(file_name: &str) -> bool {
    let parts: Vec<&str> = file_name.split('.').collect();
    parts.len() >= 3
        && parts[1..parts.len() - 1].iter().any(|p| {
            p.len() == 22
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// Whether the build hashed the asset names: cargo-leptos then leaves `hash.txt` beside the
/// server binary, where Leptos reads the names from when it writes a page's `<script>` and
/// `<link>` tags.
pub fn names_are_hashed() -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")))
        .is_some_and(|file| file.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_cargo_leptos_hashes_count_as_content_hashed() {
        assert!(is_content_hashed("vault.5tXcTzGjMGGHDNcW0Wt7Gg.wasm"));
        assert!(is_content_hashed("vault.5tXcTzGjMGGHDNcW0Wt7Gg.js"));
        assert!(is_content_hashed("vault.Ab-_cdEFghIJklMNopQRst.css"));
        assert!(!is_content_hashed("vault.wasm"));
        assert!(!is_content_hashed("vault_bg.wasm"));
        assert!(!is_content_hashed("vault.css"));
        assert!(!is_content_hashed("vault.short.js"));
        assert!(!is_content_hashed("vault.5tXcTzGjMGGHDNcW0Wt7G!.js"));
        assert!(!is_content_hashed("5tXcTzGjMGGHDNcW0Wt7Gg.js"));
    }
}
