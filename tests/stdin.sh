#!/usr/bin/env bash
# stdin.sh - bad input on standard input, where each line runs as it comes
# (no file, so no future), an error is reported and the next line runs.
#
# Usage: tests/stdin.sh BINARY     (tests/run-scenarios.sh calls it)
#
# Each case pipes lines into BINARY (no option: not a terminal, so it runs
# them as --batch does) and wants an exit status, a line on stderr (grep -F)
# and, where given, no line matching a pattern (grep -E): a failed expect,
# say, which would show that an error left something half done.  One line
# per failure, then "stdin: N passed, M failed"; the exit status is 1 if
# anything failed.

set -u

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 BINARY" >&2
	exit 2
fi
bin=$1
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=99:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-exitcode=99:print_stacktrace=1}
passed=0
failed=0

# check NAME STATUS STDERR-LINE [UNWANTED] < input
check() {
	local name=$1 want=$2 line=$3 unwanted=${4:-}
	local status

	timeout -k 2 10 "$bin" >"$tmp/out" 2>"$tmp/err"
	status=$?
	if [ "$status" -ne "$want" ]; then
		echo "FAIL  $name: exit $status (want $want)"
	elif [ -n "$line" ] && ! grep -qF -- "$line" "$tmp/err"; then
		echo "FAIL  $name: stderr lacks: $line"
	elif [ -n "$unwanted" ] && grep -qE -- "$unwanted" "$tmp/err"; then
		echo "FAIL  $name: stderr has: $unwanted"
	else
		passed=$((passed + 1))
		return
	fi
	failed=$((failed + 1))
	head -n 20 "$tmp/err" | sed 's/^/      /'
}

in=$tmp/in

# OPT needs the future, which typed (or piped) lines do not have.
printf 'machine policy=opt\n' >"$in"
check opt 2 "<stdin>:1:9: policy=opt needs the future, which only a file or a trace has" <"$in"

# A map that fails maps nothing, not even its first pages, and the lines
# after it run.
printf '%s\n' 'process p' 'map 0x3000' 'map 0x1000 pages=4' \
	'read 0x1000' 'expect fault segv' 'read 0x2000' 'expect fault segv' \
	'read 0x3000' 'expect fault none' 'expect accesses 3' >"$in"
check half-map 2 "<stdin>:3:12: map: 0x3000 is already mapped in p" \
	"expected" <"$in"

# A machine line that fails keeps the machine there was.
printf '%s\n' 'machine va=32 pa=32' 'process p' 'machine va=99' \
	'switch p' 'expect mode none' >"$in"
check old-machine 2 "<stdin>:3:9: va=99: virtual addresses have 1 to 64 bits" \
	"switch:" <"$in"

# A 1 MiB line is one error, and the next line still runs.
{
	printf 'machine '
	head -c 1048576 /dev/zero | tr '\0' x
	printf '\nprocess p\nexpect accesses 0\n'
} >"$in"
check long-line 2 "<stdin>:1:4097: line longer than 4096 bytes" \
	"<stdin>:[23]" <"$in"

# A NUL byte, a control character, CRLF ends.
printf 'process p\0\n' >"$in"
check nul 2 "<stdin>:1:10: NUL byte" <"$in"
printf 'process \033p\n' >"$in"
check control 2 "<stdin>:1:9: control character 0x1b" <"$in"
printf 'process p\r\nexpect mode none\r\n' >"$in"
check crlf 0 "" <"$in"

# Closed stdin, and an error on a last line with no newline.
check closed 0 "" </dev/null
printf 'process p\nswitch q' >"$in"
check last-line 2 "<stdin>:2:8: switch: there is no process named 'q'" <"$in"

echo "stdin: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
