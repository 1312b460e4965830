//! A person's second factor as the Account page shows it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorStatus {
    /// An authenticator app is set up (and confirmed).
    pub totp: bool,
    pub recovery_codes_left: i64,
    /// Workspaces (by name) whose rule requires this admin to use a second factor.
    pub required_by: Vec<String>,
    pub passkeys: Vec<PasskeyView>,
}

/// A passkey as its owner sees it in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyView {
    pub id: i64,
    pub name: String,
    /// Unix seconds.
    pub added_at: i64,
    pub last_used_at: Option<i64>,
}

/// What the setup shows once: the QR code (SVG drawn by the server from our own otpauth URL)
/// and the same secret as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpSetup {
    pub qr_svg: String,
    pub setup_key: String,
}
