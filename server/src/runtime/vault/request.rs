//! What a KV request asks for: its method (reads only), its query (`version`, `list`) and
//! the secret name in its path, each refused in Vault's words when malformed.

use axum::http::Method;

use super::reply::VaultError;
use crate::runtime::names::check_name;

/// The query parameters Vault's KV reads take.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Params {
    /// `None` for the current version (Vault's `version=0` too).
    pub(super) version: Option<i64>,
    pub(super) list: bool,
}

pub(super) fn params(raw: Option<&str>) -> Result<Params, VaultError> {
    let mut p = Params::default();
    for (key, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        match &*key {
            "version" => {
                let n = value
                    .parse::<i64>()
                    .ok()
                    .filter(|n| *n >= 0)
                    .ok_or_else(|| {
                        VaultError::InvalidRequest(format!(
                            "invalid version {value:?}: use a version number"
                        ))
                    })?;
                p.version = (n > 0).then_some(n);
            }
            "list" => {
                p.list = parse_bool(&value).ok_or_else(|| {
                    VaultError::InvalidRequest(format!("invalid list {value:?}: use true or false"))
                })?;
            }
            _ => {}
        }
    }
    Ok(p)
}

/// Go's `strconv.ParseBool`, which Vault applies to `list`.
fn parse_bool(raw: &str) -> Option<bool> {
    match raw {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

pub(super) fn is_list(method: &Method, p: &Params) -> bool {
    method.as_str() == "LIST" || (method == Method::GET && p.list)
}

/// Reads only; any other method is refused with the methods `allow`ed at this path (for the
/// `Allow` header a 405 must carry). Vault's `LIST` is not named there: it is the same request
/// as `GET ?list=true`, which is how the OpenAPI document (that cannot name it) describes it.
pub(super) fn readable(method: &Method, allow: &'static str) -> Result<(), VaultError> {
    if method == Method::GET || method == Method::HEAD {
        Ok(())
    } else {
        Err(VaultError::ReadOnly(allow))
    }
}

pub(super) fn secret_name(path: &str) -> Result<&str, VaultError> {
    check_name(path).map_err(|()| {
        VaultError::InvalidRequest(
            "invalid secret name: use 1 to 64 lowercase letters, digits and underscores, starting with a letter"
                .into(),
        )
    })?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_zero_is_the_current_version_and_garbage_is_refused() {
        assert_eq!(params(None).unwrap(), Params::default());
        assert_eq!(params(Some("version=3")).unwrap().version, Some(3));
        assert_eq!(params(Some("version=0")).unwrap().version, None);
        for bad in ["version=-1", "version=two", "version=", "list=maybe"] {
            assert!(
                matches!(params(Some(bad)), Err(VaultError::InvalidRequest(_))),
                "{bad}"
            );
        }
        assert!(params(Some("list=true")).unwrap().list);
        assert!(!params(Some("list=0")).unwrap().list);
    }
}
