//! Who is looking at the page, and the anti-forgery token their forms carry.
//!
//! The server's session layer puts the signed-in user and the CSRF token into the request's
//! extensions. During server rendering they are read from there; the shell copies both into
//! `<meta>` tags, and the hydrating client reads them back from those tags, so both sides render
//! the same thing without an extra round trip.

use serde::{Deserialize, Serialize};

/// The signed-in user as the UI sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub email: String,
    pub is_admin: bool,
}

/// `None` for an anonymous visitor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentViewer(pub Option<Viewer>);

#[cfg(feature = "ssr")]
pub use server::*;

#[cfg(feature = "ssr")]
mod server {
    use http::StatusCode;
    use leptos::prelude::*;
    use loupe_engine::domain::accounts::User;

    use super::{CurrentViewer, Viewer};

    /// Request extension: the user the session belongs to.
    #[derive(Debug, Clone)]
    pub struct SignedIn(pub User);

    /// Request extension: the CSRF token bound to this browser.
    #[derive(Debug, Clone)]
    pub struct CsrfToken(pub String);

    fn request_extension<T: Clone + Send + Sync + 'static>() -> Option<T> {
        use_context::<http::request::Parts>().and_then(|parts| parts.extensions.get::<T>().cloned())
    }

    pub fn signed_in_user() -> Option<User> {
        request_extension::<SignedIn>().map(|signed_in| signed_in.0)
    }

    pub fn current_viewer() -> CurrentViewer {
        CurrentViewer(signed_in_user().map(|user| Viewer {
            email: user.email.to_string(),
            is_admin: user.is_admin(),
        }))
    }

    pub fn viewer_json() -> String {
        serde_json::to_string(&current_viewer().0).unwrap_or_else(|_| "null".into())
    }

    pub fn csrf_token() -> String {
        request_extension::<CsrfToken>()
            .map(|t| t.0)
            .unwrap_or_default()
    }

    /// Sets the HTTP status of the response being rendered or of the server function's reply.
    pub fn set_status(status: StatusCode) {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(status);
        }
    }

    /// The signed-in user, or a 401 error for a server function.
    pub fn require_user() -> Result<User, ServerFnError> {
        signed_in_user().ok_or_else(|| {
            set_status(StatusCode::UNAUTHORIZED);
            ServerFnError::new("sign in first")
        })
    }

    /// The signed-in admin, or a 401/403 error for a server function.
    pub fn require_admin() -> Result<User, ServerFnError> {
        let user = require_user()?;
        if user.is_admin() {
            Ok(user)
        } else {
            set_status(StatusCode::FORBIDDEN);
            Err(ServerFnError::new("this needs an admin account"))
        }
    }
}

#[cfg(not(feature = "ssr"))]
fn meta_content(name: &str) -> Option<String> {
    let document = leptos::prelude::document();
    document
        .query_selector(&format!("meta[name=\"{name}\"]"))
        .ok()??
        .get_attribute("content")
}

#[cfg(not(feature = "ssr"))]
pub fn current_viewer() -> CurrentViewer {
    CurrentViewer(
        meta_content("loupe-viewer")
            .and_then(|json| serde_json::from_str(&json).ok())
            .flatten(),
    )
}

#[cfg(not(feature = "ssr"))]
pub fn csrf_token() -> String {
    meta_content("csrf-token").unwrap_or_default()
}

#[cfg(not(feature = "ssr"))]
pub fn viewer_json() -> String {
    serde_json::to_string(&current_viewer().0).unwrap_or_else(|_| "null".into())
}

/// The viewer provided at the root of the app.
pub fn use_viewer() -> Option<Viewer> {
    leptos::prelude::use_context::<CurrentViewer>().and_then(|v| v.0)
}
