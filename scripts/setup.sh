# Installs, once, what building and testing Loupe needs. Sourced by scripts/run and scripts/test;
# every step checks first, so a second run installs nothing.

CARGO_LEPTOS_VERSION=0.3.10
MOTO_VERSION=5.2.5
BOTO3_VERSION=1.44.8
AWSCLI_VERSION=1.46.3
ONNX_VERSION=1.23.2
ONNXRUNTIME_VERSION=1.31.1
NUMPY_VERSION=2.4.6

say() { printf '\n\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_rust_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32 target"
    rustup target add wasm32-unknown-unknown
  fi
  # The wasm-bindgen CLI must be exactly the version Cargo.lock resolved.
  local wb
  wb=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb" ]; then
    say "installing wasm-bindgen-cli $wb"
    cargo install wasm-bindgen-cli --version "$wb"
  fi
  if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (takes a while, once)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
  fi
}

# wasm-opt for release builds, from npm's binaryen (Debian's is too old and breaks hydration).
ensure_build_node_modules() {
  if [ ! -x node_modules/.bin/wasm-opt ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing build tools from npm"
    npm ci --no-audit --no-fund
  fi
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Chromium from Debian"
    as_root apt-get update -q
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q chromium
  fi
}

ensure_e2e_node_modules() {
  if [ ! -d end2end/node_modules/@playwright/test ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    say "installing Playwright (without its browser download)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
}

ensure_postgres() {
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    say "starting PostgreSQL"
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && return 0; sleep 1; done
    echo "PostgreSQL did not come up on 127.0.0.1:5432" >&2
    return 1
  fi
}

# Python test tools from PyPI, pinned, in the project's .venv: moto's S3 server for the
# output-store tests, boto3 and the AWS CLI for the API conformance tests, and onnx, onnxruntime
# and numpy to build the compiler tests' models and the outputs they must reproduce.
# numpy stays on 2.4: 2.5 needs Python 3.12 and Debian bookworm's python3 is 3.11.
ensure_python_test_tools() {
  if [ -x .venv/bin/moto_server ] \
    && compgen -G ".venv/lib/python3*/site-packages/moto-$MOTO_VERSION.dist-info" >/dev/null \
    && compgen -G ".venv/lib/python3*/site-packages/boto3-$BOTO3_VERSION.dist-info" >/dev/null \
    && compgen -G ".venv/lib/python3*/site-packages/awscli-$AWSCLI_VERSION.dist-info" >/dev/null \
    && compgen -G ".venv/lib/python3*/site-packages/onnx-$ONNX_VERSION.dist-info" >/dev/null \
    && compgen -G ".venv/lib/python3*/site-packages/onnxruntime-$ONNXRUNTIME_VERSION.dist-info" >/dev/null \
    && compgen -G ".venv/lib/python3*/site-packages/numpy-$NUMPY_VERSION.dist-info" >/dev/null; then
    return 0
  fi
  say "installing moto $MOTO_VERSION, boto3 $BOTO3_VERSION, awscli $AWSCLI_VERSION, onnx $ONNX_VERSION, onnxruntime $ONNXRUNTIME_VERSION and numpy $NUMPY_VERSION into .venv"
  if [ ! -x .venv/bin/pip ]; then
    rm -rf .venv
    if ! python3 -m venv .venv 2>/dev/null; then
      rm -rf .venv
      as_root apt-get update -q
      DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q python3 python3-venv
      python3 -m venv .venv
    fi
  fi
  .venv/bin/pip install --quiet --disable-pip-version-check \
    "moto[server]==$MOTO_VERSION" "boto3==$BOTO3_VERSION" "awscli==$AWSCLI_VERSION" \
    "onnx==$ONNX_VERSION" "onnxruntime==$ONNXRUNTIME_VERSION" "numpy==$NUMPY_VERSION"
}
