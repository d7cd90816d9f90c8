/*
 * helpers.c - the helpers the unit tests share (declared in helpers.h),
 * linked into every unit-test binary:
 *   - a config of given va, pa and frames (th_config); a machine or an
 *     engine from a config (th_machine, th_engine, th_engine_future);
 *   - an operation run to the end, with or without its events
 *     (th_run, th_run_ev, th_drain), the first event of a kind
 *     (th_run_find), a refused submission's message (th_submit_err),
 *     events counted by kind (th_count) and shown as text (th_text);
 *   - expect's values (th_qnum, th_qword), physical memory read and
 *     written (th_peek, th_poke, th_poke_le);
 *   - the common operations: th_simple, th_named, th_process(_ev),
 *     th_map, th_access(_ev), th_vm, and th_guest (vmxon, a VM, its
 *     launch).
 * What the engine refuses fails the running test with cmocka's
 * fail_msg, which names what was refused and why.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/invariant.h"
#include "core/machine.h"
#include "helpers.h"

/* A checking build (make asan) found the model breaking its own rules:
 * the message, then the abort fails the test (core/invariant.h). */
static void
th_check_failed(const char *msg)
{
	fprintf(stderr, "%s\n", msg);
	fflush(stderr);
}

#if defined(__GNUC__)
__attribute__((constructor))
#endif
static void
th_check_handler(void)
{
	inv_set_handler(th_check_failed);
}

/* ---- machines and engines ---- */

void
th_config(struct mconfig *c, unsigned va, unsigned pa, uint64_t frames)
{
	mcfg_init(c);
	c->va = va;
	c->pa = pa;
	c->frames = frames;
	c->set |= MCFG_SET_FRAMES;
}

struct machine *
th_machine(struct mconfig *c)
{
	struct verr err;
	struct machine *m;

	err.msg[0] = '\0';
	if (mcfg_finish(c, &err) != 0)
		fail_msg("mcfg_finish: %s", err.msg);
	m = machine_new(c, &err);
	if (m == NULL)
		fail_msg("machine_new: %s", err.msg);
	return m;
}

struct engine *
th_engine_future(struct mconfig *c, const struct future_ref *f, size_t n)
{
	struct verr err;
	struct engine *e;

	err.msg[0] = '\0';
	if (mcfg_finish(c, &err) != 0)
		fail_msg("mcfg_finish: %s", err.msg);
	e = engine_new_future(c, ENGINE_JOURNAL, f, n, &err);
	if (e == NULL)
		fail_msg("engine_new: %s", err.msg);
	return e;
}

struct engine *
th_engine(struct mconfig *c)
{
	return th_engine_future(c, NULL, 0);
}

/* ---- running ---- */

size_t
th_drain(struct engine *e, struct event *ev)
{
	struct event tmp;
	size_t n = 0;

	while (engine_step(e, ev != NULL && n < TH_MAX_EV ? &ev[n] : &tmp))
		n++;
	return n;
}

size_t
th_run_ev(struct engine *e, const struct op *o, struct event *ev)
{
	struct verr err;

	if (engine_submit(e, o, &err) != 0)
		fail_msg("submit: %s", err.msg);
	return th_drain(e, ev);
}

void
th_run(struct engine *e, const struct op *o)
{
	(void)th_run_ev(e, o, NULL);
}

struct event
th_run_find(struct engine *e, const struct op *o, enum ev_kind k)
{
	struct verr err;
	struct event ev, found;
	bool seen = false;

	memset(&found, 0, sizeof found);
	if (engine_submit(e, o, &err) != 0)
		fail_msg("submit: %s", err.msg);
	while (engine_step(e, &ev))
		if (!seen && ev.kind == k) {
			found = ev;
			seen = true;
		}
	if (!seen && k != EV_N)
		fail_msg("no event of kind %d", (int)k);
	return found;
}

int
th_submit_err(struct engine *e, const struct op *o, char *msg, size_t n)
{
	struct verr err;
	int rc = engine_submit(e, o, &err);

	if (rc != 0)
		snprintf(msg, n, "%s", err.msg);
	return rc;
}

size_t
th_count(const struct event *ev, size_t n, enum ev_kind k)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += ev[i].kind == k;
	return c;
}

const char *
th_text(struct engine *e, const struct event *ev)
{
	static char buf[512];

	(void)event_format(e, ev, buf, sizeof buf);
	return buf;
}

/* ---- state ---- */

uint64_t
th_qnum(struct engine *e, const char *name)
{
	struct qval q;
	struct verr err;

	if (engine_query(e, name, &q, &err) != 0)
		fail_msg("query %s: %s", name, err.msg);
	if (q.kind != QV_NUM)
		fail_msg("query %s: not a number", name);
	return q.num;
}

const char *
th_qword(struct engine *e, const char *name)
{
	struct qval q;
	struct verr err;

	if (engine_query(e, name, &q, &err) != 0)
		fail_msg("query %s: %s", name, err.msg);
	return q.kind == QV_WORD ? q.word : q.kind == QV_NONE ? "none" : "?";
}

uint64_t
th_peek(struct engine *e, uint64_t pa, unsigned size)
{
	uint8_t b[8];
	uint64_t v = 0;
	struct verr err;
	unsigned i;

	if (size > sizeof b)
		fail_msg("peek: %u bytes, at most 8", size);
	if (engine_peek(e, pa, size, b, &err) != 0)
		fail_msg("peek: %s", err.msg);
	for (i = size; i > 0; i--)
		v = v << 8 | b[i - 1];
	return v;
}

void
th_poke(struct engine *e, uint64_t pa, const uint8_t *b, size_t n)
{
	struct op o;

	op_init(&o, OP_POKE);
	o.pa = pa;
	o.bytes = b;
	o.nbytes = n;
	th_run(e, &o);
}

void
th_poke_le(struct engine *e, uint64_t pa, uint64_t v, unsigned size)
{
	uint8_t b[8];
	unsigned i;

	if (size > sizeof b)
		fail_msg("poke: %u bytes, at most 8", size);
	for (i = 0; i < size; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	th_poke(e, pa, b, size);
}

/* ---- operations ---- */

void
th_simple(struct engine *e, enum op_kind k)
{
	struct op o;

	op_init(&o, k);
	th_run(e, &o);
}

void
th_named(struct engine *e, enum op_kind k, const char *name)
{
	struct op o;

	op_init(&o, k);
	snprintf(o.name, sizeof o.name, "%s", name);
	th_run(e, &o);
}

size_t
th_process_ev(struct engine *e, const char *name, int64_t asid,
    int64_t root, struct event *ev)
{
	struct op o;

	op_init(&o, OP_PROCESS);
	snprintf(o.name, sizeof o.name, "%s", name);
	o.asid = asid;
	o.root = root;
	return th_run_ev(e, &o, ev);
}

void
th_process(struct engine *e, const char *name, int64_t asid, int64_t root)
{
	(void)th_process_ev(e, name, asid, root, NULL);
}

void
th_map(struct engine *e, uint64_t va, uint64_t pages, bool disk,
    int64_t frame)
{
	struct op o;

	op_init(&o, OP_MAP);
	o.va = va;
	o.pages = pages;
	o.disk = disk;
	o.frame = frame;
	th_run(e, &o);
}

size_t
th_access_ev(struct engine *e, enum op_kind k, uint64_t va, uint64_t value,
    struct event *ev)
{
	struct op o;

	op_init(&o, k);
	o.va = va;
	o.value = value;
	return th_run_ev(e, &o, ev);
}

void
th_access(struct engine *e, enum op_kind k, uint64_t va, uint64_t value)
{
	(void)th_access_ev(e, k, va, value, NULL);
}

void
th_vm(struct engine *e, const char *name, enum vm_mmu mmu, enum vm_cpu cpu,
    uint64_t memory, bool lazy)
{
	struct op o;

	op_init(&o, OP_VM);
	snprintf(o.name, sizeof o.name, "%s", name);
	o.mmu = mmu;
	o.cpu = cpu;
	o.memory = memory;
	o.lazy = lazy;
	th_run(e, &o);
}

void
th_guest(struct engine *e, enum vm_mmu mmu, uint64_t memory, bool lazy)
{
	th_simple(e, OP_VMXON);
	th_vm(e, "g", mmu, CPU_VTX, memory, lazy);
	th_named(e, OP_VMLAUNCH, "g");
}
