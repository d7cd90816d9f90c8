#!/usr/bin/env bash
# run-unit.sh - run unit-test binaries (cmocka) one after another.
#
# Usage: tests/run-unit.sh BINARY...
# A binary passes when it exits 0 within $TIMEOUT seconds (default 120).
# A passing binary is quiet; a failing one prints one line and its output.
# Ends with "N passed, M failed"; the exit status is 1 if any failed.

set -u
timeout=${TIMEOUT:-120}
passed=0
failed=0
log=$(mktemp) || exit 2
trap 'rm -f "$log"' EXIT

for t in "$@"; do
	timeout -k 5 "$timeout" "$t" </dev/null >"$log" 2>&1
	status=$?
	if [ "$status" -eq 0 ]; then
		passed=$((passed + 1))
		continue
	fi
	failed=$((failed + 1))
	case $status in
	124) why="timed out after ${timeout}s" ;;
	1[2-9][0-9]) why="killed by signal $((status - 128))" ;;
	*) why="exit $status" ;;
	esac
	echo "FAIL  $t: $why"
	sed 's/^/      /' "$log"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
