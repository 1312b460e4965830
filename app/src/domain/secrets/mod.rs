//! The secrets store: encrypted, versioned values with descriptions, access grants,
//! a 30-day trash and an audit trail.

pub mod grants;
pub mod matrix;
pub mod query;
pub mod read;
pub mod store;
pub mod value;

/// Deleted secrets stay restorable (and their names reserved) this long.
pub const TRASH_SECONDS: i64 = 30 * 24 * 3600;

/// Key names are stored space-separated for display and search.
pub(crate) fn join_keys(keys: &[String]) -> String {
    keys.join(" ")
}

pub(crate) fn split_keys(stored: &str) -> Vec<String> {
    stored.split_whitespace().map(str::to_string).collect()
}
