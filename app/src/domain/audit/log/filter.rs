//! An audit filter as SQL: only the conditions of the filters given, so that the database can
//! use the index that matches them, with their values numbered and bound in order.

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::QueryAs;
use sqlx::Any;

use crate::domain::db::like_contains;
use crate::domain::{validate, DomainError};
use crate::model::AuditFilter;

/// A filter as SQL: the conditions of the filters given (only those, so that the database
/// can use the index that matches them) and their values.
pub(super) struct Where {
    pub(super) sql: String,
    ws: i64,
    texts: Vec<String>,
    pub(super) times: Vec<i64>,
}

impl Where {
    pub(super) fn of(ws: i64, f: &AuditFilter) -> Result<Self, DomainError> {
        let from = validate::date("from", &f.from)?;
        let to = validate::date("to", &f.to)?.map(|t| t + 86_400);
        let mut w = Where {
            sql: "workspace_id = $1".to_string(),
            ws,
            texts: Vec::new(),
            times: Vec::new(),
        };
        for (column, value) in [
            ("secret_name = ", f.secret.trim()),
            ("agent_name = ", f.agent.trim()),
            ("action = ", f.action.trim()),
        ] {
            if !value.is_empty() {
                w.texts.push(value.to_string());
                w.sql += &format!(" AND {column}${}", 1 + w.texts.len());
            }
        }
        if !f.actor.trim().is_empty() {
            w.texts.push(like_contains(&f.actor));
            w.sql += &format!(" AND LOWER(actor) LIKE ${} ESCAPE '\\'", 1 + w.texts.len());
        }
        for (condition, at) in [("created_at >= ", from), ("created_at < ", to)] {
            if let Some(at) = at {
                w.times.push(at);
                w.sql += &format!(" AND {condition}${}", w.next() - 1);
            }
        }
        Ok(w)
    }

    /// The number of the next parameter after the filter's own.
    pub(super) fn next(&self) -> usize {
        2 + self.texts.len() + self.times.len()
    }

    /// `sql` (which holds this filter's conditions) with the filter's values bound.
    pub(super) fn bind<'q, O>(&'q self, sql: &'q str) -> QueryAs<'q, Any, O, AnyArguments<'q>>
    where
        O: for<'r> sqlx::FromRow<'r, AnyRow>,
    {
        let mut query = sqlx::query_as(sql).bind(self.ws);
        for text in &self.texts {
            query = query.bind(text.as_str());
        }
        for at in &self.times {
            query = query.bind(*at);
        }
        query
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_filters_given_become_conditions_with_numbered_values() {
        let f = AuditFilter {
            agent: " billing-worker ".into(),
            actor: "Ann".into(),
            from: "2026-11-24".into(),
            to: "2026-11-24".into(),
            ..Default::default()
        };
        let w = Where::of(7, &f).unwrap();
        assert_eq!(
            w.sql,
            "workspace_id = $1 AND agent_name = $2 AND LOWER(actor) LIKE $3 ESCAPE '\\' \
             AND created_at >= $4 AND created_at < $5"
        );
        assert_eq!(w.texts, ["billing-worker", "%ann%"]);
        assert_eq!(w.times[1] - w.times[0], 86_400, "whole UTC days");
        assert_eq!(w.next(), 6);
        assert_eq!(
            Where::of(7, &AuditFilter::default()).unwrap().sql,
            "workspace_id = $1"
        );
        assert!(Where::of(
            7,
            &AuditFilter {
                from: "24/11/2026".into(),
                ..Default::default()
            }
        )
        .is_err());
    }
}
