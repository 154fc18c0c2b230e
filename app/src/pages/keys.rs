//! API keys, webhooks and the audit log of the AWS-compatible API. New secrets are shown once,
//! right after they are made.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::admin::list_access_keys;
use crate::api::form_errors::FieldError;
use crate::api::keys::{
    AddWebhook, CreateKey, Made, RemoveWebhook, RevokeKey, audit_log, list_webhooks,
};
use crate::pages::chrome::{ConfirmButton, FieldMessages, Loading, WHOLE_FORM, answer_errors};

/// The secret a create just made, to copy now.
fn secret_view(
    made: Option<Result<Made, ServerFnError>>,
    what: &'static str,
) -> Option<impl IntoView> {
    let secret = made?.ok()?.made?;
    Some(view! {
        <div class="secret-once" role="status" data-testid=format!("{what}-secret")>
            <p><strong>{format!("{what} {} made.", secret.id)}</strong>" Copy the secret now: Loupe shows it only this once."</p>
            <code class="secret">{secret.secret}</code>
        </div>
    })
}

/// The field messages of a create's last answer; a failed call lands at `failed_at`.
fn made_errors(made: Option<Result<Made, ServerFnError>>, failed_at: &str) -> Vec<FieldError> {
    answer_errors(made, failed_at, |made| made.errors)
}

#[component]
pub fn KeysPage() -> impl IntoView {
    let create = ServerAction::<CreateKey>::new();
    let revoke = ServerAction::<RevokeKey>::new();
    let errors = Signal::derive(move || {
        [
            made_errors(create.value().get(), "key_name"),
            answer_errors(revoke.value().get(), WHOLE_FORM, |()| Vec::new()),
        ]
        .concat()
    });
    let keys = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_access_keys(),
    );
    view! {
        <Title text="API keys and webhooks" />
        <h1>"API keys"</h1>
        <p class="lead">"Access keys sign requests from boto3 and the AWS CLI (SigV4, service "<code>"sagemaker"</code>"). Revoked keys are refused at once."</p>
        <ActionForm action=create attr:class="inline-form">
            <label for="key-name">"New key name"</label>
            <input id="key-name" type="text" name="name" required maxlength="64" placeholder="ingest-pipeline" aria-describedby="key_name-errors" />
            <button type="submit" class="primary" disabled=move || create.pending().get()>"Create key"</button>
        </ActionForm>
        <FieldMessages errors field="key_name" />
        <FieldMessages errors field="form" />
        {move || secret_view(create.value().get(), "Key")}
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                keys.await.map(|rows| {
                    if rows.is_empty() {
                        return view! { <p class="empty">"No access keys yet."</p> }.into_any();
                    }
                    view! {
                        <table class="grid" data-testid="keys-table">
                            <thead><tr><th>"Access key id"</th><th>"Name"</th><th>"Status"</th><th>"Created (UTC)"</th><th>"Revoked"</th><th></th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|k| {
                                    let id = k.id.clone();
                                    let field = k.id.clone();
                                    let active = k.status == "Active";
                                    view! {
                                        <tr>
                                            <td><code>{k.id}</code></td>
                                            <td>{k.name}</td>
                                            <td>{k.status}</td>
                                            <td>{k.created}</td>
                                            <td>{k.revoked.unwrap_or_default()}</td>
                                            <td>
                                                {active.then(|| view! {
                                                    <ConfirmButton url={<RevokeKey as ServerFn>::url()} field="id" value=field label="Revoke"
    question=format!("Revoke {id}? Requests signed with it are refused from now on.")
    pending=revoke.pending()
    on_confirm=move |id: String| { revoke.dispatch(RevokeKey { id }); } />
                                                })}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                })
            })}
        </Transition>
        <Webhooks />
        <AuditLog />
    }
}

#[component]
fn Webhooks() -> impl IntoView {
    let add = ServerAction::<AddWebhook>::new();
    let remove = ServerAction::<RemoveWebhook>::new();
    let errors = Signal::derive(move || {
        [
            made_errors(add.value().get(), "hook_form"),
            answer_errors(remove.value().get(), "hook_form", |()| Vec::new()),
        ]
        .concat()
    });
    let hooks = Resource::new(
        move || (add.version().get(), remove.version().get()),
        |_| list_webhooks(),
    );
    view! {
        <h2>"Webhooks"</h2>
        <p class="lead">"Status-change events (Completed, Failed, Stopped) are posted to each webhook, signed with its secret, and retried for a day. See "<code>"docs/api.md"</code>" for the signature."</p>
        <ActionForm action=add attr:class="inline-form">
            <label for="hook-name">"Name"</label>
            <input id="hook-name" type="text" name="name" required placeholder="ops" aria-describedby="hook_name-errors" />
            <label for="hook-url">"URL"</label>
            <input id="hook-url" type="url" name="url" required placeholder="https://hooks.example.com/a2i" aria-describedby="hook_url-errors" />
            <label for="hook-flow">"Only flow (optional)"</label>
            <input id="hook-flow" type="text" name="flow" placeholder="every flow" aria-describedby="hook_flow-errors" />
            <button type="submit" class="primary" disabled=move || add.pending().get()>"Add webhook"</button>
        </ActionForm>
        <FieldMessages errors field="hook_name" />
        <FieldMessages errors field="hook_url" />
        <FieldMessages errors field="hook_flow" />
        <FieldMessages errors field="hook_form" />
        {move || secret_view(add.value().get(), "Webhook")}
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                hooks.await.map(|(rows, deliveries)| view! {
                    {if rows.is_empty() {
                        view! { <p class="empty">"No webhooks yet."</p> }.into_any()
                    } else {
                        view! {
                            <table class="grid" data-testid="webhooks-table">
                                <thead><tr><th>"Name"</th><th>"URL"</th><th>"Flow"</th><th>"Created (UTC)"</th><th></th></tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|w| {
                                        let name = w.name.clone();
                                        let field = w.name.clone();
                                        view! {
                                            <tr>
                                                <td>{w.name}</td>
                                                <td><code>{w.url}</code></td>
                                                <td>{w.flow.unwrap_or_else(|| "every flow".to_owned())}</td>
                                                <td>{w.created}</td>
                                                <td>
                                                    <ConfirmButton url={<RemoveWebhook as ServerFn>::url()} field="name" value=field label="Remove"
    question=format!("Remove the webhook {name} and its delivery history?")
    pending=remove.pending()
    on_confirm=move |name: String| { remove.dispatch(RemoveWebhook { name }); } />
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }}
                    <h3>"Recent deliveries"</h3>
                    {if deliveries.is_empty() {
                        view! { <p class="empty">"No deliveries yet."</p> }.into_any()
                    } else {
                        view! {
                            <table class="grid" data-testid="deliveries-table">
                                <thead><tr><th>"Webhook"</th><th>"Event"</th><th>"State"</th><th>"Attempts"</th><th>"Last answer"</th><th>"Created (UTC)"</th></tr></thead>
                                <tbody>
                                    {deliveries.into_iter().map(|d| view! {
                                        <tr>
                                            <td>{d.webhook}</td>
                                            <td><code>{d.event_id}</code></td>
                                            <td>{d.state}</td>
                                            <td class="num">{d.attempts}</td>
                                            <td>{d.last_status.map(|s| s.to_string()).or(d.last_error).unwrap_or_default()}</td>
                                            <td>{d.created}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }}
                })
            })}
        </Transition>
    }
}

#[component]
fn AuditLog() -> impl IntoView {
    let query = use_query_map();
    let before = move || query.with(|q| q.get("before").and_then(|b| b.parse::<i64>().ok()));
    let calls = Resource::new(before, audit_log);
    view! {
        <h2 id="audit">"API audit log"</h2>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                calls.await.map(|rows| {
                    if rows.is_empty() {
                        return view! { <p class="empty">"No API calls recorded."</p> }.into_any();
                    }
                    let older = (rows.len() == 50).then(|| rows.last().map(|r| format!("/admin/keys?before={}#audit", r.id))).flatten();
                    view! {
                        <table class="grid" data-testid="audit-table">
                            <thead><tr><th>"When (UTC)"</th><th>"Key"</th><th>"Operation"</th><th>"Status"</th><th>"Error"</th><th>"ms"</th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|c| view! {
                                    <tr>
                                        <td>{c.at}</td>
                                        <td><code>{c.key.unwrap_or_else(|| "unsigned".to_owned())}</code></td>
                                        <td>{c.operation}</td>
                                        <td class="num">{c.status}</td>
                                        <td>{c.error_type.unwrap_or_default()}</td>
                                        <td class="num">{c.duration_ms}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        {older.map(|href| view! { <nav class="pager"><A href=href>"Older calls →"</A></nav> })}
                    }.into_any()
                })
            })}
        </Transition>
    }
}
