//! Server functions of the Secrets tab. Each one passes `require_secrets_admin` (signed in,
//! admin of the workspace, secrets flag on) before it touches anything.

pub mod audit;
pub mod edit;
pub mod import;
pub mod matrix;
pub mod policy;
pub mod read;
pub mod trash;
