/*
 * cmd.c - the commands of the language, in one table.
 *
 * Every command has two halves.  Its parse half reads the words of one
 * line into a struct cmd_parsed and checks everything that can be checked
 * without a machine: the runner parses a whole file this way before it
 * runs any of it, so a syntax error anywhere means nothing of the file
 * runs.  Its exec half does the work against the session's machine.
 *
 * Machine commands (CMD_OP) become one struct op, submitted to the engine
 * and stepped until the engine is idle, each micro-step sent to the
 * session's transcript.  Options are key=value or bare words, in any
 * order after the command; each may be given once.  An error points at
 * the column of the word it is about (a missing one: just past the last
 * word); an error the engine returns points at the argument its verr
 * names (args[] records where each was), or at the command.  Messages
 * say what was expected and, where it is easy, the fix: an option written
 * "pages 2" or "--pages=2", a typo of a command or an option ("did you
 * mean"), a comparison glued to its value.
 *
 * A batch transcript shows each command line that does something to the
 * machine or prints something, unindented as the file says it; what it
 * leads to (micro-steps, views, answers) follows, indented two spaces.
 * --check formats nothing: not a line, not an event.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "gen.h"
#include "sweep.h"
#include "run.h"
#include "trace.h"

static int	cmd_parse_machine(const struct cmd_entry *,
		    const struct lex_line *, struct cmd_parsed *,
		    struct lex_err *);
static int	cmd_parse_process(const struct cmd_entry *,
		    const struct lex_line *, struct cmd_parsed *,
		    struct lex_err *);
static int	cmd_parse_switch(const struct cmd_entry *,
		    const struct lex_line *, struct cmd_parsed *,
		    struct lex_err *);
static int	cmd_parse_pages(const struct cmd_entry *,
		    const struct lex_line *, struct cmd_parsed *,
		    struct lex_err *);
static int	cmd_parse_share(const struct cmd_entry *,
		    const struct lex_line *, struct cmd_parsed *,
		    struct lex_err *);
static int	cmd_parse_poke(const struct cmd_entry *,
		    const struct lex_line *, struct cmd_parsed *,
		    struct lex_err *);
static int	cmd_parse_peek(const struct cmd_entry *,
		    const struct lex_line *, struct cmd_parsed *,
		    struct lex_err *);
static int	cmd_parse_access(const struct cmd_entry *,
		    const struct lex_line *, struct cmd_parsed *,
		    struct lex_err *);
static int	cmd_parse_expect(const struct cmd_entry *,
		    const struct lex_line *, struct cmd_parsed *,
		    struct lex_err *);
static int	cmd_parse_quiz(const struct cmd_entry *,
		    const struct lex_line *, struct cmd_parsed *,
		    struct lex_err *);
static int	cmd_parse_ask(const struct cmd_entry *,
		    const struct lex_line *, struct cmd_parsed *,
		    struct lex_err *);
static int	cmd_parse_none(const struct cmd_entry *,
		    const struct lex_line *, struct cmd_parsed *,
		    struct lex_err *);
static int	cmd_parse_count(const struct cmd_entry *,
		    const struct lex_line *, struct cmd_parsed *,
		    struct lex_err *);
static int	cmd_parse_file(const struct cmd_entry *,
		    const struct lex_line *, struct cmd_parsed *,
		    struct lex_err *);
static int	cmd_parse_show(const struct cmd_entry *,
		    const struct lex_line *, struct cmd_parsed *,
		    struct lex_err *);
static int	cmd_parse_help(const struct cmd_entry *,
		    const struct lex_line *, struct cmd_parsed *,
		    struct lex_err *);
static int	cmd_parse_vm(const struct cmd_entry *,
		    const struct lex_line *, struct cmd_parsed *,
		    struct lex_err *);
static int	cmd_parse_vmx(const struct cmd_entry *,
		    const struct lex_line *, struct cmd_parsed *,
		    struct lex_err *);
static int	cmd_parse_insn(const struct cmd_entry *,
		    const struct lex_line *, struct cmd_parsed *,
		    struct lex_err *);
static int	cmd_parse_vmcs(const struct cmd_entry *,
		    const struct lex_line *, struct cmd_parsed *,
		    struct lex_err *);
static int	cmd_parse_lesson(const struct cmd_entry *,
		    const struct lex_line *, struct cmd_parsed *,
		    struct lex_err *);

static int	cmd_exec_machine(struct session *, const struct cmd_parsed *);
static int	cmd_exec_op(struct session *, const struct cmd_parsed *);
static int	cmd_exec_peek(struct session *, const struct cmd_parsed *);
static int	cmd_exec_expect(struct session *, const struct cmd_parsed *);
static int	cmd_exec_ask(struct session *, const struct cmd_parsed *);
static int	cmd_exec_nothing(struct session *, const struct cmd_parsed *);
static int	cmd_exec_step(struct session *, const struct cmd_parsed *);
static int	cmd_exec_back(struct session *, const struct cmd_parsed *);
static int	cmd_exec_next(struct session *, const struct cmd_parsed *);
static int	cmd_exec_run(struct session *, const struct cmd_parsed *);
static int	cmd_exec_reset(struct session *, const struct cmd_parsed *);
static int	cmd_exec_load(struct session *, const struct cmd_parsed *);
static int	cmd_exec_compare(struct session *, const struct cmd_parsed *);
static int	cmd_exec_screen(struct session *, const struct cmd_parsed *);
static int	cmd_exec_show(struct session *, const struct cmd_parsed *);
static int	cmd_exec_save(struct session *, const struct cmd_parsed *);
static int	cmd_exec_help(struct session *, const struct cmd_parsed *);
static int	cmd_exec_quit(struct session *, const struct cmd_parsed *);

const struct cmd_entry cmd_table[] = {
	{ .name = "machine", .usage = "KEY=VALUE ...",
	  .help = "a new machine, discarding everything ('help machine' "
	    "lists the keys)",
	  .flags = CMD_ECHO,
	  .parse = cmd_parse_machine, .exec = cmd_exec_machine },
	{ .name = "process", .usage = "NAME [asid=N] [root=FRAME] [anon]",
	  .help = "a new address space; it becomes current (a CR3 load); "
	    "anon: every page valid, zero-filled on first touch",
	  .flags = CMD_OP | CMD_ECHO,
	  .parse = cmd_parse_process, .exec = cmd_exec_op },
	{ .name = "switch", .usage = "NAME",
	  .help = "context switch to a process (a CR3 load)",
	  .flags = CMD_OP | CMD_ECHO,
	  .parse = cmd_parse_switch, .exec = cmd_exec_op },
	{ .name = "map",
	  .usage = "VA [pages=N] [perm=rwx] [user|kernel] [frame=N|disk]",
	  .help = "the OS maps pages at VA: in free frames, or on disk",
	  .flags = CMD_OP | CMD_ECHO,
	  .parse = cmd_parse_pages, .exec = cmd_exec_op },
	{ .name = "unmap", .usage = "VA [pages=N]",
	  .help = "the OS discards pages (no write-back) and frees their "
	    "frames",
	  .flags = CMD_OP | CMD_ECHO,
	  .parse = cmd_parse_pages, .exec = cmd_exec_op },
	{ .name = "protect", .usage = "VA [pages=N] perm=rwx",
	  .help = "the OS changes the rights of pages",
	  .flags = CMD_OP | CMD_ECHO,
	  .parse = cmd_parse_pages, .exec = cmd_exec_op },
	{ .name = "share", .usage = "PROCESS VA [at VA2]",
	  .help = "map VA2 (default VA) to the frames of PROCESS's page at "
	    "VA",
	  .flags = CMD_OP | CMD_ECHO,
	  .parse = cmd_parse_share, .exec = cmd_exec_op },
	{ .name = "poke", .usage = "PA HEXBYTES",
	  .help = "write raw bytes into physical memory (poke 0x40 ba7f7f)",
	  .flags = CMD_OP | CMD_ECHO,
	  .parse = cmd_parse_poke, .exec = cmd_exec_op },
	{ .name = "peek", .usage = "PA [N]",
	  .help = "show N bytes of physical memory (default 1, at most "
	    "4096)",
	  .flags = CMD_ECHO,
	  .parse = cmd_parse_peek, .exec = cmd_exec_peek },
	{ .name = "read", .usage = "VA [size=N] [kernel]",
	  .help = "the current process reads 1, 2, 4 or 8 bytes",
	  .flags = CMD_OP | CMD_ACCESS | CMD_ECHO,
	  .parse = cmd_parse_access, .exec = cmd_exec_op },
	{ .name = "write", .usage = "VA [VALUE] [size=N] [kernel]",
	  .help = "the current process writes VALUE (default 0)",
	  .flags = CMD_OP | CMD_ACCESS | CMD_ECHO,
	  .parse = cmd_parse_access, .exec = cmd_exec_op },
	{ .name = "exec", .usage = "VA [kernel]",
	  .help = "the current process fetches an instruction",
	  .flags = CMD_OP | CMD_ACCESS | CMD_ECHO,
	  .parse = cmd_parse_access, .exec = cmd_exec_op },
	{ .name = "vm",
	  .usage = "NAME [mmu=shadow|nested|pv] [cpu=vtx|classic|bt] "
	    "[memory=SIZE] [backing=eager|lazy] [vpid=N]",
	  .help = "a guest with its own guest-physical memory, OS and VMCS",
	  .flags = CMD_OP | CMD_ECHO,
	  .parse = cmd_parse_vm, .exec = cmd_exec_op },
	{ .name = "vmxon", .usage = "",
	  .help = "the CPU enters VMX root operation",
	  .flags = CMD_OP | CMD_ECHO,
	  .parse = cmd_parse_vmx, .exec = cmd_exec_op },
	{ .name = "vmxoff", .usage = "",
	  .help = "the CPU leaves VMX operation",
	  .flags = CMD_OP | CMD_ECHO,
	  .parse = cmd_parse_vmx, .exec = cmd_exec_op },
	{ .name = "vmlaunch", .usage = "NAME",
	  .help = "the first VM entry into a guest",
	  .flags = CMD_OP | CMD_ECHO,
	  .parse = cmd_parse_vmx, .exec = cmd_exec_op },
	{ .name = "vmresume", .usage = "NAME",
	  .help = "a later VM entry into a launched guest",
	  .flags = CMD_OP | CMD_ECHO,
	  .parse = cmd_parse_vmx, .exec = cmd_exec_op },
	{ .name = "interrupt", .usage = "",
	  .help = "an external interrupt: VM exit to the host, which stays "
	    "in root mode",
	  .flags = CMD_OP | CMD_ECHO,
	  .parse = cmd_parse_vmx, .exec = cmd_exec_op },
	{ .name = "insn", .usage = "NAME [ARG]",
	  .help = "the current context executes cpuid, hlt, invlpg VA, "
	    "out PORT, in PORT, vmcall, mov-cr3 PROCESS, popf, sgdt or "
	    "rdtsc",
	  .flags = CMD_OP | CMD_ECHO,
	  .parse = cmd_parse_insn, .exec = cmd_exec_op },
	{ .name = "vmcs", .usage = "KEY=on|off",
	  .help = "change an execution control of the current guest's "
	    "VMCS",
	  .flags = CMD_OP | CMD_ECHO,
	  .parse = cmd_parse_vmcs, .exec = cmd_exec_op },
	{ .name = "compare", .usage = "FILE",
	  .help = "run the guest workload in FILE natively and under shadow, "
	    "nested and pv paging, and print one table",
	  .flags = CMD_ECHO,
	  .parse = cmd_parse_file, .exec = cmd_exec_compare },
	{ .name = "trace", .usage = "FILE [interval=N] [skip-bad]",
	  .help = "replay a memory trace (valgrind lackey, plain or din) on a "
	    "fresh machine of these settings; print its statistics",
	  .flags = CMD_ECHO,
	  .parse = trace_cmd_parse, .exec = trace_cmd_exec },
	{ .name = "generate", .usage = "KIND [seed=N] [KEY=VALUE ...]",
	  .help = "write a new self-checking problem: translation, "
	    "replacement, tlb, shadow or nested",
	  .flags = CMD_ECHO,
	  .parse = gen_cmd_parse, .exec = gen_cmd_exec },
	{ .name = "sweep", .usage = "KEY V1 V2 ... [on FILE] [--csv OUT]",
	  .help = "run FILE once for each value of a machine key and chart "
	    "miss rate, faults and access time (A..B: A, 2A ... B)",
	  .flags = CMD_ECHO,
	  .parse = sweep_cmd_parse, .exec = sweep_cmd_exec },
	{ .name = "expect", .usage = "NAME [OP] VALUE",
	  .help = "check a value (OP: == != < <= > >=); a difference fails "
	    "the file",
	  .flags = 0,
	  .parse = cmd_parse_expect, .exec = cmd_exec_expect },
	{ .name = "ask", .usage = "NAME [TEXT]",
	  .help = "ask the student for the value of NAME",
	  .flags = CMD_TEXT,
	  .parse = cmd_parse_ask, .exec = cmd_exec_ask },
	{ .name = "pause", .usage = "",
	  .help = "wait for the student (batch and check go on)",
	  .flags = 0,
	  .parse = cmd_parse_none, .exec = cmd_exec_nothing },
	{ .name = "step", .usage = "[N]",
	  .help = "N micro-steps forward again, after back (default 1)",
	  .flags = CMD_PLAYER | CMD_ECHO,
	  .parse = cmd_parse_count, .exec = cmd_exec_step },
	{ .name = "back", .usage = "[N]",
	  .help = "N micro-steps back (default 1)",
	  .flags = CMD_PLAYER | CMD_ECHO,
	  .parse = cmd_parse_count, .exec = cmd_exec_back },
	{ .name = "next", .usage = "",
	  .help = "finish the operation in progress",
	  .flags = CMD_PLAYER | CMD_ECHO,
	  .parse = cmd_parse_none, .exec = cmd_exec_next },
	{ .name = "run", .usage = "",
	  .help = "step to the end of what is known",
	  .flags = CMD_PLAYER | CMD_ECHO,
	  .parse = cmd_parse_none, .exec = cmd_exec_run },
	{ .name = "play", .usage = "[DELAY]",
	  .help = "step to the end, DELAY milliseconds apart on the screen",
	  .flags = CMD_PLAYER | CMD_ECHO,
	  .parse = cmd_parse_count, .exec = cmd_exec_run },
	{ .name = "reset", .usage = "",
	  .help = "back to before the first step",
	  .flags = CMD_PLAYER | CMD_ECHO,
	  .parse = cmd_parse_none, .exec = cmd_exec_reset },
	{ .name = "load", .usage = "FILE",
	  .help = "run the commands of FILE here",
	  .flags = 0,
	  .parse = cmd_parse_file, .exec = cmd_exec_load },
	{ .name = "show", .usage = "tlb|pt|frames|disk|vmcs|stats",
	  .help = "the state of the machine as text",
	  .flags = CMD_ECHO,
	  .parse = cmd_parse_show, .exec = cmd_exec_show },
	{ .name = "lesson", .usage = "[N|NAME]",
	  .help = "on the screen: play lesson N or NAME (default the first)",
	  .flags = 0,
	  .parse = cmd_parse_lesson, .exec = cmd_exec_screen },
	{ .name = "quiz", .usage = "on|off",
	  .help = "on the screen: ask before each key stage of an access",
	  .flags = 0,
	  .parse = cmd_parse_quiz, .exec = cmd_exec_screen },
	{ .name = "reveal", .usage = "",
	  .help = "on the screen: show the answer to the question asked",
	  .flags = 0,
	  .parse = cmd_parse_none, .exec = cmd_exec_screen },
	{ .name = "zoom", .usage = "PANE|off",
	  .help = "give one pane the whole screen (address, tlb, walk, pt, "
	    "frames, vmx, stats, narration, log, disk), or off",
	  .flags = 0,
	  .parse = cmd_parse_file, .exec = cmd_exec_screen },
	{ .name = "dump", .usage = "FILE",
	  .help = "write the visible screen to FILE as text",
	  .flags = CMD_WRITES,
	  .parse = cmd_parse_file, .exec = cmd_exec_screen },
	{ .name = "save", .usage = "FILE",
	  .help = "write the transcript so far to FILE",
	  .flags = CMD_WRITES,
	  .parse = cmd_parse_file, .exec = cmd_exec_save },
	{ .name = "help", .usage = "[COMMAND]",
	  .help = "list the commands, or tell about one",
	  .flags = CMD_ECHO,
	  .parse = cmd_parse_help, .exec = cmd_exec_help },
	{ .name = "quit", .usage = "",
	  .help = "stop reading commands",
	  .flags = 0,
	  .parse = cmd_parse_none, .exec = cmd_exec_quit },
	{ .name = NULL }
};

/* Expect names whose values read best in hex. */
static const char *const cmd_hex_names[] = { "pa", "gpa", "value", "vpn",
	"offset", "pte", "pte.addr", "pf.code", NULL };

static const char *const cmd_cmp_names[] = { "", "==", "!=", "<", "<=",
	">", ">=" };

int
cmd_keep_rest(const struct cmd_entry *ce, const struct lex_line *l,
    const char *what, struct cmd_parsed *p, struct lex_err *e)
{
	const struct lex_word *last = &l->w[l->nwords - 1];
	size_t n;

	if (l->nwords < 2)
		return (lex_error(e, last->col + (unsigned)last->len, "%s: "
		    "missing %s; usage: %s %s", ce->name, what, ce->name,
		    ce->usage));
	n = (size_t)(last->s + last->len - l->w[1].s);
	if (n >= sizeof p->path)
		return (lex_error(e, l->w[1].col, "%s: line too long",
		    ce->name));
	memcpy(p->path, l->w[1].s, n);
	p->path[n] = '\0';
	p->namecol = l->w[1].col;
	return (0);
}

bool
cmd_name_is_hex(const char *name)
{
	const char *const *np;

	for (np = cmd_hex_names; *np != NULL; np++)
		if (strcmp(*np, name) == 0)
			return (true);
	return (false);
}

const struct cmd_entry *
cmd_find(const char *s, size_t len)
{
	const struct cmd_entry *ce;

	for (ce = cmd_table; ce->name != NULL; ce++) {
		if (strlen(ce->name) == len && memcmp(ce->name, s, len) == 0)
			return (ce);
	}
	return (NULL);
}

/* The command nearest to s[0..len), within two edits, or NULL. */
static const char *
cmd_near(const char *s, size_t len)
{
	const struct cmd_entry *ce;
	const char *best = NULL;
	unsigned d, bestd = 3;

	for (ce = cmd_table; ce->name != NULL; ce++) {
		d = lex_near(s, len, ce->name);
		if (d < bestd) {
			bestd = d;
			best = ce->name;
		}
	}
	return (best);
}

const char *
cmd_cmp_name(enum cmd_cmp c)
{
	return (cmd_cmp_names[c]);
}

/* The column of the argument an engine error names, else the command's. */
unsigned
cmd_argcol(const struct cmd_parsed *p, const char *name)
{
	const struct key_entry *k;
	size_t i;

	if (name == NULL)
		return (p->col);
	for (i = 0; i < p->nargs; i++) {
		if (strcmp(p->args[i].name, name) == 0)
			return (p->args[i].col);
	}
	if (p->entry != NULL && strcmp(p->entry->name, "machine") == 0 &&
	    (k = key_find(name, strlen(name))) != NULL &&
	    p->keycol[key_index(k)] != 0)
		return (p->keycol[key_index(k)]);
	return (p->col);
}

/* Errors shared by the commands. */

/* Where something missing would go: just past the last word. */
static unsigned
cmd_endcol(const struct lex_line *l)
{
	const struct lex_word *w = &l->w[l->nwords - 1];

	return (w->col + (unsigned)w->len);
}

static int
cmd_missing(const struct cmd_entry *ce, const struct lex_line *l,
    const char *what, struct lex_err *e)
{
	return (lex_error(e, cmd_endcol(l), "%s: missing %s; usage: %s %s",
	    ce->name, what, ce->name, ce->usage));
}

/*
 * Is key[0..len) an option of the command's usage ("pages" in
 * "VA [pages=N] ...")?  If so, and val is not NULL, val gets what its
 * value is called there ("N").
 */
static bool
cmd_usage_key(const struct cmd_entry *ce, const char *key, size_t len,
    char *val, size_t valsize)
{
	const char *u = ce->usage, *p, *end;
	size_t n;

	if (len == 0)
		return (false);
	for (p = u; (p = strstr(p, "=")) != NULL; p++) {
		if ((size_t)(p - u) < len || memcmp(p - len, key, len) != 0)
			continue;
		if (p - len != u && p[-(ptrdiff_t)len - 1] != ' ' &&
		    p[-(ptrdiff_t)len - 1] != '[' && p[-(ptrdiff_t)len - 1] != '|')
			continue;
		if (val != NULL && valsize > 0) {
			end = p + 1 + strcspn(p + 1, "]| ");
			n = (size_t)(end - (p + 1));
			if (n >= valsize)
				n = valsize - 1;
			memcpy(val, p + 1, n);
			val[n] = '\0';
		}
		return (true);
	}
	return (false);
}

/* The option of the usage nearest to key, within two edits, or NULL. */
static const char *
cmd_usage_near(const struct cmd_entry *ce, const char *key, size_t len,
    char *buf, size_t size)
{
	const char *u = ce->usage, *p, *start;
	char name[LEX_NAME_MAX + 1];
	unsigned d, best = 3;
	size_t n;

	buf[0] = '\0';
	for (p = u; (p = strchr(p, '=')) != NULL; p++) {
		for (start = p; start > u && ((start[-1] >= 'a' &&
		    start[-1] <= 'z') || start[-1] == '.'); start--)
			;
		n = (size_t)(p - start);
		if (n == 0 || n >= size || n > LEX_NAME_MAX)
			continue;
		memcpy(name, start, n);
		name[n] = '\0';
		d = lex_near(key, len, name);
		if (d < best) {
			best = d;
			memcpy(buf, name, n + 1);
		}
	}
	return (buf[0] != '\0' ? buf : NULL);
}

static int
cmd_unexpected(const struct cmd_entry *ce, const struct lex_word *w,
    struct lex_err *e)
{
	char q[LEX_QUOTE_SIZE], val[32];
	size_t klen;

	for (klen = 0; klen < w->len && w->s[klen] != ':' &&
	    w->s[klen] != '='; klen++)
		;
	lex_quote(q, sizeof q, w->s, w->len);
	if (*ce->usage == '\0')
		return (lex_error(e, w->col, "%s: unexpected %s; %s takes "
		    "nothing", ce->name, q, ce->name));
	/* "pages 2", "size:4": an option not written KEY=VALUE. */
	if (cmd_usage_key(ce, w->s, klen, val, sizeof val))
		return (lex_error(e, w->col, "%s: unexpected %s; an option is "
		    "written as one word, KEY=VALUE: %.*s=%s", ce->name, q,
		    (int)klen, w->s, val));
	return (lex_error(e, w->col, "%s: unexpected %s; usage: %s %s",
	    ce->name, q, ce->name, ce->usage));
}

static int
cmd_unknown(const struct cmd_entry *ce, const struct lex_word *key,
    struct lex_err *e)
{
	char q[LEX_QUOTE_SIZE], near[LEX_NAME_MAX + 1], val[32];
	size_t dashes = 0;

	lex_quote(q, sizeof q, key->s, key->len);
	while (dashes < key->len && key->s[dashes] == '-')
		dashes++;
	if (dashes > 0 && cmd_usage_key(ce, key->s + dashes,
	    key->len - dashes, val, sizeof val))
		return (lex_error(e, key->col, "%s: unknown option %s; write "
		    "it with no dashes: %.*s=%s", ce->name, q,
		    (int)(key->len - dashes), key->s + dashes, val));
	if (cmd_usage_near(ce, key->s, key->len, near, sizeof near) != NULL)
		return (lex_error(e, key->col, "%s: unknown option %s; did you "
		    "mean '%s'? usage: %s %s", ce->name, q, near, ce->name,
		    ce->usage));
	return (lex_error(e, key->col, "%s: unknown option %s; usage: %s %s",
	    ce->name, q, ce->name, ce->usage));
}

/*
 * A word that may be KEY=VALUE: 0 if it has no '=', 1 if it is an option
 * of the command with a key and a value, -1 (an error) otherwise.
 */
static int
cmd_option(const struct cmd_entry *ce, const struct lex_word *w,
    struct lex_word *k, struct lex_word *v, struct lex_err *e)
{
	char q[LEX_QUOTE_SIZE], val[32];

	if (!lex_option(w, k, v))
		return (0);
	if (k->len == 0) {
		lex_quote(q, sizeof q, w->s, w->len);
		return (lex_error(e, w->col, "%s: expected KEY=VALUE, got %s: "
		    "nothing before '='; usage: %s %s", ce->name, q, ce->name,
		    ce->usage));
	}
	if (!cmd_usage_key(ce, k->s, k->len, val, sizeof val))
		return (cmd_unknown(ce, k, e));
	if (v->len == 0)
		return (lex_error(e, v->col, "%s: '%.*s=' has no value: write "
		    "%.*s=%s, with no blank after '='", ce->name,
		    (int)k->len, k->s, (int)k->len, k->s, val));
	return (1);
}

/* Note that argument name was given at col; each only once. */
static int
cmd_note(const struct cmd_entry *ce, struct cmd_parsed *p, const char *name,
    unsigned col, struct lex_err *e)
{
	size_t i;

	for (i = 0; i < p->nargs; i++) {
		if (strcmp(p->args[i].name, name) == 0)
			return (lex_error(e, col, "%s: '%s' given twice",
			    ce->name, name));
	}
	if (p->nargs == CMD_ARGS_MAX)
		return (lex_error(e, col, "%s: too many arguments", ce->name));
	p->args[p->nargs].name = name;
	p->args[p->nargs].col = col;
	p->nargs++;
	return (0);
}

static bool
cmd_given(const struct cmd_parsed *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nargs; i++) {
		if (strcmp(p->args[i].name, name) == 0)
			return (true);
	}
	return (false);
}

static int
cmd_conflict(const struct cmd_entry *ce, const struct cmd_parsed *p,
    const char *a, const char *b, unsigned col, struct lex_err *e)
{
	if (!cmd_given(p, a))
		return (0);
	return (lex_error(e, col, "%s: '%s' and '%s' cannot both be given",
	    ce->name, a, b));
}

/* Values shared by the commands. */

static int
cmd_name(const struct cmd_entry *ce, struct cmd_parsed *p,
    const struct lex_word *w, struct lex_err *e)
{
	if (lex_name(w, e) != 0)
		return (lex_prefix(e, "%s", ce->name));
	if (cmd_note(ce, p, "name", w->col, e) != 0)
		return (-1);
	memcpy(p->op.name, w->s, w->len);
	p->op.name[w->len] = '\0';
	return (0);
}

static int
cmd_int64(const char *what, const struct lex_word *v, int64_t *out,
    struct lex_err *e)
{
	uint64_t n;

	if (lex_number(v, &n, e) != 0)
		return (lex_prefix(e, "%s", what));
	if (n > (uint64_t)INT64_MAX)
		return (lex_error(e, v->col, "%s: number too large", what));
	*out = (int64_t)n;
	return (0);
}

static int
cmd_pagecount(const struct lex_word *v, uint64_t *out, struct lex_err *e)
{
	if (lex_number(v, out, e) != 0)
		return (lex_prefix(e, "pages"));
	if (*out == 0)
		return (lex_error(e, v->col, "pages: must be at least 1"));
	return (0);
}

static int
cmd_perm(const struct lex_word *v, unsigned *out, struct lex_err *e)
{
	char q[LEX_QUOTE_SIZE];

	if (v->len != 3 || (v->s[0] != 'r' && v->s[0] != '-') ||
	    (v->s[1] != 'w' && v->s[1] != '-') ||
	    (v->s[2] != 'x' && v->s[2] != '-')) {
		lex_quote(q, sizeof q, v->s, v->len);
		return (lex_error(e, v->col, "perm: expected three letters "
		    "like rw- or r-x (r, w, x in that order, '-' for a right "
		    "not given), got %s", q));
	}
	*out = (v->s[0] == 'r' ? PERM_R : 0) | (v->s[1] == 'w' ? PERM_W : 0) |
	    (v->s[2] == 'x' ? PERM_X : 0);
	return (0);
}

static int
cmd_size(const struct lex_word *v, unsigned *out, struct lex_err *e)
{
	char q[LEX_QUOTE_SIZE];
	uint64_t n;

	if (lex_number(v, &n, e) != 0)
		return (lex_prefix(e, "size"));
	if (n != 1 && n != 2 && n != 4 && n != 8) {
		lex_quote(q, sizeof q, v->s, v->len);
		return (lex_error(e, v->col, "size: expected 1, 2, 4 or 8, "
		    "got %s", q));
	}
	*out = (unsigned)n;
	return (0);
}

/* Parse halves. */

static int
cmd_parse_machine(const struct cmd_entry *ce, const struct lex_line *l,
    struct cmd_parsed *p, struct lex_err *e)
{
	(void)ce;
	return (key_machine(l->w + 1, l->nwords - 1, p->col, &p->mcfg,
	    p->keycol, e));
}

static int
cmd_parse_process(const struct cmd_entry *ce, const struct lex_line *l,
    struct cmd_parsed *p, struct lex_err *e)
{
	const struct lex_word *w;
	struct lex_word k, v;
	size_t i;
	int r;
	bool named = false;

	op_init(&p->op, OP_PROCESS);
	p->op.asid = -1;
	p->op.root = -1;
	for (i = 1; i < l->nwords; i++) {
		w = &l->w[i];
		if ((r = cmd_option(ce, w, &k, &v, e)) != 0) {
			if (r < 0)
				return (-1);
			if (lex_eq(&k, "asid")) {
				if (cmd_note(ce, p, "asid", w->col, e) != 0 ||
				    cmd_int64("asid", &v, &p->op.asid, e) != 0)
					return (-1);
			} else if (lex_eq(&k, "root")) {
				if (cmd_note(ce, p, "root", w->col, e) != 0 ||
				    cmd_int64("root", &v, &p->op.root, e) != 0)
					return (-1);
			} else
				return (cmd_unknown(ce, &k, e));
		} else if (named && lex_eq(w, "anon") && !p->op.anon) {
			p->op.anon = true;
		} else if (!named) {
			if (cmd_name(ce, p, w, e) != 0)
				return (-1);
			named = true;
		} else
			return (cmd_unexpected(ce, w, e));
	}
	if (!named)
		return (cmd_missing(ce, l, "NAME", e));
	return (0);
}

static int
cmd_parse_switch(const struct cmd_entry *ce, const struct lex_line *l,
    struct cmd_parsed *p, struct lex_err *e)
{
	struct lex_word k, v;

	op_init(&p->op, OP_SWITCH);
	if (l->nwords < 2)
		return (cmd_missing(ce, l, "NAME", e));
	if (l->nwords > 2)
		return (cmd_unexpected(ce, &l->w[2], e));
	if (cmd_option(ce, &l->w[1], &k, &v, e) != 0)
		return (-1);
	return (cmd_name(ce, p, &l->w[1], e));
}

/* map, unmap and protect: VA and options about pages. */
static int
cmd_parse_pages(const struct cmd_entry *ce, const struct lex_line *l,
    struct cmd_parsed *p, struct lex_err *e)
{
	const struct lex_word *w;
	struct lex_word k, v;
	enum op_kind kind;
	size_t i;
	int r;
	bool isva = false, ismap;

	if (ce->name[0] == 'm')
		kind = OP_MAP;
	else if (ce->name[0] == 'u')
		kind = OP_UNMAP;
	else
		kind = OP_PROTECT;
	ismap = kind == OP_MAP;
	op_init(&p->op, kind);
	p->op.pages = 1;
	p->op.perm = PERM_R | PERM_W;
	p->op.user = true;
	p->op.disk = false;
	p->op.frame = -1;
	for (i = 1; i < l->nwords; i++) {
		w = &l->w[i];
		if ((r = cmd_option(ce, w, &k, &v, e)) != 0) {
			if (r < 0)
				return (-1);
			if (lex_eq(&k, "pages")) {
				if (cmd_note(ce, p, "pages", w->col, e) != 0 ||
				    cmd_pagecount(&v, &p->op.pages, e) != 0)
					return (-1);
			} else if (lex_eq(&k, "perm") && kind != OP_UNMAP) {
				if (cmd_note(ce, p, "perm", w->col, e) != 0 ||
				    cmd_perm(&v, &p->op.perm, e) != 0)
					return (-1);
			} else if (lex_eq(&k, "frame") && ismap) {
				if (cmd_conflict(ce, p, "disk", "frame",
				    w->col, e) != 0 ||
				    cmd_note(ce, p, "frame", w->col, e) != 0 ||
				    cmd_int64("frame", &v, &p->op.frame,
				    e) != 0)
					return (-1);
			} else
				return (cmd_unknown(ce, &k, e));
		} else if (ismap && lex_eq(w, "user")) {
			if (cmd_conflict(ce, p, "kernel", "user", w->col,
			    e) != 0 || cmd_note(ce, p, "user", w->col, e) != 0)
				return (-1);
			p->op.user = true;
		} else if (ismap && lex_eq(w, "kernel")) {
			if (cmd_conflict(ce, p, "user", "kernel", w->col,
			    e) != 0 || cmd_note(ce, p, "kernel", w->col,
			    e) != 0)
				return (-1);
			p->op.user = false;
		} else if (ismap && lex_eq(w, "disk")) {
			if (cmd_conflict(ce, p, "frame", "disk", w->col,
			    e) != 0 || cmd_note(ce, p, "disk", w->col, e) != 0)
				return (-1);
			p->op.disk = true;
		} else if (!isva) {
			if (lex_number(w, &p->op.va, e) != 0)
				return (lex_prefix(e, "%s VA", ce->name));
			if (cmd_note(ce, p, "va", w->col, e) != 0)
				return (-1);
			isva = true;
		} else
			return (cmd_unexpected(ce, w, e));
	}
	if (!isva)
		return (cmd_missing(ce, l, "VA", e));
	if (kind == OP_PROTECT && !cmd_given(p, "perm"))
		return (cmd_missing(ce, l, "perm=", e));
	return (0);
}

static int
cmd_parse_share(const struct cmd_entry *ce, const struct lex_line *l,
    struct cmd_parsed *p, struct lex_err *e)
{
	const struct lex_word *w;
	struct lex_word k, v;
	size_t i, npos = 0;

	op_init(&p->op, OP_SHARE);
	for (i = 1; i < l->nwords; i++) {
		w = &l->w[i];
		if (cmd_option(ce, w, &k, &v, e) != 0)
			return (-1);
		if (npos == 0) {
			if (cmd_name(ce, p, w, e) != 0)
				return (-1);
		} else if (npos == 1) {
			if (lex_number(w, &p->op.va, e) != 0)
				return (lex_prefix(e, "%s VA", ce->name));
			if (cmd_note(ce, p, "va", w->col, e) != 0)
				return (-1);
		} else if (npos == 2 && lex_eq(w, "at")) {
			if (i + 1 == l->nwords)
				return (cmd_missing(ce, l, "VA2 after 'at'",
				    e));
			w = &l->w[++i];
			if (lex_number(w, &p->op.va2, e) != 0)
				return (lex_prefix(e, "share VA2"));
			if (cmd_note(ce, p, "va2", w->col, e) != 0 ||
			    cmd_note(ce, p, "at", w->col, e) != 0)
				return (-1);
		} else
			return (cmd_unexpected(ce, w, e));
		npos++;
	}
	if (npos < 1)
		return (cmd_missing(ce, l, "PROCESS", e));
	if (npos < 2)
		return (cmd_missing(ce, l, "VA", e));
	if (npos == 2)
		p->op.va2 = p->op.va;
	return (0);
}

static int
cmd_hexdigit(char c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/* poke PA HEXBYTES: one or more words of an even number of hex digits. */
static int
cmd_parse_poke(const struct cmd_entry *ce, const struct lex_line *l,
    struct cmd_parsed *p, struct lex_err *e)
{
	const struct lex_word *w;
	char q[LEX_QUOTE_SIZE];
	size_t i, j, n = 0;
	int hi, lo;

	op_init(&p->op, OP_POKE);
	if (l->nwords < 2)
		return (cmd_missing(ce, l, "PA", e));
	if (lex_number(&l->w[1], &p->op.pa, e) != 0)
		return (lex_prefix(e, "%s PA", ce->name));
	if (cmd_note(ce, p, "pa", l->w[1].col, e) != 0)
		return (-1);
	if (l->nwords < 3)
		return (cmd_missing(ce, l, "HEXBYTES", e));
	if (cmd_note(ce, p, "bytes", l->w[2].col, e) != 0)
		return (-1);
	for (i = 2; i < l->nwords; i++) {
		w = &l->w[i];
		lex_quote(q, sizeof q, w->s, w->len);
		if (w->len > 2 && w->s[0] == '0' && (w->s[1] == 'x' ||
		    w->s[1] == 'X'))
			return (lex_error(e, w->col + 1, "poke: expected hex "
			    "digits, got %s: write the bytes without 0x, "
			    "lowest address first (poke 0x40 ba7f7f)", q));
		for (j = 0; j < w->len; j++) {
			if (cmd_hexdigit(w->s[j]) < 0)
				return (lex_error(e, w->col + (unsigned)j,
				    "poke: expected hex digits, got %s", q));
		}
		if (w->len % 2 != 0)
			return (lex_error(e, w->col, "poke: %s has an odd "
			    "number of hex digits; a byte takes two", q));
		for (j = 0; j < w->len; j += 2) {
			hi = cmd_hexdigit(w->s[j]);
			lo = cmd_hexdigit(w->s[j + 1]);
			p->bytes[n++] = (uint8_t)(hi << 4 | lo);
		}
	}
	p->op.bytes = NULL;		/* set by exec: p may move */
	p->op.nbytes = n;
	return (0);
}

static int
cmd_parse_peek(const struct cmd_entry *ce, const struct lex_line *l,
    struct cmd_parsed *p, struct lex_err *e)
{
	op_init(&p->op, OP_POKE);
	if (l->nwords < 2)
		return (cmd_missing(ce, l, "PA", e));
	if (l->nwords > 3)
		return (cmd_unexpected(ce, &l->w[3], e));
	if (lex_number(&l->w[1], &p->op.pa, e) != 0)
		return (lex_prefix(e, "%s PA", ce->name));
	if (cmd_note(ce, p, "pa", l->w[1].col, e) != 0)
		return (-1);
	p->n = 1;
	if (l->nwords == 3) {
		if (lex_number(&l->w[2], &p->n, e) != 0)
			return (lex_prefix(e, "peek N"));
		if (cmd_note(ce, p, "n", l->w[2].col, e) != 0)
			return (-1);
		if (p->n < 1 || p->n > CMD_PEEK_MAX)
			return (lex_error(e, l->w[2].col, "peek: N must be "
			    "from 1 to %d", CMD_PEEK_MAX));
	}
	return (0);
}

/* read, write and exec. */
static int
cmd_parse_access(const struct cmd_entry *ce, const struct lex_line *l,
    struct cmd_parsed *p, struct lex_err *e)
{
	const struct lex_word *w, *value = NULL;
	struct lex_word k, v;
	enum op_kind kind;
	size_t i;
	int r;
	bool isva = false;

	if (ce->name[0] == 'r')
		kind = OP_READ;
	else if (ce->name[0] == 'w')
		kind = OP_WRITE;
	else
		kind = OP_EXEC;
	op_init(&p->op, kind);
	p->op.size = 1;
	p->op.value = 0;
	p->op.kernel = false;
	for (i = 1; i < l->nwords; i++) {
		w = &l->w[i];
		if ((r = cmd_option(ce, w, &k, &v, e)) != 0) {
			if (r < 0)
				return (-1);
			if (lex_eq(&k, "size") && kind != OP_EXEC) {
				if (cmd_note(ce, p, "size", w->col, e) != 0 ||
				    cmd_size(&v, &p->op.size, e) != 0)
					return (-1);
			} else
				return (cmd_unknown(ce, &k, e));
		} else if (lex_eq(w, "kernel")) {
			if (cmd_note(ce, p, "kernel", w->col, e) != 0)
				return (-1);
			p->op.kernel = true;
		} else if (!isva) {
			if (lex_number(w, &p->op.va, e) != 0)
				return (lex_prefix(e, "%s VA", ce->name));
			if (cmd_note(ce, p, "va", w->col, e) != 0)
				return (-1);
			isva = true;
		} else if (kind == OP_WRITE && value == NULL) {
			if (lex_number(w, &p->op.value, e) != 0)
				return (lex_prefix(e, "write VALUE"));
			if (cmd_note(ce, p, "value", w->col, e) != 0)
				return (-1);
			value = w;
		} else
			return (cmd_unexpected(ce, w, e));
	}
	if (!isva)
		return (cmd_missing(ce, l, "VA", e));
	if (value != NULL && p->op.size < 8 &&
	    (p->op.value >> (8 * p->op.size)) != 0)
		return (lex_error(e, value->col, "write: value %.*s does not "
		    "fit in %u byte%s (at most 0x%llx): give size=%u",
		    (int)value->len, value->s, p->op.size,
		    p->op.size == 1 ? "" : "s",
		    (unsigned long long)((1ull << (8 * p->op.size)) - 1),
		    p->op.value >> 32 ? 8u : p->op.value >> 16 ? 4u :
		    p->op.value >> 8 ? 2u : 1u));
	return (0);
}

/* NAME of expect and ask: a name of engine_query_names, where "x.N" stands
 * for x.1 .. x.MCFG_MAX_LEVELS and "x.NAME" for x.<an exit name>. */
/* "a, b, c" from a NULL-terminated list. */
static void
cmd_join(char *buf, size_t size, const char *const *list)
{
	size_t off = 0;
	int r;

	buf[0] = '\0';
	for (; *list != NULL && off < size; list++) {
		r = snprintf(buf + off, size - off, "%s%s", off == 0 ? "" : ", ",
		    *list);
		if (r < 0)
			break;
		off += (size_t)r;
	}
}

/* Is the tail of a pattern name ("N" or "NAME") good? */
static int
cmd_qname_tail(const struct cmd_entry *ce, const char *pat, size_t plen,
    const char *kind, const struct lex_word *tail, struct lex_err *e)
{
	const char *const *xp;
	char q[LEX_QUOTE_SIZE], list[800];
	uint64_t n;

	if (strcmp(kind, "N") == 0) {
		if (lex_number(tail, &n, NULL) != 0 || n < 1 ||
		    n > MCFG_MAX_LEVELS)
			return (lex_error(e, tail->col, "%s: %.*sN takes N "
			    "from 1 to %d", ce->name, (int)plen, pat,
			    MCFG_MAX_LEVELS));
		return (0);
	}
	for (xp = engine_exit_names; *xp != NULL; xp++) {
		if (lex_eq(tail, *xp))
			return (0);
	}
	lex_quote(q, sizeof q, tail->s, tail->len);
	cmd_join(list, sizeof list, engine_exit_names);
	return (lex_error(e, tail->col, "%s: unknown exit reason %s; the "
	    "reasons are %s", ce->name, q, list));
}

/* NAME of expect and ask: a name of engine_query_names, where "x.N" stands
 * for x.1 .. x.MCFG_MAX_LEVELS and "x.NAME" for x.<an exit name>. */
static int
cmd_qname(const struct cmd_entry *ce, const struct lex_word *w,
    struct cmd_parsed *p, struct lex_err *e)
{
	const char *const *np, *pat, *dot;
	struct lex_word tail;
	char q[LEX_QUOTE_SIZE], list[800];
	size_t plen;

	for (np = engine_query_names; *np != NULL; np++) {
		pat = *np;
		dot = strrchr(pat, '.');
		if (dot != NULL && (strcmp(dot, ".N") == 0 ||
		    strcmp(dot, ".NAME") == 0)) {
			plen = (size_t)(dot - pat) + 1;
			if (w->len <= plen || memcmp(w->s, pat, plen) != 0)
				continue;
			tail.s = w->s + plen;
			tail.len = w->len - plen;
			tail.col = w->col + (unsigned)plen;
			tail.hicol = 0;
			if (cmd_qname_tail(ce, pat, plen, dot + 1, &tail,
			    e) != 0)
				return (-1);
			break;
		}
		if (lex_eq(w, pat))
			break;
	}
	if (*np == NULL) {
		lex_quote(q, sizeof q, w->s, w->len);
		cmd_join(list, sizeof list, engine_query_names);
		return (lex_error(e, w->col, "%s: unknown name %s; the names "
		    "are %s", ce->name, q, list));
	}
	if (w->len > CMD_QNAME_MAX)
		return (lex_error(e, w->col, "%s: name too long", ce->name));
	memcpy(p->name, w->s, w->len);
	p->name[w->len] = '\0';
	p->namecol = w->col;
	return (0);
}

static enum cmd_cmp
cmd_cmp_word(const struct lex_word *w)
{
	int i;

	for (i = CMP_EQ; i <= CMP_GE; i++) {
		if (lex_eq(w, cmd_cmp_names[i]))
			return ((enum cmd_cmp)i);
	}
	return (CMP_NONE);
}

static int
cmd_parse_expect(const struct cmd_entry *ce, const struct lex_line *l,
    struct cmd_parsed *p, struct lex_err *e)
{
	const struct lex_word *v;
	char q[LEX_QUOTE_SIZE];
	size_t oplen;

	if (l->nwords < 2)
		return (cmd_missing(ce, l, "NAME", e));
	if (cmd_qname(ce, &l->w[1], p, e) != 0)
		return (-1);
	if (l->nwords < 3)
		return (cmd_missing(ce, l, "VALUE", e));
	if (l->nwords > 4)
		return (cmd_unexpected(ce, &l->w[4], e));
	p->cmp = CMP_NONE;
	if (l->nwords == 4) {
		if ((p->cmp = cmd_cmp_word(&l->w[2])) == CMP_NONE) {
			lex_quote(q, sizeof q, l->w[2].s, l->w[2].len);
			return (lex_error(e, l->w[2].col, "expect: expected "
			    "a comparison (== != < <= > >=), got %s", q));
		}
		v = &l->w[3];
	} else {
		v = &l->w[2];
		if (cmd_cmp_word(v) != CMP_NONE)
			return (cmd_missing(ce, l, "VALUE", e));
	}
	p->value = v->s;
	p->valuelen = v->len;
	p->isword = false;
	p->hex = lex_is_hex(v);
	if (v->s[0] >= '0' && v->s[0] <= '9') {
		if (lex_number(v, &p->num, e) != 0)
			return (lex_prefix(e, "expect"));
	} else if (lex_is_name(v->s, v->len)) {
		p->isword = true;
		memcpy(p->word, v->s, v->len);
		p->word[v->len] = '\0';
	} else {
		lex_quote(q, sizeof q, v->s, v->len);
		oplen = v->len > 1 && v->s[1] == '=' ? 2 : 1;
		if (v->s[0] != '\0' && strchr("<>=!", v->s[0]) != NULL &&
		    v->len > oplen)
			return (lex_error(e, v->col, "expect: expected a "
			    "number or a word, got %s: the comparison is a "
			    "word of its own: expect %s %.*s %.*s", q, p->name,
			    (int)oplen, v->s, (int)(v->len - oplen),
			    v->s + oplen));
		return (lex_error(e, v->col, "expect: expected a number or a "
		    "word, got %s", q));
	}
	if (p->isword && p->cmp != CMP_NONE && p->cmp != CMP_EQ &&
	    p->cmp != CMP_NE)
		return (lex_error(e, l->w[2].col, "expect: a word compares "
		    "only with == or !="));
	return (0);
}

static int
cmd_parse_ask(const struct cmd_entry *ce, const struct lex_line *l,
    struct cmd_parsed *p, struct lex_err *e)
{
	const struct lex_word *w;
	size_t off, last;

	if (l->nwords < 2)
		return (cmd_missing(ce, l, "NAME", e));
	w = &l->w[1];
	if (cmd_qname(ce, w, p, e) != 0)
		return (-1);
	/* TEXT is the rest of the line, raw: '#' is text here. */
	off = (size_t)(w->s - l->s) + w->len;
	while (off < l->len && (l->s[off] == ' ' || l->s[off] == '\t'))
		off++;
	last = l->len;
	while (last > off && (l->s[last - 1] == ' ' || l->s[last - 1] == '\t'))
		last--;
	p->text = l->s + off;
	p->textlen = last - off;
	return (0);
}

/* The index of word w in list (n words), or -1 with an error. */
static int
cmd_choice(const char *what, const struct lex_word *w,
    const char *const *list, size_t n, struct lex_err *e)
{
	char q[LEX_QUOTE_SIZE], all[256];
	size_t i, off = 0;
	int r;

	for (i = 0; i < n; i++)
		if (lex_eq(w, list[i]))
			return ((int)i);
	all[0] = '\0';
	for (i = 0; i < n && off < sizeof all; i++) {
		r = snprintf(all + off, sizeof all - off, "%s%s", i == 0 ? "" :
		    i + 1 == n ? " or " : ", ", list[i]);
		if (r < 0)
			break;
		off += (size_t)r;
	}
	lex_quote(q, sizeof q, w->s, w->len);
	lex_error(e, w->col, "%s: expected %s, got %s", what, all, q);
	return (-1);
}

static int
cmd_parse_vm(const struct cmd_entry *ce, const struct lex_line *l,
    struct cmd_parsed *p, struct lex_err *e)
{
	static const char *const mmus[] = { "nested", "shadow", "pv" };
	static const char *const cpus[] = { "vtx", "classic", "bt" };
	static const char *const backs[] = { "eager", "lazy" };
	const struct lex_word *w;
	struct lex_word k, v;
	size_t i;
	int r, c;
	bool named = false;

	op_init(&p->op, OP_VM);
	p->op.asid = -1;
	for (i = 1; i < l->nwords; i++) {
		w = &l->w[i];
		if ((r = cmd_option(ce, w, &k, &v, e)) < 0)
			return (-1);
		if (r == 0) {
			if (named)
				return (cmd_unexpected(ce, w, e));
			if (cmd_name(ce, p, w, e) != 0)
				return (-1);
			named = true;
		} else if (lex_eq(&k, "mmu")) {
			if (cmd_note(ce, p, "mmu", w->col, e) != 0 ||
			    (c = cmd_choice("mmu", &v, mmus, 3, e)) < 0)
				return (-1);
			p->op.mmu = (unsigned)c;
		} else if (lex_eq(&k, "cpu")) {
			if (cmd_note(ce, p, "cpu", w->col, e) != 0 ||
			    (c = cmd_choice("cpu", &v, cpus, 3, e)) < 0)
				return (-1);
			p->op.cpu = (unsigned)c;
		} else if (lex_eq(&k, "backing")) {
			if (cmd_note(ce, p, "backing", w->col, e) != 0 ||
			    (c = cmd_choice("backing", &v, backs, 2, e)) < 0)
				return (-1);
			p->op.lazy = c == 1;
		} else if (lex_eq(&k, "memory")) {
			if (cmd_note(ce, p, "memory", w->col, e) != 0)
				return (-1);
			if (lex_number(&v, &p->op.memory, e) != 0)
				return (lex_prefix(e, "memory"));
			if (p->op.memory == 0)
				return (lex_error(e, v.col, "memory: must be "
				    "more than 0"));
		} else if (lex_eq(&k, "vpid")) {
			if (cmd_note(ce, p, "vpid", w->col, e) != 0 ||
			    cmd_int64("vpid", &v, &p->op.asid, e) != 0)
				return (-1);
		} else
			return (cmd_unknown(ce, &k, e));
	}
	if (!named)
		return (cmd_missing(ce, l, "NAME", e));
	/* without VT-x there is no EPT: shadow paging by default */
	if (!cmd_given(p, "mmu") && p->op.cpu != CPU_VTX)
		p->op.mmu = MMU_SHADOW;
	return (0);
}

/* vmxon, vmxoff, interrupt; vmlaunch NAME, vmresume NAME. */
static int
cmd_parse_vmx(const struct cmd_entry *ce, const struct lex_line *l,
    struct cmd_parsed *p, struct lex_err *e)
{
	struct lex_word k, v;
	bool named = strcmp(ce->name, "vmlaunch") == 0 ||
	    strcmp(ce->name, "vmresume") == 0;

	op_init(&p->op, strcmp(ce->name, "vmxon") == 0 ? OP_VMXON :
	    strcmp(ce->name, "vmxoff") == 0 ? OP_VMXOFF :
	    strcmp(ce->name, "interrupt") == 0 ? OP_INTERRUPT :
	    strcmp(ce->name, "vmlaunch") == 0 ? OP_VMLAUNCH : OP_VMRESUME);
	if (!named)
		return (cmd_parse_none(ce, l, p, e));
	if (l->nwords < 2)
		return (cmd_missing(ce, l, "NAME", e));
	if (l->nwords > 2)
		return (cmd_unexpected(ce, &l->w[2], e));
	if (cmd_option(ce, &l->w[1], &k, &v, e) != 0)
		return (-1);
	return (cmd_name(ce, p, &l->w[1], e));
}

static int
cmd_parse_insn(const struct cmd_entry *ce, const struct lex_line *l,
    struct cmd_parsed *p, struct lex_err *e)
{
	int c;

	op_init(&p->op, OP_INSN);
	if (l->nwords < 2)
		return (cmd_missing(ce, l, "NAME", e));
	if ((c = cmd_choice("insn", &l->w[1], insn_names, INSN_N, e)) < 0)
		return (-1);
	p->op.insn = (unsigned)c;
	switch (c) {
	case INSN_INVLPG:
	case INSN_OUT:
	case INSN_IN:
		if (l->nwords < 3)
			return (cmd_missing(ce, l, c == INSN_INVLPG ? "VA" :
			    "PORT", e));
		if (lex_number(&l->w[2], c == INSN_INVLPG ? &p->op.va :
		    &p->op.value, e) != 0)
			return (lex_prefix(e, "insn %s", insn_names[c]));
		if (c != INSN_INVLPG && p->op.value > 0xffff)
			return (lex_error(e, l->w[2].col, "insn: a port is 0 "
			    "to 0xffff"));
		if (cmd_note(ce, p, c == INSN_INVLPG ? "va" : "port",
		    l->w[2].col, e) != 0)
			return (-1);
		break;
	case INSN_MOVCR3:
		if (l->nwords < 3)
			return (cmd_missing(ce, l, "PROCESS", e));
		if (cmd_name(ce, p, &l->w[2], e) != 0)
			return (-1);
		break;
	default:
		if (l->nwords > 2)
			return (cmd_unexpected(ce, &l->w[2], e));
		return (0);
	}
	if (l->nwords > 3)
		return (cmd_unexpected(ce, &l->w[3], e));
	return (0);
}

static int
cmd_parse_vmcs(const struct cmd_entry *ce, const struct lex_line *l,
    struct cmd_parsed *p, struct lex_err *e)
{
	static const char *const onoff[] = { "off", "on" };
	struct lex_word k, v;
	char q[LEX_QUOTE_SIZE];
	int c;

	op_init(&p->op, OP_VMCS);
	if (l->nwords < 2)
		return (cmd_missing(ce, l, "KEY=on|off", e));
	if (l->nwords > 2)
		return (cmd_unexpected(ce, &l->w[2], e));
	if (!lex_option(&l->w[1], &k, &v) || k.len == 0 || v.len == 0) {
		lex_quote(q, sizeof q, l->w[1].s, l->w[1].len);
		return (lex_error(e, l->w[1].col, "vmcs: expected KEY=on or "
		    "KEY=off, got %s", q));
	}
	if ((c = cmd_choice("vmcs", &k, vmcs_ctl_names, CTL_N, e)) < 0)
		return (-1);
	p->op.ctl = (unsigned)c;
	if ((c = cmd_choice("vmcs", &v, onoff, 2, e)) < 0)
		return (-1);
	p->op.value = (uint64_t)c;
	return (cmd_note(ce, p, "key", l->w[1].col, e));
}

/* quiz on|off. */
static int
cmd_parse_quiz(const struct cmd_entry *ce, const struct lex_line *l,
    struct cmd_parsed *p, struct lex_err *e)
{
	static const char *const onoff[] = { "off", "on" };
	int c;

	if (l->nwords < 2)
		return (cmd_missing(ce, l, "on or off", e));
	if (l->nwords > 2)
		return (cmd_unexpected(ce, &l->w[2], e));
	if ((c = cmd_choice("quiz", &l->w[1], onoff, 2, e)) < 0)
		return (-1);
	snprintf(p->path, sizeof p->path, "%s", onoff[c]);
	p->namecol = l->w[1].col;
	return (0);
}

/* lesson [N|NAME]: one optional word. */
static int
cmd_parse_lesson(const struct cmd_entry *ce, const struct lex_line *l,
    struct cmd_parsed *p, struct lex_err *e)
{
	if (l->nwords > 2)
		return (cmd_unexpected(ce, &l->w[2], e));
	if (l->nwords == 2)
		return (cmd_parse_file(ce, l, p, e));
	snprintf(p->path, sizeof p->path, "1");
	p->namecol = l->w[0].col;
	return (0);
}

static int
cmd_parse_none(const struct cmd_entry *ce, const struct lex_line *l,
    struct cmd_parsed *p, struct lex_err *e)
{
	(void)p;
	if (l->nwords > 1)
		return (cmd_unexpected(ce, &l->w[1], e));
	return (0);
}

/* step [N], back [N], play [DELAY]. */
static int
cmd_parse_count(const struct cmd_entry *ce, const struct lex_line *l,
    struct cmd_parsed *p, struct lex_err *e)
{
	p->has_n = false;
	p->n = 1;
	if (l->nwords > 2)
		return (cmd_unexpected(ce, &l->w[2], e));
	if (l->nwords == 2) {
		if (lex_number(&l->w[1], &p->n, e) != 0)
			return (lex_prefix(e, "%s", ce->name));
		if (p->n == 0 && strcmp(ce->name, "play") != 0)
			return (lex_error(e, l->w[1].col, "%s: N must be at "
			    "least 1", ce->name));
		/* the screen waits this long between steps, deaf to keys */
		if (p->n > CMD_PLAY_MAX && strcmp(ce->name, "play") == 0)
			return (lex_error(e, l->w[1].col, "play: DELAY is at "
			    "most %d milliseconds (%d s) between steps",
			    CMD_PLAY_MAX, CMD_PLAY_MAX / 1000));
		p->has_n = true;
	}
	return (0);
}

/* load FILE, save FILE: one word. */
static int
cmd_parse_file(const struct cmd_entry *ce, const struct lex_line *l,
    struct cmd_parsed *p, struct lex_err *e)
{
	const struct lex_word *w;

	if (l->nwords < 2)
		return (cmd_missing(ce, l, "FILE", e));
	if (l->nwords > 2)
		return (cmd_unexpected(ce, &l->w[2], e));
	w = &l->w[1];
	memcpy(p->path, w->s, w->len);
	p->path[w->len] = '\0';
	p->namecol = w->col;
	return (0);
}

static int
cmd_parse_show(const struct cmd_entry *ce, const struct lex_line *l,
    struct cmd_parsed *p, struct lex_err *e)
{
	const char *const *np;
	char q[LEX_QUOTE_SIZE], list[256];
	size_t off;
	int r;

	if (l->nwords < 2)
		return (cmd_missing(ce, l, "what to show", e));
	if (l->nwords > 2)
		return (cmd_unexpected(ce, &l->w[2], e));
	for (np = engine_show_names; *np != NULL; np++) {
		if (lex_eq(&l->w[1], *np)) {
			snprintf(p->name, sizeof p->name, "%s", *np);
			p->namecol = l->w[1].col;
			return (0);
		}
	}
	list[0] = '\0';
	for (off = 0, np = engine_show_names; *np != NULL && off < sizeof list;
	    np++) {
		r = snprintf(list + off, sizeof list - off, "%s%s",
		    np == engine_show_names ? "" : np[1] == NULL ? " or " :
		    ", ", *np);
		if (r < 0)
			break;
		off += (size_t)r;
	}
	lex_quote(q, sizeof q, l->w[1].s, l->w[1].len);
	for (np = engine_show_names; *np != NULL; np++)
		if (lex_near(l->w[1].s, l->w[1].len, *np) <=
		    (strlen(*np) <= 3 ? 1u : 2u))
			return (lex_error(e, l->w[1].col, "show: expected %s, "
			    "got %s; did you mean '%s'?", list, q, *np));
	return (lex_error(e, l->w[1].col, "show: expected %s, got %s", list,
	    q));
}

static int
cmd_parse_help(const struct cmd_entry *ce, const struct lex_line *l,
    struct cmd_parsed *p, struct lex_err *e)
{
	const char *near;
	char q[LEX_QUOTE_SIZE];

	p->name[0] = '\0';
	if (l->nwords > 2)
		return (cmd_unexpected(ce, &l->w[2], e));
	if (l->nwords == 2) {
		if (cmd_find(l->w[1].s, l->w[1].len) == NULL) {
			lex_quote(q, sizeof q, l->w[1].s, l->w[1].len);
			if ((near = cmd_near(l->w[1].s, l->w[1].len)) != NULL)
				return (lex_error(e, l->w[1].col, "help: unknown "
				    "command %s; did you mean '%s'?", q, near));
			return (lex_error(e, l->w[1].col, "help: unknown "
			    "command %s ('help' alone lists the commands)", q));
		}
		snprintf(p->name, sizeof p->name, "%.*s", (int)l->w[1].len,
		    l->w[1].s);
	}
	return (0);
}

int
cmd_parse(const struct lex_line *l, struct cmd_parsed *p, struct lex_err *e)
{
	const struct lex_word *w;
	const char *near;
	char q[LEX_QUOTE_SIZE];
	size_t i, nplain, last;

	p->entry = NULL;
	p->nargs = 0;
	p->has_n = false;
	p->cmp = CMP_NONE;
	p->text = NULL;
	p->textlen = 0;
	p->name[0] = '\0';
	if (l->narrative) {
		p->kind = CMDK_NARRATIVE;
		p->text = p->echo = l->text;
		p->textlen = p->echolen = l->textlen;
		p->col = (unsigned)(l->text - l->s) + 1;
		return (0);
	}
	if (l->nwords == 0) {
		p->kind = CMDK_EMPTY;
		return (0);
	}
	p->kind = CMDK_COMMAND;
	w = &l->w[0];
	p->col = w->col;
	last = l->len;
	while (last > 0 && (l->s[last - 1] == ' ' || l->s[last - 1] == '\t'))
		last--;
	p->echo = w->s;
	p->echolen = last - (size_t)(w->s - l->s);

	if ((p->entry = cmd_find(w->s, w->len)) == NULL) {
		lex_quote(q, sizeof q, w->s, w->len);
		if (w->s[0] == '>')
			return (lex_error(e, w->col, "'>' starts narrative "
			    "text only with a blank after it"));
		if ((near = cmd_near(w->s, w->len)) != NULL)
			return (lex_error(e, w->col, "unknown command %s; did "
			    "you mean '%s'?", q, near));
		return (lex_error(e, w->col, "unknown command %s ('help' "
		    "lists the commands)", q));
	}
	nplain = (p->entry->flags & CMD_TEXT) ? 2 : l->nwords;
	for (i = 1; i < l->nwords && i < nplain; i++) {
		if (lex_ascii(&l->w[i], e) != 0)
			return (-1);
	}
	return (p->entry->parse(p->entry, l, p, e));
}

/* Exec halves. */

static void
cmd_nothing_to_step(struct session *s)
{
	run_out(s, "  nothing to step");
}

/* One micro-step, sent to the transcript: false if the engine is idle,
 * or if the session has run its step limit (then the command stops,
 * and cmd_exec() says so). */
static bool
cmd_step(struct session *s, struct event *ev)
{
	if (run_limited(s)) {
		if (engine_has_future(s->engine))
			s->stopped = true;
		return (false);
	}
	if (!engine_step(s->engine, ev))
		return (false);
	run_emit(s, ev);
	return (true);
}

/* Step until the engine is idle: the operation just submitted, and what
 * was left of one in progress. */
static void
cmd_drain(struct session *s)
{
	struct event ev;

	while (cmd_step(s, &ev))
		;
}

static int
cmd_exec_machine(struct session *s, const struct cmd_parsed *p)
{
	struct verr ve;

	memset(&ve, 0, sizeof ve);
	if (run_machine(s, &p->mcfg, &ve) != 0) {
		run_error(s, cmd_argcol(p, ve.arg), "%s", ve.msg);
		return (-1);
	}
	return (0);
}

static int
cmd_exec_op(struct session *s, const struct cmd_parsed *p)
{
	struct op op;
	struct verr ve;
	struct event ev;

	op = p->op;
	if (op.kind == OP_POKE)
		op.bytes = p->bytes;
	if (p->entry->flags & CMD_ACCESS)
		op.fidx = run_fidx(s);
	else
		op.fidx = OP_NO_FUTURE;
	memset(&ve, 0, sizeof ve);
	/* After back, the access in progress finishes first, in view. */
	while (engine_busy(s->engine) && cmd_step(s, &ev))
		;
	if (run_limited(s)) {
		s->stopped = true;	/* cmd_exec() says so */
		return (0);
	}
	if (engine_submit(s->engine, &op, &ve) != 0) {
		run_error(s, cmd_argcol(p, ve.arg), "%s", ve.msg);
		return (-1);
	}
	if (!s->stepwise)
		cmd_drain(s);
	else
		(void)cmd_step(s, &ev);	/* the first; the user steps on */
	return (0);
}

static int
cmd_exec_peek(struct session *s, const struct cmd_parsed *p)
{
	uint8_t buf[CMD_PEEK_MAX];
	char line[16 + 8 + 3 * 16 + 1];
	struct verr ve;
	uint64_t i, j;
	size_t off;
	unsigned pa;

	/* Said here rather than by the engine: where it ends, in words. */
	pa = engine_config(s->engine)->pa;
	if (p->op.pa >> pa != 0 || p->n > ((uint64_t)1 << pa) - p->op.pa) {
		run_error(s, cmd_argcol(p, "pa"), "peek: %" PRIu64 " byte%s at "
		    "0x%" PRIx64 " %s past the end of the %u-bit physical "
		    "memory (0 .. 0x%" PRIx64 ")", p->n, p->n == 1 ? "" : "s",
		    p->op.pa, p->n == 1 ? "is" : "run", pa,
		    ((uint64_t)2 << (pa - 1)) - 1);
		return (-1);
	}
	memset(&ve, 0, sizeof ve);
	if (engine_peek(s->engine, p->op.pa, p->n, buf, &ve) != 0) {
		run_error(s, cmd_argcol(p, ve.arg != NULL ? ve.arg : "pa"),
		    "%s", ve.msg);
		return (-1);
	}
	if (s->mode == RUN_CHECK)
		return (0);
	for (i = 0; i < p->n; i += 16) {
		off = (size_t)snprintf(line, sizeof line, "  0x%08" PRIx64 ":",
		    p->op.pa + i);
		for (j = i; j < p->n && j < i + 16; j++)
			off += (size_t)snprintf(line + off, sizeof line - off,
			    " %02x", buf[j]);
		run_put(s, line, off);
	}
	return (0);
}

static bool
cmd_compare(const struct cmd_parsed *p, const struct qval *q)
{
	bool eq;

	if (p->isword) {
		if (q->kind == QV_NONE)
			eq = strcmp(p->word, "none") == 0;
		else if (q->kind == QV_WORD)
			eq = q->word != NULL && strcmp(q->word, p->word) == 0;
		else
			eq = false;
		return (p->cmp == CMP_NE ? !eq : eq);
	}
	if (q->kind != QV_NUM)
		return (p->cmp == CMP_NE);
	switch (p->cmp) {
	case CMP_NONE:
	case CMP_EQ:
		return (q->num == p->num);
	case CMP_NE:
		return (q->num != p->num);
	case CMP_LT:
		return (q->num < p->num);
	case CMP_LE:
		return (q->num <= p->num);
	case CMP_GT:
		return (q->num > p->num);
	case CMP_GE:
		return (q->num >= p->num);
	}
	return (false);
}

static void
cmd_qval_text(const struct qval *q, bool hex, char *buf, size_t size)
{
	if (q->kind == QV_NONE)
		snprintf(buf, size, "none");
	else if (q->kind == QV_WORD)
		snprintf(buf, size, "%s", q->word != NULL ? q->word : "none");
	else if (hex)
		snprintf(buf, size, "0x%" PRIx64, q->num);
	else
		snprintf(buf, size, "%" PRIu64, q->num);
}

static int
cmd_exec_expect(struct session *s, const struct cmd_parsed *p)
{
	struct qval q;
	struct verr ve;
	char got[128];

	memset(&ve, 0, sizeof ve);
	memset(&q, 0, sizeof q);
	if (engine_query(s->engine, p->name, &q, &ve) != 0) {
		run_error(s, p->namecol, "expect: %s", ve.msg);
		return (-1);
	}
	if (cmd_compare(p, &q))
		return (0);
	cmd_qval_text(&q, p->hex, got, sizeof got);
	if (p->cmp == CMP_NONE)
		run_fail(s, "expected %s %.*s, got %s", p->name,
		    (int)p->valuelen, p->value, got);
	else
		run_fail(s, "expected %s %s %.*s, got %s", p->name,
		    cmd_cmp_name(p->cmp), (int)p->valuelen, p->value, got);
	return (0);
}

static int
cmd_exec_ask(struct session *s, const struct cmd_parsed *p)
{
	struct qval q;
	struct verr ve;
	char got[128];
	bool hex = false;

	if (s->mode == RUN_CHECK)
		return (0);
	memset(&ve, 0, sizeof ve);
	memset(&q, 0, sizeof q);
	if (engine_query(s->engine, p->name, &q, &ve) != 0) {
		run_error(s, p->namecol, "ask: %s", ve.msg);
		return (-1);
	}
	hex = cmd_name_is_hex(p->name);
	cmd_qval_text(&q, hex, got, sizeof got);
	if (p->textlen != 0)
		run_out(s, "? %.*s", (int)p->textlen, p->text);
	else
		run_out(s, "? %s", p->name);
	run_out(s, "  %s = %s", p->name, got);
	return (0);
}

static int
cmd_exec_nothing(struct session *s, const struct cmd_parsed *p)
{
	(void)s;
	(void)p;
	return (0);
}

static int
cmd_exec_step(struct session *s, const struct cmd_parsed *p)
{
	struct event ev;
	uint64_t i;

	if (!engine_has_future(s->engine)) {
		cmd_nothing_to_step(s);
		return (0);
	}
	for (i = 0; i < p->n && cmd_step(s, &ev); i++)
		;
	return (0);
}

static void
cmd_where(struct session *s)
{
	run_out(s, "  at step %" PRIu64 " of %" PRIu64,
	    engine_position(s->engine), engine_end(s->engine));
}

static int
cmd_exec_back(struct session *s, const struct cmd_parsed *p)
{
	struct verr ve;
	uint64_t moved;

	memset(&ve, 0, sizeof ve);
	if (engine_back(s->engine, p->n, &moved, &ve) != 0) {
		run_error(s, p->col, "%s", ve.msg);
		return (-1);
	}
	cmd_where(s);
	return (0);
}

static int
cmd_exec_next(struct session *s, const struct cmd_parsed *p)
{
	struct event ev;

	(void)p;
	if (!engine_busy(s->engine)) {
		if (!engine_has_future(s->engine) || !cmd_step(s, &ev)) {
			if (!s->stopped)
				cmd_nothing_to_step(s);
			return (0);
		}
	}
	while (engine_busy(s->engine) && cmd_step(s, &ev))
		;
	return (0);
}

/* run, and play: the screen plays, batch runs. */
static int
cmd_exec_run(struct session *s, const struct cmd_parsed *p)
{
	(void)p;
	if (!engine_has_future(s->engine)) {
		cmd_nothing_to_step(s);
		return (0);
	}
	cmd_drain(s);
	return (0);
}

static int
cmd_exec_reset(struct session *s, const struct cmd_parsed *p)
{
	struct verr ve;

	memset(&ve, 0, sizeof ve);
	if (engine_goto(s->engine, 0, &ve) != 0) {
		run_error(s, p->col, "%s", ve.msg);
		return (-1);
	}
	cmd_where(s);
	return (0);
}

/* zoom, dump, quiz and reveal belong to the screen; without one they do
 * nothing (quiz says so only when typed: a file may turn it on for the
 * screen and still run headless). */
static int
cmd_exec_screen(struct session *s, const struct cmd_parsed *p)
{
	if (s->ui_cmd == NULL && strcmp(p->entry->name, "quiz") == 0)
		return (0);
	if (s->ui_cmd == NULL) {
		run_out(s, "  %s: there is no screen here (--batch, --check "
		    "or piped commands)", p->entry->name);
		return (0);
	}
	return (s->ui_cmd(s->ui_arg, p->entry->name, p->path, p->namecol));
}

static int
cmd_exec_compare(struct session *s, const struct cmd_parsed *p)
{
	return (run_compare(s, p->path, p->namecol));
}

static int
cmd_exec_load(struct session *s, const struct cmd_parsed *p)
{
	return (run_load(s, p->path, p->namecol));
}

static int
cmd_exec_show(struct session *s, const struct cmd_parsed *p)
{
	struct strbuf sb;
	struct verr ve;
	const char *line, *nl, *end;

	sb_init(&sb);
	memset(&ve, 0, sizeof ve);
	if (engine_show(s->engine, p->name, &sb, &ve) != 0) {
		sb_free(&sb);
		run_error(s, p->namecol, "%s", ve.msg);
		return (-1);
	}
	if (sb.failed) {
		sb_free(&sb);
		run_error(s, p->col, "show: out of memory");
		return (-1);
	}
	if (s->mode != RUN_CHECK && sb.s != NULL) {
		end = sb.s + sb.len;
		for (line = sb.s; line < end; line = nl + 1) {
			if ((nl = (const char *)memchr(line, '\n',
			    (size_t)(end - line))) == NULL)
				nl = end;
			run_out(s, "  %.*s", (int)(nl - line), line);
		}
	}
	sb_free(&sb);
	return (0);
}

static int
cmd_exec_save(struct session *s, const struct cmd_parsed *p)
{
	return (run_save(s, p->path, p->namecol));
}

static int
cmd_exec_help(struct session *s, const struct cmd_parsed *p)
{
	const struct cmd_entry *ce;
	const struct key_entry *k;
	char kv[64];
	int width = 0, n;

	if (s->mode == RUN_CHECK)
		return (0);
	if (p->name[0] == '\0') {
		for (ce = cmd_table; ce->name != NULL; ce++) {
			if ((n = (int)strlen(ce->name)) > width)
				width = n;
		}
		for (ce = cmd_table; ce->name != NULL; ce++)
			run_out(s, "  %-*s  %s", width, ce->name, ce->help);
		run_out(s, "  %-*s  %s", width, "> TEXT",
		    "narrative text, shown as it is");
		run_out(s, "  'help COMMAND' tells more; 'man "
		    "vmscope-scenario' tells all.");
		return (0);
	}
	ce = cmd_find(p->name, strlen(p->name));
	run_out(s, "  usage: %s%s%s", ce->name, *ce->usage ? " " : "",
	    ce->usage);
	run_out(s, "  %s", ce->help);
	if (strcmp(ce->name, "machine") != 0)
		return (0);
	for (k = key_table; k->name != NULL; k++) {
		n = snprintf(kv, sizeof kv, "%s=%s", k->name, k->values);
		if (n > width)
			width = n;
	}
	for (k = key_table; k->name != NULL; k++) {
		snprintf(kv, sizeof kv, "%s=%s", k->name, k->values);
		run_out(s, "    %-*s  %s", width, kv, k->help);
	}
	return (0);
}

static int
cmd_exec_quit(struct session *s, const struct cmd_parsed *p)
{
	(void)p;
	s->quit = true;
	return (0);
}

int
cmd_exec(struct session *s, const struct cmd_parsed *p)
{
	switch (p->kind) {
	case CMDK_EMPTY:
		return (0);
	case CMDK_NARRATIVE:
		run_put(s, p->text, p->textlen);
		return (0);
	case CMDK_COMMAND:
		break;
	}
	/* A file from a stranger writes no file unless the user said so. */
	if ((p->entry->flags & CMD_WRITES) && run_from_file(s) &&
	    (s->flags & RUN_ALLOW_WRITE) == 0) {
		run_error(s, p->col, "%s: a command file writes files only when "
		    "vmscope is run with --allow-write", p->entry->name);
		return (-1);
	}
	if (p->entry->flags & CMD_ECHO)
		run_put(s, p->echo, p->echolen);
	if (p->entry->exec(s, p) != 0)
		return (-1);
	if (s->stopped) {
		run_error(s, p->col, "%s: stopped after %" PRIu64 " micro-steps, "
		    "the limit set for this run", p->entry->name, s->steps);
		return (-1);
	}
	return (0);
}
