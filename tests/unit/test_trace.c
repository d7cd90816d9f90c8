/*
 * test_trace.c - the trace replay API (script/trace.h) with the trace in
 * memory, as a sweep uses it: the figures it returns for small traces of
 * each format worked out by hand, a lackey M as a read and a write, bad
 * lines stopped or skipped, an address outside the address space, OPT,
 * the working set, and the machine of --machine (keys over the trace's
 * default).  The command line and the golden files are tests/trace.sh's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "script/trace.h"

/* What a replay printed and reported. */
struct seen {
	char	out[8192];
	char	err[1024];
	int	nerr;
};

static void
sink_out(void *arg, const char *line, size_t len)
{
	struct seen *s = (struct seen *)arg;
	size_t n = strlen(s->out);

	snprintf(s->out + n, sizeof s->out - n, "%.*s\n", (int)len, line);
}

static void
sink_err(void *arg, const char *line, size_t len)
{
	struct seen *s = (struct seen *)arg;

	if (s->nerr++ == 0)
		snprintf(s->err, sizeof s->err, "%.*s", (int)len, line);
}

/* Replay text on the machine of keys (over the trace default). */
static int
replay(const char *keys, const char *text, bool skip, bool quiet,
    struct engine_stats *st, struct seen *seen)
{
	struct trace_opts o;
	struct mconfig c;
	char msg[512];

	memset(seen, 0, sizeof *seen);
	if (trace_machine(keys, &c, msg, sizeof msg) != 0)
		fail_msg("trace_machine(\"%s\"): %s", keys, msg);
	trace_opts_init(&o);
	o.path = "t";
	o.text = text;
	o.textlen = strlen(text);
	o.stats = true;
	o.skip_bad = skip;
	o.interval = 4;
	o.result = st;
	if (!quiet) {
		o.out.fn = sink_out;
		o.out.arg = seen;
	}
	o.err.fn = sink_err;
	o.err.arg = seen;
	return (trace_replay(&c, &o));
}

/* Four pages, a TLB of 2 entries, 2 frames, LRU: each number below is
 * worked out by hand. */
static void
test_plain(void **state)
{
	struct engine_stats st;
	struct seen seen;

	(void)state;
	memset(&st, 0, sizeof st);
	/* pages 1 2 1 3 1 2: faults on 1, 2, 3 (evicts 2: 1 was used
	 * later), 2 (evicts 3); TLB (2 entries, LRU, an evicted page's
	 * entry dropped): miss 1, miss 2, hit 1, miss 3 (in place of 2,
	 * gone), hit 1, miss 2 */
	assert_int_equal(replay("tlb=2 frames=2 policy=lru",
	    "# pages 1 2 1 3 1 2\nr 0x1000\nw 0x2000\nx 4096\n\n"
	    "R 0x3008\nw 0x1ff0\nr 0x2004\n", false, false, &st, &seen), 0);
	assert_int_equal(seen.nerr, 0);
	assert_int_equal(st.accesses, 6);
	assert_int_equal(st.tlb_hits, 2);
	assert_int_equal(st.tlb_misses, 4);
	assert_int_equal(st.faults, 4);
	/* 2 was written and evicted when 3 came in; 3 was clean */
	assert_int_equal(st.writebacks, 1);
	assert_non_null(strstr(seen.out, "references   6: reads 3, writes "
	    "2, fetches 1\n"));
	/* intervals of 4: pages 1 2 3 (3 distinct), then 1 2 (partial) */
	assert_non_null(strstr(seen.out, "1 interval: min 3, mean 3.00, "
	    "max 3\n"));
	assert_non_null(strstr(seen.out, "last, partial interval: "
	    "references 2, pages 2\n"));
}

/* A lackey M is a read then a write; banner lines are skipped; a din
 * escape is counted and skipped. */
static void
test_lackey_din(void **state)
{
	struct engine_stats st, st2;
	struct seen seen;

	(void)state;
	assert_int_equal(replay("", "==1== Lackey\n==1== \nI  0401000,3\n"
	    " M 7ff000,8\n L 7ff008,4\n S 0401004,1\n==1== Exit code: 0\n",
	    false, true, &st, &seen), 0);
	assert_int_equal(st.accesses, 5);
	assert_int_equal(st.faults, 2);
	assert_int_equal(st.tlb_misses, 2);
	assert_int_equal(seen.out[0], '\0');	/* no sink: nothing shown */
	assert_int_equal(replay("", "2 401000\n0 7ff000\n3 0\n1 7ff000\n"
	    "0 7ff008 anything\n4 0\n1 401004\n", false, false, &st2, &seen),
	    0);
	assert_int_equal(st2.accesses, 5);
	assert_int_equal(st2.faults, st.faults);
	assert_int_equal(st2.tlb_misses, st.tlb_misses);
	assert_int_equal(st2.cycles, st.cycles);
	assert_non_null(strstr(seen.out, "din escapes  2 records"));
}

static void
test_bad_lines(void **state)
{
	struct engine_stats st;
	struct seen seen;

	(void)state;
	assert_int_equal(replay("", "r 0x10\nr 0x10 junk\nw 0x20\n", false,
	    false, &st, &seen), 2);
	assert_int_equal(seen.nerr, 1);
	assert_string_equal(seen.err, "t:2: plain: unexpected 'junk' after "
	    "the reference (a comment starts with '#')");
	assert_int_equal(seen.out[0], '\0');

	memset(&st, 0, sizeof st);
	assert_int_equal(replay("", "r 0x10\nr 0x10 junk\nw 0x20\nq 1\n"
	    "r ff\n", true, false, &st, &seen), 0);
	assert_int_equal(seen.nerr, 0);
	assert_int_equal(st.accesses, 2);
	assert_non_null(strstr(seen.out, "bad lines    3 (lines 2, 4, 5) "
	    "skipped; the first: t:2: plain: unexpected 'junk'"));

	/* not masked: outside 32 bits is a bad line */
	assert_int_equal(replay("va=32 pa=32", "r 0x10\nr 0x100000000\n",
	    false, true, &st, &seen), 2);
	assert_string_equal(seen.err, "t:2: address 0x100000000 is outside "
	    "the 32-bit virtual address space of the machine (0 .. "
	    "0xffffffff): give it va=48, as a 64-bit program's trace needs");
	assert_int_equal(replay("", "r 0xffff800000000000\n"
	    "r 0x0000800000000000\n", false, true, &st, &seen), 2);
	assert_string_equal(seen.err, "t:2: address 0x800000000000 is not "
	    "canonical with va=48: bits 63..47 must all equal bit 47");
}

/* Belady's example: pages 1 2 3 4 1 2 5 1 2 3 4 5 in 3 frames: OPT
 * faults 7 times, LRU 10. */
static void
test_opt(void **state)
{
	struct engine_stats st;
	struct seen seen;
	const char *s = "r 0x1000\nr 0x2000\nr 0x3000\nr 0x4000\nr 0x1000\n"
	    "r 0x2000\nr 0x5000\nr 0x1000\nr 0x2000\nr 0x3000\nr 0x4000\n"
	    "r 0x5000\n";

	(void)state;
	assert_int_equal(replay("frames=3 policy=opt", s, false, false, &st,
	    &seen), 0);
	assert_int_equal(st.faults, 7);
	assert_non_null(strstr(seen.out, "OPT future   12 references and their next uses held"));
	assert_int_equal(replay("frames=3 policy=lru", s, false, true, &st,
	    &seen), 0);
	assert_int_equal(st.faults, 10);
	assert_int_equal(replay("frames=3 policy=opt", "", false, true, &st,
	    &seen), 0);
	assert_int_equal(st.accesses, 0);
}

static void
test_machine(void **state)
{
	struct mconfig c;
	char msg[512];

	(void)state;
	assert_int_equal(trace_machine("", &c, msg, sizeof msg), 0);
	assert_int_equal(c.va, 48);
	assert_int_equal(c.pa, 40);
	assert_int_equal(c.page, 4096);
	assert_int_equal(c.tlb, 64);
	assert_int_equal(c.tlb_ways, 4);
	assert_int_equal(c.frames, 4096);
	assert_int_equal(c.policy, POL_CLOCK);
	/* a key given replaces the default's; tlb alone drops tlb.ways=4 */
	assert_int_equal(trace_machine("tlb=16 frames=64", &c, msg,
	    sizeof msg), 0);
	assert_int_equal(c.tlb, 16);
	assert_int_equal(c.tlb_ways, 0);
	assert_int_equal(c.frames, 64);
	assert_int_equal(c.va, 48);
	assert_int_equal(trace_machine("tlb=16 tlb.ways=2 va=32 pa=32", &c,
	    msg, sizeof msg), 0);
	assert_int_equal(c.tlb_ways, 2);
	assert_int_equal(c.va, 32);
	assert_int_not_equal(trace_machine("bogus=1", &c, msg, sizeof msg), 0);
	assert_non_null(strstr(msg, "unknown machine key 'bogus'"));
	assert_int_not_equal(trace_machine("frames=4096 pa=16", &c, msg,
	    sizeof msg), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_lackey_din),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_opt),
		cmocka_unit_test(test_machine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
