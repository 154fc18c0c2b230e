//! People: everyone who can sign in, invitations (a one-time link instead of a password sent
//! around), a fresh link for someone who lost theirs, and deactivation that returns held tasks
//! to the pool at once.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use crate::api::admin::list_teams;
use crate::api::people::{
    DeactivatePerson, InviteOutcome, InvitePerson, NewInvitationLink, ReactivatePerson, list_people,
};
use crate::pages::chrome::{ConfirmButton, Loading};

fn link_view(outcome: Option<Result<InviteOutcome, ServerFnError>>) -> Option<AnyView> {
    Some(match outcome? {
        Ok(InviteOutcome {
            email,
            link: Some(link),
            expires,
            ..
        }) => view! {
            <div class="secret-once" role="status" data-testid="invitation">
                <p><strong>{format!("Invitation for {email}.")}</strong>{format!(" Send this link to them; it works once, until {} UTC.", expires.unwrap_or_default())}</p>
                <code class="secret" data-testid="invitation-link">{link}</code>
            </div>
        }
        .into_any(),
        Ok(InviteOutcome { error, .. }) => view! {
            <p class="field-error" role="alert" data-testid="invite-error">{error.unwrap_or_default()}</p>
        }
        .into_any(),
        Err(e) => view! { <p class="field-error" role="alert">{e.to_string()}</p> }.into_any(),
    })
}

#[component]
pub fn PeoplePage() -> impl IntoView {
    let invite = ServerAction::<InvitePerson>::new();
    let relink = ServerAction::<NewInvitationLink>::new();
    let deactivate = ServerAction::<DeactivatePerson>::new();
    let reactivate = ServerAction::<ReactivatePerson>::new();
    let people = Resource::new(
        move || {
            (
                invite.version().get(),
                relink.version().get(),
                deactivate.version().get(),
                reactivate.version().get(),
            )
        },
        |_| list_people(),
    );
    let teams = Resource::new(|| (), |_| list_teams());
    let deactivated = move || {
        deactivate.value().get().map(|answer| match answer {
            Ok(returned) => view! {
                <p class="notice" role="status" data-testid="deactivated">{format!(
                    "Deactivated. {returned} held task{} went back to the pool.",
                    if returned == 1 { "" } else { "s" }
                )}</p>
            }
            .into_any(),
            Err(e) => view! { <p class="field-error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    };
    view! {
        <Title text="People" />
        <h1>"People"</h1>
        <p class="lead">"Invite people with a one-time link: they choose their own password. Deactivating someone signs them out everywhere and puts their tasks back in the queue."</p>
        <ActionForm action=invite attr:class="inline-form" attr:data-testid="invite-form">
            <label for="invite-email">"Email"</label>
            <input id="invite-email" type="email" name="email" required autocomplete="off" placeholder="ana@example.org" />
            <label for="invite-role">"Role"</label>
            <select id="invite-role" name="role">
                <option value="worker" selected>"Worker"</option>
                <option value="admin">"Admin"</option>
            </select>
            <label for="invite-team">"Work team"</label>
            <select id="invite-team" name="team" data-testid="invite-team">
                <option value="">"None yet"</option>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        teams.await.map(|rows| rows.into_iter().map(|t| view! { <option value=t.name.clone()>{t.name.clone()}</option> }).collect_view())
                    })}
                </Suspense>
            </select>
            <button type="submit" class="primary" disabled=move || invite.pending().get()>
                {move || if invite.pending().get() { "Inviting…" } else { "Invite" }}
            </button>
        </ActionForm>
        {move || link_view(invite.value().get())}
        {move || link_view(relink.value().get())}
        {deactivated}
        {move || reactivate.value().get().and_then(Result::err).map(|e| view! { <p class="field-error" role="alert">{e.to_string()}</p> })}
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                people.await.map(|rows| {
                    let count = rows.len();
                    view! {
                        <p class="muted">{format!("{count} {}", if count == 1 { "person" } else { "people" })}</p>
                        <table class="grid" data-testid="people-table">
                            <thead><tr><th>"Email"</th><th>"Role"</th><th>"Teams"</th><th>"Created (UTC)"</th><th>"Last sign-in"</th><th>"Status"</th><th></th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|p| {
                                    let id = p.id;
                                    let is_deactivated = p.status == "deactivated";
                                    let relink_label = format!("New sign-in link for {}", p.email);
                                    let question = format!("Deactivate {}? They are signed out at once and the tasks they hold go back to the pool.", p.email);
                                    let row_id = p.email.clone();
                                    let status_class = format!("person-{}", p.status);
                                    view! {
                                        <tr data-person=row_id>
                                            <td>{p.email}</td>
                                            <td>{p.role}</td>
                                            <td>{p.teams.join(", ")}</td>
                                            <td>{p.created}</td>
                                            <td>{p.last_sign_in.unwrap_or_else(|| "never".into())}</td>
                                            <td class=status_class>{p.status_text}</td>
                                            <td class="actions">
                                                {(!is_deactivated).then(|| view! {
                                                    <ActionForm action=relink attr:class="inline">
                                                        <input type="hidden" name="id" value=id.to_string() />
                                                        <button type="submit" class="ghost" aria-label=relink_label>"New link"</button>
                                                    </ActionForm>
                                                    <ConfirmButton url={<DeactivatePerson as ServerFn>::url()} field="id" value=id.to_string() label="Deactivate"
    question=question
    pending=deactivate.pending()
    on_confirm=move |id: String| { if let Ok(id) = id.parse() { deactivate.dispatch(DeactivatePerson { id }); } } />
                                                })}
                                                {is_deactivated.then(|| view! {
                                                    <ActionForm action=reactivate attr:class="inline">
                                                        <input type="hidden" name="id" value=id.to_string() />
                                                        <button type="submit" class="ghost">"Reactivate"</button>
                                                    </ActionForm>
                                                })}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }
                })
            })}
        </Transition>
    }
}
