/*
 * vmx.c - virtual machines: guests, their VMCS, the EPT, VM entries and
 * exits, and the instructions that matter for virtualization.
 *
 * A guest is a machine of its own (its OS, processes and page tables,
 * all in guest-physical memory) whose memory lives in host frames the
 * VMM takes from above the host's pool: backing[gfn] says which.  Under
 * nested paging the VMM also keeps the EPT, a radix table of the
 * machine's split in host memory mapping each backed gfn to its frame;
 * EPT entries use the x86 bits read (0), write (1), execute (2) - no
 * user bit - or, with pte.format=simple, a valid bit.  An entry with
 * write but not read is malformed: an EPT misconfiguration.
 *
 * VT-x: vmxon puts the CPU in VMX root mode; vmlaunch (first entry) and
 * vmresume (later ones) enter a guest in non-root mode.  An event the
 * VMCS says exits - or an EPT fault - is three steps or more: the VM exit
 * (the CPU saves the guest state and loads the host's), the VMM's work in
 * root mode, and the VM entry that resumes the guest.  Without VT-x
 * (cpu=classic, cpu=bt) the deprivileged guest traps to the VMM instead,
 * and the sensitive instructions that do not trap run silently wrong
 * (classic) or are rewritten into calls to the VMM (bt).
 */
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

const char *const insn_names[] = { "cpuid", "hlt", "invlpg", "out", "in",
	"vmcall", "mov-cr3", "popf", "sgdt", "rdtsc" };

const char *const vmcs_ctl_names[] = { "hlt", "io", "cr3-load", "invlpg",
	"page-fault", "ept", "vpid", "descriptor-table",
	"external-interrupt", "rdtsc", "cpuid", "vmcall" };

/* The SDM numbers of engine_exit_names, in the same order. */
const unsigned exit_reasons[N_EXIT_NAMES] = { 0, 1, 2, 10, 12, 14, 16, 18,
	28, 30, 46, 48, 49 };

#define GUEST_GDTR 0x0000000000fe0000ull	/* what a guest's GDTR holds */
#define HOST_GDTR  0xffffffffff5fd000ull	/* the VMM's own */

int
exit_index(unsigned reason)
{
	int i;

	for (i = 0; i < N_EXIT_NAMES; i++)
		if (exit_reasons[i] == reason)
			return i;
	return -1;
}

/* ---- EPT ---- */

bool
ept_present(const struct machine *g, uint64_t e)
{
	if (g->c.format == FMT_X86)
		return (e & 1) != 0;
	return (e & g->valid_bit) != 0;
}

bool
ept_misconfigured(const struct machine *g, uint64_t e)
{
	return g->c.format == FMT_X86 && (e & 3) == 2;
}

static uint64_t
ept_entry(const struct machine *g, uint64_t frame)
{
	if (g->c.format == FMT_X86)
		return (frame << g->c.page_bits) | 7;	/* R W X */
	return g->valid_bit | frame;
}

uint64_t
ept_next(const struct machine *g, uint64_t e)
{
	if (g->c.format == FMT_X86)
		return e & g->cpu->addr_mask;	/* a host address */
	return (e & (g->valid_bit - 1)) << g->c.page_bits;
}

/* One step of building the EPT path to gfn: allocate the first missing
 * table.  Returns its frame, or NONE64 when the path is complete; *leaf
 * gets the address of the leaf entry then. */
static uint64_t
ept_grow(struct machine *g, uint64_t gfn, uint64_t *leaf, unsigned *level)
{
	struct machine *h = g->cpu;
	uint64_t table = g->vmcs.eptp, epa, e, f;
	unsigned l;

	for (l = 1; l < g->levels; l++) {
		epa = pt_entry_pa(g, table, gfn, l);
		e = phys_read(h, epa, g->c.pte);
		if (!ept_present(g, e)) {
			f = os_alloc_reserved(h, g->tframes_per[l], g->vpid,
			    TF_EPT, l + 1);
			phys_write(h, epa, ept_entry(g, f), g->c.pte);
			*level = l + 1;
			return f;
		}
		table = ept_next(g, e);
	}
	*leaf = pt_entry_pa(g, table, gfn, (unsigned)g->levels);
	return NONE64;
}

static uint64_t
ept_map(struct machine *g, uint64_t gfn, uint64_t frame)
{
	uint64_t leaf = 0;
	unsigned l;

	while (ept_grow(g, gfn, &leaf, &l) != NONE64)
		;
	phys_write(g->cpu, leaf, ept_entry(g, frame), g->c.pte);
	return leaf;
}

/* EPT tables the VMM needs to map gfns 0 .. n-1. */
static uint64_t
ept_tables(const struct machine *h, uint64_t n)
{
	uint64_t need = h->tframes_per[0];
	unsigned l, sh;

	for (l = 2; l <= h->levels; l++) {
		sh = h->shift[l - 2] - h->c.page_bits;
		need += (((n - 1) >> sh) + 1) * h->tframes_per[l - 1];
	}
	return need;
}

/* The VMM backs gfn with a host frame (and maps it in the EPT). */
uint64_t
vmm_back(struct machine *g, uint64_t gfn)
{
	struct machine *h = g->cpu;
	uint64_t f;

	if (g->backing[gfn] != 0) {
		/* backed already (its EPT entry was lost): map it again */
		f = g->backing[gfn] - 1;
		if (g->mmu == MMU_NESTED && g->vmcs.eptp != 0)
			(void)ept_map(g, gfn, f);
		return f;
	}
	if (os_tframes_left(h) < 1 + h->levels)
		return NONE64;
	f = os_alloc_reserved(h, 1, g->vpid, TF_GUEST, 0);
	J(h, tframe_at(h, f), sizeof(struct tframe));
	tframe_at(h, f)->gfn = gfn;
	J(g, &g->backing[gfn], sizeof g->backing[gfn]);
	g->backing[gfn] = f + 1;
	if (g->mmu == MMU_NESTED && g->vmcs.eptp != 0)
		(void)ept_map(g, gfn, f);
	return f;
}

/* ---- which machine an op works on ---- */

static bool
in_guest(const struct machine *m)
{
	return (m->r.mode == MODE_NONROOT || m->r.mode == MODE_GUEST) &&
	    m->r.guest != 0;
}

unsigned
vmx_ctx_for(const struct machine *m, const struct op *o)
{
	switch (o->kind) {
	case OP_VM:
	case OP_VMXON:
	case OP_VMXOFF:
	case OP_VMLAUNCH:
	case OP_VMRESUME:
	case OP_INTERRUPT:
	case OP_VMCS:
		return 0;
	default:
		return in_guest(m) ? m->r.guest : 0;
	}
}

void
op_begin(struct engine *e, const struct op *o)
{
	struct machine *m = e->m;

	m->r.ctx = (uint8_t)vmx_ctx_for(m, o);
	m->r.cmd_exit = 0;
	m->r.hcall = 0;
	m->r.vmm = VMM_NONE;
}

/* ---- exits ---- */

void
vmx_raise(struct machine *m, unsigned reason, uint64_t qual, uint64_t gla,
    uint64_t gpa, enum vmm_action act, unsigned after)
{
	m->r.ex_reason = reason;
	m->r.ex_err = 0;
	m->r.ex_qual = qual;
	m->r.ex_gla = gla;
	m->r.ex_gpa = gpa;
	m->r.vmm = (uint8_t)act;
	m->r.after = (uint8_t)after;
	m->r.phase = PH_EXIT;
}

static bool
untagged(const struct machine *g)
{
	return !g->cpu->c.tlb_tags || !g->vmcs.ctl[CTL_VPID];
}

/* Without VT-x, a trap into the VMM and the return to the guest load
 * CR3 (the VMM's own tables, the guest's shadow root): with tlb.tags=off
 * that flushes the TLB, as a VM exit and entry do (*n: how many). */
static void
trap_flush(struct machine *g, struct event *ev, uint64_t *n)
{
	if (!g->cpu->c.tlb_tags) {
		*n = tlb_flush_all(g);
		ev->flags |= EVF_FREE;
	}
}

/* The VM entry micro-step back into guest g: non-root mode (an untagged
 * TLB is flushed), or, for a trap-and-emulate guest, the return from
 * the trap. */
static void
vm_entry(struct machine *m, struct machine *g, struct event *ev)
{
	ev->kind = EV_ENTRY;
	ev->a = (uint64_t)(m->r.guest - 1);
	ev->b = g->vmcs.guest_cr3;
	if (g->cpumode == CPU_VTX) {
		m->r.mode = MODE_NONROOT;
		if (untagged(g)) {
			ev->c = tlb_flush_all(g);
			ev->flags = EVF_FREE;
		}
	} else {
		ev->flags = EVF_MATCH;	/* return from a trap */
		m->r.mode = MODE_GUEST;
		trap_flush(g, ev, &ev->c);
	}
}

/* Repair the first malformed EPT entry on gfn's path. */
static uint64_t
ept_repair(struct machine *g, uint64_t gfn)
{
	struct machine *h = g->cpu;
	uint64_t table = g->vmcs.eptp, epa = 0, e;
	unsigned l;

	for (l = 1; l <= g->levels; l++) {
		epa = pt_entry_pa(g, table, gfn, l);
		e = phys_read(h, epa, g->c.pte);
		if (ept_misconfigured(g, e)) {
			phys_write(h, epa, e | 7, g->c.pte);
			return epa;
		}
		table = ept_next(g, e);
	}
	return epa;
}

static void
vmm_work(struct engine *e, const struct op *o, struct event *ev)
{
	struct machine *m = e->m, *g = m->vms[m->r.guest - 1];
	uint64_t gfn = m->r.ex_gpa >> g->c.page_bits;
	int k;

	ev->kind = EV_VMM;
	ev->a = m->r.vmm;
	switch (m->r.vmm) {
	case VMM_BACK:
		ev->b = gfn;
		ev->c = vmm_back(g, gfn);
		ev->cycles = m->c.cost[COST_EMULATE];
		break;
	case VMM_REPAIR:
		ev->b = gfn;
		ev->c = ept_repair(g, gfn);
		ev->cycles = m->c.cost[COST_EMULATE];
		break;
	case VMM_CR3:
		step_cr3_load(e, o, ev);	/* emulated for the guest */
		ev->kind = EV_VMM;
		ev->a = VMM_CR3;
		ev->c = ev->b;			/* the guest's CR3 */
		ev->d = NONE64;
		if (shadow_guest(g))
			ev->d = shadow_root(g, g->r.cur - 1) <<
			    m->c.page_bits;
		ev->cycles = m->c.cost[COST_EMULATE];
		break;
	case VMM_INVLPG:
		ev->b = o->va;
		ev->c = tlb_flush_page(g, os_cur(g) ? os_cur(g)->asid : 0,
		    vpn_of_va_m(g, o->va));
		ev->d = shadow_guest(g) ? shadow_invlpg(g, o->va) : NONE64;
		ev->cycles = m->c.cost[COST_EMULATE];
		break;
	case VMM_SHADOW:
		ev->cycles = m->c.cost[COST_EMULATE];
		ev->b = o->va;
		k = shadow_fault(m, g, o, &ev->c, &ev->d);
		if (k == 2) {
			/* the VMM performed the guest's store itself */
			ev->flags = EVF_MATCH | EVF_LEAF;
			m->r.last.gpa = ev->c;
			m->r.last.pa = phys_host(g, ev->c);
			m->r.last.value = o->value;
			m->r.last.size = (uint8_t)o->size;
			m->r.last.has_pa = 1;
			m->r.after = PH_IDLE;
		} else if (k == 1) {
			ev->flags = EVF_MATCH;		/* hidden */
			(void)tlb_flush_page(g, os_cur(g)->asid,
			    vpn_of_va_m(g, o->va));
			m->r.after = PH_RESTART;
		} else {
			ev->flags = EVF_DENIED;		/* injected */
			m->r.after = m->r.deny_present ? PH_DENIED :
			    PH_NOTPRESENT;
		}
		break;
	case VMM_HYPERCALL:
		ev->b = o->insn;
		m->r.hcall = 1;
		break;
	case VMM_IRQ:
		break;
	case VMM_REFLECT:
		ev->b = m->r.ex_qual;
		ev->cycles = m->c.cost[COST_EMULATE];
		break;
	default:
		ev->b = o->kind == OP_INSN ? o->insn : INSN_N;
		ev->c = o->value;
		ev->cycles = m->c.cost[COST_EMULATE];
		break;
	}
}

void
vmx_step_exit(struct engine *e, const struct op *o, struct event *ev)
{
	struct machine *m = e->m, *g = m->vms[m->r.guest - 1];
	int k;

	switch (m->r.phase) {
	case PH_EXIT:
		ev->kind = EV_EXIT;
		ev->a = m->r.ex_reason;
		ev->b = m->r.ex_qual;
		ev->c = m->r.ex_gla;
		ev->d = m->r.ex_gpa;
		ev->e = m->r.ex_err;
		ev->cycles = m->c.cost[m->r.ex_reason == EXIT_VMCALL ?
		    COST_HYPERCALL : COST_EXIT];
		if (g->cpumode != CPU_VTX) {
			ev->flags = EVF_MATCH;	/* a trap, not a VM exit */
			trap_flush(g, ev, &ev->f);
			m->r.phase = PH_VMM;
			break;
		}
		m->r.exits++;
		if ((k = exit_index(m->r.ex_reason)) >= 0) {
			m->r.exits_by[k]++;
			m->r.cmd_exit = (uint8_t)(k + 1);
		}
		J(g, &g->vmcs, sizeof g->vmcs);
		g->vmcs.exit_valid = 1;
		g->vmcs.exit_reason = m->r.ex_reason;
		g->vmcs.exit_qual = m->r.ex_qual;
		g->vmcs.exit_err = m->r.ex_err;
		g->vmcs.exit_gla = m->r.ex_gla;
		g->vmcs.exit_gpa = m->r.ex_gpa;
		g->vmcs.gla_valid = m->r.ex_gla != NONE64;
		g->vmcs.gpa_valid = m->r.ex_reason == EXIT_EPT_VIOL ||
		    m->r.ex_reason == EXIT_EPT_MISC;
		m->r.mode = MODE_ROOT;
		if (untagged(g)) {
			ev->f = tlb_flush_all(g);
			ev->flags = EVF_FREE;
		}
		m->r.phase = PH_VMM;
		break;
	case PH_VMM:
		vmm_work(e, o, ev);
		if (m->r.vmm == VMM_IRQ) {
			if (g->cpumode != CPU_VTX)
				m->r.mode = MODE_NONE;
			m->r.vmm = VMM_NONE;
			step_finish(m);
			break;
		}
		m->r.phase = PH_ENTRY;
		break;
	default:	/* PH_ENTRY */
		vm_entry(m, g, ev);
		J(g, &g->vmcs, sizeof g->vmcs);
		g->vmcs.host_cr3 = m->r.cur ? m->procs[m->r.cur - 1].root <<
		    m->c.page_bits : 0;
		if (m->r.vmm == VMM_SHADOW && (m->r.after == PH_DENIED ||
		    m->r.after == PH_NOTPRESENT))
			ev->flags |= EVF_DENIED;	/* #PF injected */
		if (m->r.vmm == VMM_OUTSIDE) {
			m->r.vmm = VMM_NONE;
			if (m->r.last.fault == FAULT_NONE)
				m->r.last.fault = FAULT_SEGV;
			step_finish(m);
			break;
		}
		m->r.vmm = VMM_NONE;
		if (m->r.after == PH_IDLE)
			step_finish(m);
		else
			m->r.phase = m->r.after;
		break;
	}
}

/* A guest's CR3 load with CR3-load exiting on: exit 28, the VMM loads
 * it for the guest. */
void
vmx_cr3_exit(struct engine *e, const struct op *o, struct event *ev)
{
	struct machine *m = e->m;

	ev->kind = EV_INSN;
	ev->a = INSN_MOVCR3;
	ev->b = X(e)->cpumode == CPU_VTX ? IR_EXIT : IR_TRAP;
	m->r.insn_res = (uint8_t)ev->b;
	(void)o;
	vmx_raise(m, EXIT_CR, 3 /* mov to CR3 */, NONE64, 0, VMM_CR3,
	    PH_IDLE);
}

/* ---- guests ---- */

static void
vmcs_defaults(struct machine *g)
{
	struct vmcs *v = &g->vmcs;

	memset(v, 0, sizeof *v);
	v->ctl[CTL_CPUID] = v->ctl[CTL_VMCALL] = 1;
	v->ctl[CTL_HLT] = v->ctl[CTL_IO] = v->ctl[CTL_EXTINT] = 1;
	v->ctl[CTL_CR3] = v->ctl[CTL_INVLPG] = v->ctl[CTL_PF] =
	    g->mmu == MMU_SHADOW;
	v->ctl[CTL_EPT] = g->mmu == MMU_NESTED;
	v->ctl[CTL_VPID] = 1;
	v->want_if = v->real_if = 1;
	v->guest_gdtr = GUEST_GDTR;
	/* the VMM's GDTR lies near the top of the host's address space,
	 * whatever its width */
	v->host_gdtr = HOST_GDTR & g->cpu->va_mask;
}

/* The guest's machine: the host's settings over memory bytes of
 * guest-physical memory. */
static struct machine *
guest_new(struct machine *h, const struct op *o, uint32_t vpid)
{
	struct mconfig c = h->c;
	struct machine *g;
	struct verr err;
	unsigned bits = 0;

	while (((uint64_t)1 << bits) < o->memory)
		bits++;
	c.pa = bits;
	c.set |= MCFG_SET_SPLIT | MCFG_SET_PTE | MCFG_SET_FORMAT;
	c.set &= ~MCFG_SET_FRAMES;
	if (mcfg_finish(&c, &err) != 0)
		return NULL;
	if ((g = machine_new(&c, &err)) == NULL)
		return NULL;
	g->gframes = o->memory >> c.page_bits;
	g->backing = (uint64_t *)calloc((size_t)g->gframes,
	    sizeof *g->backing);
	if (g->backing == NULL) {
		machine_free(g);
		return NULL;
	}
	if (o->mmu == MMU_SHADOW) {
		g->shadow_of = (uint64_t *)calloc((size_t)g->gframes,
		    sizeof *g->shadow_of);
		if (g->shadow_of == NULL) {
			machine_free(g);
			return NULL;
		}
	}
	g->cpu = h;
	g->vpid = vpid;
	g->mmu = (uint8_t)o->mmu;
	g->cpumode = (uint8_t)o->cpu;
	g->lazy = o->lazy;
	g->quiet = h->quiet;
	g->jr = h->jr;
	memcpy(g->vmname, o->name, sizeof g->vmname);
	vmcs_defaults(g);
	return g;
}

/* The default guest memory: a quarter of the host pool, a power of two
 * of at least 4 pages. */
static uint64_t
vmx_default_memory(const struct machine *h)
{
	uint64_t p = 4;

	while (p * 2 <= h->c.frames / 4)
		p *= 2;
	return p << h->c.page_bits;
}

static uint32_t
lowest_vpid(const struct machine *h)
{
	uint32_t v, i;

	for (v = 1;; v++) {
		for (i = 0; i < h->r.nvms; i++)
			if (h->vms[i]->vpid == v)
				break;
		if (i == h->r.nvms)
			return v;
	}
}

static void
step_vm(struct engine *e, const struct op *o, struct event *ev)
{
	struct machine *m = e->m, *g;
	uint64_t n, leaf = 0, f, first;
	unsigned i, l = 0;
	struct op so;

	if (m->r.phase == PH_START) {
		i = m->r.nvms;
		so = *o;
		if (so.memory == 0)
			so.memory = vmx_default_memory(m);
		machine_free(m->vms[i]);	/* from an undone run */
		m->vms[i] = guest_new(m, &so, o->asid >= 0 ?
		    (uint32_t)o->asid : lowest_vpid(m));
		if (m->vms[i] == NULL) {
			m->oom = true;
			step_finish(m);
			return;
		}
		g = m->vms[i];
		m->r.nvms++;
		/* frames promised for later: lazy backing, shadow tables */
		m->r.reserved += (g->lazy ? g->gframes : 0) +
		    (g->mmu == MMU_SHADOW ? g->gframes - g->c.frames : 0) +
		    (g->mmu == MMU_NESTED && g->lazy ? ept_tables(m,
		    g->gframes) - g->tframes_per[0] : 0);
		ev->kind = EV_VM;
		ev->a = i;
		ev->c = g->gframes;
		ev->d = g->vpid;
		if (!g->lazy) {
			f = os_alloc_tframes(m, g->gframes, g->vpid, TF_GUEST,
			    0);
			for (n = 0; n < g->gframes; n++) {
				g->backing[n] = f + n + 1;
				J(m, tframe_at(m, f + n), sizeof(struct tframe));
				tframe_at(m, f + n)->gfn = n;
			}
			ev->b = f;
		} else
			ev->flags = EVF_DISK;
		if (g->mmu == MMU_NESTED)
			g->vmcs.eptp = os_alloc_tframes(m, g->tframes_per[0],
			    g->vpid, TF_EPT, 1) << m->c.page_bits;
		if (g->mmu == MMU_NESTED && !g->lazy) {
			m->r.phase = PH_OPSTEP;
			m->r.iter = 0;
		} else
			step_finish(m);
		return;
	}
	/* the EPT for an eager guest: one table per step, then each leaf
	 * table's entries at once */
	g = m->vms[m->r.nvms - 1];
	ev->kind = EV_EPT_BUILD;
	f = ept_grow(g, m->r.iter, &leaf, &l);
	if (f != NONE64) {
		ev->a = f;
		ev->b = l;
		return;
	}
	first = m->r.iter;
	n = (uint64_t)1 << g->c.split[g->levels - 1];
	n -= first & (n - 1);	/* up to the end of this leaf table */
	if (n > g->gframes - first)
		n = g->gframes - first;
	for (f = 0; f < n; f++)
		phys_write(m, leaf + f * g->c.pte, ept_entry(g,
		    g->backing[first + f] - 1), g->c.pte);
	ev->a = leaf;
	ev->b = g->levels;
	ev->c = first;
	ev->d = n;
	ev->flags = EVF_LEAF;
	m->r.iter += n;
	if (m->r.iter >= g->gframes)
		step_finish(m);
}

static uint32_t
find_vm(const struct machine *m, const char *name)
{
	uint32_t i;

	for (i = 0; i < m->r.nvms; i++)
		if (strcmp(m->vms[i]->vmname, name) == 0)
			return i;
	return NONE32;
}

static void
step_enter(struct engine *e, const struct op *o, struct event *ev)
{
	struct machine *m = e->m, *g;
	uint32_t i = find_vm(m, o->name);

	g = m->vms[i];
	if (m->r.phase == PH_START) {
		ev->kind = EV_LAUNCH;
		ev->a = i;
		ev->b = g->cpumode;
		ev->flags = o->kind == OP_VMRESUME ? EVF_MATCH : 0;
		if (o->kind == OP_VMLAUNCH) {
			J(g, &g->vmcs, sizeof g->vmcs);
			g->vmcs.launched = 1;
		}
		m->r.guest = (uint8_t)(i + 1);
		m->r.phase = PH_ENTRY;
		m->r.after = PH_IDLE;
		return;
	}
}

static void
step_insn(struct engine *e, const struct op *o, struct event *ev)
{
	struct machine *m = e->m, *x = X(e);
	unsigned r = IR_NATIVE, reason = 0;
	enum vmm_action act = VMM_EMULATE;
	uint64_t qual = 0;
	bool exits;

	ev->kind = EV_INSN;
	ev->a = o->insn;
	ev->c = o->insn == INSN_INVLPG ? o->va : o->value;
	if (x == m) {
		/* the host: everything runs natively */
		if (o->insn == INSN_MOVCR3 || o->insn == INSN_INVLPG)
			goto native;
		goto done;
	}
	if (x->cpumode == CPU_BT) {
		r = IR_TRANSLATED;
		ev->cycles = m->c.cost[COST_EMULATE];
		if (o->insn == INSN_POPF) {
			J(x, &x->vmcs, sizeof x->vmcs);
			x->vmcs.want_if = x->vmcs.real_if = 0;
		}
		if (o->insn == INSN_MOVCR3 || o->insn == INSN_INVLPG)
			goto native;
		goto done;
	}
	if (x->cpumode == CPU_CLASSIC) {
		switch (o->insn) {
		case INSN_CPUID:
		case INSN_RDTSC:
			goto done;
		case INSN_POPF:
			r = IR_SILENT;	/* IF stays as it was: ring 1 */
			J(x, &x->vmcs, sizeof x->vmcs);
			x->vmcs.want_if = 0;
			ev->d = x->vmcs.real_if;
			goto done;
		case INSN_SGDT:
			r = IR_SILENT;	/* the VMM's GDTR leaks */
			ev->d = x->vmcs.host_gdtr;
			goto done;
		default:
			r = IR_TRAP;
			break;
		}
		m->r.insn_res = (uint8_t)r;
		ev->b = r;
		vmx_raise(m, 13, 0, NONE64, 0, o->insn == INSN_MOVCR3 ?
		    VMM_CR3 : o->insn == INSN_INVLPG ? VMM_INVLPG : VMM_EMULATE,
		    PH_IDLE);
		return;
	}
	/* VT-x: does the VMCS make it exit? */
	switch (o->insn) {
	case INSN_CPUID:
		exits = true;
		reason = EXIT_CPUID;
		break;
	case INSN_VMCALL:
		exits = true;
		reason = EXIT_VMCALL;
		act = VMM_HYPERCALL;
		break;
	case INSN_HLT:
		exits = x->vmcs.ctl[CTL_HLT];
		reason = EXIT_HLT;
		break;
	case INSN_OUT:
	case INSN_IN:
		exits = x->vmcs.ctl[CTL_IO];
		reason = EXIT_IO;
		qual = (o->value << 16) | (o->insn == INSN_IN ? 8u : 0u);
		break;
	case INSN_INVLPG:
		exits = x->vmcs.ctl[CTL_INVLPG];
		reason = EXIT_INVLPG;
		qual = o->va;
		act = VMM_INVLPG;
		break;
	case INSN_MOVCR3:
		exits = x->vmcs.ctl[CTL_CR3];
		reason = EXIT_CR;
		qual = 3;
		act = VMM_CR3;
		break;
	case INSN_SGDT:
		exits = x->vmcs.ctl[CTL_DESC];
		reason = EXIT_DESC;
		break;
	case INSN_RDTSC:
		exits = x->vmcs.ctl[CTL_RDTSC];
		reason = EXIT_RDTSC;
		break;
	default:	/* popf: no control; in non-root it is correct */
		exits = false;
		J(x, &x->vmcs, sizeof x->vmcs);
		x->vmcs.want_if = x->vmcs.real_if = 0;
		break;
	}
	if (exits) {
		m->r.insn_res = IR_EXIT;
		ev->b = IR_EXIT;
		vmx_raise(m, reason, qual, o->insn == INSN_INVLPG ? o->va :
		    NONE64, 0, act, PH_IDLE);
		return;
	}
	if (o->insn == INSN_MOVCR3 || o->insn == INSN_INVLPG)
		goto native;
	goto done;
native:
	m->r.insn_res = (uint8_t)r;
	ev->b = r;
	if (o->insn == INSN_MOVCR3) {
		step_cr3_load(e, o, ev);	/* an EV_CR3 event */
		ev->e = 1 + r;			/* said by mov-cr3 */
	} else
		ev->d = tlb_flush_page(x, os_cur(x) ? os_cur(x)->asid : 0,
		    vpn_of_va_m(x, o->va));
	step_finish(m);
	return;
done:
	m->r.insn_res = (uint8_t)r;
	ev->b = r;
	step_finish(m);
}

void
vmx_step_op(struct engine *e, const struct op *o, struct event *ev)
{
	struct machine *m = e->m, *g;

	switch (o->kind) {
	case OP_VM:
		step_vm(e, o, ev);
		break;
	case OP_VMXON:
	case OP_VMXOFF:
		ev->kind = EV_VMXON;
		ev->flags = o->kind == OP_VMXOFF ? EVF_MATCH : 0;
		m->r.mode = o->kind == OP_VMXON ? MODE_ROOT : MODE_NONE;
		step_finish(m);
		break;
	case OP_VMLAUNCH:
	case OP_VMRESUME:
		step_enter(e, o, ev);
		break;
	case OP_INTERRUPT:
		g = m->vms[m->r.guest - 1];
		ev->kind = EV_INSN;
		ev->a = INSN_N;		/* an interrupt, not an insn */
		if (g->cpumode == CPU_VTX && !g->vmcs.ctl[CTL_EXTINT]) {
			ev->b = IR_NATIVE;	/* the guest takes it */
			step_finish(m);
			break;
		}
		ev->b = g->cpumode == CPU_VTX ? IR_EXIT : IR_TRAP;
		m->r.ctx = m->r.guest;
		vmx_raise(m, EXIT_EXTINT, 0, NONE64, 0, VMM_IRQ, PH_IDLE);
		break;
	case OP_INSN:
		step_insn(e, o, ev);
		break;
	case OP_VMCS:
		g = m->vms[m->r.guest - 1];
		J(g, &g->vmcs, sizeof g->vmcs);
		g->vmcs.ctl[o->ctl] = (uint8_t)o->value;
		ev->kind = EV_VMCS;
		ev->a = o->ctl;
		ev->b = o->value;
		step_finish(m);
		break;
	default:
		step_finish(m);
		break;
	}
}

/* ---- what submit refuses ---- */

/* Guest frames: of one guest, and of all guests together. */
#define VMX_GFRAMES_MAX ((uint64_t)1 << 22)

int
vmx_check(struct engine *e, const struct op *o, struct verr *err)
{
	struct machine *m = e->m;
	uint32_t i;
	uint64_t mem, gframes, all;
	struct machine *g;
	struct check_hist hist;

	switch (o->kind) {
	case OP_VM:
		if (find_vm(m, o->name) != NONE32)
			return verr_set(err, "name", "vm: a guest named '%s' "
			    "exists already", o->name);
		if (m->r.nvms >= MAX_VMS)
			return verr_set(err, NULL, "vm: at most %d guests",
			    MAX_VMS);
		if (in_guest(m))
			return verr_set(err, NULL, "vm: a guest is running; "
			    "the VMM creates guests from the host (interrupt "
			    "the guest first)");
		if (m->c.pt == PT_INVERTED)
			return verr_set(err, NULL, "vm: guests need radix page "
			    "tables (pt=radix)");
		if (m->c.policy == POL_OPT)
			return verr_set(err, NULL, "vm: a guest's OS replaces "
			    "pages with the machine's policy, and policy=opt "
			    "knows only the host's accesses in the file: give "
			    "the machine fifo, lru, clock or random");
		if (o->cpu != CPU_VTX && o->mmu == MMU_NESTED)
			return verr_set(err, "mmu", "vm: nested paging needs "
			    "VT-x (EPT): with cpu=classic or bt use mmu=shadow "
			    "or mmu=pv");
		mem = o->memory ? o->memory : vmx_default_memory(m);
		if ((mem & (mem - 1)) != 0 || mem < 4 * m->c.page)
			return verr_set(err, "memory", "vm: memory=%llu: a "
			    "guest's memory is a power of two of at least 4 "
			    "pages", (unsigned long long)mem);
		gframes = mem >> m->c.page_bits;
		if (gframes > VMX_GFRAMES_MAX)
			return verr_set(err, "memory", "vm: memory=%llu is "
			    "%llu guest frames; a guest has at most %llu (as "
			    "the host's pool)", (unsigned long long)mem,
			    (unsigned long long)gframes,
			    (unsigned long long)VMX_GFRAMES_MAX);
		/* Bounded memory: each guest frame costs the host its
		 * backing, whatever the guests' number. */
		for (i = 0, all = gframes; i < m->r.nvms; i++)
			all += m->vms[i]->gframes;
		if (all > VMX_GFRAMES_MAX)
			return verr_set(err, "memory", "vm: memory=%llu would "
			    "give the guests %llu frames in all; together they "
			    "have at most %llu (give less memory)",
			    (unsigned long long)mem, (unsigned long long)all,
			    (unsigned long long)VMX_GFRAMES_MAX);
		if (gframes + (o->mmu ==
		    MMU_NESTED ? ept_tables(m, gframes) : 0) + (o->mmu ==
		    MMU_SHADOW ? gframes - gframes / 2 : 0) >
		    os_tframes_left(m))
			return verr_set(err, "memory", "vm: the host cannot "
			    "back %llu guest frames%s: %llu frames are left "
			    "above its pool (give a larger pa, or less "
			    "memory)", (unsigned long long)gframes,
			    o->mmu == MMU_NESTED ? " and their EPT tables" :
			    o->mmu == MMU_SHADOW ? " and their shadow tables" :
			    "",
			    (unsigned long long)os_tframes_left(m));
		if (o->asid >= 0) {
			if (o->asid == 0 || o->asid > 65535)
				return verr_set(err, "vpid", "vm: vpid=%lld: "
				    "VPIDs run from 1 to 65535 (0 is the "
				    "host)", (long long)o->asid);
			for (i = 0; i < m->r.nvms; i++)
				if (m->vms[i]->vpid == (uint32_t)o->asid)
					return verr_set(err, "vpid", "vm: vpid "
					    "%lld is taken by guest '%s' (leave "
					    "vpid= out to get a free one)",
					    (long long)o->asid,
					    m->vms[i]->vmname);
		}
		/* its backing and shadow maps, its pool, the host's
		 * bookkeeping of the frames backing it and of its EPT */
		check_history(e, &hist);
		if (check_memory(m, "vm", "the guest's memory", &hist, gframes * (2 * sizeof(uint64_t) +
		    sizeof(struct frame) + sizeof(struct tframe)) +
		    ept_tables(m, gframes) * sizeof(struct tframe), err) != 0)
			return -1;
		if (pool_reserve(m, 0, 0, gframes + ept_tables(m,
		    gframes)) != 0)
			return verr_set(err, NULL, "out of memory");
		return 0;
	case OP_VMXON:
		if (m->r.mode != MODE_NONE)
			return verr_set(err, NULL, "vmxon: the CPU is in VMX "
			    "operation already");
		return 0;
	case OP_VMXOFF:
		if (m->r.mode != MODE_ROOT)
			return verr_set(err, NULL, m->r.mode == MODE_NONE ?
			    "vmxoff: the CPU is not in VMX operation" :
			    "vmxoff: a guest is running (interrupt it "
			    "first)");
		return 0;
	case OP_VMLAUNCH:
	case OP_VMRESUME:
		i = find_vm(m, o->name);
		if (i == NONE32)
			return verr_set(err, "name", "%s: there is no guest "
			    "named '%s'", o->kind == OP_VMLAUNCH ? "vmlaunch" :
			    "vmresume", o->name);
		g = m->vms[i];
		if (in_guest(m))
			return verr_set(err, NULL, "%s: a guest is running "
			    "already (interrupt it first)", o->kind ==
			    OP_VMLAUNCH ? "vmlaunch" : "vmresume");
		if (g->cpumode == CPU_VTX && m->r.mode != MODE_ROOT)
			return verr_set(err, NULL, "%s: the CPU is not in VMX "
			    "root mode: give vmxon first", o->kind ==
			    OP_VMLAUNCH ? "vmlaunch" : "vmresume");
		if (o->kind == OP_VMLAUNCH && g->vmcs.launched)
			return verr_set(err, NULL, "vmlaunch: %s's VMCS is "
			    "launched already: use vmresume", o->name);
		if (o->kind == OP_VMRESUME && !g->vmcs.launched)
			return verr_set(err, NULL, "vmresume: %s was never "
			    "launched: use vmlaunch first", o->name);
		return 0;
	case OP_INTERRUPT:
		if (!in_guest(m))
			return verr_set(err, NULL, "interrupt: no guest is "
			    "running (vmlaunch or vmresume one first)");
		return 0;
	case OP_VMCS:
		if (m->r.guest == 0)
			return verr_set(err, NULL, "vmcs: there is no guest "
			    "(launch one first)");
		g = m->vms[m->r.guest - 1];
		if (o->ctl == CTL_CPUID || o->ctl == CTL_VMCALL)
			return verr_set(err, "key", "vmcs: %s exits "
			    "unconditionally on VT-x: no control turns it off",
			    vmcs_ctl_names[o->ctl]);
		if (o->ctl == CTL_EPT)
			return verr_set(err, "key", "vmcs: ept follows the "
			    "guest's mmu= (nested uses EPT): choose mmu= in the "
			    "vm command");
		if (g->mmu == MMU_SHADOW && o->value == 0 &&
		    (o->ctl == CTL_CR3 || o->ctl == CTL_INVLPG ||
		    o->ctl == CTL_PF))
			return verr_set(err, "key", "vmcs: shadow paging needs "
			    "%s exiting: without it the VMM cannot keep the "
			    "shadow table right", vmcs_ctl_names[o->ctl]);
		return 0;
	case OP_INSN:
		if (o->insn == INSN_MOVCR3) {
			i = vmx_ctx_for(m, o);
			g = i ? m->vms[i - 1] : m;
			if (os_find_proc(g, o->name) == NONE32)
				return verr_set(err, "name", "insn: there is "
				    "no process named '%s'", o->name);
		}
		return 0;
	default:
		return 0;
	}
}

/* The exit of a trap or a hypercall into root mode: counted, recorded in
 * the VMCS (no qualification, no linear or guest-physical address), an
 * untagged TLB flushed as on every exit. */
static void
trap_exit(struct machine *m, struct machine *g, struct event *ev,
    unsigned reason, unsigned err)
{
	int k = exit_index(reason);

	m->r.exits++;
	m->r.exits_by[k]++;
	m->r.cmd_exit = (uint8_t)(k + 1);
	J(g, &g->vmcs, sizeof g->vmcs);
	g->vmcs.exit_valid = 1;
	g->vmcs.exit_reason = reason;
	g->vmcs.exit_qual = 0;
	if (reason == EXIT_EXCEPTION)
		g->vmcs.exit_err = err;
	g->vmcs.gla_valid = g->vmcs.gpa_valid = 0;
	m->r.mode = MODE_ROOT;
	if (untagged(g)) {
		ev->f = tlb_flush_all(g);
		ev->flags = EVF_FREE;
	}
}

/* A pv guest's page-table updates: one VMCALL (Xen's mmu_update) for
 * the batch - the exit, the VMM validating and applying it, the entry. */
static void
step_hypercall(struct engine *e, struct machine *g, struct event *ev)
{
	struct machine *m = e->m;

	switch (m->r.tphase) {
	case 0:
		ev->kind = EV_EXIT;
		ev->a = EXIT_VMCALL;
		ev->c = NONE64;
		ev->level = 2;			/* a hypercall batch */
		ev->e = m->r.batch;
		ev->cycles = m->c.cost[COST_HYPERCALL];
		trap_exit(m, g, ev, EXIT_VMCALL, 0);
		m->r.tphase = 1;
		break;
	case 1:
		ev->kind = EV_VMM;
		ev->a = VMM_HYPERCALL;
		ev->b = INSN_N;
		ev->c = m->r.batch;
		ev->d = m->r.batch_bad;
		m->r.hcall = m->r.batch_bad ? 2 : 1;
		m->r.batch = 0;
		m->r.batch_bad = 0;
		m->r.tphase = 2;
		break;
	default:
		vm_entry(m, g, ev);
		m->r.tphase = 0;
		break;
	}
}

/* A guest OS write to a shadowed page-table page trapped: the exit, the
 * VMM's emulation and shadow update, the entry (three steps each). */
void
vmx_step_trap(struct engine *e, struct event *ev)
{
	struct machine *m = e->m, *g = m->vms[m->r.guest - 1];
	uint64_t gpa = m->r.qlen ? m->r.trapq[0] : NONE64;
	uint32_t i;

	ev->op = m->r.op > 0 && !m->r.busy ? m->r.op - 1 : m->r.op;
	if (m->r.tphase == 0)
		m->r.tkind = m->r.ntraps ? 0 : 1;
	if (m->r.tkind == 1) {
		step_hypercall(e, g, ev);
		return;
	}
	switch (m->r.tphase) {
	case 0:
		ev->kind = EV_EXIT;
		ev->a = EXIT_EXCEPTION;
		ev->e = 3;			/* #PF: present, write */
		ev->c = NONE64;
		ev->d = gpa;
		ev->level = 1;			/* a write-protect trap */
		ev->cycles = m->c.cost[COST_EXIT];
		if (g->cpumode != CPU_VTX) {
			ev->flags = EVF_MATCH;
			trap_flush(g, ev, &ev->f);
		} else
			trap_exit(m, g, ev, EXIT_EXCEPTION, 3);
		m->r.tphase = 1;
		break;
	case 1:
		ev->kind = EV_VMM;
		ev->a = VMM_PTWRITE;
		ev->cycles = m->c.cost[COST_EMULATE];
		if (m->r.qlen == 0) {
			/* more writes than the queue held: bring every
			 * mirrored entry up to date */
			shadow_resync_all(g);
			(void)tlb_flush_all(g);
			ev->b = NONE64;
		} else {
			ev->b = gpa;
			shadow_resync(g, gpa, &ev->c, &ev->d);
			for (i = 1; i < m->r.qlen; i++)
				m->r.trapq[i - 1] = m->r.trapq[i];
			m->r.qlen--;
		}
		m->r.ntraps--;
		m->r.tphase = 2;
		break;
	default:
		vm_entry(m, g, ev);
		m->r.tphase = 0;
		break;
	}
}
