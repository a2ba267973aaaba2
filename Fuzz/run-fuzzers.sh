#!/bin/sh
# Runs each libFuzzer target for a while, one after the other, and prints one summary line per target.
#
# Usage: Fuzz/run-fuzzers.sh <seconds> <build folder> <corpus folder> <artifacts folder> <target>...
# Exits non-zero when any target found a crash, an address error, a timeout or a memory blowup; what it found is
# in <artifacts folder>/<target>/ and its log in <artifacts folder>/<target>.log.
set -u
# Swift's own crash backtracer would run first on a trap and trip AddressSanitizer while it reads memory; without it
# libFuzzer reports the trap itself ("deadly signal") and saves the input.
export SWIFT_BACKTRACE=enable=no
seconds=$1 build=$2 corpus=$3 artifacts=$4
shift 4
failed=0
summary=""
for target in "$@"; do
    mkdir -p "$corpus/$target" "$artifacts/$target"
    log="$artifacts/$target.log"
    echo "== $target: ${seconds}s (log: $log)"
    "$build/release/$target" "$corpus/$target" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=70000 \
        -print_final_stats=1 -artifact_prefix="$artifacts/$target/" >"$log" 2>&1
    status=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    final=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | sed -n 's/.*\(cov: [0-9]*\) \(ft: [0-9]*\) \(corp: [0-9]*\/[0-9]*[a-zA-Z]*\).*/\1 \2 \3/p')
    if [ "$status" -eq 0 ]; then
        result=ok
    else
        failed=1
        found=$(ls -t "$artifacts/$target" 2>/dev/null | head -n 1)
        result="FAILED (exit $status${found:+, $artifacts/$target/$found})"
    fi
    line=$(printf '%-17s %6ss  execs %-10s exec/s %-7s %-40s %s' "$target" "$seconds" "${execs:-?}" "${rate:-?}" "${final:-?}" "$result")
    echo "$line"
    summary="$summary$line
"
done
echo
echo "Fuzzing summary:"
printf '%s' "$summary"
exit $failed
