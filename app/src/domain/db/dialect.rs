//! Where the two backends' SQL text differs: row locks, skipping locked rows, and the
//! placeholders of a batched INSERT.

use std::sync::OnceLock;

use super::backend::{is_sqlite, Backend, Pool};

/// The suffix that locks the rows a `SELECT` reads until the transaction ends: `FOR UPDATE`
/// on PostgreSQL; nothing on SQLite, where a write transaction (`BEGIN IMMEDIATE`) already
/// excludes every other writer.
pub fn lock_rows(pool: &Pool) -> &'static str {
    if is_sqlite(pool) {
        ""
    } else {
        " FOR UPDATE"
    }
}

/// The suffix with which a `SELECT` claims rows that several servers compete for, each taking
/// only rows no other has locked: `FOR UPDATE SKIP LOCKED` on PostgreSQL; nothing on SQLite,
/// which serialises writers, so one claiming statement is atomic there.
pub fn skip_locked(pool: &Pool) -> &'static str {
    if is_sqlite(pool) {
        ""
    } else {
        " FOR UPDATE SKIP LOCKED"
    }
}

/// The multi-row INSERT statements of one table, for 1 to `MAX_ROWS` rows, with or without
/// `RETURNING id`. Each is built once per backend and shape and kept: a batch's statement is
/// then looked up, not formatted, and its prepared form is found in the connection's
/// statement cache.
///
/// Placeholders are `?` on SQLite and `$N` on PostgreSQL: sqlx asks SQLite for every
/// parameter's name, and SQLite finds a `$N` name by walking its list of names, which made
/// binding a 64-row batch (704 parameters) quadratic.
pub struct BatchedInsert<const MAX_ROWS: usize> {
    table: &'static str,
    /// The column list, as it stands between the parentheses.
    columns: &'static str,
    /// How many columns `columns` names: the placeholders per row.
    column_count: usize,
    /// By SQLite or not, then `RETURNING id` or not, then rows - 1.
    texts: [[[OnceLock<String>; MAX_ROWS]; 2]; 2],
}

impl<const MAX_ROWS: usize> BatchedInsert<MAX_ROWS> {
    pub const fn new(table: &'static str, columns: &'static str, column_count: usize) -> Self {
        Self {
            table,
            columns,
            column_count,
            texts: [const { [const { [const { OnceLock::new() }; MAX_ROWS] }; 2] }; 2],
        }
    }

    /// The text of an INSERT of `rows` rows (clamped to 1 to `MAX_ROWS`) for `backend`, with
    /// or without `RETURNING id`; its values bind row by row, in the column list's order.
    pub fn text(&self, backend: Backend, rows: usize, returning: bool) -> &str {
        let sqlite = backend == Backend::Sqlite;
        let rows = rows.clamp(1, MAX_ROWS);
        self.texts[usize::from(sqlite)][usize::from(returning)][rows - 1].get_or_init(|| {
            let values: Vec<String> = (0..rows)
                .map(|i| {
                    let p: Vec<String> = (1..=self.column_count)
                        .map(|k| {
                            if sqlite {
                                "?".to_string()
                            } else {
                                format!("${}", i * self.column_count + k)
                            }
                        })
                        .collect();
                    format!("({})", p.join(", "))
                })
                .collect();
            let returning = if returning { " RETURNING id" } else { "" };
            format!(
                "INSERT INTO {} ({}) VALUES {}{returning}",
                self.table,
                self.columns,
                values.join(", ")
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{Backend, BatchedInsert};

    const ROWS: usize = 64;
    const COLUMN_COUNT: usize = 11;
    static INSERT: BatchedInsert<ROWS> =
        BatchedInsert::new("t", "a, b, c, d, e, f, g, h, i, j, k", COLUMN_COUNT);

    fn placeholders(sql: &str) -> (usize, usize) {
        (sql.matches('?').count(), sql.matches('$').count())
    }

    #[test]
    fn each_backend_gets_one_placeholder_per_bound_column_in_its_own_style() {
        for rows in [1, 2, ROWS] {
            let sqlite = INSERT.text(Backend::Sqlite, rows, false);
            assert_eq!(placeholders(sqlite), (rows * COLUMN_COUNT, 0), "{sqlite}");
            let postgres = INSERT.text(Backend::Postgres, rows, false);
            assert_eq!(placeholders(postgres), (0, rows * COLUMN_COUNT));
            assert!(
                postgres.ends_with(&format!("${})", rows * COLUMN_COUNT)),
                "{postgres}"
            );
            assert!(!sqlite.contains("RETURNING"));
        }
        assert!(INSERT
            .text(Backend::Sqlite, 1, true)
            .ends_with(" RETURNING id"));
    }
}
