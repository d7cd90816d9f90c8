/*
 * os.c - the operating system of the simulated machine: processes, the
 * OS's record of every mapped page, the frame pool and its placement rule
 * (lowest free frame first), the replacement policies, page-table frames
 * taken from the top of memory down, and the inverted table's chains.
 *
 * Replacement is global.  FIFO and LRU share one list of resident pool
 * frames (FIFO appends on load; LRU also moves a frame to the tail on
 * every completed access), the victim is its head.  Clock sweeps the pool
 * from the hand, clearing use bits, and takes the first frame whose bit
 * is clear.  OPT looks ahead in the future of the run.  Random draws
 * from the seeded generator.
 */
#include <stdlib.h>
#include <string.h>

#include "machine.h"

uint32_t
os_find_proc(const struct machine *m, const char *name)
{
	uint32_t i;

	for (i = 0; i < m->r.nprocs; i++)
		if (m->procs[i].live && strcmp(m->procs[i].name, name) == 0)
			return i;
	return NONE32;
}

uint32_t
os_lookup(const struct machine *m, uint32_t proc, uint64_t vpn)
{
	return rmap_find(m, proc, vpn);
}

uint64_t
os_free_frames(const struct machine *m)
{
	return m->r.nfree;
}

uint64_t
os_tframes_left(const struct machine *m)
{
	uint64_t room = m->c.total_frames - m->c.frames, used =
	    m->r.ntframes + m->r.reserved;

	return used >= room ? 0 : room - used;
}

/* Frames promised to a guest earlier (reserved at vm): take them from
 * the reservation, then as any table. */
uint64_t
os_alloc_reserved(struct machine *m, uint64_t n, uint32_t proc,
    enum tframe_kind kind, unsigned level)
{
	m->r.reserved = m->r.reserved > n ? m->r.reserved - n : 0;
	return os_alloc_tframes(m, n, proc, kind, level);
}

/* Take n contiguous frames for a table from the top of memory down,
 * zeroed; returns the lowest of them. */
uint64_t
os_alloc_tframes(struct machine *m, uint64_t n, uint32_t proc,
    enum tframe_kind kind, unsigned level)
{
	uint64_t base = m->c.total_frames - m->r.ntframes - n, i;
	struct tframe *t;

	(void)pool_reserve(m, 0, 0, n);	/* again on re-execution */
	m->r.ntframes += n;
	for (i = 0; i < n; i++) {
		t = tframe_at(m, base + i);
		J(m, t, sizeof *t);
		t->proc = proc;
		t->kind = (uint8_t)kind;
		t->level = (uint8_t)level;
		t->first = i == 0;
	}
	phys_zero(m, base << m->c.page_bits, n << m->c.page_bits);
	return base;
}

uint64_t
os_lowest_free(struct machine *m)
{
	uint64_t f;

	for (f = m->r.free_hint; f < m->c.frames; f++)
		if (m->frames[f].pobj == 0) {
			m->r.free_hint = f;
			return f;
		}
	return NONE64;
}

static void
list_remove(struct machine *m, uint64_t f)
{
	struct frame *fr = &m->frames[f];

	if (fr->prev) {
		J(m, &m->frames[fr->prev - 1], sizeof(struct frame));
		m->frames[fr->prev - 1].next = fr->next;
	} else
		m->r.head = fr->next;
	if (fr->next) {
		J(m, &m->frames[fr->next - 1], sizeof(struct frame));
		m->frames[fr->next - 1].prev = fr->prev;
	} else
		m->r.tail = fr->prev;
	J(m, fr, sizeof *fr);
	fr->prev = fr->next = 0;
}

static void
list_append(struct machine *m, uint64_t f)
{
	struct frame *fr = &m->frames[f];

	J(m, fr, sizeof *fr);
	fr->prev = m->r.tail;
	fr->next = 0;
	if (m->r.tail) {
		J(m, &m->frames[m->r.tail - 1], sizeof(struct frame));
		m->frames[m->r.tail - 1].next = (uint32_t)f + 1;
	} else
		m->r.head = (uint32_t)f + 1;
	m->r.tail = (uint32_t)f + 1;
}

void
os_frame_take(struct machine *m, uint64_t f, uint32_t pobj)
{
	struct frame *fr = &m->frames[f];

	J(m, fr, sizeof *fr);
	fr->pobj = pobj + 1;
	fr->use = 0;
	fr->dirty = 0;
	m->r.nfree--;
	list_append(m, f);
}

void
os_frame_release(struct machine *m, uint64_t f)
{
	struct frame *fr = &m->frames[f];

	list_remove(m, f);
	J(m, fr, sizeof *fr);
	fr->pobj = 0;
	fr->use = 0;
	fr->dirty = 0;
	fr->nu = 0;
	m->r.nfree++;
	if (f < m->r.free_hint)
		m->r.free_hint = f;
}

/* LRU: a completed access makes its frame the most recently used. */
void
os_list_touch(struct machine *m, uint64_t f)
{
	if (m->c.policy != POL_LRU || m->r.tail == f + 1)
		return;
	list_remove(m, f);
	list_append(m, f);
}

/* OPT: a completed access (future index fidx) on frame f: the frame's
 * next use is the access's next use. */
void
os_opt_used(struct machine *m, uint64_t f, uint32_t fidx)
{
	struct frame *fr = &m->frames[f];
	uint32_t nu;

	if (m->c.policy != POL_OPT || m->nxt == NULL || fidx >= m->nfuture)
		return;
	nu = m->nxt[fidx] == NONE32 ? NONE32 : m->nxt[fidx] + 1;
	if (fr->nu != nu) {
		J(m, fr, sizeof *fr);
		fr->nu = nu;
	}
}

/* The OS clears a frame's use bit: in the frame, in the accessed bit of
 * every entry mapping it, and it drops the TLB entries so that the next
 * access walks and sets the bit again. */
void
os_clear_use(struct machine *m, uint64_t f, uint64_t *tlbn)
{
	struct frame *fr = &m->frames[f];
	const struct pobj *o;
	const struct rec *r;
	uint64_t e, pa;
	uint32_t i;

	J(m, fr, sizeof *fr);
	fr->use = 0;
	if (fr->pobj != 0 && m->c.format == FMT_X86) {
		o = pobj_at(m, fr->pobj - 1);
		for (i = o->mappers; i != 0; i = r->next) {
			r = rec_at(m, i - 1);
			pa = m->c.pt == PT_INVERTED ?
			    m->ipt_pa + f * IPT_ENTRY + 8 : r->pte_pa;
			e = phys_read(m, pa, m->c.pt == PT_INVERTED ? 8 :
			    m->c.pte);
			if (e & X86_A)
				os_pte_write(m, pa, e & ~X86_A,
				    m->c.pt == PT_INVERTED ? 8 : m->c.pte);
		}
	}
	*tlbn += tlb_flush_frame(m, f);
}

/* Drop a page object's translations: its entries become not present and
 * its TLB entries (in every address space) go.  Returns the entries
 * changed. */
uint64_t
os_invalidate_mappers(struct machine *m, uint32_t pobj, uint64_t *tlbn)
{
	const struct pobj *o = pobj_at(m, pobj);
	const struct rec *r;
	uint64_t n = 0;
	uint32_t i;

	if (o->frame == NONE64)
		return 0;
	*tlbn += tlb_flush_frame(m, o->frame);
	if (m->c.pt == PT_INVERTED) {
		ipt_remove(m, o->frame);
		return 1;
	}
	for (i = o->mappers; i != 0; i = r->next) {
		r = rec_at(m, i - 1);
		os_pte_write(m, r->pte_pa, 0, m->c.pte);
		n++;
	}
	return n;
}

/* Make every mapping of a page object point at its new frame. */
void
os_validate_mappers(struct machine *m, uint32_t pobj, uint64_t frame)
{
	const struct pobj *o = pobj_at(m, pobj);
	const struct rec *r;
	uint32_t i;

	for (i = o->mappers; i != 0; i = r->next) {
		r = rec_at(m, i - 1);
		if (m->c.pt == PT_INVERTED)
			ipt_insert(m, frame, m->procs[r->proc].asid, r->vpn,
			    r->perm, r->user);
		else
			os_pte_write(m, r->pte_pa, pt_make_leaf(m,
			    pt_os_frame(m, frame),
			    r->perm, r->user), m->c.pte);
	}
}

uint32_t
os_new_pobj(struct machine *m)
{
	uint32_t i;
	struct pobj *o;

	(void)pool_reserve(m, 0, 1, 0);	/* again on re-execution */
	i = m->r.npobjs++;
	o = pobj_at(m, i);

	J(m, o, sizeof *o);
	memset(o, 0, sizeof *o);
	o->frame = NONE64;
	o->live = 1;
	return i;
}

uint32_t
os_new_rec(struct machine *m, uint32_t proc, uint64_t vpn, uint32_t pobj,
    unsigned perm, bool user)
{
	uint32_t i;
	struct rec *r;
	struct pobj *o = pobj_at(m, pobj);

	(void)pool_reserve(m, 1, 0, 0);	/* again on re-execution */
	i = m->r.nrecs++;
	r = rec_at(m, i);

	J(m, r, sizeof *r);
	memset(r, 0, sizeof *r);
	r->vpn = vpn;
	r->proc = proc;
	r->pobj = pobj;
	r->perm = (uint8_t)perm;
	r->user = user;
	r->live = 1;
	r->pte_pa = NONE64;
	J(m, o, sizeof *o);
	if (o->mappers != 0)
		m->r.shared = 1;
	r->next = o->mappers;
	o->mappers = i + 1;
	(void)rmap_put(m, proc, vpn, i);
	return i;
}

void
os_unlink_rec(struct machine *m, uint32_t ri)
{
	struct rec *r = rec_at(m, ri), *p;
	struct pobj *o = pobj_at(m, r->pobj);
	uint32_t i;

	J(m, r, sizeof *r);
	r->live = 0;
	if (o->mappers == ri + 1) {
		J(m, o, sizeof *o);
		o->mappers = r->next;
		return;
	}
	for (i = o->mappers; i != 0; i = p->next) {
		p = rec_at(m, i - 1);
		if (p->next == ri + 1) {
			J(m, p, sizeof *p);
			p->next = r->next;
			return;
		}
	}
}

/* Inverted table: insert frame's entry at the head of its chain. */
void
ipt_insert(struct machine *m, uint64_t frame, uint32_t asid, uint64_t vpn,
    unsigned perm, bool user)
{
	uint64_t h = pt_bucket(m, asid, vpn), apa = m->anchor_pa + h * 4;
	uint64_t flags = X86_P, w1;

	if (m->c.format == FMT_X86) {
		if (perm & PERM_W)
			flags |= X86_W;
		if (user)
			flags |= X86_U;
		if (!(perm & PERM_X))
			flags |= IPT_NX;
	}
	w1 = (phys_read(m, apa, 4) << 32) | ((uint64_t)(asid & 0xffff) << 16) |
	    flags;
	phys_write(m, m->ipt_pa + frame * IPT_ENTRY, vpn, 8);
	phys_write(m, m->ipt_pa + frame * IPT_ENTRY + 8, w1, 8);
	phys_write(m, apa, frame + 1, 4);
}

void
ipt_remove(struct machine *m, uint64_t frame)
{
	uint64_t epa = m->ipt_pa + frame * IPT_ENTRY;
	uint64_t vpn = phys_read(m, epa, 8), w1 = phys_read(m, epa + 8, 8);
	uint32_t asid = (uint32_t)((w1 >> 16) & 0xffff);
	uint64_t apa = m->anchor_pa + pt_bucket(m, asid, vpn) * 4;
	uint64_t next = w1 >> 32, cur, cw;

	cur = phys_read(m, apa, 4);
	if (cur == frame + 1)
		phys_write(m, apa, next, 4);
	else
		while (cur != 0) {
			cw = phys_read(m, m->ipt_pa + (cur - 1) * IPT_ENTRY + 8,
			    8);
			if ((cw >> 32) == frame + 1) {
				phys_write(m, m->ipt_pa + (cur - 1) *
				    IPT_ENTRY + 8, (cw & 0xffffffffull) |
				    (next << 32), 8);
				break;
			}
			cur = cw >> 32;
		}
	phys_write(m, epa, 0, 8);
	phys_write(m, epa + 8, 0, 8);
}

/* Walk proc's existing tables towards vpn; returns the first level whose
 * table is missing (2..levels), or 0 if all exist.  *parent gets the
 * entry address in the level above it. */
static unsigned
first_missing(const struct machine *m, uint32_t proc, uint64_t vpn,
    uint64_t *parent)
{
	uint64_t table = m->procs[proc].root << m->c.page_bits, epa, e;
	unsigned l;

	for (l = 1; l < m->levels; l++) {
		epa = pt_entry_pa(m, table, vpn, l);
		e = phys_read(m, epa, m->c.pte);
		if (!pt_present(m, e)) {
			*parent = epa;
			return l + 1;
		}
		table = pt_os_next(m, e);
	}
	return 0;
}

/* Frames the OS would need for the tables missing over pages
 * vpn .. vpn+pages-1 of proc. */
uint64_t
os_missing_tables(const struct machine *m, uint32_t proc, uint64_t vpn,
    uint64_t pages)
{
	uint64_t need = 0, first, last, p, parent;
	unsigned l, sh, miss;

	if (m->c.pt == PT_INVERTED)
		return 0;
	for (l = 2; l <= m->levels; l++) {
		sh = m->shift[l - 2] - m->c.page_bits;	/* prefix of 1..l-1 */
		first = vpn >> sh;
		last = (vpn + pages - 1) >> sh;
		for (p = first; p <= last; p++) {
			miss = first_missing(m, proc, p << sh, &parent);
			if (miss != 0 && miss <= l)
				need += m->tframes_per[l - 1];
		}
	}
	return need;
}

/* One step of building the path to vpn: allocate the first missing
 * table and link it.  Returns 1 if it did, 0 if the path is complete. */
int
os_ensure_path(struct machine *m, uint32_t proc, uint64_t vpn,
    struct event *ev)
{
	uint64_t parent = 0, f, e;
	unsigned l;

	if (m->c.pt == PT_INVERTED)
		return 0;
	l = first_missing(m, proc, vpn, &parent);
	if (l == 0)
		return 0;
	f = os_alloc_tframes(m, m->tframes_per[l - 1], proc, TF_TABLE, l);
	e = pt_make_table(m, pt_os_frame(m, f));
	os_pte_write(m, parent, e, m->c.pte);
	ev->kind = EV_PT_ALLOC;
	ev->level = (uint8_t)l;
	ev->a = f;
	ev->b = m->tframes_per[l - 1];
	ev->c = parent;
	ev->d = e;
	ev->e = vpn << m->c.page_bits;
	return 1;
}

static uint64_t
vpn_of(const struct machine *m, uint64_t va)
{
	return (va & m->va_mask) >> m->c.page_bits;
}

/*
 * OPT from the next-use table: every frame's next use is what the last
 * access that completed on it found in the table (struct frame's nu); an
 * access since then that did not complete (a protection fault) left it
 * in the past, and the table's chain of that page's uses leads on to the
 * first use after fidx.  NONE64 when a frame's next use is not known (a
 * page mapped resident and not touched since) or a page object may have
 * two mappers (a frame's next use is then the first of several pages'):
 * the look-ahead of opt_victim decides.
 */
static uint64_t
opt_from_table(const struct machine *m, uint64_t fidx)
{
	uint64_t f, best = NONE64;
	uint32_t nu, bestnu = 0, j;

	if (m->nxt == NULL || m->r.shared || fidx >= m->nfuture)
		return NONE64;
	for (f = 0; f < m->c.frames; f++) {
		if (m->frames[f].pobj == 0)
			continue;
		if ((nu = m->frames[f].nu) == 0)
			return NONE64;
		if (nu != NONE32) {
			for (j = nu - 1; j != NONE32 && j <= fidx;
			    j = m->nxt[j])
				;
			nu = j == NONE32 ? NONE32 : j + 1;
		}
		if (nu == NONE32)
			return f;	/* never used again: the lowest */
		if (nu > bestnu) {
			best = f;
			bestnu = nu;
		}
	}
	return best;
}

/* OPT: the resident page whose next use is farthest; pages never used
 * again first, the lowest frame among them.  From the next-use table
 * when it can tell, else by looking ahead in the future itself. */
static uint64_t
opt_victim(struct machine *m, uint64_t fidx)
{
	uint64_t *seen, f, nres = m->c.frames - m->r.nfree, nseen = 0, best;
	uint32_t p, ri, name;
	const struct rec *r;
	const struct pobj *o;
	size_t j;

	if ((best = opt_from_table(m, fidx)) != NONE64)
		return best;
	if (m->scratch == NULL)
		m->scratch = (uint64_t *)malloc((size_t)m->c.frames *
		    sizeof *m->scratch);
	if ((seen = m->scratch) == NULL) {
		m->oom = true;
		return 0;
	}
	memset(seen, 0, (size_t)m->c.frames * sizeof *seen);
	for (j = (size_t)fidx + 1; j < m->nfuture && nseen + 1 < nres; j++) {
		if (fidx < m->nfuture && m->future[j].machine !=
		    m->future[fidx].machine)
			break;		/* a later machine's accesses */
		name = m->fname[j];
		for (p = 0; p < m->r.nprocs; p++)
			if (m->procs[p].live && m->procs[p].name_id == name)
				break;
		if (p == m->r.nprocs)
			continue;
		ri = rmap_find(m, p, vpn_of(m, m->future[j].va));
		if (ri == NONE32)
			continue;
		r = rec_at(m, ri);
		o = pobj_at(m, r->pobj);
		if (o->frame == NONE64 || seen[o->frame] != 0)
			continue;
		seen[o->frame] = j + 1;
		nseen++;
	}
	best = NONE64;
	for (f = 0; f < m->c.frames; f++) {
		if (m->frames[f].pobj == 0)
			continue;
		if (seen[f] == 0) {
			best = f;
			break;
		}
		if (best == NONE64 || seen[f] > seen[best])
			best = f;
	}
	return best == NONE64 ? 0 : best;
}

/* Choose the frame to replace (the pool is full).  *cleared counts the
 * use bits clock cleared on the way. */
uint64_t
os_choose_victim(struct machine *m, uint64_t *cleared, uint64_t fidx)
{
	uint64_t f, tlbn = 0;

	*cleared = 0;
	switch (m->c.policy) {
	case POL_FIFO:
	case POL_LRU:
		return (uint64_t)m->r.head - 1;
	case POL_CLOCK:
		while (m->frames[m->r.hand].use) {
			os_clear_use(m, m->r.hand, &tlbn);
			(*cleared)++;
			m->r.hand = (m->r.hand + 1) % m->c.frames;
		}
		f = m->r.hand;
		m->r.hand = (m->r.hand + 1) % m->c.frames;
		return f;
	case POL_RANDOM:
		return rng_next(m) % m->c.frames;
	case POL_OPT:
		return opt_victim(m, fidx);
	}
	return 0;
}
