//! The engine's services: what the API, the worker pages and the admin pages call.

pub mod reviews;

pub use reviews::*;
