/*
 * engine_int.h - what the engine's own files share: the engine itself
 * (timeline, journal, checkpoints, the future) and the per-operation
 * step and check functions.
 */
#ifndef VMSCOPE_ENGINE_INT_H
#define VMSCOPE_ENGINE_INT_H

#include "engine.h"
#include "invariant.h"
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
	uint32_t *nxt;		/* policy=opt: next use of each access */
	bool fast_idle;		/* the last call was an access the fast path
				 * ran to its end (fast.c): the machine is
				 * still as it left it */
	struct inv_state inv;	/* the checking build's (invariant.h) */
};

const struct op *engine_op(const struct engine *, uint32_t);

/* step.c */
void	step_op(struct engine *, const struct op *, struct event *);
/* The OS the op in progress belongs to: the host's, or a guest's. */
static inline struct machine *
X(const struct engine *e)
{
	return e->m->r.ctx ? e->m->vms[e->m->r.ctx - 1] : e->m;
}
void	step_cr3_load(struct engine *, const struct op *, struct event *);
void	step_finish(struct machine *);

/* vmx.c */
void	op_begin(struct engine *, const struct op *);
unsigned vmx_ctx_for(const struct machine *, const struct op *);
void	vmx_raise(struct machine *, unsigned reason, uint64_t qual,
	    uint64_t gla, uint64_t gpa, enum vmm_action, unsigned after);
void	vmx_step_exit(struct engine *, const struct op *, struct event *);
void	vmx_step_trap(struct engine *, struct event *);
void	vmx_step_op(struct engine *, const struct op *, struct event *);
void	vmx_cr3_exit(struct engine *, const struct op *, struct event *);
int	vmx_check(struct engine *, const struct op *, struct verr *);

/* fast.c */
enum { FAST_NO, FAST_DONE, FAST_STEPS };
int	fast_run(struct engine *, const struct op *, struct verr *);
bool	fast_resume(struct engine *);

/* check.c */
int	op_check(struct engine *, const struct op *, struct verr *);
int	check_access(struct machine *, const struct op *, struct verr *);
/* What the history for back may hold besides the machine: fixed bytes
 * (the operations kept, two journals at their limit), and how many
 * copies of the machine, itself included (with a journal: the
 * checkpoints, and two journals that grow to the machine's size before
 * a checkpoint). */
struct check_hist {
	uint64_t fixed;
	unsigned copies;
};
void	check_history(const struct engine *, struct check_hist *);
/* The memory limit (mconfig.max_memory): 0 if what (a phrase: "3 more
 * pages") may add more bytes to the machine and its guests, with the
 * history hist allows for, else -1 with a message that names the
 * limit. */
int	check_memory(struct machine *, const char *cmd, const char *what,
	    const struct check_hist *, uint64_t more, struct verr *);

#endif
