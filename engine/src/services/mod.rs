//! The engine's services: what the API, the worker pages and the admin pages call.
//!
//! * [`reviews`]: task UIs, work teams, flow definitions, human loops and worker tasks.
//! * [`people`]: invitations and deactivation of the people who sign in.
//! * [`sign_in`]: checking an email and password under the lock-out policy.
//! * [`event_feed`]: reading the status-change event log in order, once each.
//! * [`master_key`]: binding the database to the master key that seals its secrets.
//! * [`compilation`]: SageMaker model compilation jobs, for the API, the admin pages and the
//!   runners that compile them.

pub mod compilation;
pub mod event_feed;
pub mod master_key;
pub mod people;
pub mod reviews;
pub mod sign_in;

pub use reviews::*;
