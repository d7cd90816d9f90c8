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

#define MAX_EV 256

static struct engine *
mk(struct mconfig *c)
{
	struct verr err;
	struct engine *e;

	err.msg[0] = '\0';
	if (mcfg_finish(c, &err) != 0)
		fail_msg("mcfg_finish: %s", err.msg);
	e = engine_new(c, ENGINE_JOURNAL, &err);
	if (e == NULL)
		fail_msg("engine_new: %s", err.msg);
	return e;
}

/* Submit o and run it to the end; its events go to ev (if not NULL, at
 * most MAX_EV).  Returns the number of steps. */
static size_t
run_ev(struct engine *e, const struct op *o, struct event *ev)
{
	struct verr err;
	struct event tmp;
	size_t n = 0;

	if (engine_submit(e, o, &err) != 0)
		fail_msg("submit: %s", err.msg);
	while (engine_step(e, ev != NULL && n < MAX_EV ? &ev[n] : &tmp))
		n++;
	return n;
}

static void
run(struct engine *e, const struct op *o)
{
	(void)run_ev(e, o, NULL);
}

static uint64_t
qnum(struct engine *e, const char *name)
{
	struct qval q;
	struct verr err;

	if (engine_query(e, name, &q, &err) != 0)
		fail_msg("query %s: %s", name, err.msg);
	if (q.kind != QV_NUM)
		fail_msg("query %s: not a number", name);
	return q.num;
}

static const char *
qword(struct engine *e, const char *name)
{
	struct qval q;
	struct verr err;

	if (engine_query(e, name, &q, &err) != 0)
		fail_msg("query %s: %s", name, err.msg);
	return q.kind == QV_WORD ? q.word : q.kind == QV_NONE ? "none" : "?";
}

static void
simple(struct engine *e, enum op_kind k)
{
	struct op o;

	op_init(&o, k);
	run(e, &o);
}

static void
named(struct engine *e, enum op_kind k, const char *name)
{
	struct op o;

	op_init(&o, k);
	snprintf(o.name, sizeof o.name, "%s", name);
	run(e, &o);
}

/* vm NAME mmu=nested memory=MEMORY [backing=lazy] */
static void
vm(struct engine *e, const char *name, uint64_t memory, bool lazy)
{
	struct op o;

	op_init(&o, OP_VM);
	snprintf(o.name, sizeof o.name, "%s", name);
	o.mmu = MMU_NESTED;
	o.cpu = CPU_VTX;
	o.memory = memory;
	o.lazy = lazy;
	run(e, &o);
}

static void
process(struct engine *e, const char *name, int64_t root)
{
	struct op o;

	op_init(&o, OP_PROCESS);
	snprintf(o.name, sizeof o.name, "%s", name);
	o.root = root;
	run(e, &o);
}

static void
map(struct engine *e, uint64_t va)
{
	struct op o;

	op_init(&o, OP_MAP);
	o.va = va;
	run(e, &o);
}

static size_t
access_ev(struct engine *e, enum op_kind k, uint64_t va, struct event *ev)
{
	struct op o;

	op_init(&o, k);
	o.va = va;
	return run_ev(e, &o, ev);
}

/* A nested guest reads its page: expect pte is its leaf entry. */
static void
test_nested_pte(void **state)
{
	static struct event ev[MAX_EV];
	struct mconfig c;
	struct engine *e;
	uint64_t leaf_gpa = 0, leaf_val = 0;
	size_t n, i;

	(void)state;
	mcfg_init(&c);
	c.va = 48;
	c.pa = 40;
	c.frames = 16;
	c.set |= MCFG_SET_FRAMES;
	e = mk(&c);
	simple(e, OP_VMXON);
	vm(e, "g", 16 * 4096, false);
	named(e, OP_VMLAUNCH, "g");
	process(e, "p", -1);
	map(e, 0x401000);
	n = access_ev(e, OP_READ, 0x401234, ev);
	for (i = 0; i < n; i++)
		if (ev[i].kind == EV_GWALK && (ev[i].flags & EVF_LEAF)) {
			leaf_gpa = ev[i].c;
			leaf_val = ev[i].b;
		}
	assert_int_not_equal(leaf_gpa, 0);
	/* rw- user page: P W U A NX */
	assert_int_equal(leaf_val, 0x8000000000000027ull);
	assert_int_equal(qnum(e, "pte.addr"), leaf_gpa);
	assert_int_equal(qnum(e, "pte"), leaf_val);
	/* a write sets D in the guest's entry */
	(void)access_ev(e, OP_WRITE, 0x401234, NULL);
	assert_int_equal(qnum(e, "pte"), 0x8000000000000067ull);
	/* still the guest's entry once an interrupt has returned the CPU to
	 * the host: the last translation was the guest's */
	simple(e, OP_INTERRUPT);
	assert_string_equal(qword(e, "mode"), "root");
	assert_int_equal(qnum(e, "pte.addr"), leaf_gpa);
	assert_int_equal(qnum(e, "pte"), 0x8000000000000067ull);
	engine_free(e);
}

static void
insn(struct engine *e, enum insn_kind k)
{
	struct op o;

	op_init(&o, OP_INSN);
	o.insn = k;
	run(e, &o);
}

static void
vm_cpu(struct engine *e, const char *name, enum vm_cpu cpu)
{
	struct op o;

	op_init(&o, OP_VM);
	snprintf(o.name, sizeof o.name, "%s", name);
	o.mmu = MMU_SHADOW;
	o.cpu = cpu;
	o.memory = 16 * 4096;
	run(e, &o);
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
	mcfg_init(&c);
	c.va = 48;
	c.pa = 40;
	c.frames = 16;
	c.set |= MCFG_SET_FRAMES;
	e = mk(&c);
	vm_cpu(e, "c", CPU_CLASSIC);
	vm_cpu(e, "b", CPU_BT);
	named(e, OP_VMLAUNCH, "c");
	assert_string_equal(qword(e, "mode"), "guest");
	g = e->m->vms[0];
	insn(e, INSN_POPF);
	assert_string_equal(qword(e, "insn"), "silent");
	assert_int_equal(g->vmcs.want_if, 0);	/* what the guest believes */
	assert_int_equal(g->vmcs.real_if, 1);	/* what the CPU has */
	insn(e, INSN_SGDT);
	assert_string_equal(qword(e, "insn"), "silent");
	insn(e, INSN_HLT);
	assert_string_equal(qword(e, "insn"), "trap");
	assert_string_equal(qword(e, "exit"), "none");
	assert_int_equal(qnum(e, "exits"), 0);
	simple(e, OP_INTERRUPT);
	named(e, OP_VMLAUNCH, "b");
	assert_string_equal(qword(e, "mode"), "guest");
	g = e->m->vms[1];
	insn(e, INSN_POPF);
	assert_string_equal(qword(e, "insn"), "translated");
	assert_int_equal(g->vmcs.want_if, g->vmcs.real_if);
	insn(e, INSN_SGDT);
	assert_string_equal(qword(e, "insn"), "translated");
	insn(e, INSN_HLT);
	assert_string_equal(qword(e, "insn"), "translated");
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
