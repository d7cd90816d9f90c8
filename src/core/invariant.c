/*
 * invariant.c - the rules every state of the model keeps, checked.
 *
 * For the host and each guest (each "OS"):
 *   - the pool: the free count is the number of frames with no page
 *     object; every frame below the free hint is taken; a free frame has
 *     no use or dirty bit; the FIFO/LRU list holds exactly the taken
 *     frames, its links agree both ways; the clock hand is in the pool;
 *   - page objects, records and the rmap: a frame's page object lives
 *     in that frame and no other object claims it (a frame is owned once,
 *     however many records share its object); a live object has mappers,
 *     each a live record of that object; every live record is on its
 *     object's list once, and the rmap finds it;
 *   - the tables (radix): a record's leaf address is where a walk of its
 *     process's tables ends; a resident page's leaf entry is present,
 *     names the page's frame (a pv guest's: the host frame backing it)
 *     and the record's rights; a page not resident has no present leaf
 *     (nor, between the eviction and the write-back, the page being
 *     evicted); every present leaf found walking a process's tables is
 *     one of its records, and every table is a table frame of that
 *     process and level;  (inverted) a resident page's entry is in the
 *     chain of its hash bucket, with its tag, ASID and rights, and the
 *     chains hold exactly the resident pages;
 *   - contents: a clean resident page holds what its disk copy holds
 *     (zeros if it has none) - so dropping it loses nothing;
 *   - guests: each backing frame lies above the host's pool, is a
 *     TF_GUEST frame of that guest naming that gfn; every present EPT
 *     leaf maps a gfn to the frame backing it; under shadow paging, once
 *     the trapped writes are synchronised, every present shadow entry is
 *     what the VMM would mirror from the guest entry beside it (ignoring
 *     accessed and dirty bits, which the hardware sets in the shadow and
 *     the VMM reflects lazily: a guest's dirty bit may lag, the frame's
 *     dirty flag does not), and write-protects guest page tables.
 * The TLB (the host's CPU):
 *   - an entry lies in the set its VPN indexes, and no other valid entry
 *     of its set has its tag;
 *   - every valid entry is the current translation of its tag: the
 *     process of its ASID (in the machine of its VPID) has a record for
 *     the page, the page is resident in the entry's frame (a guest's: its
 *     gfn, and the host frame backing it), the rights are no wider than
 *     the record's, and the leaf entry it remembers is present, names
 *     that frame and allows those rights.  Stale entries the model
 *     allows: entries of other ASIDs and VPIDs (tagged TLB: the OS
 *     invalidates a page in every address space when it evicts, unmaps
 *     or protects it, so they stay right); and a TLB dirty bit that
 *     lags behind the page's (a clean entry for a dirty page).  Not
 *     allowed: a dirty TLB entry for a clean frame or entry; an entry
 *     for a frame whose use bit is clear or whose leaf entry is not
 *     accessed (the OS drops the entries of a frame when it clears its
 *     use bit: that is what makes clock the same with or without a TLB)
 *     - except the entry the access in progress filled;
 *   - untagged (tlb.tags=off): every entry belongs to the running
 *     context and its current ASID.  (A guest with VPID off is flushed
 *     at each of its exits and entries, but `vmcs vpid=off` given while
 *     it runs takes effect at the next one: not checked.)
 * Counters: with a TLB, hits + misses = accesses (less the access in
 * progress before its first probe), without one both are 0; the exits
 * by reason add up to exits.  Each step adds exactly what its event
 * says: the cycles of its kind (DESIGN.md's cost rule, restated here),
 * one access for a split, one hit or miss for an access's first probe,
 * one walk reference, fault, write-back or exit for the events that are
 * one.  A fast access (fast.c) adds what its probe, walk and data
 * reference cost.
 * A poke or a root= image puts in memory what the OS did not write (and
 * the unit tests that poke a worked example also build its guest's
 * backing by hand): after one, only the rules of the pool, the objects,
 * the records, the TLB's structure and the counters are checked.
 *
 * A full check costs about the machine's size (a unit: a frame, an
 * entry, a record, 64 bytes compared; some 20 ns under ASan).  The
 * checking build runs it after every step until an engine has spent
 * INV_EAGER units on it (every step of every scenario and lesson), then
 * after a check of W units waits W/INV_PER_STEP steps, so that a long
 * trace pays at most INV_PER_STEP units a step.  The per-step counter
 * checks run after every step whatever the size, and so do the rules of
 * what a step of some kinds leaves (check_event: LRU's most recent
 * frame, a page-in at the tail of the load order, clock's hand).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "invariant.h"

#define INV_EAGER ((uint64_t)2000000)
#define INV_PER_STEP 4u

/* Who reports a broken rule (inv_set_handler): the process's, not a
 * machine's - the one thing here that is not in struct machine. */
static void (*inv_handler)(const char *);

void
inv_set_handler(void (*fn)(const char *))
{
	inv_handler = fn;
}

struct ck {
	const struct engine *e;
	const struct machine *m;	/* the host: CPU, TLB, counters */
	const struct machine *x;	/* the OS being checked */
	char *msg;
	size_t n;
	bool tainted;
	uint64_t work;
};

static bool	fail(struct ck *, const char *, ...)
#if defined(__GNUC__)
	    __attribute__((format(printf, 2, 3)))
#endif
	    ;

/* The first rule broken, in words, after whose it is; false. */
static bool
fail(struct ck *k, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (k->n == 0)
		return false;
	if (k->x == NULL || k->x == k->m)
		w = snprintf(k->msg, k->n, "host: ");
	else
		w = snprintf(k->msg, k->n, "guest %s: ", k->x->vmname);
	if (w < 0 || (size_t)w >= k->n)
		w = 0;
	va_start(ap, fmt);
	(void)vsnprintf(k->msg + w, k->n - (size_t)w, fmt, ap);
	va_end(ap);
	return false;
}

#define ULL(v) ((unsigned long long)(v))

/* ---- helpers ---- */

static bool
is_access(const struct op *o)
{
	return o->kind == OP_READ || o->kind == OP_WRITE || o->kind == OP_EXEC;
}

static const struct machine *
ctx_of(const struct machine *m)
{
	if ((m->r.mode == MODE_NONROOT || m->r.mode == MODE_GUEST) &&
	    m->r.guest != 0)
		return m->vms[m->r.guest - 1];
	return m;
}

/* The page object an eviction is writing back (its entries are gone,
 * its frame still its own), or NONE32. */
static uint32_t
evicting(const struct ck *k, const struct machine *x)
{
	const struct machine *m = k->m;
	const struct machine *ox = m->r.ctx ? m->vms[m->r.ctx - 1] : m;

	if (!m->r.busy || m->r.phase != PH_WRITEBACK || ox != x ||
	    m->r.victim >= x->c.frames || x->frames[m->r.victim].pobj == 0)
		return NONE32;
	return x->frames[m->r.victim].pobj - 1;
}

/* Is f a table frame of x (above the pool, allocated)? */
static bool
is_tframe(const struct machine *x, uint64_t f)
{
	return f >= x->c.frames && f < x->c.total_frames &&
	    x->c.total_frames - 1 - f < x->r.ntframes;
}

/* The host frame backing guest frame g of x (x native: g itself), or
 * NONE64. */
static uint64_t
host_frame(const struct machine *x, uint64_t g)
{
	if (x->cpu == x)
		return g;
	if (g >= x->gframes || x->backing[g] == 0)
		return NONE64;
	return x->backing[g] - 1;
}

static bool
pv(const struct machine *x)
{
	return x->cpu != x && x->mmu == MMU_PV;
}

static bool
shadow(const struct machine *x)
{
	return x->cpu != x && x->mmu == MMU_SHADOW;
}

/* Are the trapped guest page-table writes all synchronised? */
static bool
synced(const struct machine *m)
{
	return m->r.ntraps == 0 && m->r.tphase == 0 && m->r.qlen == 0;
}

/* ---- the pool ---- */

static bool
check_pool(struct ck *k, const struct machine *x)
{
	uint64_t f, nfree = 0, n = 0;
	const struct frame *fr;
	uint32_t i, prev = 0;
	const struct pobj *o;

	k->work += x->c.frames;
	if (x->r.free_hint > x->c.frames)
		return fail(k, "the free hint %llu is past the pool of %llu "
		    "frames", ULL(x->r.free_hint), ULL(x->c.frames));
	if (x->c.frames > 0 && x->r.hand >= x->c.frames)
		return fail(k, "the clock hand %llu is outside the pool",
		    ULL(x->r.hand));
	for (f = 0; f < x->c.frames; f++) {
		fr = &x->frames[f];
		if (fr->pobj == 0) {
			nfree++;
			if (f < x->r.free_hint)
				return fail(k, "frame %llu is free, below the "
				    "free hint %llu", ULL(f),
				    ULL(x->r.free_hint));
			if (fr->use || fr->dirty || fr->prev || fr->next)
				return fail(k, "free frame %llu has use %u, "
				    "dirty %u, list links %u/%u", ULL(f),
				    fr->use, fr->dirty, fr->prev, fr->next);
			continue;
		}
		if (fr->pobj - 1 >= x->r.npobjs)
			return fail(k, "frame %llu names page object %u of "
			    "%u", ULL(f), fr->pobj - 1, x->r.npobjs);
		o = pobj_at(x, fr->pobj - 1);
		if (!o->live || o->frame != f)
			return fail(k, "frame %llu is owned by page object %u, "
			    "which is %s in frame %lld", ULL(f), fr->pobj - 1,
			    o->live ? "live" : "dead", o->frame == NONE64 ? -1 :
			    (long long)o->frame);
	}
	if (nfree != x->r.nfree)
		return fail(k, "%llu frames are free, the free count says "
		    "%llu", ULL(nfree), ULL(x->r.nfree));
	/* the FIFO/LRU list: every taken frame once, links both ways */
	for (i = x->r.head; i != 0; i = fr->next) {
		if (i - 1 >= x->c.frames || ++n > x->c.frames)
			return fail(k, "the FIFO/LRU list runs off the pool (or "
			    "loops) at %u", i - 1);
		fr = &x->frames[i - 1];
		if (fr->pobj == 0)
			return fail(k, "free frame %u is on the FIFO/LRU list",
			    i - 1);
		if (fr->prev != prev)
			return fail(k, "FIFO/LRU list: frame %u's prev is %u, "
			    "not %u", i - 1, fr->prev, prev);
		prev = i;
	}
	if (prev != x->r.tail)
		return fail(k, "the FIFO/LRU list ends at %u, its tail says %u",
		    prev, x->r.tail);
	if (n != x->c.frames - x->r.nfree)
		return fail(k, "the FIFO/LRU list holds %llu frames, %llu are "
		    "taken", ULL(n), ULL(x->c.frames - x->r.nfree));
	return true;
}

/* ---- objects, records, rmap ---- */

static bool
check_objects(struct ck *k, const struct machine *x)
{
	uint32_t i, j, n, chained = 0, live = 0;
	const struct pobj *o;
	const struct rec *r;

	k->work += x->r.npobjs + x->r.nrecs;
	for (i = 0; i < x->r.npobjs; i++) {
		o = pobj_at(x, i);
		if (!o->live) {
			if (o->frame != NONE64)
				return fail(k, "dead page object %u is in "
				    "frame %llu", i, ULL(o->frame));
			continue;
		}
		if (o->frame != NONE64 && (o->frame >= x->c.frames ||
		    x->frames[o->frame].pobj != i + 1))
			return fail(k, "page object %u says frame %llu, which "
			    "is not its own", i, ULL(o->frame));
		if (o->mappers == 0)
			return fail(k, "live page object %u has no mapper", i);
		for (j = o->mappers, n = 0; j != 0; j = r->next) {
			if (j - 1 >= x->r.nrecs || ++n > x->r.nrecs)
				return fail(k, "page object %u's mappers run "
				    "off the records (or loop)", i);
			r = rec_at(x, j - 1);
			if (!r->live || r->pobj != i)
				return fail(k, "page object %u lists record %u "
				    "(%s, of object %u)", i, j - 1, r->live ?
				    "live" : "dead", r->pobj);
		}
		chained += n;
	}
	for (i = 0; i < x->r.nrecs; i++) {
		r = rec_at(x, i);
		if (!r->live)
			continue;
		live++;
		if (r->proc >= x->r.nprocs || !x->procs[r->proc].live)
			return fail(k, "record %u names process %u, not a live "
			    "one", i, r->proc);
		if (r->pobj >= x->r.npobjs || !pobj_at(x, r->pobj)->live)
			return fail(k, "record %u (va 0x%llx of %s) names page "
			    "object %u, not a live one", i,
			    ULL(r->vpn << x->c.page_bits),
			    x->procs[r->proc].name, r->pobj);
		if (rmap_find(x, r->proc, r->vpn) != i)
			return fail(k, "the rmap does not find record %u (va "
			    "0x%llx of %s)", i, ULL(r->vpn << x->c.page_bits),
			    x->procs[r->proc].name);
	}
	if (chained != live)
		return fail(k, "%u live records, %u on their objects' lists",
		    live, chained);
	return true;
}

static bool
check_procs(struct ck *k, const struct machine *x)
{
	uint32_t i, j;
	const struct proc *p;
	const struct tframe *t;

	k->work += x->r.nprocs;
	if (x->r.cur > x->r.nprocs || (x->r.cur && !x->procs[x->r.cur -
	    1].live))
		return fail(k, "the current process %u is not a live one",
		    x->r.cur);
	for (i = 0; i < x->r.nprocs; i++) {
		p = &x->procs[i];
		if (!p->live)
			continue;
		for (j = i + 1; j < x->r.nprocs && x->r.nprocs <= 64; j++)
			if (x->procs[j].live && x->procs[j].asid == p->asid)
				return fail(k, "processes %s and %s share ASID "
				    "%u", p->name, x->procs[j].name, p->asid);
		if (x->c.pt != PT_RADIX || p->image)
			continue;
		if (!is_tframe(x, p->root))
			return fail(k, "%s's root %llu is not a table frame",
			    p->name, ULL(p->root));
		t = tframe_at(x, p->root);
		if (t->kind != TF_TABLE || t->proc != i || t->level != 1 ||
		    !t->first)
			return fail(k, "%s's root %llu is a table frame of kind "
			    "%u, process %u, level %u", p->name, ULL(p->root),
			    t->kind, t->proc, t->level);
	}
	return true;
}

/* ---- radix tables ---- */

/* The leaf entry of the page this record maps, as it must be. */
static bool
check_leaf(struct ck *k, const struct machine *x, uint32_t ri,
    uint32_t evict)
{
	const struct rec *r = rec_at(x, ri);
	const struct proc *p = &x->procs[r->proc];
	const struct pobj *o = pobj_at(x, r->pobj);
	uint64_t table = p->root << x->c.page_bits, e, f, want;
	unsigned l;
	bool resident = o->frame != NONE64 && r->pobj != evict;

	k->work += x->levels;
	for (l = 1; l < x->levels; l++) {
		e = phys_read(x, pt_entry_pa(x, table, r->vpn, l), x->c.pte);
		if (!pt_present(x, e))
			return fail(k, "va 0x%llx of %s: its tables end at "
			    "level %u", ULL(r->vpn << x->c.page_bits),
			    p->name, l);
		table = pt_os_next(x, e);
	}
	want = pt_entry_pa(x, table, r->vpn, (unsigned)x->levels);
	if (r->pte_pa != want)
		return fail(k, "va 0x%llx of %s: the record's leaf is at 0x%llx,"
		    " the walk ends at 0x%llx", ULL(r->vpn << x->c.page_bits),
		    p->name, ULL(r->pte_pa), ULL(want));
	e = phys_read(x, want, x->c.pte);
	if (!resident) {
		if (pt_present(x, e))
			return fail(k, "va 0x%llx of %s is not resident, its "
			    "leaf 0x%llx is present", ULL(r->vpn <<
			    x->c.page_bits), p->name, ULL(e));
		return true;
	}
	if (!pt_present(x, e))
		return fail(k, "va 0x%llx of %s is resident in frame %llu, its "
		    "leaf 0x%llx is not present", ULL(r->vpn << x->c.page_bits),
		    p->name, ULL(o->frame), ULL(e));
	f = pv(x) ? pt_next(x->cpu, e) >> x->c.page_bits :
	    pt_next(x, e) >> x->c.page_bits;
	want = pv(x) ? host_frame(x, o->frame) : o->frame;
	if (f != want)
		return fail(k, "va 0x%llx of %s: its leaf names frame %llu, the "
		    "page is in %llu", ULL(r->vpn << x->c.page_bits), p->name,
		    ULL(f), ULL(want));
	if (x->c.format == FMT_X86 && (((e & X86_W) != 0) != ((r->perm &
	    PERM_W) != 0) || ((e & X86_U) != 0) != (r->user != 0) ||
	    (x->has_nx && ((e & X86_NX) != 0) != !(r->perm & PERM_X))))
		return fail(k, "va 0x%llx of %s: leaf 0x%llx does not give "
		    "the record's rights (perm %u, %s)", ULL(r->vpn <<
		    x->c.page_bits), p->name, ULL(e), r->perm, r->user ?
		    "user" : "kernel");
	return true;
}

/* Every present entry of process p's table at pa (level l, pages from
 * vpn on): a table of p one level down, or a leaf of one of p's
 * records. */
static bool
walk_tables(struct ck *k, const struct machine *x, uint32_t p, uint64_t pa,
    unsigned l, uint64_t vpn)
{
	uint64_t n = (uint64_t)1 << x->c.split[l - 1], i, e, epa, v, nf;
	unsigned sh = x->shift[l - 1] - x->c.page_bits;
	const struct tframe *t;
	const struct rec *r;
	uint32_t ri;

	k->work += n;
	for (i = 0; i < n; i++) {
		epa = pa + i * x->c.pte;
		e = phys_read(x, epa, x->c.pte);
		if (!pt_present(x, e))
			continue;
		v = vpn | (i << sh);
		if (l < x->levels) {
			nf = pt_os_next(x, e) >> x->c.page_bits;
			if (!is_tframe(x, nf))
				return fail(k, "%s's table entry 0x%llx at "
				    "0x%llx (level %u) names frame %llu, not a "
				    "table frame", x->procs[p].name, ULL(e),
				    ULL(epa), l, ULL(nf));
			t = tframe_at(x, nf);
			if (t->kind != TF_TABLE || t->proc != p ||
			    t->level != l + 1 || !t->first)
				return fail(k, "%s's entry at 0x%llx (level %u) "
				    "names frame %llu: kind %u, process %u, "
				    "level %u", x->procs[p].name, ULL(epa), l,
				    ULL(nf), t->kind, t->proc, t->level);
			if (!walk_tables(k, x, p, nf << x->c.page_bits, l + 1,
			    v))
				return false;
			continue;
		}
		ri = rmap_find(x, p, v);
		r = ri == NONE32 ? NULL : rec_at(x, ri);
		if (r == NULL || r->pte_pa != epa ||
		    pobj_at(x, r->pobj)->frame == NONE64)
			return fail(k, "%s's leaf at 0x%llx maps va 0x%llx "
			    "(0x%llx), which %s", x->procs[p].name, ULL(epa),
			    ULL(v << x->c.page_bits), ULL(e), r == NULL ?
			    "has no record" : r->pte_pa != epa ?
			    "has its leaf elsewhere" : "is not resident");
	}
	return true;
}

static bool
check_radix(struct ck *k, const struct machine *x)
{
	uint32_t i, evict = evicting(k, x);
	const struct rec *r;

	for (i = 0; i < x->r.nrecs; i++) {
		r = rec_at(x, i);
		if (r->live && !x->procs[r->proc].image &&
		    !check_leaf(k, x, i, evict))
			return false;
	}
	for (i = 0; i < x->r.nprocs; i++)
		if (x->procs[i].live && !x->procs[i].image &&
		    !walk_tables(k, x, i, x->procs[i].root << x->c.page_bits,
		    1, 0))
			return false;
	return true;
}

/* ---- the inverted table ---- */

static bool
check_inverted(struct ck *k, const struct machine *x)
{
	uint32_t evict = evicting(k, x), asid;
	uint64_t b, f, cur, tag, w1, n, present = 0, chained = 0;
	const struct pobj *o;
	const struct rec *r;
	const struct proc *p;

	k->work += x->nbuckets + 2 * x->c.frames;
	for (f = 0; f < x->c.frames; f++) {
		w1 = phys_read(x, x->ipt_pa + f * IPT_ENTRY + 8, 8);
		tag = phys_read(x, x->ipt_pa + f * IPT_ENTRY, 8);
		if (!(w1 & X86_P))
			continue;
		present++;
		if (x->frames[f].pobj == 0 || x->frames[f].pobj - 1 == evict)
			return fail(k, "the inverted entry of frame %llu is "
			    "present, the frame holds no page", ULL(f));
		o = pobj_at(x, x->frames[f].pobj - 1);
		r = rec_at(x, o->mappers - 1);
		p = &x->procs[r->proc];
		asid = (uint32_t)((w1 >> 16) & 0xffff);
		if (tag != r->vpn || asid != (p->asid & 0xffff) ||
		    (x->c.format == FMT_X86 && (((w1 & X86_W) != 0) !=
		    ((r->perm & PERM_W) != 0) || ((w1 & X86_U) != 0) !=
		    (r->user != 0) || ((w1 & IPT_NX) != 0) !=
		    !(r->perm & PERM_X))))
			return fail(k, "the inverted entry of frame %llu (tag "
			    "0x%llx, asid %u, flags 0x%llx) is not va 0x%llx of "
			    "%s with perm %u", ULL(f), ULL(tag), asid,
			    ULL(w1 & 0xff), ULL(r->vpn << x->c.page_bits),
			    p->name, r->perm);
	}
	if (present != x->c.frames - x->r.nfree - (evict != NONE32))
		return fail(k, "%llu inverted entries are present for %llu "
		    "resident pages", ULL(present), ULL(x->c.frames -
		    x->r.nfree - (evict != NONE32)));
	for (b = 0; b < x->nbuckets; b++) {
		cur = phys_read(x, x->anchor_pa + b * 4, 4);
		for (n = 0; cur != 0; cur = w1 >> 32) {
			f = cur - 1;
			if (f >= x->c.frames || ++n > x->c.frames)
				return fail(k, "hash chain %llu runs off the "
				    "table (or loops) at %llu", ULL(b), ULL(f));
			w1 = phys_read(x, x->ipt_pa + f * IPT_ENTRY + 8, 8);
			tag = phys_read(x, x->ipt_pa + f * IPT_ENTRY, 8);
			if (!(w1 & X86_P) || pt_bucket(x, (uint32_t)((w1 >>
			    16) & 0xffff), tag) != b)
				return fail(k, "hash chain %llu holds frame "
				    "%llu, whose entry (0x%llx, 0x%llx) is not "
				    "of that bucket", ULL(b), ULL(f), ULL(tag),
				    ULL(w1));
			chained++;
		}
	}
	if (chained != present)
		return fail(k, "the hash chains hold %llu entries, %llu are "
		    "present", ULL(chained), ULL(present));
	return true;
}

/* ---- contents ---- */

/* Are n bytes at a of s (NULL: zeros) all equal to those at b of t? */
static bool
same_bytes(const struct mem *s, uint64_t a, const struct mem *t, uint64_t b,
    uint64_t n)
{
	const uint8_t *ca, *cb;
	uint64_t len, i;

	while (n > 0) {
		len = MEM_CHUNK - (a & (MEM_CHUNK - 1));
		if (len > MEM_CHUNK - (b & (MEM_CHUNK - 1)))
			len = MEM_CHUNK - (b & (MEM_CHUNK - 1));
		if (len > n)
			len = n;
		ca = s == NULL ? NULL : mem_chunk(s, a);
		cb = t == NULL ? NULL : mem_chunk(t, b);
		if (ca != NULL && cb != NULL) {
			if (memcmp(ca + (a & (MEM_CHUNK - 1)), cb + (b &
			    (MEM_CHUNK - 1)), (size_t)len) != 0)
				return false;
		} else if (ca != NULL || cb != NULL) {
			if (ca == NULL) {
				ca = cb;
				a = b;
			}
			for (i = 0; i < len; i++)
				if (ca[(a & (MEM_CHUNK - 1)) + i] != 0)
					return false;
		}
		a += len;
		b += len;
		n -= len;
	}
	return true;
}

static bool
check_contents(struct ck *k, const struct machine *x)
{
	uint64_t f, hf;
	const struct pobj *o;
	uint32_t evict = evicting(k, x);

	for (f = 0; f < x->c.frames; f++) {
		if (x->frames[f].pobj == 0 || x->frames[f].dirty)
			continue;
		k->work += x->c.page / 64 + 1;
		o = pobj_at(x, x->frames[f].pobj - 1);
		if (x->frames[f].pobj - 1 == evict)
			continue;
		hf = host_frame(x, f);
		if (!same_bytes(hf == NONE64 ? NULL : x->cpu->phys,
		    hf << x->c.page_bits, o->on_disk ? x->disk : NULL,
		    (uint64_t)(x->frames[f].pobj - 1) << x->c.page_bits,
		    x->c.page))
			return fail(k, "frame %llu is clean but differs from %s "
			    "(page object %u): a write would be lost", ULL(f),
			    o->on_disk ? "its disk copy" : "the zero page it "
			    "was given", x->frames[f].pobj - 1);
	}
	return true;
}

/* ---- guests: backing, EPT, shadow tables ---- */

static bool
check_backing(struct ck *k, const struct machine *x)
{
	const struct machine *h = x->cpu;
	const struct tframe *t;
	uint64_t g, hf;

	k->work += x->gframes;
	for (g = 0; g < x->gframes; g++) {
		if (x->backing[g] == 0)
			continue;
		hf = x->backing[g] - 1;
		if (!is_tframe(h, hf))
			return fail(k, "gfn %llu is backed by host frame %llu, "
			    "not one above the host's pool", ULL(g), ULL(hf));
		t = tframe_at(h, hf);
		if (t->kind != TF_GUEST || t->proc != x->vpid || t->gfn != g)
			return fail(k, "gfn %llu's host frame %llu is of kind "
			    "%u, vpid %u, gfn %llu", ULL(g), ULL(hf), t->kind,
			    t->proc, ULL(t->gfn));
	}
	return true;
}

static bool
walk_ept(struct ck *k, const struct machine *x, uint64_t pa, unsigned l,
    uint64_t gfn)
{
	const struct machine *h = x->cpu;
	uint64_t n = (uint64_t)1 << x->c.split[l - 1], i, e, g, nf;
	unsigned sh = x->shift[l - 1] - x->c.page_bits;
	const struct tframe *t;

	k->work += n;
	for (i = 0; i < n; i++) {
		e = phys_read(h, pa + i * x->c.pte, x->c.pte);
		if (!ept_present(x, e))
			continue;
		if (ept_misconfigured(x, e))
			return fail(k, "EPT entry 0x%llx at 0x%llx is "
			    "misconfigured", ULL(e), ULL(pa + i * x->c.pte));
		g = gfn | (i << sh);
		nf = ept_next(x, e) >> x->c.page_bits;
		if (l < x->levels) {
			t = is_tframe(h, nf) ? tframe_at(h, nf) : NULL;
			if (t == NULL || t->kind != TF_EPT || t->proc !=
			    x->vpid || t->level != l + 1)
				return fail(k, "EPT entry at 0x%llx (level %u) "
				    "names frame %llu, not an EPT table of "
				    "level %u", ULL(pa + i * x->c.pte), l,
				    ULL(nf), l + 1);
			if (!walk_ept(k, x, nf << x->c.page_bits, l + 1, g))
				return false;
			continue;
		}
		if (host_frame(x, g) != nf)
			return fail(k, "the EPT maps gfn %llu to host frame %llu, "
			    "it is backed by %lld", ULL(g), ULL(nf),
			    host_frame(x, g) == NONE64 ? -1 :
			    (long long)host_frame(x, g));
	}
	return true;
}

/* The shadow entry s mirrors guest entry v at level l. */
static bool
mirrors(const struct machine *x, uint64_t s, uint64_t v, unsigned l)
{
	const struct machine *h = x->cpu;
	uint64_t g, want;

	if (!pt_present(x, v))
		return false;
	g = pt_next(x, v) >> x->c.page_bits;
	if (g >= x->gframes)
		return false;
	if (l < x->levels) {
		if (!x->shadow_of[g])
			return false;
		want = pt_make_table(h, x->shadow_of[g] - 1);
		return (h->c.format == FMT_X86 ? s & ~X86_A : s) == want;
	}
	if (host_frame(x, g) == NONE64 ||
	    pt_next(h, s) >> h->c.page_bits != host_frame(x, g))
		return false;
	if (h->c.format != FMT_X86)
		return true;
	want = (v & (X86_P | X86_U | (h->has_nx ? X86_NX : 0))) |
	    (x->shadow_of[g] ? 0 : (v & X86_W));
	return (s & (X86_P | X86_W | X86_U | X86_NX)) == want;
}

static bool
check_shadow(struct ck *k, const struct machine *x)
{
	const struct machine *h = x->cpu;
	const struct tframe *t;
	uint64_t i, j, f, n, s, v;
	uint32_t p;

	for (i = 0; i < h->r.ntframes; i++) {
		f = h->c.total_frames - 1 - i;
		t = tframe_at(h, f);
		k->work++;
		if (t->kind != TF_SHADOW || t->proc != x->vpid || !t->first)
			continue;
		if (t->gfn >= x->gframes || x->shadow_of[t->gfn] != f + 1)
			return fail(k, "shadow table %llu mirrors gfn %llu, "
			    "whose shadow is %lld", ULL(f), ULL(t->gfn),
			    t->gfn >= x->gframes ? -1 :
			    (long long)x->shadow_of[t->gfn] - 1);
		n = (uint64_t)1 << x->c.split[t->level - 1];
		k->work += n;
		for (j = 0; j < n; j++) {
			s = phys_read(h, (f << h->c.page_bits) + j * x->c.pte,
			    x->c.pte);
			if (!pt_present(h, s))
				continue;	/* filled lazily */
			v = phys_read(x, (t->gfn << x->c.page_bits) +
			    j * x->c.pte, x->c.pte);
			if (!mirrors(x, s, v, t->level))
				return fail(k, "shadow entry %llu of table %llu "
				    "(level %u) is 0x%llx, the guest entry it "
				    "mirrors (gfn %llu) is 0x%llx", ULL(j),
				    ULL(f), t->level, ULL(s), ULL(t->gfn),
				    ULL(v));
		}
	}
	for (p = 0; p < x->r.nprocs; p++)
		if (x->procs[p].shadow != 0 && (x->procs[p].root >=
		    x->gframes || x->shadow_of[x->procs[p].root] !=
		    x->procs[p].shadow))
			return fail(k, "%s's shadow root %llu does not mirror "
			    "its root %llu", x->procs[p].name,
			    ULL(x->procs[p].shadow - 1), ULL(x->procs[p].root));
	return true;
}

/* ---- the TLB ---- */

static const struct machine *
machine_of_vpid(const struct machine *m, uint32_t vpid)
{
	uint8_t i;

	if (vpid == 0)
		return m;
	for (i = 0; i < m->r.nvms; i++)
		if (m->vms[i]->vpid == vpid)
			return m->vms[i];
	return NULL;
}

static uint32_t
proc_of_asid(const struct machine *x, uint32_t asid)
{
	uint32_t i;

	for (i = 0; i < x->r.nprocs; i++)
		if (x->procs[i].live && x->procs[i].asid == asid)
			return i;
	return NONE32;
}

/* The machine whose memory holds the leaf entry a TLB entry of x
 * remembers (shadow and pv guests: the hardware's, the host's). */
static const struct machine *
leaf_space(const struct machine *x)
{
	return shadow(x) || pv(x) ? x->cpu : x;
}

/* Valid entry s against the mapping of its tag. */
static bool
check_tlbe(struct ck *k, uint32_t s, bool fresh)
{
	const struct machine *m = k->m, *x, *ls;
	const struct tlbe *t = &m->tlb[s];
	const struct rec *r;
	const struct pobj *o;
	uint32_t p, ri, slot;
	uint64_t e, f;
	unsigned perm, psz;
	uint8_t w, u, nx;

	x = machine_of_vpid(m, t->vpid);
	k->x = x;
	if (x == NULL)
		return fail(k, "TLB entry %u has vpid %u, no such guest", s,
		    t->vpid);
	if (s / m->tlb_ways != tlb_set_of(x, t->vpn))
		return fail(k, "TLB entry %u (vpn 0x%llx) is in set %u, not %u",
		    s, ULL(t->vpn), s / m->tlb_ways, tlb_set_of(x, t->vpn));
	if (!tlb_probe(x, t->asid, t->vpn, &slot) || slot > s)
		return fail(k, "TLB entry %u (vpn 0x%llx asid %u) is not found "
		    "by a probe", s, ULL(t->vpn), t->asid);
	if (slot != s)
		return fail(k, "TLB entries %u and %u have one tag (vpn 0x%llx "
		    "asid %u)", slot, s, ULL(t->vpn), t->asid);
	p = proc_of_asid(x, t->asid);
	if (p == NONE32)
		return fail(k, "TLB entry %u has asid %u, no live process", s,
		    t->asid);
	if (k->tainted || x->procs[p].image)
		return true;
	ri = rmap_find(x, p, t->vpn);
	if (ri == NONE32)
		return fail(k, "TLB entry %u maps va 0x%llx of %s, which is not "
		    "mapped", s, ULL(t->vpn << x->c.page_bits),
		    x->procs[p].name);
	r = rec_at(x, ri);
	o = pobj_at(x, r->pobj);
	if (o->frame == NONE64 || o->frame != t->gframe ||
	    host_frame(x, o->frame) != t->frame)
		return fail(k, "TLB entry %u maps va 0x%llx of %s to frame "
		    "%llu (%llu), the page is %s %lld", s,
		    ULL(t->vpn << x->c.page_bits), x->procs[p].name,
		    ULL(t->gframe), ULL(t->frame), o->frame == NONE64 ?
		    "not resident" : "in frame", o->frame == NONE64 ? -1 :
		    (long long)o->frame);
	perm = pt_effective_perm(x, r->perm);
	if ((t->w && !(perm & PERM_W)) || (t->u && !r->user) ||
	    (!t->nx && x->has_nx && !(perm & PERM_X)))
		return fail(k, "TLB entry %u for va 0x%llx of %s gives w%u u%u "
		    "nx%u, the page allows perm %u %s", s,
		    ULL(t->vpn << x->c.page_bits), x->procs[p].name, t->w,
		    t->u, t->nx, perm, r->user ? "user" : "kernel");
	/* the leaf entry it remembers */
	if (shadow(x) && !synced(m))
		return true;
	ls = leaf_space(x);
	psz = x->c.pt == PT_INVERTED ? 8 : x->c.pte;
	e = phys_read(ls, t->pte_pa, psz);
	if (x->c.pt == PT_INVERTED) {
		if (!(e & X86_P) || t->pte_pa != x->ipt_pa + t->frame *
		    IPT_ENTRY + 8)
			return fail(k, "TLB entry %u remembers 0x%llx, not the "
			    "present inverted entry of frame %llu", s,
			    ULL(t->pte_pa), ULL(t->frame));
		w = (e & X86_W) != 0;
		u = (e & X86_U) != 0;
		nx = (e & IPT_NX) != 0;
		if (x->c.format != FMT_X86)
			w = u = 1, nx = 0;
	} else {
		if (!pt_present(ls, e))
			return fail(k, "TLB entry %u for va 0x%llx of %s "
			    "remembers leaf 0x%llx, not present (0x%llx)", s,
			    ULL(t->vpn << x->c.page_bits), x->procs[p].name,
			    ULL(t->pte_pa), ULL(e));
		f = pt_next(ls, e) >> x->c.page_bits;
		if (f != (ls == x ? t->gframe : t->frame))
			return fail(k, "TLB entry %u for va 0x%llx of %s: its "
			    "leaf names frame %llu, the entry %llu", s,
			    ULL(t->vpn << x->c.page_bits), x->procs[p].name,
			    ULL(f), ULL(ls == x ? t->gframe : t->frame));
		pt_rights(ls, e, &w, &u, &nx);
	}
	if ((t->w && !w) || (t->u && !u) || (nx && !t->nx))
		return fail(k, "TLB entry %u for va 0x%llx of %s gives w%u u%u "
		    "nx%u, wider than its leaf 0x%llx", s,
		    ULL(t->vpn << x->c.page_bits), x->procs[p].name, t->w,
		    t->u, t->nx, ULL(e));
	if (fresh)
		return true;
	if (!x->frames[t->gframe].use)
		return fail(k, "TLB entry %u for va 0x%llx of %s maps frame "
		    "%llu, whose use bit is clear", s,
		    ULL(t->vpn << x->c.page_bits), x->procs[p].name,
		    ULL(t->gframe));
	if (x->c.format == FMT_X86 && !(e & X86_A))
		return fail(k, "TLB entry %u for va 0x%llx of %s: its leaf "
		    "0x%llx is not accessed", s, ULL(t->vpn << x->c.page_bits),
		    x->procs[p].name, ULL(e));
	if (t->dirty && (!x->frames[t->gframe].dirty ||
	    (x->c.format == FMT_X86 && !(e & X86_D))))
		return fail(k, "TLB entry %u for va 0x%llx of %s is dirty, its "
		    "frame (dirty %u) or leaf 0x%llx is not", s,
		    ULL(t->vpn << x->c.page_bits), x->procs[p].name,
		    x->frames[t->gframe].dirty, ULL(e));
	return true;
}

static bool
check_tlb(struct ck *k)
{
	const struct machine *m = k->m, *c = ctx_of(m);
	const struct op *o;
	uint32_t s, cur_asid;
	bool untagged, busy_access;

	if (m->c.tlb == 0)
		return true;
	k->work += m->c.tlb;
	untagged = !m->c.tlb_tags;
	cur_asid = c->r.cur ? c->procs[c->r.cur - 1].asid : NONE32;
	o = engine_op(k->e, m->r.op);
	busy_access = m->r.busy && o != NULL && is_access(o);
	for (s = 0; s < m->c.tlb; s++) {
		if (!m->tlb[s].valid)
			continue;
		k->work += 8;
		if (untagged && (m->tlb[s].vpid != c->vpid ||
		    m->tlb[s].asid != cur_asid)) {
			k->x = c;
			return fail(k, "the TLB is untagged, yet entry %u "
			    "(vpid %u asid %u) is not of the running context "
			    "(vpid %u asid %u)", s, m->tlb[s].vpid,
			    m->tlb[s].asid, c->vpid, cur_asid);
		}
		if (!check_tlbe(k, s, busy_access && s == m->r.tlb_slot))
			return false;
	}
	return true;
}

/* ---- counters ---- */

static bool
check_counters(struct ck *k)
{
	const struct machine *m = k->m;
	const struct op *o = engine_op(k->e, m->r.op);
	uint64_t sum = 0, pending;
	unsigned i;

	k->x = m;
	for (i = 0; i < N_EXIT_NAMES; i++)
		sum += m->r.exits_by[i];
	if (sum != m->r.exits)
		return fail(k, "the exits by reason add up to %llu, exits is "
		    "%llu", ULL(sum), ULL(m->r.exits));
	if (m->c.tlb == 0) {
		if (m->r.tlb_hits || m->r.tlb_misses)
			return fail(k, "no TLB, yet %llu hits and %llu misses",
			    ULL(m->r.tlb_hits), ULL(m->r.tlb_misses));
		return true;
	}
	pending = m->r.busy && o != NULL && is_access(o) &&
	    m->r.last.tlb == 0;
	if (m->r.tlb_hits + m->r.tlb_misses + pending != m->r.accesses)
		return fail(k, "TLB hits %llu + misses %llu + %llu in progress "
		    "!= accesses %llu", ULL(m->r.tlb_hits),
		    ULL(m->r.tlb_misses), ULL(pending), ULL(m->r.accesses));
	return true;
}

/* ---- one OS, the whole machine ---- */

static bool
check_os(struct ck *k, const struct machine *x)
{
	k->x = x;
	if (!check_procs(k, x) || !check_pool(k, x) || !check_objects(k, x))
		return false;
	if (k->tainted)
		return true;
	if (x->cpu != x && !check_backing(k, x))
		return false;
	if (x->c.pt == PT_RADIX ? !check_radix(k, x) : !check_inverted(k, x))
		return false;
	if (!check_contents(k, x))
		return false;
	if (x->cpu != x && x->mmu == MMU_NESTED && x->vmcs.eptp != 0 &&
	    !walk_ept(k, x, x->vmcs.eptp, 1, 0))
		return false;
	if (shadow(x) && synced(x->cpu) && !check_shadow(k, x))
		return false;
	return true;
}

static bool
check_all(struct ck *k)
{
	const struct machine *m = k->m;
	uint8_t i;

	if (m->oom)
		return true;	/* a failed allocation: nothing to hold to */
	for (i = 0; i < m->r.nvms; i++)
		if (m->vms[i]->oom)
			return true;
	if (!check_os(k, m))
		return false;
	for (i = 0; i < m->r.nvms; i++)
		if (!check_os(k, m->vms[i]))
			return false;
	return check_tlb(k) && check_counters(k);
}

static int
run_check(const struct engine *e, char *msg, size_t n, uint64_t *work)
{
	struct ck k;
	bool ok;

	memset(&k, 0, sizeof k);
	k.e = e;
	k.m = e->m;
	k.msg = msg;
	k.n = n;
	k.tainted = e->inv.tainted;
	if (n > 0)
		msg[0] = '\0';
	ok = check_all(&k);
	if (work != NULL)
		*work = k.work;
	return ok ? 0 : -1;
}

int
inv_check(const struct engine *e, char *msg, size_t n)
{
	return run_check(e, msg, n, NULL);
}

/* ---- the checking build's hooks ---- */

static void
fatal(const struct engine *e, const char *msg)
{
	char buf[640];

	(void)snprintf(buf, sizeof buf, "vmscope: internal check failed at "
	    "step %llu: %s", ULL(e->m->r.pos), msg);
	if (inv_handler != NULL)
		inv_handler(buf);
	abort();
}

/* The state check, every step while it is cheap (see the top). */
static void
state_check(struct engine *e, bool force)
{
	char msg[512];
	uint64_t work;

	if (!force && e->m->r.pos < e->inv.next)
		return;
	if (run_check(e, msg, sizeof msg, &work) != 0)
		fatal(e, msg);
	e->inv.spent += work;
	e->inv.next = e->m->r.pos + (e->inv.spent < INV_EAGER ? 0 :
	    work / INV_PER_STEP);
}

void
inv_submitted(struct engine *e, const struct op *o)
{
	if (o->kind == OP_POKE || (o->kind == OP_PROCESS && o->root >= 0))
		e->inv.tainted = true;
}

static uint64_t
sum_faults(const struct machine *m, bool wb)
{
	uint64_t n = wb ? m->r.writebacks : m->r.faults;
	uint8_t i;

	for (i = 0; i < m->r.nvms; i++)
		n += wb ? m->vms[i]->r.writebacks : m->vms[i]->r.faults;
	return n;
}

void
inv_before(const struct engine *e, struct inv_snap *s)
{
	const struct machine *m = e->m;
	unsigned i;

	memset(s, 0, sizeof *s);
	s->pos = m->r.pos;
	s->accesses = m->r.accesses;
	s->hits = m->r.tlb_hits;
	s->misses = m->r.tlb_misses;
	s->faults = sum_faults(m, false);
	s->writebacks = sum_faults(m, true);
	s->exits = m->r.exits;
	for (i = 0; i < N_EXIT_NAMES; i++)
		s->exits_by += m->r.exits_by[i];
	s->cycles = m->r.cycles;
	s->refs = m->r.refs_total;
	s->first_probe = m->r.last.tlb == 0;
	s->idle = !engine_busy(e);
}

/* What a step of this event costs (DESIGN.md, section 3, Costs). */
static uint64_t
event_cost(const struct machine *m, const struct event *ev)
{
	const uint64_t *c = m->c.cost;

	switch (ev->kind) {
	case EV_TLB_HIT:
	case EV_TLB_MISS:
		return c[COST_TLB];
	case EV_WALK:
	case EV_NWALK:
	case EV_GWALK:
	case EV_IPT_ANCHOR:
	case EV_IPT_PROBE:
	case EV_DATA:
		return c[COST_MEM];
	case EV_PAGE_IN:
		return c[COST_FAULT];
	case EV_WRITEBACK:
		return c[COST_WRITEBACK];
	case EV_EXIT:
		return c[ev->a == EXIT_VMCALL ? COST_HYPERCALL : COST_EXIT];
	case EV_VMM:
		return ev->a == VMM_HYPERCALL || ev->a == VMM_IRQ ? 0 :
		    c[COST_EMULATE];
	case EV_INSN:		/* binary translation calls the VMM */
		return ev->b == IR_TRANSLATED ? c[COST_EMULATE] : 0;
	case EV_CR3:		/* a mov-cr3 binary translation rewrote */
		return ev->e == 1 + IR_TRANSLATED ? c[COST_EMULATE] : 0;
	default:
		return 0;
	}
}

static bool
is_ref(const struct event *ev)
{
	return ev->kind == EV_WALK || ev->kind == EV_NWALK ||
	    ev->kind == EV_GWALK || ev->kind == EV_IPT_ANCHOR ||
	    ev->kind == EV_IPT_PROBE;
}

/* What the replacement rules (DESIGN.md section 3) say a step leaves:
 * a completed access makes its frame the most recent under LRU and sets
 * its use (and, writing, dirty) bit; a page brought in joins the tail of
 * the load order with both bits clear; clock replaces at the hand and
 * moves it past the victim. */
static void
check_event(const struct engine *e, const struct event *ev, char *msg,
    size_t n)
{
	const struct machine *x = X(e);
	const struct frame *fr;
	uint64_t f;

	switch (ev->kind) {
	case EV_DATA:
		f = ev->c >> x->c.page_bits;
		if (f >= x->c.frames || x->frames[f].pobj == 0)
			return;
		fr = &x->frames[f];
		if (!fr->use || ((ev->d & 0xf) == ACC_WRITE && !fr->dirty))
			snprintf(msg, n, "an access to frame %llu left its use "
			    "bit %u, dirty bit %u", ULL(f), fr->use,
			    fr->dirty);
		else if (x->c.policy == POL_LRU && x->r.tail != f + 1)
			snprintf(msg, n, "LRU: frame %llu was just used, the "
			    "list's tail is %u", ULL(f), x->r.tail);
		return;
	case EV_PAGE_IN:
		f = ev->a;
		if (f >= x->c.frames || x->frames[f].pobj == 0 ||
		    x->r.tail != f + 1 || x->frames[f].use ||
		    x->frames[f].dirty)
			snprintf(msg, n, "a page came into frame %llu, which is "
			    "not the newest of the list (tail %u) or has use "
			    "or dirty set", ULL(f), x->r.tail);
		return;
	case EV_VICTIM:
		if (x->c.policy == POL_CLOCK && !(ev->flags & EVF_FREE) &&
		    x->r.hand != (ev->a + 1) % x->c.frames)
			snprintf(msg, n, "clock chose frame %llu, the hand is "
			    "at %llu", ULL(ev->a), ULL(x->r.hand));
		return;
	default:
		return;
	}
}

void
inv_after_step(struct engine *e, const struct inv_snap *s,
    const struct event *ev)
{
	const struct machine *m = e->m;
	struct inv_snap a;
	char msg[512];
	uint64_t want = event_cost(m, ev);
	bool first = s->first_probe;

	inv_before(e, &a);
	msg[0] = '\0';
	if (a.pos != s->pos + 1 || ev->step != a.pos)
		snprintf(msg, sizeof msg, "a step moved the position from %llu "
		    "to %llu (event step %llu)", ULL(s->pos), ULL(a.pos),
		    ULL(ev->step));
	else if (ev->cycles != want || a.cycles != s->cycles + want)
		snprintf(msg, sizeof msg, "a step of kind %u cost %llu cycles "
		    "and added %llu, its kind costs %llu", ev->kind,
		    ULL(ev->cycles), ULL(a.cycles - s->cycles), ULL(want));
	else if (a.accesses - s->accesses != (ev->kind == EV_SPLIT))
		snprintf(msg, sizeof msg, "a step of kind %u added %llu "
		    "accesses", ev->kind, ULL(a.accesses - s->accesses));
	else if (a.hits - s->hits != (ev->kind == EV_TLB_HIT && first) ||
	    a.misses - s->misses != (ev->kind == EV_TLB_MISS && first))
		snprintf(msg, sizeof msg, "a step of kind %u (first probe %d) "
		    "added %llu hits, %llu misses", ev->kind, first,
		    ULL(a.hits - s->hits), ULL(a.misses - s->misses));
	else if (a.refs - s->refs != is_ref(ev))
		snprintf(msg, sizeof msg, "a step of kind %u added %llu walk "
		    "references", ev->kind, ULL(a.refs - s->refs));
	else if (a.faults - s->faults != (ev->kind == EV_PAGE_IN) ||
	    a.writebacks - s->writebacks != (ev->kind == EV_WRITEBACK))
		snprintf(msg, sizeof msg, "a step of kind %u added %llu faults, "
		    "%llu write-backs", ev->kind, ULL(a.faults - s->faults),
		    ULL(a.writebacks - s->writebacks));
	else if (a.exits - s->exits != (ev->kind == EV_EXIT &&
	    !(ev->flags & EVF_MATCH)) || a.exits_by - s->exits_by !=
	    a.exits - s->exits)
		snprintf(msg, sizeof msg, "a step of kind %u (flags 0x%x) added "
		    "%llu exits, %llu by reason", ev->kind, ev->flags,
		    ULL(a.exits - s->exits), ULL(a.exits_by - s->exits_by));
	else
		check_event(e, ev, msg, sizeof msg);
	if (msg[0] != '\0')
		fatal(e, msg);
	state_check(e, false);
}

void
inv_after_run(struct engine *e, const struct inv_snap *s, bool fast)
{
	const struct machine *m = e->m;
	const uint64_t *c = m->c.cost;
	struct inv_snap a;
	char msg[512];
	uint64_t refs, probe = m->c.tlb > 0, fill, miss;

	if (fast && s->idle) {
		/* a whole access the fast path did: split, probe, walk, fill,
		 * data; no fault, write-back or exit */
		inv_before(e, &a);
		refs = a.refs - s->refs;
		miss = a.misses - s->misses;
		fill = probe && miss;
		msg[0] = '\0';
		if (a.accesses != s->accesses + 1 || a.hits + a.misses !=
		    s->hits + s->misses + probe || (probe && !miss && refs != 0))
			snprintf(msg, sizeof msg, "a fast access added %llu "
			    "accesses, %llu hits, %llu misses, %llu refs",
			    ULL(a.accesses - s->accesses), ULL(a.hits -
			    s->hits), ULL(miss), ULL(refs));
		else if (a.pos != s->pos + 2 + probe + refs + fill)
			snprintf(msg, sizeof msg, "a fast access of %llu walk "
			    "references moved %llu steps", ULL(refs),
			    ULL(a.pos - s->pos));
		else if (a.cycles != s->cycles + probe * c[COST_TLB] +
		    (refs + 1) * c[COST_MEM])
			snprintf(msg, sizeof msg, "a fast access of %llu walk "
			    "references cost %llu cycles", ULL(refs),
			    ULL(a.cycles - s->cycles));
		else if (a.faults != s->faults || a.writebacks !=
		    s->writebacks || a.exits != s->exits)
			snprintf(msg, sizeof msg, "a fast access counted a "
			    "fault, a write-back or an exit");
		if (msg[0] != '\0')
			fatal(e, msg);
	}
	state_check(e, false);
}

void
inv_after_back(struct engine *e)
{
	state_check(e, true);
}
