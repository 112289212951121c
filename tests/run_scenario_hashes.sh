#!/usr/bin/env bash
# Every shipped scenario must pass its expectations and give its recorded trace hash,
# twice in a row. A scenario without a recorded hash fails too.
# usage: run_scenario_hashes.sh PCISIM GOLDEN   (from the project root)
#        run_scenario_hashes.sh PCISIM GOLDEN --update   rewrite GOLDEN
set -u
bin=$1 golden=$2 update=${3:-}
pass=0 fail=0
declare -A want
while read -r file hash; do
	[ -z "$file" ] || [ "${file:0:1}" = "#" ] && continue
	want[$file]=$hash
done <"$golden"
out=""
for f in scenarios/*.yaml; do
	got1=$("$bin" simulate "$f" --quiet 2>&1)
	rc=$?
	got2=$("$bin" simulate "$f" --quiet 2>&1)
	h1=$(printf '%s\n' "$got1" | sed -n 's/^trace hash: //p')
	h2=$(printf '%s\n' "$got2" | sed -n 's/^trace hash: //p')
	out+="$f $h1"$'\n'
	if [ $rc -ne 0 ]; then
		echo "FAIL $f: exit $rc"; printf '%s\n' "$got1" | sed 's/^/    /'; fail=$((fail + 1)); continue
	fi
	if [ "$h1" != "$h2" ]; then
		echo "FAIL $f: two runs gave $h1 and $h2"; fail=$((fail + 1)); continue
	fi
	if [ -z "$update" ] && [ "${want[$f]:-}" != "$h1" ]; then
		echo "FAIL $f: trace hash $h1, recorded ${want[$f]:-none} (if the change is intended: $0 $bin $golden --update)"
		fail=$((fail + 1)); continue
	fi
	echo "ok   $f $h1"; pass=$((pass + 1))
done
if [ -n "$update" ]; then
	{ echo "# scenario trace-hash (tests/run_scenario_hashes.sh PCISIM THIS --update)"; printf '%s' "$out"; } >"$golden"
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
