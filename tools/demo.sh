#!/usr/bin/env bash
# The demo (the README's demo command): builds the provider, starts the embedded AWS emulator
# on 127.0.0.1 (unless AWS_ENDPOINT_URL names another endpoint), creates the prerequisites,
# applies examples/basic (ECS-native blue/green, the default) with the provider installed
# through a dev_overrides CLI config, shows the outputs and that the next plan is empty, rolls
# out a new image (ECS moves the traffic), destroys it, then does the same with
# examples/codedeploy (CodeDeploy blue/green). It works in a temporary directory that is
# removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

eval "$(tools/install.sh)"
. tools/lib-emulator.sh
cargo build --locked --quiet
work="$(mktemp -d)"
emulator_pid=""
cleanup() {
  [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

provider_tfrc "$work/tofu.tfrc" "$root/target/debug"
export TF_CLI_CONFIG_FILE="$work/tofu.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

start_emulator "$work"
[ -z "$emulator_pid" ] || echo "== emulator (moto, patched) at $AWS_ENDPOINT_URL"

echo "== fixtures: VPC, two subnets, security group, ALB with production and test listeners, cluster, namespace"
create_fixtures "demo$$" "$work"
cp examples/basic/*.tf "$work/"
cd "$work"
tofu() { "$TOFU" "$@" -no-color; }
echo "== tofu apply (examples/basic)"
tofu apply -auto-approve
echo "== outputs"
tofu output service_arn
tofu output task_definition_arn
tofu output dns_name
tofu output live_target_group
echo "== a second plan is empty"
tofu plan -detailed-exitcode
echo "== roll out a new image (ECS-native blue/green: ECS moves the rules' weights, the live colour flips)"
tofu apply -auto-approve -var image=public.ecr.aws/nginx/nginx:1.27.4 | tail -n 12
tofu output live_target_group
echo "== the plan after the roll-out is empty"
tofu plan -detailed-exitcode -var image=public.ecr.aws/nginx/nginx:1.27.4
echo "== tofu destroy"
tofu destroy -auto-approve -var image=public.ecr.aws/nginx/nginx:1.27.4
echo "== CodeDeploy blue/green (examples/codedeploy, deployment_strategy = \"codedeploy\")"
mkdir -p "$work/codedeploy"
cp "$root"/examples/codedeploy/*.tf "$work/codedeploy/"
cp "$work/terraform.tfvars" "$work/codedeploy/"
cd "$work/codedeploy"
tofu apply -auto-approve | tail -n 3
tofu output live_target_group
echo "== roll out a new image through CodeDeploy (the live colour flips)"
tofu apply -auto-approve -var image=public.ecr.aws/nginx/nginx:1.27.4 | tail -n 3
tofu output live_target_group
echo "== the plan after the swap is empty"
tofu plan -detailed-exitcode -var image=public.ecr.aws/nginx/nginx:1.27.4
tofu destroy -auto-approve -var image=public.ecr.aws/nginx/nginx:1.27.4 | tail -n 1
cd "$root"
destroy_fixtures "$work"
echo "== demo finished"
