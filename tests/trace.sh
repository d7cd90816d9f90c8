#!/usr/bin/env bash
# trace.sh BINARY - memory traces replayed (vmscope --trace; the trace
# command has its golden and bad cases in tests/golden and tests/bad).
#
#  1. golden: for each tests/trace/golden/NAME.args (the arguments, one per
#     line), BINARY's stdout is tests/trace/golden/NAME.out byte for byte,
#     and nothing goes to stderr (no progress line when stderr is not a
#     terminal);
#  2. bad: for each tests/trace/bad/NAME.trace, `--trace FILE` (plus the
#     arguments of NAME.args, if any) exits 2 with the line of NAME.err on
#     stderr; with --skip-bad it exits 0 and reports 1 bad line; a line
#     longer than 4096 bytes, and one longer than the 1 MiB buffer, too;
#  3. stdin: `--trace -` gives the figures the file gives; a CRLF copy
#     gives them too; the same trace twice gives the same bytes;
#  4. usage: --stats without --trace, a bad --format, --interval or
#     --machine exit 2;
#  4b. long traces (many of the batches the reader thread hands to the
#     engine): the same figures as the same references in a scenario run
#     by --check; a bad line far in stops at its own line with nothing on
#     stdout, or is counted with --skip-bad; the engine refusing a
#     reference far in (page tables that no longer fit) names that
#     reference's line, before any later bad line;
#  5. real programs: lackey traces of /bin/true and of a small C program
#     compiled here, made with valgrind, replayed with a fully associative
#     TLB (tlb.ways = tlb) and LRU, and with OPT, must count the references,
#     TLB hits and misses, page faults and write-backs that the independent
#     model tests/trace-model.c counts.  Skipped, with a message, when
#     valgrind or cc is missing (`make deps` installs valgrind).
#
# Usage: tests/trace.sh BINARY   (tests/run-scenarios.sh runs it)
#        UPDATE=1 tests/trace.sh BINARY   rewrites the golden .out files
# One line per failure, then "trace: N passed, M failed"; exit 1 if any
# failed.

set -u

. "$(dirname "$0")/lib.sh"
lib_start trace.sh "$@"
fail_lines=20
cd "$(dirname "$0")/.." || exit 2
update=${UPDATE:-0}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

# run ARGS...: the binary, stdout and stderr into $tmp; sets $status.
run() {
	timeout -k 2 60 "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
}

# figures FILE ARGS...: "references,hits,misses,faults,writebacks" of a
# replay, from its JSON.
figures() {
	timeout -k 2 120 "$bin" --trace "$@" --format=json 2>"$tmp/ferr" |
		awk -F'[:,]' '
		$1 ~ /"(references|tlb_hits|tlb_misses|faults|writebacks)"/ {
			gsub(/[ "]/, "", $1); gsub(/ /, "", $2); v[$1] = $2
		}
		END {
			print v["references"] "," v["tlb_hits"] "," \
			    v["tlb_misses"] "," v["faults"] "," v["writebacks"]
		}'
}

# 1. Golden output.
for args in tests/trace/golden/*.args; do
	want=${args%.args}.out
	mapfile -t a <"$args"
	run "${a[@]}"
	if [ "$status" -ne 0 ]; then
		fail "$args: exit $status (want 0)" "$tmp/err"
	elif [ -s "$tmp/err" ]; then
		fail "$args: stderr is not empty" "$tmp/err"
	elif [ "$update" = 1 ]; then
		cmp -s "$tmp/out" "$want" 2>/dev/null || echo "updated $want"
		cp "$tmp/out" "$want"
		passed=$((passed + 1))
	elif [ ! -f "$want" ]; then
		fail "$args: no $want (UPDATE=1 $0 $1 writes it)"
	elif cmp -s "$tmp/out" "$want"; then
		passed=$((passed + 1))
	else
		diff -u --label "$want" --label "${a[*]}" "$want" "$tmp/out" \
			>"$tmp/diff"
		fail "$args: stdout differs from $want" "$tmp/diff"
	fi
done

# 2. Bad lines: exit 2 and the message; --skip-bad counts them.
for f in tests/trace/bad/*.trace; do
	errfile=${f%.trace}.err
	a=()
	[ -f "${f%.trace}.args" ] && mapfile -t a <"${f%.trace}.args"
	if [ ! -f "$errfile" ]; then
		fail "$f: no $errfile"
		continue
	fi
	expected=$(grep -m1 . "$errfile")
	run --trace "$f" "${a[@]}"
	if [ "$status" -ne 2 ]; then
		fail "$f: exit $status (want 2)" "$tmp/err"
	elif ! grep -qF -- "$expected" "$tmp/err"; then
		fail "$f: stderr lacks: $expected" "$tmp/err"
	else
		passed=$((passed + 1))
	fi
	line=$(echo "$expected" | sed -n 's/^[^:]*:\([0-9]*\):.*/\1/p')
	run --trace "$f" "${a[@]}" --skip-bad
	if [ "$status" -ne 0 ]; then
		fail "$f --skip-bad: exit $status (want 0)" "$tmp/err"
	elif ! grep -qF "bad lines skipped: 1 (line $line)" "$tmp/out"; then
		fail "$f --skip-bad: the summary lacks 'bad lines skipped: 1 (line $line)'" "$tmp/out"
	else
		passed=$((passed + 1))
	fi
done

# Lines too long: one over 4096 bytes, one over the 1 MiB buffer, and one
# at the end of the file without a newline.
{
	echo 'r 0x1000'
	head -c 5000 /dev/zero | tr '\0' 'a'
	echo
	echo 'w 0x2000'
	head -c 3000000 /dev/zero | tr '\0' 'b'
	echo
	echo 'x 0x3000'
	head -c 2000000 /dev/zero | tr '\0' 'c'
} >"$tmp/long.trace"
run --trace "$tmp/long.trace"
if [ "$status" -eq 2 ] && grep -qF "long.trace:2: line longer than 4096 bytes" "$tmp/err"; then
	passed=$((passed + 1))
else
	fail "a line of 5000 bytes: exit $status" "$tmp/err"
fi
run --trace "$tmp/long.trace" --skip-bad
if [ "$status" -eq 0 ] && grep -qF "3 references" "$tmp/out" &&
    grep -qF "bad lines skipped: 3 (lines 2, 4, 6)" "$tmp/out"; then
	passed=$((passed + 1))
else
	fail "lines longer than the buffer, --skip-bad: exit $status" "$tmp/out"
fi

# 3. Standard input, CRLF, and the same output twice.
want=$(figures tests/trace/small.lackey)
got=$(figures - <tests/trace/small.lackey)
if [ -n "$want" ] && [ "$want" = "$got" ]; then
	passed=$((passed + 1))
else
	fail "--trace - (stdin): '$got', the file gives '$want'"
fi
sed 's/$/\r/' tests/trace/small.plain >"$tmp/crlf.trace"
want=$(figures tests/trace/small.plain)
got=$(figures "$tmp/crlf.trace")
if [ "$want" = "$got" ]; then
	passed=$((passed + 1))
else
	fail "CRLF line ends: '$got', LF gives '$want'"
fi
run --trace - --stats <tests/trace/small.din
cp "$tmp/out" "$tmp/once"
run --trace - --stats <tests/trace/small.din
if [ "$status" -eq 0 ] && cmp -s "$tmp/once" "$tmp/out" &&
    grep -qF "trace        <stdin> (din, " "$tmp/out"; then
	passed=$((passed + 1))
else
	fail "the same trace twice on stdin gives different output" "$tmp/out"
fi

# 4. Usage errors.
for args in "--stats" "--trace tests/trace/small.plain --format=xml" \
    "--trace tests/trace/small.plain --interval=0" \
    "--trace tests/trace/small.plain --machine tlb.size=4" \
    "--trace tests/trace/small.plain --machine policy=opt --check" \
    "--trace tests/trace/small.plain extra" "--trace /nonexistent"; do
	# shellcheck disable=SC2086
	run $args
	if [ "$status" -eq 2 ] && [ -s "$tmp/err" ]; then
		passed=$((passed + 1))
	else
		fail "$args: exit $status (want 2 and a message)" "$tmp/err"
	fi
done

# 4b. Long traces, across the reader's batches.
awk 'BEGIN { x = 12345; for (i = 0; i < 30000; i++) {
	x = (x * 1103515245 + 12345) % 2147483648
	printf "%s 0x%x\n", (x % 3 == 0 ? "w" : "r"), (x % 600) * 4096 + x % 4096
} }' >"$tmp/long.trace"
run --trace "$tmp/long.trace" --machine "va=32 pa=32 frames=64 tlb=16" --stats
machine=$(sed -n 's/^machine  *//p' "$tmp/out")
run --trace "$tmp/long.trace" --machine "va=32 pa=32 frames=64 tlb=16" \
	--format=json
tr -d ' ' <"$tmp/out" >"$tmp/long.json"
{
	echo "machine $machine"
	echo "process trace anon"
	sed 's/^r /read /; s/^w /write /' "$tmp/long.trace"
	for k in tlb.hits tlb.misses faults writebacks; do
		v=$(sed -n "s/^\"${k/./_}\":\([0-9]*\),*$/\1/p" "$tmp/long.json")
		echo "expect $k $((v + 0))"
	done
	echo "expect accesses 30000"
} >"$tmp/long.scenario"
if [ "$status" -eq 0 ] && grep -q '"tlb_hits":[1-9]' "$tmp/long.json" &&
    timeout -k 2 120 "$bin" --check "$tmp/long.scenario" >"$tmp/out" 2>&1; then
	passed=$((passed + 1))
else
	fail "a 30000-reference trace and the same scenario differ (exit $status)" "$tmp/out"
fi
sed '25000s/.*/r 0xzz/' "$tmp/long.trace" >"$tmp/bad.trace"
run --trace "$tmp/bad.trace"
if [ "$status" -eq 2 ] && [ ! -s "$tmp/out" ] &&
    grep -q "^$tmp/bad.trace:25000: plain: bad address" "$tmp/err" &&
    [ "$(wc -l <"$tmp/err")" -eq 1 ]; then
	passed=$((passed + 1))
else
	fail "a bad line at 25000 of 30000: exit $status" "$tmp/err"
fi
run --trace "$tmp/bad.trace" --skip-bad
if [ "$status" -eq 0 ] && grep -q ": 29999 references (" "$tmp/out" &&
    grep -q "bad lines skipped: 1 (line 25000)$" "$tmp/out"; then
	passed=$((passed + 1))
else
	fail "a bad line at 25000 of 30000, --skip-bad: exit $status" "$tmp/out"
fi
# pa=20 with 4 KiB pages and frames=64: room above the pool for 192
# page tables; a trace spread over the 32-bit space runs out far in
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "r 0x%x\n", (i % 5000) * 4096
	for (i = 0; i < 3000; i++) printf "r 0x%x\n", i * 4194304
	print "r 0xzz" }' >"$tmp/room.trace"
run --trace "$tmp/room.trace" --machine "va=32 pa=20 frames=64"
if [ "$status" -eq 2 ] && [ ! -s "$tmp/out" ] &&
    grep -q "^$tmp/room.trace:2[0-9][0-9][0-9][0-9]: .*page tables need" "$tmp/err" &&
    [ "$(wc -l <"$tmp/err")" -eq 1 ]; then
	passed=$((passed + 1))
else
	fail "page tables out of room far into a trace: exit $status" "$tmp/err"
fi

# a UTF-8 byte order mark before the first line, as a scenario may have
printf '\357\273\277' | cat - tests/trace/small.plain >"$tmp/bom.trace"
want=$(figures tests/trace/small.plain)
got=$(figures "$tmp/bom.trace")
if [ -n "$want" ] && [ "$want" = "$got" ]; then
	passed=$((passed + 1))
else
	fail "a byte order mark: '$got', without it '$want'" "$tmp/ferr"
fi

# policy=opt holds the trace in half the memory limit at most
awk 'BEGIN { for (i = 0; i < 600000; i++) printf "r 0x%x\n", (i % 3000) * 4096 }' \
	>"$tmp/opt.trace"
run --max-memory=32M --trace "$tmp/opt.trace" --machine policy=opt
if [ "$status" -eq 2 ] && [ ! -s "$tmp/out" ] &&
    grep -q "opt.trace:508401: policy=opt holds the trace, 33 bytes a reference, in half the memory limit of 32 MiB" "$tmp/err"; then
	passed=$((passed + 1))
else
	fail "policy=opt past half the memory limit: exit $status" "$tmp/err"
fi

# 5. Real programs against the model.
if ! command -v valgrind >/dev/null 2>&1 || ! command -v cc >/dev/null 2>&1; then
	echo "SKIP  trace.sh: real programs: valgrind or cc is missing (make deps installs valgrind)"
elif ! cc -O2 -o "$tmp/model" tests/trace-model.c 2>"$tmp/err"; then
	fail "tests/trace-model.c does not compile" "$tmp/err"
else
	cat >"$tmp/walk.c" <<'EOF'
/* Writes a 1 MiB array a page at a time, then reads it back twice. */
#include <stdlib.h>
int
main(void)
{
	size_t n = (size_t)1 << 20, i;
	volatile char *a = malloc(n);
	long s = 0;
	int r;

	if (a == NULL)
		return 1;
	for (i = 0; i < n; i += 512)
		a[i] = (char)i;
	for (r = 0; r < 2; r++)
		for (i = 0; i < n; i += 4096)
			s += a[i];
	return s == 42;
}
EOF
	if ! cc -O1 -o "$tmp/walk" "$tmp/walk.c" 2>"$tmp/err"; then
		fail "the small C program does not compile" "$tmp/err"
	fi
	for prog in /bin/true "$tmp/walk"; do
		name=$(basename "$prog")
		lk=$tmp/$name.lackey
		valgrind --tool=lackey --trace-mem=yes --log-file="$lk" \
			"$prog" >/dev/null 2>"$tmp/verr"
		if [ ! -s "$lk" ] || ! grep -q '^I  ' "$lk"; then
			fail "valgrind made no trace of $prog" "$tmp/verr"
			continue
		fi
		for m in "16 32 lru" "64 128 lru" "16 32 opt"; do
			set -- $m
			want=$("$tmp/model" "$1" "$2" "$3" <"$lk")
			got=$(figures "$lk" --machine \
				"tlb=$1 tlb.ways=$1 frames=$2 policy=$3")
			if [ -n "$want" ] && [ "$want" = "$got" ]; then
				passed=$((passed + 1))
			else
				fail "$prog, tlb=$1 frames=$2 $3: vmscope counts '$got', the model '$want' (references,hits,misses,faults,writebacks)" "$tmp/ferr"
			fi
		done
	done
fi

echo "trace: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
