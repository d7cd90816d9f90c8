#!/usr/bin/env bash
# generate.sh - generated problems are valid, reproducible and complete.
#
# For each kind (translation, replacement, tlb, shadow, nested):
#   1. the `generate KIND seed=N` command for N = 1..100, piped into one
#      run, prints 100 scenarios (indented two spaces, as a transcript
#      shows output), each with a first line "# Generated: KIND seed=N";
#   2. `BINARY --check` of those 100 files (one run) exits 0: every expect
#      the generator wrote holds;
#   3. generating again gives the same bytes: the seeds in the other order
#      in another run, and `--generate KIND seed=N` for a few seeds;
#   4. for a few seeds, --sheet numbers one question per expect and shows
#      no answer, and --answers shows "NAME = VALUE" for every
#      `expect NAME VALUE` of the scenario, in order.
# Then bad requests: on the command line and in a file, each exits 2 with
# its message (in a file: FILE:LINE:COLUMN), never a crash.
# An exit status above 2 always fails (a crash, or a sanitizer report:
# sanitizers are told to exit 99 here).
#
# Usage: tests/generate.sh BINARY    (tests/run-scenarios.sh calls it)
# One line per failure, then "generate: N passed, M failed"; the exit
# status is 1 if anything failed.

set -u

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 BINARY" >&2
	exit 2
fi
bin=$1
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=99:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-exitcode=99:print_stacktrace=1}
kinds="translation replacement tlb shadow nested"
seeds=100
passed=0
failed=0

fail() {
	failed=$((failed + 1))
	echo "FAIL  $*"
}

# detail FILE: its first lines, indented.
detail() {
	[ -s "$1" ] && head -n 20 "$1" | sed 's/^/      /'
}

# run KIND DIR ORDER: `generate KIND seed=N` for every seed, in ORDER
# (seq's arguments), piped into one run; each scenario printed goes,
# unindented, to DIR/N.  Sets $status.
run() {
	local kind=$1 out=$2
	shift 2
	mkdir -p "$out"
	seq "$@" | sed "s/^/generate $kind seed=/" >"$tmp/cmds"
	timeout -k 2 60 "$bin" <"$tmp/cmds" >"$tmp/out" 2>"$tmp/err"
	status=$?
	awk -v out="$out" '
		/^generate / {
			if (f != "")
				close(f)
			n = $3
			sub(/^seed=/, "", n)
			f = out "/" n
			next
		}
		{ sub(/^  /, ""); print > f }
	' "$tmp/out"
}

for kind in $kinds; do
	dir=$tmp/$kind
	mkdir -p "$dir"

	# 1. 100 seeds, each a scenario: the command, in one run.
	run "$kind" "$dir/a" 1 "$seeds"
	if [ "$status" -ne 0 ]; then
		fail "generate $kind seed=1..$seeds: exit $status"
		detail "$tmp/err"
		continue
	fi
	files=()
	n=1
	while [ "$n" -le "$seeds" ]; do
		files+=("$dir/a/$n")
		n=$((n + 1))
	done
	# every file there, and its first line names its kind and seed
	awk -v kind="$kind" 'FNR == 1 {
		n = FILENAME
		sub(/.*\//, "", n)
		w = "# Generated: " kind " seed=" n
		if (index($0, w ":") != 1 && index($0, w " ") != 1)
			print FILENAME ": " $0
	}' "${files[@]}" >"$tmp/diff" 2>&1
	if [ -s "$tmp/diff" ]; then
		fail "generate $kind: a scenario missing, or its first line wrong"
		detail "$tmp/diff"
	else
		passed=$((passed + 1))
	fi

	# 2. They check, all in one run.
	timeout -k 2 60 "$bin" --check "${files[@]}" >"$tmp/out" 2>"$tmp/err"
	status=$?
	if [ "$status" -ne 0 ]; then
		fail "--check of the $seeds $kind scenarios: exit $status"
		detail "$tmp/err"
	else
		passed=$((passed + 1))
	fi

	# 3. The same bytes again: the seeds the other way round in another
	#    run, and --generate for a few.
	run "$kind" "$dir/b" "$seeds" -1 1
	bad=0
	if ! diff -r "$dir/a" "$dir/b" >"$tmp/diff" 2>&1; then
		fail "generate $kind twice: different bytes"
		detail "$tmp/diff"
		bad=1
	fi
	for n in 1 7 42; do
		timeout -k 2 20 "$bin" --generate "$kind" "seed=$n" \
		    >"$tmp/again" 2>"$tmp/err"
		status=$?
		if [ "$status" -ne 0 ]; then
			fail "--generate $kind seed=$n: exit $status"
			detail "$tmp/err"
			bad=1
		elif ! cmp -s "$dir/a/$n" "$tmp/again"; then
			fail "--generate $kind seed=$n: not the bytes of the command"
			diff "$dir/a/$n" "$tmp/again" >"$tmp/diff"
			detail "$tmp/diff"
			bad=1
		fi
	done
	[ "$bad" -eq 0 ] && passed=$((passed + 1))

	# 4. The sheet asks, the key answers.
	bad=0
	for n in 1 2 3; do
		f=$dir/a/$n
		"$bin" --generate "$kind" "seed=$n" --sheet >"$tmp/sheet" 2>&1 ||
		    { fail "--generate $kind seed=$n --sheet: exit $?"; bad=1; }
		"$bin" --generate "$kind" "seed=$n" --answers >"$tmp/key" 2>&1 ||
		    { fail "--generate $kind seed=$n --answers: exit $?"; bad=1; }
		grep '^expect ' "$f" | awk '{ print $2 " = " $3 }' >"$tmp/want"
		sed -n '/^Answers$/,$p' "$tmp/key" | grep -E '^ +[^ ]+ = ' |
		    sed 's/^ *//' >"$tmp/got"
		nq=$(grep -cE '^ +[0-9]+\. ' "$tmp/sheet")
		if [ ! -s "$tmp/want" ]; then
			fail "$kind seed=$n: the scenario has no expect line"
			bad=1
		elif ! cmp -s "$tmp/want" "$tmp/got"; then
			fail "$kind seed=$n: --answers does not give every expect's value"
			diff "$tmp/want" "$tmp/got" >"$tmp/diff"
			detail "$tmp/diff"
			bad=1
		elif sed -n '/^Questions/,$p' "$tmp/sheet" |
		    grep -qE '^ +[^ ]+ = |why:'; then
			fail "$kind seed=$n: --sheet shows answers"
			sed -n '/^Questions/,$p' "$tmp/sheet" |
			    grep -E '^ +[^ ]+ = |why:' >"$tmp/diff"
			detail "$tmp/diff"
			bad=1
		elif [ "$nq" -ne "$(wc -l <"$tmp/want")" ]; then
			fail "$kind seed=$n: --sheet has $nq questions for $(wc -l <"$tmp/want") expects"
			bad=1
		elif ! grep -q '^vmscope problem sheet' "$tmp/sheet" ||
		    ! grep -q '^vmscope answer key' "$tmp/key"; then
			fail "$kind seed=$n: no title on --sheet or --answers"
			bad=1
		fi
	done
	[ "$bad" -eq 0 ] && passed=$((passed + 1))
done

# 5. Keys fix parameters, and the file says so.
keyed() {
	local want=$1
	shift
	"$bin" --generate "$@" >"$tmp/k.scenario" 2>"$tmp/err"
	status=$?
	if [ "$status" -ne 0 ]; then
		fail "--generate $*: exit $status"
		detail "$tmp/err"
	elif ! grep -q -- "$want" "$tmp/k.scenario"; then
		fail "--generate $*: no '$want' in the scenario"
	elif ! "$bin" --check "$tmp/k.scenario" >/dev/null 2>"$tmp/err"; then
		fail "--generate $*: the scenario does not check"
		detail "$tmp/err"
	else
		passed=$((passed + 1))
	fi
}
keyed '^machine va=16 pa=16 page=256 split=4,4 pte=2 pte.format=x86 ' \
    translation seed=9 va=16 pa=16 page=256 split=4,4 pte=2 pte.format=x86
keyed '^machine va=15 pa=12 page=32 split=5,5 pte=1 pte.format=simple ' \
    translation va=15 pa=12 page=32 split=5,5 pte=1 pte.format=simple
keyed 'split=9,9,9,9' translation va=48 pa=40 page=4K split=9,9,9,9
keyed 'frames=3 policy=random seed=' replacement policy=random frames=3
keyed 'policy=opt' replacement seed=5 policy=opt pages=7 accesses=20
keyed 'tlb=4 tlb.ways=2 tlb.policy=fifo tlb.tags=off' tlb tlb=4 tlb.ways=2 \
    tlb.policy=fifo tlb.tags=off processes=2
keyed '^expect refs 24$' nested va=48 pa=40 page=4K
keyed 'backing=lazy' nested seed=3 backing=lazy
keyed 'vm g mmu=shadow' shadow seed=11 processes=2 accesses=12 cost.exit=500

# 6. Bad requests: exit 2 and a message, on the command line ...
bad() {
	local want=$1
	shift
	timeout -k 2 10 "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	if [ "$status" -ne 2 ]; then
		fail "$*: exit $status (want 2)"
		detail "$tmp/err"
	elif ! grep -qF -- "$want" "$tmp/err"; then
		fail "$*: stderr lacks: $want"
		detail "$tmp/err"
	elif [ -s "$tmp/out" ]; then
		fail "$*: wrote to stdout as well"
	else
		passed=$((passed + 1))
	fi
}
bad "--generate needs a KIND" --generate
bad "unknown kind 'paging'" --generate paging
bad "did you mean 'translation'?" --generate translaton
bad "expected KEY=VALUE, got '42'" --generate tlb 42
bad "unknown key 'sed'; did you mean 'seed'?" --generate tlb sed=4
bad "seed: expected a number" --generate tlb seed=four
bad "tlb takes no key 'policy'" --generate tlb policy=lru
bad "shadow takes no key 'backing'" --generate shadow backing=lazy
bad "backing: expected eager or lazy, got 'soon'" --generate nested backing=soon
bad "pages: expected 1 to 64, got 0" --generate replacement pages=0
bad "accesses: expected 1 to 100, got 1000" --generate tlb accesses=1000
bad "'seed' given twice" --generate tlb seed=1 seed=2
bad "'va=' has no value" --generate translation va=
bad "pte.format: expected x86 or simple" --generate translation pte.format=arm
bad "split adds up to 20 bits" --generate translation va=16 split=10,10 page=4K
bad "page=24: a page is a power of two" --generate translation page=24
bad "pte.format=x86 needs pages of 128 bytes" --generate translation \
    page=32 pte.format=x86
bad "a TLB exercise needs a TLB" --generate tlb tlb=0
bad "tlb.ways=3 does not divide" --generate tlb tlb=4 tlb.ways=3
bad "pages=64 is more than this machine holds" --generate translation \
    pages=64 frames=8
bad "too big to print on a sheet" --generate translation va=32 page=16 split=28
bad "--sheet and --answers cannot be used together" --generate tlb --sheet \
    --answers
bad "--sheet goes with --generate" --sheet
bad "--generate cannot be used with --batch" --generate tlb --batch

# ... and in a file, at the word to blame.
printf '# generate with a bad key\ngenerate tlb seed=2\ngenerate tlb  seed=2 polcy=lru\n' \
    >"$tmp/bad1.scenario"
bad "bad1.scenario:3:22: generate: unknown key 'polcy'" --check "$tmp/bad1.scenario"
printf '# a machine the keys make impossible\ngenerate translation va=16 split=10,10 page=4K\n' \
    >"$tmp/bad2.scenario"
bad "bad2.scenario:2:28: generate: split adds up to 20 bits" \
    --check "$tmp/bad2.scenario"
printf 'generate\n' >"$tmp/bad3.scenario"
bad "bad3.scenario:1:9: generate: missing KIND" --check "$tmp/bad3.scenario"

echo "generate: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
