//! Building links that carry user-typed query values.

/// Percent-encodes a query value.
pub fn urlencode(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A path on this site built from `raw`. Browsers drop tabs and newlines from a URL and read
/// `\` as `/`, so a leading run of slashes, backslashes, spaces and control characters
/// (`//host`, `/\host`, `/\t/host`) would name another host: it becomes one `/`. Control
/// characters and backslashes elsewhere are percent-encoded, so the result is one path of
/// this origin whatever `raw` holds (`https://host` becomes the path `/https://host`).
pub fn same_site_path(raw: &str) -> String {
    let rest =
        raw.trim_start_matches(|c: char| c == '/' || c == '\\' || c == ' ' || c.is_control());
    let mut path = String::with_capacity(rest.len() + 1);
    path.push('/');
    for c in rest.chars() {
        if c == '\\' || c.is_control() {
            let mut bytes = [0; 4];
            for b in c.encode_utf8(&mut bytes).bytes() {
                path.push_str(&format!("%{b:02X}"));
            }
        } else {
            path.push(c);
        }
    }
    path
}

/// Whether `raw` is already a path of this site as [`same_site_path`] builds one: what a
/// `next=` parameter must be before the browser is sent there.
pub fn is_same_site_path(raw: &str) -> bool {
    same_site_path(raw) == raw
}

#[cfg(test)]
mod tests {
    use super::{is_same_site_path, same_site_path, urlencode};

    #[test]
    fn no_spelling_of_a_path_leaves_the_origin() {
        for (raw, path) in [
            ("//evil.example/x", "/evil.example/x"),
            ("/\\evil.example", "/evil.example"),
            ("\\\\evil.example", "/evil.example"),
            ("/\t/evil.example", "/evil.example"),
            ("/\n\r//evil.example", "/evil.example"),
            (" //evil.example", "/evil.example"),
            ("https://evil.example", "/https://evil.example"),
            ("/w/acme/secrets?q=a\\b", "/w/acme/secrets?q=a%5Cb"),
            ("/a\tb", "/a%09b"),
            ("", "/"),
        ] {
            assert_eq!(same_site_path(raw), path, "{raw:?}");
        }
        assert!(is_same_site_path("/w/acme/audit?page=2"));
        for bad in [
            "//evil.example",
            "/\\evil",
            "/\t/evil",
            "https://evil",
            "evil",
            "",
        ] {
            assert!(!is_same_site_path(bad), "{bad:?}");
        }
    }

    #[test]
    fn query_values_cannot_break_out_of_their_parameter() {
        assert_eq!(urlencode("a b&c=d#e"), "a%20b%26c%3Dd%23e");
        assert_eq!(urlencode("stripe_key-1.x~"), "stripe_key-1.x~");
    }
}
