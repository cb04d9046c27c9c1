#!/usr/bin/env bash
# Builds the HashiCorp AWS provider (hashicorp/aws) from its Go module through the Go module
# proxy into a cache outside the clone, reusing a binary already built for the same version.
# Logs go to stderr; stdout carries only `AWS_PROVIDER_DIR=<dir>`, so callers can
#   eval "$(tools/install_aws_provider.sh)"
# and point an OpenTofu/Terraform `dev_overrides { "hashicorp/aws" = "<dir>" }` at the directory.
#
#   FARGATE_TOOLS_DIR      where the cache lives (default: ~/.cache/terraform-provider-fargate)
#   AWS_PROVIDER_VERSION   version name used as the cache key (default below); must be one of
#                          the names mapped in module_version_for below
#   AWS_PROVIDER_NICE      niceness of the build (default 10)
#   AWS_PROVIDER_GOFLAGS   extra `go build` flags, e.g. "-p 1" on a memory-starved machine
#
# The provider's release tags (v6.x) are not valid Go module versions for the path
# github.com/hashicorp/terraform-provider-aws (no /v6 suffix, and it has a go.mod, so
# +incompatible is refused), so the module can only be required by pseudo-version. The module
# proxy available here serves a single recent one, which is main-branch code between two releases.
# A clean build takes a long time (tens of minutes on 2 cores) and ~300 MB of module downloads.
set -euo pipefail

AWS_PROVIDER_VERSION="${AWS_PROVIDER_VERSION:-6.48.0-dev.20260602}"
TOOLS_DIR="${FARGATE_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-fargate}"
MODULE=github.com/hashicorp/terraform-provider-aws

log() { printf '[aws-provider] %s\n' "$*" >&2; }

# module_version_for NAME -> "PSEUDO_VERSION GO_VERSION"
# GO_VERSION is the `go` line of the provider's go.mod: the wrapper repeats it so that the
# binary gets the same GODEBUG defaults as an upstream release build.
module_version_for() {
  case "$1" in
    # main @ 5f2286d6d836 (2026-06-02): after 6.47.0 (2026-05-27), CHANGELOG head "6.48.0 (Unreleased)",
    # version/VERSION 6.47.1. Its go.mod has no replace directives.
    6.48.0-dev.20260602) echo "v1.60.1-0.20260602190131-5f2286d6d836 1.26.3" ;;
    *) return 1 ;;
  esac
}

mapping="$(module_version_for "$AWS_PROVIDER_VERSION")" || {
  log "no pseudo-version known for AWS_PROVIDER_VERSION=$AWS_PROVIDER_VERSION (add it to module_version_for)"
  exit 1
}
read -r pseudo go_version <<<"$mapping"

dest="$TOOLS_DIR/terraform-provider-aws-$AWS_PROVIDER_VERSION"
bin="terraform-provider-aws_v$AWS_PROVIDER_VERSION"

build() {
  if [ -x "$dest/$bin" ]; then return 0; fi
  command -v go >/dev/null || { log "go >= $go_version is required to build the AWS provider"; return 1; }
  log "building hashicorp/aws $AWS_PROVIDER_VERSION ($MODULE $pseudo) from its Go module"
  log "first run only: ~300 MB of modules and a long compile (tens of minutes on 2 cores)"
  local work rc=0
  work="$(mktemp -d "$TOOLS_DIR/.build-aws-provider.XXXXXX")" || return 1
  # The provider's go.mod has no `replace` directives (checked for the pinned revision); it does
  # carry `godebug tlsmlkem=0` (post-quantum key exchange breaks AWS Network Firewall), which only
  # takes effect from the main module, so the wrapper repeats it together with the go version.
  {
    echo "module example.invalid/aws-wrapper"
    echo
    echo "go $go_version"
    echo
    echo "godebug tlsmlkem=0"
    echo
    echo "require $MODULE $pseudo"
  } > "$work/go.mod"
  # shellcheck disable=SC2086 # AWS_PROVIDER_GOFLAGS is a list of flags
  if (cd "$work" && GOFLAGS=-mod=mod nice -n "${AWS_PROVIDER_NICE:-10}" go build ${AWS_PROVIDER_GOFLAGS:-} \
        -trimpath -ldflags "-s -w -X $MODULE/version.ProviderVersion=$AWS_PROVIDER_VERSION" \
        -o "$work/$bin" "$MODULE") >&2 \
     && [ -x "$work/$bin" ]; then
    rm -rf "$dest" && mkdir -p "$dest" && mv "$work/$bin" "$dest/$bin" || rc=$?
  else
    rc=1
  fi
  rm -rf "$work"
  return $rc
}

mkdir -p "$TOOLS_DIR"
if [ ! -x "$dest/$bin" ]; then
  # Serialise concurrent first runs so two long builds do not race for the same directory.
  if command -v flock >/dev/null; then
    exec 9>"$TOOLS_DIR/.aws-provider.lock"
    flock 9
  fi
  build || { log "could not build hashicorp/aws $AWS_PROVIDER_VERSION"; exit 1; }
fi
log "using $dest/$bin"
echo "AWS_PROVIDER_DIR=$dest"
