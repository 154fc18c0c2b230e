//! Loupe's review engine: the domain rules and the storage behind them, with no UI and no HTTP.
//!
//! Everything that enters from outside is parsed into a type of this crate at the edge
//! (`Email::parse`, `WorkteamName::parse`, ...), so code inside never re-validates.

pub mod accounts;
pub mod arns;
pub mod audit;
pub mod blob_links;
pub mod clock;
pub mod conditions;
pub mod dashboard;
pub mod digest;
pub mod event_feed;
pub mod events;
pub mod flows;
pub mod group_commit;
pub mod instances;
pub mod keys;
pub mod lifecycle;
pub mod loop_requests;
pub mod loops;
pub mod names;
pub mod output;
pub mod output_store;
pub mod passwords;
pub mod people;
pub mod pricing;
pub mod s3_names;
pub mod services;
pub mod sign_in;
pub mod spend;
pub mod store;
pub mod task_uis;
pub mod teams;
pub mod templates;
#[cfg(feature = "testing")]
pub mod testing;
pub mod webhooks;
pub mod workteam_requests;
