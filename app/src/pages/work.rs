//! The worker area: open to every signed-in person (admins included).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Outlet, Redirect};

use crate::api::work::my_teams;
use crate::pages::chrome::{Area, Chrome, Planned};
use crate::session::use_viewer;

#[component]
pub fn WorkLayout() -> impl IntoView {
    match use_viewer() {
        Some(_) => view! { <Chrome area=Area::Work><Outlet /></Chrome> }.into_any(),
        None => view! { <Redirect path="/login" /> }.into_any(),
    }
}

#[component]
pub fn QueuePage() -> impl IntoView {
    view! {
        <Planned
            title="Tasks"
            what="Tasks offered to your teams appear here. Take one, answer it before its countdown runs out, and submit; the next one is a click away."
        />
    }
}

#[component]
pub fn MyTeamsPage() -> impl IntoView {
    let teams = Resource::new(|| (), |_| my_teams());
    view! {
        <Title text="My teams" />
        <h1>"My teams"</h1>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                teams.await.map(|rows| {
                    if rows.is_empty() {
                        return view! { <p class="empty" data-testid="no-teams">"You are not in any work team yet. An admin can add you to one."</p> }.into_any();
                    }
                    view! {
                        <ul class="teams" data-testid="my-teams">
                            {rows.into_iter().map(|t| view! { <li><strong>{t.name}</strong>" — "{t.description}</li> }).collect_view()}
                        </ul>
                    }.into_any()
                })
            })}
        </Suspense>
    }
}
