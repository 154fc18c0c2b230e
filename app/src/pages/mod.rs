//! One module per area of the UI.

pub mod admin;
pub mod chrome;
pub mod compilation;
pub mod compilation_form;
pub mod conditions_lab;
pub mod dashboard;
pub mod errors;
pub mod flow_form;
pub mod flows;
#[cfg(feature = "hydrate")]
pub mod frame_message;
#[cfg(feature = "hydrate")]
pub mod frame_watch;
pub mod invite;
pub mod keys;
pub mod login;
pub mod loops;
pub mod people;
pub mod spend;
pub mod task;
pub mod teams;
pub mod templates;
pub mod work;
