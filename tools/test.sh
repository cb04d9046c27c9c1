#!/usr/bin/env bash
# The full test run (the README's test command, and what .ci/run calls): installs the pinned
# tools into the cache if needed, checks formatting and lints, runs every test (the emulator's
# own unit tests, then unit, property, fuzz-corpus, integration and acceptance tests against
# the real tofu and the emulator), and checks that the committed modules/ match the generator.
set -euo pipefail
cd "$(dirname "$0")/.."

eval "$(tools/install.sh)"
export TOFU TERRAFORM MOTO_PYTHON

echo "== tools: $("$TOFU" version 2>/dev/null | grep -m1 OpenTofu), Terraform $("$TERRAFORM" version 2>/dev/null | grep -m1 -o "v[0-9.]*"), moto $("$MOTO_PYTHON" -c 'import moto; print(moto.__version__)')" >&2

echo "== cargo fmt --check" >&2
cargo fmt --all -- --check

echo "== cargo clippy" >&2
cargo clippy --all-targets --locked -- -D warnings
# The feature-gated suites (tools/fault-sweep.sh, tools/test-modules.sh) run outside CI; keep
# them compiling.
cargo clippy --all-targets --features fault-sweep,modules-acceptance --locked -- -D warnings
# The library without the AWS rendering is what the fuzz crate builds; keep it building.
cargo clippy --lib --no-default-features --locked -- -D warnings

echo "== emulator unit tests" >&2
"$MOTO_PYTHON" -m unittest discover -s tests/emulator -p 'test_*.py'
echo "== price table refresh tests" >&2
"$MOTO_PYTHON" -m unittest discover -s tools -p 'test_*.py'

echo "== cargo test" >&2
cargo test --locked -- --test-threads="${TEST_THREADS:-2}"
