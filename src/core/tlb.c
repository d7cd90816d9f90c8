/*
 * tlb.c - the translation lookaside buffer: tlb entries in sets of
 * tlb.ways ways (one set when fully associative), set index = VPN mod
 * sets.  An entry is tagged by VPN and ASID and holds the frame, the
 * rights combined over the walk, the dirty bit, and (for the model) the
 * leaf entry's address.  Replacement in a set: an invalid way first, then
 * LRU (oldest use), FIFO (oldest fill) or the seeded generator.
 */
#include "machine.h"

unsigned
tlb_set_of(const struct machine *m, uint64_t vpn)
{
	if ((m->tlb_sets & (m->tlb_sets - 1)) == 0)
		return (unsigned)(vpn & (m->tlb_sets - 1));
	return (unsigned)(vpn % m->tlb_sets);
}

bool
tlb_probe(struct machine *m, uint32_t asid, uint64_t vpn, uint32_t *slot)
{
	unsigned w, base = tlb_set_of(m, vpn) * m->tlb_ways;
	const struct tlbe *t;

	for (w = 0; w < m->tlb_ways; w++) {
		t = &m->tlb[base + w];
		if (t->valid && t->vpn == vpn && t->asid == asid) {
			*slot = base + w;
			return true;
		}
	}
	return false;
}

void
tlb_touch(struct machine *m, uint32_t slot)
{
	struct tlbe *t = &m->tlb[slot];

	if (m->c.tlb_policy != TLBP_LRU)
		return;
	J(m, t, sizeof *t);
	t->stamp = ++m->r.tlb_clock;
}

uint32_t
tlb_fill(struct machine *m, uint32_t asid, uint64_t vpn, uint64_t frame,
    uint64_t pte_pa, uint8_t w, uint8_t u, uint8_t nx, uint8_t dirty,
    bool *evicted, uint64_t *old_vpn)
{
	unsigned i, base = tlb_set_of(m, vpn) * m->tlb_ways;
	uint32_t v = base;
	struct tlbe *t;

	*evicted = false;
	for (i = 0; i < m->tlb_ways; i++)
		if (!m->tlb[base + i].valid) {
			v = base + i;
			goto fill;
		}
	if (m->c.tlb_policy == TLBP_RANDOM)
		v = base + (uint32_t)(rng_next(m) % m->tlb_ways);
	else
		for (i = 1; i < m->tlb_ways; i++)
			if (m->tlb[base + i].stamp < m->tlb[v].stamp)
				v = base + i;
	*evicted = true;
	*old_vpn = m->tlb[v].vpn;
fill:
	t = &m->tlb[v];
	J(m, t, sizeof *t);
	t->valid = 1;
	t->vpn = vpn;
	t->asid = asid;
	t->frame = frame;
	t->pte_pa = pte_pa;
	t->w = w;
	t->u = u;
	t->nx = nx;
	t->dirty = dirty;
	t->stamp = ++m->r.tlb_clock;
	return v;
}

static void
drop(struct machine *m, struct tlbe *t)
{
	J(m, t, sizeof *t);
	t->valid = 0;
}

uint64_t
tlb_flush_all(struct machine *m)
{
	uint64_t n = 0;
	unsigned i;

	for (i = 0; i < m->c.tlb; i++)
		if (m->tlb[i].valid) {
			drop(m, &m->tlb[i]);
			n++;
		}
	return n;
}

uint64_t
tlb_flush_page(struct machine *m, uint32_t asid, uint64_t vpn)
{
	uint32_t slot;

	if (m->c.tlb == 0 || !tlb_probe(m, asid, vpn, &slot))
		return 0;
	drop(m, &m->tlb[slot]);
	return 1;
}

uint64_t
tlb_flush_frame(struct machine *m, uint64_t frame)
{
	uint64_t n = 0;
	unsigned i;

	for (i = 0; i < m->c.tlb; i++)
		if (m->tlb[i].valid && m->tlb[i].frame == frame) {
			drop(m, &m->tlb[i]);
			n++;
		}
	return n;
}
