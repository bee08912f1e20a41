#!/usr/bin/env bash
# action.yml, step 2: runs `gorun-lint $INPUT_ARGS` and records its exit code
# as the step output exit-code (action.yml exits with it after the SARIF
# upload). With INPUT_SARIF=true, appends `--format sarif` (so the args must
# be a `check` without --format; the default args become `check .`) and
# writes the report to INPUT_SARIF_FILE.
set -euo pipefail
die() { echo "::error title=gorun-lint action::$*" >&2; exit 1; }

args=${INPUT_ARGS:-check --format github .}
# Word splitting is the point: args is a command line (no globbing).
set -f
# shellcheck disable=SC2206
argv=($args)
set +f
[ "${#argv[@]}" -gt 0 ] || die "args is empty"

set +e
case ${INPUT_SARIF:-false} in
  true)
    if [ "$args" = "check --format github ." ]; then argv=(check .); fi
    [ "${argv[0]}" = check ] || die "sarif: true needs args that run check, got '$args'"
    for a in "${argv[@]}"; do
      case $a in --format | --format=*) die "sarif: true sets --format itself; drop it from args ('$args')" ;; esac
    done
    sarif=${INPUT_SARIF_FILE:-gorun-lint.sarif}
    echo "gorun-lint ${argv[*]} --format sarif > $sarif"
    gorun-lint "${argv[@]}" --format sarif >"$sarif"
    code=$?
    ;;
  false)
    echo "gorun-lint ${argv[*]}"
    gorun-lint "${argv[@]}"
    code=$?
    ;;
  *)
    die "sarif must be true or false, got '${INPUT_SARIF}'"
    ;;
esac
set -e
echo "exit-code=$code" >>"${GITHUB_OUTPUT:?}"
echo "gorun-lint exited $code"
