#!/usr/bin/env bash
# Starts Loupe for the browser tests on a fresh SQLite database with one admin and two workers.
set -euo pipefail
port="${1:-3005}"
cd "$(dirname "$0")/.."
bin="${LOUPE_E2E_BIN:-target/debug/loupe}"
data="end2end/.data"
rm -rf "$data"
mkdir -p "$data"
export LOUPE_DATABASE_URL="sqlite://$data/e2e.db"
export LOUPE_KEY_FILE="$data/loupe.key"
export LOUPE_OUTPUT_ROOT="$data/outputs"
export LOUPE_LOG="${LOUPE_LOG:-warn}"
echo "worker password 123" | "$bin" user add --email worker@e2e.local --role worker --team reviewers --password-stdin
echo "worker password 123" | "$bin" user add --email second@e2e.local --role worker --team reviewers --password-stdin
# An access key for the tests that drive the API with boto3 (fixtures/a2i.py).
"$bin" keys create --name e2e > "$data/key.json"
# Compilation jobs run one at a time through a compiler that holds held*.tar.gz models (see
# fixtures/held-compiler.sh), so a test can have one job running and another queued.
export LOUPE_E2E_REAL_COMPILER="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
exec "$bin" serve --bind "127.0.0.1:$port" --site-root target/site \
  --admin-email admin@e2e.local --admin-password "admin password 123" \
  --compilation-jobs-at-once 1 --compiler-exe "$PWD/end2end/fixtures/held-compiler.sh"
