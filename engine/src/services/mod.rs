//! The engine's services: what the API, the worker pages and the admin pages call.
//!
//! * [`reviews`]: task UIs, work teams, flow definitions, human loops and worker tasks.
//! * [`people`]: invitations and deactivation of the people who sign in.
//! * [`sign_in`]: checking an email and password under the lock-out policy.
//! * [`event_feed`]: reading the status-change event log in order, once each.

pub mod event_feed;
pub mod people;
pub mod reviews;
pub mod sign_in;

pub use reviews::*;
