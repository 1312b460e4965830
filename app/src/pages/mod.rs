//! One page per file.

pub mod account;
pub mod agent;
pub mod agent_reads;
pub mod agents;
pub mod home;
pub mod invite;
pub mod login;
pub mod not_found;
pub mod operator;
pub mod reauth;
pub mod second_step;
pub mod secrets;
pub mod users;
pub mod webhooks;
pub mod workspace;
