/*
 * machine.h - the simulated machine's state, private to src/core.
 *
 * Everything the engine can change lives in storage that never moves
 * while the machine exists, so the journal can save old bytes by
 * pointer: fixed arrays sized at creation (pool frames, TLB, processes),
 * chunked pools (mapping records, page objects, table frames) and the
 * sparse memories (physical memory, disk).  The small, hot state of the
 * machine - counters, the access in progress, the clock hand, list heads,
 * allocation counters - is struct regs, saved whole at every step.
 *
 * Vocabulary: a *frame* is a page-sized piece of physical memory; the
 * *pool* is frames 0 .. frames-1, where pages live; page tables live in
 * *table frames*, allocated from the top of memory down.  A *page
 * object* is one page of data, resident in a frame or kept on disk (its
 * disk slot is its index); a *record* is the OS's note that process P
 * maps virtual page V to a page object with some rights.  Several
 * records may share one page object.
 */
#ifndef VMSCOPE_MACHINE_H
#define VMSCOPE_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "engine.h"
#include "journal.h"
#include "mem.h"

#define NONE64 UINT64_MAX
#define NONE32 UINT32_MAX
#define MAX_PROCS 1024
#define POOL_CHUNK 1024u	/* records, objects, table frames per chunk */

/* x86 entry bits */
#define X86_P  0x1ull
#define X86_W  0x2ull
#define X86_U  0x4ull
#define X86_A  0x20ull
#define X86_D  0x40ull
#define X86_NX (1ull << 63)

/* Inverted-table entry (16 bytes per pool frame):
 *   word 0: the virtual page number (tag)
 *   word 1: bits 63..32 next frame in the chain + 1 (0 = end),
 *           bits 31..16 ASID, bits 7..0 flags (x86 positions P W U A D,
 *           and NX in bit 7). */
#define IPT_NX 0x80ull
#define IPT_ENTRY 16u

struct frame {			/* one pool frame */
	uint32_t pobj;		/* page object + 1; 0 = free */
	uint32_t prev, next;	/* FIFO/LRU order: frame + 1, 0 = none */
	uint8_t use, dirty;
	uint8_t pad[2];
	uint32_t nu;		/* OPT: the page's next use, as the access
				 * that last completed on it knew it: its
				 * index in the future + 1, NONE32 never,
				 * 0 not known (os.c opt_victim) */
};

enum tframe_kind { TF_TABLE, TF_ANCHOR, TF_IPT, TF_GUEST, TF_EPT,
	TF_SHADOW };

struct tframe {			/* one table frame, counted from the top */
	uint32_t proc;		/* owning process (a vpid for a guest's
				 * memory, EPT and shadow tables) */
	uint8_t kind;		/* enum tframe_kind */
	uint8_t level;		/* table level, 1 = top */
	uint8_t first;		/* first frame of a multi-frame table */
	uint8_t pad;
	uint64_t gfn;		/* TF_GUEST: the guest frame it backs;
				 * TF_SHADOW: the guest table it shadows */
};

struct pobj {			/* one page of data */
	uint64_t frame;		/* resident frame, or NONE64 */
	uint32_t mappers;	/* first record + 1 */
	uint8_t live;
	uint8_t on_disk;	/* the disk holds its contents */
	uint8_t pad[2];
};

struct rec {			/* process maps vpn to a page object */
	uint64_t vpn;
	uint64_t pte_pa;	/* leaf entry address (radix), or NONE64 */
	uint32_t proc;
	uint32_t pobj;
	uint32_t next;		/* next mapper of the same object + 1 */
	uint8_t perm;		/* PERM_* */
	uint8_t user;
	uint8_t live;
	uint8_t pad;
};

struct proc {
	char name[NAME_MAX_LEN + 1];
	uint8_t live;
	uint8_t image;		/* root= given: tables not the OS's own */
	uint8_t anon;		/* every page valid: zero-filled on first
				 * touch (process NAME anon) */
	uint8_t pad[5];
	uint32_t asid;
	uint32_t name_id;	/* index in the future's name list, or NONE */
	uint64_t root;		/* root table frame */
	uint64_t shadow;	/* a guest's: the VMM's shadow root (host
				 * frame) + 1, 0 none yet */
};

/* A TLB entry's links on the CPU's indexes (tlb.c): slot + 1, 0 none;
 * [0] its key chain, [1] its frame chain, [2] its set's stamp order. */
struct tlbl {
	uint32_t next[3], prev[3];
};

/* More ways than this: probes and victims through indexes, not scans;
 * more entries than that: a frame's entries found through an index. */
#define TLB_SCAN_WAYS 8u
#define TLB_SCAN_ENTRIES 128u

struct tlbe {
	uint64_t vpn;
	uint64_t frame;		/* host frame */
	uint64_t gframe;	/* the frame in the entry's own physical
				 * space (a guest's gfn; = frame natively) */
	uint64_t pte_pa;	/* the leaf entry (to set D on a write hit) */
	uint64_t stamp;		/* LRU: last use; FIFO: fill time */
	uint32_t asid;
	uint32_t vpid;
	uint8_t valid, w, u, nx, dirty;
	uint8_t pad[7];
};

/* Phases of the access in progress. */
enum phase {
	PH_IDLE,
	PH_START,		/* the op begins (split, or a setup step) */
	PH_TLB,
	PH_WALK,
	PH_IPT_ANCHOR,
	PH_IPT_PROBE,
	PH_FILL,
	PH_DATA,
	PH_DENIED,		/* rights refused: report the fault */
	PH_NOTPRESENT,		/* the OS looks at its record */
	PH_VICTIM,
	PH_EVICT,
	PH_WRITEBACK,
	PH_PAGEIN,
	PH_RESTART,
	PH_CLEAR,
	PH_OPSTEP,		/* a step of a non-access operation */
	PH_NWALK,		/* nested: one EPT entry of a gpa */
	PH_GWALK,		/* nested: the guest entry at that level */
	PH_EXIT,		/* VM exit */
	PH_VMM,			/* the VMM handles it (root mode) */
	PH_ENTRY,		/* VM entry */
	PH_ANON			/* the OS maps a page of an anon process on
				 * its first touch */
};

/* What the last access found, for expect (the leaf entry's value is
 * read from memory when asked for). */
struct last {
	uint64_t va, vpn, offset, pa, gpa, value, pte_addr, refs;
	uint8_t valid;		/* an access happened */
	uint8_t has_pa;		/* pa/value known */
	uint8_t has_pte;
	uint8_t tlb;		/* 0 none, 1 hit, 2 miss */
	uint8_t fault;		/* enum fault_kind */
	uint8_t lazy;		/* value not fetched yet (ENGINE_QUIET) */
	uint8_t size;		/* bytes of the access */
	uint8_t pte_host;	/* pte_addr is a host address (a shadow
				 * entry) */
	uint8_t ctx;		/* who made it: a guest + 1, or the host */
	uint8_t pad[7];
};

/* The virtual-machine control structure of one guest (VT-x; the same
 * fields are shown as the VMCB under vendor=amd). */
struct vmcs {
	uint8_t launched;
	uint8_t ctl[CTL_N];	/* execution controls, 1 = on */
	uint8_t exit_valid, gla_valid, gpa_valid;
	uint8_t want_if;	/* guest state: the IF the guest asked for */
	uint8_t real_if;	/* ... and the IF the CPU really has */
	uint8_t pad[4];
	uint64_t guest_cr3;	/* guest-state area (gpa of the guest's root) */
	uint64_t guest_gdtr;
	uint64_t host_cr3;	/* host-state area */
	uint64_t host_gdtr;
	uint64_t eptp;		/* EPT root (host pa), 0 without EPT */
	uint64_t exit_reason, exit_qual, exit_gla, exit_gpa;
	uint64_t exit_err;	/* the interruption error code (#PF) */
};

#define MAX_VMS 16
#define TRAPQ 16
#define N_EXIT_NAMES 13

enum cpu_mode { MODE_NONE, MODE_ROOT, MODE_NONROOT, MODE_GUEST };

/* What the VMM does between an exit and the entry that follows it. */
enum vmm_action { VMM_NONE, VMM_EMULATE, VMM_BACK, VMM_REPAIR,
	VMM_HYPERCALL, VMM_CR3, VMM_INVLPG, VMM_IRQ, VMM_OUTSIDE, VMM_SHADOW,
	VMM_PTWRITE, VMM_REFLECT };

struct regs {
	/* position and counters */
	uint64_t pos;
	uint64_t accesses, tlb_hits, tlb_misses, faults, writebacks, exits;
	uint64_t cycles, refs_total;
	uint64_t by_acc[3];	/* accesses by enum acc_kind */
	uint64_t pf_code;	/* last #PF error code */
	uint8_t pf_valid;
	uint8_t busy;		/* an op is in progress */
	uint8_t phase;		/* enum phase */
	uint8_t level;		/* walk level, 1 = top */
	uint32_t op;		/* the op in progress, or the next to start */

	/* guest page-table writes that trapped (shadow paging), waiting for
	 * their exit, the VMM's emulation and the entry (near the fields
	 * above: every step looks at them) */
	uint8_t qlen;		/* trapped writes whose gpa is queued */
	uint8_t tphase;		/* 0 none, 1 exit taken, 2 VMM done */
	uint8_t tkind;		/* 0 a write-protect trap, 1 a hypercall */
	uint8_t pf_reflected;	/* this access's #PF exited already */
	uint8_t batch_bad;	/* pv: updates the VMM refuses */
	uint8_t shared;		/* a page object has had two mappers (OPT
				 * then looks ahead the long way) */
	uint8_t pad5[2];
	uint32_t ntraps;	/* trapped writes waiting (the first qlen
				 * queued, the rest resynchronised all at
				 * once) */
	uint32_t batch;		/* pv: page-table updates waiting for the
				 * hypercall */

	/* the access (or op) in progress */
	uint64_t table;		/* walk: base of the table at this level */
	uint64_t entry_pa;	/* walk: address of the last entry read */
	uint64_t entry;		/* walk: its value */
	uint64_t frame;		/* the page's frame once known */
	uint64_t victim;	/* the frame chosen on a fault */
	uint64_t iter;		/* multi-step ops: page counter */
	uint32_t rec;		/* the record of the page faulted on */
	uint32_t tlb_slot;	/* the TLB entry hit or filled */
	uint8_t acc;		/* enum acc_kind */
	uint8_t deny_present;	/* the denied entry was present */
	uint8_t rw, ru, rnx;	/* rights accumulated over the walk */

	/* OS */
	uint32_t cur;		/* current process + 1, 0 = none */
	uint32_t nprocs, nrecs, npobjs;
	uint64_t ntframes;	/* table frames allocated from the top */
	uint64_t nfree, free_hint;
	uint64_t hand;		/* clock hand (pool frame) */
	uint32_t head, tail;	/* FIFO/LRU list: frame + 1 */
	uint64_t tlb_clock;
	uint64_t rng;

	struct last last;

	/* the CPU (host machine only) */
	uint8_t mode;		/* enum cpu_mode */
	uint8_t ctx;		/* the op in progress runs in vm ctx-1, or
				 * the host (0) */
	uint8_t guest;		/* the guest running or last run + 1 */
	uint8_t nvms;
	uint8_t cmd_exit;	/* last exit of the current command + 1 */
	uint8_t insn_res;	/* enum insn_result of the last insn */
	uint8_t hcall;		/* 0 none, 1 ok, 2 refused */
	uint8_t vmm;		/* enum vmm_action pending */
	uint8_t after;		/* the phase after the VM entry */
	uint8_t gl, el;		/* nested walk: guest level (levels+1 =
				 * the data), EPT level */
	uint8_t pad2[5];
	uint64_t gtable;	/* nested: gpa of the guest table at gl */
	uint64_t gpa;		/* nested: the gpa being translated */
	uint64_t etable;	/* nested: the EPT table at el (host pa) */
	uint64_t ex_qual, ex_gla, ex_gpa;	/* the exit being taken */
	uint64_t ex_err;	/* its #PF error code (exception exits) */
	uint64_t reserved;	/* frames above the pool promised to guests
				 * (lazy backing, shadow tables) */
	uint32_t ex_reason;
	uint32_t pad3;
	uint64_t exits_by[N_EXIT_NAMES];

	uint64_t trapq[TRAPQ];	/* trapped guest entries' gpas */
};

struct machine {
	struct mconfig c;
	struct regs r;
	struct journal *jr;	/* NULL: no history */

	/* derived geometry */
	uint64_t levels;
	unsigned shift[MCFG_MAX_LEVELS];	/* VA bit where index L starts */
	uint64_t tframes_per[MCFG_MAX_LEVELS];	/* frames per table at L */
	uint64_t addr_mask;	/* x86: frame address bits of an entry */
	uint64_t valid_bit;	/* simple: the valid bit */
	bool has_nx;
	uint64_t va_mask;	/* low va bits */
	unsigned tlb_sets, tlb_ways;
	uint64_t nbuckets;	/* inverted: hash anchor table size */
	uint64_t anchor_pa, ipt_pa;

	struct mem *phys;
	struct mem *disk;
	struct frame *frames;	/* c.frames entries */
	struct tlbe *tlb;	/* c.tlb entries */
	/* the TLB's indexes (tlb.c), journaled with it; not state */
	struct tlbl *tlbl;	/* c.tlb links */
	uint32_t *tlb_fb;	/* frame buckets: slot + 1 (tlb_fidx) */
	uint32_t *tlb_kb;	/* key buckets (tlb_indexed) */
	uint32_t *tlb_lru;	/* per set: head, tail (tlb_indexed) */
	uint64_t *tlb_vmap;	/* per set: valid ways (tlb_indexed) */
	uint32_t tlb_fmask, tlb_kmask;
	unsigned tlb_vwords;	/* words of a set's bitmap */
	bool tlb_indexed;	/* more than TLB_SCAN_WAYS ways */
	bool tlb_fidx;		/* more than TLB_SCAN_ENTRIES entries */
	struct proc *procs;	/* MAX_PROCS */
	struct rec **recs;	/* chunks of POOL_CHUNK */
	size_t nrecchunks;
	struct pobj **pobjs;
	size_t npobjchunks;
	struct tframe **tfs;
	size_t ntfchunks;

	/* (proc, vpn) -> record; entries may be stale, always verified */
	struct rmap_slot *rmap;
	size_t rmap_cap, rmap_n;

	/* the future (OPT): keys of each access */
	const struct future_ref *future;
	size_t nfuture;
	const char **names;	/* distinct process names in the future */
	size_t nnames;
	uint32_t *fname;	/* name index of each future access */
	const uint32_t *nxt;	/* policy=opt: each future access's next
				 * access of the same page (same machine
				 * line, process name and page), NONE32
				 * none; owned by the engine */

	uint64_t *scratch;	/* OPT's look-ahead marks, one per pool
				 * frame; not state (never journaled) */
	bool quiet;		/* ENGINE_QUIET: reads fetch lazily */
	uint32_t anon_sure;	/* accesses sure to find room for an anon
				 * first touch (check.c anon_room); not
				 * state */

	/* virtualization: the host holds its guests; a guest is a machine
	 * of its own (its OS, its processes, its tables in guest-physical
	 * memory) whose memory lives in host frames (backing) */
	struct machine *cpu;	/* the machine with the CPU and TLB: itself,
				 * or the host of a guest */
	struct machine *vms[MAX_VMS];
	char vmname[NAME_MAX_LEN + 1];
	uint32_t vpid;		/* 0: the host */
	uint8_t mmu, cpumode, lazy;	/* enum vm_mmu, enum vm_cpu */
	uint64_t gframes;	/* guest-physical frames */
	uint64_t *backing;	/* gfn -> host frame + 1, 0 unbacked */
	uint64_t *shadow_of;	/* shadow paging: gfn of a guest table ->
				 * host frame + 1 of the shadow table that
				 * mirrors it (and write-protects it) */
	struct vmcs vmcs;
	bool oom;		/* a host allocation failed */
};

struct rmap_slot {
	uint64_t vpn;
	uint32_t proc;		/* proc + 1; 0 = empty */
	uint32_t rec;
};

/* journal a change: call before writing *p */
static inline void
J(struct machine *m, void *p, size_t n)
{
	if (m->jr != NULL)
		(void)jr_save(m->jr, p, n);
}

/* machine.c */
struct machine	*machine_new(const struct mconfig *, struct verr *);
void		 machine_free(struct machine *);
struct machine	*machine_clone(const struct machine *);
size_t		 machine_bytes(const struct machine *);
void		 machine_set_journal(struct machine *, struct journal *);
struct rec	*rec_at(const struct machine *, uint32_t);
struct pobj	*pobj_at(const struct machine *, uint32_t);
struct tframe	*tframe_at(const struct machine *, uint64_t frame);
int		 pool_reserve(struct machine *, uint32_t nrec, uint32_t npobj,
		    uint64_t ntframes);
uint32_t	 rmap_find(const struct machine *, uint32_t proc, uint64_t vpn);

/* Does pool_reserve() have nothing to do for these? */
static inline bool
pool_has_room(const struct machine *m, uint32_t nrec, uint32_t npobj,
    uint64_t ntf)
{
	return (size_t)m->r.nrecs + nrec <= m->nrecchunks * POOL_CHUNK &&
	    (size_t)m->r.npobjs + npobj <= m->npobjchunks * POOL_CHUNK &&
	    m->r.ntframes + ntf <= (uint64_t)m->ntfchunks * POOL_CHUNK;
}
int		 rmap_put(struct machine *, uint32_t proc, uint64_t vpn,
		    uint32_t rec);
void		 rmap_rebuild(struct machine *);
uint64_t	 rng_next(struct machine *);

/* phys.c: journaled memory writes */
void	phys_write(struct machine *, uint64_t pa, uint64_t v, unsigned size);
void	phys_write_bytes(struct machine *, uint64_t pa, const uint8_t *,
	    uint64_t n);
void	phys_zero(struct machine *, uint64_t pa, uint64_t n);
void	disk_store(struct machine *, uint32_t slot, uint64_t frame);
void	disk_load(struct machine *, uint32_t slot, uint64_t frame);
uint64_t phys_read_guest(const struct machine *, uint64_t pa,
	    unsigned size);

/* Natively a read goes straight to the sparse store. */
static inline uint64_t
phys_read(const struct machine *m, uint64_t pa, unsigned size)
{
	if (m->cpu == m)
		return mem_read(m->phys, pa, size);
	return phys_read_guest(m, pa, size);
}
uint64_t phys_host(const struct machine *, uint64_t pa);

/* shadow.c: shadow paging */
void	os_pte_write(struct machine *x, uint64_t pa, uint64_t v, unsigned size);
static inline bool
shadow_guest(const struct machine *x)
{
	return x->cpu != x && x->mmu == MMU_SHADOW;
}

static inline bool
pv_guest(const struct machine *x)
{
	return x->cpu != x && x->mmu == MMU_PV;
}

uint64_t shadow_root(struct machine *x, uint32_t proc);
uint64_t shadow_gfn(const struct machine *h, uint64_t hframe);
void	shadow_resync(struct machine *x, uint64_t gpa, uint64_t *spa,
	    uint64_t *sv);
void	shadow_resync_all(struct machine *x);
int	shadow_fault(struct machine *m, struct machine *x, const struct op *o,
	    uint64_t *spa, uint64_t *sv);
uint64_t shadow_invlpg(struct machine *x, uint64_t va);
uint64_t vpn_of_va_m(const struct machine *, uint64_t va);

/* vmx.c: guests, the VMCS, EPT, exits */
uint64_t vmm_back(struct machine *g, uint64_t gfn);
bool	ept_present(const struct machine *g, uint64_t e);
uint64_t ept_next(const struct machine *g, uint64_t e);
bool	ept_misconfigured(const struct machine *g, uint64_t e);
int	exit_index(unsigned reason);
extern const unsigned exit_reasons[N_EXIT_NAMES];

/* pt.c: entries and tables */
uint64_t pt_index(const struct machine *, uint64_t vpn, unsigned level);
uint64_t pt_entry_pa(const struct machine *, uint64_t table, uint64_t vpn,
	    unsigned level);
bool	 pt_present(const struct machine *, uint64_t entry);
uint64_t pt_next(const struct machine *, uint64_t entry);	/* pa */
uint64_t pt_make_table(const struct machine *, uint64_t frame);
uint64_t pt_make_leaf(const struct machine *, uint64_t frame, unsigned perm,
	    bool user);
uint64_t pt_set_perm(const struct machine *, uint64_t entry, unsigned perm,
	    bool user);
void	 pt_rights(const struct machine *, uint64_t entry, uint8_t *w,
	    uint8_t *u, uint8_t *nx);
uint64_t pt_bucket(const struct machine *, uint32_t asid, uint64_t vpn);
unsigned pt_effective_perm(const struct machine *, unsigned perm);
uint64_t pt_os_frame(struct machine *x, uint64_t gfn);
uint64_t pt_os_next(const struct machine *x, uint64_t e);
size_t	 pt_flags_text(const struct machine *, uint64_t entry, bool leaf,
	    char *, size_t);

/* tlb.c */
int	tlb_index_new(struct machine *);
int	tlb_index_clone(struct machine *, const struct machine *);
void	tlb_index_free(struct machine *);
size_t	tlb_index_bytes(const struct machine *);
bool	tlb_probe_index(const struct machine *c, uint32_t asid, uint64_t vpn,
	    uint32_t vpid, uint32_t *slot);
uint32_t tlb_fill(struct machine *, uint32_t asid, uint64_t vpn,
	    uint64_t frame, uint64_t gframe, uint64_t pte_pa, uint8_t w,
	    uint8_t u, uint8_t nx, uint8_t dirty, bool *evicted,
	    uint64_t *old_vpn);
void	tlb_touch(struct machine *, uint32_t slot);
uint64_t tlb_flush_all(struct machine *);
uint64_t tlb_flush_page(struct machine *, uint32_t asid, uint64_t vpn);
uint64_t tlb_flush_frame(struct machine *, uint64_t frame);
static inline unsigned
tlb_set_of(const struct machine *m, uint64_t vpn)
{
	unsigned sets = m->cpu->tlb_sets;

	if ((sets & (sets - 1)) == 0)
		return (unsigned)(vpn & (sets - 1));
	return (unsigned)(vpn % sets);
}

/* Is (asid, vpn) in m's TLB (m's VPID)?  *slot gets its entry: the
 * lowest way of its set that matches.  A small set is compared whole,
 * with no branch on which way matches (that branch would mispredict on
 * every other probe); a large one goes through the key index. */
static inline bool
tlb_probe(const struct machine *m, uint32_t asid, uint64_t vpn,
    uint32_t *slot)
{
	const struct machine *c = m->cpu;
	unsigned w, base, hit = 0;
	const struct tlbe *t;

	if (c->tlb_indexed)
		return tlb_probe_index(c, asid, vpn, m->vpid, slot);
	base = tlb_set_of(m, vpn) * c->tlb_ways;
	t = &c->tlb[base];
	if (c->tlb_ways > 32) {	/* a set too large for the mask below
				 * (a test turns the index off) */
		for (w = 0; w < c->tlb_ways; w++)
			if (t[w].valid && t[w].vpn == vpn &&
			    t[w].asid == asid && t[w].vpid == m->vpid) {
				*slot = base + w;
				return true;
			}
		return false;
	}
	for (w = 0; w < c->tlb_ways; w++)
		hit |= (unsigned)((t[w].valid != 0) & (t[w].vpn == vpn) &
		    (t[w].asid == asid) & (t[w].vpid == m->vpid)) << w;
	if (hit == 0)
		return false;
#if defined(__GNUC__)
	w = (unsigned)__builtin_ctz(hit);
#else
	for (w = 0; !(hit & 1); w++)
		hit >>= 1;
#endif
	*slot = base + w;
	return true;
}

/* os.c */
static inline struct proc *
os_cur(const struct machine *m)
{
	return m->r.cur ? &m->procs[m->r.cur - 1] : NULL;
}

uint32_t os_find_proc(const struct machine *, const char *name);
uint32_t os_lookup(const struct machine *, uint32_t proc, uint64_t vpn);
uint64_t os_free_frames(const struct machine *);
uint64_t os_alloc_tframes(struct machine *, uint64_t n, uint32_t proc,
	    enum tframe_kind, unsigned level);
uint64_t os_alloc_reserved(struct machine *, uint64_t n, uint32_t proc,
	    enum tframe_kind, unsigned level);
uint64_t os_tframes_left(const struct machine *);
uint64_t os_lowest_free(struct machine *);
void	os_frame_take(struct machine *, uint64_t f, uint32_t pobj);
void	os_frame_release(struct machine *, uint64_t f);
void	os_list_touch(struct machine *, uint64_t f);
void	os_opt_used(struct machine *, uint64_t f, uint32_t fidx);
uint64_t os_choose_victim(struct machine *, uint64_t *cleared,
	    uint64_t fidx);
uint64_t os_invalidate_mappers(struct machine *, uint32_t pobj,
	    uint64_t *tlbn);
void	os_validate_mappers(struct machine *, uint32_t pobj, uint64_t frame);
void	os_clear_use(struct machine *, uint64_t f, uint64_t *tlbn);
uint32_t os_new_pobj(struct machine *);
uint32_t os_new_rec(struct machine *, uint32_t proc, uint64_t vpn,
	    uint32_t pobj, unsigned perm, bool user);
void	os_unlink_rec(struct machine *, uint32_t rec);
void	ipt_insert(struct machine *, uint64_t frame, uint32_t asid,
	    uint64_t vpn, unsigned perm, bool user);
void	ipt_remove(struct machine *, uint64_t frame);
uint64_t os_missing_tables(const struct machine *, uint32_t proc,
	    uint64_t vpn, uint64_t pages);
int	os_ensure_path(struct machine *, uint32_t proc, uint64_t vpn,
	    struct event *);

#endif
