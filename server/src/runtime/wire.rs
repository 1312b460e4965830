//! The bodies of our own runtime API. Handlers answer with these types and the OpenAPI
//! document (`openapi.rs`) is generated from them, so the two cannot drift.

use std::collections::BTreeMap;

use secrecy::zeroize::Zeroize;
use secrecy::ExposeSecret;
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use app::domain::secrets::value::SecretValue;

/// A value: a string for a single value, an object for key/value pairs. Plaintext: it has no
/// `Debug`, and its strings are zeroed when it is dropped (the answer's serialised body is
/// the one other copy, and goes to the socket).
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum ValueJson {
    Single(String),
    Pairs(BTreeMap<String, String>),
}

impl Drop for ValueJson {
    fn drop(&mut self) {
        match self {
            ValueJson::Single(v) => v.zeroize(),
            ValueJson::Pairs(pairs) => pairs.values_mut().for_each(Zeroize::zeroize),
        }
    }
}

impl From<&SecretValue> for ValueJson {
    fn from(value: &SecretValue) -> Self {
        match value {
            SecretValue::Single(v) => ValueJson::Single(v.expose_secret().to_string()),
            SecretValue::Pairs(pairs) => ValueJson::Pairs(
                pairs
                    .iter()
                    .map(|(k, v)| (k.clone(), v.expose_secret().to_string()))
                    .collect(),
            ),
        }
    }
}

/// `GET /v1/secrets/{name}`. Holds plaintext: no `Debug`.
#[derive(Serialize, ToSchema)]
pub struct SecretRead {
    #[schema(example = "stripe_api_key")]
    pub name: String,
    /// The current version's number; every value change makes a new version.
    pub version: i64,
    pub value: ValueJson,
}

/// `GET /v1/secrets`: the names of the live secrets this agent may read.
#[derive(Debug, Serialize, ToSchema)]
pub struct SecretNames {
    pub secrets: Vec<String>,
}

/// Every refusal of the runtime API.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// `unauthorized`, `invalid_name`, `missing_access`, `feature_disabled`,
    /// `secret_not_found`, `rate_limited`, `audit_unavailable` or `internal`.
    #[schema(example = "missing_access")]
    pub error: String,
    /// For people; do not parse it.
    pub message: String,
}

/// The secret a request names in its path, as both APIs' documents describe it (the
/// handlers take the path as a string: a path that breaks the rule gets each API's own 400).
#[derive(IntoParams)]
#[allow(dead_code)] // read by the OpenAPI document only
#[into_params(parameter_in = Path)]
pub struct SecretNameParam {
    /// The secret's name: 1 to 64 lowercase letters, digits and underscores, starting with a
    /// letter.
    #[param(pattern = r"^[a-z][a-z0-9_]{0,63}$", example = "stripe_api_key")]
    pub name: String,
}
