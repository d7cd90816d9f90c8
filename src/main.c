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
 *   vmscope [--quiz] [FILE]	the screen when stdin and stdout are
 *				terminals, else as --batch (stdin's commands
 *				when no FILE is given)
 *
 * Each FILE runs on a fresh machine; the exit status is the worst over
 * all of them: 2 (an error, bad usage) over 1 (a failed expect) over 0.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "script/gen.h"
#include "script/run.h"
#include "script/shelf.h"
#include "ui/ui.h"

#define VMSCOPE_VERSION "0.1.0"

static void	usage(FILE *);
static int	usage_error(const char *, const char *);
static int	bad_option(const char *);
static int	generate(int, char **, enum gen_form);

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
	    "  --bench-screen FILE STEPS  time the screen (make bench)\n"
	    "  -h, --help     show this help\n"
	    "  -V, --version  show the version\n"
	    "\n"
	    "Without --batch or --check, vmscope opens its screen when stdin "
	    "and stdout are\n"
	    "terminals; otherwise it runs FILE, or the commands read from "
	    "stdin, as --batch.\n"
	    "Each FILE runs on a fresh machine.  Exit status: 0 ok, 1 a failed "
	    "expect,\n"
	    "2 bad input or usage.\n"
	    "\n"
	    "See 'man vmscope' for more, and 'man vmscope-scenario' for the "
	    "command language.\n", fp);
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
			fprintf(stderr, "vmscope: option '--%s' takes no "
			    "argument\nTry 'vmscope --help'.\n", o->name);
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
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fputs("vmscope: error writing the scenario\n", stderr);
		status = 2;
	}
	return (status);
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
	bool formed = false;
	int ch, i, status;
	unsigned ui = 0;

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
		case 'h':
			usage(stdout);
			return (ferror(stdout) || fflush(stdout) != 0 ? 2 : 0);
		case 'V':
			puts("vmscope " VMSCOPE_VERSION);
			return (ferror(stdout) || fflush(stdout) != 0 ? 2 : 0);
		default:
			return (bad_option(argv[optind - 1]));
		}
	}
	argc -= optind;
	argv += optind;

	if (bench)
		return (argc == 2 ? ui_bench(argv[0], strtoul(argv[1], NULL,
		    10)) : usage_error("%s", "--bench-screen takes FILE and "
		    "STEPS"));
	if (list && (batch || check || gen || quiz || argc > 0))
		return (usage_error("%s", "--list takes no FILE and no other "
		    "mode"));
	if (list) {
		if (shelf_list(stdout) != 0) {
			fputs("vmscope: error writing the list\n", stderr);
			return (2);
		}
		return (0);
	}
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

	memset(&ve, 0, sizeof ve);
	if ((s = run_new(mode, flags, &ve)) == NULL) {
		fprintf(stderr, "vmscope: %s\n", ve.msg);
		return (2);
	}
	if (argc == 0)
		run_stream(s, stdin);
	for (i = 0; i < argc; i++)
		run_named(s, argv[i]);
	status = run_status(s);
	run_free(s);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fputs("vmscope: error writing the transcript\n", stderr);
		status = 2;
	}
	return (status);
}
