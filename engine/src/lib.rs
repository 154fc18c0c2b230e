//! Loupe's review engine: the domain rules and the storage behind them, with no UI and no HTTP.
//!
//! Everything that enters from outside is parsed into a type of this crate at the edge
//! (`Email::parse`, `WorkteamName::parse`, ...), so code inside never re-validates.
//!
//! The folders are the layers, each using only those below it (`tests/layers.rs` checks):
//!
//! * [`services`]: the front door the API and the UIs call.
//! * [`infra`]: group commit and the instance heartbeat.
//! * [`store`]: the database behind one interface per aggregate.
//! * [`lifecycle`]: the loop and task rules as pure transitions.
//! * [`output`]: output.json, status-change events, and where they go.
//! * [`templates`]: worker task templates.
//! * [`requests`]: API requests read into typed values.
//! * [`domain`]: the resources and their rules as plain types.
//! * [`conditions`]: activation conditions, which need nothing else.

pub mod conditions;
pub mod domain;
pub mod infra;
pub mod lifecycle;
pub mod output;
pub mod requests;
pub mod services;
pub mod store;
pub mod templates;
#[cfg(feature = "testing")]
pub mod testing;
