#!/bin/sh
# run_fuzz.sh BUILD_DIR [SECONDS] [HARNESS...] - run each libFuzzer harness of a
# -DPCISIM_FUZZ=ON build for SECONDS (default 60) from its seeds, and fail on any
# finding: a crash, an abort (assertion, fuzz_fail), a sanitizer report, a leak, an
# input slower than 20 s (-timeout) or a process above 2 GiB (-rss_limit_mb).
# Harnesses: scenario, import_qemu, trace (default all). docs/fuzz.md tells how to
# turn a finding into a corpus file.
#
# Seeds: the checked-in corpus (tests/fuzz/corpus/HARNESS/) and the tree's inputs
# (scenarios/, tests/bad/; tests/golden/; tests/corrupt/), and for the
# trace harness the shipped scenarios recorded by the build's pcisim in both forms
# (JSON Lines only where it is small; recorded once per build directory). New inputs
# go to BUILD_DIR/fuzz/corpus/HARNESS/ (kept between runs), findings to
# BUILD_DIR/fuzz/artifacts/.
#
# Prints one line per harness (time, executions, corpus) and "N passed, M failed".
set -u

if [ $# -lt 1 ]; then
	echo "usage: $0 BUILD_DIR [SECONDS] [HARNESS...]" >&2
	exit 2
fi
build=$(cd "$1" && pwd) || exit 2
secs=${2:-60}
[ $# -ge 2 ] && shift 2 || shift 1
harnesses=${*:-scenario import_qemu trace}
src=$(cd "$(dirname "$0")/../.." && pwd)
cd "$src" || exit 2

work=$build/fuzz
mkdir -p "$work/artifacts" "$work/seeds/trace" "$work/tmp"

# Traces of the shipped scenarios, in both forms (JSON Lines only for runs whose
# binary trace is under 6 KiB: JSON Lines is some 20 times larger).
case " $harnesses " in
*" trace "*)
	if [ ! -x "$build/pcisim" ]; then
		echo "$0: $build/pcisim is not built" >&2
		exit 2
	fi
	for s in scenarios/*.yaml; do
		b=$work/seeds/trace/$(basename "$s" .yaml)
		[ -f "$b.trace" ] ||
			"$build/pcisim" simulate "$s" --quiet --record "$b.trace" >/dev/null 2>&1
		if [ -f "$b.trace" ] && [ "$(wc -c <"$b.trace")" -lt 6144 ] && [ ! -f "$b.jsonl" ]; then
			"$build/pcisim" simulate "$s" --quiet --record "$b.jsonl" >/dev/null 2>&1
		fi
	done
	;;
esac

passed=0
failed=0
for h in $harnesses; do
	case $h in
	scenario) seeds="scenarios tests/bad" max_len=16384 ;;
	import_qemu) seeds="tests/golden" max_len=8192 ;;
	trace) seeds="tests/corrupt $work/seeds/trace" max_len=131072 ;;
	*) echo "$0: unknown harness '$h'; valid: scenario, import_qemu, trace" >&2; exit 2 ;;
	esac
	bin=$build/tests/fuzz/fuzz_$h
	if [ ! -x "$bin" ]; then
		echo "$0: $bin is not built (configure with -DPCISIM_FUZZ=ON, build target fuzzers)" >&2
		exit 2
	fi
	mkdir -p "$work/corpus/$h"
	log=$work/$h.log
	t0=$(date +%s)
	# shellcheck disable=SC2086
	TMPDIR=$work/tmp ASAN_OPTIONS=detect_leaks=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -max_len="$max_len" \
		-print_final_stats=1 -artifact_prefix="$work/artifacts/$h-" \
		"$work/corpus/$h" "tests/fuzz/corpus/$h" $seeds >"$log" 2>&1
	rc=$?
	t1=$(date +%s)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	corp=$(grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' "$log" | tail -n 1 | sed 's/corp: //')
	if [ $rc -eq 0 ]; then
		passed=$((passed + 1))
		echo "ok   fuzz_$h: $((t1 - t0)) s, ${execs:-?} executions, corpus ${corp:-?} (inputs/bytes)"
	else
		failed=$((failed + 1))
		echo "FAIL fuzz_$h: exit $rc after $((t1 - t0)) s; the end of $log:"
		grep -av '^#[0-9]' "$log" | tail -n 60
		ls -1 "$work/artifacts/$h-"* 2>/dev/null | sed 's/^/  finding: /'
	fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
