/*
 * fuzz.h - what the fuzz harnesses share.  Each harness (fuzz_*.c) gives
 * libFuzzer its two entry points; replay.c gives the same harness a main
 * that feeds it files, so that it also builds without libFuzzer (make
 * test replays the seeds and the crash reproducers that way).  fuzz.c
 * holds the helpers: a sink that checks every message line it is given,
 * and the sandbox folder the scenarios run in.
 */
#ifndef VMSCOPE_FUZZ_H
#define VMSCOPE_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's entry points: called once, then once for each input. */
int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Micro-steps a scenario may run (or undo) before it is stopped. */
#define FUZZ_STEP_LIMIT	100000

/* A sink for run_set_errors() and trace_opts.err: a line must be one line
 * of printable text (tabs and UTF-8 allowed, no other control byte, no
 * newline) of a sane length, or the harness aborts: what a stranger's
 * file makes vmscope print must not garble a terminal.  With
 * VMSCOPE_FUZZ_SHOW set in the environment, the lines go to stderr too
 * (to see what a reproducer does). */
void	fuzz_sink_check(void *arg, const char *line, size_t len);

/* Make the sandbox folder (FUZZ_SANDBOX, or $VMSCOPE_FUZZ_SANDBOX) the
 * current directory, so that what a scenario loads, compares, sweeps or
 * traces is one of the few small files there.  Aborts with a message if
 * it cannot. */
void	fuzz_enter_sandbox(void);

#endif
