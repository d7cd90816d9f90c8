#!/bin/sh
# tests/sweep.sh BINARY - sweep's CSV equals separate runs, value by
# value: tests/sweep/lru.scenario swept over frames and over tlb, each row
# of the CSV compared with the counters of the same scenario run alone
# with its machine line changed (show stats); the batch output has the
# table and the three charts; bad sweeps exit 2 with a message.
bin=$(cd "$(dirname "${1:-./vmscope}")" && pwd)/$(basename "${1:-./vmscope}")
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
bad=0
no() { echo "FAIL  sweep.sh: $*"; bad=1; }
src=tests/sweep/lru.scenario

check_key() {	# KEY VALUES...
	key=$1
	shift
	cp "$src" "$tmp/w.scenario"
	printf 'sweep %s %s on w.scenario --csv out.csv\n' "$key" "$*" \
	    >"$tmp/s.scenario"
	(cd "$tmp" && "$bin" --batch --allow-write s.scenario) >"$tmp/out" ||
	    no "sweep $key: exit $?"
	for t in "TLB miss rate" "page faults" "effective access time"; do
		grep -qF "$t" "$tmp/out" || no "sweep $key: no '$t' chart"
	done
	[ "$(wc -l <"$tmp/out.csv")" -eq $(($# + 1)) ] ||
	    no "sweep $key: the CSV has not one row per value"
	for v in "$@"; do
		sed "s/^\(machine .*\) $key=[^ ]*/\1/; s/^machine .*/& $key=$v/" \
		    "$src" >"$tmp/one.scenario"
		echo "show stats" >>"$tmp/one.scenario"
		"$bin" --batch "$tmp/one.scenario" >"$tmp/one.out" 2>&1
		want=$(awk -v v="$v" '
			$1 == "accesses" { a = $2 } $1 == "tlb.hits" { h = $2 }
			$1 == "tlb.misses" { m = $2 } $1 == "faults" { f = $2 }
			$1 == "writebacks" { w = $2 } $1 == "cycles" { c = $2 }
			$1 == "page-table" { r = $3 }
			END { print v "," a "," h "," m "," r "," f "," w "," c }' \
		    "$tmp/one.out")
		got=$(awk -F, -v v="$v" '$1 == v {
			print $1 "," $2 "," $3 "," $4 "," $6 "," $7 "," $8 "," $9 }' \
		    "$tmp/out.csv")
		[ "$want" = "$got" ] ||
		    no "sweep $key=$v: CSV '$got', alone '$want'"
	done
}
check_key frames 2 3 4 6 8
check_key tlb 1 2 4 8
check_key policy fifo lru clock

# A trace: each row equals vmscope --trace with the same machine.
cp tests/trace/small.lackey "$tmp/t.lackey"
printf '%s\n' 'machine va=48 pa=40 page=4K tlb=4 frames=4 policy=lru' \
    'sweep tlb 1..8 on t.lackey --csv t.csv' >"$tmp/t.scenario"
(cd "$tmp" && "$bin" --batch --allow-write t.scenario) >"$tmp/t.out" ||
    no "sweep on a trace: exit $?"
for v in 1 2 4 8; do
	want=$("$bin" --trace "$tmp/t.lackey" --format=csv --machine \
	    "va=48 pa=40 page=4K tlb=$v frames=4 policy=lru" |
	    sed 's/"[^"]*"//g' | awk -F, 'NR == 2 {
		print $9 "," $10 "," $12 "," $14 "," $15 "," $16 }')
	got=$(awk -F, -v v="$v" '$1 == v { print $3 "," $4 "," $6 "," $7 "," \
	    $8 "," $9 }' "$tmp/t.csv")
	[ -n "$want" ] && [ "$want" = "$got" ] ||
	    no "sweep tlb=$v on a trace: CSV '$got', --trace '$want'"
done

# A..B doubles; bad sweeps are refused with a message and exit 2.
printf 'sweep tlb 2..16 on %s\n' "$(pwd)/$src" | "$bin" >"$tmp/r" 2>&1
[ "$(awk '$1 ~ /^[0-9]+$/ && $2 == 10 { printf "%s ", $1 }' "$tmp/r")" = \
    "2 4 8 16 " ] ||
    no "2..16 is not 2 4 8 16"
for l in 'sweep' 'sweep nosuch 1 2 on x' 'sweep tlb on x' \
    'sweep tlb 4..2 on x' 'sweep tlb 1 2' 'sweep tlb 1 2 on nosuch.scenario' \
    'sweep tlb x y on x'; do
	printf '%s\n' "$l" >"$tmp/bad.scenario"
	"$bin" --check "$tmp/bad.scenario" >"$tmp/err" 2>&1
	st=$?
	[ $st -eq 2 ] && grep -q 'sweep\|tlb' "$tmp/err" ||
	    no "'$l': exit $st, $(cat "$tmp/err")"
done
# From a file, --csv needs --allow-write.
printf 'sweep tlb 1 2 on w.scenario --csv x.csv\n' >"$tmp/s2.scenario"
(cd "$tmp" && "$bin" --check s2.scenario) >/dev/null 2>&1
[ $? -eq 2 ] && [ ! -f "$tmp/x.csv" ] || no "--csv from a file without --allow-write"

[ $bad -eq 0 ] && echo "PASS  sweep.sh"
exit $bad
