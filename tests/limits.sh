#!/usr/bin/env bash
# limits.sh BINARY - what a file or a trace may ask of the machine it runs
# on is bounded (vmscope(1) LIMITS): the memory limit (--max-memory,
# VMSCOPE_MAX_MEMORY, default 1G) refuses the command that would pass it,
# with a message that names the setting, and nothing is killed or hangs.
#
#  1. asks for a billion: map pages=1000000000, frames=1000000000, a
#     single-level table of 2^28 entries (it once took 24 GB), play
#     1000000000 (tests/strangers.sh) - refused at once;
#  2. under a limit of 64M: map lines of 65536 pages each until refused
#     (and again with a back at the end, whose history counts; and one
#     map of 1M pages with back under the default limit),
#     a guest of 16 GiB, a trace of distinct pages streamed on stdin from
#     a generator (refused at a line), a file of a million writes (more
#     accesses than an eighth of the limit holds: refused before it
#     runs), one of 339,000 writes and a back (refused when the history
#     kept for back passes the limit) - each refused with the message,
#     its peak memory (/usr/bin/time %M) under the limit plus 24 MiB and
#     the file's own text;
#  3. flat: a trace of 300,000 and one of 3,000,000 lines over 4096 pages,
#     streamed on stdin, peak memory the same within 4 MiB; the million
#     writes with back (about ten million micro-steps) run to their end
#     under the default limit, in less than 1 GiB;
#  4. SIGINT in batch ends the program at once (status 130: the default
#     action; a save in progress is a temporary file renamed, so nothing
#     is half written), and no temporary file is left;
#  5. usage: --max-memory=abc, --max-memory=1M, VMSCOPE_MAX_MEMORY=xyz
#     exit 2 with a message.
# Peak memory is not measured without /usr/bin/time, nor under the
# sanitizers (their shadow memory), where the sizes are a tenth and the
# limit 16M.
#
# Usage: tests/limits.sh BINARY   (tests/run-scenarios.sh runs it)
#        LIMITS_DEBUG=1 tests/limits.sh BINARY   also prints each peak
# One line per failure, then "limits: N passed, M failed"; exit 1 if any
# failed.

set -u

. "$(dirname "$0")/lib.sh"
lib_start limits.sh "$@"
export LC_ALL=C
unset VMSCOPE_MAX_MEMORY
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2

# Sizes and whether peak memory is measured.
scale=1
measure=1
mb=64
if nm -D --undefined-only "$bin" 2>/dev/null | grep -q __asan; then
	scale=10
	measure=0
	mb=16
fi
if [ ! -x /usr/bin/time ]; then
	echo "SKIP  limits.sh: peak memory: /usr/bin/time is missing"
	measure=0
fi

# run STATUS LINE KB ARGS... [< input]: the binary under a 60 s timeout;
# wants STATUS, LINE in stderr ("" none), and (when measured and KB is
# not 0) a peak resident size under KB KiB.  $peak holds the peak.
run() {
	local want=$1 line=$2 kb=$3 status
	shift 3
	if [ "$measure" = 1 ]; then
		timeout -k 2 60 /usr/bin/time -o "$tmp/rss" -f %M \
		    "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	else
		timeout -k 2 60 "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	fi
	status=$?
	peak=$(tail -n 1 "$tmp/rss" 2>/dev/null || echo 0)
	[ -n "${LIMITS_DEBUG:-}" ] && echo "peak $peak KiB: $*" >&2
	rm -f "$tmp/rss"
	if [ "$status" -ne "$want" ]; then
		fail "$*: exit $status (want $want)" "$tmp/err"
	elif [ -n "$line" ] && ! grep -qF -- "$line" "$tmp/err"; then
		fail "$*: stderr lacks: $line" "$tmp/err"
	elif [ "$measure" = 1 ] && [ "$kb" -gt 0 ] && [ "$peak" -gt "$kb" ]; then
		fail "$*: peak memory $peak KiB, over $kb KiB"
	else
		passed=$((passed + 1))
		return 0
	fi
	return 1
}

limit="would take the simulation past its memory limit of $mb MiB"
under=$(((mb + 24) * 1024))	# KiB: the limit and the program itself

# 1. A billion of something, refused at once.
printf 'machine va=48 pa=48\nprocess p\nmap 0 pages=1000000000\n' >pages.scenario
run 2 "pages.scenario:3:7: map: pages=1000000000: 1 to 1048576 pages at a time" \
    32768 --check pages.scenario
printf 'machine va=48 pa=52 frames=1000000000\n' >frames.scenario
run 2 "frames.scenario:1:21: frames=1000000000: the pool holds at most 4194304 frames" \
    32768 --check frames.scenario
printf 'machine va=32 pa=32 page=16 split=28 pte=4\nprocess p\n' >table.scenario
run 2 "table.scenario:1:29: a page table of 2^28 entries of 4 bytes fills 67108864 pages of 16 bytes" \
    32768 --check table.scenario
printf 'machine va=40 pa=52 page=16 split=36\nprocess p\n' >table2.scenario
run 2 "give split= more levels" 32768 --check table2.scenario

# 2. Under a limit of 64M.
{
	echo 'machine va=48 pa=52 frames=4096'
	echo 'process p'
	i=0
	while [ $i -lt 200 ]; do
		printf 'map 0x%x pages=65536 disk\n' $((i << 28))
		i=$((i + 1))
	done
} >maps.scenario
run 2 "map: 65536 more pages $limit" "$under" --max-memory=${mb}M \
    --check maps.scenario
# The same with back at the end: the history for back (checkpoints are
# copies of the machine) counts, so it is refused sooner, still within
# the limit (a map of 1M pages with back once took 1.1 GB under 1G).
{ cat maps.scenario; echo 'back 1'; } >mapsback.scenario
run 2 "and the history for back may hold" "$under" --max-memory=${mb}M \
    --check mapsback.scenario
printf 'machine va=48 pa=52 frames=1048576\nprocess p\nmap 0 pages=1048576\nback 1\n' \
    >mapback.scenario
run 2 "mapback.scenario:3:1: map: 1048576 more pages would take the simulation past its memory limit of 1 GiB" \
    $((1024 * 1024)) --check mapback.scenario
printf 'machine va=48 pa=52\nvmxon\nvm g memory=16G\n' >vm.scenario
run 2 "vm.scenario:3:1: vm: the guest's memory $limit" "$under" \
    --max-memory=${mb}M --check vm.scenario
awk -v n=$((2000000 / scale)) \
    'BEGIN { for (i = 0; i < n; i++) printf "r 0x%x000\n", i }' |
    run 2 "1 more page $limit" "$under" --max-memory=${mb}M --trace -
grep -q '^<stdin>:[0-9]*: read: ' "$tmp/err" && passed=$((passed + 1)) ||
    fail "the trace's refusal names no line" "$tmp/err"
# writes N FILE: N writes over 256 pages and a back: about 10 N steps.
writes() {
	awk -v n="$1" 'BEGIN {
		print "machine va=32 pa=32 page=4K frames=64"
		print "process p"
		print "map 0 pages=256 disk"
		for (i = 0; i < n; i++)
			printf "write 0x%x %d\n", (i * 7919 % 256) * 4096 + \
			    i % 4096, i % 256
		print "back 5"
	}' >"$2"
}
writes $((1000000 / scale)) steps.scenario
run 2 "steps.scenario: more than $((mb * 1024 * 1024 / 8 / 24)) accesses" \
    "$((under + $(wc -c <steps.scenario) / 1024))" --max-memory=${mb}M \
    --check steps.scenario
# Fewer accesses than that, but ops and journals past the limit (each
# operation kept for back takes about 184 bytes).
writes $((mb * 5300)) history.scenario
run 2 "the history for back" \
    "$((under + $(wc -c <history.scenario) / 1024))" --max-memory=${mb}M \
    --check history.scenario

# 3. Flat: the same peak for ten times the references.
awk -v n=$((300000 / scale)) \
    'BEGIN { for (i = 0; i < n; i++) printf "r 0x%x000\n", i % 4096 }' |
    run 0 "" 0 --trace -
small=$peak
awk -v n=$((3000000 / scale)) \
    'BEGIN { for (i = 0; i < n; i++) printf "%s 0x%x000\n", i % 3 ? "r" : "w", i % 4096 }' |
    run 0 "" 0 --trace -
if [ "$measure" = 1 ] && [ $((peak - small)) -gt 4096 ]; then
	fail "trace on stdin: 300,000 lines peak at $small KiB, 3,000,000 at $peak KiB"
else
	passed=$((passed + 1))
fi
run 0 "" $((1024 * 1024)) --check steps.scenario

# 4. SIGINT in batch.
printf 'save out.txt\n' >>steps.scenario
timeout -k 3 --preserve-status -s INT 1 "$bin" --batch --allow-write \
    steps.scenario >/dev/null 2>"$tmp/err"
status=$?
if [ "$status" -eq 130 ] || { [ "$status" -ge 1 ] && [ "$status" -le 2 ] &&
    [ -s "$tmp/err" ]; }; then
	passed=$((passed + 1))
else
	fail "SIGINT in batch: exit $status (want 130, or 1 or 2 with a message)" "$tmp/err"
fi
if ls | grep -q '^out\.txt'; then
	fail "SIGINT in batch left $(ls | grep '^out\.txt')"
else
	passed=$((passed + 1))
fi

# 5. Usage.
for a in --max-memory=abc --max-memory=1M; do
	run 2 "vmscope: ${a}" 0 "$a" --check pages.scenario
done
VMSCOPE_MAX_MEMORY=xyz run 2 "VMSCOPE_MAX_MEMORY=xyz" 0 --check pages.scenario
VMSCOPE_MAX_MEMORY=xyz run 2 "VMSCOPE_MAX_MEMORY=xyz" 0 --trace - </dev/null

echo "limits: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
