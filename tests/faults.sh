#!/bin/sh
# faults.sh - terminal faults (issue 7): what a signal, a Ctrl-C, a resize
# storm, an odd terminal, a closed descriptor or a closed pipe does to
# vmscope and to the terminal it runs in, and that the history file
# survives all of them.
#
# Usage: tests/faults.sh BINARY      (tests/run-scenarios.sh calls it)
#
# The screen runs in a private tmux server (-L vmscope-faultsPID, no
# configuration), under env -i with HOME and XDG_STATE_HOME in a temporary
# directory.  The pane runs a wrapper ($tmp/run.sh) that writes BINARY's
# pid, and once BINARY has gone prints EXIT=status and the terminal's
# icanon and echo flags, then starts an interactive sh: that a command
# typed there runs shows the terminal works.  Every wait polls for up to
# $WAIT_S seconds; the few fixed sleeps only give something the time to go
# wrong (play that should have stopped).  Skipped (exit 0) without tmux,
# except the checks that need no terminal.
#
# Checks, each a PASS or FAIL line:
#  1. SIGINT, at the prompt and during play, acts as Ctrl-C: the line
#     typed is cleared, play stops, the program goes on; Ctrl-C (a byte,
#     the terminal being raw) does the same, and stops run and a trace
#     (an endless one, from a FIFO) with "-- stopped (Ctrl-C) --" in the
#     log; the prompt says "working... Ctrl-C stops" meanwhile;
#  2. SIGTERM and SIGHUP, at the prompt, during play and during run:
#     "vmscope: stopped by signal N (NAME)", exit status 128 + N, the
#     terminal given back (icanon and echo on, the alternate screen left,
#     the shell after it works); SIGSEGV and SIGABRT (the crash path): the
#     terminal given back too, then the signal's own end;
#  3. a resize storm during play: the program lives, and at the final size
#     what the terminal shows is what ncurses believes it shows (`dump`)
#     and what a full redraw (Ctrl-L) draws;
#  4. TERM=dumb, an unknown TERM, no TERM: one line, exit 2; standard
#     input closed: one line, exit 2; not a terminal: commands run as in
#     --batch; a 1x1 terminal: a message, and the screen back when it grows;
#     --trace stopped by Ctrl-C: exit 130;
#  5. output to a closed pipe (--batch, --trace, --help, stdin commands
#     | head -c1): killed by SIGPIPE without a word (141), or, with SIGPIPE
#     ignored, one line on stderr and exit 2; never a hang;
#  6. the history file: new lines kept on quit, SIGTERM and SIGHUP, and
#     when the terminal goes away (with or without a SIGHUP); the old file
#     whole after SIGKILL; and SIGKILL, SIGTERM or SIGHUP at moments around
#     the save leave the old file or the new one, never a part.
# The last line: "faults: N passed, M failed"; the exit status is 1 if
# anything failed.

set -u

if [ $# -ne 1 ]; then
	echo "usage: $0 BINARY" >&2
	exit 2
fi
case $1 in
*/*) bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") ;;
*) bin=$(command -v "$1") ;;
esac
if [ ! -x "$bin" ]; then
	echo "$0: $1: not an executable" >&2
	exit 2
fi
cd "$(dirname "$0")/.." || exit 2

wait_s=${WAIT_S:-10}
asan=${ASAN_OPTIONS:-exitcode=99:detect_leaks=1}
ubsan=${UBSAN_OPTIONS:-exitcode=99:print_stacktrace=1}
export ASAN_OPTIONS="$asan" UBSAN_OPTIONS="$ubsan"
sock=vmscope-faults$$
sockpath=
feeder=
tmp=$(mktemp -d) || exit 2
# On exit: the tmux server goes, the programs it ran are waited for (they
# save their history on SIGHUP), the trace feeder is ended.
cleanup() {
	tmux -L "$sock" kill-server >/dev/null 2>&1
	[ -n "$sockpath" ] && rm -f "$sockpath"
	[ -n "$feeder" ] && kill "$feeder" 2>/dev/null
	for f in "$tmp"/*.pid; do
		[ -s "$f" ] || continue
		n=0
		while kill -0 "$(cat "$f")" 2>/dev/null && [ "$n" -lt 30 ]; do
			sleep 0.1
			n=$((n + 1))
		done
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 2' HUP INT TERM
mkdir "$tmp/home" "$tmp/state" "$tmp/work" || exit 2
work=$tmp/work
cap=$tmp/cap
passed=0
failed=0
S=setup

pass() {
	passed=$((passed + 1))
	echo "PASS  $S: $1"
}

# fail WHAT [FILE]: a failure, with FILE (default: the last capture).
fail() {
	failed=$((failed + 1))
	echo "FAIL  $S: $1"
	[ -f "${2:-$cap}" ] && sed 's/^/      |/' "${2:-$cap}"
}

# check DESCRIPTION COMMAND...: PASS if COMMAND succeeds.
check() {
	desc=$1
	shift
	if "$@"; then
		pass "$desc"
	else
		fail "$desc"
	fi
}

# ---- 5 (no terminal needed): closed pipes, stdin not a terminal ----

# A scenario with a long transcript and many steps: 200000 reads of 64
# pages through 8 frames, each a page fault.
awk 'BEGIN {
	print "machine va=32 pa=32 page=4K frames=8 tlb=4"
	print "process p"
	print "map 0x0 pages=64 disk"
	for (i = 0; i < 200000; i++)
		printf "read 0x%x\n", (i * 7 % 64) * 4096
}' >"$work/long.scenario"
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "r 0x%x\n", i * 4096 }' \
    >"$work/short.trace"

# piped NAME WANT... -- ARGS...: BINARY ARGS | head -c1, stdin from $in,
# SIGPIPE ignored if $ign is 1, else in its default state (where env can
# put it back: this script may have been started with it ignored); the
# exit status must be one of WANT, within 30 s, and stderr hold at most
# $lines lines, each from vmscope (none from a sanitizer, no spew).
dflt=
env --default-signal=PIPE true 2>/dev/null && dflt="env --default-signal=PIPE"
piped() {
	S=$1
	shift
	want=
	while [ "$1" != -- ]; do
		want="$want $1"
		shift
	done
	shift
	if [ "$ign" = 1 ]; then
		set -- sh -c 'trap "" PIPE; exec "$@"' sh timeout -k 2 30 \
		    "$bin" "$@"
	else
		set -- $dflt timeout -k 2 30 "$bin" "$@"
	fi
	{ "$@" <"$in" 2>"$tmp/err"; echo $? >"$tmp/status"; } |
	    head -c1 >/dev/null
	status=$(cat "$tmp/status")
	case " $want " in
	*" $status "*) pass "exit status $status" ;;
	*) fail "exit status $status, want one of$want" "$tmp/err" ;;
	esac
	n=$(grep -c . "$tmp/err")
	if [ "$n" -le "$lines" ] && ! grep -qv '^vmscope: ' "$tmp/err"; then
		pass "stderr: $n line(s) $(head -n 1 "$tmp/err")"
	else
		fail "stderr: want at most $lines line(s) from vmscope" "$tmp/err"
	fi
}

# Commands on stdin with a long transcript.
{ printf 'machine va=32 pa=32 page=4K frames=8\nprocess p\nmap 0x0\n'
  yes 'read 0x0' 2>/dev/null | head -n 100000; } >"$work/reads.txt"

# Killed by SIGPIPE, without a word (or done before head closed the pipe).
lines=0
ign=0
in=/dev/null
piped pipe-batch 141 -- --batch "$work/long.scenario"
piped pipe-trace 0 141 -- --trace "$work/short.trace" --stats
piped pipe-help 0 141 -- --help
in=$work/reads.txt
piped pipe-stdin 141 --
in=/dev/null
# With SIGPIPE ignored, as some parents leave it: one line, exit 2, and
# the run stops at once.
lines=1
ign=1
piped pipe-batch-ign 2 -- --batch "$work/long.scenario"
check "says: error writing the transcript: Broken pipe" grep -qx \
    'vmscope: error writing the transcript: Broken pipe' "$tmp/err"
piped pipe-trace-ign 0 2 -- --trace "$work/short.trace" --stats
piped pipe-help-ign 0 2 -- --help
in=$work/reads.txt
piped pipe-stdin-ign 2 --
# An endless stdin of commands, SIGPIPE ignored: it must stop by itself.
S=pipe-endless-stdin-ign
sh -c 'trap "" PIPE
	{ printf "machine va=32 pa=32 page=4K\nprocess p\nmap 0x0\n"
	  yes "read 0x0"; } 2>/dev/null |
	    timeout -k 2 30 "$0" 2>"$1" | head -c1 >/dev/null' "$bin" "$tmp/err"
if grep -qx 'vmscope: error writing the transcript: Broken pipe' "$tmp/err" &&
    [ "$(grep -c . "$tmp/err")" -eq 1 ]; then
	pass "an endless stdin stops at the broken pipe, one line"
else
	fail "an endless stdin: want one line, error writing the transcript" \
	    "$tmp/err"
fi

# stdin not a terminal: its commands run as --batch does.
S=stdin-pipe
printf 'machine va=32 pa=32 page=4K frames=4\nprocess p\nmap 0x1000\nread 0x1010\nexpect fault none\n' |
    timeout -k 2 20 "$bin" >"$tmp/out" 2>"$tmp/err"
status=$?
check "commands on a pipe run as --batch (exit $status)" \
    test "$status" -eq 0 -a -s "$tmp/out" -a ! -s "$tmp/err"
# stdin that cannot be read (a directory): one line, exit 2.
S=stdin-dir
timeout -k 2 20 "$bin" </ >"$tmp/out" 2>"$tmp/err"
status=$?
check "stdin a directory: exit 2 (got $status)" test "$status" -eq 2
check "stdin a directory: says so" grep -qx \
    'vmscope: error reading standard input' "$tmp/err"
# stdin closed: one line, exit 2, in every mode that would read it.
S=stdin-closed
timeout -k 2 20 "$bin" <&- >"$tmp/out" 2>"$tmp/err"
status=$?
check "stdin closed: exit 2 (got $status)" test "$status" -eq 2
check "stdin closed: says so" grep -qx "vmscope: standard input is closed: \
give a FILE, or commands on standard input" "$tmp/err"
timeout -k 2 20 "$bin" --trace - <&- >"$tmp/out" 2>"$tmp/err"
status=$?
check "--trace - with stdin closed: exit 2 (got $status)" test "$status" -eq 2
check "--trace - with stdin closed: says so" grep -qF \
    "vmscope: --trace -: standard input is closed" "$tmp/err"
timeout -k 2 20 "$bin" --check scenarios/demo.scenario <&- >"$tmp/out" \
    2>"$tmp/err"
status=$?
check "a FILE needs no stdin: --check FILE with stdin closed exits 0" \
    test "$status" -eq 0
S=stdout-closed
timeout -k 2 20 "$bin" --help >&- 2>"$tmp/err"
status=$?
check "stdout closed: exit 2 (got $status)" test "$status" -eq 2
check "stdout closed: says so" grep -qx 'vmscope: standard output is closed' \
    "$tmp/err"

if ! command -v tmux >/dev/null 2>&1; then
	echo "faults: SKIP: tmux is not installed (make deps installs it): the" \
	    "screen's faults are not checked"
	echo "faults: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
fi

# ---- the screen, in tmux ----

cat >"$tmp/run.sh" <<'EOF'
# run.sh DIR PIDFILE COMMAND...: COMMAND in DIR, its pid in PIDFILE; then
# its exit status, the terminal's flags, and a shell.  A Ctrl-C that the
# terminal turns into SIGINT reaches this shell too: it lives on.
trap : INT
cd "$1" || exit 2
pidfile=$2
shift 2
sh -c 'echo $$ >"$0" && exec "$@"' "$pidfile" "$@"
echo "EXIT=$?"
echo "TTY=$(stty -a | tr -s ' ;' '\n\n' | grep -xE 'icanon|echo' | tr '\n' ' ')"
trap - INT
PS1='$ ' exec sh -i
EOF

t() {
	tmux -L "$sock" -f /dev/null "$@"
}

# start NAME WxH COMMAND...: a session NAME (the current session $S) of
# that size running COMMAND in $work, with $TERMV in its environment (no
# TERM if empty, TERM=xterm-256color when unset) and
# XDG_STATE_HOME=$tmp/state/NAME.  The server
# stays when its last session is killed (exit-empty off): a session started
# while it exits would find it gone.
start() {
	S=$1
	w=${2%x*}
	h=${2#*x}
	shift 2
	rm -f "$tmp/$S.pid"
	mkdir -p "$tmp/state/$S"
	t new-session -d -s "$S" -x "$w" -y "$h" \
	    env -i ${TERMV-TERM=xterm-256color} LANG=C.UTF-8 \
	    HOME="$tmp/home" XDG_STATE_HOME="$tmp/state/$S" PATH="$PATH" \
	    ASAN_OPTIONS="${ASAN_X:-$asan}" UBSAN_OPTIONS="$ubsan" \
	    /bin/sh "$tmp/run.sh" "$work" "$tmp/$S.pid" "$@" \; \
	    set-option -s exit-empty off
	[ -n "$sockpath" ] ||
	    sockpath=$(t display-message -p '#{socket_path}' 2>/dev/null)
}

# screen NAME WxH ARGS...: BINARY ARGS in a new session.
screen() {
	name=$1
	size=$2
	shift 2
	start "$name" "$size" "$bin" "$@"
}

pid() {
	n=0
	while [ ! -s "$tmp/$S.pid" ] && [ "$n" -lt $((wait_s * 10)) ]; do
		sleep 0.1
		n=$((n + 1))
	done
	cat "$tmp/$S.pid" 2>/dev/null
}

keys() {
	t send-keys -t "$S" "$@"
}

type_text() {
	t send-keys -t "$S" -l "$1"
}

snap() {
	t capture-pane -p -t "$S" >"$cap" 2>/dev/null
}

# snap_all: with the pane's history, and the rows a long line wrapped
# into joined.
snap_all() {
	t capture-pane -p -J -S - -t "$S" 2>/dev/null | sed 's/ *$//' >"$cap"
}

# wait_for TEXT: poll until TEXT (a fixed string) is on the screen; 1
# after $wait_s seconds without.
wait_for() {
	n=0
	while :; do
		snap
		grep -qF -- "$1" "$cap" && return 0
		n=$((n + 1))
		[ "$n" -ge $((wait_s * 10)) ] && return 1
		sleep 0.1
	done
}

see() {
	if wait_for "$2"; then
		pass "$1"
	else
		fail "$1: no '$2'"
	fi
}

# prompt_empty: the prompt with nothing typed after it.
prompt_empty() {
	n=0
	while :; do
		snap
		grep -qx 'vmscope> *' "$cap" && return 0
		n=$((n + 1))
		[ "$n" -ge $((wait_s * 10)) ] && return 1
		sleep 0.1
	done
}

# step_now: the step counter in the address pane's title, from a new
# capture (empty if none).
step_now() {
	snap
	sed -n 's/.*address  (step \([0-9]*\)\/.*/\1/p' "$cap" | head -n 1
}

# steps_past N: poll until the step counter is past N.
steps_past() {
	n=0
	while :; do
		k=$(step_now)
		[ -n "$k" ] && [ "$k" -gt "$1" ] && return 0
		n=$((n + 1))
		[ "$n" -ge $((wait_s * 10)) ] && return 1
		sleep 0.1
	done
}

# still: the step counter stays where it is for 0.6 s (play, 20 steps a
# second at play 0, would have moved it), polling until it settles.
still() {
	n=0
	a=$(step_now)
	while :; do
		sleep 0.6
		b=$(step_now)
		[ -n "$a" ] && [ "$a" = "$b" ] && return 0
		a=$b
		n=$((n + 1))
		[ "$n" -ge "$wait_s" ] && return 1
	done
}

alive() {
	kill -0 "$(pid)" 2>/dev/null
}

# gone: poll until the program has exited.
gone() {
	p=$(pid)
	n=0
	while kill -0 "$p" 2>/dev/null; do
		n=$((n + 1))
		[ "$n" -ge $((wait_s * 10)) ] && return 1
		sleep 0.1
	done
	return 0
}

# exited STATUS [TEXT]: the program left with STATUS (having printed
# TEXT, once the screen was put back) and gave the terminal back: icanon
# and echo on, the alternate screen left, nothing of the screen on the
# terminal (unless $leak is 1: tmux itself leaves rows of the alternate
# screen on the main one when the pane grew from 1x1 meanwhile, as a
# printf of the escapes shows), and a command typed into the shell after
# it runs.
exited() {
	if ! wait_for "TTY="; then
		fail "did not exit"
		return
	fi
	snap_all
	if grep -qx "EXIT=$1" "$cap" ||
	    { [ "${leak:-0}" = 1 ] && grep -q "^EXIT=$1" "$cap"; }; then
		pass "exit status $1"
	else
		fail "exit status: want EXIT=$1"
	fi
	if [ $# -ge 2 ]; then
		if grep -qxF -- "$2" "$cap"; then
			pass "prints: $2"
		else
			fail "does not print: $2"
		fi
	fi
	if grep -q '^TTY=icanon echo *$' "$cap"; then
		pass "terminal restored (icanon and echo on)"
	else
		fail "terminal not restored: want TTY=icanon echo"
	fi
	if [ "$(t display-message -p -t "$S" '#{alternate_on}')" = 0 ] &&
	    { [ "${leak:-0}" = 1 ] || ! grep -qF 'vmscope>' "$cap"; }; then
		pass "the alternate screen left, the screen gone"
	else
		fail "the screen is still on the terminal"
	fi
	type_text 'echo shell-is-al""ive'
	keys Enter
	if wait_for 'echo shell-is-al""ive' && snap &&
	    grep -qx 'shell-is-alive' "$cap"; then
		pass "the shell after it works (echo, a command run)"
	else
		fail "the shell after it does not work"
	fi
	t kill-session -t "$S" 2>/dev/null
}

# A trace without an end: `trace feed` reads it until Ctrl-C.
mkfifo "$work/feed"
feed() {
	yes 'r 0x1000' >"$work/feed" 2>/dev/null &
	feeder=$!
}

# ---- 1: SIGINT and Ctrl-C stop the work, not the program ----

screen int 100x30 long.scenario
see "starts" "vmscope>"
type_text "zoom tl"
see "a line half typed" "vmscope> zoom tl"
kill -INT "$(pid)"
check "SIGINT at the prompt clears the line" prompt_empty
check "SIGINT at the prompt: the program goes on" alive
type_text "play 0"
keys Enter
check "play runs" steps_past 3
kill -INT "$(pid)"
check "SIGINT during play: play stops" still
check "SIGINT during play: the program goes on" alive
type_text "abc"
see "typing works after it" "vmscope> abc"
keys C-c
check "Ctrl-C at the prompt clears the line" prompt_empty
type_text "play 0"
keys Enter
k=$(step_now)
check "play runs again" steps_past "${k:-0}"
keys C-c
check "Ctrl-C during play: play stops" still
check "Ctrl-C during play: the program goes on" alive
type_text "run"
keys Enter
sleep 0.2
keys C-c
see "Ctrl-C during run: the log says it stopped" "-- stopped (Ctrl-C) --"
check "Ctrl-C during run: back at the prompt" prompt_empty
k=$(step_now)
check "Ctrl-C during run: it stopped before its end (step $k)" \
    test "${k:-1000000}" -lt 1000000
feed
type_text "trace feed"
keys Enter
see "a long trace: the prompt says Ctrl-C stops it" "working... Ctrl-C stops"
keys C-c
see "Ctrl-C during a trace: it says where it stopped" \
    "trace: feed: stopped after"
check "Ctrl-C during a trace: back at the prompt" prompt_empty
type_text "quit"
keys Enter
exited 0

# ---- 2: SIGTERM, SIGHUP, and the crash path ----

# sig NAME NUMBER WHEN: NAME sent at the prompt, during play or during run.
sig() {
	screen "$(echo "$1-$3" | tr 'A-Z' 'a-z')" 100x30 long.scenario
	see "starts" "vmscope>"
	case $3 in
	play)
		type_text "play 0"
		keys Enter
		steps_past 2 >/dev/null
		;;
	run)
		type_text "run"
		keys Enter
		wait_for "working... Ctrl-C stops" >/dev/null
		;;
	esac
	kill -"$1" "$(pid)"
	case $1 in
	SEGV | ABRT) exited $((128 + $2)) \
	    "vmscope: crashed with signal $2 (SIG$1)" ;;
	*) exited $((128 + $2)) "vmscope: stopped by signal $2 (SIG$1)" ;;
	esac
}

sig TERM 15 prompt
sig TERM 15 play
sig TERM 15 run
sig HUP 1 prompt
sig HUP 1 play
# The crash path: the sanitizers' own SIGSEGV handler left out, so that
# the signal ends the program as it would without them.
ASAN_X="$asan:handle_segv=0"
sig SEGV 11 play
ASAN_X=
sig ABRT 6 prompt

# ---- 3: a resize storm during play ----

screen storm 100x30 --ascii long.scenario
see "starts" "vmscope>"
type_text "play 0"
keys Enter
steps_past 2 >/dev/null
i=0
for size in 40x10 1x1 200x60 79x23 120x40 2x50 300x5 80x24 160x48 33x33 \
    100x30 1x1 150x20 81x25 60x60 100x30 7x3 240x70 90x28 100x30; do
	t resize-window -t "$S" -x "${size%x*}" -y "${size#*x}"
	i=$((i + 1))
done
for j in 1 2 3 4 5 6 7 8 9 10; do
	t resize-window -t "$S" -x $((60 + j * 9)) -y $((20 + j))
	t resize-window -t "$S" -x 100 -y 30
done
check "$((i + 20)) resizes during play: the program lives" alive
check "and plays on" steps_past "$(wait_for "address  (step" && step_now)"
keys x			# a key stops play
check "a key stops play" still
# What ncurses believes the terminal shows (dump) against what tmux shows:
# the same, but for the prompt line, where dump was typed.
type_text "dump storm.txt"
keys Enter
check "back at the prompt" prompt_empty
n=0
while [ ! -f "$work/storm.txt" ] && [ "$n" -lt $((wait_s * 10)) ]; do
	sleep 0.1
	n=$((n + 1))
done
snap
sed 's/ *$//' "$cap" | sed '29d' >"$tmp/shown"
sed 's/ *$//' "$work/storm.txt" 2>/dev/null | sed '29d' >"$tmp/believed"
if [ "$(wc -l <"$tmp/shown")" -eq 29 ] && grep -q 'address' "$tmp/shown" &&
    cmp -s "$tmp/shown" "$tmp/believed"; then
	pass "at 100x30 the terminal shows what ncurses drew (dump)"
else
	diff "$tmp/believed" "$tmp/shown" >"$tmp/diff"
	fail "the terminal and dump differ after the storm" "$tmp/diff"
fi
cp "$cap" "$tmp/before"
keys C-l
sleep 0.3
snap
if cmp -s "$tmp/before" "$cap"; then
	pass "a full redraw (Ctrl-L) draws the same screen"
else
	diff "$tmp/before" "$cap" >"$tmp/diff"
	fail "Ctrl-L changes the screen: garbage was left" "$tmp/diff"
fi
type_text "quit"
keys Enter
exited 0

# ---- 4: terminals that cannot show the screen, closed stdin, 1x1 ----

TERMV=TERM=dumb
screen dumb 100x30 long.scenario
exited 2 "vmscope: the terminal 'dumb' (TERM) cannot move its cursor, so the \
screen cannot be drawn; set TERM to the terminal's real type, or run a file \
with --batch"
TERMV=TERM=some-unknown-terminal
screen unknown 200x30 long.scenario
exited 2 "vmscope: unknown terminal type 'some-unknown-terminal' (TERM); set \
TERM to one this system knows (such as xterm-256color), or run a file with \
--batch"
TERMV=
screen noterm 200x30 long.scenario
exited 2 "vmscope: TERM is not set, so the screen cannot be drawn; set it to \
the terminal's type (such as xterm-256color), or run a file with --batch"
unset TERMV
start closed 100x30 /bin/sh -c 'exec "$0" <&-' "$bin"
exited 2 "vmscope: standard input is closed: give a FILE, or commands on \
standard input"

screen tiny 1x1 long.scenario
sleep 0.5
check "1x1: the program lives" alive
t resize-window -t "$S" -x 100 -y 30
see "grown to 100x30: the screen is back" "vmscope>"
see "grown to 100x30: its panes" "address  (step"
t resize-window -t "$S" -x 30 -y 8
see "30x8: a message, not a crash" "30x8; it needs at least"
t resize-window -t "$S" -x 100 -y 30
see "100x30 again" "address  (step"
keys C-d
leak=1
exited 0
leak=0

# --trace in a terminal: Ctrl-C (SIGINT, the terminal not being raw)
# stops the replay, 128 + 2.  (What it says is checked below, where no
# terminal throws its output away as it takes the Ctrl-C.)
feed
start trace 100x30 "$bin" --trace feed
see "--trace shows its progress" "vmscope: feed: replayed"
keys C-c
exited 130
if env --default-signal=INT true 2>/dev/null; then
	S=trace-sigint
	feed
	env --default-signal=INT "$bin" --trace "$work/feed" >"$tmp/out" \
	    2>"$tmp/err" &
	p=$!
	# until it catches SIGINT (a background job ignores it until env
	# execs the program, which then catches it); 1 s where there is no
	# /proc to tell
	n=0
	while [ "$n" -lt $((wait_s * 10)) ] && ! grep -q \
	    '^SigCgt:.*[2367abef]$' "/proc/$p/status" 2>/dev/null; do
		[ -d /proc/self ] || { sleep 1; break; }
		sleep 0.1
		n=$((n + 1))
	done
	kill -INT "$p"
	wait "$p"
	status=$?
	check "SIGINT stops --trace: exit 130 (got $status)" test "$status" -eq 130
	check "and it says where" grep -q "feed: stopped after [0-9]* references" \
	    "$tmp/err"
	check "and nothing on stdout" test ! -s "$tmp/out"
fi

# ---- 6: the history file ----

# seed_history NAME LINES: a history file of LINES lines for session NAME (its
# XDG_STATE_HOME), long ones, so that writing it takes a while; a copy in
# $tmp/NAME.old.
seed_history() {
	mkdir -p "$tmp/state/$1/vmscope"
	awk -v n="$2" 'BEGIN { for (i = 1; i <= n; i++)
		printf "echo old line %d %0200d\n", i, i }' \
	    >"$tmp/state/$1/vmscope/history"
	cp "$tmp/state/$1/vmscope/history" "$tmp/$1.old"
}

# kept WHAT: the history file is the old one and the lines typed since.
kept() {
	{ cat "$tmp/$S.old"; printf '%s\n' "$@"; } >"$tmp/$S.new"
	if cmp -s "$tmp/$S.new" "$tmp/state/$S/vmscope/history"; then
		pass "the history: the old lines and the new"
	else
		diff "$tmp/$S.new" "$tmp/state/$S/vmscope/history" |
		    head -n 20 >"$tmp/diff"
		fail "the history is not the old lines and the new" "$tmp/diff"
	fi
}

# typed LINE...: each line typed, and the prompt back after it (but
# after quit).
typed() {
	for l in "$@"; do
		type_text "$l"
		keys Enter
		[ "$l" = quit ] || prompt_empty >/dev/null
	done
}

for how in quit TERM HUP; do
	seed_history "hist-$how" 50
	screen "hist-$how" 100x30 long.scenario
	see "starts" "vmscope>"
	typed "zoom tlb" "zoom off"
	case $how in
	quit)
		typed quit
		exited 0
		kept "zoom tlb" "zoom off" quit
		;;
	*)
		kill -"$how" "$(pid)"
		gone >/dev/null
		kept "zoom tlb" "zoom off"
		;;
	esac
done

seed_history hist-KILL 50
screen hist-KILL 100x30 long.scenario
see "starts" "vmscope>"
typed "zoom tlb"
kill -KILL "$(pid)"
check "SIGKILL: gone" gone
check "SIGKILL: the history file is whole" \
    cmp -s "$tmp/hist-KILL.old" "$tmp/state/hist-KILL/vmscope/history"

# The terminal goes away: with a SIGHUP (the session killed), and without
# one (the program in a session of its own, setsid: its terminal ends under
# it and it reads nothing more).
seed_history hist-gone 50
screen hist-gone 100x30 long.scenario
see "starts" "vmscope>"
typed "zoom tlb"
p=$(pid)
t kill-session -t "$S"
check "the terminal went away: the program ended" gone
kept "zoom tlb"
if command -v setsid >/dev/null 2>&1; then
	seed_history hist-nohup 50
	start hist-nohup 100x30 setsid "$bin" long.scenario
	see "starts" "vmscope>"
	typed "zoom tlb"
	t kill-session -t "$S"
	check "the terminal went away without SIGHUP: the program ended" gone
	kept "zoom tlb"
fi

# The save itself cut short: the history (210 KB) is larger than the
# files the program may write (ulimit -f, 512-byte blocks), so the kernel
# ends it with SIGXFSZ in the middle of writing the new file (the terminal
# put back first), or, with SIGXFSZ ignored, the write fails: either way
# the old file stays, whole.
for how in XFSZ EFBIG; do
	seed_history "hist-$how" 1000
	if [ "$how" = XFSZ ]; then
		start "hist-$how" 100x30 /bin/sh -c \
		    'ulimit -f 64 && exec "$0" long.scenario' "$bin"
	else
		start "hist-$how" 100x30 /bin/sh -c \
		    'trap "" XFSZ; ulimit -f 64 && exec "$0" long.scenario' "$bin"
	fi
	see "starts" "vmscope>"
	typed "zoom tlb" quit
	if [ "$how" = XFSZ ]; then
		exited 153 "vmscope: stopped by signal 25 (SIGXFSZ)"
	else
		exited 0
	fi
	check "the history file too large to write: the old one, whole" \
	    cmp -s "$tmp/hist-$how.old" "$tmp/state/hist-$how/vmscope/history"
done
ls "$tmp/state/hist-EFBIG/vmscope/" >"$tmp/ls"
check "a failed write leaves no file behind" test "$(cat "$tmp/ls")" = history

# A signal at moments around the save (quit, then the signal 0 to 30 ms
# later): the old file or the new one, never a part of one.
i=0
for d in 0 0.002 0.005 0.01 0.02 0.03; do
	i=$((i + 1))
	case $i in 1 | 4) s=KILL ;; 2 | 5) s=TERM ;; *) s=HUP ;; esac
	seed_history "race$i" 1000
	screen "race$i" 100x30 long.scenario
	see "starts" "vmscope>"
	typed "zoom tlb"
	type_text quit
	keys Enter
	sleep "$d"
	kill -"$s" "$(pid)" 2>/dev/null
	gone >/dev/null
	f=$tmp/state/race$i/vmscope/history
	# 1000 lines kept: the oldest go as new ones come
	{ tail -n +2 "$tmp/race$i.old"; echo 'zoom tlb'; } >"$tmp/race$i.mid"
	{ tail -n +3 "$tmp/race$i.old"; printf 'zoom tlb\nquit\n'; } \
	    >"$tmp/race$i.new"
	if cmp -s "$f" "$tmp/race$i.old"; then
		pass "SIG$s $d s after quit: the old history, whole"
	elif cmp -s "$f" "$tmp/race$i.mid"; then
		pass "SIG$s $d s after quit: saved before quit was read, whole"
	elif cmp -s "$f" "$tmp/race$i.new"; then
		pass "SIG$s $d s after quit: the new history, whole"
	else
		fail "SIG$s $d s after quit: the history is a part" "$f"
	fi
done

echo "faults: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
