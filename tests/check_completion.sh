#!/bin/bash
# check_completion.sh PCISIM - the bash completion 'pcisim completion bash' writes:
# sourced into bash, it completes commands, options, option values, help topics and
# the registries' names (COMPREPLY for a few command lines).
set -u
if [ $# -ne 1 ]; then
	echo "usage: $0 PCISIM" >&2
	exit 2
fi
pcisim=$1
case $pcisim in /*) ;; *) pcisim=$PWD/$pcisim ;; esac
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

"$pcisim" completion bash >"$tmp/pcisim.bash" || { echo "FAIL: pcisim completion bash: exit $?"; exit 1; }
# shellcheck disable=SC1091
source "$tmp/pcisim.bash" || { echo "FAIL: the script does not source"; exit 1; }
complete -p pcisim | grep -q -- '-F _pcisim' || { echo "FAIL: no completion registered for pcisim"; exit 1; }

passed=0
failed=0
# check "WORDS..." "EXPECTED COMPREPLY": complete the last word of WORDS (may be empty)
check() {
	local line=$1 want=$2
	read -r -a COMP_WORDS <<<"$line"
	[[ $line == *' ' ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_pcisim
	local got="${COMPREPLY[*]}"
	if [[ $got == "$want" ]]; then
		passed=$((passed + 1))
		echo "ok '$line' -> '$got'"
	else
		failed=$((failed + 1))
		echo "FAIL '$line': expected '$want', got '$got'"
	fi
}

cd "$tmp" || exit 2
mkdir scen && touch scen/race.yaml scen/other.txt trace.jsonl

check "pcisim si" "simulate"
check "pcisim fu" "fuzz fuzz-merge"
check "pcisim --v" "--version"
check "pcisim simulate scen/race.yaml --se" "--seed --set"
check "pcisim simulate scen/race.yaml --ls" "--lspci --lspci-vvv --lspci-x"
check "pcisim fuzz scen/race.yaml --no-" "--no-minimise"
check "pcisim explore scen/race.yaml --s" "--set --seed"
check "pcisim graph scen/race.yaml -" "--output -o --until --at --seed --set --help"
check "pcisim simulate scen/race.yaml --set ma" "machine."
check "pcisim simulate scen/race.yaml --set " "seed= until= machine. host. fuzz. topology."
check "pcisim simulate scen/r" "scen/race.yaml"
check "pcisim simulate scen/race.yaml --record tr" "trace.jsonl"
check "pcisim fuzz scen/race.yaml --out sc" "scen"
check "pcisim simulate scen/race.yaml --seed " ""
check "pcisim replay --diff trace.jsonl tr" "trace.jsonl"
check "pcisim help action device_" "device_add device_del"
check "pcisim help action guest.slot_power_o" "guest.slot_power_off guest.slot_power_on"
check "pcisim help expectation mi" "migration"
check "pcisim help driver pcie-root" "pcie-root-port"
check "pcisim help inv" "invariants"
check "pcisim help si" "simulate"
check "pcisim help --markdown ref" "reference"
check "pcisim completion " "bash"

# every registered action is offered after 'help action'
want=$("$pcisim" help actions | awk '/^  [^ ]/ { print $1 }' | tr '\n' ' ')
check "pcisim help action " "${want% }"

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
