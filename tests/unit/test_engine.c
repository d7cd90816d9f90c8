/*
 * test_engine.c - unit tests of the step engine through its public API:
 * worked examples 1, 2 and 4, replacement policies on the classic
 * string, data surviving eviction, and `back` restoring the exact state
 * (from the journal and from checkpoints).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/engine.h"
#include "helpers.h"

/* Worked example 1: 32-bit two-level walk and a protection fault. */
static void
test_ex1(void **state)
{
	static const uint8_t pde[] = { 0x27, 0x50, 0x20, 0x00 };
	static const uint8_t pte[] = { 0x25, 0xd0, 0xbc, 0x0a };
	struct mconfig c;
	struct engine *e;

	(void)state;
	mcfg_init(&c);
	e = th_engine(&c);
	th_poke(e, 0x100004, pde, 4);
	th_poke(e, 0x20500c, pte, 4);
	th_process(e, "p", -1, 0x100);
	th_access(e, OP_READ, 0x403a7c, 0);
	assert_int_equal(th_qnum(e, "pa"), 0xabcda7c);
	assert_int_equal(th_qnum(e, "index.1"), 1);
	assert_int_equal(th_qnum(e, "index.2"), 3);
	assert_int_equal(th_qnum(e, "offset"), 0xa7c);
	assert_int_equal(th_qnum(e, "pte.addr"), 0x20500c);
	assert_int_equal(th_qnum(e, "pte"), 0x0abcd025);
	assert_int_equal(th_qnum(e, "refs"), 2);
	assert_string_equal(th_qword(e, "tlb"), "miss");
	assert_string_equal(th_qword(e, "fault"), "none");
	th_access(e, OP_WRITE, 0x403a7c, 1);
	assert_string_equal(th_qword(e, "tlb"), "hit");
	assert_string_equal(th_qword(e, "fault"), "protection");
	assert_int_equal(th_qnum(e, "pf.code"), 7);
	assert_int_equal(th_qnum(e, "refs"), 0);
	assert_string_equal(th_qword(e, "pa"), "none");
	assert_int_equal(th_qnum(e, "pte"), 0x0abcd025);	/* D not set */
	engine_free(e);
}

/* Worked example 2: x86-64 walk, D set on a write, NX fetch. */
static void
test_ex2(void **state)
{
	static const uint8_t e1[] = { 0x27, 0x20, 0x10, 0, 0, 0, 0, 0 };
	static const uint8_t e2[] = { 0x27, 0x30, 0x10, 0, 0, 0, 0, 0 };
	static const uint8_t e3[] = { 0x27, 0x40, 0x10, 0, 0, 0, 0, 0 };
	static const uint8_t e4[] = { 0x27, 0x50, 0x34, 0x12, 0, 0, 0, 0x80 };
	struct mconfig c;
	struct engine *e;

	(void)state;
	mcfg_init(&c);
	c.va = 48;
	c.pa = 48;
	e = th_engine(&c);
	th_poke(e, 0x1017f0, e1, 8);
	th_poke(e, 0x102b58, e2, 8);
	th_poke(e, 0x1030f8, e3, 8);
	th_poke(e, 0x104090, e4, 8);
	th_process(e, "p", -1, 0x101);
	th_access(e, OP_READ, 0x00007f5ac3e12abcULL, 0);
	assert_int_equal(th_qnum(e, "pa"), 0x12345abc);
	assert_int_equal(th_qnum(e, "index.1"), 254);
	assert_int_equal(th_qnum(e, "index.2"), 363);
	assert_int_equal(th_qnum(e, "index.3"), 31);
	assert_int_equal(th_qnum(e, "index.4"), 18);
	assert_int_equal(th_qnum(e, "refs"), 4);
	assert_int_equal(th_qnum(e, "cycles"), 1 + 4 * 100 + 100);
	th_access(e, OP_WRITE, 0x00007f5ac3e12abcULL, 5);
	assert_string_equal(th_qword(e, "fault"), "none");
	assert_int_equal(th_qnum(e, "pte"), 0x8000000012345067ULL);
	th_access(e, OP_EXEC, 0x00007f5ac3e12abcULL, 0);
	assert_string_equal(th_qword(e, "fault"), "protection");
	assert_int_equal(th_qnum(e, "pf.code"), 0x15);
	engine_free(e);
}

/* Worked example 4: the inverted table's hash chains. */
static void
test_ex4_inverted(void **state)
{
	struct mconfig c;
	struct engine *e;

	(void)state;
	mcfg_init(&c);
	c.pt = PT_INVERTED;
	c.frames = 8;
	c.set |= MCFG_SET_FRAMES;
	c.tlb = 0;
	e = th_engine(&c);
	th_process(e, "a", 1, -1);
	th_map(e, 0x12000, 1, false, 0);
	th_process(e, "b", 2, -1);
	th_map(e, 0x0a000, 1, false, 1);
	th_named(e, OP_SWITCH, "a");
	th_map(e, 0x1a000, 1, false, 2);
	th_access(e, OP_READ, 0x12345, 0);
	/* anchor[7], frame 2, 0 */
	assert_int_equal(th_qnum(e, "refs"), 3);
	assert_int_equal(th_qnum(e, "pa"), 0x345);
	th_named(e, OP_SWITCH, "b");
	th_access(e, OP_READ, 0x12345, 0);
	assert_int_equal(th_qnum(e, "refs"), 2);	/* anchor[0], frame 1 */
	assert_string_equal(th_qword(e, "fault"), "segv");
	engine_free(e);
}

static const unsigned classic[] = { 7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2,
	1, 2, 0, 1, 7, 0, 1 };

static uint64_t
replay(enum policy p, uint64_t frames, const unsigned *s, size_t n)
{
	struct future_ref f[32];
	struct mconfig c;
	struct engine *e;
	struct op o;
	uint64_t faults;
	size_t i;

	for (i = 0; i < n; i++) {
		f[i].proc = "p";
		f[i].va = (uint64_t)s[i] << 12;
		f[i].machine = 0;
	}
	mcfg_init(&c);
	c.policy = p;
	c.frames = frames;
	c.set |= MCFG_SET_FRAMES;
	e = th_engine_future(&c, f, n);
	th_process(e, "p", -1, -1);
	th_map(e, 0, 8, true, -1);
	for (i = 0; i < n; i++) {
		op_init(&o, OP_READ);
		o.va = (uint64_t)s[i] << 12;
		o.fidx = (uint32_t)i;	/* its place in the future */
		th_run(e, &o);
	}
	faults = th_qnum(e, "faults");
	engine_free(e);
	return faults;
}

static void
test_policies(void **state)
{
	static const unsigned belady[] = { 1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4,
		5 };

	(void)state;
	assert_int_equal(replay(POL_FIFO, 3, classic, 20), 15);
	assert_int_equal(replay(POL_LRU, 3, classic, 20), 12);
	assert_int_equal(replay(POL_OPT, 3, classic, 20), 9);
	assert_int_equal(replay(POL_CLOCK, 3, classic, 20), 14);
	assert_int_equal(replay(POL_FIFO, 4, classic, 20), 10);
	assert_int_equal(replay(POL_LRU, 4, classic, 20), 8);
	assert_int_equal(replay(POL_OPT, 4, classic, 20), 8);
	assert_int_equal(replay(POL_CLOCK, 4, classic, 20), 9);
	assert_int_equal(replay(POL_FIFO, 3, belady, 12), 9);
	assert_int_equal(replay(POL_FIFO, 4, belady, 12), 10);
	assert_int_equal(replay(POL_LRU, 3, belady, 12), 10);
	assert_int_equal(replay(POL_LRU, 4, belady, 12), 8);
	assert_int_equal(replay(POL_OPT, 3, belady, 12), 7);
	assert_int_equal(replay(POL_OPT, 4, belady, 12), 6);
	assert_int_equal(replay(POL_CLOCK, 3, belady, 12), 9);
	assert_int_equal(replay(POL_CLOCK, 4, belady, 12), 10);
}

/* Worked example 9: dirty victims are written back, clean ones not;
 * the data written comes back. */
static void
test_writeback(void **state)
{
	static const char *const seq[] = { "1R", "2W", "3R", "1W", "4R", "2R",
		"5W", "1R", "3W", "4R" };
	static const uint64_t wb[] = { 0, 0, 0, 0, 1, 1, 2, 2, 2, 3 };
	struct mconfig c;
	struct engine *e;
	size_t i;
	uint64_t va;

	(void)state;
	mcfg_init(&c);
	c.policy = POL_FIFO;
	c.frames = 3;
	c.set |= MCFG_SET_FRAMES;
	e = th_engine(&c);
	th_process(e, "p", -1, -1);
	th_map(e, 0x1000, 5, true, -1);
	for (i = 0; i < 10; i++) {
		va = (uint64_t)(seq[i][0] - '0') << 12;
		if (seq[i][1] == 'W')
			th_access(e, OP_WRITE, va + 8,
			    0x11 * (uint64_t)(seq[i][0] - '0'));
		else
			th_access(e, OP_READ, va + 8, 0);
		assert_int_equal(th_qnum(e, "writebacks"), wb[i]);
	}
	assert_int_equal(th_qnum(e, "faults"), 8);
	th_access(e, OP_READ, 0x5008, 0);
	assert_int_equal(th_qnum(e, "value"), 0x55);
	th_access(e, OP_READ, 0x1008, 0);
	assert_int_equal(th_qnum(e, "value"), 0x11);
	th_access(e, OP_READ, 0x2008, 0);
	assert_int_equal(th_qnum(e, "value"), 0x22);
	engine_free(e);
}

/* back: every step undone restores the exact state, from the journal and
 * (with a tiny journal limit) from checkpoints; stepping forward again
 * re-creates the same states. */
static void
check_back(size_t limit)
{
	enum { N = 4000 };
	static uint64_t h[N + 1];
	struct mconfig c;
	struct engine *e;
	struct verr err;
	struct event ev;
	uint64_t x = 12345, pos, moved, i;
	struct op o;

	mcfg_init(&c);
	c.va = 20;
	c.pa = 20;
	c.page = 256;
	c.frames = 6;
	c.tlb = 4;
	c.tlb_ways = 2;
	c.policy = POL_CLOCK;
	c.clear_interval = 7;
	c.set |= MCFG_SET_FRAMES | MCFG_SET_TLBWAYS;
	e = th_engine(&c);
	engine_set_journal_limit(e, limit);
	h[0] = engine_state_hash(e);
	th_process(e, "a", -1, -1);
	th_map(e, 0, 16, true, -1);
	th_process(e, "b", -1, -1);
	th_map(e, 0x1000, 4, false, -1);
	for (pos = engine_position(e); pos < N;) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		op_init(&o, (x >> 40) % 3 == 0 ? OP_WRITE : OP_READ);
		if ((x >> 33) % 11 == 0) {
			op_init(&o, OP_SWITCH);
			snprintf(o.name, sizeof o.name, "%s",
			    (x >> 20) & 1 ? "a" : "b");
		} else if (strcmp("a", "a") == 0) {
			o.va = ((x >> 24) % 16) << 8 | ((x >> 8) & 0xff);
			o.value = (x >> 50) & 0xff;
		}
		if (engine_submit(e, &o, &err) != 0)
			continue;
		while (engine_position(e) < N && engine_step(e, &ev))
			h[engine_position(e)] = engine_state_hash(e);
		pos = engine_position(e);
	}
	for (i = N; i > 0; i--) {
		assert_int_equal(engine_back(e, 1, &moved, &err), 0);
		assert_int_equal(moved, 1);
		assert_int_equal(engine_position(e), i - 1);
		if (i - 1 >= 60)	/* before 60: setup steps not hashed */
			assert_int_equal(engine_state_hash(e), h[i - 1]);
	}
	assert_int_equal(engine_state_hash(e), h[0]);
	assert_int_equal(engine_goto(e, N / 2, &err), 0);
	assert_int_equal(engine_state_hash(e), h[N / 2]);
	assert_int_equal(engine_back(e, N / 3, &moved, &err), 0);
	assert_int_equal(engine_state_hash(e), h[N / 2 - N / 3]);
	engine_free(e);
}

static void
test_back_journal(void **state)
{
	(void)state;
	check_back((size_t)64 << 20);
}

static void
test_back_checkpoints(void **state)
{
	(void)state;
	check_back(4096);
}

static void
test_refusals(void **state)
{
	struct mconfig c;
	struct engine *e;
	struct op o;
	char msg[256];

	(void)state;
	mcfg_init(&c);
	c.frames = 2;
	c.set |= MCFG_SET_FRAMES;
	e = th_engine(&c);
	op_init(&o, OP_READ);
	assert_int_not_equal(th_submit_err(e, &o, msg, sizeof msg), 0);
	assert_non_null(strstr(msg, "no process"));
	th_process(e, "p", -1, -1);
	th_map(e, 0x1000, 2, false, -1);
	op_init(&o, OP_MAP);
	o.va = 0x3000;
	assert_int_not_equal(th_submit_err(e, &o, msg, sizeof msg), 0);
	assert_non_null(strstr(msg, "free"));
	o.va = 0x1000;
	o.disk = true;
	assert_int_not_equal(th_submit_err(e, &o, msg, sizeof msg), 0);
	assert_non_null(strstr(msg, "already mapped"));
	op_init(&o, OP_READ);
	o.va = 0x100000000ULL;
	assert_int_not_equal(th_submit_err(e, &o, msg, sizeof msg), 0);
	assert_non_null(strstr(msg, "outside"));
	o.va = 0x1ffe;
	o.size = 4;
	assert_int_not_equal(th_submit_err(e, &o, msg, sizeof msg), 0);
	assert_non_null(strstr(msg, "cross"));
	engine_free(e);
}

/* ENGINE_QUIET: a read's value is fetched when asked, and before memory
 * can change under it. */
static void
test_quiet_values(void **state)
{
	static const uint8_t nine = 9;
	struct mconfig c;
	struct engine *e;
	struct verr err;

	(void)state;
	mcfg_init(&c);
	assert_int_equal(mcfg_finish(&c, &err), 0);
	e = engine_new(&c, ENGINE_QUIET, &err);
	assert_non_null(e);
	th_process(e, "p", -1, -1);
	th_map(e, 0x1000, 1, false, -1);
	th_access(e, OP_WRITE, 0x1010, 5);
	th_access(e, OP_READ, 0x1010, 0);
	assert_int_equal(th_qnum(e, "pa"), 0x10);
	th_poke(e, 0x10, &nine, 1);
	assert_int_equal(th_qnum(e, "value"), 5);	/* what the read saw */
	th_access(e, OP_READ, 0x1010, 0);
	assert_int_equal(th_qnum(e, "value"), 9);
	engine_free(e);
}

/* A refused submission after back changes nothing: the old future is
 * still there to redo. */
static void
test_refused_keeps_future(void **state)
{
	struct mconfig c;
	struct engine *e;
	struct verr err;
	struct event ev;
	uint64_t end, h, moved;
	struct op o;
	char msg[256];

	(void)state;
	mcfg_init(&c);
	e = th_engine(&c);
	th_process(e, "p", -1, -1);
	th_map(e, 0x1000, 1, false, -1);
	th_access(e, OP_WRITE, 0x1010, 5);
	th_access(e, OP_READ, 0x1010, 0);
	end = engine_position(e);
	h = engine_state_hash(e);
	assert_int_equal(engine_back(e, 5, &moved, &err), 0);
	op_init(&o, OP_READ);
	o.va = 0x9000;		/* not mapped: fine, a segv; make it refused */
	o.size = 3;
	assert_int_not_equal(th_submit_err(e, &o, msg, sizeof msg), 0);
	assert_true(engine_has_future(e));
	while (engine_step(e, &ev))
		;
	assert_int_equal(engine_position(e), end);
	assert_int_equal(engine_state_hash(e), h);
	engine_free(e);
}

/* back inside guests: every step undone restores the exact state, the
 * guests' machines, VMCS, backing, EPT and shadow tables included. */
static void
check_back_guest(unsigned mmu, bool lazy, size_t limit)
{
	enum { N = 3000 };
	static uint64_t h[N + 1];
	struct mconfig c;
	struct engine *e;
	struct verr err;
	struct event ev;
	uint64_t x = 777, moved, i;
	struct op o;
	int k;

	mcfg_init(&c);
	c.frames = 16;
	c.tlb = 4;
	c.set |= MCFG_SET_FRAMES;
	e = th_engine(&c);
	engine_set_journal_limit(e, limit);
	for (k = 0; k < 4; k++) {
		op_init(&o, k == 0 ? OP_VMXON : k == 1 ? OP_VM : k == 2 ?
		    OP_VMLAUNCH : OP_PROCESS);
		snprintf(o.name, sizeof o.name, "%s", k == 3 ? "a" : "g");
		o.mmu = mmu;
		o.lazy = lazy;
		o.memory = 64 << 10;
		th_run(e, &o);
	}
	th_map(e, 0, 12, true, -1);
	th_process(e, "b", -1, -1);
	th_map(e, 0, 4, false, -1);
	while (engine_position(e) < N) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		k = (int)((x >> 33) % 40);
		if (k == 0 || k == 1) {
			op_init(&o, OP_SWITCH);
			snprintf(o.name, sizeof o.name, "%s", k ? "a" : "b");
		} else if (k == 2) {
			op_init(&o, OP_INSN);
			o.insn = INSN_CPUID;
		} else if (k == 3) {
			op_init(&o, engine_busy(e) ? OP_INSN : OP_INTERRUPT);
		} else if (k == 4) {
			op_init(&o, OP_VMRESUME);
			snprintf(o.name, sizeof o.name, "g");
		} else {
			op_init(&o, (x >> 40) % 3 == 0 ? OP_WRITE : OP_READ);
			o.va = ((x >> 24) % 12) << 12 | ((x >> 8) & 0xfff);
			o.value = (x >> 50) & 0xff;
		}
		if (engine_submit(e, &o, &err) != 0)
			continue;
		while (engine_position(e) < N && engine_step(e, &ev))
			h[engine_position(e)] = engine_state_hash(e);
	}
	if (th_qnum(e, "exits") < 5)	/* the workload did exit */
		fail_msg("exits %llu, accesses %llu",
		    (unsigned long long)th_qnum(e, "exits"),
		    (unsigned long long)th_qnum(e, "accesses"));
	for (i = N; i > 0; i--) {
		assert_int_equal(engine_back(e, 1, &moved, &err), 0);
		assert_int_equal(moved, 1);
		if (i - 1 >= 200)
			assert_int_equal(engine_state_hash(e), h[i - 1]);
	}
	assert_int_equal(engine_goto(e, N - 7, &err), 0);
	assert_int_equal(engine_state_hash(e), h[N - 7]);
	engine_free(e);
}

static void
test_back_guests(void **state)
{
	(void)state;
	check_back_guest(MMU_NESTED, true, (size_t)64 << 20);
	check_back_guest(MMU_NESTED, false, 8192);
	check_back_guest(MMU_SHADOW, false, (size_t)64 << 20);
	check_back_guest(MMU_SHADOW, true, 8192);
}

/* The walk pane's decode of an entry: x86 (with NX on a 48-bit machine)
 * and simple (valid bit on top, frame below). */
static void
test_entry_text(void **state)
{
	struct mconfig c;
	struct engine *e;
	struct strbuf b;

	(void)state;
	th_config(&c, 48, 40, 16);
	e = th_engine(&c);
	sb_init(&b);
	engine_entry_text(e, 0x8000000000005067ull, 4, &b);
	assert_string_equal(b.s, "entry 0x8000000000005067: NX 1 | frame "
	    "0x5 | D 1 A 1 U 1 W 1 P 1\n");
	sb_free(&b);
	sb_init(&b);
	engine_entry_text(e, 0x3003ull, 1, &b);	/* not a leaf: no D */
	assert_string_equal(b.s, "entry 0x3003: NX 0 | frame 0x3 | A 0 U 0 "
	    "W 1 P 1\n");
	sb_free(&b);
	sb_init(&b);
	engine_ept_entry_text(e, 0xfffffbd005ull, &b);	/* R and X */
	assert_string_equal(b.s, "EPT entry 0xfffffbd005: host frame "
	    "0xfffffbd | X 1 W 0 R 1\n");
	sb_free(&b);
	engine_free(e);

	mcfg_init(&c);
	c.va = 16;
	c.pa = 16;
	c.page = 64;
	c.frames = 16;
	e = th_engine(&c);
	assert_int_equal(engine_config(e)->format, FMT_SIMPLE);
	sb_init(&b);
	/* 10 frame bits, 2-byte entries: the valid bit is bit 15 */
	engine_entry_text(e, 0x8007ull, 2, &b);
	assert_string_equal(b.s, "entry 0x8007: V 1 | frame 0x7\n");
	sb_free(&b);
	engine_free(e);
}

/* The TLB view in a pane too narrow for its full rows: one set, so no
 * set column, and a one-line heading; the rows keep their 0x. */
static void
test_tlb_compact(void **state)
{
	struct mconfig c;
	struct engine *e;
	struct strbuf b;
	struct verr err;

	(void)state;
	th_config(&c, 32, 32, 8);
	c.tlb = 4;
	e = th_engine(&c);
	th_process(e, "p", -1, -1);
	th_map(e, 0x401000, 1, false, -1);
	th_access(e, OP_WRITE, 0x401234, 7);
	sb_init(&b);
	assert_int_equal(engine_show_n(e, "tlb", 0, 0, &b, &err), 0);
	assert_string_equal(b.s, "TLB: 4 entries, 1 set of 4 ways, lru, tags "
	    "on\nset way asid vpn     frame   rights d\n"
	    "  0   0    1 0x401   0x0     rwxu   D\n");
	sb_free(&b);
	sb_init(&b);
	assert_int_equal(engine_show_n(e, "tlb", 0, 34, &b, &err), 0);
	assert_string_equal(b.s, "TLB: 1 set x 4 ways, lru, tagged\n"
	    "way asid vpn     frame   perm d\n"
	    "  0    1 0x401   0x0     rwxu D\n");
	sb_free(&b);
	engine_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ex1),
		cmocka_unit_test(test_ex2),
		cmocka_unit_test(test_ex4_inverted),
		cmocka_unit_test(test_policies),
		cmocka_unit_test(test_writeback),
		cmocka_unit_test(test_back_journal),
		cmocka_unit_test(test_back_checkpoints),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_quiet_values),
		cmocka_unit_test(test_refused_keeps_future),
		cmocka_unit_test(test_back_guests),
		cmocka_unit_test(test_entry_text),
		cmocka_unit_test(test_tlb_compact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
