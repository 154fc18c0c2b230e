//! Worker task templates in the admin area: the list, a new template started from a starter
//! with a live preview, and one template's page with its details, preview and delete, its
//! uploaded assets, the origins its frame may load from (with a warning whenever there are
//! any) and the trail of who changed either.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::form_errors::FieldError;
use crate::api::templates::{
    AllowTemplateOrigin, AssetsAndOrigins, CreateTemplate, DeleteTemplate, DeleteTemplateAsset,
    Preview, RemoveTemplateOrigin, list_templates, preview_template, template_detail,
    template_extras, template_starters,
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
fn LivePreview(
    content: ReadSignal<String>,
    input: ReadSignal<String>,
    /// The stored template whose assets and origins apply ("" for one not saved yet).
    template: String,
    /// Changes when those assets or origins do, so the preview renders again.
    refresh: Signal<usize>,
) -> impl IntoView {
    let stored = template.clone();
    let preview = LocalResource::new(move || {
        refresh.track();
        preview_template(content.get(), input.get(), stored.clone())
    });
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
                <input type="hidden" name="template" value=template />
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
    #[prop(optional)] template: String,
    #[prop(optional, into)] refresh: Signal<usize>,
) -> impl IntoView {
    let (input, set_input) = signal(input);
    view! {
        <div class="stack">
            <label for="sample-input">"Sample task.input (JSON)"</label>
            {hint.map(|hint| view! { <p class="hint">{hint}</p> })}
            <CodeArea id="sample-input" rows=8 value=input on_edit=move |text| set_input.set(text) />
            <LivePreview content input template refresh />
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
    let delete_asset = ServerAction::<DeleteTemplateAsset>::new();
    let allow = ServerAction::<AllowTemplateOrigin>::new();
    let remove = ServerAction::<RemoveTemplateOrigin>::new();
    let (uploads, set_uploads) = signal(0usize);
    // Any change to assets or origins: the lists and the preview load again.
    let changes = Signal::derive(move || {
        uploads.get()
            + delete_asset.version().get()
            + allow.version().get()
            + remove.version().get()
    });
    let extras = Resource::new(
        move || {
            (
                params.with(|p| p.get("name").unwrap_or_default()),
                changes.get(),
            )
        },
        |(name, _)| template_extras(name),
    );
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
                let template = ui.name.clone();
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
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            extras.await.ok().map(|extras| view! { <OriginsBanner extras /> })
                        })}
                    </Transition>
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
                        <SamplePreview content input="{}".to_owned() template=template.clone() refresh=changes />
                    </div>
                    <TemplateExtrasSections template extras delete_asset allow remove
                        on_uploaded=Callback::new(move |()| set_uploads.update(|n| *n += 1)) />
                }.into_any())
            })}
        </Suspense>
    }
}

/// The warning at the top of a template's page while its frame may load from other origins.
#[component]
fn OriginsBanner(extras: AssetsAndOrigins) -> impl IntoView {
    (!extras.origins.is_empty()).then(|| {
        let list = extras
            .origins
            .iter()
            .map(|o| view! { <li><code>{o.origin.clone()}</code></li> })
            .collect_view();
        view! {
            <div class="banner-warning" role="alert" data-testid="origins-banner">
                <strong>"This template's frame loads content from outside Loupe."</strong>
                <p>"Workers' browsers fetch scripts, styles, images, media and fonts for it from:"</p>
                <ul>{list}</ul>
                <p>"Those hosts see each worker's address, and a script from them runs with the template's access to the task. Every template without allowed origins loads only from Loupe. Remove an origin as soon as the template no longer needs it."</p>
            </div>
        }
    })
}

/// Assets, allowed origins and the trail of changes on a template's page.
#[component]
fn TemplateExtrasSections(
    template: String,
    extras: Resource<Result<AssetsAndOrigins, ServerFnError>>,
    delete_asset: ServerAction<DeleteTemplateAsset>,
    allow: ServerAction<AllowTemplateOrigin>,
    remove: ServerAction<RemoveTemplateOrigin>,
    on_uploaded: Callback<()>,
) -> impl IntoView {
    let origin_errors = Signal::derive(move || {
        [
            answer_errors(allow.value().get(), "origin", |outcome| outcome.errors),
            answer_errors(remove.value().get(), "origin", |()| Vec::new()),
        ]
        .concat()
    });
    let asset_errors = Signal::derive(move || {
        answer_errors(delete_asset.value().get(), "assets", |()| Vec::new())
    });
    let origin_list = {
        let template = template.clone();
        move || {
            let template = template.clone();
            Suspend::new(async move {
                let extras = extras.await?;
                Ok::<_, ServerFnError>(view! { <OriginList template extras remove /> })
            })
        }
    };
    let asset_list = {
        let template = template.clone();
        move || {
            let template = template.clone();
            Suspend::new(async move {
                let extras = extras.await?;
                Ok::<_, ServerFnError>(view! { <AssetTable template extras delete_asset /> })
            })
        }
    };
    let trail = move || {
        Suspend::new(async move {
            let extras = extras.await?;
            Ok::<_, ServerFnError>(view! { <ChangeTrail extras /> })
        })
    };
    let allow_template = template.clone();
    view! {
        <section class="template-origins" aria-labelledby="origins-heading">
            <h2 id="origins-heading">"Allowed origins"</h2>
            <p class="hint">"None by default: a template's frame loads only from Loupe. Each origin added here is also allowed for scripts, styles, images, media and fonts of this template only (never for requests or form posts), and every addition and removal is recorded below. "<code>"https://host"</code>" or "<code>"https://host:port"</code>", no paths or wildcards; plain "<code>"http://"</code>" only for localhost and 127.0.0.1. Prefer uploading a file as an asset."</p>
            <ActionForm action=allow attr:class="inline-form" attr:data-testid="origin-form">
                <input type="hidden" name="template" value=allow_template />
                <label for="origin">"Origin"</label>
                <input id="origin" type="text" name="origin" required placeholder="https://cdn.example.com" autocomplete="off" aria-describedby="origin-errors" />
                <button type="submit" disabled=move || allow.pending().get()>"Allow origin"</button>
            </ActionForm>
            <FieldMessages errors=origin_errors field="origin" />
            <Transition fallback=|| view! { <Loading /> }>{origin_list}</Transition>
        </section>
        <section class="template-assets" aria-labelledby="assets-heading">
            <h2 id="assets-heading">"Assets"</h2>
            <p class="hint">"Files this template loads from Loupe itself (at most 5 MiB each, 20 MiB and 50 files per template): "<code>"{{ 'name.js' | template_asset }}"</code>" gives a file's URL, and a file that replaces a URL takes the place of every "<code>"src"</code>" or "<code>"href"</code>" with exactly that value."</p>
            <AssetUploadForm template=template.clone() on_uploaded />
            <FieldMessages errors=asset_errors field="assets" />
            <Transition fallback=|| view! { <Loading /> }>{asset_list}</Transition>
        </section>
        <Transition fallback=|| view! { <Loading /> }>{trail}</Transition>
    }
}

#[component]
fn OriginList(
    template: String,
    extras: AssetsAndOrigins,
    remove: ServerAction<RemoveTemplateOrigin>,
) -> impl IntoView {
    if extras.origins.is_empty() {
        return view! { <p class="muted" data-testid="origins-empty">"No origins allowed: the frame's policy is the strict one."</p> }.into_any();
    }
    let rows = extras
        .origins
        .into_iter()
        .map(|o| {
            let label = format!("Remove origin {}", o.origin);
            let template = template.clone();
            let origin = o.origin.clone();
            view! {
                <tr>
                    <td><code>{o.origin}</code></td><td>{o.added_by}</td><td>{o.added_at}</td>
                    <td>
                        <ActionForm action=remove attr:class="inline">
                            <input type="hidden" name="template" value=template />
                            <input type="hidden" name="origin" value=origin />
                            <button type="submit" class="danger" aria-label=label>"Remove"</button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="grid" data-testid="origins-table" aria-label="Allowed origins">
            <thead><tr><th>"Origin"</th><th>"Added by"</th><th>"Added (UTC)"</th><th></th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }.into_any()
}

#[component]
fn AssetTable(
    template: String,
    extras: AssetsAndOrigins,
    delete_asset: ServerAction<DeleteTemplateAsset>,
) -> impl IntoView {
    if extras.assets.is_empty() {
        return view! { <p class="muted" data-testid="assets-empty">"No assets uploaded."</p> }
            .into_any();
    }
    let rows = extras.assets.into_iter().map(|a| {
        let label = format!("Delete asset {}", a.name);
        let template = template.clone();
        let asset = a.name.clone();
        let url_label = format!("URL of {}", a.name);
        view! {
            <tr>
                <td><code>{a.name}</code></td>
                <td>{a.content_type}</td>
                <td>{a.size}</td>
                <td><input type="text" class="copy-url" readonly value=a.url aria-label=url_label on:focus=|ev| {
                    #[cfg(feature = "hydrate")]
                    {
                        use wasm_bindgen::JsCast;
                        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                            input.select();
                        }
                    }
                    #[cfg(not(feature = "hydrate"))]
                    let _ = ev;
                } /></td>
                <td>{a.replaces_url.map(|u| view! { <code>{u}</code> })}</td>
                <td>{a.uploaded_by}" · "{a.uploaded_at}</td>
                <td>
                    <ActionForm action=delete_asset attr:class="inline">
                        <input type="hidden" name="template" value=template />
                        <input type="hidden" name="asset" value=asset />
                        <button type="submit" class="danger" aria-label=label>"Delete"</button>
                    </ActionForm>
                </td>
            </tr>
        }
    }).collect_view();
    view! {
        <table class="grid" data-testid="assets-table" aria-label="Assets">
            <thead><tr><th>"Name"</th><th>"Type"</th><th>"Size"</th><th>"URL"</th><th>"Replaces"</th><th>"Uploaded"</th><th></th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }.into_any()
}

#[component]
fn ChangeTrail(extras: AssetsAndOrigins) -> impl IntoView {
    let rows = extras.changes.into_iter().map(|c| view! {
        <tr><td>{c.at}</td><td>{c.actor}</td><td>{c.what}</td><td><code>{c.subject}</code></td></tr>
    }).collect_view();
    view! {
        <section class="template-changes" aria-labelledby="changes-heading">
            <h2 id="changes-heading">"Changes to assets and origins"</h2>
            <table class="grid" data-testid="template-changes" aria-label="Changes to assets and origins">
                <thead><tr><th>"When (UTC)"</th><th>"Who"</th><th>"What"</th><th>"Asset or origin"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

/// The upload form: the file goes as the body of a POST to `/admin/template-assets/{name}`
/// (a server function would have to carry it base64-encoded). Needs the hydrated page.
#[component]
fn AssetUploadForm(template: String, on_uploaded: Callback<()>) -> impl IntoView {
    let (errors, set_errors) = signal(Vec::<FieldError>::new());
    let (pending, set_pending) = signal(false);
    let file = NodeRef::<leptos::html::Input>::new();
    let name = NodeRef::<leptos::html::Input>::new();
    let replaces = NodeRef::<leptos::html::Input>::new();
    let errors = Signal::from(errors);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            let template = template.clone();
            let (Some(file_input), Some(name_input), Some(replaces_input)) =
                (file.get(), name.get(), replaces.get())
            else {
                return;
            };
            let Some(chosen) = file_input.files().and_then(|files| files.get(0)) else {
                set_errors.set(vec![FieldError::at("file", "Choose a file to upload.")]);
                return;
            };
            let mut asset_name = name_input.value().trim().to_owned();
            if asset_name.is_empty() {
                asset_name = chosen.name();
            }
            let replaced = replaces_input.value().trim().to_owned();
            set_pending.set(true);
            set_errors.set(Vec::new());
            leptos::task::spawn_local(async move {
                let answer = upload::send(&template, &chosen, &asset_name, &replaced).await;
                set_pending.set(false);
                match answer {
                    Ok(()) => {
                        file_input.set_value("");
                        name_input.set_value("");
                        replaces_input.set_value("");
                        on_uploaded.run(());
                    }
                    Err(errors) => set_errors.set(errors),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = (&template, set_errors, set_pending, on_uploaded);
        }
    };
    view! {
        <form class="stack asset-form" data-testid="asset-form" on:submit=submit>
            <label for="asset-file">"File"</label>
            <input id="asset-file" type="file" name="file" required node_ref=file aria-describedby="file-errors"
                accept=".js,.css,.png,.jpg,.jpeg,.gif,.svg,.webp,.woff,.woff2,.ttf,.json" />
            <FieldMessages errors field="file" />
            <label for="asset-name">"Name"</label>
            <p class="hint">"Letters, digits, '.', '_' and '-', with the file's extension; the file's own name when left empty."</p>
            <input id="asset-name" type="text" name="asset_name" node_ref=name autocomplete="off" placeholder="dragula.min.js" aria-describedby="asset_name-errors" />
            <FieldMessages errors field="asset_name" />
            <label for="asset-replaces">"Replaces URL (optional)"</label>
            <p class="hint">"The exact URL the template loads it from today, such as a CDN's."</p>
            <input id="asset-replaces" type="text" name="replaces_url" node_ref=replaces autocomplete="off" placeholder="https://cdn.example.com/lib.min.js" aria-describedby="replaces_url-errors" />
            <FieldMessages errors field="replaces_url" />
            <FieldMessages errors field="form" />
            <button type="submit" class="primary" disabled=move || pending.get()>
                {move || if pending.get() { "Uploading…" } else { "Upload asset" }}
            </button>
        </form>
    }
}

#[cfg(feature = "hydrate")]
mod upload {
    use leptos::prelude::window;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{File, Headers, Request, RequestInit, Response};

    use crate::api::form_errors::FieldError;

    /// One asset's limit, checked here too so a large file is not sent for nothing.
    const MAX_BYTES: f64 = 5.0 * 1024.0 * 1024.0;

    /// POSTs `file` as the body; the server's field messages when it refuses.
    pub async fn send(
        template: &str,
        file: &File,
        name: &str,
        replaces: &str,
    ) -> Result<(), Vec<FieldError>> {
        if file.size() > MAX_BYTES {
            return Err(vec![FieldError::at(
                "file",
                "The file is larger than 5 MiB, an asset's limit.",
            )]);
        }
        let mut url = format!(
            "/admin/template-assets/{template}?name={}",
            String::from(js_sys::encode_uri_component(name))
        );
        if !replaces.is_empty() {
            url.push_str("&replaces=");
            url.push_str(&String::from(js_sys::encode_uri_component(replaces)));
        }
        let failed = |_: JsValue| vec![FieldError::at("form", "The upload failed; try again.")];
        let init = RequestInit::new();
        init.set_method("POST");
        let headers = Headers::new().map_err(failed)?;
        headers
            .set("x-csrf-token", &crate::session::csrf_token())
            .map_err(failed)?;
        headers
            .set("content-type", "application/octet-stream")
            .map_err(failed)?;
        init.set_headers(&headers);
        init.set_body(file);
        let request = Request::new_with_str_and_init(&url, &init).map_err(failed)?;
        let response: Response = JsFuture::from(window().fetch_with_request(&request))
            .await
            .map_err(failed)?
            .dyn_into()
            .map_err(failed)?;
        if response.ok() {
            return Ok(());
        }
        let status = response.status();
        let text = JsFuture::from(response.text().map_err(failed)?)
            .await
            .map_err(failed)?
            .as_string()
            .unwrap_or_default();
        #[derive(serde::Deserialize)]
        struct Refusal {
            errors: Vec<FieldError>,
        }
        Err(match serde_json::from_str::<Refusal>(&text) {
            Ok(refusal) if !refusal.errors.is_empty() => refusal.errors,
            _ if status == 413 => vec![FieldError::at(
                "file",
                "The file is larger than 5 MiB, an asset's limit.",
            )],
            _ => vec![FieldError::at(
                "form",
                format!("The upload failed (HTTP {status}); try again."),
            )],
        })
    }
}
