/*
 * fuzz.c - helpers of the fuzz harnesses: the checking sink and the
 * sandbox folder (fuzz.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz.h"

#ifndef FUZZ_SANDBOX
#define FUZZ_SANDBOX "tests/fuzz/sandbox"
#endif

/* Longer than any message: a line of 4096 bytes quoted, and its place. */
#define FUZZ_LINE_MAX	(4 * 4096 + 1024)

void
fuzz_sink_check(void *arg, const char *line, size_t len)
{
	size_t i;
	unsigned char c;

	(void)arg;
	if (getenv("VMSCOPE_FUZZ_SHOW") != NULL)
		fprintf(stderr, "%.*s\n", (int)len, line);
	if (len > FUZZ_LINE_MAX) {
		fprintf(stderr, "fuzz: a message line of %zu bytes\n", len);
		abort();
	}
	for (i = 0; i < len; i++) {
		c = (unsigned char)line[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			fprintf(stderr, "fuzz: control byte 0x%02x at %zu in "
			    "the message line: %.*s\n", c, i, (int)len, line);
			abort();
		}
	}
}

void
fuzz_enter_sandbox(void)
{
	const char *dir = getenv("VMSCOPE_FUZZ_SANDBOX");

	if (dir == NULL || *dir == '\0')
		dir = FUZZ_SANDBOX;
	if (chdir(dir) != 0) {
		fprintf(stderr, "fuzz: cannot enter the sandbox folder %s: run "
		    "from the project's root or set VMSCOPE_FUZZ_SANDBOX\n",
		    dir);
		abort();
	}
}
