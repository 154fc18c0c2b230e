//! Loupe driven by the real AWS CLI (v1, from PyPI, in the project's `.venv`), on a fresh SQLite
//! file and a fresh PostgreSQL database. The scripts are in `tests/cli/`.

use loupe_engine::store::Backend;
use loupe_engine::test_on_both_backends;

use crate::helpers::{Api, REGION, run_client_script, venv_program};

/// Runs `tests/cli/<script>` against a fresh Loupe; it exits non-zero at the first difference.
async fn run_script(backend: Backend, script: &str) {
    let api = Api::spawn(backend, &[]).await;
    let path = format!("{}/tests/cli/{script}", env!("CARGO_MANIFEST_DIR"));
    let mut command = tokio::process::Command::new("bash");
    command
        .arg(path)
        .env("AWS", venv_program("LOUPE_TEST_AWS_CLI", "aws", "AWS CLI"))
        .env("LOUPE_URL", &api.base)
        .env("AWS_ACCESS_KEY_ID", api.key.as_str())
        .env("AWS_SECRET_ACCESS_KEY", api.secret.expose())
        .env("AWS_DEFAULT_REGION", REGION)
        .env("AWS_PAGER", "");
    run_client_script(command, &format!("AWS CLI script {script}"), |stdout| {
        stdout.contains(": ok")
    })
    .await;
}

async fn the_aws_cli_drives_loupe(backend: Backend) {
    run_script(backend, "a2i.sh").await;
}

async fn the_aws_cli_manages_teams_and_built_in_flows(backend: Backend) {
    run_script(backend, "teams_and_built_in.sh").await;
}

test_on_both_backends!(
    the_aws_cli_drives_loupe,
    the_aws_cli_manages_teams_and_built_in_flows
);
