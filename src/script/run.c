/*
 * run.c - a session runs files and lines of the command language against
 * one machine, and sends what happens to its transcript and error sinks.
 *
 * A file is read whole (at most RUN_FILE_MAX bytes; a missing final
 * newline, CRLF ends and a leading UTF-8 byte-order mark are fine) and
 * then passed over twice.  The first pass, the scan, lexes and parses
 * every line, so that a syntax error anywhere means none of the file
 * runs, and lists the file's accesses in order as struct future_ref (the
 * process current at that point, tracked through process, switch and
 * machine lines, and the VA): OPT needs the future.  The scan follows
 * loads, as the run will, so the list is the run's.  The second pass runs
 * the lines; the nth access run gets op.fidx n.  Each file given to
 * run_file() starts on a fresh machine.
 *
 * Lines from the user (run_line, run_stream: stdin now, the shell later)
 * run one at a time as they come, with no future; an error is reported
 * and the next line runs.  An error in a file stops that file, and the
 * file that loaded it, up to the top.
 *
 * Files from strangers are safe to run: a file's load stays inside the
 * folder of that file (compared by realpath, so neither ".." nor a
 * symbolic link leaves it), nests at most RUN_LOAD_MAX deep and refuses a
 * cycle; a command from a file writes no file without RUN_ALLOW_WRITE;
 * writes are atomic (a temporary file, then rename); nothing runs a
 * shell.
 *
 * Errors read FILE:LINE:COLUMN: message, and failed expects FILE:LINE:
 * message; the session's status is the worst seen: 2 for an error, 1 for
 * a failed expect, else 0.  An error in a loaded file is followed by one
 * "FILE:LINE:COLUMN: note: X is loaded here" line for each file up the
 * chain, as a compiler tells where a header was included from.  A file
 * with a NUL byte is not text: one error at that byte, not one for each
 * line of junk.
 */
#if !defined(_XOPEN_SOURCE)
#define _XOPEN_SOURCE 700	/* realpath() */
#endif

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtin.h"
#include "cmd.h"
#include "keys.h"
#include "lex.h"
#include "run.h"

/* A file (or the user's input) being scanned or run. */
struct run_frame {
	char		*name;		/* as messages show it */
	char		*real;		/* realpath of the file, or NULL */
	char		*dir;		/* realpath of its folder, or NULL: the
					 * current directory, no folder rule */
	bool		 file;		/* its commands come from a file */
	unsigned long	 line;
	struct run_frame *up;		/* the file that loaded it */
	struct lex_line	 lex;
	struct cmd_parsed parsed;
};

/* Storage for the process names future[].proc points at: blocks that
 * never move, freed together. */
#define RUN_NAMES_BLOCK 4096
struct run_names {
	struct run_names *next;
	size_t		 used;
	char		 buf[RUN_NAMES_BLOCK];
};

/* What the scan of a file (and of what it loads) found. */
struct run_scan {
	const char	*proc;		/* the current process */
	unsigned	 machine;	/* machine lines so far */
	bool		 collect;	/* list the accesses, follow loads */
	bool		 stop;		/* past a quit */
	bool		 nomem;
	bool		 toomany;	/* ... as the memory limit: accesses */
	unsigned	 nerr;
	bool		 save;		/* a save: keep the transcript */
	bool		 history;	/* back or reset: keep a journal */
};

static void	run_stdout(void *, const char *, size_t);
static void	run_stderr(void *, const char *, size_t);
static void	run_report(struct session *, const char *, unsigned,
		    const char *, va_list);
static int	run_default(struct session *, struct verr *);
static int	run_override(const struct session *, struct mconfig *,
		    struct verr *);
static void	run_journal_limit(const struct session *, struct engine *);
static void	run_forget(struct session *);
static const char *run_intern(struct session *, const char *);
static int	run_future_add(struct session *, const char *, uint64_t,
		    unsigned);
static struct run_frame *run_frame_new(const char *, char *, char *, bool);
static void	run_frame_free(struct run_frame *);
static int	run_read(const char *, char **, size_t *);
static char	*run_join(const char *, const char *);
static char	*run_dirname(const char *);
static bool	run_inside(const char *, const char *);
static bool	run_regular(const char *);
static int	run_builtin(const char *, struct run_frame **, char **,
		    size_t *);
static int	run_open(struct session *, const char *, struct run_frame **,
		    char **, size_t *, char *, size_t);
static size_t	run_bom(const char *, size_t);
static int	run_binary(struct session *, struct run_frame *,
		    const char *, size_t);
static const struct future_ref *run_future(const struct session *);
static void	run_report_chain(struct session *);
static bool	run_getline(const char *, size_t, size_t *, const char **,
		    size_t *);
static void	run_scan_lines(struct session *, struct run_frame *,
		    const char *, size_t, struct run_scan *);
static void	run_scan_nomem(struct session *, const struct run_scan *);
static void	run_scan_command(struct session *, struct run_frame *,
		    const struct cmd_parsed *, struct run_scan *);
static int	run_lines(struct session *, struct run_frame *, const char *,
		    size_t);
static int	run_top(struct session *, const char *, char *, char *,
		    const char *, size_t);
static int	run_write_atomic(const char *, const char *, size_t);

static void
run_stdout(void *arg, const char *line, size_t len)
{
	(void)arg;
	fwrite(line, 1, len, stdout);
	putc('\n', stdout);
}

static void
run_stderr(void *arg, const char *line, size_t len)
{
	(void)arg;
	fflush(stdout);		/* keep the order when both go to one place */
	fwrite(line, 1, len, stderr);
	putc('\n', stderr);
}

/* The smallest memory limit: the default machine fits with room. */
#define RUN_MEMORY_MIN ((uint64_t)16 << 20)

int
run_memory_parse(const char *what, const char *text, uint64_t *bytes,
    struct verr *ve)
{
	struct lex_word w;
	struct lex_err le;

	memset(&w, 0, sizeof w);
	w.s = text;
	w.len = strlen(text);
	memset(&le, 0, sizeof le);
	if (lex_number(&w, bytes, &le) != 0)
		return (verr_set(ve, NULL, "%s=%.40s: %s", what, text,
		    le.msg));
	if (*bytes != 0 && *bytes < RUN_MEMORY_MIN)
		return (verr_set(ve, NULL, "%s=%.40s: a memory limit is at "
		    "least 16M (or 0: no limit)", what, text));
	return (0);
}

int
run_memory_limit(uint64_t *bytes, struct verr *ve)
{
	const char *v = getenv("VMSCOPE_MAX_MEMORY");

	*bytes = MCFG_MEMORY_DEFAULT;
	if (v == NULL || v[0] == '\0')
		return (0);
	return (run_memory_parse("VMSCOPE_MAX_MEMORY", v, bytes, ve));
}

struct session *
run_new(enum run_mode mode, unsigned flags, struct verr *ve)
{
	struct session *s;

	if ((s = (struct session *)calloc(1, sizeof *s)) == NULL) {
		verr_set(ve, NULL, "out of memory");
		return (NULL);
	}
	if (run_memory_limit(&s->max_memory, ve) != 0) {
		free(s);
		return (NULL);
	}
	s->mode = mode;
	s->flags = flags;
	s->engine_flags = ENGINE_JOURNAL;
	s->out.fn = run_stdout;
	s->err.fn = run_stderr;
	s->keep = mode == RUN_BATCH;
	sb_init(&s->transcript);
	sb_init(&s->trace_report);
	if (run_default(s, ve) != 0) {
		free(s);
		return (NULL);
	}
	return (s);
}

void
run_free(struct session *s)
{
	if (s == NULL)
		return;
	engine_free(s->engine);
	run_forget(s);
	free(s->sweep_pts);
	sb_free(&s->trace_report);
	run_frame_free(s->input);
	sb_free(&s->transcript);
	free(s);
}

void
run_set_output(struct session *s, void (*fn)(void *, const char *, size_t),
    void *arg)
{
	s->out.fn = fn;
	s->out.arg = arg;
}

void
run_set_errors(struct session *s, void (*fn)(void *, const char *, size_t),
    void *arg)
{
	s->err.fn = fn;
	s->err.arg = arg;
}

void
run_set_events(struct session *s, void (*fn)(void *, const struct engine *,
    const struct event *), void *arg)
{
	s->event = fn;
	s->event_arg = arg;
}

int
run_status(const struct session *s)
{
	return (s->status);
}

/* The future of a file with no accesses: empty, but known. */
static const struct future_ref run_no_future[1] = { { "", 0, 0 } };

/* The future to give a new machine: NULL if there is none (a line
 * typed in the screen's shell has none, even while a file plays). */
static const struct future_ref *
run_future(const struct session *s)
{
	if (!s->use_future || !run_from_file(s))
		return (NULL);
	return (s->future != NULL ? s->future : run_no_future);
}

/* The history for back counts toward the memory limit: each of its two
 * journals is held to a sixteenth of the limit (at most the engine's
 * default of 32 MiB), so that a small limit still leaves room for the
 * machine. */
static void
run_journal_limit(const struct session *s, struct engine *e)
{
	if (s->max_memory != 0 && s->max_memory / 16 < ((uint64_t)32 << 20))
		engine_set_journal_limit(e, (size_t)(s->max_memory / 16));
}

/* A fresh default machine, given the session's future if it has one. */
static int
run_default(struct session *s, struct verr *ve)
{
	struct mconfig c;
	struct engine *e;

	mcfg_init(&c);
	c.max_memory = s->max_memory;
	if (mcfg_finish(&c, ve) != 0 || run_override(s, &c, ve) != 0)
		return (-1);
	e = engine_new_future(&c, s->engine_flags, run_future(s),
	    s->use_future ? s->nfuture : 0, ve);
	if (e == NULL)
		return (-1);
	run_journal_limit(s, e);
	engine_free(s->engine);
	s->engine = e;
	return (0);
}

/* A sweep's key on a machine about to be made: 0, or -1 with ve set. */
static int
run_override(const struct session *s, struct mconfig *c, struct verr *ve)
{
	const struct key_entry *k = (const struct key_entry *)s->override_key;
	struct lex_word w;
	struct lex_err le;

	if (k == NULL)
		return (0);
	memset(&w, 0, sizeof w);
	w.s = s->override_val;
	w.len = strlen(s->override_val);
	memset(&le, 0, sizeof le);
	if (k->set(k, c, &w, &le) != 0) {
		snprintf(ve->msg, sizeof ve->msg, "%.250s", le.msg);
		return (-1);
	}
	return (mcfg_finish(c, ve));
}

int
run_machine(struct session *s, const struct mconfig *c, struct verr *ve)
{
	struct engine *e;
	struct mconfig o = *c;

	o.max_memory = s->max_memory;
	if (run_override(s, &o, ve) != 0)
		return (-1);
	c = &o;
	e = engine_new_future(c, s->engine_flags, run_future(s),
	    s->use_future ? s->nfuture : 0, ve);
	if (e == NULL)
		return (-1);
	run_journal_limit(s, e);
	engine_free(s->engine);
	s->engine = e;
	return (0);
}

/* Output. */

void
run_put(struct session *s, const char *line, size_t len)
{
	if (s->mode == RUN_CHECK)
		return;
	if (s->out.fn != NULL)
		s->out.fn(s->out.arg, line, len);
	if (s->keep && !s->cut) {
		/* held to an eighth of the memory limit: a file of ten
		 * million steps piped in must not keep them all */
		if (s->max_memory != 0 &&
		    s->transcript.len + len + 1 > s->max_memory / 8) {
			s->cut = true;
			return;
		}
		sb_putn(&s->transcript, line, len);
		sb_putn(&s->transcript, "\n", 1);
	}
}

void
run_out(struct session *s, const char *fmt, ...)
{
	char buf[LEX_LINE_MAX + 256];
	va_list ap;
	int n;

	if (s->mode == RUN_CHECK)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	run_put(s, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

void
run_emit(struct session *s, const struct event *ev)
{
	char buf[512];

	s->steps++;
	if (s->event != NULL)
		s->event(s->event_arg, s->engine, ev);
	if (s->mode == RUN_CHECK)
		return;		/* the fast path: nothing formatted */
	buf[0] = buf[1] = ' ';
	buf[2] = '\0';
	event_format(s->engine, ev, buf + 2, sizeof buf - 2);
	buf[sizeof buf - 1] = '\0';
	run_put(s, buf, strlen(buf));
}

bool
run_limited(const struct session *s)
{
	return (s->step_limit != 0 && s->steps >= s->step_limit);
}

/* FILE:LINE:COLUMN: message (no column if col is 0, no line outside a
 * line, "vmscope" outside a file). */
static void
run_report(struct session *s, const char *pre, unsigned col, const char *fmt,
    va_list ap)
{
	const struct run_frame *f = s->frame;
	char msg[2048], line[2560];
	int n;

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (f == NULL)
		n = snprintf(line, sizeof line, "vmscope: %s%s", pre, msg);
	else if (f->line == 0)
		n = snprintf(line, sizeof line, "%s: %s%s", f->name, pre, msg);
	else if (col == 0)
		n = snprintf(line, sizeof line, "%s:%lu: %s%s", f->name,
		    f->line, pre, msg);
	else
		n = snprintf(line, sizeof line, "%s:%lu:%u: %s%s", f->name,
		    f->line, col, pre, msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof line)
		n = (int)sizeof line - 1;
	if (s->err.fn != NULL)
		s->err.fn(s->err.arg, line, (size_t)n);
}

/* After an error in a loaded file: where each file of the chain was
 * loaded, innermost first, as compilers tell "included from". */
static void
run_report_chain(struct session *s)
{
	const struct run_frame *f, *g;
	char line[LEX_LINE_MAX + 512];
	int n;

	if (s->frame == NULL || s->err.fn == NULL)
		return;
	for (f = s->frame, g = f->up; g != NULL; f = g, g = g->up) {
		if (!g->file || g->line == 0)
			continue;
		n = snprintf(line, sizeof line, "%s:%lu:%u: note: %s is "
		    "loaded here", g->name, g->line, g->parsed.namecol,
		    f->name);
		if (n < 0)
			continue;
		if ((size_t)n >= sizeof line)
			n = (int)sizeof line - 1;
		s->err.fn(s->err.arg, line, (size_t)n);
	}
}

void
run_error(struct session *s, unsigned col, const char *fmt, ...)
{
	va_list ap;

	s->status = 2;
	s->fstatus = 2;
	va_start(ap, fmt);
	run_report(s, "", col, fmt, ap);
	va_end(ap);
	run_report_chain(s);
}

void
run_fail(struct session *s, const char *fmt, ...)
{
	va_list ap;

	if (s->status < 1)
		s->status = 1;
	if (s->fstatus < 1)
		s->fstatus = 1;
	va_start(ap, fmt);
	run_report(s, "", 0, fmt, ap);
	va_end(ap);
}

/* The future. */

uint32_t
run_fidx(struct session *s)
{
	if (!s->use_future || s->fnext >= s->nfuture || !run_from_file(s))
		return (OP_NO_FUTURE);
	return (s->fnext++);
}

bool
run_from_file(const struct session *s)
{
	return (s->frame != NULL && s->frame->file);
}

/* A future set aside while a machine made with it may still run. */
struct run_retired {
	struct run_retired *next;
	struct future_ref *future;
	struct run_names *names;
};

static void
run_forget(struct session *s)
{
	struct run_names *b;
	struct run_retired *r;

	while ((r = s->retired) != NULL) {
		s->retired = r->next;
		free(r->future);
		while ((b = r->names) != NULL) {
			r->names = b->next;
			free(b);
		}
		free(r);
	}

	free(s->future);
	s->future = NULL;
	s->nfuture = s->capfuture = 0;
	s->fnext = 0;
	while ((b = s->names) != NULL) {
		s->names = b->next;
		free(b);
	}
}

static const char *
run_intern(struct session *s, const char *name)
{
	struct run_names *b = s->names;
	size_t len = strlen(name) + 1;
	char *p;

	if (b == NULL || RUN_NAMES_BLOCK - b->used < len) {
		if ((b = (struct run_names *)malloc(sizeof *b)) == NULL)
			return (NULL);
		b->next = s->names;
		b->used = 0;
		s->names = b;
	}
	p = b->buf + b->used;
	memcpy(p, name, len);
	b->used += len;
	return (p);
}

static int
run_future_add(struct session *s, const char *proc, uint64_t va,
    unsigned machine)
{
	struct future_ref *f;
	size_t cap;

	/* an eighth of the memory limit, as the transcript kept */
	if (s->max_memory != 0 &&
	    s->nfuture >= s->max_memory / 8 / sizeof *f)
		return (-2);
	if (s->nfuture == s->capfuture) {
		if (s->capfuture >= OP_NO_FUTURE / 2)
			return (-1);
		cap = s->capfuture ? s->capfuture * 2 : 1024;
		f = (struct future_ref *)realloc(s->future, cap * sizeof *f);
		if (f == NULL)
			return (-1);
		s->future = f;
		s->capfuture = cap;
	}
	s->future[s->nfuture].proc = proc;
	s->future[s->nfuture].va = va;
	s->future[s->nfuture].machine = machine;
	s->nfuture++;
	return (0);
}

/* Frames. */

/* A frame owning real and dir (which may be NULL); NULL if out of memory,
 * and then real and dir are freed. */
static struct run_frame *
run_frame_new(const char *name, char *real, char *dir, bool file)
{
	struct run_frame *f;

	if ((f = (struct run_frame *)malloc(sizeof *f)) == NULL ||
	    (f->name = strdup(name)) == NULL) {
		free(f);
		free(real);
		free(dir);
		return (NULL);
	}
	f->real = real;
	f->dir = dir;
	f->file = file;
	f->line = 0;
	f->up = NULL;
	return (f);
}

static void
run_frame_free(struct run_frame *f)
{
	if (f == NULL)
		return;
	free(f->name);
	free(f->real);
	free(f->dir);
	free(f);
}

/* Files. */

/* Read a file whole: 0, or an errno (EFBIG: over RUN_FILE_MAX). */
static int
run_read(const char *path, char **bufp, size_t *lenp)
{
	struct stat st;
	char *buf = NULL, *nb;
	size_t len = 0, cap = 0, want = 4096;
	ssize_t n;
	int fd, err = 0;

	if ((fd = open(path, O_RDONLY)) == -1)
		return (errno);
	if (fstat(fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			close(fd);
			return (EISDIR);
		}
		/* Too big is known at once: read none of it. */
		if (S_ISREG(st.st_mode) &&
		    (uint64_t)st.st_size > RUN_FILE_MAX) {
			close(fd);
			return (EFBIG);
		}
		if (S_ISREG(st.st_mode) && st.st_size >= 0)
			want = (size_t)st.st_size + 1;
	}
	for (;;) {
		if (len == cap) {
			if (cap > RUN_FILE_MAX) {
				err = EFBIG;
				break;
			}
			cap = cap == 0 ? want : cap * 2;
			if (cap > RUN_FILE_MAX + 1)
				cap = RUN_FILE_MAX + 1;
			if ((nb = (char *)realloc(buf, cap)) == NULL) {
				err = ENOMEM;
				break;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			err = errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (err == 0 && len > RUN_FILE_MAX)
		err = EFBIG;
	if (err == 0 && buf == NULL && (buf = (char *)malloc(1)) == NULL)
		err = ENOMEM;
	if (err != 0) {
		free(buf);
		return (err);
	}
	*bufp = buf;
	*lenp = len;
	return (0);
}

/* dir/arg, or arg if it is absolute or dir is NULL. */
static char *
run_join(const char *dir, const char *arg)
{
	char *p;
	size_t n;

	if (dir == NULL || arg[0] == '/')
		return (strdup(arg));
	n = strlen(dir) + strlen(arg) + 2;
	if ((p = (char *)malloc(n)) != NULL)
		snprintf(p, n, "%s/%s", dir, arg);
	return (p);
}

/* The folder of an absolute path, "/" for the root's files. */
static char *
run_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *p;
	size_t n;

	if (slash == NULL)
		return (strdup("."));
	n = slash == path ? 1 : (size_t)(slash - path);
	if ((p = (char *)malloc(n + 1)) != NULL) {
		memcpy(p, path, n);
		p[n] = '\0';
	}
	return (p);
}

/* May a file's command read the file at real: a regular file, or a
 * folder (whose read fails with its own message)?  Not a FIFO, which
 * blocks the open until someone writes, nor a device such as
 * /dev/zero, which never ends: a folder unpacked from an archive may
 * hold either. */
static bool
run_regular(const char *real)
{
	struct stat st;

	return (stat(real, &st) != 0 || S_ISREG(st.st_mode) ||
	    S_ISDIR(st.st_mode));
}

/* Is the real path real inside the real folder dir? */
static bool
run_inside(const char *real, const char *dir)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return (real[0] == '/');
	return (strncmp(real, dir, n) == 0 && real[n] == '/');
}

/* A path that does not resolve: does the folder it names lie outside
 * dir (then nothing is to be said of what exists there)? */
static bool
run_parent_outside(const char *path, const char *dir)
{
	char *d, *real;
	bool out = false;

	if ((d = run_dirname(path)) != NULL) {
		real = realpath(d, NULL);
		free(d);
		out = real != NULL && strcmp(real, dir) != 0 &&
		    !run_inside(real, dir);
		free(real);
	}
	return (out);
}

/*
 * The file that "load arg" means in the current frame, checked against
 * the rules and read whole, as a new frame (not yet pushed).  On failure,
 * the message is in msg.
 */
static int
run_open(struct session *s, const char *arg, struct run_frame **fp,
    char **bufp, size_t *lenp, char *msg, size_t msgsize)
{
	const struct run_frame *f = s->frame, *g;
	const char *slash;
	char *path, *real, *dir, *name;
	size_t n;
	int err;

	if (s->depth >= RUN_LOAD_MAX) {
		snprintf(msg, msgsize, "load: nested more than %d deep",
		    RUN_LOAD_MAX);
		return (-1);
	}
	if ((path = run_join(f->dir, arg)) == NULL)
		goto nomem;
	real = realpath(path, NULL);
	err = errno;
	if (real == NULL && err == ENOENT && strchr(arg, '/') == NULL &&
	    run_builtin(arg, fp, bufp, lenp) == 0) {
		/* a workload built into the program (compare NAME.work) */
		free(path);
		return (0);
	}
	if (real == NULL) {
		/* Say nothing of what exists outside the folder. */
		if (f->dir != NULL && run_parent_outside(path, f->dir)) {
			free(path);
			goto outside;
		}
		free(path);
		snprintf(msg, msgsize, "load: cannot open '%s': %s", arg,
		    strerror(err));
		return (-1);
	}
	free(path);
	if (f->dir != NULL && !run_inside(real, f->dir)) {
		free(real);
		goto outside;
	}
	if (f->dir != NULL && !run_regular(real)) {
		snprintf(msg, msgsize, "load: '%s' is not a regular file (a "
		    "FIFO or a device would wait forever or never end)", arg);
		free(real);
		return (-1);
	}
	for (g = f; g != NULL; g = g->up) {
		if (g->real != NULL && strcmp(g->real, real) == 0) {
			snprintf(msg, msgsize, "load: '%s' is already being "
			    "loaded (cycle)", arg);
			free(real);
			return (-1);
		}
	}
	if ((err = run_read(real, bufp, lenp)) != 0) {
		if (err == EFBIG)
			snprintf(msg, msgsize, "load: '%s' is larger than %zu "
			    "MiB", arg, RUN_FILE_MAX >> 20);
		else
			snprintf(msg, msgsize, "load: cannot open '%s': %s",
			    arg, strerror(err));
		free(real);
		return (-1);
	}

	/* Name it as the user would reach it from where the top file is. */
	slash = f->file ? strrchr(f->name, '/') : NULL;
	if (arg[0] != '/' && slash != NULL) {
		n = (size_t)(slash - f->name) + 1 + strlen(arg) + 1;
		if ((name = (char *)malloc(n)) != NULL)
			snprintf(name, n, "%.*s/%s", (int)(slash - f->name),
			    f->name, arg);
	} else
		name = strdup(arg);
	dir = run_dirname(real);
	if (name == NULL || dir == NULL ||
	    (*fp = run_frame_new(name, real, dir, true)) == NULL) {
		if (name == NULL || dir == NULL) {
			free(real);
			free(dir);
		}
		free(name);
		free(*bufp);
		goto nomem;
	}
	free(name);
	return (0);

nomem:
	snprintf(msg, msgsize, "load: out of memory");
	return (-1);
outside:
	snprintf(msg, msgsize, "load: '%s' is outside the folder of %s (a "
	    "file loads only files in its own folder and below)", arg,
	    f->name);
	return (-1);
}

/*
 * The file a command other than load names (trace FILE), by load's rule:
 * a file's command finds it from that file's folder and may not leave the
 * folder; a typed line (no folder) from the current directory.  A malloc'd
 * path to open, and in *name the file as messages name it (as load names
 * a file it loads), or NULL with the reason, cmd: first, in msg.
 */
char *
run_locate(struct session *s, const char *cmd, const char *arg, char **name,
    char *msg, size_t msgsize)
{
	const struct run_frame *f = s->frame;
	const char *slash = f != NULL && f->file ? strrchr(f->name, '/') :
	    NULL;
	char *path, *real;
	size_t n;
	int err;

	if (arg[0] != '/' && slash != NULL) {
		n = (size_t)(slash - f->name) + 1 + strlen(arg) + 1;
		if ((*name = (char *)malloc(n)) != NULL)
			snprintf(*name, n, "%.*s/%s", (int)(slash - f->name),
			    f->name, arg);
	} else
		*name = strdup(arg);
	if (*name == NULL || (path = run_join(f != NULL ? f->dir : NULL,
	    arg)) == NULL) {
		free(*name);
		snprintf(msg, msgsize, "%s: out of memory", cmd);
		return (NULL);
	}
	if (f == NULL || f->dir == NULL)
		return (path);
	real = realpath(path, NULL);
	err = errno;
	if (real == NULL) {
		/* Say nothing of what exists outside the folder. */
		if (run_parent_outside(path, f->dir)) {
			free(path);
			goto outside;
		}
		free(path);
		free(*name);
		snprintf(msg, msgsize, "%s: cannot open '%s': %s", cmd, arg,
		    strerror(err));
		return (NULL);
	}
	free(path);
	if (!run_inside(real, f->dir)) {
		free(real);
		goto outside;
	}
	if (!run_regular(real)) {
		free(real);
		free(*name);
		snprintf(msg, msgsize, "%s: '%s' is not a regular file (a FIFO "
		    "or a device would wait forever or never end)", cmd, arg);
		return (NULL);
	}
	return (real);
outside:
	free(*name);
	snprintf(msg, msgsize, "%s: '%s' is outside the folder of %s (a "
	    "file reads only files in its own folder and below)", cmd, arg,
	    f->name);
	return (NULL);
}

/* A file built into the program (a workload: builtin.h), as if read:
 * 0, or -1 if there is none of that name (or no memory). */
static int
run_builtin(const char *arg, struct run_frame **fp, char **bufp,
    size_t *lenp)
{
	const struct builtin_file *b = builtin_file(arg);
	size_t n;
	char name[256];

	if (b == NULL || strlen(arg) >= sizeof name - 16)
		return (-1);
	n = strlen(b->name);
	if (n < 5 || strcmp(b->name + n - 5, ".work") != 0)
		return (-1);	/* only workloads: lessons are played */
	if ((*bufp = (char *)malloc(b->len + 1)) == NULL)
		return (-1);
	memcpy(*bufp, b->text, b->len + 1);
	*lenp = b->len;
	snprintf(name, sizeof name, "(built in) %s", arg);
	if ((*fp = run_frame_new(name, NULL, NULL, true)) == NULL) {
		free(*bufp);
		return (-1);
	}
	return (0);
}

int
run_read_near(struct session *s, const char *arg, char **bufp,
    size_t *lenp, char **realp, char *msg, size_t msgsize)
{
	struct run_frame *g, top;

	memset(&top, 0, sizeof top);
	if (s->frame == NULL) {
		/* typed: from the current directory, no folder rule */
		top.name = (char *)(uintptr_t)"<stdin>";
		s->frame = &top;
	}
	if (run_open(s, arg, &g, bufp, lenp, msg, msgsize) != 0) {
		if (s->frame == &top)
			s->frame = NULL;
		return (-1);
	}
	if (s->frame == &top)
		s->frame = NULL;
	if (realp != NULL) {
		*realp = g->real;	/* the frame's, handed over */
		g->real = NULL;
	}
	run_frame_free(g);
	return (0);
}

int
run_not_nested(struct session *s, unsigned col, const char *what)
{
	if (s->parent == NULL)
		return (0);
	run_error(s, col, "%s: a workload that compare or sweep runs may not "
	    "run %s itself", what, what);
	return (-1);
}

static size_t
run_bom(const char *buf, size_t len)
{
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		return (3);
	return (0);
}

static bool
run_getline(const char *buf, size_t len, size_t *off, const char **line,
    size_t *llen)
{
	const char *nl;

	if (*off >= len)
		return (false);
	*line = buf + *off;
	nl = (const char *)memchr(*line, '\n', len - *off);
	*llen = nl != NULL ? (size_t)(nl - *line) : len - *off;
	*off += *llen + 1;
	return (true);
}

/* Scanning: the whole file parsed before any of it runs. */

/*
 * A file with a NUL byte is not text (an image, an executable, a file in
 * UTF-16): one error at its first NUL, rather than one for each line of
 * junk.  f->line is left at that line.
 */
static int
run_binary(struct session *s, struct run_frame *f, const char *buf,
    size_t len)
{
	const char *nul, *p, *bol = buf;

	if ((nul = (const char *)memchr(buf, '\0', len)) == NULL)
		return (0);
	f->line = 1;
	for (p = buf; (p = (const char *)memchr(p, '\n',
	    (size_t)(nul - p))) != NULL; p++) {
		f->line++;
		bol = p + 1;
	}
	run_error(s, (unsigned)(nul - bol) + 1, "NUL byte: %s is not a text "
	    "file (a command file is plain text, one command per line)",
	    f->name);
	return (-1);
}

static void
run_scan_lines(struct session *s, struct run_frame *f, const char *buf,
    size_t len, struct run_scan *sc)
{
	struct lex_err e;
	const char *line;
	size_t off = run_bom(buf, len), llen;

	f->line = 0;
	if (run_binary(s, f, buf, len) != 0) {
		sc->nerr++;
		return;
	}
	while (sc->nerr <= RUN_ERRORS_MAX &&
	    run_getline(buf, len, &off, &line, &llen)) {
		f->line++;
		if (lex_split(&f->lex, line, llen, &e) != 0 ||
		    cmd_parse(&f->lex, &f->parsed, &e) != 0) {
			if (++sc->nerr > RUN_ERRORS_MAX) {
				f->line = 0;
				run_error(s, 0, "more errors not shown (the "
				    "first %d are); nothing of the file ran",
				    RUN_ERRORS_MAX);
				return;
			}
			run_error(s, e.col, "%s", e.msg);
			continue;
		}
		if (f->parsed.kind == CMDK_COMMAND && sc->nerr == 0)
			run_scan_command(s, f, &f->parsed, sc);
	}
}

/* The scan ran out of room: of memory, or of the memory limit. */
static void
run_scan_nomem(struct session *s, const struct run_scan *sc)
{
	char lim[32];

	if (!sc->toomany) {
		run_error(s, 0, "out of memory");
		return;
	}
	mcfg_size_text(s->max_memory, lim, sizeof lim);
	run_error(s, 0, "more than %zu accesses: the list of a file's "
	    "accesses (OPT needs the future) is held to an eighth of the "
	    "memory limit of %s (vmscope --max-memory=SIZE or "
	    "VMSCOPE_MAX_MEMORY=SIZE sets the limit); nothing of the file "
	    "ran", s->nfuture, lim);
}

static void
run_scan_command(struct session *s, struct run_frame *f,
    const struct cmd_parsed *p, struct run_scan *sc)
{
	const struct cmd_entry *ce = p->entry;
	struct run_frame *g;
	char *buf, msg[256];
	size_t len;
	int r;

	if (ce->flags & CMD_WRITES)
		sc->save = true;
	if (strcmp(ce->name, "back") == 0 || strcmp(ce->name, "reset") == 0)
		sc->history = true;
	if (!sc->collect || sc->stop)
		return;
	if (ce->flags & CMD_OP) {
		switch (p->op.kind) {
		case OP_PROCESS:
		case OP_SWITCH:
			if ((sc->proc = run_intern(s, p->op.name)) == NULL) {
				sc->nomem = true;
				sc->proc = "";
			}
			break;
		case OP_READ:
		case OP_WRITE:
		case OP_EXEC:
			if ((r = run_future_add(s, sc->proc, p->op.va,
			    sc->machine)) != 0) {
				sc->nomem = true;
				sc->toomany = r == -2;
			}
			break;
		default:
			break;
		}
	} else if (strcmp(ce->name, "machine") == 0) {
		sc->proc = "";
		sc->machine++;
	}
	else if (strcmp(ce->name, "quit") == 0)
		sc->stop = true;
	else if (strcmp(ce->name, "load") == 0) {
		/* A load that will fail fails when it runs, not here. */
		if (run_open(s, p->path, &g, &buf, &len, msg, sizeof msg) != 0)
			return;
		g->up = f;
		s->frame = g;
		s->depth++;
		run_scan_lines(s, g, buf, len, sc);
		s->depth--;
		s->frame = f;
		free(buf);
		run_frame_free(g);
	}
}

/* Running. */

static int
run_lines(struct session *s, struct run_frame *f, const char *buf,
    size_t len)
{
	struct lex_err e;
	const char *line;
	size_t off = run_bom(buf, len), llen;

	f->line = 0;
	while (run_getline(buf, len, &off, &line, &llen)) {
		f->line++;
		if (s->stop != NULL && s->stop(s->stop_arg)) {
			run_error(s, 0, "interrupted here");
			return (-1);
		}
		if (lex_split(&f->lex, line, llen, &e) != 0 ||
		    cmd_parse(&f->lex, &f->parsed, &e) != 0) {
			run_error(s, e.col, "%s", e.msg);
			return (-1);
		}
		if (cmd_exec(s, &f->parsed) != 0)
			return (-1);
		if (s->quit)
			break;
	}
	return (0);
}

int
run_load(struct session *s, const char *arg, unsigned col)
{
	struct run_frame *f = s->frame, *g;
	struct run_scan sc;
	char *buf, msg[LEX_LINE_MAX + 256];
	size_t len;
	int r = -1;

	if (run_open(s, arg, &g, &buf, &len, msg, sizeof msg) != 0) {
		run_error(s, col, "%s", msg);
		return (-1);
	}
	g->up = f;
	s->frame = g;
	s->depth++;
	memset(&sc, 0, sizeof sc);
	run_scan_lines(s, g, buf, len, &sc);
	if (sc.nerr == 0)
		r = run_lines(s, g, buf, len);
	s->depth--;
	s->frame = f;
	free(buf);
	run_frame_free(g);
	return (r);
}

/* A file from the top: fresh machine, scan, run.  Takes real and dir. */
static int
run_top(struct session *s, const char *name, char *real, char *dir,
    const char *buf, size_t len)
{
	struct run_frame *f;
	struct run_scan sc;
	struct verr ve;

	s->fstatus = 0;
	s->quit = false;
	s->steps = 0;
	s->stopped = false;
	engine_free(s->engine);
	s->engine = NULL;
	run_forget(s);
	sb_free(&s->transcript);
	sb_init(&s->transcript);
	s->cut = false;
	if ((f = run_frame_new(name, real, dir, true)) == NULL) {
		run_error(s, 0, "out of memory");
		goto done;
	}
	s->frame = f;
	s->depth = 0;

	memset(&sc, 0, sizeof sc);
	sc.proc = "";
	sc.collect = true;
	run_scan_lines(s, f, buf, len, &sc);
	f->line = 0;
	if (sc.nomem)
		run_scan_nomem(s, &sc);
	if (sc.nerr == 0 && !sc.nomem) {
		/* Without back or reset, nothing needs the journal. */
		s->engine_flags = sc.history || (s->flags & RUN_HISTORY) ?
		    ENGINE_JOURNAL : 0;
		/* No one reads the events of --check: reads fetch lazily. */
		if (s->mode == RUN_CHECK && s->event == NULL)
			s->engine_flags |= ENGINE_QUIET;
		s->keep = s->mode == RUN_BATCH && sc.save;
		s->use_future = true;
		memset(&ve, 0, sizeof ve);
		if (run_default(s, &ve) != 0)
			run_error(s, 0, "%s", ve.msg);
		else
			run_lines(s, f, buf, len);
	}
	s->frame = NULL;
	run_frame_free(f);

done:
	s->use_future = false;
	s->engine_flags = ENGINE_JOURNAL;
	s->keep = s->mode == RUN_BATCH;
	s->quit = false;
	if (s->engine == NULL && run_default(s, &ve) != 0)
		run_error(s, 0, "%s", ve.msg);
	return (s->fstatus);
}

int
run_file(struct session *s, const char *path)
{
	char *buf, *real, *dir, *d;
	size_t len;
	int err;

	s->frame = NULL;
	if ((err = run_read(path, &buf, &len)) != 0) {
		s->fstatus = 2;
		if (err == EFBIG)
			run_error(s, 0, "'%s' is larger than %zu MiB", path,
			    RUN_FILE_MAX >> 20);
		else if (err == EISDIR)
			run_error(s, 0, "cannot read '%s': %s", path,
			    strerror(err));
		else
			run_error(s, 0, "cannot open '%s': %s", path,
			    strerror(err));
		return (2);
	}
	/* /dev/stdin and the like have no real path, but a folder. */
	if ((real = realpath(path, NULL)) != NULL)
		dir = run_dirname(real);
	else {
		d = run_dirname(path);
		dir = d != NULL ? realpath(d, NULL) : NULL;
		free(d);
		if (dir == NULL)
			dir = realpath(".", NULL);
	}
	err = run_top(s, path, real, dir, buf, len);
	free(buf);
	return (err);
}

int
run_string_at(struct session *s, const char *name, const char *real,
    const char *text, size_t len)
{
	char *r, *d;

	if (real == NULL)
		return (run_string(s, name, text, len));
	s->frame = NULL;
	r = strdup(real);
	d = run_dirname(real);
	if (r == NULL || d == NULL) {
		free(r);
		free(d);
		run_error(s, 0, "out of memory");
		return (2);
	}
	return (run_top(s, name, r, d, text, len));
}

/* Text from memory, run as a file named name in the current directory. */
int
run_string(struct session *s, const char *name, const char *text,
    size_t len)
{
	s->frame = NULL;
	return (run_top(s, name, NULL, realpath(".", NULL), text, len));
}

int
run_prepare(struct session *s, const char *name, const char *text,
    size_t len)
{
	struct run_retired *r;
	struct run_frame *f;
	struct run_scan sc;

	/* The machine running may hold the old future: keep it aside. */
	if (s->future != NULL || s->names != NULL) {
		if ((r = (struct run_retired *)malloc(sizeof *r)) == NULL) {
			run_error(s, 0, "out of memory");
			return (-1);
		}
		r->future = s->future;
		r->names = s->names;
		r->next = s->retired;
		s->retired = r;
		s->future = NULL;
		s->names = NULL;
	}
	s->nfuture = s->capfuture = 0;
	s->fnext = 0;
	s->use_future = false;
	if ((f = run_frame_new(name, NULL, realpath(".", NULL), true)) ==
	    NULL) {
		run_error(s, 0, "out of memory");
		return (-1);
	}
	s->frame = f;
	s->depth = 0;
	memset(&sc, 0, sizeof sc);
	sc.proc = "";
	sc.collect = true;
	run_scan_lines(s, f, text, len, &sc);
	s->frame = NULL;
	run_frame_free(f);
	if (sc.nomem)
		run_scan_nomem(s, &sc);
	s->use_future = sc.nerr == 0 && !sc.nomem;
	return (s->use_future ? 0 : -1);
}

/* One line from the user: reported and forgotten if it is wrong. */
int
run_line(struct session *s, const char *line, size_t len)
{
	return (run_line_at(s, NULL, 0, line, len));
}

/* One line, reported as line lineno of name (a file the screen plays),
 * or, with a NULL name, as the next line typed. */
int
run_line_at(struct session *s, const char *name, unsigned long lineno,
    const char *line, size_t len)
{
	struct run_frame *f;
	struct lex_err e;
	char *n;
	int r;

	if (s->input == NULL &&
	    (s->input = run_frame_new("<stdin>", NULL, NULL, false)) == NULL) {
		s->frame = NULL;
		run_error(s, 0, "out of memory");
		return (-1);
	}
	f = s->input;
	f->up = NULL;
	if (name != NULL && strcmp(f->name, name) != 0 &&
	    (n = strdup(name)) != NULL) {
		free(f->name);
		f->name = n;
	} else if (name == NULL && strcmp(f->name, "<stdin>") != 0 &&
	    (n = strdup("<stdin>")) != NULL) {
		free(f->name);
		f->name = n;
	}
	/* Typed lines count on their own, so that a line typed between
	 * the lines of a played file is named <stdin>:N of what was typed. */
	f->line = name != NULL ? lineno : ++s->typed;
	f->file = name != NULL;	/* a line of a played file is a file's:
				 * its save needs --allow-write */
	s->frame = f;
	s->depth = 0;
	s->steps = 0;
	s->stopped = false;
	if (lex_split(&f->lex, line, len, &e) != 0 ||
	    cmd_parse(&f->lex, &f->parsed, &e) != 0) {
		run_error(s, e.col, "%s", e.msg);
		r = -1;
	} else
		r = cmd_exec(s, &f->parsed);
	s->frame = NULL;
	return (r);
}

/* Every line of fp, until its end or a quit. */
int
run_stream(struct session *s, FILE *fp)
{
	char buf[LEX_LINE_MAX + 2];
	size_t n;
	int c;

	while (!s->quit && (s->stop == NULL || !s->stop(s->stop_arg))) {
		n = 0;
		while ((c = getc(fp)) != EOF && c != '\n') {
			if (n < sizeof buf)
				buf[n++] = (char)c;
			else
				buf[n - 1] = 'x';	/* too long, not \r */
		}
		if (c == EOF && n == 0)
			break;
		run_line(s, buf, n);
		if (c == EOF)
			break;
	}
	return (s->status);
}

/* Saving. */

static int
run_write_atomic(const char *path, const char *data, size_t len)
{
	char *tmp;
	size_t n = strlen(path) + 8, off = 0;
	ssize_t w;
	mode_t mask;
	int fd, err = 0;

	if ((tmp = (char *)malloc(n)) == NULL)
		return (ENOMEM);
	snprintf(tmp, n, "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		err = errno;
		free(tmp);
		return (err);
	}
	mask = umask(0);
	umask(mask);
	(void)fchmod(fd, (mode_t)(0666 & ~mask));
	while (off < len) {
		if ((w = write(fd, data + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			err = errno;
			break;
		}
		off += (size_t)w;
	}
	if (err == 0 && fsync(fd) == -1)
		err = errno;
	if (close(fd) == -1 && err == 0)
		err = errno;
	if (err == 0 && rename(tmp, path) == -1)
		err = errno;
	if (err != 0)
		unlink(tmp);
	free(tmp);
	return (err);
}

int
run_may_write(struct session *s, unsigned col, const char *what)
{
	if (run_from_file(s) && (s->flags & RUN_ALLOW_WRITE) == 0) {
		run_error(s, col, "%s: a command file writes files only when "
		    "vmscope is run with --allow-write", what);
		return (-1);
	}
	return (0);
}

int
run_write(struct session *s, const char *arg, const char *data, size_t len,
    unsigned col, const char *what)
{
	char *path;
	int err;

	if (run_may_write(s, col, what) != 0)
		return (-1);
	if (s->mode == RUN_CHECK)
		return (0);
	if ((path = run_join(s->frame != NULL ? s->frame->dir : NULL,
	    arg)) == NULL) {
		run_error(s, col, "%s: out of memory", what);
		return (-1);
	}
	err = run_write_atomic(path, data, len);
	free(path);
	if (err != 0) {
		run_error(s, col, "%s: cannot write '%s': %s", what, arg,
		    strerror(err));
		return (-1);
	}
	return (0);
}

int
run_save(struct session *s, const char *arg, unsigned col)
{
	char *path, note[160], lim[32];
	size_t len = s->transcript.len;
	int err;

	/* cmd_exec() has refused a file's save without RUN_ALLOW_WRITE. */
	if (s->mode == RUN_CHECK)
		return (0);	/* --check writes nothing */
	if (s->cut) {
		/* the file says where it stops, and so does the run */
		mcfg_size_text(s->max_memory / 8, lim, sizeof lim);
		snprintf(note, sizeof note, "(the transcript stops here: only "
		    "its first %s, an eighth of the memory limit, are kept)",
		    lim);
		sb_putn(&s->transcript, note, strlen(note));
		sb_putn(&s->transcript, "\n", 1);
	}
	if (s->transcript.failed) {
		s->transcript.len = len;
		run_error(s, col, "save: out of memory");
		return (-1);
	}
	if ((path = run_join(s->frame != NULL ? s->frame->dir : NULL,
	    arg)) == NULL) {
		s->transcript.len = len;
		run_error(s, col, "save: out of memory");
		return (-1);
	}
	err = run_write_atomic(path, s->transcript.s != NULL ?
	    s->transcript.s : "", s->transcript.len);
	s->transcript.len = len;
	free(path);
	if (err == 0 && s->cut)
		run_out(s, "  save: %s", note);
	if (err != 0) {
		run_error(s, col, "save: cannot write '%s': %s", arg,
		    strerror(err));
		return (-1);
	}
	return (0);
}

/*
 * compare FILE: the guest workload in FILE run four times, each on a new
 * machine of the current settings - natively, then inside a VT-x guest
 * under shadow, nested and pv paging - and one table of what each cost.
 */
static const char *const run_modes[] = { "native", "shadow", "nested",
	"pv" };

static void
run_sink_none(void *arg, const char *line, size_t len)
{
	(void)arg;
	(void)line;
	(void)len;
}

static void
run_sink_up(void *arg, const char *line, size_t len)
{
	struct session *s = (struct session *)arg;

	s->err.fn(s->err.arg, line, len);
}

static int
run_compare_one(struct session *s, const char *arg, unsigned col, int mode,
    struct engine_stats *st)
{
	static const char *const setup[] = { "vmxon", "vm work mmu=shadow",
		"vm work mmu=nested", "vm work mmu=pv", "vmlaunch work" };
	struct session *sub;
	struct run_frame *g;
	struct run_scan sc;
	struct verr ve;
	char *buf, msg[LEX_LINE_MAX + 256];
	size_t len;
	int r = -1;

	if (run_open(s, arg, &g, &buf, &len, msg, sizeof msg) != 0) {
		run_error(s, col, "compare:%s", strchr(msg, ':') ?
		    strchr(msg, ':') + 1 : msg);
		return (-1);
	}
	memset(&ve, 0, sizeof ve);
	if ((sub = run_new(RUN_CHECK, 0, &ve)) == NULL) {
		free(buf);
		run_frame_free(g);
		run_error(s, col, "compare: %s", ve.msg);
		return (-1);
	}
	sub->out.fn = run_sink_none;
	sub->err.fn = run_sink_up;
	sub->err.arg = s;
	sub->parent = s;
	sub->engine_flags = ENGINE_QUIET;
	sub->step_limit = s->step_limit;
	if (run_machine(sub, engine_config(s->engine), &ve) != 0)
		run_error(s, col, "compare: %s", ve.msg);
	else if (mode == 0 || (run_line(sub, setup[0], strlen(setup[0])) == 0 &&
	    run_line(sub, setup[mode], strlen(setup[mode])) == 0 &&
	    run_line(sub, setup[4], strlen(setup[4])) == 0)) {
		g->up = NULL;
		sub->frame = g;
		sub->depth = 1;
		memset(&sc, 0, sizeof sc);
		run_scan_lines(sub, g, buf, len, &sc);
		if (sc.nerr == 0 && run_lines(sub, g, buf, len) == 0 &&
		    sub->fstatus < 2) {
			engine_stats(sub->engine, st);
			r = 0;
		}
		sub->frame = NULL;
	}
	if (r != 0 && s->fstatus < 2)
		run_error(s, col, "compare: the workload in '%s' failed %s",
		    arg, mode == 0 ? "natively" : run_modes[mode]);
	free(buf);
	run_frame_free(g);
	run_free(sub);
	return (r);
}

static void
run_row(struct session *s, const char *name, const double *v, bool frac)
{
	char line[160];
	int n, i;

	n = snprintf(line, sizeof line, "  %-22s", name);
	for (i = 0; i < 4 && n > 0 && (size_t)n < sizeof line; i++)
		n += snprintf(line + n, sizeof line - (size_t)n, frac ?
		    " %12.2f" : " %12.0f", v[i]);
	run_out(s, "%s", line);
}

int
run_compare(struct session *s, const char *arg, unsigned col)
{
	struct engine_stats st[4];
	double v[4];
	char line[160];
	int i, k, n;

	if (run_not_nested(s, col, "compare") != 0)
		return (-1);
	for (i = 0; i < 4; i++)
		if (run_compare_one(s, arg, col, i, &st[i]) != 0)
			return (-1);
	n = snprintf(line, sizeof line, "  %-22s", "");
	for (i = 0; i < 4 && n > 0 && (size_t)n < sizeof line; i++)
		n += snprintf(line + n, sizeof line - (size_t)n, " %12s",
		    run_modes[i]);
	run_out(s, "%s", line);
#define ROW(label, expr, frac) do {					\
	for (i = 0; i < 4; i++)						\
		v[i] = (expr);						\
	run_row(s, label, v, frac);					\
} while (0)
	ROW("accesses", (double)st[i].accesses, false);
	ROW("TLB misses", (double)st[i].tlb_misses, false);
	ROW("table refs per access", st[i].accesses ? (double)st[i].refs /
	    (double)st[i].accesses : 0.0, true);
	ROW("page faults (the OS's)", (double)st[i].faults, false);
	ROW("VM exits", (double)st[i].exits, false);
	for (k = 0; engine_exit_names[k] != NULL && k < 16; k++) {
		if (st[0].exits_by[k] + st[1].exits_by[k] + st[2].exits_by[k] +
		    st[3].exits_by[k] == 0)
			continue;
		snprintf(line, sizeof line, "  %s", engine_exit_names[k]);
		ROW(line, (double)st[i].exits_by[k], false);
	}
	ROW("cycles", (double)st[i].cycles, false);
	ROW("cycles per access", st[i].accesses ? (double)st[i].cycles /
	    (double)st[i].accesses : 0.0, true);
#undef ROW
	return (0);
}
