//! Loupe's browser UI: the admin area, the worker area and sign-in, rendered on the server and
//! hydrated in the browser.

// The view types of the larger forms nest deeper than the default limit of 128 allows when
// release builds compute their layout.
#![recursion_limit = "256"]

pub mod api;
pub mod pages;
pub mod session;

use leptos::prelude::*;
use leptos_meta::{Link, Meta, MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::pages::{
    admin, compilation, compilation_form, conditions_lab, dashboard, errors, flow_form, flows,
    invite, keys, login, loops, people, spend, task, teams, templates, work,
};

/// The HTML document around the app. Rendered on the server only; the two `<meta>` tags carry
/// what the hydrating client must know before it renders anything (who is signed in, and the
/// token its forms post back).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let viewer_json = session::viewer_json();
    let csrf = session::csrf_token();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="loupe-viewer" content=viewer_json />
                <meta name="csrf-token" content=csrf />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(session::current_viewer());
    // Effects only run in the browser, so this marks the moment the page became interactive
    // (the browser tests wait for it).
    Effect::new(|_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "");
        }
    });
    view! {
        <Stylesheet id="leptos" href="/pkg/loupe.css" />
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg" />
        <Meta name="color-scheme" content="light dark" />
        <Title formatter=|title: String| if title.is_empty() { "Loupe".to_owned() } else { format!("{title} · Loupe") } />
        <Router>
            <errors::PageErrors>
                <Routes fallback=errors::NotFound>
                    <Route path=path!("/login") view=login::LoginPage />
                    <Route path=path!("/invite/:token") view=invite::InvitePage />
                    <ParentRoute path=path!("/admin") view=admin::AdminLayout>
                        <Route path=path!("") view=dashboard::Dashboard />
                        <Route path=path!("teams") view=teams::TeamsPage />
                        <Route path=path!("team/:name") view=teams::TeamDetailPage />
                        <Route path=path!("workers") view=people::PeoplePage />
                        <Route path=path!("templates") view=templates::TemplatesPage />
                        <Route path=path!("templates/new") view=templates::NewTemplatePage />
                        <Route path=path!("template/:name") view=templates::TemplateDetailPage />
                        <Route path=path!("flows") view=flows::FlowsPage />
                        <Route path=path!("flows/new") view=flow_form::NewFlowPage />
                        <Route path=path!("lab") view=conditions_lab::ConditionsLabPage />
                        <Route path=path!("flow/:name") view=flows::FlowDetailPage />
                        <Route path=path!("loops") view=loops::LoopsPage />
                        <Route path=path!("loop/:name") view=loops::LoopDetailPage />
                        <Route path=path!("compilation-jobs") view=compilation::CompilationJobsPage />
                        <Route path=path!("compilation-jobs/new") view=compilation_form::NewCompilationJobPage />
                        <Route path=path!("compilation-jobs/:name") view=compilation::CompilationJobPage />
                        <Route path=path!("keys") view=keys::KeysPage />
                        <Route path=path!("spend") view=spend::SpendPage />
                    </ParentRoute>
                    <ParentRoute path=path!("/work") view=work::WorkLayout>
                        <Route path=path!("") view=work::QueuePage />
                        <Route path=path!("teams") view=work::MyTeamsPage />
                        <Route path=path!("task/:id") view=task::TaskPage />
                    </ParentRoute>
                </Routes>
            </errors::PageErrors>
        </Router>
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
