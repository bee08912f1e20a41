#!/usr/bin/env bash
# The crate as crates.io would get it: `cargo package` (which builds the
# packed sources, as `cargo publish` does), a check of what goes in, then
# `cargo install` from the unpacked .crate into a scratch root and the
# installed binary run on fixtures/demo (exit 1, the same summary as the
# binary cargo builds from the tree).
#
# usage: scripts/package/crate.sh      (PACKAGE_ALLOW_DIRTY=1 for a tree
#        with uncommitted changes; PACKAGE_KEEP=1 keeps the scratch dir)
# Needs cargo and crates.io (or a filled cargo cache).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
cd "$repo"
scratch crate
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
dirty=()
[ "${PACKAGE_ALLOW_DIRTY:-0}" != 1 ] || dirty=(--allow-dirty)

log "== cargo package (gorun-lint $version)"
cargo package --locked "${dirty[@]}" --list >"$work/list.txt"
for f in Cargo.toml Cargo.lock LICENSE README.md CHANGELOG.md src/main.rs queries/structure.scm; do
  grep -qxF "$f" "$work/list.txt" || die "the package lacks $f"
done
if grep -E '^(fixtures|fuzz|tests|benches|docs|scripts|target|\.ci|\.github)/' "$work/list.txt"; then
  die "the package holds files it does not need (above)"
fi
# Every file include_str!/include_bytes! names from src/ must be packed.
grep -rhoE 'include_(str|bytes)!\("[^"]+"\)' src | sed -E 's/.*\("([^"]+)"\)/\1/' | sort -u |
  while read -r inc; do
    src_file=$(grep -rlF "\"$inc\"" src | head -n1)
    path=$(realpath -m --relative-to="$repo" "$(dirname "$src_file")/$inc")
    grep -qxF "$path" "$work/list.txt" || die "$src_file includes $path, which the package lacks"
  done

cargo package --locked "${dirty[@]}" >&2
target_dir=${CARGO_TARGET_DIR:-$repo/target}
case $target_dir in /*) ;; *) target_dir=$repo/$target_dir ;; esac
crate=$target_dir/package/gorun-lint-$version.crate
[ -f "$crate" ] || die "no $crate"
size=$(stat -c %s "$crate")
[ "$size" -lt 10000000 ] || die "$crate is $size bytes: over crates.io's 10 MB"
log "packed $(basename "$crate"): $size bytes, $(wc -l <"$work/list.txt") files"

# Install from the packed sources, as `cargo install gorun-lint` would.
mkdir "$work/unpacked"
tar -xzf "$crate" -C "$work/unpacked"
cargo install --locked --debug --quiet --path "$work/unpacked/gorun-lint-$version" --root "$work/root" >&2
installed=$work/root/bin/gorun-lint
[ "$("$installed" --version)" = "gorun-lint $version" ] || die "installed binary: $("$installed" --version)"
ref=$(cargo_binary)
set +e
"$ref" check --color never fixtures/demo >"$work/want.txt" 2>&1
"$installed" check --color never fixtures/demo >"$work/got.txt" 2>&1
rc=$?
set -e
[ "$rc" = 1 ] || die "the installed crate's check fixtures/demo exited $rc, want 1: $(cat "$work/got.txt")"
want=$(grep -E '^Found [0-9]+ findings?' "$work/want.txt") || die "no summary from cargo's binary"
grep -qxF "$want" "$work/got.txt" || die "the installed crate did not print '$want'"
log "ok: cargo package; installed from the .crate, the demo gives '$want'"
