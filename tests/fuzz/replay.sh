#!/bin/sh
# replay.sh - make test's fuzz check, no fuzzing: each harness built with
# replay.c (under ASan and UBSan) runs every file of its seed corpus
# (seeds.sh) and its crash reproducers (tests/fuzz/regress/NAME/); and the
# dictionary is what dict writes from the program's tables.
#
# Usage: tests/fuzz/replay.sh BINDIR NAME...
#        (BINDIR/NAME the harnesses, BINDIR/dict the dictionary's writer;
#        UPDATE=1 rewrites tests/fuzz/vmscope.dict)
#
# One PASS or FAIL line each (a failure shows the end of what it said:
# the name of the input, then the sanitizer's report); exit status 1 if
# anything failed.

set -u
cd "$(dirname "$0")/../.."
if [ $# -lt 2 ]; then
	echo "usage: $0 BINDIR NAME..." >&2
	exit 2
fi
bindir=$1
shift
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
status=0

if ! "$bindir/dict" >"$tmp/dict"; then
	echo "FAIL  dictionary: $bindir/dict failed"
	status=1
elif [ "${UPDATE:-0}" = 1 ]; then
	cmp -s "$tmp/dict" tests/fuzz/vmscope.dict ||
	    { cp "$tmp/dict" tests/fuzz/vmscope.dict &&
	    echo "updated tests/fuzz/vmscope.dict"; }
elif ! diff -u tests/fuzz/vmscope.dict "$tmp/dict" >"$tmp/diff"; then
	echo "FAIL  dictionary: tests/fuzz/vmscope.dict is not what" \
	    "$bindir/dict writes (make test UPDATE=1 rewrites it):"
	head -n 20 "$tmp/diff" | sed 's/^/      /'
	status=1
else
	echo "PASS  dictionary ($(wc -l <"$tmp/dict") words)"
fi

for name in "$@"; do
	# shellcheck disable=SC2046 # one word per seed path
	if timeout -k 5 600 "$bindir/$name" -v $(tests/fuzz/seeds.sh "$name") \
	    "tests/fuzz/regress/$name" >"$tmp/log" 2>&1; then
		echo "PASS  $name ($(tail -n 1 "$tmp/log" | sed 's/^replay: //'))"
	else
		echo "FAIL  $name: exit $?"
		tail -n 40 "$tmp/log" | sed 's/^/      /'
		status=1
	fi
done
exit $status
