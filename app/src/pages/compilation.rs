//! Compilation jobs in the admin area: the list by status, and one job's page with every
//! Describe member named as in SageMaker, its progress while it runs, the compiled model's
//! manifest, the compiler's log, and stop and delete. Once hydrated, both pages re-read the jobs
//! every second or so while any has not ended.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::compilation::{
    DeleteCompilationJob, JobInfo, ManifestView, PHASES, STATUSES, StopCompilationJob,
    compilation_job, list_compilation_jobs, phase_index,
};
use crate::pages::chrome::{ConfirmButton, Loading};

/// How often a page with a job that has not ended re-reads it.
const REFRESH_MS: u64 = 1_200;

/// Counts `tick` up every [`REFRESH_MS`] while `live()` holds, in the browser only (effects do
/// not run on the server).
fn refresh_while(tick: WriteSignal<u64>, live: impl Fn() -> bool + Clone + 'static) {
    Effect::new(move |_| {
        let live = live.clone();
        let handle = set_interval_with_handle(
            move || {
                if live() {
                    tick.update(|t| *t += 1);
                }
            },
            std::time::Duration::from_millis(REFRESH_MS),
        );
        on_cleanup(move || {
            if let Ok(handle) = handle {
                handle.clear();
            }
        });
    });
}

fn status_badge(status: String) -> impl IntoView {
    let class = format!("status status-{}", status.to_lowercase());
    view! { <span class=class data-testid="job-status">{status}</span> }
}

fn or_dash(value: Option<String>) -> String {
    value.unwrap_or_else(|| "–".to_owned())
}

#[component]
pub fn CompilationJobsPage() -> impl IntoView {
    let query = use_query_map();
    let status = move || query.with(|q| q.get("status").unwrap_or_default());
    let (tick, set_tick) = signal(0u64);
    let jobs = Resource::new(
        move || (status(), tick.get()),
        |(s, _)| list_compilation_jobs(s),
    );
    refresh_while(set_tick, move || {
        jobs.get_untracked()
            .and_then(Result::ok)
            .is_some_and(|list| list.live)
    });
    view! {
        <Title text="Compilation jobs" />
        <div class="page-head">
            <h1>"Compilation jobs"</h1>
            <div class="actions">
                <A href="/admin/compilation-jobs/new" attr:class="button primary" attr:data-testid="new-compilation-job">"New compilation job"</A>
            </div>
        </div>
        <p class="lead">"Models compiled for a device or platform, as SageMaker Neo's "<code>"CreateCompilationJob"</code>" does: create one here, or with boto3's "<code>"sagemaker"</code>" client or "<code>"aws sagemaker create-compilation-job"</code>" against this server."</p>
        <nav class="tabs" aria-label="Filter by status" data-testid="status-filter">
            {std::iter::once(("", "All")).chain(STATUSES.iter().map(|s| (*s, *s))).map(|(value, label)| {
                let href = if value.is_empty() {
                    "/admin/compilation-jobs".to_owned()
                } else {
                    format!("/admin/compilation-jobs?status={value}")
                };
                // The router's links compare paths only; these differ by their query.
                let current = move || (status() == value).then_some("page");
                view! { <a href=href aria-current=current>{label}</a> }
            }).collect_view()}
        </nav>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                let list = jobs.await?;
                Ok::<_, ServerFnError>(view! {
                    {list.problem.map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
                    {if list.rows.is_empty() {
                        view! { <p class="empty" data-testid="jobs-empty">"No compilation jobs here."</p> }.into_any()
                    } else {
                        let count = list.rows.len();
                        view! {
                            <p class="muted">{format!("{count} job{}, newest first", if count == 1 { "" } else { "s" })}</p>
                            <table class="grid" data-testid="jobs-table">
                                <thead><tr><th>"Name"</th><th>"Status"</th><th>"Target"</th><th>"Framework"</th><th>"Created (UTC)"</th><th>"Duration"</th><th>"Failure reason"</th></tr></thead>
                                <tbody>
                                    {list.rows.into_iter().map(|job| {
                                        let href = format!("/admin/compilation-jobs/{}", job.name);
                                        let row_id = format!("job-row-{}", job.name);
                                        let phase = job.phase.map(|p| {
                                            let label = phase_index(&p).map_or(p.clone(), |i| PHASES[i].1.to_owned());
                                            view! { <span class="muted">" "{label}</span> }
                                        });
                                        view! {
                                            <tr data-testid=row_id>
                                                <td><A href=href>{job.name}</A></td>
                                                <td>{status_badge(job.status)}{phase}</td>
                                                <td><code>{job.target}</code></td>
                                                <td>{job.framework}</td>
                                                <td>{job.created}</td>
                                                <td class="num">{or_dash(job.duration)}</td>
                                                <td class="reason">{job.failure.unwrap_or_default()}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }}
                })
            })}
        </Transition>
    }
}

#[component]
pub fn CompilationJobPage() -> impl IntoView {
    let params = use_params_map();
    let stop = ServerAction::<StopCompilationJob>::new();
    let delete = ServerAction::<DeleteCompilationJob>::new();
    let (tick, set_tick) = signal(0u64);
    let detail = Resource::new(
        move || {
            (
                params.with(|p| p.get("name").unwrap_or_default()),
                tick.get(),
                stop.version().get(),
            )
        },
        |(name, _, _)| compilation_job(name),
    );
    refresh_while(set_tick, move || {
        detail
            .get_untracked()
            .and_then(Result::ok)
            .flatten()
            .is_some_and(|job| !job.has_ended)
    });
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                let Some(job) = detail.await? else {
                    return Ok::<_, ServerFnError>(view! {
                        <Title text="Compilation job not found" />
                        <h1>"Compilation job not found"</h1>
                        <p>"No compilation job has this name; it may have been deleted. "<A href="/admin/compilation-jobs">"All compilation jobs"</A></p>
                    }.into_any());
                };
                let name = job.name.clone();
                let stop_field = job.name.clone();
                let delete_field = job.name.clone();
                let stop_name = job.name.clone();
                let delete_name = job.name.clone();
                Ok(view! {
                    <Title text=name.clone() />
                    <div class="page-head">
                        <h1 data-testid="job-name">{name}</h1>
                        <div class="actions">
                            {job.can_stop.then(|| view! {
                                <ConfirmButton url={<StopCompilationJob as ServerFn>::url()} field="name" value=stop_field label="Stop"
    question=format!("Stop the compilation job {stop_name}? A running compilation is abandoned and nothing is written.")
    pending=stop.pending()
    on_confirm=move |name: String| { stop.dispatch(StopCompilationJob { name }); } />
                            })}
                            {job.can_delete.then(|| view! {
                                <ConfirmButton url={<DeleteCompilationJob as ServerFn>::url()} field="name" value=delete_field label="Delete"
    question=format!("Delete the compilation job {delete_name}? A compiled model stays where it was written.")
    pending=delete.pending()
    on_confirm=move |name: String| { delete.dispatch(DeleteCompilationJob { name }); } />
                            })}
                        </div>
                    </div>
                    {move || stop.value().get().and_then(Result::err).or_else(|| delete.value().get().and_then(Result::err)).map(|e| view! { <p class="field-error" role="alert" data-testid="job-action-error">{e.to_string()}</p> })}
                    <JobFacts job />
                }.into_any())
            })}
        </Transition>
    }
}

/// Where a job that has not ended is: waiting for a runner, or at a step of its run.
#[component]
fn Progress(status: String, phase: Option<String>, attempts: i64) -> impl IntoView {
    if status == "STARTING" {
        return view! {
            <section class="progress-panel" data-testid="job-progress">
                <p>"Waiting for a compilation runner to take it up."</p>
            </section>
        }
        .into_any();
    }
    let at = phase.as_deref().and_then(phase_index);
    let value = at.map_or(0, |i| i + 1);
    let label = match (&phase, at) {
        (_, Some(i)) => format!("Step {} of {}: {}", i + 1, PHASES.len(), PHASES[i].1),
        (Some(other), None) => other.clone(),
        (None, None) => "Starting the compiler".to_owned(),
    };
    view! {
        <section class="progress-panel" data-testid="job-progress">
            <p data-testid="job-phase">{label}{(attempts > 1).then(|| format!(" (attempt {attempts})"))}</p>
            <progress max=PHASES.len().to_string() value=value.to_string() aria-label="Compilation progress"></progress>
            <ol class="phases">
                {PHASES.iter().enumerate().map(|(i, (_, step))| {
                    let class = match at {
                        Some(now) if i < now => "done",
                        Some(now) if i == now => "current",
                        _ => "todo",
                    };
                    let current = (class == "current").then_some("step");
                    view! { <li class=class aria-current=current>{*step}</li> }
                }).collect_view()}
            </ol>
        </section>
    }
    .into_any()
}

#[component]
fn JobFacts(job: JobInfo) -> impl IntoView {
    let JobInfo {
        arn,
        status,
        has_ended,
        created,
        last_modified,
        started,
        ended,
        duration,
        role_arn,
        model_package_version_arn,
        input,
        output,
        vpc,
        max_runtime,
        max_runtime_is_default,
        max_wait,
        max_pending,
        tags,
        failure_reason,
        artifact_uri,
        artifact_digest,
        derived_inputs,
        phase,
        attempts,
        claimed_by,
        peak_memory,
        manifest,
        manifest_json,
        log,
        ..
    } = job;
    let progress = (!has_ended).then(|| {
        view! { <Progress status=status.clone() phase attempts /> }
    });
    let overview = view! {
        <dl class="facts">
            <dt>"CompilationJobArn"</dt><dd><code data-testid="job-arn">{arn}</code></dd>
            <dt>"CompilationJobStatus"</dt><dd>{status_badge(status)}</dd>
            {failure_reason.map(|r| view! { <dt>"FailureReason"</dt><dd class="reason" data-testid="job-failure">{r}</dd> })}
            <dt>"CreationTime (UTC)"</dt><dd>{created}</dd>
            <dt>"LastModifiedTime (UTC)"</dt><dd>{last_modified}</dd>
            <dt>"CompilationStartTime (UTC)"</dt><dd>{or_dash(started)}</dd>
            <dt>"CompilationEndTime (UTC)"</dt><dd>{or_dash(ended)}</dd>
            <dt>"Duration"</dt><dd>{or_dash(duration)}</dd>
            <dt>"RoleArn"</dt><dd><code>{role_arn}</code></dd>
            {model_package_version_arn.map(|a| view! { <dt>"ModelPackageVersionArn"</dt><dd><code>{a}</code></dd> })}
            <dt>"Attempts"</dt><dd>{attempts}</dd>
            <dt>"Running on"</dt><dd>{or_dash(claimed_by)}</dd>
            <dt>"Peak memory of the compiler"</dt><dd data-testid="job-peak-memory">{or_dash(peak_memory)}</dd>
        </dl>
    }
    .into_any();
    let input = view! {
        <h2>"InputConfig"</h2>
        {match input {
            Some(input) => view! {
                <dl class="facts" data-testid="job-input">
                    <dt>"S3Uri"</dt><dd><code>{input.s3_uri}</code></dd>
                    <dt>"Framework"</dt><dd>{input.framework}" — "{input.framework_reads}</dd>
                    {input.framework_version.map(|v| view! { <dt>"FrameworkVersion"</dt><dd>{v}</dd> })}
                    <dt>"DataInputConfig"</dt><dd><code>{or_dash(input.data_input_config)}</code></dd>
                    {(!input.shapes.is_empty()).then(|| view! {
                        <dt>"Inputs it gives"</dt><dd>{input.shapes.join("; ")}</dd>
                    })}
                </dl>
            }.into_any(),
            None => view! { <p class="muted">"None: the job names a model package."</p> }.into_any(),
        }}
    }
    .into_any();
    let served_class = if output.served { "" } else { "field-error" };
    let output = view! {
        <h2>"OutputConfig"</h2>
        <dl class="facts" data-testid="job-output">
            <dt>"S3OutputLocation"</dt><dd><code>{output.s3_output_location}</code></dd>
            {output.target_device.map(|d| view! { <dt>"TargetDevice"</dt><dd><code>{d}</code></dd> })}
            {output.platform_os.map(|os| view! { <dt>"TargetPlatform.Os"</dt><dd>{os}</dd> })}
            {output.platform_arch.map(|arch| view! { <dt>"TargetPlatform.Arch"</dt><dd>{arch}</dd> })}
            {output.platform_accelerator.map(|a| view! { <dt>"TargetPlatform.Accelerator"</dt><dd>{a}</dd> })}
            <dt>"CPU"</dt><dd class=served_class data-testid="job-serving">{output.serving}</dd>
            {output.compiler_options.map(|o| view! { <dt>"CompilerOptions"</dt><dd><code>{o}</code></dd> })}
            {output.kms_key_id.map(|k| view! { <dt>"KmsKeyId"</dt><dd><code>{k}</code></dd> })}
        </dl>
        <h2>"StoppingCondition"</h2>
        <dl class="facts">
            <dt>"MaxRuntimeInSeconds"</dt>
            <dd>{max_runtime}{max_runtime_is_default.then_some(" — the default")}</dd>
            {max_wait.map(|w| view! { <dt>"MaxWaitTimeInSeconds"</dt><dd>{w}</dd> })}
            {max_pending.map(|p| view! { <dt>"MaxPendingTimeInSeconds"</dt><dd>{p}</dd> })}
        </dl>
        {vpc.map(|v| view! { <h2>"VpcConfig"</h2><p>{v}</p> })}
        {(!tags.is_empty()).then(|| view! {
            <h2>"Tags"</h2>
            <dl class="facts">{tags.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}</dl>
        })}
        <h2>"ModelArtifacts"</h2>
        <dl class="facts">
            <dt>"S3ModelArtifacts"</dt><dd><code data-testid="job-artifact">{artifact_uri}</code></dd>
            <dt>"ModelDigests.ArtifactDigest"</dt><dd><code data-testid="job-digest">{or_dash(artifact_digest)}</code></dd>
            <dt>"DerivedInformation.DerivedDataInputConfig"</dt><dd><code data-testid="job-derived">{or_dash(derived_inputs)}</code></dd>
        </dl>
    }
    .into_any();
    let manifest =
        manifest.map(|m| view! { <Manifest manifest=m json=manifest_json.unwrap_or_default() /> });
    view! {
        {progress}
        {overview}
        {input}
        {output}
        {manifest}
        <h2>"Log"</h2>
        {if log.is_empty() {
            view! { <p class="muted" data-testid="job-log-empty">"Nothing reported yet."</p> }.into_any()
        } else {
            view! { <pre class="code log" data-testid="job-log"><code>{log}</code></pre> }.into_any()
        }}
    }
}

#[component]
fn Manifest(manifest: ManifestView, json: String) -> impl IntoView {
    let tensors = |rows: Vec<crate::api::compilation::TensorRow>, kind: &'static str| {
        rows.into_iter()
            .map(move |t| {
                view! { <tr><td>{kind}</td><td><code>{t.name}</code></td><td><code>{t.shape}</code></td><td>{t.datum_type}</td></tr> }
            })
            .collect_view()
    };
    let counts = |ops: Vec<(String, u64)>| {
        ops.into_iter()
            .map(|(op, n)| view! { <tr><td><code>{op}</code></td><td class="num">{n}</td></tr> })
            .collect_view()
    };
    view! {
        <section data-testid="job-manifest">
            <h2>"Manifest"</h2>
            <dl class="facts">
                <dt>"Target"</dt><dd>{manifest.target_device}" on "{manifest.cpu_arch}</dd>
                <dt>"Source model"</dt><dd><code>{manifest.source_model}</code>" ("{manifest.framework}{manifest.onnx_opset.map(|o| format!(", opset {o}"))}")"</dd>
                <dt>"Source SHA-256"</dt><dd><code>{manifest.source_sha256}</code></dd>
                <dt>"Parameters"</dt><dd data-testid="manifest-parameters">{format!("{} values, {}", manifest.parameter_count, manifest.parameter_bytes)}</dd>
                <dt>"Model file"</dt><dd><code>{manifest.model_file}</code></dd>
                <dt>"Verification latency"</dt><dd data-testid="manifest-latency">{or_dash(manifest.latency)}{format!(" on {}", manifest.host_arch)}</dd>
                <dt>"Verification input"</dt><dd>{manifest.verification_input}</dd>
                <dt>"Compiler"</dt><dd>{manifest.compiler}", tract "{manifest.tract_version}</dd>
            </dl>
            <h3>"Inputs and outputs"</h3>
            <table class="grid" data-testid="manifest-tensors">
                <thead><tr><th>"Kind"</th><th>"Name"</th><th>"Shape"</th><th>"Type"</th></tr></thead>
                <tbody>{tensors(manifest.inputs, "input")}{tensors(manifest.outputs, "output")}</tbody>
            </table>
            <h3>"Verification outputs"</h3>
            <table class="grid" data-testid="manifest-verification">
                <thead><tr><th>"Output"</th><th>"Shape"</th><th>"First values"</th><th>"Sum"</th></tr></thead>
                <tbody>
                    {manifest.output_summaries.into_iter().map(|o| view! {
                        <tr><td><code>{o.name}</code></td><td><code>{o.shape}</code></td><td><code>{o.first_values}</code></td><td class="num">{o.sum}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <div class="columns">
                <div>
                    <h3>"Operators of the uploaded model"</h3>
                    <table class="grid" data-testid="manifest-source-operators">
                        <thead><tr><th>"Operator"</th><th>"Nodes"</th></tr></thead>
                        <tbody>{counts(manifest.source_operators)}</tbody>
                    </table>
                </div>
                <div>
                    <h3>"Operators of the compiled model"</h3>
                    <table class="grid" data-testid="manifest-operators">
                        <thead><tr><th>"Operator"</th><th>"Nodes"</th></tr></thead>
                        <tbody>{counts(manifest.operators)}</tbody>
                    </table>
                </div>
            </div>
            <details>
                <summary>"The whole manifest (JSON)"</summary>
                <pre class="code" data-testid="manifest-json"><code>{json}</code></pre>
            </details>
        </section>
    }
}
