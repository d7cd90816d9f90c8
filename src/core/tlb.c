/*
 * tlb.c - the translation lookaside buffer: tlb entries in sets of
 * tlb.ways ways (one set when fully associative), set index = VPN mod
 * sets.  An entry is tagged by VPN, ASID and VPID (0 for the host) and
 * holds the frame, the rights combined over the walk, the dirty bit, and
 * (for the model) the leaf entry's address and the frame in the
 * translation's own physical space (a guest's gfn).  Replacement in a
 * set: an invalid way first, then LRU (oldest use), FIFO (oldest fill)
 * or the seeded generator.  A guest's machine uses its host's TLB
 * (m->cpu); its VPID tags its entries.
 */
#include "machine.h"

bool
tlb_probe(struct machine *m, uint32_t asid, uint64_t vpn, uint32_t *slot)
{
	const struct machine *c = m->cpu;
	unsigned w, base = tlb_set_of(m, vpn) * c->tlb_ways;
	const struct tlbe *t;

	for (w = 0; w < c->tlb_ways; w++) {
		t = &c->tlb[base + w];
		if (t->valid && t->vpn == vpn && t->asid == asid &&
		    t->vpid == m->vpid) {
			*slot = base + w;
			return true;
		}
	}
	return false;
}

void
tlb_touch(struct machine *m, uint32_t slot)
{
	struct tlbe *t = &m->cpu->tlb[slot];

	if (m->cpu->c.tlb_policy != TLBP_LRU)
		return;
	J(m, t, sizeof *t);
	t->stamp = ++m->cpu->r.tlb_clock;
}

uint32_t
tlb_fill(struct machine *m, uint32_t asid, uint64_t vpn, uint64_t frame,
    uint64_t gframe, uint64_t pte_pa, uint8_t w, uint8_t u, uint8_t nx,
    uint8_t dirty, bool *evicted, uint64_t *old_vpn)
{
	struct machine *c = m->cpu;
	unsigned i, base = tlb_set_of(m, vpn) * c->tlb_ways;
	uint32_t v = base;
	struct tlbe *t;

	*evicted = false;
	for (i = 0; i < c->tlb_ways; i++)
		if (!c->tlb[base + i].valid) {
			v = base + i;
			goto fill;
		}
	if (c->c.tlb_policy == TLBP_RANDOM)
		v = base + (uint32_t)(rng_next(c) % c->tlb_ways);
	else
		for (i = 1; i < c->tlb_ways; i++)
			if (c->tlb[base + i].stamp < c->tlb[v].stamp)
				v = base + i;
	*evicted = true;
	*old_vpn = c->tlb[v].vpn;
fill:
	t = &c->tlb[v];
	J(m, t, sizeof *t);
	t->valid = 1;
	t->vpn = vpn;
	t->asid = asid;
	t->vpid = m->vpid;
	t->frame = frame;
	t->gframe = gframe;
	t->pte_pa = pte_pa;
	t->w = w;
	t->u = u;
	t->nx = nx;
	t->dirty = dirty;
	t->stamp = ++c->r.tlb_clock;
	return v;
}

static void
drop(struct machine *m, struct tlbe *t)
{
	J(m, t, sizeof *t);
	t->valid = 0;
}

/* Every entry (a CR3 load, VM entry or exit with untagged entries). */
uint64_t
tlb_flush_all(struct machine *m)
{
	struct machine *c = m->cpu;
	uint64_t n = 0;
	unsigned i;

	for (i = 0; i < c->c.tlb; i++)
		if (c->tlb[i].valid) {
			drop(m, &c->tlb[i]);
			n++;
		}
	return n;
}

uint64_t
tlb_flush_page(struct machine *m, uint32_t asid, uint64_t vpn)
{
	uint32_t slot;

	if (m->cpu->c.tlb == 0 || !tlb_probe(m, asid, vpn, &slot))
		return 0;
	drop(m, &m->cpu->tlb[slot]);
	return 1;
}

/* The entries of m's address spaces that map frame (in m's own physical
 * space). */
uint64_t
tlb_flush_frame(struct machine *m, uint64_t frame)
{
	struct machine *c = m->cpu;
	uint64_t n = 0;
	unsigned i;

	for (i = 0; i < c->c.tlb; i++)
		if (c->tlb[i].valid && c->tlb[i].vpid == m->vpid &&
		    c->tlb[i].gframe == frame) {
			drop(m, &c->tlb[i]);
			n++;
		}
	return n;
}
