//! A person's second factor as the Account page shows it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorStatus {
    /// An authenticator app is set up (and confirmed).
    pub totp: bool,
    pub recovery_codes_left: i64,
}

/// What the setup shows once: the QR code (SVG drawn by the server from our own otpauth URL)
/// and the same secret as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpSetup {
    pub qr_svg: String,
    pub setup_key: String,
}
