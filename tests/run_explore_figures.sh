#!/bin/sh
# pcisim explore prints, for every scenario with ranged steps that ships (but the two
# whose exploration runs into its bound of 100000 runs, cxl-fuzz and eeh-fuzz), what
# it printed before its runs were branched from snapshots: runs, schedules, pruned
# placements, the first failing schedule, its signature and the reproducer. Each
# tests/explore/NAME[--OPTION].txt is the output of `pcisim explore NAME.yaml
# [--OPTION] --out OUT` (the scenario in scenarios/ or bench/races/).
# usage: run_explore_figures.sh PCISIM   (from the project root)
pcisim=$1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
rc=0
n=0
for want in tests/explore/*.txt; do
	base=$(basename "$want" .txt)
	name=${base%%--*}
	opts=${base#"$name"}
	f=scenarios/$name.yaml
	[ -f "$f" ] || f=bench/races/$name.yaml
	n=$((n + 1))
	# shellcheck disable=SC2086 # the options are words
	"$pcisim" explore "$f" $opts --out "$tmp/$n" 2>/dev/null | sed "s#$tmp/$n#OUT#g" >"$tmp/got"
	if ! cmp -s "$want" "$tmp/got"; then
		echo "FAIL $f$opts:"
		diff "$want" "$tmp/got" | head -20
		rc=1
	fi
done
[ "$n" -gt 0 ] || { echo "no case in tests/explore/"; exit 1; }
[ $rc -eq 0 ] && echo "$n explorations print what they printed before"
exit $rc
