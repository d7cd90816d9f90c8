/*
 * shadow.c - shadow paging, as KVM does it (tech-reference section d).
 *
 * Under mmu=shadow the hardware walks a shadow table per guest address
 * space, in host memory, that maps guest-virtual pages straight to host
 * frames; the guest's own tables are only read by the VMM.  Each shadow
 * table mirrors one guest table page (shadow_of), and mirroring it
 * write-protects that page: a guest OS write to it traps (an exception
 * exit, 0), the VMM emulates the write and brings the mirrored shadow
 * entry up to date.  A shadow entry that is missing is a page fault the
 * VMM takes (page-fault exiting): if the guest's own table allows the
 * access, the VMM fills the shadow path (a hidden fault the guest never
 * sees); otherwise it injects the fault into the guest, whose OS handles
 * it.  A guest CR3 load exits (28) and switches shadow roots; INVLPG
 * exits (14) and drops the shadow entry.
 */
#include <string.h>

#include "machine.h"

/* The guest frame a host frame backs (TF_GUEST), or NONE64. */
uint64_t
shadow_gfn(const struct machine *h, uint64_t hf)
{
	const struct tframe *t;

	if (hf < h->c.frames || hf >= h->c.total_frames ||
	    h->c.total_frames - 1 - hf >= h->r.ntframes)
		return NONE64;
	t = tframe_at(h, hf);
	return t->kind == TF_GUEST ? t->gfn : NONE64;
}

/* A guest OS write to one of its own table entries: under shadow paging
 * a write to a shadowed (write-protected) table page traps. */
void
os_pte_write(struct machine *x, uint64_t pa, uint64_t v, unsigned size)
{
	struct machine *h = x->cpu;
	uint64_t gfn = pa >> x->c.page_bits;

	phys_write(x, pa, v, size);
	if (pv_guest(x)) {
		h->r.batch++;	/* one more update for the hypercall */
		return;
	}
	if (!shadow_guest(x) || gfn >= x->gframes || !x->shadow_of[gfn])
		return;
	if (h->r.qlen < TRAPQ)
		h->r.trapq[h->r.qlen++] = pa;
	h->r.ntraps++;		/* each write is one exit, queued or not */
}

/* Shadow leaf entries that map host frame hf lose their write right: the
 * frame now holds a page table the VMM mirrors. */
static void
write_protect(struct machine *x, uint64_t hf)
{
	struct machine *h = x->cpu;
	uint64_t f, n = (uint64_t)1 << x->c.split[x->levels - 1], i, e, pa;
	const struct tframe *t;

	for (f = 0; f < h->r.ntframes; f++) {
		t = tframe_at(h, h->c.total_frames - 1 - f);
		if (t->kind != TF_SHADOW || t->proc != x->vpid ||
		    t->level != x->levels || !t->first)
			continue;
		for (i = 0; i < n; i++) {
			pa = ((h->c.total_frames - 1 - f) << h->c.page_bits) +
			    i * x->c.pte;
			e = phys_read(h, pa, x->c.pte);
			if (pt_present(h, e) && (e & X86_W) &&
			    pt_next(h, e) >> h->c.page_bits == hf)
				phys_write(h, pa, e & ~X86_W, x->c.pte);
		}
	}
	(void)tlb_flush_frame(x, shadow_gfn(h, hf));
}

static uint64_t
new_shadow_table(struct machine *x, uint64_t gtable_gfn, unsigned level)
{
	struct machine *h = x->cpu;
	uint64_t f = os_alloc_reserved(h, x->tframes_per[level - 1],
	    x->vpid, TF_SHADOW, level);
	struct tframe *t = tframe_at(h, f);

	J(h, t, sizeof *t);
	t->gfn = gtable_gfn;
	J(x, &x->shadow_of[gtable_gfn], sizeof x->shadow_of[0]);
	x->shadow_of[gtable_gfn] = f + 1;
	if (h->c.format == FMT_X86 && x->backing[gtable_gfn])
		write_protect(x, x->backing[gtable_gfn] - 1);
	return f;
}

/* The shadow root of a guest process (made on its first CR3 load). */
uint64_t
shadow_root(struct machine *x, uint32_t p)
{
	struct proc *pr = &x->procs[p];

	if (pr->shadow == 0) {
		J(x, pr, sizeof *pr);
		pr->shadow = new_shadow_table(x, pr->root, 1) + 1;
	}
	return pr->shadow - 1;
}

/* The shadow entry that mirrors guest entry value v at level l. */
static uint64_t
mirror(struct machine *x, uint64_t v, unsigned l)
{
	struct machine *h = x->cpu;
	uint64_t g, hf;

	if (!pt_present(x, v))
		return 0;
	g = pt_next(x, v) >> x->c.page_bits;
	if (g >= x->gframes)
		return 0;
	if (l < x->levels)
		return x->shadow_of[g] ? pt_make_table(h, x->shadow_of[g] - 1) :
		    0;
	hf = x->backing[g] ? x->backing[g] - 1 : vmm_back(x, g);
	if (hf == NONE64)
		return 0;
	if (h->c.format != FMT_X86)
		return pt_make_table(h, hf);
	/* a page table the VMM mirrors stays write-protected */
	return (hf << h->c.page_bits) | (v & (X86_P | X86_U | X86_A |
	    X86_D | (h->has_nx ? X86_NX : 0))) | (x->shadow_of[g] ? 0 :
	    (v & X86_W));
}

/* Too many trapped writes to queue: bring every mirrored entry up to
 * date from the guest's tables. */
void
shadow_resync_all(struct machine *x)
{
	uint64_t g, i, n, spa, sv;

	for (g = 0; g < x->gframes; g++) {
		if (!x->shadow_of[g])
			continue;
		n = (uint64_t)1 << x->c.split[tframe_at(x->cpu,
		    x->shadow_of[g] - 1)->level - 1];
		for (i = 0; i < n; i++)
			shadow_resync(x, (g << x->c.page_bits) + i * x->c.pte,
			    &spa, &sv);
	}
}

/* After a trapped write to the guest entry at gpa: the VMM emulated it;
 * bring the shadow entry that mirrors it up to date. */
void
shadow_resync(struct machine *x, uint64_t gpa, uint64_t *spa, uint64_t *sv)
{
	struct machine *h = x->cpu;
	uint64_t gfn = gpa >> x->c.page_bits, st, idx, v;
	unsigned l;

	*spa = NONE64;
	*sv = 0;
	if (gfn >= x->gframes || !x->shadow_of[gfn])
		return;
	st = x->shadow_of[gfn] - 1;
	l = tframe_at(h, st)->level;
	idx = (gpa & (x->c.page - 1)) / x->c.pte;
	v = phys_read(x, gpa & ~(uint64_t)(x->c.pte - 1), x->c.pte);
	*spa = (st << h->c.page_bits) + idx * x->c.pte;
	*sv = mirror(x, v, l);
	phys_write(h, *spa, *sv, x->c.pte);
}

static bool
refused(const struct op *o, uint8_t w, uint8_t u, uint8_t nx)
{
	return (!o->kernel && !u) || (o->kind == OP_WRITE && !w) ||
	    (o->kind == OP_EXEC && nx);
}

/* The VMM takes a shadow page fault: walk the guest's table; if it
 * allows the access, fill the shadow path (a hidden fault, return 1) -
 * or, for a write into a page table the VMM mirrors, emulate the store
 * and resynchronise (return 2, *spa the gpa written); else return 0
 * (inject it), with m->r.rw/ru/rnx set to the guest's rights,
 * deny_present telling a present-but-denied leaf. */
int
shadow_fault(struct machine *m, struct machine *x, const struct op *o,
    uint64_t *spa, uint64_t *sv)
{
	struct machine *h = x->cpu;
	uint32_t p = x->r.cur - 1;
	uint64_t gt = x->procs[p].root, st = shadow_root(x, p), gepa, v, sepa;
	uint64_t vpn = vpn_of_va_m(x, o->va), child;
	uint8_t w, u, nx, rw = 1, ru = 1, rnx = 0;
	unsigned l;

	for (l = 1; l <= x->levels; l++) {
		gepa = pt_entry_pa(x, gt << x->c.page_bits, vpn, l);
		v = phys_read(x, gepa, x->c.pte);
		if (!pt_present(x, v)) {
			m->r.deny_present = 0;
			return 0;
		}
		pt_rights(x, v, &w, &u, &nx);
		rw &= w;
		ru &= u;
		rnx |= nx;
		m->r.rw = rw;
		m->r.ru = ru;
		m->r.rnx = rnx;
		if (l == x->levels && refused(o, rw, ru, rnx)) {
			m->r.deny_present = 1;
			m->r.last.pte_addr = gepa;
			m->r.last.has_pte = 1;
			return 0;
		}
		/* the VMM reflects accessed (and dirty) into the guest */
		if (x->c.format == FMT_X86 && (!(v & X86_A) || (l ==
		    x->levels && o->kind == OP_WRITE && !(v & X86_D)))) {
			v |= X86_A;
			if (l == x->levels && o->kind == OP_WRITE)
				v |= X86_D;
			phys_write(x, gepa, v, x->c.pte);
		}
		child = pt_next(x, v) >> x->c.page_bits;
		if (l < x->levels && child < x->gframes &&
		    !x->shadow_of[child])
			(void)new_shadow_table(x, child, l + 1);
		if (l == x->levels && o->kind == OP_WRITE &&
		    child < x->gframes && x->shadow_of[child]) {
			/* a store into a mirrored page table */
			*spa = (child << x->c.page_bits) | (o->va &
			    (x->c.page - 1));
			phys_write(x, *spa, o->value, o->size);
			shadow_resync(x, *spa, &sepa, sv);
			return 2;
		}
		sepa = pt_entry_pa(h, st << h->c.page_bits, vpn, l);
		phys_write(h, sepa, mirror(x, v, l), x->c.pte);
		if (l == x->levels) {
			*spa = sepa;
			*sv = phys_read(h, sepa, x->c.pte);
		} else if (child < x->gframes) {
			st = x->shadow_of[child] - 1;
			gt = child;
		}
	}
	return 1;
}

/* INVLPG: the VMM drops the shadow leaf entry of va. */
uint64_t
shadow_invlpg(struct machine *x, uint64_t va)
{
	struct machine *h = x->cpu;
	uint32_t p = x->r.cur - 1;
	uint64_t st, vpn = vpn_of_va_m(x, va), e, sepa = NONE64;
	unsigned l;

	if (x->r.cur == 0 || x->procs[p].shadow == 0)
		return NONE64;
	st = x->procs[p].shadow - 1;
	for (l = 1; l <= x->levels; l++) {
		sepa = pt_entry_pa(h, st << h->c.page_bits, vpn, l);
		e = phys_read(h, sepa, x->c.pte);
		if (!pt_present(h, e))
			return NONE64;
		if (l == x->levels)
			break;
		st = pt_next(h, e) >> h->c.page_bits;
	}
	phys_write(h, sepa, 0, x->c.pte);
	return sepa;
}
