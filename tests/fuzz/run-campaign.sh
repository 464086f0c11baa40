#!/usr/bin/env bash
# Builds the libFuzzer targets with clang, ASan and UBSan in build-fuzz/, then fuzzes each target
# for SECONDS (default 60), JOBS of them at a time (default 1).
#
#   tests/fuzz/run-campaign.sh [SECONDS] [TARGET...]
#       targets: frame request signature list index delta csv
#
# The checked-in seeds (tests/fuzz/corpus/<target>/) are copied into build-fuzz/corpus/<target>/,
# which libFuzzer grows; the repository's corpus is never written to. Known crash-* reproducers
# are left out of the copy (fuzz.replay.<target> runs them), so that a known bug does not stop a
# campaign at its first input. Crashes, leaks and timeouts go to build-fuzz/findings/<target>/,
# the logs to build-fuzz/findings/<target>.log. Keeps fuzzing after a crash (libFuzzer's fork
# mode) so that one bug does not hide the next; exits 1 when anything was found.
#
# Environment: JOBS (targets run at once), CC (default clang), FUZZ_FLAGS (more libFuzzer flags),
# FUZZ_BUILD_DIR (default build-fuzz/ in the checkout), FUZZ_SOURCE_DIR (the project to configure;
# default the checkout).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
source_dir=${FUZZ_SOURCE_DIR:-$root}
seconds=${1:-60}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(frame request signature list index delta csv)
jobs=${JOBS:-1}

case $seconds in '' | *[!0-9]*) echo "usage: $0 [SECONDS] [TARGET...]" >&2; exit 2 ;; esac

# Longest input worth trying: a few frames; a request with a full check_batch; a signature file
# just over MAX_SIG_FILE_BYTES; a list with a line just over MAX_LIST_LINE_BYTES; an index with
# more than MAX_INDEX_DELTAS deltas; a delta with a line just over MAX_LIST_LINE_BYTES; a few
# CSV records (fuzz_csv repeats its input to go past CSV_MAX_RECORD_BYTES).
max_len() {
    case $1 in
    frame) echo 4096 ;;
    request) echo 16384 ;;
    signature) echo 17000 ;;
    list) echo 40000 ;;
    index) echo 32768 ;;
    delta) echo 20000 ;;
    csv) echo 8192 ;;
    *) echo "unknown fuzz target: $1" >&2; return 1 ;;
    esac
}
for t in "${targets[@]}"; do max_len "$t" >/dev/null; done

cmake -S "$source_dir" -B "$build" -DCMAKE_C_COMPILER="${CC:-clang}" -DNETRAL_FUZZ=ON \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" --target "${targets[@]/#/fuzz_}"

run_target() {
    local t=$1 corpus=$build/corpus/$1 findings=$build/findings/$1 exe
    exe=$(find "$build" -type f -name "fuzz_$t" -perm -u+x | head -n 1)
    mkdir -p "$corpus" "$findings"
    find "$root/tests/fuzz/corpus/$t" -maxdepth 1 -type f ! -name 'crash-*' -exec cp -p {} "$corpus/" \;
    local dict=()
    [ -f "$root/tests/fuzz/dict/$t.dict" ] && dict=(-dict="$root/tests/fuzz/dict/$t.dict")
    echo "fuzz_$t: ${seconds}s, -max_len=$(max_len "$t"), log in $findings.log"
    # detect_leaks stays on (ASan's default on Linux): a leak is a finding too.
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$exe" -max_total_time="$seconds" -max_len="$(max_len "$t")" -timeout=10 -rss_limit_mb=2048 \
        -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -artifact_prefix="$findings/" -print_final_stats=1 "${dict[@]}" ${FUZZ_FLAGS:-} \
        "$corpus" >"$findings.log" 2>&1 || true
    local found stats
    found=$(find "$findings" -type f | wc -l)
    stats=$(grep -E '^#[0-9]+.*cov:' "$findings.log" | tail -n 1 || true)
    if [ -z "$stats" ]; then
        echo "fuzz_$t: did not run; see $findings.log" >&2
        touch "$findings/did-not-run"
        return
    fi
    echo "fuzz_$t: done: $stats"
    echo "fuzz_$t: $found finding(s) in $findings/"
}

running=0
for t in "${targets[@]}"; do
    run_target "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then wait -n || true; running=$((running - 1)); fi
done
wait

total=0
for t in "${targets[@]}"; do
    n=$(find "$build/findings/$t" -type f | wc -l)
    total=$((total + n))
done
if [ "$total" -gt 0 ]; then
    echo "findings: $total; reproduce one with $build/tests/fuzz/replay_<target> FILE" >&2
    exit 1
fi
echo "no findings"
