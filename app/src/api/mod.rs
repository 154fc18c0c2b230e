//! Server functions, grouped by the area of the UI that calls them. Each checks who is asking,
//! then makes one call into the engine; none holds business rules.

pub mod admin;
pub mod work;

#[cfg(feature = "ssr")]
pub use server::*;

#[cfg(feature = "ssr")]
mod server {
    use std::sync::Arc;

    use leptos::prelude::*;
    use loupe_engine::store::{Store, StoreError};

    /// What server functions reach through Leptos context; the server provides it per request.
    #[derive(Debug, Clone)]
    pub struct Services {
        pub store: Arc<dyn Store>,
    }

    pub fn services() -> Result<Services, ServerFnError> {
        use_context::<Services>().ok_or_else(|| ServerFnError::new("server services are missing"))
    }

    pub fn store_error(err: StoreError) -> ServerFnError {
        tracing::error!(error = %err, "store call from a server function failed");
        ServerFnError::new("the database could not answer; try again")
    }
}
