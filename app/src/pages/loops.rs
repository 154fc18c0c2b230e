//! Human loops in the admin area: the filtered list (a plain GET form, so it works without
//! JavaScript; pages follow a keyset, so they stay fast at millions of loops) and one loop's
//! page with stop and delete.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::{A, Form};
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::loops::{DeleteLoop, LoopFilters, PAGE_SIZE, StopLoop, list_loops, loop_detail};
use crate::pages::chrome::{ConfirmButton, Loading};

const STATUSES: [&str; 5] = ["InProgress", "Stopping", "Completed", "Failed", "Stopped"];

fn query_string(filters: &LoopFilters) -> String {
    let pairs = [
        ("flow", &filters.flow),
        ("status", &filters.status),
        ("from", &filters.from),
        ("to", &filters.to),
        ("name", &filters.name),
        ("after", &filters.after),
    ];
    let encoded: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    encoded.join("&")
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b':') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[component]
pub fn LoopsPage() -> impl IntoView {
    let query = use_query_map();
    let filters = move || {
        query.with(|q| LoopFilters {
            flow: q.get("flow").unwrap_or_default(),
            status: q.get("status").unwrap_or_default(),
            from: q.get("from").unwrap_or_default(),
            to: q.get("to").unwrap_or_default(),
            name: q.get("name").unwrap_or_default(),
            after: q.get("after").unwrap_or_default(),
        })
    };
    let page = Resource::new(filters, list_loops);
    view! {
        <Title text="Human loops" />
        <h1>"Human loops"</h1>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                let page = page.await?;
                let current = filters();
                let flow_options = page.flows.iter().map(|f| {
                    let selected = *f == current.flow;
                    view! { <option value=f.clone() selected=selected>{f.clone()}</option> }
                }).collect::<Vec<_>>();
                let status_options = STATUSES.iter().map(|s| {
                    let selected = *s == current.status;
                    view! { <option value=*s selected=selected>{*s}</option> }
                }).collect::<Vec<_>>();
                let shown = page.rows.len();
                let next_href = page.next.clone().map(|after| {
                    format!("/admin/loops?{}", query_string(&LoopFilters { after, ..current.clone() }))
                });
                let first_href = (!current.after.is_empty()).then(|| {
                    format!("/admin/loops?{}", query_string(&LoopFilters { after: String::new(), ..current.clone() }))
                });
                Ok::<_, ServerFnError>(view! {
                    <Form method="GET" action="/admin/loops" attr:class="filters" attr:aria-label="Filter loops">
                        <label>"Flow"
                            <select name="flow" data-testid="filter-flow">
                                <option value="">"All flows"</option>
                                {flow_options}
                            </select>
                        </label>
                        <label>"Status"
                            <select name="status" data-testid="filter-status">
                                <option value="">"Any status"</option>
                                {status_options}
                            </select>
                        </label>
                        <label>"Created from (UTC)"<input type="datetime-local" name="from" value=current.from.clone() /></label>
                        <label>"to"<input type="datetime-local" name="to" value=current.to.clone() /></label>
                        <label>"Name starts with"<input type="search" name="name" value=current.name.clone() data-testid="filter-name" /></label>
                        <button type="submit" class="ghost">"Apply"</button>
                    </Form>
                    {page.problem.map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
                    {if page.rows.is_empty() {
                        view! { <p class="empty" data-testid="loops-empty">"No human loops match."</p> }.into_any()
                    } else {
                        view! {
                            <p class="muted" data-testid="loops-count">
                                {format!("Showing {shown} loop{}{}, newest first", if shown == 1 { "" } else { "s" }, if page.next.is_some() { format!(" (more pages of up to {PAGE_SIZE})") } else { String::new() })}
                            </p>
                            <table class="grid" data-testid="loops-table">
                                <thead><tr><th>"Name"</th><th>"Flow"</th><th>"Status"</th><th>"Created (UTC)"</th><th>"Finished (UTC)"</th></tr></thead>
                                <tbody>
                                    {page.rows.into_iter().map(|l| {
                                        let href = format!("/admin/loop/{}", l.name);
                                        let status_class = format!("status status-{}", l.status.to_lowercase());
                                        view! {
                                            <tr>
                                                <td><A href=href>{l.name}</A></td>
                                                <td>{l.flow}</td>
                                                <td><span class=status_class>{l.status}</span></td>
                                                <td>{l.created}</td>
                                                <td>{l.completed.unwrap_or_default()}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }}
                    <nav class="pager" aria-label="Pages">
                        {first_href.map(|href| view! { <A href=href>"← Newest"</A> })}
                        {next_href.map(|href| view! { <A href=href attr:data-testid="loops-next">"Older →"</A> })}
                    </nav>
                })
            })}
        </Suspense>
    }
}

#[component]
pub fn LoopDetailPage() -> impl IntoView {
    let params = use_params_map();
    let stop = ServerAction::<StopLoop>::new();
    let delete = ServerAction::<DeleteLoop>::new();
    let detail = Resource::new(
        move || {
            (
                params.with(|p| p.get("name").unwrap_or_default()),
                stop.version().get(),
            )
        },
        |(name, _)| loop_detail(name),
    );
    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                let Some(info) = detail.await? else {
                    return Ok::<_, ServerFnError>(view! {
                        <Title text="Loop not found" />
                        <h1>"Human loop not found"</h1>
                        <p>"No human loop has this name; it may have been deleted. "<A href="/admin/loops">"All loops"</A></p>
                    }.into_any());
                };
                let stop_name = info.name.clone();
                let delete_name = info.name.clone();
                let stop_field = info.name.clone();
                let delete_field = info.name.clone();
                Ok(view! {
                    <Title text=info.name.clone() />
                    <div class="page-head">
                        <h1 data-testid="loop-name">{info.name.clone()}</h1>
                        <div class="actions">
                            {info.can_stop.then(|| view! {
                                <ConfirmButton url={<StopLoop as ServerFn>::url()} field="name" value=stop_field label="Stop"
    question=format!("Stop the human loop {stop_name}? Tasks nobody holds are withdrawn at once.")
    pending=stop.pending()
    on_confirm=move |name: String| { stop.dispatch(StopLoop { name }); } />
                            })}
                            {info.can_delete.then(|| view! {
                                <ConfirmButton url={<DeleteLoop as ServerFn>::url()} field="name" value=delete_field label="Delete"
    question=format!("Delete the human loop {delete_name}? Its output files stay where they are.")
    pending=delete.pending()
    on_confirm=move |name: String| { delete.dispatch(DeleteLoop { name }); } />
                            })}
                        </div>
                    </div>
                    {move || stop.value().get().and_then(Result::err).or_else(|| delete.value().get().and_then(Result::err)).map(|e| view! { <p class="field-error" role="alert">{e.to_string()}</p> })}
                    <dl class="facts">
                        <dt>"HumanLoopArn"</dt><dd><code>{info.arn}</code></dd>
                        <dt>"HumanLoopStatus"</dt><dd data-testid="loop-status">{info.status}</dd>
                        {info.failure.map(|f| view! { <dt>"Failure"</dt><dd>{f}</dd> })}
                        <dt>"Flow definition"</dt><dd>{info.flow}</dd>
                        <dt>"Created (UTC)"</dt><dd>{info.created}</dd>
                        <dt>"Available until (UTC)"</dt><dd>{info.expires}</dd>
                        <dt>"Finished (UTC)"</dt><dd>{info.completed.unwrap_or_else(|| "–".to_owned())}</dd>
                        <dt>"Workers per item"</dt><dd>{info.task_count}</dd>
                        <dt>"Cost"</dt><dd data-testid="loop-cost">{info.cost}</dd>
                        <dt>"Output"</dt>
                        <dd>
                            {match (info.output_uri, info.output_link) {
                                (Some(uri), Some(link)) => view! { <a href=link data-testid="loop-output" target="_blank" rel="noopener"><code>{uri}</code></a> }.into_any(),
                                (Some(uri), None) => view! { <code>{uri}</code> }.into_any(),
                                (None, _) => view! { <span class="muted">"none yet"</span> }.into_any(),
                            }}
                        </dd>
                    </dl>
                    {(!info.frame_departures.is_empty()).then(|| view! {
                        <section class="alert-panel" role="alert" data-testid="frame-departures">
                            <h2>"The template left its frame"</h2>
                            <p>
                                "A worker's task page saw this loop's template navigate its frame to another page "
                                "(a script setting "<code>"location"</code>", or a link). That page may have received the "
                                "task's input and what the worker had entered. Loupe blanked the frame; fix the template."
                            </p>
                            <table class="grid">
                                <thead><tr><th>"#"</th><th>"Worker"</th><th>"Times"</th><th>"First (UTC)"</th><th>"Last (UTC)"</th></tr></thead>
                                <tbody>
                                    {info.frame_departures.iter().map(|d| view! {
                                        <tr>
                                            <td class="num">{d.slot}</td>
                                            <td>{d.worker.clone()}</td>
                                            <td class="num">{d.times}</td>
                                            <td>{d.first.clone()}</td>
                                            <td>{d.last.clone()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </section>
                    })}
                    <h2>"Tasks"</h2>
                    <table class="grid" data-testid="loop-tasks">
                        <thead><tr><th>"#"</th><th>"Status"</th><th>"Worker"</th><th>"Accepted"</th><th>"Submitted"</th><th>"Time spent"</th></tr></thead>
                        <tbody>
                            {info.tasks.iter().map(|t| view! {
                                <tr>
                                    <td class="num">{t.slot}</td>
                                    <td>{t.status.clone()}</td>
                                    <td>{t.worker.clone().unwrap_or_else(|| "–".to_owned())}</td>
                                    <td>{t.accepted.clone().unwrap_or_default()}</td>
                                    <td>{t.submitted.clone().unwrap_or_default()}</td>
                                    <td class="num">{t.time_spent.clone().unwrap_or_default()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    {info.tasks.iter().filter_map(|t| t.answer.clone().map(|a| (t.slot, t.worker.clone(), a))).map(|(slot, worker, answer)| view! {
                        <h3>{format!("Answer {} — {}", slot, worker.unwrap_or_default())}</h3>
                        <pre class="code" data-testid="loop-answer"><code>{answer}</code></pre>
                    }).collect_view()}
                    <h2>"Input"</h2>
                    <pre class="code" data-testid="loop-input"><code>{info.input}</code></pre>
                    {info.activation.map(|a| view! {
                        <h2>"Activation"</h2>
                        <pre class="code"><code>{a}</code></pre>
                    })}
                }.into_any())
            })}
        </Suspense>
    }
}
