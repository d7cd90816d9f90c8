#!/bin/sh
# tests/lessons.sh - the lessons fit the screen and say what they are:
# the first line is "# Lesson N, title: ..." (vmscope --list shows it);
# narration lines are at most 70 columns (the narration pane at 80
# columns is 78 wide, and a little room stays for what it adds); between
# two pauses at most 9 rows of narration, a question counting 3 (the
# question, the answer told, the score), what the narration pane shows
# at 80x24; every lesson has pauses, ask and expect lines.  Prints what is wrong; exits 1 if anything is.
status=0
for f in lessons/*.lesson; do
	awk -v F="$f" '
	NR == 1 && $0 !~ /^# Lesson [0-9]+, [^:]+: / {
		printf "%s:1: the first line is not \"# Lesson N, title: ...\"\n", F
		bad = 1
	}
	/^pause/ {
		if (n > 9) {
			printf "%s:%d: %d rows of narration and questions before the next pause (at most 9)\n", F, start, n
			bad = 1
		}
		n = 0; pauses++; next
	}
	/^>/ {
		if (length($0) > 72) {
			printf "%s:%d: a narration line of %d columns (at most 70 after \"> \")\n", F, NR, length($0) - 2
			bad = 1
		}
		t = substr($0, 3)
		if (n == 0 && t ~ /^ *$/) next
		if (n == 0) start = NR
		n++; next
	}
	/^ask[ \t]/ { asks++; if (n == 0) start = NR; n += 3; next }
	/^expect[ \t]/ { expects++ }
	END {
		if (n > 9) {
			printf "%s:%d: %d rows of narration and questions at the end (at most 9)\n", F, start, n
			bad = 1
		}
		if (pauses < 5 || asks < 1 || expects < 10) {
			printf "%s: %d pauses, %d asks, %d expects: too few for a lesson\n", F, pauses, asks, expects
			bad = 1
		}
		exit bad
	}' "$f" || status=1
done
exit $status
