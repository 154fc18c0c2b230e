//! Server functions, grouped by the area of the UI that calls them. Each checks who is asking,
//! then makes one call into the engine; none holds business rules.

pub mod admin;
pub mod compilation;
pub mod compilation_form;
pub mod dashboard;
pub mod flow_form;
pub mod flows;
pub mod form_errors;
pub mod keys;
pub mod loops;
pub mod people;
pub mod spend;
pub mod teams;
pub mod templates;
pub mod work;

#[cfg(feature = "ssr")]
pub use server::*;

#[cfg(feature = "ssr")]
mod server {
    use std::sync::Arc;

    use leptos::prelude::*;
    use loupe_engine::domain::clock::Clock;
    use loupe_engine::services::{ReviewError, Reviews};
    use loupe_engine::store::StoreError;
    use loupe_engine::templates::blob_links::{LinkSigner, SignedLinks};

    /// What server functions reach through Leptos context; the server provides it per request.
    #[derive(Debug, Clone)]
    pub struct Services {
        pub reviews: Arc<Reviews>,
        pub compilations: Arc<loupe_engine::services::compilation::CompilationJobs>,
        /// Wakes this replica's compilation runner after a job is created in the browser.
        pub compilation_wake: Arc<tokio::sync::Notify>,
        pub clock: Arc<dyn Clock>,
        /// Signs `grant_read_access` links for rendered templates.
        pub links: LinkSigner,
        /// Seals the secrets of keys and webhooks made in the browser.
        pub master_key: loupe_engine::domain::keys::MasterKey,
        /// Where links to copy (invitations, the SDK snippet's endpoint) point.
        pub origins: loupe_engine::domain::public_url::Origins,
    }

    impl Services {
        /// `grant_read_access` for pages of this origin: relative links.
        pub fn same_origin_links(&self) -> Arc<SignedLinks> {
            Arc::new(SignedLinks {
                signer: self.links.clone(),
                base: String::new(),
                clock: self.clock.clone(),
            })
        }
    }

    pub fn services() -> Result<Services, ServerFnError> {
        use_context::<Services>().ok_or_else(|| ServerFnError::new("server services are missing"))
    }

    /// An engine error for a server function's caller: a rule broken or a conflict is said as
    /// the engine says it; a database failure is logged and said generically.
    pub fn engine_error(error: ReviewError) -> ServerFnError {
        match error {
            ReviewError::Store(error) => store_error(error),
            other => ServerFnError::new(form_message(&other)),
        }
    }

    /// The text a form shows for an engine error: a broken rule's message without its member
    /// (the form puts it at the field).
    fn form_message(error: &ReviewError) -> String {
        match error {
            ReviewError::Validation(violation) => violation.message.clone(),
            other => other.to_string(),
        }
    }

    /// A compilation job service error for a server function's caller, as [`engine_error`].
    pub fn compilation_error(
        error: loupe_engine::services::compilation::CompilationError,
    ) -> ServerFnError {
        use loupe_engine::services::compilation::CompilationError;
        match error {
            CompilationError::Store(error) => store_error(error),
            other => ServerFnError::new(other.to_string()),
        }
    }

    pub fn store_error(err: StoreError) -> ServerFnError {
        ServerFnError::new(store_trouble(&err))
    }

    /// Logs a database failure and says it the way a page shows it: the details are for the
    /// operator's log, not the browser.
    pub fn store_trouble(err: &StoreError) -> &'static str {
        tracing::error!(error = %err, "store call from a server function failed");
        "the database could not answer; try again"
    }
}
