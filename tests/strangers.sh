#!/usr/bin/env bash
# strangers.sh BINARY - files from strangers are safe to run (DESIGN.md,
# vmscope-scenario(5) LOAD AND SAVE): a command in a file writes no file
# without --allow-write, load stays inside the folder of the file that
# asks, nests at most 8 deep and refuses a cycle, nothing runs a shell,
# and nothing hangs.
#
# Every case runs in a fresh folder under a temporary directory, under
# `timeout 10`, and wants an exit status and a line on stderr (grep -F).
# A refused case must also leave the whole temporary directory as it was:
# the same names, sizes, times and contents (no new file, no temporary
# file left behind, an existing file not truncated).
#
#  1. writes: every command that writes a file (those marked CMD_WRITES
#     in src/script/cmd.c and those that call run_write(); the script
#     fails if one has no case here): save (a new file, an existing one),
#     dump, sweep --csv (refused before the sweep runs), a save in a
#     loaded file; and the controls that show the refusals can fail:
#     the same from standard input, and with --allow-write, do write
#     (beside the file, not in the current directory); --check
#     --allow-write writes nothing;
#  2. loads: a cycle, a file that loads itself, 8 deep (fine) and 9 deep,
#     ../x, an absolute path outside (and one inside: fine), a missing
#     file outside (the same message: nothing is told of what lies
#     outside), a symbolic link out of the folder (refused), one inside
#     (fine), a folder link to .., a file in sub/ loading ../x (its own
#     folder is sub/), and trace, compare and sweep on a file outside;
#     a FIFO (load, trace, compare, sweep: it would block forever) and a
#     link to /dev/zero (outside, and endless); a scenario that sweep
#     runs loads from its own folder; compare and sweep may not run
#     inside what compare or sweep runs (two files naming each other
#     recursed until the stack broke);
#  3. players: play 1000000000 (a parse error: nothing of the file runs;
#     typed on the screen, through tmux, refused and the screen still
#     answers quit), step and back 1000000000 (fine: as far as there is);
#  4. no shell: the binary imports none of system, popen, fork, the exec
#     family, posix_spawn, wordexp, dlopen (skipped without nm).
#
# Usage: tests/strangers.sh BINARY   (tests/run-scenarios.sh runs it)
# One line per failure, then "strangers: N passed, M failed"; exit 1 if
# any failed.

set -u

. "$(dirname "$0")/lib.sh"
lib_start strangers.sh "$@"
root=$(cd "$(dirname "$0")/.." && pwd) || exit 2
export LC_ALL=C
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
n=0

# A fresh folder $box (tmp/N/box) beside $out (tmp/N/out, where stdout
# and stderr go); the current directory is tmp/N/cwd.
fresh() {
	n=$((n + 1))
	box=$tmp/$n/box
	out=$tmp/$n/out
	mkdir -p "$box" "$out" "$tmp/$n/cwd"
	cd "$tmp/$n/cwd" || exit 2
}

# The state of tmp/N: every name, type, size, time and link target, and
# every file's checksum.
snap() {
	(cd "$tmp/$n" && find box cwd -printf '%p %y %s %T@ %l\n' | sort &&
	    find box cwd -type f -exec cksum {} + | sort)
}

# run STATUS LINE ARGS... [< input]: the binary with ARGS; wants STATUS
# and LINE in stderr (LINE "" for none); sets $status.
run() {
	local want=$1 line=$2
	shift 2
	timeout -k 2 10 "$bin" "$@" >"$out/stdout" 2>"$out/stderr"
	status=$?
	if [ "$status" -ne "$want" ]; then
		case $status in
		124) fail "$*: timed out after 10 s" "$out/stderr" ;;
		*) fail "$*: exit $status (want $want)" "$out/stderr" ;;
		esac
		return 1
	fi
	if [ -n "$line" ] && ! grep -qF -- "$line" "$out/stderr"; then
		fail "$*: stderr lacks: $line" "$out/stderr"
		return 1
	fi
	return 0
}

# refused LINE ARGS...: exit 2 with LINE, and tmp/N exactly as before.
refused() {
	local before
	before=$(snap)
	run 2 "$@" </dev/null || return 0
	if [ "$before" != "$(snap)" ]; then
		diff <(echo "$before") <(snap) >"$out/diff"
		fail "${*:2}: refused, but the files changed" "$out/diff"
		return 0
	fi
	passed=$((passed + 1))
}

# fine ARGS...: exit 0.
fine() {
	run 0 "" "$@" </dev/null && passed=$((passed + 1))
}

allow="a command file writes files only when vmscope is run with --allow-write"

# 1. Every command that writes has a case below.
writers=$(awk '/\.name = "/ { split($0, q, "\""); name = q[2] }
	/\.flags = .*CMD_WRITES/ { print name }' "$root/src/script/cmd.c")
for f in $(grep -l 'run_write(' "$root"/src/script/*.c); do
	case $f in */run.c) ;; *) writers="$writers $(basename "$f" .c)" ;; esac
done
for w in $writers; do
	case $w in
	save | dump | sweep) ;;
	*) fail "'$w' writes a file (src/script), and has no case here" ;;
	esac
done
if echo $writers | grep -qw save && echo $writers | grep -qw dump; then
	passed=$((passed + 1))
else
	fail "the writers found ('$(echo $writers)') lack save or dump: is cmd.c's table read right?"
fi

# save: a new file, and an existing one, in the file's folder and in the
# current directory.
fresh
printf 'machine va=32 pa=32\nprocess p\nmap 0\nwrite 0 7\nsave out.txt\n' \
    >"$box/save.scenario"
refused "save.scenario:5:1: save: $allow" --batch "$box/save.scenario"
refused "save.scenario:5:1: save: $allow" --check "$box/save.scenario"
refused "save.scenario:5:1: save: $allow" "$box/save.scenario"
echo keep >"$box/out.txt"
echo keep >out.txt
refused "save.scenario:5:1: save: $allow" --batch "$box/save.scenario"
# The lines before the save ran; the save alone is refused.
grep -qF 'write 0 7' "$out/stdout" && passed=$((passed + 1)) ||
    fail "the lines before a refused save did not run" "$out/stdout"
# save to a path outside the folder, absolute or ../: the same refusal.
printf 'save ../cwd/out.txt\n' >"$box/up.scenario"
refused "up.scenario:1:1: save: $allow" --batch "$box/up.scenario"
printf 'save %s\n' "$tmp/$n/cwd/out.txt" >"$box/abs.scenario"
refused "abs.scenario:1:1: save: $allow" --batch "$box/abs.scenario"

# dump (the screen's; from a file refused before it is looked at).
printf 'machine va=32 pa=32\ndump screen.txt\n' >"$box/dump.scenario"
refused "dump.scenario:2:1: dump: $allow" --batch "$box/dump.scenario"

# sweep --csv: refused before any value runs.
cp "$root/tests/trace/small.plain" "$box/t.trace"
printf 'sweep tlb 4 8 on t.trace --csv out.csv\n' >"$box/sweep.scenario"
echo keep >"$box/out.csv"
refused "sweep.scenario:1:32: sweep: $allow" --batch "$box/sweep.scenario"
if grep -q 'sweep tlb over' "$out/stdout"; then
	fail "sweep --csv ran its values before it was refused" "$out/stdout"
else
	passed=$((passed + 1))
fi

# a save in a loaded file, and one loaded two deep.
printf 'machine va=32 pa=32\nsave inner.txt\n' >"$box/inner.inc"
printf 'load inner.inc\n' >"$box/outer.scenario"
refused "inner.inc:2:1: save: $allow" --batch "$box/outer.scenario"
mkdir "$box/sub"
printf 'save x.txt\n' >"$box/sub/deep.inc"
printf 'load deep.inc\n' >"$box/sub/mid.inc"
printf 'load sub/mid.inc\n' >"$box/top.scenario"
refused "sub/deep.inc:1:1: save: $allow" --batch "$box/top.scenario"

# Controls: typed on standard input the user may write (in the current
# directory); with --allow-write a file may (beside itself); --check
# writes nothing even then.
fresh
printf 'machine va=32 pa=32\nsave typed.txt\n' |
    timeout -k 2 10 "$bin" >"$out/stdout" 2>"$out/stderr"
status=$?
if [ "$status" -eq 0 ] && grep -qF 'machine va=32 pa=32' typed.txt; then
	passed=$((passed + 1))
else
	fail "save typed on stdin: exit $status, no typed.txt" "$out/stderr"
fi
printf 'machine va=32 pa=32\nsave out.txt\n' >"$box/save.scenario"
fine --check --allow-write "$box/save.scenario"
if [ -e "$box/out.txt" ] || [ -e out.txt ]; then
	fail "--check --allow-write wrote the save"
else
	passed=$((passed + 1))
fi
fine --batch --allow-write "$box/save.scenario"
if [ -f "$box/out.txt" ] && [ ! -e out.txt ] &&
    grep -qF 'machine va=32 pa=32' "$box/out.txt"; then
	passed=$((passed + 1))
else
	fail "--allow-write: the save is not beside the file"
fi
cp "$root/tests/trace/small.plain" "$box/t.trace"
printf 'sweep tlb 4 8 on t.trace --csv out.csv\n' >"$box/sweep.scenario"
fine --batch --allow-write "$box/sweep.scenario"
if grep -q '^4,' "$box/out.csv" 2>/dev/null; then
	passed=$((passed + 1))
else
	fail "--allow-write: sweep wrote no CSV"
fi
if ls "$box" | grep -q '\.[A-Za-z0-9]\{6\}$'; then
	fail "a temporary file was left behind: $(ls "$box")"
else
	passed=$((passed + 1))
fi

# 2. Loads.
outside="is outside the folder of"
fresh
printf 'machine va=32 pa=32\nprocess p\nmap 0\nread 0\nexpect value 0\n' \
    >"$tmp/$n/secret.inc"
printf 'load b.inc\n' >"$box/a.inc"
printf 'load a.inc\n' >"$box/b.inc"
printf 'load a.inc\n' >"$box/cycle.scenario"
refused "box/b.inc:1:6: load: 'a.inc' is already being loaded (cycle)" \
    --check "$box/cycle.scenario"
printf 'load self.scenario\n' >"$box/self.scenario"
refused "self.scenario:1:6: load: 'self.scenario' is already being loaded (cycle)" \
    --check "$box/self.scenario"
# d1 .. d8 fine; d9 is one too deep.
for i in 1 2 3 4 5 6 7 8 9; do
	printf 'load d%d.inc\n' $((i + 1)) >"$box/d$i.inc"
done
printf 'machine va=32 pa=32\nprocess p\nmap 0\nread 0\nexpect value 0\n' \
    >"$box/d9.inc"
printf 'load d2.inc\n' >"$box/deep8.scenario"	# loads d2 .. d9: 8
printf 'load d1.inc\n' >"$box/deep9.scenario"	# loads d1 .. d9: 9
fine --check "$box/deep8.scenario"
refused "box/d8.inc:1:6: load: nested more than 8 deep" \
    --check "$box/deep9.scenario"
printf 'load ../secret.inc\n' >"$box/up.scenario"
refused "load: '../secret.inc' $outside" --check "$box/up.scenario"
printf 'load ../nothing-here.inc\n' >"$box/up2.scenario"
refused "load: '../nothing-here.inc' $outside" --check "$box/up2.scenario"
printf 'load %s\n' "$tmp/$n/secret.inc" >"$box/abs.scenario"
refused "load: '$tmp/$n/secret.inc' $outside" --check "$box/abs.scenario"
printf 'load %s\n' "$box/d9.inc" >"$box/absin.scenario"
fine --check "$box/absin.scenario"
ln -s ../secret.inc "$box/link.inc"
printf 'load link.inc\n' >"$box/link.scenario"
refused "load: 'link.inc' $outside" --check "$box/link.scenario"
ln -s d9.inc "$box/inlink.inc"
printf 'load inlink.inc\n' >"$box/inlink.scenario"
fine --check "$box/inlink.scenario"
ln -s .. "$box/parent"
printf 'load parent/secret.inc\n' >"$box/dirlink.scenario"
refused "load: 'parent/secret.inc' $outside" --check "$box/dirlink.scenario"
mkdir "$box/sub"
printf 'load ../d9.inc\n' >"$box/sub/up.inc"
printf 'load sub/up.inc\n' >"$box/subup.scenario"
refused "box/sub/up.inc:1:6: load: '../d9.inc' $outside" \
    --check "$box/subup.scenario"
# The other commands that read a file keep the same rule.
cp "$root/tests/trace/small.plain" "$tmp/$n/outside.trace"
printf 'trace ../outside.trace\n' >"$box/trace.scenario"
refused "trace: '../outside.trace' $outside" --check "$box/trace.scenario"
printf 'compare ../outside.trace\n' >"$box/compare.scenario"
refused "compare: '../outside.trace' $outside" --check "$box/compare.scenario"
printf 'sweep tlb 4 8 on ../outside.trace\n' >"$box/sweep.scenario"
refused "sweep: '../outside.trace' $outside" --check "$box/sweep.scenario"
ln -s ../outside.trace "$box/link.trace"
printf 'trace link.trace\n' >"$box/tlink.scenario"
refused "trace: 'link.trace' $outside" --check "$box/tlink.scenario"

# A scenario that sweep runs loads from its own folder, by load's rule
# (it once loaded from the current directory, wherever that was).
printf 'machine va=32 pa=32\nprocess p\nmap 0\nread 0\nload c.inc\n' \
    >"$box/sub/b.scenario"
printf 'read 0\n' >"$box/sub/c.inc"
printf 'sweep tlb 4 8 on sub/b.scenario\n' >"$box/sweepsub.scenario"
fine --check "$box/sweepsub.scenario"
printf 'machine va=32 pa=32\nprocess p\nmap 0\nread 0\nload ../d9.inc\n' \
    >"$box/sub/up.scenario"
printf 'sweep tlb 4 8 on sub/up.scenario\n' >"$box/sweepup.scenario"
refused "load: '../d9.inc' $outside" --check "$box/sweepup.scenario"
# compare and sweep inside what compare or sweep runs: two files that
# compare (or sweep on) each other once recursed until the stack broke.
printf 'compare b.work\n' >"$box/a.work"
printf 'compare a.work\n' >"$box/b.work"
printf 'compare a.work\n' >"$box/cmp.scenario"
refused "a.work:1:9: compare: a workload that compare or sweep runs may not run compare itself" \
    --check "$box/cmp.scenario"
printf 'machine va=32 pa=32\nprocess p\nmap 0\nread 0\nsweep tlb 4 8 on t.scenario\n' \
    >"$box/s.scenario"
printf 'sweep tlb 4 8 on s.scenario\n' >"$box/t.scenario"
refused "t.scenario:1:1: sweep: a workload that compare or sweep runs may not run sweep itself" \
    --check "$box/s.scenario"

# A FIFO unpacked from an archive would block the open forever, and a
# device never end: only regular files are read.
if mkfifo "$box/fifo" 2>/dev/null; then
	for c in "load fifo" "trace fifo" "compare fifo" "sweep tlb 4 8 on fifo"; do
		printf '%s\n' "$c" >"$box/fifo.scenario"
		refused "${c%% *}: 'fifo' is not a regular file" \
		    --check "$box/fifo.scenario"
	done
else
	echo "SKIP  strangers.sh: a FIFO: mkfifo failed"
fi
ln -s /dev/zero "$box/zero.trace"
printf 'trace zero.trace\n' >"$box/zero.scenario"
refused "trace: 'zero.trace' $outside" --check "$box/zero.scenario"

# 3. Players that ask for a billion.
fresh
printf 'machine va=32 pa=32\nprocess p\nmap 0\nwrite 0 5\nplay 1000000000\nexpect value 9\n' \
    >"$box/play.scenario"
refused "play.scenario:5:6: play: DELAY is at most 10000 milliseconds" \
    --batch "$box/play.scenario"
if [ -s "$out/stdout" ]; then
	fail "a file with a bad play line ran some of itself" "$out/stdout"
else
	passed=$((passed + 1))
fi
printf 'machine va=32 pa=32\nprocess p\nmap 0\nwrite 0 5\nback 1000000000\nstep 1000000000\nplay 0\nrun\nexpect value 5\n' \
    >"$box/steps.scenario"
fine --check "$box/steps.scenario"
fine --batch "$box/steps.scenario"

# The same typed on the screen (the screen reads its players itself):
# refused with the parser's message, and the screen still answers.
if ! command -v tmux >/dev/null 2>&1; then
	echo "SKIP  strangers.sh: play on the screen: tmux is missing"
else
	sock=vmscope-strangers-$$
	cp "$root/scenarios/demo.scenario" "$box/demo.scenario"
	tmux -L "$sock" -f /dev/null new-session -d -x 100 -y 30 \
	    "$bin $box/demo.scenario; echo exited >$out/exited" 2>/dev/null
	sleep 1
	tmux -L "$sock" send-keys "play 1000000000" Enter
	sleep 1
	tmux -L "$sock" capture-pane -p >"$out/screen" 2>/dev/null
	tmux -L "$sock" send-keys "quit" Enter
	for i in 1 2 3 4 5 6 7 8 9 10; do
		[ -f "$out/exited" ] && break
		sleep 0.5
	done
	tmux -L "$sock" kill-server 2>/dev/null
	if ! grep -qF "play: DELAY is at most 10000 milliseconds" "$out/screen"
	then
		fail "play 1000000000 typed on the screen: no message" "$out/screen"
	elif [ ! -f "$out/exited" ]; then
		fail "after play 1000000000 the screen no longer answers quit"
	else
		passed=$((passed + 1))
	fi
fi

# 4. Nothing runs a shell: the program imports no way to start one.
if ! command -v nm >/dev/null 2>&1; then
	echo "SKIP  strangers.sh: no shell: nm is missing"
else
	shells=$(nm -D --undefined-only "$bin" 2>/dev/null |
	    awk '{ sub(/@.*/, "", $2); print $2 }' |
	    grep -xE 'system|popen|fork|vfork|execl|execlp|execle|execv|execvp|execve|execvpe|fexecve|posix_spawnp?|wordexp|dlopen')
	if [ -n "$shells" ]; then
		fail "the program imports $(echo $shells)"
	else
		passed=$((passed + 1))
	fi
fi

echo "strangers: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
