#!/usr/bin/env bash
# run-scenarios.sh - run vmscope over the checked-in files.
#
# Usage: tests/run-scenarios.sh BINARY       e.g. ./vmscope, build/asan/vmscope
#        UPDATE=1 tests/run-scenarios.sh BINARY   rewrite tests/golden/*.out
#
# From the project root, with each missing directory skipped:
#  1. check:  `BINARY --check FILE` exits 0 for every scenarios/*.scenario,
#             lessons/*.lesson and tests/examples/*.scenario;
#  2. golden: `BINARY --batch tests/golden/NAME.scenario` prints exactly
#             tests/golden/NAME.out on stdout (a diff is shown otherwise);
#  3. bad:    for every tests/bad/NAME.EXT with a sibling tests/bad/NAME.err,
#             `BINARY --check tests/bad/NAME.EXT` exits 2 within 10 s and its
#             stderr contains the line in NAME.err (grep -F); the same for
#             build/bad/, where tests/bad-gen.sh first writes the files too
#             big to keep in git;
#  4. stdin:  tests/stdin.sh BINARY passes (bad input piped on stdin).
# Before these, the helper scripts: tests/man.sh, compare.sh, keys.sh,
# lessons.sh, list.sh, screen.sh, faults.sh, generate.sh, sweep.sh,
# strangers.sh, limits.sh and trace.sh (memory traces: UPDATE=1 rewrites
# tests/trace/golden/*.out too).
# An exit status above 2 always fails: a crash, a timeout, or a sanitizer
# report (sanitizers are told to exit 99 here).
# One line per failure (details indented below it), then "N passed, M failed";
# the exit status is 1 if anything failed.

set -u
shopt -s nullglob

if [ $# -ne 1 ]; then
	echo "usage: $0 BINARY" >&2
	exit 2
fi
case $1 in
*/*) bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") ;;
*) bin=$(command -v "$1") ;;
esac
if [ ! -x "$bin" ]; then
	echo "$0: $1: not an executable" >&2
	exit 2
fi
cd "$(dirname "$0")/.." || exit 2

export LC_ALL=C.UTF-8
unset VMSCOPE_MAX_MEMORY	# the default limit: tests/bad/table-too-big.bad
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=99:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-exitcode=99:print_stacktrace=1}
timeout=${TIMEOUT:-60}	# per run; the bad-input runs get 10 s
update=${UPDATE:-0}

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# run SECONDS ARGS...: run the binary; stdout, stderr in $tmp; sets $status.
run() {
	local secs=$1
	shift
	timeout -k 2 "$secs" "$bin" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	status=$?
}

# why SECONDS: $status in words.
why() {
	case $status in
	124) echo "timed out after $1 s" ;;
	99) echo "sanitizer report" ;;
	1[2-9][0-9]) echo "killed by signal $((status - 128))" ;;
	*) echo "exit $status" ;;
	esac
}

# fail FILE MESSAGE [DETAIL-FILE]: one failure line, then the first
# $detail lines of DETAIL-FILE, indented.
detail=40
fail() {
	failed=$((failed + 1))
	echo "FAIL  $1: $2"
	if [ $# -ge 3 ] && [ -s "$3" ]; then
		head -n "$detail" "$3" | sed 's/^/      /'
	fi
}

# script_test SHELL SCRIPT WHAT [ARG]: one test script, a pass or a fail
# with its output (PASS lines left out); skipped when the script is not
# there.
script_test() {
	[ -f "$2" ] || return 0
	if UPDATE=$update "$1" "$2" ${4+"$4"} >"$tmp/out" 2>&1; then
		passed=$((passed + 1))
		grep '^SKIP\|^updated' "$tmp/out"
	else
		grep -v '^PASS' "$tmp/out" >"$tmp/err"
		fail "$2" "$3" "$tmp/err"
	fi
	return 0
}

# 0. The manual pages know every command, key and expect name, and lint
#    clean (tests/man.sh); skipped when mandoc is not installed.
command -v mandoc >/dev/null 2>&1 &&
    script_test bash tests/man.sh "the manual pages and the code disagree" \
    "$bin"
# The lecture's point measured by compare; the screen's keys in the
# manual; the lessons' shape; where lessons and scenarios are found.
script_test sh tests/compare.sh "compare's numbers" "$bin"
script_test sh tests/keys.sh "the key table and man/vmscope.1 KEYS"
script_test sh tests/lessons.sh "the lessons' shape"
script_test sh tests/list.sh "--list and lessons by name" "$bin"
# Memory traces: goldens of the three formats, bad lines, stdin, and real
# programs' lackey traces against tests/trace-model.c (it skips the real
# programs without valgrind); sweep's CSV against separate runs.
script_test bash tests/trace.sh "trace replay" "$bin"
script_test sh tests/sweep.sh "sweep against separate runs" "$bin"
# Files from strangers: no write without --allow-write, load's folder,
# depth and cycle rules, no shell, nothing hangs.
script_test bash tests/strangers.sh "files from strangers" "$bin"
# Resource limits: a billion pages, a trace of millions of lines, ten
# million steps: refused at --max-memory, or run in bounded memory.
script_test bash tests/limits.sh "resource limits" "$bin"
# The screen, driven through tmux (it skips itself without tmux).
script_test sh tests/screen.sh "the screen" "$bin"
# Signals, Ctrl-C, a resize storm, odd terminals, closed descriptors and
# pipes, and the history file through all of them (tmux, too).
script_test sh tests/faults.sh "terminal faults" "$bin"
# Generated problems: 100 seeds of each kind check clean and come out
# the same every time.
script_test bash tests/generate.sh "generated problems" "$bin"

# 1. Every shipped scenario and lesson, and every example, checks clean.
for f in scenarios/*.scenario lessons/*.lesson tests/examples/*.scenario; do
	run "$timeout" --check "$f"
	if [ "$status" -eq 0 ]; then
		passed=$((passed + 1))
	else
		fail "$f" "--check: $(why "$timeout") (want 0)" "$tmp/err"
	fi
done

# 2. Golden transcripts.
for f in tests/golden/*.scenario; do
	want=${f%.scenario}.out
	run "$timeout" --batch "$f"
	if [ "$status" -gt 2 ]; then
		fail "$f" "--batch: $(why "$timeout")" "$tmp/err"
	elif [ "$update" = 1 ]; then
		cmp -s "$tmp/out" "$want" || echo "updated $want"
		cp "$tmp/out" "$want"
		passed=$((passed + 1))
	elif [ ! -f "$want" ]; then
		fail "$f" "no $want (UPDATE=1 $0 $1 writes it)"
	elif cmp -s "$tmp/out" "$want"; then
		passed=$((passed + 1))
	else
		diff -u --label "$want" --label "--batch $f" "$want" "$tmp/out" \
			>"$tmp/diff"
		fail "$f" "stdout differs from $want" "$tmp/diff"
		lines=$(wc -l <"$tmp/diff")
		if [ "$lines" -gt "$detail" ]; then
			echo "      ... $((lines - detail)) more lines: $1 --batch $f | diff -u $want -"
		fi
	fi
done

# 3. Bad input: exit 2 with the expected message, quickly.
if ! bash tests/bad-gen.sh >"$tmp/gen" 2>&1; then
	fail tests/bad-gen.sh "could not write build/bad/" "$tmp/gen"
fi
for f in tests/bad/* build/bad/*; do
	case $f in *.err) continue ;; esac
	[ -f "$f" ] || continue
	errfile=${f%.*}.err
	[ -f "$errfile" ] || continue
	if [ "$(grep -c . "$errfile")" -ne 1 ]; then
		fail "$f" "$errfile must hold exactly one non-empty line"
		continue
	fi
	expected=$(grep -m1 . "$errfile")
	run 10 --check "$f"
	if [ "$status" -ne 2 ]; then
		fail "$f" "--check: $(why 10) (want 2)" "$tmp/err"
	elif ! grep -qF -- "$expected" "$tmp/err"; then
		fail "$f" "stderr lacks: $expected" "$tmp/err"
	else
		passed=$((passed + 1))
	fi
done

# 4. Bad input on stdin.
if bash tests/stdin.sh "$bin" >"$tmp/stdin" 2>&1; then
	passed=$((passed + 1))
else
	fail tests/stdin.sh "$(tail -n 1 "$tmp/stdin")" "$tmp/stdin"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
