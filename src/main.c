/*
 * main.c - the command line: picks batch, check or the screen, and runs
 * the files or standard input through one session.
 *
 *   vmscope --batch FILE...	the transcript of every micro-step
 *   vmscope --check FILE...	failed expects and errors only
 *   vmscope --generate KIND [seed=N] [KEY=VALUE...] [--sheet|--answers]
 *				a new self-checking scenario (or its problem
 *				sheet, or its answer key) on stdout
 *   vmscope --list		the lessons and scenarios, with what each
 *				shows
 *   vmscope --trace FILE [--machine "KEY=VALUE ..."] [--stats]
 *	    [--skip-bad] [--format=text|csv|json] [--interval=N]
 *				replay a memory trace (FILE "-": stdin) and
 *				report what it cost (script/trace.h)
 *   vmscope [--quiz] [FILE]	the screen when stdin and stdout are
 *				terminals, else as --batch (stdin's commands
 *				when no FILE is given)
 *
 * Each FILE runs on a fresh machine; the exit status is the worst over
 * all of them: 2 (an error, bad usage) over 1 (a failed expect) over 0.
 * Output that cannot be written (a pipe closed early while SIGPIPE is
 * ignored, a full disk) stops the run, with one line on stderr, status 2;
 * with SIGPIPE in its default state the signal ends the program first.
 * The screen left by a signal returns 128 + its number (ui.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/invariant.h"
#include "script/gen.h"
#include "script/run.h"
#include "script/shelf.h"
#include "script/trace.h"
#include "ui/ui.h"

#define VMSCOPE_VERSION "0.1.0"

static void	usage(FILE *);
static int	usage_error(const char *, const char *);
static int	bad_option(const char *);
static int	generate(int, char **, enum gen_form);
static bool	out_flushed(const char *, int);

/* Standard output in --batch, --check and stdin runs. */
struct out_state {
	bool	failed;		/* a write failed: the run stops */
	int	err;		/* the errno then */
};

/* A checking build found the model breaking its own rules
 * (core/invariant.h): say so before the abort. */
static void
check_failed(const char *msg)
{
	fprintf(stderr, "%s\n", msg);
	fflush(stderr);
}

/* Options with no short letter. */
enum { OPT_TRACE = 0x100, OPT_MACHINE, OPT_STATS, OPT_SKIP_BAD, OPT_FORMAT,
	OPT_INTERVAL, OPT_MAX_MEMORY };

static const struct option longopts[] = {
	{ "batch",	 no_argument, NULL, 'b' },
	{ "check",	 no_argument, NULL, 'c' },
	{ "allow-write", no_argument, NULL, 'w' },
	{ "ascii",	 no_argument, NULL, 'a' },
	{ "color",	 required_argument, NULL, 'C' },
	{ "bench-screen", no_argument, NULL, 'B' },
	{ "generate",	 no_argument, NULL, 'g' },
	{ "sheet",	 no_argument, NULL, 's' },
	{ "answers",	 no_argument, NULL, 'k' },
	{ "list",	 no_argument, NULL, 'l' },
	{ "quiz",	 no_argument, NULL, 'q' },
	{ "trace",	 required_argument, NULL, OPT_TRACE },
	{ "machine",	 required_argument, NULL, OPT_MACHINE },
	{ "stats",	 no_argument, NULL, OPT_STATS },
	{ "skip-bad",	 no_argument, NULL, OPT_SKIP_BAD },
	{ "format",	 required_argument, NULL, OPT_FORMAT },
	{ "interval",	 required_argument, NULL, OPT_INTERVAL },
	{ "max-memory",	 required_argument, NULL, OPT_MAX_MEMORY },
	{ "help",	 no_argument, NULL, 'h' },
	{ "version",	 no_argument, NULL, 'V' },
	{ NULL,		 0,	      NULL, 0 }
};

static void
usage(FILE *fp)
{
	fputs("usage: vmscope [--quiz] [FILE]\n"
	    "       vmscope --batch [--allow-write] FILE...\n"
	    "       vmscope --check [--allow-write] FILE...\n"
	    "       vmscope --generate KIND [seed=N] [KEY=VALUE...] [--sheet | "
	    "--answers]\n"
	    "       vmscope --trace FILE [--machine \"KEY=VALUE ...\"] "
	    "[--stats] [--skip-bad]\n"
	    "               [--format=text|csv|json] [--interval=N]\n"
	    "       vmscope --list | --help | --version\n"
	    "\n"
	    "Watch virtual memory and virtualization work, one micro-step at "
	    "a time.\n"
	    "\n"
	    "  --batch        print the transcript of every micro-step of "
	    "each FILE\n"
	    "  --check        run each FILE; report failed expects (exit 1) "
	    "and errors\n"
	    "                 (exit 2)\n"
	    "  --allow-write  let commands in files write files (save)\n"
	    "  --ascii        draw the screen with ASCII only\n"
	    "  --color=WHEN   auto (default), always or never\n"
	    "  --generate     write a new self-checking scenario of KIND "
	    "(translation,\n"
	    "                 replacement, tlb, shadow or nested) on stdout; "
	    "the same seed\n"
	    "                 (default 1) and keys give the same file\n"
	    "  --sheet        with --generate: its problem sheet, without "
	    "answers\n"
	    "  --answers      with --generate: its answer key\n"
	    "  --list         list the lessons and scenarios, with what each "
	    "shows\n"
	    "  --quiz         on the screen: ask before each key stage of "
	    "every access\n"
	    "  --trace FILE   replay a memory trace (valgrind lackey, plain "
	    "'r|w|x ADDRESS'\n"
	    "                 or Dinero din; told from the content; - is "
	    "stdin) and print a\n"
	    "                 one-line summary of what it cost\n"
	    "  --machine KEYS with --trace: the machine, in the machine "
	    "command's keys; they\n"
	    "                 replace those of va=48 pa=40 page=4K tlb=64 "
	    "tlb.ways=4\n"
	    "                 frames=4096 policy=clock\n"
	    "  --stats        with --trace: every figure (TLB, table "
	    "references, faults,\n"
	    "                 write-backs, working set, cycles) instead of "
	    "one line\n"
	    "  --skip-bad     with --trace: count the lines that do not parse "
	    "and go on\n"
	    "  --format=F     with --trace: text (default), csv or json\n"
	    "  --interval=N   with --trace: references per working-set "
	    "interval (10000)\n"
	    "  --max-memory=SIZE  the most memory the simulation may hold "
	    "(default 1G, or\n"
	    "                 VMSCOPE_MAX_MEMORY; 0: no limit): past it, the "
	    "command that\n"
	    "                 would need more is refused\n"
	    "  --bench-screen FILE STEPS  time the screen (make bench)\n"
	    "  -h, --help     show this help\n"
	    "  -V, --version  show the version\n"
	    "\n"
	    "Without --batch or --check, vmscope opens its screen when stdin "
	    "and stdout are\n"
	    "terminals; otherwise it runs FILE, or the commands read from "
	    "stdin, as --batch.\n"
	    "A FILE that does not exist may name a lesson: vmscope 3, vmscope "
	    "02-policies.\n"
	    "Each FILE runs on a fresh machine.  Exit status: 0 ok, 1 a failed "
	    "expect,\n"
	    "2 bad input or usage.\n"
	    "\n"
	    "See 'man vmscope' for more, and 'man vmscope-scenario' for the "
	    "command language.\n", fp);
}

/* Standard output flushed: true; false after one line on stderr that
 * says what could not be written, and why (errno, or err where the
 * failure came before). */
static bool
out_flushed(const char *what, int err)
{
	errno = 0;
	if (fflush(stdout) == 0 && !ferror(stdout))
		return (true);
	if (errno != 0)
		err = errno;
	fprintf(stderr, "vmscope: error writing %s%s%s\n", what, err != 0 ?
	    ": " : "", err != 0 ? strerror(err) : "");
	return (false);
}

/*
 * Standard input, output and error, where closed, are opened on /dev/null,
 * so that no file opened later takes their place (a transcript written
 * into a file being saved); the bits of those that were closed: 1 << fd.
 */
static unsigned
std_reopen(void)
{
	unsigned closed = 0;
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		closed |= 1u << fd;
		(void)open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
	}
	return (closed);
}

/* --batch, --check, stdin: once standard output failed, the run stops
 * (run.h, stop) and says nothing more; main says why, once. */
static bool
batch_stop(void *arg)
{
	struct out_state *o = (struct out_state *)arg;

	if (!o->failed && ferror(stdout)) {
		o->failed = true;
		o->err = errno;
	}
	return (o->failed);
}

static void
batch_err(void *arg, const char *line, size_t len)
{
	if (batch_stop(arg))
		return;
	(void)fflush(stdout);	/* keep the order when both go to one place */
	if (batch_stop(arg))
		return;
	fwrite(line, 1, len, stderr);
	putc('\n', stderr);
}

static int
usage_error(const char *fmt, const char *arg)
{
	fputs("vmscope: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'vmscope --help'.\n", stderr);
	return (2);
}

/*
 * getopt_long() said '?': optopt is 0 for an unknown long option (the
 * last word read), the val of a long option given an argument it does not
 * take, or an unknown short option letter.
 */
static int
bad_option(const char *last)
{
	const struct option *o;

	if (optopt == 0)
		return (usage_error("unknown option '%s'", last));
	for (o = longopts; o->name != NULL; o++) {
		if (o->val == optopt) {
			fprintf(stderr, "vmscope: option '--%s' %s\nTry "
			    "'vmscope --help'.\n", o->name, o->has_arg ==
			    required_argument ? "needs an argument" :
			    "takes no argument");
			return (2);
		}
	}
	fprintf(stderr, "vmscope: unknown option '-%c'\nTry 'vmscope "
	    "--help'.\n", optopt);
	return (2);
}

/*
 * --generate KIND [seed=N] [KEY=VALUE...]: the words, joined by blanks,
 * are read as the generate command reads its arguments.
 */
static int
generate(int argc, char **argv, enum gen_form form)
{
	struct gen_request rq;
	struct lex_err le;
	struct verr ve;
	struct strbuf sb;
	char *args;
	size_t len = 0, off = 0, n;
	int i, status = 0;

	if (argc == 0)
		return (usage_error("%s", "--generate needs a KIND: "
		    "translation, replacement, tlb, shadow or nested"));
	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if ((args = (char *)malloc(len)) == NULL) {
		fputs("vmscope: out of memory\n", stderr);
		return (2);
	}
	for (i = 0; i < argc; i++) {
		n = strlen(argv[i]);
		memcpy(args + off, argv[i], n);
		off += n;
		args[off++] = i + 1 < argc ? ' ' : '\0';
	}
	memset(&le, 0, sizeof le);
	if (gen_parse_string(args, off - 1, &rq, &le) != 0) {
		fprintf(stderr, "vmscope: --generate: %s\n", le.msg);
		free(args);
		return (2);
	}
	free(args);
	for (i = 0; (size_t)i < rq.nopts; i++)
		rq.opts[i].col = 0;
	sb_init(&sb);
	if (gen_scenario(&rq, form, &sb, &ve) != 0) {
		fprintf(stderr, "vmscope: --generate: %s\n", ve.msg);
		status = 2;
	} else if (sb.len > 0)
		fwrite(sb.s, 1, sb.len, stdout);
	sb_free(&sb);
	if (!out_flushed("the scenario", 0))
		status = 2;
	return (status);
}

static void
sink_stdout(void *arg, const char *line, size_t len)
{
	(void)arg;
	fwrite(line, 1, len, stdout);
	putc('\n', stdout);
}

static void
sink_stderr(void *arg, const char *line, size_t len)
{
	(void)arg;
	fflush(stdout);
	fwrite(line, 1, len, stderr);
	putc('\n', stderr);
}

/* --trace: SIGINT (Ctrl-C), SIGTERM or SIGHUP stops the replay, which
 * says where (and clears its progress line). */
static volatile sig_atomic_t trace_signal;

static void
on_trace_signal(int sig)
{
	trace_signal = sig;
}

static bool
trace_stop(void *arg)
{
	(void)arg;
	return (trace_signal != 0);
}

/* --trace FILE: the machine of --machine (keys over the trace's
 * default), then the replay; 128 + the signal's number when one stopped
 * it. */
static int
trace(const char *machine, struct trace_opts *o)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa, old;
	struct mconfig c;
	struct verr ve;
	char msg[1200];
	size_t i;
	int status;

	if (trace_machine(machine != NULL ? machine : "", &c, msg,
	    sizeof msg) != 0) {
		fprintf(stderr, "vmscope: --machine: %s\n", msg);
		return (2);
	}
	memset(&ve, 0, sizeof ve);
	if (run_memory_limit(&c.max_memory, &ve) != 0) {
		fprintf(stderr, "vmscope: %s\n", ve.msg);
		return (2);
	}
	o->stdin_ok = true;
	o->progress = isatty(STDERR_FILENO) != 0;
	o->out.fn = sink_stdout;
	o->err.fn = sink_stderr;
	o->stop = trace_stop;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_trace_signal;
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    ((old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_IGN))
			(void)sigaction(sigs[i], &sa, NULL);
	status = trace_replay(&c, o);
	if (trace_signal != 0)
		status = 128 + trace_signal;
	if (!out_flushed("the statistics", 0))
		status = 2;
	return (status);
}

/* --interval=N: a decimal number, at least 1. */
static bool
interval_arg(const char *s, uint64_t *n)
{
	uint64_t v = 0;
	unsigned d;

	if (*s == '\0')
		return (false);
	for (; *s != '\0'; s++) {
		if ((d = (unsigned)(unsigned char)*s - 48u) >= 10u ||
		    v > (UINT64_MAX - d) / 10)
			return (false);
		v = v * 10 + d;
	}
	*n = v;
	return (v > 0);
}

/* A FILE, or, when there is no such file, a lesson by its name (vmscope
 * --check 3, vmscope --batch 02-policies): see shelf.h. */
static void
run_named(struct session *s, const char *arg)
{
	char where[1024], *text;
	size_t len;

	if (strchr(arg, '/') != NULL || access(arg, F_OK) == 0 ||
	    shelf_lesson(arg, &text, &len, where, sizeof where) != 0) {
		run_file(s, arg);
		return;
	}
	run_string(s, where, text, len);
	free(text);
}

int
main(int argc, char **argv)
{
	struct session *s;
	struct verr ve;
	enum run_mode mode = RUN_BATCH;
	unsigned flags = 0;
	bool batch = false, check = false, bench = false, gen = false;
	bool list = false, quiz = false;
	enum gen_form form = GEN_SCENARIO;
	bool formed = false, traced = false;
	struct trace_opts to;
	const char *machine = NULL;
	int ch, i, status;
	unsigned ui = 0, closed;
	struct out_state out = { false, 0 };
	uint64_t limit;

	inv_set_handler(check_failed);
	/* stdout closed: nowhere to write anything, the help included */
	if ((closed = std_reopen()) & 2u) {
		fputs("vmscope: standard output is closed\n", stderr);
		return (2);
	}
	trace_opts_init(&to);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			batch = true;
			break;
		case 'c':
			check = true;
			break;
		case 'w':
			flags |= RUN_ALLOW_WRITE;
			break;
		case 'a':
			ui |= UI_ASCII;
			break;
		case 'B':
			bench = true;
			break;
		case 'g':
			gen = true;
			break;
		case 'l':
			list = true;
			break;
		case 'q':
			quiz = true;
			ui |= UI_QUIZ;
			break;
		case 's':
		case 'k':
			if (formed && form != (ch == 's' ? GEN_SHEET :
			    GEN_ANSWERS))
				return (usage_error("%s", "--sheet and --answers "
				    "cannot be used together"));
			form = ch == 's' ? GEN_SHEET : GEN_ANSWERS;
			formed = true;
			break;
		case 'C':
			if (strcmp(optarg, "never") == 0)
				ui |= UI_NOCOLOR;
			else if (strcmp(optarg, "always") == 0)
				unsetenv("NO_COLOR");
			else if (strcmp(optarg, "auto") != 0)
				return (usage_error("--color takes auto, always "
				    "or never, not '%s'", optarg));
			break;
		case OPT_TRACE:
			if (to.path != NULL)
				return (usage_error("%s", "--trace takes one "
				    "FILE"));
			to.path = optarg;
			break;
		case OPT_MACHINE:
			machine = optarg;
			traced = true;
			break;
		case OPT_STATS:
			to.stats = true;
			traced = true;
			break;
		case OPT_SKIP_BAD:
			to.skip_bad = true;
			traced = true;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") == 0)
				to.output = TRACE_TEXT;
			else if (strcmp(optarg, "csv") == 0)
				to.output = TRACE_CSV;
			else if (strcmp(optarg, "json") == 0)
				to.output = TRACE_JSON;
			else
				return (usage_error("--format takes text, csv "
				    "or json, not '%s'", optarg));
			traced = true;
			break;
		case OPT_MAX_MEMORY:
			/* every session, the screen's too, reads it there */
			memset(&ve, 0, sizeof ve);
			if (run_memory_parse("--max-memory", optarg, &limit,
			    &ve) != 0)
				return (usage_error("%s", ve.msg));
			if (setenv("VMSCOPE_MAX_MEMORY", optarg, 1) != 0) {
				fputs("vmscope: out of memory\n", stderr);
				return (2);
			}
			break;
		case OPT_INTERVAL:
			if (!interval_arg(optarg, &to.interval))
				return (usage_error("--interval takes a "
				    "number of references, at least 1, not "
				    "'%s'", optarg));
			traced = true;
			break;
		case 'h':
			usage(stdout);
			return (out_flushed("the help", 0) ? 0 : 2);
		case 'V':
			puts("vmscope " VMSCOPE_VERSION);
			return (out_flushed("the version", 0) ? 0 : 2);
		default:
			return (bad_option(argv[optind - 1]));
		}
	}
	argc -= optind;
	argv += optind;

	if (traced && to.path == NULL)
		return (usage_error("%s", "--machine, --stats, --skip-bad, "
		    "--format and --interval go with --trace FILE"));
	if (to.path != NULL && (batch || check || gen || list || quiz ||
	    bench))
		return (usage_error("%s", "--trace cannot be used with "
		    "--batch, --check, --generate, --list, --quiz or "
		    "--bench-screen"));
	if (to.path != NULL && argc > 0)
		return (usage_error("--trace takes one FILE; what is '%s'?",
		    argv[0]));
	if (to.path != NULL && strcmp(to.path, "-") == 0 && (closed & 1u))
		return (usage_error("%s", "--trace -: standard input is "
		    "closed"));
	if (to.path != NULL)
		return (trace(machine, &to));
	if (bench)
		return (argc == 2 ? ui_bench(argv[0], strtoul(argv[1], NULL,
		    10)) : usage_error("%s", "--bench-screen takes FILE and "
		    "STEPS"));
	if (list && (batch || check || gen || quiz || argc > 0))
		return (usage_error("%s", "--list takes no FILE and no other "
		    "mode"));
	if (list)
		return (shelf_list(stdout) == 0 && out_flushed("the list", 0) ?
		    0 : 2);
	if (quiz && (batch || check || gen))
		return (usage_error("%s", "--quiz is for the screen, not with "
		    "--batch, --check or --generate"));
	if (formed && !gen)
		return (usage_error("%s", form == GEN_SHEET ? "--sheet goes "
		    "with --generate" : "--answers goes with --generate"));
	if (gen && (batch || check || bench))
		return (usage_error("%s", "--generate cannot be used with "
		    "--batch, --check or --bench-screen"));
	if (gen)
		return (generate(argc, argv, form));
	if (batch && check)
		return (usage_error("%s", "--batch and --check cannot be used "
		    "together"));
	if ((batch || check) && argc == 0)
		return (usage_error("%s needs at least one FILE", batch ?
		    "--batch" : "--check"));
	if (!batch && !check && isatty(STDIN_FILENO) &&
	    isatty(STDOUT_FILENO)) {
		if (argc > 1)
			return (usage_error("%s", "the screen opens one FILE"));
		return (ui_run(argc ? argv[0] : NULL, ui |
		    ((flags & RUN_ALLOW_WRITE) ? UI_ALLOW_WRITE : 0)));
	}
	if (check)
		mode = RUN_CHECK;
	if (argc == 0 && (closed & 1u)) {
		fputs("vmscope: standard input is closed: give a FILE, or "
		    "commands on standard input\n", stderr);
		return (2);
	}

	memset(&ve, 0, sizeof ve);
	if ((s = run_new(mode, flags, &ve)) == NULL) {
		fprintf(stderr, "vmscope: %s\n", ve.msg);
		return (2);
	}
	s->stop = batch_stop;
	s->stop_arg = &out;
	run_set_errors(s, batch_err, &out);
	if (argc == 0)
		run_stream(s, stdin);
	for (i = 0; i < argc && !batch_stop(&out); i++)
		run_named(s, argv[i]);
	status = run_status(s);
	run_free(s);
	if (argc == 0 && ferror(stdin) && !batch_stop(&out)) {
		(void)fflush(stdout);
		fputs("vmscope: error reading standard input\n", stderr);
		status = 2;
	}
	if (!out_flushed("the transcript", out.err))
		status = 2;
	return (status);
}
