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

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_status(http::StatusCode::NOT_FOUND);
    view! {
        <main class="error-page">
            <Title text="Page not found" />
            <p class="error-code">"404"</p>
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address. It may have been mistyped, or the thing it pointed to was deleted."</p>
            <p><a href="/">"Back to the start"</a></p>
        </main>
    }
}

#[component]
pub fn Forbidden() -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_status(http::StatusCode::FORBIDDEN);
    view! {
        <main class="error-page">
            <Title text="Not allowed" />
            <p class="error-code">"403"</p>
            <h1>"You can't open this page"</h1>
            <p>"This part of Loupe is for admins. Your account is a worker account."</p>
            <p><a href="/work">"Go to your tasks"</a></p>
        </main>
    }
}
