/*
 * test_cmd.c - unit tests of the command layer through a session: text
 * run as a file (run_string, run_file) or as the user's lines (run_line),
 * with the transcript and the errors caught in buffers.
 *
 * The assertions are on what the script layer writes itself (echoed
 * lines, narrative, errors with their FILE:LINE:COLUMN, failed expects,
 * ask, peek, help, the load and save rules, the future for OPT) and on
 * the exit status; the text of micro-steps and of the engine's own
 * messages belongs to the core and is not pinned here.
 */
#define _XOPEN_SOURCE 700	/* mkdtemp */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "script/cmd.h"
#include "script/run.h"

struct cap {
	struct strbuf out;
	struct strbuf err;
};

static struct cap C;
static struct session *S;

static void
cap_out(void *arg, const char *line, size_t len)
{
	struct cap *c = (struct cap *)arg;

	sb_putn(&c->out, line, len);
	sb_putn(&c->out, "\n", 1);
}

static void
cap_err(void *arg, const char *line, size_t len)
{
	struct cap *c = (struct cap *)arg;

	sb_putn(&c->err, line, len);
	sb_putn(&c->err, "\n", 1);
}

static const char *
out(void)
{
	return C.out.s != NULL ? C.out.s : "";
}

static const char *
err(void)
{
	return C.err.s != NULL ? C.err.s : "";
}

static void
clear(void)
{
	sb_free(&C.out);
	sb_free(&C.err);
}

static void
open_session(enum run_mode mode, unsigned flags)
{
	struct verr ve;

	memset(&ve, 0, sizeof ve);
	S = run_new(mode, flags, &ve);
	if (S == NULL)
		fail_msg("run_new: %s", ve.msg);
	sb_init(&C.out);
	sb_init(&C.err);
	run_set_output(S, cap_out, &C);
	run_set_errors(S, cap_err, &C);
}

static int
teardown(void **state)
{
	(void)state;
	run_free(S);
	S = NULL;
	clear();
	return 0;
}

static int
file(const char *text)
{
	return run_string(S, "t", text, strlen(text));
}

static int
line(const char *text)
{
	return run_line(S, text, strlen(text));
}

/* Does haystack hold needle as a whole line? */
static void
has_line(const char *haystack, const char *needle)
{
	const char *p = haystack;
	size_t n = strlen(needle);

	while ((p = strstr(p, needle)) != NULL) {
		if ((p == haystack || p[-1] == '\n') &&
		    (p[n] == '\n' || p[n] == '\0'))
			return;
		p++;
	}
	fail_msg("no line \"%s\" in:\n%s", needle, haystack);
}

static void
has(const char *haystack, const char *needle)
{
	if (strstr(haystack, needle) == NULL)
		fail_msg("no \"%s\" in:\n%s", needle, haystack);
}

/* The one error a file gives in --check, and the status 2. */
static void
check_error(const char *text, const char *want)
{
	open_session(RUN_CHECK, 0);
	assert_int_equal(file(text), 2);
	has_line(err(), want);
	assert_string_equal(out(), "");
	teardown(NULL);
}

static void
test_syntax_errors(void **state)
{
	(void)state;
	check_error("frobnicate 1\n", "t:1:1: unknown command 'frobnicate' "
	    "('help' lists the commands)");
	check_error("\n  >x\n", "t:2:3: '>' starts narrative text only "
	    "with a blank after it");
	check_error("read\n", "t:1:5: read: missing VA; usage: read VA "
	    "[size=N] [kernel]");
	check_error("read zz\n", "t:1:6: read VA: expected a number, got "
	    "'zz'");
	check_error("read 99999999999999999999\n", "t:1:6: read VA: number too large: "
	    "'99999999999999999999' does not fit in 64 bits (at most "
	    "18446744073709551615 = 0xffffffffffffffff)");
	check_error("read 0 size=3\n", "t:1:13: size: expected 1, 2, 4 or "
	    "8, got '3'");
	check_error("read 0 size=1 size=2\n", "t:1:15: read: 'size' given "
	    "twice");
	check_error("read 0 bogus=1\n", "t:1:8: read: unknown option "
	    "'bogus'; usage: read VA [size=N] [kernel]");
	check_error("exec 0 size=4\n", "t:1:8: exec: unknown option 'size'; "
	    "usage: exec VA [kernel]");
	check_error("read 0 1\n", "t:1:8: read: unexpected '1'; usage: read "
	    "VA [size=N] [kernel]");
	check_error("write 0 256\n", "t:1:9: write: value 256 does not fit in 1 "
	    "byte (at most 0xff): give size=2");
	check_error("write 0 0x10000 size=2\n", "t:1:9: write: value 0x10000 does not fit "
	    "in 2 bytes (at most 0xffff): give size=4");
	check_error("write 0 size=8 kernel kernel\n", "t:1:23: write: "
	    "'kernel' given twice");
	check_error("map 0 pages=0\n", "t:1:13: pages: must be at least 1");
	check_error("map 0 perm=rw\n", "t:1:12: perm: expected three letters like "
	    "rw- or r-x (r, w, x in that order, '-' for a right not "
	    "given), got 'rw'");
	check_error("map 0 user kernel\n", "t:1:12: map: 'user' and 'kernel' "
	    "cannot both be given");
	check_error("map 0 disk frame=2\n", "t:1:12: map: 'disk' and 'frame' "
	    "cannot both be given");
	check_error("unmap 0 perm=r--\n", "t:1:9: unmap: unknown option "
	    "'perm'; usage: unmap VA [pages=N]");
	check_error("protect 0x1000\n", "t:1:15: protect: missing perm=; usage: "
	    "protect VA [pages=N] perm=rwx");
	check_error("process 9a\n", "t:1:9: process: expected a name (a "
	    "letter, then letters, digits, '_', '.' or '-'), got '9a'");
	check_error("process abcdefghijklmnopqrstuvwxyz0123456\n", "t:1:9: process: name "
	    "'abcdefghijklmnopqrstuvwxyz0123456' is longer than 32 "
	    "characters");
	check_error("process p asid=1 asid=2\n", "t:1:18: process: 'asid' "
	    "given twice");
	check_error("switch\n", "t:1:7: switch: missing NAME; usage: "
	    "switch NAME");
	check_error("share p 0 at\n", "t:1:13: share: missing VA2 after 'at'; "
	    "usage: share PROCESS VA [at VA2]");
	check_error("share p 0 on 4\n", "t:1:11: share: unexpected 'on'; "
	    "usage: share PROCESS VA [at VA2]");
	check_error("poke 0x40 abc\n", "t:1:11: poke: 'abc' has an odd number "
	    "of hex digits; a byte takes two");
	check_error("poke 0x40 0xab\n", "t:1:12: poke: expected hex digits, got "
	    "'0xab': write the bytes without 0x, lowest address first "
	    "(poke 0x40 ba7f7f)");
	check_error("poke 0x40\n", "t:1:10: poke: missing HEXBYTES; usage: "
	    "poke PA HEXBYTES");
	check_error("peek 0 4097\n", "t:1:8: peek: N must be from 1 to 4096");
	check_error("step 0\n", "t:1:6: step: N must be at least 1");
	check_error("next 1\n", "t:1:6: next: unexpected '1'; next takes "
	    "nothing");
	check_error("show nothing\n", "t:1:6: show: expected tlb, pt, frames, "
	    "disk, vmcs or stats, got 'nothing'");
	check_error("help frob\n", "t:1:6: help: unknown command 'frob' "
	    "('help' alone lists the commands)");
	check_error("load\n", "t:1:5: load: missing FILE; usage: load "
	    "FILE");
	check_error("read caf\xc3\xa9\n", "t:1:9: non-ASCII byte 0xc3: only "
	    "narrative text and ask's TEXT may use it; names, numbers and "
	    "words are ASCII");
	check_error("read 0\x01\n", "t:1:7: control character 0x01 (Ctrl-A); a "
	    "line holds printable text, blanks and tabs");
	check_error("xyzzy guest\n", "t:1:1: unknown command 'xyzzy' "
	    "('help' lists the commands)");
	check_error("teach 1\n", "t:1:1: unknown command 'teach'; did you "
	    "mean 'trace'?");
	check_error("lecture 1\n", "t:1:1: unknown command 'lecture' ('help' "
	    "lists the commands)");
}

static void
test_expect_syntax(void **state)
{
	(void)state;
	check_error("expect\n", "t:1:7: expect: missing NAME; usage: "
	    "expect NAME [OP] VALUE");
	check_error("expect faults\n", "t:1:14: expect: missing VALUE; usage: "
	    "expect NAME [OP] VALUE");
	check_error("expect faults >=\n", "t:1:17: expect: missing VALUE; usage: "
	    "expect NAME [OP] VALUE");
	check_error("expect faults => 3\n", "t:1:15: expect: expected a "
	    "comparison (== != < <= > >=), got '=>'");
	check_error("expect tlb < hit\n", "t:1:12: expect: a word compares "
	    "only with == or !=");
	check_error("expect faults 3x\n", "t:1:16: expect: expected a number, got "
	    "'3x': 'x' is not a digit, and a size ends in K, M or G");
	check_error("expect faults 3 4\n", "t:1:15: expect: expected a "
	    "comparison (== != < <= > >=), got '3'");
	check_error("expect faults == 3 4\n", "t:1:20: expect: unexpected "
	    "'4'; usage: expect NAME [OP] VALUE");
	check_error("expect index.0 1\n", "t:1:14: expect: index.N takes N "
	    "from 1 to 5");
	check_error("expect index.6 1\n", "t:1:14: expect: index.N takes N "
	    "from 1 to 5");
	check_error("ask\n", "t:1:4: ask: missing NAME; usage: ask NAME "
	    "[TEXT]");

	open_session(RUN_CHECK, 0);
	assert_int_equal(file("expect bogus 1\n"), 2);
	has(err(), "t:1:8: expect: unknown name 'bogus'; the names are ");
	clear();
	assert_int_equal(file("expect exits.nope 1\n"), 2);
	has(err(), "t:1:14: expect: unknown exit reason 'nope'; the reasons "
	    "are ");
	teardown(NULL);
}

static void
test_machine_keys(void **state)
{
	(void)state;
	open_session(RUN_CHECK, 0);
	assert_int_equal(file("machine va=32 nope=1\n"), 2);
	has_line(err(), "t:1:15: unknown machine key 'nope'; the keys are va, "
	    "pa, page, split, pt, pte, pte.format, frames, policy, tlb, "
	    "tlb.ways, tlb.policy, tlb.tags, seed, vendor, clear.interval, "
	    "cost.tlb, cost.mem, cost.fault, cost.writeback, cost.exit, "
	    "cost.emulate, cost.hypercall");
	teardown(NULL);

	check_error("machine va=32 va=16\n", "t:1:15: machine: 'va' given "
	    "twice");
	check_error("machine va\n", "t:1:9: machine: expected KEY=VALUE, got "
	    "'va': write it as one word, va=BITS");
	check_error("machine policy=best\n", "t:1:16: policy: expected fifo, "
	    "lru, clock, opt or random, got 'best'");
	check_error("machine tlb.tags=yes\n", "t:1:18: tlb.tags: expected on "
	    "or off, got 'yes'");
	check_error("machine tlb.ways=some\n", "t:1:18: tlb.ways: expected "
	    "full or a number of ways, got 'some'");
	check_error("machine split=1,2,3,4,5,6\n", "t:1:25: split: at most 5 levels (the "
	    "index bits of each level, top first, comma separated)");
	check_error("machine split=10,,10\n", "t:1:18: split: level 2 has no number: "
	    "give the index bits of each level, top first, comma separated "
	    "(split=10,10)");
	check_error("machine va=4294967296\n", "t:1:12: va: number too "
	    "large");
	check_error("machine pt=hashed\n", "t:1:12: pt: expected radix or "
	    "inverted, got 'hashed'");
	check_error("machine vendor=via\n", "t:1:16: vendor: expected intel or "
	    "amd, got 'via'");
	check_error("machine pte.format=arm\n", "t:1:20: pte.format: expected "
	    "x86 or simple, got 'arm'");
	check_error("machine tlb.policy=clock\n", "t:1:20: tlb.policy: "
	    "expected lru, fifo or random, got 'clock'");
	check_error("machine cost.mem=x\n", "t:1:18: cost.mem: expected a number, got "
	    "'x'");

	/* mcfg_finish's errors point at the key they name */
	open_session(RUN_CHECK, 0);
	assert_int_equal(file("machine va=32 page=4K split=10,11\n"), 2);
	has(err(), "t:1:23: ");
	clear();
	assert_int_equal(file("machine frames=3 page=1000\n"), 2);
	has(err(), "t:1:18: ");
	teardown(NULL);
}

static void
test_nothing_runs_on_error(void **state)
{
	(void)state;
	open_session(RUN_BATCH, 0);
	assert_int_equal(file("> first\nprocess p\nread 0 0\n"), 2);
	assert_string_equal(out(), "");
	has_line(err(), "t:3:8: read: unexpected '0'; usage: read VA "
	    "[size=N] [kernel]");
	teardown(NULL);

	/* every syntax error is reported, up to RUN_ERRORS_MAX */
	open_session(RUN_CHECK, 0);
	assert_int_equal(file("a\nb\nread\n"), 2);
	has_line(err(), "t:1:1: unknown command 'a' ('help' lists the "
	    "commands)");
	has_line(err(), "t:2:1: unknown command 'b' ('help' lists the "
	    "commands)");
	has(err(), "t:3:5: read: missing VA");
	teardown(NULL);

	open_session(RUN_CHECK, 0);
	{
		struct strbuf sb;
		int i;

		sb_init(&sb);
		for (i = 0; i < 30; i++)
			sb_printf(&sb, "bad%d\n", i);
		assert_int_equal(run_string(S, "t", sb.s, sb.len), 2);
		sb_free(&sb);
	}
	has_line(err(), "t:20:1: unknown command 'bad19' ('help' lists the "
	    "commands)");
	has_line(err(), "t: more errors not shown (the first 20 are); nothing "
	    "of the file ran");
	assert_null(strstr(err(), "bad20"));
	teardown(NULL);
}

static void
test_transcript(void **state)
{
	(void)state;
	open_session(RUN_BATCH, 0);
	assert_int_equal(file("# a comment\n"
	    "> Hello,   world  \n"
	    "   machine va=16 pa=16 page=256 tlb=4   # small\n"
	    "\n"
	    "process p\n"
	    "map 0x100\n"
	    "write 0x100 7\n"
	    "expect value 7\n"
	    "pause\n"
	    "ask faults How many faults? # none\n"
	    "ask pa\n"
	    "step\n"
	    "run\n"
	    "next\n"), 0);
	assert_string_equal(err(), "");
	/* lines the file says, unindented and trimmed; results indented */
	assert_true(strncmp(out(), "> Hello,   world\n"
	    "machine va=16 pa=16 page=256 tlb=4   # small\n"
	    "process p\n  ", 64) == 0);
	has_line(out(), "map 0x100");
	has_line(out(), "write 0x100 7");
	has_line(out(), "? How many faults? # none");
	has_line(out(), "  faults = 0");
	has_line(out(), "? pa");
	has_line(out(), "  pa = 0x0");
	has_line(out(), "step");
	has_line(out(), "  nothing to step");
	assert_null(strstr(out(), "expect"));
	assert_null(strstr(out(), "pause"));
	assert_null(strstr(out(), "comment"));
	teardown(NULL);

	/* --check prints nothing at all */
	open_session(RUN_CHECK, 0);
	assert_int_equal(file("> narration\nprocess p\nmap 0\nread 0\n"
	    "show tlb\npeek 0 4\nhelp\nask faults Q\n"), 0);
	assert_string_equal(out(), "");
	assert_string_equal(err(), "");
	teardown(NULL);
}

static void
test_expect(void **state)
{
	(void)state;
	open_session(RUN_CHECK, 0);
	assert_int_equal(file("machine va=16 pa=16 page=256\n"
	    "process p\n"
	    "map 0x200\n"
	    "write 0x210 0x2a\n"
	    "expect value 42\n"
	    "expect value == 0x2a\n"
	    "expect pa 0x11\n"
	    "expect pa 17\n"
	    "expect faults >= 3\n"
	    "expect faults != 0\n"
	    "expect faults == none\n"
	    "expect tlb hit\n"
	    "expect tlb != miss\n"
	    "expect fault none\n"
	    "expect accesses > 0\n"
	    "expect accesses < 1\n"
	    "expect accesses <= 1\n"
	    "switch nobody\n"), 2);
	has_line(err(), "t:7: expected pa 0x11, got 0x10");
	has_line(err(), "t:8: expected pa 17, got 16");
	has_line(err(), "t:9: expected faults >= 3, got 0");
	has_line(err(), "t:10: expected faults != 0, got 0");
	has_line(err(), "t:11: expected faults == none, got 0");
	has_line(err(), "t:12: expected tlb hit, got miss");
	has_line(err(), "t:13: expected tlb != miss, got miss");
	has_line(err(), "t:16: expected accesses < 1, got 1");
	assert_null(strstr(err(), "t:5:"));
	assert_null(strstr(err(), "t:6:"));
	assert_null(strstr(err(), "t:14:"));
	assert_null(strstr(err(), "t:15:"));
	assert_null(strstr(err(), "t:17:"));
	/* the failures do not stop the file: the error on line 18 is seen */
	has(err(), "t:18:");
	teardown(NULL);

	/* a failed expect alone: status 1; none after a segv */
	open_session(RUN_CHECK, 0);
	assert_int_equal(file("process p\nread 0\nexpect pa none\n"
	    "expect value none\nexpect value 0\n"), 1);
	has_line(err(), "t:5: expected value 0, got none");
	teardown(NULL);
}

static void
test_runtime_errors(void **state)
{
	(void)state;
	/* an engine refusal stops the file */
	open_session(RUN_BATCH, 0);
	assert_int_equal(file("read 0\n> after\n"), 2);
	has(err(), "t:1:");
	assert_null(strstr(out(), "after"));
	teardown(NULL);

	/* points at the option the engine names */
	open_session(RUN_CHECK, 0);
	assert_int_equal(file("machine va=16 pa=16 page=256 frames=4\n"
	    "process p\nmap 0 pages=8\n"), 2);
	has(err(), "t:3:");
	teardown(NULL);

	/* OPT needs the future: a file has it, the user's lines do not */
	open_session(RUN_CHECK, 0);
	assert_int_equal(file("machine policy=opt\nprocess p\nmap 0\n"
	    "read 0\n"), 0);
	assert_string_equal(err(), "");
	assert_int_equal(line("machine policy=opt"), -1);
	has(err(), "<stdin>:1:");
	teardown(NULL);
}

static void
test_future(void **state)
{
	(void)state;
	open_session(RUN_CHECK, 0);
	assert_int_equal(file("process a\nmap 0\nread 0\nswitch a\n"
	    "process b\nmap 0x1000\nwrite 0x1000\nexec 0x1000\nswitch a\n"
	    "read 0x10 size=2\nmachine\nread 0x30\nquit\nread 0x20\n"), 2);
	has(err(), "t:12:");
	assert_int_equal(S->nfuture, 5);
	assert_string_equal(S->future[0].proc, "a");
	assert_int_equal(S->future[0].va, 0);
	assert_string_equal(S->future[1].proc, "b");
	assert_int_equal(S->future[1].va, 0x1000);
	assert_string_equal(S->future[2].proc, "b");
	assert_string_equal(S->future[3].proc, "a");
	assert_int_equal(S->future[3].va, 0x10);
	/* after machine, no process until one is made */
	assert_string_equal(S->future[4].proc, "");
	assert_int_equal(S->future[4].va, 0x30);
	teardown(NULL);
}

static void
test_peek_help(void **state)
{
	(void)state;
	open_session(RUN_BATCH, 0);
	assert_int_equal(file("poke 0x40 ba7f7f 00112233445566778899aabbcc\n"
	    "peek 0x40 17\n"
	    "peek 0x41\n"), 0);
	has_line(out(), "peek 0x40 17");
	has_line(out(), "  0x00000040: ba 7f 7f 00 11 22 33 44 55 66 77 88 "
	    "99 aa bb cc");
	has_line(out(), "  0x00000050: 00");
	has_line(out(), "  0x00000041: 7f");
	clear();

	assert_int_equal(line("help"), 0);
	has(out(), "  machine    a new machine");
	has(out(), "  quit       stop reading commands");
	has(out(), "  > TEXT     narrative text, shown as it is");
	clear();
	assert_int_equal(line("help map"), 0);
	has_line(out(), "  usage: map VA [pages=N] [perm=rwx] [user|kernel] "
	    "[frame=N|disk]");
	clear();
	assert_int_equal(line("help machine"), 0);
	has(out(), "    policy=fifo|lru|clock|opt|random");
	has(out(), "    cost.hypercall=CYCLES");
	teardown(NULL);
}

static void
test_players(void **state)
{
	(void)state;
	open_session(RUN_BATCH, 0);
	assert_int_equal(file("process p\nmap 0\nread 0\nback 2\nstep\n"
	    "reset\nrun\nback\nnext\nnext\n"), 0);
	assert_string_equal(err(), "");
	has_line(out(), "back 2");
	has(out(), "\n  at step 0 of ");
	has_line(out(), "  nothing to step");
	teardown(NULL);
}

static void
test_user_lines(void **state)
{
	(void)state;
	open_session(RUN_BATCH, 0);
	assert_int_equal(line("bogus"), -1);
	has_line(err(), "<stdin>:1:1: unknown command 'bogus' ('help' lists "
	    "the commands)");
	assert_int_equal(line("# nothing"), 0);
	assert_int_equal(line("> said"), 0);
	has_line(out(), "> said");
	assert_int_equal(line("process p"), 0);
	assert_int_equal(line("process p"), -1);
	has(err(), "<stdin>:5:");
	assert_int_equal(line("expect faults 1"), 0);
	has_line(err(), "<stdin>:6: expected faults 1, got 0");
	assert_int_equal(line("mapp 0"), -1);
	has_line(err(), "<stdin>:7:1: unknown command 'mapp'; did you mean "
	    "'map'?");
	/* A played file's lines (the screen's player) are named by the
	 * file and do not move the count of the lines typed. */
	assert_int_equal(run_line_at(S, "l.lesson", 40, "bogus", 5), -1);
	has_line(err(), "l.lesson:40:1: unknown command 'bogus' ('help' "
	    "lists the commands)");
	assert_int_equal(line("bogus"), -1);
	has_line(err(), "<stdin>:8:1: unknown command 'bogus' ('help' lists "
	    "the commands)");
	assert_int_equal(line("quit"), 0);
	assert_true(S->quit);
	assert_int_equal(run_status(S), 2);
	teardown(NULL);
}

/* Files on disk: load and save. */

static char Dir[64];

static void
put(const char *name, const char *text)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", Dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static int
run_path(const char *name)
{
	char path[256];

	snprintf(path, sizeof path, "%s/%s", Dir, name);
	return run_file(S, path);
}

static int
mkdir_tmp(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(Dir, sizeof Dir, "/tmp/vmscope-test-XXXXXX");
	if (mkdtemp(Dir) == NULL)
		return -1;
	snprintf(cmd, sizeof cmd, "mkdir -p %s/sub %s/out", Dir, Dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int
rmdir_tmp(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf %s", Dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_load(void **state)
{
	char want[512], name[32];
	int i;

	(void)state;
	put("main.scenario", "process p\nmap 0\nload sub/part.scenario\n"
	    "expect accesses 2\n");
	put("sub/part.scenario", "> inside\nread 0\nload more.scenario\n");
	put("sub/more.scenario", "read 0\n");
	open_session(RUN_BATCH, 0);
	assert_int_equal(run_path("main.scenario"), 0);
	assert_string_equal(err(), "");
	has_line(out(), "> inside");
	assert_int_equal(S->nfuture, 2);
	teardown(NULL);

	put("sub/esc.scenario", "load ../main.scenario\n");
	open_session(RUN_CHECK, 0);
	assert_int_equal(run_path("sub/esc.scenario"), 2);
	snprintf(want, sizeof want, "%s/sub/esc.scenario:1:6: load: "
	    "'../main.scenario' is outside the folder of %s/sub/esc.scenario "
	    "(a file loads only files in its own folder and below)", Dir,
	    Dir);
	has_line(err(), want);
	teardown(NULL);

	/* outside even when it does not exist: nothing is told about it */
	put("sub/esc2.scenario", "load ../nothing.scenario\n");
	open_session(RUN_CHECK, 0);
	assert_int_equal(run_path("sub/esc2.scenario"), 2);
	has(err(), "load: '../nothing.scenario' is outside the folder of ");
	teardown(NULL);

	put("abs.scenario", "load /etc/passwd\n");
	open_session(RUN_CHECK, 0);
	assert_int_equal(run_path("abs.scenario"), 2);
	has(err(), "abs.scenario:1:6: load: '/etc/passwd' is outside the "
	    "folder of ");
	teardown(NULL);

	put("missing.scenario", "load none.scenario\n");
	open_session(RUN_CHECK, 0);
	assert_int_equal(run_path("missing.scenario"), 2);
	has(err(), "missing.scenario:1:6: load: cannot open 'none.scenario': "
	    "No such file or directory");
	teardown(NULL);

	put("a.scenario", "load b.scenario\n");
	put("b.scenario", "load a.scenario\n");
	open_session(RUN_CHECK, 0);
	assert_int_equal(run_path("a.scenario"), 2);
	has(err(), "b.scenario:1:6: load: 'a.scenario' is already being "
	    "loaded (cycle)");
	teardown(NULL);

	for (i = 0; i < 12; i++) {
		snprintf(name, sizeof name, "n%d.scenario", i);
		snprintf(want, sizeof want, "load n%d.scenario\n", i + 1);
		put(name, want);
	}
	open_session(RUN_CHECK, 0);
	assert_int_equal(run_path("n0.scenario"), 2);
	has(err(), "n8.scenario:1:6: load: nested more than 8 deep");
	teardown(NULL);
	open_session(RUN_CHECK, 0);
	assert_int_equal(run_path("n4.scenario"), 2);	/* n12 is missing */
	has(err(), "n11.scenario:1:6: load: cannot open 'n12.scenario'");
	teardown(NULL);

	/* a syntax error in a loaded file: nothing of the top file runs */
	put("top.scenario", "> top\nload sub/broken.scenario\n");
	put("sub/broken.scenario", "read\n");
	open_session(RUN_BATCH, 0);
	assert_int_equal(run_path("top.scenario"), 2);
	has(err(), "sub/broken.scenario:1:5: read: missing VA");
	has(err(), "top.scenario:2:6: note: ");
	has(err(), "/sub/broken.scenario is loaded here");
	assert_string_equal(out(), "");
	teardown(NULL);

	/* a file that cannot be opened */
	open_session(RUN_CHECK, 0);
	assert_int_equal(run_file(S, "/nonexistent/x.scenario"), 2);
	has_line(err(), "vmscope: cannot open '/nonexistent/x.scenario': No "
	    "such file or directory");
	teardown(NULL);
}

static void
test_save(void **state)
{
	char path[256], buf[256];
	FILE *fp;
	size_t n;

	(void)state;
	put("save.scenario", "> saved\nsave out/t.txt\n> after\n");
	snprintf(path, sizeof path, "%s/out/t.txt", Dir);

	open_session(RUN_BATCH, 0);
	assert_int_equal(run_path("save.scenario"), 2);
	has(err(), "save.scenario:2:1: save: a command file writes files only "
	    "when vmscope is run with --allow-write");
	assert_int_equal(access(path, F_OK), -1);
	teardown(NULL);

	open_session(RUN_CHECK, RUN_ALLOW_WRITE);
	assert_int_equal(run_path("save.scenario"), 0);
	assert_int_equal(access(path, F_OK), -1);	/* check writes nothing */
	teardown(NULL);

	open_session(RUN_BATCH, RUN_ALLOW_WRITE);
	assert_int_equal(run_path("save.scenario"), 0);
	assert_string_equal(err(), "");
	fp = fopen(path, "r");
	assert_non_null(fp);
	n = fread(buf, 1, sizeof buf - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	assert_string_equal(buf, "> saved\n");
	teardown(NULL);

	/* from the user's lines: allowed, relative to the current folder */
	open_session(RUN_BATCH, 0);
	assert_int_equal(line("> typed"), 0);
	snprintf(buf, sizeof buf, "save %s/out/u.txt", Dir);
	assert_int_equal(line(buf), 0);
	snprintf(path, sizeof path, "%s/out/u.txt", Dir);
	assert_int_equal(access(path, F_OK), 0);
	snprintf(buf, sizeof buf, "save %s/no/such/dir/u.txt", Dir);
	assert_int_equal(line(buf), -1);
	has(err(), "save: cannot write '");
	teardown(NULL);
}

static void
test_table(void **state)
{
	const struct cmd_entry *ce;
	const char *const words[] = { "machine", "process", "switch", "map",
		"unmap", "protect", "share", "poke", "peek", "read", "write",
		"exec", "vm", "vmxon", "vmxoff", "vmlaunch", "vmresume",
		"interrupt", "insn", "vmcs", "compare", "trace", "generate", "sweep",
		"expect",
		"ask", "pause",
		"step",
		"back", "next", "run", "play", "reset", "load", "show", "lesson",
		"quiz", "reveal", "zoom",
		"dump", "save",
		"help", "quit", NULL };
	size_t i;

	(void)state;
	for (i = 0; words[i] != NULL; i++) {
		ce = cmd_find(words[i], strlen(words[i]));
		assert_non_null(ce);
		assert_string_equal(ce->name, words[i]);
		assert_non_null(ce->usage);
		assert_non_null(ce->help);
		assert_non_null(ce->parse);
		assert_non_null(ce->exec);
	}
	for (i = 0; cmd_table[i].name != NULL; i++)
		;
	assert_int_equal(i, sizeof words / sizeof words[0] - 1);
	assert_null(cmd_find("teach", 5));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_expect_syntax),
		cmocka_unit_test(test_machine_keys),
		cmocka_unit_test_teardown(test_nothing_runs_on_error,
		    teardown),
		cmocka_unit_test_teardown(test_transcript, teardown),
		cmocka_unit_test_teardown(test_expect, teardown),
		cmocka_unit_test_teardown(test_runtime_errors, teardown),
		cmocka_unit_test_teardown(test_future, teardown),
		cmocka_unit_test_teardown(test_peek_help, teardown),
		cmocka_unit_test_teardown(test_players, teardown),
		cmocka_unit_test_teardown(test_user_lines, teardown),
		cmocka_unit_test_teardown(test_load, teardown),
		cmocka_unit_test_teardown(test_save, teardown),
	};

	return cmocka_run_group_tests(tests, mkdir_tmp, rmdir_tmp);
}
