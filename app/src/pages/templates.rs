//! Worker task templates in the admin area: the list, a new template started from a starter
//! with a live preview, and one template's page with its details, preview and delete.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::templates::{
    CreateTemplate, DeleteTemplate, Preview, list_templates, preview_template, template_detail,
    template_starters,
};
use crate::pages::chrome::{
    CodeArea, ConfirmButton, FieldMessages, Loading, WHOLE_FORM, answer_errors,
};

#[component]
pub fn TemplatesPage() -> impl IntoView {
    let templates = Resource::new(|| (), |_| list_templates());
    view! {
        <Title text="Templates" />
        <div class="page-head">
            <h1>"Worker task templates"</h1>
            <A href="/admin/templates/new" attr:class="button primary">"New template"</A>
        </div>
        <p class="lead">"HTML with Liquid and crowd elements, rendered for each task with the loop's input as "<code>"task.input"</code>". Flow definitions name one by its ARN."</p>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                templates.await.map(|rows| {
                    if rows.is_empty() {
                        return view! { <p class="empty">"No templates yet. Start one from a starter."</p> }.into_any();
                    }
                    let count = rows.len();
                    view! {
                        <p class="muted" data-testid="templates-count">{format!("{count} template{}", if count == 1 { "" } else { "s" })}</p>
                        <table class="grid" data-testid="templates-table">
                            <thead><tr><th>"Name"</th><th>"Status"</th><th>"Created (UTC)"</th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|t| {
                                    let href = format!("/admin/template/{}", t.name);
                                    view! { <tr><td><A href=href>{t.name}</A></td><td>{t.status}</td><td>{t.created}</td></tr> }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                })
            })}
        </Suspense>
    }
}

/// The frame [`LivePreview`] posts into.
const PREVIEW_FRAME: &str = "template-preview";

/// The rendered template, live, in the very frame a worker gets: sandboxed, with Loupe's crowd
/// elements running, no access to this page or its cookies. Each change renders on the server
/// (the same renderer workers get) for the error message and the HTML; once a render succeeds,
/// a hidden form posts the template and input into the frame, which loads them from
/// `/admin/preview-frame` with the worker frame's content policy. Submitting the form in the
/// frame shows the answer JSON a worker's submit would send. Needs the hydrated page.
#[component]
fn LivePreview(content: ReadSignal<String>, input: ReadSignal<String>) -> impl IntoView {
    let preview = LocalResource::new(move || preview_template(content.get(), input.get()));
    // The last answer stays until the next one arrives: blanking the frame while a new render
    // is on its way would make it flicker (and reload twice).
    let (last, set_last) = signal(None::<Result<Preview, String>>);
    let form = NodeRef::<leptos::html::Form>::new();
    let frame = NodeRef::<leptos::html::Iframe>::new();
    let (answer, set_answer) = signal(None::<String>);
    // The template navigated the preview away from Loupe's frame document.
    let (left, set_left) = signal(false);
    #[cfg(feature = "hydrate")]
    let watch = crate::pages::frame_watch::FrameWatch::new(frame, move || set_left.set(true));
    Effect::new(move |_| {
        if let Some(answer) = preview.get() {
            set_last.set(Some(answer.map_err(|e| e.to_string())));
        }
    });
    let result = move || last.get();
    let html = move || match result() {
        Some(Ok(p)) => p.html,
        _ => None,
    };
    let error = move || match result() {
        Some(Ok(p)) => p.error,
        Some(Err(e)) => Some(e),
        None => None,
    };
    // A render that succeeded reloads the frame with it.
    Effect::new(move |_| {
        if html().is_some()
            && let Some(form) = form.get()
        {
            set_answer.set(None);
            set_left.set(false);
            #[cfg(feature = "hydrate")]
            watch.rearm();
            let _ = form.submit();
        }
    });
    #[cfg(feature = "hydrate")]
    {
        let messages = window_event_listener(leptos::ev::message, move |event| {
            preview_message(&event, frame, watch, set_answer);
        });
        on_cleanup(move || messages.remove());
    }
    view! {
        <section class="preview" aria-label="Preview">
            <h2>"Preview"</h2>
            {move || result().is_none().then(|| view! { <p class="muted">"Rendering…"</p> })}
            {move || error().map(|message| view! {
                <p class="field-error" role="alert" data-testid="preview-error">{message}</p>
            })}
            <form method="post" action="/admin/preview-frame" target=PREVIEW_FRAME node_ref=form hidden>
                <input type="hidden" name="content" prop:value=move || content.get() />
                <input type="hidden" name="input" prop:value=move || input.get() />
            </form>
            <iframe
                class="preview-frame"
                title="Template preview"
                name=PREVIEW_FRAME
                sandbox="allow-scripts"
                node_ref=frame
                data-testid="preview-frame"
                on:load=move |_| {
                    #[cfg(feature = "hydrate")]
                    watch.loaded();
                }
            ></iframe>
            {move || left.get().then(|| view! {
                <p class="field-error" role="alert" data-testid="preview-left">
                    "This template navigated its frame to another page (a script setting "<code>"location"</code>
                    ", or a link), which can carry a task's input and answers to another host. Loupe blanked "
                    "the preview; a worker's task page does the same and reports it on the loop's page."
                </p>
            })}
            {move || answer.get().map(|json| view! {
                <section class="preview-answer" aria-live="polite" data-testid="preview-answer">
                    <h3>"The answer this form sends"</h3>
                    <pre><code>{json}</code></pre>
                </section>
            })}
            <details class="rendered-source">
                <summary>"Rendered HTML"</summary>
                <pre data-testid="preview-html"><code>{move || html().unwrap_or_default()}</code></pre>
            </details>
        </section>
    }
}

/// Reads a message from the preview's own frame: its height, and the answer of a submit.
#[cfg(feature = "hydrate")]
fn preview_message(
    event: &web_sys::MessageEvent,
    frame: NodeRef<leptos::html::Iframe>,
    watch: crate::pages::frame_watch::FrameWatch,
    set_answer: WriteSignal<Option<String>>,
) {
    use wasm_bindgen::JsValue;
    let Some(message) = crate::pages::frame_message::FrameMessage::read(event, frame) else {
        return;
    };
    watch.heard(&message.kind);
    let Some(element) = frame.get_untracked() else {
        return;
    };
    match message.kind.as_str() {
        "loupe:answer" => {
            let json = message
                .field("answer")
                .and_then(|answer| {
                    js_sys::JSON::stringify_with_replacer_and_space(
                        &answer,
                        &JsValue::NULL,
                        &JsValue::from(2),
                    )
                    .ok()
                })
                .and_then(|json| json.as_string());
            set_answer.set(json);
        }
        "loupe:ready" | "loupe:height" => {
            if let Some(height) = message.field("height").and_then(|h| h.as_f64()) {
                // Grows with the form, within reason, so the editor stays on screen.
                let height = height.clamp(240.0, 1600.0) + 4.0;
                let _ = element.set_attribute("style", &format!("height: {height}px"));
            }
        }
        _ => {}
    }
}

#[component]
pub fn NewTemplatePage() -> impl IntoView {
    let starters = Resource::new(|| (), |_| template_starters());
    let query = use_query_map();
    view! {
        <Title text="New template" />
        <h1>"New worker task template"</h1>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                let starters = starters.await?;
                let chosen = query.with(|q| q.get("starter")).unwrap_or_default();
                let starter = starters.iter().find(|s| s.id == chosen).cloned();
                let picker = starters.iter().map(|s| {
                    let href = format!("/admin/templates/new?starter={}", s.id);
                    let current = s.id == chosen;
                    let test_id = format!("starter-{}", s.id);
                    let title = s.title.clone();
                    let description = s.description.clone();
                    view! {
                        <li>
                            <A href=href attr:aria-current=current.then_some("true") attr:data-testid=test_id>{title}</A>
                            <span class="muted">{description}</span>
                        </li>
                    }
                }).collect::<Vec<_>>();
                Ok::<_, ServerFnError>(view! {
                    <nav class="starters" aria-label="Starter templates">
                        <h2>"Start from"</h2>
                        <ul>{picker}</ul>
                    </nav>
                    <TemplateForm
                        name=starter.as_ref().map(|s| s.id.clone()).unwrap_or_default()
                        content=starter.as_ref().map(|s| s.content.clone()).unwrap_or_else(|| "<crowd-form>\n  <p>{{ task.input.taskObject }}</p>\n</crowd-form>\n".to_owned())
                        input=starter.map(|s| s.sample_input).unwrap_or_else(|| "{\n  \"taskObject\": \"Something to review\"\n}".to_owned())
                    />
                })
            })}
        </Suspense>
    }
}

/// A sample `task.input` and the template rendered against it, side by side with the template.
#[component]
fn SamplePreview(
    content: ReadSignal<String>,
    input: String,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let (input, set_input) = signal(input);
    view! {
        <div class="stack">
            <label for="sample-input">"Sample task.input (JSON)"</label>
            {hint.map(|hint| view! { <p class="hint">{hint}</p> })}
            <CodeArea id="sample-input" rows=8 value=input on_edit=move |text| set_input.set(text) />
            <LivePreview content input />
        </div>
    }
}

#[component]
fn TemplateForm(name: String, content: String, input: String) -> impl IntoView {
    let create = ServerAction::<CreateTemplate>::new();
    let (content, set_content) = signal(content);
    let errors = Signal::derive(move || {
        answer_errors(create.value().get(), WHOLE_FORM, |outcome| outcome.errors)
    });
    view! {
        <div class="editor">
            <ActionForm action=create attr:class="stack" attr:data-testid="template-form">
                <label for="template-name">"HumanTaskUiName"</label>
                <p class="hint">"1–63 lower-case letters, digits and hyphens. Part of the template's ARN; it cannot change later."</p>
                <input id="template-name" type="text" name="name" required value=name autocomplete="off" aria-describedby="name-errors" />
                <FieldMessages errors field="name" />
                <label for="template-content">"UiTemplate.Content"</label>
                <p class="hint">"HTML with Liquid. Output is HTML-escaped unless piped through "<code>"skip_autoescape"</code>"; use "<code>"grant_read_access"</code>" for S3 objects."</p>
                <CodeArea id="template-content" name="content" rows=18 described_by="content-errors"
                    value=content on_edit=move |text| set_content.set(text) />
                <FieldMessages errors field="content" />
                <FieldMessages errors field="form" />
                <button type="submit" class="primary" disabled=move || create.pending().get()>
                    {move || if create.pending().get() { "Creating…" } else { "Create template" }}
                </button>
            </ActionForm>
            <SamplePreview content input hint="Only for the preview; loops bring their own input." />
        </div>
    }
}

#[component]
pub fn TemplateDetailPage() -> impl IntoView {
    let params = use_params_map();
    let detail = Resource::new(
        move || params.with(|p| p.get("name").unwrap_or_default()),
        template_detail,
    );
    let delete = ServerAction::<DeleteTemplate>::new();
    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                let Some(ui) = detail.await? else {
                    return Ok::<_, ServerFnError>(view! {
                        <Title text="Template not found" />
                        <h1>"Template not found"</h1>
                        <p>"No worker task template has this name. "<A href="/admin/templates">"All templates"</A></p>
                    }.into_any());
                };
                let (content, _) = signal(ui.content.clone());
                let name = ui.name.clone();
                Ok(view! {
                    <Title text=ui.name.clone() />
                    <div class="page-head">
                        <h1 data-testid="template-name">{ui.name.clone()}</h1>
                        <ConfirmButton url={<DeleteTemplate as ServerFn>::url()} field="name" value=ui.name.clone() label="Delete"
                            question=format!("Delete the template {name}? Flow definitions that use it will stop taking new loops.")
                            pending=delete.pending()
                            on_confirm=move |name: String| { delete.dispatch(DeleteTemplate { name }); } />
                    </div>
                    {move || delete.value().get().and_then(Result::err).map(|e| view! { <p class="field-error" role="alert">{e.to_string()}</p> })}
                    <dl class="facts">
                        <dt>"HumanTaskUiArn"</dt><dd><code data-testid="template-arn">{ui.arn}</code></dd>
                        <dt>"HumanTaskUiStatus"</dt><dd>{ui.status}</dd>
                        <dt>"CreationTime (UTC)"</dt><dd>{ui.created}</dd>
                        <dt>"ContentSha256"</dt><dd><code>{ui.sha256}</code></dd>
                    </dl>
                    <div class="editor">
                        <div class="stack">
                            <h2>"UiTemplate.Content"</h2>
                            <pre class="code" data-testid="template-content"><code>{ui.content}</code></pre>
                        </div>
                        <SamplePreview content input="{}".to_owned() />
                    </div>
                }.into_any())
            })}
        </Suspense>
    }
}
