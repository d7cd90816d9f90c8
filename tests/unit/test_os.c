/*
 * test_os.c - unit tests of the simulated OS (src/core/os.c) and of the
 * machine storage it works on (src/core/machine.c, phys.c):
 *   - the frame pool: lowest free frame first, after any releases;
 *   - the FIFO/LRU list: load order, LRU touch, removal anywhere;
 *   - clock: while the use bit at the hand is set, clear it and advance,
 *     then replace at the hand and move past it; the same rule through
 *     the engine (pages mapped resident start clear, the access that
 *     loads a page sets its bit, clearing drops the TLB entry and the
 *     leaf's accessed bit);
 *   - table frames from the top of memory down, contiguous and zeroed
 *     for multi-frame tables, and os_missing_tables;
 *   - the inverted table's chains (insert at the head; remove at the
 *     head, in the middle, at the tail) and its entry words;
 *   - mapping records: the mapper chain, unlinking, os_validate_mappers
 *     and os_invalidate_mappers, the (process, page) map as it grows;
 *   - chunked pools, the seeded generator, machine_clone independence,
 *     and the disk copy of pages smaller than a memory chunk.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/engine_int.h"
#include "core/machine.h"
#include "helpers.h"

/* The default 32-bit machine with a pool of n frames. */
static struct machine *
mkpool(uint64_t n, enum policy p)
{
	struct mconfig c;

	mcfg_init(&c);
	c.frames = n;
	c.policy = p;
	c.set |= MCFG_SET_FRAMES;
	return th_machine(&c);
}

static void
take(struct machine *m, uint64_t f)
{
	os_frame_take(m, f, os_new_pobj(m));
}

/* The FIFO/LRU list from head to tail; checks the back links too. */
static size_t
list_of(const struct machine *m, uint64_t *out, size_t max)
{
	size_t n = 0, k;
	uint32_t i, prev = 0;

	for (i = m->r.head; i != 0; i = m->frames[i - 1].next) {
		assert_true(n < max);
		assert_int_equal(m->frames[i - 1].prev, prev);
		out[n++] = i - 1;
		prev = i;
	}
	assert_int_equal(m->r.tail, prev);
	for (k = 0, i = m->r.tail; i != 0; i = m->frames[i - 1].prev, k++)
		assert_int_equal(out[n - 1 - k], i - 1);
	assert_int_equal(k, n);
	return n;
}

static void
list_is(const struct machine *m, const uint64_t *want, size_t n)
{
	uint64_t got[64];
	size_t k = list_of(m, got, 64), i;

	if (k != n)
		fail_msg("list has %zu frames, want %zu", k, n);
	for (i = 0; i < n; i++)
		if (got[i] != want[i])
			fail_msg("list[%zu] = frame %u, want %u", i,
			    (unsigned)got[i], (unsigned)want[i]);
}

static void
test_lowest_free(void **state)
{
	struct machine *m = mkpool(8, POL_LRU);
	uint64_t f, i;

	(void)state;
	assert_int_equal(os_free_frames(m), 8);
	for (i = 0; i < 6; i++) {
		f = os_lowest_free(m);
		assert_int_equal(f, i);
		take(m, f);
	}
	assert_int_equal(os_free_frames(m), 2);
	assert_int_equal(m->frames[5].pobj, 6);	/* object 5 + 1 */
	os_frame_release(m, 3);
	os_frame_release(m, 1);
	assert_int_equal(os_free_frames(m), 4);
	assert_int_equal(m->frames[1].pobj, 0);
	assert_int_equal(os_lowest_free(m), 1);
	take(m, 1);
	assert_int_equal(os_lowest_free(m), 3);
	take(m, 3);
	assert_int_equal(os_lowest_free(m), 6);
	take(m, 6);
	assert_int_equal(os_lowest_free(m), 7);
	take(m, 7);
	assert_int_equal(os_lowest_free(m), NONE64);
	assert_int_equal(os_free_frames(m), 0);
	os_frame_release(m, 5);
	assert_int_equal(os_lowest_free(m), 5);
	os_frame_release(m, 0);
	assert_int_equal(os_lowest_free(m), 0);
	os_frame_release(m, 7);
	assert_int_equal(os_lowest_free(m), 0);
	take(m, 0);
	assert_int_equal(os_lowest_free(m), 5);
	assert_int_equal(os_free_frames(m), 2);
	machine_free(m);
}

/* A taken frame starts with its use and dirty bits clear; a released
 * one keeps none. */
static void
test_take_release_bits(void **state)
{
	struct machine *m = mkpool(4, POL_CLOCK);

	(void)state;
	take(m, 2);
	assert_int_equal(m->frames[2].use, 0);
	assert_int_equal(m->frames[2].dirty, 0);
	m->frames[2].use = 1;
	m->frames[2].dirty = 1;
	os_frame_release(m, 2);
	assert_int_equal(m->frames[2].use, 0);
	assert_int_equal(m->frames[2].dirty, 0);
	assert_int_equal(m->frames[2].pobj, 0);
	assert_int_equal(m->r.head, 0);
	assert_int_equal(m->r.tail, 0);
	machine_free(m);
}

static void
test_fifo_list(void **state)
{
	static const uint64_t l0[] = { 0, 1, 2, 3 }, l1[] = { 0, 1, 3 },
	    l2[] = { 0, 1, 3, 2 }, l3[] = { 1, 3, 2 }, l4[] = { 1, 3 };
	struct machine *m = mkpool(4, POL_FIFO);
	uint64_t cleared = 99, i;

	(void)state;
	for (i = 0; i < 4; i++)
		take(m, i);
	list_is(m, l0, 4);
	os_list_touch(m, 1);		/* FIFO: use does not reorder */
	os_list_touch(m, 0);
	list_is(m, l0, 4);
	assert_int_equal(os_choose_victim(m, &cleared, OP_NO_FUTURE), 0);
	assert_int_equal(cleared, 0);
	os_frame_release(m, 2);		/* from the middle */
	list_is(m, l1, 3);
	take(m, 2);			/* loaded last: at the tail */
	list_is(m, l2, 4);
	os_frame_release(m, 0);		/* the head */
	list_is(m, l3, 3);
	assert_int_equal(os_choose_victim(m, &cleared, OP_NO_FUTURE), 1);
	os_frame_release(m, 2);		/* the tail */
	list_is(m, l4, 2);
	os_frame_release(m, 1);
	os_frame_release(m, 3);
	list_is(m, NULL, 0);
	machine_free(m);
}

static void
test_lru_list(void **state)
{
	static const uint64_t l0[] = { 0, 1, 2, 3 }, l1[] = { 0, 2, 3, 1 },
	    l2[] = { 2, 3, 1, 0 }, l3[] = { 2, 1, 0 }, l4[] = { 2, 1, 0, 3 },
	    l5[] = { 1, 0, 3, 2 };
	struct machine *m = mkpool(4, POL_LRU);
	uint64_t cleared, i;

	(void)state;
	for (i = 0; i < 4; i++)
		take(m, i);
	list_is(m, l0, 4);
	os_list_touch(m, 1);
	list_is(m, l1, 4);
	os_list_touch(m, 0);
	list_is(m, l2, 4);
	os_list_touch(m, 0);		/* already the most recent */
	list_is(m, l2, 4);
	assert_int_equal(os_choose_victim(m, &cleared, OP_NO_FUTURE), 2);
	os_frame_release(m, 3);
	list_is(m, l3, 3);
	take(m, 3);
	list_is(m, l4, 4);
	os_list_touch(m, 2);		/* the head to the tail */
	list_is(m, l5, 4);
	assert_int_equal(os_choose_victim(m, &cleared, OP_NO_FUTURE), 1);
	machine_free(m);
}

static void
set_use(struct machine *m, unsigned a, unsigned b, unsigned c, unsigned d)
{
	m->frames[0].use = (uint8_t)a;
	m->frames[1].use = (uint8_t)b;
	m->frames[2].use = (uint8_t)c;
	m->frames[3].use = (uint8_t)d;
}

static void
use_is(const struct machine *m, unsigned a, unsigned b, unsigned c,
    unsigned d)
{
	const unsigned want[4] = { a, b, c, d };
	unsigned i;

	for (i = 0; i < 4; i++)
		if (m->frames[i].use != want[i])
			fail_msg("use[%u] = %u, want %u", i,
			    m->frames[i].use, want[i]);
}

/* DESIGN.md: while the use bit at the hand is set, clear it and
 * advance; then replace at the hand and advance past it. */
static void
test_clock_sweep(void **state)
{
	struct machine *m = mkpool(4, POL_CLOCK);
	uint64_t cleared, i;
	bool ev;
	uint64_t old;
	uint32_t slot;

	(void)state;
	for (i = 0; i < 4; i++)
		take(m, i);
	assert_int_equal(m->r.hand, 0);
	/* a TLB entry for frame 1, whose bit the sweep will clear */
	(void)tlb_fill(m, 1, 0x51, 1, 1, 0, 1, 1, 0, 0, &ev, &old);
	(void)tlb_fill(m, 1, 0x53, 3, 3, 0, 1, 1, 0, 0, &ev, &old);
	set_use(m, 1, 1, 0, 1);
	assert_int_equal(os_choose_victim(m, &cleared, OP_NO_FUTURE), 2);
	assert_int_equal(cleared, 2);
	assert_int_equal(m->r.hand, 3);
	use_is(m, 0, 0, 0, 1);
	assert_false(tlb_probe(m, 1, 0x51, &slot));	/* dropped */
	assert_true(tlb_probe(m, 1, 0x53, &slot));	/* not swept */

	/* the page loaded into 2 has its bit set */
	m->frames[2].use = 1;
	assert_int_equal(os_choose_victim(m, &cleared, OP_NO_FUTURE), 0);
	assert_int_equal(cleared, 1);
	assert_int_equal(m->r.hand, 1);
	use_is(m, 0, 0, 1, 0);
	assert_false(tlb_probe(m, 1, 0x53, &slot));

	/* every bit set: a full turn, then the frame the hand started at */
	set_use(m, 1, 1, 1, 1);
	assert_int_equal(os_choose_victim(m, &cleared, OP_NO_FUTURE), 1);
	assert_int_equal(cleared, 4);
	assert_int_equal(m->r.hand, 2);
	use_is(m, 0, 0, 0, 0);

	/* a clear bit at the hand: replaced at once, no bit cleared */
	m->r.hand = 3;
	set_use(m, 1, 1, 1, 0);
	assert_int_equal(os_choose_victim(m, &cleared, OP_NO_FUTURE), 3);
	assert_int_equal(cleared, 0);
	assert_int_equal(m->r.hand, 0);		/* wrapped */
	use_is(m, 1, 1, 1, 0);
	machine_free(m);
}

/* Worked example 7's first replacements, step by step: frames [7,0,1]
 * with use [1,1,1] and hand 0: the sweep clears all three and evicts 7
 * (hand 1); after 0 is hit again, ref 3 clears slot 1 and evicts slot 2
 * (hand 0). */
static void
test_clock_ex7(void **state)
{
	struct machine *m = mkpool(3, POL_CLOCK);
	uint64_t cleared, i;

	(void)state;
	for (i = 0; i < 3; i++) {
		take(m, i);
		m->frames[i].use = 1;
	}
	assert_int_equal(os_choose_victim(m, &cleared, OP_NO_FUTURE), 0);
	assert_int_equal(cleared, 3);
	assert_int_equal(m->r.hand, 1);
	m->frames[0].use = 1;		/* 2 loaded into slot 0 */
	m->frames[1].use = 1;		/* 0 hit */
	assert_int_equal(os_choose_victim(m, &cleared, OP_NO_FUTURE), 2);
	assert_int_equal(cleared, 1);
	assert_int_equal(m->r.hand, 0);
	assert_int_equal(m->frames[0].use, 1);
	assert_int_equal(m->frames[1].use, 0);
	machine_free(m);
}

/* policy=random: frame = draw mod frames; with seed 1 and four frames
 * the first victims are frames 1, 3 and 2 (vmscope-scenario(5)). */
static void
test_random_victim(void **state)
{
	struct machine *m = mkpool(4, POL_RANDOM);
	uint64_t cleared, i;

	(void)state;
	for (i = 0; i < 4; i++)
		take(m, i);
	assert_int_equal(os_choose_victim(m, &cleared, OP_NO_FUTURE), 1);
	assert_int_equal(os_choose_victim(m, &cleared, OP_NO_FUTURE), 3);
	assert_int_equal(os_choose_victim(m, &cleared, OP_NO_FUTURE), 2);
	assert_int_equal(cleared, 0);
	machine_free(m);
}

/* ---- through the engine ---- */

/* Read va; the first event of kind k. */
static struct event
rd(struct engine *e, uint64_t va, enum ev_kind k)
{
	struct op o;

	op_init(&o, OP_READ);
	o.va = va;
	return th_run_find(e, &o, k);
}

static void
euse_is(const struct engine *e, unsigned a, unsigned b, unsigned c)
{
	const unsigned want[3] = { a, b, c };
	unsigned i;

	for (i = 0; i < 3; i++)
		if (e->m->frames[i].use != want[i])
			fail_msg("use[%u] = %u, want %u", i,
			    e->m->frames[i].use, want[i]);
}

/* The clock rule end to end, with a TLB: pages mapped resident start
 * with their bit clear; the access that loads a page sets it; a bit
 * cleared by the sweep also clears the leaf's A bit and drops the TLB
 * entry, so the next access walks again. */
static void
test_clock_engine(void **state)
{
	struct mconfig c;
	struct engine *e;
	struct event ev;
	uint64_t pte1;

	(void)state;
	mcfg_init(&c);
	c.policy = POL_CLOCK;
	c.frames = 3;
	c.set |= MCFG_SET_FRAMES;
	e = th_engine(&c);
	th_process(e, "p", -1, -1);
	/* pages 0 1 2 in frames 0 1 2 */
	th_map(e, 0x0000, 3, false, -1);
	th_map(e, 0x3000, 2, true, -1);	/* pages 3 4 on disk */
	euse_is(e, 0, 0, 0);
	assert_int_equal(e->m->r.hand, 0);
	th_access(e, OP_READ, 0x1000, 0);
	assert_int_equal(th_qnum(e, "pa"), 0x1000);
	pte1 = th_qnum(e, "pte.addr");
	assert_int_equal(th_peek(e, pte1, 4), 0x1027);
	euse_is(e, 0, 1, 0);

	/* page 3: the bit at the hand (frame 0) is clear: frame 0 */
	ev = rd(e, 0x3000, EV_VICTIM);
	assert_int_equal(ev.a, 0);
	assert_int_equal(ev.d, 0);	/* no bit cleared */
	assert_string_equal(th_qword(e, "fault"), "page");
	assert_int_equal(th_qnum(e, "pa"), 0x0000);
	assert_int_equal(e->m->r.hand, 1);
	euse_is(e, 1, 1, 0);

	/* page 4: frame 1's bit is cleared, frame 2 replaced */
	ev = rd(e, 0x4000, EV_VICTIM);
	assert_int_equal(ev.a, 2);
	assert_int_equal(ev.d, 1);
	assert_int_equal(th_qnum(e, "pa"), 0x2000);
	assert_int_equal(e->m->r.hand, 0);
	euse_is(e, 1, 0, 1);
	assert_int_equal(th_peek(e, pte1, 4), 0x1007);	/* A cleared */

	/* page 1 again: its TLB entry went with its bit */
	th_access(e, OP_READ, 0x1000, 0);
	assert_string_equal(th_qword(e, "tlb"), "miss");
	assert_string_equal(th_qword(e, "fault"), "none");
	assert_int_equal(th_peek(e, pte1, 4), 0x1027);
	euse_is(e, 1, 1, 1);

	/* page 0 (evicted clean): every bit set, a full turn */
	ev = rd(e, 0x0000, EV_VICTIM);
	assert_int_equal(ev.a, 0);
	assert_int_equal(ev.d, 3);
	assert_int_equal(e->m->r.hand, 1);
	assert_int_equal(th_qnum(e, "pa"), 0x0000);
	euse_is(e, 1, 0, 0);
	assert_int_equal(th_qnum(e, "faults"), 3);
	assert_int_equal(th_qnum(e, "writebacks"), 0);
	engine_free(e);
}

static void
map_perm(struct engine *e, uint64_t va, unsigned perm)
{
	struct op o;

	op_init(&o, OP_MAP);
	o.va = va;
	o.perm = perm;
	th_run(e, &o);
}

/* The engine keeps the FIFO/LRU list as DESIGN.md says: pages mapped
 * resident are loaded (and, for LRU, used) in map order; LRU moves a
 * page on every completed access, TLB hit or not; a refused access
 * moves nothing; the victim is the head. */
static void
test_list_engine(void **state)
{
	static const uint64_t l0[] = { 0, 1, 2 }, lru1[] = { 2, 1, 0 },
	    lru2[] = { 1, 0, 2 }, fifo2[] = { 1, 2, 0 };
	struct mconfig c;
	struct engine *e;
	int pass;

	(void)state;
	for (pass = 0; pass < 2; pass++) {
		mcfg_init(&c);
		c.policy = pass == 0 ? POL_LRU : POL_FIFO;
		c.frames = 3;
		c.set |= MCFG_SET_FRAMES;
		e = th_engine(&c);
		th_process(e, "p", -1, -1);
		th_map(e, 0x0000, 2, false, -1);		/* frames 0 1 */
		map_perm(e, 0x2000, PERM_R);		/* frame 2, read-only */
		th_map(e, 0x3000, 1, true, -1);
		list_is(e->m, l0, 3);
		th_access(e, OP_READ, 0x0000, 0);
		th_access(e, OP_READ, 0x1000, 0);
		th_access(e, OP_READ, 0x0000, 0);
		assert_string_equal(th_qword(e, "tlb"), "hit");
		th_access(e, OP_WRITE, 0x2000, 0);
		assert_string_equal(th_qword(e, "fault"), "protection");
		list_is(e->m, pass == 0 ? lru1 : l0, 3);
		th_access(e, OP_READ, 0x3000, 0);
		assert_string_equal(th_qword(e, "fault"), "page");
		assert_int_equal(th_qnum(e, "pa"), pass == 0 ? 0x2000 : 0x0000);
		list_is(e->m, pass == 0 ? lru2 : fifo2, 3);
		engine_free(e);
	}
}

/* clear.interval: every N accesses the OS clears every use bit (and
 * the leaves' A bits) and drops those pages' TLB entries. */
static void
test_clear_interval(void **state)
{
	struct mconfig c;
	struct engine *e;
	struct event ev;
	uint64_t pte0;

	(void)state;
	mcfg_init(&c);
	c.policy = POL_CLOCK;
	c.frames = 4;
	c.clear_interval = 3;
	c.set |= MCFG_SET_FRAMES;
	e = th_engine(&c);
	th_process(e, "p", -1, -1);
	th_map(e, 0x0000, 3, false, -1);
	th_access(e, OP_READ, 0x0000, 0);
	pte0 = th_qnum(e, "pte.addr");
	th_access(e, OP_READ, 0x1000, 0);
	assert_int_equal(e->m->frames[0].use, 1);
	assert_int_equal(e->m->frames[1].use, 1);
	assert_int_equal(e->m->frames[2].use, 0);
	assert_int_equal(th_peek(e, pte0, 4), 0x0027);
	ev = rd(e, 0x0000, EV_CLEAR_USE);	/* the third access */
	assert_int_equal(ev.a, 2);		/* pages cleared */
	assert_int_equal(ev.b, 2);		/* TLB entries dropped */
	assert_int_equal(e->m->frames[0].use, 0);
	assert_int_equal(e->m->frames[1].use, 0);
	assert_int_equal(th_peek(e, pte0, 4), 0x0007);
	th_access(e, OP_READ, 0x0000, 0);
	assert_string_equal(th_qword(e, "tlb"), "miss");
	assert_int_equal(e->m->frames[0].use, 1);
	assert_int_equal(th_peek(e, pte0, 4), 0x0027);
	engine_free(e);
}

/* Clock gives the same result with or without a TLB (worked example
 * 7: 14 faults with 3 frames, 9 with 4; example 8: 9 and 10). */
static uint64_t
clock_faults(unsigned tlb, uint64_t frames, const unsigned *s, size_t n)
{
	struct mconfig c;
	struct engine *e;
	uint64_t faults;
	size_t i;

	mcfg_init(&c);
	c.policy = POL_CLOCK;
	c.tlb = tlb;
	c.frames = frames;
	c.set |= MCFG_SET_FRAMES;
	e = th_engine(&c);
	th_process(e, "p", -1, -1);
	th_map(e, 0, 8, true, -1);
	for (i = 0; i < n; i++)
		th_access(e, OP_READ, (uint64_t)s[i] << 12, 0);
	faults = th_qnum(e, "faults");
	engine_free(e);
	return faults;
}

static void
test_clock_tlb_independent(void **state)
{
	static const unsigned classic[] = { 7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0,
		3, 2, 1, 2, 0, 1, 7, 0, 1 };
	static const unsigned belady[] = { 1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4,
		5 };
	unsigned tlb;

	(void)state;
	for (tlb = 0; tlb <= 16; tlb += 2) {
		assert_int_equal(clock_faults(tlb, 3, classic, 20), 14);
		assert_int_equal(clock_faults(tlb, 4, classic, 20), 9);
		assert_int_equal(clock_faults(tlb, 3, belady, 12), 9);
		assert_int_equal(clock_faults(tlb, 4, belady, 12), 10);
	}
}

/* Tables are taken from the top of memory down, one frame each here. */
static void
test_tables_top_down(void **state)
{
	struct mconfig c;
	struct engine *e;
	const uint64_t top = (1u << 20) - 1;
	const struct tframe *t;

	(void)state;
	mcfg_init(&c);
	e = th_engine(&c);
	assert_int_equal(e->m->r.ntframes, 0);
	th_process(e, "a", -1, -1);
	assert_int_equal(e->m->procs[0].root, top);
	th_map(e, 0x000000, 1, false, -1);
	th_map(e, 0x400000, 1, false, -1);
	th_map(e, 0x001000, 1, false, -1);	/* same table as 0x000000 */
	th_process(e, "b", -1, -1);
	assert_int_equal(e->m->procs[1].root, top - 3);
	th_map(e, 0x000000, 1, false, -1);
	assert_int_equal(e->m->r.ntframes, 5);
	assert_int_equal(os_tframes_left(e->m), (1u << 20) - 65536 - 5);
	/* a's directory points at its tables */
	assert_int_equal(th_peek(e, top << 12, 4), (top - 1) << 12 | 7);
	assert_int_equal(th_peek(e, top << 12 | 4, 4), (top - 2) << 12 | 7);
	assert_int_equal(th_peek(e, (top - 3) << 12, 4), (top - 4) << 12 | 7);
	/* pages from the bottom of the pool */
	assert_int_equal(th_peek(e, (top - 1) << 12, 4), 0x0007);
	assert_int_equal(th_peek(e, (top - 1) << 12 | 4, 4), 0x2007);
	assert_int_equal(th_peek(e, (top - 2) << 12, 4), 0x1007);
	assert_int_equal(th_peek(e, (top - 4) << 12, 4), 0x3007);
	t = tframe_at(e->m, top - 1);
	assert_int_equal(t->proc, 0);
	assert_int_equal(t->level, 2);
	assert_int_equal(t->kind, TF_TABLE);
	assert_int_equal(t->first, 1);
	t = tframe_at(e->m, top - 3);
	assert_int_equal(t->proc, 1);
	assert_int_equal(t->level, 1);
	engine_free(e);
}

/* A single-level table larger than a page takes contiguous frames. */
static void
test_tables_multiframe(void **state)
{
	struct mconfig c;
	struct engine *e;
	const uint64_t total = 1u << 20;
	uint64_t root;

	(void)state;
	mcfg_init(&c);
	c.levels = 1;
	c.split[0] = 20;	/* 2^20 entries x 4 bytes = 1024 frames */
	c.set |= MCFG_SET_SPLIT;
	e = th_engine(&c);
	assert_int_equal(e->m->tframes_per[0], 1024);
	th_process(e, "a", -1, -1);
	root = e->m->procs[0].root;
	assert_int_equal(root, total - 1024);
	assert_int_equal(tframe_at(e->m, root)->first, 1);
	assert_int_equal(tframe_at(e->m, root + 1)->first, 0);
	assert_int_equal(tframe_at(e->m, total - 1)->first, 0);
	assert_int_equal(tframe_at(e->m, total - 1)->proc, 0);
	assert_int_equal(tframe_at(e->m, total - 1)->level, 1);
	th_map(e, 0xfffff000ULL, 1, false, -1);	/* last entry: last frame */
	th_map(e, 0, 1, false, -1);
	assert_int_equal(th_peek(e, (total - 1) << 12 | 0xffc, 4), 0x0007);
	assert_int_equal(th_peek(e, root << 12, 4), 0x1007);
	th_process(e, "b", -1, -1);
	assert_int_equal(e->m->procs[1].root, total - 2048);
	assert_int_equal(e->m->r.ntframes, 2048);
	assert_true(e->m->ntfchunks >= 2);
	engine_free(e);

	/* a 16-frame top level over one-frame tables: 14,6 */
	mcfg_init(&c);
	c.levels = 2;
	c.split[0] = 14;
	c.split[1] = 6;
	c.set |= MCFG_SET_SPLIT;
	e = th_engine(&c);
	assert_int_equal(e->m->tframes_per[0], 16);
	assert_int_equal(e->m->tframes_per[1], 1);
	th_process(e, "a", -1, -1);
	assert_int_equal(e->m->procs[0].root, total - 16);
	th_map(e, 0xfffc0000ULL, 1, false, -1);	/* top index 0x3fff */
	assert_int_equal(th_peek(e, (total - 1) << 12 | 0xffc, 4),
	    (total - 17) << 12 | 7);
	engine_free(e);
}

static void
test_alloc_tframes(void **state)
{
	struct mconfig c;
	struct machine *m;
	const uint64_t total = 1u << 20;
	const struct tframe *t;
	uint64_t b;

	(void)state;
	mcfg_init(&c);
	m = th_machine(&c);
	assert_int_equal(os_tframes_left(m), total - 65536);
	phys_write(m, (total - 5) << 12 | 100, 0xdeadbeef, 4);
	phys_write(m, (total - 4) << 12 | 0xffc, 0xdeadbeef, 4);
	b = os_alloc_tframes(m, 3, 7, TF_TABLE, 2);
	assert_int_equal(b, total - 3);
	b = os_alloc_tframes(m, 2, 8, TF_ANCHOR, 0);
	assert_int_equal(b, total - 5);
	assert_int_equal(os_tframes_left(m), total - 65536 - 5);
	/* taken frames are zeroed */
	assert_int_equal(phys_read(m, (total - 5) << 12 | 100, 4), 0);
	assert_int_equal(phys_read(m, (total - 4) << 12 | 0xffc, 4), 0);
	t = tframe_at(m, total - 3);
	assert_int_equal(t->proc, 7);
	assert_int_equal(t->kind, TF_TABLE);
	assert_int_equal(t->level, 2);
	assert_int_equal(t->first, 1);
	assert_int_equal(tframe_at(m, total - 2)->first, 0);
	assert_int_equal(tframe_at(m, total - 1)->first, 0);
	assert_int_equal(tframe_at(m, total - 1)->proc, 7);
	t = tframe_at(m, total - 5);
	assert_int_equal(t->kind, TF_ANCHOR);
	assert_int_equal(t->proc, 8);
	assert_int_equal(t->first, 1);
	assert_int_equal(tframe_at(m, total - 4)->first, 0);
	machine_free(m);
}

static void
test_missing_tables(void **state)
{
	struct mconfig c;
	struct engine *e;
	uint64_t n;

	(void)state;
	mcfg_init(&c);
	c.va = 48;
	c.pa = 48;
	e = th_engine(&c);
	th_process(e, "a", -1, -1);
	assert_int_equal(os_missing_tables(e->m, 0, 0, 1), 3);
	/* vpn 511 and 512: one PDPT, one PD, two PTs */
	assert_int_equal(os_missing_tables(e->m, 0, 511, 2), 4);
	/* 512 GiB apart: everything twice */
	assert_int_equal(os_missing_tables(e->m, 0, (1ULL << 27) - 1, 2), 6);
	th_map(e, 0, 1, false, -1);
	assert_int_equal(e->m->r.ntframes, 4);
	assert_int_equal(os_missing_tables(e->m, 0, 0, 1), 0);
	assert_int_equal(os_missing_tables(e->m, 0, 511, 2), 1);
	n = e->m->r.ntframes;
	th_map(e, 511ULL << 12, 2, false, -1);
	assert_int_equal(e->m->r.ntframes, n + 1);
	engine_free(e);

	mcfg_init(&c);
	e = th_engine(&c);
	th_process(e, "a", -1, -1);
	assert_int_equal(os_missing_tables(e->m, 0, 0, 1), 1);
	assert_int_equal(os_missing_tables(e->m, 0, 0x3ff, 2), 2);
	assert_int_equal(os_missing_tables(e->m, 0, 0, 2048), 2);
	engine_free(e);

	/* 6,14: each second-level table takes 16 frames */
	mcfg_init(&c);
	c.levels = 2;
	c.split[0] = 6;
	c.split[1] = 14;
	c.set |= MCFG_SET_SPLIT;
	e = th_engine(&c);
	th_process(e, "a", -1, -1);
	assert_int_equal(e->m->tframes_per[1], 16);
	assert_int_equal(os_missing_tables(e->m, 0, 0, 1), 16);
	assert_int_equal(os_missing_tables(e->m, 0, 0x3fff, 2), 32);
	th_map(e, 0x3fff000, 1, false, -1);
	assert_int_equal(e->m->r.ntframes, 1 + 16);
	/* the table's frames are contiguous, below the root */
	assert_int_equal(th_peek(e, ((1u << 20) - 1) << 12, 4),
	    ((1u << 20) - 17) << 12 | 7);
	assert_int_equal(os_missing_tables(e->m, 0, 0x3fff, 2), 16);
	engine_free(e);
}

/* ---- the inverted table ---- */

static uint64_t
anchor(const struct machine *m, uint64_t b)
{
	return phys_read(m, m->anchor_pa + b * 4, 4);
}

static uint64_t
w1(const struct machine *m, uint64_t f)
{
	return phys_read(m, m->ipt_pa + f * IPT_ENTRY + 8, 8);
}

static uint64_t
tag(const struct machine *m, uint64_t f)
{
	return phys_read(m, m->ipt_pa + f * IPT_ENTRY, 8);
}

static void
chain_is(const struct machine *m, uint64_t b, const uint64_t *want,
    size_t n)
{
	uint64_t i;
	size_t k = 0;

	for (i = anchor(m, b); i != 0; i = w1(m, i - 1) >> 32, k++) {
		if (k >= n)
			fail_msg("bucket %u: chain longer than %zu",
			    (unsigned)b, n);
		if (i - 1 != want[k])
			fail_msg("bucket %u: chain[%zu] = frame %u, want %u",
			    (unsigned)b, k, (unsigned)(i - 1),
			    (unsigned)want[k]);
	}
	if (k != n)
		fail_msg("bucket %u: chain of %zu, want %zu", (unsigned)b, k,
		    n);
}

static struct machine *
mkinv(uint64_t page)
{
	struct mconfig c;

	mcfg_init(&c);
	c.pt = PT_INVERTED;
	c.frames = 8;
	c.set |= MCFG_SET_FRAMES;
	if (page != 4096) {
		c.va = 16;
		c.pa = 16;
		c.page = page;
	}
	return th_machine(&c);
}

/* Worked example 4, then more: insertion at the head of the chain;
 * removal from the middle, the head and the tail. */
static void
test_ipt_chains(void **state)
{
	static const uint64_t c1[] = { 1 }, c7a[] = { 2, 0 },
	    c7b[] = { 5, 2, 0 }, c7c[] = { 5, 0 }, c7d[] = { 0 },
	    c7e[] = { 4, 3 }, c7f[] = { 4 };
	struct machine *m = mkinv(4096);
	const uint64_t total = 1u << 20;

	(void)state;
	/* anchors (8 x 4 bytes) in the top frame, the table below it */
	assert_int_equal(m->anchor_pa, (total - 1) << 12);
	assert_int_equal(m->ipt_pa, (total - 2) << 12);
	assert_int_equal(tframe_at(m, total - 1)->kind, TF_ANCHOR);
	assert_int_equal(tframe_at(m, total - 2)->kind, TF_IPT);
	assert_int_equal(m->r.ntframes, 2);

	ipt_insert(m, 0, 1, 0x12, PERM_R | PERM_W, true);
	chain_is(m, 7, c7d, 1);
	assert_int_equal(tag(m, 0), 0x12);
	/* no next, ASID 1, P W U and NX (no x) */
	assert_int_equal(w1(m, 0), 0x10087);
	ipt_insert(m, 1, 2, 0x0a, PERM_R, false);
	chain_is(m, 0, c1, 1);
	assert_int_equal(w1(m, 1), 0x20081);
	ipt_insert(m, 2, 1, 0x1a, PERM_R | PERM_W | PERM_X, true);
	chain_is(m, 7, c7a, 2);		/* anchor[7] -> 2 -> 0 */
	assert_int_equal(w1(m, 2), 1ULL << 32 | 0x10007);
	ipt_insert(m, 5, 1, 0x2a, PERM_R | PERM_W, true);	/* bucket 7 */
	chain_is(m, 7, c7b, 3);
	assert_int_equal(w1(m, 5), 3ULL << 32 | 0x10087);

	ipt_remove(m, 2);		/* the middle */
	chain_is(m, 7, c7c, 2);
	assert_int_equal(w1(m, 5), 1ULL << 32 | 0x10087);	/* flags kept */
	assert_int_equal(tag(m, 2), 0);
	assert_int_equal(w1(m, 2), 0);
	ipt_remove(m, 5);		/* the head */
	chain_is(m, 7, c7d, 1);
	assert_int_equal(anchor(m, 7), 1);
	ipt_remove(m, 0);		/* the only one */
	chain_is(m, 7, NULL, 0);
	assert_int_equal(anchor(m, 7), 0);
	chain_is(m, 0, c1, 1);		/* another bucket untouched */

	ipt_insert(m, 3, 1, 0x32, PERM_R, true);	/* bucket 7 */
	ipt_insert(m, 4, 1, 0x3a, PERM_R, true);	/* bucket 7 */
	chain_is(m, 7, c7e, 2);
	ipt_remove(m, 3);		/* the tail */
	chain_is(m, 7, c7f, 1);
	assert_int_equal(w1(m, 4) >> 32, 0);
	machine_free(m);
}

/* simple entries in an inverted table: only the present flag. */
static void
test_ipt_simple(void **state)
{
	struct machine *m = mkinv(64);

	(void)state;
	assert_int_equal(m->c.format, FMT_SIMPLE);
	ipt_insert(m, 6, 3, 0x15, PERM_R, false);	/* (0x15^15)&7 = 2 */
	assert_int_equal(anchor(m, 2), 7);
	assert_int_equal(w1(m, 6), 0x30001);
	assert_int_equal(tag(m, 6), 0x15);
	machine_free(m);
}

/* ---- records, the mapper chain, the (process, page) map ---- */

static void
test_mappers(void **state)
{
	struct mconfig c;
	struct machine *m;
	const struct pobj *o;
	uint32_t obj, r0, r1, r2;
	uint64_t tlbn = 0, old;
	bool ev;

	(void)state;
	mcfg_init(&c);
	m = th_machine(&c);
	obj = os_new_pobj(m);
	assert_int_equal(obj, 0);
	o = pobj_at(m, obj);
	assert_int_equal(o->frame, NONE64);
	assert_int_equal(o->live, 1);
	assert_int_equal(o->mappers, 0);
	r0 = os_new_rec(m, 0, 0x10, obj, PERM_R | PERM_W, true);
	r1 = os_new_rec(m, 1, 0x20, obj, PERM_R, true);
	r2 = os_new_rec(m, 0, 0x30, obj, PERM_R | PERM_W | PERM_X, false);
	assert_int_equal(r0, 0);
	assert_int_equal(r1, 1);
	assert_int_equal(r2, 2);
	/* each new record goes to the head of the chain */
	assert_int_equal(o->mappers, r2 + 1);
	assert_int_equal(rec_at(m, r2)->next, r1 + 1);
	assert_int_equal(rec_at(m, r1)->next, r0 + 1);
	assert_int_equal(rec_at(m, r0)->next, 0);
	assert_int_equal(rec_at(m, r1)->pte_pa, NONE64);
	assert_int_equal(rec_at(m, r2)->perm, PERM_R | PERM_W | PERM_X);
	assert_int_equal(rec_at(m, r2)->user, 0);
	assert_int_equal(os_lookup(m, 0, 0x10), r0);
	assert_int_equal(os_lookup(m, 1, 0x20), r1);
	assert_int_equal(os_lookup(m, 0, 0x30), r2);
	assert_int_equal(os_lookup(m, 1, 0x10), NONE32);
	assert_int_equal(os_lookup(m, 0, 0x20), NONE32);

	/* every mapper's leaf points at the frame, with its own rights */
	rec_at(m, r0)->pte_pa = 0x5000;
	rec_at(m, r1)->pte_pa = 0x6004;
	rec_at(m, r2)->pte_pa = 0x7008;
	os_validate_mappers(m, obj, 9);
	assert_int_equal(phys_read(m, 0x5000, 4), 0x9007);
	assert_int_equal(phys_read(m, 0x6004, 4), 0x9005);
	assert_int_equal(phys_read(m, 0x7008, 4), 0x9003);
	pobj_at(m, obj)->frame = 9;
	(void)tlb_fill(m, 1, 0x10, 9, 9, 0x5000, 1, 1, 0, 0, &ev, &old);
	(void)tlb_fill(m, 2, 0x20, 9, 9, 0x6004, 0, 1, 0, 0, &ev, &old);
	(void)tlb_fill(m, 1, 0x99, 3, 3, 0x8000, 1, 1, 0, 0, &ev, &old);
	assert_int_equal(os_invalidate_mappers(m, obj, &tlbn), 3);
	assert_int_equal(tlbn, 2);
	assert_int_equal(phys_read(m, 0x5000, 4), 0);
	assert_int_equal(phys_read(m, 0x6004, 4), 0);
	assert_int_equal(phys_read(m, 0x7008, 4), 0);
	assert_int_equal(tlb_flush_all(m), 1);	/* frame 3's survived */

	/* unlink from the middle, then the head */
	os_unlink_rec(m, r1);
	assert_int_equal(rec_at(m, r1)->live, 0);
	assert_int_equal(o->mappers, r2 + 1);
	assert_int_equal(rec_at(m, r2)->next, r0 + 1);
	assert_int_equal(os_lookup(m, 1, 0x20), NONE32);
	os_unlink_rec(m, r2);
	assert_int_equal(o->mappers, r0 + 1);
	assert_int_equal(os_lookup(m, 0, 0x30), NONE32);
	assert_int_equal(os_lookup(m, 0, 0x10), r0);
	/* the page mapped again: the new record is found */
	r1 = os_new_rec(m, 1, 0x20, obj, PERM_R, true);
	assert_int_equal(r1, 3);
	assert_int_equal(os_lookup(m, 1, 0x20), 3);
	assert_int_equal(o->mappers, 4);
	assert_int_equal(rec_at(m, 3)->next, r0 + 1);
	machine_free(m);
}

static void
test_rmap_growth(void **state)
{
	enum { N = 700 };
	struct mconfig c;
	struct machine *m;
	uint32_t obj, i, r;
	size_t cap0;

	(void)state;
	mcfg_init(&c);
	m = th_machine(&c);
	cap0 = m->rmap_cap;
	obj = os_new_pobj(m);
	for (i = 0; i < N; i++) {
		r = os_new_rec(m, i % 3, (uint64_t)i * 0x1001, obj, PERM_R,
		    true);
		assert_int_equal(r, i);
	}
	assert_true(m->rmap_cap > cap0);
	assert_int_equal(m->rmap_n, N);
	assert_true(m->rmap_n * 4 <= m->rmap_cap * 3);
	for (i = 0; i < N; i++) {
		assert_int_equal(rmap_find(m, i % 3, (uint64_t)i * 0x1001), i);
		assert_int_equal(rmap_find(m, (i + 1) % 3,
		    (uint64_t)i * 0x1001), NONE32);
	}
	/* putting a key again replaces its record, adds no slot */
	assert_int_equal(rmap_put(m, 0, 0, 5), 0);
	assert_int_equal(m->rmap_n, N);
	assert_int_equal(rmap_find(m, 0, 0), NONE32);	/* rec 5 is 5's */
	assert_int_equal(rmap_put(m, 0, 0, 0), 0);
	assert_int_equal(rmap_find(m, 0, 0), 0);
	assert_true(m->nrecchunks >= 1);
	machine_free(m);
}

static void
test_pools(void **state)
{
	struct mconfig c;
	struct machine *m;
	struct pobj *p0;
	uint32_t i;

	(void)state;
	mcfg_init(&c);
	m = th_machine(&c);
	assert_int_equal(pool_reserve(m, 1500, 2100, 5), 0);
	assert_int_equal(m->nrecchunks, 2);
	assert_int_equal(m->npobjchunks, 3);
	assert_int_equal(m->ntfchunks, 1);
	assert_int_equal(pool_reserve(m, 10, 10, 10), 0);	/* no change */
	assert_int_equal(m->nrecchunks, 2);
	p0 = NULL;
	for (i = 0; i < 2500; i++) {
		assert_int_equal(os_new_pobj(m), i);
		if (i == 0)
			p0 = pobj_at(m, 0);
	}
	assert_ptr_equal(pobj_at(m, 0), p0);	/* chunks never move */
	assert_int_equal(m->npobjchunks, 3);
	assert_int_equal(pobj_at(m, 2499)->live, 1);
	assert_int_equal(pobj_at(m, 2499)->frame, NONE64);
	assert_ptr_equal(pobj_at(m, 1024), m->pobjs[1]);
	assert_false(m->oom);
	machine_free(m);
}

static void
test_rng(void **state)
{
	struct mconfig c;
	struct machine *m, *k;

	(void)state;
	mcfg_init(&c);
	m = th_machine(&c);
	assert_int_equal(rng_next(m), 0x910a2dec89025cc1ULL);
	assert_int_equal(m->r.rng, 1 + 0x9e3779b97f4a7c15ULL);
	k = machine_clone(m);
	assert_non_null(k);
	assert_int_equal(rng_next(m), 0xbeeb8da1658eec67ULL);
	assert_int_equal(rng_next(k), 0xbeeb8da1658eec67ULL);
	assert_int_equal(rng_next(m), 0xf893a2eefb32555eULL);
	machine_free(k);
	machine_free(m);
	mcfg_init(&c);
	c.seed = 0;
	m = th_machine(&c);
	assert_int_equal(rng_next(m), 0xe220a8397b1dcdafULL);
	machine_free(m);
}

static void
test_clone(void **state)
{
	struct mconfig c;
	struct machine *m, *k;
	struct journal j;
	uint32_t obj, r, slot;
	uint64_t old;
	bool ev;

	(void)state;
	mcfg_init(&c);
	c.frames = 16;
	c.set |= MCFG_SET_FRAMES;
	m = th_machine(&c);
	jr_init(&j);
	m->jr = &j;
	phys_write(m, 0x1ffe, 0xa1b2c3d4, 4);
	obj = os_new_pobj(m);
	os_frame_take(m, 3, obj);
	r = os_new_rec(m, 0, 0x42, obj, PERM_R, true);
	(void)tlb_fill(m, 1, 0x42, 3, 3, 0x9000, 0, 1, 0, 0, &ev, &old);
	(void)os_alloc_tframes(m, 2, 0, TF_TABLE, 1);

	k = machine_clone(m);
	assert_non_null(k);
	assert_null(k->jr);
	assert_int_equal(machine_bytes(k), machine_bytes(m));
	assert_int_equal(phys_read(k, 0x1ffe, 4), 0xa1b2c3d4);
	assert_memory_equal(k->frames, m->frames, 16 * sizeof *m->frames);
	assert_memory_equal(k->tlb, m->tlb, 16 * sizeof *m->tlb);
	assert_int_equal(k->r.nfree, m->r.nfree);
	assert_int_equal(k->r.nrecs, 1);
	assert_int_equal(k->r.npobjs, 1);
	assert_int_equal(k->r.ntframes, 2);
	assert_int_equal(k->r.head, 4);
	assert_int_equal(k->r.tlb_clock, m->r.tlb_clock);
	assert_int_equal(rmap_find(k, 0, 0x42), r);
	assert_true(rec_at(k, r) != rec_at(m, r));
	assert_memory_equal(rec_at(k, r), rec_at(m, r), sizeof(struct rec));
	assert_true(tlb_probe(k, 1, 0x42, &slot));
	assert_int_equal(tframe_at(k, (1u << 20) - 2)->first, 1);

	/* change the clone everywhere; the original keeps its state */
	phys_write(k, 0x1ffe, 0x11111111, 4);
	os_frame_release(k, 3);
	os_frame_take(k, 5, os_new_pobj(k));
	(void)tlb_flush_all(k);
	rec_at(k, r)->perm = PERM_R | PERM_W;
	(void)os_new_rec(k, 2, 0x77, 1, PERM_R, true);
	(void)os_alloc_tframes(k, 1, 0, TF_TABLE, 1);
	assert_int_equal(phys_read(m, 0x1ffe, 4), 0xa1b2c3d4);
	assert_int_equal(m->frames[3].pobj, obj + 1);
	assert_int_equal(m->frames[5].pobj, 0);
	assert_int_equal(m->r.nfree, 15);
	assert_true(tlb_probe(m, 1, 0x42, &slot));
	assert_int_equal(rec_at(m, r)->perm, PERM_R);
	assert_int_equal(rmap_find(m, 2, 0x77), NONE32);
	assert_int_equal(m->r.ntframes, 2);
	assert_int_equal(rmap_find(k, 2, 0x77), 1);

	/* and the other way round; the clone outlives the original */
	phys_write(m, 0x5000, 0x99, 1);
	assert_int_equal(phys_read(k, 0x5000, 1), 0);
	m->jr = NULL;
	jr_free(&j);
	machine_free(m);
	assert_int_equal(phys_read(k, 0x1ffe, 4), 0x11111111);
	assert_int_equal(rec_at(k, r)->perm, PERM_R | PERM_W);
	machine_free(k);
}

/* Pages of 256 bytes: a frame and its disk slot sit at different
 * offsets of their 4 KiB chunks. */
static void
test_disk_copy(void **state)
{
	struct mconfig c;
	struct machine *m;
	uint8_t b[256];
	size_t i;

	(void)state;
	mcfg_init(&c);
	c.va = 16;
	c.pa = 16;
	c.page = 256;
	m = th_machine(&c);
	for (i = 0; i < sizeof b; i++)
		b[i] = (uint8_t)(i ^ 0x5a);
	phys_write_bytes(m, 3 << 8, b, sizeof b);
	phys_write(m, 4 << 8, 0x77, 1);		/* the next frame */
	disk_store(m, 9, 3);
	assert_int_equal(mem_read(m->disk, 9 << 8, 8),
	    mem_read(m->phys, 3 << 8, 8));
	assert_int_equal(mem_read(m->disk, 10 << 8, 1), 0);	/* no spill */
	phys_zero(m, 3 << 8, 256);
	assert_int_equal(phys_read(m, 3 << 8 | 0xff, 1), 0);
	assert_int_equal(phys_read(m, 4 << 8, 1), 0x77);
	disk_load(m, 9, 0x20);
	for (i = 0; i < sizeof b; i++)
		assert_int_equal(phys_read(m, 0x20 << 8 | i, 1), b[i]);
	/* loading a slot never written gives zeros, over old contents */
	phys_write(m, 0x21 << 8 | 7, 0xee, 1);
	disk_load(m, 30, 0x21);
	assert_int_equal(phys_read(m, 0x21 << 8 | 7, 1), 0);
	/* zeroing memory never written allocates nothing */
	i = mem_nchunks(m->phys);
	phys_zero(m, 0x8000, 0x4000);
	assert_int_equal(mem_nchunks(m->phys), i);
	machine_free(m);

	/* pages of 8 KiB: two chunks each, one of them never written */
	mcfg_init(&c);
	c.page = 8192;
	m = th_machine(&c);
	phys_write(m, 0x3000 | 5, 0xab, 1);	/* frame 1, second half */
	disk_store(m, 0, 1);
	assert_null(mem_chunk(m->disk, 0x0000));	/* zeros stay absent */
	assert_int_equal(mem_read(m->disk, 0x1005, 1), 0xab);
	phys_write(m, 0xa000 | 9, 0xcd, 1);	/* frame 5, first half */
	disk_load(m, 0, 5);
	assert_int_equal(phys_read(m, 0xa009, 1), 0);
	assert_int_equal(phys_read(m, 0xb005, 1), 0xab);
	machine_free(m);
}

static void
test_find_proc(void **state)
{
	struct mconfig c;
	struct engine *e;

	(void)state;
	mcfg_init(&c);
	e = th_engine(&c);
	assert_null(os_cur(e->m));
	th_process(e, "alpha", -1, -1);
	th_process(e, "beta", -1, -1);
	assert_int_equal(os_find_proc(e->m, "alpha"), 0);
	assert_int_equal(os_find_proc(e->m, "beta"), 1);
	assert_int_equal(os_find_proc(e->m, "gamma"), NONE32);
	assert_ptr_equal(os_cur(e->m), &e->m->procs[1]);
	assert_int_equal(e->m->procs[0].asid, 1);
	assert_int_equal(e->m->procs[1].asid, 2);
	engine_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lowest_free),
		cmocka_unit_test(test_take_release_bits),
		cmocka_unit_test(test_fifo_list),
		cmocka_unit_test(test_lru_list),
		cmocka_unit_test(test_clock_sweep),
		cmocka_unit_test(test_clock_ex7),
		cmocka_unit_test(test_random_victim),
		cmocka_unit_test(test_clock_engine),
		cmocka_unit_test(test_list_engine),
		cmocka_unit_test(test_clear_interval),
		cmocka_unit_test(test_clock_tlb_independent),
		cmocka_unit_test(test_tables_top_down),
		cmocka_unit_test(test_tables_multiframe),
		cmocka_unit_test(test_alloc_tframes),
		cmocka_unit_test(test_missing_tables),
		cmocka_unit_test(test_ipt_chains),
		cmocka_unit_test(test_ipt_simple),
		cmocka_unit_test(test_mappers),
		cmocka_unit_test(test_rmap_growth),
		cmocka_unit_test(test_pools),
		cmocka_unit_test(test_rng),
		cmocka_unit_test(test_clone),
		cmocka_unit_test(test_disk_copy),
		cmocka_unit_test(test_find_proc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
