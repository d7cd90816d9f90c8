/*
 * test_vmx.c - unit tests of virtualization through the engine API:
 *   - worked example 5: the nested (2D) walk of a 4-level guest over a
 *     4-level EPT, built by hand (EPT tables at host 0x10000..0x13000,
 *     guest page i in host frame 0x40000 + i, guest tables at
 *     g0x1000..g0x4000, data at g0x5000): all 24 references in order,
 *     their host addresses, gpa 0x5234 and pa 0x40005234; then a TLB hit
 *     with no reference at all;
 *   - the count (n+1)(m+1)-1 for 2 over 2 (8), 3 over 3 (15) and 5 over
 *     5 (35) levels, on machines of those splits;
 *   - worked example 10(a): with cost.tlb=1 and cost.mem=100, a TLB miss
 *     rate of 1% gives 105 cycles per access natively and 125 under
 *     nested paging;
 *   - worked example 10(c): the SVM exit codes vendor=amd prints (0x400
 *     NPF, 0x81 VMMCALL, 0x4e the #PF intercept under shadow paging,
 *     0x13 a CR3 write), while exit.code stays Intel's.
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

/* ---- worked example 5 ---- */

#define EPT_PML4 0x10000ull
#define EPT_PDPT 0x11000ull
#define EPT_PD   0x12000ull
#define EPT_PT   0x13000ull
#define HOST_OF(gpa) ((gpa) + 0x40000000ull)
#define RWX 7ull		/* EPT read, write, execute */
#define PWU 7ull		/* x86 present, writable, user */

/* The host and guest state of worked example 5, with the guest running
 * process p (gCR3 = g0x1000). */
static struct engine *
ex5_machine(void)
{
	struct mconfig c;
	struct engine *e;
	struct machine *g;
	uint64_t i;

	mcfg_init(&c);
	c.va = 48;
	c.pa = 36;		/* 8-byte entries, split 9,9,9,9 */
	c.frames = 8;		/* host pool 0..7: below the EPT tables */
	c.set |= MCFG_SET_FRAMES;
	e = th_engine(&c);
	assert_int_equal(e->m->levels, 4);
	assert_int_equal(e->m->c.pte, 8);

	th_simple(e, OP_VMXON);
	/* Lazy backing: the VMM places nothing; the EPT and the backing
	 * map are then the worked example's own. */
	th_vm(e, "g", MMU_NESTED, CPU_VTX, 8 * 4096, true);
	g = e->m->vms[0];
	assert_non_null(g);
	assert_int_equal(g->gframes, 8);
	g->vmcs.eptp = EPT_PML4;
	for (i = 0; i < g->gframes; i++)
		g->backing[i] = 0x40000 + i + 1;	/* frame + 1 */

	/* The EPT, in host memory (root mode: poke writes host-physical). */
	th_poke_le(e, EPT_PML4 + 0 * 8, EPT_PDPT | RWX, 8);
	th_poke_le(e, EPT_PDPT + 0 * 8, EPT_PD | RWX, 8);
	th_poke_le(e, EPT_PD + 0 * 8, EPT_PT | RWX, 8);
	for (i = 0; i < g->gframes; i++)
		th_poke_le(e, EPT_PT + i * 8, ((0x40000 + i) << 12) | RWX, 8);

	/* The guest's tables at g0x1000..g0x4000 (host 0x40001000...):
	 * gVA 0x401234 has indices 0, 0, 2, 1, offset 0x234. */
	th_poke_le(e, HOST_OF(0x1000) + 0 * 8, 0x2000 | PWU, 8);
	th_poke_le(e, HOST_OF(0x2000) + 0 * 8, 0x3000 | PWU, 8);
	th_poke_le(e, HOST_OF(0x3000) + 2 * 8, 0x4000 | PWU, 8);
	th_poke_le(e, HOST_OF(0x4000) + 1 * 8, 0x5000 | PWU, 8);
	th_poke_le(e, HOST_OF(0x5234), 0x5a, 8);	/* the data */

	th_named(e, OP_VMLAUNCH, "g");
	assert_string_equal(th_qword(e, "mode"), "non-root");
	th_process(e, "p", -1, 1);		/* the guest's CR3: g0x1000 */
	assert_int_equal(g->vmcs.guest_cr3, 0x1000);
	return e;
}

struct ref {
	uint16_t kind;		/* EV_NWALK or EV_GWALK */
	uint8_t level;		/* EPT level, or guest level */
	uint64_t hpa;		/* the host address read */
	uint64_t gpa;		/* NWALK: the gpa translated; GWALK: the
				 * entry's gpa */
};

/* Worked example 5's table, row by row. */
static const struct ref ex5_refs[24] = {
	{ EV_NWALK, 1, 0x10000, 0x1000 },	/* 1: translate gCR3 */
	{ EV_NWALK, 2, 0x11000, 0x1000 },
	{ EV_NWALK, 3, 0x12000, 0x1000 },
	{ EV_NWALK, 4, 0x13008, 0x1000 },	/* EPT-PTE [1] */
	{ EV_GWALK, 1, 0x40001000, 0x1000 },	/* 5: guest PML4E[0] */
	{ EV_NWALK, 1, 0x10000, 0x2000 },	/* 6: translate g0x2000 */
	{ EV_NWALK, 2, 0x11000, 0x2000 },
	{ EV_NWALK, 3, 0x12000, 0x2000 },
	{ EV_NWALK, 4, 0x13010, 0x2000 },	/* EPT-PTE [2] */
	{ EV_GWALK, 2, 0x40002000, 0x2000 },	/* 10: guest PDPTE[0] */
	{ EV_NWALK, 1, 0x10000, 0x3000 },	/* 11: translate g0x3000 */
	{ EV_NWALK, 2, 0x11000, 0x3000 },
	{ EV_NWALK, 3, 0x12000, 0x3000 },
	{ EV_NWALK, 4, 0x13018, 0x3000 },	/* EPT-PTE [3] */
	{ EV_GWALK, 3, 0x40003010, 0x3010 },	/* 15: guest PDE[2] */
	{ EV_NWALK, 1, 0x10000, 0x4000 },	/* 16: translate g0x4000 */
	{ EV_NWALK, 2, 0x11000, 0x4000 },
	{ EV_NWALK, 3, 0x12000, 0x4000 },
	{ EV_NWALK, 4, 0x13020, 0x4000 },	/* EPT-PTE [4] */
	{ EV_GWALK, 4, 0x40004008, 0x4008 },	/* 20: guest PTE[1] */
	{ EV_NWALK, 1, 0x10000, 0x5000 },	/* 21: translate data */
	{ EV_NWALK, 2, 0x11000, 0x5000 },
	{ EV_NWALK, 3, 0x12000, 0x5000 },
	{ EV_NWALK, 4, 0x13028, 0x5000 },	/* EPT-PTE [5] */
};

static void
test_ex5_nested_walk(void **state)
{
	static struct event ev[TH_MAX_EV];
	struct engine *e = ex5_machine();
	uint64_t cycles0 = th_qnum(e, "cycles");
	size_t n, i;

	(void)state;
	n = th_access_ev(e, OP_READ, 0x401234, 0, ev);
	/* split, TLB probe (miss), 24 references, TLB fill, data */
	assert_int_equal(n, 2 + 24 + 2);
	assert_int_equal(ev[0].kind, EV_SPLIT);
	assert_int_equal(ev[1].kind, EV_TLB_MISS);
	for (i = 0; i < 24; i++) {
		const struct event *v = &ev[2 + i];

		if (v->kind != ex5_refs[i].kind || v->a != ex5_refs[i].hpa ||
		    v->level != ex5_refs[i].level || v->c != ex5_refs[i].gpa)
			fail_msg("reference %zu: kind %u level %u hpa 0x%llx "
			    "gpa 0x%llx, want kind %u level %u hpa 0x%llx gpa "
			    "0x%llx (%s)", i + 1, v->kind, v->level,
			    (unsigned long long)v->a, (unsigned long long)v->c,
			    ex5_refs[i].kind, ex5_refs[i].level,
			    (unsigned long long)ex5_refs[i].hpa,
			    (unsigned long long)ex5_refs[i].gpa, th_text(e, v));
		assert_true(v->flags & EVF_PRESENT);
		assert_int_equal(v->cycles, 100);
		if (v->kind == EV_NWALK)	/* the guest level it serves */
			assert_int_equal(v->e, i / 5 + 1);
	}
	/* the values read: EPT entries point at the next EPT table, then at
	 * the host frame; guest entries (A now set) at the next table */
	assert_int_equal(ev[2 + 0].b, EPT_PDPT | RWX);
	assert_int_equal(ev[2 + 3].b, 0x40001000 | RWX);
	assert_int_equal(ev[2 + 4].b, 0x2000 | PWU | X86_A);
	assert_int_equal(ev[2 + 19].b, 0x5000 | PWU | X86_A);
	assert_int_equal(ev[2 + 23].b, 0x40005000 | RWX);
	assert_true(ev[2 + 23].flags & EVF_LEAF);
	assert_int_equal(ev[26].kind, EV_TLB_FILL);
	assert_int_equal(ev[26].b, 0x40005);	/* host frame */
	assert_int_equal(ev[27].kind, EV_DATA);	/* the 25th memory access */
	assert_int_equal(ev[27].a, 0x40005234);
	assert_int_equal(ev[27].c, 0x5234);
	assert_int_equal(ev[27].b, 0x5a);

	assert_int_equal(th_qnum(e, "refs"), 24);
	assert_int_equal(th_qnum(e, "pa"), 0x40005234);
	assert_int_equal(th_qnum(e, "gpa"), 0x5234);
	assert_int_equal(th_qnum(e, "value"), 0x5a);
	assert_int_equal(th_qnum(e, "vpn"), 0x401);
	assert_int_equal(th_qnum(e, "offset"), 0x234);
	assert_int_equal(th_qnum(e, "index.3"), 2);
	assert_int_equal(th_qnum(e, "index.4"), 1);
	assert_string_equal(th_qword(e, "tlb"), "miss");
	assert_string_equal(th_qword(e, "fault"), "none");
	assert_string_equal(th_qword(e, "exit"), "none");
	assert_int_equal(th_qnum(e, "exits"), 0);
	/* 1 probe + 24 references + the data */
	assert_int_equal(th_qnum(e, "cycles") - cycles0, 1 + 24 * 100 + 100);

	/* The same page again: the TLB holds gVA -> hPA, no reference. */
	n = th_access_ev(e, OP_READ, 0x401238, 0, ev);
	assert_int_equal(n, 3);
	assert_int_equal(ev[1].kind, EV_TLB_HIT);
	assert_int_equal(ev[2].kind, EV_DATA);
	assert_string_equal(th_qword(e, "tlb"), "hit");
	assert_int_equal(th_qnum(e, "refs"), 0);
	assert_int_equal(th_qnum(e, "pa"), 0x40005238);
	assert_int_equal(th_qnum(e, "gpa"), 0x5238);
	assert_int_equal(th_qnum(e, "tlb.hits"), 1);
	assert_int_equal(th_qnum(e, "tlb.misses"), 1);
	engine_free(e);
}

/* ---- (n+1)(m+1)-1 for other depths ---- */

/* A guest of the machine's split runs one process with one page; the
 * first read of it walks both dimensions cold. */
static void
nested_count(unsigned va, unsigned pa, unsigned levels, uint64_t want)
{
	static struct event ev[TH_MAX_EV];
	struct mconfig c;
	struct engine *e;
	size_t n, nw, gw;

	th_config(&c, va, pa, 16);
	e = th_engine(&c);
	assert_int_equal(e->m->levels, levels);
	th_guest(e, MMU_NESTED, 16 * 4096, false);
	th_process(e, "p", -1, -1);
	th_map(e, 0x1000, 1, false, -1);
	n = th_access_ev(e, OP_READ, 0x1234, 0, ev);
	nw = th_count(ev, n, EV_NWALK);
	gw = th_count(ev, n, EV_GWALK);
	/* n guest entries, and m EPT references for each of the n table
	 * bases and the data gpa */
	assert_int_equal(gw, levels);
	assert_int_equal(nw, (levels + 1) * levels);
	assert_int_equal(th_qnum(e, "refs"), want);
	assert_int_equal(th_qnum(e, "refs"), (levels + 1) * (levels + 1) - 1);
	assert_string_equal(th_qword(e, "fault"), "none");
	assert_string_equal(th_qword(e, "exit"), "none");
	/* and warm: nothing */
	th_access(e, OP_READ, 0x1234, 0);
	assert_int_equal(th_qnum(e, "refs"), 0);
	engine_free(e);
}

static void
test_count_2x2(void **state)
{
	(void)state;
	nested_count(32, 32, 2, 8);	/* split 10,10 */
}

static void
test_count_3x3(void **state)
{
	(void)state;
	nested_count(39, 40, 3, 15);	/* split 9,9,9 */
}

static void
test_count_4x4(void **state)
{
	(void)state;
	nested_count(48, 40, 4, 24);	/* split 9,9,9,9 */
}

static void
test_count_5x5(void **state)
{
	(void)state;
	nested_count(57, 52, 5, 35);	/* split 9,9,9,9,9 */
}

/* ---- worked example 10(a): effective access time ---- */

/* 100 reads of one page: the first misses (a cold walk), 99 hit, so the
 * TLB miss rate is exactly 1%.  A miss costs its probe, the walk and the
 * data (1 + refs*100 + 100), a hit its probe and the data (1 + 100):
 * native (4 refs) 501 + 99*101 = 10500 = 105 * 100; nested (24 refs)
 * 2501 + 9999 = 12500 = 125 * 100. */
static void
eat_run(bool nested, uint64_t want_refs, uint64_t want_eat)
{
	char line[64];
	struct mconfig c;
	struct engine *e;
	struct strbuf b;
	struct verr err;
	uint64_t c0, a0, i;

	th_config(&c, 48, 40, 16);
	c.cost[COST_TLB] = 1;
	c.cost[COST_MEM] = 100;
	e = th_engine(&c);
	assert_int_equal(e->m->levels, 4);
	if (nested)
		th_guest(e, MMU_NESTED, 16 * 4096, false);
	th_process(e, "p", -1, -1);
	th_map(e, 0x1000, 1, false, -1);
	c0 = th_qnum(e, "cycles");
	a0 = th_qnum(e, "accesses");
	assert_int_equal(c0, 0);	/* setting up costs nothing */
	assert_int_equal(a0, 0);
	for (i = 0; i < 100; i++) {
		th_access(e, OP_READ, 0x1000 + i, 0);
		if (i == 0)
			assert_int_equal(th_qnum(e, "refs"), want_refs);
	}
	assert_int_equal(th_qnum(e, "accesses"), 100);
	assert_int_equal(th_qnum(e, "tlb.misses"), 1);
	assert_int_equal(th_qnum(e, "tlb.hits"), 99);
	assert_int_equal(th_qnum(e, "cycles"), want_eat * 100);
	assert_int_equal(th_qnum(e, "cycles") / th_qnum(e, "accesses"),
	    want_eat);
	assert_int_equal(th_qnum(e, "cycles") % th_qnum(e, "accesses"), 0);

	sb_init(&b);
	assert_int_equal(engine_show(e, "stats", &b, &err), 0);
	assert_non_null(b.s);
	snprintf(line, sizeof line, "effective access time %llu.0 cycles "
	    "per access", (unsigned long long)want_eat);
	if (strstr(b.s, line) == NULL)
		fail_msg("show stats lacks '%s':\n%s", line, b.s);
	sb_free(&b);
	engine_free(e);
}

static void
test_ex10a_native(void **state)
{
	(void)state;
	eat_run(false, 4, 105);	/* 1 + 100 + 0.01 * 4 * 100 */
}

static void
test_ex10a_nested(void **state)
{
	(void)state;
	eat_run(true, 24, 125);	/* 1 + 100 + 0.01 * 24 * 100 */
}

/* ---- worked example 10(c): exit decoding, SVM codes ---- */

/* The text of the first EV_EXIT among ev[0..n-1]. */
static const char *
exit_text(struct engine *e, const struct event *ev, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ev[i].kind == EV_EXIT)
			return th_text(e, &ev[i]);
	fail_msg("no VM exit among %zu steps", n);
	return "";
}

static struct engine *
guest_machine(enum vendor v, bool lazy)
{
	struct mconfig c;
	struct engine *e;

	th_config(&c, 48, 40, 16);
	c.vendor = v;
	e = th_engine(&c);
	th_guest(e, MMU_NESTED, 16 * 4096, lazy);
	th_process(e, "p", -1, -1);
	th_map(e, 0x1000, 1, false, -1);
	return e;
}

static void
test_ex10c_svm_codes(void **state)
{
	static struct event ev[TH_MAX_EV];
	struct mconfig c;
	struct engine *e;
	struct op o;
	size_t n;

	(void)state;
	e = guest_machine(VENDOR_AMD, true);
	/* A lazily backed page: a nested page fault, #VMEXIT(NPF) 0x400,
	 * though exit.code stays the Intel number. */
	n = th_access_ev(e, OP_READ, 0x1000, 0, ev);
	assert_non_null(strstr(exit_text(e, ev, n), "#VMEXIT 0x400 "
	    "(ept-violation)"));
	assert_string_equal(th_qword(e, "exit"), "ept-violation");
	assert_int_equal(th_qnum(e, "exit.code"), 48);

	/* VMMCALL: 0x81 (VT-x's VMCALL, 18). */
	op_init(&o, OP_INSN);
	o.insn = INSN_VMCALL;
	n = th_run_ev(e, &o, ev);
	assert_non_null(strstr(exit_text(e, ev, n), "#VMEXIT 0x81 "
	    "(vmcall)"));
	assert_string_equal(th_qword(e, "exit"), "vmcall");
	assert_int_equal(th_qnum(e, "exit.code"), 18);
	engine_free(e);

	/* #PF intercept: 0x40 + vector 14 = 0x4e, for VT-x's exception
	 * exit 0.  Under shadow paging the guest's first touch of a page
	 * misses in the shadow table: a #PF the VMM intercepts (and hides).
	 * A guest CR3 load is a CR3 write intercept, 0x13. */
	th_config(&c, 48, 40, 16);
	c.vendor = VENDOR_AMD;
	e = th_engine(&c);
	th_simple(e, OP_VMXON);
	th_vm(e, "s", MMU_SHADOW, CPU_VTX, 16 * 4096, false);
	th_named(e, OP_VMLAUNCH, "s");
	n = th_process_ev(e, "p", -1, -1, ev);
	assert_non_null(strstr(exit_text(e, ev, n), "#VMEXIT 0x13 "
	    "(cr-access)"));
	assert_int_equal(th_qnum(e, "exit.code"), 28);
	th_map(e, 0x1000, 1, false, -1);
	n = th_access_ev(e, OP_READ, 0x1000, 0, ev);
	assert_non_null(strstr(exit_text(e, ev, n), "#VMEXIT 0x4e "
	    "(exception)"));
	assert_string_equal(th_qword(e, "exit"), "exception");
	assert_int_equal(th_qnum(e, "exit.code"), 0);
	engine_free(e);

	/* The same exits under vendor=intel: basic exit reasons. */
	e = guest_machine(VENDOR_INTEL, true);
	n = th_access_ev(e, OP_READ, 0x1000, 0, ev);
	assert_non_null(strstr(exit_text(e, ev, n), "VM exit: reason 48 "
	    "(ept-violation)"));
	assert_non_null(strstr(exit_text(e, ev, n), "guest-physical 0x0"));
	op_init(&o, OP_INSN);
	o.insn = INSN_VMCALL;
	n = th_run_ev(e, &o, ev);
	assert_non_null(strstr(exit_text(e, ev, n), "VM exit: reason 18 "
	    "(vmcall)"));
	assert_string_equal(th_qword(e, "hypercall"), "ok");
	engine_free(e);
}

/* The VMCB view under vendor=amd names the SVM code of the last exit. */
static void
test_ex10c_show_vmcb(void **state)
{
	struct engine *e;
	struct strbuf b;
	struct verr err;

	(void)state;
	e = guest_machine(VENDOR_AMD, true);
	th_access(e, OP_READ, 0x1000, 0);
	sb_init(&b);
	assert_int_equal(engine_show(e, "vmcs", &b, &err), 0);
	assert_non_null(b.s);
	if (strstr(b.s, "reason 48 (ept-violation), SVM exit code 0x400") ==
	    NULL)
		fail_msg("show vmcs:\n%s", b.s);
	assert_non_null(strstr(b.s, "VMCB of g (ASID 1)"));
	assert_non_null(strstr(b.s, "nCR3 0x"));
	sb_free(&b);
	engine_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ex5_nested_walk),
		cmocka_unit_test(test_count_2x2),
		cmocka_unit_test(test_count_3x3),
		cmocka_unit_test(test_count_4x4),
		cmocka_unit_test(test_count_5x5),
		cmocka_unit_test(test_ex10a_native),
		cmocka_unit_test(test_ex10a_nested),
		cmocka_unit_test(test_ex10c_svm_codes),
		cmocka_unit_test(test_ex10c_show_vmcb),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
