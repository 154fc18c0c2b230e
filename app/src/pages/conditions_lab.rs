//! The conditions lab: activation conditions next to a model output, evaluated on the server
//! (the engine that starts loops) at every change. It shows the evaluation tree with each node
//! green or red and why, what reviewers would be sent, the compiled JsonLogic, and warnings for
//! conditions that can never fire. Used inside the new-flow form and on its own page.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::flow_form::{
    LabNodeView, LabSample, LabSetup, LabView, conditions_lab_setup, try_conditions,
};
use crate::pages::chrome::{CodeArea, Loading};

/// Samples and a paste box for the model output, and the live evaluation of `conditions`.
#[component]
pub fn ConditionsLab(
    source: Signal<String>,
    conditions: Signal<String>,
    samples: Vec<LabSample>,
) -> impl IntoView {
    let samples = StoredValue::new(samples);
    let first_of = move |source: &str| {
        samples.with_value(|all| all.iter().find(|s| s.source == source).cloned())
    };
    let initial = first_of(&source.get_untracked());
    let (sample_id, set_sample_id) =
        signal(initial.as_ref().map(|s| s.id.clone()).unwrap_or_default());
    let (ml_output, set_ml_output) = signal(initial.map(|s| s.ml_output).unwrap_or_default());
    // A new request source brings its first sample: the old one cannot be evaluated.
    Effect::new(move |previous: Option<String>| {
        let now = source.get();
        if previous.is_some_and(|p| p != now) {
            let sample = first_of(&now);
            set_sample_id.set(sample.as_ref().map(|s| s.id.clone()).unwrap_or_default());
            set_ml_output.set(sample.map(|s| s.ml_output).unwrap_or_default());
        }
        now
    });
    let pick = move |id: String| {
        if let Some(sample) = samples.with_value(|all| all.iter().find(|s| s.id == id).cloned()) {
            set_ml_output.set(sample.ml_output);
        }
        set_sample_id.set(id);
    };
    let result =
        LocalResource::new(move || try_conditions(source.get(), conditions.get(), ml_output.get()));
    // Keep the last answer on screen while the next is computed, so the tree does not flicker.
    let (last, set_last) = signal(None::<Result<LabView, String>>);
    Effect::new(move |_| {
        if let Some(answer) = result.get() {
            set_last.set(Some(answer.map_err(|e| e.to_string())));
        }
    });
    let options = move || {
        let current = source.get();
        samples.with_value(|all| {
            all.iter()
                .filter(|s| s.source == current)
                .map(|s| {
                    let selected = s.id == sample_id.get_untracked();
                    view! { <option value=s.id.clone() selected=selected>{s.title.clone()}</option> }
                })
                .collect_view()
        })
    };
    let description = move || {
        let id = sample_id.get();
        samples.with_value(|all| {
            all.iter()
                .find(|s| s.id == id)
                .map(|s| s.description.clone())
                .unwrap_or_else(|| "Your own output.".to_owned())
        })
    };
    view! {
        <section class="lab" aria-label="Conditions lab" data-testid="conditions-lab">
            <h3>"Conditions lab"</h3>
            <p class="hint">"Try the conditions against a model output before any loop depends on them. Nothing is stored."</p>
            <div class="lab-grid">
                <div class="stack">
                    <label for="lab-sample">"Sample output"</label>
                    <select id="lab-sample" data-testid="lab-sample" on:change=move |ev| pick(event_target_value(&ev))>
                        {options}
                        <option value="own" selected=move || sample_id.get() == "own">"My own (paste below)"</option>
                    </select>
                    <p class="hint">{description}</p>
                    <label for="lab-output">"Model output (JSON, as the SDK returns it)"</label>
                    <CodeArea id="lab-output" rows=14 test_id="lab-output" value=ml_output
                        on_edit=move |text| {
                            set_sample_id.set("own".to_owned());
                            set_ml_output.set(text);
                        } />
                </div>
                <div class="lab-result" aria-live="polite" data-testid="lab-result">
                    {move || match last.get() {
                        None => view! { <p class="muted">"Evaluating…"</p> }.into_any(),
                        Some(Err(message)) => view! { <p class="field-error" role="alert">{message}</p> }.into_any(),
                        Some(Ok(view)) => lab_result(view),
                    }}
                </div>
            </div>
        </section>
    }
    .into_any()
}

fn lab_result(lab: LabView) -> AnyView {
    if let Some(error) = lab.error {
        return view! { <p class="field-error" role="alert" data-testid="lab-error">{error}</p> }
            .into_any();
    }
    let verdict = if lab.activated {
        view! { <p class="verdict holds" data-testid="lab-verdict">"✔ Starts a human loop"</p> }
    } else {
        view! { <p class="verdict fails" data-testid="lab-verdict">"✘ No human loop: the model's answer stands"</p> }
    };
    let warnings = (!lab.warnings.is_empty()).then(|| {
        view! {
            <ul class="lab-warnings" data-testid="lab-warnings">
                {lab.warnings.into_iter().map(|(path, message)| view! {
                    <li><code>{path}</code>": "{message}</li>
                }).collect_view()}
            </ul>
        }
    });
    let sent = if lab.sent_to_reviewers.is_empty() {
        view! { <p class="muted">"Nothing: no loop starts."</p> }.into_any()
    } else {
        view! {
            <ul data-testid="lab-sent">
                {lab.sent_to_reviewers.into_iter().map(|item| view! { <li>{item}</li> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        {verdict}
        {warnings}
        <h4>"Evaluation"</h4>
        <ul class="lab-tree" data-testid="lab-tree">
            {lab.tree.into_iter().map(node).collect_view()}
        </ul>
        <h4>"Sent to reviewers"</h4>
        {sent}
        {lab.selected.map(|json| view! {
            <details>
                <summary>"selectedAiServiceResponse"</summary>
                <pre><code>{json}</code></pre>
            </details>
        })}
        {lab.condition_results.map(|json| view! {
            <details>
                <summary>"humanTaskActivationConditionResults"</summary>
                <pre><code>{json}</code></pre>
            </details>
        })}
    }
    .into_any()
}

/// One node and, below it, its members.
fn node(node_view: LabNodeView) -> AnyView {
    let class = if node_view.result {
        "node holds"
    } else {
        "node fails"
    };
    let mark = if node_view.result { "✔" } else { "✘" };
    let outcome = if node_view.result { "true" } else { "false" };
    let tests = (!node_view.tests.is_empty()).then(|| {
        view! {
            <details>
                <summary>{format!("{} test run{}", node_view.tests.len(), if node_view.tests.len() == 1 { "" } else { "s" })}</summary>
                <table class="grid compact">
                    <thead><tr><th>"Candidate"</th><th>"Data"</th><th>"Result"</th></tr></thead>
                    <tbody>
                        {node_view.tests.into_iter().map(|t| view! {
                            <tr>
                                <td>{t.name.unwrap_or(t.at)}</td>
                                <td><code>{t.data}</code></td>
                                <td>{if t.result { "true" } else { "false" }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </details>
        }
    });
    let logic = node_view.json_logic.map(|logic| {
        view! {
            <details>
                <summary>"Compiled JsonLogic"</summary>
                <pre><code data-testid="lab-json-logic">{logic}</code></pre>
            </details>
        }
    });
    let children = (!node_view.children.is_empty()).then(|| {
        view! { <ul>{node_view.children.into_iter().map(node).collect_view()}</ul> }
    });
    view! {
        <li class=class data-path=node_view.path.clone() data-result=outcome>
            <div class="node-head">
                <span class="mark" aria-hidden="true">{mark}</span>
                <strong>{node_view.kind}</strong>
                <span class="visually-hidden">{format!(" is {outcome}")}</span>
                {node_view.parameters.map(|p| view! { <code class="params">{p}</code> })}
            </div>
            <p class="why">{node_view.why}</p>
            {tests}
            {logic}
            {children}
        </li>
    }
    .into_any()
}

/// The lab on its own, for trying conditions without making a flow.
#[component]
pub fn ConditionsLabPage() -> impl IntoView {
    let setup = Resource::new(|| (), |_| conditions_lab_setup());
    view! {
        <Title text="Conditions lab" />
        <h1>"Conditions lab"</h1>
        <p class="lead">"Write "<code>"HumanLoopActivationConditions"</code>" and see, node by node, whether a Rekognition or Textract output would start a human loop, and what reviewers would be sent."</p>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                setup.await.map(|setup| view! { <StandaloneLab setup /> })
            })}
        </Suspense>
    }
}

#[component]
fn StandaloneLab(setup: LabSetup) -> impl IntoView {
    let rekognition = "AWS/Rekognition/DetectModerationLabels/Image/V3".to_owned();
    let (source, set_source) = signal(rekognition.clone());
    let (conditions, set_conditions) = signal(setup.starting_conditions(&rekognition));
    let starting = StoredValue::new(setup.starting_conditions.clone());
    let change_source = move |new: String| {
        let start = starting.with_value(|all| {
            all.iter()
                .find(|(s, _)| *s == new)
                .map(|(_, t)| t.clone())
                .unwrap_or_default()
        });
        set_conditions.set(start);
        set_source.set(new);
    };
    view! {
        <div class="stack">
            <label for="lab-source">"HumanLoopRequestSource"</label>
            <select id="lab-source" data-testid="lab-source" on:change=move |ev| change_source(event_target_value(&ev))>
                {setup.starting_conditions.iter().map(|(s, _)| view! { <option value=s.clone()>{s.clone()}</option> }).collect_view()}
            </select>
            <label for="lab-conditions">"HumanLoopActivationConditions"</label>
            <CodeArea id="lab-conditions" rows=16 test_id="lab-conditions" value=conditions
                on_edit=move |text| set_conditions.set(text) />
        </div>
        <ConditionsLab source=source.into() conditions=conditions.into() samples=setup.samples />
    }
}
