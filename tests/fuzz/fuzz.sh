#!/bin/sh
# fuzz.sh - make fuzz: each libFuzzer harness in turn for SECONDS seconds,
# with the dictionary, on a working copy of its corpus under build/fuzz/
# (so that fuzzing does not touch the tree), and one summary line each:
# executions, coverage, and the file of what it found, if anything.
#
# Usage: tests/fuzz/fuzz.sh BINDIR SECONDS NAME...
#
# For harness NAME:  build/fuzz/seeds/NAME    its seeds (seeds.sh), anew
#                    build/fuzz/corpus/NAME   the corpus it grows, kept
#                                             from one run to the next
#                    build/fuzz/crashes/NAME/ what it finds (crash-*,
#                                             leak-*, timeout-*, oom-*)
#                    build/fuzz/NAME.log      libFuzzer's output
# plus tests/fuzz/regress/NAME/, the reproducers of what was found and
# fixed.  A finding becomes such a reproducer once it is fixed: copy the
# file there, under a name that says what it was.  The exit status is 1
# if a harness found something.
# FUZZ_FLAGS adds libFuzzer options (-jobs=N, -max_len=N, ...).

set -u
cd "$(dirname "$0")/../.." || exit 2
root=$(pwd)
if [ $# -lt 3 ]; then
	echo "usage: $0 BINDIR SECONDS NAME..." >&2
	exit 2
fi
bindir=$1
secs=$2
shift 2
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
status=0

for name in "$@"; do
	seeds=$root/build/fuzz/seeds/$name
	corpus=$root/build/fuzz/corpus/$name
	crashes=$root/build/fuzz/crashes/$name
	log=$root/build/fuzz/$name.log
	regress=$root/tests/fuzz/regress/$name
	tests/fuzz/seeds.sh "$name" "$seeds" || exit 2
	mkdir -p "$corpus" "$crashes"
	[ -d "$regress" ] || regress=
	echo "fuzz  $name for $secs s ..."
	# shellcheck disable=SC2086 # FUZZ_FLAGS: words
	"$root/$bindir/$name" -max_total_time="$secs" -timeout=25 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -dict="$root/tests/fuzz/vmscope.dict" \
	    -artifact_prefix="$crashes/" ${FUZZ_FLAGS-} \
	    "$corpus" "$seeds" ${regress:+"$regress"} >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
	    tail -n 1)
	cov=$(grep ' cov: ' "$log" | tail -n 1 |
	    sed 's/.* cov: \([0-9]*\) ft: \([0-9]*\).*/\1 edges, \2 features/')
	found=$(sed -n 's/.*Test unit written to \(.*\)/\1/p' "$log")
	line="fuzz  $name: ${execs:-?} executions, coverage ${cov:-?}"
	if [ -n "$found" ] || [ $rc -ne 0 ]; then
		status=1
		echo "$line; FOUND (exit $rc): ${found:-see $log}"
		grep -m 1 'ERROR: \|^fuzz[a-z_]*: \|runtime error' "$log" |
		    sed 's/^/      /'
	else
		echo "$line; nothing found"
	fi
done
exit $status
