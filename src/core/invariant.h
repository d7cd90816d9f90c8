/*
 * invariant.h - the model's own rules, checked: the machine a step
 * leaves must be one the model allows (invariant.c says which rules and
 * why).  inv_check() is a pure function of the engine, always built, for
 * tests that want to call it.  Built with -DVMSCOPE_CHECK (the test
 * builds: `make asan`, which `make test` runs), the engine also calls
 * the inv_ hooks below after every step, every fast access and every
 * `back`, and a broken rule is fatal: the handler (inv_set_handler) gets
 * "vmscope: internal check failed at step N: ..." and the process
 * aborts.  The release build never calls a hook: nothing is paid on the
 * per-reference fast path.
 */
#ifndef VMSCOPE_INVARIANT_H
#define VMSCOPE_INVARIANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"

/* 0 if the engine's machine (host and guests) keeps every rule; else -1
 * and the first rule broken, in words, in msg[0..n-1]. */
int	inv_check(const struct engine *, char *msg, size_t n);

/* Who reports a broken rule in a checking build (the core does no I/O):
 * fn gets the message, then the process aborts.  NULL (the default):
 * abort with no message.  One per process: main() and the unit tests'
 * helpers set it to a function that prints to stderr. */
void	inv_set_handler(void (*fn)(const char *msg));

/* What the checking build keeps in each engine. */
struct inv_state {
	uint64_t next;		/* position of the next state check */
	uint64_t spent;		/* units of work the checks took */
	bool tainted;		/* a poke or a root= image: memory holds
				 * what the OS did not write, so only the
				 * rules that do not read it are checked */
};

/* The counters before a step, to check what the step added. */
struct inv_snap {
	uint64_t pos, accesses, hits, misses, faults, writebacks, exits;
	uint64_t exits_by, cycles, refs;
	uint8_t first_probe;	/* the access has not probed the TLB yet */
	bool idle;		/* the engine was idle (a fast access) */
};

/* engine_submit tells every operation (in every build: a poke or a
 * root= image is remembered for inv_check; a flag, off the fast path). */
void	inv_submitted(struct engine *, const struct op *);

/* ---- the hooks (engine.c, with -DVMSCOPE_CHECK only) ---- */
void	inv_before(const struct engine *, struct inv_snap *);
void	inv_after_step(struct engine *, const struct inv_snap *,
	    const struct event *);
void	inv_after_run(struct engine *, const struct inv_snap *, bool fast);
void	inv_after_back(struct engine *);

#endif
