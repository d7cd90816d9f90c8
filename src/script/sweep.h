/*
 * sweep.h - one machine key swept over values: the same workload (a
 * scenario, or a memory trace) run once for each value, on the current
 * machine with that key changed, and the curves that come out (TLB miss
 * rate, page faults, effective access time) printed as a table, as text
 * charts, and as CSV for spreadsheets and gnuplot.
 *
 *   sweep KEY V1 V2 ... [on FILE] [--csv OUT]
 *
 * A value A..B stands for A, 2A, 4A ... up to B (a doubling sweep, as
 * cache and TLB sizes are); without `on FILE` the workload is the last
 * trace replayed in the session.
 */
#ifndef VMSCOPE_SWEEP_H
#define VMSCOPE_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "core/engine.h"

#define SWEEP_MAX	64	/* values in one sweep */

struct cmd_entry;
struct cmd_parsed;
struct lex_line;
struct lex_err;
struct session;

/* One run of the sweep: the value and what the machine counted. */
struct sweep_point {
	char			value[32];
	struct engine_stats	st;
};

int	sweep_cmd_parse(const struct cmd_entry *, const struct lex_line *,
	    struct cmd_parsed *, struct lex_err *);
int	sweep_cmd_exec(struct session *, const struct cmd_parsed *);

/* The table and the charts of n points of a sweep of key, one line at a
 * time to out (a transcript line, no newline). */
void	sweep_report(const char *key, const struct sweep_point *, size_t n,
	    int barw, void (*out)(void *, const char *), void *arg);
#define SWEEP_BAR	40	/* columns of the longest bar in a transcript */

/* The CSV of the points: a header and a row per value. */
void	sweep_csv(const char *key, const struct sweep_point *, size_t n,
	    struct strbuf *);

#endif
