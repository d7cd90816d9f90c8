#!/bin/sh
# tests/list.sh BINARY - where lessons and scenarios are found: --list
# names every lesson and scenario of the tree with its first comment
# line; away from the tree the eight lessons are still there (built in);
# a lesson is run by its name or number; a local lessons/ folder comes
# before the built-in copies.
bin=$(cd "$(dirname "${1:-./vmscope}")" && pwd)/$(basename "${1:-./vmscope}")
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
bad=0
no() { echo "FAIL  list.sh: $*"; bad=1; }

"$bin" --list >"$tmp/list" 2>&1 || no "--list exits $?"
for f in lessons/*.lesson; do
	n=$(basename "$f" .lesson)
	sum=$(head -n 1 "$f" | sed 's/^# *//')
	grep -qF "  $n" "$tmp/list" || no "--list lacks lesson $n"
	grep -qF "$sum" "$tmp/list" || no "--list lacks what $n shows"
done
for f in scenarios/*.scenario; do
	grep -qF "  $f" "$tmp/list" || no "--list lacks $f"
	sum=$(head -n 1 "$f" | sed 's/^# *//')
	grep -qF "$sum" "$tmp/list" || no "--list lacks what $f shows"
done
"$bin" --list extra >/dev/null 2>&1
[ $? -eq 2 ] || no "--list with a FILE should exit 2"

# Away from the tree: the built-in lessons, by name and by number.
mkdir "$tmp/away"
(cd "$tmp/away" && "$bin" --list) >"$tmp/away.list" 2>&1
[ "$(grep -c '^  0[1-8]-' "$tmp/away.list")" -eq 8 ] ||
    no "away from the tree, --list does not show the 8 built-in lessons"
(cd "$tmp/away" && "$bin" --check 3 && "$bin" --check 08-conclusion) ||
    no "a built-in lesson by number or name does not check clean"
(cd "$tmp/away" && "$bin" --batch 2) | head -n 1 | grep -qF "> Lesson 2" ||
    no "--batch 2 is not lesson 2"
(cd "$tmp/away" && "$bin" --check 9) >/dev/null 2>&1
[ $? -eq 2 ] || no "lesson 9 should not exist (exit 2)"

# A local lessons/ folder comes first.
mkdir "$tmp/away/lessons"
printf '%s\n' '# Lesson 1, mine: a local lesson.' '> my own lesson' \
    >"$tmp/away/lessons/01-mine.lesson"
(cd "$tmp/away" && "$bin" --batch 1) | grep -qF "> my own lesson" ||
    no "the local lessons/ folder is not searched first"
(cd "$tmp/away" && "$bin" --list) | grep -qF "01-mine" ||
    no "--list lacks the local lesson"

[ $bad -eq 0 ] && echo "PASS  list.sh"
exit $bad
