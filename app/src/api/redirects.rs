//! Where a server function may send the browser when the request names the place (`next=`):
//! only a path of this site.

use crate::components::url::is_same_site_path;

/// `next` when it is a path of this site: already in the shape [`is_same_site_path`]
/// builds (one leading `/`, no `//`, `/\`, control characters) and, resolved against an
/// origin, still on that origin. Otherwise `fallback`.
pub fn local_next(next: Option<&str>, fallback: &str) -> String {
    match next {
        Some(path) if is_same_site_path(path) && stays_on_origin(path) => path.to_string(),
        _ => fallback.to_string(),
    }
}

fn stays_on_origin(path: &str) -> bool {
    let Ok(base) = url::Url::parse("http://vault.invalid/") else {
        return false;
    };
    base.join(path)
        .is_ok_and(|resolved| resolved.origin() == base.origin())
}

#[cfg(test)]
mod tests {
    use super::local_next;

    #[test]
    fn only_paths_of_this_site_are_followed_after_sign_in() {
        for good in ["/invite/abc", "/w/acme/users?x=1", "/"] {
            assert_eq!(local_next(Some(good), "/"), good);
        }
        for bad in [
            "//evil.example/x",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "evil",
            "",
        ] {
            assert_eq!(local_next(Some(bad), "/"), "/", "{bad:?}");
        }
        assert_eq!(local_next(None, "/login"), "/login");
    }
}
