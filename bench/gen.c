/*
 * gen.c - writes the benchmark's scenario: a 48-bit machine, one process,
 * eight regions of 65,536 pages mapped on disk, then N one-byte reads and
 * writes (about 30% writes) with locality.
 *
 * Usage: gen N FILE [plain]
 *
 * With plain, the same references as a trace for `vmscope --trace` in
 * its plain format ("r ADDRESS", "w ADDRESS": a trace has no values),
 * with no machine, process or map lines (the replay's anon process makes
 * every page valid; the machine is given with --machine).
 *
 * The reference string is deterministic (a fixed seed): the same N gives
 * the same file on every machine, and a longer file begins with a
 * shorter one.  It imitates a program, in phases of PHASE references;
 * within a phase:
 *   - 35% touch a small stack (STACK pages, the top ones most);
 *   - 40% sweep an array sequentially, 8 bytes at a time (ARRAY pages,
 *     round and round, as a loop over it would);
 *   - 24.5% pick a random byte of a heap working set (HEAP pages, the
 *     first ones much more often: objects in use are few);
 *   - 0.5% jump to a random page of a cold region (COLD pages: data the
 *     program touches now and then; most of these jumps fault).
 * At each new phase the loop and the heap move on to the next of PLACES
 * places (chosen once, anywhere in the mapped space, and taken in turn),
 * so the working set changes and pages fault in and out of the
 * 4,096-frame pool.  Like a program's, the footprint is bounded (about
 * 11,000 pages): a longer run goes back to pages it has used rather than
 * touching new ones for ever, so the memory the simulator needs measures
 * the simulator, not a footprint that grows with the length of the
 * trace.  Every access is one byte, so none crosses a page.  The file
 * ends with `expect accesses N`, so that `vmscope --check` confirms it
 * ran them all.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine.h"

#define NREG		8
#define REG_PAGES	65536u		/* pages per region (one map line) */
#define PAGE		4096u
#define REG_BASE	0x010000000000ull	/* region k at BASE + k*STRIDE */
#define REG_STRIDE	0x100000000000ull
#define STACK		4u		/* stack pages */
#define ARRAY		256u		/* pages swept by the loop */
#define HEAP		512u		/* heap working set, pages */
#define PLACES		4u		/* places of the loop and the heap */
#define COLD		8192u		/* pages of the cold region */
#define PHASE		200000u		/* references per phase */
#define SEED		0x5eed5eedull

static uint64_t rng_state = SEED;

static uint64_t
rnd(void)
{
	return engine_splitmix(&rng_state);
}

static uint64_t
rnd_below(uint64_t n)
{
	return rnd() % n;
}

/* A global page number g (0 .. NREG*REG_PAGES-1) as a virtual address. */
static uint64_t
page_va(uint32_t g)
{
	return REG_BASE + (uint64_t)(g / REG_PAGES) * REG_STRIDE +
	    (uint64_t)(g % REG_PAGES) * PAGE;
}

static int
parse_count(const char *s, unsigned long long *n)
{
	char *end;

	errno = 0;
	*n = strtoull(s, &end, 10);
	return errno != 0 || end == s || *end != '\0' || *n == 0 ||
	    *n > 100000000ull ? -1 : 0;
}

int
main(int argc, char **argv)
{
	unsigned long long n, i;
	uint32_t stack, array, heap, cold, k, arrays[PLACES], heaps[PLACES];
	uint64_t r, va, sweep;
	bool plain;
	FILE *f;

	if (argc < 3 || argc > 4 || parse_count(argv[1], &n) != 0 ||
	    (argc == 4 && strcmp(argv[3], "plain") != 0)) {
		fprintf(stderr, "usage: gen N FILE [plain]   (1 <= N <= "
		    "100000000)\n");
		return 2;
	}
	plain = argc == 4;
	f = fopen(argv[2], "w");
	if (f == NULL) {
		fprintf(stderr, "gen: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	setvbuf(f, NULL, _IOFBF, (size_t)1 << 20);

	fprintf(f, "# vmscope benchmark: %llu references (bench/gen.c, seed "
	    "0x%llx)\n", n, (unsigned long long)SEED);
	if (!plain) {
		fprintf(f, "machine va=48 pa=48 page=4K tlb=64 tlb.ways=4 "
		    "policy=clock frames=4096\n");
		fprintf(f, "process bench\n");
		for (k = 0; k < NREG; k++)
			fprintf(f, "map 0x%012llx pages=%u disk\n",
			    (unsigned long long)(REG_BASE + k * REG_STRIDE),
			    REG_PAGES);
	}

	stack = (uint32_t)rnd_below((uint64_t)NREG * REG_PAGES - STACK);
	for (k = 0; k < PLACES; k++) {
		arrays[k] = (uint32_t)rnd_below((uint64_t)NREG * REG_PAGES -
		    ARRAY);
		heaps[k] = (uint32_t)rnd_below((uint64_t)NREG * REG_PAGES -
		    HEAP);
	}
	cold = (uint32_t)rnd_below((uint64_t)NREG * REG_PAGES - COLD);
	array = heap = 0;
	sweep = 0;
	for (i = 0; i < n; i++) {
		if (i % PHASE == 0) {
			array = arrays[(i / PHASE) % PLACES];
			heap = heaps[(i / PHASE + 1) % PLACES];
			sweep = 0;
		}
		r = rnd_below(1000);
		if (r < 350) {
			/* the stack: the top page most */
			k = (uint32_t)(rnd_below(STACK) * rnd_below(STACK) /
			    STACK);
			va = page_va(stack + k) + rnd_below(PAGE);
		} else if (r < 750) {
			/* the loop over the array */
			va = page_va(array + (uint32_t)(sweep / PAGE)) +
			    sweep % PAGE;
			sweep = (sweep + 8) % ((uint64_t)ARRAY * PAGE);
		} else if (r < 995) {
			/* the heap */
			k = (uint32_t)rnd_below(HEAP);
			k = (uint32_t)((uint64_t)k * rnd_below(HEAP) / HEAP *
			    rnd_below(HEAP) / HEAP);
			va = page_va(heap + k) + rnd_below(PAGE);
		} else {
			/* the cold region */
			va = page_va(cold + (uint32_t)rnd_below(COLD)) +
			    rnd_below(PAGE);
		}
		if (rnd_below(10) < 3) {
			k = (uint32_t)rnd_below(256);
			if (plain)
				fprintf(f, "w 0x%012llx\n",
				    (unsigned long long)va);
			else
				fprintf(f, "write 0x%012llx %u\n",
				    (unsigned long long)va, k);
		} else
			fprintf(f, "%s 0x%012llx\n", plain ? "r" : "read",
			    (unsigned long long)va);
	}
	if (!plain)
		fprintf(f, "expect accesses %llu\n", n);
	if (fflush(f) != 0 || ferror(f) || fclose(f) != 0) {
		fprintf(stderr, "gen: %s: write error\n", argv[2]);
		return 1;
	}
	return 0;
}
