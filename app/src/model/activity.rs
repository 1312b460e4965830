//! Reads and denials per day, for the activity charts.

use serde::{Deserialize, Serialize};

/// How many days a chart shows, today included.
pub const DAYS: i64 = 30;

/// One day (UTC) of runtime reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayActivity {
    /// Unix seconds of the day's start.
    pub day: i64,
    /// Reads answered (an expired secret's included).
    pub reads: i64,
    /// Reads refused.
    pub denials: i64,
}
