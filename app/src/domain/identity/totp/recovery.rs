//! Recovery codes: ten, shown once, stored as SHA-256, each working once. Making a new set
//! replaces the old one.

use rand::RngCore;

use crate::domain::db::Pool;
use crate::domain::keys::digest::sha256_hex;
use crate::domain::{now, DomainError};

pub const COUNT: usize = 10;
/// Letters and digits that cannot be mistaken for each other.
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A code as people type it: lower case, no spaces or dashes.
fn normalise(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// One code: ten characters from [`ALPHABET`] (about 49 bits), shown as `xxxxx-xxxxx`.
fn generate() -> String {
    let mut bytes = [0u8; 10];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let chars: String = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    format!("{}-{}", &chars[..5], &chars[5..])
}

/// Replaces the account's codes with a new set; returns them (the only time they exist).
pub async fn replace(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
) -> Result<Vec<String>, DomainError> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    let at = now();
    let codes: Vec<String> = (0..COUNT).map(|_| generate()).collect();
    for code in &codes {
        sqlx::query(
            "INSERT INTO recovery_codes (user_id, code_hash, created_at, updated_at) VALUES ($1, $2, $3, $3)",
        )
        .bind(user_id)
        .bind(sha256_hex(normalise(code).as_bytes()))
        .bind(at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(codes)
}

/// Uses `code` up; whether it was an unused code of the account.
pub async fn use_code(pool: &Pool, user_id: i64, code: &str) -> Result<bool, DomainError> {
    let code = normalise(code);
    if code.len() != 10 {
        return Ok(false);
    }
    let done = sqlx::query(
        "UPDATE recovery_codes SET used_at = $1, updated_at = $1 \
         WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
    )
    .bind(now())
    .bind(user_id)
    .bind(sha256_hex(code.as_bytes()))
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Unused codes left.
pub async fn left(pool: &Pool, user_id: i64) -> Result<i64, DomainError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_ten_unambiguous_characters_and_typing_is_forgiving() {
        let code = generate();
        assert_eq!(code.len(), 11);
        assert_eq!(normalise(&code).len(), 10);
        assert_eq!(normalise(" ABCDE-fghjk "), "abcdefghjk");
        assert!(normalise(&code).bytes().all(|b| ALPHABET.contains(&b)));
    }
}
