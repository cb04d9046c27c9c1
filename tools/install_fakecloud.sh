#!/usr/bin/env bash
# Builds fakecloud, an independent second AWS emulator (crates.io crate `fakecloud`,
# AGPL-3.0-or-later), into the tools cache keyed by version, and reuses it afterwards. It is
# only ever run as a separate program (tools/test-fakecloud.sh), never linked into the
# provider. tools/test.sh does not call this script: the first build is long (below) and CI's
# time is limited.
#
# Same contract as tools/install.sh: stdout carries only `FAKECLOUD=<path>`, logs go to stderr,
# so callers can `eval "$(tools/install_fakecloud.sh)"`.
#
#   FARGATE_TOOLS_DIR   where the cache lives (default: ~/.cache/terraform-provider-fargate)
#   FAKECLOUD_VERSION   pinned fakecloud release (default below)
#
# Build time: `cargo install fakecloud --version 0.51.0 --locked` (the --locked build worked) took
# 2651 s (44 min) of wall clock on this project's 2-core machine, shared with other builds, once;
# later runs reuse $FARGATE_TOOLS_DIR/fakecloud-0.51.0/bin/fakecloud at once (a few ms).
set -euo pipefail

FAKECLOUD_VERSION="${FAKECLOUD_VERSION:-0.51.0}"
TOOLS_DIR="${FARGATE_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-fargate}"
mkdir -p "$TOOLS_DIR"

log() { printf '[tools] %s\n' "$*" >&2; }

dest="$TOOLS_DIR/fakecloud-$FAKECLOUD_VERSION"
if [ ! -x "$dest/bin/fakecloud" ]; then
  command -v cargo >/dev/null || { log "cargo is required to build fakecloud $FAKECLOUD_VERSION"; exit 1; }
  log "building fakecloud $FAKECLOUD_VERSION from crates.io into $dest (first run only; long)"
  work="$(mktemp -d "$TOOLS_DIR/.build-fakecloud.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  start=$(date +%s)
  # The crate's own Cargo.lock first; without it only if that fails (said on stderr).
  if ! CARGO_TARGET_DIR="$work/target" cargo install fakecloud --version "$FAKECLOUD_VERSION" \
       --locked --root "$work/root" >&2; then
    log "cargo install --locked failed; retrying without --locked (dependencies resolved afresh)"
    CARGO_TARGET_DIR="$work/target" cargo install fakecloud --version "$FAKECLOUD_VERSION" \
      --root "$work/root" >&2
  fi
  rm -rf "$dest" && mkdir -p "$dest/bin"
  mv "$work/root/bin/fakecloud" "$dest/bin/fakecloud"
  log "fakecloud $FAKECLOUD_VERSION built in $(( $(date +%s) - start )) s"
fi
echo "FAKECLOUD=$dest/bin/fakecloud"
