//! The new-flow-definition form: every `CreateFlowDefinition` member under its A2I name, grouped
//! as A2I's console groups them, with the conditions lab beside the activation conditions. The
//! browser checks what HTML can (required, ranges, patterns) before submit; the engine checks the
//! rest on submit and each message lands on its field.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::flow_form::{CreateFlow, FlowFormOptions, new_flow_form};
use crate::pages::chrome::{CodeArea, FieldMessages, Loading, WHOLE_FORM, answer_errors};
use crate::pages::conditions_lab::ConditionsLab;

const REKOGNITION: &str = "AWS/Rekognition/DetectModerationLabels/Image/V3";

#[component]
pub fn NewFlowPage() -> impl IntoView {
    let options = Resource::new(|| (), |_| new_flow_form());
    view! {
        <Title text="New flow definition" />
        <h1>"New flow definition"</h1>
        <p class="lead">"Who reviews what, how many answers each item gets, and where the results go. Every field is named as in "<code>"CreateFlowDefinition"</code>"."</p>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                options.await.map(|options| view! { <FlowForm options /> })
            })}
        </Suspense>
    }
}

#[component]
fn FlowForm(options: FlowFormOptions) -> impl IntoView {
    let create = ServerAction::<CreateFlow>::new();
    let query = use_query_map();
    let initial_source = query
        .with_untracked(|q| q.get("source"))
        .filter(|s| options.sources.iter().any(|c| &c.value == s))
        .unwrap_or_else(|| REKOGNITION.to_owned());
    let lab = options.lab.clone();
    let (source, set_source) = signal(initial_source.clone());
    let (conditions, set_conditions) = signal(lab.starting_conditions(&initial_source));
    let starting = StoredValue::new(lab.clone());
    // A new request source swaps in its starting document, unless the admin has edited it.
    let change_source = move |new: String| {
        let old = source.get_untracked();
        let untouched = starting.with_value(|lab| {
            let text = conditions.get_untracked();
            text.trim().is_empty() || text == lab.starting_conditions(&old)
        });
        if untouched {
            set_conditions.set(starting.with_value(|lab| lab.starting_conditions(&new)));
        }
        set_source.set(new);
    };
    let errors = Signal::derive(move || {
        answer_errors(create.value().get(), WHOLE_FORM, |outcome| outcome.errors)
    });
    let prices = StoredValue::new(options.prices.clone());
    let price_options = move || {
        let current = source.get();
        prices.with_value(|all| {
            all.iter()
                .find(|(s, _)| *s == current)
                .map(|(_, list)| list.clone())
                .unwrap_or_default()
        })
    };
    let built_in = move || !source.get().is_empty();
    let no_templates = options.templates.is_empty();
    // Each group is its own view, erased to `AnyView`: one nested type for the whole form
    // is deeper than the compiler's query limit in release builds.
    let settings = view! {
        <fieldset>
            <legend>"Workflow settings"</legend>
            <div class="stack">
                <label for="flow-name">"FlowDefinitionName"</label>
                <p class="hint">"1–63 lower-case letters, digits and hyphens; part of the ARN, so it cannot change."</p>
                <input id="flow-name" type="text" name="name" required maxlength="63" pattern="[a-z0-9](-*[a-z0-9])*" autocomplete="off" aria-describedby="name-errors" />
                <FieldMessages errors field="name" />
                <label for="flow-output">"OutputConfig.S3OutputPath"</label>
                <p class="hint">"Where each loop's "<code>"output.json"</code>" goes: "<code>"s3://bucket/prefix"</code>". Loupe writes to its output directory or to the S3-compatible store it was started with."</p>
                <input id="flow-output" type="text" name="output_path" required value="s3://loupe-output/reviews" pattern="(s3|https)://.+" aria-describedby="output_path-errors" />
                <FieldMessages errors field="output_path" />
                <label for="flow-kms">"OutputConfig.KmsKeyId (optional)"</label>
                <p class="hint">"Kept and shown for A2I compatibility; encryption at rest is up to the store."</p>
                <input id="flow-kms" type="text" name="kms_key_id" aria-describedby="kms_key_id-errors" />
                <FieldMessages errors field="kms_key_id" />
                <label for="flow-role">"RoleArn"</label>
                <p class="hint">"A2I requires an IAM role. Loupe assumes none; it stores the ARN so that definitions round-trip."</p>
                <input id="flow-role" type="text" name="role_arn" required value=options.role_arn.clone() aria-describedby="role_arn-errors" />
                <FieldMessages errors field="role_arn" />
            </div>
        </fieldset>
    }
    .into_any();
    let task_type = view! {
        <fieldset>
            <legend>"Task type"</legend>
            <div class="stack">
                <label for="flow-source">"HumanLoopRequestSource.AwsManagedHumanLoopRequestSource"</label>
                <p class="hint">"Rekognition and Textract flows start a loop only when the activation conditions hold for the model's output; custom flows start one for every request."</p>
                <select id="flow-source" name="source" data-testid="flow-source" aria-describedby="source-errors" on:change=move |ev| change_source(event_target_value(&ev))>
                    {options.sources.iter().map(|c| {
                        let selected = c.value == initial_source;
                        view! { <option value=c.value.clone() selected=selected>{c.label.clone()}</option> }
                    }).collect_view()}
                </select>
                <FieldMessages errors field="source" />
            </div>
        </fieldset>
    }
    .into_any();
    let conditions_set = view! {
        <fieldset class:hidden=move || !built_in() data-testid="conditions-fieldset">
            <legend>"Conditions for invoking human review"</legend>
            <div class="stack">
                <label for="flow-conditions">"HumanLoopActivationConfig.HumanLoopActivationConditionsConfig.HumanLoopActivationConditions"</label>
                <p class="hint">"JSON, up to 10,240 characters. Leave empty to review every item. Ignored for custom flows."</p>
                <CodeArea id="flow-conditions" name="conditions" rows=16 test_id="flow-conditions"
                    described_by="conditions-errors" value=conditions on_edit=move |text| set_conditions.set(text) />
                <FieldMessages errors field="conditions" />
            </div>
            {move || built_in().then(|| view! {
                <ConditionsLab source=source.into() conditions=conditions.into() samples=lab.samples.clone() />
            })}
        </fieldset>
    }
    .into_any();
    let template = view! {
        <fieldset>
            <legend>"Worker task template"</legend>
            <div class="stack">
                <label for="flow-ui">"HumanLoopConfig.HumanTaskUiArn"</label>
                {no_templates.then(|| view! { <p class="field-error">"There are no templates yet: "<a href="/admin/templates/new">"create one"</a>" first."</p> })}
                <select id="flow-ui" name="ui" required aria-describedby="ui-errors">
                    {options.templates.iter().map(|c| view! { <option value=c.value.clone()>{c.label.clone()}</option> }).collect_view()}
                </select>
                <FieldMessages errors field="ui" />
                <label for="flow-title">"HumanLoopConfig.TaskTitle"</label>
                <p class="hint">"What workers see in their queue; 1–128 characters."</p>
                <input id="flow-title" type="text" name="title" required maxlength="128" aria-describedby="title-errors" />
                <FieldMessages errors field="title" />
                <label for="flow-description">"HumanLoopConfig.TaskDescription"</label>
                <p class="hint">"Instructions in a sentence or two; 1–255 characters."</p>
                <textarea id="flow-description" name="description" rows="2" required maxlength="255" aria-describedby="description-errors"></textarea>
                <FieldMessages errors field="description" />
                <label for="flow-keywords">"HumanLoopConfig.TaskKeywords (optional)"</label>
                <p class="hint">"Up to 5, separated by commas."</p>
                <input id="flow-keywords" type="text" name="keywords" aria-describedby="keywords-errors" />
                <FieldMessages errors field="keywords" />
            </div>
        </fieldset>
    }
    .into_any();
    let workers = view! {
        <fieldset>
            <legend>"Workers"</legend>
            <div class="stack">
                <label for="flow-team">"HumanLoopConfig.WorkteamArn"</label>
                <select id="flow-team" name="team" required aria-describedby="team-errors">
                    {options.teams.iter().map(|c| view! { <option value=c.value.clone()>{c.label.clone()}</option> }).collect_view()}
                </select>
                <FieldMessages errors field="team" />
                <label for="flow-count">"HumanLoopConfig.TaskCount"</label>
                <p class="hint">"How many different workers answer each item, 1–3."</p>
                <input id="flow-count" type="number" name="task_count" required min="1" max="3" value="1" aria-describedby="task_count-errors" />
                <FieldMessages errors field="task_count" />
                <label for="flow-price">"HumanLoopConfig.PublicWorkforceTaskPrice.AmountInUsd"</label>
                <p class="hint">"Per task, paid to public-crowd workers only; the list is the one A2I allows for this task type."</p>
                <select id="flow-price" name="price" data-testid="flow-price" aria-describedby="price-errors">
                    <option value="">"No price (private team)"</option>
                    {move || price_options().into_iter().map(|p| view! { <option value=p.clone()>{format!("${p}")}</option> }).collect_view()}
                </select>
                <FieldMessages errors field="price" />
                <label for="flow-time-limit">"HumanLoopConfig.TaskTimeLimitInSeconds"</label>
                <p class="hint">{format!("How long a worker has once they take a task; 30–{} s, {} s if empty.", options.max_time_limit, options.default_time_limit)}</p>
                <input id="flow-time-limit" type="number" name="time_limit" min="30" max=options.max_time_limit.to_string() placeholder=options.default_time_limit.to_string() aria-describedby="time_limit-errors" />
                <FieldMessages errors field="time_limit" />
                <label for="flow-lifetime">"HumanLoopConfig.TaskAvailabilityLifetimeInSeconds"</label>
                <p class="hint">{format!("How long a loop waits for workers before it fails as Expired; up to {} s for private teams, {} s if empty.", options.max_private_lifetime, options.default_private_lifetime)}</p>
                <input id="flow-lifetime" type="number" name="lifetime" min="1" placeholder=options.default_private_lifetime.to_string() aria-describedby="lifetime-errors" />
                <FieldMessages errors field="lifetime" />
            </div>
        </fieldset>
    }
    .into_any();
    let tags = view! {
        <fieldset>
            <legend>"Tags (optional)"</legend>
            <div class="stack">
                <label for="flow-tags">"Tags"</label>
                <p class="hint">"One "<code>"key=value"</code>" per line, up to 50."</p>
                <textarea id="flow-tags" name="tags" rows="3" class="code" aria-describedby="tags-errors"></textarea>
                <FieldMessages errors field="tags" />
            </div>
        </fieldset>
    }
    .into_any();
    view! {
        <ActionForm action=create attr:class="flow-form" attr:data-testid="flow-form">
            {settings}
            {task_type}
            {conditions_set}
            {template}
            {workers}
            {tags}
            <FieldMessages errors field="form" />
            <button type="submit" class="primary" data-testid="create-flow" disabled=move || create.pending().get()>
                {move || if create.pending().get() { "Creating…" } else { "Create flow definition" }}
            </button>
        </ActionForm>
    }
}
