//! Input rules shared by the dashboard and the CLI. Each returns the cleaned value or a
//! field error that a form can show next to its field. A form with several fields checks
//! them all with [`all`], so that it shows every error at once.

use super::DomainError;

/// A field whose input broke a rule, and what its form should say next to it.
pub type FieldError = (&'static str, String);

impl From<FieldError> for DomainError {
    fn from((field, message): FieldError) -> Self {
        DomainError::validation(field, message)
    }
}

/// One checked input: one field (`Result<T, FieldError>`) or a group of fields that
/// collects its own errors (`Result<T, Vec<FieldError>>`, like a secret's value).
pub trait Checked {
    /// The cleaned value.
    type Value;
    fn split(self) -> (Option<Self::Value>, Vec<FieldError>);
}

impl<T> Checked for Result<T, FieldError> {
    type Value = T;
    fn split(self) -> (Option<T>, Vec<FieldError>) {
        match self {
            Ok(v) => (Some(v), Vec::new()),
            Err(e) => (None, vec![e]),
        }
    }
}

impl<T> Checked for Result<T, Vec<FieldError>> {
    type Value = T;
    fn split(self) -> (Option<T>, Vec<FieldError>) {
        match self {
            Ok(v) => (Some(v), Vec::new()),
            Err(e) => (None, e),
        }
    }
}

/// A form's checked inputs, as a tuple of any length (see [`all`]).
pub trait Fields {
    /// The cleaned values, in the same order.
    type Values;
    fn check(self) -> Result<Self::Values, Vec<FieldError>>;
}

/// `Fields` for the tuples of one to eight checked inputs.
macro_rules! fields_for_tuples {
    ($($input:ident $value:ident),+) => {
        impl<$($input: Checked),+> Fields for ($($input,)+) {
            type Values = ($($input::Value,)+);

            fn check(self) -> Result<Self::Values, Vec<FieldError>> {
                let ($($value,)+) = self;
                let mut errors = Vec::new();
                $(
                    let ($value, more) = $value.split();
                    errors.extend(more);
                )+
                match ($($value,)+) {
                    ($(Some($value),)+) if errors.is_empty() => Ok(($($value,)+)),
                    _ => Err(errors),
                }
            }
        }
    };
}

fields_for_tuples!(A a);
fields_for_tuples!(A a, B b);
fields_for_tuples!(A a, B b, C c);
fields_for_tuples!(A a, B b, C c, D d);
fields_for_tuples!(A a, B b, C c, D d, E e);
fields_for_tuples!(A a, B b, C c, D d, E e, F f);
fields_for_tuples!(A a, B b, C c, D d, E e, F f, G g);
fields_for_tuples!(A a, B b, C c, D d, E e, F f, G g, H h);

/// Every input's cleaned value, or every field error of all of them, in the inputs' order:
/// `let (email, name) = validate::all((validate::email(e), validate::display_name("name", n)))?;`
pub fn all<F: Fields>(inputs: F) -> Result<F::Values, DomainError> {
    inputs.check().map_err(DomainError::Invalid)
}

pub const MIN_PASSWORD_LEN: usize = 12;
/// No list is this long; the cap keeps `page * page_size` far from overflowing.
pub const MAX_PAGE: i64 = 1_000_000;
const MAX_PASSWORD_LEN: usize = 1024;

pub fn email(raw: &str) -> Result<String, FieldError> {
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
                && email.matches('@').count() == 1
        });
    if valid {
        Ok(email)
    } else {
        Err((
            "email",
            "Enter a valid email address, like ada@example.com.".into(),
        ))
    }
}

pub fn password(raw: &str) -> Result<(), FieldError> {
    let len = raw.chars().count();
    if len < MIN_PASSWORD_LEN {
        return Err((
            "password",
            format!("The password is too weak: use at least {MIN_PASSWORD_LEN} characters."),
        ));
    }
    if raw.len() > MAX_PASSWORD_LEN {
        return Err(("password", "The password is too long.".into()));
    }
    let first = raw.chars().next();
    if raw.chars().all(|c| Some(c) == first) {
        return Err((
            "password",
            "The password is too weak: do not repeat one character.".into(),
        ));
    }
    Ok(())
}

/// Workspace slugs appear in URLs: `acme`, `globex-labs`.
pub fn slug(raw: &str) -> Result<String, FieldError> {
    let slug = raw.trim();
    let ok = (2..=40).contains(&slug.len())
        && slug.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(slug.to_string())
    } else {
        Err((
            "slug",
            "A workspace slug is 2 to 40 lowercase letters, digits or hyphens.".into(),
        ))
    }
}

/// Agent names: `billing-worker`, `etl_runner`.
pub fn agent_name(raw: &str) -> Result<String, FieldError> {
    let name = raw.trim();
    let ok = (1..=64).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(name.to_string())
    } else {
        Err((
            "name",
            "An agent name is 1 to 64 lowercase letters, digits, hyphens or underscores.".into(),
        ))
    }
}

/// Display names of people and workspaces.
pub fn display_name(field: &'static str, raw: &str) -> Result<String, FieldError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        Err((field, "Enter a name of 1 to 100 characters.".into()))
    } else {
        Ok(name.to_string())
    }
}

/// "" (none) or a date `YYYY-MM-DD`, as Unix seconds at 00:00 UTC that day.
pub fn date(field: &'static str, raw: &str) -> Result<Option<i64>, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(raw, format)
        .map(|d| Some(d.midnight().assume_utc().unix_timestamp()))
        .map_err(|_| (field, "Use a date like 2027-01-31.".to_string()))
}

/// A page number from a request: negative is the first page, absurdly large is past the end.
pub fn page_number(raw: i64) -> i64 {
    raw.clamp(0, MAX_PAGE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lowercased() {
        assert_eq!(email("  Ada@Example.COM ").unwrap(), "ada@example.com");
    }

    #[test]
    fn malformed_emails_are_rejected() {
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "a@b@c.com",
        ] {
            assert!(email(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn weak_passwords_are_rejected() {
        assert!(password("short").is_err());
        assert!(password("aaaaaaaaaaaaaaaa").is_err());
        assert!(password("correct horse battery").is_ok());
    }

    #[test]
    fn a_form_gets_every_field_error_at_once() {
        let err = all((email("ada"), display_name("name", ""), password("short"))).unwrap_err();
        let DomainError::Invalid(errors) = err else {
            panic!("expected every field error, got {err:?}");
        };
        let fields: Vec<_> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["email", "name", "password"]);
    }

    #[test]
    fn a_valid_form_gets_its_cleaned_values() {
        let (email, name) =
            all((email(" Ada@Example.com "), display_name("name", " Ada "))).unwrap();
        assert_eq!((email.as_str(), name.as_str()), ("ada@example.com", "Ada"));
    }

    #[test]
    fn page_numbers_are_clamped() {
        assert_eq!(page_number(-5), 0);
        assert_eq!(page_number(3), 3);
        assert_eq!(page_number(i64::MAX), MAX_PAGE);
        assert!(page_number(i64::MAX).checked_mul(1000).is_some());
    }

    #[test]
    fn slugs_and_agent_names_follow_their_patterns() {
        assert!(slug("acme").is_ok());
        assert!(slug("Acme").is_err());
        assert!(slug("-acme").is_err());
        assert!(agent_name("billing-worker_2").is_ok());
        assert!(agent_name("Billing").is_err());
        assert!(agent_name("").is_err());
    }
}
