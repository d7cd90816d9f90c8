/*
 * check.c - what engine_submit() refuses, decided against the machine as
 * it stands before anything changes: no process, an address outside the
 * address space or not canonical, a page mapped twice or not mapped, a
 * frame that is not free, rights an entry format cannot express, a pool
 * or table space too small.  An operation that passes cannot fail half
 * way.
 */
#include <stdio.h>
#include <string.h>

#include "engine_int.h"

#define MAX_PAGES ((uint64_t)1 << 20)

/*
 * The memory limit (mconfig.max_memory): host bytes that one more page
 * takes besides its slot in the (process, page) map (rmap_bytes), and
 * that one access may add at most (a page touched for the first time, a
 * chunk of memory written, a chunk of disk for a victim written back, a
 * chunk of table for each level of entries the OS writes).
 */
#define PAGE_BYTES (sizeof(struct rec) + sizeof(struct pobj))
#define ACCESS_SURE 256u	/* accesses access_sure answers for */
#define ACCESS_BYTES(m) (PAGE_BYTES + 4 * sizeof(struct rmap_slot) + \
	((m)->levels + 2) * MEM_CHUNK)

/* What pages more records add to m's (process, page) map, which is kept
 * at most 3/4 full and doubles as it grows, the old table and the new
 * one both held while it is copied. */
static uint64_t
rmap_bytes(const struct machine *m, uint64_t pages)
{
	uint64_t cap = m->rmap_cap, n = m->rmap_n + pages;

	while ((n + 1) * 4 > cap * 3)
		cap *= 2;
	return cap == m->rmap_cap ? 0 : (cap + m->rmap_cap) *
	    sizeof(struct rmap_slot);
}

static const char *
op_word(enum op_kind k)
{
	static const char *const w[] = { "process", "switch", "map", "unmap",
		"protect", "share", "poke", "read", "write", "exec", "vm",
		"vmxon", "vmxoff", "vmlaunch", "vmresume", "interrupt", "insn",
		"vmcs" };

	return w[k];
}

/* Is va an address of this machine's address space? */
static int
check_va(const struct machine *m, const char *cmd, const char *arg,
    uint64_t va, struct verr *err)
{
	unsigned n = m->c.va;
	uint64_t top;

	if (n == 64)
		return 0;
	if (n == 48 || n == 57) {
		top = va >> (n - 1);
		if (top == 0 || top == (~0ull >> (n - 1)))
			return 0;
		return verr_set(err, arg, "%s: 0x%llx is not canonical: with "
		    "va=%u, bits 63..%u must all equal bit %u (addresses run "
		    "0 .. 0x%llx and 0x%llx .. 0xffffffffffffffff)", cmd,
		    (unsigned long long)va, n, n - 1, n - 1,
		    (unsigned long long)((1ull << (n - 1)) - 1),
		    (unsigned long long)(~0ull << (n - 1)));
	}
	if (va >> n)
		return verr_set(err, arg, "%s: 0x%llx is outside the %u-bit "
		    "virtual address space (0 .. 0x%llx)", cmd,
		    (unsigned long long)va, n,
		    (unsigned long long)((1ull << n) - 1));
	return 0;
}

/* Check a range of pages starting at va; *vpn gets the first page. */
static int
check_range(const struct machine *m, const struct op *o, uint64_t va,
    const char *arg, uint64_t *vpn, struct verr *err)
{
	const char *cmd = op_word(o->kind);
	uint64_t last, half;

	if (check_va(m, cmd, arg, va, err) != 0)
		return -1;
	if (va & (m->c.page - 1))
		return verr_set(err, arg, "%s: 0x%llx is not page-aligned "
		    "(page=%llu): its page starts at 0x%llx", cmd,
		    (unsigned long long)va, (unsigned long long)m->c.page,
		    (unsigned long long)(va & ~(m->c.page - 1)));
	if (o->pages == 0 || o->pages > MAX_PAGES)
		return verr_set(err, "pages", "%s: pages=%llu: 1 to %llu pages "
		    "at a time", cmd, (unsigned long long)o->pages,
		    (unsigned long long)MAX_PAGES);
	*vpn = vpn_of_va_m(m, va);
	last = *vpn + o->pages - 1;
	if (m->c.va < 64 && (last >> (m->c.va - m->c.page_bits)) != 0)
		return verr_set(err, "pages", "%s: %llu pages from 0x%llx run "
		    "past the end of the address space", cmd,
		    (unsigned long long)o->pages, (unsigned long long)va);
	if (m->c.va == 48 || m->c.va == 57) {
		half = 1ull << (m->c.va - 1 - m->c.page_bits);
		if ((*vpn < half) != (last < half))
			return verr_set(err, "pages", "%s: %llu pages from "
			    "0x%llx run into the non-canonical hole",
			    cmd, (unsigned long long)o->pages,
			    (unsigned long long)va);
	}
	return 0;
}

/* Do pages vpn.. reach into the top of the address space a pv guest's
 * VMM keeps: 64 MiB, or a sixteenth of a smaller space. */
static bool
pv_reserved(const struct machine *m, uint64_t vpn, uint64_t pages)
{
	unsigned bits = m->c.va - m->c.page_bits;	/* vpn bits */
	uint64_t nvpn = bits >= 64 ? ~0ull : (1ull << bits) - 1;
	uint64_t keep = ((uint64_t)64 << 20) >> m->c.page_bits;

	if (keep == 0)
		keep = 1;
	if (bits < 64 && keep > ((nvpn + 1) >> 4))
		keep = (nvpn + 1) >> 4 ? (nvpn + 1) >> 4 : 1;
	return vpn + pages - 1 > nvpn - keep;
}

static int
need_proc(const struct machine *m, const char *cmd, struct verr *err)
{
	if (m->r.cur == 0)
		return verr_set(err, NULL, "%s: there is no process yet: "
		    "create one with 'process NAME'", cmd);
	return 0;
}

static int
check_perm(const struct machine *m, const char *cmd, unsigned perm,
    bool user, struct verr *err)
{
	if (m->c.format == FMT_SIMPLE) {
		if ((perm & (PERM_R | PERM_W)) != (PERM_R | PERM_W))
			return verr_set(err, "perm", "%s: pte.format=simple "
			    "entries have no permission bits: every page is "
			    "readable and writable (use pte.format=x86)", cmd);
		if (!user)
			return verr_set(err, "kernel", "%s: pte.format=simple "
			    "entries have no user/supervisor bit (use "
			    "pte.format=x86)", cmd);
	}
	if (!(perm & PERM_R))
		return verr_set(err, "perm", "%s: x86 entries cannot make a "
		    "present page unreadable: perm needs r", cmd);
	return 0;
}

static int
check_tables(struct machine *m, const char *cmd, uint32_t proc, uint64_t vpn,
    uint64_t pages, const struct check_hist *hist, struct verr *err)
{
	uint64_t need = os_missing_tables(m, proc, vpn, pages);
	char what[64];

	/* the pages, their tables' bookkeeping, and the chunks their
	 * entries are written in */
	snprintf(what, sizeof what, "%llu more page%s",
	    (unsigned long long)pages, pages == 1 ? "" : "s");
	if (check_memory(m, cmd, what, hist, pages * PAGE_BYTES +
	    rmap_bytes(m, pages) + need * sizeof(struct tframe) + (pages * m->c.pte / MEM_CHUNK +
	    m->levels + 1) * MEM_CHUNK, err) != 0)
		return -1;
	if (need > os_tframes_left(m))
		return verr_set(err, NULL, "%s: the page tables need %llu more "
		    "frame%s, but only %llu %s left above the pool of %llu "
		    "frames (pa=%u): give a larger pa or fewer frames", cmd,
		    (unsigned long long)need, need == 1 ? "" : "s",
		    (unsigned long long)os_tframes_left(m),
		    os_tframes_left(m) == 1 ? "is" : "are",
		    (unsigned long long)m->c.frames, m->c.pa);
	if (pool_reserve(m, (uint32_t)pages, (uint32_t)pages, need) != 0)
		return verr_set(err, NULL, "%s: out of memory", cmd);
	return 0;
}

static int
check_map(struct machine *m, const struct op *o, const struct check_hist *hist,
    struct verr *err)
{
	uint32_t p = m->r.cur - 1;
	uint64_t vpn, i, f;

	if (need_proc(m, "map", err) != 0 ||
	    check_range(m, o, o->va, "va", &vpn, err) != 0 ||
	    check_perm(m, "map", o->perm, o->user, err) != 0)
		return -1;
	for (i = 0; i < o->pages; i++)
		if (os_lookup(m, p, vpn + i) != NONE32)
			return verr_set(err, i == 0 ? "va" : "pages", "map: "
			    "0x%llx is already mapped in %s",
			    (unsigned long long)((vpn + i) << m->c.page_bits),
			    m->procs[p].name);
	if (o->disk && o->frame >= 0)
		return verr_set(err, "frame", "map: a page is either in a "
		    "frame or on disk, not both");
	if (pv_guest(m) && pv_reserved(m, vpn, o->pages))
		return verr_set(err, "va", "map: the VMM reserves the top 64 "
		    "MiB of every pv guest's address space (Xen lives there, "
		    "so a hypercall needs no address-space switch)");
	if (!o->disk && o->frame >= 0 && pv_guest(m) &&
	    (uint64_t)o->frame >= m->c.frames)
		;	/* not the guest's to give: the hypercall is refused */
	else if (!o->disk && o->frame >= 0) {
		if ((uint64_t)o->frame >= m->c.frames ||
		    o->pages > m->c.frames - (uint64_t)o->frame)
			return o->pages == 1 ? verr_set(err, "frame", "map: "
			    "frame %lld is outside the pool of %llu frames "
			    "(0..%llu)", (long long)o->frame,
			    (unsigned long long)m->c.frames,
			    (unsigned long long)m->c.frames - 1) :
			    verr_set(err, "frame", "map: frames %lld..%lld "
			    "are outside the pool of %llu frames (0..%llu)",
			    (long long)o->frame, (long long)o->frame +
			    (long long)o->pages - 1,
			    (unsigned long long)m->c.frames,
			    (unsigned long long)m->c.frames - 1);
		for (i = 0; i < o->pages; i++) {
			f = (uint64_t)o->frame + i;
			if (m->frames[f].pobj != 0)
				return verr_set(err, "frame", "map: frame %llu "
				    "is not free", (unsigned long long)f);
		}
	}
	if (!o->disk && o->frame < 0 && o->pages > m->r.nfree)
		return verr_set(err, "pages", "map: %llu page%s need%s as many "
		    "free frames, but only %llu of the pool's %llu %s free: "
		    "map them on disk with 'disk' or unmap pages first",
		    (unsigned long long)o->pages, o->pages == 1 ? "" : "s",
		    o->pages == 1 ? "s" : "",
		    (unsigned long long)m->r.nfree,
		    (unsigned long long)m->c.frames,
		    m->r.nfree == 1 ? "is" : "are");
	return check_tables(m, "map", p, vpn, o->pages, hist, err);
}

static int
check_mapped(struct machine *m, const struct op *o, struct verr *err)
{
	const char *cmd = op_word(o->kind);
	uint32_t p = m->r.cur - 1;
	uint64_t vpn, i;

	if (need_proc(m, cmd, err) != 0 ||
	    check_range(m, o, o->va, "va", &vpn, err) != 0)
		return -1;
	for (i = 0; i < o->pages; i++)
		if (os_lookup(m, p, vpn + i) == NONE32)
			return verr_set(err, i == 0 ? "va" : "pages", "%s: "
			    "0x%llx is not mapped in %s", cmd,
			    (unsigned long long)((vpn + i) << m->c.page_bits),
			    m->procs[p].name);
	if (o->kind == OP_PROTECT) {
		for (i = 0; i < o->pages; i++)
			if (check_perm(m, cmd, o->perm, rec_at(m, os_lookup(m,
			    p, vpn + i))->user, err) != 0)
				return -1;
	}
	return 0;
}

static int
check_share(struct machine *m, const struct op *o,
    const struct check_hist *hist,
    struct verr *err)
{
	uint32_t p = m->r.cur - 1, q;
	uint64_t vpn2;
	struct op one = *o;

	if (need_proc(m, "share", err) != 0)
		return -1;
	if (m->c.pt == PT_INVERTED)
		return verr_set(err, NULL, "share: an inverted table holds one "
		    "mapping per frame, so it cannot share a frame between "
		    "two pages (use pt=radix)");
	q = os_find_proc(m, o->name);
	if (q == NONE32)
		return verr_set(err, "name", "share: there is no process "
		    "named '%s'", o->name);
	one.pages = 1;
	if (check_range(m, &one, o->va, "va", &vpn2, err) != 0)
		return -1;
	if (os_lookup(m, q, vpn_of_va_m(m, o->va)) == NONE32)
		return verr_set(err, "va", "share: %s has no page at 0x%llx",
		    o->name, (unsigned long long)o->va);
	if (check_range(m, &one, o->va2, "at", &vpn2, err) != 0)
		return -1;
	if (os_lookup(m, p, vpn2) != NONE32)
		return verr_set(err, "at", "share: 0x%llx is already mapped in "
		    "%s", (unsigned long long)o->va2, m->procs[p].name);
	return check_tables(m, "share", p, vpn2, 1, hist, err);
}

static int
check_process(struct machine *m, const struct op *o,
    const struct check_hist *hist,
    struct verr *err)
{
	uint32_t i;

	if (os_find_proc(m, o->name) != NONE32)
		return verr_set(err, "name", "process: a process named '%s' "
		    "exists already (use 'switch %s')", o->name, o->name);
	if (m->r.nprocs >= MAX_PROCS)
		return verr_set(err, NULL, "process: at most %d processes",
		    MAX_PROCS);
	if (o->asid >= 0) {
		if (o->asid == 0 || o->asid > 65535)
			return verr_set(err, "asid", "process: asid=%lld: "
			    "ASIDs run from 1 to 65535 (0 is the host's)",
			    (long long)o->asid);
		for (i = 0; i < m->r.nprocs; i++)
			if (m->procs[i].live &&
			    m->procs[i].asid == (uint32_t)o->asid)
				return verr_set(err, "asid", "process: asid "
				    "%lld is taken by process '%s' (leave asid= "
				    "out to get a free one)",
				    (long long)o->asid, m->procs[i].name);
	}
	if (o->root >= 0) {
		if (m->c.pt == PT_INVERTED)
			return verr_set(err, "root", "process: root= names a "
			    "page-table root, and an inverted table has none");
		if ((uint64_t)o->root >= m->c.total_frames)
			return verr_set(err, "root", "process: root=%lld is "
			    "outside physical memory (frames 0..%llu)",
			    (long long)o->root,
			    (unsigned long long)m->c.total_frames - 1);
		return 0;
	}
	if (m->c.pt == PT_RADIX) {
		if (check_memory(m, "process", "its page table", hist,
		    m->tframes_per[0] * sizeof(struct tframe) +
		    (m->levels + 1) * MEM_CHUNK, err) != 0)
			return -1;
		if (m->tframes_per[0] > os_tframes_left(m))
			return verr_set(err, NULL, "process: no frame left "
			    "above the pool for a page table (pa=%u gives "
			    "%llu frames, the pool takes %llu)", m->c.pa,
			    (unsigned long long)m->c.total_frames,
			    (unsigned long long)m->c.frames);
		if (pool_reserve(m, 0, 0, m->tframes_per[0]) != 0)
			return verr_set(err, NULL, "out of memory");
	}
	return 0;
}

/*
 * Is the memory an access may take - a page of an anon process mapped on
 * its first touch with its tables (check_tables of one page whose whole
 * path is missing), the data it writes (ACCESS_BYTES) - sure to be there,
 * so that the page need not be looked up nor the memory counted?  Only
 * with no history to keep and no guest (a trace's engine): the answer is
 * then made for ACCESS_SURE accesses at once and counted down; any other
 * operation starts the count again (check_sure_forget).
 */
static bool
access_sure_anew(struct machine *m, const char *cmd,
    const struct check_hist *hist)
{
	struct verr quiet;
	uint64_t k = ACCESS_SURE, more = k * ACCESS_BYTES(m);

	if (m->procs[m->r.cur - 1].anon) {
		if (os_tframes_left(m) < k * m->levels ||
		    (!pool_has_room(m, (uint32_t)k, (uint32_t)k, k *
		    m->levels) && pool_reserve(m, (uint32_t)k, (uint32_t)k,
		    k * m->levels) != 0))
			return false;
		more += k * (PAGE_BYTES + m->levels * sizeof(struct tframe) +
		    (m->levels + 1) * MEM_CHUNK) + rmap_bytes(m, k);
	}
	if (check_memory(m, cmd, "", hist, more, &quiet) != 0)
		return false;
	m->access_sure = (uint32_t)k - 1;
	return true;
}

static inline bool
access_sure(struct machine *m, const char *cmd, const struct check_hist *hist)
{
	if (hist->fixed != 0 || hist->copies != 1 || m->cpu != m ||
	    m->r.nvms != 0)
		return false;
	if (m->access_sure > 0) {
		m->access_sure--;
		return true;
	}
	return access_sure_anew(m, cmd, hist);
}

/* Any operation but an access: access_sure's count starts again. */
static void
check_sure_forget(struct machine *h)
{
	h->access_sure = 0;
}


/* An access of machine m, with the history hist describes. */
static int
check_access_in(struct machine *m, const struct op *o,
    const struct check_hist *hist,
    struct verr *err)
{
	const char *cmd = op_word(o->kind);
	uint64_t off, vpn;
	uint32_t p;

	if (need_proc(m, cmd, err) != 0 ||
	    check_va(m, cmd, "va", o->va, err) != 0)
		return -1;
	if (o->size != 1 && o->size != 2 && o->size != 4 && o->size != 8)
		return verr_set(err, "size", "%s: size=%u: an access is 1, 2, "
		    "4 or 8 bytes", cmd, o->size);
	off = o->va & (m->c.page - 1);
	if (off + o->size > m->c.page)
		return verr_set(err, "size", "%s: %u bytes at 0x%llx would "
		    "cross into the next page", cmd, o->size,
		    (unsigned long long)o->va);
	if (o->size < 8 && (o->value >> (8 * o->size)) != 0)
		return verr_set(err, "value", "%s: 0x%llx does not fit in %u "
		    "byte%s", cmd, (unsigned long long)o->value, o->size,
		    o->size == 1 ? "" : "s");
	if (m->cpu->oom)
		return verr_set(err, NULL, "%s: the simulation ran out of "
		    "memory earlier, so the machine is no longer sound", cmd);
	vpn = (o->va & m->va_mask) >> m->c.page_bits;
	p = m->r.cur - 1;
	if (!access_sure(m, cmd, hist)) {
		/* An anon process's first touch of a page maps it: room
		 * for its tables. */
		if (m->procs[p].anon && !o->kernel &&
		    os_lookup(m, p, vpn) == NONE32 &&
		    check_tables(m, cmd, p, vpn, 1, hist, err) != 0)
			return -1;
		/* Only data allocates: a value written (a trace's writes
		 * carry none), which may later be written back to disk; a
		 * guest's accesses (shadow and EPT entries); else nothing
		 * grows. */
		if (((o->kind == OP_WRITE && o->value != 0) || m->cpu != m) &&
		    check_memory(m, cmd, "the access", hist, ACCESS_BYTES(m),
		    err) != 0)
			return -1;
	}
	if (m->c.policy == POL_OPT && (o->fidx == OP_NO_FUTURE ||
	    o->fidx >= m->nfuture))
		return verr_set(err, NULL, "%s: policy=opt needs the future, "
		    "and this access is not part of the file being run", cmd);
	if (m->c.policy == POL_OPT && m->frames != NULL &&
	    pool_reserve(m, 0, 0, 0) != 0)
		return verr_set(err, NULL, "out of memory");
	return 0;
}

/* An access of machine m (engine_run's fast path for the host's, which
 * keeps no history: fast.c). */
int
check_access(struct machine *m, const struct op *o, struct verr *err)
{
	static const struct check_hist none = { 0, 1 };

	return check_access_in(m, o, &none, err);
}

/* Bytes held by the machine m belongs to: the host and its guests. */
static uint64_t
held_bytes(const struct machine *m)
{
	const struct machine *h = m->cpu;
	uint64_t n = machine_bytes(h);
	uint32_t i;

	for (i = 0; i < h->r.nvms; i++)
		n += machine_bytes(h->vms[i]) + h->vms[i]->gframes *
		    2 * sizeof(uint64_t);	/* backing, shadow_of */
	return n;
}

/* engine.c keeps at most this many checkpoints (its MAX_CKPT). */
#define CHECK_CKPT 8

void
check_history(const struct engine *e, struct check_hist *h)
{
	h->fixed = e->capops * sizeof(struct op);
	h->copies = 1;
	if (e->m->jr != NULL) {
		/* a journal grows past its limit and the machine's size
		 * before a checkpoint (a copy) starts the next */
		h->fixed += 2 * e->jr_limit;
		h->copies += CHECK_CKPT + 2;
	}
}

int
check_memory(struct machine *m, const char *cmd, const char *what,
    const struct check_hist *hist, uint64_t more, struct verr *err)
{
	uint64_t max = m->cpu->c.max_memory, held, after, need = 0;
	char a[32], b[32], c[32], h[96];

	if (max == 0)
		return 0;
	held = held_bytes(m);
	after = held + more;
	if (more <= max && after <= max && after <= (max - hist->fixed) /
	    hist->copies && hist->fixed <= max)
		return 0;
	mcfg_size_text(max, a, sizeof a);
	mcfg_size_text(held, b, sizeof b);
	h[0] = '\0';
	if (hist->copies > 1 || hist->fixed >= (uint64_t)1 << 20) {
		if (more <= max && after <= max)
			need = after * (hist->copies - 1) + hist->fixed;
		mcfg_size_text(need, c, sizeof c);
		snprintf(h, sizeof h, ", and the history for back may hold %s%s",
		    need != 0 ? "" : "more than ", need != 0 ? c : a);
		if (hist->copies > 1)
			snprintf(h + strlen(h), sizeof h - strlen(h), " (up "
			    "to %u copies of it)", hist->copies - 1);
	}
	return verr_set(err, NULL, "%s: %s would take the simulation past its "
	    "memory limit of %s (the machine holds %s%s; vmscope "
	    "--max-memory=SIZE or VMSCOPE_MAX_MEMORY=SIZE sets the limit)",
	    cmd, what, a, b, h);
}

int
op_check(struct engine *e, const struct op *o, struct verr *err)
{
	unsigned ctx = vmx_ctx_for(e->m, o);
	struct check_hist hist;

	struct machine *m = ctx ? e->m->vms[ctx - 1] : e->m;

	if (e->m->oom)
		return verr_set(err, NULL, "%s: the simulation ran out of "
		    "memory earlier, so the machine is no longer sound",
		    op_word(o->kind));
	check_history(e, &hist);
	if (o->kind != OP_READ && o->kind != OP_WRITE && o->kind != OP_EXEC)
		check_sure_forget(e->m);
	switch (o->kind) {
	case OP_PROCESS:
		return check_process(m, o, &hist, err);
	case OP_SWITCH:
		if (os_find_proc(m, o->name) == NONE32)
			return verr_set(err, "name", "switch: there is no "
			    "process named '%s'", o->name);
		return 0;
	case OP_MAP:
		return check_map(m, o, &hist, err);
	case OP_UNMAP:
	case OP_PROTECT:
		return check_mapped(m, o, err);
	case OP_SHARE:
		return check_share(m, o, &hist, err);
	case OP_POKE:
		if (o->nbytes == 0 || o->pa >= ((uint64_t)1 << m->c.pa) ||
		    o->nbytes > ((uint64_t)1 << m->c.pa) - o->pa)
			return verr_set(err, "pa", "poke: %zu byte%s at "
			    "0x%llx do%s not fit in the %u-bit physical memory "
			    "(0 .. 0x%llx)", o->nbytes, o->nbytes == 1 ? "" :
			    "s", (unsigned long long)o->pa, o->nbytes == 1 ?
			    "es" : "", m->c.pa, (unsigned long long)
			    (((uint64_t)2 << (m->c.pa - 1)) - 1));
		return check_memory(m, "poke", "the bytes", &hist,
		    (o->nbytes / MEM_CHUNK + 2) * MEM_CHUNK, err);
	case OP_READ:
	case OP_WRITE:
	case OP_EXEC:
		return check_access_in(m, o, &hist, err);
	default:
		return vmx_check(e, o, err);
	}
}
