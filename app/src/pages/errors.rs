//! Pages for things that went wrong: unknown addresses, missing rights, failed server calls.

use leptos::prelude::*;
use leptos_meta::Title;

#[cfg(feature = "ssr")]
use crate::session::set_status;

/// Shows any error raised below it as a page of its own instead of leaving the screen blank.
#[component]
pub fn PageErrors(children: Children) -> impl IntoView {
    view! {
        <ErrorBoundary fallback=|errors| {
            view! {
                <main class="error-page" role="alert">
                    <Title text="Something went wrong" />
                    <h1>"Something went wrong"</h1>
                    <p>"Loupe could not finish this page. Reload to try again; if it keeps failing, the server log has the details."</p>
                    <ul class="error-list">
                        {move || {
                            errors.get().into_iter().map(|(_, e)| view! { <li><code>{e.to_string()}</code></li> }).collect_view()
                        }}
                    </ul>
                    <p><a href="/">"Back to the start"</a></p>
                </main>
            }
        }>
            {children()}
        </ErrorBoundary>
    }
}

/// A page that answers with an error status and says what to do next.
#[component]
fn StatusPage(
    status: u16,
    title: &'static str,
    heading: &'static str,
    text: &'static str,
    back: (&'static str, &'static str),
) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_status(http::StatusCode::from_u16(status).expect("a valid status code"));
    let (href, label) = back;
    view! {
        <main class="error-page">
            <Title text=title />
            <p class="error-code">{status}</p>
            <h1>{heading}</h1>
            <p>{text}</p>
            <p><a href=href>{label}</a></p>
        </main>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <StatusPage status=404 title="Page not found" heading="Page not found"
            text="There is nothing at this address. It may have been mistyped, or the thing it pointed to was deleted."
            back=("/", "Back to the start") />
    }
}

#[component]
pub fn Forbidden() -> impl IntoView {
    view! {
        <StatusPage status=403 title="Not allowed" heading="You can't open this page"
            text="This part of Loupe is for admins. Your account is a worker account."
            back=("/work", "Go to your tasks") />
    }
}
