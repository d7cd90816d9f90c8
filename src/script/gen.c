/*
 * gen.c - generated problems (gen.h says what they model).
 *
 * One generation is a draw and three runs.  The draw picks every
 * parameter not fixed by a key from teaching-size ranges, from a
 * splitmix64 stream seeded by seed=, and writes the problem as steps:
 * command lines, each with the questions (expect names) asked after it.
 * The generator never works out an answer.  Instead:
 *
 *   1. (translation only) the setup alone runs in a session, and the page
 *      tables the engine built are read back from its memory (engine_peek)
 *      for the sheet's memory image;
 *   2. the probe: the problem runs as a file in a --batch session with an
 *      `ask NAME` line after each question point.  The session's output
 *      sink takes each answer from the line after "? " (the value as ask
 *      shows it: hex where expect reads hex), and its event sink keeps the
 *      micro-steps of the current command, from which each answer's one
 *      line of "why" is chosen (the split for vpn, the data access for pa,
 *      the victim for a page fault, the exit for exit...);
 *   3. the scenario (ask and expect lines after each step) runs again as
 *      --check runs it, and must pass: self-checking by construction.
 *
 * A draw the machine refuses (a table too big for memory, keys that
 * contradict a drawn value) is drawn again from the same stream, up to
 * GEN_TRIES times; the last refusal is the error when none fits.  Since
 * every draw comes from the stream and nothing else, the same request
 * gives the same bytes on every machine.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "gen.h"
#include "keys.h"
#include "lex.h"
#include "run.h"

#define GEN_TRIES	64	/* draws before giving up */
#define GEN_STEPS_MAX	512	/* steps of a problem */
#define GEN_QS_MAX	12	/* questions after one step */
#define GEN_EVS_MAX	160	/* micro-steps kept for one command */
#define GEN_TEXT_MAX	160
#define GEN_WHY_MAX	400
#define GEN_LINE_MAX	1024
#define GEN_TABLES_MAX	64	/* tables shown in a memory image */
#define GEN_IMAGE_MAX	((uint64_t)1 << 20)	/* bytes of one table shown */
#define GEN_PAGES_MAX	64

const char *const gen_kind_names[] = { "translation", "replacement", "tlb",
	"shadow", "nested", NULL };

/* The keys each kind takes besides seed: machine keys ("cost.*" is every
 * cost key) and generator keys. */
static const char *const gen_kind_keys[GEN_KIND_N] = {
	"va pa page split pte pte.format frames tlb tlb.ways tlb.policy "
	    "cost.* pages accesses",
	"va pa page split pte pte.format frames policy clear.interval tlb "
	    "tlb.ways tlb.policy cost.* pages accesses",
	"va pa page split pte pte.format frames tlb tlb.ways tlb.policy "
	    "tlb.tags cost.* pages accesses processes",
	"va pa page split pte frames tlb tlb.ways tlb.policy tlb.tags vendor "
	    "cost.* pages accesses processes memory",
	"va pa page split pte frames tlb tlb.ways tlb.policy tlb.tags vendor "
	    "cost.* pages accesses processes memory backing"
};

/* The generator's own keys. */
struct gen_key {
	const char	*name;
	uint64_t	 lo, hi;	/* numbers: the range */
};
static const struct gen_key gen_keys[] = {
	{ "pages", 1, GEN_PAGES_MAX },
	{ "accesses", 1, 100 },
	{ "processes", 1, 2 },
	{ "memory", 1, UINT64_MAX },
	{ "backing", 0, 0 },		/* eager|lazy: num 0 or 1 */
	{ NULL, 0, 0 }
};

/* What each question asks, for ask lines and the sheet. */
static const struct { const char *name, *text; } gen_texts[] = {
	{ "vpn", "the virtual page number" },
	{ "offset", "the offset in the page" },
	{ "index.", "the index into the level-%s table" },
	{ "pte.addr", "the physical address of the last-level entry the walk "
	    "reads (none if the walk stops above it)" },
	{ "pte", "the value of that entry after the access" },
	{ "pa", "the physical address (none if the access faults)" },
	{ "gpa", "the guest-physical address (none if the access faults)" },
	{ "value", "the value read" },
	{ "fault", "the fault the access meets: none, page, protection or "
	    "segv" },
	{ "refs", "page-table memory references its translation makes" },
	{ "tlb", "does the TLB hit or miss?" },
	{ "exit", "the VM exit it causes: none, or the reason's name" },
	{ "exit.code", "the exit's basic reason number" },
	{ "mode", "the CPU's mode after it: root, non-root, guest or none" },
	{ "exits.", "VM exits with reason %s so far" },
	{ "exits", "VM exits so far" },
	{ "faults", "page faults serviced so far (pages brought in)" },
	{ "writebacks", "dirty pages written back to disk so far" },
	{ "tlb.hits", "TLB hits so far" },
	{ "tlb.misses", "TLB misses so far" },
	{ "cycles", "cycles so far, by the cost model above" },
	{ NULL, NULL }
};

struct gen_q {
	char	name[CMD_QNAME_MAX + 1];
	char	text[GEN_TEXT_MAX];
	char	answer[64];
	char	why[GEN_WHY_MAX];
};

struct gen_step {
	char	cmd[GEN_TEXT_MAX];	/* "" for the questions at the end */
	bool	hidden;		/* not on the sheet (translation's setup) */
	size_t	nq;
	struct gen_q q[GEN_QS_MAX];
};

struct gen_ev {
	unsigned kind;		/* enum ev_kind */
	char	text[GEN_WHY_MAX];
};

struct gen_table {
	uint64_t frame;
	unsigned level;
};

struct gen {
	const struct gen_request *rq;
	uint64_t	 rng;		/* splitmix64 state */
	struct mconfig	 fixed;		/* the machine keys given, set */
	bool		 final;		/* an error no other draw mends */
	bool		 nomem;		/* out of memory while drawing */

	char		 mline[GEN_LINE_MAX];	/* the machine line */
	char		 genkeys[GEN_LINE_MAX];	/* pages=... accesses=... */
	char		 what[GEN_LINE_MAX];	/* what it exercises */
	struct mconfig	 mc;		/* the machine, finished */
	struct strbuf	 intro;		/* the sheet's description */
	struct gen_step	*step;		/* grown as needed */
	size_t		 nstep, capstep;
	bool		 image;		/* translation: a memory image */

	/* The runs. */
	size_t		 pstep, pq;	/* the question to answer next */
	bool		 answer_next;	/* the next line is an answer */
	bool		 stray;		/* an answer with no question */
	struct gen_ev	 ev[GEN_EVS_MAX];
	size_t		 nev;
	struct gen_table tab[GEN_TABLES_MAX];
	size_t		 ntab;
	char		 err[512];	/* the first error a run reported */
};

static uint64_t	gen_next(struct gen *);
static uint64_t	gen_range(struct gen *, uint64_t, uint64_t);
static const struct gen_opt *gen_opt(const struct gen_request *,
		    const char *);
static bool	gen_given(const struct gen *, const char *);
static void	gen_mkey(struct gen *, const char *, const char *, ...)
#if defined(__GNUC__)
		    __attribute__((format(printf, 3, 4)))
#endif
		    ;
static void	gen_gkey(struct gen *, const char *, uint64_t);
static int	gen_machine(struct gen *, struct verr *);
static struct gen_step *gen_cmd(struct gen *, const char *, ...)
#if defined(__GNUC__)
		    __attribute__((format(printf, 2, 3)))
#endif
		    ;
static void	gen_ask(struct gen *, const char *);
static int	gen_translation(struct gen *, struct verr *);
static int	gen_replacement(struct gen *, struct verr *);
static int	gen_tlb(struct gen *, struct verr *);
static int	gen_virt(struct gen *, bool, struct verr *);
static int	gen_image(struct gen *, struct verr *);
static int	gen_probe(struct gen *, struct verr *);
static int	gen_verify(struct gen *, const char *, size_t,
		    struct verr *);
static void	gen_write_scenario(const struct gen *, struct strbuf *);
static void	gen_write_sheet(const struct gen *, struct strbuf *, bool);

/* Random numbers: splitmix64 (Steele, Lea and Flood), the same on every
 * machine. */
static uint64_t
gen_next(struct gen *g)
{
	return (engine_splitmix(&g->rng));
}

/* A number from lo to hi, both included (lo if hi < lo). */
static uint64_t
gen_range(struct gen *g, uint64_t lo, uint64_t hi)
{
	uint64_t r = gen_next(g);

	if (hi <= lo)
		return (lo);
	if (hi - lo == UINT64_MAX)
		return (r);
	return (lo + r % (hi - lo + 1));
}

static unsigned
gen_rangeu(struct gen *g, unsigned lo, unsigned hi)
{
	return ((unsigned)gen_range(g, lo, hi));
}

/* Keys. */

static const struct gen_opt *
gen_opt(const struct gen_request *rq, const char *key)
{
	size_t i;

	for (i = 0; i < rq->nopts; i++) {
		if (strcmp(rq->opts[i].key, key) == 0)
			return (&rq->opts[i]);
	}
	return (NULL);
}

static bool
gen_given(const struct gen *g, const char *key)
{
	return (gen_opt(g->rq, key) != NULL);
}

/* A generator key's number, or the drawn one.  The draw is made either
 * way, so that fixing one key leaves the rest of the stream alone. */
static uint64_t
gen_pick(struct gen *g, const char *key, uint64_t lo, uint64_t hi)
{
	const struct gen_opt *o = gen_opt(g->rq, key);
	uint64_t r = gen_range(g, lo, hi);

	return (o != NULL ? o->num : r);
}

/* Does the kind take key[0..len)?  Its static name if so. */
static const char *
gen_takes(enum gen_kind kind, const char *key, size_t len)
{
	const struct key_entry *k;
	const char *p = gen_kind_keys[kind], *end;
	size_t i, n;

	while (*p != '\0') {
		end = strchr(p, ' ');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		if ((n == len && memcmp(p, key, len) == 0) || (n == 6 &&
		    memcmp(p, "cost.*", 6) == 0 && len > 5 &&
		    memcmp(key, "cost.", 5) == 0)) {
			if ((k = key_find(key, len)) != NULL)
				return (k->name);
			for (i = 0; gen_keys[i].name != NULL; i++) {
				if (strlen(gen_keys[i].name) == len &&
				    memcmp(gen_keys[i].name, key, len) == 0)
					return (gen_keys[i].name);
			}
			return (NULL);
		}
		p += n;
		while (*p == ' ')
			p++;
	}
	return (NULL);
}

/* "a, b or c" of the kinds. */
static void
gen_kind_list(char *buf, size_t size)
{
	size_t i, off = 0;
	int n;

	buf[0] = '\0';
	for (i = 0; i < GEN_KIND_N; i++) {
		n = snprintf(buf + off, size - off, "%s%s", i == 0 ? "" :
		    i + 1 == GEN_KIND_N ? " or " : ", ", gen_kind_names[i]);
		if (n < 0 || (size_t)n >= size - off)
			break;
		off += (size_t)n;
	}
}

/* The kind's keys, for a message: "seed, va, pa, ...". */
static void
gen_key_list(enum gen_kind kind, char *buf, size_t size)
{
	const char *p;
	size_t off;

	snprintf(buf, size, "seed, ");
	off = strlen(buf);
	for (p = gen_kind_keys[kind]; *p != '\0' && off + 2 < size; p++) {
		if (*p == ' ')
			buf[off++] = ',';
		buf[off++] = *p;
	}
	buf[off] = '\0';
}

/* The key of the kind nearest to key[0..len), within two edits. */
static const char *
gen_key_near(enum gen_kind kind, const char *key, size_t len, char *buf,
    size_t size)
{
	const char *p = gen_kind_keys[kind], *end;
	char name[LEX_NAME_MAX + 1];
	unsigned d, best = 3;
	size_t n;

	buf[0] = '\0';
	if (lex_near(key, len, "seed") < best) {
		best = lex_near(key, len, "seed");
		snprintf(buf, size, "seed");
	}
	while (*p != '\0') {
		end = strchr(p, ' ');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		if (n < sizeof name) {
			memcpy(name, p, n);
			name[n] = '\0';
			d = lex_near(key, len, name);
			if (d < best && strchr(name, '*') == NULL) {
				best = d;
				snprintf(buf, size, "%s", name);
			}
		}
		p += n;
		while (*p == ' ')
			p++;
	}
	return (buf[0] != '\0' ? buf : NULL);
}

static int
gen_bad_key(enum gen_kind kind, const struct lex_word *k, struct lex_err *e)
{
	char q[LEX_QUOTE_SIZE], near[64], list[512];
	size_t i;
	bool known = key_find(k->s, k->len) != NULL;

	for (i = 0; gen_keys[i].name != NULL; i++) {
		if (strlen(gen_keys[i].name) == k->len &&
		    memcmp(gen_keys[i].name, k->s, k->len) == 0)
			known = true;
	}
	lex_quote(q, sizeof q, k->s, k->len);
	gen_key_list(kind, list, sizeof list);
	if (known)
		return (lex_error(e, k->col, "%s takes no key %s; its keys are "
		    "%s", gen_kind_names[kind], q, list));
	if (gen_key_near(kind, k->s, k->len, near, sizeof near) != NULL)
		return (lex_error(e, k->col, "unknown key %s; did you mean "
		    "'%s'?", q, near));
	return (lex_error(e, k->col, "unknown key %s; %s takes %s", q,
	    gen_kind_names[kind], list));
}

/* The value of a generator key. */
static int
gen_value(const char *name, const struct lex_word *v, uint64_t *out,
    struct lex_err *e)
{
	const struct gen_key *k;
	char q[LEX_QUOTE_SIZE];

	for (k = gen_keys; k->name != NULL; k++) {
		if (strcmp(k->name, name) == 0)
			break;
	}
	if (strcmp(name, "backing") == 0) {
		if (lex_eq(v, "eager") || lex_eq(v, "lazy")) {
			*out = lex_eq(v, "lazy");
			return (0);
		}
		lex_quote(q, sizeof q, v->s, v->len);
		return (lex_error(e, v->col, "backing: expected eager or lazy, "
		    "got %s", q));
	}
	if (lex_number(v, out, e) != 0)
		return (lex_prefix(e, "%s", name));
	if (k->name != NULL && (*out < k->lo || *out > k->hi))
		return (lex_error(e, v->col, "%s: expected %" PRIu64 " to %"
		    PRIu64 ", got %" PRIu64, name, k->lo, k->hi, *out));
	return (0);
}

int
gen_parse(const struct lex_word *w, size_t n, struct gen_request *rq,
    struct lex_err *e)
{
	const struct key_entry *mk;
	struct mconfig scratch;
	struct lex_word k, v;
	struct gen_opt *o;
	const char *name;
	char q[LEX_QUOTE_SIZE], list[128];
	size_t i, j;
	unsigned d, best = 3;
	int kind = -1;

	memset(rq, 0, sizeof *rq);
	rq->seed = GEN_SEED_DEFAULT;
	gen_kind_list(list, sizeof list);
	if (n == 0)
		return (lex_error(e, 0, "missing KIND: %s", list));
	if (lex_ascii(&w[0], e) != 0)
		return (-1);
	for (i = 0; i < GEN_KIND_N; i++) {
		if (lex_eq(&w[0], gen_kind_names[i]))
			kind = (int)i;
	}
	if (kind < 0) {
		lex_quote(q, sizeof q, w[0].s, w[0].len);
		name = NULL;
		for (i = 0; i < GEN_KIND_N; i++) {
			d = lex_near(w[0].s, w[0].len, gen_kind_names[i]);
			if (d < best) {
				best = d;
				name = gen_kind_names[i];
			}
		}
		if (name != NULL)
			return (lex_error(e, w[0].col, "unknown kind %s; did "
			    "you mean '%s'?", q, name));
		return (lex_error(e, w[0].col, "unknown kind %s; the kinds "
		    "are %s", q, list));
	}
	rq->kind = (enum gen_kind)kind;
	rq->kindcol = w[0].col;
	for (i = 1; i < n; i++) {
		if (lex_ascii(&w[i], e) != 0)
			return (-1);
		lex_quote(q, sizeof q, w[i].s, w[i].len);
		if (!lex_option(&w[i], &k, &v))
			return (lex_error(e, w[i].col, "expected KEY=VALUE, got "
			    "%s; usage: generate KIND [seed=N] [KEY=VALUE ...]",
			    q));
		if (k.len == 0)
			return (lex_error(e, w[i].col, "expected KEY=VALUE, got "
			    "%s: nothing before '='", q));
		if (lex_eq(&k, "seed"))
			name = "seed";
		else if ((name = gen_takes(rq->kind, k.s, k.len)) == NULL)
			return (gen_bad_key(rq->kind, &k, e));
		if (v.len == 0)
			return (lex_error(e, v.col, "'%s=' has no value: write "
			    "%s=VALUE, with no blank after '='", name, name));
		for (j = 0; j < rq->nopts; j++) {
			if (strcmp(rq->opts[j].key, name) == 0)
				return (lex_error(e, w[i].col, "'%s' given "
				    "twice", name));
		}
		if (strcmp(name, "seed") == 0) {
			if (rq->seeded)
				return (lex_error(e, w[i].col, "'seed' given "
				    "twice"));
			if (lex_number(&v, &rq->seed, e) != 0)
				return (lex_prefix(e, "seed"));
			rq->seeded = true;
			rq->seedcol = w[i].col;
			continue;
		}
		if (rq->nopts == GEN_OPTS_MAX)
			return (lex_error(e, w[i].col, "too many keys"));
		if (v.len > GEN_VALUE_MAX)
			return (lex_error(e, v.col, "%s: value longer than %d "
			    "characters", name, GEN_VALUE_MAX));
		o = &rq->opts[rq->nopts];
		o->key = name;
		o->col = w[i].col;
		memcpy(o->value, v.s, v.len);
		o->value[v.len] = '\0';
		o->num = 0;
		if ((mk = key_find(name, strlen(name))) != NULL) {
			mcfg_init(&scratch);
			if (mk->set(mk, &scratch, &v, e) != 0)
				return (-1);
		} else if (gen_value(name, &v, &o->num, e) != 0)
			return (-1);
		rq->nopts++;
	}
	return (0);
}

int
gen_parse_string(const char *s, size_t len, struct gen_request *rq,
    struct lex_err *e)
{
	struct lex_line *l;
	int r;

	if ((l = (struct lex_line *)malloc(sizeof *l)) == NULL)
		return (lex_error(e, 0, "out of memory"));
	if (lex_split(l, s, len, e) != 0)
		r = -1;
	else if (l->narrative)
		r = lex_error(e, 1, "expected KIND, got '>'");
	else
		r = gen_parse(l->w, l->nwords, rq, e);
	free(l);
	return (r);
}

unsigned
gen_argcol(const struct gen_request *rq, const char *name)
{
	const struct gen_opt *o;

	if (name != NULL && (o = gen_opt(rq, name)) != NULL && o->col != 0)
		return (o->col);
	return (rq->kindcol);
}

/* The machine line. */

static void
gen_append(char *line, size_t size, const char *fmt, ...)
{
	size_t off = strlen(line);
	va_list ap;

	if (off >= size - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(line + off, size - off, fmt, ap);
	va_end(ap);
}

/* Is " key=" in the line? */
static bool
gen_has_key(const char *line, const char *key)
{
	char pat[64];

	snprintf(pat, sizeof pat, " %s=", key);
	return (strstr(line, pat) != NULL);
}

/* key=value into the draft machine line. */
static void
gen_mkey(struct gen *g, const char *key, const char *fmt, ...)
{
	char val[GEN_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof val, fmt, ap);
	va_end(ap);
	gen_append(g->mline, sizeof g->mline, " %s=%s", key, val);
}

/* A generator key's value, for the Parameters line. */
static void
gen_gkey(struct gen *g, const char *key, uint64_t n)
{
	char v[32];

	if (strcmp(key, "memory") == 0)
		lex_size_text(v, sizeof v, n, false);
	else if (strcmp(key, "backing") == 0)
		snprintf(v, sizeof v, "%s", n ? "lazy" : "eager");
	else
		snprintf(v, sizeof v, "%" PRIu64, n);
	gen_append(g->genkeys, sizeof g->genkeys, " %s=%s", key, v);
}

/* Read a machine line into c; on an error, verr's arg names the key
 * the column points at. */
static int
gen_parse_machine(const char *line, struct mconfig *c, struct verr *ve)
{
	struct lex_line *l;
	struct lex_err le;
	unsigned cols[KEYS_MAX];
	const struct key_entry *k;
	size_t i, n;
	int r = 0;

	if ((l = (struct lex_line *)malloc(sizeof *l)) == NULL)
		return (verr_set(ve, NULL, "out of memory"));
	memset(&le, 0, sizeof le);
	if (lex_split(l, line, strlen(line), &le) != 0 ||
	    key_machine(l->w + 1, l->nwords - 1, 1, c, cols, &le) != 0) {
		r = verr_set(ve, NULL, "%s", le.msg);
		for (i = 1; i < l->nwords; i++) {
			if (le.col < l->w[i].col ||
			    le.col >= l->w[i].col + l->w[i].len)
				continue;
			n = (size_t)((const char *)memchr(l->w[i].s, '=',
			    l->w[i].len) != NULL ? (size_t)((const char *)
			    memchr(l->w[i].s, '=', l->w[i].len) - l->w[i].s) :
			    l->w[i].len);
			if ((k = key_find(l->w[i].s, n)) != NULL)
				ve->arg = k->name;
		}
	}
	free(l);
	return (r);
}

/*
 * The draft line, with the machine keys given and not yet written added
 * as they were written, is read into g->mc; then the line is written
 * again with every parameter that shapes the problem stated, derived
 * ones included, so that the file says all of its machine.
 */
static int
gen_machine(struct gen *g, struct verr *ve)
{
	const struct gen_request *rq = g->rq;
	const struct mconfig *c = &g->mc;
	char line[GEN_LINE_MAX], sz[32];
	size_t i;
	unsigned l;

	for (i = 0; i < rq->nopts; i++) {
		if (key_find(rq->opts[i].key, strlen(rq->opts[i].key)) !=
		    NULL && !gen_has_key(g->mline, rq->opts[i].key))
			gen_mkey(g, rq->opts[i].key, "%s", rq->opts[i].value);
	}
	if (gen_parse_machine(g->mline, &g->mc, ve) != 0) {
		/* A key given is to blame if the error names it. */
		if (ve->arg != NULL && !gen_given(g, ve->arg))
			ve->arg = NULL;
		return (-1);
	}
	snprintf(line, sizeof line, "machine va=%u pa=%u", c->va, c->pa);
	lex_size_text(sz, sizeof sz, c->page, false);
	gen_append(line, sizeof line, " page=%s", sz);
	if (c->pt == PT_INVERTED)
		gen_append(line, sizeof line, " pt=inverted");
	else {
		gen_append(line, sizeof line, " split=");
		for (l = 0; l < c->levels; l++)
			gen_append(line, sizeof line, "%s%u", l ? "," : "",
			    c->split[l]);
	}
	gen_append(line, sizeof line, " pte=%u pte.format=%s frames=%" PRIu64,
	    c->pte, c->format == FMT_X86 ? "x86" : "simple", c->frames);
	if (rq->kind == GEN_REPLACEMENT || gen_given(g, "policy"))
		gen_append(line, sizeof line, " policy=%s",
		    policy_name(c->policy));
	if ((rq->kind == GEN_REPLACEMENT && c->policy == POL_RANDOM) ||
	    (c->tlb != 0 && c->tlb_policy == TLBP_RANDOM))
		gen_append(line, sizeof line, " seed=%" PRIu64, c->seed);
	gen_append(line, sizeof line, " tlb=%u", c->tlb);
	if (c->tlb != 0) {
		if (c->tlb_ways == 0 || c->tlb_ways == c->tlb)
			gen_append(line, sizeof line, " tlb.ways=full");
		else
			gen_append(line, sizeof line, " tlb.ways=%u",
			    c->tlb_ways);
		gen_append(line, sizeof line, " tlb.policy=%s tlb.tags=%s",
		    tlb_policy_name(c->tlb_policy), c->tlb_tags ? "on" : "off");
	}
	for (i = 0; i < rq->nopts; i++) {
		if (key_find(rq->opts[i].key, strlen(rq->opts[i].key)) !=
		    NULL && !gen_has_key(line, rq->opts[i].key))
			gen_append(line, sizeof line, " %s=%s",
			    rq->opts[i].key, rq->opts[i].value);
	}
	snprintf(g->mline, sizeof g->mline, "%s", line);
	if (strlen(line) >= sizeof line - 1)
		return (verr_set(ve, NULL, "too many machine keys"));
	return (gen_parse_machine(g->mline, &g->mc, ve));
}

/* Steps and questions. */

static struct gen_step *
gen_cmd(struct gen *g, const char *fmt, ...)
{
	static struct gen_step spare;
	struct gen_step *st;
	va_list ap;
	size_t cap;

	if (g->nstep == g->capstep) {
		cap = g->capstep ? 2 * g->capstep : 32;
		st = cap > GEN_STEPS_MAX ? NULL : (struct gen_step *)realloc(
		    g->step, cap * sizeof *st);
		if (st == NULL) {
			/* counts are bounded: only out of memory comes here */
			g->nomem = true;
			memset(&spare, 0, sizeof spare);
			return (&spare);
		}
		g->step = st;
		g->capstep = cap;
	}
	st = &g->step[g->nstep++];
	memset(st, 0, sizeof *st);
	va_start(ap, fmt);
	vsnprintf(st->cmd, sizeof st->cmd, fmt, ap);
	va_end(ap);
	return (st);
}

/* A question after the last step. */
static void
gen_ask(struct gen *g, const char *name)
{
	struct gen_step *st;
	struct gen_q *q;
	const char *dot;
	size_t i, n;

	if (g->nstep == 0)
		return;
	st = &g->step[g->nstep - 1];
	if (st->nq == GEN_QS_MAX)
		return;
	q = &st->q[st->nq++];
	memset(q, 0, sizeof *q);
	snprintf(q->name, sizeof q->name, "%s", name);
	for (i = 0; gen_texts[i].name != NULL; i++) {
		n = strlen(gen_texts[i].name);
		if (gen_texts[i].name[n - 1] == '.') {
			if (strncmp(name, gen_texts[i].name, n) != 0 ||
			    name[n] == '\0')
				continue;
			dot = name + n;
			snprintf(q->text, sizeof q->text, gen_texts[i].text,
			    dot);
			return;
		}
		if (strcmp(name, gen_texts[i].name) == 0) {
			snprintf(q->text, sizeof q->text, "%s",
			    gen_texts[i].text);
			return;
		}
	}
	snprintf(q->text, sizeof q->text, "%s", name);
}

static void
gen_ask_access(struct gen *g, bool split)
{
	char name[16];
	unsigned l;

	gen_ask(g, "vpn");
	if (split && g->mc.levels > 1) {
		for (l = 1; l <= g->mc.levels; l++) {
			snprintf(name, sizeof name, "index.%u", l);
			gen_ask(g, name);
		}
	}
	gen_ask(g, "offset");
}

/* Describing the machine for the sheet. */

static void
gen_describe_machine(struct gen *g, bool entries)
{
	const struct mconfig *c = &g->mc;
	struct strbuf *b = &g->intro;
	char sz[32];
	unsigned l;

	lex_size_text(sz, sizeof sz, c->page, true);
	sb_printf(b, "The machine (%s):\n  %u-bit virtual addresses, %u-bit "
	    "physical addresses, pages of %s (%u offset bits)\n",
	    g->mline, c->va, c->pa, sz, c->page_bits);
	sb_printf(b, "  page table: %u level%s, index bits ", c->levels,
	    c->levels == 1 ? "" : "s");
	for (l = 0; l < c->levels; l++)
		sb_printf(b, "%s%u", l ? " + " : "", c->split[l]);
	sb_printf(b, " (top level first), %u-byte entries\n", c->pte);
	if (!entries)
		return;
	if (c->format == FMT_X86)
		sb_printf(b, "  x86 entries: the frame's physical address, "
		    "with flags in the low bits:\n    present 0, writable 1, "
		    "user 2, accessed 5, dirty 6%s\n", c->pte == 8 ?
		    ", no-execute 63" : "");
	else
		sb_printf(b, "  simple entries: bit %u is valid, bits %u..0 "
		    "the frame number\n", 8 * c->pte - 1, 8 * c->pte - 2);
}

static void
gen_describe_costs(struct gen *g)
{
	const struct mconfig *c = &g->mc;

	sb_printf(&g->intro, "  costs in cycles: a TLB probe %" PRIu64
	    ", a memory reference (walk or data) %" PRIu64 "\n",
	    c->cost[COST_TLB], c->cost[COST_MEM]);
}

static void
gen_describe_tlb(struct gen *g)
{
	const struct mconfig *c = &g->mc;
	unsigned ways = c->tlb_ways == 0 ? c->tlb : c->tlb_ways;

	if (c->tlb == 0) {
		sb_printf(&g->intro, "  no TLB: every access walks the "
		    "table\n");
		return;
	}
	if (ways == c->tlb)
		sb_printf(&g->intro, "  TLB: %u entries, fully associative, "
		    "%s replacement\n", c->tlb, tlb_policy_name(c->tlb_policy));
	else
		sb_printf(&g->intro, "  TLB: %u entries, %u-way: %u sets, set "
		    "= VPN mod %u; %s replacement within a set\n", c->tlb,
		    ways, c->tlb / ways, c->tlb / ways,
		    tlb_policy_name(c->tlb_policy));
	sb_printf(&g->intro, "  TLB entries %s\n", c->tlb_tags ? "are "
	    "tagged by ASID: they survive a context switch" : "are not "
	    "tagged: every CR3 load (a switch) flushes them");
}

/* A VPN of span pages not in used[0..n). */
static uint64_t
gen_fresh(struct gen *g, uint64_t span, const uint64_t *used, size_t n,
    uint64_t like, unsigned lower)
{
	uint64_t v = 0;
	size_t i, tries;
	bool dup;

	for (tries = 0; tries < 1000; tries++) {
		if (lower < 64 && like != UINT64_MAX)
			v = (like >> lower << lower) | gen_range(g, 0,
			    ((uint64_t)1 << lower) - 1);
		else
			v = gen_range(g, 0, span - 1);
		if (v >= span)
			continue;
		dup = false;
		for (i = 0; i < n; i++)
			dup = dup || used[i] == v;
		if (!dup)
			return (v);
	}
	return (UINT64_MAX);
}

/* The span of VPNs to draw from: all of them, or the lower half of a
 * 48- or 57-bit space (canonical addresses), at most 2^40. */
static uint64_t
gen_vspan(const struct mconfig *c)
{
	unsigned v = c->va - c->page_bits;

	if (c->va >= 48)
		v--;
	if (v > 40)
		v = 40;
	return ((uint64_t)1 << v);
}

/*
 * translation: a process maps a few pages in chosen frames, some
 * read-only or kernel-only under x86 entries; the sheet shows the page
 * tables as the engine laid them out in memory, and each access asks the
 * split, the leaf entry's address, the fault, the address and the
 * references.  No TLB unless tlb= says so: every access walks.
 */
static int
gen_translation(struct gen *g, struct verr *ve)
{
	const struct mconfig *f = &g->fixed, *c = &g->mc;
	uint64_t vpn[GEN_PAGES_MAX], frame[GEN_PAGES_MAX], span, total, hi;
	uint64_t v, off, npages, nacc, i, j, like;
	unsigned perm[GEN_PAGES_MAX], P, va, pa, L, V, S, split[MCFG_MAX_LEVELS];
	unsigned lo, lower, r;
	bool x86, dup;
	char buf[GEN_TEXT_MAX];
	struct gen_step *st;

	/* The page, the virtual address and its split. */
	r = gen_rangeu(g, 4, 12);
	P = gen_given(g, "page") ? mcfg_log2(f->page) : r;
	if (gen_given(g, "split")) {
		L = f->levels;
		for (S = 0, i = 0; i < L; i++)
			S += f->split[i];
		if (gen_given(g, "va") && !gen_given(g, "page") && f->va > S)
			P = f->va - S;
		va = gen_given(g, "va") ? f->va : P + S;
		for (i = 0; i < L; i++)
			split[i] = f->split[i];
	} else {
		lo = P + 4 > 16 ? P + 4 : 16;
		r = gen_rangeu(g, lo, P + 20 < 32 ? P + 20 : 32);
		va = gen_given(g, "va") ? f->va : r;
		V = va > P ? va - P : 1;
		lo = (V + 9) / 10;
		if (lo > MCFG_MAX_LEVELS)
			lo = MCFG_MAX_LEVELS;
		L = gen_rangeu(g, lo, V < 3 ? V : 3);
		if (L < lo)
			L = lo;
		for (i = 0; i < L; i++)
			split[i] = V / L;
		for (i = 0; i < V % L; i++)
			split[gen_range(g, 0, L - 1)]++;
	}
	gen_mkey(g, "va", "%u", va);
	if (!gen_given(g, "page"))
		gen_mkey(g, "page", "%" PRIu64, (uint64_t)1 << P);
	if (!gen_given(g, "split")) {
		gen_append(g->mline, sizeof g->mline, " split=");
		for (i = 0; i < L; i++)
			gen_append(g->mline, sizeof g->mline, "%s%u", i ? "," :
			    "", split[i]);
	}

	/* The entries. */
	r = gen_rangeu(g, 0, 1);
	x86 = gen_given(g, "pte.format") ? f->format == FMT_X86 : P >= 7 &&
	    gen_range(g, 0, 3) != 0;
	if (!gen_given(g, "pte.format"))
		gen_mkey(g, "pte.format", "%s", x86 ? "x86" : "simple");
	lo = P + 4;
	if (va > 4 && va - 4 > lo)
		lo = va - 4;
	if (lo < 12)
		lo = 12;
	r = gen_rangeu(g, lo, va + 4 < 32 ? (va + 4 > lo ? va + 4 : lo) : 32);
	pa = gen_given(g, "pa") ? f->pa : r;
	if (!gen_given(g, "pa"))
		gen_mkey(g, "pa", "%u", pa);
	r = gen_rangeu(g, 0, 1);
	if (!gen_given(g, "pte") && x86 && pa <= 16 && r == 1)
		gen_mkey(g, "pte", "2");
	total = pa > P && pa - P < 40 ? (uint64_t)1 << (pa - P) : 1;
	hi = total / 2 < 64 ? total / 2 : 64;
	v = gen_range(g, hi < 8 ? hi : 8, hi);
	if (!gen_given(g, "frames"))
		gen_mkey(g, "frames", "%" PRIu64, v > 0 ? v : 1);
	if (!gen_given(g, "tlb"))
		gen_mkey(g, "tlb", "0");
	if (gen_machine(g, ve) != 0)
		return (-1);

	/* A table the sheet cannot print is refused before it is built. */
	for (i = 0; i < c->levels; i++) {
		if (c->split[i] >= 40 ||
		    ((uint64_t)c->pte << c->split[i]) > GEN_IMAGE_MAX) {
			g->final = gen_given(g, "split") || gen_given(g, "va") ||
			    gen_given(g, "page");
			return (verr_set(ve, gen_given(g, "split") ? "split" :
			    NULL, "a level-%u table of 2^%u entries is too big "
			    "to print on a sheet: give a split with more "
			    "levels", (unsigned)i + 1, c->split[i]));
		}
	}

	/* The pages. */
	span = gen_vspan(c);
	lower = c->va - c->page_bits - c->split[0];
	npages = gen_pick(g, "pages", 3, 5);
	if (npages > c->frames || npages > span) {
		g->final = gen_given(g, "pages");
		return (verr_set(ve, gen_given(g, "pages") ? "pages" : NULL,
		    "pages=%" PRIu64 " is more than this machine holds (%"
		    PRIu64 " pool frames, %" PRIu64 " pages of virtual "
		    "memory)", npages, c->frames, span));
	}
	nacc = gen_pick(g, "accesses", 4, 6);
	gen_gkey(g, "pages", npages);
	gen_gkey(g, "accesses", nacc);
	for (i = 0; i < npages; i++) {
		like = i > 0 && c->levels > 1 && gen_range(g, 0, 1) ?
		    vpn[gen_range(g, 0, i - 1)] : UINT64_MAX;
		if ((vpn[i] = gen_fresh(g, span, vpn, (size_t)i, like,
		    lower)) == UINT64_MAX)
			vpn[i] = gen_fresh(g, span, vpn, (size_t)i,
			    UINT64_MAX, 64);
		if (vpn[i] == UINT64_MAX)
			return (verr_set(ve, NULL, "no room for %" PRIu64
			    " pages", npages));
		do {
			frame[i] = gen_range(g, 0, c->frames - 1);
			for (dup = false, j = 0; j < i; j++)
				dup = dup || frame[j] == frame[i];
		} while (dup);
		r = gen_rangeu(g, 0, 9);
		perm[i] = c->format != FMT_X86 || r < 7 ? 0 : r < 9 ? 1 : 2;
	}

	/* The setup: not on the sheet, which shows the tables instead. */
	g->image = true;
	gen_cmd(g, "process p")->hidden = true;
	for (i = 0; i < npages; i++) {
		st = gen_cmd(g, "map 0x%" PRIx64 " frame=%" PRIu64 "%s",
		    vpn[i] << c->page_bits, frame[i], perm[i] == 1 ?
		    " perm=r--" : perm[i] == 2 ? " kernel" : "");
		st->hidden = true;
	}

	/* The accesses. */
	for (i = 0; i < nacc; i++) {
		r = gen_rangeu(g, 0, 9);
		off = gen_range(g, 0, c->page - 1);
		j = gen_range(g, 0, npages - 1);
		if (r < 7) {
			v = vpn[j];
			r = perm[j] == 2 ? 0 : perm[j] == 1 ? gen_rangeu(g, 0,
			    1) : gen_rangeu(g, 0, 2) == 0;
		} else {
			v = gen_fresh(g, span, vpn, (size_t)npages, r < 9 &&
			    c->levels > 1 ? vpn[j] : UINT64_MAX, lower);
			if (v == UINT64_MAX)
				v = vpn[j];
			r = gen_rangeu(g, 0, 1);
		}
		v = (v << c->page_bits) | off;
		if (r)
			gen_cmd(g, "write 0x%" PRIx64 " 0x%" PRIx64, v,
			    gen_range(g, 1, 255));
		else
			gen_cmd(g, "read 0x%" PRIx64, v);
		gen_ask_access(g, true);
		gen_ask(g, "pte.addr");
		gen_ask(g, "fault");
		gen_ask(g, "pa");
		gen_ask(g, "refs");
	}

	snprintf(buf, sizeof buf, "%u", c->split[0]);
	for (i = 1; i < c->levels; i++)
		gen_append(buf, sizeof buf, ",%u", c->split[i]);
	snprintf(g->what, sizeof g->what, "translate %" PRIu64 " addresses "
	    "by hand through a %u-level table (split %s) of %u-byte %s "
	    "entries", nacc, c->levels, buf, c->pte, c->format == FMT_X86 ?
	    "x86" : "simple");
	gen_describe_machine(g, true);
	gen_describe_tlb(g);
	sb_printf(&g->intro, "\nProcess p runs in user mode; the OS has mapped "
	    "%" PRIu64 " of its pages.\n", npages);
	if (c->format == FMT_X86)
		sb_printf(&g->intro, "A user access needs the user bit, a "
		    "write the writable bit, at every level; an entry\nthat "
		    "refuses it is a protection fault, one not present a "
		    "segmentation fault (segv).\n");
	else
		sb_printf(&g->intro, "An entry whose valid bit is clear is a "
		    "segmentation fault (segv): the OS has no page there.\n");
	sb_printf(&g->intro, "A fault ends its access; the next access goes "
	    "on.\n");
	return (0);
}

/*
 * replacement: pages 0..N-1 of one process all start on disk; a
 * reference string of reads and writes runs through a few frames under a
 * policy.  Each reference asks fault or not and where the page is (pa:
 * the frame); at the end, faults and write-backs.
 */
static int
gen_replacement(struct gen *g, struct verr *ve)
{
	static const enum policy pols[] = { POL_FIFO, POL_LRU, POL_CLOCK,
		POL_OPT };
	const struct mconfig *f = &g->fixed, *c = &g->mc;
	uint64_t ref[128], npages, nacc, frames, i, k, recent[3], nrecent = 0;
	bool wr[128];
	unsigned P, va, r;
	char sz[32];
	struct strbuf *b = &g->intro;
	enum policy pol;

	P = gen_given(g, "page") ? mcfg_log2(f->page) : 8;
	va = gen_given(g, "va") ? f->va : 16;
	if (!gen_given(g, "page"))
		gen_mkey(g, "page", "256");
	if (!gen_given(g, "va"))
		gen_mkey(g, "va", "16");
	if (!gen_given(g, "pa"))
		gen_mkey(g, "pa", "%u", va > P + 4 ? va : P + 8);
	if (!gen_given(g, "split") && va > P && va - P <= 12)
		gen_mkey(g, "split", "%u", va - P);
	frames = gen_range(g, 3, 4);
	if (!gen_given(g, "frames"))
		gen_mkey(g, "frames", "%" PRIu64, frames);
	r = gen_rangeu(g, 0, 3);
	pol = pols[r];
	if (!gen_given(g, "policy"))
		gen_mkey(g, "policy", "%s", policy_name(pol));
	k = gen_range(g, 1, 9999);
	if (gen_given(g, "policy") && f->policy == POL_RANDOM)
		gen_mkey(g, "seed", "%" PRIu64, k);
	if (!gen_given(g, "tlb"))
		gen_mkey(g, "tlb", "0");
	if (gen_machine(g, ve) != 0)
		return (-1);

	frames = c->frames;
	npages = gen_pick(g, "pages", frames + 1 > 4 ? frames + 1 : 4,
	    frames + 3 > 7 ? frames + 3 : 7);
	nacc = gen_pick(g, "accesses", 10, 20);
	if (npages > gen_vspan(c)) {
		g->final = gen_given(g, "pages");
		return (verr_set(ve, gen_given(g, "pages") ? "pages" : NULL,
		    "pages=%" PRIu64 " is more than the %" PRIu64 " pages of "
		    "virtual memory", npages, gen_vspan(c)));
	}
	gen_gkey(g, "pages", npages);
	gen_gkey(g, "accesses", nacc);
	for (i = 0; i < nacc; i++) {
		do {
			if (nrecent > 0 && gen_range(g, 0, 19) < 7)
				ref[i] = recent[gen_range(g, 0, nrecent - 1)];
			else
				ref[i] = gen_range(g, 0, npages - 1);
		} while (i > 0 && npages > 1 && ref[i] == ref[i - 1]);
		wr[i] = gen_range(g, 0, 3) == 0;
		for (k = 0; k < nrecent && recent[k] != ref[i]; k++)
			;
		if (k == nrecent) {
			if (nrecent < 3)
				nrecent++;
			memmove(recent + 1, recent, (size_t)(nrecent - 1) *
			    sizeof recent[0]);
			recent[0] = ref[i];
		}
	}

	gen_cmd(g, "process p");
	gen_cmd(g, "map 0x0 pages=%" PRIu64 " disk", npages);
	for (i = 0; i < nacc; i++) {
		if (wr[i])
			gen_cmd(g, "write 0x%" PRIx64 " 0x%" PRIx64,
			    ref[i] << c->page_bits, gen_range(g, 1, 255));
		else
			gen_cmd(g, "read 0x%" PRIx64, ref[i] << c->page_bits);
		gen_ask(g, "fault");
		gen_ask(g, "pa");
	}
	gen_cmd(g, "%s", "");
	gen_ask(g, "faults");
	gen_ask(g, "writebacks");

	snprintf(g->what, sizeof g->what, "%s replacement in %" PRIu64
	    " frames: a string of %" PRIu64 " references (w = write) over %"
	    PRIu64 " pages: ", policy_name(c->policy), frames, nacc, npages);
	for (i = 0; i < nacc; i++)
		gen_append(g->what, sizeof g->what, "%s%" PRIu64 "%s", i ? " " :
		    "", ref[i], wr[i] ? "w" : "");
	lex_size_text(sz, sizeof sz, c->page, true);
	sb_printf(b, "The machine (%s):\n", g->mline);
	sb_printf(b, "  pages of %s: page N is the virtual page at N x "
	    "0x%" PRIx64 ", frame F the physical page at F x 0x%" PRIx64
	    "\n", sz, c->page, c->page);
	sb_printf(b, "  a pool of %" PRIu64 " frames (0 to %" PRIu64 "); "
	    "a page goes to the lowest free frame\n", frames, frames - 1);
	sb_printf(b, "\nProcess p's pages 0 to %" PRIu64 " all start on disk "
	    "(map ... disk): the first touch of each is a page fault.\n",
	    npages - 1);
	sb_printf(b, "With no free frame, the policy picks the victim; a dirty "
	    "victim (written since it\nwas loaded) is written back to disk "
	    "first.\n");
	switch (c->policy) {
	case POL_FIFO:
		sb_printf(b, "Policy fifo: the victim is the page loaded "
		    "earliest.\n");
		break;
	case POL_LRU:
		sb_printf(b, "Policy lru: the victim is the page whose last use "
		    "is the oldest.\n");
		break;
	case POL_CLOCK:
		sb_printf(b, "Policy clock: a hand starts at frame 0. Loading a "
		    "page, and every later use, sets\nits use bit. On a fault "
		    "with no free frame, while the bit at the hand is set,\n"
		    "clear it and advance; then replace the page at the hand "
		    "and advance past it.\n");
		break;
	case POL_OPT:
		sb_printf(b, "Policy opt (Belady): the victim is the page used "
		    "again furthest in the future;\nof pages never used again, "
		    "the one in the lowest frame.\n");
		break;
	case POL_RANDOM:
		sb_printf(b, "Policy random: the machine's seeded generator "
		    "(seed=%" PRIu64 ") picks the victim.\n", c->seed);
		break;
	}
	if (c->clear_interval != 0)
		sb_printf(b, "Every %" PRIu64 " accesses the OS clears every use "
		    "bit.\n", c->clear_interval);
	sb_printf(b, "\nReference string (w = write):");
	for (i = 0; i < nacc; i++)
		sb_printf(b, " %" PRIu64 "%s", ref[i], wr[i] ? "w" : "");
	sb_printf(b, "\n");
	return (0);
}

/*
 * tlb: one or two processes map the same few pages and touch them with
 * some locality, switching now and then; each access asks hit or miss,
 * and the end asks the totals and the cycles.
 */
static int
gen_tlb(struct gen *g, struct verr *ve)
{
	static const uint64_t pages[] = { 256, 1024, 4096 };
	static const unsigned tlbs[] = { 2, 4, 8 };
	const struct mconfig *f = &g->fixed, *c = &g->mc;
	uint64_t vpn[GEN_PAGES_MAX], span, npages, nprocs, nacc, i, j, pick;
	uint64_t last[2] = { UINT64_MAX, UINT64_MAX }, cut[3];
	unsigned P, va, r, t, w, lo, hi, cur = 0, ncut, k;

	r = gen_rangeu(g, 0, 2);
	P = gen_given(g, "page") ? mcfg_log2(f->page) : mcfg_log2(pages[r]);
	if (!gen_given(g, "page"))
		gen_mkey(g, "page", "%" PRIu64, pages[r]);
	lo = P + 6 > 16 ? P + 6 : 16;
	hi = P + 14 < 32 ? P + 14 : 32;
	r = gen_rangeu(g, lo, hi > lo ? hi : lo);
	va = gen_given(g, "va") ? f->va : r;
	if (!gen_given(g, "va"))
		gen_mkey(g, "va", "%u", va);
	if (!gen_given(g, "pa"))
		gen_mkey(g, "pa", "%u", va <= 32 ? (va > P + 6 ? va : P + 6) :
		    40);
	r = gen_rangeu(g, 0, 2);
	t = gen_given(g, "tlb") ? f->tlb : tlbs[r];
	if (!gen_given(g, "tlb"))
		gen_mkey(g, "tlb", "%u", t);
	r = gen_rangeu(g, 0, 2);
	w = r == 0 ? 0 : r == 1 ? 1 : 2;
	if (w == 2 && (t < 4 || t % 2 != 0))
		w = 0;
	if (!gen_given(g, "tlb.ways")) {
		if (w == 0)
			gen_mkey(g, "tlb.ways", "full");
		else
			gen_mkey(g, "tlb.ways", "%u", w);
	}
	r = gen_rangeu(g, 0, 1);
	if (!gen_given(g, "tlb.policy"))
		gen_mkey(g, "tlb.policy", "%s", r ? "fifo" : "lru");
	r = gen_rangeu(g, 0, 1);
	if (!gen_given(g, "tlb.tags"))
		gen_mkey(g, "tlb.tags", "%s", r ? "off" : "on");
	if (gen_machine(g, ve) != 0)
		return (-1);
	if (c->tlb == 0) {
		g->final = true;
		return (verr_set(ve, "tlb", "a TLB exercise needs a TLB: give "
		    "tlb=N with N at least 1"));
	}

	span = gen_vspan(c);
	npages = gen_pick(g, "pages", 3, 6);
	nprocs = gen_pick(g, "processes", 1, 2);
	nacc = gen_pick(g, "accesses", 8, 14);
	if (npages * nprocs > c->frames || npages > span) {
		g->final = gen_given(g, "pages") || gen_given(g, "processes");
		return (verr_set(ve, gen_given(g, "pages") ? "pages" : NULL,
		    "pages=%" PRIu64 " for %" PRIu64 " process%s is more than "
		    "this machine holds (%" PRIu64 " pool frames, %" PRIu64
		    " pages of virtual memory)", npages, nprocs, nprocs == 1 ?
		    "" : "es", c->frames, span));
	}
	gen_gkey(g, "pages", npages);
	gen_gkey(g, "accesses", nacc);
	gen_gkey(g, "processes", nprocs);
	for (i = 0; i < npages; i++) {
		vpn[i] = gen_fresh(g, span < 4 * npages + 8 ? span :
		    4 * npages + 8, vpn, (size_t)i, UINT64_MAX, 64);
		if (vpn[i] == UINT64_MAX)
			return (verr_set(ve, NULL, "no room for %" PRIu64
			    " pages", npages));
	}
	/* In ascending order: easier to read. */
	for (i = 1; i < npages; i++)
		for (j = i; j > 0 && vpn[j - 1] > vpn[j]; j--) {
			pick = vpn[j];
			vpn[j] = vpn[j - 1];
			vpn[j - 1] = pick;
		}
	/* Where the switches go. */
	ncut = nprocs == 2 ? gen_rangeu(g, 1, 3) : 0;
	for (k = 0; k < ncut; k++)
		cut[k] = gen_range(g, 1, nacc > 1 ? nacc - 1 : 1);

	gen_cmd(g, "process p");
	for (i = 0; i < npages; i++)
		gen_cmd(g, "map 0x%" PRIx64, vpn[i] << c->page_bits);
	if (nprocs == 2) {
		gen_cmd(g, "process q");
		for (i = 0; i < npages; i++)
			gen_cmd(g, "map 0x%" PRIx64, vpn[i] << c->page_bits);
		gen_cmd(g, "switch p");
	}
	for (i = 0; i < nacc; i++) {
		for (k = 0; k < ncut; k++) {
			if (cut[k] == i) {
				cur ^= 1;
				gen_cmd(g, "switch %s", cur ? "q" : "p");
				break;
			}
		}
		r = gen_rangeu(g, 0, 9);
		j = gen_range(g, 0, npages - 1);
		pick = last[gen_range(g, 0, 1)];
		if (r < 4 && pick != UINT64_MAX)
			j = pick;
		last[1] = last[0];
		last[0] = j;
		gen_cmd(g, "read 0x%" PRIx64, vpn[j] << c->page_bits |
		    gen_range(g, 0, c->page - 1));
		gen_ask(g, "tlb");
	}
	gen_cmd(g, "%s", "");
	gen_ask(g, "tlb.hits");
	gen_ask(g, "tlb.misses");
	gen_ask(g, "cycles");

	snprintf(g->what, sizeof g->what, "%" PRIu64 " accesses by %" PRIu64
	    " process%s through a %u-entry %s TLB (%s%s): hit or miss, totals "
	    "and cycles", nacc, nprocs, nprocs == 1 ? "" : "es", c->tlb,
	    c->tlb_ways == 0 || c->tlb_ways == c->tlb ? "fully associative" :
	    c->tlb_ways == 1 ? "direct-mapped" : "set-associative",
	    tlb_policy_name(c->tlb_policy), nprocs == 2 ? c->tlb_tags ?
	    ", tagged" : ", untagged" : "");
	gen_describe_machine(g, false);
	gen_describe_tlb(g);
	gen_describe_costs(g);
	sb_printf(&g->intro, "  a TLB miss walks the %u-level table; every "
	    "page is resident (no page faults)\n", c->levels);
	sb_printf(&g->intro, "\n%s maps the pages at", nprocs == 2 ?
	    "Each of processes p and q" : "Process p");
	for (i = 0; i < npages; i++)
		sb_printf(&g->intro, " 0x%" PRIx64, vpn[i] << c->page_bits);
	sb_printf(&g->intro, "%s.\nThe TLB is empty before the first "
	    "access.\n", nprocs == 2 ? ", each in frames of its own" : "");
	return (0);
}

/*
 * shadow and nested: a guest under VT-x with one or two processes, a few
 * mapped pages, and a mix of accesses (cold, warm, unmapped),
 * instructions that exit, an external interrupt and context switches.
 * Questions: exits and their reasons, references, gpa and pa, the mode.
 */
static const struct {
	unsigned va, pa;
	uint64_t page;
	const char *split;
} gen_presets[] = {
	{ 48, 40, 4096, "9,9,9,9" },
	{ 32, 32, 4096, "10,10" },
	{ 16, 16, 256, "4,4" },
	{ 20, 20, 1024, "5,5" }
};

static void
gen_virt_access(struct gen *g, uint64_t va, bool write)
{
	if (write)
		gen_cmd(g, "write 0x%" PRIx64 " 0x%" PRIx64, va,
		    gen_range(g, 1, 255));
	else
		gen_cmd(g, "read 0x%" PRIx64, va);
}

static int
gen_virt(struct gen *g, bool nested, struct verr *ve)
{
	static const char *const insns[] = { "cpuid", "hlt", "out 0x80",
		"in 0x60", "vmcall" };
	const struct mconfig *f = &g->fixed, *c = &g->mc;
	uint64_t base[2], npages, nprocs, nacc, memory, i, nextra, span, v;
	uint64_t lastpage = UINT64_MAX;
	unsigned r, pr, cur = 0, levels;
	bool lazy, extra_at[128];
	char sz[32];
	struct strbuf *b = &g->intro;

	pr = gen_rangeu(g, 0, 3);
	if (!gen_given(g, "va"))
		gen_mkey(g, "va", "%u", gen_presets[pr].va);
	if (!gen_given(g, "page"))
		gen_mkey(g, "page", "%" PRIu64, gen_presets[pr].page);
	if (!gen_given(g, "pa"))
		gen_mkey(g, "pa", "%u", !gen_given(g, "va") ?
		    gen_presets[pr].pa : f->va >= 40 ? 40 : f->va < 16 ? 16 :
		    f->va);
	if (!gen_given(g, "split") && !gen_given(g, "va") &&
	    !gen_given(g, "page"))
		gen_mkey(g, "split", "%s", gen_presets[pr].split);
	if (!gen_given(g, "frames"))
		gen_mkey(g, "frames", "64");
	r = gen_rangeu(g, 0, 2);
	if (!gen_given(g, "tlb"))
		gen_mkey(g, "tlb", "%u", 4u << r);
	if (gen_machine(g, ve) != 0)
		return (-1);

	memory = gen_pick(g, "memory", 32 * c->page, 32 * c->page);
	r = gen_rangeu(g, 0, 3);
	lazy = nested && (gen_given(g, "backing") ?
	    gen_opt(g->rq, "backing")->num != 0 : r == 0);
	nprocs = gen_pick(g, "processes", 1, 2);
	npages = gen_pick(g, "pages", 2, 4);
	nacc = gen_pick(g, "accesses", 5, 8);
	nextra = gen_range(g, 2, 4);
	gen_gkey(g, "pages", npages);
	gen_gkey(g, "accesses", nacc);
	gen_gkey(g, "processes", nprocs);
	gen_gkey(g, "memory", memory);
	if (nested)
		gen_gkey(g, "backing", lazy);
	span = gen_vspan(c);
	if (span > 1024)
		span = 1024;
	if (npages + 1 > span / 2) {
		g->final = gen_given(g, "pages");
		return (verr_set(ve, gen_given(g, "pages") ? "pages" : NULL,
		    "pages=%" PRIu64 " do not fit in this guest's %" PRIu64
		    " pages of virtual memory", npages, span));
	}
	for (i = 0; i < nprocs; i++)
		base[i] = gen_range(g, 1, span / 2 - npages);
	memset(extra_at, 0, sizeof extra_at);
	for (i = 0; i < nextra; i++)
		extra_at[gen_range(g, 0, nacc - 1 < 127 ? nacc - 1 : 127)] =
		    true;

	gen_cmd(g, "vmxon");
	lex_size_text(sz, sizeof sz, memory, false);
	gen_cmd(g, "vm g mmu=%s memory=%s%s", nested ? "nested" : "shadow", sz,
	    lazy ? " backing=lazy" : "");
	gen_cmd(g, "vmlaunch g");
	gen_ask(g, "mode");
	for (i = 0; i < nprocs; i++) {
		gen_cmd(g, "process %s", i ? "q" : "p");
		gen_ask(g, "exit");
		gen_cmd(g, "map 0x%" PRIx64 " pages=%" PRIu64,
		    base[i] << c->page_bits, npages);
		gen_ask(g, "exit");
	}
	if (nprocs == 2) {
		gen_cmd(g, "switch p");
		gen_ask(g, "exit");
	}
	for (i = 0; i < nacc; i++) {
		if (extra_at[i]) {
			r = gen_rangeu(g, 0, nprocs == 2 ? 3 : 2);
			if (r == 0) {
				gen_cmd(g, "insn %s", insns[gen_range(g, 0,
				    sizeof insns / sizeof insns[0] - 1)]);
				gen_ask(g, "exit");
				gen_ask(g, "exit.code");
			} else if (r == 1) {
				gen_cmd(g, "interrupt");
				gen_ask(g, "exit");
				gen_ask(g, "mode");
				gen_cmd(g, "vmresume g");
				gen_ask(g, "mode");
			} else if (r == 2) {
				/* An address the guest never mapped. */
				v = base[cur] + npages + gen_range(g, 0,
				    span / 2 - 1);
				gen_virt_access(g, v << c->page_bits |
				    gen_range(g, 0, c->page - 1), false);
				gen_ask(g, "fault");
				gen_ask(g, "exit");
				gen_ask(g, "refs");
			} else {
				cur ^= 1;
				gen_cmd(g, "switch %s", cur ? "q" : "p");
				gen_ask(g, "exit");
				lastpage = UINT64_MAX;
			}
		}
		r = gen_rangeu(g, 0, 9);
		v = r < 4 && lastpage != UINT64_MAX ? lastpage :
		    gen_range(g, 0, npages - 1);
		lastpage = v;
		gen_virt_access(g, (base[cur] + v) << c->page_bits |
		    gen_range(g, 0, c->page - 1), gen_range(g, 0, 2) == 0);
		gen_ask(g, "tlb");
		gen_ask(g, "refs");
		gen_ask(g, "exit");
		gen_ask(g, "gpa");
		gen_ask(g, "pa");
	}
	gen_cmd(g, "%s", "");
	gen_ask(g, "exits");
	if (!nested) {
		gen_ask(g, "exits.exception");
		gen_ask(g, "exits.cr-access");
	} else if (lazy)
		gen_ask(g, "exits.ept-violation");

	levels = c->levels;
	snprintf(g->what, sizeof g->what, "a guest under %s paging (%u-level "
	    "guest tables%s) with %" PRIu64 " process%s: exits and their "
	    "reasons, references, gpa and pa", nested ? "nested" : "shadow",
	    levels, nested ? lazy ? " over a lazily backed EPT" :
	    " over an EPT" : "", nprocs, nprocs == 1 ? "" : "es");
	gen_describe_machine(g, false);
	gen_describe_tlb(g);
	sb_printf(b, "  the guest's tables and %s have this shape too\n",
	    nested ? "the EPT" : "the VMM's shadow tables");
	lex_size_text(sz, sizeof sz, memory, true);
	sb_printf(b, "\nGuest g (VT-x, %s paging) has %s of guest-physical "
	    "memory, backed by host frames\n%s.\n", nested ? "nested" :
	    "shadow", sz, lazy ? "lazily: the first touch of a guest frame "
	    "with no host frame is an EPT\nviolation exit (48)" : "when it "
	    "is created (eager)");
	if (nested)
		sb_printf(b, "Nested paging: the hardware walks the guest's own "
		    "tables (guest-virtual to\nguest-physical) and translates "
		    "every guest-physical address, the tables'\nincluded, "
		    "through the EPT (guest-physical to host-physical). The "
		    "guest edits\nits tables and loads CR3 with no exit.\n");
	else
		sb_printf(b, "Shadow paging: the VMM keeps a shadow table for "
		    "each guest process\n(guest-virtual to host-physical), "
		    "filled lazily, which is what the hardware walks.\nIt "
		    "write-protects the guest tables it shadows (a guest write "
		    "to one is an\nexception exit, 0) and traps every guest CR3 "
		    "load (cr-access, 28). A page fault\nexits (exception): "
		    "hidden if the guest's tables allow the access (the VMM "
		    "fills\nthe shadow entry and the access restarts), else "
		    "injected into the guest.\n");
	sb_printf(b, "cpuid, hlt, I/O (in, out) and vmcall always exit; an "
	    "external interrupt exits to\nthe host, which runs in root mode "
	    "until vmresume. The TLB caches whole\ntranslations (guest-"
	    "virtual to host-physical), tagged by VPID and ASID.\n");
	return (0);
}

/* The runs. */

static void
gen_sink_none(void *arg, const char *line, size_t len)
{
	(void)arg;
	(void)line;
	(void)len;
}

static void
gen_sink_err(void *arg, const char *line, size_t len)
{
	struct gen *g = (struct gen *)arg;

	if (g->err[0] == '\0')
		snprintf(g->err, sizeof g->err, "%.*s", (int)len, line);
}

/* The next question, from (pstep, pq) on. */
static struct gen_q *
gen_next_q(struct gen *g)
{
	while (g->pstep < g->nstep && g->pq >= g->step[g->pstep].nq) {
		g->pstep++;
		g->pq = 0;
	}
	return (g->pstep < g->nstep ? &g->step[g->pstep].q[g->pq] : NULL);
}

/* The text of the first (or last) kept micro-step of one of the kinds. */
static const char *
gen_ev_find(const struct gen *g, bool last, unsigned k1, unsigned k2,
    unsigned k3)
{
	size_t i;
	const struct gen_ev *e;

	for (i = 0; i < g->nev; i++) {
		e = last ? &g->ev[g->nev - 1 - i] : &g->ev[i];
		if (e->kind == k1 || e->kind == k2 || e->kind == k3)
			return (e->text);
	}
	return (NULL);
}

/* src into buf, cut to fit. */
static void
gen_copy(char *buf, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (size == 0)
		return;
	if (n >= size)
		n = size - 1;
	memmove(buf, src, n);
	buf[n] = '\0';
}

/* The micro-step that explains an answer: one line, or "". */
static void
gen_why(const struct gen *g, const char *name, char *buf, size_t size)
{
	const char *w = NULL, *w2 = NULL;

	if (strcmp(name, "vpn") == 0 || strcmp(name, "offset") == 0 ||
	    strncmp(name, "index.", 6) == 0)
		w = gen_ev_find(g, false, EV_SPLIT, EV_SPLIT, EV_SPLIT);
	else if (strcmp(name, "tlb") == 0)
		w = gen_ev_find(g, false, EV_TLB_HIT, EV_TLB_MISS, EV_TLB_MISS);
	else if (strcmp(name, "refs") == 0) {
		w = gen_ev_find(g, true, EV_WALK, EV_GWALK, EV_NWALK);
		if (w == NULL)
			w = gen_ev_find(g, true, EV_IPT_PROBE, EV_TLB_HIT,
			    EV_TLB_HIT);
	} else if (strcmp(name, "pte.addr") == 0 || strcmp(name, "pte") == 0)
		w = gen_ev_find(g, true, EV_WALK, EV_GWALK, EV_IPT_PROBE);
	else if (strcmp(name, "pa") == 0 || strcmp(name, "gpa") == 0 ||
	    strcmp(name, "value") == 0) {
		w = gen_ev_find(g, true, EV_DATA, EV_DATA, EV_DATA);
		if (w == NULL)
			w = gen_ev_find(g, false, EV_FAULT, EV_FAULT, EV_FAULT);
	} else if (strcmp(name, "fault") == 0 || strcmp(name, "pf.code") == 0) {
		w = gen_ev_find(g, false, EV_VICTIM, EV_VICTIM, EV_VICTIM);
		if (w != NULL)
			w2 = gen_ev_find(g, false, EV_WRITEBACK, EV_WRITEBACK,
			    EV_WRITEBACK);
		else
			w = gen_ev_find(g, false, EV_FAULT, EV_FAULT, EV_FAULT);
		if (w == NULL)
			w = gen_ev_find(g, true, EV_WALK, EV_GWALK,
			    EV_TLB_HIT);
	} else if (strcmp(name, "exit") == 0 || strcmp(name, "exit.code") == 0)
		w = gen_ev_find(g, true, EV_EXIT, EV_EXIT, EV_EXIT);
	else if (strcmp(name, "mode") == 0)
		w = gen_ev_find(g, true, EV_ENTRY, EV_EXIT, EV_VMXON);
	gen_copy(buf, size, w != NULL ? w : "");
	if (w != NULL && w2 != NULL) {
		gen_copy(buf + strlen(buf), size - strlen(buf), "; ");
		gen_copy(buf + strlen(buf), size - strlen(buf), w2);
	}
}

/* The probe's transcript: each answer is the line after "? ". */
static void
gen_sink_probe(void *arg, const char *line, size_t len)
{
	struct gen *g = (struct gen *)arg;
	struct gen_q *q;
	const char *eq;

	if (g->answer_next) {
		g->answer_next = false;
		if ((q = gen_next_q(g)) == NULL) {
			g->stray = true;
			return;
		}
		eq = NULL;
		if (len > 3)
			eq = strstr(line, " = ");
		if (eq == NULL || (size_t)(eq - line) >= len)
			snprintf(q->answer, sizeof q->answer, "?");
		else
			snprintf(q->answer, sizeof q->answer, "%.*s",
			    (int)(len - (size_t)(eq + 3 - line)), eq + 3);
		if (g->step[g->pstep].cmd[0] != '\0')
			gen_why(g, q->name, q->why, sizeof q->why);
		g->pq++;
		return;
	}
	if (len >= 2 && line[0] == '?' && line[1] == ' ') {
		g->answer_next = true;
		return;
	}
	if (len > 0 && line[0] != ' ' && line[0] != '>')
		g->nev = 0;		/* a command: its micro-steps follow */
}

static void
gen_event_probe(void *arg, const struct engine *e, const struct event *ev)
{
	struct gen *g = (struct gen *)arg;
	struct gen_ev *x;
	char buf[GEN_WHY_MAX + 32];
	const char *p = buf;

	if (g->nev == GEN_EVS_MAX)
		return;
	x = &g->ev[g->nev++];
	x->kind = ev->kind;
	event_format(e, ev, buf, sizeof buf);
	buf[sizeof buf - 1] = '\0';
	/* "[12] text": the step number means nothing on a sheet */
	if (*p == '[' && (p = strchr(buf, ']')) != NULL && p[1] == ' ')
		p += 2;
	else
		p = buf;
	gen_copy(x->text, sizeof x->text, p);
}

static void
gen_event_tables(void *arg, const struct engine *e, const struct event *ev)
{
	struct gen *g = (struct gen *)arg;

	(void)e;
	if (g->ntab == GEN_TABLES_MAX)
		return;
	if (ev->kind == EV_PROCESS && (ev->flags & EVF_MATCH) == 0 &&
	    ev->d != 0) {
		g->tab[g->ntab].frame = ev->b;
		g->tab[g->ntab++].level = 1;
	} else if (ev->kind == EV_PT_ALLOC) {
		g->tab[g->ntab].frame = ev->a;
		g->tab[g->ntab++].level = ev->level;
	}
}

/*
 * A run failed: say which line of the problem the engine refused and
 * why, with "generated:LINE:COLUMN: " turned into the line itself, and
 * blame the key that set what the line asks for (memory=, pages=).
 */
static int
gen_run_error(const struct gen *g, const char *text, size_t len,
    struct verr *ve)
{
	const char *msg = g->err, *p = text, *end = text + len, *nl, *arg;
	unsigned long line = 0, n;
	unsigned col = 0;
	int used = 0;

	if (g->err[0] == '\0')
		return (verr_set(ve, NULL, "an expect failed"));
	if (sscanf(g->err, "generated:%lu:%u: %n", &line, &col, &used) < 2 ||
	    used == 0)
		return (verr_set(ve, NULL, "%s", g->err));
	msg = g->err + used;
	for (n = 1; n < line && p < end; n++) {
		if ((nl = (const char *)memchr(p, '\n', (size_t)(end -
		    p))) == NULL)
			p = end;
		else
			p = nl + 1;
	}
	if ((nl = (const char *)memchr(p, '\n', (size_t)(end - p))) == NULL)
		nl = end;
	arg = NULL;
	if (strncmp(p, "vm ", 3) == 0 && gen_given(g, "memory"))
		arg = "memory";
	else if (strncmp(p, "map ", 4) == 0 && gen_given(g, "pages"))
		arg = "pages";
	return (verr_set(ve, arg, "the problem's line '%.*s' is refused: %s",
	    (int)(nl - p), p, msg));
}

/* Run text as a file in a new session of the mode; 0, or -1 with the
 * first error it reported. */
static int
gen_run(struct gen *g, enum run_mode mode, const char *text, size_t len,
    void (*out)(void *, const char *, size_t),
    void (*event)(void *, const struct engine *, const struct event *),
    struct session **keep, struct verr *ve)
{
	struct session *s;
	int st;

	if ((s = run_new(mode, 0, ve)) == NULL)
		return (-1);
	g->err[0] = '\0';
	run_set_output(s, out != NULL ? out : gen_sink_none, g);
	run_set_errors(s, gen_sink_err, g);
	if (event != NULL)
		run_set_events(s, event, g);
	run_string(s, "generated", text, len);
	st = run_status(s);
	if (st != 0) {
		run_free(s);
		return (gen_run_error(g, text, len, ve));
	}
	if (keep != NULL)
		*keep = s;
	else
		run_free(s);
	return (0);
}

/* The memory image: the page tables the setup built, read back from the
 * engine's memory, as the sheet shows them. */
static int
gen_image(struct gen *g, struct verr *ve)
{
	const struct mconfig *c = &g->mc;
	struct session *s = NULL;
	struct strbuf text;
	uint8_t buf[4096];
	uint64_t size, off, n, val, e;
	size_t i, k;
	unsigned pte = c->pte, digits = 2 * c->pte, bits;
	int r;

	sb_init(&text);
	sb_printf(&text, "%s\n", g->mline);
	for (i = 0; i < g->nstep && g->step[i].hidden; i++)
		sb_printf(&text, "%s\n", g->step[i].cmd);
	g->ntab = 0;
	r = text.failed ? verr_set(ve, NULL, "out of memory") : gen_run(g,
	    RUN_CHECK, text.s, text.len, NULL, gen_event_tables, &s, ve);
	sb_free(&text);
	if (r != 0)
		return (-1);
	sb_printf(&g->intro, "\nThe page tables in physical memory before the "
	    "first access (entries not shown\nare zero; %u-byte entries, "
	    "little-endian):\n", pte);
	for (i = 0; i < g->ntab && r == 0; i++) {
		bits = c->split[g->tab[i].level - 1];
		size = bits < 40 ? ((uint64_t)pte << bits) : UINT64_MAX;
		if (size > GEN_IMAGE_MAX) {
			g->final = true;
			r = verr_set(ve, "split", "a level-%u table of 2^%u "
			    "entries is too big to print on a sheet: give a "
			    "split with more levels", g->tab[i].level, bits);
			break;
		}
		if (i == 0)
			sb_printf(&g->intro, "  CR3 = 0x%" PRIx64 ": the "
			    "top-level table is in frame 0x%" PRIx64 "\n",
			    g->tab[i].frame << c->page_bits, g->tab[i].frame);
		sb_printf(&g->intro, "  level-%u table at 0x%" PRIx64 ":\n",
		    g->tab[i].level, g->tab[i].frame << c->page_bits);
		for (off = 0; off < size && r == 0; off += n) {
			n = size - off < sizeof buf ? size - off : sizeof buf;
			if (engine_peek(s->engine, (g->tab[i].frame <<
			    c->page_bits) + off, n, buf, ve) != 0) {
				r = -1;
				break;
			}
			for (e = 0; e + pte <= n; e += pte) {
				for (val = 0, k = pte; k > 0; k--)
					val = val << 8 | buf[e + k - 1];
				if (val == 0)
					continue;
				sb_printf(&g->intro, "    entry %" PRIu64
				    " at 0x%" PRIx64 " = 0x%0*" PRIx64 "\n",
				    (off + e) / pte, (g->tab[i].frame <<
				    c->page_bits) + off + e, (int)digits, val);
			}
		}
	}
	run_free(s);
	return (r);
}

/* The probe: the problem with an ask after each question point. */
static int
gen_probe(struct gen *g, struct verr *ve)
{
	struct strbuf text;
	size_t i, k;
	int r;

	sb_init(&text);
	sb_printf(&text, "%s\n", g->mline);
	for (i = 0; i < g->nstep; i++) {
		if (g->step[i].cmd[0] != '\0')
			sb_printf(&text, "%s\n", g->step[i].cmd);
		for (k = 0; k < g->step[i].nq; k++)
			sb_printf(&text, "ask %s\n", g->step[i].q[k].name);
	}
	g->pstep = g->pq = 0;
	g->answer_next = g->stray = false;
	g->nev = 0;
	r = text.failed ? verr_set(ve, NULL, "out of memory") : gen_run(g,
	    RUN_BATCH, text.s, text.len, gen_sink_probe, gen_event_probe,
	    NULL, ve);
	sb_free(&text);
	if (r != 0)
		return (-1);
	if (g->stray || gen_next_q(g) != NULL)
		return (verr_set(ve, NULL, "internal error: the run answered "
		    "%s questions than were asked", g->stray ? "more" :
		    "fewer"));
	return (0);
}

/* The scenario, checked as --check checks it. */
static int
gen_verify(struct gen *g, const char *text, size_t len, struct verr *ve)
{
	if (gen_run(g, RUN_CHECK, text, len, NULL, NULL, NULL, ve) != 0) {
		g->final = true;
		return (verr_set(ve, NULL, "internal error: the generated "
		    "scenario does not check: %s", g->err));
	}
	return (0);
}

/* Writing it out. */

/* "KIND seed=N KEY=VALUE ...": the request, as it was given. */
static void
gen_request_text(const struct gen_request *rq, char *buf, size_t size)
{
	size_t i;

	snprintf(buf, size, "%s seed=%" PRIu64, gen_kind_names[rq->kind],
	    rq->seed);
	for (i = 0; i < rq->nopts; i++)
		gen_append(buf, size, " %s=%s", rq->opts[i].key,
		    rq->opts[i].value);
}

static void
gen_write_scenario(const struct gen *g, struct strbuf *b)
{
	const struct gen_step *st;
	char req[GEN_LINE_MAX];
	size_t i, k;

	gen_request_text(g->rq, req, sizeof req);
	sb_printf(b, "# Generated: %s: %s.\n", req, g->what);
	sb_printf(b, "# Again, as a problem sheet or as an answer key: vmscope "
	    "--generate %s\n#   [--sheet | --answers]. Every expect below "
	    "comes from running the problem.\n", req);
	sb_printf(b, "# Parameters: %s%s\n", g->mline + strlen("machine "),
	    g->genkeys);
	sb_printf(b, "> A generated %s problem (seed %" PRIu64 "): work out "
	    "each answer before the\n> screen shows it.\n\n",
	    gen_kind_names[g->rq->kind], g->rq->seed);
	sb_printf(b, "%s\n", g->mline);
	for (i = 0; i < g->nstep; i++) {
		st = &g->step[i];
		if (st->nq > 0)
			sb_printf(b, "\n");
		if (st->cmd[0] != '\0')
			sb_printf(b, "%s\n", st->cmd);
		for (k = 0; k < st->nq; k++) {
			sb_printf(b, "ask %s %s\n", st->q[k].name,
			    st->q[k].text);
			sb_printf(b, "expect %s %s\n", st->q[k].name,
			    st->q[k].answer);
		}
	}
}

static void
gen_write_sheet(const struct gen *g, struct strbuf *b, bool answers)
{
	const struct gen_step *st;
	const struct gen_q *q;
	char req[GEN_LINE_MAX];
	size_t i, k, n = 0;

	gen_request_text(g->rq, req, sizeof req);
	sb_printf(b, "vmscope %s: %s, seed %" PRIu64 "\n", answers ?
	    "answer key" : "problem sheet", gen_kind_names[g->rq->kind],
	    g->rq->seed);
	sb_printf(b, "Made by: vmscope --generate %s %s\n", req, answers ?
	    "--answers" : "--sheet");
	sb_printf(b, "Exercises: %s.\n\n", g->what);
	sb_putn(b, g->intro.s != NULL ? g->intro.s : "", g->intro.len);
	sb_printf(b, "\n%s\n", answers ? "Answers" : "Questions (the lines "
	    "run in order; answer each question after its line)");
	for (i = 0; i < g->nstep; i++) {
		st = &g->step[i];
		if (st->hidden)
			continue;
		sb_printf(b, "  %s\n", st->cmd[0] != '\0' ? st->cmd :
		    "At the end:");
		for (k = 0; k < st->nq; k++) {
			q = &st->q[k];
			sb_printf(b, "    %3zu. %-10s %s\n", ++n, q->name,
			    q->text);
			if (!answers)
				continue;
			sb_printf(b, "         %s = %s\n", q->name, q->answer);
			/* the same micro-step as the question before: once */
			if (q->why[0] != '\0' && (k == 0 ||
			    strcmp(q->why, st->q[k - 1].why) != 0))
				sb_printf(b, "         why: %s\n", q->why);
		}
	}
}

/* One draw of the kind. */
static int
gen_draw(struct gen *g, struct verr *ve)
{
	g->mline[0] = '\0';
	snprintf(g->mline, sizeof g->mline, "machine");
	g->genkeys[0] = '\0';
	g->what[0] = '\0';
	g->nstep = 0;
	g->image = false;
	sb_free(&g->intro);
	sb_init(&g->intro);
	switch (g->rq->kind) {
	case GEN_TRANSLATION:
		return (gen_translation(g, ve));
	case GEN_REPLACEMENT:
		return (gen_replacement(g, ve));
	case GEN_TLB:
		return (gen_tlb(g, ve));
	case GEN_SHADOW:
		return (gen_virt(g, false, ve));
	case GEN_NESTED:
	case GEN_KIND_N:
		break;
	}
	return (gen_virt(g, true, ve));
}

int
gen_scenario(const struct gen_request *rq, enum gen_form form,
    struct strbuf *out, struct verr *ve)
{
	const struct key_entry *k;
	struct lex_word v;
	struct lex_err le;
	struct strbuf text;
	struct gen *g;
	size_t i, attempt;
	int r = -1;

	memset(ve, 0, sizeof *ve);
	if ((g = (struct gen *)calloc(1, sizeof *g)) == NULL)
		return (verr_set(ve, NULL, "out of memory"));
	g->rq = rq;
	g->rng = rq->seed;
	sb_init(&g->intro);
	/* The machine keys given, read into one config for the draw. */
	mcfg_init(&g->fixed);
	for (i = 0; i < rq->nopts; i++) {
		if ((k = key_find(rq->opts[i].key,
		    strlen(rq->opts[i].key))) == NULL)
			continue;
		v.s = rq->opts[i].value;
		v.len = strlen(v.s);
		v.col = rq->opts[i].col;
		v.hicol = 0;
		if (k->set(k, &g->fixed, &v, &le) != 0) {
			verr_set(ve, k->name, "%s", le.msg);
			goto done;
		}
	}
	for (attempt = 0; attempt < GEN_TRIES; attempt++) {
		memset(ve, 0, sizeof *ve);
		if (gen_draw(g, ve) != 0 || (g->nomem && verr_set(ve, NULL,
		    "out of memory") != 0) || (g->image && gen_image(g,
		    ve) != 0) || gen_probe(g, ve) != 0) {
			if (g->nomem)
				break;
			if (g->final)
				break;
			continue;
		}
		r = 0;
		break;
	}
	if (r != 0) {
		if (ve->msg[0] == '\0')
			verr_set(ve, NULL, "no problem fits these keys");
		goto done;
	}
	sb_init(&text);
	gen_write_scenario(g, &text);
	if (text.failed)
		r = verr_set(ve, NULL, "out of memory");
	else
		r = gen_verify(g, text.s, text.len, ve);
	if (r == 0) {
		if (form == GEN_SCENARIO)
			sb_putn(out, text.s, text.len);
		else
			gen_write_sheet(g, out, form == GEN_ANSWERS);
		if (out->failed)
			r = verr_set(ve, NULL, "out of memory");
	}
	sb_free(&text);
done:
	sb_free(&g->intro);
	free(g->step);
	free(g);
	return (r);
}

/* The command: generate KIND [seed=N] [KEY=VALUE ...]. */

int
gen_cmd_parse(const struct cmd_entry *ce, const struct lex_line *l,
    struct cmd_parsed *p, struct lex_err *e)
{
	struct gen_request rq;

	if (cmd_keep_rest(ce, l, "KIND", p, e) != 0)
		return (-1);
	if (gen_parse(l->w + 1, l->nwords - 1, &rq, e) != 0)
		return (lex_prefix(e, "%s", ce->name));
	return (0);
}

int
gen_cmd_exec(struct session *s, const struct cmd_parsed *p)
{
	struct gen_request rq;
	struct lex_err le;
	struct verr ve;
	struct strbuf sb;
	const char *line, *nl, *end;
	size_t i;
	unsigned shift = p->namecol > 0 ? p->namecol - 1 : 0;

	if (gen_parse_string(p->path, strlen(p->path), &rq, &le) != 0) {
		run_error(s, le.col + shift, "generate: %s", le.msg);
		return (-1);
	}
	rq.kindcol += shift;
	for (i = 0; i < rq.nopts; i++)
		rq.opts[i].col += shift;
	sb_init(&sb);
	if (gen_scenario(&rq, GEN_SCENARIO, &sb, &ve) != 0) {
		sb_free(&sb);
		run_error(s, gen_argcol(&rq, ve.arg), "generate: %s", ve.msg);
		return (-1);
	}
	if (s->mode != RUN_CHECK && sb.s != NULL) {
		end = sb.s + sb.len;
		for (line = sb.s; line < end; line = nl + 1) {
			if ((nl = (const char *)memchr(line, '\n',
			    (size_t)(end - line))) == NULL)
				nl = end;
			if (nl == line)
				run_put(s, "", 0);
			else
				run_out(s, "  %.*s", (int)(nl - line), line);
		}
	}
	sb_free(&sb);
	return (0);
}
