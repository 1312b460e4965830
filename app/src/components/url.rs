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

#[cfg(test)]
mod tests {
    use super::urlencode;

    #[test]
    fn query_values_cannot_break_out_of_their_parameter() {
        assert_eq!(urlencode("a b&c=d#e"), "a%20b%26c%3Dd%23e");
        assert_eq!(urlencode("stripe_key-1.x~"), "stripe_key-1.x~");
    }
}
