#!/usr/bin/env bash
# The demo (the README's demo command): builds the provider, starts the embedded AWS emulator
# on 127.0.0.1, and runs OpenTofu on examples/basic with the provider installed through a
# dev_overrides CLI config. Everything happens in a temporary directory that is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

eval "$(tools/install.sh)"
cargo build --locked --quiet
work="$(mktemp -d)"
emulator_pid=""
cleanup() {
  [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cat > "$work/tofu.tfrc" <<CFG
provider_installation {
  dev_overrides {
    "terraform-provider-fargate/fargate" = "$root/target/debug"
  }
  direct {}
}
CFG
export TF_CLI_CONFIG_FILE="$work/tofu.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

if [ -z "${AWS_ENDPOINT_URL:-}" ]; then
  # --until parent: the emulator also goes away if this script is killed.
  "$MOTO_PYTHON" tests/emulator/launcher.py --until parent > "$work/emulator.ready" 2>"$work/emulator.log" < /dev/null &
  emulator_pid=$!
  for _ in $(seq 100); do [ -s "$work/emulator.ready" ] && break; sleep 0.1; done
  AWS_ENDPOINT_URL="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["endpoint"])' "$work/emulator.ready")"
  export AWS_ENDPOINT_URL AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
  echo "== emulator (moto, patched) at $AWS_ENDPOINT_URL"
fi

cp examples/basic/*.tf "$work/"
cat > "$work/terraform.tfvars" <<'VARS'
cluster                 = "demo"
private_subnet_ids      = ["subnet-demo-a", "subnet-demo-b"]
security_group_ids      = ["sg-demo"]
vpc_id                  = "vpc-demo"
production_listener_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/demo/0123456789abcdef/0123456789abcdef"
test_listener_arn       = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/demo/0123456789abcdef/fedcba9876543210"
namespace_id            = "ns-demo"
VARS
cd "$work"
echo "== tofu validate"
"$TOFU" validate -no-color
echo "== tofu plan"
"$TOFU" plan -no-color
