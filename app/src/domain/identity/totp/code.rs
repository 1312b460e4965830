//! The codes of RFC 6238 (SHA-1, 6 digits, 30-second steps, as every authenticator app
//! reads them), one step of clock skew either way, and the setup's QR code drawn as SVG on
//! the server.

use qrcodegen::{QrCode, QrCodeEcc};
use rand::RngCore;
use totp_rs::{Builder, Secret, Totp};
use zeroize::Zeroizing;

use crate::domain::DomainError;

pub const DIGITS: usize = 6;
pub const STEP_SECONDS: u64 = 30;
const ISSUER: &str = "Secrets Vault";

/// A new shared secret: 160 random bits (RFC 4226's recommendation).
pub fn new_secret() -> Zeroizing<Vec<u8>> {
    let mut bytes = Zeroizing::new(vec![0u8; 20]);
    rand::rngs::OsRng.fill_bytes(bytes.as_mut_slice());
    bytes
}

fn totp(secret: &[u8], account: &str) -> Result<Totp, DomainError> {
    Builder::new()
        .with_secret(secret.to_vec())
        .with_digits(DIGITS as u8)
        .with_skew(1)
        .with_step_duration(STEP_SECONDS)
        .with_account_name(account.replace(':', "."))
        .with_issuer(Some(ISSUER))
        .build()
        .map_err(|e| DomainError::Internal(format!("authenticator secret: {e}")))
}

/// The secret as the "Setup key" people type into their app (base32, in groups of four).
pub fn setup_key(secret: &[u8]) -> String {
    let encoded = Secret::from(secret.to_vec()).to_base32();
    encoded
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `otpauth://` URL an app reads from the QR code.
pub fn otpauth_url(secret: &[u8], account: &str) -> Result<String, DomainError> {
    totp(secret, account)?
        .to_url()
        .map_err(|e| DomainError::Internal(format!("otpauth URL: {e}")))
}

/// The step whose code is `code` at `now`, within one step either way.
pub fn matching_step(secret: &[u8], account: &str, code: &str, now: i64) -> Option<i64> {
    let now = u64::try_from(now).ok()?;
    let step = totp(secret, account).ok()?.check(code, now)?;
    i64::try_from(step).ok()
}

/// `text` as a QR code in SVG, black squares on white, drawn from our own URL only.
pub fn qr_svg(text: &str) -> Result<String, DomainError> {
    let qr = QrCode::encode_text(text, QrCodeEcc::Medium)
        .map_err(|e| DomainError::Internal(format!("QR code: {e:?}")))?;
    let border = 4;
    let size = qr.size() + border * 2;
    let mut path = String::new();
    for y in 0..qr.size() {
        for x in 0..qr.size() {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" \
         width=\"200\" height=\"200\" role=\"img\" aria-label=\"QR code for your authenticator app\" \
         shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\
         <path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The code of `secret` at `time`, as an app shows it.
    fn code_at(secret: &[u8], account: &str, time: i64) -> Option<String> {
        let time = u64::try_from(time).ok()?;
        Some(totp(secret, account).ok()?.generate(time).to_string())
    }

    /// RFC 6238 appendix B's SHA-1 secret, with 6 digits.
    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn codes_match_rfc_6238_and_one_step_of_skew_either_way() {
        assert_eq!(code_at(RFC_SECRET, "a@b.c", 59).unwrap(), "287082");
        assert_eq!(
            code_at(RFC_SECRET, "a@b.c", 1_111_111_109).unwrap(),
            "081804"
        );
        let now = 1_111_111_109; // step 37_037_036
        let code = code_at(RFC_SECRET, "a@b.c", now).unwrap();
        assert_eq!(
            matching_step(RFC_SECRET, "a@b.c", &code, now),
            Some(37_037_036)
        );
        // The same code 30 s later or earlier still matches its own step; 60 s away it does not.
        assert_eq!(
            matching_step(RFC_SECRET, "a@b.c", &code, now + 30),
            Some(37_037_036)
        );
        assert_eq!(
            matching_step(RFC_SECRET, "a@b.c", &code, now - 30),
            Some(37_037_036)
        );
        assert_eq!(matching_step(RFC_SECRET, "a@b.c", &code, now + 60), None);
        assert_eq!(matching_step(RFC_SECRET, "a@b.c", &code, now - 60), None);
        assert_eq!(matching_step(RFC_SECRET, "a@b.c", "000000", now), None);
    }

    #[test]
    fn the_setup_shows_the_secret_as_base32_and_a_qr_code() {
        let key = setup_key(RFC_SECRET);
        assert_eq!(key.replace(' ', ""), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        let url = otpauth_url(RFC_SECRET, "a@b.c").unwrap();
        assert!(
            url.starts_with("otpauth://totp/Secrets%20Vault:a%40b.c?"),
            "{url}"
        );
        let svg = qr_svg(&url).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("<path d=\"M"));
    }
}
