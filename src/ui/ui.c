/*
 * ui.c - the screen.  ncurses panes, laid out from the terminal's size,
 * each drawn only from the engine's state (its queries and text views)
 * and the events it reported; GNU readline through its callback
 * interface in a one-line command window at the bottom, never touching
 * the terminal itself; a player that walks a lesson or scenario line by
 * line and the engine micro-step by micro-step.
 *
 * Keys: Enter on an empty line repeats the last command (or steps), F10
 * steps, F9 steps back, F6 zooms the next pane, F1 or ? (on an empty
 * line) shows help, PgUp/PgDn scroll the log, Ctrl-L redraws, Ctrl-C
 * stops the work (play, run, a trace...) and clears the line, Ctrl-D or
 * quit leaves.
 *
 * Faults: SIGINT is Ctrl-C; SIGTERM and SIGHUP (a terminal that goes away
 * is one) leave as quit does, with 128 + the signal's number; the signals
 * that end a program put the terminal back first.  A terminal that cannot
 * show the screen is refused before ncurses starts (tty.h).
 */
#define NCURSES_WIDECHAR 1
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include <curses.h>
#include <readline/readline.h>
#include <readline/history.h>

#include "core/engine.h"
#include "script/cmd.h"
#include "script/gen.h"
#include "script/keys.h"
#include "script/quiz.h"
#include "script/run.h"
#include "script/shelf.h"
#include "script/sweep.h"
#include "ui/tty.h"
#include "ui/ui.h"

#define LOG_MAX		2000
#define WALK_MAX	64
#define NARR_MAX	16
#define LINE_W		512
#define QUIZ_MAX	8
#define MIN_W		80
#define MIN_H		24
#define HISTORY_MAX	1000	/* lines of history kept */
#define KEYQ_MAX	256	/* keys typed during long work, kept */
#define POLL_MS		50	/* the loop waits for a key this long, and
				 * long work looks for Ctrl-C this often */
#define BUSY_MS		500	/* after this long, the prompt says so */
#define DEAD_MAX	100	/* keys that fail at once in a row: the
				 * terminal went away */

enum pane { P_ADDR, P_TLB, P_WALK, P_PT, P_FRAMES, P_VMX, P_STATS, P_NARR,
	P_LOG, P_DISK, P_CHART, P_N };

static const char *const pane_names[P_N] = { "address", "tlb", "walk", "pt",
	"frames", "vmx", "stats", "narration", "log", "disk", "chart" };

struct wline {
	uint64_t step;
	uint16_t kind;		/* enum ev_kind */
	uint8_t level, gl;	/* walk: level; nested: EPT and guest level */
	char text[LINE_W];
};

/* The keys, for help and the key bar (man/vmscope.1 KEYS lists the
 * same; tests/keys.sh checks it). */
static const struct {
	const char *key, *what;
} ui_keys[] = {
	{ "Enter", "on an empty line: repeat the last command, or step" },
	{ "F10", "one step" },
	{ "F9", "one micro-step back" },
	{ "F6", "zoom the next pane" },
	{ "F1", "help (also ? on an empty line)" },
	{ "PgUp", "scroll the log up (or show it, where the narration "
	    "covers it)" },
	{ "PgDn", "scroll the log down" },
	{ "Ctrl-L", "redraw" },
	{ "Ctrl-C", "stop the work (play, run, a trace), clear the line" },
	{ "Ctrl-D", "quit (on an empty line)" },
	{ NULL, NULL }
};

static struct {
	struct session *s;
	const struct engine *engine;	/* the machine the panes show */
	unsigned flags;
	bool color;
	WINDOW *pw[P_N];
	WINDOW *cmd, *keybar;
	int zoom;		/* -1: none */
	bool small;

	char *log[LOG_MAX];	/* a ring */
	size_t loghead, nlog, scroll;
	bool tracev;		/* the last trace's statistics are shown
				 * (trace_stats_from) */
	bool chart;		/* the last sweep is charted in place of the
				 * walk until the next step */
	struct wline walk[WALK_MAX];
	int nwalk;
	char narr[NARR_MAX][LINE_W];
	int nnarr;		/* narration since the last pause */
	bool narr_new;		/* a pause was reached: the next line starts
				 * a new paragraph */
	int narr_h;		/* the narration pane's rows, 0 none */

	char *text;		/* the file played */
	size_t textlen, off;
	unsigned long lineno;
	unsigned long errors;	/* error lines logged so far */
	char fname[LINE_W];
	bool paused;
	int playing;		/* play: milliseconds between steps, or -1 */

	char last[4096];	/* the last command, for Enter */
	bool fromfile;		/* the line comes from the file played */
	long tlbset, tlbway;	/* the entry the last probe hit or filled,
				 * -1 none */
	uint64_t wpa, widx;	/* the last entry the walk read, its index */
	int wlevel;		/* its level, 0 none */
	uint16_t wkind;		/* EV_WALK, EV_GWALK or EV_NWALK */
	bool log_peek;		/* PgUp without room for the log: the
				 * narration's rows go to it */
	bool wshadow;		/* EV_WALK of a shadow table */
	uint32_t walkop;	/* the operation the walk pane shows */
	int pending;
	bool have_pending;
	char *ready;		/* a line readline finished */
	bool eof;
	char histfile[LINE_W + 16];

	/* long work (run, step N, a trace, a sweep): Ctrl-C stops it */
	bool working;		/* a key or line is being acted on */
	bool stop;		/* Ctrl-C (or a signal) came meanwhile */
	bool busy_shown;	/* the prompt says "working" */
	double work_t0, polled;	/* when the work began, the last poll */
	int keyq[KEYQ_MAX];	/* keys typed meanwhile, for afterwards */
	int nkeyq;
	int dead;		/* wgetch failed at once this many times */

	/* the quiz: questions posted, the one asked, the score */
	bool quiz_on;
	struct quiz_q quiz[QUIZ_MAX];
	int nquiz, iquiz;	/* iquiz < nquiz: a question waits */
	uint64_t quiz_upto;	/* steps up to here were considered */
	unsigned qright, qasked;
	unsigned lastkind;	/* the kind of the last event shown */
} U;

static volatile sig_atomic_t ui_signal;	/* SIGTERM, SIGHUP: leave */
static volatile sig_atomic_t ui_intr;	/* SIGINT: stop the work */

/* For the crash path, where ncurses cannot be called: the terminal's
 * settings before the screen, and the bytes that undo the screen's
 * modes (attributes, cursor, keypad, alternate screen). */
static struct termios ui_tty0;
static volatile sig_atomic_t ui_tty_saved;
static char ui_reset[256];
static size_t ui_reset_len;

static bool quiz_pending(void);
static double now_s(void);
static void log_add(const char *, size_t);

/* ---- signals and long work ---- */

/* The other signals that end a program, at once: the terminal is put
 * back first (ui_die), then their old action (the default, or a
 * sanitizer's report) runs.  The first seven are crashes. */
static const int crash_sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT,
	SIGTRAP, SIGSYS, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGPIPE, SIGXCPU,
	SIGXFSZ, SIGVTALRM, SIGPROF };
#define N_CRASHES 7
#define N_CRASH (sizeof crash_sigs / sizeof crash_sigs[0])
static struct sigaction ui_crash_old[N_CRASH];

static const struct {
	int sig;
	const char *name;
} sig_names[] = {
	{ SIGINT, "SIGINT" }, { SIGTERM, "SIGTERM" }, { SIGHUP, "SIGHUP" },
	{ SIGQUIT, "SIGQUIT" }, { SIGSEGV, "SIGSEGV" }, { SIGBUS, "SIGBUS" },
	{ SIGFPE, "SIGFPE" }, { SIGILL, "SIGILL" }, { SIGABRT, "SIGABRT" },
	{ SIGTRAP, "SIGTRAP" }, { SIGSYS, "SIGSYS" }, { SIGUSR1, "SIGUSR1" },
	{ SIGUSR2, "SIGUSR2" }, { SIGALRM, "SIGALRM" }, { SIGPIPE, "SIGPIPE" },
	{ SIGXCPU, "SIGXCPU" }, { SIGXFSZ, "SIGXFSZ" },
	{ SIGVTALRM, "SIGVTALRM" }, { SIGPROF, "SIGPROF" },
	{ 0, NULL }
};

/* s appended to buf (off bytes used of size), for sig_message. */
static size_t
sig_put(char *buf, size_t off, size_t size, const char *s)
{
	while (*s != '\0' && off + 1 < size)
		buf[off++] = *s++;
	return off;
}

/* "vmscope: WHAT signal N (NAME)\n" into buf, its length: without
 * stdio, so that a signal handler may call it. */
static size_t
sig_message(char *buf, size_t size, const char *what, int sig)
{
	char num[16];
	size_t off, n = 0, i;
	int v = sig;

	do {
		num[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0 && n < sizeof num);
	off = sig_put(buf, 0, size, "vmscope: ");
	off = sig_put(buf, off, size, what);
	off = sig_put(buf, off, size, " signal ");
	while (n > 0 && off + 1 < size)
		buf[off++] = num[--n];
	for (i = 0; sig_names[i].name != NULL; i++)
		if (sig_names[i].sig == sig) {
			off = sig_put(buf, off, size, " (");
			off = sig_put(buf, off, size, sig_names[i].name);
			off = sig_put(buf, off, size, ")");
		}
	off = sig_put(buf, off, size, "\n");
	buf[off] = '\0';
	return off;
}

/* The crash path: the terminal as it was before the screen, with only
 * what a signal handler may call. */
static void
tty_emergency(void)
{
	ssize_t w;

	if (!ui_tty_saved)
		return;
	ui_tty_saved = 0;
	w = write(STDOUT_FILENO, ui_reset, ui_reset_len);
	(void)w;
	(void)tcsetattr(STDIN_FILENO, TCSANOW, &ui_tty0);
}

/* End the program from a signal handler: the terminal put back, one line
 * said, then sig again with old as its action (NULL: the default), which
 * ends the program once the handler returns. */
static void
ui_die(int sig, const char *what, const struct sigaction *old)
{
	struct sigaction dfl;
	char msg[96];
	size_t n;
	ssize_t w;

	tty_emergency();
	n = sig_message(msg, sizeof msg, what, sig);
	w = write(STDERR_FILENO, msg, n);
	(void)w;
	if (old == NULL) {
		memset(&dfl, 0, sizeof dfl);
		sigemptyset(&dfl.sa_mask);
		dfl.sa_handler = SIG_DFL;
		old = &dfl;
	}
	(void)sigaction(sig, old, NULL);
	(void)raise(sig);
}

/*
 * Long work (run, step N, a trace, a sweep, a loaded file) asks this now
 * and then: true once Ctrl-C was typed, or SIGINT, SIGTERM or SIGHUP came,
 * since the key or line being acted on was read.  The keyboard is read
 * every POLL_MS (in raw mode Ctrl-C is a byte, not a signal); the other
 * keys typed meanwhile are kept for afterwards, those before a Ctrl-C
 * dropped.  After BUSY_MS the prompt says that Ctrl-C stops the work.
 */
static bool
ui_stop(void)
{
	double t;
	int c, k;

	if (U.stop)
		return true;
	if (ui_intr || ui_signal) {
		ui_intr = 0;
		U.stop = true;
		return true;
	}
	if (!U.working || U.cmd == NULL)
		return false;
	t = now_s();
	if (t - U.polled < POLL_MS / 1e3)
		return false;
	U.polled = t;
	if (!U.busy_shown && t - U.work_t0 >= BUSY_MS / 1e3) {
		U.busy_shown = true;
		werase(U.cmd);
		mvwaddnstr(U.cmd, 0, 0, "working... Ctrl-C stops", COLS);
		wrefresh(U.cmd);
	}
	wtimeout(U.cmd, 0);
	for (k = 0; k < 4 * KEYQ_MAX && (c = wgetch(U.cmd)) != ERR; k++) {
		if (c == 3) {
			U.stop = true;
			U.nkeyq = 0;
		} else if (U.nkeyq < KEYQ_MAX)
			U.keyq[U.nkeyq++] = c;
	}
	wtimeout(U.cmd, POLL_MS);
	return U.stop;
}

/* The same, for the session (run.h). */
static bool
ui_stop_hook(void *arg)
{
	(void)arg;
	return ui_stop();
}

/* A key or a line is about to be acted on. */
static void
work_begin(void)
{
	U.working = true;
	U.stop = false;
	U.busy_shown = false;
	U.work_t0 = U.polled = now_s();
}

/* It was: if Ctrl-C cut it short, play stops too and the log says so. */
static void
work_end(void)
{
	U.working = false;
	if (U.stop) {
		U.stop = false;
		U.playing = -1;
		log_add("-- stopped (Ctrl-C) --", 22);
	}
}

/* ---- the log, the walk, narration ---- */

static void
log_add(const char *s, size_t n)
{
	char *l;
	size_t i;

	if (n > LINE_W - 1)
		n = LINE_W - 1;
	if ((l = (char *)malloc(n + 1)) == NULL)
		return;
	memcpy(l, s, n);
	l[n] = '\0';
	for (i = 0; i < n; i++)		/* no control bytes on the screen */
		if ((unsigned char)l[i] < 0x20)
			l[i] = ' ';
	i = (U.loghead + U.nlog) % LOG_MAX;
	if (U.nlog == LOG_MAX) {
		free(U.log[U.loghead]);
		U.log[U.loghead] = l;
		U.loghead = (U.loghead + 1) % LOG_MAX;
	} else {
		U.log[i] = l;
		U.nlog++;
	}
	U.scroll = 0;
}

static void
narr_add(const char *s, size_t n)
{
	if (U.narr_new) {
		U.nnarr = 0;
		U.narr_new = false;
	}
	if (U.nnarr == 0 && n == 0)
		return;		/* a paragraph starts with its text */
	if (U.nnarr == NARR_MAX) {
		memmove(U.narr[0], U.narr[1], sizeof U.narr[0] *
		    (NARR_MAX - 1));
		U.nnarr--;
	}
	if (n > LINE_W - 1)
		n = LINE_W - 1;
	memcpy(U.narr[U.nnarr], s, n);
	U.narr[U.nnarr][n] = '\0';
	U.nnarr++;
}

static void
sink_out(void *arg, const char *line, size_t len)
{
	(void)arg;
	log_add(line, len);
	if (len >= 1 && line[0] == '>')
		narr_add(len >= 2 ? line + 2 : "", len >= 2 ? len - 2 : 0);
}

static void
sink_err(void *arg, const char *line, size_t len)
{
	char buf[LINE_W];
	int n;

	(void)arg;
	U.errors++;
	n = snprintf(buf, sizeof buf, "! %.*s", (int)len, line);
	if (n > 0) {
		/* in the narration too: the log may have no rows */
		log_add(buf, (size_t)n < sizeof buf ? (size_t)n :
		    sizeof buf - 1);
		narr_add(buf, (size_t)n < sizeof buf ? (size_t)n :
		    sizeof buf - 1);
	}
}

/* A machine line made a new machine: what the panes kept of the old
 * one's last access goes. */
static void
machine_changed(const struct engine *e)
{
	if (e == U.engine)
		return;
	U.engine = e;
	U.nwalk = 0;
	U.wlevel = 0;
	U.tlbset = U.tlbway = -1;
}

/* Every micro-step: its line goes to the walk pane (which holds the
 * steps of the current access). */
static void
on_event(void *arg, const struct engine *e, const struct event *ev)
{
	(void)arg;
	machine_changed(e);
	U.lastkind = ev->kind;
	if (ev->kind == EV_SPLIT || U.nwalk == WALK_MAX ||
	    (U.nwalk > 0 && ev->op != U.walkop)) {
		/* a new operation: the pane holds its steps only */
		U.nwalk = 0;
		U.wlevel = 0;
	}
	U.walkop = ev->op;
	if (ev->kind == EV_WALK || ev->kind == EV_GWALK ||
	    ev->kind == EV_NWALK) {
		U.wpa = ev->a;
		U.widx = ev->kind == EV_WALK ? ev->c : ev->d;
		U.wlevel = ev->level;
		U.wkind = ev->kind;
		U.wshadow = ev->kind == EV_WALK && ev->e != 0;
	} else if (ev->kind == EV_SPLIT)
		U.wlevel = 0;
	if (ev->kind == EV_TLB_HIT || ev->kind == EV_TLB_FILL) 	{
		U.tlbset = (long)ev->c;
		U.tlbway = (long)ev->d;
	}
	else if (ev->kind == EV_SPLIT)
		U.tlbset = U.tlbway = -1;
	U.walk[U.nwalk].step = ev->step;
	U.walk[U.nwalk].kind = ev->kind;
	U.walk[U.nwalk].level = ev->level;
	U.walk[U.nwalk].gl = ev->kind == EV_NWALK ? (uint8_t)ev->e : 0;
	event_format(e, ev, U.walk[U.nwalk].text, LINE_W);
	U.nwalk++;
}

/* One micro-step driven by the screen itself (not by a command). */
static bool
ui_step(void)
{
	struct event ev;

	if (!engine_step(U.s->engine, &ev))
		return false;
	run_emit(U.s, &ev);
	return true;
}

/* After back: the walk pane forgets the steps undone. */
static void
walk_trim(void)
{
	uint64_t pos = engine_position(U.s->engine);

	while (U.nwalk > 0 && U.walk[U.nwalk - 1].step > pos)
		U.nwalk--;
}

/* ---- drawing ---- */

static void
draw_box(WINDOW *w, const char *title)
{
	int wd = getmaxx(w);

	werase(w);
	if (U.flags & UI_ASCII)
		wborder(w, '|', '|', '-', '-', '+', '+', '+', '+');
	else
		box(w, 0, 0);
	if (title != NULL && wd > 6) {
		wattron(w, A_BOLD);
		mvwprintw(w, 0, 2, " %.*s ", wd - 6, title);
		wattroff(w, A_BOLD);
	}
}

/* The attribute of a line: a second cue (bold, plus a colour when
 * there is one) for what matters. */
static attr_t
line_attr(const char *s)
{
	int pair = 0;

	if (strstr(s, "miss") || strstr(s, "fault") || strstr(s, "! "))
		pair = 1;
	else if (strstr(s, "hit"))
		pair = 2;
	else if (strstr(s, "VM exit") || strstr(s, "VM entry") ||
	    strstr(s, "VMM") || strstr(s, "#VMEXIT"))
		pair = 3;
	if (pair == 0)
		return 0;
	return A_BOLD | (U.color ? COLOR_PAIR(pair) : 0);
}

/* The bytes of s that go on one row of wd columns: all of it if it
 * fits, else up to the last space past the middle, else wd bytes (not
 * cutting a UTF-8 sequence). */
static size_t
wrap_len(const char *s, int wd)
{
	size_t n = strlen(s), k;

	if (wd <= 0)
		return n;
	if (n <= (size_t)wd)
		return n;
	for (k = (size_t)wd; k > (size_t)wd / 2; k--)
		if (s[k] == ' ')
			return k;
	for (k = (size_t)wd; k > 1 && ((unsigned char)s[k] & 0xc0) == 0x80;
	    k--)
		;
	return k;
}

/* Continuation rows are indented two past the line's own indent. */
static int
wrap_indent(const char *s, int wd)
{
	int i = 0;

	while (s[i] == ' ')
		i++;
	i += 2;
	return i < wd / 3 ? i : 0;
}

static int wrap_rows_wd(WINDOW *, int, int, int, int, const char *, bool);

/* Draw s from row y of w, wrapped at the pane's width, its rows that
 * fall in ymin..ymax-1; with draw false only count.  Returns the rows
 * it takes. */
static int
wrap_rows(WINDOW *w, int y, int ymin, int ymax, const char *s, bool draw)
{
	return wrap_rows_wd(w, getmaxx(w) - 2, y, ymin, ymax, s, draw);
}

/* The same, for wd columns; w may be NULL when draw is false. */
static int
wrap_rows_wd(WINDOW *w, int wd, int y, int ymin, int ymax, const char *s,
    bool draw)
{
	int ind = wrap_indent(s, wd), rows = 0, cw = wd;
	attr_t at = draw ? line_attr(s) : 0;
	size_t k;

	if (wd <= 0)
		return 1;
	if (draw)
		wattron(w, at);
	do {
		k = wrap_len(s, cw);
		if (draw && y + rows >= ymin && y + rows < ymax)
			mvwaddnstr(w, y + rows, 1 + (rows ? ind : 0), s, (int)k);
		rows++;
		s += k;
		while (*s == ' ')
			s++;
		cw = wd - ind;
	} while (*s != '\0');
	if (draw)
		wattroff(w, at);
	return rows;
}

static int
wrap_line(WINDOW *w, int y, int ymax, const char *s, bool draw)
{
	return wrap_rows(w, y, y, ymax, s, draw);
}

/* A line on one row, clipped. */
static void
put_line(WINDOW *w, int y, const char *s)
{
	int wd = getmaxx(w) - 2;
	attr_t at = line_attr(s);

	if (wd <= 0)
		return;
	wattron(w, at);
	mvwaddnstr(w, y, 1, s, wd);
	wattroff(w, at);
}

/* Lines (an array of n) into rows y..ymax-1 of w, wrapped: as many of
 * the latest as fit, the last at the bottom.  The first of them, when
 * it does not fit whole, loses its top rows with cut (a log, as a
 * terminal scrolls), else its bottom rows (a list of steps, where a
 * line's start says what it is). */
static void
wrap_bottom(WINDOW *w, int y, int ymax, const char *const *line, int n,
    bool cut)
{
	int i, rows = 0, top = y, r = 0;

	for (i = n; i > 0 && rows < ymax - y; i--) {
		r = wrap_line(w, 0, 0, line[i - 1], false);
		rows += r;
	}
	if (rows > ymax - y) {
		if (cut)
			y -= rows - (ymax - y);	/* starts above the pane */
		else {
			/* its first rows, those the others leave */
			int keep = r - (rows - (ymax - y));

			(void)wrap_rows(w, y, y, y + keep, line[i], true);
			/* its end is not shown: say so */
			mvwaddstr(w, y + keep - 1, getmaxx(w) - 4, "...");
			y += keep;
			i++;
		}
	}
	for (; i < n && y < ymax; i++)
		y += wrap_rows(w, y, top, ymax, line[i], true);
}

/* The box's right edge on row y again, after a wclrtoeol. */
static void
draw_right_border(WINDOW *w, int y)
{
	if (U.flags & UI_ASCII)
		mvwaddch(w, y, getmaxx(w) - 1, '|');
	else
		mvwaddch(w, y, getmaxx(w) - 1, ACS_VLINE);
}

/* Whether a row of the TLB view (set and way, or only the way when
 * there is one set) is the entry the last probe hit or filled. */
static bool
tlb_row_marked(const char *line, int cols)
{
	char *end;
	unsigned long set = 0, way;

	if (U.tlbway < 0)
		return false;
	if (cols == 2) {
		set = strtoul(line, &end, 10);
		line = end;
	}
	way = strtoul(line, &end, 10);
	return end != line && (long)set == U.tlbset && (long)way == U.tlbway;
}

/* Text (lines separated by \n) into a boxed pane, from line skip,
 * wrapped (the TLB, a table, is clipped: it has a narrow form). */
static void
draw_text(enum pane p, const char *title, const char *text, size_t skip)
{
	WINDOW *w = U.pw[p];
	const char *q, *e;
	char line[LINE_W];
	int y = 1, h, cols = 0;
	size_t n, i = 0;

	if (w == NULL)
		return;
	draw_box(w, title);
	h = getmaxy(w) - 1;
	for (q = text; q != NULL && *q != '\0' && y < h; q = e ? e + 1 :
	    NULL) {
		e = strchr(q, '\n');
		n = e ? (size_t)(e - q) : strlen(q);
		if (i++ < skip)
			continue;
		if (n >= sizeof line)
			n = sizeof line - 1;
		memcpy(line, q, n);
		line[n] = '\0';
		if (p == P_TLB && (strncmp(line, "set ", 4) == 0 ||
		    strncmp(line, "way ", 4) == 0))
			cols = line[0] == 's' ? 2 : 1;	/* the heading */
		else if (p == P_TLB && cols != 0 && tlb_row_marked(line,
		    cols)) {
			/* the entry the last probe hit or filled */
			wattron(w, A_REVERSE);
			mvwaddnstr(w, y++, 1, line, getmaxx(w) - 2);
			wattroff(w, A_REVERSE);
			continue;
		}
		if (p == P_TLB || (p == P_CHART && U.chart))	/* tables */
			put_line(w, y++, line);
		else
			y += wrap_line(w, y, h, line, true);
	}
	if (q != NULL && *q != '\0' && h >= 3) {
		/* more than fits: say so on the last row */
		char more[64];

		snprintf(more, sizeof more, "... more: zoom %s", pane_names[p]);
		wmove(w, h - 1, 1);
		wclrtoeol(w);
		wattron(w, A_BOLD);
		mvwaddnstr(w, h - 1, 1, more, getmaxx(w) - 2);
		wattroff(w, A_BOLD);
		draw_right_border(w, h - 1);
	}
	wnoutrefresh(w);
}

static void
draw_show(enum pane p, const char *what, const char *title)
{
	struct strbuf b;
	struct verr ve;

	if (U.pw[p] == NULL)
		return;
	sb_init(&b);
	if (engine_show_n(U.s->engine, what, (size_t)getmaxy(U.pw[p]),
	    (size_t)getmaxx(U.pw[p]) - 2, &b, &ve) != 0)
		sb_printf(&b, "%s", ve.msg);
	if (p == P_TLB && b.s != NULL && strncmp(b.s, "TLB: ", 5) == 0 &&
	    strchr(b.s, '\n') != NULL) {
		/* the TLB's heading is the pane's title: a row for an entry */
		char t[128];
		const char *nl = strchr(b.s, '\n');

		snprintf(t, sizeof t, "%.*s", (int)(nl - b.s), b.s);
		draw_text(p, t, nl + 1, 0);
	} else
		draw_text(p, title, b.s != NULL ? b.s : "", 0);
	sb_free(&b);
}

static uint64_t
q_num(const char *name, bool *ok)
{
	struct qval q;
	struct verr ve;

	*ok = engine_query(U.s->engine, name, &q, &ve) == 0 &&
	    q.kind == QV_NUM;
	return *ok ? q.num : 0;
}

static const char *
q_word(const char *name)
{
	struct qval q;
	struct verr ve;

	if (engine_query(U.s->engine, name, &q, &ve) != 0 ||
	    q.kind == QV_NONE)
		return "none";
	return q.kind == QV_WORD ? q.word : "?";
}

/* The address bar: the VA in binary, a field per level and the offset,
 * the values beside; then the physical address. */
static void
draw_addr(void)
{
	const struct mconfig *c = engine_config(U.s->engine);
	WINDOW *w = U.pw[P_ADDR];
	char line[LINE_W], idx[16];
	uint64_t va, vpn, off, pa;
	bool ok, okpa, pa_row1;
	int x, wd, i, bits;
	unsigned l;

	if (w == NULL)
		return;
	snprintf(line, sizeof line, "address  (step %llu/%llu)",
	    (unsigned long long)engine_position(U.s->engine),
	    (unsigned long long)engine_end(U.s->engine));
	draw_box(w, line);
	wd = getmaxx(w) - 2;
	vpn = q_num("vpn", &ok);
	off = q_num("offset", &ok);
	pa = q_num("pa", &okpa);
	if (!ok) {
		mvwaddnstr(w, 1, 1, "no access yet: try  process p,  map "
		    "0x1000,  read 0x1010", wd);
		mvwprintw(w, 2, 1, "machine: va %u, pa %u, page %llu, %u "
		    "level%s, TLB %u", c->va, c->pa,
		    (unsigned long long)c->page, c->levels,
		    c->levels == 1 ? "" : "s", c->tlb);
		wnoutrefresh(w);
		return;
	}
	va = (vpn << c->page_bits) | off;
	x = 1;
	mvwaddstr(w, 1, x, "VA ");
	x += 3;
	bits = (int)c->va;
	for (l = 0; l <= c->levels && x < wd; l++) {
		int n = l < c->levels ? (int)c->split[l] : (int)c->page_bits;

		if (c->pt == PT_INVERTED && l < c->levels)
			n = (int)(c->va - c->page_bits);
		if (U.color)
			wattron(w, COLOR_PAIR(4 + (int)(l % 3)));
		if (l == c->levels)
			wattron(w, A_UNDERLINE);
		for (i = 0; i < n && x < wd; i++) {
			bits--;
			mvwaddch(w, 1, x++, ((va >> bits) & 1) ? '1' : '0');
		}
		wattroff(w, A_UNDERLINE);
		if (U.color)
			wattroff(w, COLOR_PAIR(4 + (int)(l % 3)));
		if (x < wd)
			mvwaddch(w, 1, x++, '|');
		if (c->pt == PT_INVERTED && l < c->levels)
			l = c->levels - 1;
	}
	/* the physical address after the bits when it fits there, else at
	 * the end of the second row */
	if (okpa)
		snprintf(line, sizeof line, "  -> PA 0x%llx",
		    (unsigned long long)pa);
	else
		snprintf(line, sizeof line, "  -> PA ...");
	pa_row1 = x + (int)strlen(line) <= wd;
	if (pa_row1)
		mvwaddstr(w, 1, x, line);
	line[0] = '\0';
	for (l = 1; l <= c->levels && c->pt == PT_RADIX; l++) {
		snprintf(idx, sizeof idx, "index.%u", l);
		snprintf(line + strlen(line), sizeof line - strlen(line),
		    "L%u=%llu ", l, (unsigned long long)q_num(idx, &ok));
	}
	{
		char l2[LINE_W];
		int k = snprintf(l2, sizeof l2, "0x%llx: vpn 0x%llx off 0x%llx "
		    "%.200s tlb %s  fault %s  ", (unsigned long long)va,
		    (unsigned long long)vpn, (unsigned long long)off, line,
		    q_word("tlb"), q_word("fault"));

		if (k > wd)	/* narrow: the VA is in the bits above */
			k = snprintf(l2, sizeof l2, "vpn 0x%llx off 0x%llx "
			    "%.200stlb %s fault %s ", (unsigned long long)vpn,
			    (unsigned long long)off, line, q_word("tlb"),
			    q_word("fault"));

		if (k > 0 && (size_t)k < sizeof l2 && !pa_row1) {
			if (okpa)
				snprintf(l2 + k, sizeof l2 - (size_t)k,
				    "PA 0x%llx", (unsigned long long)pa);
			else
				snprintf(l2 + k, sizeof l2 - (size_t)k,
				    "PA ...");
		}
		mvwaddnstr(w, 2, 1, l2, wd);
	}
	wnoutrefresh(w);
}

/* Nested paging: the 2D walk as a grid, guest levels (and the data) by
 * EPT levels and the guest entry; x done, > the last reference.  The
 * title counts the references made. */
static void
nested_grid(struct strbuf *b, char *title, size_t tsize)
{
	const struct mconfig *c = engine_config(U.s->engine);
	char cell[8][8];
	int i, gl, el, n = (int)c->levels, last = -1, refs = 0;

	if (n > 6)
		return;
	memset(cell, '.', sizeof cell);
	for (i = U.nwalk; i > 0; i--)	/* the walk after a restart */
		if (U.walk[i - 1].kind == EV_RESTART)
			break;
	for (; i < U.nwalk; i++) {
		if (U.walk[i].kind == EV_NWALK && U.walk[i].gl >= 1 &&
		    U.walk[i].gl <= n + 1 && U.walk[i].level >= 1 &&
		    U.walk[i].level <= n) {
			cell[U.walk[i].gl - 1][U.walk[i].level - 1] = 'x';
			last = (U.walk[i].gl - 1) * 8 + U.walk[i].level - 1;
			refs++;
		} else if (U.walk[i].kind == EV_GWALK && U.walk[i].level >= 1 &&
		    U.walk[i].level <= n) {
			cell[U.walk[i].level - 1][n] = 'x';
			last = (U.walk[i].level - 1) * 8 + n;
			refs++;
		}
	}
	if (refs == 0)
		return;
	if (last >= 0)
		cell[last / 8][last % 8] = '>';
	snprintf(title, tsize, "2D walk: %d of %d references", refs,
	    (n + 1) * (n + 1) - 1);
	sb_printf(b, "       ");
	for (el = 0; el < n; el++)
		sb_printf(b, "%s%d ", c->vendor == VENDOR_AMD ? "NPT" : "EPT",
		    el + 1);
	sb_printf(b, "guest\n");
	for (gl = 0; gl <= n; gl++) {
		if (gl < n)
			sb_printf(b, "  gL%d ", gl + 1);
		else
			sb_printf(b, "  data");
		for (el = 0; el <= n; el++)
			if (gl < n || el < n)
				sb_printf(b, "   %c ", cell[gl][el]);
		sb_printf(b, "\n");
	}
}

/* The table the walk read last, around the entry it used (with
 * around), and that entry decoded: an ordinary, guest, shadow or EPT
 * table. */
static void
table_around(struct strbuf *b, bool around)
{
	const struct mconfig *c = engine_config(U.s->engine);
	uint8_t raw[8];
	struct verr ve;
	uint64_t i, v, first, n, used = 0, base;
	unsigned k, bits;

	if (U.wlevel == 0 || c->pte > 8 || c->pt != PT_RADIX)
		return;
	bits = U.wlevel <= (int)c->levels ? c->split[U.wlevel - 1] : 9;
	n = bits < 32 ? (uint64_t)1 << bits : UINT64_MAX;
	if (U.widx >= n)
		n = U.widx + 3;
	first = U.widx > 2 ? U.widx - 2 : 0;
	base = U.wpa - U.widx * c->pte;
	if (!around) {
		if (engine_peek(U.s->engine, U.wpa, c->pte, raw, &ve) != 0)
			return;
		for (used = 0, k = c->pte; k > 0; k--)
			used = (used << 8) | raw[k - 1];
		first = n;	/* no table line */
	} else
		sb_printf(b, "%sL%d table at 0x%llx:", U.wkind == EV_NWALK ?
	    (c->vendor == VENDOR_AMD ? "NPT " : "EPT ") :
	    U.wkind == EV_GWALK ? "guest " : U.wshadow ? "shadow " : "",
	    U.wlevel, (unsigned long long)base);
	for (i = first; i < first + 5 && i < n && around; i++) {
		if (engine_peek(U.s->engine, base + i * c->pte, c->pte, raw,
		    &ve) != 0)
			return;
		for (v = 0, k = c->pte; k > 0; k--)
			v = (v << 8) | raw[k - 1];
		sb_printf(b, " %s[%llu]=0x%llx", i == U.widx ? ">" : "",
		    (unsigned long long)i, (unsigned long long)v);
		if (i == U.widx)
			used = v;
	}
	if (around)
		sb_printf(b, "\n");
	if (U.wkind == EV_NWALK)
		engine_ept_entry_text(U.s->engine, used, b);
	else
		engine_entry_text(U.s->engine, used, (unsigned)U.wlevel, b);
}

/* The walk pane: the 2D grid of a nested walk, the table around the
 * entry read last (when the pane has room for it beside the steps),
 * then the latest steps of the access, as many as fit, wrapped. */
static void
draw_walk(void)
{
	WINDOW *w = U.pw[P_WALK];
	struct strbuf b;
	const char *lines[WALK_MAX], *q, *e;
	char line[LINE_W], title[64];
	int i, y = 1, h;
	size_t n;

	if (w == NULL)
		return;
	snprintf(title, sizeof title, "walk: this access, step by step");
	sb_init(&b);
	nested_grid(&b, title, sizeof title);
	draw_box(w, title);
	h = getmaxy(w) - 1;
	for (q = b.s, i = 0; q != NULL && (q = strchr(q, '\n')) != NULL; q++)
		i++;
	if (h - 1 - i >= 5)	/* room for the entry and a few steps, */
		table_around(&b, h - 1 - i >= 9);	/* and the table */
	for (q = b.s; q != NULL && *q != '\0' && y < h; q = e ? e + 1 : NULL) {
		e = strchr(q, '\n');
		n = e ? (size_t)(e - q) : strlen(q);
		if (n >= sizeof line)
			n = sizeof line - 1;
		memcpy(line, q, n);
		line[n] = '\0';
		y += wrap_line(w, y, h, line, true);
	}
	sb_free(&b);
	if (U.nwalk == 0 && y < h)
		put_line(w, y, "(the steps of the current access)");
	for (i = 0; i < U.nwalk; i++)
		lines[i] = U.walk[i].text;
	if (y < h)
		wrap_bottom(w, y, h, lines, U.nwalk, false);
	wnoutrefresh(w);
}

/* The log, wrapped, its latest lines at the bottom (or scrolled back
 * by whole lines). */
static void
draw_log(void)
{
	WINDOW *w = U.pw[P_LOG];
	const char *lines[128];
	int h, i, n, last;

	if (w == NULL)
		return;
	draw_box(w, U.scroll ? "log (scrolled: PgDn)" : "log");
	h = getmaxy(w) - 1;
	last = (int)U.nlog - (int)U.scroll;
	n = h - 1 < 128 ? h - 1 : 128;
	if (n > last)
		n = last;
	for (i = 0; i < n; i++)
		lines[i] = U.log[(U.loghead + (size_t)(last - n + i)) %
		    LOG_MAX];
	wrap_bottom(w, 1, h, lines, n, true);
	wnoutrefresh(w);
}

/* The narration since the last pause, wrapped; its first lines give way
 * when the pane is too small. */
static void
draw_narr(void)
{
	WINDOW *w = U.pw[P_NARR];
	const char *lines[NARR_MAX];
	char title[96];
	int i;

	if (w == NULL)
		return;
	if (quiz_pending())
		snprintf(title, sizeof title, "narration - quiz: answer at the prompt, or "
		    "reveal  (%u of %u right)", U.qright, U.qasked);
	else if (U.quiz_on || U.qasked > 0)
		snprintf(title, sizeof title, "narration%s  (quiz: %u of %u "
		    "right)", U.paused ? " (paused: F10 goes on)" : "",
		    U.qright, U.qasked);
	else
		snprintf(title, sizeof title, "%s", U.paused ? "narration "
		    "(paused: F10 goes on)" : "narration");
	draw_box(w, title);
	for (i = 0; i < U.nnarr; i++)
		lines[i] = U.narr[i];
	wrap_bottom(w, 1, getmaxy(w) - 1, lines, U.nnarr, false);
	wnoutrefresh(w);
}

/* The key bar: the main keys, as many as the width takes. */
static void
draw_keybar(void)
{
	static const char *const items[] = { "F1 help", "F10 step",
		"F9 back", "^D quit", "F6 zoom", "Enter repeat", "PgUp/Dn log",
		"^L redraw", NULL };
	char bar[256];
	size_t len = 0, k;
	int i;

	bar[0] = '\0';
	for (i = 0; items[i] != NULL; i++) {
		k = strlen(items[i]);
		if (len + k + 2 > (size_t)COLS || len + k + 3 > sizeof bar)
			break;
		len += (size_t)snprintf(bar + len, sizeof bar - len, " %s ",
		    items[i]);
	}
	werase(U.keybar);
	wattron(U.keybar, A_REVERSE);
	mvwaddnstr(U.keybar, 0, 0, bar, COLS);
	wattroff(U.keybar, A_REVERSE);
	wnoutrefresh(U.keybar);
}

static void draw_cmd(void);
static void draw_chart(void);
static const char *trace_figures(void);
static void layout(void);
static int narr_want(void);

static void
draw_all(void)
{
	machine_changed(U.s->engine);
	if (narr_want() != U.narr_h)
		layout();	/* the narration grew or went */
	if (U.small) {
		erase();
		mvaddnstr(0, 0, "vmscope: the terminal is", COLS);
		mvprintw(1, 0, "%dx%d; it needs at least", COLS, LINES);
		mvprintw(2, 0, "%dx%d. Make it larger,", MIN_W, MIN_H);
		mvaddnstr(3, 0, "or type quit.", COLS);
		wnoutrefresh(stdscr);
		draw_cmd();
		doupdate();
		return;
	}
	draw_addr();
	draw_show(P_TLB, "tlb", "TLB");
	draw_walk();
	draw_show(P_PT, "pt", "page table");
	draw_show(P_FRAMES, "frames", "physical memory");
	draw_show(P_VMX, "vmcs", "VMX");
	if (U.tracev)
		draw_text(P_STATS, "the trace (F10: the machine again)",
		    trace_figures(), 0);
	else
		draw_show(P_STATS, "stats", "statistics");
	draw_show(P_DISK, "disk", "disk");
	draw_chart();
	draw_narr();
	draw_log();
	draw_keybar();
	draw_cmd();
	doupdate();
}

/* ---- layout ---- */

static void
pane_set(enum pane p, int h, int w, int y, int x)
{
	if (h < 3 || w < 10)
		return;
	U.pw[p] = newwin(h, w, y, x);
}

/* Rows the narration pane wants: its lines and the box, 0 without
 * narration; at most 9 rows (a lesson's paragraph between two pauses
 * is no longer; a scenario without pauses shows its latest 9); none
 * while the log is looked at (PgUp with no room for the log). */
static int
narr_want(void)
{
	int i, rows = 0;

	if (U.nnarr == 0 || U.log_peek)
		return 0;
	for (i = 0; i < U.nnarr && rows < 9; i++)
		rows += wrap_rows_wd(NULL, COLS - 2, 0, 0, 0, U.narr[i], false);
	return (rows < 9 ? rows : 9) + 2;
}

/* The panes from the terminal's size: the address bar on top; the TLB,
 * the walk (and at 160 columns the page table) in the middle; from 40
 * lines a row of physical memory, disk, statistics and VMX; then the
 * narration, as tall as its paragraph (below 40 lines it may take the
 * log's rows, and a few of the middle's), and the log. */
static void
layout(void)
{
	int i, a, r, mid1, mid2, narr, logh, w1, w2, bottom, want;

	for (i = 0; i < P_N; i++)
		if (U.pw[i] != NULL) {
			delwin(U.pw[i]);
			U.pw[i] = NULL;
		}
	if (U.cmd != NULL)
		delwin(U.cmd);
	if (U.keybar != NULL)
		delwin(U.keybar);
	U.small = COLS < MIN_W || LINES < MIN_H;
	U.cmd = newwin(1, COLS, LINES - (U.small ? 1 : 2), 0);
	U.keybar = newwin(1, COLS, LINES - 1, 0);
	keypad(U.cmd, FALSE);
	wtimeout(U.cmd, POLL_MS);
	rl_set_screen_size(1, COLS);
	U.narr_h = want = narr_want();
	if (U.small)
		return;
	a = LINES - 2;		/* above the prompt and the key bar */
	if (U.zoom >= 0) {
		pane_set((enum pane)U.zoom, a, COLS, 0, 0);
		return;
	}
	pane_set(P_ADDR, 4, COLS, 0, 0);
	r = a - 4;
	if (LINES >= 40) {
		mid1 = r * 2 / 5;
		mid2 = r / 4;
		bottom = r - mid1 - mid2;
		narr = want < bottom - 3 ? want : bottom - 3;
	} else {
		mid2 = 0;
		mid1 = (r + 1) / 2 > 7 ? (r + 1) / 2 : 7;
		narr = want;
		if (want > 0 && want + 4 > r - mid1) {
			/* no room for a useful log: the narration and the
			 * middle share the rows */
			narr = want < r - 7 ? want : r - 7;
			mid1 = r - narr;
		}
		bottom = r - mid1;
	}
	if (want > 0 && narr < 3)
		narr = 3;
	logh = bottom - narr;
	/* the TLB pane as wide as its rows want, within limits */
	w1 = COLS >= 160 ? COLS * 3 / 10 : COLS * 9 / 20;
	if (COLS < 160 && w1 < 40)
		w1 = 40;
	w2 = COLS >= 160 ? COLS * 4 / 10 : COLS - w1;
	pane_set(P_TLB, mid1, w1, 4, 0);
	if (U.chart || (U.tracev && mid2 == 0))
		pane_set(P_CHART, mid1, w2, 4, w1);
	else
		pane_set(P_WALK, mid1, w2, 4, w1);
	if (COLS >= 160)
		pane_set(P_PT, mid1, COLS - w1 - w2, 4, w1 + w2);
	if (mid2 > 0 && COLS >= 160) {
		pane_set(P_FRAMES, mid2, COLS / 4, 4 + mid1, 0);
		pane_set(P_DISK, mid2, COLS / 4, 4 + mid1, COLS / 4);
		pane_set(P_STATS, mid2, COLS / 4, 4 + mid1, 2 * (COLS / 4));
		pane_set(P_VMX, mid2, COLS - 3 * (COLS / 4), 4 + mid1,
		    3 * (COLS / 4));
	} else if (mid2 > 0) {
		pane_set(P_FRAMES, mid2, COLS / 3, 4 + mid1, 0);
		pane_set(P_STATS, mid2, COLS / 3, 4 + mid1, COLS / 3);
		pane_set(P_VMX, mid2, COLS - 2 * (COLS / 3), 4 + mid1,
		    2 * (COLS / 3));
	}
	if (narr > 0)
		pane_set(P_NARR, narr, COLS, 4 + mid1 + mid2, 0);
	if (logh > 0)
		pane_set(P_LOG, logh, COLS, 4 + mid1 + mid2 + narr, 0);
}

/* ---- readline ---- */

static int
rl_getc_hook(FILE *f)
{
	(void)f;
	U.have_pending = false;
	return U.pending;
}

static int
rl_avail_hook(void)
{
	return U.have_pending;
}

static void
draw_cmd(void)
{
	const char *p = rl_display_prompt ? rl_display_prompt : "";
	int pw = (int)strlen(p), x;

	werase(U.cmd);
	mvwaddnstr(U.cmd, 0, 0, p, COLS);
	if (rl_line_buffer != NULL)
		waddnstr(U.cmd, rl_line_buffer, COLS - pw > 0 ? COLS - pw : 0);
	x = pw + rl_point;
	if (x < COLS)
		wmove(U.cmd, 0, x);
	wnoutrefresh(U.cmd);
}

static void
rl_redisplay_hook(void)
{
	draw_cmd();
	doupdate();
}

static void
on_line(char *line)
{
	if (line == NULL) {
		U.eof = true;
		return;
	}
	free(U.ready);
	U.ready = line;
}

/* Completion: command names, then what each takes. */
static const char *const policies[] = { "policy=fifo", "policy=lru",
	"policy=clock", "policy=opt", "policy=random", NULL };
static const char *const *comp_list;
static const char *comp_words[256];

static char *
comp_gen(const char *text, int state)
{
	static size_t i, len;
	const char *w;

	if (state == 0) {
		i = 0;
		len = strlen(text);
	}
	while ((w = comp_list[i]) != NULL) {
		i++;
		if (strncmp(w, text, len) == 0)
			return strdup(w);
	}
	return NULL;
}

static char **
complete(const char *text, int start, int end)
{
	char first[64];
	size_t n = 0, i;

	(void)end;
	rl_attempted_completion_over = 1;
	for (i = 0; rl_line_buffer[i] == ' '; i++)
		;
	while (rl_line_buffer[i + n] != '\0' && rl_line_buffer[i + n] != ' ' &&
	    n < sizeof first - 1) {
		first[n] = rl_line_buffer[i + n];
		n++;
	}
	first[n] = '\0';
	n = 0;
	if ((size_t)start <= i) {
		for (i = 0; cmd_table[i].name != NULL && n < 255; i++)
			comp_words[n++] = cmd_table[i].name;
	} else if (strcmp(first, "machine") == 0) {
		for (i = 0; key_table[i].name != NULL && n < 240; i++)
			comp_words[n++] = key_table[i].name;
		for (i = 0; policies[i] != NULL; i++)
			comp_words[n++] = policies[i];
	} else if (strcmp(first, "switch") == 0 || strcmp(first, "share") == 0 ||
	    (strcmp(first, "insn") == 0 && strstr(rl_line_buffer, "mov-cr3"))) {
		n = engine_list(U.s->engine, "process", comp_words, 255);
	} else if (strcmp(first, "vmlaunch") == 0 ||
	    strcmp(first, "vmresume") == 0) {
		n = engine_list(U.s->engine, "vm", comp_words, 255);
	} else if (strcmp(first, "show") == 0) {
		for (i = 0; engine_show_names[i] != NULL; i++)
			comp_words[n++] = engine_show_names[i];
	} else if (strcmp(first, "insn") == 0) {
		for (i = 0; i < INSN_N; i++)
			comp_words[n++] = insn_names[i];
	} else if (strcmp(first, "vmcs") == 0) {
		for (i = 0; i < CTL_N; i++)
			comp_words[n++] = vmcs_ctl_names[i];
	} else if (strcmp(first, "zoom") == 0) {
		for (i = 0; i < P_N; i++)
			comp_words[n++] = pane_names[i];
		comp_words[n++] = "off";
	} else if (strcmp(first, "help") == 0) {
		for (i = 0; cmd_table[i].name != NULL && n < 255; i++)
			comp_words[n++] = cmd_table[i].name;
	} else if (strcmp(first, "expect") == 0 || strcmp(first, "ask") == 0) {
		for (i = 0; engine_query_names[i] != NULL && n < 255; i++)
			comp_words[n++] = engine_query_names[i];
	}
	comp_words[n] = NULL;
	comp_list = comp_words;
	if (n == 0)
		return NULL;
	return rl_completion_matches(text, comp_gen);
}

/* The list of matches goes to the log, not over the screen. */
static void
show_matches(char **matches, int n, int maxlen)
{
	char line[LINE_W];
	size_t off = 0;
	int i, k;

	(void)maxlen;
	for (i = 1; i <= n; i++) {
		k = snprintf(line + off, sizeof line - off, "%s  ", matches[i]);
		if (k < 0 || off + (size_t)k >= sizeof line - 1)
			break;
		off += (size_t)k;
	}
	log_add(line, off);
	draw_all();
}

/* ---- the player ---- */

static bool
next_line(char *line, size_t size)
{
	size_t n = 0;

	if (U.text == NULL || U.off >= U.textlen)
		return false;
	while (U.off < U.textlen && U.text[U.off] != '\n') {
		if (n + 1 < size && U.text[U.off] != '\r')
			line[n++] = U.text[U.off];
		U.off++;
	}
	if (U.off < U.textlen)
		U.off++;
	line[n] = '\0';
	U.lineno++;
	return true;
}

static void run_typed(const char *line);
static void session_line(const char *line);

/* ---- the quiz ---- */

/* Whether line starts with a command's name. */
static bool
is_command(const char *line)
{
	size_t n = strcspn(line, " \t");

	return cmd_find(line, n) != NULL;
}

static bool advance(void);

static bool
quiz_pending(void)
{
	return U.iquiz < U.nquiz;
}

/* A line for the student: in the narration and the log. */
static void
say(const char *s)
{
	narr_add(s, strlen(s));
	log_add(s, strlen(s));
}

static void
quiz_show(void)
{
	char line[LINE_W];

	if (!quiz_pending()) {
		rl_set_prompt("vmscope> ");
		return;
	}
	snprintf(line, sizeof line, "? %s", U.quiz[U.iquiz].text);
	say(line);
	rl_set_prompt("answer> ");
}

static void
quiz_post(const struct quiz_q *q)
{
	bool first = !quiz_pending();

	if (first)
		U.nquiz = U.iquiz = 0;
	if (U.nquiz == QUIZ_MAX)
		return;
	U.quiz[U.nquiz++] = *q;
	if (first)
		quiz_show();
}

/* The question waiting gets an answer (or reveal, with answer NULL). */
static void
quiz_answer(const char *answer)
{
	const struct quiz_q *q = &U.quiz[U.iquiz];
	char msg[QUIZ_TEXT + QUIZ_WHY + 64], line[LINE_W];

	if (answer == NULL)
		snprintf(msg, sizeof msg, "the answer: %s, because %s",
		    q->answer, q->why);
	else {
		U.qasked++;
		if (quiz_check(q, answer, msg, sizeof msg))
			U.qright++;
	}
	snprintf(line, sizeof line, "  %.*s", (int)sizeof line - 3, msg);
	say(line);
	U.iquiz++;
	if (quiz_pending())
		quiz_show();
	else {
		if (U.qasked > 0) {
			snprintf(line, sizeof line, "  (score: %u of %u right)",
			    U.qright, U.qasked);
			say(line);
		}
		rl_set_prompt("vmscope> ");
		(void)advance();	/* the step asked about, shown */
	}
}

/* After back: questions about steps undone are asked again. */
static void
quiz_forget(void)
{
	uint64_t pos = engine_position(U.s->engine);

	if (quiz_pending())
		say("  (the question is withdrawn: you went back)");
	U.nquiz = U.iquiz = 0;
	if (U.quiz_upto > pos)
		U.quiz_upto = pos;
	rl_set_prompt("vmscope> ");
}

/* Quiz on: before the next micro-step is shown, make it, look at it and
 * undo it; if its stage is a key one, ask about it first.  True when a
 * question was posted (and no step shown). */
static bool
quiz_before_step(void)
{
	struct engine *e = U.s->engine;
	struct event ev;
	struct quiz_q q;
	struct verr ve;
	uint64_t moved;
	bool ask;

	if (!U.quiz_on || engine_position(e) < U.quiz_upto)
		return false;
	if (!engine_step(e, &ev))
		return false;
	U.quiz_upto = ev.step;
	ask = quiz_for_event(e, &ev, U.lastkind, &q);
	memset(&ve, 0, sizeof ve);
	if (engine_back(e, 1, &moved, &ve) != 0 || moved != 1)
		return false;	/* cannot happen with a journal */
	if (!ask)
		return false;
	quiz_post(&q);
	return true;
}

/* ask NAME [TEXT] typed, or in a file but not right after a command:
 * about the state as it is. */
static void
ask_now(const char *p)
{
	struct quiz_q q;
	struct verr ve;
	char name[64], msg[LINE_W];
	size_t nl;

	while (*p == ' ' || *p == '\t')
		p++;
	for (nl = 0; p[nl] != '\0' && p[nl] != ' ' && p[nl] != '\t'; nl++)
		;
	snprintf(name, sizeof name, "%.*s", (int)nl, p);
	for (p += nl; *p == ' ' || *p == '\t'; p++)
		;
	memset(&ve, 0, sizeof ve);
	if (quiz_for_name(U.s->engine, name, p, strlen(p), &q, &ve) != 0) {
		snprintf(msg, sizeof msg, "! ask: %s", ve.msg);
		log_add(msg, strlen(msg));
		U.errors++;
		return;
	}
	quiz_post(&q);
}

/* The events of an operation run ahead (for ask's explanations). */
#define AHEAD_MAX 512

/* The event that decides expect name, among ev[0..n-1], or NULL. */
static const struct event *
ask_event(const char *name, const struct event *ev, size_t n)
{
	static const struct {
		const char *name;
		uint16_t kind[2];
		bool last;
	} map[] = {
		{ "vpn", { EV_SPLIT, EV_SPLIT }, false },
		{ "offset", { EV_SPLIT, EV_SPLIT }, false },
		{ "index.", { EV_SPLIT, EV_SPLIT }, false },
		{ "tlb", { EV_TLB_HIT, EV_TLB_MISS }, false },
		{ "pa", { EV_DATA, EV_DATA }, true },
		{ "gpa", { EV_DATA, EV_DATA }, true },
		{ "value", { EV_DATA, EV_DATA }, true },
		{ "fault", { EV_FAULT, EV_FAULT }, false },
		{ "pf.code", { EV_FAULT, EV_FAULT }, true },
		{ "pte", { EV_WALK, EV_GWALK }, true },
		{ "exit", { EV_EXIT, EV_EXIT }, true },
		{ "insn", { EV_INSN, EV_INSN }, true },
		{ "faults", { EV_PAGE_IN, EV_PAGE_IN }, true },
		{ "writebacks", { EV_WRITEBACK, EV_EVICT }, true },
	};
	const struct event *found = NULL;
	size_t i, k, len;

	for (k = 0; k < sizeof map / sizeof map[0]; k++) {
		len = strlen(map[k].name);
		if (strncmp(name, map[k].name, len) != 0 ||
		    (name[len] != '\0' && name[len] != '.' &&
		    map[k].name[len - 1] != '.'))
			continue;
		for (i = 0; i < n; i++)
			if (ev[i].kind == map[k].kind[0] ||
			    ev[i].kind == map[k].kind[1]) {
				found = &ev[i];
				if (!map[k].last)
					break;
			}
		return found;
	}
	return NULL;
}

/* The ask lines right after a command of the file: their answers come
 * from running the command's operation ahead to its end, silently; then
 * back to before the command's first step (pos0; the log loses the steps
 * it showed, from line nlog0 on), so that the questions come before the
 * steps are shown. */
static void unstep(uint64_t, size_t);

static void
ask_ahead(uint64_t pos0, size_t nlog0, bool file)
{
	static struct event ev[AHEAD_MAX];
	static struct quiz_q qs[QUIZ_MAX];
	struct engine *e = U.s->engine;
	struct quiz_q q;
	int nq = 0;
	struct verr ve;
	char line[4200], names[QUIZ_MAX][64], msg[LINE_W];
	const char *p, *t[QUIZ_MAX];
	size_t off, n = 0, k, nl;
	unsigned long lineno, at[QUIZ_MAX];
	uint64_t steps = 0;
	int i, nask = 0;
	const struct event *why;

	off = U.off;
	lineno = U.lineno;
	for (; file;) {
		off = U.off;
		lineno = U.lineno;
		if (!next_line(line, sizeof line))
			break;
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		if (*p == '\0' || *p == '#')
			continue;
		if (strncmp(p, "ask", 3) != 0 || (p[3] != ' ' &&
		    p[3] != '\t') || nask == QUIZ_MAX)
			break;
		for (p += 3; *p == ' ' || *p == '\t'; p++)
			;
		for (nl = 0; p[nl] != '\0' && p[nl] != ' ' && p[nl] != '\t';
		    nl++)
			;
		snprintf(names[nask], sizeof names[nask], "%.*s", (int)nl, p);
		for (p += nl; *p == ' ' || *p == '\t'; p++)
			;
		t[nask] = NULL;
		if (*p != '\0') {
			char *c = strdup(p);

			t[nask] = c;
		}
		at[nask++] = U.lineno;
	}
	U.off = off;		/* the first line that is not an ask */
	U.lineno = lineno;
	if (nask == 0 && (!U.quiz_on || !engine_busy(e) ||
	    engine_position(e) <= pos0))
		return;
	if (nask == 0) {
		/* quiz on: the command's first step (the split) is a key
		 * stage too; undo it and ask before it */
		unstep(pos0, nlog0);
		(void)(quiz_before_step() || ui_step());
		return;
	}
	unstep(pos0, nlog0);	/* the steps shown go: they are asked about */
	while ((engine_busy(e) || engine_has_future(e)) && steps < 10000000) {
		if (!engine_step(e, n < AHEAD_MAX ? &ev[n] : &ev[AHEAD_MAX -
		    1]))
			break;
		if (n < AHEAD_MAX)
			n++;
		steps++;
	}
	for (i = 0; i < nask; i++) {
		memset(&ve, 0, sizeof ve);
		if (quiz_for_name(e, names[i], t[i], t[i] ? strlen(t[i]) : 0,
		    &q, &ve) != 0) {
			snprintf(msg, sizeof msg, "! %.200s:%lu: ask: %.200s",
			    U.fname, at[i], ve.msg);
			log_add(msg, strlen(msg));
			U.errors++;
			continue;
		}
		if ((why = ask_event(names[i], ev, n)) != NULL) {
			k = (size_t)snprintf(msg, sizeof msg, "%s = %s: ",
			    names[i], q.answer);
			(void)event_format(e, why, msg + k, sizeof msg - k);
			quiz_set_why(&q, msg);
		}
		qs[nq++] = q;
	}
	for (i = 0; i < nask; i++)
		free((void *)(uintptr_t)t[i]);
	unstep(pos0, U.nlog);
	for (i = 0; i < nq; i++)
		quiz_post(&qs[i]);
}

/* Back to position pos0, the walk pane and the log (from line nlog0 on)
 * losing the steps undone. */
static void
unstep(uint64_t pos0, size_t nlog0)
{
	struct engine *e = U.s->engine;
	struct verr ve;
	uint64_t steps, moved;

	memset(&ve, 0, sizeof ve);
	steps = engine_position(e) - (pos0 < engine_position(e) ? pos0 :
	    engine_position(e));
	if (steps > 0)
		(void)engine_back(e, steps, &moved, &ve);
	walk_trim();
	while (U.nlog > nlog0 && U.nlog > 0 && strncmp(U.log[(U.loghead +
	    U.nlog - 1) % LOG_MAX], "  [", 3) == 0) {
		free(U.log[(U.loghead + U.nlog - 1) % LOG_MAX]);
		U.nlog--;
	}
	if (U.quiz_upto > pos0)
		U.quiz_upto = pos0;
}

/* One step for the user: a micro-step if an operation is under way or
 * steps can be redone, else the next line of the file (narrative is
 * shown on the way; a pause stops). */
static bool
advance(void)
{
	char line[4200];
	const char *p;
	unsigned long errors;
	uint64_t pos0;
	size_t nlog0;

	if (U.log_peek || ((U.chart || U.tracev) && U.zoom < 0)) {
		U.log_peek = false;	/* the narration comes back */
		U.chart = false;	/* and the walk */
		U.tracev = false;	/* and the machine's statistics */
		layout();
	}
	if (quiz_pending()) {
		if (U.nnarr == 0 || strcmp(U.narr[U.nnarr - 1],
		    "  (answer at the prompt, or type reveal)") != 0)
			say("  (answer at the prompt, or type reveal)");
		return false;
	}
	U.paused = false;
	if (engine_busy(U.s->engine) || engine_has_future(U.s->engine))
		return quiz_before_step() || ui_step();
	while (next_line(line, sizeof line)) {
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		if (*p == '\0' || *p == '#')
			continue;
		if (p[0] == '>') {
			sink_out(NULL, p, strlen(p));
			continue;
		}
		if (strncmp(p, "ask", 3) == 0 && (p[3] == ' ' ||
		    p[3] == '\t')) {
			/* an ask not after a command: about the state now */
			run_typed(p);
			if (quiz_pending())
				return true;
			continue;
		}
		if (strncmp(p, "pause", 5) == 0 && (p[5] == '\0' ||
		    p[5] == ' ')) {
			U.paused = true;
			U.narr_new = true;
			log_add("-- pause --", 11);
			return false;
		}
		U.fromfile = true;
		/* An expect line changes nothing on the screen: it is checked
		 * in the same step as the lines before it, and stops the
		 * player only when it fails (its error is in the log). */
		if (strncmp(p, "expect", 6) == 0 && (p[6] == ' ' ||
		    p[6] == '\t')) {
			errors = U.errors;
			session_line(p);
			U.fromfile = false;
			if (U.errors == errors)
				continue;
			return true;
		}
		pos0 = engine_position(U.s->engine);
		nlog0 = U.nlog;
		run_typed(p);
		U.fromfile = false;
		ask_ahead(pos0, nlog0, true);
		return true;
	}
	return false;
}

static void
play_to_end(void)
{
	unsigned long n = 0;
	char msg[96];

	/* from a pause too: run goes on to the next pause, a question or
	 * the end; after a million steps it stops and says so (run again
	 * goes on) */
	while (!ui_stop() && advance() && !quiz_pending())
		if (++n == 1000000) {
			snprintf(msg, sizeof msg, "-- run stopped after %lu "
			    "steps: run again goes on --", n);
			log_add(msg, strlen(msg));
			break;
		}
}

/* ---- commands typed ---- */

static int load_file(const char *);

/* Play a file (or a built-in lesson) from its start, on the machine as
 * it is. */
static void
play_file(const char *name, bool lesson)
{
	char msg[LINE_W];
	char *old = U.text;
	size_t oldlen = U.textlen;

	U.text = NULL;
	if (lesson) {
		if (shelf_lesson(name, &U.text, &U.textlen, U.fname,
		    sizeof U.fname) != 0)
			U.text = NULL;
	} else if (!lesson && load_file(name) != 0) {
		free(U.text);
		U.text = NULL;
	}
	if (U.text == NULL) {
		U.text = old;
		U.textlen = oldlen;
		snprintf(msg, sizeof msg, "! %s: cannot open '%.200s'", lesson ?
		    "lesson" : "load", name);
		log_add(msg, strlen(msg));
		return;
	}
	if (run_prepare(U.s, U.fname, U.text, U.textlen) != 0) {
		free(U.text);
		U.text = old;
		U.textlen = oldlen;
		snprintf(msg, sizeof msg, "! %.400s: not played (its errors are "
		    "above)", U.fname);
		log_add(msg, strlen(msg));
		return;
	}
	free(old);
	U.off = 0;
	U.lineno = 0;
	U.paused = false;
	snprintf(msg, sizeof msg, "playing %.400s: F10 steps through it",
	    U.fname);
	log_add(msg, strlen(msg));
}

/* A sweep: run as any command (its report goes to the log); then its
 * points are charted in the chart pane, in place of the walk, until the
 * next step. */
static void
sweep_chart_from(const char *line)
{
	const struct sweep_point *before = U.s->sweep_pts;

	session_line(line);
	if (U.s->sweep_pts == NULL || U.s->sweep_pts == before)
		return;		/* an error: the log says it */
	U.chart = true;
	U.tracev = false;
	layout();
}

/* The last trace's figures, from its references on (its name and
 * machine are in the log above). */
static const char *
trace_figures(void)
{
	const char *s = U.s->trace_report.s, *r;

	if (s == NULL)
		return "";
	r = strstr(s, "\nreferences");
	return r != NULL ? r + 1 : s;
}

/* A trace: run as any command (its report goes to the log); then its
 * statistics take the statistics pane, or below 40 lines, where there
 * is none, the walk's place, until the next step. */
static void
trace_stats_from(const char *line)
{
	unsigned before = U.s->trace_count;

	session_line(line);
	if (U.s->trace_count == before)
		return;		/* an error: the log says it */
	U.tracev = true;
	U.chart = false;
	layout();
}

static void
chart_line(void *arg, const char *line)
{
	sb_printf((struct strbuf *)arg, "%s\n", line);
}

/* The chart pane: the last sweep, its bars as wide as the pane allows. */
static void
draw_chart(void)
{
	WINDOW *w = U.pw[P_CHART];
	struct strbuf b;
	int barw;

	if (w != NULL && !U.chart && U.tracev) {
		draw_text(P_CHART, "the trace (F10: the walk again)",
		    trace_figures(), 0);
		return;
	}
	if (w == NULL || U.s->sweep_pts == NULL)
		return;
	barw = getmaxx(w) - 2 - 4 - 12 - 12;
	sb_init(&b);
	sweep_report(U.s->sweep_key, U.s->sweep_pts, U.s->sweep_n, barw,
	    chart_line, &b);
	draw_text(P_CHART, "sweep (zoom chart: all of it; F10: the walk "
	    "again)", b.s != NULL ? b.s : "", 0);
	sb_free(&b);
}

/* generate typed in the shell: the new exercise is played here, step by
 * step, its questions asked (from a file, generate only prints it). */
static void
play_generated(const char *args)
{
	struct gen_request rq;
	struct lex_err le;
	struct verr ve;
	struct strbuf sb;
	char msg[LINE_W];

	while (*args == ' ')
		args++;
	memset(&le, 0, sizeof le);
	memset(&ve, 0, sizeof ve);
	if (gen_parse_string(args, strlen(args), &rq, &le) != 0) {
		snprintf(msg, sizeof msg, "! generate: %.400s", le.msg);
		log_add(msg, strlen(msg));
		return;
	}
	sb_init(&sb);
	if (gen_scenario(&rq, GEN_SCENARIO, &sb, &ve) != 0 || sb.s == NULL) {
		snprintf(msg, sizeof msg, "! generate: %.400s", ve.msg);
		log_add(msg, strlen(msg));
		sb_free(&sb);
		return;
	}
	free(U.text);
	U.text = sb.s;		/* the buffer is the file now */
	U.textlen = sb.len;
	snprintf(U.fname, sizeof U.fname, "generated %s seed=%llu",
	    gen_kind_names[rq.kind], (unsigned long long)rq.seed);
	(void)run_prepare(U.s, U.fname, U.text, U.textlen);
	U.off = 0;
	U.lineno = 0;
	U.paused = false;
	snprintf(U.fname, sizeof U.fname, "generated %s seed=%llu",
	    gen_kind_names[rq.kind], (unsigned long long)rq.seed);
	snprintf(msg, sizeof msg, "playing %.200s: F10 steps through it, and "
	    "its questions wait for your answers", U.fname);
	log_add(msg, strlen(msg));
}

/* A line-drawing character as text: box-drawing in UTF-8, else ASCII. */
static wchar_t
acs_text(wchar_t c)
{
	static const char acs[] = "qxlkmjtuvwn";
	static const wchar_t box[] = { 0x2500, 0x2502, 0x250c, 0x2510, 0x2514,
		0x2518, 0x251c, 0x2524, 0x2534, 0x252c, 0x253c };
	static const char ascii[] = "-|+++++++++";
	const char *p = c > 0 && c < 128 ? strchr(acs, (int)c) : NULL;

	if (p == NULL)
		return c;
	if (U.flags & UI_ASCII)
		return (wchar_t)ascii[p - acs];
	return box[p - acs];
}

static int
ui_command(void *arg, const char *name, const char *argument, unsigned col)
{
	FILE *f;
	char tmp[LINE_W + 8];
	cchar_t cc[512];
	wchar_t wc[8];
	attr_t at;
	short pair;
	char mb[MB_LEN_MAX];
	mbstate_t st;
	int y, x, i;
	size_t k;

	(void)arg;
	(void)col;
	if (strcmp(name, "lesson") == 0) {
		play_file(argument, true);
		return 0;
	}
	if (strcmp(name, "quiz") == 0) {
		U.quiz_on = strcmp(argument, "on") == 0;
		say(U.quiz_on ? "quiz on: before each key stage of an access "
		    "the screen asks; answer at the prompt, reveal skips" :
		    "quiz off");
		U.quiz_upto = engine_position(U.s->engine);
		return 0;
	}
	if (strcmp(name, "reveal") == 0) {
		if (quiz_pending())
			quiz_answer(NULL);
		else
			log_add("  reveal: no question waits", 27);
		return 0;
	}
	if (strcmp(name, "zoom") == 0) {
		U.zoom = -1;
		for (i = 0; i < P_N; i++)
			if (strcmp(argument, pane_names[i]) == 0)
				U.zoom = i;
		if (U.zoom < 0 && strcmp(argument, "off") != 0)
			log_add("! zoom: no such pane", 20);
		layout();
		return 0;
	}
	/* dump: the visible screen as text, written whole or not at all */
	snprintf(tmp, sizeof tmp, "%s.tmp", argument);
	if ((f = fopen(tmp, "w")) == NULL) {
		log_add("! dump: cannot write the file", 29);
		return 0;
	}
	for (y = 0; y < LINES; y++) {
		i = mvwin_wchnstr(curscr, y, 0, cc, COLS < 512 ? COLS : 511);
		for (x = 0; i != ERR && x < COLS && x < 511; x++) {
			if (getcchar(&cc[x], wc, &at, &pair, NULL) == ERR ||
			    wc[0] == L'\0')
				break;
			if (at & A_ALTCHARSET)
				wc[0] = acs_text(wc[0]);
			memset(&st, 0, sizeof st);
			k = wcrtomb(mb, wc[0], &st);
			if (k != (size_t)-1)
				fwrite(mb, 1, k, f);
		}
		fputc('\n', f);
	}
	if (fclose(f) != 0 || rename(tmp, argument) != 0) {
		unlink(tmp);
		log_add("! dump: cannot write the file", 29);
	}
	return 0;
}

static void
help(void)
{
	char line[LINE_W];
	int i, n;

	for (i = 0; ui_keys[i].key != NULL; i++) {
		n = snprintf(line, sizeof line, "  %-10s %s", ui_keys[i].key,
		    ui_keys[i].what);
		if (n > 0)
			log_add(line, (size_t)n < sizeof line ? (size_t)n :
			    sizeof line - 1);
	}
	for (i = 0; cmd_table[i].name != NULL; i++) {
		n = snprintf(line, sizeof line, "  %-10s %s %s", cmd_table[i].name,
		    cmd_table[i].usage, cmd_table[i].help);
		if (n > 0)
			log_add(line, (size_t)n < sizeof line ? (size_t)n :
			    sizeof line - 1);
	}
}

/* A line to the session, named by where it comes from. */
static void
session_line(const char *line)
{
	if (U.fromfile)
		(void)run_line_at(U.s, U.fname, U.lineno, line, strlen(line));
	else
		(void)run_line(U.s, line, strlen(line));
}

/* A line from the user (or the player): the players are the screen's;
 * everything else goes to the session. */
static void
run_typed(const char *line)
{
	char word[32];
	size_t n = 0;
	unsigned long count = 1;
	const char *p = line;

	while (*p == ' ')
		p++;
	while (p[n] != '\0' && p[n] != ' ' && n < sizeof word - 1) {
		word[n] = p[n];
		n++;
	}
	word[n] = '\0';
	/* a question waits: what is not a command is the answer */
	if (quiz_pending() && !is_command(p)) {
		quiz_answer(p);
		return;
	}
	if (strcmp(word, "ask") == 0 && p[n] == ' ') {
		ask_now(p + n);
		return;
	}
	if (strcmp(word, "sweep") == 0) {
		sweep_chart_from(line);
		return;
	}
	if (strcmp(word, "trace") == 0) {
		trace_stats_from(line);
		return;
	}
	if (strcmp(word, "generate") == 0 && !U.fromfile) {
		play_generated(p + n);
		return;
	}
	if (strcmp(word, "step") == 0 || strcmp(word, "next") == 0 ||
	    strcmp(word, "run") == 0 || strcmp(word, "play") == 0) {
		if (p[n] == ' ')
			count = strtoul(p + n + 1, NULL, 0);
		if (strcmp(word, "step") == 0) {
			while (count-- > 0 && !ui_stop() && advance())
				;
		} else if (strcmp(word, "next") == 0) {
			if (!engine_busy(U.s->engine))
				(void)advance();
			while (engine_busy(U.s->engine) && !ui_stop() &&
			    ui_step())
				;
		} else if (strcmp(word, "run") == 0)
			play_to_end();
		else if (p[n] == ' ' && count > CMD_PLAY_MAX)
			session_line(line);	/* its parser says why not */
		else
			U.playing = p[n] == ' ' ? (int)count : 300;
		return;
	}
	if (strcmp(word, "quit") == 0) {
		U.eof = true;
		return;
	}
	/* a command typed (not a player) clears the narration, so that the
	 * log, which shows what it printed, gets the rows */
	if (!U.fromfile && strcmp(word, "back") != 0 &&
	    strcmp(word, "reveal") != 0 && strcmp(word, "quiz") != 0 &&
	    strcmp(word, "zoom") != 0 && strcmp(word, "dump") != 0)
		U.nnarr = 0;
	if (strcmp(word, "load") == 0 && p[n] == ' ' && !U.fromfile) {
		/* typed: the file is played here, step by step */
		while (p[n] == ' ')
			n++;
		play_file(p + n, false);
		return;
	}
	if (strcmp(word, "back") == 0 || strcmp(word, "reset") == 0) {
		session_line(line);
		walk_trim();
		quiz_forget();
		return;
	}
	/* a new command first finishes the one in progress, in view */
	if (strcmp(word, "expect") == 0 || strcmp(word, "ask") == 0 ||
	    strcmp(word, "show") == 0 || strcmp(word, "peek") == 0)
		while (engine_busy(U.s->engine) && ui_step())
			;
	session_line(line);
}

/* ---- keys bound in readline ---- */

static int
ui_key_step(int count, int key)
{
	(void)count;
	(void)key;
	(void)advance();
	draw_all();
	return 0;
}

static int
ui_key_back(int count, int key)
{
	(void)count;
	(void)key;
	(void)run_line(U.s, "back", 4);
	walk_trim();
	quiz_forget();
	draw_all();
	return 0;
}

static int
ui_key_zoom(int count, int key)
{
	(void)count;
	(void)key;
	U.zoom = U.zoom + 1 >= P_N ? -1 : U.zoom + 1;
	layout();
	draw_all();
	return 0;
}

static int
ui_key_help(int count, int key)
{
	if (key == '?' && rl_end > 0)
		return rl_insert(count, key);
	help();
	draw_all();
	return 0;
}

static int
ui_key_pgup(int count, int key)
{
	(void)count;
	(void)key;
	if (U.pw[P_LOG] == NULL || getmaxy(U.pw[P_LOG]) < 6) {
		/* no room for the log: the narration gives it its rows
		 * until the next step (or PgDn at the bottom) */
		U.log_peek = true;
		layout();
		draw_all();
		return 0;
	}
	U.scroll += 10;
	if (U.scroll > U.nlog)
		U.scroll = U.nlog;
	draw_all();
	return 0;
}

static int
ui_key_pgdn(int count, int key)
{
	(void)count;
	(void)key;
	if (U.scroll == 0 && U.log_peek) {
		U.log_peek = false;
		layout();
	}
	U.scroll = U.scroll > 10 ? U.scroll - 10 : 0;
	draw_all();
	return 0;
}

static int
ui_key_redraw(int count, int key)
{
	(void)count;
	(void)key;
	clearok(curscr, TRUE);
	draw_all();
	return 0;
}

static int
ui_key_stop(int count, int key)
{
	(void)count;
	(void)key;
	U.playing = -1;
	rl_replace_line("", 0);
	rl_point = rl_end = 0;
	draw_all();
	return 0;
}

static void
bind_key(const char *capname, const char *fallback, rl_command_func_t *fn)
{
	char *seq = tigetstr((char *)(uintptr_t)capname);

	if (seq != NULL && seq != (char *)-1)
		rl_bind_keyseq(seq, fn);
	rl_bind_keyseq(fallback, fn);
}

/* ---- start, loop, end ---- */

/* The next key: one kept from long work first, else one typed, or ERR
 * after POLL_MS.  A terminal that went away without a SIGHUP (its input
 * at an end) fails at once, again and again: that is a hangup. */
static int
next_key(void)
{
	double t0;
	int c;

	if (U.nkeyq > 0) {
		c = U.keyq[0];
		U.nkeyq--;
		memmove(U.keyq, U.keyq + 1, (size_t)U.nkeyq * sizeof U.keyq[0]);
		return c;
	}
	t0 = now_s();
	c = wgetch(U.cmd);
	if (c == ERR && now_s() - t0 < POLL_MS / 1e4 && !ui_intr &&
	    !ui_signal) {
		if (++U.dead >= DEAD_MAX)
			ui_signal = SIGHUP;
	} else
		U.dead = 0;
	return c;
}

static void
on_signal(int sig)
{
	if (sig == SIGINT) {	/* as Ctrl-C: the work stops */
		ui_intr = 1;
		return;
	}
	if (ui_signal != 0)	/* a second one before the first was seen:
				 * something is stuck; leave at once */
		ui_die(sig, "stopped by", NULL);
	ui_signal = sig;
}

static void
on_crash(int sig)
{
	size_t i;

	for (i = 0; i < N_CRASH; i++)
		if (crash_sigs[i] == sig)
			ui_die(sig, i < N_CRASHES ? "crashed with" :
			    "stopped by", &ui_crash_old[i]);
}

/* Whether act is SIG_DFL or SIG_IGN (what), not a handler. */
static bool
sig_is(const struct sigaction *act, void (*what)(int))
{
	return !(act->sa_flags & SA_SIGINFO) && act->sa_handler == what;
}

/* SIGINT, SIGTERM and SIGHUP set a flag the loop reads; the others that
 * end a program put the terminal back first.  A signal ignored when the
 * program started stays ignored; one that is not a crash and has a
 * handler already (a profiler's SIGPROF) keeps it; a crash's handler (a
 * sanitizer's) runs after ours. */
static void
signals_catch(void)
{
	static const int quit_sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa, old;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	for (i = 0; i < sizeof quit_sigs / sizeof quit_sigs[0]; i++)
		if (sigaction(quit_sigs[i], NULL, &old) == 0 &&
		    !sig_is(&old, SIG_IGN))
			(void)sigaction(quit_sigs[i], &sa, NULL);
	sa.sa_handler = on_crash;
	for (i = 0; i < N_CRASH; i++)
		if (sigaction(crash_sigs[i], &sa, &ui_crash_old[i]) == 0 &&
		    (sig_is(&ui_crash_old[i], SIG_IGN) || (i >= N_CRASHES &&
		    !sig_is(&ui_crash_old[i], SIG_DFL))))
			(void)sigaction(crash_sigs[i], &ui_crash_old[i], NULL);
}

/* Leaving: a signal now changes nothing (the history is being saved);
 * once the terminal is given back, a crash has nothing to put back. */
static void
signals_leave(bool screen_gone)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_IGN;
	if (!screen_gone) {
		(void)sigaction(SIGINT, &sa, NULL);
		(void)sigaction(SIGTERM, &sa, NULL);
		(void)sigaction(SIGHUP, &sa, NULL);
		return;
	}
	ui_tty_saved = 0;
	for (i = 0; i < N_CRASH; i++)
		(void)sigaction(crash_sigs[i], &ui_crash_old[i], NULL);
}

/* The bytes that end the screen's modes (as endwin does), from the
 * terminal's description, without padding: for the crash path. */
static void
reset_prepare(void)
{
	static const char *const caps[] = { "sgr0", "cnorm", "rmkx",
		"rmcup" };
	const char *p;
	size_t i, n = 0;

	for (i = 0; i < sizeof caps / sizeof caps[0]; i++) {
		p = tigetstr((char *)(uintptr_t)caps[i]);
		if (p == NULL || p == (char *)-1)
			continue;
		for (; *p != '\0' && n < sizeof ui_reset - 1; p++) {
			if (p[0] == '$' && p[1] == '<' && strchr(p, '>')) {
				p = strchr(p, '>');	/* $<5>: a delay */
				continue;
			}
			ui_reset[n++] = *p;
		}
	}
	ui_reset_len = n;
}

/* The screen on this terminal: the SCREEN, or NULL after saying why not
 * (TERM unset, unknown, or a terminal that cannot move its cursor). */
static SCREEN *
screen_open(void)
{
	char msg[LINE_W];
	SCREEN *sc;

	if (tty_check(msg, sizeof msg) != 0) {
		fprintf(stderr, "vmscope: %s\n", msg);
		return NULL;
	}
	if ((sc = newterm(NULL, stdout, stdin)) == NULL)
		fputs("vmscope: cannot start the screen on this terminal\n",
		    stderr);
	return sc;
}

static void
history_path(void)
{
	const char *st = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char dir[LINE_W - 16];

	U.histfile[0] = '\0';
	if (st != NULL && *st != '\0')
		snprintf(dir, sizeof dir, "%s/vmscope", st);
	else if (home != NULL && *home != '\0')
		snprintf(dir, sizeof dir, "%s/.local/state/vmscope", home);
	else
		return;
	if (st == NULL || *st == '\0') {
		char parent[LINE_W];

		if (strlen(home) > LINE_W - 64)
			return;
		snprintf(parent, sizeof parent, "%s/.local", home);
		(void)mkdir(parent, 0700);
		snprintf(parent, sizeof parent, "%s/.local/state", home);
		(void)mkdir(parent, 0700);
	}
	(void)mkdir(dir, 0700);
	snprintf(U.histfile, sizeof U.histfile, "%s/history", dir);
}

/* The history is written whole to a temporary file of this process,
 * flushed to the disk, then renamed over the old one: a crash or a signal
 * at any moment leaves the old file or the new one, never a part.  Not
 * with write_history(): readline takes a short write (a full disk, a file
 * size limit) for a whole one. */
static void
history_save(void)
{
	char tmp[LINE_W + 48];
	HIST_ENTRY **h;
	FILE *f;
	int fd, i;
	bool ok;

	if (U.histfile[0] == '\0')
		return;
	snprintf(tmp, sizeof tmp, "%s.%ld.tmp", U.histfile, (long)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW,
	    0600)) < 0)
		return;
	if ((f = fdopen(fd, "w")) == NULL) {
		(void)close(fd);
		(void)unlink(tmp);
		return;
	}
	if ((h = history_list()) != NULL)
		for (i = 0; h[i] != NULL; i++)
			if (fputs(h[i]->line, f) == EOF || putc('\n', f) == EOF)
				break;
	ok = fflush(f) == 0 && !ferror(f) && fsync(fd) == 0;
	if (fclose(f) != 0)
		ok = false;
	if (!ok || rename(tmp, U.histfile) != 0)
		(void)unlink(tmp);
}

static int
load_file(const char *file)
{
	FILE *f;
	long n;

	if (file == NULL)	/* the first lesson, wherever it is */
		return shelf_lesson("1", &U.text, &U.textlen, U.fname,
		    sizeof U.fname);
	snprintf(U.fname, sizeof U.fname, "%s", file);
	if ((f = fopen(file, "rb")) == NULL) {
		/* vmscope 3, vmscope 02-policies: a lesson by its name */
		if (errno == ENOENT && strchr(file, '/') == NULL)
			return shelf_lesson(file, &U.text, &U.textlen,
			    U.fname, sizeof U.fname);
		return -1;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    n > (long)RUN_FILE_MAX || fseek(f, 0, SEEK_SET) != 0 ||
	    (U.text = (char *)malloc((size_t)n + 1)) == NULL ||
	    fread(U.text, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		return -1;
	}
	fclose(f);
	U.textlen = (size_t)n;
	return 0;
}

int
ui_run(const char *file, unsigned flags)
{
	SCREEN *sc;
	struct verr ve;
	char msg[LINE_W];
	int c, status, i;
	const char *nc = getenv("NO_COLOR");

	memset(&U, 0, sizeof U);
	U.flags = flags;
	U.quiz_on = (flags & UI_QUIZ) != 0;
	U.zoom = -1;
	U.tlbset = U.tlbway = -1;
	U.playing = -1;
	if (load_file(file) != 0) {
		fprintf(stderr, "vmscope: cannot open '%s'%s%s\n", file ? file :
		    "the first lesson", errno ? ": " : "", errno ?
		    strerror(errno) : "");
		return 2;
	}
	memset(&ve, 0, sizeof ve);
	if ((U.s = run_new(RUN_BATCH, (flags & UI_ALLOW_WRITE) ?
	    RUN_ALLOW_WRITE : 0, &ve)) == NULL) {
		fprintf(stderr, "vmscope: %s\n", ve.msg);
		return 2;
	}
	/* the whole file parsed first, as --batch does: its errors on
	 * stderr, and no screen */
	if (run_prepare(U.s, U.fname, U.text, U.textlen) != 0) {
		run_free(U.s);
		free(U.text);
		return 2;
	}
	U.s->stepwise = true;
	U.s->screen = true;
	U.s->ui_cmd = ui_command;
	run_set_output(U.s, sink_out, NULL);
	run_set_errors(U.s, sink_err, NULL);
	run_set_events(U.s, on_event, NULL);
	U.s->stop = ui_stop_hook;

	setlocale(LC_ALL, "");
	/* caught before the screen starts, so that ncurses installs no
	 * handler of its own for SIGINT and SIGTERM */
	signals_catch();
	sc = NULL;
	if (tcgetattr(STDIN_FILENO, &ui_tty0) != 0)
		fprintf(stderr, "vmscope: cannot read the terminal's settings: "
		    "%s\n", strerror(errno));
	else
		sc = screen_open();
	if (sc == NULL) {
		signals_leave(false);
		signals_leave(true);
		run_free(U.s);
		free(U.text);
		return 2;
	}
	reset_prepare();
	ui_tty_saved = 1;
	raw();
	noecho();
	nonl();
	set_escdelay(25);
	U.color = has_colors() && !(flags & UI_NOCOLOR) &&
	    (nc == NULL || *nc == '\0');
	if (U.color) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_RED, -1);
		init_pair(2, COLOR_GREEN, -1);
		init_pair(3, COLOR_MAGENTA, -1);
		init_pair(4, COLOR_CYAN, -1);
		init_pair(5, COLOR_YELLOW, -1);
		init_pair(6, COLOR_BLUE, -1);
	}
	curs_set(1);

	rl_readline_name = "vmscope";
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_prep_term_function = NULL;
	rl_deprep_term_function = NULL;
	rl_change_environment = 0;
	rl_outstream = fopen("/dev/null", "w");
	rl_getc_function = rl_getc_hook;
	rl_input_available_hook = rl_avail_hook;
	rl_redisplay_function = rl_redisplay_hook;
	rl_attempted_completion_function = complete;
	rl_completion_display_matches_hook = show_matches;
	rl_completion_query_items = -1;
	history_path();
	stifle_history(HISTORY_MAX);
	if (U.histfile[0] != '\0')
		(void)read_history(U.histfile);
	rl_callback_handler_install("vmscope> ", on_line);
	bind_key("kf10", "\033[21~", ui_key_step);
	bind_key("kf9", "\033[20~", ui_key_back);
	bind_key("kf6", "\033[17~", ui_key_zoom);
	bind_key("kf1", "\033OP", ui_key_help);
	bind_key("kpp", "\033[5~", ui_key_pgup);
	bind_key("knp", "\033[6~", ui_key_pgdn);
	rl_bind_key('?', ui_key_help);
	rl_bind_key(12, ui_key_redraw);	/* ^L */
	rl_bind_key(3, ui_key_stop);	/* ^C */

	layout();
	snprintf(msg, sizeof msg, "vmscope: %.400s. F10 steps through it; "
	    "type help for the commands.", U.fname);
	log_add(msg, strlen(msg));
	draw_all();
	while (!U.eof && !ui_signal) {
		if (ui_intr) {		/* SIGINT at the prompt: as Ctrl-C */
			ui_intr = 0;
			rl_callback_sigcleanup();
			(void)ui_key_stop(1, 3);
		}
		c = next_key();
		if (c == ERR) {
			if (U.playing >= 0) {
				work_begin();
				if (!advance())
					U.playing = -1;
				work_end();
				draw_all();
				napms(U.playing > 0 ? U.playing : 0);
			}
			continue;
		}
		if (c == KEY_RESIZE) {
			layout();
			clearok(curscr, TRUE);
			draw_all();
			continue;
		}
		if (U.playing >= 0) {	/* a key stops play */
			U.playing = -1;
			if (c != 3)
				continue;
		}
		work_begin();
		U.pending = c;
		U.have_pending = true;
		rl_callback_read_char();
		if (U.ready != NULL) {
			char *l = U.ready;

			U.ready = NULL;
			for (i = 0; l[i] == ' '; i++)
				;
			if (l[i] == '\0') {
				if (U.last[0] != '\0')
					run_typed(U.last);
				else
					(void)advance();
			} else if (quiz_pending() && !is_command(l + i)) {
				run_typed(l + i);	/* an answer */
			} else {
				uint64_t pos0 = engine_position(U.s->engine);
				size_t nlog0 = U.nlog;

				add_history(l);
				using_history();
				snprintf(U.last, sizeof U.last, "%s", l + i);
				run_typed(l + i);
				if (U.quiz_on && !quiz_pending())
					ask_ahead(pos0, nlog0, false);
			}
			free(l);
			if (U.s->quit)
				U.eof = true;
		}
		work_end();
		draw_all();
	}
	signals_leave(false);
	rl_callback_handler_remove();
	history_save();
	endwin();
	delscreen(sc);
	signals_leave(true);
	/* what was typed wrong was said on the screen: leaving is fine */
	status = 0;
	run_free(U.s);
	for (i = 0; i < (int)U.nlog; i++)
		free(U.log[(U.loghead + (size_t)i) % LOG_MAX]);
	free(U.text);
	if (rl_outstream != NULL)
		fclose(rl_outstream);
	if (ui_signal != 0) {
		/* the history is saved: said once the screen is put back */
		(void)sig_message(msg, sizeof msg, "stopped by", ui_signal);
		fputs(msg, stderr);
		return 128 + ui_signal;
	}
	return status;
}

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* make bench: draw a 200x60 screen after each of steps steps of FILE,
 * on a terminal that goes nowhere, and print the times. */
int
ui_bench(const char *file, unsigned long steps)
{
	FILE *out, *in;
	SCREEN *sc;
	struct verr ve;
	double t0, t1, draw = 0, play;
	unsigned long i, done = 0;

	memset(&U, 0, sizeof U);
	U.zoom = -1;
	U.tlbset = U.tlbway = -1;
	U.playing = -1;
	U.flags = UI_NOCOLOR;
	if (load_file(file) != 0) {
		fprintf(stderr, "vmscope: cannot open '%s'\n", file);
		return 2;
	}
	out = fopen("/dev/null", "w");
	in = fopen("/dev/null", "r");
	memset(&ve, 0, sizeof ve);
	if (out == NULL || in == NULL ||
	    (U.s = run_new(RUN_BATCH, 0, &ve)) == NULL) {
		fprintf(stderr, "vmscope: cannot start the bench\n");
		return 2;
	}
	U.s->stepwise = true;
	U.s->screen = true;
	run_set_output(U.s, sink_out, NULL);
	run_set_errors(U.s, sink_err, NULL);
	run_set_events(U.s, on_event, NULL);
	if ((sc = newterm("xterm-256color", out, in)) == NULL) {
		fprintf(stderr, "vmscope: no terminal description for the "
		    "bench\n");
		return 2;
	}
	resizeterm(60, 200);
	layout();
	for (i = 0; i < steps; i++) {
		if (!advance() && U.off >= U.textlen && !U.paused)
			break;
		done++;
		t0 = now_s();
		draw_all();
		t1 = now_s();
		draw += t1 - t0;
	}
	/* play 0: the same steps again from the start, drawing each */
	(void)run_line(U.s, "reset", 5);
	U.off = 0;
	t0 = now_s();
	for (i = 0; i < done; i++) {
		(void)advance();
		draw_all();
	}
	play = now_s() - t0;
	endwin();
	delscreen(sc);
	printf("  screen 200x60: %.3f ms to draw a step (average of %lu "
	    "steps)\n", done ? 1e3 * draw / (double)done : 0.0, done);
	printf("  play 0 over %lu steps: %.2f s (%.0f steps/s, drawing each)"
	    "\n", done, play, play > 0 ? (double)done / play : 0.0);
	run_free(U.s);
	for (i = 0; i < U.nlog; i++)
		free(U.log[(U.loghead + i) % LOG_MAX]);
	free(U.text);
	fclose(out);
	fclose(in);
	return 0;
}
