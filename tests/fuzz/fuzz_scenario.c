/*
 * fuzz_scenario.c - fuzz harness of whole scenarios: the input runs as a
 * file through run_string(), the path of `vmscope --check FILE` (scan,
 * then run on a fresh default machine), in a session that may write no
 * file and stops a file after FUZZ_STEP_LIMIT micro-steps, so that a long
 * run costs a bounded time.  The folder of the file is the sandbox
 * (tests/fuzz/sandbox): a load, compare, sweep or trace finds only the
 * few small files there, or the built-in workloads.  Error lines must be
 * one printable line each (fuzz_sink_check); the status is 0, 1 or 2.
 * Built with FUZZ_BATCH, it takes the path of --batch instead: every line
 * of the transcript is made (each micro-step formatted, each view shown)
 * and checked as the errors are.
 */
#include <stdio.h>
#include <stdlib.h>

#include "script/run.h"
#include "fuzz.h"

#ifdef FUZZ_BATCH
#define MODE	RUN_BATCH
#else
#define MODE	RUN_CHECK
#endif

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_enter_sandbox();
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct session *s;
	struct verr ve;
	int status;

	if ((s = run_new(MODE, 0, &ve)) == NULL) {
		fprintf(stderr, "fuzz_scenario: %s\n", ve.msg);
		abort();
	}
	run_set_output(s, fuzz_sink_check, NULL);
	run_set_errors(s, fuzz_sink_check, NULL);
	s->step_limit = FUZZ_STEP_LIMIT;
	status = run_string(s, "fuzz.scenario", (const char *)data, size);
	if (status < 0 || status > 2 || run_status(s) < status) {
		fprintf(stderr, "fuzz_scenario: status %d, session %d\n",
		    status, run_status(s));
		abort();
	}
	run_free(s);
	return (0);
}
