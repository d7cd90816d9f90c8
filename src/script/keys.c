/*
 * keys.c - the machine command's keys: one table of name, values, help
 * and a setter into struct mconfig.  The help command, the parser and
 * completion all read key_table.
 *
 * key_machine() reads "KEY=VALUE" words into a fresh mconfig (mcfg_init),
 * each key at most once, then asks mcfg_finish() for the derived defaults
 * and the consistency checks.  It records the column of every key given,
 * so that an error about a key (struct verr's arg) points at it.  Setters
 * check only that a value is well formed and fits its field; whether the
 * machine makes sense is mcfg_finish()'s to say.
 */
#include <stdio.h>
#include <string.h>

#include "keys.h"

static int	key_bits(const struct key_entry *, struct mconfig *,
		    const struct lex_word *, struct lex_err *);
static int	key_size(const struct key_entry *, struct mconfig *,
		    const struct lex_word *, struct lex_err *);
static int	key_split(const struct key_entry *, struct mconfig *,
		    const struct lex_word *, struct lex_err *);
static int	key_word(const struct key_entry *, struct mconfig *,
		    const struct lex_word *, struct lex_err *);
static int	key_ways(const struct key_entry *, struct mconfig *,
		    const struct lex_word *, struct lex_err *);
static int	key_cost(const struct key_entry *, struct mconfig *,
		    const struct lex_word *, struct lex_err *);
static int	key_unsigned(const struct key_entry *,
		    const struct lex_word *, unsigned *, struct lex_err *);
static int	key_choice(const struct key_entry *, const struct lex_word *,
		    const char *const *, struct lex_err *);

const struct key_entry key_table[] = {
	{ .name = "va", .values = "BITS", .set = key_bits,
	  .help = "virtual address bits (1 to 64)" },
	{ .name = "pa", .values = "BITS", .set = key_bits,
	  .help = "physical address bits (up to 52)" },
	{ .name = "page", .values = "SIZE", .set = key_size,
	  .help = "page size in bytes, a power of two (4K)" },
	{ .name = "split", .values = "N,N,...", .set = key_split,
	  .help = "index bits per level, top first (10,10; 9,9,9,9)" },
	{ .name = "pt", .values = "radix|inverted", .set = key_word,
	  .help = "page table: multi-level radix or inverted" },
	{ .name = "pte", .values = "BYTES", .set = key_size,
	  .help = "bytes per page-table entry (1, 2, 4 or 8)" },
	{ .name = "pte.format", .values = "x86|simple", .set = key_word,
	  .help = "x86 entries (flags in low bits) or simple (valid bit + "
	    "frame)" },
	{ .name = "frames", .values = "N", .set = key_size,
	  .help = "frames in the pool that pages are placed in" },
	{ .name = "policy", .values = "fifo|lru|clock|opt|random",
	  .set = key_word, .help = "page replacement policy" },
	{ .name = "tlb", .values = "N", .set = key_size,
	  .help = "TLB entries (0: no TLB)" },
	{ .name = "tlb.ways", .values = "full|N", .set = key_ways,
	  .help = "TLB associativity: full or ways per set" },
	{ .name = "tlb.policy", .values = "lru|fifo|random", .set = key_word,
	  .help = "TLB replacement policy" },
	{ .name = "tlb.tags", .values = "on|off", .set = key_word,
	  .help = "on: entries tagged by ASID/VPID; off: flushed on switch" },
	{ .name = "seed", .values = "N", .set = key_size,
	  .help = "seed of the random generator" },
	{ .name = "vendor", .values = "intel|amd", .set = key_word,
	  .help = "VT-x or SVM names for the same machine" },
	{ .name = "clear.interval", .values = "N", .set = key_size,
	  .help = "the OS clears every use bit each N accesses (0: never)" },
	{ .name = "cost.tlb", .values = "CYCLES", .set = key_cost,
	  .which = COST_TLB, .help = "cycles of a TLB probe" },
	{ .name = "cost.mem", .values = "CYCLES", .set = key_cost,
	  .which = COST_MEM, .help = "cycles of a memory reference" },
	{ .name = "cost.fault", .values = "CYCLES", .set = key_cost,
	  .which = COST_FAULT, .help = "cycles of a page brought in from disk" },
	{ .name = "cost.writeback", .values = "CYCLES", .set = key_cost,
	  .which = COST_WRITEBACK,
	  .help = "cycles of a dirty page written to disk" },
	{ .name = "cost.exit", .values = "CYCLES", .set = key_cost,
	  .which = COST_EXIT, .help = "cycles of a VM exit and its entry" },
	{ .name = "cost.emulate", .values = "CYCLES", .set = key_cost,
	  .which = COST_EMULATE,
	  .help = "cycles of the VMM emulating an instruction" },
	{ .name = "cost.hypercall", .values = "CYCLES", .set = key_cost,
	  .which = COST_HYPERCALL, .help = "cycles of a hypercall" },
	{ .name = NULL }
};
_Static_assert(sizeof key_table / sizeof key_table[0] <= KEYS_MAX,
    "KEYS_MAX is too small for key_table");

static const char *const key_pt_words[] = { "radix", "inverted", NULL };
static const char *const key_format_words[] = { "x86", "simple", NULL };
static const char *const key_policy_words[] = { "fifo", "lru", "clock",
	"opt", "random", NULL };
static const char *const key_tlbp_words[] = { "lru", "fifo", "random",
	NULL };
static const char *const key_onoff_words[] = { "on", "off", NULL };
static const char *const key_vendor_words[] = { "intel", "amd", NULL };

const struct key_entry *
key_find(const char *s, size_t len)
{
	const struct key_entry *k;

	for (k = key_table; k->name != NULL; k++) {
		if (strlen(k->name) == len && memcmp(k->name, s, len) == 0)
			return (k);
	}
	return (NULL);
}

/* The key nearest to s[0..len), within two edits, or NULL. */
static const char *
key_near(const char *s, size_t len)
{
	const struct key_entry *k;
	const char *best = NULL;
	unsigned d, bestd = 3;

	for (k = key_table; k->name != NULL; k++) {
		d = lex_near(s, len, k->name);
		if (d < bestd) {
			bestd = d;
			best = k->name;
		}
	}
	return (best);
}

size_t
key_index(const struct key_entry *k)
{
	return ((size_t)(k - key_table));
}

/* "va, pa, page, ..." */
void
key_list(char *buf, size_t size)
{
	const struct key_entry *k;
	size_t off = 0;
	int n;

	buf[0] = '\0';
	for (k = key_table; k->name != NULL && off < size; k++) {
		n = snprintf(buf + off, size - off, "%s%s",
		    k == key_table ? "" : ", ", k->name);
		if (n < 0)
			break;
		off += (size_t)n;
	}
}

/* A number that fits an unsigned field. */
static int
key_unsigned(const struct key_entry *k, const struct lex_word *v,
    unsigned *out, struct lex_err *e)
{
	uint64_t n;

	if (lex_number(v, &n, e) != 0)
		return (lex_prefix(e, "%s", k->name));
	if (n > 0xffffffffu)
		return (lex_error(e, v->col, "%s: number too large", k->name));
	*out = (unsigned)n;
	return (0);
}

/* The index of the value among words, or an error listing them. */
static int
key_choice(const struct key_entry *k, const struct lex_word *v,
    const char *const *words, struct lex_err *e)
{
	char q[LEX_QUOTE_SIZE], list[256];
	size_t i, off = 0;
	int n;

	for (i = 0; words[i] != NULL; i++) {
		if (lex_eq(v, words[i]))
			return ((int)i);
	}
	list[0] = '\0';
	for (i = 0; words[i] != NULL; i++) {
		n = snprintf(list + off, sizeof list - off, "%s%s",
		    i == 0 ? "" : words[i + 1] == NULL ? " or " : ", ",
		    words[i]);
		if (n < 0 || (size_t)n >= sizeof list - off)
			break;
		off += (size_t)n;
	}
	lex_quote(q, sizeof q, v->s, v->len);
	return (lex_error(e, v->col, "%s: expected %s, got %s", k->name, list,
	    q));
}

static int
key_bits(const struct key_entry *k, struct mconfig *c,
    const struct lex_word *v, struct lex_err *e)
{
	unsigned n = 0;

	if (key_unsigned(k, v, &n, e) != 0)
		return (-1);
	if (strcmp(k->name, "va") == 0)
		c->va = n;
	else
		c->pa = n;
	return (0);
}

static int
key_size(const struct key_entry *k, struct mconfig *c,
    const struct lex_word *v, struct lex_err *e)
{
	uint64_t n;
	unsigned u = 0;

	if (strcmp(k->name, "pte") == 0 || strcmp(k->name, "tlb") == 0) {
		if (key_unsigned(k, v, &u, e) != 0)
			return (-1);
		if (k->name[0] == 'p') {
			c->pte = u;
			c->set |= MCFG_SET_PTE;
		} else
			c->tlb = u;
		return (0);
	}
	if (lex_number(v, &n, e) != 0)
		return (lex_prefix(e, "%s", k->name));
	if (strcmp(k->name, "page") == 0)
		c->page = n;
	else if (strcmp(k->name, "frames") == 0) {
		c->frames = n;
		c->set |= MCFG_SET_FRAMES;
	} else if (strcmp(k->name, "seed") == 0)
		c->seed = n;
	else
		c->clear_interval = n;
	return (0);
}

static int
key_split(const struct key_entry *k, struct mconfig *c,
    const struct lex_word *v, struct lex_err *e)
{
	struct lex_word part;
	size_t i = 0, start;
	unsigned levels = 0, bits[MCFG_MAX_LEVELS];

	for (;;) {
		start = i;
		while (i < v->len && v->s[i] != ',')
			i++;
		part.s = v->s + start;
		part.len = i - start;
		part.col = v->col + (unsigned)start;
		part.hicol = 0;
		if (levels == MCFG_MAX_LEVELS)
			return (lex_error(e, part.col, "%s: at most %d levels "
			    "(the index bits of each level, top first, comma "
			    "separated)", k->name, MCFG_MAX_LEVELS));
		if (part.len == 0)
			return (lex_error(e, part.col, "%s: level %u has no "
			    "number: give the index bits of each level, top "
			    "first, comma separated (split=10,10)", k->name,
			    levels + 1));
		if (key_unsigned(k, &part, &bits[levels], e) != 0)
			return (-1);
		levels++;
		if (i == v->len)
			break;
		i++;			/* the comma */
	}
	c->levels = levels;
	for (i = 0; i < MCFG_MAX_LEVELS; i++)
		c->split[i] = i < levels ? bits[i] : 0;
	c->set |= MCFG_SET_SPLIT;
	return (0);
}

static int
key_word(const struct key_entry *k, struct mconfig *c,
    const struct lex_word *v, struct lex_err *e)
{
	int i;

	if (strcmp(k->name, "pt") == 0) {
		if ((i = key_choice(k, v, key_pt_words, e)) < 0)
			return (-1);
		c->pt = i == 0 ? PT_RADIX : PT_INVERTED;
	} else if (strcmp(k->name, "pte.format") == 0) {
		if ((i = key_choice(k, v, key_format_words, e)) < 0)
			return (-1);
		c->format = i == 0 ? FMT_X86 : FMT_SIMPLE;
		c->set |= MCFG_SET_FORMAT;
	} else if (strcmp(k->name, "policy") == 0) {
		if ((i = key_choice(k, v, key_policy_words, e)) < 0)
			return (-1);
		c->policy = i == 0 ? POL_FIFO : i == 1 ? POL_LRU :
		    i == 2 ? POL_CLOCK : i == 3 ? POL_OPT : POL_RANDOM;
	} else if (strcmp(k->name, "tlb.policy") == 0) {
		if ((i = key_choice(k, v, key_tlbp_words, e)) < 0)
			return (-1);
		c->tlb_policy = i == 0 ? TLBP_LRU : i == 1 ? TLBP_FIFO :
		    TLBP_RANDOM;
	} else if (strcmp(k->name, "tlb.tags") == 0) {
		if ((i = key_choice(k, v, key_onoff_words, e)) < 0)
			return (-1);
		c->tlb_tags = i == 0;
	} else {
		if ((i = key_choice(k, v, key_vendor_words, e)) < 0)
			return (-1);
		c->vendor = i == 0 ? VENDOR_INTEL : VENDOR_AMD;
	}
	return (0);
}

static int
key_ways(const struct key_entry *k, struct mconfig *c,
    const struct lex_word *v, struct lex_err *e)
{
	char q[LEX_QUOTE_SIZE];
	unsigned n = 0;

	if (lex_eq(v, "full")) {
		c->tlb_ways = 0;
		c->set |= MCFG_SET_TLBWAYS;
		return (0);
	}
	if (!lex_is_number(v)) {
		lex_quote(q, sizeof q, v->s, v->len);
		return (lex_error(e, v->col, "%s: expected full or a number of "
		    "ways, got %s", k->name, q));
	}
	if (key_unsigned(k, v, &n, e) != 0)
		return (-1);
	if (n == 0)
		return (lex_error(e, v->col, "%s: expected full or a number of "
		    "ways, at least 1", k->name));
	c->tlb_ways = n;
	c->set |= MCFG_SET_TLBWAYS;
	return (0);
}

static int
key_cost(const struct key_entry *k, struct mconfig *c,
    const struct lex_word *v, struct lex_err *e)
{
	if (lex_number(v, &c->cost[k->which], e) != 0)
		return (lex_prefix(e, "%s", k->name));
	return (0);
}

/*
 * Words w[0..n) are the KEY=VALUE arguments of a machine command written
 * at column cmdcol.  cols[] (KEYS_MAX of them) gets each key's column, 0
 * for the keys not given.
 */
int
key_machine(const struct lex_word *w, size_t n, unsigned cmdcol,
    struct mconfig *c, unsigned *cols, struct lex_err *e)
{
	const struct key_entry *k;
	const char *near;
	struct lex_word key, val;
	struct verr ve;
	char q[LEX_QUOTE_SIZE], list[512];
	size_t i, idx;

	mcfg_init(c);
	memset(cols, 0, KEYS_MAX * sizeof *cols);
	for (i = 0; i < n; i++) {
		if (lex_ascii(&w[i], e) != 0)
			return (-1);
		if (!lex_option(&w[i], &key, &val)) {
			lex_quote(q, sizeof q, w[i].s, w[i].len);
			if ((k = key_find(w[i].s, w[i].len)) != NULL)
				return (lex_error(e, w[i].col, "machine: "
				    "expected KEY=VALUE, got %s: write it as one "
				    "word, %s=%s", q, k->name, k->values));
			return (lex_error(e, w[i].col, "machine: expected "
			    "KEY=VALUE, got %s", q));
		}
		if (key.len == 0) {
			lex_quote(q, sizeof q, w[i].s, w[i].len);
			return (lex_error(e, w[i].col, "machine: expected "
			    "KEY=VALUE, got %s: nothing before '='", q));
		}
		if ((k = key_find(key.s, key.len)) == NULL) {
			lex_quote(q, sizeof q, key.s, key.len);
			if ((near = key_near(key.s, key.len)) != NULL)
				return (lex_error(e, w[i].col, "unknown machine "
				    "key %s; did you mean '%s'?", q, near));
			key_list(list, sizeof list);
			return (lex_error(e, w[i].col, "unknown machine key %s; "
			    "the keys are %s", q, list));
		}
		if (val.len == 0)
			return (lex_error(e, val.col, "machine: '%s=' has no "
			    "value: write %s=%s, with no blank after '='",
			    k->name, k->name, k->values));
		idx = key_index(k);
		if (cols[idx] != 0)
			return (lex_error(e, w[i].col, "machine: '%s' given "
			    "twice", k->name));
		cols[idx] = w[i].col;
		if (k->set(k, c, &val, e) != 0)
			return (-1);
	}
	memset(&ve, 0, sizeof ve);
	if (mcfg_finish(c, &ve) != 0) {
		idx = KEYS_MAX;
		if (ve.arg != NULL && (k = key_find(ve.arg,
		    strlen(ve.arg))) != NULL)
			idx = key_index(k);
		return (lex_error(e, idx < KEYS_MAX && cols[idx] != 0 ?
		    cols[idx] : cmdcol, "%s", ve.msg));
	}
	return (0);
}
