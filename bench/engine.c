/*
 * engine.c - the step engine measured through its public API, without
 * the command language: the scenario is parsed beforehand (the machine
 * of its `machine` line, the set-up operations, the references 16 bytes
 * each, read through a fixed buffer), and only the engine's calls are
 * timed.
 *
 * Usage: engine FILE [stats|back|all]        (default: all)
 *
 *   stats  journal off, ENGINE_QUIET (statistics only, the trace-replay
 *          path): every operation of the file through engine_run (the
 *          fast path; fastest of 5 runs), then once through
 *          engine_submit + engine_step (every micro-step), references per
 *          second both ways, a check that both end with the same
 *          counters and state fingerprint, and the resident memory the
 *          engine takes; the last line (summary:) is for bench/run.sh;
 *   back   journal on (ENGINE_JOURNAL), on the set-up and the first
 *          600,000 references as struct op: forward steps up to step 10^6,
 *          `back 1` latency at step 10^3 and at step 10^6 (each `back 1`
 *          followed by one step to return), `back 1000` once, the
 *          forward steps slower than 1 ms (checkpoints), and `back 1`
 *          just after the last of them (the engine restores the
 *          checkpoint before and re-executes).
 *
 * Figures are printed, never judged: the exit status is 0 unless
 * something fails.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "core/engine.h"

#define STATS_RUNS	5u	/* engine_run runs; the fastest is shown */
#define BUF_SIZE	((size_t)1 << 20)	/* the file is read so */
#define BACK_REFS	600000u	/* references kept for the back bench */
#define BACK_REPS	1000u	/* back 1 + step, per measuring point */
#define NEAR_STEP	1000u	/* the first measuring point */
#define FAR_STEP	1000000u	/* the second */
#define SPIKES_KEEP	12u	/* positions of slow steps printed */
#define SLOW_MS		1.0	/* a step slower than this is a spike */

/* The scenario, read a line at a time through a fixed buffer. */
struct script {
	const char *path;
	FILE *f;
	char *buf;
	size_t pos, len;	/* unread bytes: buf[pos .. len) */
	size_t line;
	bool eof;
	struct mconfig cfg;
	bool has_machine;
	struct op *setup;	/* the operations before the first access */
	size_t nsetup, capsetup;
	struct op first;	/* the first access, read while looking for
				 * the end of the set-up */
	bool has_first;
};

/* ------------------------------------------------------------------ */
/* Clock and memory */

static double
peak_rss_mib(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0.0;
	return (double)ru.ru_maxrss / 1024.0;	/* KiB on Linux */
}

/* Resident memory now, or -1 where /proc is missing. */
static double
rss_mib(void)
{
	unsigned long long size, res;
	long pg = sysconf(_SC_PAGESIZE);
	FILE *f;
	int n;

	f = fopen("/proc/self/statm", "r");
	if (f == NULL)
		return -1.0;
	n = fscanf(f, "%llu %llu", &size, &res);
	fclose(f);
	if (n != 2 || pg <= 0)
		return -1.0;
	return (double)res * (double)pg / (1024.0 * 1024.0);
}

static void
die(const char *what, const char *msg)
{
	fprintf(stderr, "engine: %s: %s\n", what, msg);
	exit(1);
}

/* ------------------------------------------------------------------ */
/* The scenario: only what gen.c writes (machine, process, map, read,
 * write; comments and expect lines are skipped). */

static const char *
skip_blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	return p;
}

static const char *
word_end(const char *p, const char *end)
{
	while (p < end && *p != ' ' && *p != '\t' && *p != '\r')
		p++;
	return p;
}

static bool
word_is(const char *p, const char *q, const char *w)
{
	size_t n = strlen(w);

	return (size_t)(q - p) == n && memcmp(p, w, n) == 0;
}

/* A number (decimal or 0x hex, with an optional K, M or G) filling
 * [p, q); -1 if it is not one. */
static int
number(const char *p, const char *q, uint64_t *v)
{
	uint64_t n = 0;
	int d;

	if (p == q)
		return -1;
	if (q - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		for (p += 2; p < q && (d = hexval((unsigned char)*p)) >= 0;
		    p++)
			n = (n << 4) | (uint64_t)d;
	} else
		for (; p < q && *p >= '0' && *p <= '9'; p++)
			n = n * 10 + (uint64_t)(*p - '0');
	if (p < q && q - p == 1) {
		if (*p == 'K')
			n <<= 10;
		else if (*p == 'M')
			n <<= 20;
		else if (*p == 'G')
			n <<= 30;
		else
			return -1;
		p++;
	}
	if (p != q)
		return -1;
	*v = n;
	return 0;
}

static int
parse_machine(struct script *s, const char *p, const char *end)
{
	static const char *const pols[] = { "fifo", "lru", "clock", "opt",
		"random" };
	struct mconfig *c = &s->cfg;
	const char *q, *eq;
	uint64_t v;
	unsigned i;

	mcfg_init(c);
	for (p = skip_blanks(p, end); p < end; p = skip_blanks(q, end)) {
		q = word_end(p, end);
		eq = (const char *)memchr(p, '=', (size_t)(q - p));
		if (eq == NULL)
			return -1;
		if (word_is(p, eq, "policy")) {
			for (i = 0; i < 5; i++)
				if (word_is(eq + 1, q, pols[i]))
					break;
			if (i == 5)
				return -1;
			c->policy = (enum policy)i;
			continue;
		}
		if (word_is(p, eq, "tlb.ways") && word_is(eq + 1, q, "full")) {
			c->tlb_ways = 0;
			c->set |= MCFG_SET_TLBWAYS;
			continue;
		}
		if (number(eq + 1, q, &v) != 0)
			return -1;
		if (word_is(p, eq, "va"))
			c->va = (unsigned)v;
		else if (word_is(p, eq, "pa"))
			c->pa = (unsigned)v;
		else if (word_is(p, eq, "page"))
			c->page = v;
		else if (word_is(p, eq, "tlb"))
			c->tlb = (unsigned)v;
		else if (word_is(p, eq, "tlb.ways")) {
			c->tlb_ways = (unsigned)v;
			c->set |= MCFG_SET_TLBWAYS;
		} else if (word_is(p, eq, "frames")) {
			c->frames = v;
			c->set |= MCFG_SET_FRAMES;
		} else if (word_is(p, eq, "seed"))
			c->seed = v;
		else
			return -1;
	}
	s->has_machine = true;
	return 0;
}

/* One line [p, end) into *o: 1 an operation, 0 nothing (a comment, an
 * expect or the machine line), -1 a line the bench does not know. */
static int
parse_line(struct script *s, const char *p, const char *end, struct op *o)
{
	const char *q, *r;
	uint64_t v;

	p = skip_blanks(p, end);
	if (p == end || *p == '#')
		return 0;
	q = word_end(p, end);
	if (word_is(p, q, "read") || word_is(p, q, "write")) {
		op_init(o, *p == 'r' ? OP_READ : OP_WRITE);
		p = skip_blanks(q, end);
		q = word_end(p, end);
		if (number(p, q, &o->va) != 0)
			return -1;
		p = skip_blanks(q, end);
		if (p < end) {
			if (o->kind != OP_WRITE)
				return -1;
			q = word_end(p, end);
			if (number(p, q, &o->value) != 0)
				return -1;
		}
		return 1;
	}
	if (word_is(p, q, "machine"))
		return parse_machine(s, q, end);
	if (word_is(p, q, "expect"))
		return 0;
	if (word_is(p, q, "process")) {
		op_init(o, OP_PROCESS);
		p = skip_blanks(q, end);
		q = word_end(p, end);
		if (q == p || (size_t)(q - p) > NAME_MAX_LEN)
			return -1;
		memcpy(o->name, p, (size_t)(q - p));
		return 1;
	}
	if (word_is(p, q, "map")) {
		op_init(o, OP_MAP);
		p = skip_blanks(q, end);
		q = word_end(p, end);
		if (number(p, q, &o->va) != 0)
			return -1;
		for (p = skip_blanks(q, end); p < end; p = skip_blanks(q, end)) {
			q = word_end(p, end);
			r = (const char *)memchr(p, '=', (size_t)(q - p));
			if (word_is(p, q, "disk"))
				o->disk = true;
			else if (r != NULL && word_is(p, r, "pages") &&
			    number(r + 1, q, &v) == 0)
				o->pages = v;
			else
				return -1;
		}
		return 1;
	}
	return -1;
}

/* The next line [*p, *eol), false at the end of the file. */
static bool
next_line(struct script *s, const char **p, const char **eol)
{
	const char *nl;
	size_t got;

	for (;;) {
		nl = (const char *)memchr(s->buf + s->pos, '\n',
		    s->len - s->pos);
		if (nl != NULL || (s->eof && s->pos < s->len)) {
			*p = s->buf + s->pos;
			*eol = nl != NULL ? nl : s->buf + s->len;
			s->pos = nl != NULL ? (size_t)(nl - s->buf) + 1 : s->len;
			s->line++;
			return true;
		}
		if (s->eof)
			return false;
		memmove(s->buf, s->buf + s->pos, s->len - s->pos);
		s->len -= s->pos;
		s->pos = 0;
		if (s->len == BUF_SIZE)
			die(s->path, "a line longer than the buffer");
		got = fread(s->buf + s->len, 1, BUF_SIZE - s->len, s->f);
		if (ferror(s->f))
			die(s->path, "read error");
		s->len += got;
		if (got == 0)
			s->eof = true;
	}
}

/* The next operation of the file into *o; false at the end. */
static bool
next_op(struct script *s, struct op *o)
{
	const char *p, *eol;
	int r;

	if (s->has_first) {
		*o = s->first;
		s->has_first = false;
		return true;
	}
	while (next_line(s, &p, &eol)) {
		r = parse_line(s, p, eol, o);
		if (r < 0) {
			fprintf(stderr, "engine: %s:%zu: a line this bench does "
			    "not read: %.*s\n", s->path, s->line,
			    (int)(eol - p), p);
			exit(1);
		}
		if (r > 0)
			return true;
	}
	return false;
}

static bool
is_ref(const struct op *o)
{
	return o->kind == OP_READ || o->kind == OP_WRITE;
}

/* Open the file and read its machine and the operations before the
 * first access; the rest is read as the run goes (next_op). */
static void
script_open(struct script *s, const char *path)
{
	struct verr err;
	struct op o;

	memset(s, 0, sizeof *s);
	s->path = path;
	s->f = fopen(path, "r");
	if (s->f == NULL)
		die(path, strerror(errno));
	s->buf = (char *)malloc(BUF_SIZE);
	if (s->buf == NULL)
		die(path, "out of memory");
	while (next_op(s, &o)) {
		if (is_ref(&o)) {
			s->first = o;
			s->has_first = true;
			break;
		}
		if (s->nsetup == s->capsetup) {
			s->capsetup = s->capsetup ? s->capsetup * 2 : 16;
			s->setup = (struct op *)realloc(s->setup,
			    s->capsetup * sizeof *s->setup);
			if (s->setup == NULL)
				die(path, "out of memory");
		}
		s->setup[s->nsetup++] = o;
	}
	if (!s->has_machine)
		die(path, "no machine line before the first access");
	if (mcfg_finish(&s->cfg, &err) != 0)
		die("machine", err.msg);
}

static void
script_close(struct script *s)
{
	fclose(s->f);
	free(s->buf);
	free(s->setup);
}

/* ------------------------------------------------------------------ */
/* Running */

static struct engine *
start(const struct mconfig *c, unsigned flags)
{
	struct verr err;
	struct engine *e;

	e = engine_new(c, flags, &err);
	if (e == NULL)
		die("engine_new", err.msg);
	return e;
}

static void
submit(struct engine *e, const struct op *o, size_t i)
{
	struct verr err;

	if (engine_submit(e, o, &err) != 0) {
		fprintf(stderr, "engine: operation %zu refused: %s\n", i,
		    err.msg);
		exit(1);
	}
}

/* Run o to its end: through engine_run, or submit and every step. */
static void
run_op(struct engine *e, const struct op *o, size_t i, bool fast)
{
	struct verr err;
	struct event ev;

	if (fast) {
		if (engine_run(e, o, &err) != 0) {
			fprintf(stderr, "engine: operation %zu refused: %s\n",
			    i, err.msg);
			exit(1);
		}
		return;
	}
	submit(e, o, i);
	while (engine_step(e, &ev))
		;
}

static uint64_t
qnum(const struct engine *e, const char *name)
{
	struct verr err;
	struct qval q;

	if (engine_query(e, name, &q, &err) != 0)
		die(name, err.msg);
	return q.kind == QV_NUM ? q.num : 0;
}

static const char *
kind_name(enum op_kind k)
{
	switch (k) {
	case OP_PROCESS:
		return "process";
	case OP_MAP:
		return "map";
	case OP_READ:
		return "read";
	case OP_WRITE:
		return "write";
	default:
		return "other";
	}
}

/* The references, parsed before anything is timed, 16 bytes each (a
 * struct op is 168: the timed loop fills one and hands it to the
 * engine, as a replay does).  An operation other than a read or a write
 * after the first access is kept whole in others[], and its ref says
 * which (kind OTHER, value its index). */
#define OTHER 0xffffffffu

struct ref {
	uint64_t va;
	uint32_t value;
	uint32_t kind;
};

struct input {
	struct mconfig cfg;
	struct op *setup;
	size_t nsetup;
	struct ref *refs;
	size_t nrefs, cap;	/* refs[] entries */
	uint64_t naccesses;	/* reads and writes among them */
	struct op *others;
	size_t nothers;
};

static void
load_input(struct input *in, const char *path)
{
	struct script s;
	struct ref *r;
	struct op o;

	memset(in, 0, sizeof *in);
	script_open(&s, path);
	in->cfg = s.cfg;
	in->setup = s.setup;
	in->nsetup = s.nsetup;
	s.setup = NULL;
	while (next_op(&s, &o)) {
		if (in->nrefs == in->cap) {
			in->cap = in->cap ? in->cap * 2 : 1 << 16;
			in->refs = (struct ref *)realloc(in->refs, in->cap *
			    sizeof *in->refs);
			if (in->refs == NULL)
				die(path, "out of memory");
		}
		r = &in->refs[in->nrefs++];
		r->va = o.va;
		r->kind = o.kind;
		if (is_ref(&o) && o.value <= UINT32_MAX) {
			r->value = (uint32_t)o.value;
			in->naccesses++;
			continue;
		}
		in->others = (struct op *)realloc(in->others,
		    (in->nothers + 1) * sizeof *in->others);
		if (in->others == NULL)
			die(path, "out of memory");
		in->others[in->nothers] = o;
		r->kind = OTHER;
		r->value = (uint32_t)in->nothers++;
	}
	script_close(&s);
}

static void
free_input(struct input *in)
{
	free(in->setup);
	free(in->refs);
	free(in->others);
}

struct round {
	double setup, refs;	/* seconds in the engine */
	double rss0, rss1;	/* RSS before the engine, after the run */
	struct engine *e;
};

/* One run of the whole file, journal off. */
static void
stats_round(const struct input *in, bool fast, struct round *rd)
{
	const struct ref *r, *end = in->refs + in->nrefs;
	struct op o;
	size_t i;
	double t0;

	memset(rd, 0, sizeof *rd);
	rd->rss0 = rss_mib();
	rd->e = start(&in->cfg, ENGINE_QUIET);
	t0 = now();
	for (i = 0; i < in->nsetup; i++)
		run_op(rd->e, &in->setup[i], i, fast);
	rd->setup = now() - t0;
	op_init(&o, OP_READ);
	t0 = now();
	for (r = in->refs; r < end; r++) {
		if (r->kind == OTHER) {
			run_op(rd->e, &in->others[r->value], 0, fast);
			continue;
		}
		o.kind = (enum op_kind)r->kind;
		o.va = r->va;
		o.value = r->value;
		run_op(rd->e, &o, (size_t)(r - in->refs), fast);
	}
	rd->refs = now() - t0;
	rd->rss1 = rss_mib();
}

static double
per_s(uint64_t n, double s)
{
	return s > 0 ? (double)n / s : 0.0;
}

static void
bench_stats(const char *path)
{
	struct round rd[STATS_RUNS], slow;
	uint64_t hits, misses, steps, n;
	struct input in;
	unsigned i, b = 0;
	double rss_in;
	bool same;

	load_input(&in, path);
	rss_in = rss_mib();
	n = in.naccesses;
	/* the first run measures memory too; the fastest run is shown */
	for (i = 0; i < STATS_RUNS; i++) {
		stats_round(&in, true, &rd[i]);
		if (i > 0)
			engine_free(rd[i].e);
		if (rd[i].refs < rd[b].refs)
			b = i;
	}
	stats_round(&in, false, &slow);
	steps = engine_position(rd[0].e);
	same = engine_state_hash(rd[0].e) == engine_state_hash(slow.e) &&
	    steps == engine_position(slow.e);
	for (i = 0; engine_query_names[i] != NULL; i++)
		if (strchr(engine_query_names[i], '.') == NULL ||
		    strncmp(engine_query_names[i], "tlb.", 4) == 0)
			same = same && qnum(rd[0].e, engine_query_names[i]) ==
			    qnum(slow.e, engine_query_names[i]);

	printf("\nengine, journal off (statistics only): %llu references, "
	    "parsed beforehand (%.1f MiB, 16 bytes each); only the engine "
	    "is timed\n", (unsigned long long)n,
	    (double)(in.nrefs * sizeof *in.refs) / (1024.0 * 1024.0));
	printf("  set-up (process, %zu map ops) %9.3f s   (%llu micro-steps "
	    "in the whole run)\n", in.nsetup - 1, rd[b].setup,
	    (unsigned long long)steps);
	printf("  engine_run (fast path)       %10.3f s   %12.0f refs/s   "
	    "%7.1f ns/ref   (fastest of %u:", rd[b].refs, per_s(n, rd[b].refs),
	    n ? rd[b].refs * 1e9 / (double)n : 0.0, STATS_RUNS);
	for (i = 0; i < STATS_RUNS; i++)
		printf(" %.3f s", rd[i].refs);
	printf(")\n");
	printf("  submit + step (micro-steps)  %10.3f s   %12.0f refs/s   "
	    "%7.1f ns/ref   (one run)\n", slow.refs, per_s(n, slow.refs),
	    n ? slow.refs * 1e9 / (double)n : 0.0);
	printf("  the same counters, state fingerprint and position both "
	    "ways: %s\n", same ? "yes" : "NO");
	hits = qnum(rd[0].e, "tlb.hits");
	misses = qnum(rd[0].e, "tlb.misses");
	printf("  accesses %llu   tlb.hits %llu   tlb.misses %llu (hit rate "
	    "%.2f%%)\n", (unsigned long long)qnum(rd[0].e, "accesses"),
	    (unsigned long long)hits, (unsigned long long)misses,
	    hits + misses ? 100.0 * (double)hits / (double)(hits + misses) :
	    0.0);
	printf("  faults %llu   writebacks %llu   cycles %llu\n",
	    (unsigned long long)qnum(rd[0].e, "faults"),
	    (unsigned long long)qnum(rd[0].e, "writebacks"),
	    (unsigned long long)qnum(rd[0].e, "cycles"));
	printf("  RSS with the input parsed %.1f MiB, after the first run %.1f "
	    "MiB: the engine's share %.1f MiB\n", rss_in, rd[0].rss1,
	    rd[0].rss1 - rd[0].rss0);
	printf("summary: refs=%llu fast_refs_per_s=%.0f slow_refs_per_s=%.0f "
	    "engine_mib=%.1f same=%s\n", (unsigned long long)n,
	    per_s(n, rd[b].refs), per_s(n, slow.refs),
	    rd[0].rss1 - rd[0].rss0, same ? "yes" : "no");
	engine_free(rd[0].e);
	engine_free(slow.e);
	free_input(&in);
	if (!same)
		die("stats", "engine_run and submit + step disagree");
}

/* The operations of the back bench, all in memory (the journal keeps
 * them too): the set-up and the first BACK_REFS references. */
struct oplist {
	struct mconfig cfg;
	struct op *ops;
	size_t nops;
};

static void
load_ops(struct oplist *l, const char *path)
{
	struct script s;
	size_t i, cap, refs = 0;

	script_open(&s, path);
	l->cfg = s.cfg;
	cap = s.nsetup + BACK_REFS;
	l->ops = (struct op *)malloc(cap * sizeof *l->ops);
	if (l->ops == NULL)
		die(path, "out of memory");
	for (i = 0; i < s.nsetup; i++)
		l->ops[i] = s.setup[i];
	l->nops = s.nsetup;
	while (refs < BACK_REFS && next_op(&s, &l->ops[l->nops])) {
		if (is_ref(&l->ops[l->nops]))
			refs++;
		l->nops++;
	}
	script_close(&s);
}

struct runner {
	struct engine *e;
	const struct oplist *s;
	size_t next;		/* the next operation to submit */
	uint32_t op;		/* the operation of the last step */
	double fwd_sec;		/* time in forward steps */
	uint64_t fwd_steps;
	uint64_t spike_pos[SPIKES_KEEP];	/* steps over SLOW_MS */
	double spike_sec;	/* time in them */
	double spike_max;
	size_t nspikes;
	uint64_t last_spike;
};

static void
note_step(struct runner *r, uint64_t pos, double sec)
{
	r->fwd_sec += sec;
	r->fwd_steps++;
	if (sec * 1e3 < SLOW_MS)
		return;
	if (r->nspikes < SPIKES_KEEP)
		r->spike_pos[r->nspikes] = pos;
	r->nspikes++;
	r->spike_sec += sec;
	if (sec > r->spike_max)
		r->spike_max = sec;
	r->last_spike = pos;
}

/* Step forward to position target, submitting operations as the
 * previous ones finish; every step timed. */
static void
advance(struct runner *r, uint64_t target, bool timed)
{
	struct event ev;
	double t0, t1;

	while (engine_position(r->e) < target) {
		if (!engine_busy(r->e) && !engine_has_future(r->e)) {
			if (r->next == r->s->nops)
				break;
			submit(r->e, &r->s->ops[r->next], r->next);
			r->next++;
		}
		t0 = now();
		if (!engine_step(r->e, &ev))
			break;
		t1 = now();
		r->op = ev.op;
		if (timed)
			note_step(r, ev.step, t1 - t0);
	}
}

struct backfig {
	uint64_t pos;
	const char *what;	/* the kind of the operation there */
	double back_avg, back_max, step_avg, back1000, redo1000;
};

static void
measure_back(struct runner *r, struct backfig *b)
{
	double t0, t1, t2, sb = 0, ss = 0;
	struct verr err;
	struct event ev;
	uint64_t moved;
	unsigned i;

	b->pos = engine_position(r->e);
	b->what = kind_name(r->s->ops[r->op].kind);
	b->back_max = 0;
	for (i = 0; i < BACK_REPS; i++) {
		t0 = now();
		if (engine_back(r->e, 1, &moved, &err) != 0)
			die("back 1", err.msg);
		t1 = now();
		if (moved != 1 || !engine_step(r->e, &ev))
			die("back 1", "did not move one step");
		t2 = now();
		sb += t1 - t0;
		ss += t2 - t1;
		if (t1 - t0 > b->back_max)
			b->back_max = t1 - t0;
	}
	b->back_avg = sb / BACK_REPS;
	b->step_avg = ss / BACK_REPS;
	t0 = now();
	if (engine_back(r->e, 1000, &moved, &err) != 0)
		die("back 1000", err.msg);
	t1 = now();
	if (engine_goto(r->e, b->pos, &err) != 0)
		die("goto", err.msg);
	t2 = now();
	if (engine_position(r->e) != b->pos)
		die("back 1000", "did not come back");
	b->back1000 = t1 - t0;
	b->redo1000 = t2 - t1;
}

static void
bench_back(const struct oplist *s)
{
	struct backfig near, far;
	double t0, t1, t2, tb, rss0, rss1;
	struct runner r;
	struct verr err;
	struct event ev;
	uint64_t moved, last;
	unsigned i;

	memset(&r, 0, sizeof r);
	r.s = s;
	rss0 = rss_mib();
	r.e = start(&s->cfg, ENGINE_JOURNAL);
	printf("\nengine, journal on (ENGINE_JOURNAL): back at step %u and at "
	    "step %u\n", NEAR_STEP, FAR_STEP);

	advance(&r, NEAR_STEP, false);
	if (engine_position(r.e) < NEAR_STEP)
		die("back", "the scenario has fewer than 1000 micro-steps");
	measure_back(&r, &near);
	t0 = now();
	advance(&r, FAR_STEP, true);
	t1 = now();
	if (engine_position(r.e) < FAR_STEP)
		printf("  (the scenario ends at micro-step %llu, before %u: the "
		    "second column is measured there)\n",
		    (unsigned long long)engine_position(r.e), FAR_STEP);
	rss1 = rss_mib();
	measure_back(&r, &far);

	printf("  %-34s %14s %14s\n", "", "at step 10^3", "at step 10^6");
	printf("  %-34s %14llu %14llu\n", "position",
	    (unsigned long long)near.pos, (unsigned long long)far.pos);
	printf("  %-34s %14s %14s\n", "operation there", near.what, far.what);
	printf("  %-34s %11.3f us %11.3f us\n", "back 1, average of 1000",
	    near.back_avg * 1e6, far.back_avg * 1e6);
	printf("  %-34s %11.3f us %11.3f us\n", "back 1, slowest of 1000",
	    near.back_max * 1e6, far.back_max * 1e6);
	printf("  %-34s %11.3f us %11.3f us\n", "step after back 1 (redo), avg",
	    near.step_avg * 1e6, far.step_avg * 1e6);
	printf("  %-34s %11.3f us %11.3f us\n", "back 1000, once",
	    near.back1000 * 1e6, far.back1000 * 1e6);
	printf("  %-34s %11.3f us %11.3f us\n", "1000 steps to return, once",
	    near.redo1000 * 1e6, far.redo1000 * 1e6);

	printf("  forward steps %u..%llu, journal on: %.3f s, %.1f ns/step "
	    "on average\n", NEAR_STEP, (unsigned long long)far.pos, t1 - t0,
	    r.fwd_steps ? r.fwd_sec * 1e9 / (double)r.fwd_steps : 0.0);
	if (r.nspikes > 0) {
		printf("  of which %zu steps over %.0f ms (checkpoints; while "
		    "mapping, also the OS's page map growing): %.3f s in all, "
		    "slowest %.1f ms; the other steps %.1f ns/step\n",
		    r.nspikes, SLOW_MS, r.spike_sec, r.spike_max * 1e3,
		    (r.fwd_sec - r.spike_sec) * 1e9 /
		    (double)(r.fwd_steps - r.nspikes));
		printf("  at steps");
		for (i = 0; i < r.nspikes && i < SPIKES_KEEP; i++)
			printf(" %llu", (unsigned long long)r.spike_pos[i]);
		printf("%s\n", r.nspikes > SPIKES_KEEP ? " ..." : "");
	}

	/* The dearest `back 1`: just after a checkpoint the journal holds
	 * nothing to undo, so the engine restores the checkpoint before and
	 * re-executes up to here.  The last spike is taken for the last
	 * checkpoint. */
	if (r.last_spike != 0) {
		last = r.last_spike;
		if (engine_goto(r.e, last, &err) != 0)
			die("goto", err.msg);
		t0 = now();
		if (engine_back(r.e, 1, &moved, &err) != 0)
			die("back 1", err.msg);
		t1 = now();
		if (!engine_step(r.e, &ev))
			die("step", "idle");
		t2 = now();
		tb = t1 - t0;
		printf("  back 1 at step %llu, just after the last of them: "
		    "%.3f ms (the step to return: %.3f us)\n",
		    (unsigned long long)last, tb * 1e3, (t2 - t1) * 1e6);
		if (engine_goto(r.e, far.pos, &err) != 0)
			die("goto", err.msg);
	} else
		printf("  no forward step took %.0f ms or more: no checkpoint "
		    "seen\n", SLOW_MS);
	printf("  RSS before the engine %.1f MiB, at step %llu %.1f MiB "
	    "(the engine's share %.1f MiB), peak %.1f MiB\n", rss0,
	    (unsigned long long)far.pos, rss1, rss1 - rss0, peak_rss_mib());
	engine_free(r.e);
}

int
main(int argc, char **argv)
{
	const char *mode = argc > 2 ? argv[2] : "all";
	struct oplist l;

	if (argc < 2 || argc > 3 || (strcmp(mode, "stats") != 0 &&
	    strcmp(mode, "back") != 0 && strcmp(mode, "all") != 0)) {
		fprintf(stderr, "usage: engine FILE [stats|back|all]\n");
		return 2;
	}
	if (strcmp(mode, "back") != 0)
		bench_stats(argv[1]);
	if (strcmp(mode, "stats") != 0) {
		load_ops(&l, argv[1]);
		bench_back(&l);
		free(l.ops);
	}
	return 0;
}
