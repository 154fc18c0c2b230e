//! Loupe driven by the real boto3 client (from PyPI, in the project's `.venv`), on a fresh SQLite
//! file and a fresh PostgreSQL database. The scripts are in `tests/boto3/`.

use loupe_engine::store::Backend;
use loupe_engine::test_on_both_backends;

use crate::helpers::{Api, FLOW_ARN, run_client_script, venv_program};

async fn run_script(script: &str, api: &Api) {
    run_script_with(script, api, &[]).await;
}

async fn run_script_with(script: &str, api: &Api, env: &[(&str, &str)]) {
    let python = venv_program("LOUPE_TEST_PYTHON", "python", "Python with boto3");
    let mut command = tokio::process::Command::new(python);
    command
        .arg(format!(
            "{}/tests/boto3/{script}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .env("LOUPE_URL", &api.base)
        .env("LOUPE_KEY_ID", api.key.as_str())
        .env("LOUPE_SECRET", api.secret.expose())
        .env("FLOW_ARN", FLOW_ARN)
        .envs(env.iter().copied());
    run_client_script(command, &format!("boto3 script {script}"), |_| true).await;
}

async fn boto3_drives_the_runtime(backend: Backend) {
    let api = Api::spawn(backend, &[]).await;
    run_script("runtime.py", &api).await;
}

async fn boto3_drives_the_control_plane(backend: Backend) {
    let api = Api::spawn(backend, &[]).await;
    run_script("control_plane.py", &api).await;
}

async fn boto3_starts_built_in_task_types(backend: Backend) {
    let api = Api::spawn(backend, &[]).await;
    run_script("built_in.py", &api).await;
}

/// The notebooks print `'https://' + SubDomain` as the worker portal's address: with TLS on the
/// listener it opens.
async fn boto3_finds_the_worker_portal_from_the_subdomain(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let (pem, cert, key) = crate::operator::self_signed(dir.path());
    let api = Api::spawn(backend, &["--tls-cert", &cert, "--tls-key", &key])
        .await
        .over_tls(&pem);
    let bundle = dir.path().join("cert.pem");
    run_script_with(
        "portal_link.py",
        &api,
        &[("AWS_CA_BUNDLE", bundle.to_str().unwrap())],
    )
    .await;
}

test_on_both_backends!(
    boto3_finds_the_worker_portal_from_the_subdomain,
    boto3_drives_the_runtime,
    boto3_drives_the_control_plane,
    boto3_starts_built_in_task_types,
);
