#!/usr/bin/env bash
# Determinism across architectures (docs/determinism.md): every shipped scenario gives
# the trace hash of tests/scenario-hashes.txt on x86-64, on 32-bit x86 (i386), on
# big-endian s390x and on arm64, and a run recorded on one architecture replays on the
# others.
#
# On Debian 12 as root it installs what it needs (cross compilers, qemu-user, and the
# ARCH builds of libyaml, libxxhash, jansson and zstd unpacked into a sysroot), builds
# pcisim natively and with tests/cross/ARCH.cmake for each ARCH, runs the ARCH binaries
# under qemu-ARCH (i386 natively where the kernel runs 32-bit programs), and checks:
#   hash      pcisim simulate SCENARIO: the expectations hold and the trace hash is the
#             one recorded in tests/scenario-hashes.txt
#   text      the output of that run (--timeline --lspci: every trace record as text,
#             the PCI tree) is byte for byte the x86-64 one
#   replay    the x86-64 recording of SCENARIO, binary form, replayed on ARCH
#   jsonl     the x86-64 recording of SCENARIO, JSON Lines form, replayed on ARCH
#   reverse   the ARCH recording of SCENARIO (binary) replayed on x86-64
#   bytes     that recording is byte for byte the x86-64 one
# (a replay checks every event, trace record and choice against the recording). It
# prints one matrix per check (scenario x architecture: ok / differs) and exits 1 on
# any difference, 2 when it could not install, build or run.
#
# usage: tests/cross/run_arch_matrix.sh [OPTIONS]
#   --no-install     call no apt-get (the cross compilers, qemu-user and the sysroots
#                    in the output directory must be there)
#   --arch LIST      the other architectures, e.g. "s390x" (default "i386 s390x arm64")
#   --native BIN     use this x86-64 pcisim instead of building one
#   --out DIR        build and work directory (default build-arch)
#   --jobs N         parallel build jobs, and architectures run side by side (default 1)
#   --ctest          also build each ARCH with its tests and run ctest under qemu (slow:
#                    about 4 minutes per architecture)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

INSTALL=1
ARCHES="i386 s390x arm64"
OUT=build-arch
JOBS=1
NATIVE=""
CTEST=0
while [ $# -gt 0 ]; do
	case $1 in
	--no-install) INSTALL=0 ;;
	--arch) ARCHES=${2:?--arch needs a list}; shift ;;
	--native) NATIVE=${2:?--native needs a binary}; shift ;;
	--out) OUT=${2:?--out needs a directory}; shift ;;
	--jobs) JOBS=${2:?--jobs needs a number}; shift ;;
	--ctest) CTEST=1 ;;
	-h | --help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "run_arch_matrix.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
[ -z "$NATIVE" ] || NATIVE=$(cd "$(dirname "$NATIVE")" && pwd)/$(basename "$NATIVE")
GOLDEN=tests/scenario-hashes.txt
LOG=$OUT/matrix.log
: >"$LOG"

declare -A GNU=([i386]=i686-linux-gnu [s390x]=s390x-linux-gnu [arm64]=aarch64-linux-gnu)
declare -A MULTIARCH=([i386]=i386-linux-gnu [s390x]=s390x-linux-gnu [arm64]=aarch64-linux-gnu)
declare -A QEMU=([i386]=qemu-i386 [s390x]=qemu-s390x [arm64]=qemu-aarch64)
for a in $ARCHES; do
	[ -n "${GNU[$a]:-}" ] || { echo "run_arch_matrix.sh: unknown architecture '$a'; valid: i386, s390x, arm64" >&2; exit 2; }
done
# What is unpacked into $OUT/sysroot-ARCH: the libraries and what they need beyond libc.
SYSROOT_PKGS=(libyaml-0-2 libyaml-dev libxxhash0 libxxhash-dev libjansson4 libjansson-dev libzstd1 libzstd-dev)
[ $CTEST -eq 0 ] || SYSROOT_PKGS+=(libcmocka0 libcmocka-dev)

say() { printf '== %s\n' "$*"; }
die() { echo "run_arch_matrix.sh: $*" >&2; exit 2; }
declare -A TIME # seconds spent per step, for the summary
t_start=$(date +%s)

# ------------------------------------------------------------------------ install
install() {
	local pkgs=(cmake make gcc pkg-config dpkg-dev qemu-user) missing=() a p
	for a in $ARCHES; do pkgs+=("crossbuild-essential-$a"); done
	for p in "${pkgs[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	local update=$((${#missing[@]} > 0))
	for a in $ARCHES; do
		if ! dpkg --print-foreign-architectures | grep -qx "$a"; then
			dpkg --add-architecture "$a" # apt's package lists of ARCH, for apt-get download
			update=1
		fi
		sysroot_complete "$a" || update=1
	done
	if [ $update -eq 1 ]; then
		say "apt-get update"
		apt-get update -qq >>"$LOG" 2>&1 || { tail -5 "$LOG"; die "apt-get update failed"; }
	fi
	if [ ${#missing[@]} -gt 0 ]; then
		say "installing ${missing[*]}"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$LOG" 2>&1 ||
			{ tail -20 "$LOG"; die "apt-get install failed"; }
	fi
	# The ARCH libraries are unpacked into a sysroot rather than installed as multiarch
	# packages: a Multi-Arch: same library must have one version on every architecture,
	# and bookworm-security has no s390x builds, so libzstd1:s390x (for one) cannot be
	# installed beside the amd64 security update. The sysroot changes nothing installed.
	for a in $ARCHES; do
		sysroot_complete "$a" && continue
		local sr=$OUT/sysroot-$a debs=$OUT/debs-$a
		say "unpacking the $a libraries into $sr"
		rm -rf "$sr" "$debs"
		mkdir -p "$sr" "$debs"
		(cd "$debs" && apt-get download -o APT::Sandbox::User=root "${SYSROOT_PKGS[@]/%/:$a}" >>"$LOG" 2>&1) ||
			{ tail -20 "$LOG"; die "apt-get download of the $a libraries failed"; }
		for d in "$debs"/*.deb; do dpkg-deb -x "$d" "$sr"; done
		printf '%s\n' "${SYSROOT_PKGS[@]}" >"$sr/.packages"
	done
}

sysroot_complete() { # the sysroot of ARCH holds every package of SYSROOT_PKGS
	local f=$OUT/sysroot-$1/.packages p
	[ -f "$f" ] || return 1
	for p in "${SYSROOT_PKGS[@]}"; do grep -qx "$p" "$f" || return 1; done
}

# ------------------------------------------------------------------------ build
# build ARCH DIR [cmake options...]: pcisim (all targets with tests) for ARCH in DIR
build() {
	local a=$1 dir=$2 opts=()
	shift 2
	[ "$a" = x86_64 ] ||
		opts=(-DCMAKE_TOOLCHAIN_FILE="$ROOT/tests/cross/$a.cmake" -DPCISIM_CROSS_SYSROOT="$OUT/sysroot-$a")
	# -O2 as ./run builds (RelWithDebInfo), without the debug information: faster.
	if ! { cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -DNDEBUG" \
		-DPCISIM_WERROR=ON "${opts[@]}" "$@" && cmake --build "$dir" -j "$JOBS" ${TARGET:+--target "$TARGET"}; } \
		>>"$LOG" 2>&1; then
		grep -E 'error|warning' "$LOG" | tail -20
		die "the $a build failed (log: $LOG)"
	fi
}

# How to run a binary of ARCH: directly (x86-64; i386 through its loader where the
# kernel runs 32-bit x86 programs) or under qemu-user with the cross C library as its
# root and the sysroot's libraries on its library path.
declare -A RUN
runner() { # runner ARCH BIN
	local a=$1 bin=$2
	if [ "$a" = x86_64 ]; then
		RUN[$a]=$bin
	else
		local libc=/usr/${GNU[$a]} libs=$OUT/sysroot-$a/usr/lib/${MULTIARCH[$a]}
		if [ "$a" = i386 ] && "$libc/lib/ld-linux.so.2" --library-path "$libc/lib:$libs" "$bin" --version >/dev/null 2>&1; then
			RUN[$a]="$libc/lib/ld-linux.so.2 --library-path $libc/lib:$libs $bin"
		else
			RUN[$a]="${QEMU[$a]} -L $libc -E LD_LIBRARY_PATH=$libs $bin"
		fi
	fi
	${RUN[$a]} --version >>"$LOG" 2>&1 || die "cannot run the $a binary: ${RUN[$a]} --version"
}

# ------------------------------------------------------------------------ checks
declare -A want
while read -r file hash; do
	[ -z "$file" ] || [ "${file:0:1}" = "#" ] && continue
	want[$file]=$hash
done <"$GOLDEN"

declare -A CELL # CELL[check,scenario,arch] = ok | differs
passes=0 fails=0
# The architectures run at the same time (--jobs), each in a subshell of its own, so a
# check's result goes to a file of its architecture's, read back by take_notes.
note() { # note CHECK SCENARIO ARCH ok|differs [WHY...]
	local c=$1 s=$2 a=$3 r=$4
	shift 4
	printf '%s\t%s\t%s\t%s\t%s\n' "$c" "$s" "$a" "$r" "$*" >>"$OUT/notes-$a.tsv"
	[ "$r" = ok ] || printf 'DIFFERS %s %s %s: %s\n' "$c" "$a" "$s" "$*" | tee -a "$LOG"
}
take_notes() { # take_notes ARCH: its results into CELL and the counts
	local c s a r why
	[ -f "$OUT/notes-$1.tsv" ] || return 0
	while IFS=$'\t' read -r c s a r why; do
		CELL[$c,$s,$a]=$r
		if [ "$r" = ok ]; then passes=$((passes + 1)); else fails=$((fails + 1)); fi
	done <"$OUT/notes-$1.tsv"
}
oneline() { printf '%s' "$1" | head -"${2:-6}" | tr '\n' ' '; }

# check_run ARCH SCENARIO: the hash and the text of one run
check_run() {
	local a=$1 f=$2 n out rc=0 h
	n=$(basename "$f" .yaml)
	out=$(${RUN[$a]} simulate "$f" --timeline --lspci 2>&1) || rc=$?
	printf '%s\n' "$out" >"$TXT/$n.$a.txt"
	h=$(printf '%s\n' "$out" | sed -n 's/^trace hash: //p')
	if [ $rc -ne 0 ]; then
		note hash "$f" "$a" differs "exit $rc, hash ${h:-none}: $(oneline "$(printf '%s\n' "$out" | grep -v '^ ')")"
	elif [ "$h" != "${want[$f]:-}" ]; then
		note hash "$f" "$a" differs "hash $h, recorded ${want[$f]:-none}"
	else
		note hash "$f" "$a" ok
	fi
	if [ "$a" = x86_64 ] || cmp -s "$TXT/$n.x86_64.txt" "$TXT/$n.$a.txt"; then
		note text "$f" "$a" ok
	else
		note text "$f" "$a" differs "$(oneline "$(diff "$TXT/$n.x86_64.txt" "$TXT/$n.$a.txt" | grep '^[<>]')" 4)"
	fi
}

record() { # record ARCH SCENARIO TRACE
	local out rc=0
	out=$(${RUN[$1]} simulate "$2" --quiet --record "$3" 2>&1) || rc=$?
	[ $rc -eq 0 ] && [ -s "$3" ] && return 0
	printf 'recording %s on %s failed (exit %s): %s\n' "$2" "$1" "$rc" "$out" >>"$LOG"
	rm -f "$3"
}

# replay CHECK CELL RUNNER SCENARIO TRACE: RUNNER replays TRACE; noted under CELL
replay() {
	local c=$1 cell=$2 r=$3 f=$4 t=$5 out rc=0
	[ -s "$t" ] || { note "$c" "$f" "$cell" differs "no trace: its recording failed (see $LOG)"; return; }
	out=$(${RUN[$r]} replay "$t" 2>&1) || rc=$?
	if [ $rc -eq 0 ]; then
		note "$c" "$f" "$cell" ok
	else
		note "$c" "$f" "$cell" differs "$r exit $rc: $(oneline "$out" 8)"
	fi
}

# ------------------------------------------------------------------------ ctest
# With --ctest: each ARCH's unit and scenario tests, under qemu through
# CMAKE_CROSSCOMPILING_EMULATOR; the tests that start the pcisim binary find a wrapper
# script in its place that starts it under qemu.
declare -A CTEST_RESULT
run_ctest() { # run_ctest ARCH
	local a=$1 dir=$OUT/unit-$1 libc=/usr/${GNU[$1]} libs=$OUT/sysroot-$1/usr/lib/${MULTIARCH[$1]}
	say "$a: build with tests, ctest under ${QEMU[$a]}"
	build "$a" "$dir" -DPCISIM_TESTS=ON "-DCMAKE_CROSSCOMPILING_EMULATOR=${QEMU[$a]};-L;$libc;-E;LD_LIBRARY_PATH=$libs"
	if [ "$(head -c 4 "$dir/pcisim" | tail -c 3)" = ELF ]; then
		mv "$dir/pcisim" "$dir/pcisim.$a"
		printf '#!/bin/sh\nexec %s -L %s -E LD_LIBRARY_PATH=%s "$(dirname "$0")/pcisim.%s" "$@"\n' \
			"${QEMU[$a]}" "$libc" "$libs" "$a" >"$dir/pcisim"
		chmod +x "$dir/pcisim"
	fi
	# qemu-i386 (Debian 12's 7.2) hangs in a forked child: test_fuzz's campaigns with
	# worker processes cannot run under it.
	local ctest_opts=(-LE qemu-diff)
	[ "$a" != i386 ] || ctest_opts+=(-E '^test_fuzz$')
	if (cd "$dir" && ctest -j "$JOBS" --timeout 900 --output-on-failure "${ctest_opts[@]}") >"$OUT/ctest-$a.log" 2>&1; then
		CTEST_RESULT[$a]="ok: $(grep -E 'tests passed' "$OUT/ctest-$a.log")"
		passes=$((passes + 1))
	else
		CTEST_RESULT[$a]="differs: $(grep -E 'tests passed' "$OUT/ctest-$a.log") (see $OUT/ctest-$a.log)"
		fails=$((fails + 1))
	fi
	[ "$a" != i386 ] || CTEST_RESULT[$a]+=", test_fuzz left out (qemu-i386 hangs in fork)"
}

# ------------------------------------------------------------------------ main
if [ $INSTALL -eq 1 ]; then
	install
else
	for a in $ARCHES; do
		sysroot_complete "$a" || die "no complete sysroot for $a in $OUT (--no-install needs one from an earlier run)"
	done
fi
t=$(date +%s); TIME[install]=$((t - t_start))
for a in x86_64 $ARCHES; do
	t0=$(date +%s)
	if [ "$a" = x86_64 ] && [ -n "$NATIVE" ]; then
		runner x86_64 "$NATIVE"
		continue
	fi
	say "build $a"
	TARGET=pcisim build "$a" "$OUT/$a" -DPCISIM_TESTS=OFF
	runner "$a" "$OUT/$a/pcisim"
	TIME[build-$a]=$(($(date +%s) - t0))
done
say "how each architecture runs"
for a in x86_64 $ARCHES; do printf '   %-7s %s\n' "$a" "${RUN[$a]}"; done

SCENARIOS=(scenarios/*.yaml)
TR=$OUT/traces TXT=$OUT/text
rm -rf "$TR" "$TXT" "$OUT"/notes-*.tsv "$OUT"/time-*
mkdir -p "$TR" "$TXT"
# run_arch ARCH: every check of every scenario on ARCH (after x86-64's, whose
# recordings and texts the others are checked against)
run_arch() {
	local a=$1 t0 f n
	t0=$(date +%s)
	say "$a: ${#SCENARIOS[@]} scenarios"
	for f in "${SCENARIOS[@]}"; do
		n=$(basename "$f" .yaml)
		check_run "$a" "$f"
		record "$a" "$f" "$TR/$n.$a.pctrace" || true
		[ "$a" != x86_64 ] || record "$a" "$f" "$TR/$n.$a.jsonl" || true
		replay replay "$a" "$a" "$f" "$TR/$n.x86_64.pctrace"
		replay jsonl "$a" "$a" "$f" "$TR/$n.x86_64.jsonl"
		if [ "$a" != x86_64 ]; then
			replay reverse "$a" x86_64 "$f" "$TR/$n.$a.pctrace"
			if [ -s "$TR/$n.$a.pctrace" ] && cmp -s "$TR/$n.x86_64.pctrace" "$TR/$n.$a.pctrace"; then
				note bytes "$f" "$a" ok
			else
				note bytes "$f" "$a" differs "$(cmp "$TR/$n.x86_64.pctrace" "$TR/$n.$a.pctrace" 2>&1 | head -1)"
			fi
		fi
	done
	echo $(($(date +%s) - t0)) >"$OUT/time-$a"
}
run_arch x86_64
# the other architectures side by side, --jobs at a time, the slowest first (qemu-user
# takes most of the time; i386 runs natively)
pids=()
for a in $(printf '%s\n' $ARCHES | grep -v '^i386$') $(printf '%s\n' $ARCHES | grep '^i386$'); do
	if [ "$JOBS" -gt 1 ]; then
		while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do sleep 1; done
		run_arch "$a" &
		pids+=($!)
	else
		run_arch "$a"
	fi
done
for p in "${pids[@]}"; do wait "$p" || die "an architecture's run stopped early (see $LOG)"; done
for a in x86_64 $ARCHES; do
	take_notes "$a"
	[ ! -f "$OUT/time-$a" ] || TIME[run-$a]=$(cat "$OUT/time-$a")
done
if [ $CTEST -eq 1 ]; then
	for a in $ARCHES; do
		t0=$(date +%s)
		run_ctest "$a"
		TIME[ctest-$a]=$(($(date +%s) - t0))
	done
fi
t_end=$(date +%s)

# ------------------------------------------------------------------------ report
titles=(
	"hash:trace hash and expectations (pcisim simulate) against $GOLDEN"
	"text:simulate --timeline --lspci output, byte for byte the x86-64 one"
	"replay:the x86-64 recording (binary) replayed on ARCH"
	"jsonl:the x86-64 recording (JSON Lines) replayed on ARCH"
	"reverse:the ARCH recording (binary) replayed on x86-64"
	"bytes:the ARCH recording (binary) byte for byte the x86-64 one"
)
for t in "${titles[@]}"; do
	c=${t%%:*}
	printf '\n%s\n  %-34s' "${t#*:}" scenario
	for a in x86_64 $ARCHES; do printf ' %-8s' "$a"; done
	echo
	for f in "${SCENARIOS[@]}"; do
		printf '  %-34s' "$(basename "$f" .yaml)"
		for a in x86_64 $ARCHES; do printf ' %-8s' "${CELL[$c,$f,$a]:--}"; done
		echo
	done
done
if [ $CTEST -eq 1 ]; then
	printf '\nctest under qemu (-LE qemu-diff)\n'
	for a in $ARCHES; do printf '  %-7s %s\n' "$a" "${CTEST_RESULT[$a]}"; done
fi
echo
steps=""
for k in install $(printf '%s\n' "${!TIME[@]}" | grep -v '^install$' | sort); do steps+="$k ${TIME[$k]} s, "; done
echo "time: ${steps}total $((t_end - t_start)) s"
[ $fails -eq 0 ] || echo "each difference is above, and in $LOG"
echo "arch matrix: $passes passed, $fails failed"
[ $fails -eq 0 ]
