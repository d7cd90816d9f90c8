/*
 * tlb.c - the translation lookaside buffer: tlb entries in sets of
 * tlb.ways ways (one set when fully associative), set index = VPN mod
 * sets.  An entry is tagged by VPN, ASID and VPID (0 for the host) and
 * holds the frame, the rights combined over the walk, the dirty bit, and
 * (for the model) the leaf entry's address and the frame in the
 * translation's own physical space (a guest's gfn).  Replacement in a
 * set: an invalid way first (the lowest), then LRU (oldest use), FIFO
 * (oldest fill) or the seeded generator.  A guest's machine uses its
 * host's TLB (m->cpu); its VPID tags its entries.
 *
 * The entries are the state; beside them a large TLB keeps indexes that
 * only make it fast, every change journaled like the entries (so `back`
 * restores them with the entries) and every answer the same as a scan's:
 *   - with more than TLB_SCAN_ENTRIES entries, the frame index: a hash
 *     of (VPID, frame) to the chain of the valid entries that map the
 *     frame, so that dropping a frame's entries (the OS clearing a use
 *     bit, an eviction) costs O(1), not a scan of the whole TLB;
 *   - with more than TLB_SCAN_WAYS ways (a large set, or a fully
 *     associative TLB): the key index, a hash of (VPN, ASID, VPID) to
 *     the chain of the valid entries with that tag, so that a probe is
 *     O(1); per set, the order of the valid entries by stamp (a list:
 *     the oldest use under LRU, the oldest fill under FIFO, at its head)
 *     and a bitmap of the valid ways, so that choosing a victim is O(1)
 *     too.
 * A small TLB is scanned: that is as fast as keeping an index.
 */
#include <stdlib.h>
#include <string.h>

#include "machine.h"

/* The lists an entry is on (struct tlbl). */
enum { LK_KEY, LK_FRAME, LK_SET };

static uint32_t
mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return (uint32_t)k;
}

static uint32_t *
key_bucket(const struct machine *c, uint64_t vpn, uint32_t asid,
    uint32_t vpid)
{
	return &c->tlb_kb[mix(vpn + asid * 0x9E3779B97F4A7C15ULL +
	    ((uint64_t)vpid << 48)) & c->tlb_kmask];
}

static uint32_t *
frame_bucket(const struct machine *c, uint64_t gframe, uint32_t vpid)
{
	return &c->tlb_fb[mix(gframe + vpid * 0x9E3779B97F4A7C15ULL) &
	    c->tlb_fmask];
}

/* Put slot s at the head of list w (head *head, tail *tail or NULL);
 * m journals (a guest's machine, or the CPU's), c holds the TLB. */
static void
lk_push(struct machine *m, struct machine *c, unsigned w, uint32_t s,
    uint32_t *head, uint32_t *tail)
{
	struct tlbl *l = &c->tlbl[s];
	uint32_t h = *head;

	J(m, &l->next[w], sizeof l->next[w]);
	J(m, &l->prev[w], sizeof l->prev[w]);
	l->next[w] = h;
	l->prev[w] = 0;
	if (h != 0) {
		J(m, &c->tlbl[h - 1].prev[w], sizeof l->prev[w]);
		c->tlbl[h - 1].prev[w] = s + 1;
	} else if (tail != NULL) {
		J(m, tail, sizeof *tail);
		*tail = s + 1;
	}
	J(m, head, sizeof *head);
	*head = s + 1;
}

/* Put slot s at the tail of list w. */
static void
lk_append(struct machine *m, struct machine *c, unsigned w, uint32_t s,
    uint32_t *head, uint32_t *tail)
{
	struct tlbl *l = &c->tlbl[s];
	uint32_t t = *tail;

	J(m, &l->next[w], sizeof l->next[w]);
	J(m, &l->prev[w], sizeof l->prev[w]);
	l->next[w] = 0;
	l->prev[w] = t;
	if (t != 0) {
		J(m, &c->tlbl[t - 1].next[w], sizeof l->next[w]);
		c->tlbl[t - 1].next[w] = s + 1;
	} else {
		J(m, head, sizeof *head);
		*head = s + 1;
	}
	J(m, tail, sizeof *tail);
	*tail = s + 1;
}

/* Take slot s off list w. */
static void
lk_remove(struct machine *m, struct machine *c, unsigned w, uint32_t s,
    uint32_t *head, uint32_t *tail)
{
	struct tlbl *l = &c->tlbl[s];
	uint32_t p = l->prev[w], n = l->next[w];

	if (p != 0) {
		J(m, &c->tlbl[p - 1].next[w], sizeof l->next[w]);
		c->tlbl[p - 1].next[w] = n;
	} else {
		J(m, head, sizeof *head);
		*head = n;
	}
	if (n != 0) {
		J(m, &c->tlbl[n - 1].prev[w], sizeof l->prev[w]);
		c->tlbl[n - 1].prev[w] = p;
	} else if (tail != NULL) {
		J(m, tail, sizeof *tail);
		*tail = p;
	}
	J(m, &l->next[w], sizeof l->next[w]);
	J(m, &l->prev[w], sizeof l->prev[w]);
	l->next[w] = l->prev[w] = 0;
}

static unsigned
set_of_slot(const struct machine *c, uint32_t s)
{
	return s / c->tlb_ways;
}

static void
vmap_set(struct machine *m, struct machine *c, uint32_t s, bool valid)
{
	unsigned w = s % c->tlb_ways;
	uint64_t *word = &c->tlb_vmap[(size_t)set_of_slot(c, s) *
	    c->tlb_vwords + w / 64];

	J(m, word, sizeof *word);
	if (valid)
		*word |= 1ull << (w % 64);
	else
		*word &= ~(1ull << (w % 64));
}

/* Slot s (valid) joins the indexes. */
static void
index_add(struct machine *m, struct machine *c, uint32_t s)
{
	const struct tlbe *t = &c->tlb[s];
	uint32_t *lru;

	if (c->tlb_fidx)
		lk_push(m, c, LK_FRAME, s, frame_bucket(c, t->gframe,
		    t->vpid), NULL);
	if (!c->tlb_indexed)
		return;
	lk_push(m, c, LK_KEY, s, key_bucket(c, t->vpn, t->asid, t->vpid),
	    NULL);
	lru = &c->tlb_lru[2 * set_of_slot(c, s)];
	lk_append(m, c, LK_SET, s, &lru[0], &lru[1]);
	vmap_set(m, c, s, true);
}

/* Slot s (valid, its tag and frame still in place) leaves them. */
static void
index_remove(struct machine *m, struct machine *c, uint32_t s)
{
	const struct tlbe *t = &c->tlb[s];
	uint32_t *lru;

	if (c->tlb_fidx)
		lk_remove(m, c, LK_FRAME, s, frame_bucket(c, t->gframe,
		    t->vpid), NULL);
	if (!c->tlb_indexed)
		return;
	lk_remove(m, c, LK_KEY, s, key_bucket(c, t->vpn, t->asid, t->vpid),
	    NULL);
	lru = &c->tlb_lru[2 * set_of_slot(c, s)];
	lk_remove(m, c, LK_SET, s, &lru[0], &lru[1]);
	vmap_set(m, c, s, false);
}

/* ---- the indexes' storage (machine.c creates, copies, frees) ---- */

int
tlb_index_new(struct machine *m)
{
	const struct mconfig *c = &m->c;
	size_t n = c->tlb ? c->tlb : 1, b = 1, sets;

	while (b < n)
		b *= 2;
	m->tlb_fidx = c->tlb > TLB_SCAN_ENTRIES;
	m->tlb_indexed = m->tlb_ways > TLB_SCAN_WAYS;
	m->tlb_vwords = (m->tlb_ways + 63) / 64;
	sets = m->tlb_sets ? m->tlb_sets : 1;
	m->tlbl = (struct tlbl *)calloc(n, sizeof *m->tlbl);
	if (m->tlbl == NULL)
		return -1;
	if (m->tlb_fidx) {
		m->tlb_fb = (uint32_t *)calloc(b, sizeof *m->tlb_fb);
		m->tlb_fmask = (uint32_t)(b - 1);
		if (m->tlb_fb == NULL)
			return -1;
	}
	if (!m->tlb_indexed)
		return 0;
	m->tlb_kb = (uint32_t *)calloc(b, sizeof *m->tlb_kb);
	m->tlb_kmask = (uint32_t)(b - 1);
	m->tlb_lru = (uint32_t *)calloc(2 * sets, sizeof *m->tlb_lru);
	m->tlb_vmap = (uint64_t *)calloc(sets * m->tlb_vwords,
	    sizeof *m->tlb_vmap);
	if (m->tlb_kb == NULL || m->tlb_lru == NULL || m->tlb_vmap == NULL)
		return -1;
	return 0;
}

static void *
dup(const void *p, size_t n)
{
	void *d;

	if (p == NULL)
		return NULL;
	d = malloc(n);
	if (d != NULL)
		memcpy(d, p, n);
	return d;
}

/* m is a bytewise copy of s: give it copies of s's indexes. */
int
tlb_index_clone(struct machine *m, const struct machine *s)
{
	size_t n = s->c.tlb ? s->c.tlb : 1, sets = s->tlb_sets ?
	    s->tlb_sets : 1;

	m->tlbl = (struct tlbl *)dup(s->tlbl, n * sizeof *s->tlbl);
	m->tlb_fb = (uint32_t *)dup(s->tlb_fb, ((size_t)s->tlb_fmask + 1) *
	    sizeof *s->tlb_fb);
	m->tlb_kb = (uint32_t *)dup(s->tlb_kb, ((size_t)s->tlb_kmask + 1) *
	    sizeof *s->tlb_kb);
	m->tlb_lru = (uint32_t *)dup(s->tlb_lru, 2 * sets *
	    sizeof *s->tlb_lru);
	m->tlb_vmap = (uint64_t *)dup(s->tlb_vmap, sets * s->tlb_vwords *
	    sizeof *s->tlb_vmap);
	if (m->tlbl == NULL || (s->tlb_fidx && m->tlb_fb == NULL) ||
	    (s->tlb_indexed && (m->tlb_kb == NULL || m->tlb_lru == NULL ||
	    m->tlb_vmap == NULL)))
		return -1;
	return 0;
}

void
tlb_index_free(struct machine *m)
{
	free(m->tlbl);
	free(m->tlb_fb);
	free(m->tlb_kb);
	free(m->tlb_lru);
	free(m->tlb_vmap);
}

size_t
tlb_index_bytes(const struct machine *m)
{
	size_t n = m->c.tlb ? m->c.tlb : 1, sets = m->tlb_sets ?
	    m->tlb_sets : 1;

	return n * sizeof(struct tlbl) + (m->tlb_fidx ?
	    ((size_t)m->tlb_fmask + 1) * sizeof(uint32_t) : 0) +
	    (m->tlb_indexed ? ((size_t)m->tlb_kmask + 1) *
	    sizeof(uint32_t) + sets * (2 * sizeof(uint32_t) + m->tlb_vwords *
	    sizeof(uint64_t)) : 0);
}

/* ---- the TLB ---- */

/* A probe through the key index (tlb_probe, many ways): the lowest
 * valid slot with the tag, as a scan of the set finds it. */
bool
tlb_probe_index(const struct machine *c, uint32_t asid, uint64_t vpn,
    uint32_t vpid, uint32_t *slot)
{
	uint32_t i, best = NONE32;
	const struct tlbe *t;

	for (i = *key_bucket(c, vpn, asid, vpid); i != 0;
	    i = c->tlbl[i - 1].next[LK_KEY]) {
		t = &c->tlb[i - 1];
		if (t->valid && t->vpn == vpn && t->asid == asid &&
		    t->vpid == vpid && i - 1 < best)
			best = i - 1;
	}
	if (best == NONE32)
		return false;
	*slot = best;
	return true;
}

void
tlb_touch(struct machine *m, uint32_t slot)
{
	struct machine *c = m->cpu;
	struct tlbe *t = &c->tlb[slot];
	uint32_t *lru;

	if (c->c.tlb_policy != TLBP_LRU)
		return;
	J(m, t, sizeof *t);
	t->stamp = ++c->r.tlb_clock;
	if (c->tlb_indexed) {
		lru = &c->tlb_lru[2 * set_of_slot(c, slot)];
		if (lru[1] != slot + 1) {
			lk_remove(m, c, LK_SET, slot, &lru[0], &lru[1]);
			lk_append(m, c, LK_SET, slot, &lru[0], &lru[1]);
		}
	}
}

/* The index of the lowest clear bit of x (x is not all ones). */
static unsigned
lowest_zero(uint64_t x)
{
#if defined(__GNUC__)
	return (unsigned)__builtin_ctzll(~x);
#else
	unsigned b = 0;

	while (x & 1) {
		x >>= 1;
		b++;
	}
	return b;
#endif
}

/* The way a fill takes in the set at base: the lowest invalid way, else
 * the policy's victim (*evicted). */
static uint32_t
fill_way(struct machine *c, unsigned base, bool *evicted)
{
	const uint64_t *vm;
	unsigned i, w;
	uint32_t v = base;

	*evicted = false;
	if (c->tlb_indexed) {
		vm = &c->tlb_vmap[(size_t)(base / c->tlb_ways) * c->tlb_vwords];
		for (i = 0; i < c->tlb_vwords; i++)
			if (~vm[i] != 0) {
				w = i * 64 + lowest_zero(vm[i]);
				if (w < c->tlb_ways)
					return base + w;
				break;
			}
	} else
		for (i = 0; i < c->tlb_ways; i++)
			if (!c->tlb[base + i].valid)
				return base + i;
	*evicted = true;
	if (c->c.tlb_policy == TLBP_RANDOM)
		return base + (uint32_t)(rng_next(c) % c->tlb_ways);
	if (c->tlb_indexed)
		return c->tlb_lru[2 * (base / c->tlb_ways)] - 1;
	for (i = 1; i < c->tlb_ways; i++)
		if (c->tlb[base + i].stamp < c->tlb[v].stamp)
			v = base + i;
	return v;
}

uint32_t
tlb_fill(struct machine *m, uint32_t asid, uint64_t vpn, uint64_t frame,
    uint64_t gframe, uint64_t pte_pa, uint8_t w, uint8_t u, uint8_t nx,
    uint8_t dirty, bool *evicted, uint64_t *old_vpn)
{
	struct machine *c = m->cpu;
	unsigned base = tlb_set_of(m, vpn) * c->tlb_ways;
	uint32_t v = fill_way(c, base, evicted);
	struct tlbe *t = &c->tlb[v];

	if (*evicted)
		*old_vpn = t->vpn;
	if (t->valid)
		index_remove(m, c, v);
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
	index_add(m, c, v);
	return v;
}

static void
drop(struct machine *m, uint32_t s)
{
	struct machine *c = m->cpu;
	struct tlbe *t = &c->tlb[s];

	index_remove(m, c, s);
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
			drop(m, i);
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
	drop(m, slot);
	return 1;
}

/* The entries of m's address spaces that map frame (in m's own physical
 * space): the chain of its frame bucket, or a scan. */
uint64_t
tlb_flush_frame(struct machine *m, uint64_t frame)
{
	struct machine *c = m->cpu;
	const struct tlbe *t;
	uint64_t n = 0;
	uint32_t i, next;

	if (!c->tlb_fidx) {
		for (i = 0; i < c->c.tlb; i++)
			if (c->tlb[i].valid && c->tlb[i].vpid == m->vpid &&
			    c->tlb[i].gframe == frame) {
				drop(m, i);
				n++;
			}
		return n;
	}
	for (i = *frame_bucket(c, frame, m->vpid); i != 0; i = next) {
		next = c->tlbl[i - 1].next[LK_FRAME];
		t = &c->tlb[i - 1];
		if (t->valid && t->vpid == m->vpid && t->gframe == frame) {
			drop(m, i - 1);
			n++;
		}
	}
	return n;
}
