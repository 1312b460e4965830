//! Authenticator codes (TOTP, RFC 6238) as a second factor: the codes themselves and the QR
//! code of the setup (`code`), the sealed secret and the last step used (`store`), and the
//! recovery codes (`recovery`). Audited changes live in `admin::second_factor`.

pub mod code;
pub mod recovery;
pub mod store;

use crate::domain::db::Pool;
use crate::domain::keys::crypto::Keyring;
use crate::domain::DomainError;

/// How a second step was passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passed {
    Code,
    /// A recovery code, now used up.
    Recovery,
}

/// Checks `code` for `user_id` at `now`: a code from the app (within one step of skew, never
/// a step already used), or an unused recovery code. `None`: refused.
pub async fn check(
    pool: &Pool,
    keyring: &Keyring,
    user_id: i64,
    email: &str,
    code: &str,
    now: i64,
) -> Result<Option<Passed>, DomainError> {
    let code = code.trim();
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == code::DIGITS && digits.chars().all(|c| c.is_ascii_digit()) {
        let Some(secret) = store::confirmed_secret(pool, keyring, user_id).await? else {
            return Ok(None);
        };
        let Some(step) = code::matching_step(&secret, email, &digits, now) else {
            return Ok(None);
        };
        return Ok(store::use_step(pool, user_id, step)
            .await?
            .then_some(Passed::Code));
    }
    Ok(recovery::use_code(pool, user_id, code)
        .await?
        .then_some(Passed::Recovery))
}
