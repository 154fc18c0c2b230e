//! One module per area of the UI.

pub mod admin;
pub mod chrome;
pub mod dashboard;
pub mod errors;
pub mod flows;
pub mod keys;
pub mod login;
pub mod loops;
pub mod templates;
pub mod work;
