/*
 * fast.c - engine_run's fast path: a whole access in one call, for an
 * engine nobody watches (no journal, no events: trace replays, sweeps).
 *
 * An access of the host (no guests) is done here the way the
 * micro-steps of step.c do it, step after step, but with no event, no
 * dispatch and no journal: the address split, the TLB probe, on a hit
 * the data reference; on a miss the walk of a radix table (one entry per
 * level, accessed bits set), the TLB fill and the data reference.  Every
 * register, counter, bit of memory, TLB entry and replacement list ends
 * exactly as the micro-steps leave them (tests/unit/test_fast.c runs
 * both on random runs and compares).  Whatever is not done here - a
 * not-present entry, a refused right, the periodic clearing of use bits,
 * an inverted table, a guest - is handed to the micro-steps at the
 * boundary of the step that needs them: the machine is then exactly
 * where engine_step would have left it, and engine_run steps on.
 */
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

/* phys_write for the host with no journal, when the bytes lie in one
 * chunk of the store (an entry, or an access that does not cross a
 * 4 KiB boundary): the same bytes, without the page-by-page loop.  A
 * zero written where nothing was ever written (a trace's write) leaves
 * the chunk absent: it reads as zero all the same. */
static void
fast_write(struct machine *m, uint64_t pa, uint64_t v, unsigned size)
{
	uint64_t off = pa & (MEM_CHUNK - 1);
	uint8_t *c;
	unsigned i;

	if (off + size > MEM_CHUNK) {
		phys_write(m, pa, v, size);
		return;
	}
	if (v == 0 && mem_chunk_cached(m->phys, pa) == NULL)
		return;
	c = mem_chunk_rw_cached(m->phys, pa);
	if (c == NULL) {
		m->oom = true;
		return;
	}
	c += off;
	if (size == 1)
		c[0] = (uint8_t)v;
	else
		for (i = 0; i < size; i++)
			c[i] = (uint8_t)(v >> (8 * i));
}

/* The size of the entry a TLB entry's pte_pa names (pte_size in
 * step.c): an inverted table's flags word, or a radix entry. */
static unsigned
fast_pte_size(const struct machine *m)
{
	return m->c.pt == PT_INVERTED ? 8 : m->c.pte;
}

/* The walk of a radix table from the level in m->r.level, as step_walk
 * does it; returns the levels done.  It stops before a level that needs
 * the micro-steps (not present, or a leaf whose rights refuse the
 * access): the machine is then at the start of that level's step.
 * After the leaf, the phase is PH_FILL (or PH_DATA with no TLB). */
static unsigned
fast_walk(struct machine *m, const struct op *o)
{
	unsigned l, n = 0, pte = m->c.pte, pb = m->c.page_bits;
	uint64_t epa, v;
	uint8_t rw, ru, rnx;
	bool x86 = m->c.format == FMT_X86;

	for (l = m->r.level;; l++) {
		epa = m->r.table + ((m->r.last.vpn >> (m->shift[l - 1] - pb)) &
		    ((1ull << m->c.split[l - 1]) - 1)) * pte;	/* pt_entry_pa */
		v = mem_read(m->phys, epa, pte);
		if (x86) {			/* pt_present, pt_rights */
			if (!(v & X86_P))
				return n;
			rw = m->r.rw & ((v & X86_W) != 0);
			ru = m->r.ru & ((v & X86_U) != 0);
			rnx = m->r.rnx | (m->has_nx && (v & X86_NX) != 0);
		} else {
			if (!(v & m->valid_bit))
				return n;
			rw = m->r.rw;
			ru = m->r.ru;
			rnx = m->r.rnx;
		}
		if (l == m->levels && ((!o->kernel && !ru) ||
		    (o->kind == OP_WRITE && !rw) ||
		    (o->kind == OP_EXEC && rnx)))
			return n;	/* a protection fault: step_walk's */
		m->r.rw = rw;
		m->r.ru = ru;
		m->r.rnx = rnx;
		m->r.last.refs++;
		m->r.refs_total++;
		m->r.entry_pa = epa;
		m->r.entry = v;
		n++;
		if (x86 && !(v & X86_A)) {
			v |= X86_A;
			fast_write(m, epa, v, pte);
		}
		v = x86 ? v & m->addr_mask : (v & (m->valid_bit - 1)) << pb;
		if (l == m->levels) {		/* v: pt_next */
			m->r.last.pte_addr = epa;
			m->r.last.has_pte = 1;
			m->r.last.pte_host = 0;
			m->r.frame = v >> pb;
			m->r.gpa = m->r.frame << pb;
			m->r.phase = m->c.tlb > 0 ? PH_FILL : PH_DATA;
			return n;
		}
		m->r.table = v;
		m->r.level = (uint8_t)(l + 1);
	}
}

/* step_fill. */
static void
fast_fill(struct machine *m)
{
	uint64_t old = 0, pte_pa = m->r.last.pte_addr;
	uint8_t dirty = 0;
	bool evicted;

	if (m->c.format == FMT_X86)
		dirty = (mem_read(m->phys, pte_pa, fast_pte_size(m)) &
		    X86_D) != 0;
	m->r.tlb_slot = tlb_fill(m, os_cur(m)->asid, m->r.last.vpn,
	    m->r.frame, m->r.gpa >> m->c.page_bits, pte_pa, m->r.rw, m->r.ru,
	    m->r.rnx, dirty, &evicted, &old);
	m->r.phase = PH_DATA;
}

/* Can the fast path take this access?  The host's own access (no
 * guest), nothing in progress, the end of the timeline, no journal. */
static bool
fast_can(const struct engine *e, const struct op *o)
{
	const struct machine *m = e->m;

	return (o->kind == OP_READ || o->kind == OP_WRITE ||
	    o->kind == OP_EXEC) && m->jr == NULL && m->r.nvms == 0 &&
	    m->r.mode == MODE_NONE && !m->r.busy && m->r.ntraps == 0 &&
	    m->r.tphase == 0 && m->r.batch == 0 && m->r.op == e->nops &&
	    m->r.cur != 0;
}

/* engine_submit when the engine is idle at the end of its timeline and
 * keeps no history (fast_can): the finished operations go, o becomes
 * the only one.  Its copy is made only if the micro-steps will need it:
 * with no history, a finished operation is never read again. */
static int
fast_submit(struct engine *e, struct verr *err)
{
	struct op *n;

	while (e->nops > 0)
		if (e->ops[--e->nops].bytes != NULL) {
			free((void *)(uintptr_t)e->ops[e->nops].bytes);
			e->ops[e->nops].bytes = NULL;
		}
	e->m->r.op = 0;
	if (e->capops == 0) {
		n = (struct op *)calloc(64, sizeof *n);
		if (n == NULL)
			return verr_set(err, NULL, "out of memory");
		e->ops = n;
		e->capops = 64;
	}
	e->nops = 1;
	return 0;
}

/* The access o from the step at hand - the TLB probe (phase PH_TLB) or
 * a level of the walk (PH_WALK) - to its end; true if it got there,
 * false if the machine was left at a step boundary for engine_step. */
static bool
fast_continue(struct engine *e, const struct op *o)
{
	struct machine *m = e->m;
	struct last *l = &m->r.last;
	uint64_t steps = 0, cycles = 0, pa, f, pte, v;
	const struct tlbe *te;
	struct frame *fr;
	uint32_t slot;
	unsigned n;
	bool done = false;

	if (m->r.phase == PH_WALK)
		goto walk;

	/* step_tlb (the counters count an access's first probe only: a
	 * restarted access probes again) */
	if (!tlb_probe(m, os_cur(m)->asid, l->vpn, &slot)) {
		if (l->tlb == 0) {
			l->tlb = 2;
			m->r.tlb_misses++;
		}
		m->r.tlb_slot = NONE32;
		steps++;
		cycles += m->c.cost[COST_TLB];
		goto walk_start;
	}
	te = &m->tlb[slot];
	if ((!o->kernel && !te->u) || (o->kind == OP_WRITE && !te->w) ||
	    (o->kind == OP_EXEC && te->nx))
		goto out;	/* refused: step_tlb and step_denied */
	if (l->tlb == 0) {
		l->tlb = 1;
		m->r.tlb_hits++;
	}
	if (m->c.tlb_policy == TLBP_LRU) {	/* tlb_touch */
		if (m->tlb_indexed)
			tlb_touch(m, slot);
		else
			m->tlb[slot].stamp = ++m->r.tlb_clock;
	}
	m->r.tlb_slot = slot;
	m->r.frame = te->frame;
	m->r.gpa = te->gframe << m->c.page_bits;
	m->r.rw = te->w;
	m->r.ru = te->u;
	m->r.rnx = te->nx;
	l->pte_addr = te->pte_pa;
	l->has_pte = 1;
	l->pte_host = 0;
	m->r.phase = PH_DATA;
	steps++;
	cycles += m->c.cost[COST_TLB];
	goto data;

walk_start:
	m->r.level = 1;
	m->r.rw = m->r.ru = 1;
	m->r.rnx = 0;
	if (m->c.pt != PT_RADIX) {
		m->r.phase = PH_IPT_ANCHOR;
		goto out;
	}
	m->r.phase = PH_WALK;
	m->r.table = os_cur(m)->root << m->c.page_bits;
walk:
	/* step_walk per level, then step_fill */
	n = fast_walk(m, o);
	steps += n;
	cycles += n * m->c.cost[COST_MEM];
	if (m->r.phase == PH_WALK)
		goto out;
	if (m->r.phase == PH_FILL) {
		fast_fill(m);
		steps++;
	}

data:
	/* step_data */
	pa = (m->r.frame << m->c.page_bits) | l->offset;
	f = m->r.gpa >> m->c.page_bits;
	if (o->kind == OP_WRITE) {
		v = o->value;
		fast_write(m, pa, v, o->size);
		if (m->c.format == FMT_X86 && l->has_pte) {
			n = fast_pte_size(m);
			pte = mem_read(m->phys, l->pte_addr, n);
			if (!(pte & X86_D))
				fast_write(m, l->pte_addr, pte | X86_D, n);
		}
		if (m->r.tlb_slot != NONE32 && m->c.tlb > 0)
			m->tlb[m->r.tlb_slot].dirty = 1;
	} else if (m->quiet) {
		v = 0;		/* fetched if expect asks (query.c) */
		l->lazy = 1;
	} else
		v = mem_read(m->phys, pa, o->size);
	if (f < m->c.frames && m->frames[f].pobj != 0) {
		fr = &m->frames[f];
		if (!fr->use)
			fr->use = 1;
		if (o->kind == OP_WRITE && !fr->dirty)
			fr->dirty = 1;
		if (m->c.policy == POL_LRU && m->r.tail != f + 1)
			os_list_touch(m, f);
		else if (m->c.policy == POL_OPT)
			os_opt_used(m, f, o->fidx);
	}
	l->pa = pa;
	l->gpa = m->r.gpa | l->offset;
	l->value = v;
	l->size = (uint8_t)o->size;
	l->has_pa = 1;
	steps++;
	cycles += m->c.cost[COST_MEM];

	/* access_end */
	if (m->c.clear_interval != 0 &&
	    m->r.accesses % m->c.clear_interval == 0)
		m->r.phase = PH_CLEAR;
	else {
		m->r.busy = 0;
		m->r.phase = PH_IDLE;
		m->r.op++;
		done = true;
	}
out:
	m->r.pos += steps;
	m->r.cycles += cycles;
	if (m->r.pos > e->horizon)
		e->horizon = m->r.pos;
	return done;
}

/* The access o from its first micro-step (see fast_continue). */
static bool
fast_access(struct engine *e, const struct op *o)
{
	struct machine *m = e->m;
	struct last *l = &m->r.last;

	/* engine_step's start of an op, op_begin (the host's); the bytes
	 * beside mode and nvms are written only if they change, or the
	 * next fast_can would wait for the stores */
	m->r.busy = 1;
	m->r.iter = 0;
	if (m->r.ctx != 0)
		m->r.ctx = 0;
	if (m->r.cmd_exit != 0)
		m->r.cmd_exit = 0;
	if (m->r.hcall != 0)
		m->r.hcall = 0;
	if (m->r.vmm != VMM_NONE)
		m->r.vmm = VMM_NONE;

	/* step_split, walk_begin */
	memset(l, 0, sizeof *l);
	l->valid = 1;
	l->va = o->va;
	l->vpn = (o->va & m->va_mask) >> m->c.page_bits;
	l->offset = o->va & (m->c.page - 1);
	m->r.accesses++;
	m->r.acc = (uint8_t)(o->kind == OP_WRITE ? ACC_WRITE :
	    o->kind == OP_EXEC ? ACC_EXEC : ACC_READ);
	m->r.by_acc[m->r.acc]++;
	m->r.pf_reflected = 0;
	m->r.rw = m->r.ru = 1;
	m->r.rnx = 0;
	m->r.pos++;
	if (m->c.tlb > 0)
		m->r.phase = PH_TLB;
	else {
		/* walk_start */
		m->r.level = 1;
		if (m->c.pt != PT_RADIX) {
			m->r.phase = PH_IPT_ANCHOR;
			if (m->r.pos > e->horizon)
				e->horizon = m->r.pos;
			return false;
		}
		m->r.phase = PH_WALK;
		m->r.table = os_cur(m)->root << m->c.page_bits;
	}
	return fast_continue(e, o);
}

/* After a micro-step of engine_run's: if the access under way is at a
 * step the fast path does (the probe after a page fault's restart, or a
 * level of the walk), it takes it from there.  True if the access has
 * ended. */
bool
fast_resume(struct engine *e)
{
	struct machine *m = e->m;
	const struct op *o;

	if ((m->r.phase != PH_TLB && m->r.phase != PH_WALK) ||
	    !m->r.busy || m->jr != NULL || m->r.nvms != 0 ||
	    m->r.mode != MODE_NONE || m->r.ctx != 0 || m->r.ntraps != 0 ||
	    m->r.tphase != 0 || m->r.batch != 0 || m->r.op >= e->nops)
		return false;
	o = &e->ops[m->r.op];
	if (o->kind != OP_READ && o->kind != OP_WRITE && o->kind != OP_EXEC)
		return false;
	if (!fast_continue(e, o))
		return false;
	e->fast_idle = true;	/* as fast_run leaves it (the tests above
				 * are fast_can's) */
	return true;
}

/* engine_run's first move: FAST_DONE (o ran to its end), FAST_STEPS (o
 * is submitted and under way: engine_step goes on), FAST_NO (not an
 * operation for the fast path: submit it), or -1 (refused, why in err).
 * o is checked as engine_submit would (op_check of a host's access is
 * check_access of the host). */
int
fast_run(struct engine *e, const struct op *o, struct verr *err)
{
	if (e->fast_idle) {
		/* the machine is as the last fast access left it: fast_can's
		 * tests hold, and the timeline is that access alone */
		if (o->kind != OP_READ && o->kind != OP_WRITE &&
		    o->kind != OP_EXEC)
			return FAST_NO;
		if (check_access(e->m, o, err) != 0)
			return -1;
		e->m->r.op = 0;
	} else {
		if (!fast_can(e, o))
			return FAST_NO;
		if (check_access(e->m, o, err) != 0 ||
		    fast_submit(e, err) != 0)
			return -1;
	}
	if (fast_access(e, o)) {
		e->fast_idle = true;
		return FAST_DONE;
	}
	e->fast_idle = false;
	e->ops[0] = *o;		/* for the micro-steps */
	e->ops[0].bytes = NULL;
	return FAST_STEPS;
}
