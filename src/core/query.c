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
	const struct machine *m = e->m;
	const struct regs *r = &m->r;
	const struct last *l = &r->last;
	unsigned long n;
	char *end;
	int i;

	memset(q, 0, sizeof *q);
	if (strcmp(name, "pa") == 0 || strcmp(name, "gpa") == 0)
		return l->has_pa ? num(q, l->pa) : none(q);
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
		return l->has_pte ? num(q, phys_read(m, l->pte_addr,
		    m->c.pt == PT_INVERTED ? 8 : m->c.pte)) : none(q);
	if (strcmp(name, "pf.code") == 0)
		return r->pf_valid ? num(q, r->pf_code) : none(q);
	if (strcmp(name, "exit") == 0 || strcmp(name, "exit.code") == 0 ||
	    strcmp(name, "insn") == 0 || strcmp(name, "hypercall") == 0)
		return none(q);
	if (strcmp(name, "mode") == 0)
		return word(q, "none");
	if (strncmp(name, "exits.", 6) == 0) {
		for (i = 0; engine_exit_names[i] != NULL; i++)
			if (strcmp(name + 6, engine_exit_names[i]) == 0)
				return num(q, 0);
		return verr_set(err, NULL, "%s: no such exit reason", name);
	}
	if (strcmp(name, "accesses") == 0)
		return num(q, r->accesses);
	if (strcmp(name, "tlb.hits") == 0)
		return num(q, r->tlb_hits);
	if (strcmp(name, "tlb.misses") == 0)
		return num(q, r->tlb_misses);
	if (strcmp(name, "faults") == 0)
		return num(q, r->faults);
	if (strcmp(name, "writebacks") == 0)
		return num(q, r->writebacks);
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
	sb_printf(b, " (%s, asid %llu): vpn 0x%llx offset 0x%llx",
	    (ev->d & 0x100) ? "kernel" : "user", ULL(ev->e), ULL(ev->b),
	    ULL(ev->c));
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
	case FAULT_SEGV:
		sb_printf(b, "the OS has no page there: segmentation fault");
		break;
	case FAULT_PROTECTION:
		sb_printf(b, (ev->flags & EVF_PRESENT) ? "protection fault" :
		    "the OS forbids this access: protection fault");
		break;
	default:
		sb_printf(b, "the page is on disk: page fault");
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
		sb_printf(b, "%s 0x%llx", ev->kind == EV_MAP ? "map" : "share",
		    ULL(ev->a));
		if (ev->kind == EV_SHARE)
			sb_printf(b, " (the page of %s)",
			    proc_name_by_asid(m, ev->d));
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
		sb_printf(b, "TLB probe asid %llu vpn 0x%llx set %llu: hit in "
		    "way %llu -> frame 0x%llx", ULL(ev->e), ULL(ev->a),
		    ULL(ev->c), ULL(ev->d), ULL(ev->b));
		break;
	case EV_TLB_MISS:
		sb_printf(b, "TLB probe asid %llu vpn 0x%llx set %llu: miss",
		    ULL(ev->e), ULL(ev->a), ULL(ev->c));
		break;
	case EV_WALK:
		pt_flags_text(m, ev->b, (ev->flags & EVF_LEAF) != 0, fl,
		    sizeof fl);
		sb_printf(b, "walk L%u: entry %llu at 0x%llx = 0x%llx (%s)",
		    ev->level, ULL(ev->c), ULL(ev->a), ULL(ev->b), fl);
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
	const struct regs *r = &m->r;
	double probes = (double)(r->tlb_hits + r->tlb_misses);

	sb_printf(b, "accesses %llu\n", ULL(r->accesses));
	sb_printf(b, "tlb.hits %llu (%.1f%%)\n", ULL(r->tlb_hits),
	    probes > 0 ? 100.0 * (double)r->tlb_hits / probes : 0.0);
	sb_printf(b, "tlb.misses %llu\n", ULL(r->tlb_misses));
	sb_printf(b, "page-table refs %llu (%.2f per access)\n",
	    ULL(r->refs_total), r->accesses ? (double)r->refs_total /
	    (double)r->accesses : 0.0);
	sb_printf(b, "faults %llu\n", ULL(r->faults));
	sb_printf(b, "writebacks %llu\n", ULL(r->writebacks));
	sb_printf(b, "exits %llu\n", ULL(r->exits));
	sb_printf(b, "cycles %llu\n", ULL(r->cycles));
	sb_printf(b, "effective access time %.1f cycles per access\n",
	    r->accesses ? (double)r->cycles / (double)r->accesses : 0.0);
}

static void
show_tlb(const struct machine *m, struct strbuf *b)
{
	const struct tlbe *t;
	unsigned i, n = 0;

	if (m->c.tlb == 0) {
		sb_printf(b, "no TLB (tlb=0): every access walks the table\n");
		return;
	}
	sb_printf(b, "TLB: %u entries, %u set%s of %u way%s, %s, tags %s\n",
	    m->c.tlb, m->tlb_sets, m->tlb_sets == 1 ? "" : "s", m->tlb_ways,
	    m->tlb_ways == 1 ? "" : "s", tlb_policy_name(m->c.tlb_policy),
	    m->c.tlb_tags ? "on" : "off");
	sb_printf(b, "set way asid vpn                frame      rights d\n");
	for (i = 0; i < m->c.tlb; i++) {
		t = &m->tlb[i];
		if (!t->valid)
			continue;
		n++;
		sb_printf(b, "%3u %3u %4u 0x%-16llx 0x%-8llx %s%s%s%s %s\n",
		    i / m->tlb_ways, i % m->tlb_ways, t->asid, ULL(t->vpn),
		    ULL(t->frame), "r", t->w ? "w" : "-", t->nx ? "-" : "x",
		    t->u ? "u" : "k", t->dirty ? "D" : ".");
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

static void
show_pt(const struct machine *m, struct strbuf *b)
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
	v = (const struct rec **)malloc((m->r.nrecs + 1) * sizeof *v);
	if (v == NULL) {
		b->failed = true;
		return;
	}
	for (i = 0; i < m->r.nrecs; i++) {
		const struct rec *r = rec_at(m, i);

		if (r->live && &m->procs[r->proc] == p)
			v[n++] = r;
	}
	qsort((void *)v, n, sizeof *v, cmp_rec);
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
		sb_printf(b, "\n");
	}
	if (n == 0)
		sb_printf(b, "(no pages mapped)\n");
	free((void *)v);
}

static void
show_frames(const struct machine *m, struct strbuf *b)
{
	const struct frame *fr;
	const struct pobj *o;
	const struct rec *r;
	const struct tframe *t;
	uint64_t f, top;

	sb_printf(b, "pool: %llu frames, %llu free, policy %s\n",
	    ULL(m->c.frames), ULL(m->r.nfree), policy_name(m->c.policy));
	for (f = 0; f < m->c.frames; f++) {
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
	top = m->c.total_frames;
	for (f = 0; f < m->r.ntframes; f++) {
		t = tframe_at(m, top - 1 - f);
		if (!t->first)
			continue;
		if (t->kind == TF_TABLE)
			sb_printf(b, " 0x%llx table L%u of %s\n",
			    ULL(top - 1 - f), t->level,
			    m->procs[t->proc].name);
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

int
engine_show(const struct engine *e, const char *what, struct strbuf *b,
    struct verr *err)
{
	const struct machine *m = e->m;

	if (strcmp(what, "stats") == 0)
		show_stats(m, b);
	else if (strcmp(what, "tlb") == 0)
		show_tlb(m, b);
	else if (strcmp(what, "pt") == 0)
		show_pt(m, b);
	else if (strcmp(what, "frames") == 0)
		show_frames(m, b);
	else if (strcmp(what, "disk") == 0)
		show_disk(m, b);
	else if (strcmp(what, "vmcs") == 0)
		sb_printf(b, "no guest: VMX is off (mode none)\n");
	else
		return verr_set(err, NULL, "show: '%s' is not one of tlb, pt, "
		    "frames, disk, vmcs, stats", what);
	return 0;
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

uint64_t
engine_state_hash(const struct engine *e)
{
	const struct machine *m = e->m;
	uint64_t h = 0xcbf29ce484222325ULL, mem = 0, disk = 0;
	uint32_t i;

	h = fnv(h, &m->r, sizeof m->r);
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
