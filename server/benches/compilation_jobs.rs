//! Compilation jobs' wall time against the compiler's own time, and a job's peak memory.
//!
//! `cargo bench -p loupe-server --bench compilation_jobs` (PostgreSQL running and the project's
//! `.venv` set up, as for the tests; `LOUPE_TEST_PYTHON` names its Python). For the compiler
//! tests' CNN and MLP (compiler/tests/models/make_models.py) and a CNN of a realistic size
//! (benches/make_large_cnn.py: 224×224 input, 0.7 M weights), `LOUPE_BENCH_RUNS` runs (default
//! 10) of:
//!
//! * in process: `loupe_compiler::compile`, the whole compilation a job runs (load, type check,
//!   optimise, write NNEF, verification run);
//! * as a job on a server on each backend: from sending `CreateCompilationJob` until
//!   `DescribeCompilationJob`, asked every 5 ms, says `COMPLETED` (the client's view), and the
//!   server's own `CompilationEndTime − CreationTime`.
//!
//! The difference is what the job machinery costs: the database writes, reading the archive,
//! starting the `loupe compile` process, uploading the artifact. It prints medians, the overhead
//! in milliseconds and as a share, and the peak memory the compiler process reported.

#[path = "../tests/api/helpers.rs"]
mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use loupe_engine::domain::names::CompilationJobName;
use loupe_engine::store::Backend;
use loupe_engine::testing::{block_on, env_number};
use serde_json::json;

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn make_models(dir: &Path) {
    let python = common::venv_program("LOUPE_TEST_PYTHON", "python", "Python with onnx");
    for script in [
        "../compiler/tests/models/make_models.py",
        "benches/make_large_cnn.py",
    ] {
        let status = std::process::Command::new(&python)
            .arg(format!("{}/{script}", env!("CARGO_MANIFEST_DIR")))
            .arg("--out")
            .arg(dir)
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "{script} failed");
    }
}

/// The models: (name, input shapes). `large` is a CNN of a realistic size
/// (benches/make_large_cnn.py), next to the tests' two small ones.
const MODELS: [(&str, &str); 3] = [
    ("cnn", "{\"data\": [1, 3, 32, 32]}"),
    ("mlp", "{\"input\": [1, 64]}"),
    ("large", "{\"data\": [1, 3, 224, 224]}"),
];

fn in_process(models: &Path, model: &str, runs: usize) -> f64 {
    let archive = std::fs::read(models.join(format!("{model}.tar.gz"))).unwrap();
    let shapes = MODELS
        .iter()
        .find(|(name, _)| *name == model)
        .map(|(_, shapes)| *shapes)
        .unwrap();
    let shapes: serde_json::Map<String, serde_json::Value> = serde_json::from_str(shapes).unwrap();
    let inputs: Vec<loupe_compiler::ModelInput> = shapes
        .iter()
        .map(|(name, dims)| loupe_compiler::ModelInput {
            name: Some(name.clone()),
            shape: serde_json::from_value(dims.clone()).unwrap(),
        })
        .collect();
    let request = loupe_compiler::CompileRequest {
        archive: &archive,
        format: loupe_compiler::ModelFormat::Onnx,
        inputs: &inputs,
        target_device: "sitara_am57x".into(),
        cpu_arch: "armv7-neon".into(),
    };
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs + 1 {
        let started = Instant::now();
        loupe_compiler::compile(&request, &mut |_| {}).unwrap();
        samples.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    samples.remove(0); // the first run warms caches
    median(samples)
}

async fn as_jobs(backend: Backend, models: &Path, runs: usize, baseline: &[(String, f64)]) {
    let api = common::Api::spawn(backend, &["--compilation-jobs-at-once", "1"]).await;
    let dir = api.outputs.join("models");
    std::fs::create_dir_all(&dir).unwrap();
    for (model, shapes) in MODELS {
        std::fs::copy(
            models.join(format!("{model}.tar.gz")),
            dir.join(format!("{model}.tar.gz")),
        )
        .unwrap();
        let mut client_ms = Vec::new();
        let mut server_ms = Vec::new();
        let mut peak = 0i64;
        for run in 0..runs + 1 {
            let name = format!("{model}-{run}");
            let request = json!({
                "CompilationJobName": name,
                "RoleArn": "arn:aws:iam::123456789012:role/NeoRole",
                "InputConfig": {"S3Uri": format!("s3://models/{model}.tar.gz"),
                                "Framework": "ONNX", "DataInputConfig": shapes},
                "OutputConfig": {"S3OutputLocation": format!("s3://models/out/{run}"),
                                 "TargetDevice": "sitara_am57x"},
                "StoppingCondition": {"MaxRuntimeInSeconds": 600}
            });
            let started = Instant::now();
            let (status, _, body) = api.sagemaker("CreateCompilationJob", request).await;
            assert!(status.is_success(), "{body}");
            let job = loop {
                let (_, _, job) = api
                    .sagemaker(
                        "DescribeCompilationJob",
                        json!({"CompilationJobName": name}),
                    )
                    .await;
                match job["CompilationJobStatus"].as_str() {
                    Some("COMPLETED") => break job,
                    Some("STARTING" | "INPROGRESS") => {}
                    _ => panic!("{job}"),
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            };
            let elapsed = started.elapsed().as_secs_f64() * 1000.0;
            let created = job["CreationTime"].as_f64().unwrap();
            let ended = job["CompilationEndTime"].as_f64().unwrap();
            let stored = api
                .store
                .compilation_job(&CompilationJobName::parse(&name).unwrap())
                .await
                .unwrap()
                .unwrap();
            peak = peak.max(stored.peak_memory_bytes.unwrap_or(0));
            if run > 0 {
                client_ms.push(elapsed);
                server_ms.push((ended - created) * 1000.0);
            }
        }
        let compile = baseline
            .iter()
            .find(|(name, _)| name == model)
            .map_or(f64::NAN, |(_, ms)| *ms);
        let client = median(client_ms);
        let server = median(server_ms);
        println!(
            "{model} on {backend}: job {client:.1} ms (client) / {server:.1} ms (server), \
             compile in process {compile:.1} ms, overhead {:.1} ms ({:.0} %), peak memory \
             {:.1} MiB",
            server - compile,
            (server - compile) / compile * 100.0,
            peak as f64 / (1024.0 * 1024.0)
        );
    }
}

fn main() {
    let runs = env_number("LOUPE_BENCH_RUNS", 10);
    let models = tempfile::tempdir().unwrap();
    make_models(models.path());
    let baseline: Vec<(String, f64)> = MODELS
        .iter()
        .map(|(model, _)| {
            let ms = in_process(models.path(), model, runs);
            println!("{model} in process: loupe_compiler::compile {ms:.1} ms (median of {runs})");
            ((*model).to_owned(), ms)
        })
        .collect();
    block_on(async {
        for backend in [Backend::Sqlite, Backend::Postgres] {
            as_jobs(backend, models.path(), runs, &baseline).await;
        }
    });
}
