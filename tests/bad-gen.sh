#!/usr/bin/env bash
# bad-gen.sh - write the bad-input files too big to keep in git into
# build/bad/, each as NAME.bad beside its NAME.err, the way tests/bad/
# holds the others; tests/run-scenarios.sh runs both folders alike.
#
# Usage: tests/bad-gen.sh   (from anywhere; writes under the project root)

set -eu
cd "$(dirname "$0")/.."
mkdir -p build/bad

# One line of 1 MiB: a line holds at most 4096 bytes.
f=build/bad/line-1mb.bad
{
	printf '# One line of 1 MiB: a line holds at most 4096 bytes.\n'
	printf 'machine va=32 '
	head -c 1048576 /dev/zero | tr '\0' x
	printf '\n'
} >"$f"
echo "$f:2:4097: line longer than 4096 bytes" >"${f%.*}.err"

# A file of 300 MiB (sparse: no disk used) is refused before it is read.
f=build/bad/file-300mb.bad
rm -f "$f"
truncate -s 300M "$f"
echo "vmscope: '$f' is larger than 256 MiB" >"${f%.*}.err"
