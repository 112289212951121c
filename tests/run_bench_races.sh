#!/bin/sh
# Each scenario of bench/races/ loads and meets its expectations on its default
# (non-fuzzed) run: every range at its lower bound, where none of the races hits.
# usage: run_bench_races.sh PCISIM   (from the project root)
pcisim=$1
rc=0
n=0
for f in bench/races/*.yaml; do
	n=$((n + 1))
	if ! out=$("$pcisim" simulate "$f" 2>&1); then
		echo "FAIL $f"
		printf '%s\n' "$out" | grep -v ': warning: ' | tail -5
		rc=1
	fi
done
[ "$n" -gt 0 ] || { echo "no scenario in bench/races/"; exit 1; }
[ $rc -eq 0 ] && echo "$n race scenarios pass their default run"
exit $rc
