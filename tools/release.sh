#!/usr/bin/env bash
# Builds the provider's release artifacts, named and laid out as the OpenTofu and Terraform
# registries expect, for the platform of this machine (README, "Install"):
#
#   <out>/terraform-provider-fargate_<version>_<os>_<arch>.zip   holds terraform-provider-fargate_v<version>
#   <out>/terraform-provider-fargate_<version>_manifest.json     declares plugin protocol 6.0
#   <out>/terraform-provider-fargate_<version>_SHA256SUMS        every zip and the manifest
#   <out>/terraform-provider-fargate_<version>_SHA256SUMS.sig    detached signature, when a key is set
#
# The version is Cargo.toml's. The zip is deterministic (fixed timestamps and mode), so the same
# binary always gives the same hashes. Other platforms: run this on them, or with a Rust target
# installed set CARGO_BUILD_TARGET (e.g. aarch64-unknown-linux-gnu with a cross linker); each run
# adds its zip to <out> and rewrites the SHA256SUMS over all of them.
#
#   --out DIR       where the artifacts go (default: dist)
#   --mirror DIR    also lay the zip out as a packed filesystem mirror under DIR, for both
#                   registry.opentofu.org and registry.terraform.io (a CLI configuration's
#                   provider_installation { filesystem_mirror { path = "DIR" } })
#   --profile NAME  cargo profile (default: release)
#   --binary PATH   pack this already built binary instead of building (the tests pack theirs)
#
#   FARGATE_SIGNING_KEY   a GnuPG key ID: SHA256SUMS gets a detached binary signature (.sig), as
#                         the registries verify against the key they publish for the provider
#
# Logs go to stderr; stdout carries only the path of the zip.
set -euo pipefail
cd "$(dirname "$0")/.."

out=dist
mirror=""
profile=release
binary=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --mirror) mirror="$2"; shift 2 ;;
    --profile) profile="$2"; shift 2 ;;
    --binary) binary="$2"; shift 2 ;;
    -h | --help) sed -n '2,27p' "$0"; exit 0 ;;
    *) echo "release.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

name=terraform-provider-fargate
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)"
[ -n "$version" ] || { echo "release.sh: no version in Cargo.toml" >&2; exit 1; }

target="${CARGO_BUILD_TARGET:-$(rustc -vV | sed -n 's/^host: //p')}"
case "$target" in
  x86_64-unknown-linux-*) platform=linux_amd64 ;;
  aarch64-unknown-linux-*) platform=linux_arm64 ;;
  x86_64-apple-darwin) platform=darwin_amd64 ;;
  aarch64-apple-darwin) platform=darwin_arm64 ;;
  x86_64-pc-windows-*) platform=windows_amd64 ;;
  *) echo "release.sh: no registry platform name for $target" >&2; exit 1 ;;
esac

if [ -z "$binary" ]; then
  start=$(date +%s)
  cargo build --locked --profile "$profile" --bin "$name" >&2
  case "$profile" in dev | test) profile_dir=debug ;; *) profile_dir="$profile" ;; esac
  target_dir="${CARGO_TARGET_DIR:-target}"
  if [ -n "${CARGO_BUILD_TARGET:-}" ]; then target_dir="$target_dir/$CARGO_BUILD_TARGET"; fi
  binary="$target_dir/$profile_dir/$name"
  [ -f "$binary" ] || binary="$binary.exe"
  echo "[release] built $binary ($(du -h "$binary" | cut -f1)) in $(( $(date +%s) - start )) s" >&2
fi
[ -f "$binary" ] || { echo "release.sh: no binary at $binary" >&2; exit 1; }

mkdir -p "$out"
zip="$out/${name}_${version}_${platform}.zip"
inner="${name}_v${version}"
[ "${platform#windows}" = "$platform" ] || inner="$inner.exe"
python3 - "$binary" "$zip" "$inner" <<'PY'
import sys, zipfile
binary, path, inner = sys.argv[1:]
info = zipfile.ZipInfo(inner, date_time=(1980, 1, 1, 0, 0, 0))
info.compress_type = zipfile.ZIP_DEFLATED
info.external_attr = (0o100755 << 16)
info.create_system = 3  # Unix, so the mode is honoured
with open(binary, "rb") as f, zipfile.ZipFile(path, "w") as z:
    z.writestr(info, f.read())
PY

manifest="$out/${name}_${version}_manifest.json"
printf '{\n  "version": 1,\n  "metadata": {\n    "protocol_versions": ["6.0"]\n  }\n}\n' >"$manifest"
sums="${name}_${version}_SHA256SUMS"
(cd "$out" && sha256sum "${name}_${version}"_*.zip "${name}_${version}_manifest.json" >"$sums")
if [ -n "${FARGATE_SIGNING_KEY:-}" ]; then
  gpg --batch --yes --local-user "$FARGATE_SIGNING_KEY" --detach-sign \
    --output "$out/$sums.sig" "$out/$sums"
  echo "[release] signed $sums with $FARGATE_SIGNING_KEY" >&2
fi

if [ -n "$mirror" ]; then
  for registry in registry.opentofu.org registry.terraform.io; do
    dir="$mirror/$registry/terraform-provider-fargate/fargate"
    mkdir -p "$dir"
    cp "$zip" "$dir/"
  done
  echo "[release] filesystem mirror at $mirror" >&2
fi
echo "[release] $(cd "$out" && ls "${name}_${version}"_*)" >&2
echo "$zip"
