//! The page an invitation link opens: the person chooses a password, then signs in with it.
//! Open to anyone holding the link; the link works once and for a limited time.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::people::{AcceptInvitation, check_invitation};

#[component]
pub fn InvitePage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let info = Resource::new(token, check_invitation);
    let accept = ServerAction::<AcceptInvitation>::new();
    let outcome = move || accept.value().get();
    let password_error = move || match outcome() {
        Some(Ok(o)) => o.password_error,
        _ => None,
    };
    let form_error = move || match outcome() {
        Some(Ok(o)) => o.error,
        Some(Err(e)) => Some(e.to_string()),
        None => None,
    };
    view! {
        <Title text="Choose your password" />
        <main class="auth">
            <Suspense fallback=|| view! { <p class="muted">"Checking the link…"</p> }>
                {move || Suspend::new(async move {
                    let info = info.await?;
                    let Some(email) = info.email else {
                        return Ok::<_, ServerFnError>(view! {
                            <div class="card">
                                <h1>"This link does not work"</h1>
                                <p class="field-error" role="alert" data-testid="invitation-error">{info.error.unwrap_or_default()}</p>
                                <p><a href="/login">"Sign in"</a></p>
                            </div>
                        }.into_any());
                    };
                    Ok(view! {
                        <ActionForm action=accept attr:class="card" attr:data-testid="accept-form">
                            <h1>"Welcome to Loupe"</h1>
                            <p>"Choose a password for "<strong data-testid="invited-email">{email}</strong>". The link works until "{info.expires.unwrap_or_default()}" UTC."</p>
                            <input type="hidden" name="token" value=token() />
                            <label for="new-password">"Password"</label>
                            <input id="new-password" type="password" name="password" required minlength="12" autocomplete="new-password" aria-describedby="password-hint password-errors" />
                            <p class="hint" id="password-hint">"At least 12 characters. A few unrelated words make a good one."</p>
                            <label for="confirm-password">"The same password again"</label>
                            <input id="confirm-password" type="password" name="confirm" required minlength="12" autocomplete="new-password" aria-describedby="password-errors" />
                            {move || password_error().map(|e| view! { <p class="field-error" role="alert" id="password-errors">{e}</p> })}
                            {move || form_error().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                            <button type="submit" class="primary" disabled=move || accept.pending().get()>"Set password"</button>
                        </ActionForm>
                    }.into_any())
                })}
            </Suspense>
        </main>
    }
}
