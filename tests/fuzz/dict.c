/*
 * dict.c - writes the fuzzers' dictionary (tests/fuzz/vmscope.dict) on
 * stdout, in libFuzzer's format (one "word" a line), from the tables the
 * program itself reads, so that it names every command, option, machine
 * key and value, expect name, exit reason, instruction, VMCS control,
 * show view, generated kind and built-in workload (what a file's load or
 * compare finds by name) there is.  The words of the usage lines count
 * too: "pages=", "mmu=", "shadow", "--csv"...  Only the expect values and
 * the lexical and trace-format tokens, which no table lists, are written
 * out here.  make test checks that the committed dictionary is what this
 * writes (UPDATE=1 rewrites it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine.h"
#include "script/builtin.h"
#include "script/cmd.h"
#include "script/gen.h"
#include "script/keys.h"

#define DICT_MAX	2048

static char *words[DICT_MAX];
static size_t nwords;

/* Add the word s[0..len), once. */
static void
add(const char *s, size_t len)
{
	size_t i;
	char *w;

	if (len == 0)
		return;
	for (i = 0; i < nwords; i++)
		if (strlen(words[i]) == len && memcmp(words[i], s, len) == 0)
			return;
	if (nwords == DICT_MAX || (w = (char *)malloc(len + 1)) == NULL) {
		fputs("dict: too many words\n", stderr);
		exit(1);
	}
	memcpy(w, s, len);
	w[len] = '\0';
	words[nwords++] = w;
}

static void
add_str(const char *s)
{
	add(s, strlen(s));
}

/* prefix + s */
static void
add_cat(const char *prefix, const char *s)
{
	char buf[256];

	snprintf(buf, sizeof buf, "%s%s", prefix, s);
	add_str(buf);
}

static int
is_lower_word(const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return (0);
	for (i = 0; i < len; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			return (0);
	return (1);
}

/*
 * The words of a usage line ("VA [pages=N] [perm=rwx] [user|kernel]"):
 * split at blanks, brackets and bars; a KEY=VALUE gives "KEY=" and the
 * VALUE if it is a word; placeholders in capitals are left out.
 */
static void
add_usage(const char *u)
{
	const char *p = u, *start, *eq;
	size_t len;

	while (*p != '\0') {
		while (*p != '\0' && strchr(" []|", *p) != NULL)
			p++;
		start = p;
		while (*p != '\0' && strchr(" []|", *p) == NULL)
			p++;
		len = (size_t)(p - start);
		if (len == 0 || strncmp(start, "...", 3) == 0)
			continue;
		eq = (const char *)memchr(start, '=', len);
		if (eq != NULL) {
			if (is_lower_word(start, (size_t)(eq - start)))
				add(start, (size_t)(eq - start) + 1);
			if (is_lower_word(eq + 1, (size_t)(p - eq - 1)))
				add(eq + 1, (size_t)(p - eq - 1));
		} else if (is_lower_word(start, len))
			add(start, len);
	}
}

/* "fifo|lru|clock": each word. */
static void
add_values(const char *v)
{
	const char *p = v, *bar;

	for (;;) {
		bar = strchr(p, '|');
		if (is_lower_word(p, bar != NULL ? (size_t)(bar - p) :
		    strlen(p)))
			add(p, bar != NULL ? (size_t)(bar - p) : strlen(p));
		if (bar == NULL)
			break;
		p = bar + 1;
	}
}

/* Expect values no table lists (DESIGN.md section 3 fixes them). */
static const char *const expect_values[] = { "none", "hit", "miss", "page",
	"protection", "segv", "root", "non-root", "guest", "ok", "refused",
	"native", "exit", "trap", "translated", "silent", NULL };

/* The generator's own keys (gen.c), the lexer's and the trace formats'
 * tokens, and the sandbox's files (tests/fuzz/sandbox). */
static const char *const tokens[] = { "accesses=", "processes=", "==", "!=", "<", "<=", ">", ">=",
	"> ", "#", "0x", "0b", "K", "M", "G", "..", "\\x0d",
	"I  ", " L ", " S ", " M ", ",4", ",8", "==1== ", "--1-- ",
	"r 0x", "w 0x", "x 0x", "0 ", "1 ", "2 ", "3 ", "4 ",
	"t.trace", "a.scenario", "sub/out.inc", "../", NULL };

int
main(void)
{
	const struct cmd_entry *ce;
	const struct key_entry *k;
	const struct builtin_file *b;
	const char *const *np;
	char buf[64];
	size_t i;
	int lvl;

	for (ce = cmd_table; ce->name != NULL; ce++) {
		add_str(ce->name);
		add_usage(ce->usage);
	}
	for (k = key_table; k->name != NULL; k++) {
		add_cat(k->name, "=");
		add_values(k->values);
	}
	for (np = engine_query_names; *np != NULL; np++) {
		if (strcmp(*np, "index.N") == 0) {
			for (lvl = 1; lvl <= 5; lvl++) {
				snprintf(buf, sizeof buf, "index.%d", lvl);
				add_str(buf);
			}
		} else if (strcmp(*np, "exits.NAME") != 0)
			add_str(*np);
	}
	for (np = engine_exit_names; *np != NULL; np++) {
		add_str(*np);
		add_cat("exits.", *np);
	}
	for (i = 0; i < INSN_N; i++)
		add_str(insn_names[i]);
	for (i = 0; i < CTL_N; i++)
		add_cat(vmcs_ctl_names[i], "=");
	for (np = engine_show_names; *np != NULL; np++)
		add_str(*np);
	for (np = gen_kind_names; *np != NULL; np++)
		add_str(*np);
	for (b = builtin_files; b->name != NULL; b++)
		if (strstr(b->name, ".work") != NULL)	/* load, compare */
			add_str(b->name);
	for (np = expect_values; *np != NULL; np++)
		add_str(*np);
	for (np = tokens; *np != NULL; np++)
		add_str(*np);

	for (i = 0; i < nwords; i++) {
		putchar('"');
		fputs(words[i], stdout);
		puts("\"");
	}
	return (fflush(stdout) != 0 || ferror(stdout) ? 1 : 0);
}
