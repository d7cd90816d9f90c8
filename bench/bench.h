/*
 * bench.h - what the benchmark programs share: a monotonic clock in
 * seconds and the value of a hex digit (both parse trace lines).
 * Header-only, as each bench/NAME.c builds into a program of its own.
 */
#ifndef VMSCOPE_BENCH_H
#define VMSCOPE_BENCH_H

#include <time.h>

static inline double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The value of hex digit ch, or -1. */
static inline int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

#endif
