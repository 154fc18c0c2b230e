//! The admin area. Only admins get past [`AdminLayout`]; the server turns anonymous visitors
//! away before rendering.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Outlet, Redirect};

use crate::api::admin::{list_people, list_teams};
use crate::pages::chrome::{Area, Chrome, Loading};
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

#[component]
pub fn TeamsPage() -> impl IntoView {
    let teams = Resource::new(|| (), |_| list_teams());
    view! {
        <Title text="Work teams" />
        <h1>"Work teams"</h1>
        <p class="lead">"Teams receive the tasks of the flows that name them. For now teams are made with "<code>"loupe user add --team NAME"</code>"."</p>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                teams.await.map(|rows| {
                    if rows.is_empty() {
                        return view! { <p class="empty">"No work teams yet."</p> }.into_any();
                    }
                    view! {
                        <table class="grid" data-testid="teams-table">
                            <thead><tr><th>"Name"</th><th>"Description"</th><th>"Members"</th><th>"Created"</th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|t| view! {
                                    <tr><td>{t.name}</td><td>{t.description}</td><td class="num">{t.members}</td><td>{t.created}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                })
            })}
        </Suspense>
    }
}

#[component]
pub fn WorkersPage() -> impl IntoView {
    let people = Resource::new(|| (), |_| list_people());
    view! {
        <Title text="People" />
        <h1>"People"</h1>
        <p class="lead">"Everyone who can sign in. Add people with "<code>"loupe user add"</code>"."</p>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                people.await.map(|rows| view! {
                    <table class="grid" data-testid="people-table">
                        <thead><tr><th>"Email"</th><th>"Role"</th><th>"Created"</th><th>"Last sign-in"</th><th>"Status"</th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|p| view! {
                                <tr>
                                    <td>{p.email}</td>
                                    <td>{p.role}</td>
                                    <td>{p.created}</td>
                                    <td>{p.last_sign_in.unwrap_or_else(|| "never".into())}</td>
                                    <td>{p.locked_until.map(|u| format!("locked until {u}")).unwrap_or_else(|| "active".into())}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                })
            })}
        </Suspense>
    }
}
