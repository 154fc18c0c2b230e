//! The domain: Loupe's resources and their rules as plain types, with no storage and no HTTP.
//! Each type is built by its parser, so a value that exists is valid.
//!
//! * Names and references: [`names`] (flow definitions, task UIs, loops), [`arns`], [`teams`]
//!   (work team names and membership).
//! * What callers define: [`flows`] (flow definitions), [`task_uis`] (worker task templates),
//!   [`webhooks`], [`keys`] (API access keys), [`accounts`] and [`passwords`] (people who sign in),
//!   [`compilation`] (SageMaker model compilation jobs).
//! * What happens to them: [`loops`] (human loops and tasks as stored), [`events`] (status-change
//!   events), [`pricing`] and [`spend`] (worker pay), [`dashboard`] (the admin's figures),
//!   [`audit`] (the API's call log).
//! * Shared vocabulary: [`validation`] (a request member and the rule it breaks),
//!   [`page_tokens`] (List operations' `NextToken`), [`clock`],
//!   [`digest`], and `macros` (the enums spelled by their variants' names, and text newtypes).
//! * How Loupe is reached and keeps its secrets: [`public_url`] (the origin of absolute links),
//!   [`key_custody`] (which master key a database's secrets are sealed with), [`instances`].

pub mod accounts;
pub mod arns;
pub mod audit;
pub mod clock;
pub mod compilation;
pub mod dashboard;
pub mod digest;
pub mod flows;
pub mod instances;
pub mod key_custody;
pub mod keys;
pub mod loops;
pub(crate) mod macros;
pub mod names;
pub mod page_tokens;
pub mod passwords;
pub mod pricing;
pub mod public_url;
pub mod spend;
pub mod task_uis;
pub mod teams;
pub mod template_assets;
pub mod validation;
pub mod webhooks;
