# lib.sh - what the test scripts share (sourced after `set -u`).
#
# lib_start NAME ARG...: NAME is the script in messages; ARG must be one
# executable, BINARY, made an absolute path in $bin (else the usage and
# exit 2); the sanitizers' settings are exported (run-scenarios.sh's, or
# these defaults); passed and failed start at 0.
lib_start() {
	script=$1
	shift
	if [ $# -ne 1 ] || [ ! -x "$1" ]; then
		echo "usage: $script BINARY" >&2
		exit 2
	fi
	case $1 in
	*/*) bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") ;;
	*) bin=$(command -v "$1") ;;
	esac
	export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=99:detect_leaks=1}
	export UBSAN_OPTIONS=${UBSAN_OPTIONS:-exitcode=99:print_stacktrace=1}
	passed=0
	failed=0
}

# fail WHAT [FILE]: a failure, with the first $fail_lines (10) lines of
# FILE when it is not empty.
fail() {
	failed=$((failed + 1))
	echo "FAIL  $script: $1"
	if [ $# -ge 2 ] && [ -s "$2" ]; then
		head -n "${fail_lines:-10}" "$2" | sed 's/^/      /'
	fi
}
