#!/usr/bin/env bash
# action.yml, step 1: installs gorun-lint for the runner and puts it on
# GITHUB_PATH. Where a release archive matches the runner's OS and
# architecture, downloads it and its release's SHA256SUMS and refuses an
# archive whose SHA-256 does not match; elsewhere, `pip install
# gorun-lint==VERSION` into a venv. Reads (set by action.yml or the runner):
#   INPUT_VERSION  0.1.0, v0.1.0, latest or empty (empty: the action's own
#                  tag when it is a version, else the latest release)
#   ACTION_REF     github.action_ref
#   RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_PATH
#   GORUN_LINT_RELEASE_URL  where releases live (default: the GitHub
#                  repository's releases; a mirror, or file:// in tests)
set -euo pipefail
die() { echo "::error title=gorun-lint action::$*" >&2; exit 1; }

releases=${GORUN_LINT_RELEASE_URL:-https://github.com/gorun-lint/gorun-lint/releases}
version=${INPUT_VERSION:-}
if [ -z "$version" ]; then
  case ${ACTION_REF:-} in
    v[0-9]*.*) version=$ACTION_REF ;;
    *) version=latest ;;
  esac
fi
version=${version#v}
case $version in
  latest | [0-9]*.[0-9]*.[0-9]*) ;;
  *) die "version '$version' is neither latest nor a version such as 0.1.0" ;;
esac

case ${RUNNER_OS:-}/${RUNNER_ARCH:-} in
  Linux/X64) target=x86_64-unknown-linux-musl ;;
  Linux/ARM64) target=aarch64-unknown-linux-musl ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc ;;
  *) target= ;;
esac

tmp=${RUNNER_TEMP:?}/gorun-lint-install
rm -rf "$tmp"
mkdir -p "$tmp"

if [ -n "$target" ]; then
  if [ "$version" = latest ]; then base=$releases/latest/download; else base=$releases/download/v$version; fi
  case $target in *windows*) archive=gorun-lint-$target.zip exe=gorun-lint.exe ;;
    *) archive=gorun-lint-$target.tar.gz exe=gorun-lint ;; esac
  echo "Downloading $base/$archive"
  curl -fsSL --retry 3 -o "$tmp/$archive" "$base/$archive" ||
    die "could not download $base/$archive"
  curl -fsSL --retry 3 -o "$tmp/SHA256SUMS" "$base/SHA256SUMS" ||
    die "could not download $base/SHA256SUMS"
  want=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1 }' "$tmp/SHA256SUMS")
  [ -n "$want" ] || die "SHA256SUMS has no line for $archive"
  if command -v sha256sum >/dev/null 2>&1; then
    got=$(sha256sum "$tmp/$archive" | cut -d' ' -f1)
  else
    got=$(shasum -a 256 "$tmp/$archive" | cut -d' ' -f1)
  fi
  [ "$got" = "$want" ] || die "checksum mismatch for $archive: got $got, SHA256SUMS says $want"
  echo "SHA-256 verified: $got  $archive"
  case $archive in
    *.zip) if command -v unzip >/dev/null 2>&1; then unzip -q "$tmp/$archive" -d "$tmp"
      else python3 -m zipfile -e "$tmp/$archive" "$tmp"; fi ;;
    *) tar -xzf "$tmp/$archive" -C "$tmp" ;;
  esac
  bindir=$tmp/gorun-lint-$target
  [ -f "$bindir/$exe" ] || die "$archive has no gorun-lint-$target/$exe"
  chmod +x "$bindir/$exe"
else
  echo "No release archive for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}: installing the wheel with pip"
  py=$(command -v python3 || command -v python) || die "no release archive for this runner and no python to pip install gorun-lint"
  spec=gorun-lint
  [ "$version" = latest ] || spec=gorun-lint==$version
  "$py" -m venv "$tmp/venv"
  if [ -d "$tmp/venv/Scripts" ]; then bindir=$tmp/venv/Scripts; else bindir=$tmp/venv/bin; fi
  "$bindir/python" -m pip install --quiet --disable-pip-version-check "$spec" ||
    die "pip install $spec failed"
fi

"$bindir/gorun-lint" --version
if [ "$version" != latest ]; then
  [ "$("$bindir/gorun-lint" --version)" = "gorun-lint $version" ] ||
    die "installed $("$bindir/gorun-lint" --version), want $version"
fi
echo "$bindir" >>"${GITHUB_PATH:?}"
