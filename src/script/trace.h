/*
 * trace.h - memory traces of real programs, replayed through the engine:
 * `vmscope --trace FILE` and the `trace FILE` command.
 *
 * A trace (valgrind lackey, plain `r|w|x ADDRESS`, or Dinero IV din; the
 * format is told from the content) is streamed through a fresh machine of
 * the given settings, in one process "trace" made with anon, and what it
 * cost is reported: references by kind, TLB hits and misses, page-table
 * references, page faults, write-backs, the working set per interval,
 * cycles and the effective access time.  trace.c tells the rules.
 */
#ifndef VMSCOPE_TRACE_H
#define VMSCOPE_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/engine.h"
#include "lex.h"

struct session;
struct cmd_entry;
struct cmd_parsed;

/* The machine of --trace: the keys --machine gives replace these. */
#define TRACE_MACHINE	"va=48 pa=40 page=4K tlb=64 tlb.ways=4 " \
			"frames=4096 policy=clock"
#define TRACE_INTERVAL	10000	/* references per working-set interval */
#define TRACE_LINE_MAX	4096	/* bytes in a trace line, its end not
				 * counted */
#define TRACE_BAD_SHOWN	5	/* line numbers of skipped lines told */

enum trace_format { TRACE_UNKNOWN, TRACE_LACKEY, TRACE_PLAIN, TRACE_DIN };
enum trace_output { TRACE_TEXT, TRACE_CSV, TRACE_JSON };

/* Where lines go: one at a time, without a newline. */
struct trace_sink {
	void	(*fn)(void *, const char *, size_t);
	void	*arg;
};

struct trace_opts {
	const char	*path;		/* the file to read */
	const char	*text;		/* or the trace itself, textlen bytes
					 * (path then only names it) */
	size_t		 textlen;
	const char	*name;		/* as output and messages name it
					 * (NULL: path) */
	bool		 stdin_ok;	/* path "-" is standard input */
	bool		 stats;		/* every figure; else one line */
	bool		 skip_bad;	/* count bad lines instead of
					 * stopping at the first */
	bool		 progress;	/* a progress line on stderr every
					 * 2^20 references */
	enum trace_output output;
	uint64_t	 interval;	/* >= 1 */
	struct trace_sink out;		/* the report */
	struct trace_sink err;		/* FILE:LINE: message */
	struct engine_stats *result;	/* if not NULL: the engine's figures
					 * for the trace (a sweep's point) */
	bool		(*stop)(void *);	/* if set: asked every 2^16
					 * lines (and references), the
					 * replay ends when it says true */
	void		*stop_arg;
};

void	trace_opts_init(struct trace_opts *);

/* --machine "KEY=VALUE ...": the keys over TRACE_MACHINE (a key given
 * replaces the default's; tlb given without tlb.ways drops the default's
 * tlb.ways=4).  0, or -1 with the message in msg. */
int	trace_machine(const char *keys, struct mconfig *, char *msg,
	    size_t msgsize);

/* Replay the trace on a fresh machine of settings c and report it (to
 * o->out, if its fn is set): 0, or 2 after a bad line (without skip_bad),
 * a file that cannot be read, or a machine that cannot run it (errors
 * through o->err). */
int	trace_replay(const struct mconfig *c, const struct trace_opts *o);

/* trace FILE [interval=N] [skip-bad]: for the command table. */
int	trace_cmd_parse(const struct cmd_entry *, const struct lex_line *,
	    struct cmd_parsed *, struct lex_err *);
int	trace_cmd_exec(struct session *, const struct cmd_parsed *);

#endif
