/*
 * step.c - one micro-step of the operation in progress.
 *
 * An access goes: address split; TLB probe; on a miss, one page-table
 * read per level (or, for an inverted table, the hash anchor and each
 * entry of the collision chain); TLB fill; the data reference.  A
 * not-present entry hands over to the OS, which looks at its own record:
 * no page there is a segmentation fault, a forbidden access a protection
 * fault, a page on disk a page fault: a free frame or a victim, the
 * victim's entries invalidated, a dirty victim written back, the page
 * read in, and the access restarted from the TLB probe.  The rights
 * combine over the levels as x86 does; accessed bits are set on each
 * level the walk uses, on the leaf only if the access is allowed, and
 * the dirty bit on a completed write.
 *
 * Other operations (process, switch, map, unmap, protect, share, poke)
 * take one step per table built or page handled.
 *
 * Two machines take part in a step: the CPU (e->m, the host: the TLB,
 * the counters, the access in progress) and the OS whose operation it
 * is (X(e): the host's OS, or the guest running, whose processes,
 * tables and frames live in guest-physical memory).  A guest's access
 * under nested paging walks its tables with every guest-physical address
 * translated through the EPT (vmx.c); an EPT violation or
 * misconfiguration is a VM exit the VMM handles before the VM entry
 * that resumes the access.
 */
#include <string.h>

#include "engine_int.h"

/* ENGINE_QUIET leaves the value of the last read in memory; fetch it
 * before anything may write memory again. */
static void
last_fetch(struct machine *m)
{
	if (m->r.last.lazy) {
		m->r.last.value = phys_read(m, m->r.last.pa, m->r.last.size);
		m->r.last.lazy = 0;
	}
}

static void	shadow_pf(struct machine *, const struct op *, bool);


static void
finish(struct machine *m)
{
	m->r.busy = 0;
	m->r.phase = PH_IDLE;
	m->r.op++;
}

static bool
is_access(const struct op *o)
{
	return o->kind == OP_READ || o->kind == OP_WRITE || o->kind == OP_EXEC;
}

static enum acc_kind
acc_of(const struct op *o)
{
	return o->kind == OP_WRITE ? ACC_WRITE : o->kind == OP_EXEC ?
	    ACC_EXEC : ACC_READ;
}

static uint64_t
leaf_pa(const struct machine *x, uint32_t proc, uint64_t vpn)
{
	uint64_t table = x->procs[proc].root << x->c.page_bits, e;
	unsigned l;

	for (l = 1; l < x->levels; l++) {
		e = phys_read(x, pt_entry_pa(x, table, vpn, l), x->c.pte);
		table = pt_os_next(x, e);
	}
	return pt_entry_pa(x, table, vpn, (unsigned)x->levels);
}

/* Untagged TLB entries go at every CR3 load (and VM entry and exit). */
static bool
tlb_untagged(const struct machine *x)
{
	if (!x->cpu->c.tlb_tags)
		return true;
	return x->cpu != x && !x->vmcs.ctl[CTL_VPID];
}

static void
cr3_load(struct machine *x, uint32_t p, struct event *ev)
{
	x->r.cur = p + 1;
	if (x->cpu != x) {
		J(x, &x->vmcs, sizeof x->vmcs);
		x->vmcs.guest_cr3 = x->procs[p].root << x->c.page_bits;
	}
	ev->kind = EV_CR3;
	ev->a = x->procs[p].asid;
	ev->b = x->procs[p].root << x->c.page_bits;
	ev->d = x->vpid;
	ev->c = tlb_untagged(x) ? tlb_flush_all(x) : 0;
	ev->flags = tlb_untagged(x) ? EVF_FREE : 0;
}

static uint32_t
lowest_asid(const struct machine *x)
{
	uint32_t a, i;

	for (a = 1;; a++) {
		for (i = 0; i < x->r.nprocs; i++)
			if (x->procs[i].live && x->procs[i].asid == a)
				break;
		if (i == x->r.nprocs)
			return a;
	}
}

static void
step_process(struct engine *e, const struct op *o, struct event *ev)
{
	struct machine *m = e->m, *x = X(e);
	struct proc *p;
	uint32_t i, k;

	if (m->r.phase == PH_OPSTEP) {
		if (x->cpu != x && x->vmcs.ctl[CTL_CR3]) {
			vmx_cr3_exit(e, o, ev);
			return;
		}
		cr3_load(x, x->r.nprocs - 1, ev);
		finish(m);
		return;
	}
	i = x->r.nprocs;
	p = &x->procs[i];
	J(x, p, sizeof *p);
	memset(p, 0, sizeof *p);
	memcpy(p->name, o->name, sizeof p->name);
	p->live = 1;
	p->anon = o->anon;
	p->asid = o->asid >= 0 ? (uint32_t)o->asid : lowest_asid(x);
	p->name_id = NONE32;
	for (k = 0; k < x->nnames; k++)
		if (strcmp(x->names[k], o->name) == 0)
			p->name_id = k;
	x->r.nprocs++;
	if (o->root >= 0) {
		p->root = (uint64_t)o->root;
		p->image = 1;
	} else if (x->c.pt == PT_RADIX)
		p->root = os_alloc_tframes(x, x->tframes_per[0], i, TF_TABLE,
		    1);
	ev->kind = EV_PROCESS;
	ev->a = p->asid;
	ev->b = p->root;
	ev->c = i;
	ev->flags = p->image ? EVF_MATCH : 0;
	ev->level = 1;
	ev->d = x->c.pt == PT_RADIX ? x->tframes_per[0] : 0;
	ev->e = x->vpid;
	m->r.phase = PH_OPSTEP;
}

/* Map (or share) one page: first the missing tables, one per step, then
 * the leaf. */
static void
step_map(struct engine *e, const struct op *o, struct event *ev)
{
	struct machine *m = e->m, *x = X(e);
	uint32_t p = x->r.cur - 1, obj, ri, q, src;
	uint64_t vpn, f, pte;
	struct pobj *po;
	struct rec *r;

	if (o->kind == OP_SHARE)
		vpn = vpn_of_va_m(x, o->va2);
	else
		vpn = vpn_of_va_m(x, o->va) + m->r.iter;
	if (os_ensure_path(x, p, vpn, ev))
		return;
	if (o->kind == OP_SHARE) {
		q = os_find_proc(x, o->name);
		src = os_lookup(x, q, vpn_of_va_m(x, o->va));
		obj = rec_at(x, src)->pobj;
		ri = os_new_rec(x, p, vpn, obj, rec_at(x, src)->perm,
		    rec_at(x, src)->user);
		ev->kind = EV_SHARE;
		ev->e = x->procs[q].asid;
	} else if (pv_guest(x) && !o->disk && o->frame >= 0 &&
	    (uint64_t)o->frame + m->r.iter >= x->c.frames) {
		/* not a frame of the guest's pool: the hypercall asks, the
		 * VMM will refuse; the guest OS maps nothing */
		m->r.batch++;
		m->r.batch_bad++;
		ev->kind = EV_MAP;
		ev->a = vpn << x->c.page_bits;
		ev->b = (uint64_t)o->frame + m->r.iter;
		ev->flags = EVF_DENIED;
		ev->c = ev->b >= x->gframes ? 1 : ev->b >= x->c.total_frames -
		    x->r.ntframes && (o->perm & PERM_W) ? 2 : 3;
		if (++m->r.iter == o->pages)
			finish(m);
		return;
	} else {
		obj = os_new_pobj(x);
		ri = os_new_rec(x, p, vpn, obj, o->perm, o->user);
		ev->kind = EV_MAP;
		if (!o->disk) {
			f = o->frame >= 0 ? (uint64_t)o->frame + m->r.iter :
			    os_lowest_free(x);
			os_frame_take(x, f, obj);
			phys_zero(x, f << x->c.page_bits, x->c.page);
			po = pobj_at(x, obj);
			J(x, po, sizeof *po);
			po->frame = f;
		}
	}
	r = rec_at(x, ri);
	po = pobj_at(x, obj);
	if (x->c.pt == PT_RADIX) {
		J(x, r, sizeof *r);
		r->pte_pa = leaf_pa(x, p, vpn);
		if (po->frame != NONE64) {
			pte = pt_make_leaf(x, pt_os_frame(x, po->frame),
			    r->perm, r->user);
			os_pte_write(x, r->pte_pa, pte, x->c.pte);
		}
		ev->c = r->pte_pa;
		ev->d = phys_read(x, r->pte_pa, x->c.pte);
	} else if (po->frame != NONE64) {
		ipt_insert(x, po->frame, x->procs[p].asid, vpn, r->perm,
		    r->user);
		ev->c = x->ipt_pa + po->frame * IPT_ENTRY;
		ev->d = phys_read(x, ev->c + 8, 8);
	}
	ev->a = vpn << x->c.page_bits;
	ev->b = po->frame != NONE64 ? po->frame : obj;
	ev->flags = po->frame != NONE64 ? 0 : EVF_DISK;
	ev->level = (uint8_t)(r->perm | (r->user ? 8 : 0));
	if (o->kind == OP_SHARE || ++m->r.iter == o->pages)
		finish(m);
}

static void
step_unmap(struct engine *e, const struct op *o, struct event *ev)
{
	struct machine *m = e->m, *x = X(e);
	uint32_t p = x->r.cur - 1, ri;
	uint64_t vpn = vpn_of_va_m(x, o->va) + m->r.iter, tlbn = 0, f;
	struct rec *r;
	struct pobj *po;

	ri = os_lookup(x, p, vpn);
	r = rec_at(x, ri);
	po = pobj_at(x, r->pobj);
	f = po->frame;
	ev->kind = EV_UNMAP;
	ev->a = vpn << x->c.page_bits;
	ev->b = NONE64;
	ev->c = f;
	if (po->mappers == ri + 1 && r->next == 0) {
		/* the last mapping: the page goes, frame and disk copy */
		if (f != NONE64) {
			(void)os_invalidate_mappers(x, r->pobj, &tlbn);
			os_frame_release(x, f);
			ev->b = f;
		}
		J(x, po, sizeof *po);
		po->live = 0;
		po->frame = NONE64;
		po->on_disk = 0;
	} else {
		if (x->c.pt == PT_RADIX && f != NONE64)
			os_pte_write(x, r->pte_pa, 0, x->c.pte);
		tlbn += tlb_flush_page(x, x->procs[p].asid, vpn);
		ev->flags = EVF_MATCH;	/* still mapped elsewhere */
	}
	os_unlink_rec(x, ri);
	ev->d = tlbn;
	if (++m->r.iter == o->pages)
		finish(m);
}

static void
step_protect(struct engine *e, const struct op *o, struct event *ev)
{
	struct machine *m = e->m, *x = X(e);
	uint32_t p = x->r.cur - 1, ri;
	uint64_t vpn = vpn_of_va_m(x, o->va) + m->r.iter, pte, pa;
	struct rec *r;
	const struct pobj *po;

	ri = os_lookup(x, p, vpn);
	r = rec_at(x, ri);
	J(x, r, sizeof *r);
	r->perm = (uint8_t)o->perm;
	po = pobj_at(x, r->pobj);
	if (po->frame != NONE64 && x->c.format == FMT_X86) {
		if (x->c.pt == PT_RADIX) {
			pte = phys_read(x, r->pte_pa, x->c.pte);
			os_pte_write(x, r->pte_pa, pt_set_perm(x, pte, o->perm,
			    r->user), x->c.pte);
		} else {
			pa = x->ipt_pa + po->frame * IPT_ENTRY + 8;
			pte = phys_read(x, pa, 8) & ~(X86_W | IPT_NX);
			if (o->perm & PERM_W)
				pte |= X86_W;
			if (!(o->perm & PERM_X))
				pte |= IPT_NX;
			phys_write(x, pa, pte, 8);
		}
	}
	ev->kind = EV_PROTECT;
	ev->a = vpn << x->c.page_bits;
	ev->b = o->perm;
	ev->d = tlb_flush_page(x, x->procs[p].asid, vpn);
	if (++m->r.iter == o->pages)
		finish(m);
}

/* ---- accesses ---- */

static bool
nested(const struct machine *x)
{
	return x->cpu != x && x->mmu == MMU_NESTED;
}

/* After a TLB miss (or with no TLB): the walk starts at the top. */
static void
walk_start(struct machine *m, struct machine *x)
{
	m->r.level = 1;
	m->r.rw = m->r.ru = 1;
	m->r.rnx = 0;
	if (nested(x)) {
		m->r.gl = 1;
		m->r.gtable = os_cur(x)->root << x->c.page_bits;
		m->r.gpa = m->r.gtable;
		m->r.el = 1;
		m->r.etable = x->vmcs.eptp;
		m->r.phase = PH_NWALK;
	} else if (x->c.pt == PT_INVERTED)
		m->r.phase = PH_IPT_ANCHOR;
	else if (shadow_guest(x)) {
		/* the hardware walks the VMM's shadow table */
		m->r.phase = PH_WALK;
		m->r.table = shadow_root(x, x->r.cur - 1) << m->c.page_bits;
	} else if (pv_guest(x)) {
		/* the guest's own tables, which hold machine frames */
		m->r.phase = PH_WALK;
		m->r.table = pt_os_frame(x, os_cur(x)->root) << m->c.page_bits;
	} else {
		m->r.phase = PH_WALK;
		m->r.table = os_cur(x)->root << x->c.page_bits;
	}
}

static void
walk_begin(struct machine *m, struct machine *x)
{
	m->r.pf_reflected = 0;
	m->r.rw = m->r.ru = 1;
	m->r.rnx = 0;
	if (m->c.tlb > 0)
		m->r.phase = PH_TLB;
	else
		walk_start(m, x);
}

/* Are the rights r (writable, user, no-execute) enough for this access? */
static bool
denied(const struct machine *m, const struct op *o)
{
	if (!o->kernel && !m->r.ru)
		return true;
	if (o->kind == OP_WRITE && !m->r.rw)
		return true;
	if (o->kind == OP_EXEC && m->r.rnx)
		return true;
	return false;
}

static uint64_t
pf_code(const struct machine *x, const struct op *o, bool present)
{
	uint64_t c = present ? 1 : 0;

	if (o->kind == OP_WRITE)
		c |= 2;
	if (!o->kernel)
		c |= 4;
	if (o->kind == OP_EXEC && x->has_nx)
		c |= 0x10;
	return c;
}

/* A fault the running OS sees. */
static void
set_fault(struct machine *m, struct machine *x, enum fault_kind k,
    uint64_t code)
{
	if (m->r.last.fault == FAULT_NONE)
		m->r.last.fault = (uint8_t)k;
	x->r.pf_code = code;
	x->r.pf_valid = 1;
}

static void
access_end(struct machine *m, struct machine *x)
{
	if (x->c.clear_interval != 0 &&
	    m->r.accesses % x->c.clear_interval == 0)
		m->r.phase = PH_CLEAR;
	else
		finish(m);
}

static void
step_split(struct engine *e, const struct op *o, struct event *ev)
{
	struct machine *m = e->m, *x = X(e);
	struct last *l = &m->r.last;

	memset(l, 0, sizeof *l);
	l->valid = 1;
	l->ctx = m->r.ctx;
	l->va = o->va;
	l->vpn = vpn_of_va_m(x, o->va);
	l->offset = o->va & (x->c.page - 1);
	m->r.accesses++;
	m->r.acc = (uint8_t)acc_of(o);
	m->r.by_acc[m->r.acc]++;
	ev->kind = EV_SPLIT;
	ev->a = o->va;
	ev->b = l->vpn;
	ev->c = l->offset;
	ev->d = (uint64_t)acc_of(o) | ((uint64_t)o->size << 4) |
	    (o->kernel ? 0x100u : 0);
	ev->e = os_cur(x)->asid;
	ev->level = (uint8_t)x->vpid;
	walk_begin(m, x);
}

static void
step_tlb(struct engine *e, const struct op *o, struct event *ev)
{
	struct machine *m = e->m, *x = X(e);
	uint32_t asid = os_cur(x)->asid, slot;
	const struct tlbe *t;
	uint64_t vpn = m->r.last.vpn;

	ev->cycles = m->c.cost[COST_TLB];
	ev->a = vpn;
	ev->c = tlb_set_of(x, vpn);
	ev->e = asid;
	ev->level = (uint8_t)x->vpid;
	if (tlb_probe(x, asid, vpn, &slot)) {
		t = &m->tlb[slot];
		if (m->r.last.tlb == 0) {	/* counters: first probes */
			m->r.last.tlb = 1;
			m->r.tlb_hits++;
		}
		tlb_touch(x, slot);
		ev->kind = EV_TLB_HIT;
		ev->b = t->frame;
		ev->d = slot - ev->c * m->tlb_ways;
		m->r.tlb_slot = slot;
		m->r.frame = t->frame;
		m->r.gpa = t->gframe << x->c.page_bits;
		m->r.rw = t->w;
		m->r.ru = t->u;
		m->r.rnx = t->nx;
		m->r.last.pte_addr = t->pte_pa;
		m->r.last.has_pte = 1;
		m->r.last.pte_host = shadow_guest(x) || pv_guest(x);
		if (denied(m, o) && shadow_guest(x) && !m->r.pf_reflected) {
			/* a page fault under shadow paging exits first */
			m->r.pf_reflected = 1;
			shadow_pf(m, o, true);
		} else if (denied(m, o)) {
			m->r.deny_present = 1;
			m->r.phase = PH_DENIED;
		} else
			m->r.phase = PH_DATA;
		return;
	}
	if (m->r.last.tlb == 0) {
		m->r.last.tlb = 2;
		m->r.tlb_misses++;
	}
	m->r.tlb_slot = NONE32;
	ev->kind = EV_TLB_MISS;
	walk_start(m, x);
}

static void
leaf_found(struct machine *m, const struct op *o, struct event *ev)
{
	if (denied(m, o)) {
		ev->flags |= EVF_DENIED;
		m->r.deny_present = 1;
		m->r.phase = PH_DENIED;
	} else if (m->c.tlb > 0)
		m->r.phase = PH_FILL;
	else
		m->r.phase = PH_DATA;
}

/* A shadow page fault: under page-fault exiting, a VM exit. */
static void
shadow_pf(struct machine *m, const struct op *o, bool present)
{
	uint64_t code = (present ? 1u : 0u) | (o->kind == OP_WRITE ? 2u :
	    0u) | (o->kernel ? 0u : 4u);

	/* an exception exit's qualification is the faulting address; the
	 * error code goes with the interruption information */
	vmx_raise(m, EXIT_EXCEPTION, o->va, o->va, 0, VMM_SHADOW,
	    PH_RESTART);
	m->r.ex_err = code;
}

static void
step_walk(struct engine *e, const struct op *o, struct event *ev)
{
	struct machine *m = e->m, *x = X(e);
	struct machine *t = shadow_guest(x) || pv_guest(x) ? m : x;
	unsigned l = m->r.level;
	uint64_t epa, v;
	uint8_t w, u, nx;
	bool leaf = l == x->levels;

	epa = pt_entry_pa(t, m->r.table, m->r.last.vpn, l);
	v = phys_read(t, epa, x->c.pte);
	m->r.last.refs++;
	m->r.refs_total++;
	ev->kind = EV_WALK;
	ev->cycles = m->c.cost[COST_MEM];
	ev->level = (uint8_t)l;
	ev->a = epa;
	ev->c = pt_index(x, m->r.last.vpn, l);
	ev->flags = leaf ? EVF_LEAF : 0;
	m->r.entry_pa = epa;
	m->r.entry = v;
	if (leaf) {
		m->r.last.pte_addr = epa;
		m->r.last.has_pte = 1;
		m->r.last.pte_host = t != x;	/* read it in the host */
	}
	if (shadow_guest(x))
		ev->e = 1;	/* a shadow entry */
	if (!pt_present(t, v)) {
		ev->b = v;
		if (shadow_guest(x))
			shadow_pf(m, o, false);
		else
			m->r.phase = PH_NOTPRESENT;
		return;
	}
	ev->flags |= EVF_PRESENT;
	pt_rights(t, v, &w, &u, &nx);
	m->r.rw &= w;
	m->r.ru &= u;
	m->r.rnx |= nx;
	if (!leaf) {
		if (x->c.format == FMT_X86 && !(v & X86_A)) {
			v |= X86_A;
			phys_write(t, epa, v, x->c.pte);
			ev->flags |= EVF_SET_A;
		}
		ev->b = v;
		m->r.table = pt_next(t, v);
		m->r.level++;
		return;
	}
	m->r.frame = pt_next(t, v) >> x->c.page_bits;
	m->r.gpa = (t != x ? shadow_gfn(m, m->r.frame) : m->r.frame) <<
	    x->c.page_bits;
	leaf_found(m, o, ev);
	if ((ev->flags & EVF_DENIED) && shadow_guest(x)) {
		ev->b = v;
		shadow_pf(m, o, true);
		return;
	}
	if (!(ev->flags & EVF_DENIED) && x->c.format == FMT_X86 &&
	    !(v & X86_A)) {
		v |= X86_A;
		phys_write(t, epa, v, x->c.pte);
		ev->flags |= EVF_SET_A;
	}
	ev->b = v;
}

/* Nested paging: one EPT reference translating the gpa at hand. */
static void
step_nwalk(struct engine *e, const struct op *o, struct event *ev)
{
	struct machine *m = e->m, *x = X(e);
	unsigned l = m->r.el;
	uint64_t gfn = m->r.gpa >> x->c.page_bits, epa, v;

	epa = pt_entry_pa(x, m->r.etable, gfn, l);
	v = phys_read(m, epa, x->c.pte);
	m->r.last.refs++;
	m->r.refs_total++;
	ev->kind = EV_NWALK;
	ev->cycles = m->c.cost[COST_MEM];
	ev->level = (uint8_t)l;
	ev->a = epa;
	ev->b = v;
	ev->c = m->r.gpa;
	ev->d = pt_index(x, gfn, l);
	ev->e = m->r.gl;
	ev->flags = l == x->levels ? EVF_LEAF : 0;
	if (ept_misconfigured(x, v)) {
		vmx_raise(m, EXIT_EPT_MISC, 0, o->va, m->r.gpa, VMM_REPAIR,
		    PH_RESTART);
		return;
	}
	if (!ept_present(x, v)) {
		vmx_raise(m, EXIT_EPT_VIOL, (o->kind == OP_WRITE ? 2u :
		    o->kind == OP_EXEC ? 4u : 1u) | 0x80u |
		    (m->r.gl > x->levels ? 0x100u : 0u), o->va, m->r.gpa,
		    gfn < x->gframes ? VMM_BACK : VMM_OUTSIDE, PH_RESTART);
		return;
	}
	ev->flags |= EVF_PRESENT;
	if (l < x->levels) {
		m->r.etable = ept_next(x, v);
		m->r.el++;
		return;
	}
	/* the gpa is translated: read the guest entry, or the data */
	m->r.el = 1;
	m->r.etable = x->vmcs.eptp;
	m->r.table = ept_next(x, v);	/* host pa of the gpa's page */
	if (m->r.gl <= x->levels) {
		m->r.phase = PH_GWALK;
		return;
	}
	m->r.frame = m->r.table >> x->c.page_bits;
	leaf_found(m, o, ev);
}

/* Nested paging: the guest's own entry, read at its host address. */
static void
step_gwalk(struct engine *e, const struct op *o, struct event *ev)
{
	struct machine *m = e->m, *x = X(e);
	unsigned l = m->r.gl;
	uint64_t idx = pt_index(x, m->r.last.vpn, l);
	uint64_t gepa = m->r.gtable + idx * x->c.pte, v;
	uint8_t w, u, nx;
	bool leaf = l == x->levels;

	v = phys_read(x, gepa, x->c.pte);
	m->r.last.refs++;
	m->r.refs_total++;
	ev->kind = EV_GWALK;
	ev->cycles = m->c.cost[COST_MEM];
	ev->level = (uint8_t)l;
	ev->a = m->r.table + idx * x->c.pte;
	ev->c = gepa;
	ev->d = idx;
	ev->flags = leaf ? EVF_LEAF : 0;
	if (leaf) {
		m->r.last.pte_addr = gepa;
		m->r.last.has_pte = 1;
	}
	if (!pt_present(x, v)) {
		ev->b = v;
		m->r.phase = PH_NOTPRESENT;
		return;
	}
	ev->flags |= EVF_PRESENT;
	pt_rights(x, v, &w, &u, &nx);
	m->r.rw &= w;
	m->r.ru &= u;
	m->r.rnx |= nx;
	if (leaf && denied(m, o)) {
		ev->flags |= EVF_DENIED;
		ev->b = v;
		m->r.deny_present = 1;
		m->r.phase = PH_DENIED;
		return;
	}
	if (x->c.format == FMT_X86 && !(v & X86_A)) {
		v |= X86_A;
		phys_write(x, gepa, v, x->c.pte);
		ev->flags |= EVF_SET_A;
	}
	ev->b = v;
	m->r.gtable = pt_next(x, v);
	m->r.gpa = m->r.gtable;
	m->r.gl++;
	m->r.phase = PH_NWALK;
}

static void
step_ipt_anchor(struct engine *e, struct event *ev)
{
	struct machine *m = e->m, *x = X(e);
	uint64_t h = pt_bucket(x, os_cur(x)->asid, m->r.last.vpn);
	uint64_t apa = x->anchor_pa + h * 4, v = phys_read(x, apa, 4);

	m->r.last.refs++;
	m->r.refs_total++;
	ev->kind = EV_IPT_ANCHOR;
	ev->cycles = m->c.cost[COST_MEM];
	ev->a = apa;
	ev->b = v;
	ev->c = h;
	if (v == 0)
		m->r.phase = PH_NOTPRESENT;
	else {
		m->r.frame = v - 1;
		m->r.phase = PH_IPT_PROBE;
	}
}

static void
step_ipt_probe(struct engine *e, const struct op *o, struct event *ev)
{
	struct machine *m = e->m, *x = X(e);
	uint64_t f = m->r.frame, epa = x->ipt_pa + f * IPT_ENTRY;
	uint64_t tag = phys_read(x, epa, 8), w1 = phys_read(x, epa + 8, 8);
	uint32_t asid = (uint32_t)((w1 >> 16) & 0xffff);

	m->r.last.refs++;
	m->r.refs_total++;
	ev->kind = EV_IPT_PROBE;
	ev->cycles = m->c.cost[COST_MEM];
	ev->a = epa;
	ev->b = f;
	ev->c = tag;
	ev->d = asid;
	ev->e = w1;
	if ((w1 & X86_P) && tag == m->r.last.vpn &&
	    asid == (os_cur(x)->asid & 0xffff)) {
		ev->flags = EVF_MATCH | EVF_PRESENT | EVF_LEAF;
		m->r.last.pte_addr = epa + 8;
		m->r.last.has_pte = 1;
		m->r.entry_pa = epa + 8;
		m->r.gpa = f << x->c.page_bits;
		if (x->c.format == FMT_X86) {
			m->r.rw = (w1 & X86_W) != 0;
			m->r.ru = (w1 & X86_U) != 0;
			m->r.rnx = (w1 & IPT_NX) != 0;
		}
		leaf_found(m, o, ev);
		if (!(ev->flags & EVF_DENIED) && x->c.format == FMT_X86 &&
		    !(w1 & X86_A)) {
			phys_write(x, epa + 8, w1 | X86_A, 8);
			ev->flags |= EVF_SET_A;
			ev->e = w1 | X86_A;
		}
		return;
	}
	if ((w1 >> 32) == 0)
		m->r.phase = PH_NOTPRESENT;
	else
		m->r.frame = (w1 >> 32) - 1;
}

static unsigned
pte_size(const struct machine *x)
{
	return x->c.pt == PT_INVERTED ? 8 : x->c.pte;
}

static void
step_fill(struct engine *e, struct event *ev)
{
	struct machine *m = e->m, *x = X(e);
	uint64_t pte_pa = m->r.last.pte_addr, old = 0, pte;
	bool evicted;
	uint8_t dirty = 0;

	if (x->c.format == FMT_X86) {
		pte = phys_read(m->r.last.pte_host ? m : x, pte_pa,
		    pte_size(x));
		dirty = (pte & X86_D) != 0;
	}
	m->r.tlb_slot = tlb_fill(x, os_cur(x)->asid, m->r.last.vpn,
	    m->r.frame, m->r.gpa >> x->c.page_bits, pte_pa, m->r.rw, m->r.ru,
	    m->r.rnx, dirty, &evicted, &old);
	ev->kind = EV_TLB_FILL;
	ev->a = m->r.last.vpn;
	ev->b = m->r.frame;
	ev->c = tlb_set_of(x, m->r.last.vpn);
	ev->d = m->r.tlb_slot - ev->c * m->tlb_ways;
	ev->e = old;
	ev->flags = evicted ? EVF_VICTIM : 0;
	ev->level = (uint8_t)(m->r.rw | (m->r.ru << 1) | (m->r.rnx << 2));
	m->r.phase = PH_DATA;
}

static void
step_data(struct engine *e, const struct op *o, struct event *ev)
{
	struct machine *m = e->m, *x = X(e);
	uint64_t pa = (m->r.frame << x->c.page_bits) | m->r.last.offset;
	uint64_t f = m->r.gpa >> x->c.page_bits, pte, v;
	struct frame *fr;
	struct tlbe *t;

	ev->kind = EV_DATA;
	ev->cycles = m->c.cost[COST_MEM];
	ev->a = pa;
	ev->c = m->r.gpa | m->r.last.offset;
	ev->d = (uint64_t)acc_of(o) | ((uint64_t)o->size << 4);
	ev->level = x->cpu != x;
	if (o->kind == OP_WRITE) {
		v = o->value;
		phys_write(m, pa, v, o->size);
		if (x->c.format == FMT_X86 && m->r.last.has_pte) {
			struct machine *tm = m->r.last.pte_host ? m : x;

			pte = phys_read(tm, m->r.last.pte_addr, pte_size(x));
			if (!(pte & X86_D)) {
				phys_write(tm, m->r.last.pte_addr, pte | X86_D,
				    pte_size(x));
				ev->flags |= EVF_SET_A;	/* D set */
			}
		}
		if (m->r.tlb_slot != NONE32 && m->c.tlb > 0) {
			t = &m->tlb[m->r.tlb_slot];
			if (!t->dirty) {
				J(m, t, sizeof *t);
				t->dirty = 1;
			}
		}
	} else if (m->quiet) {
		v = 0;		/* fetched if expect asks (query.c) */
		m->r.last.lazy = 1;
	} else
		v = phys_read(m, pa, o->size);
	ev->b = v;
	if (f < x->c.frames && x->frames[f].pobj != 0) {
		fr = &x->frames[f];
		if (!fr->use || (o->kind == OP_WRITE && !fr->dirty)) {
			J(x, fr, sizeof *fr);
			fr->use = 1;
			if (o->kind == OP_WRITE)
				fr->dirty = 1;
		}
		os_list_touch(x, f);
		os_opt_used(x, f, o->fidx);
	}
	m->r.last.pa = pa;
	m->r.last.gpa = m->r.gpa | m->r.last.offset;
	m->r.last.value = v;
	m->r.last.size = (uint8_t)o->size;
	m->r.last.has_pa = 1;
	access_end(m, x);
}

/* A guest #PF with page-fault exiting on (the exception bitmap's bit
 * 14) exits first; the VMM reflects it back into the guest.  Shadow
 * paging takes its faults in shadow_fault() instead. */
static bool
pf_exits(struct machine *m, struct machine *x, const struct op *o,
    bool present)
{
	if (x->cpu == x || shadow_guest(x) || x->cpumode != CPU_VTX ||
	    !x->vmcs.ctl[CTL_PF] || m->r.pf_reflected)
		return false;
	m->r.pf_reflected = 1;
	vmx_raise(m, EXIT_EXCEPTION, o->va, o->va, 0, VMM_REFLECT,
	    m->r.phase);
	m->r.ex_err = pf_code(x, o, present);
	return true;
}

static void
step_denied(struct engine *e, const struct op *o, struct event *ev)
{
	struct machine *m = e->m, *x = X(e);

	if (pf_exits(m, x, o, true)) {
		ev->kind = EV_FAULT;
		ev->a = o->va;
		ev->b = pf_code(x, o, true);
		ev->c = FAULT_NONE;
		ev->flags = EVF_PRESENT | EVF_MATCH;
		return;
	}

	set_fault(m, x, FAULT_PROTECTION, pf_code(x, o, true));
	ev->kind = EV_FAULT;
	ev->a = o->va;
	ev->b = x->r.pf_code;
	ev->c = FAULT_PROTECTION;
	ev->flags = EVF_PRESENT;
	access_end(m, x);
}

/* The hardware found no translation: the OS looks at its record. */
static void
step_notpresent(struct engine *e, const struct op *o, struct event *ev)
{
	struct machine *m = e->m, *x = X(e);
	uint32_t ri = os_lookup(x, x->r.cur - 1, m->r.last.vpn);
	const struct rec *r;
	unsigned perm;
	enum fault_kind k;

	if (pf_exits(m, x, o, false)) {
		ev->kind = EV_FAULT;
		ev->a = o->va;
		ev->b = pf_code(x, o, false);
		ev->c = FAULT_NONE;
		ev->flags = EVF_MATCH;	/* the #PF exits first */
		return;
	}
	ev->kind = EV_FAULT;
	ev->a = o->va;
	ev->b = pf_code(x, o, false);
	if (ri == NONE32 && x->procs[x->r.cur - 1].anon && !o->kernel) {
		/* every page of an anon process is valid: a zero page */
		set_fault(m, x, FAULT_PAGE, ev->b);
		ev->c = FAULT_PAGE;
		ev->flags |= EVF_MATCH;
		m->r.phase = PH_ANON;
		return;
	}
	if (ri == NONE32)
		k = FAULT_SEGV;
	else {
		r = rec_at(x, ri);
		perm = pt_effective_perm(x, r->perm);
		if ((!o->kernel && !r->user) ||
		    (o->kind == OP_WRITE && !(perm & PERM_W)) ||
		    (o->kind == OP_EXEC && !(perm & PERM_X)))
			k = FAULT_PROTECTION;
		else
			k = FAULT_PAGE;
	}
	ev->c = k;
	set_fault(m, x, k, ev->b);
	if (k != FAULT_PAGE) {
		access_end(m, x);
		return;
	}
	m->r.rec = ri;
	m->r.phase = PH_VICTIM;
}

/* An anon process touches a page for the first time: the OS makes it
 * a page of its own (the missing tables first, one per step), valid and
 * never written, so that the page-in zero-fills it. */
static void
step_anon(struct engine *e, struct event *ev)
{
	struct machine *m = e->m, *x = X(e);
	uint32_t p = x->r.cur - 1, obj, ri;
	uint64_t vpn = m->r.last.vpn;
	struct rec *r;

	if (x->c.pt == PT_RADIX && os_ensure_path(x, p, vpn, ev))
		return;
	obj = os_new_pobj(x);
	ri = os_new_rec(x, p, vpn, obj, PERM_R | PERM_W | PERM_X, true);
	r = rec_at(x, ri);
	if (x->c.pt == PT_RADIX) {
		J(x, r, sizeof *r);
		r->pte_pa = leaf_pa(x, p, vpn);
		ev->c = r->pte_pa;
		ev->d = phys_read(x, r->pte_pa, x->c.pte);
	}
	ev->kind = EV_MAP;
	ev->a = vpn << x->c.page_bits;
	ev->b = obj;
	ev->flags = EVF_DISK | EVF_MATCH;
	ev->level = (uint8_t)(PERM_R | PERM_W | PERM_X | 8);
	m->r.rec = ri;
	m->r.phase = PH_VICTIM;
}

static void
step_victim(struct engine *e, const struct op *o, struct event *ev)
{
	struct machine *m = e->m, *x = X(e);
	uint64_t f, cleared = 0;
	const struct pobj *po;
	const struct rec *r;

	ev->kind = EV_VICTIM;
	if (x->r.nfree > 0) {
		f = os_lowest_free(x);
		ev->flags = EVF_FREE;
		m->r.phase = PH_PAGEIN;
	} else {
		f = os_choose_victim(x, &cleared, o->fidx);
		po = pobj_at(x, x->frames[f].pobj - 1);
		r = rec_at(x, po->mappers - 1);
		ev->b = r->vpn;
		ev->c = x->procs[r->proc].asid;
		ev->d = cleared;
		ev->e = (uint64_t)x->c.policy;
		m->r.phase = PH_EVICT;
	}
	ev->a = f;
	m->r.victim = f;
}

static void
release_victim(struct machine *x, uint64_t f)
{
	struct pobj *po = pobj_at(x, x->frames[f].pobj - 1);

	J(x, po, sizeof *po);
	po->frame = NONE64;
	os_frame_release(x, f);
}

static void
step_evict(struct engine *e, struct event *ev)
{
	struct machine *m = e->m, *x = X(e);
	uint64_t f = m->r.victim, tlbn = 0;
	uint32_t obj = x->frames[f].pobj - 1;

	ev->kind = EV_EVICT;
	ev->a = f;
	ev->b = obj;
	ev->c = os_invalidate_mappers(x, obj, &tlbn);
	ev->d = tlbn;
	if (pobj_at(x, obj)->on_disk)
		ev->flags = EVF_DISK;
	if (x->frames[f].dirty) {
		ev->flags = EVF_VICTIM;
		m->r.phase = PH_WRITEBACK;
	} else {
		release_victim(x, f);
		m->r.phase = PH_PAGEIN;
	}
}

static void
step_writeback(struct engine *e, struct event *ev)
{
	struct machine *m = e->m, *x = X(e);
	uint64_t f = m->r.victim;
	uint32_t obj = x->frames[f].pobj - 1;
	struct pobj *po = pobj_at(x, obj);

	disk_store(x, obj, f);
	J(x, po, sizeof *po);
	po->on_disk = 1;
	x->r.writebacks++;
	ev->kind = EV_WRITEBACK;
	ev->cycles = m->c.cost[COST_WRITEBACK];
	ev->a = f;
	ev->b = obj;
	release_victim(x, f);
	m->r.phase = PH_PAGEIN;
}

static void
step_pagein(struct engine *e, struct event *ev)
{
	struct machine *m = e->m, *x = X(e);
	uint64_t f = m->r.victim;
	const struct rec *r = rec_at(x, m->r.rec);
	uint32_t obj = r->pobj;
	struct pobj *po = pobj_at(x, obj);

	os_frame_take(x, f, obj);
	if (po->on_disk)
		disk_load(x, obj, f);
	else
		phys_zero(x, f << x->c.page_bits, x->c.page);
	J(x, po, sizeof *po);
	po->frame = f;
	os_validate_mappers(x, obj, f);
	x->r.faults++;
	ev->kind = EV_PAGE_IN;
	ev->cycles = m->c.cost[COST_FAULT];
	ev->a = f;
	ev->b = obj;
	ev->c = r->vpn;
	ev->d = x->c.pt == PT_INVERTED ? x->ipt_pa + f * IPT_ENTRY :
	    r->pte_pa;
	ev->flags = po->on_disk ? EVF_DISK : 0;
	m->r.phase = PH_RESTART;
}

static void
step_clear(struct engine *e, struct event *ev)
{
	struct machine *m = e->m, *x = X(e);
	uint64_t f, n = 0, tlbn = 0;

	last_fetch(m);
	for (f = 0; f < x->c.frames; f++)
		if (x->frames[f].use) {
			os_clear_use(x, f, &tlbn);
			n++;
		}
	ev->kind = EV_CLEAR_USE;
	ev->a = n;
	ev->b = tlbn;
	finish(m);
}

static void
step_access(struct engine *e, const struct op *o, struct event *ev)
{
	struct machine *m = e->m;

	switch (m->r.phase) {
	case PH_START:
		step_split(e, o, ev);
		break;
	case PH_TLB:
		step_tlb(e, o, ev);
		break;
	case PH_WALK:
		step_walk(e, o, ev);
		break;
	case PH_NWALK:
		step_nwalk(e, o, ev);
		break;
	case PH_GWALK:
		step_gwalk(e, o, ev);
		break;
	case PH_IPT_ANCHOR:
		step_ipt_anchor(e, ev);
		break;
	case PH_IPT_PROBE:
		step_ipt_probe(e, o, ev);
		break;
	case PH_FILL:
		step_fill(e, ev);
		break;
	case PH_DATA:
		step_data(e, o, ev);
		break;
	case PH_DENIED:
		step_denied(e, o, ev);
		break;
	case PH_NOTPRESENT:
		step_notpresent(e, o, ev);
		break;
	case PH_VICTIM:
		step_victim(e, o, ev);
		break;
	case PH_ANON:
		step_anon(e, ev);
		break;
	case PH_EVICT:
		step_evict(e, ev);
		break;
	case PH_WRITEBACK:
		step_writeback(e, ev);
		break;
	case PH_PAGEIN:
		step_pagein(e, ev);
		break;
	case PH_RESTART:
		ev->kind = EV_RESTART;
		ev->a = o->va;
		walk_begin(m, X(e));
		break;
	case PH_CLEAR:
		step_clear(e, ev);
		break;
	default:
		finish(m);
		break;
	}
}

void
step_op(struct engine *e, const struct op *o, struct event *ev)
{
	struct machine *m = e->m, *x;

	if (m->r.phase == PH_EXIT || m->r.phase == PH_VMM ||
	    m->r.phase == PH_ENTRY) {
		vmx_step_exit(e, o, ev);
		return;
	}
	if (is_access(o)) {
		step_access(e, o, ev);
		return;
	}
	last_fetch(m);
	x = X(e);
	switch (o->kind) {
	case OP_PROCESS:
		step_process(e, o, ev);
		break;
	case OP_SWITCH:
		if (x->cpu != x && x->vmcs.ctl[CTL_CR3] &&
		    m->r.phase == PH_START) {
			vmx_cr3_exit(e, o, ev);
			break;
		}
		cr3_load(x, os_find_proc(x, o->name), ev);
		finish(m);
		break;
	case OP_MAP:
	case OP_SHARE:
		step_map(e, o, ev);
		break;
	case OP_UNMAP:
		step_unmap(e, o, ev);
		break;
	case OP_PROTECT:
		step_protect(e, o, ev);
		break;
	case OP_POKE:
		phys_write_bytes(x, o->pa, o->bytes, o->nbytes);
		ev->kind = EV_POKE;
		ev->a = o->pa;
		ev->b = o->nbytes;
		finish(m);
		break;
	default:
		vmx_step_op(e, o, ev);
		break;
	}
}

/* What a switch does once the guest's CR3 load has exited (or not). */
void
step_cr3_load(struct engine *e, const struct op *o, struct event *ev)
{
	struct machine *x = X(e);

	cr3_load(x, os_find_proc(x, o->name), ev);
}

void
step_finish(struct machine *m)
{
	finish(m);
}
