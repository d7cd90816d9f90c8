/*
 * parse.c - the floor of the benchmark: the least any program must do to
 * replay the scenario or the trace.  It reads the file through a fixed
 * buffer (as a streaming trace reader would: memory does not grow with
 * the file) and parses every `read VA` and `write VA VALUE` line of a
 * scenario, or `r VA`, `w VA`, `x VA` line of a plain trace (the word,
 * the address, the optional value), or `I  ADDR,SIZE`, ` L ADDR,SIZE`,
 * ` S ...`, ` M ...` line of a valgrind lackey trace (M counts twice, a
 * read then a write), summing them so that nothing is optimized away,
 * and does nothing else.
 *
 * Usage: parse FILE
 * Prints one line: references, seconds (reading and parsing), references
 * per second, and the checksum.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

#define BUF_SIZE ((size_t)1 << 20)

/* A number at p (0x hex or decimal); p is left after it. */
static uint64_t
number(const char **pp, const char *end)
{
	const char *p = *pp;
	uint64_t v = 0;
	int d;

	if (end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		for (p += 2; p < end && (d = hexval((unsigned char)*p)) >= 0;
		    p++)
			v = (v << 4) | (uint64_t)d;
	} else
		for (; p < end && *p >= '0' && *p <= '9'; p++)
			v = v * 10 + (uint64_t)(*p - '0');
	*pp = p;
	return v;
}

/* Hex digits at p (lackey's addresses have no 0x). */
static uint64_t
hexnum(const char **pp, const char *end)
{
	const char *p = *pp;
	uint64_t v = 0;
	int d;

	for (; p < end && (d = hexval((unsigned char)*p)) >= 0; p++)
		v = (v << 4) | (uint64_t)d;
	*pp = p;
	return v;
}

/* One line [p, eol): adds to *sum, counts a reference in *refs. */
static void
line(const char *p, const char *eol, uint64_t *sum, uint64_t *refs)
{
	if (eol - p > 3 && (p[0] == 'I' || p[0] == ' ') && p[2] == ' ' &&
	    (p[1] == ' ' || p[1] == 'L' || p[1] == 'S' || p[1] == 'M')) {
		/* lackey: "I  ADDR,SIZE" or " K ADDR,SIZE" */
		char k = p[0] == 'I' ? 'I' : p[1];

		p += 3;
		while (p < eol && *p == ' ')
			p++;
		*sum += hexnum(&p, eol) + (unsigned char)k;
		if (p < eol && *p == ',') {
			p++;
			*sum += number(&p, eol);
		}
		*refs += k == 'M' ? 2 : 1;
	} else if (eol - p > 5 && memcmp(p, "read ", 5) == 0) {
		p += 5;
		*sum += number(&p, eol);
		(*refs)++;
	} else if (eol - p > 6 && memcmp(p, "write ", 6) == 0) {
		p += 6;
		*sum += number(&p, eol);
		while (p < eol && *p == ' ')
			p++;
		if (p < eol)
			*sum += number(&p, eol);
		(*refs)++;
	} else if (eol - p > 2 && (*p == 'r' || *p == 'w' || *p == 'x') &&
	    p[1] == ' ') {
		p += 2;
		*sum += number(&p, eol) + (unsigned char)p[-2];
		(*refs)++;
	}
}

int
main(int argc, char **argv)
{
	const char *p, *end, *eol;
	uint64_t sum = 0, refs = 0;
	size_t keep = 0, got;
	double t0, t1;
	char *buf;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: parse FILE\n");
		return 2;
	}
	t0 = now();
	f = fopen(argv[1], "r");
	if (f == NULL) {
		fprintf(stderr, "parse: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	buf = (char *)malloc(BUF_SIZE);
	if (buf == NULL) {
		fprintf(stderr, "parse: out of memory\n");
		return 1;
	}
	/* the buffer holds the unfinished last line of the previous read
	 * (keep bytes), then what the next read brings */
	for (;;) {
		got = fread(buf + keep, 1, BUF_SIZE - keep, f);
		end = buf + keep + got;
		for (p = buf; p < end; p = eol + 1) {
			eol = (const char *)memchr(p, '\n', (size_t)(end - p));
			if (eol == NULL)
				break;
			line(p, eol, &sum, &refs);
		}
		keep = (size_t)(end - p);
		if (keep == BUF_SIZE) {
			fprintf(stderr, "parse: %s: a line longer than %zu "
			    "bytes\n", argv[1], BUF_SIZE);
			return 1;
		}
		if (got == 0) {
			line(p, end, &sum, &refs);	/* no newline at the end */
			break;
		}
		memmove(buf, p, keep);
	}
	if (ferror(f)) {
		fprintf(stderr, "parse: %s: read error\n", argv[1]);
		return 1;
	}
	fclose(f);
	t1 = now();
	free(buf);
	printf("parse: refs=%llu seconds=%.6f refs_per_s=%.0f sum=%llx\n",
	    (unsigned long long)refs, t1 - t0,
	    t1 > t0 ? (double)refs / (t1 - t0) : 0.0,
	    (unsigned long long)sum);
	return 0;
}
