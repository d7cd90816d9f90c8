/*
 * test_fast.c - engine_run's fast path (src/core/fast.c) and the TLB's
 * indexes (src/core/tlb.c) against the micro-steps.  Random runs (many
 * seeds, a dozen machines: TLB sizes, ways and policies, every page
 * replacement policy, clock with clear.interval, no TLB, untagged
 * entries, an inverted table, simple entries, 48-bit addresses; reads,
 * writes and fetches of every size, kernel accesses, several processes,
 * a shared page, an anon process, switches, protect, unmap, map and
 * poke between the accesses) go through six engines at once:
 *   A  ENGINE_QUIET, engine_run (the fast path)
 *   B  ENGINE_QUIET, engine_submit + engine_step
 *   C  no flags, engine_run (the fast path fetching every value)
 *   D  no flags, engine_submit + engine_step
 *   E  ENGINE_JOURNAL, engine_submit + engine_step, now and then going
 *      back a few steps and forward again
 *   F  as B, but with the TLB's indexes turned off: every probe, every
 *      victim and every flush of a frame by a scan; and under policy=opt
 *      without the next-use table, every victim chosen by looking ahead
 *      (its frames then keep no next use, so its fingerprint is not
 *      compared there: the victims show in every expect value)
 * After every operation: the same refusal or none, every expect value
 * and engine_stats equal in all six, the same position, the state
 * fingerprints of A, B and F equal and those of C and D (a quiet engine
 * leaves the value of a read in memory, so the groups differ in that;
 * on the two largest machines every 16th operation and the last, as a
 * fingerprint hashes all of memory), and in every engine the TLB's
 * indexes consistent with its entries.
 * And the fast path must have ended at least a fifth of the accesses
 * itself (the rest it hands over, or takes back after a page fault).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/engine_int.h"
#include "core/machine.h"
#include "helpers.h"

#define NENG	6
#define NSEEDS	4
#define MAXOPS	2064	/* operations of a run, set-up included */

static const unsigned eng_flags[NENG] = { ENGINE_QUIET, ENGINE_QUIET, 0, 0,
	ENGINE_JOURNAL, ENGINE_QUIET };
static const bool eng_fast[NENG] = { true, false, true, false, false, false };

/* ---- the machines ---- */

struct mspec {
	const char *name;
	unsigned va, pa;
	uint64_t page, frames;
	unsigned tlb, ways;		/* ways 0: fully associative */
	enum tlb_policy tlbp;
	enum policy pol;
	uint64_t clear;			/* clear.interval */
	bool inverted, simple, untagged, anon;
	bool noshare;			/* no shared page (OPT then chooses
					 * from its next-use table) */
	unsigned levels;		/* 0: the default split */
	unsigned window;		/* pages of each process's region */
	unsigned nops;			/* operations after the set-up */
	unsigned hot;			/* % of accesses to a few hot pages */
	unsigned every;			/* fingerprints compared each N ops */
};

static const struct mspec specs[] = {
	{ .name = "lru, 16-entry full TLB", .va = 16, .pa = 16, .page = 256,
	  .frames = 8, .tlb = 16, .tlbp = TLBP_LRU, .pol = POL_LRU,
	  .anon = true, .window = 24, .nops = 500, .hot = 60, .every = 1 },
	{ .name = "fifo, 2-way fifo TLB", .va = 20, .pa = 18, .page = 512,
	  .frames = 6, .tlb = 8, .ways = 2, .tlbp = TLBP_FIFO,
	  .pol = POL_FIFO, .window = 20, .nops = 500, .hot = 60,
	  .every = 1 },
	{ .name = "clock, clear.interval 5, 4-way", .va = 24, .pa = 20,
	  .page = 4096, .frames = 6, .tlb = 12, .ways = 4, .tlbp = TLBP_LRU,
	  .pol = POL_CLOCK, .clear = 5, .anon = true, .window = 16,
	  .nops = 500, .hot = 60, .every = 1 },
	{ .name = "clock, 64-entry full random TLB", .va = 20, .pa = 18,
	  .page = 256, .frames = 10, .tlb = 64, .tlbp = TLBP_RANDOM,
	  .pol = POL_CLOCK, .clear = 11, .window = 40, .nops = 500,
	  .hot = 30, .every = 1 },
	{ .name = "random, no TLB", .va = 16, .pa = 16, .page = 256,
	  .frames = 5, .tlb = 0, .pol = POL_RANDOM, .anon = true,
	  .window = 16, .nops = 500, .hot = 60, .every = 1 },
	{ .name = "inverted table, lru", .va = 20, .pa = 18, .page = 256,
	  .frames = 8, .tlb = 16, .ways = 4, .tlbp = TLBP_LRU,
	  .pol = POL_LRU, .inverted = true, .anon = true, .window = 20,
	  .nops = 500, .hot = 60, .every = 1 },
	{ .name = "simple entries, one level, fifo", .va = 12, .pa = 12,
	  .page = 64, .frames = 8, .tlb = 4, .tlbp = TLBP_LRU,
	  .pol = POL_FIFO, .simple = true, .levels = 1, .window = 16,
	  .nops = 500, .hot = 60, .every = 1 },
	{ .name = "48-bit, 4 levels, 16-way sets", .va = 48, .pa = 32,
	  .page = 4096, .frames = 8, .tlb = 32, .ways = 16,
	  .tlbp = TLBP_LRU, .pol = POL_LRU, .anon = true, .window = 24,
	  .nops = 500, .hot = 60, .every = 1 },
	{ .name = "opt, 8-way", .va = 16, .pa = 16, .page = 256,
	  .frames = 6, .tlb = 8, .ways = 8, .tlbp = TLBP_FIFO,
	  .pol = POL_OPT, .window = 20, .nops = 500, .hot = 60,
	  .every = 1 },
	{ .name = "opt, no shared page, anon", .va = 16, .pa = 16,
	  .page = 256, .frames = 6, .tlb = 8, .ways = 2, .tlbp = TLBP_LRU,
	  .pol = POL_OPT, .noshare = true, .anon = true, .window = 20,
	  .nops = 700, .hot = 50, .every = 1 },
	{ .name = "clock, untagged full TLB", .va = 16, .pa = 16,
	  .page = 256, .frames = 7, .tlb = 16, .tlbp = TLBP_FIFO,
	  .pol = POL_CLOCK, .untagged = true, .anon = true, .window = 20,
	  .nops = 500, .hot = 60, .every = 1 },
	{ .name = "lru, 512-entry full TLB", .va = 24, .pa = 20,
	  .page = 256, .frames = 640, .tlb = 512, .tlbp = TLBP_LRU,
	  .pol = POL_LRU, .window = 900, .nops = 2000,
	  .hot = 10, .every = 16 },
	{ .name = "clock, 256-entry fifo TLB, 32-way", .va = 24, .pa = 20,
	  .page = 256, .frames = 300, .tlb = 256, .ways = 32,
	  .tlbp = TLBP_FIFO, .pol = POL_CLOCK, .anon = true, .window = 700,
	  .nops = 1500, .hot = 20, .every = 16 },
};
#define NSPECS (sizeof specs / sizeof specs[0])

static void
spec_config(const struct mspec *s, struct mconfig *c)
{
	struct verr err;

	th_config(c, s->va, s->pa, s->frames);
	c->page = s->page;
	c->tlb = s->tlb;
	c->tlb_ways = s->ways;
	c->set |= MCFG_SET_TLBWAYS;
	c->tlb_policy = s->tlbp;
	c->policy = s->pol;
	c->clear_interval = s->clear;
	c->tlb_tags = !s->untagged;
	c->seed = 7;
	if (s->inverted)
		c->pt = PT_INVERTED;
	if (s->simple) {
		c->format = FMT_SIMPLE;
		c->set |= MCFG_SET_FORMAT;
	}
	if (s->levels == 1) {
		c->levels = 1;
		c->split[0] = s->va - 6;	/* page = 64 */
		c->set |= MCFG_SET_SPLIT;
	}
	if (mcfg_finish(c, &err) != 0)
		fail_msg("%s: %s", s->name, err.msg);
}

/* ---- the operations of a run ---- */

static uint64_t rng;

static uint64_t
rnd(void)
{
	return engine_splitmix(&rng);
}

static uint64_t
below(uint64_t n)
{
	return rnd() % n;
}

struct run {
	const struct mspec *s;
	struct mconfig c;
	struct op ops[MAXOPS];
	size_t nops;
	struct future_ref fut[MAXOPS];
	size_t nfut;
	uint8_t pokes[MAXOPS][8];
	const char *procs[3];
	unsigned nprocs;
};

static struct op *
add(struct run *r, enum op_kind k)
{
	struct op *o;

	assert_true(r->nops < MAXOPS);
	o = &r->ops[r->nops++];
	op_init(o, k);
	return o;
}

static uint64_t
page_va(const struct run *r, uint64_t page)
{
	uint64_t va = page * r->c.page;

	if (r->c.va == 48)
		va += 0x7f0000000000ull;	/* high, still canonical */
	return va;
}

/* The set-up: processes p, q (and anon a), their regions. */
static void
gen_setup(struct run *r)
{
	const struct mspec *s = r->s;
	unsigned w = s->window;
	struct op *o;

	r->procs[0] = "p";
	r->procs[1] = "q";
	r->nprocs = 2;
	o = add(r, OP_PROCESS);
	strcpy(o->name, "p");
	o = add(r, OP_MAP);		/* most pages on disk */
	o->va = page_va(r, 0);
	o->pages = w - 4;
	o->disk = true;
	o = add(r, OP_MAP);		/* two resident pages */
	o->va = page_va(r, w - 4);
	o->pages = 2;
	if (!s->simple) {
		o->perm = PERM_R | PERM_X;
		o = add(r, OP_MAP);	/* a kernel page */
		o->va = page_va(r, w - 2);
		o->user = false;
		o->disk = true;
	}
	o = add(r, OP_PROCESS);
	strcpy(o->name, "q");
	o->asid = 9;
	o = add(r, OP_MAP);
	o->va = page_va(r, 1);
	o->pages = w / 2;
	o->disk = true;
	if (!s->inverted && !s->noshare) {
		o = add(r, OP_SHARE);	/* q's page 0 is p's page 0 */
		strcpy(o->name, "p");
		o->va = page_va(r, 0);
		o->va2 = page_va(r, 0);
	}
	if (s->anon) {
		o = add(r, OP_PROCESS);
		strcpy(o->name, "a");
		o->anon = true;
		r->procs[r->nprocs++] = "a";
	}
}

static void
gen_ops(struct run *r)
{
	static const unsigned perms[] = { PERM_R, PERM_R | PERM_W,
		PERM_R | PERM_X, PERM_R | PERM_W | PERM_X };
	static const unsigned sizes[] = { 1, 2, 4, 8 };
	const char *cur = r->procs[r->nprocs - 1];
	uint64_t k, page, off, span = r->s->window + 2, hot = below(span - 6);
	struct op *o;
	unsigned i, size;

	for (i = 0; i < r->s->nops; i++) {
		k = below(100);
		page = below(100) < r->s->hot ? hot + below(6) : below(span);
		if (k < 4) {
			o = add(r, OP_SWITCH);
			cur = r->procs[below(r->nprocs)];
			strcpy(o->name, cur);
			continue;
		}
		if (k < 6) {
			o = add(r, OP_PROTECT);
			o->va = page_va(r, page);
			o->perm = perms[below(4)];
			continue;
		}
		if (k < 7) {
			o = add(r, OP_UNMAP);
			o->va = page_va(r, page);
			continue;
		}
		if (k < 8) {
			o = add(r, OP_MAP);
			o->va = page_va(r, page);
			o->disk = below(2) == 0;
			continue;
		}
		if (k < 9) {
			o = add(r, OP_POKE);
			o->pa = below(r->c.frames) * r->c.page +
			    below(r->c.page - 8);
			o->nbytes = 1 + below(8);
			for (size = 0; size < 8; size++)
				r->pokes[r->nops - 1][size] =
				    (uint8_t)rnd();
			o->bytes = r->pokes[r->nops - 1];
			continue;
		}
		k = below(100);
		o = add(r, k < 50 ? OP_READ : k < 85 ? OP_WRITE : OP_EXEC);
		size = sizes[below(4)];
		if (size > r->c.page)
			size = 1;
		off = below(r->c.page / size) * size;
		o->va = page_va(r, page) + off;
		o->size = size;
		o->kernel = below(10) == 0;
		if (o->kind == OP_WRITE)
			o->value = size == 8 ? rnd() : rnd() &
			    ((1ull << (8 * size)) - 1);
		if (below(50) == 0)
			o->size = 3;	/* refused: not a size */
		o->fidx = (uint32_t)r->nfut;
		r->fut[r->nfut].proc = cur;
		r->fut[r->nfut].va = o->va;
		r->fut[r->nfut].machine = 0;
		r->nfut++;
	}
}

/* ---- comparing ---- */

/* The TLB's indexes hold exactly its valid entries, each where a scan
 * would find it, and each set's list is in stamp order. */
static void
check_indexes(const struct machine *m, const char *what)
{
	const struct tlbe *t;
	uint32_t s, i, n, w, slot, prev, *seen;
	unsigned set, sets = m->tlb_sets;
	size_t b;

	if (m->c.tlb == 0)
		return;
	seen = (uint32_t *)calloc(m->c.tlb, sizeof *seen);
	assert_non_null(seen);
	/* the frame chains: every valid entry once, links consistent */
	for (b = 0; m->tlb_fidx && b <= m->tlb_fmask; b++)
		for (prev = 0, i = m->tlb_fb[b]; i != 0;
		    prev = i, i = m->tlbl[i - 1].next[1]) {
			if (m->tlbl[i - 1].prev[1] != prev)
				fail_msg("%s: frame chain links", what);
			if (!m->tlb[i - 1].valid || seen[i - 1]++ != 0)
				fail_msg("%s: frame chain holds slot %u", what,
				    i - 1);
		}
	for (s = 0; m->tlb_fidx && s < m->c.tlb; s++)
		if ((seen[s] != 0) != (m->tlb[s].valid != 0))
			fail_msg("%s: slot %u valid %u, in frame chains %u",
			    what, s, m->tlb[s].valid, seen[s]);
	/* probes: the lowest matching way of the set */
	for (s = 0; s < m->c.tlb; s++) {
		t = &m->tlb[s];
		if (!t->valid)
			continue;
		set = (unsigned)(s / m->tlb_ways);
		for (w = 0; w < m->tlb_ways; w++) {
			const struct tlbe *u = &m->tlb[set * m->tlb_ways + w];

			if (u->valid && u->vpn == t->vpn && u->asid == t->asid &&
			    u->vpid == t->vpid)
				break;
		}
		if (t->vpid == 0) {
			if (!tlb_probe(m, t->asid, t->vpn, &slot) ||
			    slot != set * m->tlb_ways + w)
				fail_msg("%s: probe of slot %u", what, s);
		}
	}
	if (!m->tlb_indexed) {
		free(seen);
		return;
	}
	memset(seen, 0, m->c.tlb * sizeof *seen);
	for (b = 0; b <= m->tlb_kmask; b++)
		for (prev = 0, i = m->tlb_kb[b]; i != 0;
		    prev = i, i = m->tlbl[i - 1].next[0]) {
			if (m->tlbl[i - 1].prev[0] != prev)
				fail_msg("%s: key chain links", what);
			if (!m->tlb[i - 1].valid || seen[i - 1]++ != 0)
				fail_msg("%s: key chain holds slot %u", what,
				    i - 1);
		}
	for (set = 0; set < sets; set++) {
		n = 0;
		for (prev = 0, i = m->tlb_lru[2 * set]; i != 0;
		    prev = i, i = m->tlbl[i - 1].next[2]) {
			if (m->tlbl[i - 1].prev[2] != prev ||
			    (i - 1) / m->tlb_ways != set ||
			    !m->tlb[i - 1].valid)
				fail_msg("%s: set %u list", what, set);
			if (prev != 0 && m->tlb[prev - 1].stamp >=
			    m->tlb[i - 1].stamp)
				fail_msg("%s: set %u out of stamp order", what,
				    set);
			n++;
		}
		if (m->tlb_lru[2 * set + 1] != prev)
			fail_msg("%s: set %u tail", what, set);
		for (w = 0; w < m->tlb_ways; w++) {
			s = set * m->tlb_ways + w;
			if (((m->tlb_vmap[set * m->tlb_vwords + w / 64] >>
			    (w % 64)) & 1) != m->tlb[s].valid)
				fail_msg("%s: set %u bitmap, way %u", what, set,
				    w);
			n -= m->tlb[s].valid;
		}
		if (n != 0)
			fail_msg("%s: set %u list length", what, set);
	}
	for (s = 0; s < m->c.tlb; s++)
		if ((seen[s] != 0) != (m->tlb[s].valid != 0))
			fail_msg("%s: slot %u and the key chains", what, s);
	free(seen);
}

static void
compare(struct engine **e, const struct run *r, size_t op)
{
	struct engine_stats st[NENG];
	struct qval q[NENG];
	struct verr err;
	const char *name;
	char buf[32];
	int rc[NENG];
	unsigned i, k;

	for (i = 0; i < NENG; i++) {
		engine_stats(e[i], &st[i]);
		check_indexes(e[i]->m, r->s->name);
	}
	for (i = 1; i < NENG; i++) {
		if (memcmp(&st[0], &st[i], sizeof st[0]) != 0)
			fail_msg("%s, op %zu: engine %u's stats differ",
			    r->s->name, op, i);
		if (engine_position(e[0]) != engine_position(e[i]))
			fail_msg("%s, op %zu: engine %u at step %llu, not %llu",
			    r->s->name, op, i, (unsigned long long)
			    engine_position(e[i]), (unsigned long long)
			    engine_position(e[0]));
	}
	if (op % r->s->every != 0 && op + 1 != r->nops)
		return;
	if (engine_state_hash(e[0]) != engine_state_hash(e[1]))
		fail_msg("%s, op %zu: quiet fingerprints differ", r->s->name,
		    op);
	if (r->s->pol != POL_OPT &&
	    engine_state_hash(e[5]) != engine_state_hash(e[1]))
		fail_msg("%s, op %zu: the TLB's indexes choose otherwise than "
		    "a scan", r->s->name, op);
	if (engine_state_hash(e[2]) != engine_state_hash(e[3]))
		fail_msg("%s, op %zu: fingerprints differ", r->s->name, op);
	for (k = 0; engine_query_names[k] != NULL; k++) {
		name = engine_query_names[k];
		if (strcmp(name, "index.N") == 0)
			name = "index.1";
		else if (strcmp(name, "exits.NAME") == 0)
			name = "exits.exception";
		snprintf(buf, sizeof buf, "%s", name);
		for (i = 0; i < NENG; i++)
			rc[i] = engine_query(e[i], buf, &q[i], &err);
		for (i = 1; i < NENG; i++)
			if (rc[i] != rc[0] || q[i].kind != q[0].kind ||
			    q[i].num != q[0].num || (q[0].kind == QV_WORD &&
			    strcmp(q[i].word, q[0].word) != 0))
				fail_msg("%s, op %zu (%d): expect %s differs in "
				    "engine %u: %llu, not %llu", r->s->name, op,
				    (int)r->ops[op].kind, buf, i,
				    (unsigned long long)q[i].num,
				    (unsigned long long)q[0].num);
	}
}

/* Engine E goes back a few steps and forward again: the same state. */
static void
back_and_forth(struct engine *e, const struct run *r)
{
	uint64_t h = engine_state_hash(e), pos = engine_position(e), moved;
	struct verr err;

	if (engine_back(e, 1 + below(40), &moved, &err) != 0)
		fail_msg("back: %s", err.msg);
	if (engine_goto(e, pos, &err) != 0)
		fail_msg("goto: %s", err.msg);
	if (engine_position(e) != pos || engine_state_hash(e) != h)
		fail_msg("%s: back %llu and forward: another state",
		    r->s->name, (unsigned long long)moved);
}

static void
run_one(struct run *r, uint64_t seed)
{
	struct engine *e[NENG];
	struct verr err[NENG];
	struct event ev;
	int rc[NENG];
	size_t j, fast = 0, acc = 0;
	unsigned i;

	rng = seed * 0x1234567ull + 99;
	r->nops = r->nfut = 0;
	gen_setup(r);
	gen_ops(r);
	for (i = 0; i < NENG; i++) {
		e[i] = engine_new_future(&r->c, eng_flags[i], r->fut, r->nfut,
		    &err[0]);
		if (e[i] == NULL)
			fail_msg("%s: %s", r->s->name, err[0].msg);
	}
	e[5]->m->tlb_indexed = false;	/* scans */
	e[5]->m->tlb_fidx = false;
	e[5]->m->nxt = NULL;		/* OPT looks ahead */
	for (j = 0; j < r->nops; j++) {
		for (i = 0; i < NENG; i++) {
			err[i].msg[0] = '\0';
			if (eng_fast[i])
				rc[i] = engine_run(e[i], &r->ops[j], &err[i]);
			else {
				rc[i] = engine_submit(e[i], &r->ops[j],
				    &err[i]);
				while (rc[i] == 0 && engine_step(e[i], &ev))
					;
			}
		}
		for (i = 1; i < NENG; i++)
			if (rc[i] != rc[0] || strcmp(err[i].msg,
			    err[0].msg) != 0)
				fail_msg("%s, op %zu: engine %u: %d '%s', "
				    "engine 0: %d '%s'", r->s->name, j, i,
				    rc[i], err[i].msg, rc[0], err[0].msg);
		compare(e, r, j);
		if (j % 61 == 60)
			back_and_forth(e[4], r);
		if (rc[0] == 0 && (r->ops[j].kind == OP_READ ||
		    r->ops[j].kind == OP_WRITE || r->ops[j].kind == OP_EXEC)) {
			acc++;
			fast += e[0]->fast_idle;	/* ended in fast.c */
		}
	}
	/* the fast path did take the accesses, many of them to the end */
	if (fast * 5 < acc)
		fail_msg("%s: the fast path ended %zu of %zu accesses",
		    r->s->name, fast, acc);
	for (i = 0; i < NENG; i++)
		engine_free(e[i]);
}

static void
test_random_runs(void **state)
{
	static struct run r;
	unsigned i, seed;

	(void)state;
	for (i = 0; i < NSPECS; i++) {
		r.s = &specs[i];
		spec_config(r.s, &r.c);
		for (seed = 1; seed <= NSEEDS; seed++)
			run_one(&r, seed * 131 + i);
	}
}

/* A write hit on a clean TLB entry sets D in the page-table entry and
 * the TLB entry, exactly as the micro-steps do; a read hit does not;
 * and a write hit on a dirty TLB entry whose page-table entry lost its
 * D sets it again. */
static void
test_dirty_on_write_hit(void **state)
{
	struct mconfig c;
	struct engine *f, *s;
	struct verr err;
	struct op o;
	uint64_t pte;

	(void)state;
	th_config(&c, 32, 32, 16);
	assert_int_equal(mcfg_finish(&c, &err), 0);
	f = engine_new(&c, ENGINE_QUIET, &err);
	s = th_engine(&c);
	assert_non_null(f);
	op_init(&o, OP_PROCESS);
	strcpy(o.name, "p");
	assert_int_equal(engine_run(f, &o, &err), 0);
	th_run(s, &o);
	op_init(&o, OP_MAP);
	o.va = 0x10000;
	assert_int_equal(engine_run(f, &o, &err), 0);
	th_run(s, &o);
	th_access(s, OP_READ, 0x10004, 0);
	op_init(&o, OP_READ);
	o.va = 0x10004;
	assert_int_equal(engine_run(f, &o, &err), 0);	/* a miss: the fill */
	assert_int_equal(engine_run(f, &o, &err), 0);	/* a hit */
	th_access(s, OP_READ, 0x10004, 0);
	pte = th_qnum(s, "pte");
	assert_int_equal(pte & 0x40, 0);		/* clean */
	assert_int_equal(th_qnum(f, "pte"), pte);
	op_init(&o, OP_WRITE);
	o.va = 0x10008;
	o.value = 0x5a;
	assert_int_equal(engine_run(f, &o, &err), 0);
	th_access(s, OP_WRITE, 0x10008, 0x5a);
	assert_string_equal(th_qword(f, "tlb"), "hit");
	assert_int_equal(th_qnum(f, "pte") & 0x40, 0x40);
	assert_int_equal(th_qnum(f, "pte"), th_qnum(s, "pte"));
	assert_int_equal(f->m->tlb[f->m->r.tlb_slot].dirty, 1);
	assert_true(f->fast_idle);	/* the fast path did it all */

	/* a poke clears D behind the TLB's back: the next write hit (on
	 * a dirty TLB entry) sets it again, as the micro-steps do */
	pte = th_qnum(s, "pte") & ~0x40ull;
	th_poke_le(s, th_qnum(s, "pte.addr"), pte, 4);
	th_poke_le(f, th_qnum(f, "pte.addr"), pte, 4);
	assert_int_equal(engine_run(f, &o, &err), 0);
	th_access(s, OP_WRITE, 0x10008, 0x5a);
	assert_int_equal(th_qnum(f, "pte") & 0x40, 0x40);
	assert_int_equal(th_qnum(f, "pte"), th_qnum(s, "pte"));
	assert_int_equal(th_qnum(f, "cycles"), th_qnum(s, "cycles"));
	assert_int_equal(engine_position(f), engine_position(s));
	engine_free(f);
	engine_free(s);
}

/* A refused access through engine_run: the same message as submit's,
 * nothing changed. */
static void
test_refusals(void **state)
{
	struct mconfig c;
	struct engine *f;
	struct verr err;
	struct op o;
	uint64_t h, pos;

	(void)state;
	th_config(&c, 48, 32, 16);
	assert_int_equal(mcfg_finish(&c, &err), 0);
	f = engine_new(&c, ENGINE_QUIET, &err);
	assert_non_null(f);
	op_init(&o, OP_READ);
	o.va = 0x1000;
	assert_int_equal(engine_run(f, &o, &err), -1);
	assert_non_null(strstr(err.msg, "no process"));
	op_init(&o, OP_PROCESS);
	strcpy(o.name, "p");
	assert_int_equal(engine_run(f, &o, &err), 0);
	h = engine_state_hash(f);
	pos = engine_position(f);
	op_init(&o, OP_READ);
	o.va = 0x0000800000000000ull;	/* not canonical */
	assert_int_equal(engine_run(f, &o, &err), -1);
	assert_non_null(strstr(err.msg, "not canonical"));
	o.va = 0xffff800000000ff9ull;	/* canonical, crosses a page */
	o.size = 8;
	assert_int_equal(engine_run(f, &o, &err), -1);
	assert_non_null(strstr(err.msg, "cross"));
	op_init(&o, OP_WRITE);
	o.va = 0x1000;
	o.size = 2;
	o.value = 0x10000;
	assert_int_equal(engine_run(f, &o, &err), -1);
	assert_non_null(strstr(err.msg, "does not fit"));
	assert_int_equal(engine_state_hash(f), h);
	assert_int_equal(engine_position(f), pos);
	engine_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_runs),
		cmocka_unit_test(test_dirty_on_write_hit),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
