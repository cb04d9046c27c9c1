#!/usr/bin/env bash
# The whole fault sweep (docs/development.md, "The test suite"): every mutating AWS call of a create, an image change and
# a destroy of examples/codedeploy fails once at its first and once at its last call, each on a fresh
# emulator; each must fail with AWS's error, converge on the next command, plan empty and leave no
# child behind; and SIGKILL/SIGINT of tofu apply and destroy at every half second. Prints the
# figures. About 9 minutes here; CI runs a subset in tests/integrity.rs. FARGATE_SWEEP_EXAMPLE=<dir>
# sweeps another example of examples/ (e.g. basic, ECS-native blue/green).
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(tools/install.sh)"
export TOFU TERRAFORM MOTO_PYTHON
cargo test --locked --features fault-sweep --test fault_sweep -- --nocapture
