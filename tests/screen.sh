#!/bin/sh
# screen.sh - the screen (src/ui/ui.c) as a student meets it, driven
# through tmux: keys in with send-keys, the screen out with capture-pane.
#
# Usage: tests/screen.sh BINARY            (tests/run-scenarios.sh calls it)
#        UPDATE=1 tests/screen.sh BINARY   rewrite tests/screen/*.txt
#        STRICT=1 tests/screen.sh BINARY   count the known bugs as failures
#
# Skipped (exit 0) when tmux is missing (`make deps` installs it).
#
# Every run of BINARY happens in a private tmux server (-L vmscope-testPID,
# no configuration), at a fixed size, under `env -i` with its own HOME and
# XDG_STATE_HOME in a temporary directory: the user's files and tmux are
# never touched.  The pane runs BINARY through a small wrapper ($tmp/run.sh)
# that writes BINARY's pid (for the SIGTERM check), then prints EXIT=status
# and the terminal's icanon and echo flags once BINARY has gone.  Nothing
# sleeps for long: every wait polls capture-pane for up to $WAIT_S seconds.
#
# Checks (issue 4), each a PASS or FAIL line:
#  1. tests/screen/two-level.scenario at 100x30 and at 80x24: Enter and F10
#     step; the address, TLB, walk and narration panes after known steps;
#     F9 steps back (the step counter and the panes go back), F10 redoes;
#  2. zoom tlb, F6, zoom off, zoom of no pane;
#  3. Tab completion: the line, and the list of matches in the log;
#  4. too small (30x10, 79x24) and back to 100x30;
#  5. quit, Ctrl-D and SIGTERM (exit 128 + 15): the exit status, the
#     terminal given back
#     (icanon and echo on, the screen put back), the history file in
#     XDG_STATE_HOME and nothing in HOME;
#  6. golden screens written by `dump` at 100x30:
#     tests/screen/nested-mid-walk.txt (tests/screen/nested-2d.scenario,
#     12 of the 24 references of the 2D walk done) and
#     tests/screen/shadow-sync.txt
#     (tests/screen/shadow-sync.scenario, the VMM has just filled the shadow
#     entry after a hidden fault).  These two run with --ascii, so that
#     the golden files hold plain ASCII; that dump writes lines, not the
#     alternate character set's letters, is checked on its own;
#  7. the built-in first lesson (no FILE).
# Also: the frames pane and `show frames` under shadow paging (160x48).
# A check of a known bug prints XFAIL (XPASS once it is fixed) and does not
# fail the run unless STRICT=1.  The last line: "screen: N passed, M failed,
# K known bugs"; the exit status is 1 if anything failed.
#
# The panes are found by their titles in the captured screen: ncurses draws
# the boxes with the terminal's alternate character set, which
# capture-pane shows as the letters l q k x m j ("lq TLB qqqk"): plain
# ASCII, one byte a column.

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
if ! command -v tmux >/dev/null 2>&1; then
	echo "screen: SKIP: tmux is not installed (make deps installs it)"
	exit 0
fi
cd "$(dirname "$0")/.." || exit 2
root=$(pwd)

update=${UPDATE:-0}
strict=${STRICT:-0}
wait_s=${WAIT_S:-5}
sock=vmscope-test$$
sockpath=
tmp=$(mktemp -d) || exit 2
# On exit: the tmux server goes, and the programs it ran (they save their
# history on SIGHUP) are waited for before their directory is removed.
cleanup() {
	tmux -L "$sock" kill-server >/dev/null 2>&1
	[ -n "$sockpath" ] && rm -f "$sockpath"
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
cap=$tmp/cap
passed=0
failed=0
known=0

# What the pane runs: BINARY in DIR, its pid in PIDFILE, then its exit
# status and the terminal's state.
cat >"$tmp/run.sh" <<'EOF'
# run.sh DIR PIDFILE BINARY ARGS...
cd "$1" || exit 2
pidfile=$2
shift 2
sh -c 'echo $$ >"$0" && exec "$@"' "$pidfile" "$@"
echo "EXIT=$?"
echo "TTY=$(stty -a | tr -s ' ;' '\n\n' | grep -xE 'icanon|echo' | tr '\n' ' ')"
EOF

t() {
	tmux -L "$sock" -f /dev/null "$@"
}

# start NAME WxH DIR ARGS...: a session NAME (the current session $S from
# now on) of that size, running BINARY ARGS in DIR.  The sanitizer
# settings of run-scenarios.sh go through env -i.
start() {
	S=$1
	w=${2%x*}
	h=${2#*x}
	dir=$3
	shift 3
	t new-session -d -s "$S" -x "$w" -y "$h" \
	    env -i TERM=xterm-256color LANG=C.UTF-8 HOME="$tmp/home" \
	    XDG_STATE_HOME="$tmp/state" PATH="$PATH" \
	    ASAN_OPTIONS="${ASAN_OPTIONS:-exitcode=99:detect_leaks=1}" \
	    UBSAN_OPTIONS="${UBSAN_OPTIONS:-exitcode=99:print_stacktrace=1}" \
	    /bin/sh "$tmp/run.sh" "$dir" "$tmp/$S.pid" "$bin" "$@" \
	    \; set-option -g remain-on-exit on
	[ -n "$sockpath" ] ||
	    sockpath=$(t display-message -p '#{socket_path}' 2>/dev/null)
}

# keys KEY...: send-keys to the current session (tmux key names: F10,
# Enter, Tab, C-d; other words are typed).
keys() {
	t send-keys -t "$S" "$@"
}

# type TEXT: TEXT typed literally.
type_text() {
	t send-keys -t "$S" -l "$1"
}

snap() {
	t capture-pane -p -t "$S" >"$cap" 2>/dev/null
}

# snap_all: the same with the pane's history (tmux scrolls the pane a line
# to write "Pane is dead" when the program has exited).
snap_all() {
	t capture-pane -p -S - -t "$S" >"$cap" 2>/dev/null
}

# pane TITLE: the inside of the pane whose title starts with TITLE, from
# the last capture, one line a row (nothing if there is no such pane),
# then its lines again with the wrapped ones joined (a row that starts
# with spaces continues the one above), so that a check finds a line
# however the pane's width wrapped it.
pane() {
	pane_rows "$1"
	pane_rows "$1" | awk '
	{ sub(/ +$/, "") }
	/^  / && NR > 1 { sub(/^ +/, ""); line = line " " $0; next }
	NR > 1 { print line }
	{ line = $0 }
	END { if (NR > 0) print line }'
}

pane_rows() {
	awk -v t="$1" '
	{ row[NR] = $0 }
	END {
		for (r = 1; r <= NR; r++)
			if ((i = index(row[r], "lq " t)) > 0)
				break
		if (i == 0)
			exit
		j = index(substr(row[r], i), "qk")
		if (j == 0)
			exit
		right = i + j		# the column of the k
		for (b = r + 1; b <= NR; b++) {
			if (substr(row[b], i, 1) == "m")
				break
			print substr(row[b], i + 1, right - i - 1)
		}
	}' "$cap"
}

# wait_for TEXT [PANE]: poll until TEXT (a fixed string) is on the screen,
# or inside PANE; 1 after $wait_s seconds without.
wait_for() {
	n=0
	while :; do
		snap
		if [ $# -ge 2 ]; then
			pane "$2" | grep -qF -- "$1" && return 0
		else
			grep -qF -- "$1" "$cap" && return 0
		fi
		n=$((n + 1))
		[ "$n" -ge $((wait_s * 10)) ] && return 1
		sleep 0.1
	done
}

pass() {
	passed=$((passed + 1))
	echo "PASS  $S: $1"
}

# fail WHAT: a failure, with the last screen captured.
fail() {
	failed=$((failed + 1))
	echo "FAIL  $S: $1"
	sed 's/^/      |/' "$cap"
}

# see DESCRIPTION TEXT [PANE]: TEXT appears (in PANE).
see() {
	if wait_for "$2" ${3+"$3"}; then
		pass "$1"
	else
		fail "$1: no '$2'${3+ in the $3 pane}"
	fi
}

# absent DESCRIPTION TEXT PANE: TEXT is not (or no longer) in PANE; polls
# like wait_for.  Call it once a positive check has shown that the keys
# before it were taken, or where only the end state lacks TEXT.
absent() {
	n=0
	while :; do
		snap
		pane "$3" | grep -qF -- "$2" || break
		n=$((n + 1))
		if [ "$n" -ge $((wait_s * 10)) ]; then
			fail "$1: '$2' still in the $3 pane"
			return
		fi
		sleep 0.1
	done
	pass "$1"
}

# on_screen TEXT [PANE]: TEXT is on the screen (in PANE) now; no wait.
on_screen() {
	snap
	if [ $# -ge 2 ]; then
		pane "$2" | grep -qF -- "$1"
	else
		grep -qF -- "$1" "$cap"
	fi
}

# known DESCRIPTION BUG COMMAND...: a check that fails because of a known
# bug (BUG says which): XFAIL while it fails, XPASS once it passes.
known() {
	desc=$1
	bug=$2
	shift 2
	keep=$wait_s
	wait_s=1
	"$@"
	ok=$?
	wait_s=$keep
	if [ "$ok" -eq 0 ]; then
		passed=$((passed + 1))
		echo "XPASS $S: $desc (fixed? remove its known-bug mark in tests/screen.sh)"
	elif [ "$strict" = 1 ]; then
		fail "$desc (known bug: $bug)"
	else
		known=$((known + 1))
		echo "XFAIL $S: $desc (known bug: $bug)"
	fi
}

# exited STATUS [TEXT]: the program left with STATUS (and printed TEXT
# once the screen was put back) and gave the terminal back.
exited() {
	if wait_for "TTY="; then
		snap_all
		if grep -qx "EXIT=$1" "$cap"; then
			pass "exit status $1"
		else
			fail "exit status: want EXIT=$1"
		fi
	else
		fail "did not exit"
		return
	fi
	if [ $# -ge 2 ]; then
		if grep -qF -- "$2" "$cap"; then
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
	if grep -qF 'vmscope>' "$cap" || grep -qF ' address ' "$cap"; then
		fail "the screen is still on the terminal after the exit"
	else
		pass "screen put back after the exit"
	fi
}

# stepped N TEXT [PANE]: N presses of F10 (one key at a time), then wait
# for TEXT.
stepped() {
	i=0
	while [ "$i" -lt "$1" ]; do
		keys F10
		i=$((i + 1))
	done
	shift
	wait_for "$@"
}

# The fixtures must run clean on their own.
S=fixtures
for f in tests/screen/*.scenario; do
	if "$bin" --check "$f" >"$cap" 2>&1; then
		pass "--check $f"
	else
		fail "--check $f"
	fi
done

# ---- 1-4: a two-level walk, at 100x30 and at 80x24 ----

# counter DESCRIPTION TEXT: TEXT ("step N/M") in the address pane's title,
# "address  (step N/M)", at every size.
counter() {
	see "$1" "address  ($2)"
}

# walk SESSION SIZE: start tests/screen/two-level.scenario at SIZE and step
# through it (the first steps with Enter on an empty line, the rest with
# F10), then back with F9 and forward again.
walk() {
	start "$1" "$2" "$root" tests/screen/two-level.scenario
	wide=1
	[ "${2%x*}" -lt 100 ] && wide=0
	see "starts, log says what it plays" "two-level.scenario. F10 steps" log
	see "prompt" "vmscope>"
	keys Enter		# narration, machine
	see "Enter on an empty line steps: the narration" \
	    "Lesson text: a process reads one byte" narration
	see "the machine line ran" "2 levels, TLB 4" address
	keys Enter Enter	# process p: [1] [2]
	keys F10 F10		# map: [3] [4]
	keys F10		# read: [5]
	counter "the read starts: step 5/5" "step 5/5"
	see "address: the VA's fields" "L1=1 L2=1" address
	keys F10		# [6] TLB probe
	see "address: tlb miss" "tlb miss" address
	see "walk: the TLB probe misses" "TLB probe asid 1 vpn 0x401 set 0: miss" walk
	keys F10		# [7] walk L1
	see "walk: lists walk L1" "walk L1: entry 1" walk
	see "walk: the L1 entry used, field by field" \
	    "entry 0xffffe027: frame 0xffffe | A 1 U 1" walk
	keys F10 F10		# [8] walk L2, [9] TLB fill
	see "walk: walk L2" "walk L2: entry 1" walk
	see "walk: the leaf entry, its dirty bit clear after a read" \
	    "entry 0x27: frame 0x0 | D 0 A 1 U 1 W 1 P 1" walk
	see "TLB: the entry filled" "0x401" TLB
	keys F10		# [10] read pa
	see "address: the PA after the read" "PA 0x234" address
	counter "address: step 10/10" "step 10/10"
	see "log: the read's last step" "[10] read pa 0x234" log
	# Back: three micro-steps, to just after walk L1.
	keys F9 F9 F9
	counter "F9 x3: step 7/10" "step 7/10"
	# 10, 9, 8, 7: only at 7 is walk L1 in the pane without walk L2
	absent "F9: walk L2 left the walk pane" "walk L2" walk
	see "F9: walk L1 is still there" "walk L1: entry 1" walk
	see "F9: the PA is unknown again" "PA ..." address
	absent "F9: the TLB entry went back" "0x401" TLB
	keys F10 F10 F10
	counter "F10 redoes: step 10/10" "step 10/10"
	see "F10 redoes: the TLB entry" "0x401" TLB
	keys F10		# narration, pause
	see "pause: the narration pane says so" "paused: F10 goes on"
	see "the second narration" "now the TLB hits" narration
	keys F10 F10		# read 0x401238: [11] [12]
	see "the second read hits" "tlb hit" address
	see "walk: a new access, TLB hit" "set 0: hit" walk
	absent "walk: the new access only" "walk L1" walk
}

walk std 100x30
# The zoom and the key bar are checked at 100x30.
type_text "zoom tlb"
keys Enter
see "zoom tlb: the TLB pane" "way asid vpn" TLB
absent "zoom tlb: no walk pane" "hit in way 0" walk
absent "zoom tlb: no log pane" "read 0x00401238" log
keys F6
see "F6: the next pane (walk) alone" "hit in way 0" walk
absent "F6: no TLB pane" "way asid vpn" TLB
type_text "zoom off"
keys Enter
see "zoom off: the TLB pane again" "way asid vpn" TLB
see "zoom off: the walk pane again" "hit in way 0" walk
see "zoom off: the log again" "read 0x00401238" log
type_text "zoom nosuch"
keys Enter
see "zoom of no pane: an error in the log" "! zoom: no such pane" log
# Up recalls the lines typed.
keys Up Up
see "Up Up recalls the line before the last (zoom off)" "vmscope> zoom off"
keys C-u
# Enter on an empty line repeats the last command (the manual's `step`,
# then Enter, Enter).
type_text "back 2"
keys Enter
counter "back 2: step 10/12" "step 10/12"
type_text "step"
keys Enter
counter "step: step 11/12" "step 11/12"
keys Enter
counter "Enter repeats step: step 12/12" "step 12/12"

# 3. Tab completion.
type_text "sho"
keys Tab
see "Tab completes sho to show" "vmscope> show"
keys C-u
type_text "show t"
keys Tab
see "Tab completes show t to show tlb" "vmscope> show tlb"
keys C-u
type_text "show "
keys Tab Tab
see "Tab Tab lists show's views in the log" "disk  frames  pt  stats  tlb  vmcs" log
keys C-u
type_text "zo"
keys Tab
type_text "t"
keys Tab
see "Tab completes zoom's panes" "vmscope> zoom tlb"
keys C-u

# 4. Too small, then large again.
t resize-window -t "$S" -x 30 -y 10
# The message is cut into lines of at most 24 characters, whole words.
see "30x10: too small" "30x10; it needs at least"
see "30x10: the message says the size it needs" "80x24. Make it larger,"
t resize-window -t "$S" -x 79 -y 24
see "79x24: too small" "79x24; it needs at least"
see "79x24: the message says what to do" "or type quit."
t resize-window -t "$S" -x 100 -y 30
counter "100x30 again: the panes" "step 12/12"
see "100x30 again: the TLB pane" "way asid vpn" TLB
see "100x30: a TLB entry fits, rights and all" "0x401   0x0     rwxu" TLB
see "100x30 again: the key bar" "F10 step  F9 back"

# 5. quit, with a history file in XDG_STATE_HOME.
type_text "quit"
keys Enter
exited 0
if [ -s "$tmp/state/vmscope/history" ] &&
    grep -qx 'quit' "$tmp/state/vmscope/history"; then
	pass "history saved in \$XDG_STATE_HOME/vmscope/history"
else
	fail "no history in \$XDG_STATE_HOME/vmscope/history"
fi
history_has_lines() {
	grep -qx 'zoom tlb' "$tmp/state/vmscope/history" &&
	    grep -qx 'zoom off' "$tmp/state/vmscope/history"
}
if history_has_lines; then
	pass "the history file holds the lines typed (zoom tlb, zoom off)"
else
	fail "the history file lacks zoom tlb / zoom off: $(cat "$tmp/state/vmscope/history")"
fi
if [ -z "$(ls -A "$tmp/home")" ]; then
	pass "nothing written in \$HOME"
else
	fail "files written in \$HOME: $(ls -A "$tmp/home")"
fi

walk small 80x24
counter "80x24: the step counter in the address pane's title" "step 12/12"
see "80x24: the key bar" "F10 step  F9 back"
keys C-d
exited 0

# 5. SIGTERM.
start term 100x30 "$root" tests/screen/two-level.scenario
see "starts" "vmscope>"
keys Enter
see "steps" "Lesson text" narration
if [ -s "$tmp/term.pid" ] && kill -TERM "$(cat "$tmp/term.pid")"; then
	pass "SIGTERM sent to $(cat "$tmp/term.pid")"
else
	fail "no pid to send SIGTERM to"
fi
exited 143 "vmscope: stopped by signal 15 (SIGTERM)"

# ---- 6: golden screens written by dump ----

# golden NAME: dump the screen to $tmp/work/NAME.txt (the session runs in
# $tmp/work) and compare it with tests/screen/NAME.txt.
golden() {
	want=tests/screen/$1.txt
	got=$tmp/work/$1.txt
	type_text "dump $1.txt"
	keys Enter
	n=0
	while [ ! -f "$got" ] && [ "$n" -lt $((wait_s * 10)) ]; do
		sleep 0.1
		n=$((n + 1))
	done
	snap
	if [ ! -f "$got" ]; then
		fail "dump $1.txt: no file written"
	elif [ "$update" = 1 ]; then
		cmp -s "$got" "$want" || echo "updated $want"
		cp "$got" "$want"
		pass "dump $1.txt (UPDATE)"
	elif [ ! -f "$want" ]; then
		fail "no $want (UPDATE=1 $0 BINARY writes it)"
	elif cmp -s "$got" "$want"; then
		pass "dump $1.txt is $want"
	else
		failed=$((failed + 1))
		echo "FAIL  $S: dump $1.txt differs from $want"
		diff -u --label "$want" --label "dump $1.txt" "$want" "$got" |
		    sed 's/^/      /'
	fi
}

cp tests/screen/nested-2d.scenario tests/screen/shadow-sync.scenario \
    "$tmp/work/"
start nested 100x30 "$tmp/work" --ascii nested-2d.scenario
see "starts" "vmscope>"
# 15 steps to the end of map, a 16th runs the read ([15]).
if stepped 16 "step 15/15"; then
	pass "16 x F10: the read starts"
else
	fail "16 x F10: the read starts (step 15/15)"
fi
# 14 presses from the start of the read: the read, the TLB probe, then 12
# references (EPT L1-L4 and guest L1, EPT L1-L4 and guest L2, EPT L1-L2).
if stepped 13 "step 28/28"; then
	pass "14 x F10 from the read: step 28/28"
else
	fail "14 x F10 from the read: step 28/28"
fi
if grep -qF '2D walk: 12 of 24 references' "$cap"; then
	pass "the walk pane's grid: 12 of 24 references"
else
	fail "the walk pane's grid: 12 of 24 references"
fi
golden nested-mid-walk

start shadow 100x30 "$tmp/work" --ascii shadow-sync.scenario
see "starts" "vmscope>"
# 17 steps to the end of map, an 18th runs the read ([17]); then the TLB
# probe, the shadow walk, the VM exit, the VMM's fill ([21]).
if stepped 18 "step 17/17"; then
	pass "18 x F10: the read starts"
else
	fail "18 x F10: the read starts (step 17/17)"
fi
if stepped 4 "step 21/21"; then
	pass "4 x F10 from the read: step 21/21"
else
	fail "4 x F10 from the read: step 21/21"
fi
if grep -qF "VMM walks the guest's table for 0x401234" "$cap"; then
	pass "the walk pane: the VMM walks the guest's table"
else
	fail "the walk pane: the VMM walks the guest's table"
fi
golden shadow-sync
type_text "quit"
keys Enter
exited 0

# dump in the default setting: the boxes must come out as lines, not as
# the alternate character set's letters.
start acs 100x30 "$tmp/work" shadow-sync.scenario
see "starts" "vmscope>"
type_text "dump acs.txt"
keys Enter
dump_has_lines() {
	n=0
	while [ ! -f "$tmp/work/acs.txt" ] && [ "$n" -lt $((wait_s * 10)) ]; do
		sleep 0.1
		n=$((n + 1))
	done
	[ -f "$tmp/work/acs.txt" ] && ! grep -q '^lq address qqq' "$tmp/work/acs.txt"
}
if dump_has_lines; then
	pass "dump draws the boxes as lines, not as 'lqqk'"
else
	fail "dump wrote the alternate character set's letters"
fi

# At 160x48 the middle row has a frames pane.  In root mode under shadow
# paging it should list the host's frames the VMM uses: the guest's memory
# (0xffffff0..) and the shadow tables (0xfffffef..0xfffffec).
start frames 160x48 "$tmp/work" shadow-sync.scenario
see "starts" "vmscope>"
stepped 22 "step 21/21" >/dev/null
see "160x48: the frames pane" "pool: 64 frames" "physical memory"
see "160x48: the frames pane lists the shadow tables" "0xfffffef" "physical memory"
see "160x48: the guest's memory as one run of 16 frames" \
    "0xffffff0..0xfffffff memory" "physical memory"
see "160x48: in root mode the pt pane shows the guest's table" \
    "root mode: the table of guest g" "page table"
see "160x48: the guest's mapping in the pt pane" "0x401000 rw- user" \
    "page table"
# show frames in root mode lists all of them, in the log.
type_text "interrupt"
keys Enter
type_text "show frames"
keys Enter
see "show frames in root mode: the shadow tables' frames" "0xfffffec" log
no_inverted() {
	wait_for "0xfffffec" log && ! pane log | grep -qF "inverted table"
}
if no_inverted; then
	pass "show frames calls the shadow tables shadow tables"
else
	fail "show frames lists a shadow table as 'inverted table'"
fi

# ---- 7: the first lesson, built in ----

start lesson 100x30 "$tmp/work"
see "starts on the first lesson" "01-virtual-memory.lesson. F10 steps" log
keys F10
see "F10: the lesson's first narration, in the log" \
    "> memory, or the operating system's." log
see "F10: the lesson's first narration, in the narration pane" \
    "memory, or the operating system's." narration
see "the lesson pauses" "paused: F10 goes on"
keys F10 F10 F10
see "F10 x4: the lesson's machine" "2 levels, TLB 4" address
keys C-d
exited 0

# ---- 8: expect lines in a played file ----

# A passing expect is checked in the same F10 as the lines before it; a
# failing one stops the player with its error in the log.
printf '%s\n' '> one' 'expect faults 0' '> two' 'expect faults 7' \
    '> three' >"$tmp/work/expects.scenario"
start expects 100x30 "$tmp/work" expects.scenario
see "starts" "vmscope>"
keys F10
see "F10 passes a true expect on the way" "> two" log
see "and stops at a false one" \
    "expects.scenario:4: expected faults 7, got 0" log
absent "not past it" "> three" log
keys F10
see "the next F10 goes on" "> three" log
keys C-d
exited 0

# ---- 9: run goes on from a pause; a new machine clears the walk ----

printf '%s\n' 'machine va=32 pa=32 page=4K frames=3 tlb=4' 'process p' \
    'map 0x5000' 'read 0x5010' 'pause' '> second machine' \
    'machine va=32 pa=32 page=4K frames=3 tlb=4' 'process q' 'pause' \
    '> the end' >"$tmp/work/machines.lesson"
start machines 100x30 "$tmp/work" machines.lesson
see "starts" "vmscope>"
type_text "run"
keys Enter
see "run stops at the pause" "[10] read pa 0x10" walk
type_text "run"
keys Enter
see "run again goes on past the pause" "> second machine" log
see "the new machine's steps in the walk pane" "process q" walk
absent "nothing of the old machine's access there" "read 0x5010" walk
keys C-d
exited 0

# ---- 10: ask and the quiz ----

printf '%s\n' 'machine va=32 pa=32 page=4K frames=8 tlb=4' 'process p' \
    'map 0x401000' 'read 0x401234' 'ask vpn Which page number?' \
    'expect vpn 0x401' 'quiz on' 'read 0x401238' >"$tmp/work/quiz.lesson"
start quiz 100x30 "$tmp/work" quiz.lesson
see "starts" "vmscope>"
# F10 until TEXT is in PANE (at most 12 times): 0 when it came.
f10_until() {
	k=0
	while [ "$k" -lt 12 ]; do
		keys F10
		sleep 0.1
		snap
		pane "$2" | grep -qF -- "$1" && return 0
		k=$((k + 1))
	done
	return 1
}
if f10_until "? Which page number?" narration; then
	pass "ask stops before the read is shown"
else
	fail "ask stops before the read is shown: no question"
fi
see "the prompt asks for the answer" "answer>"
absent "the answer is not on the screen yet" "vpn 0x401" address
type_text "0x400"
keys Enter
see "a wrong answer is told the answer and why" \
    "not quite: the answer is 0x401, because" narration
see "the score" "0 of 1 right" narration
see "the prompt is back" "vmscope>"
see "the answer shows the step asked about" "vpn 0x401" address
type_text "run"
keys Enter
see "quiz on: asks before the split" \
    "? The CPU splits 0x401238: which virtual page number?" narration
type_text "401"
keys Enter
see "a right answer (plain digits read in hex)" "right: 0x401" narration
see "and the split is shown" "0x401238: vpn 0x401" address
keys F10
see "quiz: then the TLB" "? The TLB is probed for vpn 0x401: hit or miss?" \
    narration
type_text "reveal"
keys Enter
see "reveal gives the answer" "the answer: hit, because" narration
see "the score counts answers only" "1 of 2 right" narration
keys C-d
exited 0

# ---- 11: generate typed in the shell plays the new exercise ----

start gen 100x30 "$tmp/work" quiz.lesson
see "starts" "vmscope>"
type_text "generate tlb seed=3"
keys Enter
see "generate: the exercise is played" "playing generated tlb seed=3" log
if f10_until "? does the TLB hit or miss?" narration; then
	pass "generate: its first question waits for an answer"
else
	fail "generate: no question from the generated exercise"
fi
keys C-d
exited 0

# ---- 12: a played file is a file: OPT knows its future, save needs
#      --allow-write, and a syntax error anywhere stops it before it runs

printf '%s\n' 'machine va=32 pa=32 page=4K frames=2 policy=opt' 'process p' \
    'map 0x10000 pages=3 disk' 'read 0x10000' 'read 0x11000' \
    'read 0x12000' 'expect pa 0x1000' 'read 0x10000' 'expect tlb hit' \
    'save out.txt' '> the end' >"$tmp/work/opt.lesson"
start opt 100x30 "$tmp/work" opt.lesson
see "starts" "vmscope>"
type_text "run"
keys Enter
see "the file ran to its end" "> the end" log
absent "OPT was not refused" "needs the future" log
absent "OPT evicts the page not used again (expect pa 0x1000 held)" \
    "opt.lesson:7" log
see "save from a played file needs --allow-write" "allow-write" log
keys C-d
exited 0
[ -f "$tmp/work/out.txt" ] && fail "a played file wrote out.txt" ||
    pass "a played file wrote no file"

printf '%s\n' 'machine va=32 pa=32 page=4K' 'process p' 'raed 0x1000' \
    >"$tmp/work/typo.scenario"
start typo 100x30 "$tmp/work" typo.scenario
exited 2 "typo.scenario:3:1: unknown command 'raed'"

# ---- 13: at 80x24: reveal keeps the narration; PgUp shows the log the
#      narration covers, the next step gives the narration back

printf '%s\n' 'machine va=32 pa=32 page=4K frames=8 tlb=4' 'process p' \
    '> one' '> two' '> three' '> four' '> five' '> six' '> seven' \
    'map 0x401000' 'read 0x401234' 'ask vpn Which page number?' \
    'expect vpn 0x401' '> after' >"$tmp/work/small.lesson"
start small2 80x24 "$tmp/work" small.lesson
see "starts" "vmscope>"
if f10_until "? Which page number?" narration; then
	pass "80x24: the question"
else
	fail "80x24: no question"
fi
type_text "reveal"
keys Enter
see "reveal keeps the paragraph in the narration" "seven" narration
see "and gives the answer" "the answer: 0x401" narration
keys PPage
see "PgUp: the log takes the narration's rows" "map 0x401000" log
absent "PgUp: no narration pane meanwhile" "seven" narration
keys F10
see "F10: the narration is back" "the answer: 0x401" narration
keys C-d
exited 0

# ---- 14: sweep charts in the walk's place until the next step ----

cp tests/sweep/lru.scenario "$tmp/work/lru.scenario"
start sweep 100x30 "$tmp/work" quiz.lesson
see "starts" "vmscope>"
type_text "sweep frames 2..8 on lru.scenario"
keys Enter
see "the chart pane" "TLB miss rate (%)" sweep
see "a bar per value" "8 |" sweep
keys F10
see "F10: the walk is back" "(the steps of the current access)" walk
absent "F10: no chart pane" "TLB miss rate" sweep
keys C-d
exited 0

# ---- 15: a trace's statistics in the walk's place (below 40 lines) or
# the statistics pane, until the next step ----

cp tests/trace/small.plain "$tmp/work/small.plain"
start trace80 80x24 "$tmp/work" quiz.lesson
see "starts" "vmscope>"
type_text "machine va=32 pa=32 tlb=16"
keys Enter
type_text "trace small.plain"
keys Enter
see "in the walk's place" "references   22: reads 9, writes 6, fetches 7" "the trace"
see "TLB hits and misses" "TLB          hits 13, misses 9: 59.09% hits" "the trace"
see "the rest: zoom chart" "... more: zoom chart" "the trace"
type_text "zoom chart"
keys Enter
see "zoomed: the working set" "working set  pages touched: 9 in 22 references" "the trace"
see "zoomed: the effective access time" "(the effective access time)" "the trace"
type_text "zoom off"
keys Enter
keys F10
see "F10: the walk is back" "(the steps of the current access)" walk
absent "F10: the trace's figures gone" "references   22" "the trace"
keys C-d
exited 0

start trace160 160x48 "$tmp/work" quiz.lesson
see "starts" "vmscope>"
type_text "machine va=32 pa=32 tlb=16"
keys Enter
type_text "trace small.plain"
keys Enter
see "the statistics pane" "page faults  9" "the trace"
see "the walk stays" "(the steps of the current access)" walk
keys F10
see "F10: the machine's statistics" "accesses 0 (reads 0, writes 0, fetches 0)" statistics
keys C-d
exited 0

echo "screen: $passed passed, $failed failed, $known known bugs"
[ "$failed" -eq 0 ]
