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

/// `KEY=value` per line, by the common dotenv rules:
/// - blank lines and lines starting with `#` are skipped; `export ` before a name is allowed;
/// - an unquoted value ends at a `#` that follows whitespace (a comment) and is trimmed; it
///   keeps backslashes as they are (`a\nb` is four characters);
/// - a value in `'...'` is taken literally; in `"..."` the escapes `\n`, `\r`, `\t`, `\"` and
///   `\\` are read; both may span lines, and a comment may follow the closing quote.
fn dotenv(text: &str) -> Vec<RawEntry> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let start = i;
        let line = lines[i].trim();
        i += 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let source = format!("line {}", start + 1);
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((name, raw)) = line.split_once('=') else {
            out.push(RawEntry {
                source,
                name: line.to_string(),
                value: Err("not a NAME=value line".into()),
            });
            continue;
        };
        let raw = raw.trim_start();
        let value = match raw.chars().next() {
            Some(q @ ('"' | '\'')) => {
                // A quoted value may go on over the following lines, up to its closing quote;
                // each line is read once.
                let mut quoted = Quoted::new(q);
                let mut piece = &raw[1..];
                loop {
                    if let Some(value) = quoted.read(piece) {
                        break value;
                    }
                    let Some(next) = lines.get(i) else {
                        break Err(format!("the closing {q} is missing"));
                    };
                    quoted.value.push('\n');
                    piece = next;
                    i += 1;
                }
            }
            _ => Ok(unquoted(raw)),
        };
        out.push(RawEntry {
            source,
            name: name.trim().to_string(),
            value: value.map(single),
        });
    }
    out
}

/// An unquoted value: up to a comment (`#` after whitespace), trimmed.
fn unquoted(raw: &str) -> String {
    let mut end = raw.len();
    let mut after_space = false;
    for (at, c) in raw.char_indices() {
        if c == '#' && after_space {
            end = at;
            break;
        }
        after_space = c.is_whitespace();
    }
    raw[..end].trim_end().to_string()
}

/// A value in quotes `q`, read one line at a time.
struct Quoted {
    q: char,
    /// What was read so far, escapes applied.
    value: String,
}

impl Quoted {
    fn new(q: char) -> Self {
        Self {
            q,
            value: String::new(),
        }
    }

    /// Reads `line` (the first time, what follows the opening quote): the value once its
    /// closing quote is in it, `None` while it is not. Only a comment may follow the closing
    /// quote.
    fn read(&mut self, line: &str) -> Option<Result<String, String>> {
        let q = self.q;
        let mut chars = line.char_indices();
        while let Some((at, c)) = chars.next() {
            match c {
                '\\' if q == '"' => match chars.next() {
                    Some((_, 'n')) => self.value.push('\n'),
                    Some((_, 'r')) => self.value.push('\r'),
                    Some((_, 't')) => self.value.push('\t'),
                    Some((_, '"')) => self.value.push('"'),
                    Some((_, '\\')) => self.value.push('\\'),
                    Some((_, other)) => {
                        self.value.push('\\');
                        self.value.push(other);
                    }
                    None => self.value.push('\\'),
                },
                c if c == q => {
                    let after = line[at + c.len_utf8()..].trim_start();
                    return Some(if after.is_empty() || after.starts_with('#') {
                        Ok(std::mem::take(&mut self.value))
                    } else {
                        Err(format!("text after the closing {q}"))
                    });
                }
                c => self.value.push(c),
            }
        }
        None
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

    fn value_of(text: &str) -> Result<String, String> {
        let got = entries(text).unwrap();
        assert_eq!(got.len(), 1, "{got:?}");
        got[0].value.clone().map(|v| v.value)
    }

    #[test]
    fn dotenv_values_follow_the_common_quote_comment_and_escape_rules() {
        assert_eq!(value_of("KEY=abc # note").as_deref(), Ok("abc"));
        assert_eq!(
            value_of("KEY=abc#not-a-comment").as_deref(),
            Ok("abc#not-a-comment")
        );
        assert_eq!(value_of("KEY=\"abc\" # c").as_deref(), Ok("abc"));
        assert_eq!(value_of("KEY='abc' # c").as_deref(), Ok("abc"));
        assert_eq!(value_of("KEY=a\\nb").as_deref(), Ok("a\\nb"));
        assert_eq!(
            value_of("KEY=\"a\\nb\\t\\\"q\\\"\\\\\"").as_deref(),
            Ok("a\nb\t\"q\"\\")
        );
        assert_eq!(value_of("KEY='a\\nb # x'").as_deref(), Ok("a\\nb # x"));
        assert_eq!(
            value_of("KEY=\"# not a comment\"").as_deref(),
            Ok("# not a comment")
        );
        assert_eq!(value_of("KEY=  spaced out   ").as_deref(), Ok("spaced out"));
        assert_eq!(value_of("KEY=").as_deref(), Ok(""));
        assert!(value_of("KEY=\"abc\" tail").is_err());
        assert!(value_of("KEY=\"never closed").is_err());
    }

    #[test]
    fn a_quoted_value_may_span_lines() {
        let got = entries("CERT=\"line one\nline two\"\nNEXT=x\n").unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].value.as_ref().unwrap().value, "line one\nline two");
        assert_eq!(
            (got[1].name.as_str(), got[1].source.as_str()),
            ("NEXT", "line 3")
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
