/*
 * test_invariant.c - inv_check (src/core/invariant.c) finds what breaks
 * the model's rules.  Each test builds a small machine through the
 * engine (maps, accesses, faults, evictions: a state that keeps every
 * rule, which inv_check must pass), then breaks one rule by writing the
 * machine's state directly - a frame owned twice, a lost free frame, a
 * torn list, a record the rmap forgets, a leaf naming the wrong frame or
 * left present, a present leaf nobody recorded, a clean page whose bytes
 * differ from its disk copy, TLB entries that are wrong, too wide,
 * unaccessed, falsely dirty or of another address space when untagged,
 * counters that do not add up, an inverted chain that loses an entry,
 * and in guests a wrong EPT leaf, a backing frame that is not the
 * guest's and a shadow entry the guest's table does not say - and
 * inv_check must name it.  After a poke the table rules are off (memory
 * holds what the OS did not write), the pool's still on.
 * Nothing steps after a state is broken: the checking build would stop
 * the test at the step.  And the checking build's hooks ran (and the
 * release build's did not).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/engine_int.h"
#include "core/invariant.h"
#include "core/machine.h"
#include "helpers.h"

static void
expect_ok(struct engine *e)
{
	char msg[512];

	if (inv_check(e, msg, sizeof msg) != 0)
		fail_msg("a state that keeps the rules was refused: %s", msg);
}

/* inv_check finds the broken rule, and says what in words containing
 * want. */
static void
expect_broken(struct engine *e, const char *want)
{
	char msg[512];

	if (inv_check(e, msg, sizeof msg) == 0)
		fail_msg("a broken rule went unseen (want \"%s\")", want);
	if (strstr(msg, want) == NULL)
		fail_msg("inv_check said \"%s\", want \"%s\"", msg, want);
}

/* A native machine: process p, 4 pages resident (frames 0..3), 8 on
 * disk, written and read so that some were evicted and written back; a
 * process q sharing p's first page; p current. */
static struct engine *
native(unsigned tlb, enum pt_kind pt, bool tags)
{
	struct mconfig c;
	struct engine *e;
	struct op o;
	unsigned i;

	th_config(&c, 32, 32, 6);
	c.tlb = tlb;
	c.pt = pt;
	c.tlb_tags = tags;
	e = th_engine(&c);
	th_process(e, "p", -1, -1);
	th_map(e, 0x1000, 4, false, -1);
	th_map(e, 0x10000, 8, true, -1);
	for (i = 0; i < 12; i++)
		th_access(e, OP_WRITE, (i < 4 ? 0x1000 : 0xc000) + i * 0x1000 +
		    8, 0x40 + i);
	for (i = 0; i < 12; i++)
		th_access(e, OP_READ, (i < 4 ? 0x1000 : 0xc000) + i * 0x1000 +
		    8, 0);
	if (pt == PT_RADIX) {
		th_process(e, "q", -1, -1);
		op_init(&o, OP_SHARE);
		snprintf(o.name, sizeof o.name, "p");
		o.va = 0x10000;
		o.va2 = 0x20000;
		th_run(e, &o);
		th_access(e, OP_READ, 0x20008, 0);
		th_named(e, OP_SWITCH, "p");
	}
	th_access(e, OP_READ, 0x10008, 0);
	expect_ok(e);
	assert_int_equal(e->m->r.nfree, 0);
	assert_true(th_qnum(e, "writebacks") > 0);
	return e;
}

/* The frame holding p's page at va (read through the OS's record). */
static uint64_t
frame_of(struct engine *e, const char *proc, uint64_t va)
{
	struct machine *m = e->m;
	uint32_t ri = os_lookup(m, os_find_proc(m, proc), va >> 12);

	assert_true(ri != NONE32);
	return pobj_at(m, rec_at(m, ri)->pobj)->frame;
}

/* The va of p's n-th resident page (n = 0, 1, ...) other than the
 * shared 0x10000. */
static uint64_t
resident_va(struct engine *e, unsigned n)
{
	static const uint64_t vas[] = { 0x1000, 0x2000, 0x3000, 0x4000,
		0x11000, 0x12000, 0x13000, 0x14000, 0x15000, 0x16000,
		0x17000 };
	size_t i;

	for (i = 0; i < sizeof vas / sizeof vas[0]; i++)
		if (frame_of(e, "p", vas[i]) != NONE64 && n-- == 0)
			return vas[i];
	fail_msg("p has too few resident pages");
	return 0;
}

static struct rec *
rec_of(struct engine *e, const char *proc, uint64_t va)
{
	struct machine *m = e->m;
	uint32_t ri = os_lookup(m, os_find_proc(m, proc), va >> 12);

	assert_true(ri != NONE32);
	return rec_at(m, ri);
}

/* The valid TLB entry of p's page at va. */
static struct tlbe *
tlbe_of(struct engine *e, uint64_t va)
{
	uint32_t slot;

	assert_true(tlb_probe(e->m, os_cur(e->m)->asid, va >> 12, &slot));
	return &e->m->tlb[slot];
}

/* ---- the pool ---- */

static void
test_clean_states_pass(void **state)
{
	struct engine *e;

	(void)state;
	engine_free(native(16, PT_RADIX, true));
	engine_free(native(0, PT_RADIX, true));
	engine_free(native(8, PT_RADIX, false));
	e = native(16, PT_INVERTED, true);
	engine_free(e);
}

static void
test_free_count(void **state)
{
	struct engine *e = native(16, PT_RADIX, true);

	(void)state;
	e->m->r.nfree = 1;
	expect_broken(e, "frames are free, the free count says 1");
	engine_free(e);
}

static void
test_frame_owned_twice(void **state)
{
	struct engine *e = native(16, PT_RADIX, true);
	uint64_t a = frame_of(e, "p", resident_va(e, 0));
	uint64_t b = frame_of(e, "p", resident_va(e, 1));

	(void)state;
	e->m->frames[b].pobj = e->m->frames[a].pobj;
	expect_broken(e, "is owned by page object");
	engine_free(e);
}

static void
test_torn_list(void **state)
{
	struct engine *e = native(16, PT_RADIX, true);
	struct frame *f = &e->m->frames[e->m->r.tail - 1];

	(void)state;
	f->prev = 0;
	expect_broken(e, "FIFO/LRU list");
	engine_free(e);
}

static void
test_free_hint(void **state)
{
	struct engine *e = native(16, PT_RADIX, true);
	struct op o;

	(void)state;
	op_init(&o, OP_UNMAP);
	for (o.va = 0x11000; frame_of(e, "p", o.va) == NONE64; o.va += 0x1000)
		assert_true(o.va < 0x17000);
	th_run(e, &o);			/* a resident page: its frame comes
					 * free */
	expect_ok(e);
	e->m->r.free_hint = e->m->c.frames;
	expect_broken(e, "below the free hint");
	engine_free(e);
}

/* ---- objects, records, tables ---- */

static void
test_rmap_forgets(void **state)
{
	struct engine *e = native(16, PT_RADIX, true);
	struct rec *r = rec_of(e, "p", 0x3000);

	(void)state;
	r->vpn = 0x77;		/* the rmap's slot no longer matches it */
	expect_broken(e, "the rmap does not find record");
	engine_free(e);
}

static void
test_leaf_wrong_frame(void **state)
{
	struct engine *e = native(16, PT_RADIX, true);
	const struct rec *r = rec_of(e, "p", resident_va(e, 0));
	uint64_t pte = phys_read(e->m, r->pte_pa, 4);

	(void)state;
	assert_true(pte & X86_P);
	phys_write(e->m, r->pte_pa, pte ^ 0x1000, 4);	/* frame ^ 1 */
	expect_broken(e, "its leaf names frame");
	engine_free(e);
}

static void
test_leaf_left_present(void **state)
{
	struct engine *e = native(16, PT_RADIX, true);
	struct machine *m = e->m;
	const struct rec *r = NULL;
	uint64_t va;

	(void)state;
	for (va = 0x10000; va < 0x18000; va += 0x1000) {
		r = rec_of(e, "p", va);
		if (pobj_at(m, r->pobj)->frame == NONE64)
			break;		/* a page on disk */
	}
	assert_true(va < 0x18000);
	phys_write(m, r->pte_pa, pt_make_leaf(m, 5, PERM_R | PERM_W, true),
	    4);
	expect_broken(e, "is not resident, its leaf");
	engine_free(e);
}

static void
test_leaf_nobody_recorded(void **state)
{
	struct engine *e = native(16, PT_RADIX, true);
	const struct rec *r = rec_of(e, "p", 0x1000);

	(void)state;
	/* the entry beside p's first page: va 0x0, never mapped */
	phys_write(e->m, r->pte_pa - 4, pt_make_leaf(e->m, frame_of(e, "p",
	    resident_va(e, 0)), PERM_R, true), 4);
	expect_broken(e, "has no record");
	engine_free(e);
}

static void
test_leaf_wider_rights(void **state)
{
	struct engine *e = native(16, PT_RADIX, true);
	struct rec *r = rec_of(e, "p", resident_va(e, 0));

	(void)state;
	r->perm = PERM_R;	/* the record says read-only, the leaf W */
	expect_broken(e, "does not give the record's rights");
	engine_free(e);
}

/* ---- contents ---- */

static void
test_clean_page_differs(void **state)
{
	struct engine *e = native(16, PT_RADIX, true);
	struct machine *m = e->m;
	uint64_t f;

	(void)state;
	for (f = 0; f < m->c.frames && m->frames[f].dirty; f++)
		;
	assert_true(f < m->c.frames);	/* a clean resident page */
	expect_ok(e);
	phys_write(m, (f << 12) + 100, 0x99, 1);	/* no dirty bit */
	expect_broken(e, "is clean but differs");
	engine_free(e);
}

/* ---- the TLB ---- */

static void
test_tlb_wrong_frame(void **state)
{
	struct engine *e = native(16, PT_RADIX, true);
	struct tlbe *t = tlbe_of(e, 0x10008);

	(void)state;
	t->frame ^= 1;
	t->gframe ^= 1;
	expect_broken(e, "TLB entry");
	engine_free(e);
}

static void
test_tlb_too_wide(void **state)
{
	struct engine *e = native(16, PT_RADIX, true);
	struct op o;
	struct tlbe *t;

	(void)state;
	op_init(&o, OP_PROTECT);
	o.va = 0x10000;
	o.perm = PERM_R;
	th_run(e, &o);
	th_access(e, OP_READ, 0x10008, 0);
	expect_ok(e);
	t = tlbe_of(e, 0x10008);
	assert_int_equal(t->w, 0);
	t->w = 1;
	expect_broken(e, "gives w1");
	engine_free(e);
}

static void
test_tlb_use_bit_clear(void **state)
{
	struct engine *e = native(16, PT_RADIX, true);
	struct tlbe *t = tlbe_of(e, 0x10008);

	(void)state;
	e->m->frames[t->gframe].use = 0;	/* cleared, entry kept */
	expect_broken(e, "whose use bit is clear");
	engine_free(e);
}

static void
test_tlb_falsely_dirty(void **state)
{
	struct engine *e = native(16, PT_RADIX, true);
	struct machine *m = e->m;
	unsigned s;

	(void)state;
	for (s = 0; s < m->c.tlb; s++)	/* an entry of a clean page */
		if (m->tlb[s].valid && !m->frames[m->tlb[s].gframe].dirty)
			break;
	assert_true(s < m->c.tlb);
	m->tlb[s].dirty = 1;
	expect_broken(e, "is dirty");
	engine_free(e);
}

static void
test_tlb_untagged_other_asid(void **state)
{
	struct engine *e = native(8, PT_RADIX, false);
	struct tlbe *t = tlbe_of(e, 0x10008);

	(void)state;
	t->asid = 2;		/* q's, which a CR3 load would have flushed */
	expect_broken(e, "the TLB is untagged");
	engine_free(e);
}

static void
test_tlb_duplicate(void **state)
{
	struct engine *e = native(16, PT_RADIX, true);
	struct machine *m = e->m;
	unsigned s;

	(void)state;
	for (s = 0; s < m->c.tlb && !m->tlb[s].valid; s++)
		;
	assert_true(s + 1 < m->c.tlb);	/* one set: any slot above it */
	m->tlb[s + 1] = m->tlb[s];
	expect_broken(e, "have one tag");
	engine_free(e);
}

/* ---- counters ---- */

static void
test_counters(void **state)
{
	struct engine *e = native(16, PT_RADIX, true);

	(void)state;
	e->m->r.tlb_hits++;
	expect_broken(e, "TLB hits");
	e->m->r.tlb_hits--;
	expect_ok(e);
	e->m->r.exits_by[3]++;
	expect_broken(e, "exits by reason");
	engine_free(e);
}

/* ---- the inverted table ---- */

static void
test_inverted_chain(void **state)
{
	struct engine *e = native(16, PT_INVERTED, true);
	struct machine *m = e->m;
	uint64_t va = resident_va(e, 0), f = frame_of(e, "p", va), w1;

	(void)state;
	w1 = phys_read(m, m->ipt_pa + f * IPT_ENTRY + 8, 8);
	phys_write(m, m->ipt_pa + f * IPT_ENTRY, 0x55, 8);	/* wrong tag */
	expect_broken(e, "the inverted entry of frame");
	phys_write(m, m->ipt_pa + f * IPT_ENTRY, va >> 12, 8);
	expect_ok(e);
	phys_write(m, m->ipt_pa + f * IPT_ENTRY + 8, w1 & ~X86_P, 8);
	expect_broken(e, "inverted entries are present");
	engine_free(e);
}

/* ---- guests ---- */

static struct engine *
guest(enum vm_mmu mmu)
{
	struct mconfig c;
	struct engine *e;
	unsigned i;

	th_config(&c, 32, 32, 8);
	e = th_engine(&c);
	th_guest(e, mmu, 16 * 4096, true);
	th_process(e, "gp", -1, -1);
	th_map(e, 0x1000, 3, false, -1);
	th_map(e, 0x10000, 6, true, -1);
	for (i = 0; i < 9; i++)
		th_access(e, OP_WRITE, (i < 3 ? 0x1000 : 0xd000) + i * 0x1000,
		    i + 1);
	for (i = 0; i < 9; i++)
		th_access(e, OP_READ, (i < 3 ? 0x1000 : 0xd000) + i * 0x1000,
		    0);
	expect_ok(e);
	return e;
}

static void
test_ept_leaf(void **state)
{
	struct engine *e = guest(MMU_NESTED);
	struct machine *g = e->m->vms[0];
	uint64_t gfn = 0, table = g->vmcs.eptp, epa = 0, v;
	unsigned l;

	(void)state;
	for (l = 1; l <= g->levels; l++) {
		epa = pt_entry_pa(g, table, gfn, l);
		v = phys_read(e->m, epa, g->c.pte);
		assert_true(v & 1);
		table = ept_next(g, v);
	}
	phys_write(e->m, epa, phys_read(e->m, epa, g->c.pte) + 0x1000,
	    g->c.pte);
	expect_broken(e, "the EPT maps gfn 0");
	engine_free(e);
}

static void
test_backing_not_the_guests(void **state)
{
	struct engine *e = guest(MMU_NESTED);
	struct machine *g = e->m->vms[0];
	uint64_t k;

	(void)state;
	for (k = 0; k < g->gframes && g->backing[k] == 0; k++)
		;
	assert_true(k < g->gframes);
	tframe_at(e->m, g->backing[k] - 1)->gfn = k + 1;
	expect_broken(e, "host frame");
	engine_free(e);
}

static void
test_shadow_entry(void **state)
{
	struct engine *e = guest(MMU_SHADOW);
	struct machine *h = e->m, *g = h->vms[0];
	uint64_t st = g->procs[0].shadow - 1, vpn = 0x15, pa = 0, v;
	unsigned l;

	(void)state;
	for (l = 1; l <= g->levels; l++) {	/* the shadow leaf of 0x15000,
						 * read last */
		pa = pt_entry_pa(h, st << 12, vpn, l);
		v = phys_read(h, pa, g->c.pte);
		assert_true(pt_present(h, v));
		st = pt_next(h, v) >> 12;
	}
	phys_write(h, pa, phys_read(h, pa, g->c.pte) ^ X86_U, g->c.pte);
	expect_broken(e, "the guest entry it mirrors");
	engine_free(e);
}

/* ---- what a poke turns off ---- */

static void
test_poke_taints_tables_only(void **state)
{
	struct engine *e = native(16, PT_RADIX, true);
	const struct rec *r = rec_of(e, "p", resident_va(e, 0));
	uint64_t pte = phys_read(e->m, r->pte_pa, 4);

	(void)state;
	th_poke_le(e, r->pte_pa, pte ^ 0x1000, 4);	/* a memory image */
	expect_ok(e);		/* the table is the image's now */
	e->m->r.nfree = 1;
	expect_broken(e, "the free count says");
	engine_free(e);
}

/* The checking build (make asan) checked the steps above by itself;
 * the release build never did. */
static void
test_hooks_wired(void **state)
{
	struct engine *e = native(16, PT_RADIX, true);

	(void)state;
#ifdef VMSCOPE_CHECK
	assert_true(e->inv.spent > 0);
#else
	assert_int_equal(e->inv.spent, 0);
#endif
	engine_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_states_pass),
		cmocka_unit_test(test_free_count),
		cmocka_unit_test(test_frame_owned_twice),
		cmocka_unit_test(test_torn_list),
		cmocka_unit_test(test_free_hint),
		cmocka_unit_test(test_rmap_forgets),
		cmocka_unit_test(test_leaf_wrong_frame),
		cmocka_unit_test(test_leaf_left_present),
		cmocka_unit_test(test_leaf_nobody_recorded),
		cmocka_unit_test(test_leaf_wider_rights),
		cmocka_unit_test(test_clean_page_differs),
		cmocka_unit_test(test_tlb_wrong_frame),
		cmocka_unit_test(test_tlb_too_wide),
		cmocka_unit_test(test_tlb_use_bit_clear),
		cmocka_unit_test(test_tlb_falsely_dirty),
		cmocka_unit_test(test_tlb_untagged_other_asid),
		cmocka_unit_test(test_tlb_duplicate),
		cmocka_unit_test(test_counters),
		cmocka_unit_test(test_inverted_chain),
		cmocka_unit_test(test_ept_leaf),
		cmocka_unit_test(test_backing_not_the_guests),
		cmocka_unit_test(test_shadow_entry),
		cmocka_unit_test(test_poke_taints_tables_only),
		cmocka_unit_test(test_hooks_wired),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
