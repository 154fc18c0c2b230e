//! The admin area. Only admins get past [`AdminLayout`]; the server turns anonymous visitors
//! away before rendering.

use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect};

use crate::pages::chrome::{Area, Chrome};
use crate::pages::errors::Forbidden;
use crate::session::use_viewer;

#[component]
pub fn AdminLayout() -> impl IntoView {
    match use_viewer() {
        Some(viewer) if viewer.is_admin => {
            view! { <Chrome area=Area::Admin><Outlet /></Chrome> }.into_any()
        }
        Some(_) => view! { <Forbidden /> }.into_any(),
        None => view! { <Redirect path="/login" /> }.into_any(),
    }
}
