//! The worker area: open to every signed-in person (admins included).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Outlet, Redirect};

use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::work::{QueueRow, QueuesView, StartWorking, my_teams, work_queues};
use crate::pages::chrome::{Area, Chrome};
use crate::session::use_viewer;

#[component]
pub fn WorkLayout() -> impl IntoView {
    match use_viewer() {
        Some(_) => view! { <Chrome area=Area::Work><Outlet /></Chrome> }.into_any(),
        None => view! { <Redirect path="/login" /> }.into_any(),
    }
}

#[component]
pub fn QueuePage() -> impl IntoView {
    let query = use_query_map();
    let start = ServerAction::<StartWorking>::new();
    let queues = Resource::new(move || start.version().get(), |_| work_queues());
    let notice = move || {
        let query = query.read();
        if query.get("done").is_some() {
            Some("All caught up: no task is waiting for you right now.")
        } else if query.get("empty").is_some() {
            Some("Nothing is waiting in that queue right now.")
        } else if query.get("gone").is_some() {
            Some("That task is no longer yours: its time ran out, or it was already answered.")
        } else {
            None
        }
    };
    view! {
        <Title text="Tasks" />
        <h1>"Tasks"</h1>
        {move || notice().map(|text| view! { <p class="notice" role="status" data-testid="queue-notice">{text}</p> })}
        {move || start.value().get().and_then(Result::err).map(|e| view! {
            <p class="field-error" role="alert" data-testid="start-error">{server_message(&e)}</p>
        })}
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                queues.await.map(|QueuesView { queues, held }| {
                    let held_view = (!held.is_empty()).then(|| view! {
                        <section class="held" aria-labelledby="held-heading" data-testid="held-tasks">
                            <h2 id="held-heading">"Tasks you hold"</h2>
                            <ul>
                                {held.into_iter().map(|task| {
                                    let href = format!("/work/task/{}", task.task_id);
                                    let left = clock(task.seconds_left);
                                    view! { <li><A href=href>{task.title}</A>" · "<span class="muted">{left}" left"</span></li> }
                                }).collect_view()}
                            </ul>
                        </section>
                    });
                    let list = if queues.is_empty() {
                        view! { <p class="empty" data-testid="no-queues">"No flow definition sends tasks to your teams yet. An admin can add you to a work team, or point a flow at yours."</p> }.into_any()
                    } else {
                        let total: i64 = queues.iter().map(|q| q.available).sum();
                        view! {
                            <ul class="queues" data-testid="queues">
                                {queues.into_iter().map(|queue| view! { <QueueCard queue start /> }).collect_view()}
                            </ul>
                            <ActionForm action=start attr:class="inline-form">
                                <input type="hidden" name="flow" value="" />
                                <button type="submit" class="secondary" disabled=move || total == 0 || start.pending().get() data-testid="start-any">"Start with any queue"</button>
                            </ActionForm>
                        }.into_any()
                    };
                    view! { {held_view} {list} }
                })
            })}
        </Transition>
    }
}

#[component]
fn QueueCard(queue: QueueRow, start: ServerAction<StartWorking>) -> impl IntoView {
    let QueueRow {
        flow,
        title,
        description,
        keywords,
        price_usd,
        time_limit_seconds,
        available,
        more_waiting,
    } = queue;
    let limit = clock(i64::from(time_limit_seconds));
    let waiting = match (available, more_waiting) {
        (n, true) => format!("{n}+ tasks waiting for you"),
        (1, false) => "1 task waiting for you".to_owned(),
        (n, false) => format!("{n} tasks waiting for you"),
    };
    let testid = format!("queue-{flow}");
    view! {
        <li class="queue" data-testid=testid>
            <div class="queue-text">
                <h2>{title}</h2>
                <p>{description}</p>
                <p class="queue-facts">
                    <span data-testid="waiting">{waiting}</span>
                    " · "<span>{limit}" per task"</span>
                    {price_usd.map(|price| view! { " · "<span>"$"{price}" per task"</span> })}
                    " · "<span class="muted">{flow.clone()}</span>
                </p>
                {(!keywords.is_empty()).then(|| view! {
                    <ul class="keywords" aria-label="Keywords">
                        {keywords.into_iter().map(|k| view! { <li>{k}</li> }).collect_view()}
                    </ul>
                })}
            </div>
            <ActionForm action=start attr:class="inline-form">
                <input type="hidden" name="flow" value=flow />
                <button type="submit" class="primary" disabled=move || available == 0 || start.pending().get()>"Start working"</button>
            </ActionForm>
        </li>
    }
}

/// `m:ss`, or `h:mm:ss` from an hour up.
pub fn clock(seconds: i64) -> String {
    let seconds = seconds.max(0);
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// A server function's message without its prefix.
fn server_message(error: &ServerFnError) -> String {
    match error {
        ServerFnError::ServerError(message) => message.clone(),
        other => other.to_string(),
    }
}

#[component]
pub fn MyTeamsPage() -> impl IntoView {
    let teams = Resource::new(|| (), |_| my_teams());
    view! {
        <Title text="My teams" />
        <h1>"My teams"</h1>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                teams.await.map(|rows| {
                    if rows.is_empty() {
                        return view! { <p class="empty" data-testid="no-teams">"You are not in any work team yet. An admin can add you to one."</p> }.into_any();
                    }
                    view! {
                        <ul class="teams" data-testid="my-teams">
                            {rows.into_iter().map(|t| view! { <li><strong>{t.name}</strong>" — "{t.description}</li> }).collect_view()}
                        </ul>
                    }.into_any()
                })
            })}
        </Suspense>
    }
}
