/*
 * test_tlb.c - unit tests of the TLB (src/core/tlb.c): set index = VPN
 * mod sets (power of two or not), hits and misses tagged by ASID, what
 * a fill stores, an invalid way taken before any victim, the victim in
 * a set under LRU (oldest use) and FIFO (oldest fill) and under the
 * seeded generator (splitmix64, seed 1), fills confined to their set,
 * tlb_flush_page / tlb_flush_frame / tlb_flush_all and their counts, a
 * machine with no TLB; and through the engine, the set an access probes
 * and the entries that survive (tags on) or not (tags off) a switch.
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

/* A machine with a TLB of n entries in sets of ways (0 = full). */
static struct machine *
mkt(unsigned n, unsigned ways, enum tlb_policy p)
{
	struct mconfig c;

	mcfg_init(&c);
	c.tlb = n;
	c.tlb_ways = ways;
	c.tlb_policy = p;
	c.set |= MCFG_SET_TLBWAYS;
	return th_machine(&c);
}

struct fill {
	uint32_t slot;
	bool evicted;
	uint64_t old;
};

static struct fill
fill(struct machine *m, uint32_t asid, uint64_t vpn, uint64_t frame)
{
	struct fill f;

	f.old = 0xdead;
	f.slot = tlb_fill(m, asid, vpn, frame, frame, 0x1000 + vpn * 4, 1, 1, 0, 0,
	    &f.evicted, &f.old);
	return f;
}

static bool
hit(struct machine *m, uint32_t asid, uint64_t vpn, uint32_t *slot)
{
	uint32_t s = 0xffff;
	bool h = tlb_probe(m, asid, vpn, &s);

	if (slot != NULL)
		*slot = s;
	return h;
}

static void
test_set_index(void **state)
{
	struct machine *m;
	struct fill f;
	uint32_t s;

	(void)state;
	m = mkt(8, 2, TLBP_LRU);	/* 4 sets of 2 */
	assert_int_equal(m->tlb_sets, 4);
	assert_int_equal(m->tlb_ways, 2);
	assert_int_equal(tlb_set_of(m, 0), 0);
	assert_int_equal(tlb_set_of(m, 13), 1);
	assert_int_equal(tlb_set_of(m, 0x403), 3);
	f = fill(m, 1, 13, 7);
	assert_false(f.evicted);
	assert_int_equal(f.slot, 2);	/* set 1, way 0 */
	assert_true(hit(m, 1, 13, &s));
	assert_int_equal(s, 2);
	f = fill(m, 1, 5, 8);		/* also set 1: the next way */
	assert_int_equal(f.slot, 3);
	machine_free(m);

	m = mkt(6, 2, TLBP_LRU);	/* 3 sets: not a power of two */
	assert_int_equal(m->tlb_sets, 3);
	assert_int_equal(tlb_set_of(m, 7), 1);
	assert_int_equal(tlb_set_of(m, 9), 0);
	assert_int_equal(tlb_set_of(m, 11), 2);
	assert_int_equal(tlb_set_of(m, 0x100000001ULL), 0x100000001ULL % 3);
	f = fill(m, 1, 11, 3);
	assert_int_equal(f.slot, 4);
	f = fill(m, 1, 7, 3);
	assert_int_equal(f.slot, 2);
	assert_true(hit(m, 1, 11, &s));
	assert_int_equal(s, 4);
	machine_free(m);

	m = mkt(4, 0, TLBP_LRU);	/* fully associative: one set */
	assert_int_equal(m->tlb_sets, 1);
	assert_int_equal(m->tlb_ways, 4);
	assert_int_equal(tlb_set_of(m, 12345), 0);
	machine_free(m);

	m = mkt(12, 1, TLBP_LRU);	/* direct-mapped, 12 sets */
	assert_int_equal(m->tlb_sets, 12);
	assert_int_equal(tlb_set_of(m, 30), 6);
	f = fill(m, 1, 30, 1);
	assert_int_equal(f.slot, 6);
	f = fill(m, 1, 42, 2);		/* 42 mod 12 = 6 again */
	assert_int_equal(f.slot, 6);
	assert_true(f.evicted);
	assert_int_equal(f.old, 30);
	assert_false(hit(m, 1, 30, NULL));
	machine_free(m);
}

static void
test_asid_tags(void **state)
{
	struct machine *m = mkt(4, 0, TLBP_LRU);
	struct fill f;
	uint32_t s1, s2;

	(void)state;
	assert_false(hit(m, 1, 5, NULL));	/* empty */
	f = fill(m, 1, 5, 9);
	assert_false(f.evicted);
	assert_true(hit(m, 1, 5, &s1));
	assert_false(hit(m, 2, 5, NULL));	/* another ASID */
	assert_false(hit(m, 1, 6, NULL));	/* another page */
	f = fill(m, 2, 5, 10);
	assert_false(f.evicted);
	assert_true(hit(m, 2, 5, &s2));
	assert_true(s1 != s2);
	assert_int_equal(m->tlb[s1].frame, 9);
	assert_int_equal(m->tlb[s2].frame, 10);
	assert_int_equal(m->tlb[s1].asid, 1);
	assert_int_equal(m->tlb[s2].asid, 2);
	machine_free(m);
}

static void
test_fill_fields(void **state)
{
	struct machine *m = mkt(4, 2, TLBP_LRU);
	bool ev = true;
	uint64_t old = 77;
	uint32_t s;
	const struct tlbe *t;

	(void)state;
	s = tlb_fill(m, 3, 0x41, 0x99, 0x99, 0xabc0, 0, 1, 1, 1, &ev, &old);
	assert_false(ev);
	assert_int_equal(old, 77);	/* untouched without a victim */
	assert_int_equal(s, 2);		/* set 1 */
	t = &m->tlb[s];
	assert_int_equal(t->valid, 1);
	assert_int_equal(t->vpn, 0x41);
	assert_int_equal(t->asid, 3);
	assert_int_equal(t->frame, 0x99);
	assert_int_equal(t->pte_pa, 0xabc0);
	assert_int_equal(t->w, 0);
	assert_int_equal(t->u, 1);
	assert_int_equal(t->nx, 1);
	assert_int_equal(t->dirty, 1);
	machine_free(m);
}

/* One 2-way set (vpns 0, 2, 4, 6 in set 0 of 2): A and B filled, A
 * used again, C filled.  LRU evicts B (least recently used); FIFO
 * evicts A (filled first), touching changes nothing. */
static void
test_lru_vs_fifo(void **state)
{
	struct machine *m;
	struct fill a, b, f;
	uint32_t s;

	(void)state;
	m = mkt(4, 2, TLBP_LRU);
	a = fill(m, 1, 0, 10);
	b = fill(m, 1, 2, 12);
	assert_int_equal(a.slot, 0);
	assert_int_equal(b.slot, 1);
	assert_true(hit(m, 1, 0, &s));
	tlb_touch(m, s);
	f = fill(m, 1, 1, 11);		/* set 1: no victim in set 0 */
	assert_false(f.evicted);
	assert_int_equal(f.slot, 2);
	f = fill(m, 1, 4, 14);
	assert_true(f.evicted);
	assert_int_equal(f.old, 2);
	assert_int_equal(f.slot, b.slot);
	assert_true(hit(m, 1, 0, NULL));
	assert_false(hit(m, 1, 2, NULL));
	assert_true(hit(m, 1, 1, NULL));
	/* now 0 (touched before 4 was filled) is the older */
	f = fill(m, 1, 6, 16);
	assert_int_equal(f.old, 0);
	assert_int_equal(f.slot, a.slot);
	machine_free(m);

	m = mkt(4, 2, TLBP_FIFO);
	a = fill(m, 1, 0, 10);
	b = fill(m, 1, 2, 12);
	assert_true(hit(m, 1, 0, &s));
	tlb_touch(m, s);
	assert_true(hit(m, 1, 0, &s));
	tlb_touch(m, s);
	f = fill(m, 1, 4, 14);
	assert_true(f.evicted);
	assert_int_equal(f.old, 0);
	assert_int_equal(f.slot, a.slot);
	f = fill(m, 1, 6, 16);
	assert_int_equal(f.old, 2);
	assert_int_equal(f.slot, b.slot);
	f = fill(m, 1, 8, 18);
	assert_int_equal(f.old, 4);
	machine_free(m);
}

/* LRU over four ways: the order of last use decides, whatever the fill
 * order. */
static void
test_lru_order_full(void **state)
{
	static const uint64_t use[] = { 3, 1, 4, 2 };	/* 1 2 3 4 filled */
	static const uint64_t evict[] = { 3, 1, 4, 2 };
	struct machine *m = mkt(4, 0, TLBP_LRU);
	struct fill f;
	uint32_t s;
	size_t i;

	(void)state;
	for (i = 1; i <= 4; i++)
		(void)fill(m, 1, i, i);
	for (i = 0; i < 4; i++) {
		assert_true(hit(m, 1, use[i], &s));
		tlb_touch(m, s);
	}
	for (i = 0; i < 4; i++) {
		f = fill(m, 1, 100 + i, 0);
		assert_true(f.evicted);
		if (f.old != evict[i])
			fail_msg("victim %zu: vpn %u, want %u", i,
			    (unsigned)f.old, (unsigned)evict[i]);
	}
	machine_free(m);
}

/* An invalid way is taken before any victim, even when it is not the
 * first way. */
static void
test_invalid_way_first(void **state)
{
	struct machine *m = mkt(4, 0, TLBP_LRU);
	struct fill f;
	uint32_t s;

	(void)state;
	(void)fill(m, 1, 1, 1);
	(void)fill(m, 1, 2, 2);
	(void)fill(m, 1, 3, 3);
	(void)fill(m, 1, 4, 4);
	assert_true(hit(m, 1, 3, &s));
	assert_int_equal(tlb_flush_page(m, 1, 3), 1);
	f = fill(m, 1, 5, 5);
	assert_false(f.evicted);
	assert_int_equal(f.slot, s);
	assert_true(hit(m, 1, 1, NULL));
	assert_true(hit(m, 1, 2, NULL));
	assert_true(hit(m, 1, 4, NULL));
	machine_free(m);
}

/* tlb.policy=random: the victim's way is the seeded generator's next
 * value mod ways (splitmix64 from seed 1: 0x910a2dec89025cc1,
 * 0xbeeb8da1658eec67, 0xf893a2eefb32555e). */
static void
test_random(void **state)
{
	struct machine *m = mkt(4, 0, TLBP_RANDOM);
	struct fill f;
	uint64_t i;

	(void)state;
	for (i = 0; i < 4; i++) {
		f = fill(m, 1, 10 + i, i);
		assert_false(f.evicted);
		assert_int_equal(f.slot, i);	/* free ways: no draw */
	}
	assert_int_equal(m->r.rng, 1);
	f = fill(m, 1, 20, 0);
	assert_true(f.evicted);
	assert_int_equal(f.slot, 0x910a2dec89025cc1ULL % 4);	/* 1 */
	assert_int_equal(f.old, 11);
	f = fill(m, 1, 21, 0);
	assert_int_equal(f.slot, 0xbeeb8da1658eec67ULL % 4);	/* 3 */
	assert_int_equal(f.old, 13);
	f = fill(m, 1, 22, 0);
	assert_int_equal(f.slot, 0xf893a2eefb32555eULL % 4);	/* 2 */
	assert_int_equal(f.old, 12);
	machine_free(m);

	/* 2 sets of 3 ways: the way is draw mod 3, within the set */
	m = mkt(6, 3, TLBP_RANDOM);
	(void)fill(m, 1, 0, 0);
	(void)fill(m, 1, 2, 0);
	(void)fill(m, 1, 4, 0);
	f = fill(m, 1, 1, 0);		/* set 1 has free ways: no draw */
	assert_int_equal(f.slot, 3);
	assert_int_equal(m->r.rng, 1);
	f = fill(m, 1, 6, 0);
	assert_int_equal(f.slot, 2);	/* 0x...5cc1 mod 3 */
	assert_int_equal(f.old, 4);
	f = fill(m, 1, 8, 0);
	assert_int_equal(f.slot, 1);	/* 0x...ec67 mod 3 */
	assert_int_equal(f.old, 2);
	f = fill(m, 1, 10, 0);
	assert_int_equal(f.slot, 0);	/* 0x...555e mod 3 */
	assert_int_equal(f.old, 0);
	assert_true(hit(m, 1, 1, NULL));
	machine_free(m);
}

static void
test_flushes(void **state)
{
	struct machine *m = mkt(8, 0, TLBP_LRU);

	(void)state;
	(void)fill(m, 1, 5, 9);
	(void)fill(m, 2, 5, 9);		/* a shared frame */
	(void)fill(m, 1, 6, 10);
	(void)fill(m, 3, 7, 9);
	(void)fill(m, 2, 8, 11);
	/* one page of one address space */
	assert_int_equal(tlb_flush_page(m, 1, 5), 1);
	assert_false(hit(m, 1, 5, NULL));
	assert_true(hit(m, 2, 5, NULL));
	assert_int_equal(tlb_flush_page(m, 1, 5), 0);	/* gone already */
	assert_int_equal(tlb_flush_page(m, 4, 6), 0);	/* another ASID */
	assert_int_equal(tlb_flush_page(m, 1, 99), 0);
	assert_true(hit(m, 1, 6, NULL));
	/* a frame, in every address space */
	assert_int_equal(tlb_flush_frame(m, 9), 2);
	assert_false(hit(m, 2, 5, NULL));
	assert_false(hit(m, 3, 7, NULL));
	assert_true(hit(m, 1, 6, NULL));
	assert_true(hit(m, 2, 8, NULL));
	assert_int_equal(tlb_flush_frame(m, 9), 0);
	assert_int_equal(tlb_flush_frame(m, 12345), 0);
	/* everything */
	assert_int_equal(tlb_flush_all(m), 2);
	assert_false(hit(m, 1, 6, NULL));
	assert_false(hit(m, 2, 8, NULL));
	assert_int_equal(tlb_flush_all(m), 0);
	machine_free(m);
}

static void
test_no_tlb(void **state)
{
	struct machine *m = mkt(0, 0, TLBP_LRU);

	(void)state;
	assert_int_equal(m->tlb_ways, 0);
	assert_false(hit(m, 1, 5, NULL));
	assert_int_equal(tlb_flush_page(m, 1, 5), 0);
	assert_int_equal(tlb_flush_frame(m, 0), 0);
	assert_int_equal(tlb_flush_all(m), 0);
	machine_free(m);
}

/* ---- through the engine ---- */

static struct engine *
mke(bool tags)
{
	struct mconfig c;

	mcfg_init(&c);
	c.tlb = 8;
	c.tlb_ways = 2;
	c.tlb_tags = tags;
	c.set |= MCFG_SET_TLBWAYS;
	return th_engine(&c);
}

static void
test_engine_sets(void **state)
{
	struct engine *e = mke(true);
	struct event ev;
	struct op o;

	(void)state;
	th_named(e, OP_PROCESS, "a");
	th_map(e, 0x7000, 1, false, -1);
	op_init(&o, OP_READ);
	o.va = 0x7123;
	ev = th_run_find(e, &o, EV_TLB_MISS);
	assert_int_equal(ev.a, 7);
	assert_int_equal(ev.c, 3);	/* 7 mod 4 sets */
	ev = th_run_find(e, &o, EV_TLB_HIT);
	assert_int_equal(ev.c, 3);
	assert_int_equal(ev.d, 0);	/* way 0 */
	engine_free(e);
}

/* tags on: entries of both processes survive switches; off: a switch
 * flushes them all. */
static void
test_engine_tags(void **state)
{
	struct engine *e;
	int tags;

	(void)state;
	for (tags = 1; tags >= 0; tags--) {
		e = mke(tags != 0);
		th_named(e, OP_PROCESS, "a");
		th_map(e, 0x1000, 1, false, -1);
		th_access(e, OP_READ, 0x1000, 0);
		th_named(e, OP_PROCESS, "b");
		th_map(e, 0x1000, 1, false, -1);
		th_access(e, OP_READ, 0x1000, 0);
		/* b's own */
		assert_string_equal(th_qword(e, "tlb"), "miss");
		th_named(e, OP_SWITCH, "a");
		th_access(e, OP_READ, 0x1000, 0);
		assert_string_equal(th_qword(e, "tlb"), tags ? "hit" : "miss");
		th_named(e, OP_SWITCH, "b");
		th_access(e, OP_READ, 0x1000, 0);
		assert_string_equal(th_qword(e, "tlb"), tags ? "hit" : "miss");
		engine_free(e);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_index),
		cmocka_unit_test(test_asid_tags),
		cmocka_unit_test(test_fill_fields),
		cmocka_unit_test(test_lru_vs_fifo),
		cmocka_unit_test(test_lru_order_full),
		cmocka_unit_test(test_invalid_way_first),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_flushes),
		cmocka_unit_test(test_no_tlb),
		cmocka_unit_test(test_engine_sets),
		cmocka_unit_test(test_engine_tags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
