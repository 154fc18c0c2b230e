# What the AWS CLI scripts share: the two clients pointed at Loupe, and checks that stop at the
# first difference. Sourced, not run.

sm() { "$AWS" sagemaker --endpoint-url "$LOUPE_URL" "$@"; }
a2i() { "$AWS" sagemaker-a2i-runtime --endpoint-url "$LOUPE_URL" "$@"; }

expect() { # expect WANT GOT WHAT
  if [ "$1" != "$2" ]; then
    echo "FAILED: $3: wanted '$1', got '$2'" >&2
    exit 1
  fi
}

# expect_error CODE command…: the command fails and names the AWS error CODE.
expect_error() {
  local code=$1
  shift
  local out
  if out=$("$@" 2>&1); then
    echo "FAILED: '$*' succeeded, wanted $code" >&2
    exit 1
  fi
  if ! grep -q "($code)" <<<"$out"; then
    echo "FAILED: '$*' wanted $code, said: $out" >&2
    exit 1
  fi
}

ACCOUNT=123456789012
REGION=us-east-1

# json_string TEXT: TEXT as a JSON string literal.
json_string() { python3 -c 'import json, sys; print(json.dumps(sys.argv[1]))' "$1"; }
