#!/usr/bin/env bash
# pcisim simulate --snapshot-at T -o FILE and --restore FILE on shipped scenarios:
# with --snapshot-at the output is that of the plain run; --restore prints the same
# output without the timeline records at or before T (the verdict, the outcomes and
# the trace hash are the whole run's).
# usage: run_snapshot_cli.sh PCISIM   (from the project root)
set -u
bin=$1
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
for f in scenarios/pds-migration-race.yaml scenarios/attention-button-cancel.yaml \
	scenarios/aer-dpc-containment.yaml scenarios/cxl-poison-read.yaml \
	scenarios/eeh-dma-error-recovery.yaml scenarios/acpi-hot-unplug.yaml; do
	"$bin" simulate "$f" --timeline >"$tmp/full" 2>&1
	rc=$?
	# half way through the run, in picoseconds
	end=$(sed -n 's/.* ended at \([0-9.]*\) s .*/\1/p' "$tmp/full")
	t=$(awk -v e="$end" 'BEGIN { printf "%.0fps", int(e * 1e12 / 2) }')
	"$bin" simulate "$f" --timeline --snapshot-at "$t" -o "$tmp/s.snap" >"$tmp/a" 2>&1
	rca=$?
	"$bin" simulate "$f" --timeline --restore "$tmp/s.snap" >"$tmp/b" 2>&1
	rcb=$?
	awk -v t="${t%ps}" '/^ +[0-9]+\.[0-9]+  / { split($1, p, "."); ps = p[1] * 1e12 + p[2] * 1e3; if (ps <= t) next } { print }' \
		"$tmp/full" >"$tmp/want"
	if [ $rca -ne $rc ] || ! cmp -s "$tmp/full" "$tmp/a"; then
		echo "FAIL $f: --snapshot-at $t changed the run's output (exit $rca, plain $rc)"; fail=$((fail + 1))
	elif [ $rcb -ne $rc ] || ! cmp -s "$tmp/want" "$tmp/b"; then
		echo "FAIL $f: --restore from $t (exit $rcb, plain $rc):"; diff "$tmp/want" "$tmp/b" | head -20
		fail=$((fail + 1))
	elif [ "$(wc -l <"$tmp/b")" -ge "$(wc -l <"$tmp/full")" ]; then
		echo "FAIL $f: --restore printed the records before $t"; fail=$((fail + 1))
	else
		echo "ok $f (snapshot at $t)"; pass=$((pass + 1))
	fi
done
# replay --from T: items before T are re-run and not compared, items from T on are
f=scenarios/pds-migration-race.yaml
"$bin" simulate "$f" --record "$tmp/r.jsonl" >/dev/null 2>&1
sed 's/Linux booted: pciehp on/Linux booted: pciehp ON/' "$tmp/r.jsonl" >"$tmp/early.jsonl"
last=$(grep -n '"text","s"' "$tmp/r.jsonl" | tail -1 | cut -d: -f1)
sed "${last}s/\"text\",\"s\",\"/\"text\",\"s\",\"changed /" "$tmp/r.jsonl" >"$tmp/late.jsonl"
a=$("$bin" replay "$tmp/early.jsonl" --from 2s 2>&1); rca=$?
b=$("$bin" replay "$tmp/early.jsonl" 2>&1); rcb=$?
c=$("$bin" replay "$tmp/late.jsonl" --from 2s 2>&1); rcc=$?
if [ $rca -ne 0 ] || ! printf '%s' "$a" | grep -q "from 2.000000000 s: identical: 72 items compared, 454 before it re-run"; then
	echo "FAIL replay --from 2s of a trace changed before 2 s (exit $rca): $a"; fail=$((fail + 1))
elif [ $rcb -eq 0 ] || ! printf '%s' "$b" | grep -q "diverged at item #17 of 526"; then
	echo "FAIL replay of a trace changed before 2 s (exit $rcb): $b"; fail=$((fail + 1))
elif [ $rcc -eq 0 ] || ! printf '%s' "$c" | grep -q "diverged at item #"; then
	echo "FAIL replay --from 2s of a trace changed after 2 s (exit $rcc): $c"; fail=$((fail + 1))
else
	echo "ok replay --from"; pass=$((pass + 1))
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
