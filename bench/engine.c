/*
 * engine.c - the step engine measured through its public API, without
 * the command language: the scenario is parsed beforehand into an array
 * of struct op (with the machine of its `machine` line), and only
 * engine_submit + engine_step are timed.
 *
 * Usage: engine FILE [stats|back|all]        (default: all)
 *
 *   stats  journal off (statistics only, the trace-replay path): every
 *          operation of the file, references per second, the engine's
 *          counters, and the resident memory as the run grows;
 *   back   journal on (ENGINE_JOURNAL): forward steps up to step 10^6,
 *          `back 1` latency at step 10^3 and at step 10^6 (each `back 1`
 *          followed by one step to return), `back 1000` once, the
 *          forward steps slower than 1 ms (checkpoints), and `back 1`
 *          just after the last of them (the engine restores the
 *          checkpoint before and re-executes).
 *
 * Peak RSS is the process's (getrusage); the pre-parsed operations are
 * part of it, so their share is printed first.  Figures are printed,
 * never judged: the exit status is 0 unless something fails.
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

#define STATS_RUNS	3u	/* journal-off runs; the fastest is shown */
#define BACK_REPS	1000u	/* back 1 + step, per measuring point */
#define NEAR_STEP	1000u	/* the first measuring point */
#define FAR_STEP	1000000u	/* the second */
#define SPIKES_KEEP	12u	/* positions of slow steps printed */
#define SLOW_MS		1.0	/* a step slower than this is a spike */

struct script {
	struct mconfig cfg;
	bool has_machine;
	struct op *ops;
	size_t nops, cap;
	size_t nrefs;		/* read and write operations */
	size_t nsetup;		/* operations before the first access */
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

static struct op *
new_op(struct script *s, enum op_kind k)
{
	struct op *n;
	size_t cap;

	if (s->nops == s->cap) {
		cap = s->cap ? s->cap * 2 : 1024;
		n = (struct op *)realloc(s->ops, cap * sizeof *n);
		if (n == NULL)
			die("parse", "out of memory");
		s->ops = n;
		s->cap = cap;
	}
	n = &s->ops[s->nops++];
	op_init(n, k);
	return n;
}

/* One line [p, end); -1 if the bench does not know it. */
static int
parse_line(struct script *s, const char *p, const char *end)
{
	const char *q, *r;
	struct op *o;
	uint64_t v;

	p = skip_blanks(p, end);
	if (p == end || *p == '#')
		return 0;
	q = word_end(p, end);
	if (word_is(p, q, "read") || word_is(p, q, "write")) {
		o = new_op(s, *p == 'r' ? OP_READ : OP_WRITE);
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
		if (s->nrefs++ == 0)
			s->nsetup = s->nops - 1;
		return 0;
	}
	if (word_is(p, q, "machine"))
		return parse_machine(s, q, end);
	if (word_is(p, q, "expect"))
		return 0;
	if (word_is(p, q, "process")) {
		o = new_op(s, OP_PROCESS);
		p = skip_blanks(q, end);
		q = word_end(p, end);
		if (q == p || (size_t)(q - p) > NAME_MAX_LEN)
			return -1;
		memcpy(o->name, p, (size_t)(q - p));
		return 0;
	}
	if (word_is(p, q, "map")) {
		o = new_op(s, OP_MAP);
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
		return 0;
	}
	return -1;
}

static void
load(struct script *s, const char *path)
{
	size_t len = 0, cap = (size_t)1 << 20, got, line = 0;
	const char *p, *end, *eol;
	char *buf, *nb;
	struct verr err;
	FILE *f;

	memset(s, 0, sizeof *s);
	f = fopen(path, "r");
	if (f == NULL)
		die(path, strerror(errno));
	buf = (char *)malloc(cap);
	for (;;) {
		if (buf == NULL)
			die(path, "out of memory");
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (len < cap)
			break;
		cap *= 2;
		nb = (char *)realloc(buf, cap);
		if (nb == NULL)
			free(buf);
		buf = nb;
	}
	if (ferror(f))
		die(path, "read error");
	fclose(f);
	for (p = buf, end = buf + len; p < end; p = eol + 1) {
		eol = (const char *)memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		line++;
		if (parse_line(s, p, eol) != 0) {
			fprintf(stderr, "engine: %s:%zu: a line this bench does "
			    "not read: %.*s\n", path, line, (int)(eol - p), p);
			exit(1);
		}
	}
	free(buf);
	if (!s->has_machine)
		die(path, "no machine line");
	if (s->nrefs == 0)
		s->nsetup = s->nops;
	if (mcfg_finish(&s->cfg, &err) != 0)
		die("machine", err.msg);
}

/* ------------------------------------------------------------------ */
/* Running */

static struct engine *
start(const struct script *s, unsigned flags)
{
	struct verr err;
	struct engine *e;

	e = engine_new(&s->cfg, flags, &err);
	if (e == NULL)
		die("engine_new", err.msg);
	return e;
}

static void
submit(struct engine *e, const struct script *s, size_t i)
{
	struct verr err;

	if (engine_submit(e, &s->ops[i], &err) != 0) {
		fprintf(stderr, "engine: operation %zu refused: %s\n", i,
		    err.msg);
		exit(1);
	}
}

/* Submit and run operations [from, to) to the end. */
static void
run_ops(struct engine *e, const struct script *s, size_t from, size_t to)
{
	struct event ev;
	size_t i;

	for (i = from; i < to; i++) {
		submit(e, s, i);
		while (engine_step(e, &ev))
			;
	}
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

/* One run of the whole file, journal off: the setup and reference
 * times; rss (if not NULL) gets the resident memory after each quarter
 * of the references.  Returns the engine, for its counters. */
static struct engine *
stats_round(const struct script *s, double *setup, double *refs,
    double *rss)
{
	double t0, t1, t2;
	size_t q, from, to;
	struct engine *e;

	e = start(s, ENGINE_QUIET);
	t0 = now();
	run_ops(e, s, 0, s->nsetup);
	t1 = now();
	for (q = 0; q < 4; q++) {
		from = s->nsetup + s->nrefs * q / 4;
		to = s->nsetup + s->nrefs * (q + 1) / 4;
		run_ops(e, s, from, to);
		if (rss != NULL)
			rss[q] = rss_mib();
	}
	t2 = now();
	*setup = t1 - t0;
	*refs = t2 - t1;
	return e;
}

static void
bench_stats(const struct script *s)
{
	double setup[STATS_RUNS], refs[STATS_RUNS], rss0, rss[4], ts, tr;
	struct engine *e;
	uint64_t hits, misses, steps;
	unsigned i, b = 0;

	rss0 = rss_mib();
	printf("\nengine, journal off (statistics only): %zu references\n",
	    s->nrefs);
	printf("  pre-parsed operations        %10zu ops x %zu B = %.1f MiB "
	    "(RSS before the engine: %.1f MiB)\n", s->nops, sizeof(struct op),
	    (double)(s->nops * sizeof(struct op)) / (1024.0 * 1024.0), rss0);

	/* the first run measures memory too; the fastest run is shown */
	e = stats_round(s, &setup[0], &refs[0], rss);
	for (i = 1; i < STATS_RUNS; i++) {
		engine_free(stats_round(s, &setup[i], &refs[i], NULL));
		if (setup[i] + refs[i] < setup[b] + refs[b])
			b = i;
	}
	ts = setup[b];
	tr = refs[b];
	steps = engine_position(e);

	printf("  fastest of %u runs (whole file:", STATS_RUNS);
	for (i = 0; i < STATS_RUNS; i++)
		printf(" %.3f s", setup[i] + refs[i]);
	printf(")\n");
	printf("  setup (process, %zu map ops) %10.3f s   %llu micro-steps "
	    "in all\n", s->nsetup - 1, ts, (unsigned long long)steps);
	printf("  references                   %10.3f s   %12.0f refs/s   "
	    "%7.1f ns/ref\n", tr, tr > 0 ? (double)s->nrefs / tr : 0.0,
	    s->nrefs ? tr * 1e9 / (double)s->nrefs : 0.0);
	printf("  whole file (setup + refs)    %10.3f s   %12.0f refs/s   "
	    "%7.1f ns/micro-step\n", ts + tr, ts + tr > 0 ?
	    (double)s->nrefs / (ts + tr) : 0.0, steps ?
	    (ts + tr) * 1e9 / (double)steps : 0.0);
	hits = qnum(e, "tlb.hits");
	misses = qnum(e, "tlb.misses");
	printf("  accesses %llu   tlb.hits %llu   tlb.misses %llu (hit rate "
	    "%.2f%%)\n", (unsigned long long)qnum(e, "accesses"),
	    (unsigned long long)hits, (unsigned long long)misses,
	    hits + misses ? 100.0 * (double)hits / (double)(hits + misses) :
	    0.0);
	printf("  faults %llu   writebacks %llu   cycles %llu\n",
	    (unsigned long long)qnum(e, "faults"),
	    (unsigned long long)qnum(e, "writebacks"),
	    (unsigned long long)qnum(e, "cycles"));
	printf("  RSS after 25%% / 50%% / 75%% / 100%% of the references (first "
	    "run): %.1f / %.1f / %.1f / %.1f MiB\n", rss[0], rss[1], rss[2],
	    rss[3]);
	printf("  engine's share at the end (RSS then - RSS before it): "
	    "%.1f MiB\n", rss[3] - rss0);
	engine_free(e);
}

struct runner {
	struct engine *e;
	const struct script *s;
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
			submit(r->e, r->s, r->next++);
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
bench_back(const struct script *s)
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
	r.e = start(s, ENGINE_JOURNAL);
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
	struct script s;

	if (argc < 2 || argc > 3 || (strcmp(mode, "stats") != 0 &&
	    strcmp(mode, "back") != 0 && strcmp(mode, "all") != 0)) {
		fprintf(stderr, "usage: engine FILE [stats|back|all]\n");
		return 2;
	}
	load(&s, argv[1]);
	if (strcmp(mode, "back") != 0)
		bench_stats(&s);
	if (strcmp(mode, "stats") != 0)
		bench_back(&s);
	free(s.ops);
	return 0;
}
