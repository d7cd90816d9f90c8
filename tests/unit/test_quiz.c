/*
 * test_quiz.c - the quiz's questions and answers: made from the events
 * of a known access (a split, a miss, two entries, the data; a victim,
 * dirty, written back; an instruction that exits and its reason) and
 * from expect names; answers checked as students type them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"
#include "script/quiz.h"

/* The first question the quiz asks for an event of kind k of op o (the
 * event before it given as prev). */
static bool
ask_for(struct engine *e, const struct event *ev, size_t n, enum ev_kind k,
    struct quiz_q *q)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ev[i].kind == k)
			return quiz_for_event(e, &ev[i], i > 0 ? ev[i - 1].kind :
			    EV_N, q);
	fail_msg("no event of kind %d", (int)k);
	return false;
}

static void
test_access_questions(void **state)
{
	struct mconfig c;
	struct engine *e;
	struct event ev[TH_MAX_EV];
	struct quiz_q q;
	char msg[1024];
	size_t n;

	(void)state;
	th_config(&c, 32, 32, 8);
	c.tlb = 4;
	e = th_engine(&c);
	th_process(e, "p", -1, -1);
	th_map(e, 0x401000, 1, false, -1);
	n = th_access_ev(e, OP_READ, 0x401234, 0, ev);

	assert_true(ask_for(e, ev, n, EV_SPLIT, &q));
	assert_string_equal(q.answer, "0x401");
	assert_true(quiz_check(&q, "0x401", msg, sizeof msg));
	assert_true(quiz_check(&q, " 401 ", msg, sizeof msg));	/* hex */
	assert_true(quiz_check(&q, "1025", msg, sizeof msg));	/* decimal */
	assert_false(quiz_check(&q, "0x402", msg, sizeof msg));
	assert_non_null(strstr(msg, "the answer is 0x401, because"));
	assert_non_null(strstr(msg, "vpn 0x401 offset 0x234"));
	assert_false(quiz_check(&q, "page", msg, sizeof msg));

	assert_true(ask_for(e, ev, n, EV_TLB_MISS, &q));
	assert_string_equal(q.answer, "miss");
	assert_true(quiz_check(&q, "MISS", msg, sizeof msg));
	assert_false(quiz_check(&q, "hit", msg, sizeof msg));

	assert_true(ask_for(e, ev, n, EV_WALK, &q));
	assert_string_equal(q.answer, "0xfffff004");	/* L1 index 1 */
	assert_true(ask_for(e, ev, n, EV_DATA, &q));
	assert_string_equal(q.answer, "0x234");		/* frame 0 */
	/* a TLB fill is no key stage */
	assert_false(ask_for(e, ev, n, EV_TLB_FILL, &q));
	engine_free(e);
}

static void
test_victim_questions(void **state)
{
	struct mconfig c;
	struct engine *e;
	struct event ev[TH_MAX_EV];
	struct quiz_q q;
	char msg[1024];
	size_t n;

	(void)state;
	th_config(&c, 32, 32, 1);
	e = th_engine(&c);
	th_process(e, "p", -1, -1);
	th_map(e, 0x1000, 1, false, -1);
	th_map(e, 0x2000, 1, true, -1);
	th_access(e, OP_WRITE, 0x1000, 1);
	n = th_access_ev(e, OP_READ, 0x2000, 0, ev);
	assert_true(ask_for(e, ev, n, EV_VICTIM, &q));
	assert_string_equal(q.answer, "0x0");
	assert_true(ask_for(e, ev, n, EV_EVICT, &q));	/* after the victim */
	assert_string_equal(q.answer, "yes");
	assert_true(quiz_check(&q, "y", msg, sizeof msg));
	assert_true(quiz_check(&q, "Yes", msg, sizeof msg));
	assert_false(quiz_check(&q, "no", msg, sizeof msg));
	assert_false(quiz_check(&q, "yesno", msg, sizeof msg));
	engine_free(e);
}

static void
test_exit_questions(void **state)
{
	struct mconfig c;
	struct engine *e;
	struct event ev[TH_MAX_EV];
	struct quiz_q q;
	struct op o;
	char msg[1024];
	size_t n;

	(void)state;
	th_config(&c, 32, 32, 64);
	e = th_engine(&c);
	th_guest(e, MMU_NESTED, 64 * 1024, false);
	op_init(&o, OP_INSN);
	o.insn = INSN_CPUID;
	n = th_run_ev(e, &o, ev);
	assert_true(ask_for(e, ev, n, EV_INSN, &q));
	assert_string_equal(q.answer, "exit");
	assert_true(ask_for(e, ev, n, EV_EXIT, &q));
	assert_string_equal(q.answer, "cpuid");
	assert_true(quiz_check(&q, "cpuid", msg, sizeof msg));
	assert_true(quiz_check(&q, "10", msg, sizeof msg));	/* its number */
	assert_false(quiz_check(&q, "hlt", msg, sizeof msg));
	engine_free(e);
}

static void
test_name_questions(void **state)
{
	struct mconfig c;
	struct engine *e;
	struct quiz_q q;
	struct verr ve;
	char msg[1024];

	(void)state;
	th_config(&c, 32, 32, 8);
	e = th_engine(&c);
	th_process(e, "p", -1, -1);
	th_map(e, 0x401000, 1, false, -1);
	th_access(e, OP_READ, 0x401234, 0);
	assert_int_equal(quiz_for_name(e, "refs", "How many?", 9, &q, &ve), 0);
	assert_string_equal(q.text, "How many?");
	assert_string_equal(q.answer, "2");		/* a count */
	assert_true(quiz_check(&q, "2", msg, sizeof msg));
	assert_false(quiz_check(&q, "0x2x", msg, sizeof msg));
	assert_int_equal(quiz_for_name(e, "pa", "", 0, &q, &ve), 0);
	assert_string_equal(q.answer, "0x234");
	assert_int_equal(quiz_for_name(e, "fault", "", 0, &q, &ve), 0);
	assert_string_equal(q.answer, "none");
	assert_true(quiz_check(&q, "None", msg, sizeof msg));
	assert_int_equal(quiz_for_name(e, "nosuch", "", 0, &q, &ve), -1);
	engine_free(e);
}

/* A count is never read in hex: "10" is ten, not sixteen. */
static void
test_counts_decimal(void **state)
{
	struct quiz_q q;
	char msg[256];

	(void)state;
	memset(&q, 0, sizeof q);
	q.num = true;
	q.value = 16;
	snprintf(q.answer, sizeof q.answer, "16");
	assert_false(quiz_check(&q, "10", msg, sizeof msg));
	assert_true(quiz_check(&q, "16", msg, sizeof msg));
	assert_true(quiz_check(&q, "0x10", msg, sizeof msg));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_access_questions),
		cmocka_unit_test(test_victim_questions),
		cmocka_unit_test(test_exit_questions),
		cmocka_unit_test(test_name_questions),
		cmocka_unit_test(test_counts_decimal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
