/*
 * test_shadow.c - unit tests of shadow paging through the engine API:
 *   - worked example 6, path A: a shadow-paging guest whose guest frame i
 *     lives in host frame 0x40000 + i (hPA = gPA + 0x40000000), with the
 *     guest tables of examples 5 and 6 (g0x1000..g0x4000) and gPTE[1] =
 *     0x5067 mapping gVA 0x401234 to gfn 5.  The first access takes a
 *     hidden fault, after which the shadow leaf entry is 0x40005067 and
 *     the access goes to hPA 0x40005234; the guest kernel's write of
 *     0x6067 into gPTE[1] is one exception exit (reason 0, #PF error code
 *     P|W = 0x3), the VMM emulates it and brings the shadow entry to
 *     0x40006067, for exit 1000 + emulate 2000 = 3000 cycles; after an
 *     INVLPG (exit 14) the access reaches hPA 0x40006234;
 *   - the same with an untagged TLB (tlb.tags=off), where the exit itself
 *     flushes the TLB: the next access walks the shadow table and uses
 *     the entry the VMM emulated, with no exit at all;
 *   - the guest OS's own commands: each PTE write into a table page the
 *     VMM already shadows (unmap, map, protect) is exactly one exception
 *     exit of 3000 cycles, and a write into a table page it does not
 *     shadow yet is none;
 *   - the same guest PTE write under nested paging: no exit.
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

/* map VA [pages=N] perm=PERM [frame=N] */
static size_t
map_ev(struct engine *e, uint64_t va, uint64_t pages, unsigned perm,
    int64_t frame, struct event *ev)
{
	struct op o;

	op_init(&o, OP_MAP);
	o.va = va;
	o.pages = pages;
	o.perm = perm;
	o.frame = frame;
	return th_run_ev(e, &o, ev);
}

static size_t
unmap_ev(struct engine *e, uint64_t va, struct event *ev)
{
	struct op o;

	op_init(&o, OP_UNMAP);
	o.va = va;
	return th_run_ev(e, &o, ev);
}

static size_t
protect_ev(struct engine *e, uint64_t va, uint64_t pages, unsigned perm,
    struct event *ev)
{
	struct op o;

	op_init(&o, OP_PROTECT);
	o.va = va;
	o.pages = pages;
	o.perm = perm;
	return th_run_ev(e, &o, ev);
}

static size_t
invlpg_ev(struct engine *e, uint64_t va, struct event *ev)
{
	struct op o;

	op_init(&o, OP_INSN);
	o.insn = INSN_INVLPG;
	o.va = va;
	return th_run_ev(e, &o, ev);
}

/* The guest OS writes one entry of its own page tables (what its map,
 * unmap and protect do), then the engine runs what that write causes. */
static size_t
guest_pte_write(struct engine *e, uint64_t gpa, uint64_t v, struct event *ev)
{
	struct machine *g = e->m->vms[e->m->r.guest - 1];

	os_pte_write(g, gpa, v, g->c.pte);
	return th_drain(e, ev);
}

/* The three steps of a trapped guest PTE write at gpa, starting at ev[0]:
 * the exception exit (#PF, supervisor write to a present page: 0x3), the
 * VMM's emulation, which writes want into the shadow entry at spa, and
 * the VM entry.  Exit 1000 + emulate 2000 cycles. */
static void
assert_pte_trap(struct engine *e, const struct event *ev, uint64_t gpa,
    uint64_t spa, uint64_t want)
{
	assert_int_equal(ev[0].kind, EV_EXIT);
	assert_int_equal(ev[0].a, EXIT_EXCEPTION);
	assert_int_equal(ev[0].e, 0x3);
	assert_int_equal(ev[0].d, gpa);
	assert_int_equal(ev[0].cycles, 1000);
	assert_int_equal(ev[1].kind, EV_VMM);
	assert_int_equal(ev[1].a, VMM_PTWRITE);
	assert_int_equal(ev[1].b, gpa);
	if (ev[1].c != spa || ev[1].d != want)
		fail_msg("the VMM wrote 0x%llx at 0x%llx, want 0x%llx at "
		    "0x%llx (%s)", (unsigned long long)ev[1].d,
		    (unsigned long long)ev[1].c, (unsigned long long)want,
		    (unsigned long long)spa, th_text(e, &ev[1]));
	assert_int_equal(ev[1].cycles, 2000);
	assert_int_equal(ev[2].kind, EV_ENTRY);
	assert_int_equal(ev[2].cycles, 0);
}

/* ---- worked example 6 ---- */

#define HOST_BASE 0x40000ull	/* host frame of guest frame 0 */
#define PWU 0x7ull		/* x86 present, writable, user */
#define GPTE_OLD 0x5067ull	/* gfn 5: P W U A D */
#define GPTE_NEW 0x6067ull	/* gfn 6: P W U A D */

/* The host and guest of worked example 6: a 4-level x86-64 machine whose
 * physical memory is 2 GiB (pa=31: host frames 0 .. 0x7ffff).  The guest
 * has 1 GiB, backed eagerly: the VMM takes its 0x40000 frames from the
 * top of host memory down, so guest frame i is host frame 0x40000 + i
 * and hPA = gPA + 0x40000000, the example's host mapping.  Shadow
 * tables come below that, from host frame 0x3ffff down. */
static struct engine *
ex6_machine(bool tags)
{
	struct mconfig c;
	struct engine *e;
	struct machine *h, *g;
	uint64_t i;

	mcfg_init(&c);
	c.va = 48;
	c.pa = 31;
	c.pte = 8;		/* split 9,9,9,9 */
	c.set |= MCFG_SET_PTE;
	c.tlb_tags = tags;
	e = th_engine(&c);
	h = e->m;
	assert_int_equal(h->levels, 4);
	assert_int_equal(h->c.total_frames, 0x80000);

	th_simple(e, OP_VMXON);
	th_vm(e, "g", MMU_SHADOW, CPU_VTX, 1ull << 30, false);
	g = h->vms[0];
	assert_non_null(g);
	assert_int_equal(g->gframes, 0x40000);
	for (i = 0; i < 8; i++) {
		assert_int_equal(g->backing[i], HOST_BASE + i + 1);
		assert_int_equal(tframe_at(h, HOST_BASE + i)->kind, TF_GUEST);
		assert_int_equal(shadow_gfn(h, HOST_BASE + i), i);
	}
	assert_int_equal(g->backing[g->gframes - 1], 0x7ffff + 1);

	th_named(e, OP_VMLAUNCH, "g");
	assert_string_equal(th_qword(e, "mode"), "non-root");
	/* The guest's tables at g0x1000..g0x4000, as in example 5 (poke in
	 * the guest writes guest-physical memory): gVA 0x401234 has indices
	 * 0, 0, 2, 1, offset 0x234.  gPTE[1] at g0x4008 is example 6's
	 * 0x5067: gfn 5, P W U A D. */
	th_poke_le(e, 0x1000 + 0 * 8, 0x2000 | PWU, 8);
	th_poke_le(e, 0x2000 + 0 * 8, 0x3000 | PWU, 8);
	th_poke_le(e, 0x3000 + 2 * 8, 0x4000 | PWU, 8);
	th_poke_le(e, 0x4000 + 1 * 8, GPTE_OLD, 8);
	th_poke_le(e, 0x5234, 0x55, 8);	/* the data in gfn 5 ... */
	th_poke_le(e, 0x6234, 0x66, 8);	/* ... and in gfn 6 */
	return e;
}

/* The host address of the shadow entry mirroring guest entry gpa. */
static uint64_t
shadow_entry(const struct engine *e, uint64_t gpa)
{
	const struct machine *g = e->m->vms[0];
	uint64_t gfn = gpa >> 12;

	if (g->shadow_of[gfn] == 0)
		fail_msg("guest table gfn 0x%llx is not shadowed",
		    (unsigned long long)gfn);
	return ((g->shadow_of[gfn] - 1) << 12) | (gpa & 0xfff);
}

static uint64_t
host64(const struct engine *e, uint64_t hpa)
{
	return phys_read(e->m, hpa, 8);
}

static uint64_t
guest64(const struct engine *e, uint64_t gpa)
{
	return phys_read(e->m->vms[0], gpa, 8);
}

/* Up to gPTE[1] = 0x5067 being shadowed: process p on the example's
 * tables (a CR3 load: exit 28, the VMM makes p's shadow root), then the
 * first read of 0x401234, a hidden fault. */
static void
ex6_first_access(struct engine *e)
{
	static struct event ev[TH_MAX_EV];
	struct machine *g = e->m->vms[0];
	uint64_t spte;
	size_t n, i;

	n = th_process_ev(e, "p", -1, 1, ev);	/* gCR3 = g0x1000 */
	assert_int_equal(th_count(ev, n, EV_EXIT), 1);
	assert_string_equal(th_qword(e, "exit"), "cr-access");
	assert_int_equal(th_qnum(e, "exit.code"), 28);
	assert_int_equal(g->vmcs.guest_cr3, 0x1000);
	assert_int_equal(g->procs[0].shadow - 1, 0x3ffff);	/* its root */

	/* The shadow table is empty: the walk stops at its top level, a
	 * #PF that exits (0, user read of a not-present page: 0x4); the VMM
	 * walks the guest's tables, which allow the read, fills the shadow
	 * path (a hidden fault) and restarts the access. */
	n = th_access_ev(e, OP_READ, 0x401234, 0, ev);
	assert_int_equal(ev[0].kind, EV_SPLIT);
	assert_int_equal(ev[1].kind, EV_TLB_MISS);
	assert_int_equal(ev[2].kind, EV_WALK);
	assert_false(ev[2].flags & EVF_PRESENT);
	assert_int_equal(ev[3].kind, EV_EXIT);
	assert_int_equal(ev[3].a, EXIT_EXCEPTION);
	assert_int_equal(ev[3].e, 0x4);
	assert_int_equal(ev[3].c, 0x401234);
	assert_int_equal(ev[4].kind, EV_VMM);
	assert_int_equal(ev[4].a, VMM_SHADOW);
	assert_true(ev[4].flags & EVF_MATCH);	/* hidden */
	assert_int_equal(ev[5].kind, EV_ENTRY);
	assert_int_equal(ev[6].kind, EV_RESTART);
	assert_int_equal(ev[7].kind, EV_TLB_MISS);
	for (i = 0; i < 4; i++) {	/* the hardware walks the shadow */
		assert_int_equal(ev[8 + i].kind, EV_WALK);
		assert_true(ev[8 + i].flags & EVF_PRESENT);
		assert_int_equal(ev[8 + i].e, 1);	/* a shadow entry */
	}
	assert_int_equal(ev[12].kind, EV_TLB_FILL);
	assert_int_equal(ev[12].b, HOST_BASE + 5);
	assert_int_equal(ev[13].kind, EV_DATA);
	assert_int_equal(n, 14);

	/* Each guest table page on the path now has its shadow page, and
	 * the shadow leaf entry combines gVA -> gfn 5 with gfn 5 -> host
	 * frame 0x40005.  The model copies P W U A D from the guest entry
	 * into the shadow entry: gPTE[1] came with A and D set (0x5067),
	 * so the shadow entry is exactly the example's 0x40005067.  (Had A
	 * been clear, the VMM would have set it in the guest entry first,
	 * as it does in the upper entries; D it sets only for a write.) */
	for (i = 1; i <= 4; i++)
		assert_int_not_equal(g->shadow_of[i], 0);
	spte = shadow_entry(e, 0x4008);
	assert_int_equal(spte, (0x3fffcull << 12) | 8);
	assert_int_equal(host64(e, spte), 0x40005067);
	assert_int_equal(guest64(e, 0x4008), GPTE_OLD);
	assert_int_equal(guest64(e, 0x3010), 0x4000 | PWU | X86_A);

	assert_int_equal(th_qnum(e, "pa"), 0x40005234);
	assert_int_equal(th_qnum(e, "gpa"), 0x5234);
	assert_int_equal(th_qnum(e, "value"), 0x55);
	assert_int_equal(th_qnum(e, "pte.addr"), spte);
	assert_int_equal(th_qnum(e, "pte"), 0x40005067);
	/* 1 + 4 after the restart */
	assert_int_equal(th_qnum(e, "refs"), 5);
	assert_string_equal(th_qword(e, "fault"), "none");	/* hidden */
	assert_string_equal(th_qword(e, "exit"), "exception");
	assert_int_equal(th_qnum(e, "exits.exception"), 1);
	assert_int_equal(th_qnum(e, "exits.cr-access"), 1);
}

static void
test_ex6_path_a(void **state)
{
	static struct event ev[TH_MAX_EV];
	struct engine *e = ex6_machine(true);
	uint64_t spte, c0;
	size_t n;

	(void)state;
	ex6_first_access(e);
	spte = shadow_entry(e, 0x4008);

	/* The guest kernel rewrites gPTE[1] to gfn 6.  gfn 4 is a table the
	 * VMM shadows, so it is write-protected: one exception exit, the
	 * VMM emulates the store and updates the shadow entry (path A), and
	 * the VM entry resumes the guest. */
	c0 = th_qnum(e, "cycles");
	n = guest_pte_write(e, 0x4008, GPTE_NEW, ev);
	assert_int_equal(n, 3);
	assert_pte_trap(e, ev, 0x4008, spte, 0x40006067);
	assert_int_equal(th_qnum(e, "cycles") - c0, 1000 + 2000);
	assert_int_equal(th_qnum(e, "exits.exception"), 2);
	assert_int_equal(th_qnum(e, "exits"), 3);
	assert_string_equal(th_qword(e, "exit"), "exception");
	assert_int_equal(th_qnum(e, "exit.code"), 0);
	assert_string_equal(th_qword(e, "mode"), "non-root");
	assert_int_equal(guest64(e, 0x4008), GPTE_NEW);	/* emulated */
	assert_int_equal(host64(e, spte), 0x40006067);	/* resynced */
	assert_int_equal(e->m->vms[0]->vmcs.exit_reason, EXIT_EXCEPTION);

	/* The guest invalidates its TLB entry: INVLPG exits (14) under
	 * shadow paging, and the VMM drops the TLB entry and the shadow
	 * entry of 0x401234. */
	c0 = th_qnum(e, "cycles");
	n = invlpg_ev(e, 0x401234, ev);
	assert_int_equal(th_count(ev, n, EV_EXIT), 1);
	assert_string_equal(th_qword(e, "insn"), "exit");
	assert_string_equal(th_qword(e, "exit"), "invlpg");
	assert_int_equal(th_qnum(e, "exit.code"), 14);
	assert_int_equal(th_qnum(e, "exits.invlpg"), 1);
	assert_int_equal(th_qnum(e, "cycles") - c0, 1000 + 2000);
	assert_int_equal(host64(e, spte), 0);

	/* The next access misses in the TLB, refills the shadow entry from
	 * the guest's new gPTE[1] and reaches gfn 6, host 0x40006234. */
	n = th_access_ev(e, OP_READ, 0x401234, 0, ev);
	assert_string_equal(th_qword(e, "tlb"), "miss");
	assert_int_equal(th_qnum(e, "pa"), 0x40006234);
	assert_int_equal(th_qnum(e, "gpa"), 0x6234);
	assert_int_equal(th_qnum(e, "value"), 0x66);
	assert_int_equal(th_qnum(e, "pte.addr"), spte);
	assert_int_equal(th_qnum(e, "pte"), 0x40006067);
	assert_string_equal(th_qword(e, "fault"), "none");
	assert_int_equal(th_qnum(e, "exits.exception"), 3);
	engine_free(e);
}

/* With tlb.tags=off every VM exit and entry flushes the TLB, so the
 * trap's own exit drops the stale translation: the next access walks
 * the shadow table and uses the entry the VMM emulated, no exit. */
static void
test_ex6_path_a_untagged(void **state)
{
	static struct event ev[TH_MAX_EV];
	struct engine *e = ex6_machine(false);
	uint64_t spte, c0;
	size_t n, i;

	(void)state;
	ex6_first_access(e);
	spte = shadow_entry(e, 0x4008);

	n = guest_pte_write(e, 0x4008, GPTE_NEW, ev);
	assert_int_equal(n, 3);
	assert_pte_trap(e, ev, 0x4008, spte, 0x40006067);
	assert_true(ev[0].flags & EVF_FREE);	/* the exit flushed */

	c0 = th_qnum(e, "cycles");
	n = th_access_ev(e, OP_READ, 0x401234, 0, ev);
	assert_int_equal(th_count(ev, n, EV_EXIT), 0);
	assert_string_equal(th_qword(e, "exit"), "none");
	assert_string_equal(th_qword(e, "tlb"), "miss");
	assert_int_equal(th_qnum(e, "refs"), 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(ev[2 + i].kind, EV_WALK);
	assert_int_equal(ev[5].a, spte);
	assert_int_equal(ev[5].b, 0x40006067);
	assert_int_equal(th_qnum(e, "pa"), 0x40006234);
	assert_int_equal(th_qnum(e, "gpa"), 0x6234);
	assert_int_equal(th_qnum(e, "value"), 0x66);
	/* a probe, 4 shadow references and the data: as cheap as native */
	assert_int_equal(th_qnum(e, "cycles") - c0, 1 + 4 * 100 + 100);
	assert_int_equal(th_qnum(e, "exits.exception"), 2);
	engine_free(e);
}

/* ---- the guest OS's own page-table writes ---- */

/* A shadow guest of 64 KiB on a small 4-level machine, process p with
 * 0x401000 mapped rwx in guest frame 5 and written once: its guest entry
 * is 0x5067 and every table on its path is shadowed. */
static struct engine *
os_machine(void)
{
	static struct event ev[TH_MAX_EV];
	struct mconfig c;
	struct engine *e;
	size_t n;

	th_config(&c, 48, 40, 64);
	e = th_engine(&c);
	th_guest(e, MMU_SHADOW, 16 * 4096, false);
	th_process(e, "p", -1, -1);
	/* the root is shadowed from p's CR3 load on, the tables below it
	 * are new: only the write into the root traps */
	n = map_ev(e, 0x401000, 1, PERM_R | PERM_W | PERM_X, 5, ev);
	assert_int_equal(th_count(ev, n, EV_EXIT), 1);
	assert_int_equal(th_qnum(e, "exits.exception"), 1);
	th_access(e, OP_WRITE, 0x401234, 0x55);
	assert_int_equal(th_qnum(e, "exits.exception"), 2);	/* hidden */
	assert_int_equal(th_qnum(e, "gpa"), 0x5234);
	return e;
}

static void
test_os_writes_trap(void **state)
{
	static struct event ev[TH_MAX_EV];
	struct engine *e = os_machine();
	struct machine *g = e->m->vms[0];
	uint64_t leaf, gpte, spte, base, c0, ex0;
	size_t n;

	(void)state;
	/* The guest's leaf entry: p's own record says where it is. */
	leaf = rec_at(g, os_lookup(g, 0, 0x401))->pte_pa;
	gpte = phys_read(g, leaf, 8);
	assert_int_equal(gpte, 0x5067);		/* P W U A D, no NX */
	spte = shadow_entry(e, leaf);
	base = (g->backing[0] - 1) << 12;	/* host address of gfn 0 */
	assert_int_equal(host64(e, spte), base + 0x5067);

	/* unmap: one PTE write (to 0), one exit; the VMM zaps the shadow
	 * entry. */
	c0 = th_qnum(e, "cycles");
	ex0 = th_qnum(e, "exits.exception");
	n = unmap_ev(e, 0x401000, ev);
	assert_int_equal(th_count(ev, n, EV_EXIT), 1);
	assert_int_equal(th_qnum(e, "exits.exception"), ex0 + 1);
	assert_int_equal(th_qnum(e, "cycles") - c0, 3000);
	assert_int_equal(host64(e, spte), 0);

	/* map frame=6 into the same (shadowed) leaf table: one PTE write,
	 * one exit, and the VMM writes the new shadow entry at once (the
	 * OS sets neither A nor D in a new entry). */
	c0 = th_qnum(e, "cycles");
	n = map_ev(e, 0x401000, 1, PERM_R | PERM_W | PERM_X, 6, ev);
	assert_int_equal(th_count(ev, n, EV_EXIT), 1);
	assert_int_equal(n, 1 + 3);	/* the map step, then the trap */
	assert_pte_trap(e, &ev[1], leaf, spte, base + 0x6007);
	assert_int_equal(th_qnum(e, "exits.exception"), ex0 + 2);
	assert_int_equal(th_qnum(e, "cycles") - c0, 3000);
	assert_int_equal(phys_read(g, leaf, 8), 0x6007);

	/* So the next write needs no hidden fault: the walk finds the
	 * entry, and the write sets D in the shadow entry. */
	th_access(e, OP_WRITE, 0x401234, 0x66);
	assert_string_equal(th_qword(e, "exit"), "none");
	assert_int_equal(th_qnum(e, "pa"), base + 0x6234);
	assert_int_equal(th_qnum(e, "pte"), base + 0x6067);
	assert_int_equal(th_qnum(e, "exits.exception"), ex0 + 2);

	/* protect over 3 pages of one shadowed table: 3 PTE writes, 3
	 * exits.  (Two more pages first: the same leaf table, one trap
	 * each.) */
	n = map_ev(e, 0x402000, 2, PERM_R | PERM_W, -1, ev);
	assert_int_equal(th_count(ev, n, EV_EXIT), 2);
	ex0 = th_qnum(e, "exits.exception");
	c0 = th_qnum(e, "cycles");
	n = protect_ev(e, 0x401000, 3, PERM_R, ev);
	assert_int_equal(th_count(ev, n, EV_EXIT), 3);
	assert_int_equal(th_qnum(e, "exits.exception"), ex0 + 3);
	assert_int_equal(th_qnum(e, "cycles") - c0, 3 * 3000);
	/* the shadow entry follows: read-only now, so a write is the
	 * guest's protection fault */
	assert_int_equal(host64(e, spte) & X86_W, 0);
	th_access(e, OP_WRITE, 0x401234, 0x77);
	assert_string_equal(th_qword(e, "fault"), "protection");
	engine_free(e);
}

/* ---- the same store under nested paging ---- */

static void
test_nested_no_trap(void **state)
{
	static struct event ev[TH_MAX_EV];
	struct mconfig c;
	struct engine *e;
	struct machine *g;
	uint64_t leaf, c0;
	size_t n;

	(void)state;
	th_config(&c, 48, 40, 64);
	e = th_engine(&c);
	th_guest(e, MMU_NESTED, 16 * 4096, false);
	g = e->m->vms[0];
	assert_null(g->shadow_of);
	th_process(e, "p", -1, -1);
	n = map_ev(e, 0x401000, 1, PERM_R | PERM_W | PERM_X, 5, ev);
	assert_int_equal(th_count(ev, n, EV_EXIT), 0);
	th_access(e, OP_WRITE, 0x401234, 0x55);
	leaf = rec_at(g, os_lookup(g, 0, 0x401))->pte_pa;
	assert_int_equal(phys_read(g, leaf, 8), 0x5067);

	/* The guest's tables are its own business: the store is a plain
	 * memory write, no exit, no cycles of the VMM. */
	c0 = th_qnum(e, "cycles");
	n = guest_pte_write(e, leaf, 0x6067, ev);
	assert_int_equal(n, 0);
	assert_false(engine_busy(e));
	assert_int_equal(th_qnum(e, "exits"), 0);
	assert_int_equal(th_qnum(e, "cycles"), c0);
	assert_int_equal(phys_read(g, leaf, 8), 0x6067);
	engine_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ex6_path_a),
		cmocka_unit_test(test_ex6_path_a_untagged),
		cmocka_unit_test(test_os_writes_trap),
		cmocka_unit_test(test_nested_no_trap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
