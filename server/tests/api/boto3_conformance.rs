//! Loupe driven by the real boto3 client (from PyPI, in the project's `.venv`), on a fresh SQLite
//! file and a fresh PostgreSQL database. The scripts are in `tests/boto3/`.

use loupe_engine::store::Backend;
use loupe_engine::test_on_both_backends;

use crate::helpers::{Api, FLOW_ARN, run_boto3_script};

async fn run_script(script: &str, api: &Api) {
    run_boto3_script(script, api, &[("FLOW_ARN", FLOW_ARN)], |_| true).await;
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
    let env = [
        ("FLOW_ARN", FLOW_ARN),
        ("AWS_CA_BUNDLE", bundle.to_str().unwrap()),
    ];
    run_boto3_script("portal_link.py", &api, &env, |_| true).await;
}

test_on_both_backends!(
    boto3_finds_the_worker_portal_from_the_subdomain,
    boto3_drives_the_runtime,
    boto3_drives_the_control_plane,
    boto3_starts_built_in_task_types,
);
