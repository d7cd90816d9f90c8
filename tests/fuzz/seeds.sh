#!/bin/sh
# seeds.sh - the seed corpus of a fuzz harness: the project's files that
# the harness reads.
#
# Usage: tests/fuzz/seeds.sh NAME        list them, one path a line, from
#                                        the project's root
#        tests/fuzz/seeds.sh NAME DIR    copy them into DIR (emptied
#                                        first), as make fuzz gathers them
#
# NAME is parse, scenario[-batch] or trace-FORMAT.  The first two read the
# command language: the scenarios, workloads and lessons, and the test
# files written in it (examples, golden, bad, screen, sweep, the fuzz
# sandbox's).  The trace harnesses read memory traces: every trace of the
# tests, good and bad, of any format (the harness puts a line of its own
# format first).

set -eu
cd "$(dirname "$0")/../.."

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 NAME [DIR]" >&2
	exit 2
fi
name=$1
dir=${2-}
case $name in
parse|scenario|scenario-batch)
	set -- scenarios/*.scenario scenarios/workloads/*.work \
	    lessons/*.lesson tests/examples/*.scenario \
	    tests/golden/*.scenario tests/bad/*.bad tests/bad/*.bin \
	    tests/bad/load/*.inc tests/screen/*.scenario tests/sweep/*.scenario \
	    tests/fuzz/sandbox/*.scenario tests/fuzz/sandbox/*.seed \
	    tests/fuzz/sandbox/sub/*.inc
	;;
trace-*)
	set -- tests/trace/small.* tests/trace/bad/*.trace \
	    tests/golden/*.trace tests/bad/*.trace tests/bad/load/*.trace \
	    tests/fuzz/sandbox/*.trace
	;;
*)
	echo "$0: no harness '$name' (parse, scenario, scenario-batch, trace-FORMAT)" >&2
	exit 2
	;;
esac
if [ -n "$dir" ]; then
	rm -rf "$dir"
	mkdir -p "$dir"
fi
for f in "$@"; do
	[ -f "$f" ] || continue
	if [ -n "$dir" ]; then
		cp "$f" "$dir/$(echo "$f" | tr / _)"
	else
		echo "$f"
	fi
done
