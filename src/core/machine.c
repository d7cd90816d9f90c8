/*
 * machine.c - creating, copying and freeing the machine's storage: the
 * fixed arrays, the chunked pools of records, page objects and table
 * frames, the (process, page) -> record map, and the seeded generator.
 * A copy (machine_clone) is a checkpoint for `back`.
 */
#include <stdlib.h>
#include <string.h>

#include "machine.h"

struct rec *
rec_at(const struct machine *m, uint32_t i)
{
	return &m->recs[i / POOL_CHUNK][i % POOL_CHUNK];
}

struct pobj *
pobj_at(const struct machine *m, uint32_t i)
{
	return &m->pobjs[i / POOL_CHUNK][i % POOL_CHUNK];
}

/* Table frames are numbered from the top of memory down. */
struct tframe *
tframe_at(const struct machine *m, uint64_t frame)
{
	uint64_t i = m->c.total_frames - 1 - frame;

	return &m->tfs[i / POOL_CHUNK][i % POOL_CHUNK];
}

static int
chunks_reserve(void ***chunks, size_t *nchunks, size_t need, size_t elem)
{
	size_t want = (need + POOL_CHUNK - 1) / POOL_CHUNK, i;
	void **n;

	if (want <= *nchunks)
		return 0;
	n = (void **)realloc(*chunks, want * sizeof *n);
	if (n == NULL)
		return -1;
	*chunks = n;
	for (i = *nchunks; i < want; i++) {
		n[i] = calloc(POOL_CHUNK, elem);
		if (n[i] == NULL) {
			*nchunks = i;
			return -1;
		}
	}
	*nchunks = want;
	return 0;
}

/* Make room for nrec more records, npobj more objects, ntf more table
 * frames (host storage only; nothing is journaled). */
int
pool_reserve(struct machine *m, uint32_t nrec, uint32_t npobj, uint64_t ntf)
{
	if (chunks_reserve((void ***)&m->recs, &m->nrecchunks,
	    (size_t)m->r.nrecs + nrec, sizeof(struct rec)) != 0 ||
	    chunks_reserve((void ***)&m->pobjs, &m->npobjchunks,
	    (size_t)m->r.npobjs + npobj, sizeof(struct pobj)) != 0 ||
	    chunks_reserve((void ***)&m->tfs, &m->ntfchunks,
	    (size_t)(m->r.ntframes + ntf), sizeof(struct tframe)) != 0) {
		m->oom = true;
		return -1;
	}
	return 0;
}

static size_t
rmap_hash(uint32_t proc, uint64_t vpn)
{
	uint64_t k = vpn * 0x9E3779B97F4A7C15ULL ^ (uint64_t)proc * 0xC2B2AE3D27D4EB4FULL;

	k ^= k >> 29;
	return (size_t)k;
}

/* The live record of proc's page vpn, or NONE32. */
uint32_t
rmap_find(const struct machine *m, uint32_t proc, uint64_t vpn)
{
	size_t i, mask = m->rmap_cap - 1;
	const struct rmap_slot *s;
	const struct rec *r;

	for (i = rmap_hash(proc, vpn) & mask;; i = (i + 1) & mask) {
		s = &m->rmap[i];
		if (s->proc == 0)
			return NONE32;
		if (s->proc == proc + 1 && s->vpn == vpn)
			break;
	}
	if (s->rec >= m->r.nrecs)
		return NONE32;
	r = rec_at(m, s->rec);
	if (!r->live || r->proc != proc || r->vpn != vpn)
		return NONE32;
	return s->rec;
}

static struct rmap_slot *
rmap_slot(struct rmap_slot *tab, size_t cap, uint32_t proc, uint64_t vpn)
{
	size_t i, mask = cap - 1;

	for (i = rmap_hash(proc, vpn) & mask;; i = (i + 1) & mask)
		if (tab[i].proc == 0 ||
		    (tab[i].proc == proc + 1 && tab[i].vpn == vpn))
			return &tab[i];
}

int
rmap_put(struct machine *m, uint32_t proc, uint64_t vpn, uint32_t rec)
{
	struct rmap_slot *s, *n;
	size_t i, cap;

	if ((m->rmap_n + 1) * 4 > m->rmap_cap * 3) {
		cap = m->rmap_cap * 2;
		n = (struct rmap_slot *)calloc(cap, sizeof *n);
		if (n == NULL) {
			m->oom = true;
			return -1;
		}
		for (i = 0; i < m->rmap_cap; i++)
			if (m->rmap[i].proc != 0)
				*rmap_slot(n, cap, m->rmap[i].proc - 1,
				    m->rmap[i].vpn) = m->rmap[i];
		free(m->rmap);
		m->rmap = n;
		m->rmap_cap = cap;
	}
	s = rmap_slot(m->rmap, m->rmap_cap, proc, vpn);
	if (s->proc == 0)
		m->rmap_n++;
	s->proc = proc + 1;
	s->vpn = vpn;
	s->rec = rec;
	return 0;
}

/* The rmap is an index over the records, not state: the journal does
 * not save it (its table moves when it grows), so undoing steps can leave
 * a slot naming a later record of the same page - unmapped and mapped
 * again - while the earlier record lives again.  Build it anew from the
 * live records, in m and its guests. */
void
rmap_rebuild(struct machine *m)
{
	const struct rec *r;
	uint32_t i;

	memset(m->rmap, 0, m->rmap_cap * sizeof *m->rmap);
	m->rmap_n = 0;
	for (i = 0; i < m->r.nrecs; i++) {
		r = rec_at(m, i);
		if (r->live)
			(void)rmap_put(m, r->proc, r->vpn, i);
	}
	for (i = 0; i < m->r.nvms; i++)
		rmap_rebuild(m->vms[i]);
}

/* splitmix64: the seeded generator of policy=random and tlb.policy=random
 * (documented in vmscope-scenario(5)). */
uint64_t
engine_splitmix(uint64_t *state)
{
	uint64_t z;

	*state += 0x9E3779B97F4A7C15ULL;
	z = *state;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

uint64_t
rng_next(struct machine *m)
{
	J(m, &m->r.rng, sizeof m->r.rng);
	return engine_splitmix(&m->r.rng);
}

static void
geometry(struct machine *m)
{
	const struct mconfig *c = &m->c;
	unsigned i, s = c->page_bits;
	uint64_t bytes;

	m->levels = c->levels;
	for (i = c->levels; i > 0; i--) {
		m->shift[i - 1] = s;
		s += c->split[i - 1];
		bytes = ((uint64_t)1 << c->split[i - 1]) * c->pte;
		m->tframes_per[i - 1] = (bytes + c->page - 1) / c->page;
	}
	m->va_mask = c->va == 64 ? ~0ull : ((1ull << c->va) - 1);
	if (c->format == FMT_X86) {
		m->addr_mask = (c->pa == 64 ? ~0ull : ((1ull << c->pa) - 1)) &
		    ~(c->page - 1);
		m->has_nx = c->pte == 8;
	} else if (c->pt == PT_RADIX)
		m->valid_bit = 1ull << (8 * c->pte - 1);
	if (c->pt == PT_INVERTED)
		m->has_nx = c->format == FMT_X86;
	m->tlb_ways = c->tlb_ways == 0 ? c->tlb : c->tlb_ways;
	m->tlb_sets = m->tlb_ways == 0 ? 0 : c->tlb / m->tlb_ways;
}

/*
 * Would the fixed structures of a machine pass its memory limit: the
 * pool's bookkeeping, or that of the frames of its largest page table
 * (a single-level table of 2^28 entries of 16-byte pages is 2^26 frames)?
 * 0, or -1 with the reason in e.
 */
static int
machine_fits(const struct machine *m, struct verr *e)
{
	const struct mconfig *c = &m->c;
	uint64_t max = c->max_memory, pool, big = 0, bytes;
	unsigned i, l = 0;
	char lim[32], took[32];

	if (max == 0)
		return 0;
	mcfg_size_text(max, lim, sizeof lim);
	pool = c->frames * (sizeof(struct frame) + sizeof(uint64_t));
	if (pool > max) {
		mcfg_size_text(pool, took, sizeof took);
		return verr_set(e, "frames", "frames=%llu: the pool's "
		    "bookkeeping alone takes %s, past the memory limit of %s "
		    "(vmscope --max-memory=SIZE or VMSCOPE_MAX_MEMORY=SIZE "
		    "sets the limit)", (unsigned long long)c->frames, took,
		    lim);
	}
	for (i = 0; c->pt == PT_RADIX && i < c->levels; i++)
		if (m->tframes_per[i] > big) {
			big = m->tframes_per[i];
			l = i;
		}
	bytes = big * sizeof(struct tframe);
	if (big > 0 && (bytes / sizeof(struct tframe) != big ||
	    bytes > max - pool))
		return verr_set(e, "split", "a page table of 2^%u entries of "
		    "%u bytes fills %llu pages of %llu bytes; keeping track of "
		    "them would pass the memory limit of %s (vmscope "
		    "--max-memory=SIZE or VMSCOPE_MAX_MEMORY=SIZE sets the "
		    "limit): give split= more levels", c->split[l], c->pte,
		    (unsigned long long)big, (unsigned long long)c->page, lim);
	return 0;
}

struct machine *
machine_new(const struct mconfig *c, struct verr *e)
{
	struct machine *m;
	uint64_t n;

	m = (struct machine *)calloc(1, sizeof *m);
	if (m == NULL)
		goto oom;
	m->c = *c;
	m->cpu = m;
	geometry(m);
	if (machine_fits(m, e) != 0) {
		free(m);
		return NULL;
	}
	m->phys = mem_new();
	m->disk = mem_new();
	m->frames = (struct frame *)calloc((size_t)c->frames,
	    sizeof *m->frames);
	m->tlb = (struct tlbe *)calloc(c->tlb ? c->tlb : 1, sizeof *m->tlb);
	m->procs = (struct proc *)calloc(MAX_PROCS, sizeof *m->procs);
	m->rmap_cap = 64;
	m->rmap = (struct rmap_slot *)calloc(m->rmap_cap, sizeof *m->rmap);
	if (m->phys == NULL || m->disk == NULL || m->frames == NULL ||
	    m->tlb == NULL || m->procs == NULL || m->rmap == NULL ||
	    tlb_index_new(m) != 0)
		goto oom;
	m->r.nfree = c->frames;
	m->r.rng = c->seed;
	if (c->pt == PT_INVERTED) {
		for (m->nbuckets = 1; m->nbuckets < c->frames;)
			m->nbuckets *= 2;
		n = (m->nbuckets * 4 + c->page - 1) / c->page;
		if (n + (c->frames * IPT_ENTRY + c->page - 1) / c->page >
		    os_tframes_left(m)) {
			verr_set(e, "frames", "no room above the pool for the "
			    "inverted table (%llu entries of 16 bytes) and its "
			    "hash anchor table (%llu buckets): use fewer "
			    "frames or a larger pa",
			    (unsigned long long)c->frames,
			    (unsigned long long)m->nbuckets);
			machine_free(m);
			return NULL;
		}
		if (pool_reserve(m, 0, 0, n + 1 +
		    (c->frames * IPT_ENTRY + c->page - 1) / c->page) != 0)
			goto oom;
		m->anchor_pa = os_alloc_tframes(m, n, NONE32, TF_ANCHOR, 0) *
		    c->page;
		n = (c->frames * IPT_ENTRY + c->page - 1) / c->page;
		m->ipt_pa = os_alloc_tframes(m, n, NONE32, TF_IPT, 0) *
		    c->page;
	}
	return m;
oom:
	machine_free(m);
	verr_set(e, NULL, "out of memory building the machine");
	return NULL;
}

static void
free_chunks(void **chunks, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(chunks[i]);
	free(chunks);
}

void
machine_free(struct machine *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < MAX_VMS; i++)
		machine_free(m->vms[i]);
	free(m->backing);
	free(m->shadow_of);
	mem_free(m->phys);
	mem_free(m->disk);
	free(m->frames);
	free(m->tlb);
	tlb_index_free(m);
	free(m->procs);
	free_chunks((void **)m->recs, m->nrecchunks);
	free_chunks((void **)m->pobjs, m->npobjchunks);
	free_chunks((void **)m->tfs, m->ntfchunks);
	free(m->rmap);
	free(m->scratch);
	free(m);
}

static void **
clone_chunks(void **src, size_t n, size_t elem)
{
	void **d;
	size_t i;

	d = (void **)calloc(n ? n : 1, sizeof *d);
	if (d == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		d[i] = malloc(POOL_CHUNK * elem);
		if (d[i] == NULL) {
			free_chunks(d, i);
			return NULL;
		}
		memcpy(d[i], src[i], POOL_CHUNK * elem);
	}
	return d;
}

/* A deep copy with no journal: a checkpoint, or a machine restored from
 * one. */
struct machine *
machine_clone(const struct machine *s)
{
	struct machine *m;
	size_t i;

	m = (struct machine *)malloc(sizeof *m);
	if (m == NULL)
		return NULL;
	*m = *s;
	m->jr = NULL;
	m->scratch = NULL;
	m->cpu = m;
	memset(m->vms, 0, sizeof m->vms);
	m->backing = NULL;
	m->shadow_of = NULL;
	m->phys = mem_clone(s->phys);
	m->disk = mem_clone(s->disk);
	m->frames = (struct frame *)malloc((size_t)s->c.frames *
	    sizeof *m->frames);
	m->tlb = (struct tlbe *)malloc((s->c.tlb ? s->c.tlb : 1) *
	    sizeof *m->tlb);
	m->procs = (struct proc *)malloc(MAX_PROCS * sizeof *m->procs);
	m->rmap = (struct rmap_slot *)malloc(s->rmap_cap * sizeof *m->rmap);
	m->recs = (struct rec **)clone_chunks((void **)s->recs,
	    s->nrecchunks, sizeof(struct rec));
	m->pobjs = (struct pobj **)clone_chunks((void **)s->pobjs,
	    s->npobjchunks, sizeof(struct pobj));
	m->tfs = (struct tframe **)clone_chunks((void **)s->tfs,
	    s->ntfchunks, sizeof(struct tframe));
	if (tlb_index_clone(m, s) != 0 ||
	    m->phys == NULL || m->disk == NULL || m->frames == NULL ||
	    m->tlb == NULL || m->procs == NULL || m->rmap == NULL ||
	    m->recs == NULL || m->pobjs == NULL || m->tfs == NULL) {
		if (m->recs == NULL)
			m->nrecchunks = 0;
		if (m->pobjs == NULL)
			m->npobjchunks = 0;
		if (m->tfs == NULL)
			m->ntfchunks = 0;
		machine_free(m);
		return NULL;
	}
	if (s->backing != NULL) {
		m->backing = (uint64_t *)malloc((size_t)s->gframes *
		    sizeof *m->backing);
		if (m->backing == NULL) {
			machine_free(m);
			return NULL;
		}
		memcpy(m->backing, s->backing, (size_t)s->gframes *
		    sizeof *m->backing);
	}
	if (s->shadow_of != NULL) {
		m->shadow_of = (uint64_t *)malloc((size_t)s->gframes *
		    sizeof *m->shadow_of);
		if (m->shadow_of == NULL) {
			machine_free(m);
			return NULL;
		}
		memcpy(m->shadow_of, s->shadow_of, (size_t)s->gframes *
		    sizeof *m->shadow_of);
	}
	for (i = 0; i < MAX_VMS; i++) {
		if (s->vms[i] == NULL)
			continue;
		if ((m->vms[i] = machine_clone(s->vms[i])) == NULL) {
			machine_free(m);
			return NULL;
		}
		m->vms[i]->cpu = m;
	}
	memcpy(m->frames, s->frames, (size_t)s->c.frames * sizeof *m->frames);
	memcpy(m->tlb, s->tlb, (s->c.tlb ? s->c.tlb : 1) * sizeof *m->tlb);
	memcpy(m->procs, s->procs, MAX_PROCS * sizeof *m->procs);
	memcpy(m->rmap, s->rmap, s->rmap_cap * sizeof *m->rmap);
	return m;
}

/* Roughly how many bytes a copy of the machine takes. */
size_t
machine_bytes(const struct machine *m)
{
	return (mem_nchunks(m->phys) + mem_nchunks(m->disk)) * MEM_CHUNK +
	    (size_t)m->c.frames * sizeof(struct frame) +
	    m->nrecchunks * POOL_CHUNK * sizeof(struct rec) +
	    m->npobjchunks * POOL_CHUNK * sizeof(struct pobj) +
	    m->ntfchunks * POOL_CHUNK * sizeof(struct tframe) +
	    m->rmap_cap * sizeof(struct rmap_slot) + tlb_index_bytes(m);
}

/* Point a machine and its guests at a journal (NULL: none). */
void
machine_set_journal(struct machine *m, struct journal *jr)
{
	size_t i;

	m->jr = jr;
	for (i = 0; i < MAX_VMS; i++)
		if (m->vms[i] != NULL)
			machine_set_journal(m->vms[i], jr);
}

uint64_t
vpn_of_va_m(const struct machine *m, uint64_t va)
{
	return (va & m->va_mask) >> m->c.page_bits;
}
