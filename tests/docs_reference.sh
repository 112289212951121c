#!/bin/sh
# docs_reference.sh PCISIM [--update] - docs/scenario-format.md's reference section
# (between the BEGIN/END marker comments) must be what 'pcisim help --markdown
# reference' prints from the loader's tables. With --update, write it there instead.
#
# After adding an action, an expectation kind or parameter, a record kind or an
# invariant, regenerate with:  tests/docs_reference.sh build/pcisim --update
set -u
if [ $# -lt 1 ] || [ $# -gt 2 ] || { [ $# -eq 2 ] && [ "$2" != --update ]; }; then
	echo "usage: $0 PCISIM [--update]" >&2
	exit 2
fi
pcisim=$1
case $pcisim in /*) ;; *) pcisim=$PWD/$pcisim ;; esac
root=$(cd "$(dirname "$0")/.." && pwd)
doc=$root/docs/scenario-format.md
begin='<!-- BEGIN pcisim help --markdown reference: generated, do not edit (tests/docs_reference.sh PCISIM --update) -->'
end='<!-- END pcisim help --markdown reference -->'

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

if ! "$pcisim" help --markdown reference >"$tmp/ref.md"; then
	echo "$0: '$pcisim help --markdown reference' failed" >&2
	exit 2
fi
if [ "$(grep -cxF -e "$begin" "$doc")" != 1 ] || [ "$(grep -cxF -e "$end" "$doc")" != 1 ]; then
	echo "$0: $doc must hold the marker lines once each:" >&2
	echo "  $begin" >&2
	echo "  $end" >&2
	exit 2
fi
# the document with the section between the markers replaced by the tables' text
awk -v begin="$begin" -v end="$end" -v ref="$tmp/ref.md" '
	$0 == begin { print; print ""; while ((getline l < ref) > 0) print l; print ""; skip = 1; next }
	$0 == end { skip = 0 }
	!skip { print }
' "$doc" >"$tmp/new.md" || exit 2

if [ $# -eq 2 ]; then
	if cmp -s "$doc" "$tmp/new.md"; then
		echo "docs/scenario-format.md: the reference is up to date"
	else
		cp "$tmp/new.md" "$doc" && echo "docs/scenario-format.md: reference regenerated"
	fi
	exit 0
fi
if ! diff -u "$doc" "$tmp/new.md"; then
	echo
	echo "FAIL: docs/scenario-format.md's reference differs from the loader's tables (above)."
	echo "Regenerate it with:  tests/docs_reference.sh build/pcisim --update"
	exit 1
fi
echo "ok: docs/scenario-format.md's reference is what the tables hold"
