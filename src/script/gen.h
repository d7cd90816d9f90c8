/*
 * gen.h - generated problems: `generate KIND [seed=N] [KEY=VALUE ...]`
 * and `vmscope --generate`.
 *
 * A generated problem models an exercise sheet, the way OSTEP's
 * simulators do with -s SEED and -c, for every topic vmscope teaches: a
 * machine, a process (or a guest and its processes), the pages it maps,
 * and the accesses, instructions, switches and interrupts whose outcome a
 * student works out by hand.  It comes out in three forms from one draw:
 * a self-checking scenario (with ask and expect lines), a problem sheet
 * (numbered questions, no answers) and an answer key (the same questions,
 * each with its answer and the micro-step that explains it).
 *
 * The kinds:
 *   translation  a radix table of any split and either entry format; the
 *                sheet shows the tables in memory; each access asks VPN,
 *                indices, offset, the leaf entry's address, the fault, the
 *                physical address and the page-table references;
 *   replacement  a reference string (reads and writes) over a few pages
 *                on disk, a few frames and a policy: fault or hit and the
 *                frame of each reference, then page faults and write-backs;
 *   tlb          accesses through a small TLB of any size, associativity,
 *                policy and tagging, by one or two processes: hit or miss,
 *                then hits, misses and cycles;
 *   shadow       a guest under shadow paging, and
 *   nested       under nested paging (EPT): exits and their reasons,
 *                page-table references, guest-physical and host-physical
 *                addresses, the CPU's mode.
 *
 * The same kind, seed and keys give the same bytes on every machine: the
 * generator draws from its own splitmix64 stream seeded by seed= (default
 * GEN_SEED_DEFAULT), never from rand() or the clock.  Every answer comes
 * from running the problem through a session (gen.c says how); none is
 * worked out by the generator.
 */
#ifndef VMSCOPE_GEN_H
#define VMSCOPE_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/engine.h"
#include "lex.h"

enum gen_kind { GEN_TRANSLATION, GEN_REPLACEMENT, GEN_TLB, GEN_SHADOW,
	GEN_NESTED, GEN_KIND_N };
extern const char *const gen_kind_names[];	/* GEN_KIND_N, then NULL */

/* What gen_scenario() writes. */
enum gen_form {
	GEN_SCENARIO,	/* the scenario file: ask and expect lines */
	GEN_SHEET,	/* the problem sheet: numbered questions only */
	GEN_ANSWERS	/* the answer key: the questions, answered */
};

#define GEN_SEED_DEFAULT 1
#define GEN_OPTS_MAX	 32
#define GEN_VALUE_MAX	 64

/* A KEY=VALUE given: a machine key (va, split, policy, cost.mem...) or a
 * generator key (pages, accesses, processes, memory, backing). */
struct gen_opt {
	const char	*key;		/* a static string: the key's name */
	char		 value[GEN_VALUE_MAX + 1];	/* as written */
	uint64_t	 num;		/* generator keys: the value */
	unsigned	 col;		/* of the word; 0: not from a line */
};

/* A request: the kind, the seed and the keys that fix parameters (every
 * parameter not given is drawn). */
struct gen_request {
	enum gen_kind	 kind;
	uint64_t	 seed;
	bool		 seeded;	/* seed= was given */
	unsigned	 kindcol;
	unsigned	 seedcol;
	size_t		 nopts;
	struct gen_opt	 opts[GEN_OPTS_MAX];
};

/*
 * Read KIND [seed=N] [KEY=VALUE ...] from words (gen_parse) or from a
 * string such as "translation seed=3 va=16" (gen_parse_string; columns
 * count from 1 at its first byte).  Only the form of each value is
 * checked here; whether the machine can be built is gen_scenario's to
 * say.  Messages carry no "generate:" prefix.
 */
int	gen_parse(const struct lex_word *, size_t, struct gen_request *,
	    struct lex_err *);
int	gen_parse_string(const char *, size_t, struct gen_request *,
	    struct lex_err *);

/*
 * Draw the problem, run it to learn every answer, check the scenario it
 * makes, and append the form asked for to the buffer.  0, or -1 with a
 * message (verr's arg names the key it is about, or is NULL): a machine
 * the keys make impossible, a number of pages that does not fit...
 * The screen plays a generated problem with
 *	gen_parse_string(argument) + gen_scenario(GEN_SCENARIO).
 */
int	gen_scenario(const struct gen_request *, enum gen_form,
	    struct strbuf *, struct verr *);

/* The column of the key an error names (gen_scenario's verr arg), else
 * of the kind. */
unsigned gen_argcol(const struct gen_request *, const char *);

/* The command of the language (cmd_table): its parse checks the words,
 * its exec prints the scenario, indented, to the transcript. */
struct cmd_entry;
struct cmd_parsed;
struct lex_line;
struct session;
int	gen_cmd_parse(const struct cmd_entry *, const struct lex_line *,
	    struct cmd_parsed *, struct lex_err *);
int	gen_cmd_exec(struct session *, const struct cmd_parsed *);

#endif
