//! The task page's browser side: the countdown, active time, the conversation with the
//! template's frame, the keyboard, and the worker API calls that submit, release, decline and
//! claim the next task.
//!
//! Messages with the frame (see `server/assets/crowd/README.md`): the page sends
//! `loupe:submit`, `loupe:pick` and `loupe:expired`; the frame sends `loupe:answer`,
//! `loupe:invalid` and `loupe:key` (keys pressed while the frame has focus). Only messages
//! whose source is this page's own frame are read. A frame that navigates away from Loupe's
//! document is blanked and reported ([`FrameWatch`]).

use std::cell::Cell;
use std::time::Duration;

use leptos::html::Iframe;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{KeyboardEvent, MessageEvent, Request, RequestInit, Response, VisibilityState};

use super::Phase;
use crate::pages::frame_message::{self, FrameMessage};
use crate::pages::frame_watch::FrameWatch;

/// Where this browser session's count of submitted tasks is kept.
const DONE_KEY: &str = "loupe.tasks-done";

/// How often the countdown is redrawn.
const TICK: Duration = Duration::from_millis(250);

/// How long a first Esc waits for the second that releases the task.
const RELEASE_CONFIRM: Duration = Duration::from_secs(3);

thread_local! {
    /// When this browser last asked the server for a task (see [`mark_fetch`]).
    static FETCHED_AT: Cell<Option<f64>> = const { Cell::new(None) };
}

/// Notes that the task page is fetching its task now. The server's "time left" is true when
/// it answers, so now is a safe anchor for the countdown (never more time shown than is left).
/// A page the server rendered was never fetched here: its anchor is when the page load began.
pub fn mark_fetch() {
    FETCHED_AT.with(|at| at.set(Some(js_sys::Date::now())));
}

/// Time the page was visible, the only time A2I counts in `timeSpentInSeconds`.
#[derive(Debug, Default)]
struct ActiveTime {
    counted_ms: f64,
    visible_since: Option<f64>,
}

impl ActiveTime {
    fn show(&mut self, now: f64) {
        self.visible_since.get_or_insert(now);
    }

    fn hide(&mut self, now: f64) {
        if let Some(since) = self.visible_since.take() {
            self.counted_ms += now - since;
        }
    }

    fn seconds(&self, now: f64) -> f64 {
        let running = self.visible_since.map_or(0.0, |since| now - since);
        (self.counted_ms + running) / 1000.0
    }
}

/// The router's navigation, kept for handlers that run outside the component.
type Navigate = Box<dyn Fn(&str)>;

/// Everything the page's handlers act on. All handles, so it is `Copy`.
#[derive(Clone, Copy)]
pub struct Controls {
    task_id: i64,
    flow: StoredValue<String>,
    phase: RwSignal<Phase>,
    help_open: RwSignal<bool>,
    release_armed: RwSignal<bool>,
    done: RwSignal<u32>,
    frame: NodeRef<Iframe>,
    announcement: RwSignal<String>,
    active: StoredValue<ActiveTime>,
    navigate: StoredValue<Navigate, LocalStorage>,
    watch: FrameWatch,
}

pub struct Start {
    pub task_id: i64,
    pub flow: String,
    pub left_at_load: i64,
    pub remaining_ms: RwSignal<i64>,
    pub phase: RwSignal<Phase>,
    pub help_open: RwSignal<bool>,
    /// A first Esc was pressed: the next one releases the task.
    pub release_armed: RwSignal<bool>,
    pub done: RwSignal<u32>,
    pub frame: NodeRef<Iframe>,
    pub announcement: RwSignal<String>,
}

impl Controls {
    /// Starts the countdown and the listeners; they stop when the page's component goes.
    pub fn start(start: Start) -> Self {
        let navigate = use_navigate();
        let now = js_sys::Date::now();
        let fetched_at = FETCHED_AT.with(Cell::take);
        // Rendered by the server and hydrated here, or opened in place of another task.
        let first = fetched_at.is_none();
        let mut active = ActiveTime::default();
        if document().visibility_state() == VisibilityState::Visible {
            active.show(now);
        }
        let watch = frame_left_watch(start.task_id, start.frame, start.phase, start.announcement);
        let controls = Self {
            task_id: start.task_id,
            flow: StoredValue::new(start.flow),
            phase: start.phase,
            help_open: start.help_open,
            release_armed: start.release_armed,
            done: start.done,
            frame: start.frame,
            announcement: start.announcement,
            active: StoredValue::new(active),
            navigate: StoredValue::new_local(Box::new(move |path: &str| {
                navigate(path, NavigateOptions::default())
            })),
            watch,
        };
        // After hydration: the server rendered "0 done" and hydration keeps its text.
        Effect::new(move |_| {
            controls.done.set(read_done());
            if !first {
                // A task opened without a page load: say so, and put focus on its title.
                let done = controls.done.get_untracked();
                controls
                    .announcement
                    .set(format!("Task loaded. {done} done."));
                if let Some(title) = document()
                    .query_selector("[data-testid=task-title]")
                    .ok()
                    .flatten()
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = title.focus();
                }
            }
        });

        // The deadline on this machine's clock, from the moment before the server answered.
        let anchor = fetched_at.unwrap_or_else(|| {
            window()
                .performance()
                .map(|p| p.time_origin())
                .unwrap_or(now)
        });
        let deadline = anchor + start.left_at_load as f64;
        let remaining_ms = start.remaining_ms;
        let warned = StoredValue::new(false);
        if let Ok(ticker) = set_interval_with_handle(
            move || {
                let left = (deadline - js_sys::Date::now()).max(0.0) as i64;
                remaining_ms.set(left);
                if left > 0 && left <= 60_000 && !warned.get_value() {
                    warned.set_value(true);
                    controls.announcement.set("One minute left.".to_owned());
                }
                let answerable = matches!(
                    controls.phase.get_untracked(),
                    Phase::Working | Phase::Failed(_) | Phase::Left
                );
                if left == 0 && answerable {
                    controls.expire();
                }
            },
            TICK,
        ) {
            on_cleanup(move || ticker.clear());
        }
        let messages = window_event_listener(leptos::ev::message, move |event| {
            controls.on_message(&event);
        });
        let keys = window_event_listener(leptos::ev::keydown, move |event| {
            controls.on_key(&event);
        });
        let visibility = window_event_listener_untyped("visibilitychange", move |_| {
            let now = js_sys::Date::now();
            let visible = document().visibility_state() == VisibilityState::Visible;
            controls.active.update_value(|active| {
                if visible {
                    active.show(now)
                } else {
                    active.hide(now)
                }
            });
        });
        on_cleanup(move || {
            messages.remove();
            keys.remove();
            visibility.remove();
        });
        controls
    }

    fn working(&self) -> bool {
        matches!(self.phase.try_get_untracked(), Some(Phase::Working))
    }

    /// Release and decline stay open when the frame left: the task is still the worker's.
    fn can_let_go(&self) -> bool {
        matches!(
            self.phase.try_get_untracked(),
            Some(Phase::Working | Phase::Left)
        )
    }

    /// The frame's `load` event.
    pub fn frame_loaded(self) {
        self.watch.loaded();
    }

    /// After the frame left: load the task's own document into it again (what was entered
    /// in it is gone).
    pub fn show_again(self) {
        if self.phase.get_untracked() != Phase::Left {
            return;
        }
        self.watch.rearm();
        self.phase.set(Phase::Working);
        if let Some(frame) = self.frame.get_untracked() {
            frame.set_src(&format!("/work/frame/{}", self.task_id));
        }
    }

    /// Whether the page these controls belong to is still shown: async work that finishes
    /// after the worker moved on must neither touch it nor navigate.
    fn alive(&self) -> bool {
        self.phase.try_get_untracked().is_some()
    }

    /// Submit asks the frame for its answer: the form validates itself, then answers.
    pub fn submit(self) {
        if self.working() {
            self.post_to_frame("loupe:submit", &[]);
        }
    }

    pub fn release(self) {
        if !self.can_let_go() {
            return;
        }
        self.phase.set(Phase::Busy("Releasing the task…"));
        spawn_local(async move {
            let outcome = post(&format!("/work/api/tasks/{}/release", self.task_id), None).await;
            if !self.alive() {
                return;
            }
            match outcome {
                Ok((status, _)) if is_success(status) => self.go("/work"),
                outcome => self.failed(outcome, "The task could not be released"),
            }
        });
    }

    pub fn decline(self) {
        if !self.can_let_go() {
            return;
        }
        self.phase.set(Phase::Busy("Declining the task…"));
        spawn_local(async move {
            let outcome = post(&format!("/work/api/tasks/{}/decline", self.task_id), None).await;
            if !self.alive() {
                return;
            }
            match outcome {
                Ok((status, _)) if is_success(status) => self.next().await,
                outcome => self.failed(outcome, "The task could not be declined"),
            }
        });
    }

    pub fn toggle_help(self) {
        self.help_open.update(|open| *open = !*open);
    }

    fn expire(self) {
        self.phase.set(Phase::Expired);
        self.announcement
            .set("Time is up. The task went back to the queue.".to_owned());
        self.post_to_frame("loupe:expired", &[]);
    }

    fn on_message(self, event: &MessageEvent) {
        let Some(message) = FrameMessage::read(event, self.frame) else {
            return;
        };
        self.watch.heard(&message.kind);
        let field = |name: &str| message.field(name);
        match message.kind.as_str() {
            "loupe:answer" => {
                let answer = field("answer")
                    .and_then(|answer| js_sys::JSON::stringify(&answer).ok())
                    .and_then(|json| json.as_string());
                if let Some(answer) = answer {
                    self.send_answer(answer);
                }
            }
            "loupe:invalid" => {
                // The frame marks the field; this says it where a screen reader hears it, and
                // hands focus to the frame so the worker can fix it from the keyboard.
                let why = field("message")
                    .and_then(|m| m.as_string())
                    .unwrap_or_else(|| "Some answers are missing.".to_owned());
                self.announcement.set(format!("Not sent: {why}"));
                if let Some(frame) = self.frame.get_untracked() {
                    let _ = frame.focus();
                }
            }
            "loupe:key" => match field("key").and_then(|k| k.as_string()).as_deref() {
                Some("Escape") => self.escape(),
                Some("?") => self.toggle_help(),
                _ => {}
            },
            _ => {}
        }
    }

    /// Esc closes the shortcut sheet, or asks to release: a stray key must not throw away
    /// the work on a task, so only a second Esc within a few seconds releases it.
    fn escape(self) {
        if self.help_open.get_untracked() {
            self.help_open.set(false);
        } else if self.release_armed.get_untracked() {
            self.release_armed.set(false);
            self.release();
        } else if self.working() {
            self.release_armed.set(true);
            self.announcement
                .set("Press Escape again to release this task.".to_owned());
            set_timeout(
                move || {
                    self.release_armed.try_set(false);
                },
                RELEASE_CONFIRM,
            );
        }
    }

    fn on_key(self, event: &KeyboardEvent) {
        if event.default_prevented() || event.ctrl_key() || event.meta_key() || event.alt_key() {
            return;
        }
        let target = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map(|e| e.tag_name().to_ascii_lowercase());
        let typing = matches!(target.as_deref(), Some("input" | "textarea" | "select"));
        let on_button = matches!(target.as_deref(), Some("button" | "a"));
        match event.key().as_str() {
            "?" if !typing => self.toggle_help(),
            "Escape" => self.escape(),
            // A focused button or link answers Enter itself.
            "Enter" if !typing && !on_button => {
                event.prevent_default();
                self.submit();
            }
            digit @ ("1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9") if !typing => {
                let index = digit.parse::<u32>().unwrap_or(1) - 1;
                self.post_to_frame("loupe:pick", &[("index", JsValue::from(index))]);
            }
            _ => {}
        }
    }

    fn send_answer(self, answer: String) {
        if !self.working() {
            return;
        }
        self.phase.set(Phase::Busy("Submitting…"));
        let seconds = self
            .active
            .with_value(|active| active.seconds(js_sys::Date::now()));
        let body = format!(r#"{{"answer":{answer},"timeSpentInSeconds":{seconds:.3}}}"#);
        spawn_local(async move {
            let url = format!("/work/api/tasks/{}/submit", self.task_id);
            let outcome = post(&url, Some(&body)).await;
            if !self.alive() {
                return;
            }
            match outcome {
                Ok((status, _)) if is_success(status) => {
                    let done = self.done.get_untracked() + 1;
                    self.done.set(done);
                    write_done(done);
                    self.next().await;
                }
                Ok((_, body)) if error_code(&body).as_deref() == Some("TimeUp") => self.expire(),
                outcome => self.failed(outcome, "The answer was not accepted"),
            }
        });
    }

    /// Claims the next task of the same queue and shows it; back to the queues when none waits.
    async fn next(self) {
        let Some(flow) = self.flow.try_get_value() else {
            return;
        };
        self.phase.set(Phase::Busy("Loading the next task…"));
        let body = serde_json::json!({ "flow": flow }).to_string();
        let outcome = post("/work/api/tasks/claim", Some(&body)).await;
        if !self.alive() {
            return;
        }
        match outcome {
            Ok((200, body)) => {
                let task = serde_json::from_str::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|claimed| claimed["taskId"].as_i64());
                match task {
                    Some(task) => self.go(&format!("/work/task/{task}")),
                    None => self.go("/work"),
                }
            }
            Ok((204, _)) => self.go("/work?done=1"),
            // This task is finished with either way: never offer it again.
            outcome => {
                let why = reason(outcome);
                self.phase.set(Phase::Stranded(format!(
                    "Done, but the next task could not be loaded: {why}."
                )));
            }
        }
    }

    fn go(self, path: &str) {
        let _ = self.navigate.try_with_value(|navigate| navigate(path));
    }

    fn failed(self, outcome: Result<(u16, String), String>, what: &str) {
        // Not (or no longer) this worker's task: nothing to retry here.
        if let Ok((_, body)) = &outcome
            && matches!(error_code(body).as_deref(), Some("NotHeld" | "NotFound"))
        {
            self.go("/work?gone=1");
            return;
        }
        self.phase
            .set(Phase::Failed(format!("{what}: {}.", reason(outcome))));
        // The worker may try again while the task is still theirs.
        set_timeout(
            move || {
                if matches!(self.phase.try_get_untracked(), Some(Phase::Failed(_))) {
                    self.phase.set(Phase::Working);
                }
            },
            Duration::from_secs(4),
        );
    }

    fn post_to_frame(self, kind: &str, fields: &[(&str, JsValue)]) {
        frame_message::post(self.frame, kind, fields);
    }
}

/// Watches the task's frame; when it leaves Loupe's document, the page says so and tells the
/// server, which keeps it for the admin's loop page.
fn frame_left_watch(
    task_id: i64,
    frame: NodeRef<Iframe>,
    phase: RwSignal<Phase>,
    announcement: RwSignal<String>,
) -> FrameWatch {
    FrameWatch::new(frame, move || {
        if !matches!(
            phase.try_get_untracked(),
            Some(Phase::Working | Phase::Failed(_))
        ) {
            return;
        }
        phase.set(Phase::Left);
        announcement
            .set("The task's page was closed: its template opened another page.".to_owned());
        spawn_local(async move {
            let url = format!("/work/api/tasks/{task_id}/frame-left");
            match post(&url, None).await {
                Ok((status, _)) if is_success(status) => {}
                outcome => {
                    leptos::logging::warn!("the frame report was not kept: {}", reason(outcome))
                }
            }
        });
    })
}

/// Why a call failed, in words for the worker.
fn reason(outcome: Result<(u16, String), String>) -> String {
    match outcome {
        Ok((status, body)) => error_message(&body).unwrap_or_else(|| format!("HTTP {status}")),
        Err(error) => format!("{error}; check your connection and try again"),
    }
}

fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

fn error_field(body: &str, field: &str) -> Option<String> {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|error| error[field].as_str().map(str::to_owned))
}

fn error_code(body: &str) -> Option<String> {
    error_field(body, "code")
}

fn error_message(body: &str) -> Option<String> {
    error_field(body, "error")
}

fn read_done() -> u32 {
    window()
        .session_storage()
        .ok()
        .flatten()
        .and_then(|storage| storage.get_item(DONE_KEY).ok().flatten())
        .and_then(|count| count.parse().ok())
        .unwrap_or(0)
}

fn write_done(count: u32) {
    if let Ok(Some(storage)) = window().session_storage() {
        let _ = storage.set_item(DONE_KEY, &count.to_string());
    }
}

/// A same-origin POST with the session cookie and the page's CSRF token (browsers that send
/// fetch metadata would pass without it; plain-HTTP origins and older ones do not send it).
async fn post(url: &str, body: Option<&str>) -> Result<(u16, String), String> {
    let init = RequestInit::new();
    init.set_method("POST");
    let headers = web_sys::Headers::new().map_err(js_error)?;
    headers
        .set("x-csrf-token", &crate::session::csrf_token())
        .map_err(js_error)?;
    if let Some(body) = body {
        headers
            .set("content-type", "application/json")
            .map_err(js_error)?;
        init.set_body(&JsValue::from_str(body));
    }
    init.set_headers(&headers);
    let request = Request::new_with_str_and_init(url, &init).map_err(js_error)?;
    let response: Response = JsFuture::from(window().fetch_with_request(&request))
        .await
        .map_err(js_error)?
        .dyn_into()
        .map_err(js_error)?;
    let text = JsFuture::from(response.text().map_err(js_error)?)
        .await
        .map_err(js_error)?
        .as_string()
        .unwrap_or_default();
    Ok((response.status(), text))
}

fn js_error(error: JsValue) -> String {
    error
        .as_string()
        .or_else(|| {
            error
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| "the browser refused the request".to_owned())
}
