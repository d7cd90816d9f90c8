/*
 * test_config.c - unit tests of the machine settings (src/core/config.c):
 * every default of DESIGN.md section 3 (mcfg_init, and what mcfg_finish
 * derives: pte 4 bytes when pa <= 32 else 8, simple's smallest entry,
 * the split into tables that fill a page with the top level taking the
 * rest, frames half of memory at most 65536, the TLB and the costs), and
 * each refusal, with the key it names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/config.h"

static void
finish_ok(struct mconfig *c)
{
	struct verr err;

	err.msg[0] = '\0';
	if (mcfg_finish(c, &err) != 0)
		fail_msg("mcfg_finish refused: %s", err.msg);
}

/* mcfg_finish must refuse c, naming key (NULL: the command) and saying
 * something that contains word. */
static void
finish_err(struct mconfig *c, const char *key, const char *word)
{
	struct verr err;

	memset(&err, 0, sizeof err);
	err.arg = "unset";
	if (mcfg_finish(c, &err) == 0)
		fail_msg("mcfg_finish accepted a machine it must refuse "
		    "(expected an error about %s)", key ? key : "(none)");
	if (key == NULL)
		assert_null(err.arg);
	else {
		assert_non_null(err.arg);
		assert_string_equal(err.arg, key);
	}
	assert_true(strlen(err.msg) > 0);
	if (word != NULL && strstr(err.msg, word) == NULL)
		fail_msg("message \"%s\" does not mention \"%s\"", err.msg,
		    word);
}

static void
split_is(const struct mconfig *c, unsigned n, unsigned a, unsigned b,
    unsigned d, unsigned e, unsigned f)
{
	const unsigned want[5] = { a, b, d, e, f };
	unsigned i;

	assert_int_equal(c->levels, n);
	for (i = 0; i < n; i++)
		if (c->split[i] != want[i])
			fail_msg("split[%u] = %u, want %u", i, c->split[i],
			    want[i]);
}

static void
test_init_defaults(void **state)
{
	struct mconfig c;

	(void)state;
	memset(&c, 0x5a, sizeof c);
	mcfg_init(&c);
	assert_int_equal(c.va, 32);
	assert_int_equal(c.pa, 32);
	assert_int_equal(c.page, 4096);
	assert_int_equal(c.pt, PT_RADIX);
	assert_int_equal(c.policy, POL_LRU);
	assert_int_equal(c.tlb, 16);
	assert_int_equal(c.tlb_ways, 0);	/* full */
	assert_int_equal(c.tlb_policy, TLBP_LRU);
	assert_true(c.tlb_tags);
	assert_int_equal(c.seed, 1);
	assert_int_equal(c.vendor, VENDOR_INTEL);
	assert_int_equal(c.clear_interval, 0);
	assert_int_equal(c.set, 0);
	assert_int_equal(c.cost[COST_TLB], 1);
	assert_int_equal(c.cost[COST_MEM], 100);
	assert_int_equal(c.cost[COST_FAULT], 1000000);
	assert_int_equal(c.cost[COST_WRITEBACK], 1000000);
	assert_int_equal(c.cost[COST_EXIT], 1000);
	assert_int_equal(c.cost[COST_EMULATE], 2000);
	assert_int_equal(c.cost[COST_HYPERCALL], 1000);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(policy_name(POL_FIFO), "fifo");
	assert_string_equal(policy_name(POL_LRU), "lru");
	assert_string_equal(policy_name(POL_CLOCK), "clock");
	assert_string_equal(policy_name(POL_OPT), "opt");
	assert_string_equal(policy_name(POL_RANDOM), "random");
	assert_string_equal(tlb_policy_name(TLBP_LRU), "lru");
	assert_string_equal(tlb_policy_name(TLBP_FIFO), "fifo");
	assert_string_equal(tlb_policy_name(TLBP_RANDOM), "random");
	assert_string_equal(cost_name(COST_TLB), "tlb");
	assert_string_equal(cost_name(COST_MEM), "mem");
	assert_string_equal(cost_name(COST_FAULT), "fault");
	assert_string_equal(cost_name(COST_WRITEBACK), "writeback");
	assert_string_equal(cost_name(COST_EXIT), "exit");
	assert_string_equal(cost_name(COST_EMULATE), "emulate");
	assert_string_equal(cost_name(COST_HYPERCALL), "hypercall");
}

/* The default machine: 32-bit, 4 KiB pages, 10/10 with 4-byte x86
 * entries, 65536 frames out of 2^20. */
static void
test_finish_default(void **state)
{
	struct mconfig c;

	(void)state;
	mcfg_init(&c);
	finish_ok(&c);
	assert_int_equal(c.page_bits, 12);
	assert_int_equal(c.total_frames, 1u << 20);
	assert_int_equal(c.format, FMT_X86);
	assert_int_equal(c.pte, 4);
	split_is(&c, 2, 10, 10, 0, 0, 0);
	assert_int_equal(c.frames, 65536);
	assert_int_equal(c.tlb, 16);
	assert_int_equal(c.tlb_ways, 0);
	assert_int_equal(c.set, 0);	/* nothing marked as given */
}

static void
test_pte_default(void **state)
{
	struct mconfig c;

	(void)state;
	mcfg_init(&c);
	c.pa = 32;
	finish_ok(&c);
	assert_int_equal(c.pte, 4);
	mcfg_init(&c);
	c.pa = 33;
	finish_ok(&c);
	assert_int_equal(c.pte, 8);
	mcfg_init(&c);
	c.pa = 16;
	c.va = 16;
	c.page = 256;
	finish_ok(&c);
	assert_int_equal(c.format, FMT_X86);
	assert_int_equal(c.pte, 4);	/* x86: 4 even for a small pa */
	mcfg_init(&c);
	c.pa = 52;
	finish_ok(&c);
	assert_int_equal(c.pte, 8);
	/* given explicitly: kept */
	mcfg_init(&c);
	c.pte = 8;
	c.set |= MCFG_SET_PTE;
	finish_ok(&c);
	assert_int_equal(c.pte, 8);
	split_is(&c, 3, 2, 9, 9, 0, 0);
}

/* simple: the smallest of 1, 2, 4, 8 bytes holding a valid bit and the
 * frame number (pa - page bits). */
static void
test_simple_pte(void **state)
{
	static const struct {
		unsigned pa;
		uint64_t page;
		unsigned pte;
	} cases[] = {
		{ 8, 16, 1 },	/* 4 frame bits */
		{ 13, 64, 1 },	/* 7: exactly fits a byte with its V bit */
		{ 14, 64, 2 },	/* 8 */
		{ 16, 64, 2 },	/* 10 */
		{ 21, 64, 2 },	/* 15 */
		{ 22, 64, 4 },	/* 16 */
		{ 37, 64, 4 },	/* 31 */
		{ 38, 64, 8 },	/* 32 */
		{ 52, 64, 8 },	/* 46 */
	};
	struct mconfig c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		mcfg_init(&c);
		c.va = 16;
		c.pa = cases[i].pa;
		c.page = cases[i].page;
		finish_ok(&c);
		assert_int_equal(c.format, FMT_SIMPLE);
		if (c.pte != cases[i].pte)
			fail_msg("pa=%u page=%u: pte=%u, want %u", cases[i].pa,
			    (unsigned)cases[i].page, c.pte, cases[i].pte);
	}
}

static void
test_format_default(void **state)
{
	struct mconfig c;

	(void)state;
	mcfg_init(&c);
	c.va = 16;
	c.pa = 16;
	c.page = 128;
	finish_ok(&c);
	assert_int_equal(c.format, FMT_X86);
	mcfg_init(&c);
	c.va = 16;
	c.pa = 16;
	c.page = 64;
	finish_ok(&c);
	assert_int_equal(c.format, FMT_SIMPLE);
	/* simple asked for with big pages */
	mcfg_init(&c);
	c.format = FMT_SIMPLE;
	c.set |= MCFG_SET_FORMAT;
	finish_ok(&c);
	assert_int_equal(c.format, FMT_SIMPLE);
	assert_int_equal(c.pte, 4);	/* 20 frame bits */
}

/* split: tables that each fill one page, the top level taking what
 * remains. */
static void
test_split_default(void **state)
{
	static const struct {
		unsigned va, pa;
		uint64_t page;
		unsigned n, s[5];
	} cases[] = {
		{ 48, 48, 4096, 4, { 9, 9, 9, 9, 0 } },
		{ 48, 32, 4096, 4, { 6, 10, 10, 10, 0 } },
		{ 32, 32, 4096, 2, { 10, 10, 0, 0, 0 } },
		{ 32, 40, 4096, 3, { 2, 9, 9, 0, 0 } },
		{ 39, 32, 4096, 3, { 7, 10, 10, 0, 0 } },
		{ 39, 40, 4096, 3, { 9, 9, 9, 0, 0 } },
		{ 57, 52, 4096, 5, { 9, 9, 9, 9, 9 } },
		{ 21, 32, 4096, 1, { 9, 0, 0, 0, 0 } },
		{ 22, 32, 4096, 1, { 10, 0, 0, 0, 0 } },
		{ 23, 32, 4096, 2, { 1, 10, 0, 0, 0 } },
		{ 16, 16, 256, 2, { 2, 6, 0, 0, 0 } },	/* x86, 4-byte */
		{ 16, 16, 64, 2, { 5, 5, 0, 0, 0 } },	/* simple, 2-byte */
		{ 16, 12, 64, 2, { 4, 6, 0, 0, 0 } },	/* simple, 1-byte */
		{ 64, 52, 65536, 4, { 9, 13, 13, 13, 0 } },
	};
	struct mconfig c;
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		mcfg_init(&c);
		c.va = cases[i].va;
		c.pa = cases[i].pa;
		c.page = cases[i].page;
		finish_ok(&c);
		if (c.levels != cases[i].n)
			fail_msg("va=%u pa=%u page=%u: %u levels, want %u",
			    cases[i].va, cases[i].pa,
			    (unsigned)cases[i].page, c.levels, cases[i].n);
		for (k = 0; k < cases[i].n; k++)
			if (c.split[k] != cases[i].s[k])
				fail_msg("va=%u pa=%u page=%u: split[%zu] = "
				    "%u, want %u", cases[i].va, cases[i].pa,
				    (unsigned)cases[i].page, k, c.split[k],
				    cases[i].s[k]);
	}
}

static void
test_split_given(void **state)
{
	struct mconfig c;

	(void)state;
	mcfg_init(&c);
	c.levels = 1;
	c.split[0] = 20;
	c.set |= MCFG_SET_SPLIT;
	finish_ok(&c);
	split_is(&c, 1, 20, 0, 0, 0, 0);
	mcfg_init(&c);
	c.va = 48;
	c.pa = 48;
	c.levels = 5;
	c.split[0] = 4;
	c.split[1] = 8;
	c.split[2] = 8;
	c.split[3] = 8;
	c.split[4] = 8;
	c.set |= MCFG_SET_SPLIT;
	finish_ok(&c);
	split_is(&c, 5, 4, 8, 8, 8, 8);
	assert_int_equal(c.pte, 8);
}

static void
test_frames_default(void **state)
{
	static const struct {
		unsigned pa;
		uint64_t page, frames;
	} cases[] = {
		{ 16, 256, 128 },		/* 256 frames */
		{ 20, 16, 32768 },		/* 65536 frames */
		{ 21, 16, 65536 },		/* 131072: half is the cap */
		{ 22, 16, 65536 },		/* 262144: capped */
		{ 32, 4096, 65536 },		/* 2^20: capped */
		{ 52, 4096, 65536 },
		{ 13, 4096, 1 },		/* 2 frames */
	};
	struct mconfig c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		mcfg_init(&c);
		c.va = 32;
		c.pa = cases[i].pa;
		c.page = cases[i].page;
		if (cases[i].page < 128) {
			c.format = FMT_SIMPLE;
			c.set |= MCFG_SET_FORMAT;
		}
		c.levels = 1;
		c.split[0] = 32 - (cases[i].page == 16 ? 4 : cases[i].page ==
		    256 ? 8 : 12);
		c.set |= MCFG_SET_SPLIT;
		finish_ok(&c);
		assert_int_equal(c.total_frames,
		    (1ULL << cases[i].pa) / cases[i].page);
		if (c.frames != cases[i].frames)
			fail_msg("pa=%u page=%u: frames=%u, want %u",
			    cases[i].pa, (unsigned)cases[i].page,
			    (unsigned)c.frames, (unsigned)cases[i].frames);
	}
	/* given explicitly: kept, up to all of memory */
	mcfg_init(&c);
	c.frames = 1u << 20;
	c.set |= MCFG_SET_FRAMES;
	finish_ok(&c);
	assert_int_equal(c.frames, 1u << 20);
}

static void
test_inverted_defaults(void **state)
{
	struct mconfig c;

	(void)state;
	mcfg_init(&c);
	c.pt = PT_INVERTED;
	finish_ok(&c);
	assert_int_equal(c.pte, 16);
	assert_int_equal(c.format, FMT_X86);
	split_is(&c, 1, 20, 0, 0, 0, 0);
	mcfg_init(&c);
	c.pt = PT_INVERTED;
	c.va = 16;
	c.pa = 16;
	c.page = 64;
	finish_ok(&c);
	assert_int_equal(c.format, FMT_SIMPLE);
	assert_int_equal(c.pte, 16);
	split_is(&c, 1, 10, 0, 0, 0, 0);
	/* pte=16 may be said */
	mcfg_init(&c);
	c.pt = PT_INVERTED;
	c.pte = 16;
	c.set |= MCFG_SET_PTE;
	finish_ok(&c);
	assert_int_equal(c.pte, 16);
}

static void
test_tlb_settings(void **state)
{
	struct mconfig c;

	(void)state;
	mcfg_init(&c);
	c.tlb_ways = 4;
	c.set |= MCFG_SET_TLBWAYS;
	finish_ok(&c);
	assert_int_equal(c.tlb_ways, 4);
	mcfg_init(&c);
	c.tlb = 12;
	c.tlb_ways = 3;
	c.set |= MCFG_SET_TLBWAYS;
	finish_ok(&c);
	assert_int_equal(c.tlb_ways, 3);
	mcfg_init(&c);
	c.tlb = 16;
	c.tlb_ways = 16;
	finish_ok(&c);
	assert_int_equal(c.tlb_ways, 16);
	mcfg_init(&c);
	c.tlb = 0;	/* no TLB: any ways setting is moot */
	c.tlb_ways = 4;
	finish_ok(&c);
	assert_int_equal(c.tlb_ways, 0);
	mcfg_init(&c);
	c.tlb = 65536;
	finish_ok(&c);
}

static void
test_refuse_split(void **state)
{
	struct mconfig c;

	(void)state;
	/* 10 + 11 + 12 != 32 */
	mcfg_init(&c);
	c.levels = 2;
	c.split[0] = 10;
	c.split[1] = 11;
	c.set |= MCFG_SET_SPLIT;
	finish_err(&c, "split", "va=32");
	/* 9,9,9,9 + 12 = 48 != 32 */
	mcfg_init(&c);
	c.levels = 4;
	c.split[0] = c.split[1] = c.split[2] = c.split[3] = 9;
	c.set |= MCFG_SET_SPLIT;
	finish_err(&c, "split", NULL);
	/* 6 levels */
	mcfg_init(&c);
	c.va = 64;
	c.pa = 52;
	c.levels = 6;
	c.split[0] = c.split[1] = c.split[2] = c.split[3] = c.split[4] = 10;
	c.set |= MCFG_SET_SPLIT;
	finish_err(&c, "split", "6 levels");
	/* 0 levels */
	mcfg_init(&c);
	c.levels = 0;
	c.set |= MCFG_SET_SPLIT;
	finish_err(&c, "split", NULL);
	/* a level of 0 bits */
	mcfg_init(&c);
	c.levels = 3;
	c.split[0] = 10;
	c.split[1] = 0;
	c.split[2] = 10;
	c.set |= MCFG_SET_SPLIT;
	finish_err(&c, "split", NULL);
	/* a split with an inverted table */
	mcfg_init(&c);
	c.pt = PT_INVERTED;
	c.levels = 1;
	c.split[0] = 20;
	c.set |= MCFG_SET_SPLIT;
	finish_err(&c, "split", "inverted");
	/* the default split would need 6 levels */
	mcfg_init(&c);
	c.va = 64;
	c.pa = 52;
	finish_err(&c, "va", "6 levels");
	mcfg_init(&c);
	c.va = 64;		/* 4-byte entries, 10 bits a level: 6 levels */
	finish_err(&c, "va", NULL);
}

static void
test_refuse_page(void **state)
{
	static const uint64_t bad[] = { 0, 1, 8, 15, 24, 3000, 4097,
		12288 };
	struct mconfig c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		mcfg_init(&c);
		c.page = bad[i];
		finish_err(&c, "page", NULL);
	}
	mcfg_init(&c);		/* 2 GiB: too large */
	c.va = 48;
	c.pa = 48;
	c.page = 1ULL << 31;
	finish_err(&c, "page", NULL);
	mcfg_init(&c);		/* no page number left */
	c.va = 12;
	c.pa = 16;
	finish_err(&c, "page", NULL);
	/* 16 bytes and 1 GiB are possible */
	mcfg_init(&c);
	c.va = 16;
	c.pa = 16;
	c.page = 16;
	finish_ok(&c);
	mcfg_init(&c);
	c.va = 48;
	c.pa = 48;
	c.page = 1ULL << 30;
	c.levels = 1;
	c.split[0] = 18;
	c.set |= MCFG_SET_SPLIT;
	finish_ok(&c);
}

static void
test_refuse_widths(void **state)
{
	struct mconfig c;

	(void)state;
	mcfg_init(&c);
	c.va = 0;
	finish_err(&c, "va", NULL);
	mcfg_init(&c);
	c.va = 65;
	finish_err(&c, "va", NULL);
	mcfg_init(&c);
	c.pa = 53;
	finish_err(&c, "pa", "52");
	mcfg_init(&c);
	c.pa = 64;
	finish_err(&c, "pa", NULL);
	mcfg_init(&c);		/* less than one page */
	c.pa = 11;
	finish_err(&c, "pa", NULL);
	/* the limits themselves are fine */
	mcfg_init(&c);
	c.va = 64;
	c.pa = 52;
	c.levels = 4;
	c.split[0] = c.split[1] = c.split[2] = c.split[3] = 13;
	c.set |= MCFG_SET_SPLIT;
	finish_ok(&c);
	assert_int_equal(c.pte, 8);
	mcfg_init(&c);
	c.va = 5;
	c.pa = 5;
	c.page = 16;
	finish_ok(&c);
	split_is(&c, 1, 1, 0, 0, 0, 0);
}

static void
test_refuse_frames(void **state)
{
	struct mconfig c;

	(void)state;
	mcfg_init(&c);
	c.frames = 0;
	c.set |= MCFG_SET_FRAMES;
	finish_err(&c, "frames", NULL);
	mcfg_init(&c);		/* 2^20 frames of memory */
	c.frames = (1u << 20) + 1;
	c.set |= MCFG_SET_FRAMES;
	finish_err(&c, "frames", NULL);
	mcfg_init(&c);
	c.va = 16;
	c.pa = 16;
	c.page = 256;
	c.frames = 257;
	c.set |= MCFG_SET_FRAMES;
	finish_err(&c, "frames", "257");
	c.frames = 256;
	finish_ok(&c);
}

static void
test_refuse_tlb(void **state)
{
	struct mconfig c;

	(void)state;
	mcfg_init(&c);
	c.tlb_ways = 3;		/* 16 % 3 */
	c.set |= MCFG_SET_TLBWAYS;
	finish_err(&c, "tlb.ways", NULL);
	mcfg_init(&c);
	c.tlb = 12;
	c.tlb_ways = 8;
	c.set |= MCFG_SET_TLBWAYS;
	finish_err(&c, "tlb.ways", NULL);
	mcfg_init(&c);
	c.tlb = 16;
	c.tlb_ways = 32;	/* more ways than entries */
	c.set |= MCFG_SET_TLBWAYS;
	finish_err(&c, "tlb.ways", NULL);
	mcfg_init(&c);
	c.tlb = 65537;
	finish_err(&c, "tlb", NULL);
}

static void
test_refuse_pte(void **state)
{
	struct mconfig c;

	(void)state;
	/* x86 entries need pages of 128 bytes or more */
	mcfg_init(&c);
	c.va = 16;
	c.pa = 16;
	c.page = 64;
	c.format = FMT_X86;
	c.set |= MCFG_SET_FORMAT;
	finish_err(&c, "pte.format", "128");
	/* a 2-byte x86 entry cannot hold a 32-bit address */
	mcfg_init(&c);
	c.pte = 2;
	c.set |= MCFG_SET_PTE;
	finish_err(&c, "pte", NULL);
	/* nor a 4-byte one a 33-bit address */
	mcfg_init(&c);
	c.pa = 33;
	c.pte = 4;
	c.set |= MCFG_SET_PTE;
	finish_err(&c, "pte", NULL);
	/* a 2-byte x86 entry holds a 16-bit address */
	mcfg_init(&c);
	c.va = 16;
	c.pa = 16;
	c.page = 256;
	c.pte = 2;
	c.set |= MCFG_SET_PTE;
	finish_ok(&c);
	split_is(&c, 2, 1, 7, 0, 0, 0);
	/* simple: 1 byte holds 7 frame bits, not 8 */
	mcfg_init(&c);
	c.va = 16;
	c.pa = 14;
	c.page = 64;
	c.pte = 1;
	c.set |= MCFG_SET_PTE;
	finish_err(&c, "pte", NULL);
	c.pa = 13;
	finish_ok(&c);
	/* sizes other than 1, 2, 4, 8 */
	mcfg_init(&c);
	c.pte = 3;
	c.set |= MCFG_SET_PTE;
	finish_err(&c, "pte", NULL);
	mcfg_init(&c);
	c.pte = 16;
	c.set |= MCFG_SET_PTE;
	finish_err(&c, "pte", NULL);
	/* an inverted table's entries are 16 bytes */
	mcfg_init(&c);
	c.pt = PT_INVERTED;
	c.pte = 8;
	c.set |= MCFG_SET_PTE;
	finish_err(&c, "pte", "16");
}

static void
test_verr(void **state)
{
	struct verr e;
	struct mconfig c;

	(void)state;
	assert_int_equal(verr_set(&e, "key", "n=%d %s", 5, "x"), -1);
	assert_string_equal(e.msg, "n=5 x");
	assert_string_equal(e.arg, "key");
	assert_int_equal(verr_set(NULL, "key", "n=%d", 5), -1);
	mcfg_init(&c);
	c.va = 0;
	assert_int_equal(mcfg_finish(&c, NULL), -1);	/* no error wanted */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_defaults),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_finish_default),
		cmocka_unit_test(test_pte_default),
		cmocka_unit_test(test_simple_pte),
		cmocka_unit_test(test_format_default),
		cmocka_unit_test(test_split_default),
		cmocka_unit_test(test_split_given),
		cmocka_unit_test(test_frames_default),
		cmocka_unit_test(test_inverted_defaults),
		cmocka_unit_test(test_tlb_settings),
		cmocka_unit_test(test_refuse_split),
		cmocka_unit_test(test_refuse_page),
		cmocka_unit_test(test_refuse_widths),
		cmocka_unit_test(test_refuse_frames),
		cmocka_unit_test(test_refuse_tlb),
		cmocka_unit_test(test_refuse_pte),
		cmocka_unit_test(test_verr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
