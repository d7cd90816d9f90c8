/*
 * config.c - machine settings: the defaults of DESIGN.md section 3 and
 * the checks that reject an impossible machine before anything is built.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

static const char *const policy_names[] = { "fifo", "lru", "clock", "opt",
	"random" };
static const char *const tlb_policy_names[] = { "lru", "fifo", "random" };
static const char *const cost_names[] = { "tlb", "mem", "fault", "writeback",
	"exit", "emulate", "hypercall" };

const char *
policy_name(enum policy p)
{
	return policy_names[p];
}

const char *
tlb_policy_name(enum tlb_policy p)
{
	return tlb_policy_names[p];
}

const char *
cost_name(enum cost_kind k)
{
	return cost_names[k];
}

int
verr_set(struct verr *e, const char *arg, const char *fmt, ...)
{
	va_list ap;

	if (e != NULL) {
		e->arg = arg;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof e->msg, fmt, ap);
		va_end(ap);
	}
	return -1;
}

void
mcfg_init(struct mconfig *c)
{
	memset(c, 0, sizeof *c);
	c->va = 32;
	c->pa = 32;
	c->page = 4096;
	c->pt = PT_RADIX;
	c->format = FMT_X86;
	c->policy = POL_LRU;
	c->tlb = 16;
	c->tlb_ways = 0;
	c->tlb_policy = TLBP_LRU;
	c->tlb_tags = true;
	c->seed = 1;
	c->vendor = VENDOR_INTEL;
	c->clear_interval = 0;
	c->cost[COST_TLB] = 1;
	c->cost[COST_MEM] = 100;
	c->cost[COST_FAULT] = 1000000;
	c->cost[COST_WRITEBACK] = 1000000;
	c->cost[COST_EXIT] = 1000;
	c->cost[COST_EMULATE] = 2000;
	c->cost[COST_HYPERCALL] = 1000;
	c->max_memory = MCFG_MEMORY_DEFAULT;
}

void
mcfg_size_text(uint64_t n, char *buf, size_t size)
{
	if (n >= (uint64_t)1 << 30 && n % ((uint64_t)1 << 30) == 0)
		snprintf(buf, size, "%llu GiB", (unsigned long long)(n >> 30));
	else if (n >= (uint64_t)1 << 30)
		snprintf(buf, size, "%.1f GiB", (double)(n >> 20) / 1024);
	else if (n >= (uint64_t)1 << 20)
		snprintf(buf, size, "%llu MiB", (unsigned long long)(n >> 20));
	else
		snprintf(buf, size, "%llu KiB", (unsigned long long)(n >> 10));
}

unsigned
mcfg_log2(uint64_t v)
{
	unsigned b = 0;

	while (v > 1) {
		v >>= 1;
		b++;
	}
	return b;
}

static int
check_pte(struct mconfig *c, struct verr *e)
{
	unsigned fbits = c->pa - c->page_bits;	/* frame number bits */
	unsigned s;

	if (c->pt == PT_INVERTED) {
		if ((c->set & MCFG_SET_PTE) && c->pte != 16)
			return verr_set(e, "pte", "an inverted table has "
			    "16-byte entries (tag, ASID, chain link, flags); "
			    "pte=%u is not possible", c->pte);
		c->pte = 16;
		if (c->format == FMT_X86 && c->page < 128 &&
		    (c->set & MCFG_SET_FORMAT) == 0)
			c->format = FMT_SIMPLE;
		return 0;
	}
	if ((c->set & MCFG_SET_FORMAT) == 0)
		c->format = c->page >= 128 ? FMT_X86 : FMT_SIMPLE;
	if (c->format == FMT_X86 && c->page < 128)
		return verr_set(e, "pte.format", "pte.format=x86 needs pages "
		    "of 128 bytes or more (its flags fill the low 7 bits of "
		    "the entry); page=%llu: use pte.format=simple",
		    (unsigned long long)c->page);
	if ((c->set & MCFG_SET_PTE) == 0) {
		if (c->format == FMT_X86)
			c->pte = c->pa <= 32 ? 4 : 8;
		else {
			for (s = 1; s < 8 && 8 * s - 1 < fbits; s *= 2)
				;
			c->pte = s;
		}
	}
	if (c->pte != 1 && c->pte != 2 && c->pte != 4 && c->pte != 8)
		return verr_set(e, "pte", "pte=%u: an entry is 1, 2, 4 or 8 "
		    "bytes", c->pte);
	if (c->format == FMT_X86 && c->pa > 8 * c->pte)
		return verr_set(e, "pte", "a %u-byte x86 entry cannot hold a "
		    "%u-bit physical address: use pte=%u or a smaller pa",
		    c->pte, c->pa, c->pa <= 16 ? 2u : c->pa <= 32 ? 4u : 8u);
	if (c->format == FMT_SIMPLE && fbits > 8 * c->pte - 1)
		return verr_set(e, "pte", "a %u-byte simple entry holds a "
		    "valid bit and %u frame bits, but pa=%u with page=%llu "
		    "needs %u frame bits", c->pte, 8 * c->pte - 1, c->pa,
		    (unsigned long long)c->page, fbits);
	return 0;
}

static int
check_split(struct mconfig *c, struct verr *e)
{
	unsigned rem = c->va - c->page_bits, b, n, i, sum = 0;

	if (c->pt == PT_INVERTED) {
		if (c->set & MCFG_SET_SPLIT)
			return verr_set(e, "split", "split is not used with "
			    "pt=inverted (one table entry per frame)");
		c->levels = 1;
		c->split[0] = rem;
		return 0;
	}
	if (c->set & MCFG_SET_SPLIT) {
		if (c->levels < 1 || c->levels > MCFG_MAX_LEVELS)
			return verr_set(e, "split", "split has %u levels; "
			    "1 to 5 are possible", c->levels);
		for (i = 0; i < c->levels; i++) {
			if (c->split[i] < 1 || c->split[i] > 63)
				return verr_set(e, "split", "level %u of split "
				    "has %u index bits; 1 to 63 are possible",
				    i + 1, c->split[i]);
			sum += c->split[i];
		}
		if (sum + c->page_bits != c->va)
			return verr_set(e, "split", "split adds up to %u bits "
			    "and the page offset takes %u, but va=%u: they "
			    "must add up to va", sum, c->page_bits, c->va);
		return 0;
	}
	b = c->page_bits - mcfg_log2(c->pte);	/* a table fills one page */
	n = (rem + b - 1) / b;
	if (n > MCFG_MAX_LEVELS)
		return verr_set(e, "va", "va=%u with page=%llu and %u-byte "
		    "entries needs %u levels of %u bits; at most 5 are "
		    "possible: give split= or a larger page", c->va,
		    (unsigned long long)c->page, c->pte, n, b);
	c->levels = n;
	for (i = 0; i < n; i++)
		c->split[i] = b;
	c->split[0] = rem - (n - 1) * b;
	return 0;
}

int
mcfg_finish(struct mconfig *c, struct verr *e)
{
	uint64_t total;

	if (c->va < 1 || c->va > 64)
		return verr_set(e, "va", "va=%u: virtual addresses have 1 to "
		    "64 bits", c->va);
	if (c->page < 16 || (c->page & (c->page - 1)) != 0)
		return verr_set(e, "page", "page=%llu: a page is a power of "
		    "two of at least 16 bytes", (unsigned long long)c->page);
	c->page_bits = mcfg_log2(c->page);
	if (c->page_bits > 30)
		return verr_set(e, "page", "page=%llu: pages up to 1G are "
		    "possible", (unsigned long long)c->page);
	if (c->page_bits >= c->va)
		return verr_set(e, "page", "page=%llu leaves no page number "
		    "in a %u-bit virtual address", (unsigned long long)c->page,
		    c->va);
	if (c->pa > 52)
		return verr_set(e, "pa", "pa=%u: physical addresses have at "
		    "most 52 bits (x86's MAXPHYADDR)", c->pa);
	if (c->pa < c->page_bits)
		return verr_set(e, "pa", "pa=%u is smaller than one page of "
		    "%llu bytes", c->pa, (unsigned long long)c->page);
	total = (uint64_t)1 << (c->pa - c->page_bits);
	c->total_frames = total;
	if (check_pte(c, e) != 0 || check_split(c, e) != 0)
		return -1;
	if ((c->set & MCFG_SET_FRAMES) == 0) {
		c->frames = total / 2;
		if (c->frames > 65536)
			c->frames = 65536;
		if (c->frames == 0)
			c->frames = 1;
	}
	if (c->frames == 0)
		return verr_set(e, "frames", "frames=0: the pool needs at "
		    "least one frame");
	if (c->frames > total)
		return verr_set(e, "frames", "frames=%llu, but pa=%u with "
		    "page=%llu gives only %llu frames of physical memory",
		    (unsigned long long)c->frames, c->pa,
		    (unsigned long long)c->page, (unsigned long long)total);
	if (c->frames > ((uint64_t)1 << 22))
		return verr_set(e, "frames", "frames=%llu: the pool holds at "
		    "most 4194304 frames", (unsigned long long)c->frames);
	if (c->tlb > 65536)
		return verr_set(e, "tlb", "tlb=%u: at most 65536 entries",
		    c->tlb);
	if (c->tlb_ways != 0 && c->tlb != 0 && c->tlb % c->tlb_ways != 0)
		return verr_set(e, "tlb.ways", "tlb.ways=%u does not divide "
		    "tlb=%u entries into sets: give a divisor of %u, or "
		    "tlb.ways=full", c->tlb_ways, c->tlb, c->tlb);
	if (c->tlb_ways > c->tlb)
		c->tlb_ways = c->tlb;
	return 0;
}
