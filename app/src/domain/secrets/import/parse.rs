//! Reading an import: a `.env` file (`KEY=value` lines, `#` comments, optional `export`,
//! quoted values) or a JSON object (string values; an object of strings one level down is a
//! key/value secret). Entries keep their raw names; nothing here touches the database.

use serde_json::Value;

use crate::model::secrets::{PairInput, ValueInput};

/// One entry as written in the import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEntry {
    pub source: String,
    pub name: String,
    /// The value as a form would send it, or why it cannot be read.
    pub value: Result<ValueInput, String>,
}

fn single(value: String) -> ValueInput {
    ValueInput {
        kind: "single".into(),
        value,
        pairs: Vec::new(),
    }
}

/// The entries of `text`: JSON if it is an object, `.env` lines otherwise.
pub fn entries(text: &str) -> Result<Vec<RawEntry>, String> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        json(trimmed)
    } else {
        Ok(dotenv(text))
    }
}

fn json(text: &str) -> Result<Vec<RawEntry>, String> {
    let Value::Object(map) = serde_json::from_str::<Value>(text)
        .map_err(|e| format!("This is not a valid JSON object: {e}."))?
    else {
        return Err("A JSON import is one object of names and values.".into());
    };
    Ok(map
        .into_iter()
        .map(|(name, v)| {
            let value = match v {
                Value::String(s) => Ok(single(s)),
                Value::Object(pairs) => pairs
                    .into_iter()
                    .map(|(key, v)| match v {
                        Value::String(value) => Ok(PairInput { key, value }),
                        _ => Err(format!("the value of {key:?} is not a string")),
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map(|pairs| ValueInput {
                        kind: "pairs".into(),
                        value: String::new(),
                        pairs,
                    }),
                _ => Err("values are strings, or objects of strings for key/value pairs".into()),
            };
            RawEntry {
                source: format!("key {name:?}"),
                name,
                value,
            }
        })
        .collect())
}

/// `KEY=value` per line; `#` comments and blank lines are skipped, `export ` is allowed,
/// `"..."` and `'...'` quotes are removed (`\n` in double quotes is a newline).
fn dotenv(text: &str) -> Vec<RawEntry> {
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                return None;
            }
            let source = format!("line {}", i + 1);
            let line = line.strip_prefix("export ").unwrap_or(line);
            let Some((name, raw)) = line.split_once('=') else {
                return Some(RawEntry {
                    source,
                    name: line.to_string(),
                    value: Err("not a NAME=value line".into()),
                });
            };
            Some(RawEntry {
                source,
                name: name.trim().to_string(),
                value: Ok(single(unquote(raw.trim()))),
            })
        })
        .collect()
}

fn unquote(raw: &str) -> String {
    let quoted = |q: char| raw.len() >= 2 && raw.starts_with(q) && raw.ends_with(q);
    if quoted('"') {
        raw[1..raw.len() - 1]
            .replace("\\n", "\n")
            .replace("\\\"", "\"")
    } else if quoted('\'') {
        raw[1..raw.len() - 1].to_string()
    } else {
        raw.to_string()
    }
}

/// A valid secret name close to `raw`, if there is one: lowercase, `-`, `.` and spaces as
/// `_`, other characters dropped, starting with a letter (`STRIPE-KEY` -> `stripe_key`).
pub fn suggest(raw: &str) -> Option<String> {
    let name: String = raw
        .trim()
        .chars()
        .filter_map(|c| match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '_' => Some(c.to_ascii_lowercase()),
            '-' | '.' | ' ' => Some('_'),
            _ => None,
        })
        .collect();
    let name = name.trim_start_matches(|c: char| !c.is_ascii_lowercase());
    (!name.is_empty() && name.len() <= 64 && name != raw).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotenv_lines_comments_exports_and_quotes() {
        let text = "# billing\nexport STRIPE_KEY=\"sk_live_1\"\n\nDB_URL='postgres://x'\nBROKEN LINE\nPLAIN=a=b\n";
        let got = entries(text).unwrap();
        let names: Vec<&str> = got.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["STRIPE_KEY", "DB_URL", "BROKEN LINE", "PLAIN"]);
        assert_eq!(got[0].value.as_ref().unwrap().value, "sk_live_1");
        assert_eq!(got[1].value.as_ref().unwrap().value, "postgres://x");
        assert_eq!(got[2].source, "line 5");
        assert!(got[2].value.is_err());
        assert_eq!(got[3].value.as_ref().unwrap().value, "a=b");
    }

    #[test]
    fn json_strings_are_single_values_and_objects_are_pairs() {
        let text = r#"{"api_key": "k1", "oauth": {"client_id": "c", "client_secret": "s"}, "n": 5, "deep": {"a": {"b": "c"}}}"#;
        let got = entries(text).unwrap();
        let by_name = |n: &str| got.iter().find(|e| e.name == n).unwrap();
        assert_eq!(by_name("api_key").value.as_ref().unwrap().kind, "single");
        let oauth = by_name("oauth").value.as_ref().unwrap();
        assert_eq!((oauth.kind.as_str(), oauth.pairs.len()), ("pairs", 2));
        assert!(by_name("n").value.is_err());
        assert!(by_name("deep").value.is_err());
        assert!(entries("{not json").is_err());
        assert!(
            entries("[1, 2]").is_ok(),
            "not an object: read as .env lines"
        );
    }

    #[test]
    fn suggestions_make_valid_names_only_when_needed() {
        assert_eq!(suggest("STRIPE-KEY"), Some("stripe_key".into()));
        assert_eq!(suggest("db.url"), Some("db_url".into()));
        assert_eq!(suggest("2FA_SEED"), Some("fa_seed".into()));
        assert_eq!(suggest("already_ok"), None);
        assert_eq!(suggest("%%%"), None);
    }
}
