/*
 * fuzz_trace.c - fuzz harness of the memory-trace readers: the input is
 * a trace, given as text to trace_replay() (struct trace_opts text and
 * textlen), as `vmscope --trace` replays a file.  Built once per format
 * (FUZZ_FORMAT "lackey", "plain" or "din"): a first line of that format
 * is put before the input, so that the format is told from it and every
 * line of the input is read as that format.  The input's last byte picks
 * one of a few small machines (every policy, TLB shapes, radix and
 * inverted tables, 16- to 57-bit addresses, tiny pages) and the report:
 * text, CSV or JSON, with every figure or not, bad lines skipped or not.
 * Every line of the report and every error must be one printable line
 * (fuzz_sink_check); the status is 0 or 2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script/trace.h"
#include "fuzz.h"

#ifndef FUZZ_FORMAT
#define FUZZ_FORMAT "plain"
#endif

/* Small machines, so that each input replays fast; keys over the trace's
 * default machine (TRACE_MACHINE), as --machine gives them. */
static const char *const machines[16] = {
	"frames=8 tlb=4 policy=lru",
	"frames=8 tlb=4 tlb.ways=2 tlb.policy=fifo policy=fifo",
	"frames=8 tlb=0 policy=clock clear.interval=5",
	"frames=8 tlb=4 policy=opt",
	"frames=8 tlb=8 tlb.ways=full tlb.policy=random policy=random seed=7",
	"va=32 pa=32 frames=16 tlb=4 policy=lru",
	"va=57 pa=52 frames=8 tlb=4 policy=clock",
	"va=32 pa=30 pt=inverted frames=16 tlb=4 policy=fifo",
	"va=16 pa=16 page=64 frames=8 tlb=2 policy=clock",
	"va=32 pa=24 page=1K split=12,10 frames=4 tlb=2 policy=opt",
	"va=39 pa=40 split=9,9,9 frames=8 tlb=4 tlb.tags=off policy=clock",
	"frames=1 tlb=1 policy=lru",
	"va=16 pa=16 page=16 split=6,6 frames=4 tlb=2 policy=opt",
	"va=32 pa=32 pte=8 frames=8 tlb=16 tlb.ways=4 policy=random seed=3",
	"va=48 pa=48 page=64K frames=8 tlb=4 policy=lru",
	"va=32 pa=28 pt=inverted frames=4 tlb=0 policy=opt",
};

static struct mconfig mcfg[16];

/* A first line of the format, at address 0 (in every machine). */
static const char *
first_line(void)
{
	if (strcmp(FUZZ_FORMAT, "lackey") == 0)
		return ("I  00000000,4\n");
	if (strcmp(FUZZ_FORMAT, "din") == 0)
		return ("2 0\n");
	return ("r 0\n");
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char msg[1200];
	size_t i;

	(void)argc;
	(void)argv;
	for (i = 0; i < 16; i++) {
		if (trace_machine(machines[i], &mcfg[i], msg, sizeof msg) !=
		    0) {
			fprintf(stderr, "fuzz_trace: machine '%s': %s\n",
			    machines[i], msg);
			abort();
		}
	}
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace_opts o;
	const char *first = first_line();
	size_t n = strlen(first);
	unsigned pick = size > 0 ? data[size - 1] : 0;
	int status;
	char *buf;

	/* Exactly the trace's bytes: a read past them is caught. */
	if ((buf = (char *)malloc(n + size)) == NULL)
		abort();
	memcpy(buf, first, n);
	if (size > 0)
		memcpy(buf + n, data, size);

	trace_opts_init(&o);
	o.path = "fuzz." FUZZ_FORMAT;
	o.text = buf;
	o.textlen = n + size;
	o.output = (pick >> 4 & 3) == 1 ? TRACE_CSV : (pick >> 4 & 3) == 2 ?
	    TRACE_JSON : TRACE_TEXT;
	o.stats = (pick & 0x40) != 0;
	o.skip_bad = (pick & 0x80) != 0;
	o.interval = 13;
	o.out.fn = fuzz_sink_check;
	o.err.fn = fuzz_sink_check;
	status = trace_replay(&mcfg[pick & 15], &o);
	free(buf);
	if (status != 0 && status != 2) {
		fprintf(stderr, "fuzz_trace: status %d\n", status);
		abort();
	}
	return (0);
}
