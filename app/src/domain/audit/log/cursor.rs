//! A page link's place in the log: an event's time and id (`AuditEventView::cursor`), read
//! back from the URL.

use crate::domain::DomainError;

/// `1733616000.4242` as (time, id); nothing for an empty or missing link.
pub(super) fn parse(
    field: &'static str,
    raw: Option<&str>,
) -> Result<Option<(i64, i64)>, DomainError> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    raw.split_once('.')
        .and_then(|(at, id)| Some((at.parse().ok()?, id.parse().ok()?)))
        .map(Some)
        .ok_or_else(|| {
            DomainError::validation(
                field,
                "That page link is not valid: start from the newest events.",
            )
        })
}

/// The condition "beyond the event whose (time, id) are parameters `$n` and `$n + 1`" in the
/// log's order: `<` older, `>` newer.
pub(super) fn beyond(op: &str, n: usize) -> String {
    format!(" AND (created_at, id) {op} (${n}, ${})", n + 1)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn a_cursor_is_a_time_and_an_id() {
        assert_eq!(
            parse("before", Some("1733616000.42")).unwrap(),
            Some((1_733_616_000, 42))
        );
        assert_eq!(parse("before", Some(" ")).unwrap(), None);
        assert_eq!(parse("before", None).unwrap(), None);
        for bad in ["42", "a.b", "1.2.3", "1.", ".2"] {
            assert!(parse("before", Some(bad)).is_err(), "{bad}");
        }
    }
}
