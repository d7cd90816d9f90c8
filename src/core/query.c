/*
 * query.c - reading the machine without changing it: the values `expect`
 * and `ask` compare against, the text views of `show`, and one line of
 * text per micro-step for transcripts and the event log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

const char *const engine_query_names[] = {
	"pa", "gpa", "value", "tlb", "fault", "refs", "vpn", "offset",
	"index.N", "pte.addr", "pte", "pf.code", "exit", "exit.code",
	"exits.NAME", "insn", "hypercall", "mode", "accesses", "tlb.hits",
	"tlb.misses", "faults", "writebacks", "exits", "cycles", NULL
};

const char *const engine_exit_names[] = {
	"exception", "external-interrupt", "triple-fault", "cpuid", "hlt",
	"invlpg", "rdtsc", "vmcall", "cr-access", "io", "descriptor-table",
	"ept-violation", "ept-misconfig", NULL
};

const char *const engine_show_names[] = {
	"tlb", "pt", "frames", "disk", "vmcs", "stats", NULL
};

static const char *const fault_words[] = { "none", "page", "protection",
	"segv" };
static const char *const insn_words[] = { "none", "native", "exit", "trap",
	"translated", "silent" };
static const char *const mode_words[] = { "none", "root", "non-root",
	"guest" };

const char *
engine_exit_name(unsigned reason)
{
	int i = exit_index(reason);

	return i < 0 ? NULL : engine_exit_names[i];
}

const char *
engine_insn_word(enum insn_result r)
{
	return (unsigned)r <= IR_SILENT ? insn_words[r] : "none";
}

/* The OS whose view counts: the guest running, else the host. */
static const struct machine *
query_os(const struct machine *m)
{
	if ((m->r.mode == MODE_NONROOT || m->r.mode == MODE_GUEST) &&
	    m->r.guest != 0)
		return m->vms[m->r.guest - 1];
	return m;
}

static int
num(struct qval *q, uint64_t v)
{
	q->kind = QV_NUM;
	q->num = v;
	return 0;
}

static int
word(struct qval *q, const char *w)
{
	q->kind = QV_WORD;
	q->word = w;
	return 0;
}

static int
none(struct qval *q)
{
	q->kind = QV_NONE;
	return 0;
}

int
engine_query(const struct engine *e, const char *name, struct qval *q,
    struct verr *err)
{
	const struct machine *m = e->m, *x = query_os(m);
	const struct regs *r = &m->r;
	const struct last *l = &r->last;
	unsigned long n;
	char *end;
	int i;

	memset(q, 0, sizeof *q);
	if (strcmp(name, "pa") == 0)
		return l->has_pa ? num(q, l->pa) : none(q);
	if (strcmp(name, "gpa") == 0)
		return l->has_pa ? num(q, l->gpa) : none(q);
	if (strcmp(name, "value") == 0) {
		if (!l->has_pa)
			return none(q);
		return num(q, l->lazy ? phys_read(m, l->pa, l->size) :
		    l->value);
	}
	if (strcmp(name, "tlb") == 0) {
		if (!l->valid)
			return none(q);
		if (m->c.tlb == 0 || l->tlb == 2)
			return word(q, "miss");
		return l->tlb == 1 ? word(q, "hit") : none(q);
	}
	if (strcmp(name, "fault") == 0)
		return l->valid ? word(q, fault_words[l->fault]) : none(q);
	if (strcmp(name, "refs") == 0)
		return num(q, l->refs);
	if (strcmp(name, "vpn") == 0)
		return l->valid ? num(q, l->vpn) : none(q);
	if (strcmp(name, "offset") == 0)
		return l->valid ? num(q, l->offset) : none(q);
	if (strncmp(name, "index.", 6) == 0) {
		n = strtoul(name + 6, &end, 10);
		if (*end != '\0' || n < 1 || n > MCFG_MAX_LEVELS)
			return verr_set(err, NULL, "index.N: N is a level "
			    "from 1 (the top) to 5");
		if (m->c.pt == PT_INVERTED)
			return none(q);
		if (n > m->levels)
			return verr_set(err, NULL, "%s: this machine has %llu "
			    "level%s", name, (unsigned long long)m->levels,
			    m->levels == 1 ? "" : "s");
		return l->valid ? num(q, pt_index(m, l->vpn, (unsigned)n)) :
		    none(q);
	}
	if (strcmp(name, "pte.addr") == 0)
		return l->has_pte ? num(q, l->pte_addr) : none(q);
	if (strcmp(name, "pte") == 0)
		return l->has_pte ? num(q, phys_read(l->pte_host ? m :
		    l->ctx ? m->vms[l->ctx - 1] : m,
		    l->pte_addr, m->c.pt == PT_INVERTED ? 8 : m->c.pte)) :
		    none(q);
	if (strcmp(name, "pf.code") == 0)
		return x->r.pf_valid ? num(q, x->r.pf_code) : none(q);
	if (strcmp(name, "exit") == 0)
		return r->cmd_exit ? word(q, engine_exit_names[r->cmd_exit -
		    1]) : none(q);
	if (strcmp(name, "exit.code") == 0)
		return r->cmd_exit ? num(q, exit_reasons[r->cmd_exit - 1]) :
		    none(q);
	if (strcmp(name, "insn") == 0)
		return r->insn_res ? word(q, insn_words[r->insn_res]) : none(q);
	if (strcmp(name, "hypercall") == 0)
		return word(q, r->hcall == 1 ? "ok" : r->hcall == 2 ?
		    "refused" : "none");
	if (strcmp(name, "mode") == 0)
		return word(q, mode_words[r->mode]);
	if (strncmp(name, "exits.", 6) == 0) {
		for (i = 0; engine_exit_names[i] != NULL; i++)
			if (strcmp(name + 6, engine_exit_names[i]) == 0)
				return num(q, r->exits_by[i]);
		return verr_set(err, NULL, "%s: no such exit reason", name);
	}
	if (strcmp(name, "accesses") == 0)
		return num(q, r->accesses);
	if (strcmp(name, "tlb.hits") == 0)
		return num(q, r->tlb_hits);
	if (strcmp(name, "tlb.misses") == 0)
		return num(q, r->tlb_misses);
	if (strcmp(name, "faults") == 0)
		return num(q, x->r.faults);
	if (strcmp(name, "writebacks") == 0)
		return num(q, x->r.writebacks);
	if (strcmp(name, "exits") == 0)
		return num(q, r->exits);
	if (strcmp(name, "cycles") == 0)
		return num(q, r->cycles);
	return verr_set(err, NULL, "'%s' is not a name expect knows", name);
}

/* ---- text ---- */

static const char *
perm_text(unsigned perm, char *b)
{
	b[0] = (perm & PERM_R) ? 'r' : '-';
	b[1] = (perm & PERM_W) ? 'w' : '-';
	b[2] = (perm & PERM_X) ? 'x' : '-';
	b[3] = '\0';
	return b;
}

static const char *
acc_word(uint64_t d)
{
	switch (d & 0xf) {
	case ACC_WRITE:
		return "write";
	case ACC_EXEC:
		return "exec";
	default:
		return "read";
	}
}

static const char *
proc_name_by_asid(const struct machine *m, uint64_t asid)
{
	uint32_t i;

	if (m->r.mode != MODE_NONE && m->r.guest != 0 && m->cpu == m &&
	    (m->r.mode == MODE_NONROOT || m->r.mode == MODE_GUEST))
		m = m->vms[m->r.guest - 1];

	for (i = 0; i < m->r.nprocs; i++)
		if (m->procs[i].live && m->procs[i].asid == asid)
			return m->procs[i].name;
	return "?";
}

#define ULL(x) ((unsigned long long)(x))

static void
fmt_split(const struct engine *e, const struct event *ev, struct strbuf *b)
{
	const struct machine *m = e->m;
	unsigned i;

	sb_printf(b, "%s 0x%llx", acc_word(ev->d), ULL(ev->a));
	if (((ev->d >> 4) & 0xf) != 1)
		sb_printf(b, " size %llu", ULL((ev->d >> 4) & 0xf));
	sb_printf(b, " (%s%s, asid %llu", ev->level ? "guest " : "",
	    (ev->d & 0x100) ? "kernel" : "user", ULL(ev->e));
	if (ev->level)
		sb_printf(b, ", vpid %u", ev->level);
	sb_printf(b, "): vpn 0x%llx offset 0x%llx", ULL(ev->b), ULL(ev->c));
	if (m->c.pt == PT_RADIX && m->levels > 1) {
		sb_printf(b, " =");
		for (i = 1; i <= m->levels; i++)
			sb_printf(b, " L%u %llu", i,
			    ULL(pt_index(m, ev->b, i)));
	} else if (m->c.pt == PT_INVERTED)
		sb_printf(b, ", hash bucket %llu", ULL(pt_bucket(m,
		    (uint32_t)ev->e, ev->b)));
}

static void
fmt_fault(const struct event *ev, struct strbuf *b)
{
	sb_printf(b, "#PF at 0x%llx, error code 0x%llx (%s, %s, %s%s): ",
	    ULL(ev->a), ULL(ev->b), (ev->b & 1) ? "rights" : "not present",
	    (ev->b & 0x10) ? "fetch" : (ev->b & 2) ? "write" : "read",
	    (ev->b & 4) ? "user" : "kernel", "");
	switch (ev->c) {
	case FAULT_NONE:
		sb_printf(b, "page-fault exiting is on: it exits to the VMM "
		    "first");
		break;
	case FAULT_SEGV:
		sb_printf(b, "the OS has no page there: segmentation fault");
		break;
	case FAULT_PROTECTION:
		sb_printf(b, (ev->flags & EVF_PRESENT) ? "protection fault" :
		    "the OS forbids this access: protection fault");
		break;
	default:
		sb_printf(b, "%s", (ev->flags & EVF_MATCH) ? "the page was "
		    "never touched, and every page of this process is valid: "
		    "page fault" : "the page is on disk: page fault");
		break;
	}
}

static bool
amd(const struct machine *m)
{
	return m->c.vendor == VENDOR_AMD;
}

static unsigned
svm_code(unsigned reason)
{
	switch (reason) {
	case EXIT_EXCEPTION:
		return 0x4e;
	case EXIT_EXTINT:
		return 0x60;
	case EXIT_TRIPLE:
		return 0x7f;
	case EXIT_CPUID:
		return 0x72;
	case EXIT_HLT:
		return 0x78;
	case EXIT_INVLPG:
		return 0x79;
	case EXIT_RDTSC:
		return 0x6e;
	case EXIT_VMCALL:
		return 0x81;
	case EXIT_CR:
		return 0x13;
	case EXIT_IO:
		return 0x7b;
	case EXIT_DESC:
		return 0x67;
	default:
		return 0x400;
	}
}

static const char *
exit_word(unsigned reason)
{
	int k = exit_index(reason);

	return k < 0 ? "?" : engine_exit_names[k];
}

static const char *const insn_result_words[] = { "none", "runs natively",
	"exits", "traps to the VMM", "is translated into a VMM call",
	"runs silently wrong" };

static void
fmt_vmx(const struct engine *e, const struct event *ev, struct strbuf *b)
{
	const struct machine *m = e->m, *g;
	const struct op *o = engine_op(e, ev->op);
	static const char *const act[] = { "", "emulates it", "backs",
		"repairs", "handles the hypercall", "loads the guest's CR3",
		"drops the guest's TLB entry for", "handles the interrupt",
		"finds no guest memory at", "walks the guest's table for",
		"emulates the guest's write to its page table at gpa",
		"takes the guest's page fault" };

	switch (ev->kind) {
	case EV_VM:
		g = m->vms[ev->a];
		sb_printf(b, "vm %s: %llu frames of guest-physical memory, "
		    "%s %s%s", g->vmname, ULL(ev->c), amd(m) ? "ASID" : "VPID",
		    "", "");
		sb_printf(b, "%llu, %s, mmu %s", ULL(ev->d),
		    g->cpumode == CPU_VTX ? (amd(m) ? "SVM" : "VT-x") :
		    g->cpumode == CPU_BT ? "binary translation" :
		    "trap-and-emulate", g->mmu == MMU_NESTED ? (amd(m) ?
		    "nested (NPT)" : "nested (EPT)") : g->mmu == MMU_SHADOW ?
		    "shadow" : "pv");
		if (g->mmu == MMU_PV)
			sb_printf(b, "; the guest kernel runs in ring 1 (ring 3 "
			    "on 64-bit), its users in ring 3, the VMM in ring 0 "
			    "and in the top 64 MiB of every address space");
		if (ev->flags & EVF_DISK)
			sb_printf(b, "; backed lazily, frame by frame");
		else
			sb_printf(b, "; backed by host frames 0x%llx..0x%llx",
			    ULL(ev->b), ULL(ev->b + ev->c - 1));
		if (g->vmcs.eptp)
			sb_printf(b, "; %s root at 0x%llx", amd(m) ? "nCR3" :
			    "EPT", ULL(g->vmcs.eptp));
		break;
	case EV_EPT_BUILD:
		if (ev->flags & EVF_LEAF)
			sb_printf(b, "VMM fills the %s level-%llu table at "
			    "0x%llx: gfn 0x%llx..0x%llx -> their host frames",
			    amd(m) ? "NPT" : "EPT", ULL(ev->b), ULL(ev->a),
			    ULL(ev->c), ULL(ev->c + ev->d - 1));
		else
			sb_printf(b, "VMM: new %s level-%llu table in frame "
			    "0x%llx", amd(m) ? "NPT" : "EPT", ULL(ev->b),
			    ULL(ev->a));
		break;
	case EV_VMXON:
		if (ev->flags & EVF_MATCH)
			sb_printf(b, "%s", amd(m) ? "EFER.SVME=0: the CPU "
			    "leaves SVM operation" : "VMXOFF: the CPU leaves "
			    "VMX operation");
		else
			sb_printf(b, "%s", amd(m) ? "EFER.SVME=1: SVM is on; "
			    "the VMM runs the host and VMRUNs its guests" :
			    "VMXON: the CPU enters VMX root operation (the VMM "
			    "runs here)");
		break;
	case EV_LAUNCH:
		g = m->vms[ev->a];
		if (g->cpumode != CPU_VTX)
			sb_printf(b, "VMM %s guest %s deprivileged: its kernel "
			    "in ring 1, its users in ring 3, the VMM in ring 0",
			    (ev->flags & EVF_MATCH) ? "resumes" : "starts",
			    g->vmname);
		else if (amd(m))
			sb_printf(b, "VMRUN %s: the CPU saves host state in "
			    "the host save area, checks and loads the VMCB "
			    "(VMLOAD brings the rest: FS, GS, TR, LDTR, the "
			    "SYSCALL MSRs)", g->vmname);
		else
			sb_printf(b, "%s %s: the CPU checks the VMCS (launch "
			    "state %s)", (ev->flags & EVF_MATCH) ? "VMRESUME" :
			    "VMLAUNCH", g->vmname, (ev->flags & EVF_MATCH) ?
			    "launched" : "clear");
		break;
	case EV_ENTRY:
		g = m->vms[ev->a];
		if (ev->flags & EVF_MATCH)
			sb_printf(b, "VMM returns to %s (iret to ring 1)",
			    g->vmname);
		else
			sb_printf(b, "VM entry: the CPU loads %s's state from "
			    "the %s (CR3 0x%llx) and runs it in non-root mode",
			    g->vmname, amd(m) ? "VMCB" : "VMCS", ULL(ev->b));
		if (ev->flags & EVF_DENIED)
			sb_printf(b, ", injecting the page fault into the "
			    "guest");
		if (ev->flags & EVF_FREE)
			sb_printf(b, "; untagged TLB flushed (%llu)",
			    ULL(ev->c));
		break;
	case EV_EXIT:
		if (ev->flags & EVF_MATCH) {
			sb_printf(b, "trap: %s; the VMM in ring 0 takes over",
			    ev->a == EXIT_EXCEPTION ? "the deprivileged guest "
			    "kernel faults (#PF)" : ev->a == EXIT_EXTINT ?
			    "an interrupt arrives" : "the deprivileged guest "
			    "kernel faults (#GP in ring 1)");
			if (ev->flags & EVF_FREE)
				sb_printf(b, "; untagged TLB flushed (%llu)",
				    ULL(ev->f));
			break;
		}
		if (ev->level == 1)
			sb_printf(b, "the guest wrote its page table at gpa "
			    "0x%llx, a page the VMM write-protects: ",
			    ULL(ev->d));
		if (ev->level == 2)
			sb_printf(b, "the guest asks the VMM to update its page "
			    "tables (%s, %llu update%s): ", amd(m) ? "VMMCALL" :
			    "VMCALL mmu_update", ULL(ev->e), ev->e == 1 ? "" :
			    "s");
		if (amd(m))
			sb_printf(b, "#VMEXIT 0x%x (%s)", svm_code((unsigned)
			    ev->a), exit_word((unsigned)ev->a));
		else
			sb_printf(b, "VM exit: reason %llu (%s)", ULL(ev->a),
			    exit_word((unsigned)ev->a));
		if (ev->b)
			sb_printf(b, ", qualification 0x%llx", ULL(ev->b));
		if (ev->a == EXIT_EXCEPTION)
			sb_printf(b, ", #PF error code 0x%llx", ULL(ev->e));
		else if (ev->c != NONE64)
			sb_printf(b, ", guest-linear 0x%llx", ULL(ev->c));
		if (ev->a == EXIT_EPT_VIOL || ev->a == EXIT_EPT_MISC)
			sb_printf(b, ", guest-physical 0x%llx", ULL(ev->d));
		sb_printf(b, amd(m) ? "; the CPU saves the guest state in "
		    "the VMCB and reloads the host's (VMSAVE keeps the rest)" :
		    "; the CPU saves the guest state and loads the host's "
		    "(root mode)");
		if (ev->flags & EVF_FREE)
			sb_printf(b, "; untagged TLB flushed (%llu)",
			    ULL(ev->f));
		break;
	case EV_VMM:
		sb_printf(b, "VMM %s", act[ev->a < 12 ? ev->a : 0]);
		switch (ev->a) {
		case VMM_BACK:
			sb_printf(b, " gfn 0x%llx with host frame 0x%llx and "
			    "maps it in the %s", ULL(ev->b), ULL(ev->c),
			    amd(m) ? "NPT" : "EPT");
			break;
		case VMM_REPAIR:
			sb_printf(b, " the malformed %s entry at 0x%llx",
			    amd(m) ? "NPT" : "EPT", ULL(ev->c));
			break;
		case VMM_INVLPG:
			sb_printf(b, " 0x%llx", ULL(ev->b));
			if (ev->d != NONE64)
				sb_printf(b, " and its shadow entry at 0x%llx",
				    ULL(ev->d));
			break;
		case VMM_CR3:
			sb_printf(b, " (0x%llx)", ULL(ev->c));
			if (ev->d != NONE64)
				sb_printf(b, " and switches the hardware to "
				    "the shadow root 0x%llx", ULL(ev->d));
			break;
		case VMM_SHADOW:
			sb_printf(b, " 0x%llx: ", ULL(ev->b));
			if ((ev->flags & EVF_LEAF))
				sb_printf(b, "the guest may write there, but "
				    "the page is one of its page tables: the "
				    "VMM performs the store at gpa 0x%llx and "
				    "updates the shadow", ULL(ev->c));
			else if (ev->flags & EVF_MATCH)
				sb_printf(b, "it allows the access, so the "
				    "fault is hidden: shadow entry at 0x%llx "
				    "<- 0x%llx", ULL(ev->c), ULL(ev->d));
			else
				sb_printf(b, "it does not allow the access: "
				    "the fault is the guest's");
			break;
		case VMM_HYPERCALL:
			if (ev->b == INSN_N)
				sb_printf(b, ": it validates %llu update%s%s",
				    ULL(ev->c), ev->c == 1 ? "" : "s", ev->d ?
				    " and refuses the batch: a guest may map "
				    "only its own frames, and never a page "
				    "table writable" : ", translates the "
				    "guest frames to machine frames and "
				    "applies them");
			break;
		case VMM_PTWRITE:
			if (ev->b == NONE64)
				sb_printf(b, "s: too many at once, it drops "
				    "every shadow table");
			else if (ev->c == NONE64)
				sb_printf(b, " 0x%llx", ULL(ev->b));
			else
				sb_printf(b, " 0x%llx and updates the shadow "
				    "entry at 0x%llx <- 0x%llx", ULL(ev->b),
				    ULL(ev->c), ULL(ev->d));
			break;
		case VMM_IRQ:
			sb_printf(b, "; the host keeps running until "
			    "vmresume");
			break;
		case VMM_REFLECT:
			sb_printf(b, ": it reflects the page fault back into "
			    "the guest");
			break;
		case VMM_EMULATE:
			if (ev->b < INSN_N)
				sb_printf(b, ": %s%s", insn_names[ev->b],
				    ev->b == INSN_HLT ? " (and resumes the "
				    "guest at once)" : ev->b == INSN_OUT ||
				    ev->b == INSN_IN ? " on its virtual device" :
				    "");
			break;
		default:
			break;
		}
		break;
	case EV_INSN:
		if (ev->a >= INSN_N) {
			sb_printf(b, "external interrupt: %s", ev->b == IR_NATIVE ?
			    "delivered to the guest (no exit)" : "it belongs to "
			    "the host");
			break;
		}
		sb_printf(b, "%s", insn_names[ev->a]);
		if (ev->a == INSN_INVLPG)
			sb_printf(b, " 0x%llx", ULL(ev->c));
		else if (ev->a == INSN_OUT || ev->a == INSN_IN)
			sb_printf(b, " port 0x%llx", ULL(ev->c));
		else if (ev->a == INSN_MOVCR3 && o != NULL)
			sb_printf(b, " %s", o->name);
		sb_printf(b, " %s", insn_result_words[ev->b < 6 ? ev->b : 0]);
		if (ev->b == IR_SILENT && ev->a == INSN_POPF)
			sb_printf(b, ": the guest asked for IF=0, but at CPL 1 "
			    "the CPU ignores IF, which stays %llu: the guest "
			    "believes interrupts are off while they are on",
			    ULL(ev->d));
		else if (ev->b == IR_SILENT && ev->a == INSN_SGDT)
			sb_printf(b, ": the guest reads GDTR base 0x%llx, the "
			    "VMM's, not its own", ULL(ev->d));
		break;
	case EV_VMCS:
		sb_printf(b, "%s control %s%s: %s", amd(m) ? "VMCB" : "VMCS",
		    vmcs_ctl_names[ev->a], ev->a == CTL_EPT ||
		    ev->a == CTL_VPID ? "" : " exiting", ev->b ? "on" : "off");
		break;
	default:
		break;
	}
}

static void
format(const struct engine *e, const struct event *ev, struct strbuf *b)
{
	const struct machine *m = e->m;
	const struct op *o = engine_op(e, ev->op);
	char fl[64], p[4];

	sb_printf(b, "[%llu] ", ULL(ev->step));
	switch (ev->kind) {
	case EV_PROCESS:
		if (ev->flags & EVF_MATCH)
			sb_printf(b, "process %s: asid %llu, page-table root "
			    "at frame 0x%llx (given with root=)",
			    o ? o->name : "?", ULL(ev->a), ULL(ev->b));
		else if (m->c.pt == PT_INVERTED)
			sb_printf(b, "process %s: asid %llu (the inverted "
			    "table serves every process)", o ? o->name : "?",
			    ULL(ev->a));
		else
			sb_printf(b, "process %s: asid %llu, OS allocates its "
			    "top-level table in frame 0x%llx%s",
			    o ? o->name : "?", ULL(ev->a), ULL(ev->b),
			    ev->d > 1 ? " (and the frames after it)" : "");
		break;
	case EV_CR3:
		if (ev->e)
			sb_printf(b, "mov-cr3 %s: ",
			    insn_result_words[ev->e - 1]);
		if (ev->d)
			sb_printf(b, "guest (%s %llu) ", amd(m) ? "ASID" :
			    "vpid", ULL(ev->d));
		if (m->c.pt == PT_INVERTED)
			sb_printf(b, "context switch: %s runs (asid %llu; one "
			    "inverted table serves every process)",
			    proc_name_by_asid(m, ev->a), ULL(ev->a));
		else
			sb_printf(b, "CR3 <- 0x%llx: %s runs (asid %llu)",
			    ULL(ev->b), proc_name_by_asid(m, ev->a),
			    ULL(ev->a));
		if (ev->flags & EVF_FREE)
			sb_printf(b, ", untagged TLB flushed (%llu entr%s)",
			    ULL(ev->c), ev->c == 1 ? "y" : "ies");
		break;
	case EV_PT_ALLOC:
		pt_flags_text(m, ev->d, false, fl, sizeof fl);
		sb_printf(b, "OS: new level-%u table in frame 0x%llx for 0x%llx;"
		    " entry at 0x%llx <- 0x%llx (%s)", ev->level, ULL(ev->a),
		    ULL(ev->e), ULL(ev->c), ULL(ev->d), fl);
		break;
	case EV_MAP:
	case EV_SHARE:
		if (ev->flags & EVF_DENIED) {
			sb_printf(b, "map 0x%llx -> frame 0x%llx goes into the "
			    "hypercall's batch, but the frame %s: the VMM will "
			    "refuse it", ULL(ev->a), ULL(ev->b), ev->c == 1 ?
			    "is beyond the guest's memory" : ev->c == 2 ?
			    "holds a page table, which must not be mapped "
			    "writable" : "is outside the guest's pool");
			break;
		}
		if (ev->kind == EV_MAP && (ev->flags & EVF_MATCH)) {
			sb_printf(b, "OS: 0x%llx is in the process's anonymous "
			    "memory: a new zero page, valid, to be brought in",
			    ULL(ev->a));
			break;
		}
		sb_printf(b, "%s 0x%llx", ev->kind == EV_MAP ? "map" : "share",
		    ULL(ev->a));
		if (ev->kind == EV_SHARE)
			sb_printf(b, " (the page of %s)",
			    proc_name_by_asid(m, ev->e));
		if (ev->flags & EVF_DISK)
			sb_printf(b, " -> on disk (slot %llu), not present",
			    ULL(ev->b));
		else
			sb_printf(b, " -> frame 0x%llx", ULL(ev->b));
		sb_printf(b, ", %s %s", perm_text(ev->level & 7u, p),
		    (ev->level & 8) ? "user" : "kernel");
		if (m->c.pt == PT_RADIX || !(ev->flags & EVF_DISK))
			sb_printf(b, "; entry at 0x%llx = 0x%llx", ULL(ev->c),
			    ULL(ev->d));
		break;
	case EV_UNMAP:
		sb_printf(b, "unmap 0x%llx", ULL(ev->a));
		if (ev->flags & EVF_MATCH)
			sb_printf(b, ": its frame stays with the other "
			    "processes sharing it");
		else if (ev->b != NONE64)
			sb_printf(b, ": frame 0x%llx is free again", ULL(ev->b));
		else
			sb_printf(b, ": its copy on disk is discarded");
		if (ev->d)
			sb_printf(b, ", TLB entry dropped");
		break;
	case EV_PROTECT:
		sb_printf(b, "protect 0x%llx: %s", ULL(ev->a),
		    perm_text((unsigned)ev->b, p));
		if (ev->d)
			sb_printf(b, ", TLB entry dropped");
		break;
	case EV_POKE:
		sb_printf(b, "poke 0x%llx: %llu byte%s written", ULL(ev->a),
		    ULL(ev->b), ev->b == 1 ? "" : "s");
		break;
	case EV_SPLIT:
		fmt_split(e, ev, b);
		break;
	case EV_TLB_HIT:
		sb_printf(b, "TLB probe ");
		if (ev->level)
			sb_printf(b, "%s %u ", amd(m) ? "guest ASID (VMCB)" :
			    "vpid", ev->level);
		sb_printf(b, "asid %llu vpn 0x%llx set %llu: hit in way %llu -> "
		    "frame 0x%llx", ULL(ev->e), ULL(ev->a), ULL(ev->c),
		    ULL(ev->d), ULL(ev->b));
		break;
	case EV_TLB_MISS:
		sb_printf(b, "TLB probe ");
		if (ev->level)
			sb_printf(b, "%s %u ", amd(m) ? "guest ASID (VMCB)" :
			    "vpid", ev->level);
		sb_printf(b, "asid %llu vpn 0x%llx set %llu: miss", ULL(ev->e),
		    ULL(ev->a), ULL(ev->c));
		break;
	case EV_WALK:
		pt_flags_text(m, ev->b, (ev->flags & EVF_LEAF) != 0, fl,
		    sizeof fl);
		sb_printf(b, "%swalk L%u: entry %llu at 0x%llx = 0x%llx (%s)",
		    ev->e ? "shadow " : "", ev->level, ULL(ev->c), ULL(ev->a),
		    ULL(ev->b), fl);
		if (!(ev->flags & EVF_PRESENT))
			sb_printf(b, ": not present");
		else if (ev->flags & EVF_DENIED)
			sb_printf(b, ": rights refuse this access");
		else if (ev->flags & EVF_LEAF)
			sb_printf(b, " -> frame 0x%llx",
			    ULL(pt_next(m, ev->b) >> m->c.page_bits));
		else
			sb_printf(b, " -> table 0x%llx", ULL(pt_next(m, ev->b)));
		if (ev->flags & EVF_SET_A)
			sb_printf(b, ", A set");
		break;
	case EV_IPT_ANCHOR:
		sb_printf(b, "hash anchor bucket %llu at 0x%llx = %llu",
		    ULL(ev->c), ULL(ev->a), ULL(ev->b));
		if (ev->b == 0)
			sb_printf(b, ": empty chain");
		else
			sb_printf(b, " -> chain starts at frame 0x%llx",
			    ULL(ev->b - 1));
		break;
	case EV_IPT_PROBE:
		sb_printf(b, "inverted entry of frame 0x%llx at 0x%llx: asid "
		    "%llu vpn 0x%llx", ULL(ev->b), ULL(ev->a), ULL(ev->d),
		    ULL(ev->c));
		if (ev->flags & EVF_MATCH) {
			sb_printf(b, ": match");
			if (ev->flags & EVF_DENIED)
				sb_printf(b, ", rights refuse this access");
			if (ev->flags & EVF_SET_A)
				sb_printf(b, ", A set");
		} else if ((ev->e >> 32) == 0)
			sb_printf(b, ": no match, end of chain");
		else
			sb_printf(b, ": no match, next frame 0x%llx",
			    ULL((ev->e >> 32) - 1));
		break;
	case EV_TLB_FILL:
		sb_printf(b, "TLB fill set %llu way %llu: vpn 0x%llx -> frame "
		    "0x%llx %s%s", ULL(ev->c), ULL(ev->d), ULL(ev->a),
		    ULL(ev->b), (ev->level & 1) ? "rw" : "r-",
		    (ev->level & 4) ? "-" : "x");
		sb_printf(b, "%s", (ev->level & 2) ? " user" : " kernel");
		if (ev->flags & EVF_VICTIM)
			sb_printf(b, " (replaces vpn 0x%llx)", ULL(ev->e));
		break;
	case EV_SET_DIRTY:
		break;
	case EV_VM:
	case EV_EPT_BUILD:
	case EV_VMXON:
	case EV_LAUNCH:
	case EV_ENTRY:
	case EV_EXIT:
	case EV_VMM:
	case EV_INSN:
	case EV_VMCS:
		fmt_vmx(e, ev, b);
		break;
	case EV_NWALK:
		sb_printf(b, "%s L%u for gpa 0x%llx: entry %llu at 0x%llx = "
		    "0x%llx", amd(m) ? "NPT" : "EPT", ev->level, ULL(ev->c),
		    ULL(ev->d), ULL(ev->a), ULL(ev->b));
		if (!(ev->flags & EVF_PRESENT))
			sb_printf(b, ": %s", (ev->b & 3) == 2 &&
			    m->c.format == FMT_X86 ? "malformed (write "
			    "without read)" : "not present");
		else if (ev->flags & EVF_LEAF)
			sb_printf(b, " -> host frame 0x%llx",
			    ULL(pt_next(m, ev->b) >> m->c.page_bits));
		else
			sb_printf(b, " -> table 0x%llx", ULL(pt_next(m, ev->b)));
		break;
	case EV_GWALK:
		pt_flags_text(m, ev->b, (ev->flags & EVF_LEAF) != 0, fl,
		    sizeof fl);
		sb_printf(b, "guest walk L%u: entry %llu at gpa 0x%llx (host "
		    "0x%llx) = 0x%llx (%s)", ev->level, ULL(ev->d), ULL(ev->c),
		    ULL(ev->a), ULL(ev->b), fl);
		if (!(ev->flags & EVF_PRESENT))
			sb_printf(b, ": not present");
		else if (ev->flags & EVF_DENIED)
			sb_printf(b, ": rights refuse this access");
		else if (ev->flags & EVF_LEAF)
			sb_printf(b, " -> gfn 0x%llx", ULL(pt_next(m, ev->b) >>
			    m->c.page_bits));
		else
			sb_printf(b, " -> guest table 0x%llx",
			    ULL(pt_next(m, ev->b)));
		if (ev->flags & EVF_SET_A)
			sb_printf(b, ", A set");
		break;
	case EV_FAULT:
		fmt_fault(ev, b);
		break;
	case EV_VICTIM:
		if (ev->flags & EVF_FREE)
			sb_printf(b, "OS takes free frame 0x%llx", ULL(ev->a));
		else {
			sb_printf(b, "no free frame: %s picks frame 0x%llx "
			    "(vpn 0x%llx of %s)", policy_name(
			    (enum policy)ev->e), ULL(ev->a), ULL(ev->b),
			    proc_name_by_asid(m, ev->c));
			if (ev->d)
				sb_printf(b, " after clearing %llu use bit%s",
				    ULL(ev->d), ev->d == 1 ? "" : "s");
		}
		break;
	case EV_EVICT:
		sb_printf(b, "evict frame 0x%llx: %llu entr%s not present, "
		    "%llu TLB entr%s dropped; %s", ULL(ev->a), ULL(ev->c),
		    ev->c == 1 ? "y" : "ies", ULL(ev->d),
		    ev->d == 1 ? "y" : "ies", (ev->flags & EVF_VICTIM) ?
		    "dirty: it must be written back" : (ev->flags & EVF_DISK) ?
		    "clean: its copy on disk is still good, no write-back" :
		    "clean and never written: nothing to write back");
		break;
	case EV_WRITEBACK:
		sb_printf(b, "write back frame 0x%llx to disk slot %llu",
		    ULL(ev->a), ULL(ev->b));
		break;
	case EV_PAGE_IN:
		if (ev->flags & EVF_DISK)
			sb_printf(b, "read disk slot %llu into frame 0x%llx",
			    ULL(ev->b), ULL(ev->a));
		else
			sb_printf(b, "zero-fill frame 0x%llx for vpn 0x%llx "
			    "(never written to disk)", ULL(ev->a), ULL(ev->c));
		sb_printf(b, "; entry at 0x%llx present", ULL(ev->d));
		break;
	case EV_RESTART:
		sb_printf(b, "restart the access at 0x%llx", ULL(ev->a));
		break;
	case EV_DATA:
		if ((ev->d & 0xf) == ACC_WRITE)
			sb_printf(b, "write pa 0x%llx <- 0x%llx", ULL(ev->a),
			    ULL(ev->b));
		else
			sb_printf(b, "%s pa 0x%llx = 0x%llx", acc_word(ev->d),
			    ULL(ev->a), ULL(ev->b));
		if (ev->level)
			sb_printf(b, " (gpa 0x%llx)", ULL(ev->c));
		if (ev->flags & EVF_SET_A)
			sb_printf(b, ", D set in the entry");
		break;
	case EV_CLEAR_USE:
		sb_printf(b, "OS clears the use bits of %llu page%s, %llu TLB "
		    "entr%s dropped", ULL(ev->a), ev->a == 1 ? "" : "s",
		    ULL(ev->b), ev->b == 1 ? "y" : "ies");
		break;
	default:
		sb_printf(b, "event %u", ev->kind);
		break;
	}
	if (ev->cycles)
		sb_printf(b, " (+%llu)", ULL(ev->cycles));
}

size_t
event_format(const struct engine *e, const struct event *ev, char *buf,
    size_t n)
{
	struct strbuf b;
	size_t len;

	sb_init(&b);
	format(e, ev, &b);
	len = b.len;
	if (n > 0) {
		if (b.s == NULL)
			buf[0] = '\0';
		else {
			if (len >= n)
				len = n - 1;
			memcpy(buf, b.s, len);
			buf[len] = '\0';
		}
	}
	sb_free(&b);
	return len;
}

/* ---- show ---- */

static void
show_stats(const struct machine *m, struct strbuf *b)
{
	const struct regs *r = &m->r, *xr = &query_os(m)->r;
	double probes = (double)(r->tlb_hits + r->tlb_misses);

	sb_printf(b, "accesses %llu (reads %llu, writes %llu, fetches %llu)\n",
	    ULL(r->accesses), ULL(r->by_acc[ACC_READ]),
	    ULL(r->by_acc[ACC_WRITE]), ULL(r->by_acc[ACC_EXEC]));
	sb_printf(b, "tlb.hits %llu (%.1f%%)\n", ULL(r->tlb_hits),
	    probes > 0 ? 100.0 * (double)r->tlb_hits / probes : 0.0);
	sb_printf(b, "tlb.misses %llu\n", ULL(r->tlb_misses));
	sb_printf(b, "page-table refs %llu (%.2f per access)\n",
	    ULL(r->refs_total), r->accesses ? (double)r->refs_total /
	    (double)r->accesses : 0.0);
	sb_printf(b, "faults %llu\n", ULL(xr->faults));
	sb_printf(b, "writebacks %llu\n", ULL(xr->writebacks));
	sb_printf(b, "exits %llu\n", ULL(r->exits));
	sb_printf(b, "cycles %llu\n", ULL(r->cycles));
	sb_printf(b, "effective access time %.1f cycles per access\n",
	    r->accesses ? (double)r->cycles / (double)r->accesses : 0.0);
}

/* Hex digits of the widest page number of an address of bits bits (3
 * at least, so that a column is as wide as its heading "frame"). */
static int
hex_digits(unsigned bits, unsigned page_bits)
{
	unsigned n = bits > page_bits ? bits - page_bits : 1;

	return (n + 3) / 4 < 3 ? 3 : (int)((n + 3) / 4);
}

/* Digits of n in base 10. */
static int
dec_digits(unsigned n)
{
	int d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

/* The TLB, a row per valid entry.  A pane narrower than the full rows
 * gets the compact form: no set column when there is one set, a
 * shorter heading. */
static void
show_tlb(const struct machine *m, struct strbuf *b, size_t width)
{
	const struct tlbe *t;
	unsigned i, n = 0;
	int vw, fw, sw, ww, full;
	size_t head;
	bool compact, setcol = true;

	if (m->c.tlb == 0) {
		sb_printf(b, "no TLB (tlb=0): every access walks the table\n");
		return;
	}
	/* The vpn and frame columns are as wide as this machine's page
	 * numbers, so that the table fits the screen's TLB pane. */
	vw = hex_digits(m->c.va, m->c.page_bits);
	fw = hex_digits(m->c.pa, m->c.page_bits);
	sw = dec_digits(m->tlb_sets - 1);
	ww = dec_digits(m->tlb_ways - 1);
	sw = sw < 3 ? 3 : sw;
	ww = ww < 3 ? 3 : ww;
	full = sw + 1 + ww + 1 + (m->r.nvms ? 5 : 0) + 5 + vw + 3 + fw + 3 +
	    8;
	compact = width != 0 && (size_t)full > width;
	if (compact)
		setcol = m->tlb_sets > 1;
	/* the heading, shorter when it would not fit */
	head = b->len;
	sb_printf(b, "TLB: %u entries, %u set%s of %u way%s, %s, tags %s\n",
	    m->c.tlb, m->tlb_sets, m->tlb_sets == 1 ? "" : "s", m->tlb_ways,
	    m->tlb_ways == 1 ? "" : "s", tlb_policy_name(m->c.tlb_policy),
	    m->c.tlb_tags ? "on" : "off");
	if (width != 0 && b->s != NULL && b->len - head - 1 > width) {
		b->len = head;
		b->s[head] = '\0';
		sb_printf(b, "TLB: %u set%s x %u way%s, %s%s\n", m->tlb_sets,
		    m->tlb_sets == 1 ? "" : "s", m->tlb_ways,
		    m->tlb_ways == 1 ? "" : "s",
		    tlb_policy_name(m->c.tlb_policy), m->c.tlb_tags ?
		    ", tagged" : "");
	}
	if (setcol)
		sb_printf(b, "%-*s ", sw, "set");
	/* the VPID column only once there are guests to tell apart */
	sb_printf(b, "%-*s %sasid %-*s %-*s %s d\n", ww, "way",
	    m->r.nvms ? (amd(m) ? "ASID " : "vpid ") : "", vw + 2, "vpn", fw + 2, "frame",
	    compact ? "perm" : "rights");
	for (i = 0; i < m->c.tlb; i++) {
		t = &m->tlb[i];
		if (!t->valid)
			continue;
		n++;
		if (setcol)
			sb_printf(b, "%*u ", sw, i / m->tlb_ways);
		sb_printf(b, "%*u ", ww, i % m->tlb_ways);
		if (m->r.nvms)
			sb_printf(b, "%4u ", t->vpid);
		sb_printf(b, "%4u 0x%-*llx 0x%-*llx %s%s%s%s %s%s\n", t->asid,
		    vw, ULL(t->vpn), fw, ULL(t->frame), "r",
		    t->w ? "w" : "-", t->nx ? "-" : "x", t->u ? "u" : "k",
		    compact ? "" : "  ", t->dirty ? "D" : ".");
	}
	if (n == 0)
		sb_printf(b, "(empty)\n");
}

static int
cmp_rec(const void *a, const void *b)
{
	uint64_t x = (*(const struct rec *const *)a)->vpn;
	uint64_t y = (*(const struct rec *const *)b)->vpn;

	return x < y ? -1 : x > y;
}

/* The leaf entry for key in a radix table at root (host memory), or
 * NONE64: the shadow table (key = vpn) or the EPT (key = gfn). */
static uint64_t
host_leaf(const struct machine *g, uint64_t root, uint64_t key)
{
	const struct machine *h = g->cpu;
	uint64_t table = root, epa = NONE64, e;
	unsigned l;

	for (l = 1; l <= g->levels; l++) {
		epa = pt_entry_pa(g, table, key, l);
		if (l == g->levels)
			break;
		e = phys_read(h, epa, g->c.pte);
		if (g->mmu == MMU_NESTED ? !ept_present(g, e) :
		    !pt_present(h, e))
			return NONE64;
		table = g->mmu == MMU_NESTED ? ept_next(g, e) : pt_next(h, e);
	}
	return epa;
}

/* A guest page beside its guest entry: the VMM's map from the guest
 * frame to a host frame, and the entry the hardware uses for it. */
static void
show_vmm_side(const struct machine *g, const struct proc *p, uint64_t vpn,
    uint64_t gfn, struct strbuf *b)
{
	const struct machine *h = g->cpu;
	uint64_t hf = gfn < g->gframes ? g->backing[gfn] : 0, epa;

	sb_printf(b, "  | VMM: gfn 0x%llx -> ", ULL(gfn));
	if (hf == 0)
		sb_printf(b, "not backed yet");
	else
		sb_printf(b, "host frame 0x%llx", ULL(hf - 1));
	if (g->mmu == MMU_SHADOW) {
		epa = p->shadow ? host_leaf(g, (p->shadow - 1) <<
		    h->c.page_bits, vpn) : NONE64;
		if (epa == NONE64)
			sb_printf(b, "  | shadow: none yet");
		else
			sb_printf(b, "  | shadow entry at 0x%llx = 0x%llx",
			    ULL(epa), ULL(phys_read(h, epa, g->c.pte)));
	} else if (g->mmu == MMU_NESTED) {
		epa = host_leaf(g, g->vmcs.eptp, gfn);
		if (epa == NONE64)
			sb_printf(b, "  | EPT: none yet");
		else
			sb_printf(b, "  | EPT entry at 0x%llx = 0x%llx",
			    ULL(epa), ULL(phys_read(h, epa, g->c.pte)));
	}
}

static void
show_pt(const struct machine *m, struct strbuf *b, size_t limit,
    uint64_t around)
{
	const struct proc *p = os_cur(m);
	const struct rec **v;
	const struct pobj *o;
	uint64_t entries, bytes, pte;
	uint32_t i, n = 0;
	char fl[64], pm[4];
	unsigned shift;

	entries = m->c.va - m->c.page_bits >= 64 ? 0 :
	    1ull << (m->c.va - m->c.page_bits);
	bytes = entries * (m->c.pt == PT_INVERTED ? 4 : m->c.pte);
	if (m->c.pt == PT_RADIX) {
		sb_printf(b, "one flat table for this address space: 2^%u / "
		    "2^%u pages x %u B = ", m->c.va, m->c.page_bits, m->c.pte);
		for (shift = 0; bytes >= 1024 && (bytes & 1023) == 0 &&
		    shift < 4; shift++)
			bytes >>= 10;
		sb_printf(b, "%llu %s\n", ULL(bytes), (const char *[]){ "B",
		    "KiB", "MiB", "GiB", "TiB" }[shift]);
		sb_printf(b, "%llu level%s, split", ULL(m->levels),
		    m->levels == 1 ? "" : "s");
		for (i = 0; i < m->levels; i++)
			sb_printf(b, "%s%u", i ? "," : " ", m->c.split[i]);
		sb_printf(b, " + %u offset bits, %u-byte %s entries\n",
		    m->c.page_bits, m->c.pte, m->c.format == FMT_X86 ? "x86" :
		    "simple");
	} else
		sb_printf(b, "inverted table: %llu entries of 16 B at 0x%llx, "
		    "hash anchor table of %llu buckets at 0x%llx\n",
		    ULL(m->c.frames), ULL(m->ipt_pa), ULL(m->nbuckets),
		    ULL(m->anchor_pa));
	if (p == NULL) {
		sb_printf(b, "no process\n");
		return;
	}
	if (m->c.pt == PT_INVERTED)
		sb_printf(b, "process %s, asid %u\n", p->name, p->asid);
	else
		sb_printf(b, "process %s, asid %u, CR3 0x%llx\n", p->name,
		    p->asid, ULL(p->root << m->c.page_bits));
	v = (const struct rec **)malloc(((limit != 0 && m->r.nrecs > 4 *
	    limit ? limit : m->r.nrecs) + 1) * sizeof *v);
	if (v == NULL) {
		b->failed = true;
		return;
	}
	if (limit != 0 && m->r.nrecs > 4 * limit) {
		/* a pane's worth around the page in view, found by probing
		 * the OS's records rather than sorting them all */
		uint64_t vpn = around > limit / 2 ? around - limit / 2 : 0, k;
		uint32_t pi = (uint32_t)(p - m->procs), ri;

		for (k = 0; k < 8 * limit && n < limit; k++, vpn++)
			if ((ri = rmap_find(m, pi, vpn)) != NONE32)
				v[n++] = rec_at(m, ri);
	} else {
		for (i = 0; i < m->r.nrecs; i++) {
			const struct rec *r = rec_at(m, i);

			if (r->live && &m->procs[r->proc] == p)
				v[n++] = r;
		}
		qsort((void *)v, n, sizeof *v, cmp_rec);
	}
	for (i = 0; i < n; i++) {
		o = pobj_at(m, v[i]->pobj);
		sb_printf(b, "0x%llx %s %s ", ULL(v[i]->vpn << m->c.page_bits),
		    perm_text(v[i]->perm, pm), v[i]->user ? "user" : "kernel");
		if (o->frame == NONE64)
			sb_printf(b, "on disk (slot %u)", v[i]->pobj);
		else
			sb_printf(b, "frame 0x%llx", ULL(o->frame));
		if (m->c.pt == PT_RADIX) {
			pte = phys_read(m, v[i]->pte_pa, m->c.pte);
			pt_flags_text(m, pte, true, fl, sizeof fl);
			sb_printf(b, "  entry at 0x%llx = 0x%llx (%s)",
			    ULL(v[i]->pte_pa), ULL(pte), fl);
		}
		if (m->cpu != m && o->frame != NONE64)
			show_vmm_side(m, p, v[i]->vpn, o->frame, b);
		sb_printf(b, "\n");
	}
	if (n == 0)
		sb_printf(b, "(no pages mapped)\n");
	free((void *)v);
}

/* The name of the guest with that VPID (or ASID), or "?". */
static const char *
vm_name_of(const struct machine *m, unsigned vpid)
{
	uint32_t i;

	for (i = 0; i < m->r.nvms; i++)
		if (m->vms[i]->vpid == vpid)
			return m->vms[i]->vmname;
	return "?";
}

static void
show_frames(const struct machine *m, struct strbuf *b, size_t limit,
    uint64_t around)
{
	const struct frame *fr;
	const struct pobj *o;
	const struct rec *r;
	const struct tframe *t;
	uint64_t f, top, first = 0, last = m->c.frames, tlast;

	if (m->cpu != m)	/* a guest's own memory, in guest frames */
		sb_printf(b, "guest %s's pool: %llu guest frames, %llu free, "
		    "policy %s\n", m->vmname, ULL(m->c.frames),
		    ULL(m->r.nfree), policy_name(m->c.policy));
	else
		sb_printf(b, "pool: %llu frames, %llu free, policy %s\n",
		    ULL(m->c.frames), ULL(m->r.nfree),
		    policy_name(m->c.policy));
	if (limit != 0 && m->c.frames > limit) {
		/* a pane's worth of frames around the one in view */
		first = around > limit / 2 ? around - limit / 2 : 0;
		if (first + limit > m->c.frames)
			first = m->c.frames - limit;
		last = first + limit;
	}
	for (f = first; f < last; f++) {
		fr = &m->frames[f];
		if (fr->pobj == 0) {
			/* a run of free frames on one line; the clock hand
			 * is marked with '>' */
			for (top = f; top + 1 < m->c.frames &&
			    m->frames[top + 1].pobj == 0 &&
			    !(m->c.policy == POL_CLOCK && m->r.hand == top + 1);
			    top++)
				;
			sb_printf(b, "%s0x%llx", m->c.policy == POL_CLOCK &&
			    m->r.hand == f ? ">" : " ", ULL(f));
			if (top > f)
				sb_printf(b, "..0x%llx", ULL(top));
			sb_printf(b, " free\n");
			f = top;
			continue;
		}
		o = pobj_at(m, fr->pobj - 1);
		r = rec_at(m, o->mappers - 1);
		sb_printf(b, "%s0x%llx %s:0x%llx%s use %u dirty %u\n",
		    m->c.policy == POL_CLOCK && m->r.hand == f ? ">" : " ",
		    ULL(f), m->procs[r->proc].name,
		    ULL(r->vpn << m->c.page_bits), r->next ? " (shared)" : "",
		    fr->use, fr->dirty);
	}
	/* frames above the pool, from the top down; a run of one guest's
	 * memory is one line */
	top = m->c.total_frames;
	tlast = 0;
	for (f = 0; f < m->r.ntframes && (limit == 0 || tlast < limit); f++) {
		t = tframe_at(m, top - 1 - f);
		if (!t->first)
			continue;
		tlast++;
		if (t->kind == TF_TABLE)
			sb_printf(b, " 0x%llx table L%u of %s\n",
			    ULL(top - 1 - f), t->level,
			    m->procs[t->proc].name);
		else if (t->kind == TF_GUEST) {
			uint64_t g = f, h = f;
			const struct tframe *u;

			/* the run: the frames above that continue this
			 * block (the scan skipped them), and the guest's
			 * blocks below it */
			while (h > 0 && (u = tframe_at(m, top - h))->kind ==
			    TF_GUEST && u->proc == t->proc && !u->first)
				h--;
			while (g + 1 < m->r.ntframes && tframe_at(m, top - 2 -
			    g)->kind == TF_GUEST && tframe_at(m, top - 2 -
			    g)->proc == t->proc)
				g++;
			sb_printf(b, " 0x%llx", ULL(top - 1 - g));
			if (g != h)
				sb_printf(b, "..0x%llx", ULL(top - 1 - h));
			sb_printf(b, " memory of guest %s (%s %u)\n",
			    vm_name_of(m, t->proc), amd(m) ? "ASID" : "vpid",
			    t->proc);
			f = g;
		} else if (t->kind == TF_EPT || t->kind == TF_SHADOW)
			sb_printf(b, " 0x%llx %s L%u of guest %s\n",
			    ULL(top - 1 - f), t->kind == TF_EPT ?
			    (amd(m) ? "NPT table" : "EPT table") :
			    "shadow table", t->level, vm_name_of(m, t->proc));
		else
			sb_printf(b, " 0x%llx %s\n", ULL(top - 1 - f),
			    t->kind == TF_ANCHOR ? "hash anchor table" :
			    "inverted table");
	}
}

static void
show_disk(const struct machine *m, struct strbuf *b)
{
	const struct pobj *o;
	const struct rec *r;
	uint32_t i, n = 0;

	for (i = 0; i < m->r.npobjs; i++) {
		o = pobj_at(m, i);
		if (!o->live || o->mappers == 0)
			continue;
		if (o->frame != NONE64 && !o->on_disk)
			continue;
		r = rec_at(m, o->mappers - 1);
		sb_printf(b, "slot %u: %s:0x%llx %s\n", i,
		    m->procs[r->proc].name, ULL(r->vpn << m->c.page_bits),
		    o->frame == NONE64 ? (o->on_disk ? "on disk" :
		    "on disk (zeros, never written)") :
		    "resident; disk copy kept");
		n++;
	}
	if (n == 0)
		sb_printf(b, "(disk empty)\n");
}

static void
show_vmcs(const struct machine *m, struct strbuf *b)
{
	const struct machine *g;
	const struct vmcs *v;
	unsigned i;

	sb_printf(b, "mode %s\n", mode_words[m->r.mode]);
	if (m->r.guest == 0) {
		sb_printf(b, "no guest has run yet%s\n", m->r.nvms ? "" :
		    " (and none exists)");
		return;
	}
	g = m->vms[m->r.guest - 1];
	v = &g->vmcs;
	sb_printf(b, "%s of %s (%s %u), %s\n", amd(m) ? "VMCB" : "VMCS",
	    g->vmname, amd(m) ? "ASID" : "VPID", g->vpid, v->launched ?
	    "launched" : "clear");
	sb_printf(b, "guest state: CR3 0x%llx, GDTR base 0x%llx, IF %u "
	    "(the guest believes %u)\n", ULL(v->guest_cr3),
	    ULL(v->guest_gdtr), v->real_if, v->want_if);
	sb_printf(b, "host state: CR3 0x%llx, GDTR base 0x%llx\n",
	    ULL(v->host_cr3), ULL(v->host_gdtr));
	sb_printf(b, "controls:");
	for (i = 0; i < CTL_N; i++)
		sb_printf(b, " %s=%s", vmcs_ctl_names[i], v->ctl[i] ? "on" :
		    "off");
	sb_printf(b, "\n");
	if (v->eptp)
		sb_printf(b, "%s 0x%llx\n", amd(m) ? "nCR3" : "EPTP",
		    ULL(v->eptp));
	if (v->exit_valid) {
		sb_printf(b, "last exit: reason %llu (%s)", ULL(v->exit_reason),
		    exit_word((unsigned)v->exit_reason));
		if (amd(m))
			sb_printf(b, ", SVM exit code 0x%x",
			    svm_code((unsigned)v->exit_reason));
		sb_printf(b, ", qualification 0x%llx", ULL(v->exit_qual));
		if (v->exit_reason == EXIT_EXCEPTION)
			sb_printf(b, ", #PF error code 0x%llx",
			    ULL(v->exit_err));
		if (v->gla_valid)
			sb_printf(b, ", guest-linear 0x%llx", ULL(v->exit_gla));
		if (v->gpa_valid)
			sb_printf(b, ", guest-physical 0x%llx",
			    ULL(v->exit_gpa));
		sb_printf(b, "\n");
	}
	sb_printf(b, "exits %llu:", ULL(m->r.exits));
	for (i = 0; i < N_EXIT_NAMES; i++)
		if (m->r.exits_by[i])
			sb_printf(b, " %s %llu", engine_exit_names[i],
			    ULL(m->r.exits_by[i]));
	sb_printf(b, "\n");
}

int
engine_show(const struct engine *e, const char *what, struct strbuf *b,
    struct verr *err)
{
	return engine_show_n(e, what, 0, 0, b, err);
}

int
engine_show_n(const struct engine *e, const char *what, size_t limit,
    size_t width, struct strbuf *b, struct verr *err)
{
	const struct machine *m = e->m;
	const struct last *l = &m->r.last;
	uint64_t near_frame = l->has_pa ? l->gpa >> m->c.page_bits :
	    m->r.hand;

	if (strcmp(what, "stats") == 0)
		show_stats(m, b);
	else if (strcmp(what, "tlb") == 0)
		show_tlb(m, b, width);
	else if (strcmp(what, "pt") == 0) {
		/* In root mode with no host process (the VMM handling an
		 * exit), the guest last run is the table worth seeing. */
		if (query_os(m) == m && os_cur(m) == NULL && m->r.guest != 0) {
			sb_printf(b, "root mode: the table of guest %s, last "
			    "run\n", m->vms[m->r.guest - 1]->vmname);
			show_pt(m->vms[m->r.guest - 1], b, limit, l->vpn);
		} else
			show_pt(query_os(m), b, limit, l->vpn);
	}
	else if (strcmp(what, "frames") == 0)
		show_frames(query_os(m), b, limit, near_frame);
	else if (strcmp(what, "disk") == 0)
		show_disk(query_os(m), b);
	else if (strcmp(what, "vmcs") == 0)
		show_vmcs(m, b);
	else
		return verr_set(err, NULL, "show: '%s' is not one of tlb, pt, "
		    "frames, disk, vmcs, stats", what);
	return 0;
}

void
engine_entry_text(const struct engine *e, uint64_t entry, unsigned level,
    struct strbuf *b)
{
	const struct machine *m = e->m;
	uint64_t frame = pt_next(m, entry) >> m->c.page_bits;

	if (m->c.format != FMT_X86) {
		sb_printf(b, "entry 0x%llx: V %d | frame 0x%llx\n",
		    ULL(entry), (entry & m->valid_bit) != 0, ULL(frame));
		return;
	}
	sb_printf(b, "entry 0x%llx:", ULL(entry));
	if (m->has_nx)
		sb_printf(b, " NX %d |", (entry & X86_NX) != 0);
	sb_printf(b, " frame 0x%llx |", ULL(frame));
	if (level == m->levels)		/* dirty: a leaf's bit only */
		sb_printf(b, " D %d", (entry & X86_D) != 0);
	sb_printf(b, " A %d U %d W %d P %d\n", (entry & X86_A) != 0,
	    (entry & X86_U) != 0, (entry & X86_W) != 0, (entry & X86_P) != 0);
}

void
engine_ept_entry_text(const struct engine *e, uint64_t entry,
    struct strbuf *b)
{
	const struct machine *m = e->m;
	uint64_t frame = pt_next(m, entry) >> m->c.page_bits;

	if (m->c.format != FMT_X86) {
		engine_entry_text(e, entry, (unsigned)m->levels, b);
		return;
	}
	sb_printf(b, "%s entry 0x%llx: host frame 0x%llx | X %d W %d R "
	    "%d\n", amd(m) ? "NPT" : "EPT", ULL(entry), ULL(frame),
	    (entry & 4) != 0,
	    (entry & 2) != 0, (entry & 1) != 0);
}

/* ---- a fingerprint of the state, for tests of back ---- */

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = (const uint8_t *)p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void
hash_chunk(uint64_t addr, const uint8_t *c, void *arg)
{
	uint64_t *acc = (uint64_t *)arg, h;
	size_t i;

	for (i = 0; i < MEM_CHUNK; i++)
		if (c[i] != 0)
			break;
	if (i == MEM_CHUNK)
		return;		/* a zero chunk is the same as none */
	h = fnv(0xcbf29ce484222325ULL, &addr, sizeof addr);
	*acc += fnv(h, c, MEM_CHUNK);
}

static uint64_t
machine_hash(const struct machine *m, uint64_t h)
{
	uint64_t mem = 0, disk = 0;
	uint32_t i;

	h = fnv(h, &m->r, sizeof m->r);
	if (m->cpu != m) {
		h = fnv(h, &m->vmcs, sizeof m->vmcs);
		h = fnv(h, m->backing, (size_t)m->gframes * sizeof *m->backing);
		if (m->shadow_of != NULL)
			h = fnv(h, m->shadow_of, (size_t)m->gframes *
			    sizeof *m->shadow_of);
	}
	for (i = 0; m->cpu == m && i < m->r.nvms; i++)
		h = machine_hash(m->vms[i], h);
	mem_each(m->phys, hash_chunk, &mem);
	mem_each(m->disk, hash_chunk, &disk);
	h = fnv(h, &mem, sizeof mem);
	h = fnv(h, &disk, sizeof disk);
	h = fnv(h, m->frames, (size_t)m->c.frames * sizeof *m->frames);
	h = fnv(h, m->tlb, m->c.tlb * sizeof *m->tlb);
	h = fnv(h, m->procs, m->r.nprocs * sizeof *m->procs);
	for (i = 0; i < m->r.nrecs; i++)
		h = fnv(h, rec_at(m, i), sizeof(struct rec));
	for (i = 0; i < m->r.npobjs; i++)
		h = fnv(h, pobj_at(m, i), sizeof(struct pobj));
	for (i = 0; i < m->r.ntframes; i++)
		h = fnv(h, tframe_at(m, m->c.total_frames - 1 - i),
		    sizeof(struct tframe));
	return h;
}

uint64_t
engine_state_hash(const struct engine *e)
{
	return machine_hash(e->m, 0xcbf29ce484222325ULL);
}

void
engine_stats(const struct engine *e, struct engine_stats *st)
{
	const struct machine *m = e->m, *x = query_os(m);
	unsigned i;

	memset(st, 0, sizeof *st);
	st->accesses = m->r.accesses;
	st->tlb_hits = m->r.tlb_hits;
	st->tlb_misses = m->r.tlb_misses;
	st->refs = m->r.refs_total;
	st->faults = x->r.faults;
	st->writebacks = x->r.writebacks;
	st->exits = m->r.exits;
	st->cycles = m->r.cycles;
	st->reads = m->r.by_acc[ACC_READ];
	st->writes = m->r.by_acc[ACC_WRITE];
	st->fetches = m->r.by_acc[ACC_EXEC];
	for (i = 0; i < N_EXIT_NAMES; i++)
		st->exits_by[i] = m->r.exits_by[i];
}

size_t
engine_list(const struct engine *e, const char *what, const char **out,
    size_t max)
{
	const struct machine *m = e->m, *x = query_os(m);
	size_t n = 0;
	uint32_t i;

	if (strcmp(what, "vm") == 0) {
		for (i = 0; i < m->r.nvms && n < max; i++)
			out[n++] = m->vms[i]->vmname;
	} else
		for (i = 0; i < x->r.nprocs && n < max; i++)
			if (x->procs[i].live)
				out[n++] = x->procs[i].name;
	return n;
}
