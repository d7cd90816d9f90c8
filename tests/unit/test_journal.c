/*
 * test_journal.c - unit tests of the undo log (src/core/journal.c):
 * undo restores the saved bytes in reverse order, step by step, back to
 * the very first state; a location saved twice in one step comes back to
 * its oldest value; steps with no saves; saves outside any step are not
 * kept; odd sizes leave their neighbours alone; growth past the first
 * buffers; jr_clear and jr_free; and the journal behind the machine's
 * own writes (phys_write across a chunk boundary, tlb_fill, frames).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/journal.h"
#include "core/machine.h"

/* Save then overwrite n bytes of p with v. */
static void
change(struct journal *j, uint8_t *p, size_t n, uint8_t v)
{
	assert_int_equal(jr_save(j, p, n), 0);
	memset(p, v, n);
}

static void
test_undo_reverse(void **state)
{
	struct journal j;
	uint8_t a[16], s0[16], s1[16], s2[16];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof a; i++)
		a[i] = (uint8_t)i;
	memcpy(s0, a, sizeof a);
	jr_init(&j);
	assert_int_equal(j.nsteps, 0);
	assert_false(jr_undo_step(&j));		/* nothing to undo */

	/* step 1: overlapping saves of the same bytes */
	assert_int_equal(jr_begin_step(&j), 0);
	change(&j, a + 0, 4, 0xa1);	/* a[0..3] */
	change(&j, a + 2, 4, 0xa2);	/* a[2..5], two of them again */
	change(&j, a + 0, 1, 0xa3);	/* a[0] a third time */
	memcpy(s1, a, sizeof a);
	/* step 2 */
	assert_int_equal(jr_begin_step(&j), 0);
	change(&j, a + 4, 8, 0xb1);
	change(&j, a + 15, 1, 0xb2);
	memcpy(s2, a, sizeof a);
	/* step 3: no saves at all */
	assert_int_equal(jr_begin_step(&j), 0);
	/* step 4: a save of the whole array */
	assert_int_equal(jr_begin_step(&j), 0);
	change(&j, a, sizeof a, 0xc1);
	assert_int_equal(j.nsteps, 4);

	assert_true(jr_undo_step(&j));		/* step 4 */
	assert_memory_equal(a, s2, sizeof a);
	assert_true(jr_undo_step(&j));		/* step 3: nothing changes */
	assert_memory_equal(a, s2, sizeof a);
	assert_int_equal(j.nsteps, 2);
	assert_true(jr_undo_step(&j));		/* step 2 */
	assert_memory_equal(a, s1, sizeof a);
	assert_true(jr_undo_step(&j));		/* step 1, in reverse order */
	assert_memory_equal(a, s0, sizeof a);
	assert_int_equal(j.nsteps, 0);
	assert_int_equal(j.len, 0);
	assert_false(jr_undo_step(&j));
	assert_memory_equal(a, s0, sizeof a);
	assert_false(j.failed);
	jr_free(&j);
}

/* A step's saves are undone last to first: with one location saved three
 * times, only reverse order ends at the oldest value. */
static void
test_same_location_thrice(void **state)
{
	struct journal j;
	uint32_t x = 1;

	(void)state;
	jr_init(&j);
	assert_int_equal(jr_begin_step(&j), 0);
	assert_int_equal(jr_save(&j, &x, sizeof x), 0);
	x = 2;
	assert_int_equal(jr_save(&j, &x, sizeof x), 0);
	x = 3;
	assert_int_equal(jr_save(&j, &x, sizeof x), 0);
	x = 4;
	assert_true(jr_undo_step(&j));
	assert_int_equal(x, 1);
	jr_free(&j);
}

static void
test_save_outside_step(void **state)
{
	struct journal j;
	uint8_t v = 5;

	(void)state;
	jr_init(&j);
	assert_int_equal(jr_save(&j, &v, 1), 0);	/* not kept */
	v = 6;
	assert_int_equal(j.len, 0);
	assert_false(jr_undo_step(&j));
	assert_int_equal(v, 6);
	jr_free(&j);
}

/* Sizes that are not multiples of 8 restore exactly their bytes. */
static void
test_odd_sizes(void **state)
{
	static const size_t sizes[] = { 1, 2, 3, 5, 7, 9, 13, 0 };
	struct journal j;
	uint8_t a[64], s0[64];
	size_t i, off = 1;

	(void)state;
	for (i = 0; i < sizeof a; i++)
		a[i] = (uint8_t)(0x40 + i);
	memcpy(s0, a, sizeof a);
	jr_init(&j);
	assert_int_equal(jr_begin_step(&j), 0);
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		change(&j, a + off, sizes[i], (uint8_t)(0xf0 + i));
		off += sizes[i] + 1;	/* a gap byte never saved */
	}
	/* the gap bytes were never touched */
	assert_int_equal(a[0], 0x40);
	assert_int_equal(a[2], 0x42);
	assert_int_equal(a[1], 0xf0);
	assert_true(jr_undo_step(&j));
	assert_memory_equal(a, s0, sizeof a);
	jr_free(&j);
}

static void
test_clear(void **state)
{
	struct journal j;
	uint8_t v = 1;

	(void)state;
	jr_init(&j);
	assert_int_equal(jr_begin_step(&j), 0);
	change(&j, &v, 1, 2);
	assert_int_equal(jr_begin_step(&j), 0);
	change(&j, &v, 1, 3);
	jr_clear(&j, 42);
	assert_int_equal(j.base, 42);
	assert_int_equal(j.nsteps, 0);
	assert_int_equal(j.len, 0);
	assert_false(j.failed);
	assert_false(jr_undo_step(&j));
	assert_int_equal(v, 3);		/* clearing undoes nothing */
	/* the journal works again after a clear */
	assert_int_equal(jr_begin_step(&j), 0);
	change(&j, &v, 1, 4);
	assert_true(jr_undo_step(&j));
	assert_int_equal(v, 3);
	assert_false(jr_undo_step(&j));
	/* jr_free leaves an empty journal that can be used again */
	jr_free(&j);
	assert_null(j.buf);
	assert_null(j.steps);
	assert_int_equal(j.nsteps, 0);
	assert_int_equal(jr_bytes(&j), 0);
	assert_int_equal(jr_begin_step(&j), 0);
	change(&j, &v, 1, 5);
	assert_true(jr_undo_step(&j));
	assert_int_equal(v, 3);
	jr_free(&j);
}

static void
test_bytes(void **state)
{
	struct journal j;
	uint8_t v = 0;

	(void)state;
	jr_init(&j);
	assert_int_equal(jr_bytes(&j), 0);
	assert_int_equal(jr_begin_step(&j), 0);
	assert_int_equal(jr_bytes(&j), 1024 * sizeof(size_t));
	change(&j, &v, 1, 1);
	assert_int_equal(jr_bytes(&j), 65536 + 1024 * sizeof(size_t));
	jr_free(&j);
}

/* More steps than the first step array, more bytes than the first
 * buffer; undone one by one, each step gives back its own state. */
static void
test_growth(void **state)
{
	enum { STEPS = 3000, BIG = 200000 };
	struct journal j;
	uint32_t x = 0;
	uint8_t *big;
	size_t i;

	(void)state;
	big = (uint8_t *)malloc(BIG);
	assert_non_null(big);
	for (i = 0; i < BIG; i++)
		big[i] = (uint8_t)(i * 7);
	jr_init(&j);
	for (i = 1; i <= STEPS; i++) {
		assert_int_equal(jr_begin_step(&j), 0);
		assert_int_equal(jr_save(&j, &x, sizeof x), 0);
		x = (uint32_t)i;
		if (i == STEPS / 2) {
			assert_int_equal(jr_save(&j, big, BIG), 0);
			memset(big, 0, BIG);
		}
	}
	assert_int_equal(j.nsteps, STEPS);
	assert_true(j.cap >= BIG);
	for (i = STEPS; i > 0; i--) {
		assert_int_equal(x, i);
		assert_true(jr_undo_step(&j));
		assert_int_equal(x, i - 1);
		if (i == STEPS / 2)
			assert_int_equal(big[BIG - 1],
			    (uint8_t)((BIG - 1) * 7));
		else if (i > STEPS / 2)
			assert_int_equal(big[12345], 0);
	}
	for (i = 0; i < BIG; i++)
		if (big[i] != (uint8_t)(i * 7))
			fail_msg("big[%zu] = %u", i, big[i]);
	assert_false(jr_undo_step(&j));
	jr_free(&j);
	free(big);
}

/* The machine journals its own writes through J(): phys_write across a
 * chunk boundary, a TLB fill and a frame taken are undone exactly. */
static void
test_machine_writes(void **state)
{
	struct mconfig c;
	struct verr err;
	struct machine *m;
	struct journal j;
	struct tlbe t0;
	struct frame f0;
	struct regs r0;
	bool ev;
	uint64_t old = 0;
	uint32_t slot;

	(void)state;
	mcfg_init(&c);
	c.frames = 4;
	c.tlb = 4;
	c.set |= MCFG_SET_FRAMES;
	assert_int_equal(mcfg_finish(&c, &err), 0);
	m = machine_new(&c, &err);
	assert_non_null(m);
	jr_init(&j);
	m->jr = &j;

	phys_write(m, 0x1ffc, 0x1122334455667788ULL, 8);
	assert_int_equal(jr_begin_step(&j), 0);
	phys_write(m, 0x1ffe, 0xaabbccdd, 4);	/* 2 bytes in each chunk */
	assert_int_equal(phys_read(m, 0x1ffc, 8), 0x1122aabbccdd7788ULL);
	assert_true(jr_undo_step(&j));
	assert_int_equal(phys_read(m, 0x1ffc, 8), 0x1122334455667788ULL);

	memcpy(&t0, &m->tlb[0], sizeof t0);
	memcpy(&f0, &m->frames[0], sizeof f0);
	memcpy(&r0, &m->r, sizeof r0);
	assert_int_equal(jr_begin_step(&j), 0);
	J(m, &m->r, sizeof m->r);	/* as the engine saves its regs */
	slot = tlb_fill(m, 1, 9, 3, 3, 0x1234, 1, 1, 0, 0, &ev, &old);
	assert_int_equal(slot, 0);
	os_frame_take(m, 0, os_new_pobj(m));
	assert_int_equal(m->tlb[0].valid, 1);
	assert_int_equal(m->frames[0].pobj, 1);
	assert_int_equal(m->r.nfree, 3);
	assert_true(jr_undo_step(&j));
	assert_memory_equal(&m->tlb[0], &t0, sizeof t0);
	assert_memory_equal(&m->frames[0], &f0, sizeof f0);
	assert_memory_equal(&m->r, &r0, sizeof r0);
	assert_int_equal(m->r.nfree, 4);

	m->jr = NULL;
	jr_free(&j);
	machine_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_undo_reverse),
		cmocka_unit_test(test_same_location_thrice),
		cmocka_unit_test(test_save_outside_step),
		cmocka_unit_test(test_odd_sizes),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_machine_writes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
