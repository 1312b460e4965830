//! What only SQLite needs: its connection settings, checkpoints of its write-ahead log, this
//! process's writers' turns, and whole-file copies (`vault backup`, `vault restore`).
//!
//! Other code reaches these through the room's functions that work on both backends
//! ([`super::connect()`], [`super::begin_write`], [`super::maintenance()`]); it names this
//! sub-room only for what exists on SQLite alone: `backup` (the CLI) and
//! `write_turn::waiting` (tests).
//!
//! Imports only the room's base (`backend`, `schema`) and `crate::domain::DomainError`; its
//! tests open pools with [`super::connect()`].

pub mod backup;
pub(super) mod checkpoint;
pub(super) mod settings;
pub mod write_turn;
