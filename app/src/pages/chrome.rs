//! The frame around every signed-in page: brand, navigation, who is signed in, sign-out.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::form_errors::FieldError;
pub use crate::api::form_errors::WHOLE_FORM;
use crate::session::{csrf_token, use_viewer};

/// The hidden field that proves a form was served by Loupe to this browser.
#[component]
pub fn CsrfField() -> impl IntoView {
    view! { <input type="hidden" name="csrf_token" value=csrf_token() /> }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Admin,
    Work,
}

#[component]
pub fn Chrome(area: Area, children: Children) -> impl IntoView {
    let viewer = use_viewer();
    let email = viewer.as_ref().map(|v| v.email.clone()).unwrap_or_default();
    let is_admin = viewer.as_ref().is_some_and(|v| v.is_admin);
    let links: &[(&str, &str)] = match area {
        Area::Admin => &[
            ("/admin", "Dashboard"),
            ("/admin/flows", "Flows"),
            ("/admin/loops", "Human loops"),
            ("/admin/lab", "Conditions lab"),
            ("/admin/templates", "Templates"),
            ("/admin/compilation-jobs", "Compilation"),
            ("/admin/spend", "Spend"),
            ("/admin/teams", "Work teams"),
            ("/admin/workers", "People"),
            ("/admin/keys", "API keys"),
        ],
        Area::Work => &[("/work", "Tasks"), ("/work/teams", "My teams")],
    };
    let other_area = match (area, is_admin) {
        (Area::Admin, _) => Some(("/work", "Worker view")),
        (Area::Work, true) => Some(("/admin", "Admin")),
        (Area::Work, false) => None,
    };
    view! {
        <header class="topbar">
            <a class="brand" href=if is_admin { "/admin" } else { "/work" }>"Loupe"</a>
            <nav aria-label="Main">
                {links
                    .iter()
                    .map(|(href, label)| view! { <A href=*href exact=true>{*label}</A> })
                    .collect_view()}
            </nav>
            <div class="who">
                {other_area.map(|(href, label)| view! { <a class="switch" href=href>{label}</a> })}
                <span class="email" data-testid="viewer-email">{email}</span>
                <form method="post" action="/auth/logout" class="logout">
                    <CsrfField />
                    <button type="submit">"Sign out"</button>
                </form>
            </div>
        </header>
        <div class="page">{children()}</div>
    }
}

/// "Loading…", while a page's data is on its way.
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="muted">"Loading…"</p> }
}

/// A one-button form for a destructive action. Hydrated, it asks `question` first and hands
/// `value` to `on_confirm`; without script the form posts `field=value` to `url` itself.
#[component]
pub fn ConfirmButton(
    url: &'static str,
    field: &'static str,
    value: String,
    label: &'static str,
    question: String,
    #[prop(into)] pending: Signal<bool>,
    #[prop(into)] on_confirm: Callback<String>,
) -> impl IntoView {
    let chosen = value.clone();
    view! {
        <form method="post" action=url class="inline" on:submit=move |ev| {
            ev.prevent_default();
            if confirm(&question) {
                on_confirm.run(chosen.clone());
            }
        }>
            <CsrfField />
            <input type="hidden" name=field value=value />
            <button type="submit" class="danger" disabled=move || pending.get()>{label}</button>
        </form>
    }
}

/// Asks before a destructive action (the browser's own dialog); always yes while rendering on
/// the server, where nothing is clicked.
fn confirm(message: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        window().confirm_with_message(message).unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = message;
        true
    }
}

/// The field messages of a form action's last answer: those the answer carries (`of`), or the
/// failed call itself as a message at `failed_at` (usually [`WHOLE_FORM`]).
pub fn answer_errors<T>(
    answer: Option<Result<T, ServerFnError>>,
    failed_at: &str,
    of: impl FnOnce(T) -> Vec<FieldError>,
) -> Vec<FieldError> {
    match answer {
        Some(Ok(answer)) => of(answer),
        Some(Err(e)) => vec![FieldError::at(failed_at, e.to_string())],
        None => Vec::new(),
    }
}

/// The messages for one field, found by `aria-describedby="{field}-errors"` on its input.
#[component]
pub fn FieldMessages(errors: Signal<Vec<FieldError>>, field: &'static str) -> impl IntoView {
    let id = format!("{field}-errors");
    move || {
        let list = FieldError::messages_for(&errors.get(), field);
        (!list.is_empty()).then(|| {
            view! {
                <div class="field-error" role="alert" id=id.clone() data-testid=format!("error-{field}")>
                    {list.into_iter().map(|m| view! { <p>{m}</p> }).collect_view()}
                </div>
            }
        })
    }
}

/// A monospace text area for JSON, HTML or Liquid, showing `value` and reporting each edit.
#[component]
pub fn CodeArea(
    id: &'static str,
    rows: u32,
    value: ReadSignal<String>,
    on_edit: impl Fn(String) + 'static,
    /// The form field it fills, when it is part of a form.
    #[prop(optional)]
    name: Option<&'static str>,
    /// The id of the element holding its messages.
    #[prop(optional)]
    described_by: Option<&'static str>,
    #[prop(optional)] test_id: Option<&'static str>,
) -> impl IntoView {
    view! {
        <textarea
            id=id
            name=name
            class="code"
            rows=rows
            spellcheck="false"
            data-testid=test_id
            aria-describedby=described_by
            prop:value=value
            on:input=move |ev| on_edit(event_target_value(&ev))
        >{value.get_untracked()}</textarea>
    }
}
