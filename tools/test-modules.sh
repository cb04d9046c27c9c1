#!/usr/bin/env bash
# The module acceptance tests (README, "Modules"): builds the pinned hashicorp/aws provider
# from its Go module into the tools cache on first use (about 35 minutes and 9.5 GB of memory
# on 2 cores), then drives examples/modules-basic and eject with the real tofu and hashicorp/aws
# against the emulator (or AWS_ENDPOINT_URL). Separate from tools/test.sh because that build
# does not fit a CI run; the parity, fmt and staleness tests of the modules run in tools/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

eval "$(tools/install.sh)"
eval "$(tools/install_aws_provider.sh)"
export TOFU TERRAFORM MOTO_PYTHON AWS_PROVIDER_DIR

cargo test --locked --features modules-acceptance --test modules_acceptance -- \
  --test-threads=1 --nocapture
