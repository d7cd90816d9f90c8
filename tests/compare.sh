#!/bin/sh
# compare.sh BINARY - the lecture's point, measured: on a compute-bound
# guest workload every kind of memory virtualization costs about the
# same as running natively, while on an OS-intensive one shadow paging
# exits on every context switch and page-table edit, nested paging does
# not exit at all, and pv pays one hypercall per batch of edits.
bin=${1:-./vmscope}
out=$("$bin" --batch scenarios/compare.scenario) || {
	echo "FAIL  compare.sh: $bin --batch scenarios/compare.scenario failed"
	exit 1
}
echo "$out" | awk '
/^compare / { n++ }
$1 == "VM" && $2 == "exits" { ex[n, 1] = $3; ex[n, 2] = $4; ex[n, 3] = $5; ex[n, 4] = $6 }
$1 == "cycles" && $2 == "per" { cy[n, 1] = $4; cy[n, 2] = $5; cy[n, 3] = $6; cy[n, 4] = $7 }
END {
	bad = 0
	# 1: compute-bound: within 25% of native, whatever the MMU
	for (i = 2; i <= 4; i++)
		if (cy[1, i] > 1.25 * cy[1, 1]) { print "compute-bound: mode " i " costs " cy[1, i] " vs native " cy[1, 1]; bad = 1 }
	# 2: OS-intensive: shadow exits a lot, nested never, pv in between
	if (!(ex[2, 2] > 2 * ex[2, 4] && ex[2, 4] > 0 && ex[2, 3] == 0)) { print "os-intensive exits: shadow " ex[2, 2] " nested " ex[2, 3] " pv " ex[2, 4]; bad = 1 }
	if (!(cy[2, 2] > 2 * cy[2, 3] && cy[2, 2] > 2 * cy[2, 4])) { print "os-intensive cycles per access: shadow " cy[2, 2] " nested " cy[2, 3] " pv " cy[2, 4]; bad = 1 }
	if (!(cy[2, 3] > cy[2, 1])) { print "os-intensive: the nested walk should cost more than native"; bad = 1 }
	exit bad
}' || { echo "FAIL  compare.sh: the numbers do not differ the way the lecture says"; exit 1; }
echo "PASS  compare.sh"
