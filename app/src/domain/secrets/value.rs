//! Secret values and the rules for names, descriptions and values.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::domain::validate::FieldError;
use crate::domain::DomainError;
use crate::model::secrets::{SecretKind, ValueInput};

pub const MAX_VALUE_BYTES: usize = 64 * 1024;
pub const MAX_DESCRIPTION_CHARS: usize = 1000;
const MAX_KEY_CHARS: usize = 128;

/// A decrypted or not-yet-encrypted value. Never printed, zeroized on drop.
pub enum SecretValue {
    Single(SecretString),
    Pairs(Vec<(String, SecretString)>),
}

impl std::fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretValue({:?}, redacted)", self.kind())
    }
}

/// The encrypted plaintext format (versioned by `crypto::FORMAT_VERSION`).
#[derive(Serialize, Deserialize)]
enum Plain {
    #[serde(rename = "s")]
    Single(String),
    #[serde(rename = "p")]
    Pairs(Vec<(String, String)>),
}

impl Drop for Plain {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        match self {
            Plain::Single(v) => v.zeroize(),
            Plain::Pairs(pairs) => pairs.iter_mut().for_each(|(_, v)| v.zeroize()),
        }
    }
}

impl SecretValue {
    pub fn kind(&self) -> SecretKind {
        match self {
            SecretValue::Single(_) => SecretKind::Single,
            SecretValue::Pairs(_) => SecretKind::Pairs,
        }
    }

    pub fn key_names(&self) -> Vec<String> {
        match self {
            SecretValue::Single(_) => Vec::new(),
            SecretValue::Pairs(pairs) => pairs.iter().map(|(k, _)| k.clone()).collect(),
        }
    }

    pub fn to_plaintext(&self) -> Result<Zeroizing<Vec<u8>>, DomainError> {
        let plain = match self {
            SecretValue::Single(v) => Plain::Single(v.expose_secret().to_string()),
            SecretValue::Pairs(pairs) => Plain::Pairs(
                pairs
                    .iter()
                    .map(|(k, v)| (k.clone(), v.expose_secret().to_string()))
                    .collect(),
            ),
        };
        serde_json::to_vec(&plain)
            .map(Zeroizing::new)
            .map_err(|e| DomainError::Internal(format!("value encoding failed: {e}")))
    }

    pub fn from_plaintext(bytes: &[u8]) -> Result<Self, DomainError> {
        let plain: Plain = serde_json::from_slice(bytes)
            .map_err(|_| DomainError::Internal("a decrypted value has an unknown format".into()))?;
        Ok(match &plain {
            Plain::Single(v) => SecretValue::Single(SecretString::from(v.clone())),
            Plain::Pairs(pairs) => SecretValue::Pairs(
                pairs
                    .iter()
                    .map(|(k, v)| (k.clone(), SecretString::from(v.clone())))
                    .collect(),
            ),
        })
    }

    /// Checks a form's value; every problem is reported against its field.
    pub fn from_input(input: &ValueInput) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let value = match SecretKind::parse(&input.kind) {
            Some(SecretKind::Single) => {
                if input.value.is_empty() {
                    errors.push(("value", "Enter a value.".to_string()));
                } else if input.value.len() > MAX_VALUE_BYTES {
                    errors.push(("value", "The value is larger than 64 KiB.".to_string()));
                }
                SecretValue::Single(SecretString::from(input.value.clone()))
            }
            Some(SecretKind::Pairs) => {
                let rows: Vec<_> = input
                    .pairs
                    .iter()
                    .filter(|p| !(p.key.trim().is_empty() && p.value.is_empty()))
                    .collect();
                let mut seen = std::collections::HashSet::new();
                let mut total = 0;
                for row in &rows {
                    let key = row.key.trim();
                    total += key.len() + row.value.len();
                    if key.is_empty() {
                        errors.push(("pairs", "Every row needs a key.".to_string()));
                    } else if key.chars().count() > MAX_KEY_CHARS
                        || key.chars().any(char::is_control)
                    {
                        errors.push((
                            "pairs",
                            format!("The key {key:?} is too long or has control characters."),
                        ));
                    } else if !seen.insert(key.to_string()) {
                        errors.push((
                            "pairs",
                            format!("The key {key:?} appears twice: keys must be unique."),
                        ));
                    } else if row.value.is_empty() {
                        errors.push(("pairs", format!("Enter a value for {key:?}.")));
                    }
                }
                if rows.is_empty() {
                    errors.push(("pairs", "Add at least one key and value.".to_string()));
                }
                if total > MAX_VALUE_BYTES {
                    errors.push((
                        "pairs",
                        "The values are larger than 64 KiB in total.".to_string(),
                    ));
                }
                SecretValue::Pairs(
                    rows.iter()
                        .map(|p| {
                            (
                                p.key.trim().to_string(),
                                SecretString::from(p.value.clone()),
                            )
                        })
                        .collect(),
                )
            }
            None => {
                errors.push((
                    "kind",
                    "Choose a single value or key/value pairs.".to_string(),
                ));
                SecretValue::Single(SecretString::from(String::new()))
            }
        };
        errors.dedup();
        if errors.is_empty() {
            Ok(value)
        } else {
            Err(errors)
        }
    }
}

/// `stripe_api_key`: a lowercase letter, then up to 63 lowercase letters, digits or underscores.
pub fn check_name(raw: &str) -> Result<String, FieldError> {
    let name = raw.trim();
    let mut chars = name.chars();
    let ok = name.len() <= 64
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(name.to_string())
    } else {
        Err((
            "name",
            "Use 1 to 64 lowercase letters, digits and underscores, starting with a letter (like stripe_api_key).".into(),
        ))
    }
}

pub fn check_description(raw: &str) -> Result<String, FieldError> {
    let description = raw.trim();
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        Err((
            "description",
            format!("Keep the description under {MAX_DESCRIPTION_CHARS} characters."),
        ))
    } else {
        Ok(description.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::secrets::PairInput;

    fn pairs(rows: &[(&str, &str)]) -> ValueInput {
        ValueInput {
            kind: "pairs".into(),
            value: String::new(),
            pairs: rows
                .iter()
                .map(|(k, v)| PairInput {
                    key: k.to_string(),
                    value: v.to_string(),
                })
                .collect(),
        }
    }

    #[test]
    fn names_follow_the_documented_pattern() {
        assert!(check_name("stripe_api_key").is_ok());
        for bad in [
            "",
            "Stripe",
            "1key",
            "_key",
            "has-dash",
            "has space",
            &"a".repeat(65),
        ] {
            assert!(check_name(bad).is_err(), "{bad:?} accepted");
        }
        assert!(check_name(&"a".repeat(64)).is_ok());
    }

    #[test]
    fn pair_keys_must_be_unique_and_non_empty() {
        assert!(
            SecretValue::from_input(&pairs(&[("client_id", "a"), ("client_secret", "b")])).is_ok()
        );
        let errs =
            SecretValue::from_input(&pairs(&[("client_id", "a"), ("client_id", "b")])).unwrap_err();
        assert!(errs[0].1.contains("appears twice"));
        assert!(SecretValue::from_input(&pairs(&[("", "orphan value")])).is_err());
        assert!(SecretValue::from_input(&pairs(&[])).is_err());
        // Blank rows are ignored.
        assert!(SecretValue::from_input(&pairs(&[("k", "v"), ("", "")])).is_ok());
    }

    #[test]
    fn values_are_limited_to_64_kib() {
        let big = ValueInput {
            kind: "single".into(),
            value: "x".repeat(MAX_VALUE_BYTES + 1),
            pairs: vec![],
        };
        assert!(SecretValue::from_input(&big).is_err());
        let max = ValueInput {
            kind: "single".into(),
            value: "x".repeat(MAX_VALUE_BYTES),
            pairs: vec![],
        };
        assert!(SecretValue::from_input(&max).is_ok());
        let empty = ValueInput {
            kind: "single".into(),
            value: String::new(),
            pairs: vec![],
        };
        assert!(SecretValue::from_input(&empty).is_err());
    }

    #[test]
    fn the_plaintext_format_round_trips_and_never_prints() {
        let v = SecretValue::from_input(&pairs(&[("user", "u"), ("pass", "hunter2")])).unwrap();
        let bytes = v.to_plaintext().unwrap();
        let back = SecretValue::from_plaintext(&bytes).unwrap();
        assert_eq!(back.key_names(), ["user", "pass"]);
        assert!(!format!("{back:?}").contains("hunter2"));
    }
}
