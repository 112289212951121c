#!/bin/sh
# check_man.sh PCISIM [BUILD_DIR] - the manual page 'pcisim help --man' writes renders
# without a warning (mandoc -T lint, groff -ww) and shows every command and every
# option their --help shows. With BUILD_DIR, `cmake --install` into a scratch prefix
# must put pcisim, share/man/man1/pcisim.1 and the bash completion in place, each the
# same as what this pcisim writes. Exit 77 (skipped) without mandoc and groff.
set -u
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 PCISIM [BUILD_DIR]" >&2
	exit 2
fi
pcisim=$1
case $pcisim in /*) ;; *) pcisim=$PWD/$pcisim ;; esac
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
failed=0
fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

"$pcisim" help --man >"$tmp/pcisim.1" || { echo "FAIL: pcisim help --man: exit $?"; exit 1; }
linted=0
if command -v mandoc >/dev/null 2>&1; then
	linted=1
	if ! mandoc -T lint -W warning "$tmp/pcisim.1" >"$tmp/lint" 2>&1 || [ -s "$tmp/lint" ]; then
		fail "mandoc -T lint:"
		cat "$tmp/lint"
	else
		echo "ok: mandoc -T lint -W warning finds nothing"
	fi
fi
if command -v groff >/dev/null 2>&1; then
	linted=1
	groff -man -Tutf8 -ww -z "$tmp/pcisim.1" >"$tmp/groff" 2>&1
	if [ -s "$tmp/groff" ]; then
		fail "groff -man -ww:"
		cat "$tmp/groff"
	else
		echo "ok: groff -man -Tutf8 -ww warns of nothing"
	fi
	# the text a reader sees (hyphenation off, so option names stay whole)
	{ echo '.nh'; echo '.ad l'; cat "$tmp/pcisim.1"; } |
		groff -man -Tascii -P-c -rLL=200n 2>/dev/null | sed 's/.\x08//g' >"$tmp/page.txt"
	for cmd in $("$pcisim" --help | awk '/^commands:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }'); do
		grep -q "^   $cmd\$" "$tmp/page.txt" || fail "the page has no section for '$cmd'"
		for opt in $("$pcisim" "$cmd" --help | awk '/^options:/ { on = 1; next } /^$/ { on = 0 } on && /^  -/ { sub(",", "", $1); print $1 }'); do
			grep -q -e "^       .*$opt" "$tmp/page.txt" || fail "the page's '$cmd' has no option '$opt'"
		done
	done
	[ $failed -eq 0 ] && echo "ok: every command and option is on the page"
fi
if [ $linted -eq 0 ]; then
	echo "SKIPPED: neither mandoc nor groff is installed"
	exit 77
fi

if [ $# -eq 2 ]; then
	if ! cmake --install "$2" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1; then
		fail "cmake --install:"
		cat "$tmp/install.log"
	else
		[ -x "$tmp/prefix/bin/pcisim" ] || fail "cmake --install put no bin/pcisim"
		cmp -s "$tmp/prefix/share/man/man1/pcisim.1" "$tmp/pcisim.1" ||
			fail "share/man/man1/pcisim.1 is not what 'pcisim help --man' writes"
		"$pcisim" completion bash >"$tmp/completion"
		cmp -s "$tmp/prefix/share/bash-completion/completions/pcisim" "$tmp/completion" ||
			fail "share/bash-completion/completions/pcisim is not what 'pcisim completion bash' writes"
		[ $failed -eq 0 ] && echo "ok: cmake --install puts bin/pcisim, the page and the completion in place"
	fi
fi
[ $failed -eq 0 ]
