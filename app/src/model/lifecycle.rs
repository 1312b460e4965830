//! A secret's rotation policy and where it stands against it.

use serde::{Deserialize, Serialize};

/// A secret is "due" this many days before its rotation date.
pub const DUE_SOON_DAYS: i64 = 14;

/// A granted agent, a secret or a token not used for this many days is flagged "unused".
pub const UNUSED_DAYS: i64 = 30;

/// The intervals the form offers; any number of days from 1 to 3650 is accepted.
pub const INTERVALS: [i64; 3] = [30, 90, 365];

/// Where a secret stands: rotation not due, due within 14 days, overdue, or past its expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RotationStatus {
    Ok,
    Due,
    Overdue,
    Expired,
}

impl RotationStatus {
    pub const ALL: [RotationStatus; 4] = [
        RotationStatus::Ok,
        RotationStatus::Due,
        RotationStatus::Overdue,
        RotationStatus::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RotationStatus::Ok => "ok",
            RotationStatus::Due => "due",
            RotationStatus::Overdue => "overdue",
            RotationStatus::Expired => "expired",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            RotationStatus::Ok => "OK",
            RotationStatus::Due => "Due soon",
            RotationStatus::Overdue => "Overdue",
            RotationStatus::Expired => "Expired",
        }
    }
}

/// What the secrets list can be narrowed to, besides the search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SecretFilter {
    Status(RotationStatus),
    /// Nobody has read it for `UNUSED_DAYS` (counted from its creation if never read).
    Unused,
}

impl SecretFilter {
    pub const ALL: [SecretFilter; 5] = [
        SecretFilter::Status(RotationStatus::Ok),
        SecretFilter::Status(RotationStatus::Due),
        SecretFilter::Status(RotationStatus::Overdue),
        SecretFilter::Status(RotationStatus::Expired),
        SecretFilter::Unused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SecretFilter::Status(s) => s.as_str(),
            SecretFilter::Unused => "unused",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            SecretFilter::Status(s) => s.label(),
            SecretFilter::Unused => "Unused for 30 days",
        }
    }
}

/// The policy of one secret and what follows from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rotation {
    /// Rotate every this many days; `None`: no rotation policy.
    pub interval_days: Option<i64>,
    /// Unix seconds from which the secret is expired (00:00 UTC of the expiry date).
    pub expires_at: Option<i64>,
    /// When the current value must be replaced (its creation plus the interval).
    pub due_at: Option<i64>,
    pub status: RotationStatus,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_through_their_names() {
        for s in RotationStatus::ALL {
            assert_eq!(RotationStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(RotationStatus::parse("late"), None);
        for f in SecretFilter::ALL {
            assert_eq!(SecretFilter::parse(f.as_str()), Some(f));
        }
    }
}
