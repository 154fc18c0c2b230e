//! Sign-in. A plain HTML form posted to the server, so it works before (and without) hydration;
//! the show-password toggle needs the hydrated app.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::pages::chrome::CsrfField;

fn error_message(code: &str, until: Option<String>) -> String {
    match code {
        "invalid" => "That email and password don't match an account.".to_owned(),
        "deactivated" => {
            "This account has been deactivated. Ask an admin to reactivate it.".to_owned()
        }
        "locked" => format!(
            "Too many failed sign-ins from your network. Signing in to this account from here \
             is locked until {}; from another network it works now.",
            until.unwrap_or_else(|| "later".to_owned())
        ),
        "address" => format!(
            "Too many failed sign-ins from your network. Try again after {}.",
            until.unwrap_or_else(|| "a while".to_owned())
        ),
        _ => "Sign-in is unavailable right now. Try again in a moment.".to_owned(),
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let (error, email, next, signed_out, welcome) = query.with_untracked(|q| {
        let error = q
            .get("error")
            .map(|code| error_message(&code, q.get("until")));
        (
            error,
            q.get("email").unwrap_or_default(),
            q.get("next").unwrap_or_default(),
            q.get("signed_out").is_some(),
            q.get("welcome").is_some(),
        )
    });
    let (show_password, set_show_password) = signal(false);
    view! {
        <Title text="Sign in" />
        <main class="auth">
            <form method="post" action="/auth/login" class="card">
                <h1>"Sign in to Loupe"</h1>
                {signed_out.then(|| view! { <p class="notice" role="status">"You are signed out."</p> })}
                {welcome.then(|| view! { <p class="notice" role="status" data-testid="welcome">"Your password is set. Sign in with it."</p> })}
                {error.map(|message| view! { <p class="field-error" role="alert" data-testid="login-error">{message}</p> })}
                <CsrfField />
                <input type="hidden" name="next" value=next />
                <label for="email">"Email"</label>
                <input id="email" type="email" name="email" autocomplete="username" required value=email />
                <label for="password">"Password"</label>
                <div class="password-row">
                    <input
                        id="password"
                        name="password"
                        autocomplete="current-password"
                        required
                        type=move || if show_password.get() { "text" } else { "password" }
                    />
                    <button
                        type="button"
                        class="ghost"
                        aria-controls="password"
                        aria-pressed=move || show_password.get().to_string()
                        on:click=move |_| set_show_password.update(|shown| *shown = !*shown)
                    >
                        {move || if show_password.get() { "Hide" } else { "Show" }}
                    </button>
                </div>
                <button type="submit" class="primary">"Sign in"</button>
            </form>
        </main>
    }
}
