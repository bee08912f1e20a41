#!/usr/bin/env bash
# Packs a built gorun-lint binary into the release archive that action.yml
# and docs/install.md expect, and prints the archive's path:
#   gorun-lint-<target>.tar.gz   (Linux, macOS)   holding gorun-lint-<target>/gorun-lint
#   gorun-lint-<target>.zip      (Windows)        holding gorun-lint-<target>/gorun-lint.exe
# each with README.md, LICENSE and CHANGELOG.md beside the binary. The names
# carry no version, so that releases/latest/download/<name> works too.
# release.yml runs it for each target; scripts/package/action.sh tests it.
#
# usage: scripts/package/archive.sh TARGET BINARY OUTDIR
set -euo pipefail
[ $# = 3 ] || { echo "usage: $0 TARGET BINARY OUTDIR" >&2; exit 2; }
target=$1 bin=$2 out=$3
repo=$(cd "$(dirname "$0")/../.." && pwd)
[ -f "$bin" ] || { echo "error: no binary at $bin" >&2; exit 1; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
name=gorun-lint-$target
mkdir "$stage/$name"
cp "$bin" "$stage/$name/"
cp "$repo/README.md" "$repo/LICENSE" "$repo/CHANGELOG.md" "$stage/$name/"
case $target in
  *windows*)
    archive=$out/$name.zip
    rm -f "$archive"
    if command -v 7z >/dev/null 2>&1; then
      (cd "$stage" && 7z a -tzip -bso0 "$archive" "$name" >&2)
    else
      (cd "$stage" && python3 -m zipfile -c "$archive" "$name")
    fi
    ;;
  *)
    archive=$out/$name.tar.gz
    chmod 755 "$stage/$name/$(basename "$bin")"
    tar -C "$stage" -czf "$archive" "$name"
    ;;
esac
printf '%s\n' "$archive"
