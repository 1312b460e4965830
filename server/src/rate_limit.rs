//! The keyed throttles live in the domain (`app::domain::limits`), because sign-in,
//! re-authentication and the runtime API charge the same kind of allowance; this is their name
//! in the server crate.

pub use app::domain::limits::{Rate, Throttle, Wait};
