//! The CSV form of an audit export: RFC 4180 lines, safe to open in a spreadsheet.

use crate::model::AuditEventView;

/// The first line of a CSV export.
pub const CSV_HEADER: &str = "id,time_utc,actor,action,secret,agent,outcome,detail\n";

/// Events as RFC 4180 CSV lines (after [`CSV_HEADER`]); cells that a spreadsheet would run
/// as a formula are prefixed with `'`.
pub fn csv_rows(events: &[AuditEventView]) -> String {
    fn cell(raw: &str) -> String {
        let safe = if raw.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{raw}")
        } else {
            raw.to_string()
        };
        if safe.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", safe.replace('"', "\"\""))
        } else {
            safe
        }
    }
    let mut out = String::new();
    for e in events {
        let fields = [
            e.id.to_string(),
            crate::time_fmt::format_utc(e.at),
            e.actor.clone(),
            e.action.clone(),
            e.secret.clone().unwrap_or_default(),
            e.agent.clone().unwrap_or_default(),
            e.outcome.clone().unwrap_or_default(),
            e.detail.clone(),
        ];
        out.push_str(&fields.iter().map(|f| cell(f)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let e = AuditEventView {
            id: 1,
            at: 0,
            actor: "=HYPERLINK(\"x\")".into(),
            action: "secret.create".into(),
            secret: Some("a,b".into()),
            agent: None,
            outcome: None,
            detail: "line".into(),
        };
        let csv = csv_rows(&[e]);
        assert!(csv.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{csv}");
        assert!(csv.contains("\"a,b\""));
    }
}
