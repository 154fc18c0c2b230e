//! The new-compilation-job form: the `CreateCompilationJob` members an admin sets, named as in
//! SageMaker. The target is a device or a platform; each device says which CPU Loupe compiles it
//! for, or that Loupe does not serve it. The engine checks everything on submit and each message
//! lands on its field.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::compilation_form::{CompilationFormOptions, CreateCompilation, compilation_form};
use crate::pages::chrome::{FieldMessages, Loading, WHOLE_FORM, answer_errors};

#[component]
pub fn NewCompilationJobPage() -> impl IntoView {
    let options = Resource::new(|| (), |_| compilation_form());
    view! {
        <Title text="New compilation job" />
        <h1>"New compilation job"</h1>
        <p class="lead">"Compiles a model archive from Loupe's store for a device, as "<code>"CreateCompilationJob"</code>" does. The archive ("<code>".tar.gz"</code>") holds one "<code>".onnx"</code>" file or one frozen TensorFlow graph."</p>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                options.await.map(|options| view! { <CompilationForm options /> })
            })}
        </Suspense>
    }
}

#[component]
fn CompilationForm(options: CompilationFormOptions) -> impl IntoView {
    let create = ServerAction::<CreateCompilation>::new();
    let errors = Signal::derive(move || {
        answer_errors(create.value().get(), WHOLE_FORM, |outcome| outcome.errors)
    });
    let (kind, set_kind) = signal("device".to_owned());
    let platform = move || kind.get() == "platform";
    let model = view! {
        <fieldset>
            <legend>"Job and model"</legend>
            <div class="stack">
                <label for="job-name">"CompilationJobName"</label>
                <p class="hint">"1–63 letters, digits and hyphens, unique ignoring case."</p>
                <input id="job-name" type="text" name="name" required maxlength="63" autocomplete="off" aria-describedby="name-errors" />
                <FieldMessages errors field="name" />
                <label for="job-role">"RoleArn"</label>
                <p class="hint">"SageMaker requires an IAM role; Loupe assumes none and keeps the ARN."</p>
                <input id="job-role" type="text" name="role_arn" required value=options.role_arn.clone() aria-describedby="role_arn-errors" />
                <FieldMessages errors field="role_arn" />
                <label for="job-s3-uri">"InputConfig.S3Uri"</label>
                <p class="hint">"The model archive in Loupe's store: "<code>"s3://bucket/key.tar.gz"</code>"."</p>
                <input id="job-s3-uri" type="text" name="s3_uri" required placeholder="s3://models/model.tar.gz" aria-describedby="s3_uri-errors" />
                <FieldMessages errors field="s3_uri" />
                <label for="job-framework">"InputConfig.Framework"</label>
                <select id="job-framework" name="framework" aria-describedby="framework-errors">
                    {options.frameworks.iter().map(|c| {
                        let selected = c.value == "ONNX";
                        view! { <option value=c.value.clone() selected=selected>{c.label.clone()}</option> }
                    }).collect_view()}
                </select>
                <FieldMessages errors field="framework" />
                <label for="job-data-input">"InputConfig.DataInputConfig (optional)"</label>
                <p class="hint">"Input names and shapes: "<code>"{\"data\": [1, 3, 224, 224]}"</code>", or shapes in order: "<code>"[[1, 3, 224, 224]]"</code>". Needed when the model leaves a dimension free."</p>
                <textarea id="job-data-input" name="data_input_config" rows="2" class="code" spellcheck="false" aria-describedby="data_input_config-errors"></textarea>
                <FieldMessages errors field="data_input_config" />
            </div>
        </fieldset>
    }
    .into_any();
    let target = view! {
        <fieldset>
            <legend>"Target"</legend>
            <div class="stack">
                <div class="choices" role="radiogroup" aria-label="Target kind">
                    <label><input type="radio" name="target_kind" value="device" checked=true on:change=move |_| set_kind.set("device".into()) />" A device (OutputConfig.TargetDevice)"</label>
                    <label><input type="radio" name="target_kind" value="platform" on:change=move |_| set_kind.set("platform".into()) />" A platform (OutputConfig.TargetPlatform)"</label>
                </div>
                <div class="stack" class:hidden=platform data-testid="device-fields">
                    <label for="job-device">"OutputConfig.TargetDevice"</label>
                    <p class="hint">"Each device says the CPU Loupe compiles for; a job for one Loupe does not serve is accepted and fails saying what to use instead."</p>
                    <select id="job-device" name="target_device" aria-describedby="target_device-errors">
                        {options.devices.iter().map(|c| {
                            let selected = c.value == "ml_c5";
                            view! { <option value=c.value.clone() selected=selected>{c.label.clone()}</option> }
                        }).collect_view()}
                    </select>
                    <FieldMessages errors field="target_device" />
                </div>
                <div class="stack" class:hidden=move || !platform() data-testid="platform-fields">
                    <label for="job-os">"OutputConfig.TargetPlatform.Os"</label>
                    <select id="job-os" name="platform_os" aria-describedby="platform_os-errors">
                        {options.platform_os.iter().map(|os| view! { <option value=os.clone()>{os.clone()}</option> }).collect_view()}
                    </select>
                    <FieldMessages errors field="platform_os" />
                    <label for="job-arch">"OutputConfig.TargetPlatform.Arch"</label>
                    <select id="job-arch" name="platform_arch" aria-describedby="platform_arch-errors">
                        {options.platform_arch.iter().map(|c| view! { <option value=c.value.clone()>{c.label.clone()}</option> }).collect_view()}
                    </select>
                    <FieldMessages errors field="platform_arch" />
                    <label for="job-accelerator">"OutputConfig.TargetPlatform.Accelerator (optional)"</label>
                    <select id="job-accelerator" name="platform_accelerator" aria-describedby="platform_accelerator-errors">
                        <option value="">"None: compile for the CPU"</option>
                        {options.platform_accelerators.iter().map(|a| view! { <option value=a.clone()>{format!("{a} (not served by Loupe)")}</option> }).collect_view()}
                    </select>
                    <FieldMessages errors field="platform_accelerator" />
                </div>
            </div>
        </fieldset>
    }
    .into_any();
    let output = view! {
        <fieldset>
            <legend>"Output and limits"</legend>
            <div class="stack">
                <label for="job-output">"OutputConfig.S3OutputLocation"</label>
                <p class="hint">"Where the compiled model goes, as "<code>"<archive name>-<target>.tar.gz"</code>"."</p>
                <input id="job-output" type="text" name="output_location" required value="s3://models/compiled" aria-describedby="output_location-errors" />
                <FieldMessages errors field="output_location" />
                <label for="job-runtime">"StoppingCondition.MaxRuntimeInSeconds"</label>
                <p class="hint">{format!("1–{} s; {} s (one day) if empty.", options.max_runtime, options.default_max_runtime)}</p>
                <input id="job-runtime" type="number" name="max_runtime" min="1" max=options.max_runtime.to_string() placeholder=options.default_max_runtime.to_string() aria-describedby="max_runtime-errors" />
                <FieldMessages errors field="max_runtime" />
            </div>
        </fieldset>
    }
    .into_any();
    view! {
        <ActionForm action=create attr:class="flow-form" attr:data-testid="compilation-form">
            {model}
            {target}
            {output}
            <FieldMessages errors field="form" />
            <button type="submit" class="primary" data-testid="create-compilation-job" disabled=move || create.pending().get()>
                {move || if create.pending().get() { "Creating…" } else { "Create compilation job" }}
            </button>
        </ActionForm>
    }
}
