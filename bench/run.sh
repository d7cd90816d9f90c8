#!/usr/bin/env bash
# run.sh - the figures of `make bench` (DESIGN.md section 6: measured and
# printed, never asserted; the exit status is 0 unless a program fails).
#
#   1. bench/gen.c writes a scenario of N references (default 2,000,000)
#      into $BENCH_DIR, plus two shorter ones (N/4, N/2) for memory growth;
#   2. the floor: bench/parse.c reads the file and parses each read and
#      write line, and nothing else (best of 3 runs);
#   3. $VMSCOPE --check on the same file (best of 3), then once on the
#      shorter files: references per second, the ratio to the floor, and
#      the peak RSS as the trace grows;
#   4. bench/engine.c: the engine alone through its API, journal off
#      (statistics), then journal on (`back` at step 10^3 and 10^6).
#
# Environment: VMSCOPE (default ./vmscope), BENCH_DIR (default build/bench,
# where gen, parse and engine are built), BENCH_REFS (default 2000000).
# Run from the project's root (make bench does).

set -u

VMSCOPE=${VMSCOPE:-./vmscope}
BENCH_DIR=${BENCH_DIR:-build/bench}
N=${BENCH_REFS:-2000000}
RUNS=3

fail() {
	echo "bench: $*" >&2
	exit 1
}

case $N in
'' | *[!0-9]*) fail "BENCH_REFS=$N is not a number" ;;
esac
[ "$N" -ge 1000 ] || fail "BENCH_REFS=$N: at least 1000 references"
for p in gen parse engine; do
	[ -x "$BENCH_DIR/$p" ] || fail "$BENCH_DIR/$p is missing (make bench builds it)"
done
[ -x "$VMSCOPE" ] || fail "$VMSCOPE is missing (make builds it)"

have_time=false
[ -x /usr/bin/time ] && have_time=true
tmp=$(mktemp "${TMPDIR:-/tmp}/vmscope-bench.XXXXXX") || fail "mktemp failed"
trap 'rm -f "$tmp"' EXIT

# timed CMD...: runs CMD (its stdout to /dev/null, stderr kept); sets
# SECS (wall clock) and KIB (peak RSS, or "" without /usr/bin/time).
# Returns CMD's status.
timed() {
	local t0 t1 rc
	t0=$(date +%s.%N)
	if $have_time; then
		/usr/bin/time -f %M -o "$tmp" "$@" >/dev/null
		rc=$?
	else
		"$@" >/dev/null
		rc=$?
	fi
	t1=$(date +%s.%N)
	SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')
	KIB=
	if $have_time; then
		KIB=$(tail -n 1 "$tmp")
		case $KIB in *[!0-9]* | '') KIB= ;; esac
	fi
	return $rc
}

# best CMD...: the fastest of $RUNS runs (BEST, BEST_KIB); fails the
# bench if CMD does.
best() {
	local i
	BEST=
	BEST_KIB=
	for ((i = 0; i < RUNS; i++)); do
		timed "$@" || fail "failed (status $?): $*"
		if [ -z "$BEST" ] || awk -v a="$SECS" -v b="$BEST" \
		    'BEGIN { exit !(a < b) }'; then
			BEST=$SECS
			BEST_KIB=$KIB
		fi
	done
}

mib() {
	if [ -n "$1" ]; then
		awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'
	else
		echo "n/a"
	fi
}

rate() {	# refs seconds
	awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "inf" }'
}

row() {		# what refs seconds kib
	printf '  %-28s %10s %9.3f s %14s refs/s %12s\n' "$1" "$2" "$3" \
		"$(rate "$2" "$3")" "$(mib "$4")"
}

main_file=$BENCH_DIR/refs-$N.scenario
q1=$((N / 4))
q2=$((N / 2))
echo "vmscope benchmark: $N references ($(nproc 2>/dev/null || echo '?') CPUs, $(uname -m))"
for n in "$N" "$q1" "$q2"; do
	"$BENCH_DIR/gen" "$n" "$BENCH_DIR/refs-$n.scenario" ||
		fail "gen $n failed"
done
sed -n 2p "$main_file" | sed 's/^/  /'
printf '  then a process, 8 regions of 65536 pages mapped on disk, %s references\n' "$N"
printf '  (about 30%% writes; a program-like mix of stack, array loop and heap; %s bytes)\n\n' \
	"$(wc -c <"$main_file" | tr -d ' ')"

printf '  %-28s %10s %11s %21s %12s\n' "" "references" "time" "rate" "peak RSS"

best "$BENCH_DIR/parse" "$main_file"
floor=$BEST
row "parse only (floor)" "$N" "$floor" "$BEST_KIB"

best "$VMSCOPE" --check "$main_file"
check=$BEST
check_kib=$BEST_KIB
row "vmscope --check" "$N" "$check" "$check_kib"
printf '  %-28s %10s %11s\n' "ratio vmscope / floor" "" \
	"$(awk -v a="$check" -v b="$floor" 'BEGIN { if (b > 0) printf "%.1f x", a / b; else print "n/a" }')"
echo

echo "vmscope --check as the trace grows (one run each):"
for n in "$q1" "$q2"; do
	timed "$VMSCOPE" --check "$BENCH_DIR/refs-$n.scenario" ||
		fail "$VMSCOPE --check $BENCH_DIR/refs-$n.scenario failed (status $?)"
	row "vmscope --check" "$n" "$SECS" "$KIB"
done
row "vmscope --check" "$N" "$check" "$check_kib"
if [ -n "$check_kib" ] && [ -n "$KIB" ]; then
	awk -v n1="$q2" -v k1="$KIB" -v n2="$N" -v k2="$check_kib" 'BEGIN {
		printf "  growth: %.1f bytes of peak RSS per reference (from %d to %d)\n",
			(k2 - k1) * 1024 / (n2 - n1), n1, n2 }'
fi

"$BENCH_DIR/engine" "$main_file" stats || fail "engine stats failed"
"$BENCH_DIR/engine" "$main_file" back || fail "engine back failed"
echo
echo
echo "the screen (drawn to a terminal that goes nowhere):"
"$VMSCOPE" --bench-screen "$BENCH_DIR/refs-$q1.scenario" 10000 ||
	echo "  (the screen bench failed)"
echo
echo "bench: figures only; nothing above is asserted."
