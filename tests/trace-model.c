/*
 * trace-model.c - a small model of what `vmscope --trace` counts, written
 * apart from the engine and as plainly as possible, so that the two can
 * be compared on real programs' traces (tests/trace.sh).
 *
 * Usage: trace-model TLB FRAMES [lru|opt] < LACKEY-TRACE
 *
 * The model: 4 KiB pages; a TLB of TLB entries, fully associative, least
 * recently used entry replaced; FRAMES frames of memory, numbered from 0
 * and filled in that order, every page valid (a page never touched is
 * zero filled on its first touch, which is a page fault like any other
 * page brought in); the page replaced is the least recently used one
 * (lru, the default) or, with opt, the one whose next use is farthest
 * away, the one in the lowest frame among those never used again (the
 * whole trace is read first for that).  For each reference, in the order
 * of the trace ("I" a fetch, " L" a read, " S" a write, " M" a read then a
 * write; any other line is skipped):
 *   1. the TLB is probed with the page of the reference's address: a hit
 *      or a miss;
 *   2. if the page is not in memory: a page fault; with no free frame the
 *      page replaced is evicted (written back if it was written since it
 *      came in) and its TLB entry dropped;
 *   3. after a miss the page goes into the TLB (a free entry first, else
 *      in place of the least recently used one);
 *   4. the page (and its TLB entry) count as used now; a write makes the
 *      page dirty.
 * It prints one line: references, TLB hits, TLB misses, page faults and
 * write-backs, separated by commas.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_SHIFT	12
#define NPAGES		(1u << 20)	/* room in the table of pages */

struct page {
	uint64_t vpn;
	int used;		/* this slot holds a page */
	int resident;
	int dirty;
	uint64_t last;		/* time of the last reference */
	uint64_t next;		/* opt: time of the next reference */
};

struct tlb_entry {
	uint64_t vpn;
	int valid;
	uint64_t last;
};

static struct page *pages;	/* open addressing on the page number */
static struct tlb_entry *tlb;
static struct page **frames;	/* the page in each frame */
static unsigned ntlb, nframes, nused;
static uint64_t now, refs, hits, misses, faults, writebacks;
static int opt;
static uint64_t *trace_vpn;	/* opt: the whole trace */
static int *trace_write;
static uint64_t ntrace, captrace;

#define NEVER UINT64_MAX

static struct page *
page_of(uint64_t vpn)
{
	uint64_t i = (vpn * 0x9e3779b97f4a7c15ull) >> 44;	/* 20 bits */

	while (pages[i].used && pages[i].vpn != vpn)
		i = (i + 1) % NPAGES;
	if (!pages[i].used) {
		pages[i].used = 1;
		pages[i].vpn = vpn;
		pages[i].next = NEVER;
	}
	return &pages[i];
}

/* The frame whose page goes (every frame is full). */
static unsigned
victim_frame(void)
{
	unsigned i, v = 0;

	for (i = 1; i < nframes; i++) {
		if (opt && frames[i]->next > frames[v]->next)
			v = i;	/* farthest next use; ties: lowest frame */
		if (!opt && frames[i]->last < frames[v]->last)
			v = i;	/* least recently used */
	}
	return v;
}

/* The reference at time now+1; next: opt, the time of the next reference
 * to the same page (NEVER if none). */
static void
reference(uint64_t vpn, int write, uint64_t next)
{
	struct page *p = page_of(vpn);
	unsigned i, f, slot;
	int hit = 0;

	now++;
	refs++;

	/* 1. the TLB */
	for (i = 0; i < ntlb; i++)
		if (tlb[i].valid && tlb[i].vpn == vpn) {
			hit = 1;
			tlb[i].last = now;
		}
	if (hit)
		hits++;
	else
		misses++;

	/* 2. a page fault */
	if (!p->resident) {
		faults++;
		if (nused < nframes)
			f = nused++;
		else {
			f = victim_frame();
			if (frames[f]->dirty)
				writebacks++;
			frames[f]->resident = 0;
			frames[f]->dirty = 0;
			for (i = 0; i < ntlb; i++)
				if (tlb[i].valid &&
				    tlb[i].vpn == frames[f]->vpn)
					tlb[i].valid = 0;
		}
		frames[f] = p;
		p->resident = 1;
	}

	/* 3. the TLB fill */
	if (!hit) {
		slot = 0;
		for (i = 0; i < ntlb; i++) {
			if (!tlb[i].valid) {
				slot = i;
				break;
			}
			if (tlb[i].last < tlb[slot].last)
				slot = i;
		}
		tlb[slot].valid = 1;
		tlb[slot].vpn = vpn;
		tlb[slot].last = now;
	}

	/* 4. used */
	p->last = now;
	p->next = next;
	if (write)
		p->dirty = 1;
}

/* A reference of the trace: made at once (lru), or kept (opt). */
static void
take(uint64_t addr, int write)
{
	uint64_t vpn = addr >> PAGE_SHIFT;

	if (!opt) {
		reference(vpn, write, NEVER);
		return;
	}
	if (ntrace == captrace) {
		captrace = captrace ? 2 * captrace : 65536;
		trace_vpn = realloc(trace_vpn, captrace * sizeof *trace_vpn);
		trace_write = realloc(trace_write, captrace *
		    sizeof *trace_write);
		if (trace_vpn == NULL || trace_write == NULL) {
			fprintf(stderr, "trace-model: out of memory\n");
			exit(2);
		}
	}
	trace_vpn[ntrace] = vpn;
	trace_write[ntrace] = write;
	ntrace++;
}

int
main(int argc, char **argv)
{
	char line[4096];
	uint64_t i, *next;
	struct page *p;

	if (argc < 3 || argc > 4 || atoi(argv[1]) < 1 || atoi(argv[2]) < 1 ||
	    (argc == 4 && strcmp(argv[3], "lru") != 0 &&
	    strcmp(argv[3], "opt") != 0)) {
		fprintf(stderr, "usage: trace-model TLB FRAMES [lru|opt] < "
		    "TRACE\n");
		return 2;
	}
	ntlb = (unsigned)atoi(argv[1]);
	nframes = (unsigned)atoi(argv[2]);
	opt = argc == 4 && strcmp(argv[3], "opt") == 0;
	pages = calloc(NPAGES, sizeof *pages);
	tlb = calloc(ntlb, sizeof *tlb);
	frames = calloc(nframes, sizeof *frames);
	if (pages == NULL || tlb == NULL || frames == NULL) {
		fprintf(stderr, "trace-model: out of memory\n");
		return 2;
	}
	while (fgets(line, sizeof line, stdin) != NULL) {
		if (line[0] == 'I')
			take(strtoull(line + 1, NULL, 16), 0);
		else if (line[0] == ' ' && line[1] == 'L')
			take(strtoull(line + 2, NULL, 16), 0);
		else if (line[0] == ' ' && line[1] == 'S')
			take(strtoull(line + 2, NULL, 16), 1);
		else if (line[0] == ' ' && line[1] == 'M') {
			take(strtoull(line + 2, NULL, 16), 0);
			take(strtoull(line + 2, NULL, 16), 1);
		}
	}
	if (opt) {
		/* the next use of each reference's page, from the end */
		next = malloc((ntrace ? ntrace : 1) * sizeof *next);
		if (next == NULL) {
			fprintf(stderr, "trace-model: out of memory\n");
			return 2;
		}
		for (i = ntrace; i-- > 0;) {
			p = page_of(trace_vpn[i]);
			next[i] = p->next;
			p->next = i + 1;	/* the time of reference i */
		}
		for (i = 0; i < ntrace; i++)
			reference(trace_vpn[i], trace_write[i], next[i]);
	}
	printf("%llu,%llu,%llu,%llu,%llu\n", (unsigned long long)refs,
	    (unsigned long long)hits, (unsigned long long)misses,
	    (unsigned long long)faults, (unsigned long long)writebacks);
	return 0;
}
