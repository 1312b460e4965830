//! What both runtime APIs say about a name before and after a read: the name rule, and the
//! warning an expired secret's read carries.

use app::domain::secrets::value;

/// The name rule of the dashboard, checked before any query: a name that breaks it names no
/// secret, and it must not reach the database or the audit log.
pub fn check_name(name: &str) -> Result<(), ()> {
    match value::check_name(name) {
        Ok(clean) if clean == name => Ok(()),
        _ => Err(()),
    }
}

/// What an expired secret's read says, in the answer's `Warning` header (and in a Vault
/// answer's `warnings`): the value is still served, so that production does not break at
/// midnight, but the caller is told.
pub fn expired_warning(name: &str, expired_at: i64) -> String {
    let day = time::OffsetDateTime::from_unix_timestamp(expired_at)
        .map(|t| t.date().to_string())
        .unwrap_or_default();
    format!("secret {name} expired on {day}; replace it")
}

/// `Warning: 299 - "..."` (RFC 7234's miscellaneous persistent warning).
pub fn warning_header(text: &str) -> Option<axum::http::HeaderValue> {
    axum::http::HeaderValue::from_str(&format!("299 - \"{text}\"")).ok()
}
