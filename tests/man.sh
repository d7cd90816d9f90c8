#!/usr/bin/env bash
# man.sh - the manual pages keep up with the code, and lint clean.
#
# Fails when
#   - a command of the table in src/script/cmd.c (its `.name = "..."`
#     entries) has no `.It Ic NAME` in the COMMANDS section of
#     man/vmscope-scenario.5 or of man/vmscope.1;
#   - a machine key of src/script/keys.c has no `.It Cm KEY Ns =` in the
#     MACHINE KEYS section of man/vmscope-scenario.5;
#   - a name of engine_query_names in src/core/query.c has no `.It Cm NAME`
#     in its EXPECT NAMES section ("index.N" and "exits.NAME" are written
#     `.It Cm index.\& Ns Ar N`), or an exit reason of engine_exit_names no
#     `.It Cm REASON` there, or a view of engine_show_names no `.It Cm VIEW`
#     in COMMANDS;
#   - the example of man/vmscope-scenario.5 (the literal display of
#     EXAMPLES) is not scenarios/manual-example.scenario, byte for byte;
#   - a `.Sx` of either page names no `.Sh` or `.Ss` of that page;
#   - `mandoc -Tlint -Wwarning` says anything about either page.
# The names come from the sources (grep and sed), not from the program.
# Given a BINARY, it also asks the program about each name (`help NAME`,
# `expect NAME none` on standard input): a name it does not know means the
# parse of the sources went wrong.
#
# Usage: tests/man.sh [BINARY]    (from anywhere; it checks its own tree)
# Needs mandoc (Debian package mandoc).

set -u
bin=${1:-}
case $bin in
*/*) bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin") ;;
?*) bin=$(command -v "$bin") ;;
esac
if [ -n "${1:-}" ] && [ ! -x "$bin" ]; then
	echo "man.sh: $1: not an executable" >&2
	exit 2
fi
cd "$(dirname "$0")/.." || exit 2
page1=man/vmscope.1
page5=man/vmscope-scenario.5
example=scenarios/manual-example.scenario
problems=0

problem() {
	echo "man.sh: $*"
	problems=$((problems + 1))
}

for f in "$page1" "$page5" src/script/cmd.c src/script/keys.c \
    src/core/query.c "$example"; do
	if [ ! -f "$f" ]; then
		echo "man.sh: $f is missing" >&2
		exit 2
	fi
done
if ! command -v mandoc >/dev/null 2>&1; then
	echo "man.sh: mandoc not found (Debian package mandoc)" >&2
	exit 2
fi

# The names of the sources, one per line.
table_names() {		# FILE: the `.name = "x"` of a table
	grep -o '\.name *= *"[^"]*"' "$1" | sed 's/.*"\(.*\)"/\1/'
}
array_names() {		# ARRAY: the strings of `ARRAY[] = { ... };` in query.c
	sed -n "/$1\\[\\] *= *{/,/};/p" src/core/query.c |
		grep -o '"[^"]*"' | tr -d '"'
}
mapfile -t commands < <(table_names src/script/cmd.c)
mapfile -t keys < <(table_names src/script/keys.c)
mapfile -t qnames < <(array_names engine_query_names)
mapfile -t exits < <(array_names engine_exit_names)
mapfile -t views < <(array_names engine_show_names)

# A parse that finds (almost) nothing is a broken parse, not a pass.
[ "${#commands[@]}" -ge 10 ] || problem "found only ${#commands[@]} commands in src/script/cmd.c"
[ "${#keys[@]}" -ge 10 ] || problem "found only ${#keys[@]} keys in src/script/keys.c"
[ "${#qnames[@]}" -ge 10 ] || problem "found only ${#qnames[@]} expect names in src/core/query.c"
[ "${#exits[@]}" -ge 5 ] || problem "found only ${#exits[@]} exit names in src/core/query.c"
[ "${#views[@]}" -ge 3 ] || problem "found only ${#views[@]} show views in src/core/query.c"

# section PAGE TITLE: the lines of section TITLE (its .Sh line to the next).
section() {
	awk -v t=".Sh $2" '$0 == t { on = 1; next } /^\.Sh / { on = 0 } on' "$1"
}
# ere WORD: WORD as an ERE that matches only it (names hold letters,
# digits, '_', '-' and '.'; anything else is quoted too).
ere() {
	printf '%s' "$1" | sed 's/[^A-Za-z0-9_-]/\\&/g'
}
# has TEXT REGEX: does a line of TEXT match REGEX (extended)?
has() {
	printf '%s\n' "$1" | grep -Eq -- "$2"
}

cmds1=$(section "$page1" COMMANDS)
cmds5=$(section "$page5" COMMANDS)
mkeys=$(section "$page5" "MACHINE KEYS")
enames=$(section "$page5" "EXPECT NAMES")

for c in "${commands[@]}"; do
	re="^\\.It Ic $(ere "$c")( |\$)"
	has "$cmds5" "$re" || problem "$page5: COMMANDS lacks '.It Ic $c'"
	has "$cmds1" "$re" || problem "$page1: COMMANDS lacks '.It Ic $c'"
done
for k in "${keys[@]}"; do
	has "$mkeys" "^\\.It Cm $(ere "$k") Ns =" ||
		problem "$page5: MACHINE KEYS lacks '.It Cm $k Ns ='"
done
for n in "${qnames[@]}"; do
	case $n in
	*.N | *.NAME)	# a pattern: "index.N" is ".It Cm index.\& Ns Ar N"
		stem=${n%.*}
		arg=${n##*.}
		re="^\\.It Cm $(ere "$stem")\\.(\\\\&)? Ns Ar $arg( |\$)"
		want=".It Cm $stem.\\& Ns Ar $arg" ;;
	*)
		re="^\\.It Cm $(ere "$n")( |\$)"
		want=".It Cm $n" ;;
	esac
	has "$enames" "$re" || problem "$page5: EXPECT NAMES lacks '$want'"
done
for x in "${exits[@]}"; do
	has "$enames" "^\\.It Cm $(ere "$x")( |\$)" ||
		problem "$page5: EXPECT NAMES lacks the exit reason '.It Cm $x'"
done
for v in "${views[@]}"; do
	has "$cmds5" "^\\.It Cm $(ere "$v")( |\$)" ||
		problem "$page5: COMMANDS lacks the show view '.It Cm $v'"
done

# The example is the shipped scenario.
section "$page5" EXAMPLES |
	awk '/^\.Bd -literal/ { on = 1; next } /^\.Ed/ { if (on) exit } on' \
	>"${TMPDIR:-/tmp}/man.sh.$$"
if ! cmp -s "${TMPDIR:-/tmp}/man.sh.$$" "$example"; then
	problem "$page5: the EXAMPLES display differs from $example:"
	diff -u "$example" "${TMPDIR:-/tmp}/man.sh.$$" | sed 's/^/    /' |
		head -n 20
fi
rm -f "${TMPDIR:-/tmp}/man.sh.$$"

# Every .Sx names a section or subsection of its page (mandoc does not say).
for p in "$page1" "$page5"; do
	while IFS= read -r t; do
		grep -qxF ".Sh $t" "$p" || grep -qxF ".Ss $t" "$p" ||
			problem "$p: '.Sx $t' names no section"
	done < <(sed -n 's/^\.Sx \(.*[^ .,;:)]\)[ .,;:)]*$/\1/p' "$p" | sort -u)
done

# Lint: nothing at warning level or above.
for p in "$page1" "$page5"; do
	out=$(mandoc -Tlint -Wwarning "$p" 2>&1)
	if [ -n "$out" ]; then
		problem "mandoc -Tlint -Wwarning $p:"
		printf '%s\n' "$out" | sed 's/^/    /'
	fi
done

# They render as man(1) shows them (man -l), with nothing on stderr.
if command -v man >/dev/null 2>&1; then
	for p in "$page1" "$page5"; do
		err=$(MANWIDTH=80 man -l "$p" 2>&1 >/dev/null)
		lines=$(MANWIDTH=80 man -l "$p" 2>/dev/null | wc -l)
		if [ -n "$err" ] || [ "$lines" -lt 100 ]; then
			problem "man -l $p: $lines lines, stderr: $err"
		fi
	done
fi

# The program knows every name the sources gave (the parse was right).
if [ -n "$bin" ]; then
	for c in "${commands[@]}"; do
		printf 'help %s\n' "$c" | "$bin" >/dev/null 2>&1 ||
			problem "$bin does not know the command '$c'"
	done
	for n in "${qnames[@]}"; do
		case $n in
		*.N) n=${n%.*}.1 ;;
		*.NAME) n=${n%.*}.${exits[0]:-none} ;;
		esac
		# 0 or 1 (the expect failed) is fine; 2 means an unknown name.
		printf 'expect %s none\n' "$n" | "$bin" >/dev/null 2>&1
		[ $? -le 1 ] || problem "$bin does not know the expect name '$n'"
	done
	out=$(printf 'help machine\n' | "$bin" 2>&1)
	for k in "${keys[@]}"; do
		has "$out" "^ +$(ere "$k")=" ||
			problem "$bin: 'help machine' does not list the key '$k'"
	done
fi

[ "$problems" -eq 0 ]
