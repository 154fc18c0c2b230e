//! SageMaker compilation jobs end to end, on both backends: boto3 against the real compiler
//! (models made by compiler/tests/models/make_models.py), stopping and timing out against a
//! compiler that never finishes, and a replica killed mid-compile whose job another replica
//! finishes.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use loupe_engine::domain::compilation::CompilationJobStatus;
use loupe_engine::domain::names::CompilationJobName;
use loupe_engine::store::Backend;
use loupe_engine::test_on_both_backends;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Api, run_boto3_script, venv_program};

/// Runs make_models.py into a fresh directory.
async fn make_models() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let python = venv_program("LOUPE_TEST_PYTHON", "python", "Python with onnx");
    let script = format!(
        "{}/../compiler/tests/models/make_models.py",
        env!("CARGO_MANIFEST_DIR")
    );
    let status = tokio::process::Command::new(python)
        .arg(script)
        .arg("--out")
        .arg(dir.path())
        .stdout(std::process::Stdio::null())
        .status()
        .await
        .unwrap();
    assert!(status.success(), "make_models.py failed");
    dir
}

/// A stand-in compiler that reports a step, writes its pid to `pid_file`, and sleeps until it
/// is killed: for what happens to a job while it compiles.
fn never_finishing_compiler(dir: &Path) -> (PathBuf, PathBuf) {
    use std::os::unix::fs::PermissionsExt as _;
    let script = dir.join("slow-compiler");
    let pid_file = dir.join("compiler.pid");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho 'phase: Loading' >&2\necho $$ > '{}'\nexec sleep 600\n",
            pid_file.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    (script, pid_file)
}

async fn boto3_compiles_and_lists_jobs(backend: Backend) {
    let models = make_models().await;
    let api = Api::spawn(backend, &["--compilation-jobs-at-once", "1"]).await;
    let env = [
        ("OUTPUT_ROOT", api.outputs.to_str().unwrap()),
        ("MODELS_DIR", models.path().to_str().unwrap()),
    ];
    run_boto3_script("compilation_jobs.py", &api, &env, |out| {
        out.contains("compilation jobs behave")
    })
    .await;
}

async fn boto3_stops_jobs_and_runtime_limits_end_them(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let (compiler, _) = never_finishing_compiler(dir.path());
    let api = Api::spawn(
        backend,
        &[
            "--compilation-jobs-at-once",
            "1",
            "--max-open-compilation-jobs",
            "2",
            "--compiler-exe",
            compiler.to_str().unwrap(),
        ],
    )
    .await;
    let env = [("OUTPUT_ROOT", api.outputs.to_str().unwrap())];
    run_boto3_script("compilation_stop.py", &api, &env, |out| {
        out.contains("stopping compilation jobs behaves")
    })
    .await;
}

async fn describe(api: &Api, name: &str) -> Value {
    let (status, _, body) = api
        .sagemaker(
            "DescribeCompilationJob",
            json!({"CompilationJobName": name}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn wait_for(api: &Api, name: &str, done: impl Fn(&Value) -> bool, within: Duration) -> Value {
    let deadline = Instant::now() + within;
    loop {
        let job = describe(api, name).await;
        if done(&job) {
            return job;
        }
        assert!(Instant::now() < deadline, "gave up waiting: {job}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn another_replica_finishes_what_a_killed_one_was_compiling(backend: Backend) {
    let models = make_models().await;
    let dir = tempfile::tempdir().unwrap();
    let (slow, pid_file) = never_finishing_compiler(dir.path());
    // The in-process server only answers the API; the replicas compile.
    let api = Api::spawn(backend, &["--compilation-jobs-at-once", "0"]).await;
    let archive = api.outputs.join("models/mlp.tar.gz");
    std::fs::create_dir_all(archive.parent().unwrap()).unwrap();
    std::fs::copy(models.path().join("mlp.tar.gz"), &archive).unwrap();
    let mut doomed = api
        .spawn_replica(&[
            "--instance-id",
            "replica-doomed",
            "--compiler-exe",
            slow.to_str().unwrap(),
        ])
        .await;
    let (status, _, body) = api
        .sagemaker(
            "CreateCompilationJob",
            json!({
                "CompilationJobName": "survivor",
                "RoleArn": "arn:aws:iam::123456789012:role/NeoRole",
                "InputConfig": {"S3Uri": "s3://models/mlp.tar.gz", "Framework": "ONNX",
                                "DataInputConfig": "{\"input\": [1, 64]}"},
                "OutputConfig": {"S3OutputLocation": "s3://models/out",
                                 "TargetDevice": "sitara_am57x"},
                "StoppingCondition": {"MaxRuntimeInSeconds": 600}
            }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let name = CompilationJobName::parse("survivor").unwrap();
    // Running on the doomed replica.
    let deadline = Instant::now() + Duration::from_secs(30);
    let compiler_pid = loop {
        let job = api.store.compilation_job(&name).await.unwrap().unwrap();
        let running = job.claimed_by.as_deref() == Some("replica-doomed")
            && job.phase.as_deref() == Some("Loading");
        if let (true, Ok(pid)) = (running, std::fs::read_to_string(&pid_file)) {
            break pid.trim().parse::<i32>().unwrap();
        }
        assert!(Instant::now() < deadline, "never ran: {job:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    doomed.kill().await.unwrap();
    doomed.wait().await.unwrap();
    // Its compiler died with it.
    let deadline = Instant::now() + Duration::from_secs(5);
    while Path::new(&format!("/proc/{compiler_pid}")).exists() {
        assert!(
            Instant::now() < deadline,
            "the compiler outlived its replica"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        describe(&api, "survivor").await["CompilationJobStatus"],
        "INPROGRESS"
    );

    let _rescuer = api
        .spawn_replica(&["--instance-id", "replica-rescuer"])
        .await;
    let job = wait_for(
        &api,
        "survivor",
        |job| job["CompilationJobStatus"] != "INPROGRESS",
        Duration::from_secs(60),
    )
    .await;
    assert_eq!(job["CompilationJobStatus"], "COMPLETED", "{job}");
    assert!(
        api.outputs
            .join("models/out/mlp-sitara_am57x.tar.gz")
            .exists()
    );
    let stored = api.store.compilation_job(&name).await.unwrap().unwrap();
    assert_eq!(stored.status, CompilationJobStatus::Completed);
    assert_eq!(stored.attempts, 2);
    assert!(
        stored
            .log
            .contains("claimed by replica-rescuer again (attempt 2)"),
        "{}",
        stored.log
    );
}

/// `loupe compile` on a local archive writes the artifact a job would, in the current
/// directory, and a refused model exits with status 2 and the reason.
#[tokio::test]
async fn the_cli_compiles_a_local_archive_as_a_job_does() {
    let models = make_models().await;
    let work = tempfile::tempdir().unwrap();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_loupe"))
        .current_dir(work.path())
        .arg("compile")
        .arg(models.path().join("mlp.tar.gz"))
        .args(["--target", "sitara_am57x", "--input", r#"{"input":[1,64]}"#])
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("phase: "), "{stderr}");
    let artifact = work.path().join("mlp-sitara_am57x.tar.gz");
    let (manifest, _) = loupe_compiler::load_compiled(&std::fs::read(&artifact).unwrap()).unwrap();
    assert_eq!(manifest.target_device, "sitara_am57x");
    assert_eq!(manifest.cpu_arch, "armv7-neon");
    // Nothing else is left behind (the artifact was written under a temporary name).
    assert_eq!(std::fs::read_dir(work.path()).unwrap().count(), 1);

    let refused = tokio::process::Command::new(env!("CARGO_BIN_EXE_loupe"))
        .current_dir(work.path())
        .arg("compile")
        .arg(models.path().join("mlp.tar.gz"))
        .args([
            "--target",
            "ml_c5",
            "--input",
            r#"{"pixels":[1,64]}"#,
            "--report-json",
        ])
        .output()
        .await
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&refused.stdout).unwrap();
    let reason = report["failure_reason"].as_str().unwrap();
    assert!(reason.contains("pixels"), "{reason}");
    let unserved = tokio::process::Command::new(env!("CARGO_BIN_EXE_loupe"))
        .arg("compile")
        .arg(models.path().join("mlp.tar.gz"))
        .args(["--target", "ml_inf1"])
        .output()
        .await
        .unwrap();
    assert_eq!(unserved.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unserved.stderr).contains("ml_inf1"));
}

test_on_both_backends!(
    boto3_compiles_and_lists_jobs,
    boto3_stops_jobs_and_runtime_limits_end_them,
    another_replica_finishes_what_a_killed_one_was_compiling,
);
