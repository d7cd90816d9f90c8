/*
 * test_pt.c - unit tests of page-table entries and geometry
 * (src/core/pt.c, with the geometry machine_new derives): indices and
 * entry addresses of worked examples 1, 2 and 3; x86 entries (frame
 * address plus P W U A D, NX in bit 63 only with 8-byte entries) and
 * simple entries (valid bit plus frame number) made and read back;
 * pt_set_perm, pt_rights, pt_effective_perm, pt_flags_text; the
 * inverted table's hash of worked example 4; and, through the engine,
 * the rights a walk combines over the levels (writable and user ANDed,
 * no-execute ORed) with the accessed bits it sets.
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

/* va=48 pa=48: x86-64 4-level with 8-byte entries */
static struct machine *
mk64(void)
{
	struct mconfig c;

	mcfg_init(&c);
	c.va = 48;
	c.pa = 48;
	return th_machine(&c);
}

/* va=16 pa=16 page=64: simple entries of 2 bytes, split 5,5 */
static struct machine *
mksimple(void)
{
	struct mconfig c;

	mcfg_init(&c);
	c.va = 16;
	c.pa = 16;
	c.page = 64;
	return th_machine(&c);
}

/* Worked example 3's machine: va=16 pa=16 page=256, 2-byte x86 entries,
 * split 4,4. */
static void
ex3_config(struct mconfig *c)
{
	mcfg_init(c);
	c->va = 16;
	c->pa = 16;
	c->page = 256;
	c->pte = 2;
	c->levels = 2;
	c->split[0] = 4;
	c->split[1] = 4;
	c->set |= MCFG_SET_PTE | MCFG_SET_SPLIT;
}

/* Worked example 1: 10/10/12. */
static void
test_indices_ex1(void **state)
{
	struct machine *m;
	uint64_t vpn = 0x00403a7cULL >> 12;

	(void)state;
	{
		struct mconfig c;

		mcfg_init(&c);
		m = th_machine(&c);
	}
	assert_int_equal(m->levels, 2);
	assert_int_equal(m->shift[0], 22);
	assert_int_equal(m->shift[1], 12);
	assert_int_equal(m->tframes_per[0], 1);
	assert_int_equal(m->tframes_per[1], 1);
	assert_int_equal(m->va_mask, 0xffffffffULL);
	assert_int_equal(pt_index(m, vpn, 1), 1);
	assert_int_equal(pt_index(m, vpn, 2), 3);
	assert_int_equal(pt_entry_pa(m, 0x100000, vpn, 1), 0x100004);
	assert_int_equal(pt_entry_pa(m, 0x205000, vpn, 2), 0x20500c);
	assert_int_equal(pt_index(m, 0xfffff, 1), 0x3ff);
	assert_int_equal(pt_index(m, 0xfffff, 2), 0x3ff);
	assert_int_equal(pt_entry_pa(m, 0x1000, 0xfffff, 2), 0x1ffc);
	machine_free(m);
}

/* Worked example 2: 9/9/9/9/12. */
static void
test_indices_ex2(void **state)
{
	struct machine *m = mk64();
	uint64_t vpn = 0x00007f5ac3e12abcULL >> 12;

	(void)state;
	assert_int_equal(m->levels, 4);
	assert_int_equal(m->shift[0], 39);
	assert_int_equal(m->shift[3], 12);
	assert_int_equal(pt_index(m, vpn, 1), 254);
	assert_int_equal(pt_index(m, vpn, 2), 363);
	assert_int_equal(pt_index(m, vpn, 3), 31);
	assert_int_equal(pt_index(m, vpn, 4), 18);
	assert_int_equal(pt_entry_pa(m, 0x101000, vpn, 1), 0x1017f0);
	assert_int_equal(pt_entry_pa(m, 0x102000, vpn, 2), 0x102b58);
	assert_int_equal(pt_entry_pa(m, 0x103000, vpn, 3), 0x1030f8);
	assert_int_equal(pt_entry_pa(m, 0x104000, vpn, 4), 0x104090);
	assert_int_equal(pt_next(m, 0x102027), 0x102000);
	assert_int_equal(pt_next(m, 0x8000000012345027ULL), 0x12345000);
	machine_free(m);
}

/* Worked example 3: 16-bit, 4/4/8 with 2-byte x86 entries. */
static void
test_indices_ex3(void **state)
{
	struct mconfig c;
	struct machine *m;

	(void)state;
	ex3_config(&c);
	m = th_machine(&c);
	assert_int_equal(m->c.format, FMT_X86);
	assert_false(m->has_nx);
	assert_int_equal(m->addr_mask, 0xff00);
	assert_int_equal(pt_index(m, 0x3a, 1), 3);
	assert_int_equal(pt_index(m, 0x3a, 2), 0xa);
	assert_int_equal(pt_entry_pa(m, 0x100, 0x3a, 1), 0x106);
	assert_int_equal(pt_entry_pa(m, 0x200, 0x3a, 2), 0x214);
	assert_true(pt_present(m, 0x0227));
	assert_int_equal(pt_next(m, 0x0227), 0x200);
	assert_int_equal(pt_next(m, 0x7f27), 0x7f00);
	assert_int_equal(pt_make_table(m, 2), 0x0207);
	assert_int_equal(pt_make_leaf(m, 0x7f, PERM_R | PERM_W, true),
	    0x7f07);
	machine_free(m);
}

static void
test_x86_32_entries(void **state)
{
	struct mconfig c;
	struct machine *m;
	uint8_t w, u, nx;

	(void)state;
	mcfg_init(&c);
	m = th_machine(&c);
	assert_false(m->has_nx);
	assert_int_equal(m->addr_mask, 0xfffff000ULL);
	assert_int_equal(pt_make_table(m, 0x205), 0x00205007);
	assert_int_equal(pt_make_leaf(m, 0xabcd, PERM_R, true), 0x0abcd005);
	assert_int_equal(pt_make_leaf(m, 0xabcd, PERM_R | PERM_W, true),
	    0x0abcd007);
	assert_int_equal(pt_make_leaf(m, 0xabcd, PERM_R | PERM_W, false),
	    0x0abcd003);
	assert_int_equal(pt_make_leaf(m, 0xabcd, PERM_R, false), 0x0abcd001);
	/* 4-byte entries have no NX bit: r-- and r-x look the same */
	assert_int_equal(pt_make_leaf(m, 0xabcd, PERM_R | PERM_X, true),
	    0x0abcd005);
	assert_true(pt_present(m, 0x00000001));
	assert_false(pt_present(m, 0x0abcd066));
	assert_false(pt_present(m, 0));
	assert_int_equal(pt_next(m, 0x0abcd025), 0x0abcd000);
	assert_int_equal(pt_next(m, 0xffffffffULL), 0xfffff000ULL);
	pt_rights(m, 0x0abcd025, &w, &u, &nx);
	assert_int_equal(w, 0);
	assert_int_equal(u, 1);
	assert_int_equal(nx, 0);
	pt_rights(m, 0x00205027, &w, &u, &nx);
	assert_int_equal(w, 1);
	assert_int_equal(u, 1);
	pt_rights(m, 0x00205003, &w, &u, &nx);
	assert_int_equal(w, 1);
	assert_int_equal(u, 0);
	pt_rights(m, X86_NX | 0x7, &w, &u, &nx);
	assert_int_equal(nx, 0);	/* no NX without 8-byte entries */
	/* set_perm keeps the frame, P, A and D */
	assert_int_equal(pt_set_perm(m, 0x0abcd067, PERM_R, false),
	    0x0abcd061);
	assert_int_equal(pt_set_perm(m, 0x0abcd061, PERM_R | PERM_W, true),
	    0x0abcd067);
	machine_free(m);
}

static void
test_x86_64_entries(void **state)
{
	struct machine *m = mk64();
	uint8_t w, u, nx;

	(void)state;
	assert_true(m->has_nx);
	assert_int_equal(m->addr_mask, 0xfffffffff000ULL);
	assert_int_equal(pt_make_leaf(m, 0x12345, PERM_R | PERM_W, true),
	    0x8000000012345007ULL);
	assert_int_equal(pt_make_leaf(m, 0x12345, PERM_R | PERM_W | PERM_X,
	    true), 0x12345007);
	assert_int_equal(pt_make_leaf(m, 0x12345, PERM_R | PERM_X, false),
	    0x12345001);
	/* upper levels grant everything: never NX */
	assert_int_equal(pt_make_table(m, 0x104), 0x104007);
	assert_int_equal(pt_make_table(m, 0xfffffffffULL), 0xfffffffff007ULL);
	/* the frame address: bits pa-1..12; NX, AVL and bits above pa
	 * are not part of it */
	assert_int_equal(pt_next(m, 0x8000000012345067ULL), 0x12345000);
	assert_int_equal(pt_next(m, 0x7ff0000012345e67ULL), 0x12345000);
	assert_int_equal(pt_next(m, 0x0000ffffffffffffULL),
	    0xfffffffff000ULL);
	assert_int_equal(pt_set_perm(m, 0x8000000012345067ULL,
	    PERM_R | PERM_X, false), 0x12345061);
	assert_int_equal(pt_set_perm(m, 0x12345061, PERM_R | PERM_W, true),
	    0x8000000012345067ULL);
	pt_rights(m, 0x8000000012345027ULL, &w, &u, &nx);
	assert_int_equal(w, 1);
	assert_int_equal(u, 1);
	assert_int_equal(nx, 1);
	pt_rights(m, 0x12345021, &w, &u, &nx);
	assert_int_equal(w, 0);
	assert_int_equal(u, 0);
	assert_int_equal(nx, 0);
	machine_free(m);
}

/* NX comes with 8-byte entries, not with the address width. */
static void
test_nx_follows_pte(void **state)
{
	struct mconfig c;
	struct machine *m;

	(void)state;
	mcfg_init(&c);
	c.pte = 8;
	c.set |= MCFG_SET_PTE;
	m = th_machine(&c);
	assert_true(m->has_nx);
	assert_int_equal(pt_make_leaf(m, 0xabcd, PERM_R, true),
	    0x800000000abcd005ULL);
	assert_int_equal(pt_effective_perm(m, PERM_R), PERM_R);
	machine_free(m);
	mcfg_init(&c);
	c.va = 48;
	c.pa = 32;		/* 4-byte entries, 4 levels */
	m = th_machine(&c);
	assert_int_equal(m->c.pte, 4);
	assert_false(m->has_nx);
	assert_int_equal(pt_make_leaf(m, 0xabcd, PERM_R, true), 0x0abcd005);
	machine_free(m);
}

static void
test_simple_entries(void **state)
{
	struct machine *m = mksimple();
	struct mconfig c;
	uint8_t w = 9, u = 9, nx = 9;
	uint64_t vpn = 0x3a5c >> 6;

	(void)state;
	assert_int_equal(m->c.format, FMT_SIMPLE);
	assert_int_equal(m->c.pte, 2);
	assert_int_equal(m->valid_bit, 0x8000);
	assert_int_equal(pt_make_leaf(m, 0x3a, PERM_R, true), 0x803a);
	assert_int_equal(pt_make_leaf(m, 0x3a, PERM_R | PERM_W | PERM_X,
	    false), 0x803a);
	assert_int_equal(pt_make_table(m, 0x3ff), 0x83ff);
	assert_true(pt_present(m, 0x8000));
	assert_false(pt_present(m, 0x7fff));
	assert_int_equal(pt_next(m, 0x803a), 0x3a << 6);
	assert_int_equal(pt_next(m, 0x83ff), 0xffc0);
	assert_int_equal(pt_set_perm(m, 0x803a, PERM_R, false), 0x803a);
	pt_rights(m, 0x803a, &w, &u, &nx);
	assert_int_equal(w, 1);
	assert_int_equal(u, 1);
	assert_int_equal(nx, 0);
	assert_int_equal(pt_effective_perm(m, PERM_R),
	    PERM_R | PERM_W | PERM_X);
	assert_int_equal(pt_effective_perm(m, 0), PERM_R | PERM_W | PERM_X);
	assert_int_equal(m->levels, 2);
	assert_int_equal(pt_index(m, vpn, 1), 7);
	assert_int_equal(pt_index(m, vpn, 2), 9);
	assert_int_equal(pt_entry_pa(m, 0x40, vpn, 1), 0x4e);
	assert_int_equal(pt_entry_pa(m, 0x80, vpn, 2), 0x92);
	machine_free(m);

	/* 1-byte entries: valid bit 7, 7 frame bits */
	mcfg_init(&c);
	c.va = 16;
	c.pa = 13;
	c.page = 64;
	m = th_machine(&c);
	assert_int_equal(m->c.pte, 1);
	assert_int_equal(m->valid_bit, 0x80);
	assert_int_equal(pt_make_leaf(m, 0x7f, PERM_R, true), 0xff);
	assert_int_equal(pt_next(m, 0xff), 0x7f << 6);
	assert_int_equal(pt_next(m, 0x81), 0x40);
	assert_false(pt_present(m, 0x7f));
	machine_free(m);

	/* 8-byte simple entries: valid is bit 63 */
	mcfg_init(&c);
	c.va = 48;
	c.pa = 52;
	c.page = 64;
	c.levels = 2;
	c.split[0] = 21;
	c.split[1] = 21;
	c.set |= MCFG_SET_SPLIT;
	m = th_machine(&c);
	assert_int_equal(m->c.pte, 8);
	assert_int_equal(m->valid_bit, 1ULL << 63);
	assert_int_equal(pt_make_leaf(m, (1ULL << 46) - 1, PERM_R, true),
	    0x80003fffffffffffULL);
	assert_int_equal(pt_next(m, 0x80003fffffffffffULL),
	    0xfffffffffffc0ULL);
	machine_free(m);
}

static void
test_effective_perm(void **state)
{
	struct mconfig c;
	struct machine *m;

	(void)state;
	mcfg_init(&c);
	m = th_machine(&c);	/* x86, 4-byte: no NX, everything runs */
	assert_int_equal(pt_effective_perm(m, 0), PERM_R | PERM_X);
	assert_int_equal(pt_effective_perm(m, PERM_R), PERM_R | PERM_X);
	assert_int_equal(pt_effective_perm(m, PERM_W),
	    PERM_R | PERM_W | PERM_X);
	machine_free(m);
	m = mk64();
	assert_int_equal(pt_effective_perm(m, 0), PERM_R);
	assert_int_equal(pt_effective_perm(m, PERM_W), PERM_R | PERM_W);
	assert_int_equal(pt_effective_perm(m, PERM_X), PERM_R | PERM_X);
	assert_int_equal(pt_effective_perm(m, PERM_R | PERM_W | PERM_X),
	    PERM_R | PERM_W | PERM_X);
	machine_free(m);
}

static void
flags_is(const struct machine *m, uint64_t e, bool leaf, const char *want)
{
	char buf[64];
	size_t n;

	memset(buf, 'z', sizeof buf);
	n = pt_flags_text(m, e, leaf, buf, sizeof buf);
	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void
test_flags_text(void **state)
{
	struct machine *m = mk64();
	char small[4];

	(void)state;
	flags_is(m, 0x0abcd025, true, "P R U A");
	flags_is(m, 0x0abcd067, true, "P W U A D");
	flags_is(m, 0x0abcd067, false, "P W U A");	/* D only on a leaf */
	flags_is(m, 0x0abcd003, true, "P W S");
	flags_is(m, 0x8000000012345027ULL, true, "P W U A NX");
	flags_is(m, 0, true, "-");
	flags_is(m, 0x20, true, "- A");
	/* truncated to the buffer; the length is what it would be */
	assert_int_equal(pt_flags_text(m, 0x0abcd067, true, small,
	    sizeof small), 9);
	assert_string_equal(small, "P W");
	machine_free(m);
	m = mksimple();
	flags_is(m, 0x803a, true, "V");
	flags_is(m, 0x003a, true, "-");
	machine_free(m);
}

/* Worked example 4: hash(pid, vpn) = (vpn XOR pid*5) mod 8. */
static void
test_bucket_ex4(void **state)
{
	struct mconfig c;
	struct machine *m;

	(void)state;
	mcfg_init(&c);
	c.pt = PT_INVERTED;
	c.frames = 8;
	c.set |= MCFG_SET_FRAMES;
	m = th_machine(&c);
	assert_int_equal(m->nbuckets, 8);
	assert_int_equal(pt_bucket(m, 1, 0x12), 7);
	assert_int_equal(pt_bucket(m, 2, 0x0a), 0);
	assert_int_equal(pt_bucket(m, 1, 0x1a), 7);
	assert_int_equal(pt_bucket(m, 2, 0x12), 0);
	assert_int_equal(pt_bucket(m, 0, 0x12), 2);
	assert_int_equal(pt_bucket(m, 3, 0xfffff), 0);	/* 0xffff0 & 7 */
	machine_free(m);
	/* buckets: the power of two at or above the pool */
	mcfg_init(&c);
	c.pt = PT_INVERTED;
	c.frames = 5;
	c.set |= MCFG_SET_FRAMES;
	m = th_machine(&c);
	assert_int_equal(m->nbuckets, 8);
	machine_free(m);
	mcfg_init(&c);
	c.pt = PT_INVERTED;
	c.frames = 9;
	c.set |= MCFG_SET_FRAMES;
	m = th_machine(&c);
	assert_int_equal(m->nbuckets, 16);
	assert_int_equal(pt_bucket(m, 3, 0x100), 15);
	assert_int_equal(pt_bucket(m, 2, 0x12), 8);	/* 0x18 & 15 */
	machine_free(m);
}

/* ---- through the engine: rights over the levels ---- */

/* An access of kind k at va, in supervisor mode if kernel. */
static void
acc(struct engine *e, enum op_kind k, uint64_t va, bool kernel)
{
	struct op o;

	op_init(&o, k);
	o.va = va;
	o.kernel = kernel;
	th_run(e, &o);
}

/* Writable is ANDed: a read-only directory entry over a writable leaf
 * refuses writes, the supervisor's too (CR0.WP=1). */
static void
test_walk_w_and(void **state)
{
	struct mconfig c;
	struct engine *e;

	(void)state;
	mcfg_init(&c);
	e = th_engine(&c);
	th_poke_le(e, 0x100004, 0x00205025, 4);	/* P U A, not W */
	th_poke_le(e, 0x20500c, 0x0abcd027, 4);	/* P W U A */
	th_process(e, "p", -1, 0x100);
	acc(e, OP_READ, 0x403a7c, false);
	assert_string_equal(th_qword(e, "fault"), "none");
	assert_int_equal(th_qnum(e, "pa"), 0x0abcda7c);
	assert_int_equal(e->m->tlb[0].valid, 1);
	assert_int_equal(e->m->tlb[0].w, 0);	/* 0 AND 1 */
	assert_int_equal(e->m->tlb[0].u, 1);
	acc(e, OP_WRITE, 0x403a7c, false);
	assert_string_equal(th_qword(e, "tlb"), "hit");
	assert_string_equal(th_qword(e, "fault"), "protection");
	assert_int_equal(th_qnum(e, "pf.code"), 7);
	acc(e, OP_WRITE, 0x403a7c, true);
	assert_string_equal(th_qword(e, "fault"), "protection");
	assert_int_equal(th_qnum(e, "pf.code"), 3);
	assert_int_equal(th_peek(e, 0x20500c, 4), 0x0abcd027);	/* no D */
	/* 4-byte entries: no NX, a present page runs */
	acc(e, OP_EXEC, 0x403a7c, false);
	assert_string_equal(th_qword(e, "fault"), "none");
	engine_free(e);
}

/* User is ANDed: a supervisor directory entry over a user leaf refuses
 * the user, not the kernel.  A refused access sets A in the levels the
 * walk used, not in the leaf. */
static void
test_walk_u_and(void **state)
{
	struct mconfig c;
	struct engine *e;

	(void)state;
	mcfg_init(&c);
	e = th_engine(&c);
	th_poke_le(e, 0x100004, 0x00205003, 4);	/* P W, not U, A clear */
	th_poke_le(e, 0x20500c, 0x0abcd007, 4);	/* P W U, A clear */
	th_process(e, "p", -1, 0x100);
	acc(e, OP_READ, 0x403a7c, false);
	assert_string_equal(th_qword(e, "fault"), "protection");
	assert_int_equal(th_qnum(e, "pf.code"), 5);
	assert_int_equal(th_qnum(e, "refs"), 2);
	assert_int_equal(th_peek(e, 0x100004, 4), 0x00205023);	/* A set */
	assert_int_equal(th_peek(e, 0x20500c, 4), 0x0abcd007);	/* A not */
	acc(e, OP_READ, 0x403a7c, true);
	assert_string_equal(th_qword(e, "tlb"), "miss");
	assert_string_equal(th_qword(e, "fault"), "none");
	assert_int_equal(th_qnum(e, "pa"), 0x0abcda7c);
	assert_int_equal(th_peek(e, 0x20500c, 4), 0x0abcd027);
	assert_int_equal(e->m->tlb[0].u, 0);
	assert_int_equal(e->m->tlb[0].w, 1);
	acc(e, OP_READ, 0x403a7c, false);	/* from the TLB now */
	assert_string_equal(th_qword(e, "tlb"), "hit");
	assert_string_equal(th_qword(e, "fault"), "protection");
	assert_int_equal(th_qnum(e, "pf.code"), 5);
	engine_free(e);
}

/* No-execute is ORed: NX in the top-level entry alone forbids fetches. */
static void
test_walk_nx_or(void **state)
{
	struct mconfig c;
	struct engine *e;
	const uint64_t va = 0x00007f5ac3e12abcULL;

	(void)state;
	mcfg_init(&c);
	c.va = 48;
	c.pa = 48;
	e = th_engine(&c);
	/* NX here only */
	th_poke_le(e, 0x1017f0, 0x8000000000102027ULL, 8);
	th_poke_le(e, 0x102b58, 0x103027, 8);
	th_poke_le(e, 0x1030f8, 0x104027, 8);
	th_poke_le(e, 0x104090, 0x12345027, 8);
	th_process(e, "p", -1, 0x101);
	acc(e, OP_READ, va, false);
	assert_string_equal(th_qword(e, "fault"), "none");
	assert_int_equal(th_qnum(e, "pa"), 0x12345abc);
	assert_int_equal(e->m->tlb[0].nx, 1);
	acc(e, OP_EXEC, va, false);
	assert_string_equal(th_qword(e, "fault"), "protection");
	assert_int_equal(th_qnum(e, "pf.code"), 0x15);
	acc(e, OP_EXEC, va, true);
	assert_string_equal(th_qword(e, "fault"), "protection");
	assert_int_equal(th_qnum(e, "pf.code"), 0x11);
	acc(e, OP_WRITE, va, false);
	assert_string_equal(th_qword(e, "fault"), "none");
	engine_free(e);

	/* no NX anywhere: the fetch runs */
	mcfg_init(&c);
	c.va = 48;
	c.pa = 48;
	e = th_engine(&c);
	th_poke_le(e, 0x1017f0, 0x102027, 8);
	th_poke_le(e, 0x102b58, 0x103027, 8);
	th_poke_le(e, 0x1030f8, 0x104027, 8);
	th_poke_le(e, 0x104090, 0x12345027, 8);
	th_process(e, "p", -1, 0x101);
	acc(e, OP_EXEC, va, false);
	assert_string_equal(th_qword(e, "fault"), "none");
	assert_int_equal(th_qnum(e, "refs"), 4);
	engine_free(e);
}

/* Worked example 3 walked: 2-byte x86 entries. */
static void
test_walk_ex3(void **state)
{
	struct mconfig c;
	struct engine *e;

	(void)state;
	ex3_config(&c);
	e = th_engine(&c);
	th_poke_le(e, 0x0106, 0x0227, 2);
	th_poke_le(e, 0x0214, 0x7f27, 2);
	th_process(e, "p", -1, 0x01);
	acc(e, OP_READ, 0x3a5c, false);
	assert_string_equal(th_qword(e, "fault"), "none");
	assert_int_equal(th_qnum(e, "pa"), 0x7f5c);
	assert_int_equal(th_qnum(e, "index.1"), 3);
	assert_int_equal(th_qnum(e, "index.2"), 0xa);
	assert_int_equal(th_qnum(e, "offset"), 0x5c);
	assert_int_equal(th_qnum(e, "pte.addr"), 0x214);
	assert_int_equal(th_qnum(e, "refs"), 2);
	engine_free(e);
}

/* A simple-format walk: valid bit and frame number, nothing else. */
static void
test_walk_simple(void **state)
{
	struct mconfig c;
	struct engine *e;

	(void)state;
	mcfg_init(&c);
	c.va = 16;
	c.pa = 16;
	c.page = 64;
	e = th_engine(&c);
	/* root at frame 1 (0x40); vpn 0xe9 = 7,9 */
	th_poke_le(e, 0x40 + 7 * 2, 0x8002, 2);	/* -> table at frame 2 */
	th_poke_le(e, 0x80 + 9 * 2, 0x803a, 2);	/* -> frame 0x3a */
	th_process(e, "p", -1, 1);
	acc(e, OP_WRITE, 0x3a5c, false);
	assert_string_equal(th_qword(e, "fault"), "none");
	assert_int_equal(th_qnum(e, "pa"), 0x3a << 6 | 0x1c);
	assert_int_equal(th_qnum(e, "pte"), 0x803a);	/* no A, no D */
	assert_int_equal(th_peek(e, 0x4e, 2), 0x8002);
	acc(e, OP_EXEC, 0x3a5c, false);
	assert_string_equal(th_qword(e, "fault"), "none");
	engine_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_indices_ex1),
		cmocka_unit_test(test_indices_ex2),
		cmocka_unit_test(test_indices_ex3),
		cmocka_unit_test(test_x86_32_entries),
		cmocka_unit_test(test_x86_64_entries),
		cmocka_unit_test(test_nx_follows_pte),
		cmocka_unit_test(test_simple_entries),
		cmocka_unit_test(test_effective_perm),
		cmocka_unit_test(test_flags_text),
		cmocka_unit_test(test_bucket_ex4),
		cmocka_unit_test(test_walk_w_and),
		cmocka_unit_test(test_walk_u_and),
		cmocka_unit_test(test_walk_nx_or),
		cmocka_unit_test(test_walk_ex3),
		cmocka_unit_test(test_walk_simple),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
