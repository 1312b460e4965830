//! Workspace searches: user text matched literally with `LIKE`, the same on both backends.

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::QueryAs;

use super::backend::Db;

/// `%text%` for a case-insensitive `LIKE ... ESCAPE '\\'` on lowercased columns, with LIKE's
/// own wildcards in `query` escaped so that user input only ever matches literally.
pub fn like_contains(query: &str) -> String {
    let mut pattern = String::with_capacity(query.len() + 2);
    pattern.push('%');
    for c in query.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// A workspace search: `sql` with `$1` the workspace, `$2` the trimmed search text (empty
/// matches everything) and `$3` its [`like_contains`] pattern; page bounds bind after.
pub fn searched<'q, O>(
    sql: &'q str,
    workspace_id: i64,
    query: &'q str,
) -> QueryAs<'q, Db, O, AnyArguments<'q>>
where
    O: for<'r> sqlx::FromRow<'r, AnyRow>,
{
    sqlx::query_as(sql)
        .bind(workspace_id)
        .bind(query.trim())
        .bind(like_contains(query))
}

#[cfg(test)]
mod tests {
    use super::like_contains;

    #[test]
    fn search_text_cannot_inject_like_wildcards() {
        assert_eq!(like_contains(" Stripe "), "%stripe%");
        assert_eq!(like_contains("a_b%"), "%a\\_b\\%%");
    }
}
