#!/bin/sh
# run_bad_inputs.sh PCISIM DIR - every bad input must be refused with exit status 2
# and the exact error line it declares.
#
# DIR/*.yaml: one error each; the first line is
#   # expect: <the exact line pcisim prints on stderr>
#   (or its beginning followed by "..." where it ends in a list of registered names)
# with the file named as tests/bad/NAME.yaml (the cases run from the project root).
# DIR/cli.txt: command-line errors, one a line:
#   ARGS :: <the exact line pcisim prints on stderr>
# (ARGS are split at spaces; '#' lines and blank lines are skipped).
#
# Prints "ok NAME" or "FAIL NAME: ...", then "N passed, M failed"; exits 1 on failure.

set -u

if [ $# -ne 2 ]; then
	echo "usage: $0 PCISIM DIR" >&2
	exit 2
fi
pcisim=$1
dir=$2
case $pcisim in /*) ;; *) pcisim=$PWD/$pcisim ;; esac
case $dir in /*) ;; *) dir=$PWD/$dir ;; esac
if [ ! -x "$pcisim" ]; then
	echo "$0: '$pcisim' is not an executable" >&2
	exit 2
fi
if [ ! -d "$dir" ]; then
	echo "$0: '$dir' is not a directory" >&2
	exit 2
fi

# The expected lines name files relative to the project root.
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

passed=0
failed=0

# check NAME EXPECTED ARGS...: run pcisim ARGS, require exit 2 and EXPECTED on stderr.
check() {
	name=$1
	want=$2
	shift 2
	"$pcisim" "$@" <"/dev/null" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 2 ]; then
		failed=$((failed + 1))
		echo "FAIL $name: expected exit status 2, got $rc; stderr:"
		sed 's/^/    /' "$tmp/err"
		return
	fi
	# An expected line ending in "..." matches a line that starts with the rest: lists
	# of registered names (actions, record kinds, ...) grow with every model.
	ok=0
	case "$want" in
	*...) prefix=${want%...}
	      while IFS= read -r line; do
		      [ "${line#"$prefix"}" != "$line" ] && ok=1
	      done <"$tmp/err" ;;
	*) grep -qxF -e "$want" "$tmp/err" && ok=1 ;;
	esac
	if [ $ok -eq 1 ]; then
		passed=$((passed + 1))
		echo "ok $name"
	else
		failed=$((failed + 1))
		echo "FAIL $name: expected '$want' got '$(head -n 1 "$tmp/err")'"
	fi
}

for f in "$dir"/*.yaml; do
	[ -e "$f" ] || continue
	name=$(basename "$f" .yaml)
	rel=$(realpath --relative-to="$root" "$f" 2>/dev/null || echo "$f")
	first=$(head -n 1 "$f")
	case $first in
	"# expect: "*) want=${first#"# expect: "} ;;
	*)
		failed=$((failed + 1))
		echo "FAIL $name: the first line is not '# expect: <message>'"
		continue
		;;
	esac
	check "$name" "$want" simulate "$rel"
done

if [ -f "$dir/cli.txt" ]; then
	n=0
	while IFS= read -r line || [ -n "$line" ]; do
		n=$((n + 1))
		case $line in '' | '#'*) continue ;; esac
		case $line in
		*' :: '*) ;;
		*)
			failed=$((failed + 1))
			echo "FAIL cli.txt:$n: expected 'ARGS :: MESSAGE'"
			continue
			;;
		esac
		args=${line%%' :: '*}
		want=${line#*' :: '}
		set -f
		# shellcheck disable=SC2086 # ARGS are split at spaces on purpose
		check "cli: ${args:-(no arguments)}" "$want" $args
		set +f
	done <"$dir/cli.txt"
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
