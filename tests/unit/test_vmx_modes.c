/*
 * test_vmx_modes.c - what the virtualization tests first found wrong,
 * kept as tests:
 *   - expect pte after a nested guest's access reads the guest's leaf
 *     entry (pte.addr is guest-physical), also after an interrupt has
 *     returned the CPU to root mode;
 *   - a cpu=classic guest runs in mode "guest" once launched, and its
 *     POPF/SGDT are silent, HLT traps; cpu=bt translates them.
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

/* A nested guest reads its page: expect pte is its leaf entry. */
static void
test_nested_pte(void **state)
{
	static struct event ev[TH_MAX_EV];
	struct mconfig c;
	struct engine *e;
	uint64_t leaf_gpa = 0, leaf_val = 0;
	size_t n, i;

	(void)state;
	th_config(&c, 48, 40, 16);
	e = th_engine(&c);
	th_guest(e, MMU_NESTED, 16 * 4096, false);
	th_process(e, "p", -1, -1);
	th_map(e, 0x401000, 1, false, -1);
	n = th_access_ev(e, OP_READ, 0x401234, 0, ev);
	for (i = 0; i < n; i++)
		if (ev[i].kind == EV_GWALK && (ev[i].flags & EVF_LEAF)) {
			leaf_gpa = ev[i].c;
			leaf_val = ev[i].b;
		}
	assert_int_not_equal(leaf_gpa, 0);
	/* rw- user page: P W U A NX */
	assert_int_equal(leaf_val, 0x8000000000000027ull);
	assert_int_equal(th_qnum(e, "pte.addr"), leaf_gpa);
	assert_int_equal(th_qnum(e, "pte"), leaf_val);
	/* a write sets D in the guest's entry */
	th_access(e, OP_WRITE, 0x401234, 0);
	assert_int_equal(th_qnum(e, "pte"), 0x8000000000000067ull);
	/* still the guest's entry once an interrupt has returned the CPU to
	 * the host: the last translation was the guest's */
	th_simple(e, OP_INTERRUPT);
	assert_string_equal(th_qword(e, "mode"), "root");
	assert_int_equal(th_qnum(e, "pte.addr"), leaf_gpa);
	assert_int_equal(th_qnum(e, "pte"), 0x8000000000000067ull);
	engine_free(e);
}

static void
insn(struct engine *e, enum insn_kind k)
{
	struct op o;

	op_init(&o, OP_INSN);
	o.insn = k;
	th_run(e, &o);
}

/* Worked example / tech reference (g): POPF and SGDT are sensitive but
 * unprivileged; HLT is privileged. */
static void
test_classic_and_bt(void **state)
{
	struct mconfig c;
	struct engine *e;
	struct machine *g;

	(void)state;
	th_config(&c, 48, 40, 16);
	e = th_engine(&c);
	th_vm(e, "c", MMU_SHADOW, CPU_CLASSIC, 16 * 4096, false);
	th_vm(e, "b", MMU_SHADOW, CPU_BT, 16 * 4096, false);
	th_named(e, OP_VMLAUNCH, "c");
	assert_string_equal(th_qword(e, "mode"), "guest");
	g = e->m->vms[0];
	insn(e, INSN_POPF);
	assert_string_equal(th_qword(e, "insn"), "silent");
	assert_int_equal(g->vmcs.want_if, 0);	/* what the guest believes */
	assert_int_equal(g->vmcs.real_if, 1);	/* what the CPU has */
	insn(e, INSN_SGDT);
	assert_string_equal(th_qword(e, "insn"), "silent");
	insn(e, INSN_HLT);
	assert_string_equal(th_qword(e, "insn"), "trap");
	assert_string_equal(th_qword(e, "exit"), "none");
	assert_int_equal(th_qnum(e, "exits"), 0);
	th_simple(e, OP_INTERRUPT);
	th_named(e, OP_VMLAUNCH, "b");
	assert_string_equal(th_qword(e, "mode"), "guest");
	g = e->m->vms[1];
	insn(e, INSN_POPF);
	assert_string_equal(th_qword(e, "insn"), "translated");
	assert_int_equal(g->vmcs.want_if, g->vmcs.real_if);
	insn(e, INSN_SGDT);
	assert_string_equal(th_qword(e, "insn"), "translated");
	insn(e, INSN_HLT);
	assert_string_equal(th_qword(e, "insn"), "translated");
	engine_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nested_pte),
		cmocka_unit_test(test_classic_and_bt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
