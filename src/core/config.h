/*
 * config.h - the machine's settings: address widths, page size, table
 * layout, entry format, frame pool, replacement policy, TLB geometry and
 * the cycle cost model.  A struct mconfig is filled key by key (the
 * script layer parses the words), then mcfg_finish() derives every
 * default DESIGN.md section 3 gives and rejects impossible machines.
 */
#ifndef VMSCOPE_CONFIG_H
#define VMSCOPE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MCFG_MAX_LEVELS 5
/* The default of max_memory: 1 GiB. */
#define MCFG_MEMORY_DEFAULT ((uint64_t)1 << 30)

enum pt_kind { PT_RADIX, PT_INVERTED };
enum pte_format { FMT_X86, FMT_SIMPLE };
enum policy { POL_FIFO, POL_LRU, POL_CLOCK, POL_OPT, POL_RANDOM };
enum tlb_policy { TLBP_LRU, TLBP_FIFO, TLBP_RANDOM };
enum vendor { VENDOR_INTEL, VENDOR_AMD };

/* Cost model: cycles charged per micro-step of each kind. */
enum cost_kind {
	COST_TLB,	/* one TLB probe */
	COST_MEM,	/* one memory reference (walk or data) */
	COST_FAULT,	/* a page brought in from disk */
	COST_WRITEBACK,	/* a dirty page written to disk */
	COST_EXIT,	/* a VM exit and its entry */
	COST_EMULATE,	/* the VMM emulating an instruction */
	COST_HYPERCALL,	/* one hypercall */
	COST_N
};

/* Which of the keys with derived defaults were given explicitly. */
#define MCFG_SET_SPLIT	 0x01u
#define MCFG_SET_PTE	 0x02u
#define MCFG_SET_FORMAT	 0x04u
#define MCFG_SET_FRAMES	 0x08u
#define MCFG_SET_TLBWAYS 0x10u

struct mconfig {
	unsigned va;		/* virtual address bits, 1..64 */
	unsigned pa;		/* physical address bits, up to 52 */
	uint64_t page;		/* page size in bytes, a power of two >= 16 */
	unsigned levels;	/* radix levels, 1..5 */
	unsigned split[MCFG_MAX_LEVELS]; /* index bits per level, top first */
	enum pt_kind pt;
	unsigned pte;		/* bytes per entry: 1, 2, 4, 8 (16 inverted) */
	enum pte_format format;
	uint64_t frames;	/* the pool: frames 0 .. frames-1 */
	enum policy policy;
	unsigned tlb;		/* entries, 0 = no TLB */
	unsigned tlb_ways;	/* ways per set, 0 = fully associative */
	enum tlb_policy tlb_policy;
	bool tlb_tags;		/* entries tagged by ASID (on) or flushed */
	uint64_t seed;
	enum vendor vendor;
	uint64_t clear_interval; /* OS clears use bits each N accesses */
	uint64_t cost[COST_N];
	unsigned set;		/* MCFG_SET_* */
	uint64_t max_memory;	/* host bytes the simulation may hold: the
				 * machine, its guests, the history for
				 * back; 0 = no limit.  Not a machine key
				 * (a file must not raise it): the command
				 * line's --max-memory sets it. */

	/* Derived by mcfg_finish(). */
	unsigned page_bits;
	uint64_t total_frames;	/* 2^pa / page */
};

/* An error: a message, and the machine key or argument it is about
 * (NULL for the command as a whole) so the caller can point at a column. */
struct verr {
	char msg[256];
	const char *arg;
};

void	mcfg_init(struct mconfig *);
int	mcfg_finish(struct mconfig *, struct verr *);
int	verr_set(struct verr *, const char *arg, const char *fmt, ...)
#if defined(__GNUC__)
	    __attribute__((format(printf, 3, 4)))
#endif
	    ;

/* bytes as a person reads them: "512 KiB", "96 MiB", "1 GiB", "1.5 GiB"
 * (rounded down; sizes of memory limits and what passes them). */
void	mcfg_size_text(uint64_t bytes, char *buf, size_t size);
/* The bits of a power of two (floor of the log for any other v >= 1). */
unsigned mcfg_log2(uint64_t v);

const char *policy_name(enum policy);
const char *tlb_policy_name(enum tlb_policy);
const char *cost_name(enum cost_kind);

#endif
