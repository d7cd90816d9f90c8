/*
 * test_limits.c - unit tests of the memory limit (mconfig.max_memory,
 * src/core/check.c and machine.c):
 *   - the default is MCFG_MEMORY_DEFAULT (1 GiB), and sizes read as
 *     people read them (mcfg_size_text);
 *   - a machine whose largest table, or whose pool, could not be kept
 *     track of within the limit is refused by engine_new, naming the key;
 *     with no limit (0) the same machine is made;
 *   - map, process, an access that writes a value, an anonymous page's
 *     first touch and vm are refused whole past the limit: the message
 *     names the setting and the state fingerprint is unchanged;
 *   - the history for back counts: with a journal, room for the
 *     checkpoints and journals that may copy the machine (check_history),
 *     and the operations kept; the message names it;
 *   - a zero written where memory was never written allocates nothing
 *     (phys.c's store_write and fast.c's fast_write), so a write of 0 to
 *     a fresh page leaves machine_bytes as it was.
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

#define MiB ((uint64_t)1 << 20)

static const char setting[] = "--max-memory=SIZE or VMSCOPE_MAX_MEMORY";

/* op must be refused with a message holding word and the setting, and
 * leave the engine as it was. */
static void
refused(struct engine *e, const struct op *o, const char *word)
{
	uint64_t before = engine_state_hash(e);
	char msg[256];

	if (th_submit_err(e, o, msg, sizeof msg) == 0)
		fail_msg("accepted an operation past the memory limit");
	if (strstr(msg, word) == NULL || strstr(msg, setting) == NULL)
		fail_msg("message '%s' lacks '%s' or the setting", msg, word);
	assert_true(engine_state_hash(e) == before);
}

static void
test_default_and_text(void **state)
{
	struct mconfig c;
	char b[32];

	(void)state;
	mcfg_init(&c);
	assert_true(c.max_memory == MCFG_MEMORY_DEFAULT);
	assert_true(MCFG_MEMORY_DEFAULT == (uint64_t)1 << 30);
	mcfg_size_text((uint64_t)1 << 30, b, sizeof b);
	assert_string_equal(b, "1 GiB");
	mcfg_size_text((uint64_t)3 << 29, b, sizeof b);
	assert_string_equal(b, "1.5 GiB");
	mcfg_size_text(96 * MiB + 5, b, sizeof b);
	assert_string_equal(b, "96 MiB");
	mcfg_size_text(512 * 1024, b, sizeof b);
	assert_string_equal(b, "512 KiB");
}

/* A single-level table of 2^28 4-byte entries in 16-byte pages fills
 * 2^26 frames: 1 GiB of bookkeeping at 16 bytes a frame. */
static void
test_machine_table(void **state)
{
	struct mconfig c;
	struct verr err;
	struct engine *e;

	(void)state;
	mcfg_init(&c);
	c.page = 16;
	c.levels = 1;
	c.split[0] = 28;
	c.pte = 4;
	c.set |= MCFG_SET_SPLIT | MCFG_SET_PTE;
	memset(&err, 0, sizeof err);
	if (mcfg_finish(&c, &err) != 0)
		fail_msg("mcfg_finish: %s", err.msg);
	e = engine_new(&c, 0, &err);
	assert_null(e);
	assert_non_null(strstr(err.msg, "2^28 entries"));
	assert_non_null(strstr(err.msg, "give split= more levels"));
	assert_string_equal(err.arg, "split");
	/* a limit of 2 GiB makes it, and no limit too */
	c.max_memory = (uint64_t)2 << 30;
	e = engine_new(&c, 0, &err);
	assert_non_null(e);
	engine_free(e);
	c.max_memory = 0;
	e = engine_new(&c, 0, &err);
	assert_non_null(e);
	engine_free(e);
}

/* A pool of 4M frames takes 128 MiB of bookkeeping: past 64 MiB. */
static void
test_machine_pool(void **state)
{
	struct mconfig c;
	struct verr err;

	(void)state;
	th_config(&c, 48, 52, (uint64_t)1 << 22);
	c.max_memory = 64 * MiB;
	memset(&err, 0, sizeof err);
	if (mcfg_finish(&c, &err) != 0)
		fail_msg("mcfg_finish: %s", err.msg);
	assert_null(engine_new(&c, 0, &err));
	assert_string_equal(err.arg, "frames");
	assert_non_null(strstr(err.msg, "the pool's bookkeeping"));
}

/* Maps of 4096 pages on disk until one is refused, whole. */
static void
test_map(void **state)
{
	struct mconfig c;
	struct engine *e;
	struct op o;
	uint64_t i;

	(void)state;
	th_config(&c, 48, 52, 4096);
	c.max_memory = 16 * MiB;
	e = th_engine(&c);
	engine_set_journal_limit(e, 1 << 20);	/* as a session does */
	th_process(e, "p", -1, -1);
	op_init(&o, OP_MAP);
	o.pages = 4096;
	o.disk = true;
	for (i = 0;; i++) {
		char msg[256];

		assert_true(i < 64);
		o.va = i << 32;
		if (th_submit_err(e, &o, msg, sizeof msg) != 0) {
			assert_non_null(strstr(msg, "4096 more pages"));
			break;
		}
		th_drain(e, NULL);
	}
	assert_true(i >= 1);	/* some fitted */
	refused(e, &o, "4096 more pages");
	engine_free(e);
}

/* A process whose top-level table takes a lot, under a small limit. */
static void
test_process(void **state)
{
	struct mconfig c;
	struct engine *e;
	struct verr err;
	struct op o;

	(void)state;
	mcfg_init(&c);
	c.page = 16;
	c.levels = 1;
	c.va = 28;
	c.split[0] = 24;	/* 2^22 frames of 16 bytes: 64 MiB */
	c.pte = 4;
	c.set |= MCFG_SET_SPLIT | MCFG_SET_PTE;
	c.max_memory = 80 * MiB;
	memset(&err, 0, sizeof err);
	if (mcfg_finish(&c, &err) != 0)
		fail_msg("mcfg_finish: %s", err.msg);
	e = engine_new(&c, 0, &err);
	assert_non_null(e);
	th_process(e, "p", -1, -1);	/* 64 MiB of 80: fits once */
	op_init(&o, OP_PROCESS);
	snprintf(o.name, sizeof o.name, "q");
	refused(e, &o, "its page table");
	engine_free(e);
}

/* Writes of values fill chunks of memory until one is refused; a zero
 * where nothing was written allocates nothing. */
static void
test_access(void **state)
{
	struct mconfig c;
	struct engine *e;
	struct verr ve;
	struct op o;
	size_t before;
	uint64_t i;
	char msg[256];

	(void)state;
	th_config(&c, 48, 52, 65536);
	c.max_memory = 16 * MiB;
	assert_int_equal(mcfg_finish(&c, &ve), 0);
	e = engine_new(&c, 0, &ve);	/* no history */
	assert_non_null(e);
	th_process(e, "p", -1, -1);
	th_map(e, 0, 8192, false, -1);
	before = machine_bytes(e->m);
	th_access(e, OP_WRITE, 0x5000, 0);
	assert_true(machine_bytes(e->m) == before);
	op_init(&o, OP_WRITE);
	o.value = 0xab;
	for (i = 0;; i++) {
		assert_true(i < 8192);
		o.va = i << 12;
		if (th_submit_err(e, &o, msg, sizeof msg) != 0) {
			assert_non_null(strstr(msg, "write: the access would"));
			break;
		}
		th_drain(e, NULL);
	}
	assert_true(i > 100);
	refused(e, &o, "the access");
	/* a read allocates nothing: it still runs */
	th_access(e, OP_READ, 0, 0);
	assert_int_equal(th_qnum(e, "value"), 0xab);
	engine_free(e);
}

/* An anonymous process (a trace's) touches new pages until refused. */
static void
test_anon(void **state)
{
	struct mconfig c;
	struct engine *e;
	struct verr err;
	struct op o;
	uint64_t i;

	(void)state;
	th_config(&c, 48, 52, 4096);
	c.max_memory = 16 * MiB;
	memset(&err, 0, sizeof err);
	if (mcfg_finish(&c, &err) != 0)
		fail_msg("mcfg_finish: %s", err.msg);
	e = engine_new(&c, ENGINE_QUIET, &err);
	assert_non_null(e);
	op_init(&o, OP_PROCESS);
	snprintf(o.name, sizeof o.name, "trace");
	o.anon = true;
	assert_int_equal(engine_run(e, &o, &err), 0);
	op_init(&o, OP_WRITE);
	for (i = 0;; i++) {
		assert_true(i < ((uint64_t)1 << 24));
		o.va = i << 12;
		if (engine_run(e, &o, &err) != 0)
			break;
	}
	assert_non_null(strstr(err.msg, "1 more page"));
	assert_non_null(strstr(err.msg, setting));
	assert_true(i > 10000);
	assert_true(machine_bytes(e->m) <= 16 * MiB);
	engine_free(e);
}

/* A guest of 16 GiB: 4M frames to back and track. */
static void
test_vm(void **state)
{
	struct mconfig c;
	struct engine *e;
	struct op o;

	(void)state;
	th_config(&c, 48, 52, 4096);
	c.max_memory = 64 * MiB;
	e = th_engine(&c);
	th_simple(e, OP_VMXON);
	op_init(&o, OP_VM);
	snprintf(o.name, sizeof o.name, "g");
	o.memory = (uint64_t)16 << 30;
	refused(e, &o, "the guest's memory");
	engine_free(e);
}

/* The history for back counts: with a journal, the copies of the
 * machine it may keep; and the operations kept. */
static void
test_history(void **state)
{
	struct mconfig c;
	struct engine *e, *plain;
	struct check_hist h;
	struct verr ve;
	struct op o;
	uint64_t i;
	char msg[256];

	(void)state;
	th_config(&c, 32, 32, 64);
	c.max_memory = 16 * MiB;
	e = th_engine(&c);	/* ENGINE_JOURNAL */
	check_history(e, &h);
	assert_int_equal(h.copies, 11);
	assert_true(h.fixed >= 2 * ((uint64_t)32 << 20));
	engine_set_journal_limit(e, 1 << 20);	/* as a session does */
	check_history(e, &h);
	assert_true(h.fixed < 4 * MiB);
	plain = engine_new(&c, 0, &ve);
	assert_non_null(plain);
	check_history(plain, &h);
	assert_int_equal(h.copies, 1);
	engine_free(plain);

	th_process(e, "p", -1, -1);
	th_map(e, 0, 16, false, -1);
	op_init(&o, OP_WRITE);
	for (i = 0;; i++) {
		assert_true(i < 1000000);
		o.va = (i % 16) << 12 | (i & 0xfff);
		o.value = (i & 0x7f) + 1;
		if (th_submit_err(e, &o, msg, sizeof msg) != 0)
			break;
		th_drain(e, NULL);
	}
	assert_non_null(strstr(msg, "the history for back may hold"));
	assert_true(i > 10000);
	engine_free(e);
}

/* The same map fits without a journal and not with one. */
static void
test_journal_copies(void **state)
{
	struct mconfig c;
	struct engine *e;
	struct verr ve;
	struct op o;

	(void)state;
	th_config(&c, 48, 52, 4096);
	c.max_memory = 32 * MiB;
	assert_int_equal(mcfg_finish(&c, &ve), 0);
	op_init(&o, OP_MAP);
	o.pages = 65536;	/* about 8 MiB of records and map */
	o.disk = true;
	e = engine_new(&c, 0, &ve);
	assert_non_null(e);
	th_process(e, "p", -1, -1);
	th_run(e, &o);
	engine_free(e);
	e = engine_new(&c, ENGINE_JOURNAL, &ve);
	assert_non_null(e);
	engine_set_journal_limit(e, 2 << 20);
	th_process(e, "p", -1, -1);
	refused(e, &o, "up to 10 copies of it");
	engine_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_and_text),
		cmocka_unit_test(test_machine_table),
		cmocka_unit_test(test_machine_pool),
		cmocka_unit_test(test_map),
		cmocka_unit_test(test_process),
		cmocka_unit_test(test_access),
		cmocka_unit_test(test_anon),
		cmocka_unit_test(test_vm),
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_journal_copies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
