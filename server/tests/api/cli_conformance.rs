//! Loupe driven by the real AWS CLI (v1, from PyPI, in the project's `.venv`), on a fresh SQLite
//! file and a fresh PostgreSQL database. The scripts are in `tests/cli/`.

use loupe_engine::store::Backend;
use loupe_engine::test_on_both_backends;

/// `LOUPE_TEST_AWS_CLI`, or the `aws` that `scripts/test` installs into the project virtualenv.
fn aws_cli() -> String {
    std::env::var("LOUPE_TEST_AWS_CLI").unwrap_or_else(|_| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../.venv/bin/aws");
        assert!(
            std::path::Path::new(path).exists(),
            "no AWS CLI at {path}: run scripts/test (or set LOUPE_TEST_AWS_CLI)"
        );
        path.to_owned()
    })
}

/// Runs `tests/cli/<script>` against a fresh Loupe; it exits non-zero at the first difference.
async fn run_script(backend: Backend, script: &str) {
    let api = crate::helpers::Api::spawn(backend, &[]).await;
    let path = format!("{}/tests/cli/{script}", env!("CARGO_MANIFEST_DIR"));
    let output = tokio::process::Command::new("bash")
        .arg(path)
        .env("AWS", aws_cli())
        .env("LOUPE_URL", &api.base)
        .env("AWS_ACCESS_KEY_ID", api.key.as_str())
        .env("AWS_SECRET_ACCESS_KEY", api.secret.expose())
        .env("AWS_DEFAULT_REGION", crate::helpers::REGION)
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_PAGER", "")
        .output()
        .await
        .expect("run bash");
    assert!(
        output.status.success() && String::from_utf8_lossy(&output.stdout).contains(": ok"),
        "AWS CLI script failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
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
