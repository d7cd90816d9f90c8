/*
 * gen.c - writes the benchmark's scenario: a 48-bit machine, one process,
 * eight regions of 65,536 pages mapped on disk, then N one-byte reads and
 * writes (about 30% writes) with locality.
 *
 * Usage: gen N FILE
 *
 * The reference string is deterministic (a fixed seed): the same N gives
 * the same file on every machine.  Its shape:
 *   - a hot set of HOT pages, built as clusters of consecutive pages, that
 *     drifts slowly: every DRIFT references one hot page is replaced by a
 *     page near another hot page (so the set wanders, cluster by cluster);
 *   - most references stay on the current page or step to a neighbour;
 *   - some jump to a random hot page (skewed towards the first ones);
 *   - a few (COLD_PERMILLE per mille) jump anywhere in the mapped space.
 * Every access is one byte, so none crosses a page.  The file ends with
 * `expect accesses N`, so that `vmscope --check` confirms it ran them all.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NREG		8
#define REG_PAGES	65536u		/* pages per region (one map line) */
#define PAGE		4096u
#define REG_BASE	0x010000000000ull	/* region k at BASE + k*STRIDE */
#define REG_STRIDE	0x100000000000ull
#define HOT		3072u		/* hot pages */
#define CLUSTER		64u		/* consecutive pages per cluster */
#define DRIFT		256u		/* references between two drifts */
#define COLD_PERMILLE	2u		/* jumps anywhere, per mille */
#define SEED		0x5eed5eedull

static uint64_t rng_state = SEED;

/* splitmix64 */
static uint64_t
rnd(void)
{
	uint64_t z;

	rng_state += 0x9E3779B97F4A7C15ull;
	z = rng_state;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
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

/* g moved by delta pages, kept inside its region. */
static uint32_t
page_move(uint32_t g, int64_t delta)
{
	int64_t in = (int64_t)(g % REG_PAGES) + delta;

	if (in < 0)
		in = 0;
	if (in >= (int64_t)REG_PAGES)
		in = (int64_t)REG_PAGES - 1;
	return (g / REG_PAGES) * REG_PAGES + (uint32_t)in;
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
	static uint32_t hot[HOT];
	unsigned long long n, i;
	uint32_t cur, k, c;
	uint64_t r, va;
	FILE *f;

	if (argc != 3 || parse_count(argv[1], &n) != 0) {
		fprintf(stderr, "usage: gen N FILE   (1 <= N <= 100000000)\n");
		return 2;
	}
	f = fopen(argv[2], "w");
	if (f == NULL) {
		fprintf(stderr, "gen: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	setvbuf(f, NULL, _IOFBF, (size_t)1 << 20);

	fprintf(f, "# vmscope benchmark: %llu references (bench/gen.c, seed "
	    "0x%llx)\n", n, (unsigned long long)SEED);
	fprintf(f, "machine va=48 pa=48 page=4K tlb=64 tlb.ways=4 "
	    "policy=clock frames=4096\n");
	fprintf(f, "process bench\n");
	for (k = 0; k < NREG; k++)
		fprintf(f, "map 0x%012llx pages=%u disk\n",
		    (unsigned long long)(REG_BASE + k * REG_STRIDE), REG_PAGES);

	/* the hot set: HOT/CLUSTER clusters of consecutive pages */
	for (c = 0; c < HOT / CLUSTER; c++) {
		cur = (uint32_t)rnd_below((uint64_t)NREG * REG_PAGES);
		cur = page_move(cur, -(int64_t)CLUSTER);
		for (k = 0; k < CLUSTER; k++)
			hot[c * CLUSTER + k] = page_move(cur, k);
	}
	cur = hot[0];

	for (i = 0; i < n; i++) {
		if (i % DRIFT == DRIFT - 1)
			hot[rnd_below(HOT)] = page_move(hot[rnd_below(HOT)],
			    (int64_t)rnd_below(33) - 16);
		r = rnd_below(1000);
		if (r < 550) {
			/* the same page */
		} else if (r < 800) {
			/* a neighbour */
			cur = page_move(cur, (int64_t)rnd_below(7) - 3);
		} else if (r < 1000 - COLD_PERMILLE) {
			/* a hot page, the first ones more often */
			r = rnd_below(HOT);
			cur = hot[r * rnd_below(HOT) / HOT];
		} else {
			/* anywhere */
			cur = (uint32_t)rnd_below((uint64_t)NREG * REG_PAGES);
		}
		va = page_va(cur) + rnd_below(PAGE);
		if (rnd_below(10) < 3)
			fprintf(f, "write 0x%012llx %u\n",
			    (unsigned long long)va, (unsigned)rnd_below(256));
		else
			fprintf(f, "read 0x%012llx\n", (unsigned long long)va);
	}
	fprintf(f, "expect accesses %llu\n", n);
	if (fflush(f) != 0 || ferror(f) || fclose(f) != 0) {
		fprintf(stderr, "gen: %s: write error\n", argv[2]);
		return 1;
	}
	return 0;
}
