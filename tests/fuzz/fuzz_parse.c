/*
 * fuzz_parse.c - fuzz harness of the command language's parser: each line
 * of the input is lexed and parsed (lex_split, cmd_parse) as the runner's
 * scan does it, and read as the keys of --machine (trace_machine); nothing
 * runs.  Besides the sanitizers, it checks what a parse promises: an
 * error has a message of one printable line and a column inside the line
 * or just past it; a command has its entry; words lie inside the line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script/cmd.h"
#include "script/lex.h"
#include "script/trace.h"
#include "fuzz.h"

static struct lex_line lex;
static struct cmd_parsed parsed;
static char keys[LEX_LINE_MAX + 2];

static void
fail(const char *what, const char *line, size_t len)
{
	fprintf(stderr, "fuzz_parse: %s on the line: %.*s\n", what,
	    (int)(len > 200 ? 200 : len), line);
	abort();
}

static void
check_error(const struct lex_err *e, const char *line, size_t len)
{
	size_t n = strnlen(e->msg, sizeof e->msg);

	if (n == 0 || n == sizeof e->msg)
		fail("an error without a message", line, len);
	fuzz_sink_check(NULL, e->msg, n);
	if (e->col > len + 1)
		fail("an error's column past the end of the line", line, len);
}

static void
parse_line(const char *line, size_t len)
{
	struct lex_err e;
	struct mconfig c;
	char msg[1200];
	size_t i;

	memset(&e, 0, sizeof e);
	if (lex_split(&lex, line, len, &e) != 0) {
		check_error(&e, line, len);
		return;
	}
	for (i = 0; i < lex.nwords; i++)
		if (lex.w[i].s < line || lex.w[i].len == 0 ||
		    lex.w[i].s + lex.w[i].len > line + len ||
		    lex.w[i].col != (unsigned)(lex.w[i].s - line) + 1)
			fail("a word outside the line", line, len);
	/* As the runner's frame, the parse reuses what the last line left. */
	if (cmd_parse(&lex, &parsed, &e) != 0) {
		check_error(&e, line, len);
		return;
	}
	if (parsed.kind == CMDK_COMMAND && parsed.entry == NULL)
		fail("a command without its entry", line, len);

	/* The same words as --machine "KEYS" would give them. */
	if (len <= LEX_LINE_MAX && memchr(line, '\0', len) == NULL) {
		memcpy(keys, line, len);
		keys[len] = '\0';
		msg[0] = '\0';
		if (trace_machine(keys, &c, msg, sizeof msg) != 0)
			fuzz_sink_check(NULL, msg, strnlen(msg, sizeof msg));
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *nl;
	size_t off = 0, len;

	while (off < size) {
		nl = (const char *)memchr(s + off, '\n', size - off);
		len = nl != NULL ? (size_t)(nl - (s + off)) : size - off;
		parse_line(s + off, len);
		off += len + 1;
	}
	return (0);
}
