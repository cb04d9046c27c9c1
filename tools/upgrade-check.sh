#!/usr/bin/env bash
# Upgrading the provider keeps every service as it is: for each example, an older build of the
# provider (a git revision, default 02adabe, the code that wrote tests/fixtures/private-state-0.1.0)
# applies it, as that revision's examples/ had it (the configuration a user has when they
# upgrade), and rolls out a new image; then this checkout's build reads that state, plans
# nothing (`tofu plan -detailed-exitcode` exits 0), applies without a change, and destroys.
# It prints one line per example and exits 1 if any example planned a change or failed.
#
#   tools/upgrade-check.sh [revision] [example…]   default examples: basic ecs-blue-green
#                                                  ecs-canary ecs-linear rolling worker
#
# The older revision is checked out as a git worktree under target/upgrade/<revision> and built
# there (UPGRADE_TARGET_DIR, default target/upgrade-target: its first build compiles every
# dependency, a few minutes). The worktree stays for the next run; `git worktree remove --force
# target/upgrade/<revision>` removes it. The AWS endpoint is the embedded emulator on
# 127.0.0.1, or AWS_ENDPOINT_URL. Not part of tools/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

old_rev="${1:-02adabe}"
[ $# -gt 0 ] && shift
examples=("$@")
[ ${#examples[@]} -gt 0 ] || examples=(basic ecs-blue-green ecs-canary ecs-linear rolling worker)

eval "$(tools/install.sh)"
. tools/lib-emulator.sh
old_tree="$root/target/upgrade/$old_rev"
old_target="${UPGRADE_TARGET_DIR:-$root/target/upgrade-target}"
if [ ! -d "$old_tree" ]; then
  mkdir -p "$root/target/upgrade"
  git worktree add --detach "$old_tree" "$old_rev" >&2
fi
echo "== building $old_rev ($(git -C "$old_tree" log -1 --format=%h)) and this checkout" >&2
(cd "$old_tree" && CARGO_TARGET_DIR="$old_target" cargo build --locked --quiet)
cargo build --locked --quiet

work="$(mktemp -d)"
emulator_pid=""
cleanup() {
  [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# One CLI configuration per build: the provider in state is the same address, only the binary
# behind it changes, as when a user upgrades.
provider_tfrc "$work/old.tfrc" "$old_target/debug"
provider_tfrc "$work/new.tfrc" "$root/target/debug"
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
start_emulator "$work"
create_fixtures "upgrade$$" "$work"

failed=0
new_image="public.ecr.aws/nginx/nginx:1.27.4"
for example in "${examples[@]}"; do
  dir="$work/$example"
  mkdir -p "$dir"
  cp "$old_tree/examples/$example"/*.tf "$dir/"
  cp "$work/terraform.tfvars" "$dir/"
  log="$dir/run.log"
  step="apply with $old_rev"
  result=$(
    cd "$dir"
    tofu() { "$TOFU" "$@" -no-color -compact-warnings >> "$log" 2>&1; }
    export TF_CLI_CONFIG_FILE="$work/old.tfrc"
    tofu apply -auto-approve || { echo "failed at: $step"; exit 0; }
    step="roll-out with $old_rev"
    tofu apply -auto-approve -var "image=$new_image" || { echo "failed at: $step"; exit 0; }
    export TF_CLI_CONFIG_FILE="$work/new.tfrc"
    step="plan with this build"
    set +e
    "$TOFU" plan -detailed-exitcode -no-color -var "image=$new_image" >> "$log" 2>&1
    code=$?
    set -e
    [ "$code" = 0 ] || { echo "plan with this build exited $code (2: a change planned)"; exit 0; }
    step="apply with this build"
    "$TOFU" apply -auto-approve -no-color -var "image=$new_image" > "$dir/new-apply.log" 2>&1 \
      || { cat "$dir/new-apply.log" >> "$log"; echo "failed at: $step"; exit 0; }
    cat "$dir/new-apply.log" >> "$log"
    grep -q "Resources: 0 added, 0 changed, 0 destroyed" "$dir/new-apply.log" \
      || { echo "the apply with this build changed something"; exit 0; }
    step="destroy with this build"
    tofu destroy -auto-approve -var "image=$new_image" || { echo "failed at: $step"; exit 0; }
    echo ok
  )
  if [ "$result" = ok ]; then
    echo "$example: applied and rolled out by $old_rev; this build planned nothing, applied nothing, destroyed"
  else
    echo "$example: $result (log below)"
    tail -n 40 "$log"
    failed=1
  fi
done
destroy_fixtures "$work"
exit "$failed"
