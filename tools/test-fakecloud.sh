#!/usr/bin/env bash
# The acceptance tests against fakecloud, an independent second AWS emulator (crates.io crate
# `fakecloud`, AGPL-3.0-or-later, run only as a separate program), through AWS_ENDPOINT_URL as
# the README's "Against another AWS endpoint" describes. What each failure means is in
# tests/emulator/fakecloud.md. Not part of tools/test.sh: building fakecloud the first time is
# long (tools/install_fakecloud.sh).
#
#   tools/test-fakecloud.sh [test-binary…]      default: lifecycle strategies tasks alarms
#
# Builds the chosen test binaries once, then runs each test on its own (`--exact <name>
# --test-threads=1`, what `cargo test --locked --test <bin> -- --exact <name> --test-threads=1`
# runs) against a fresh fakecloud on 127.0.0.1 (a free port it picks and prints), with dummy
# credentials, and stops fakecloud after each test (and on exit). It prints per test `passed`,
# `failed` or `not applicable` — a test that needs the project's emulator's own control
# endpoints (request log, fault injection, throttling, call delay, time scale, alarm states,
# failed deployments), recognised by the harness's message saying so — and closes with one
# line of counts per binary. Exit status 1 when any test failed.
#
#   FAKECLOUD_DEMO=1          also runs tools/demo.sh against a fresh fakecloud
#   FAKECLOUD_ONLY=<regex>    only the tests whose name matches (grep -E)
#   FAKECLOUD_TEST_TIMEOUT    seconds before a test is stopped and counted failed (default 300;
#                             against the project's emulator a test takes 10 s to 3 min)
#   FAKECLOUD_LOG_DIR         where each test's output and fakecloud's log go
#                             (default: target/fakecloud/<date-time>)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

binaries=("$@")
[ ${#binaries[@]} -gt 0 ] || binaries=(lifecycle strategies tasks alarms)
timeout_s="${FAKECLOUD_TEST_TIMEOUT:-300}"
logs="${FAKECLOUD_LOG_DIR:-$root/target/fakecloud/$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$logs"

eval "$(tools/install.sh)"
eval "$(tools/install_fakecloud.sh)"
export TOFU TERRAFORM MOTO_PYTHON FAKECLOUD
echo "== $("$FAKECLOUD" --version 2>/dev/null | head -n1), logs in $logs" >&2

# The texts the harness fails with when a test needs the project's own emulator
# (tests/support/mod.rs, tests/*.rs), and support::http's failure on an /_emulator/ endpoint
# another server does not have ("POST /_emulator/deployments: HTTP/1.1 404 ...").
not_applicable='is a feature of the embedded emulator|are a feature of the embedded emulator|which only the project.s emulator has|needs the project.s emulator|(GET|POST) /_emulator/'

fc_pid="" child=""
stop_fakecloud() {
  if [ -n "$fc_pid" ]; then
    kill "$fc_pid" 2>/dev/null || true
    wait "$fc_pid" 2>/dev/null || true
    fc_pid=""
  fi
}
# A test (under `timeout`, which passes the signal on to the test's processes) or the demo.
stop_child() {
  if [ -n "$child" ]; then
    kill "$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
    child=""
  fi
}
trap 'stop_child; stop_fakecloud' EXIT
trap 'exit 130' INT TERM
# run_child CMD...: runs CMD in the background and waits, so that Ctrl-C or a TERM reaches this
# script at once (a foreground child would delay the trap until it ended).
run_child() {
  "$@" &
  child=$!
  local rc=0
  wait "$child" || rc=$?
  child=""
  return "$rc"
}

# start_fakecloud LOG: a fresh fakecloud on 127.0.0.1, a port the OS picks; sets AWS_ENDPOINT_URL.
start_fakecloud() {
  local log="$1" port="" ready="$logs/.port"
  : > "$ready"
  NO_COLOR=1 FAKECLOUD_LOG="${FAKECLOUD_LOG:-info}" "$FAKECLOUD" --addr 127.0.0.1:0 > "$ready" 2> "$log" < /dev/null &
  fc_pid=$!
  for _ in $(seq 300); do
    port="$(sed -n 's/^FAKECLOUD_PORT=\([0-9]*\)$/\1/p' "$ready" | head -n1)"
    if [ -n "$port" ] && curl -fsS -o /dev/null "http://127.0.0.1:$port/_fakecloud/health" 2>/dev/null; then
      export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
      return 0
    fi
    kill -0 "$fc_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "fakecloud did not come up; its log: $log" >&2
  tail -n 20 "$log" >&2
  return 1
}
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN

# One build of every chosen binary; the runs below use exactly these executables.
args=()
for b in "${binaries[@]}"; do args+=(--test "$b"); done
echo "== cargo test --locked --no-run ${args[*]}" >&2
cargo test --locked --no-run "${args[@]}" --message-format=json 2>/dev/null \
  | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["kind"] == ["test"]:
        print(m["target"]["name"], m["executable"])
' > "$logs/.executables"
[ -s "$logs/.executables" ] || { echo "the test build failed: cargo test --locked --no-run ${args[*]}" >&2; exit 1; }

summary=()
any_failed=0
for b in "${binaries[@]}"; do
  exe="$(awk -v b="$b" '$1 == b { print $2 }' "$logs/.executables")"
  [ -n "$exe" ] || { echo "no test binary $b" >&2; exit 1; }
  passed=0 failed=0 na=0
  while read -r name; do
    [ -n "$name" ] || continue
    if [ -n "${FAKECLOUD_ONLY:-}" ] && ! grep -qE "$FAKECLOUD_ONLY" <<<"$name"; then continue; fi
    out="$logs/$b.$name.log"
    start_fakecloud "$logs/$b.$name.fakecloud.log"
    started=$(date +%s)
    rc=0
    run_child timeout -k 10 "$timeout_s" "$exe" --exact "$name" --test-threads=1 > "$out" 2>&1 || rc=$?
    took=$(( $(date +%s) - started ))
    stop_fakecloud
    if [ "$rc" = 0 ] && grep -q '^test result: ok. 1 passed' "$out"; then
      verdict=passed; passed=$((passed + 1))
    elif [ "$rc" != 0 ] && grep -qE "$not_applicable" "$out"; then
      verdict="not applicable"; na=$((na + 1))
    else
      verdict=failed; failed=$((failed + 1)); any_failed=1
      [ "$rc" = 124 ] && verdict="failed (timed out after ${timeout_s} s)"
    fi
    printf '%-11s %s::%s (%d s)\n' "$verdict" "$b" "$name" "$took"
    if [ "$verdict" != passed ]; then
      # The panic's first lines: the assertion, or the harness's reason.
      awk '/panicked at/ { on = 1 } /^stack backtrace:|^note: / { if (on) exit }
           on { print "    " substr($0, 1, 300); if (++n == 5) exit }' "$out" || true
    fi
  done < <("$exe" --list --format terse 2>/dev/null | sed -n 's/: test$//p')
  summary+=("$b: $passed passed, $failed failed, $na not applicable")
done

if [ "${FAKECLOUD_DEMO:-0}" = 1 ]; then
  start_fakecloud "$logs/demo.fakecloud.log"
  rc=0
  run_child tools/demo.sh > "$logs/demo.log" 2>&1 < /dev/null || rc=$?
  stop_fakecloud
  if [ "$rc" = 0 ]; then echo "passed      demo"; else echo "failed      demo (exit $rc; $logs/demo.log)"; any_failed=1; fi
fi

echo "== against fakecloud (logs in $logs)"
for line in "${summary[@]}"; do echo "$line"; done
exit "$any_failed"
