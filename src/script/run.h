/*
 * run.h - a session: the machine, the files and lines that drive it, and
 * where its transcript and its errors go.  The shell, lessons, scenario
 * files, --batch, --check and the tests all run commands through here.
 */
#ifndef VMSCOPE_RUN_H
#define VMSCOPE_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/engine.h"

#define RUN_LOAD_MAX	8			/* loads nested */
#define RUN_FILE_MAX	((size_t)256 << 20)	/* bytes in a file */
#define RUN_ERRORS_MAX	20	/* syntax errors shown for one file */

enum run_mode {
	RUN_BATCH,	/* a transcript: every line and micro-step */
	RUN_CHECK	/* no transcript: failed expects and errors only */
};

/* Session flags. */
#define RUN_ALLOW_WRITE 0x1u	/* commands from files may write files */
#define RUN_HISTORY	0x2u	/* always keep the journal (the screen); else
				 * a file without back or reset runs without */

/* Where lines go: one line at a time, without its newline. */
struct run_sink {
	void	(*fn)(void *, const char *, size_t);
	void	*arg;
};

struct run_frame;		/* a file (or stdin) being run: run.c */
struct run_names;		/* storage of process names: run.c */
struct run_retired;		/* futures kept for old machines: run.c */
struct sweep_point;		/* sweep.h */

/* The fields are read by the commands (cmd.c) and, read-only, by front
 * ends; only run.c and cmd.c change them. */
struct session {
	enum run_mode	 mode;
	unsigned	 flags;		/* RUN_* */
	struct engine	*engine;	/* never NULL between calls */
	unsigned	 engine_flags;	/* ENGINE_* for the next machine */

	struct run_sink	 out;		/* transcript lines */
	struct run_sink	 err;		/* errors and failed expects */
	void		(*event)(void *, const struct engine *,
			    const struct event *);
	void		*event_arg;	/* every micro-step, in any mode */

	bool		 keep;		/* keep the transcript for save */
	struct strbuf	 transcript;

	struct future_ref *future;	/* the accesses of the file run */
	size_t		 nfuture;
	size_t		 capfuture;
	bool		 use_future;	/* accesses get their fidx */
	uint32_t	 fnext;		/* the fidx of the next access */
	struct run_names *names;	/* what future[].proc points at */
	struct run_retired *retired;	/* futures of files played before,
					 * which a machine may still hold */

	struct run_frame *frame;	/* the innermost file, or stdin */
	struct run_frame *input;	/* stdin (or the shell): lazily */
	unsigned long typed;		/* lines typed so far (<stdin>:N) */
	unsigned	 depth;		/* loads nested now */

	bool		 stepwise;	/* the screen: a command only starts;
					 * the user steps it (else it runs
					 * to its end) */
	bool		 screen;	/* a screen shows the session */
	int		 (*ui_cmd)(void *, const char *, const char *,
			    unsigned);	/* the screen's own commands (zoom,
					 * dump): name, argument, column */
	void		*ui_arg;
	bool		 (*stop)(void *);	/* if set, long work (a trace,
					 * a sweep, the lines of a loaded
					 * file) asks it now and then and
					 * stops when it says true: the
					 * screen's Ctrl-C */
	void		*stop_arg;

	const void	*override_key;	/* sweep: a struct key_entry set on
					 * every machine made, to ... */
	char		 override_val[64];	/* ... this value */

	struct sweep_point *sweep_pts;	/* the last sweep's points (the
					 * screen charts them), or NULL */
	size_t		 sweep_n;
	char		 sweep_key[32];

	uint64_t	 step_limit;	/* micro-steps a file (with what it
					 * loads) or a typed line may run;
					 * 0: no limit */
	uint64_t	 steps;		/* ... run so far */
	bool		 stopped;	/* the limit stopped a command */
	struct strbuf	 trace_report;	/* the last trace command's report,
					 * a line each (with a screen: it
					 * shows it) */
	unsigned	 trace_count;	/* trace commands that reported */
	const struct session *parent;	/* the session whose compare or
					 * sweep runs this one, or NULL */
	uint64_t	 max_memory;	/* of every machine made (mconfig):
					 * run_memory_limit() */
	bool		 cut;		/* the transcript kept for save
					 * reached its limit */

	int		 status;	/* worst so far: 0, 1 or 2 */
	int		 fstatus;	/* worst in the current file */
	bool		 quit;		/* quit was given: stop reading */
};

/* The memory limit: VMSCOPE_MAX_MEMORY if it is set (a size, as the
 * language writes numbers: 512M, 2G; 0 = no limit), else
 * MCFG_MEMORY_DEFAULT.  Every session (run_new) and --trace take it; the
 * transcript a session keeps for save is held to an eighth of it.  0, or
 * -1 with the reason in ve. */
int	run_memory_limit(uint64_t *, struct verr *);
/* text as a memory limit: 0, or -1 with the reason (what names it) */
int	run_memory_parse(const char *what, const char *text, uint64_t *,
	    struct verr *);

struct session *run_new(enum run_mode, unsigned, struct verr *);
void	run_free(struct session *);
void	run_set_output(struct session *, void (*)(void *, const char *,
	    size_t), void *);
void	run_set_errors(struct session *, void (*)(void *, const char *,
	    size_t), void *);
void	run_set_events(struct session *, void (*)(void *,
	    const struct engine *, const struct event *), void *);

int	run_file(struct session *, const char *);
int	run_string(struct session *, const char *, const char *, size_t);
/* The screen is about to play text (named name) line by line through
 * run_line_at(): parse it whole (errors reported, -1), and list its
 * accesses, so that a machine line of it with policy=opt knows the
 * future and its accesses get their places in it. */
int	run_prepare(struct session *, const char *name, const char *text,
	    size_t len);
int	run_line(struct session *, const char *, size_t);
int	run_line_at(struct session *, const char *, unsigned long,
	    const char *, size_t);
int	run_stream(struct session *, FILE *);
int	run_status(const struct session *);

/* For the commands. */
void	run_put(struct session *, const char *, size_t);
void	run_out(struct session *, const char *, ...)
#if defined(__GNUC__)
	    __attribute__((format(printf, 2, 3)))
#endif
	    ;
void	run_error(struct session *, unsigned, const char *, ...)
#if defined(__GNUC__)
	    __attribute__((format(printf, 3, 4)))
#endif
	    ;
void	run_fail(struct session *, const char *, ...)
#if defined(__GNUC__)
	    __attribute__((format(printf, 2, 3)))
#endif
	    ;
void	run_emit(struct session *, const struct event *);
/* The file or line has run s->step_limit micro-steps: no more. */
bool	run_limited(const struct session *);
uint32_t run_fidx(struct session *);
bool	run_from_file(const struct session *);
int	run_machine(struct session *, const struct mconfig *,
	    struct verr *);
int	run_compare(struct session *, const char *, unsigned);
int	run_load(struct session *, const char *, unsigned);
/* The file a command names, by load's folder rule (trace FILE): a
 * malloc'd path (and name, as messages show it), or NULL with the reason
 * in the buffer. */
char	*run_locate(struct session *, const char *cmd, const char *arg,
	    char **name, char *, size_t);
/* The bytes of FILE as load would read them from where the session is
 * (the folder rule, built-in workloads): 0, or -1 with msg set.  With
 * realp, *realp gets the file's real path (malloc'd), or NULL for a
 * built-in one. */
int	run_read_near(struct session *, const char *, char **, size_t *,
	    char **realp, char *msg, size_t msgsize);
/* Text read from the file at real (NULL: as run_string), run as a file
 * named name: on a fresh machine, loading from real's folder. */
int	run_string_at(struct session *, const char *name, const char *real,
	    const char *text, size_t len);
/* A compare or sweep may not run inside another's workload (nested, they
 * would multiply their runs past any wait, or recurse): 0, or -1 with
 * the error reported. */
int	run_not_nested(struct session *, unsigned col, const char *what);
int	run_save(struct session *, const char *, unsigned);
/* data written to FILE (beside the file running), whole or not at all,
 * as save does: refused from a file without --allow-write, nothing under
 * --check.  what names the command in messages. */
int	run_write(struct session *, const char *file, const char *data,
	    size_t len, unsigned col, const char *what);
/* May the command running write a file?  0, or -1 with the error
 * reported (a file's command without --allow-write): asked first by a
 * command that works long before it writes (sweep --csv). */
int	run_may_write(struct session *, unsigned col, const char *what);

#endif
