//! Loupe driven by the real boto3 client (from PyPI, in the project's `.venv`), on a fresh SQLite
//! file and a fresh PostgreSQL database. The scripts are in `tests/boto3/`.

use loupe_engine::store::Backend;
use loupe_engine::test_on_both_backends;

/// `LOUPE_TEST_PYTHON`, or the project virtualenv's interpreter that `scripts/test` sets up.
fn python() -> String {
    std::env::var("LOUPE_TEST_PYTHON").unwrap_or_else(|_| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../.venv/bin/python");
        assert!(
            std::path::Path::new(path).exists(),
            "no Python with boto3 at {path}: run scripts/test (or set LOUPE_TEST_PYTHON)"
        );
        path.to_owned()
    })
}

async fn run_script(script: &str, api: &crate::helpers::Api) {
    let output = tokio::process::Command::new(python())
        .arg(format!(
            "{}/tests/boto3/{script}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .env("LOUPE_URL", &api.base)
        .env("LOUPE_KEY_ID", api.key.as_str())
        .env("LOUPE_SECRET", api.secret.expose())
        .env("FLOW_ARN", crate::helpers::FLOW_ARN)
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .output()
        .await
        .expect("run python");
    assert!(
        output.status.success(),
        "boto3 script {script} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

async fn boto3_drives_the_runtime(backend: Backend) {
    let api = crate::helpers::Api::spawn(backend, &[]).await;
    run_script("runtime.py", &api).await;
}

async fn boto3_drives_the_control_plane(backend: Backend) {
    let api = crate::helpers::Api::spawn(backend, &[]).await;
    run_script("control_plane.py", &api).await;
}

async fn boto3_starts_built_in_task_types(backend: Backend) {
    let api = crate::helpers::Api::spawn(backend, &[]).await;
    run_script("built_in.py", &api).await;
}

test_on_both_backends!(
    boto3_drives_the_runtime,
    boto3_drives_the_control_plane,
    boto3_starts_built_in_task_types,
);
