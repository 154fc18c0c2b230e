//! The task page: the rendered template in a sandboxed frame, a countdown, and Submit /
//! Release / Decline. The frame is another (opaque) origin; it hands the answer over by
//! `postMessage`, and this page submits it through the worker API with the worker's session,
//! then claims the next task of the same queue and moves straight on to it.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::work::{TaskView, held_task};
use crate::pages::work::clock;

#[cfg(feature = "hydrate")]
mod browser;

/// The countdown turns to its warning colour for the last minute.
const WARNING_SECONDS: i64 = 60;

#[component]
pub fn TaskPage() -> impl IntoView {
    let params = use_params_map();
    let task_id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0)
    };
    // Keyed by task: the next task gets a page of its own (a new frame element, new listeners)
    // rather than the last one's DOM rebuilt in place, which would keep the old frame around.
    view! {
        <Title text="Task" />
        <For each=move || [task_id()] key=|id| *id let:id>
            <TaskLoader id />
        </For>
    }
}

#[component]
fn TaskLoader(id: i64) -> impl IntoView {
    let task = Resource::new(
        move || id,
        |id| {
            #[cfg(feature = "hydrate")]
            browser::mark_fetch();
            held_task(id)
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading the task…"</p> }>
            {move || Suspend::new(async move {
                match task.await {
                    Ok(Some(view)) => view! { <Workspace view /> }.into_any(),
                    Ok(None) => view! {
                        <h1>"This task is not yours any more"</h1>
                        <p data-testid="task-gone">"Its time ran out, it was already answered, or it belongs to someone else. Tasks whose time runs out go back to the queue."</p>
                        <p><A href="/work">"Back to your queues"</A></p>
                    }.into_any(),
                    Err(error) => view! {
                        <h1>"The task could not be loaded"</h1>
                        <p class="field-error" role="alert">{error.to_string()}</p>
                        <p><A href="/work">"Back to your queues"</A></p>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// What the page is doing, for the status line and to keep buttons from firing twice.
/// Only the browser moves between phases; the server renders `Working` or `Expired`.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Phase {
    Working,
    Busy(&'static str),
    Expired,
    /// Something went wrong; the task is still the worker's, so they may try again.
    Failed(String),
    /// The task is done with (answered or declined) but the next one could not be loaded.
    Stranded(String),
    /// The template's frame left Loupe's document and was blanked; the task is still held.
    Left,
}

#[component]
fn Workspace(view: TaskView) -> impl IntoView {
    let TaskView {
        task_id,
        flow,
        title,
        description,
        price_usd,
        time_limit_seconds,
        deadline_ms,
        server_now_ms,
    } = view;
    let left_at_load = (deadline_ms - server_now_ms).max(0);
    let remaining_ms = RwSignal::new(left_at_load);
    let phase = RwSignal::new(if left_at_load == 0 {
        Phase::Expired
    } else {
        Phase::Working
    });
    let help_open = RwSignal::new(false);
    let release_armed = RwSignal::new(false);
    let done = RwSignal::new(0u32);
    let frame = NodeRef::<leptos::html::Iframe>::new();
    // The frame is pointed at its task from here, once the page can hear it (an answer posted
    // before hydration would be lost), and by the element itself rather than an attribute the
    // view owns: when the next task replaces this one, the router reuses the DOM, and the old
    // frame must never show again.
    // Buttons work once hydrated; until then they are rendered disabled.
    let hydrated = RwSignal::new(false);
    // A short line for screen readers: the last minute, a new task.
    let announcement = RwSignal::new(String::new());

    #[cfg(feature = "hydrate")]
    let controls = browser::Controls::start(browser::Start {
        task_id,
        flow: flow.clone(),
        left_at_load,
        remaining_ms,
        phase,
        help_open,
        release_armed,
        done,
        frame,
        announcement,
    });
    Effect::new(move |_| {
        if let Some(frame) = frame.get() {
            frame.set_src(&format!("/work/frame/{task_id}"));
        }
        hydrated.set(true);
    });

    let seconds_left = move || (remaining_ms.get() + 999) / 1000;
    let countdown_class = move || {
        let left = seconds_left();
        if phase.get() == Phase::Expired || left == 0 {
            "countdown expired"
        } else if left <= WARNING_SECONDS {
            "countdown warning"
        } else {
            "countdown"
        }
    };
    let busy = move || !hydrated.get() || !matches!(phase.get(), Phase::Working);
    let cannot_let_go =
        move || !hydrated.get() || !matches!(phase.get(), Phase::Working | Phase::Left);
    let frame_title = format!("Task: {title}");
    let limit = clock(i64::from(time_limit_seconds));
    let status = move || {
        match phase.get() {
        Phase::Working => None,
        Phase::Busy(what) => Some(view! { <p class="task-status" role="status">{what}</p> }.into_any()),
        Phase::Expired => Some(view! {
            <p class="task-status expired" role="alert" data-testid="time-up">
                "Time is up: this task went back to the queue and can no longer be submitted."
                " "<A href="/work">"Back to your queues"</A>
            </p>
        }.into_any()),
        Phase::Failed(message) => Some(view! {
            <p class="task-status field-error" role="alert" data-testid="task-error">{message}</p>
        }.into_any()),
        Phase::Stranded(message) => Some(view! {
            <p class="task-status field-error" role="alert" data-testid="task-error">
                {message}" "<A href="/work">"Back to your queues"</A>
            </p>
        }.into_any()),
        Phase::Left => Some(view! {
            <div class="task-status field-error" role="alert" data-testid="frame-left">
                <p>
                    "This task's template opened another page inside the task, so Loupe closed it. "
                    "Anything entered in it is gone, and your admin has been told."
                </p>
                <p>
                    <button type="button" data-testid="show-again"
                        on:click=move |_| {
                            #[cfg(feature = "hydrate")]
                            controls.show_again();
                        }>
                        "Show the task again"
                    </button>
                    " or release or decline it."
                </p>
            </div>
        }.into_any()),
    }
    };
    view! {
        <div class="task-page" data-testid="task-page" data-task-id=task_id.to_string()>
            <header class="task-bar">
                <div class="task-heading">
                    <h1 tabindex="-1" data-testid="task-title">{title}</h1>
                    <p class="muted">
                        {description}
                        " · "{limit}" per task"
                        {price_usd.map(|price| view! { " · $"{price} })}
                        " · "{flow}
                    </p>
                </div>
                <div class=countdown_class role="timer" aria-label="Time left" data-testid="countdown">
                    {move || clock(seconds_left())}
                </div>
                <div class="task-actions">
                    <span class="done-count muted" data-testid="done-count" title="Tasks you submitted in this browser session">
                        {move || format!("{} done", done.get())}
                    </span>
                    <button type="button" class="primary" data-testid="submit" disabled=busy
                        on:click=move |_| {
                            #[cfg(feature = "hydrate")]
                            controls.submit();
                        }>
                        "Submit "<kbd>"Enter"</kbd>
                    </button>
                    <button type="button" data-testid="release" disabled=cannot_let_go
                        on:click=move |_| {
                            #[cfg(feature = "hydrate")]
                            controls.release();
                        }>
                        "Release "<kbd>"Esc"</kbd>
                    </button>
                    <button type="button" data-testid="decline" disabled=cannot_let_go
                        on:click=move |_| {
                            #[cfg(feature = "hydrate")]
                            controls.decline();
                        }>
                        "Decline"
                    </button>
                    <button type="button" class="link" aria-controls="shortcuts" aria-expanded=move || help_open.get().to_string()
                        on:click=move |_| help_open.update(|open| *open = !*open)>
                        "Shortcuts "<kbd>"?"</kbd>
                    </button>
                </div>
            </header>
            <p class="visually-hidden" aria-live="polite" data-testid="announcement">{move || announcement.get()}</p>
            {status}
            <Show when=move || release_armed.get() && phase.get() == Phase::Working>
                <p class="task-status" role="status" data-testid="release-confirm">
                    "Press "<kbd>"Esc"</kbd>" again to release this task back to the queue."
                </p>
            </Show>
            <Show when=move || help_open.get()>
                <ShortcutSheet on_close=Callback::new(move |_| help_open.set(false)) />
            </Show>
            <noscript>
                <p class="field-error">"Answering a task needs JavaScript: the template runs in the page, and the answer is sent from it."</p>
            </noscript>
            <iframe
                class="task-frame"
                title=frame_title
                sandbox="allow-scripts"
                node_ref=frame
                data-testid="task-frame"
                on:load=move |_| {
                    #[cfg(feature = "hydrate")]
                    controls.frame_loaded();
                }
            ></iframe>
        </div>
    }
}

#[component]
fn ShortcutSheet(on_close: Callback<()>) -> impl IntoView {
    view! {
        <section id="shortcuts" class="shortcuts" aria-label="Keyboard shortcuts" data-testid="shortcuts">
            <h2>"Keyboard shortcuts"</h2>
            <dl>
                <dt><kbd>"1"</kbd>"–"<kbd>"9"</kbd></dt><dd>"Pick that category (classifiers and label lists)"</dd>
                <dt><kbd>"Enter"</kbd></dt><dd>"Submit the answer"</dd>
                <dt><kbd>"Esc"</kbd>" "<kbd>"Esc"</kbd></dt><dd>"Release the task back to the queue (press twice)"</dd>
                <dt><kbd>"?"</kbd></dt><dd>"Show or hide this sheet"</dd>
            </dl>
            <button type="button" on:click=move |_| on_close.run(())>"Close"</button>
        </section>
    }
}
