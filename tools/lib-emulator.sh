# Sourced by tools/demo.sh and tools/upgrade-check.sh (not run on its own): the provider loaded
# through a dev_overrides CLI configuration, the embedded emulator on 127.0.0.1 unless
# AWS_ENDPOINT_URL names another endpoint, and the prerequisites a service needs (VPC, subnets,
# security group, ALB with production and test listeners, cluster, Cloud Map namespace) as
# terraform.tfvars. Expects MOTO_PYTHON (tools/install.sh) and runs from the repository root.

# provider_tfrc FILE DIR: a CLI configuration that loads the provider binary from DIR.
provider_tfrc() {
  cat > "$1" <<CFG
provider_installation {
  dev_overrides {
    "terraform-provider-fargate/fargate" = "$2"
  }
  direct {}
}
CFG
}

# start_emulator WORK: unless AWS_ENDPOINT_URL is set, starts the emulator (it goes away with
# this shell: --until parent), sets emulator_pid and exports the endpoint and dummy credentials.
start_emulator() {
  emulator_pid=""
  [ -z "${AWS_ENDPOINT_URL:-}" ] || return 0
  "$MOTO_PYTHON" tests/emulator/launcher.py --until parent > "$1/emulator.ready" 2>"$1/emulator.log" < /dev/null &
  emulator_pid=$!
  for _ in $(seq 100); do [ -s "$1/emulator.ready" ] && break; sleep 0.1; done
  AWS_ENDPOINT_URL="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["endpoint"])' "$1/emulator.ready")"
  export AWS_ENDPOINT_URL AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
}

# create_fixtures NAME WORK: creates the prerequisites under NAME; WORK/fixtures.json holds their
# IDs (for destroy_fixtures) and WORK/terraform.tfvars the examples' variables.
create_fixtures() {
  "$MOTO_PYTHON" tests/emulator/fixtures.py create "$1" > "$2/fixtures.json"
  python3 - "$2/fixtures.json" > "$2/terraform.tfvars" <<'PY'
import json, sys
ids = json.load(open(sys.argv[1]))
for key in ("cluster", "vpc_id", "production_listener_arn", "test_listener_arn", "namespace_id"):
    print(f'{key} = "{ids[key]}"')
for key in ("private_subnet_ids", "security_group_ids"):
    print(f"{key} = {json.dumps(ids[key])}")
PY
}

# destroy_fixtures WORK: deletes what create_fixtures made.
destroy_fixtures() {
  "$MOTO_PYTHON" tests/emulator/fixtures.py destroy "$1/fixtures.json"
}
