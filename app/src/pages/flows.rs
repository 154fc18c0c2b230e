//! Flow definitions in the admin area: the list, and one flow's page with every setting named
//! as in A2I, the ARN to copy, a boto3 snippet that starts a loop on it, and delete.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::flows::{DeleteFlow, flow_detail, list_flows};
use crate::pages::chrome::{ConfirmButton, Loading};

#[component]
pub fn FlowsPage() -> impl IntoView {
    let flows = Resource::new(|| (), |_| list_flows());
    view! {
        <Title text="Flow definitions" />
        <h1>"Flow definitions"</h1>
        <p class="lead">"A flow definition says who reviews what: the work team, the template, how many workers answer each item, their time limits and price, and where output goes. Create one here, or with "<code>"create_flow_definition"</code>" (boto3) or "<code>"aws sagemaker create-flow-definition"</code>" against this server."</p>
        <p><A href="/admin/flows/new" attr:class="button primary" attr:data-testid="new-flow">"New flow definition"</A></p>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                flows.await.map(|rows| {
                    if rows.is_empty() {
                        return view! { <p class="empty">"No flow definitions yet."</p> }.into_any();
                    }
                    let count = rows.len();
                    view! {
                        <p class="muted">{format!("{count} flow definition{}", if count == 1 { "" } else { "s" })}</p>
                        <table class="grid" data-testid="flows-table">
                            <thead><tr><th>"Name"</th><th>"Status"</th><th>"Task type"</th><th>"Work team"</th><th>"Workers per item"</th><th>"Created (UTC)"</th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|f| {
                                    let href = format!("/admin/flow/{}", f.name);
                                    view! {
                                        <tr>
                                            <td><A href=href>{f.name}</A></td>
                                            <td>{f.status}</td>
                                            <td>{f.task_type}</td>
                                            <td><code>{f.team}</code></td>
                                            <td class="num">{f.task_count}</td>
                                            <td>{f.created}</td>
                                        </tr>
                                    }
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
pub fn FlowDetailPage() -> impl IntoView {
    let params = use_params_map();
    let detail = Resource::new(
        move || params.with(|p| p.get("name").unwrap_or_default()),
        flow_detail,
    );
    let delete = ServerAction::<DeleteFlow>::new();
    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                let Some(flow) = detail.await? else {
                    return Ok::<_, ServerFnError>(view! {
                        <Title text="Flow definition not found" />
                        <h1>"Flow definition not found"</h1>
                        <p>"No flow definition has this name. "<A href="/admin/flows">"All flow definitions"</A></p>
                    }.into_any());
                };
                let name = flow.name.clone();
                let field = flow.name.clone();
                let loops_href = format!("/admin/loops?flow={}", flow.name);
                let ui_href = format!("/admin/template/{}", flow.ui_name);
                Ok(view! {
                    <Title text=flow.name.clone() />
                    <div class="page-head">
                        <h1 data-testid="flow-name">{flow.name.clone()}</h1>
                        <div class="actions">
                            <A href=loops_href attr:class="button">"Its human loops"</A>
                            <ConfirmButton url={<DeleteFlow as ServerFn>::url()} field="name" value=field label="Delete"
    question=format!("Delete the flow definition {name}? Loops nobody has started are stopped and deleted; the rest finish first.")
    pending=delete.pending()
    on_confirm=move |name: String| { delete.dispatch(DeleteFlow { name }); } />
                        </div>
                    </div>
                    {move || delete.value().get().and_then(Result::err).map(|e| view! { <p class="field-error" role="alert">{e.to_string()}</p> })}
                    <dl class="facts">
                        <dt>"FlowDefinitionArn"</dt><dd><code data-testid="flow-arn">{flow.arn}</code></dd>
                        <dt>"FlowDefinitionStatus"</dt><dd>{flow.status}</dd>
                        {flow.failure_reason.map(|r| view! { <dt>"FailureReason"</dt><dd>{r}</dd> })}
                        <dt>"CreationTime (UTC)"</dt><dd>{flow.created}</dd>
                        <dt>"Task type"</dt><dd data-testid="flow-task-type">{flow.task_type}</dd>
                    </dl>
                    <h2>"HumanLoopConfig"</h2>
                    <dl class="facts">
                        <dt>"WorkteamArn"</dt><dd><code>{flow.team_arn}</code></dd>
                        <dt>"HumanTaskUiArn"</dt><dd><A href=ui_href><code>{flow.ui_arn}</code></A></dd>
                        <dt>"TaskTitle"</dt><dd>{flow.title}</dd>
                        <dt>"TaskDescription"</dt><dd>{flow.description}</dd>
                        <dt>"TaskKeywords"</dt><dd>{if flow.keywords.is_empty() { "–".to_owned() } else { flow.keywords.join(", ") }}</dd>
                        <dt>"TaskCount"</dt><dd>{flow.task_count}</dd>
                        <dt>"TaskAvailabilityLifetimeInSeconds"</dt><dd>{flow.availability_lifetime}</dd>
                        <dt>"TaskTimeLimitInSeconds"</dt><dd>{flow.time_limit}</dd>
                        <dt>"PublicWorkforceTaskPrice"</dt><dd>{flow.price.unwrap_or_else(|| "–".to_owned())}</dd>
                    </dl>
                    <h2>"OutputConfig and role"</h2>
                    <dl class="facts">
                        <dt>"S3OutputPath"</dt><dd><code>{flow.output_path}</code></dd>
                        <dt>"RoleArn"</dt><dd><code>{flow.role_arn}</code></dd>
                    </dl>
                    {flow.conditions.map(|c| view! {
                        <h2>"HumanLoopActivationConditions"</h2>
                        <pre class="code" data-testid="flow-conditions"><code>{c}</code></pre>
                    })}
                    <h2>"Start a loop with boto3"</h2>
                    <pre class="code" data-testid="flow-snippet"><code>{flow.boto3_snippet}</code></pre>
                    <details>
                        <summary>"The whole definition (CreateFlowDefinition)"</summary>
                        <pre class="code"><code>{flow.definition}</code></pre>
                    </details>
                }.into_any())
            })}
        </Suspense>
    }
}
