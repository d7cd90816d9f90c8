/*
 * engine_int.h - what the engine's own files share: the engine itself
 * (timeline, journal, checkpoints, the future) and the per-operation
 * step and check functions.
 */
#ifndef VMSCOPE_ENGINE_INT_H
#define VMSCOPE_ENGINE_INT_H

#include "engine.h"
#include "journal.h"
#include "machine.h"

struct ckpt {
	uint64_t pos;
	struct machine *m;
};

struct engine {
	struct machine *m;
	unsigned flags;
	struct op *ops;		/* the timeline */
	size_t nops, capops;
	uint64_t horizon;	/* furthest position reached */
	struct journal jr;	/* the steps since the last checkpoint */
	struct journal old;	/* the steps before it, back to the one
				 * before (so back near a checkpoint stays
				 * cheap) */
	size_t jr_limit;
	struct ckpt ck[16];
	size_t nck;
	const struct future_ref *future;
	size_t nfuture;
	const char **names;
	size_t nnames;
	uint32_t *fname;
};

const struct op *engine_op(const struct engine *, uint32_t);

/* step.c */
void	step_op(struct engine *, const struct op *, struct event *);
uint64_t vpn_of_va(const struct machine *, uint64_t va);

/* check.c */
int	op_check(struct engine *, const struct op *, struct verr *);

#endif
