/*
 * engine.c - the step engine: the timeline of operations, one micro-step
 * at a time, and the history that lets `back` undo steps.
 *
 * Each call of engine_step() saves the machine's registers (struct regs)
 * and then performs one step of the operation in progress; every other
 * change the step makes is journaled where it is made (J()).  Going back
 * undoes steps from the journal; when the journal grows past its limit
 * the engine takes a checkpoint (a copy of the machine) and starts a new
 * journal, so going back further restores the nearest checkpoint and
 * re-executes forward.  Operations themselves are immutable once
 * submitted, which is what makes re-execution deterministic.
 */
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "engine_int.h"

#define JOURNAL_LIMIT ((size_t)32 << 20)
#define MAX_CKPT 8

void
op_init(struct op *o, enum op_kind k)
{
	memset(o, 0, sizeof *o);
	o->kind = k;
	o->pages = 1;
	o->size = 1;
	o->perm = PERM_R | PERM_W;
	o->user = true;
	o->asid = -1;
	o->root = -1;
	o->frame = -1;
	o->fidx = OP_NO_FUTURE;
}

static void
ckpt_drop_after(struct engine *e, uint64_t pos)
{
	while (e->nck > 0 && e->ck[e->nck - 1].pos > pos)
		machine_free(e->ck[--e->nck].m);
}

static int
ckpt_take(struct engine *e)
{
	struct machine *c;
	size_t i, j;

	if (e->nck > 0 && e->ck[e->nck - 1].pos == e->m->r.pos)
		return 0;
	c = machine_clone(e->m);
	if (c == NULL)
		return -1;
	if (e->nck == MAX_CKPT) {
		/* thin out: keep the first, every other one, and the last */
		for (i = 1, j = 1; i < e->nck; i++) {
			if (i % 2 == 1 && i != e->nck - 1) {
				machine_free(e->ck[i].m);
				continue;
			}
			e->ck[j++] = e->ck[i];
		}
		e->nck = j;
	}
	e->ck[e->nck].pos = c->r.pos;
	e->ck[e->nck].m = c;
	e->nck++;
	return 0;
}

/* A page of the future: the machine line, the process name, the page. */
struct fkey {
	uint64_t vpn;
	uint32_t machine, name;
	uint32_t last;		/* the latest index seen (backward) + 1;
				 * 0 an empty slot */
	uint32_t pad;
};

static size_t
fkey_hash(uint64_t vpn, uint32_t machine, uint32_t name)
{
	uint64_t k = vpn * 0x9E3779B97F4A7C15ULL ^
	    ((uint64_t)machine << 32 | name) * 0xC2B2AE3D27D4EB4FULL;

	return (size_t)(k ^ k >> 31);
}

/*
 * policy=opt: the next use of every access of the future, in one pass
 * from the end with a hash set of the pages seen (the next-use table
 * OPT's victim choice reads instead of looking ahead; os.c).  Pages are
 * told apart as opt_victim's look-ahead tells them: by machine line,
 * process name and page number of this machine's geometry (a later
 * machine line's accesses chain among themselves, and only this
 * machine's are read).  0, or -1 out of memory.
 */
static int
future_next(struct engine *e)
{
	const struct machine *m = e->m;
	struct fkey *t = NULL, *nt, *s;
	size_t cap = 1024, used = 0, i, j, k, mask;
	uint64_t vpn;

	e->nxt = (uint32_t *)malloc(e->nfuture * sizeof *e->nxt);
	t = (struct fkey *)calloc(cap, sizeof *t);
	if (e->nxt == NULL || t == NULL) {
		free(t);
		return -1;
	}
	for (i = e->nfuture; i-- > 0;) {
		vpn = (e->future[i].va & m->va_mask) >> m->c.page_bits;
		mask = cap - 1;
		for (j = fkey_hash(vpn, e->future[i].machine, e->fname[i]) &
		    mask;; j = (j + 1) & mask) {
			s = &t[j];
			if (s->last == 0 || (s->vpn == vpn && s->machine ==
			    e->future[i].machine && s->name == e->fname[i]))
				break;
		}
		if (s->last == 0) {
			s->vpn = vpn;
			s->machine = e->future[i].machine;
			s->name = e->fname[i];
			e->nxt[i] = NONE32;
			used++;
		} else
			e->nxt[i] = s->last - 1;
		s->last = (uint32_t)i + 1;
		if (used * 2 <= cap)
			continue;
		/* half full: twice the slots */
		if ((nt = (struct fkey *)calloc(cap * 2, sizeof *nt)) == NULL) {
			free(t);
			return -1;
		}
		for (k = 0; k < cap; k++) {
			if (t[k].last == 0)
				continue;
			for (j = fkey_hash(t[k].vpn, t[k].machine, t[k].name) &
			    (cap * 2 - 1); nt[j].last != 0;
			    j = (j + 1) & (cap * 2 - 1))
				;
			nt[j] = t[k];
		}
		free(t);
		t = nt;
		cap *= 2;
	}
	free(t);
	return 0;
}

static int
future_setup(struct engine *e, const struct future_ref *f, size_t n)
{
	size_t i, k;

	e->future = f;
	e->nfuture = n;
	if (n == 0)
		return 0;
	e->fname = (uint32_t *)malloc(n * sizeof *e->fname);
	if (e->fname == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (i > 0 && f[i].proc == f[i - 1].proc) {
			e->fname[i] = e->fname[i - 1];	/* a trace's */
			continue;
		}
		for (k = 0; k < e->nnames; k++)
			if (strcmp(e->names[k], f[i].proc) == 0)
				break;
		if (k == e->nnames) {
			if ((e->nnames & (e->nnames - 1)) == 0) {
				const char **nn = (const char **)realloc(
				    (void *)e->names, (e->nnames ? e->nnames * 2
				    : 1) * sizeof *nn);
				if (nn == NULL)
					return -1;
				e->names = nn;
			}
			e->names[e->nnames++] = f[i].proc;
		}
		e->fname[i] = (uint32_t)k;
	}
	return e->m->c.policy == POL_OPT ? future_next(e) : 0;
}

struct engine *
engine_new_future(const struct mconfig *c, unsigned flags,
    const struct future_ref *f, size_t n, struct verr *err)
{
	struct engine *e;

	if (c->policy == POL_OPT && f == NULL) {
		verr_set(err, "policy", "policy=opt needs the future, which "
		    "only a file or a trace has: run the file with --batch or "
		    "--check");
		return NULL;
	}
	if (f != NULL && n >= (size_t)UINT32_MAX - 1) {
		verr_set(err, NULL, "the future holds at most %lu accesses",
		    (unsigned long)UINT32_MAX - 2);
		return NULL;
	}
	e = (struct engine *)calloc(1, sizeof *e);
	if (e == NULL) {
		verr_set(err, NULL, "out of memory");
		return NULL;
	}
	e->flags = flags;
	e->jr_limit = JOURNAL_LIMIT;
	jr_init(&e->jr);
	jr_init(&e->old);
	e->m = machine_new(c, err);
	if (e->m == NULL) {
		free(e);
		return NULL;
	}
	if (future_setup(e, f, f ? n : 0) != 0) {
		engine_free(e);
		verr_set(err, NULL, "out of memory");
		return NULL;
	}
	e->m->future = e->future;
	e->m->nfuture = e->nfuture;
	e->m->names = e->names;
	e->m->nnames = e->nnames;
	e->m->fname = e->fname;
	e->m->nxt = e->nxt;
	e->m->quiet = (flags & ENGINE_QUIET) != 0;
	if (flags & ENGINE_JOURNAL) {
		machine_set_journal(e->m, &e->jr);
		if (ckpt_take(e) != 0) {
			engine_free(e);
			verr_set(err, NULL, "out of memory");
			return NULL;
		}
	}
	return e;
}

size_t
engine_future_bytes(const struct engine *e)
{
	return e->nfuture * (sizeof *e->fname + (e->nxt != NULL ?
	    sizeof *e->nxt : 0)) + e->nnames * sizeof *e->names;
}

struct engine *
engine_new(const struct mconfig *c, unsigned flags, struct verr *err)
{
	return engine_new_future(c, flags, NULL, 0, err);
}

void
engine_free(struct engine *e)
{
	size_t i;

	if (e == NULL)
		return;
	machine_free(e->m);
	for (i = 0; i < e->nck; i++)
		machine_free(e->ck[i].m);
	for (i = 0; i < e->nops; i++)
		free((void *)(uintptr_t)e->ops[i].bytes);
	free(e->ops);
	jr_free(&e->jr);
	jr_free(&e->old);
	free((void *)e->names);
	free(e->fname);
	free(e->nxt);
	free(e);
}

void
engine_set_journal_limit(struct engine *e, size_t bytes)
{
	e->jr_limit = bytes;
}

const struct mconfig *
engine_config(const struct engine *e)
{
	return &e->m->c;
}

bool
engine_busy(const struct engine *e)
{
	const struct regs *r = &e->m->r;

	return r->busy || r->ntraps || r->tphase || r->batch;
}

uint64_t
engine_position(const struct engine *e)
{
	return e->m->r.pos;
}

uint64_t
engine_end(const struct engine *e)
{
	return e->horizon > e->m->r.pos ? e->horizon : e->m->r.pos;
}

bool
engine_has_future(const struct engine *e)
{
	return engine_busy(e) || e->m->r.op < e->nops;
}

const struct op *
engine_op(const struct engine *e, uint32_t i)
{
	return i < e->nops ? &e->ops[i] : NULL;
}

static bool
is_access_op(const struct op *o)
{
	return o->kind == OP_READ || o->kind == OP_WRITE || o->kind == OP_EXEC;
}

bool
engine_step(struct engine *e, struct event *ev)
{
	struct machine *m = e->m;
	struct journal old;
	unsigned i;
#ifdef VMSCOPE_CHECK
	struct inv_snap snap;
#endif

	e->fast_idle = false;
	if (!m->r.busy && m->r.op >= e->nops && m->r.ntraps == 0 &&
	    m->r.tphase == 0 && m->r.batch == 0)
		return false;
#ifdef VMSCOPE_CHECK
	inv_before(e, &snap);
#endif
	if (m->jr != NULL) {
		(void)jr_begin_step(m->jr);
		jr_save(m->jr, &m->r, sizeof m->r);
		for (i = 0; i < m->r.nvms; i++)
			jr_save(m->jr, &m->vms[i]->r, sizeof m->vms[i]->r);
	}
	memset(ev, 0, sizeof *ev);
	if (m->r.ntraps != 0 || m->r.tphase != 0 || (m->r.batch != 0 &&
	    (!m->r.busy || is_access_op(&e->ops[m->r.op]))))
		vmx_step_trap(e, ev);	/* a trapped page-table write, or a
					 * pv guest's hypercall */
	else {
		if (!m->r.busy) {
			m->r.busy = 1;
			m->r.phase = PH_START;
			m->r.iter = 0;
			op_begin(e, &e->ops[m->r.op]);
		}
		ev->op = m->r.op;
		step_op(e, &e->ops[m->r.op], ev);
	}
	m->r.pos++;
	m->r.cycles += ev->cycles;
	ev->step = m->r.pos;
	if (m->r.pos > e->horizon)
		e->horizon = m->r.pos;
	/* A checkpoint when the journal outgrows both its limit and the size
	 * of a copy of the machine, so copying costs at most as much as
	 * journaling did. */
	if (m->jr != NULL && m->jr->len > e->jr_limit &&
	    m->jr->len > machine_bytes(m) && ckpt_take(e) == 0) {
		/* the current journal becomes the old one; the one before
		 * it is dropped (the checkpoint covers it) */
		old = e->old;
		e->old = e->jr;
		e->jr = old;
		jr_clear(&e->jr, m->r.pos);
	}
#ifdef VMSCOPE_CHECK
	inv_after_step(e, &snap, ev);
#endif
	return true;
}

static void
finish_op(struct engine *e)
{
	struct event ev;

	while (engine_busy(e))
		(void)engine_step(e, &ev);
}

int
engine_back(struct engine *e, uint64_t n, uint64_t *moved, struct verr *err)
{
	uint64_t start = e->m->r.pos, target;
	struct machine *c;
	struct event ev;
	size_t i;

	if (moved != NULL)
		*moved = 0;
	e->fast_idle = false;
	if (!(e->flags & ENGINE_JOURNAL))
		return verr_set(err, NULL, "back needs the history of the run, "
		    "which is not kept in this mode");
	target = n > start ? 0 : start - n;
	while (e->m->r.pos > target && !e->jr.failed &&
	    (jr_undo_step(&e->jr) || (!e->old.failed &&
	    jr_undo_step(&e->old))))
		;
	if (e->m->r.pos < start)
		rmap_rebuild(e->m);	/* not journaled: see machine.c */
	if (e->m->r.pos > target) {
		for (i = e->nck; i > 0 && e->ck[i - 1].pos > target; i--)
			;
		if (i == 0)
			return verr_set(err, NULL, "back: no checkpoint before "
			    "step %llu", (unsigned long long)target);
		c = machine_clone(e->ck[i - 1].m);
		if (c == NULL)
			return verr_set(err, NULL, "back: out of memory");
		machine_free(e->m);
		e->m = c;
		machine_set_journal(c, &e->jr);
		jr_clear(&e->jr, c->r.pos);
		jr_clear(&e->old, c->r.pos);
		while (e->m->r.pos < target && engine_step(e, &ev))
			;
	}
	if (moved != NULL)
		*moved = start - e->m->r.pos;
#ifdef VMSCOPE_CHECK
	inv_after_back(e);
#endif
	return 0;
}

int
engine_goto(struct engine *e, uint64_t pos, struct verr *err)
{
	struct event ev;

	if (pos < e->m->r.pos)
		return engine_back(e, e->m->r.pos - pos, NULL, err);
	while (e->m->r.pos < pos && engine_step(e, &ev))
		;
	return 0;
}

/* An access nobody watches goes the fast path (fast.c) as far as it
 * can; the micro-steps do the rest, and every other operation. */
int
engine_run(struct engine *e, const struct op *o, struct verr *err)
{
	struct event ev;
#ifdef VMSCOPE_CHECK
	struct inv_snap snap;

	inv_before(e, &snap);
#endif

	switch (fast_run(e, o, err)) {
	case FAST_DONE:
#ifdef VMSCOPE_CHECK
		inv_after_run(e, &snap, true);
#endif
		return 0;
	case FAST_STEPS:
		break;
	case FAST_NO:
		if (engine_submit(e, o, err) != 0)
			return -1;
		break;
	default:
		return -1;
	}
	while (engine_step(e, &ev))
		if (fast_resume(e))
			break;
#ifdef VMSCOPE_CHECK
	inv_after_run(e, &snap, false);
#endif
	return 0;
}

int
engine_submit(struct engine *e, const struct op *o, struct verr *err)
{
	struct op *n;
	size_t cap;

	/* In the past: the op in progress finishes, and if the new one is
	 * accepted, the old future goes. */
	e->fast_idle = false;
	finish_op(e);
	if (op_check(e, o, err) != 0)
		return -1;
	inv_submitted(e, o);	/* what inv_check then leaves out */
	if (e->m->r.op < e->nops) {
		while (e->nops > e->m->r.op)
			free((void *)(uintptr_t)e->ops[--e->nops].bytes);
		e->horizon = e->m->r.pos;
		ckpt_drop_after(e, e->m->r.pos);
	}
	if (!(e->flags & ENGINE_JOURNAL) && e->m->r.op == e->nops) {
		/* no history kept: the finished ops are not needed again */
		while (e->nops > 0)
			free((void *)(uintptr_t)e->ops[--e->nops].bytes);
		e->m->r.op = 0;
	}
	if (e->nops == e->capops) {
		cap = e->capops ? e->capops * 2 : 64;
		n = (struct op *)realloc(e->ops, cap * sizeof *n);
		if (n == NULL)
			return verr_set(err, NULL, "out of memory");
		e->ops = n;
		e->capops = cap;
	}
	n = &e->ops[e->nops];
	*n = *o;
	if (o->kind == OP_POKE) {
		n->bytes = (uint8_t *)malloc(o->nbytes);
		if (n->bytes == NULL)
			return verr_set(err, NULL, "out of memory");
		memcpy((void *)(uintptr_t)n->bytes, o->bytes, o->nbytes);
	} else
		n->bytes = NULL;
	e->nops++;
	return 0;
}

int
engine_peek(const struct engine *e, uint64_t pa, uint64_t n, uint8_t *out,
    struct verr *err)
{
	const struct mconfig *c = &e->m->c;

	if (n == 0 || pa >= ((uint64_t)1 << c->pa) ||
	    n > ((uint64_t)1 << c->pa) - pa)
		return verr_set(err, "pa", "peek: %llu bytes at 0x%llx run "
		    "past the end of the %u-bit physical memory",
		    (unsigned long long)n, (unsigned long long)pa, c->pa);
	mem_read_bytes(e->m->phys, pa, out, n);
	return 0;
}
