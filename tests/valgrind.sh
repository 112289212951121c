#!/bin/sh
# valgrind.sh PCISIM [SCENARIO...] - valgrind memcheck over every shipped scenario
# (default scenarios/*.yaml, from the project root): for each one
#   pcisim simulate S --record T.trace   (the model, the recorder)
#   pcisim replay T.trace                (the binary reader, replay verification)
#   pcisim replay T.trace --convert T.jsonl, pcisim replay T.jsonl   (JSON Lines)
#   pcisim fuzz S --runs 20              (random policies, faults, the minimiser)
# each under valgrind --leak-check=full --error-exitcode=1: an invalid access, a use of
# uninitialised memory or a leak (definite, indirect or possible) fails the command.
# Use a build without sanitizers (-O0 or RelWithDebInfo). `./run valgrind` runs it;
# so does ctest in a build configured with -DPCISIM_VALGRIND=ON (test 'valgrind',
# label valgrind). Some 4 minutes: not in `./run tests` (docs/fuzz.md).
#
# Prints "ok"/"FAIL" per scenario and "N passed, M failed"; exits 1 on a failure, 77
# (skipped) when valgrind is not installed.
set -u

if [ $# -lt 1 ]; then
	echo "usage: $0 PCISIM [SCENARIO...]" >&2
	exit 2
fi
pcisim=$1
shift
case $pcisim in /*) ;; *) pcisim=$PWD/$pcisim ;; esac
if ! command -v valgrind >/dev/null 2>&1; then
	echo "valgrind: SKIPPED: valgrind is not installed (apt-get install valgrind)"
	exit 77
fi
[ $# -gt 0 ] || set -- scenarios/*.yaml

tmp=$(mktemp -d /tmp/pcisim-valgrind-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# vg NAME ARGS...: run pcisim ARGS under memcheck; its exit status if valgrind found
# nothing (pcisim's own status: an expectation may fail), 99 if it found something.
vg() {
	name=$1
	shift
	valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
		--error-exitcode=99 --quiet --log-file="$tmp/$name.vg" "$pcisim" "$@" \
		>"$tmp/$name.out" 2>&1
}

passed=0
failed=0
t0=$(date +%s)
for s in "$@"; do
	b=$(basename "$s" .yaml)
	bad=""
	vg "$b.simulate" simulate "$s" --quiet --record "$tmp/$b.trace"
	[ $? -eq 99 ] && bad="$bad $b.simulate"
	vg "$b.replay" replay "$tmp/$b.trace"
	[ $? -eq 99 ] && bad="$bad $b.replay"
	vg "$b.convert" replay "$tmp/$b.trace" --convert "$tmp/$b.jsonl"
	[ $? -eq 99 ] && bad="$bad $b.convert"
	vg "$b.replay-jsonl" replay "$tmp/$b.jsonl"
	[ $? -eq 99 ] && bad="$bad $b.replay-jsonl"
	vg "$b.fuzz" fuzz "$s" --runs 20 --quiet --out "$tmp/$b.fuzz-out"
	[ $? -eq 99 ] && bad="$bad $b.fuzz"
	if [ -z "$bad" ]; then
		passed=$((passed + 1))
		echo "ok   $s"
	else
		failed=$((failed + 1))
		echo "FAIL $s:"
		for n in $bad; do
			echo "  valgrind found errors in '$n':"
			sed 's/^/    /' "$tmp/$n.vg" | head -n 80
		done
	fi
done
echo "valgrind: $(($(date +%s) - t0)) s"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
