//! The audit trail: recording events (`events`), the batched writer that makes runtime reads
//! durable without a transaction per read (`writer`), the log queries of the Secrets tab
//! (`log`), `retention` (archiving or deleting old events), and `change`, the one shape of
//! "change a workspace row and audit it"; `outbox` queues audited changes for webhooks in
//! the same transaction.
//!
//! Imports the domain root, `keys` and `identity` (rights types, plain actor labels); never
//! `admin`, `secrets` or `runtime`. The writer takes plain identity data (ids and labels).

pub mod activity;
pub mod change;
pub mod events;
pub mod log;
pub mod outbox;
pub mod read_event;
pub mod retention;
mod usage;
pub mod writer;
