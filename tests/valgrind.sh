#!/usr/bin/env bash
# valgrind.sh - the unit tests and the scenario checks under valgrind's
# memcheck: no invalid read or write, no use of an uninitialised value,
# no bad free, and no leak (definitely or indirectly lost; memory still
# reachable at exit is not a leak).
#
# Usage: tests/valgrind.sh BINARY [UNIT-TEST...]   (make test-valgrind)
#
# Runs each UNIT-TEST, then `BINARY --check FILE` for every
# scenarios/*.scenario, lessons/*.lesson, tests/examples/*.scenario and
# tests/golden/*.scenario, each under
#   valgrind --error-exitcode=99 --leak-check=full
#            --errors-for-leak-kinds=definite,indirect
# $JOBS at a time (default: the number of processors), each within
# $TIMEOUT seconds (default 1800).  A run passes when it exits as it does
# without valgrind (0) and valgrind reported nothing; a failure prints
# one line and valgrind's report.  Ends with "valgrind: N passed, M
# failed"; the exit status is 1 if any failed, 2 without valgrind.

set -u

if [ $# -lt 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 BINARY [UNIT-TEST...]" >&2
	exit 2
fi
if ! command -v valgrind >/dev/null 2>&1; then
	echo "$0: valgrind is not installed (make deps installs it)" >&2
	exit 2
fi
case $1 in
*/*) bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") ;;
*) bin=$(command -v "$1") ;;
esac
shift
units=()
for t in "$@"; do
	case $t in
	/*) units+=("$t") ;;
	*) units+=("$(pwd)/$t") ;;
	esac
done
cd "$(dirname "$0")/.." || exit 2
shopt -s nullglob
export LC_ALL=C.UTF-8
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
timeout=${TIMEOUT:-1800}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

vg=(valgrind --tool=memcheck --error-exitcode=99 --leak-check=full
    --show-leak-kinds=definite,indirect
    --errors-for-leak-kinds=definite,indirect --num-callers=30)

# one N NAME COMMAND...: run it under valgrind; its verdict in $tmp/N.
one() {
	local n=$1 name=$2 status
	shift 2
	timeout -k 10 "$timeout" "${vg[@]}" --log-file="$tmp/$n.vg" "$@" \
	    </dev/null >"$tmp/$n.out" 2>&1
	status=$?
	if [ "$status" -eq 0 ] && ! grep -q 'ERROR SUMMARY: [1-9]' "$tmp/$n.vg"
	then
		echo pass >"$tmp/$n.verdict"
		return
	fi
	{
		case $status in
		99) echo "FAIL  $name: valgrind found errors" ;;
		124) echo "FAIL  $name: timed out after $timeout s" ;;
		*) echo "FAIL  $name: exit $status" ;;
		esac
		grep -v '^==[0-9]*== *$' "$tmp/$n.vg" | head -n 60 |
		    sed 's/^/      /'
		head -n 20 "$tmp/$n.out" | sed 's/^/      /'
	} >"$tmp/$n.verdict"
}

n=0
running=0
start() {
	n=$((n + 1))
	one "$n" "$@" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
}

for t in "${units[@]}"; do
	start "$t" "$t"
done
for f in scenarios/*.scenario lessons/*.lesson tests/examples/*.scenario \
    tests/golden/*.scenario; do
	start "--check $f" "$bin" --check "$f"
done
wait

passed=0
failed=0
for ((i = 1; i <= n; i++)); do
	if [ "$(cat "$tmp/$i.verdict" 2>/dev/null)" = pass ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		cat "$tmp/$i.verdict" 2>/dev/null || echo "FAIL  run $i: no verdict"
	fi
done
echo "valgrind: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
