#!/usr/bin/env bash
# Installs the pinned tools the demo and the tests drive into a cache outside the clone,
# reusing whatever is already there. Prints nothing on stdout but `KEY=path` lines, so
# callers can `eval "$(tools/install.sh)"`.
#
#   FARGATE_TOOLS_DIR   where the cache lives (default: ~/.cache/terraform-provider-fargate)
#   OPENTOFU_VERSION    pinned OpenTofu release built from its Go module (default below)
#   MOTO_VERSION        pinned moto[server] release (default below)
#   CBOR2_VERSION       pinned cbor2 release in the same venv (the emulator's Smithy RPC v2 CBOR)
#   BOTOCORE_VERSION    pinned botocore and boto3 release in the same venv (AWS's API models)
#   TERRAFORM_VERSION   HashiCorp Terraform release also built (default below: 1.5.7, the last MPL
#                       release; later releases replace internal modules with local paths the
#                       module proxy cannot serve). Set to "none" to skip it.
set -euo pipefail

OPENTOFU_VERSION="${OPENTOFU_VERSION:-1.12.6}"
MOTO_VERSION="${MOTO_VERSION:-5.2.5}"
CBOR2_VERSION="${CBOR2_VERSION:-5.9.0}"
# boto3 and botocore carry AWS's API models, which the emulator validates every request against
# and tests/aws_facts.rs compares the provider's AWS facts with: pinned, so a new model release
# changes the check only when this pin moves.
BOTOCORE_VERSION="${BOTOCORE_VERSION:-1.44.18}"
TERRAFORM_VERSION="${TERRAFORM_VERSION:-1.5.7}"
TOOLS_DIR="${FARGATE_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-fargate}"
mkdir -p "$TOOLS_DIR"

log() { printf '[tools] %s\n' "$*" >&2; }

# build_go_cli NAME MODULE VERSION PACKAGE LDFLAGS REPLACE...
# A module whose go.mod carries `replace` directives cannot be `go install`ed, so build it
# from a throwaway wrapper module that requires it and repeats each replace.
build_go_cli() {
  local name="$1" module="$2" version="$3" package="$4" ldflags="$5"; shift 5
  local dest="$TOOLS_DIR/$name-$version"
  if [ -x "$dest/$name" ]; then return 0; fi
  command -v go >/dev/null || { log "go is required to build $name $version"; return 1; }
  log "building $name $version from its Go module (first run only; a few minutes)"
  local work
  work="$(mktemp -d "$TOOLS_DIR/.build-$name.XXXXXX")" || return 1
  {
    echo "module example.invalid/$name-wrapper"
    echo
    echo "go 1.22"
    echo
    echo "require $module v$version"
    for r in "$@"; do echo "replace $r"; done
  } > "$work/go.mod"
  if (cd "$work" && GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w $ldflags" -o "$work/$name" "$package") >&2 \
    && [ -x "$work/$name" ]; then
    rm -rf "$dest" && mkdir -p "$dest" && mv "$work/$name" "$dest/$name"
    local rc=$?
  else
    local rc=1
  fi
  rm -rf "$work"
  return $rc
}

# OpenTofu's go.mod replaces hashicorp/hcl with OpenTofu's fork.
build_go_cli tofu github.com/opentofu/opentofu "$OPENTOFU_VERSION" \
  github.com/opentofu/opentofu/cmd/tofu "-X github.com/opentofu/opentofu/version.dev=no" \
  "github.com/hashicorp/hcl/v2 => github.com/opentofu/hcl/v2 v2.20.2-0.20251021132045-587d123c2828"
echo "TOFU=$TOOLS_DIR/tofu-$OPENTOFU_VERSION/tofu"

if [ "$TERRAFORM_VERSION" != "none" ]; then
  if build_go_cli terraform github.com/hashicorp/terraform "$TERRAFORM_VERSION" github.com/hashicorp/terraform \
       "-X github.com/hashicorp/terraform/version.dev=no";  then
    echo "TERRAFORM=$TOOLS_DIR/terraform-$TERRAFORM_VERSION/terraform"
  else
    log "could not build terraform $TERRAFORM_VERSION"
  fi
fi

moto_dir="$TOOLS_DIR/moto-$MOTO_VERSION"
# A venv hard-codes its own path, so it is built in place; the stamp marks a finished install.
if [ ! -f "$moto_dir/.complete" ]; then
  log "installing moto[server]==$MOTO_VERSION into $moto_dir"
  rm -rf "$moto_dir"
  python3 -m venv "$moto_dir/venv"
  "$moto_dir/venv/bin/pip" install --quiet --disable-pip-version-check \
    "moto[server]==$MOTO_VERSION" "cbor2==$CBOR2_VERSION" \
    "botocore==$BOTOCORE_VERSION" "boto3==$BOTOCORE_VERSION" >&2
  touch "$moto_dir/.complete"
fi
# A venv cached before cbor2 was pinned (or with another release) gets the pinned one in place.
if ! "$moto_dir/venv/bin/python" -c \
    "import importlib.metadata as m, sys; sys.exit(m.version('cbor2') != '$CBOR2_VERSION')" 2>/dev/null; then
  log "installing cbor2==$CBOR2_VERSION into $moto_dir"
  "$moto_dir/venv/bin/pip" install --quiet --disable-pip-version-check "cbor2==$CBOR2_VERSION" >&2
fi
# The same for a venv cached with other AWS models.
if ! "$moto_dir/venv/bin/python" -c \
    "import importlib.metadata as m, sys; sys.exit(m.version('botocore') != '$BOTOCORE_VERSION')" 2>/dev/null; then
  log "installing botocore==$BOTOCORE_VERSION into $moto_dir"
  "$moto_dir/venv/bin/pip" install --quiet --disable-pip-version-check \
    "botocore==$BOTOCORE_VERSION" "boto3==$BOTOCORE_VERSION" >&2
fi
echo "MOTO_PYTHON=$moto_dir/venv/bin/python"
