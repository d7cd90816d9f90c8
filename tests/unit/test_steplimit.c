/*
 * test_steplimit.c - unit tests of a session's step limit (struct session
 * step_limit): a file or a typed line that runs or undoes more micro-steps
 * than the limit is stopped with one error at the command that went past
 * it, and nothing after that command runs; with no limit the same text
 * runs to its end.  The fuzz harness of scenarios relies on it to bound
 * the time of an input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "script/run.h"

static struct strbuf errs;

static void
cap_err(void *arg, const char *line, size_t len)
{
	(void)arg;
	sb_putn(&errs, line, len);
	sb_putn(&errs, "\n", 1);
}

static void
cap_none(void *arg, const char *line, size_t len)
{
	(void)arg;
	(void)line;
	(void)len;
}

static struct session *
session(uint64_t limit)
{
	struct session *s;
	struct verr ve;

	memset(&ve, 0, sizeof ve);
	if ((s = run_new(RUN_CHECK, 0, &ve)) == NULL)
		fail_msg("run_new: %s", ve.msg);
	sb_free(&errs);
	sb_init(&errs);
	run_set_output(s, cap_none, NULL);
	run_set_errors(s, cap_err, NULL);
	s->step_limit = limit;
	return s;
}

static const char *
err_text(void)
{
	return errs.s != NULL ? errs.s : "";
}

static uint64_t
accesses(struct session *s)
{
	struct qval q;
	struct verr ve;

	memset(&ve, 0, sizeof ve);
	if (engine_query(s->engine, "accesses", &q, &ve) != 0)
		fail_msg("query: %s", ve.msg);
	return q.num;
}

/* 300 pages mapped on disk: more than 300 micro-steps. */
static const char big[] = "process a\nmap 0 pages=300 disk\nread 0\n";

static void
test_file_stopped(void **state)
{
	struct session *s;

	(void)state;
	s = session(200);
	assert_int_equal(run_string(s, "t", big, strlen(big)), 2);
	assert_string_equal(err_text(), "t:2:1: map: stopped after 200 "
	    "micro-steps, the limit set for this run\n");
	assert_int_equal(accesses(s), 0);	/* read 0 did not run */
	run_free(s);

	s = session(0);				/* no limit */
	assert_int_equal(run_string(s, "t", big, strlen(big)), 0);
	assert_string_equal(err_text(), "");
	assert_int_equal(accesses(s), 1);
	run_free(s);

	s = session(100000);			/* a limit not reached */
	assert_int_equal(run_string(s, "t", big, strlen(big)), 0);
	assert_string_equal(err_text(), "");
	run_free(s);
}

/* Each file starts with the whole limit: the count does not carry. */
static void
test_each_file(void **state)
{
	static const char small[] = "process a\nmap 0 pages=2\nread 0\n";
	struct session *s;
	uint64_t n;
	int i;

	(void)state;
	s = session(0);
	assert_int_equal(run_string(s, "t", small, strlen(small)), 0);
	n = s->steps;
	assert_true(n > 5);
	run_free(s);

	s = session(n);
	for (i = 0; i < 5; i++)
		assert_int_equal(run_string(s, "t", small, strlen(small)), 0);
	assert_string_equal(err_text(), "");
	run_free(s);
}

/* Steps run again after back and reset count as well: a file cannot loop
 * back and forth for ever. */
static void
test_back_counts(void **state)
{
	static const char again[] = "process a\nmap 0 pages=20 disk\n"
	    "back 1000\nrun\nback 1000\nstep 1000\nreset\nnext\nrun\n"
	    "read 0\n";
	struct session *s;
	uint64_t n;

	(void)state;
	s = session(0);
	assert_int_equal(run_string(s, "t", again, strlen(again)), 0);
	n = s->steps;
	run_free(s);

	s = session(n);
	assert_int_equal(run_string(s, "t", again, strlen(again)), 0);
	assert_string_equal(err_text(), "");
	run_free(s);

	s = session(n - 1);		/* the read's last step is one too many */
	assert_int_equal(run_string(s, "t", again, strlen(again)), 2);
	assert_non_null(strstr(err_text(), "t:10:1: read: stopped after "));
	run_free(s);

	s = session(n / 2);		/* stopped in a run after back */
	assert_int_equal(run_string(s, "t", again, strlen(again)), 2);
	assert_non_null(strstr(err_text(), "the limit set for this run"));
	assert_int_equal(accesses(s), 0);
	run_free(s);
}

/* A typed line has the whole limit to itself; a command stopped is
 * still in progress, and the next line finishes it first. */
static void
test_lines(void **state)
{
	struct session *s;

	(void)state;
	s = session(40);
	assert_int_equal(run_line(s, "process a", 9), 0);
	assert_int_equal(run_line(s, "map 0 pages=8 disk", 18), 0);
	assert_int_equal(run_line(s, "map 0x10000 pages=8 disk", 24), 0);
	assert_int_equal(run_line(s, "map 0x20000 pages=50 disk", 25), -1);
	assert_non_null(strstr(err_text(), "<stdin>:4:1: map: stopped after "
	    "40 micro-steps"));
	assert_int_equal(run_line(s, "read 0", 6), 0);
	assert_int_equal(accesses(s), 1);
	run_free(s);
	sb_free(&errs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_stopped),
		cmocka_unit_test(test_each_file),
		cmocka_unit_test(test_back_counts),
		cmocka_unit_test(test_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
