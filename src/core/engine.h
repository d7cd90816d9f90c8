/*
 * engine.h - the step engine, the one door into the simulated machine.
 *
 * The script layer turns each machine command into a struct op and hands
 * it to engine_submit(), which checks it against the machine as it stands
 * (nothing changes if it is refused) and appends it to the timeline.
 * engine_step() then performs exactly one micro-step of the timeline and
 * describes it in a struct event: an address split, a TLB probe, one
 * page-table read, a fault, a victim, a write-back, a data access...
 *
 * The timeline is the list of submitted operations; the position is the
 * number of micro-steps performed since the machine was created.
 * engine_back() moves the position back: recent steps are undone from a
 * journal of the old values each step overwrote, older ones by restoring
 * the nearest checkpoint and re-executing forward, so going back costs
 * O(checkpoint interval), never O(steps so far).  Stepping forward again
 * re-executes the same operations (the engine is deterministic).  A new
 * submission while in the past first finishes the operation in progress
 * and drops the rest of the old future.
 */
#ifndef VMSCOPE_ENGINE_H
#define VMSCOPE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define NAME_MAX_LEN 32

enum op_kind {
	OP_PROCESS,	/* name, asid (or -1), root (or -1) */
	OP_SWITCH,	/* name */
	OP_MAP,		/* va, pages, perm, user, frame (or -1), disk */
	OP_UNMAP,	/* va, pages */
	OP_PROTECT,	/* va, pages, perm */
	OP_SHARE,	/* name (the other process), va, va2 */
	OP_POKE,	/* pa, bytes, nbytes */
	OP_READ,	/* va, size, kernel */
	OP_WRITE,	/* va, value, size, kernel */
	OP_EXEC,	/* va, kernel */
	OP_VM,		/* name, mmu, cpu, memory (0 = default), lazy,
			 * asid = vpid (or -1) */
	OP_VMXON,
	OP_VMXOFF,
	OP_VMLAUNCH,	/* name */
	OP_VMRESUME,	/* name */
	OP_INTERRUPT,
	OP_INSN,	/* insn, va (invlpg), value (port), name (mov-cr3) */
	OP_VMCS		/* ctl, value (on 1 / off 0) */
};

enum vm_mmu { MMU_NESTED, MMU_SHADOW, MMU_PV };
enum vm_cpu { CPU_VTX, CPU_CLASSIC, CPU_BT };

/* Instructions that matter for virtualization (insn). */
enum insn_kind { INSN_CPUID, INSN_HLT, INSN_INVLPG, INSN_OUT, INSN_IN,
	INSN_VMCALL, INSN_MOVCR3, INSN_POPF, INSN_SGDT, INSN_RDTSC, INSN_N };
extern const char *const insn_names[];	/* INSN_N words */

/* VMCS execution controls (vmcs KEY=on|off). */
enum vmcs_ctl { CTL_HLT, CTL_IO, CTL_CR3, CTL_INVLPG, CTL_PF, CTL_EPT,
	CTL_VPID, CTL_DESC, CTL_EXTINT, CTL_RDTSC, CTL_CPUID, CTL_VMCALL,
	CTL_N };
extern const char *const vmcs_ctl_names[];	/* CTL_N words */

#define PERM_R 1u
#define PERM_W 2u
#define PERM_X 4u

struct op {
	enum op_kind kind;
	char name[NAME_MAX_LEN + 1];
	uint64_t va;
	uint64_t va2;
	uint64_t pa;
	uint64_t value;
	uint64_t pages;		/* >= 1 */
	unsigned size;		/* 1, 2, 4 or 8 */
	unsigned perm;		/* PERM_* */
	bool user;		/* map: user page (default) or kernel page */
	bool kernel;		/* access: supervisor mode */
	bool disk;		/* map: valid but on disk */
	bool anon;		/* process: every page valid, a zero page
				 * mapped on its first touch (traces) */
	int64_t asid;		/* -1: lowest unused */
	int64_t root;		/* -1: allocate a table */
	int64_t frame;		/* -1: lowest free pool frames */
	const uint8_t *bytes;	/* poke: copied by engine_submit */
	size_t nbytes;
	unsigned mmu, cpu;	/* vm: enum vm_mmu, enum vm_cpu */
	uint64_t memory;	/* vm: bytes of guest memory, 0 = default */
	bool lazy;		/* vm: backing=lazy */
	unsigned insn;		/* insn: enum insn_kind */
	unsigned ctl;		/* vmcs: enum vmcs_ctl */
	uint32_t fidx;		/* access: its index in the future, or
				 * OP_NO_FUTURE */
};
#define OP_NO_FUTURE UINT32_MAX

void	op_init(struct op *, enum op_kind);

/* What a micro-step was.  The fields of struct event a kind uses are
 * listed beside it; event_format() turns any event into one line. */
enum ev_kind {
	EV_PROCESS,	/* a: asid, b: root frame, c: process index */
	EV_CR3,		/* CR3 load: a: asid, b: root pa, c: flushed n */
	EV_PT_ALLOC,	/* OS allocates a table: a: frame, b: nframes,
			 * level */
	EV_PT_WRITE,	/* OS writes an entry: a: entry pa, b: new value,
			 * c: va it serves, level */
	EV_MAP,		/* a: va, b: frame or disk slot, flags: on disk */
	EV_UNMAP,	/* a: va, b: frame freed or ~0 */
	EV_PROTECT,	/* a: va, b: perm */
	EV_SHARE,	/* a: va2, b: frame or disk slot, c: other asid */
	EV_POKE,	/* a: pa, b: nbytes */
	EV_SPLIT,	/* a: va, b: vpn, c: offset, d: access kind|size */
	EV_TLB_HIT,	/* a: vpn, b: frame, c: set, d: way */
	EV_TLB_MISS,	/* a: vpn, c: set */
	EV_WALK,	/* a: entry pa, b: entry value, c: index, level;
			 * flags: EVF_* */
	EV_IPT_ANCHOR,	/* a: anchor pa, b: value (frame+1), c: bucket */
	EV_IPT_PROBE,	/* a: entry pa, b: frame, c: tag vpn, d: asid;
			 * flags: EVF_MATCH */
	EV_TLB_FILL,	/* a: vpn, b: frame, c: set, d: way; victim vpn in
			 * e (valid if EVF_VICTIM) */
	EV_SET_DIRTY,	/* a: entry pa, b: new value */
	EV_FAULT,	/* a: va, b: pf code, c: fault kind (FAULT_*) */
	EV_VICTIM,	/* a: frame, b: owner vpn, c: owner asid,
			 * d: cleared use bits (clock), flags: EVF_FREE */
	EV_EVICT,	/* a: frame, b: disk slot, c: ptes invalidated,
			 * d: tlb entries invalidated */
	EV_WRITEBACK,	/* a: frame, b: disk slot */
	EV_PAGE_IN,	/* a: frame, b: disk slot, c: vpn, d: pte pa */
	EV_RESTART,	/* a: va */
	EV_DATA,	/* a: pa, b: value, d: access kind|size */
	EV_CLEAR_USE,	/* a: pages cleared, b: tlb entries invalidated */
	EV_VM,		/* a: vm index, b: first backing frame, c: frames,
			 * flags: EVF_DISK = lazy */
	EV_EPT_BUILD,	/* a: table frame, b: level, c: gfns mapped */
	EV_VMXON,	/* flags: EVF_MATCH = off */
	EV_LAUNCH,	/* a: vm index, flags: EVF_MATCH = resume; the
			 * checks before an entry */
	EV_ENTRY,	/* a: vm index, b: guest CR3, c: tlb flushed,
			 * flags: EVF_FREE = flushed */
	EV_EXIT,	/* a: reason, b: qualification, c: gla, d: gpa,
			 * e: #PF error code, f: tlb entries flushed;
			 * flags: EVF_FREE = flushed */
	EV_VMM,		/* a: action, b, c, d: action's values */
	EV_INSN,	/* a: insn, b: result (enum insn_result), c: arg */
	EV_VMCS,	/* a: ctl, b: value */
	EV_NWALK,	/* a: entry hpa, b: value, c: gpa being translated,
			 * d: index, level: EPT level, e: guest level;
			 * flags: EVF_* (EVF_LEAF: last EPT level) */
	EV_GWALK,	/* a: entry hpa, b: value, c: entry gpa, d: index,
			 * level: guest level; flags: EVF_* */
	EV_N
};

/* EV_WALK and EV_IPT_PROBE flags */
#define EVF_PRESENT	0x01u
#define EVF_LEAF	0x02u
#define EVF_SET_A	0x04u	/* this step set the accessed bit */
#define EVF_MATCH	0x08u
#define EVF_VICTIM	0x10u
#define EVF_FREE	0x20u
#define EVF_DISK	0x40u
#define EVF_DENIED	0x80u	/* rights refused at this entry */

enum fault_kind { FAULT_NONE, FAULT_PAGE, FAULT_PROTECTION, FAULT_SEGV };

/* What an instruction did (expect insn). */
enum insn_result { IR_NONE, IR_NATIVE, IR_EXIT, IR_TRAP, IR_TRANSLATED,
	IR_SILENT };

/* Basic exit reasons (Intel SDM numbers). */
#define EXIT_EXCEPTION	 0
#define EXIT_EXTINT	 1
#define EXIT_TRIPLE	 2
#define EXIT_CPUID	10
#define EXIT_HLT	12
#define EXIT_INVLPG	14
#define EXIT_RDTSC	16
#define EXIT_VMCALL	18
#define EXIT_CR		28
#define EXIT_IO		30
#define EXIT_DESC	46
#define EXIT_EPT_VIOL	48
#define EXIT_EPT_MISC	49

/* Access kinds, as stored in the low bits of EV_SPLIT/EV_DATA d. */
enum acc_kind { ACC_READ, ACC_WRITE, ACC_EXEC };

struct event {
	uint64_t step;		/* 1-based position of this micro-step */
	uint64_t cycles;	/* what this step cost */
	uint64_t a, b, c, d, e;
	uint64_t f;		/* EV_EXIT: TLB entries flushed */
	uint16_t kind;		/* enum ev_kind */
	uint8_t level;		/* 1 = top level */
	uint8_t flags;		/* EVF_* */
	uint32_t op;		/* index of the operation in the timeline */
};

struct engine;

/* Flags for engine_new. */
#define ENGINE_JOURNAL 0x1u	/* keep history so that back works */
#define ENGINE_QUIET   0x2u	/* nobody reads the events: the value of
				 * a read is fetched only if expect asks */

/* The future accesses, for OPT: one per access command of the file or
 * trace, in order; op.fidx indexes this list. */
struct future_ref {
	const char *proc;	/* process name */
	uint64_t va;
	unsigned machine;	/* which machine line of the file it follows:
				 * OPT looks no further than its machine */
};

struct engine *engine_new(const struct mconfig *, unsigned flags,
	    struct verr *);
void	engine_free(struct engine *);
const struct mconfig *engine_config(const struct engine *);

/* Give the engine the future of the run (OPT needs it).  The array is
 * not copied and must outlive the engine.  Without it, policy=opt is
 * refused by engine_new() (the caller passes it first through
 * engine_new_future). */
struct engine *engine_new_future(const struct mconfig *, unsigned flags,
	    const struct future_ref *, size_t n, struct verr *);

/* The bytes the engine holds for the future (OPT's next-use table and
 * each access's process), the array given to it not counted. */
size_t	engine_future_bytes(const struct engine *);

int	engine_submit(struct engine *, const struct op *, struct verr *);
/* Submit o and run it to its end, with no events for anyone (a trace
 * replay, a sweep): 0, or -1 with the refusal in the verr.  The same
 * machine state and counters as submit and steps. */
int	engine_run(struct engine *, const struct op *, struct verr *);
bool	engine_step(struct engine *, struct event *);	/* false: idle */
bool	engine_busy(const struct engine *);	/* an op is in progress */
uint64_t engine_position(const struct engine *);
uint64_t engine_end(const struct engine *);	/* steps known ahead, or
						 * the position when none */
bool	engine_has_future(const struct engine *);	/* steps to redo */

/* Move back n steps (clamped at 0); *moved says how many. */
int	engine_back(struct engine *, uint64_t n, uint64_t *moved,
	    struct verr *);
int	engine_goto(struct engine *, uint64_t position, struct verr *);

/* The value of an expect name: a number, a word, or none. */
enum qval_kind { QV_NONE, QV_NUM, QV_WORD };
struct qval {
	enum qval_kind kind;
	uint64_t num;
	const char *word;
};
int	engine_query(const struct engine *, const char *name, struct qval *,
	    struct verr *);
extern const char *const engine_query_names[];	/* NULL-terminated;
						 * "index.N", "exits.NAME" */
extern const char *const engine_exit_names[];	/* NULL-terminated */
/* The name of an Intel basic exit reason ("cpuid" for 10), or NULL. */
const char *engine_exit_name(unsigned reason);
/* The word of an instruction's result as expect insn reads it. */
const char *engine_insn_word(enum insn_result);

/* Text views of the state ("tlb", "pt", "frames", "disk", "vmcs",
 * "stats"), and raw bytes.  Output is appended to a growable buffer. */
struct strbuf {
	char *s;
	size_t len, cap;
	bool failed;		/* out of memory */
};
void	sb_init(struct strbuf *);
void	sb_free(struct strbuf *);
void	sb_printf(struct strbuf *, const char *, ...)
#if defined(__GNUC__)
	    __attribute__((format(printf, 2, 3)))
#endif
	    ;
void	sb_putn(struct strbuf *, const char *, size_t);

extern const char *const engine_show_names[];	/* NULL-terminated */
int	engine_show(const struct engine *, const char *what, struct strbuf *,
	    struct verr *);
/* The same for a pane: at most about limit lines of pages or frames,
 * around the ones in view (0: all), and rows no wider than width
 * columns where a narrower form exists (the TLB; 0: any width). */
int	engine_show_n(const struct engine *, const char *what, size_t limit,
	    size_t width, struct strbuf *, struct verr *);
int	engine_peek(const struct engine *, uint64_t pa, uint64_t n,
	    uint8_t *out, struct verr *);
/* A page-table entry of the machine's format, field by field: the frame
 * it names and each bit the machine models (the walk pane's decode). */
void	engine_entry_text(const struct engine *, uint64_t entry,
	    unsigned level, struct strbuf *);
/* The same for an EPT (or NPT) entry: the host frame and R W X. */
void	engine_ept_entry_text(const struct engine *, uint64_t entry,
	    struct strbuf *);

/* Bytes of undo journal kept before a checkpoint is taken (default
 * 32 MiB). */
void	engine_set_journal_limit(struct engine *, size_t);

/* The names of the processes (of the OS in view) or of the guests
 * ("process", "vm"), for completion; returns how many were stored. */
size_t	engine_list(const struct engine *, const char *what,
	    const char **out, size_t max);

/* The running counters (compare, statistics). */
struct engine_stats {
	uint64_t accesses, tlb_hits, tlb_misses, refs, faults, writebacks;
	uint64_t exits, cycles;
	uint64_t reads, writes, fetches;	/* the accesses by kind */
	uint64_t exits_by[16];	/* in the order of engine_exit_names */
};
void	engine_stats(const struct engine *, struct engine_stats *);

/* splitmix64: the next number of the sequence seeded by *state (the
 * generator of the random policies, of generated problems, of tests and
 * benches: the same numbers on every machine). */
uint64_t engine_splitmix(uint64_t *state);

/* A fingerprint of the whole machine state (tests of back). */
uint64_t engine_state_hash(const struct engine *);

/* One line (no newline) describing a step, for transcripts and logs. */
size_t	event_format(const struct engine *, const struct event *, char *,
	    size_t);

#endif
