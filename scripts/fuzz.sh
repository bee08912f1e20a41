#!/usr/bin/env bash
# Fuzz `check` and `fix` with cargo-fuzz (libFuzzer) for a fixed time per
# target: scripts/fuzz.sh SECONDS [TARGET...]
#
# Runs on stable Rust: cargo-fuzz needs nightly-only flags (-Z sanitizer),
# which RUSTC_BOOTSTRAP=1 unlocks on a stable toolchain. Installs cargo-fuzz
# when it is missing. The corpus is seeded from the fixtures' Makefiles
# (fixtures/check/**/Makefile and *.mk, fixtures/demo, fixtures/e2e) and
# the kept corpus, fuzz/corpus/<target> (in the repository, minimized after
# each long run: FUZZING.md), which grows with what the run finds new;
# crashes land in fuzz/artifacts/<target>.
# Exits non-zero when a target finds a crash, a timeout (one input taking
# longer than FUZZ_TIMEOUT seconds, default 10) or runs out of memory
# (FUZZ_RSS_MB, default 2048). FUZZ_SANITIZER=none builds without
# AddressSanitizer (faster; it only guards tree-sitter's C code).
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:?usage: scripts/fuzz.sh SECONDS [TARGET...]}
shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(check_fix_bytes check_fix_structured)
fi

export RUSTC_BOOTSTRAP=1
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install --locked cargo-fuzz
fi

# Seeds: every fixture Makefile, under a name unique per path.
seeds=fuzz/seeds
rm -rf "$seeds"
mkdir -p "$seeds"
while IFS= read -r -d '' f; do
  cp "$f" "$seeds/$(printf '%s' "$f" | tr '/' '_')"
done < <(find fixtures -type f \( -name Makefile -o -name GNUmakefile -o -name makefile -o -name '*.mk' \) -print0)

status=0
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t"
  # FUZZ_RUNS counts the mutations after the replay of the kept corpus and
  # the seeds: libFuzzer's -runs counts the replay too (about one run per
  # input and a half; twice the inputs is safe), and a smaller budget would
  # stop inside it.
  runs=
  if [ -n "${FUZZ_RUNS:-}" ]; then
    inputs=$(( $(find "fuzz/corpus/$t" -type f | wc -l) + $(find "$seeds" -type f | wc -l) ))
    runs=$(( FUZZ_RUNS + 2 * inputs ))
  fi
  echo "== fuzzing $t for ${secs}s${runs:+ (at most $runs runs)}"
  cargo fuzz run --sanitizer "${FUZZ_SANITIZER:-address}" "$t" "fuzz/corpus/$t" "$seeds" -- \
    -max_total_time="$secs" \
    -timeout="${FUZZ_TIMEOUT:-10}" \
    -rss_limit_mb="${FUZZ_RSS_MB:-2048}" \
    -max_len="${FUZZ_MAX_LEN:-16384}" \
    ${runs:+-runs="$runs" -seed="${FUZZ_SEED:-1}"} \
    -print_final_stats=1 || status=1
done
exit $status
