/*
 * sweep.c - a machine key swept over values.  Each value makes one run
 * of the workload in a session of its own (no transcript, no events, no
 * journal): a scenario runs as --check would, every machine it makes
 * getting the key's value (its expects are for the machine it was
 * written for, so failed ones are not errors here); a memory trace is
 * replayed on the current machine with the key's value.  The engine's
 * counters of each run make the points; the report is a table, a text
 * chart per curve (bars scaled to the largest value) and, with --csv,
 * a CSV file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "keys.h"
#include "lex.h"
#include "run.h"
#include "sweep.h"
#include "trace.h"


struct sweep_args {
	const struct key_entry *key;
	unsigned	 keycol;
	char		 val[SWEEP_MAX][32];
	unsigned	 valcol[SWEEP_MAX];
	size_t		 n;
	char		 on[LEX_LINE_MAX + 1];	/* "" none */
	unsigned	 oncol;
	char		 csv[LEX_LINE_MAX + 1];	/* "" none */
	unsigned	 csvcol;
};

/* A number with an optional K, M or G (binary) suffix. */
static int
sweep_num(const char *s, size_t len, uint64_t *v)
{
	uint64_t n = 0, mul = 1;
	size_t i;

	if (len > 0 && (s[len - 1] == 'K' || s[len - 1] == 'M' ||
	    s[len - 1] == 'G')) {
		mul = s[len - 1] == 'K' ? 1024u : s[len - 1] == 'M' ?
		    1024u * 1024u : 1024u * 1024u * 1024u;
		len--;
	}
	if (len == 0 || len > 12)
		return (-1);
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		n = n * 10 + (uint64_t)(s[i] - '0');
	}
	*v = n * mul;
	return (0);
}

/* Is the value one the key takes? (on a scratch machine) */
static int
sweep_value_ok(const struct key_entry *k, const char *v, unsigned col,
    struct lex_err *e)
{
	struct mconfig c;
	struct lex_word w;

	mcfg_init(&c);
	memset(&w, 0, sizeof w);
	w.s = v;
	w.len = strlen(v);
	w.col = col;
	if (k->set(k, &c, &w, e) != 0)
		return (-1);
	return (0);
}

static int
sweep_add(struct sweep_args *a, const char *v, size_t len, unsigned col,
    struct lex_err *e)
{
	if (a->n == SWEEP_MAX)
		return (lex_error(e, col, "sweep: more than %d values",
		    SWEEP_MAX));
	if (len >= sizeof a->val[0])
		return (lex_error(e, col, "sweep: a value of more than %zu "
		    "characters", sizeof a->val[0] - 1));
	memcpy(a->val[a->n], v, len);
	a->val[a->n][len] = '\0';
	a->valcol[a->n] = col;
	if (sweep_value_ok(a->key, a->val[a->n], col, e) != 0)
		return (-1);
	a->n++;
	return (0);
}

/* sweep KEY V1 V2 ... [on FILE] [--csv OUT] */
static int
sweep_args(const struct lex_line *l, struct sweep_args *a, struct lex_err *e)
{
	const struct lex_word *w;
	const char *dots;
	char q[LEX_QUOTE_SIZE], num[32];
	uint64_t lo, hi, v;
	size_t i;

	memset(a, 0, sizeof *a);
	if (l->nwords < 2)
		return (lex_error(e, l->w[0].col + 5, "sweep: missing KEY; "
		    "usage: sweep KEY V1 V2 ... [on FILE] [--csv OUT]"));
	w = &l->w[1];
	if ((a->key = key_find(w->s, w->len)) == NULL) {
		lex_quote(q, sizeof q, w->s, w->len);
		return (lex_error(e, w->col, "sweep: %s is not a machine key "
		    "('help machine' lists them)", q));
	}
	a->keycol = w->col;
	for (i = 2; i < l->nwords; i++) {
		w = &l->w[i];
		if (lex_eq(w, "on") || lex_eq(w, "--csv")) {
			char *dst = lex_eq(w, "on") ? a->on : a->csv;

			if (i + 1 >= l->nwords)
				return (lex_error(e, w->col + (unsigned)w->len,
				    "sweep: '%.*s' needs a FILE after it",
				    (int)w->len, w->s));
			if (*dst != '\0')
				return (lex_error(e, w->col, "sweep: '%.*s' "
				    "given twice", (int)w->len, w->s));
			memcpy(dst, l->w[i + 1].s, l->w[i + 1].len);
			dst[l->w[i + 1].len] = '\0';
			if (dst == a->on)
				a->oncol = l->w[i + 1].col;
			else
				a->csvcol = l->w[i + 1].col;
			i++;
			continue;
		}
		if (a->on[0] != '\0' || a->csv[0] != '\0') {
			lex_quote(q, sizeof q, w->s, w->len);
			return (lex_error(e, w->col, "sweep: unexpected %s after "
			    "the values", q));
		}
		dots = (const char *)memchr(w->s, '.', w->len);
		if (dots != NULL && dots + 1 < w->s + w->len && dots[1] == '.') {
			/* A..B: A, 2A, 4A ... up to B */
			if (sweep_num(w->s, (size_t)(dots - w->s), &lo) != 0 ||
			    sweep_num(dots + 2, w->len - (size_t)(dots + 2 -
			    w->s), &hi) != 0 || lo == 0 || hi < lo)
				return (lex_error(e, w->col, "sweep: a range is "
				    "A..B, numbers with 0 < A <= B (A, 2A, 4A "
				    "... up to B)"));
			for (v = lo; v <= hi; v *= 2) {
				snprintf(num, sizeof num, "%llu",
				    (unsigned long long)v);
				if (sweep_add(a, num, strlen(num), w->col, e) !=
				    0)
					return (-1);
				if (v > UINT64_MAX / 2)
					break;
			}
			continue;
		}
		if (sweep_add(a, w->s, w->len, w->col, e) != 0)
			return (-1);
	}
	if (a->n == 0)
		return (lex_error(e, l->w[1].col + (unsigned)l->w[1].len,
		    "sweep: no values for %s", a->key->name));
	return (0);
}

int
sweep_cmd_parse(const struct cmd_entry *ce, const struct lex_line *l,
    struct cmd_parsed *p, struct lex_err *e)
{
	struct sweep_args *a;
	int r;

	(void)ce;
	(void)p;
	if ((a = (struct sweep_args *)malloc(sizeof *a)) == NULL)
		return (lex_error(e, l->w[0].col, "sweep: out of memory"));
	r = sweep_args(l, a, e);
	free(a);
	return (r);
}

/* A scenario, or a trace?  A scenario's first meaningful line is a
 * command or narration. */
static int
sweep_is_scenario(const char *buf, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		while (i < len && (buf[i] == ' ' || buf[i] == '\t' ||
		    buf[i] == '\r' || buf[i] == '\n'))
			i++;
		if (i < len && buf[i] == '#') {
			while (i < len && buf[i] != '\n')
				i++;
			continue;
		}
		break;
	}
	if (i >= len)
		return (1);
	if (buf[i] == '>')
		return (1);
	for (n = 0; i + n < len && buf[i + n] >= 'a' && buf[i + n] <= 'z';
	    n++)
		;
	return (n > 0 && cmd_find(buf + i, n) != NULL);
}

/* The first error of a run, for the message of the sweep. */
struct sweep_err {
	char	msg[512];
	int	n;
};

static void
sweep_err_sink(void *arg, const char *line, size_t len)
{
	struct sweep_err *se = (struct sweep_err *)arg;

	if (se->n++ == 0)
		snprintf(se->msg, sizeof se->msg, "%.*s", (int)len, line);
}

static void
sweep_out_none(void *arg, const char *line, size_t len)
{
	(void)arg;
	(void)line;
	(void)len;
}

static void
sweep_out_run(void *arg, const char *line)
{
	run_out((struct session *)arg, "%s", line);
}

/* One run: 0, or -1 (reported). */
static int
sweep_one(struct session *s, const struct sweep_args *a, size_t i,
    const char *buf, size_t len, const char *real, int scenario,
    struct sweep_point *pt)
{
	struct session *sub;
	struct sweep_err se;
	struct verr ve;
	int r = 0;

	memset(&ve, 0, sizeof ve);
	memset(&se, 0, sizeof se);
	if ((sub = run_new(RUN_CHECK, 0, &ve)) == NULL) {
		run_error(s, a->valcol[i], "sweep: %s", ve.msg);
		return (-1);
	}
	run_set_output(sub, sweep_out_none, NULL);
	run_set_errors(sub, sweep_err_sink, &se);
	sub->step_limit = s->step_limit;
	sub->stop = s->stop;
	sub->stop_arg = s->stop_arg;
	sub->parent = s;
	sub->override_key = a->key;
	snprintf(sub->override_val, sizeof sub->override_val, "%s",
	    a->val[i]);
	snprintf(pt->value, sizeof pt->value, "%s", a->val[i]);
	if (scenario) {
		/* in its own folder: its loads obey their folder rule */
		(void)run_string_at(sub, a->on, real, buf, len);
		if (sub->fstatus >= 2) {
			run_error(s, a->valcol[i], "sweep: %s=%s: %s",
			    a->key->name, a->val[i], se.msg);
			r = -1;
		}
	} else {
		/* a trace, on the current machine's settings and the value */
		struct trace_opts to;
		struct mconfig c = *engine_config(s->engine);
		struct lex_word w;
		struct lex_err le;

		memset(&w, 0, sizeof w);
		w.s = a->val[i];
		w.len = strlen(a->val[i]);
		memset(&le, 0, sizeof le);
		trace_opts_init(&to);
		to.path = a->on;
		to.text = buf;
		to.textlen = len;
		to.err.fn = sweep_err_sink;
		to.err.arg = &se;
		to.result = &pt->st;
		to.stop = s->stop;
		to.stop_arg = s->stop_arg;
		if (a->key->set(a->key, &c, &w, &le) != 0 ||
		    mcfg_finish(&c, &ve) != 0) {
			run_error(s, a->valcol[i], "sweep: %s=%s: %s",
			    a->key->name, a->val[i], le.msg[0] != '\0' ?
			    le.msg : ve.msg);
			r = -1;
		} else if (trace_replay(&c, &to) != 0) {
			run_error(s, a->valcol[i], "sweep: %s=%s: %s",
			    a->key->name, a->val[i], se.msg);
			r = -1;
		}
		run_free(sub);
		return (r);
	}
	if (r == 0)
		engine_stats(sub->engine, &pt->st);
	run_free(sub);
	return (r);
}

int
sweep_cmd_exec(struct session *s, const struct cmd_parsed *p)
{
	struct sweep_args *a;
	struct sweep_point *pts = NULL;
	struct lex_line l;
	struct lex_err e;
	struct strbuf sb;
	char *buf = NULL, *real = NULL, msg[512];
	size_t len = 0, i;
	int r = -1, scenario;

	memset(&e, 0, sizeof e);
	if ((a = (struct sweep_args *)malloc(sizeof *a)) == NULL ||
	    (pts = (struct sweep_point *)calloc(SWEEP_MAX, sizeof *pts)) ==
	    NULL) {
		run_error(s, p->col, "sweep: out of memory");
		goto done;
	}
	if (lex_split(&l, p->echo, p->echolen, &e) != 0 ||
	    sweep_args(&l, a, &e) != 0) {
		run_error(s, e.col, "%s", e.msg);
		goto done;
	}
	if (a->on[0] == '\0') {
		run_error(s, p->col, "sweep: say what to run: sweep %s ... on "
		    "FILE (a scenario or a memory trace)", a->key->name);
		goto done;
	}
	/* refused before the runs, not after them */
	if (run_not_nested(s, p->col, "sweep") != 0 ||
	    (a->csv[0] != '\0' && run_may_write(s, a->csvcol, "sweep") != 0))
		goto done;
	if (run_read_near(s, a->on, &buf, &len, &real, msg,
	    sizeof msg) != 0) {
		run_error(s, a->oncol, "sweep:%s", strchr(msg, ':') ?
		    strchr(msg, ':') + 1 : msg);
		goto done;
	}
	scenario = sweep_is_scenario(buf, len);
	for (i = 0; i < a->n; i++)
		if (sweep_one(s, a, i, buf, len, real, scenario,
		    &pts[i]) != 0)
			goto done;
	run_out(s, "  sweep %s over %zu values on %s (%s)", a->key->name, a->n,
	    a->on, scenario ? "a scenario" : "a trace");
	sweep_report(a->key->name, pts, a->n, SWEEP_BAR, sweep_out_run, s);
	r = 0;
	free(s->sweep_pts);		/* kept for the screen's chart */
	s->sweep_pts = pts;
	s->sweep_n = a->n;
	snprintf(s->sweep_key, sizeof s->sweep_key, "%s", a->key->name);
	pts = NULL;
	if (a->csv[0] != '\0') {
		sb_init(&sb);
		sweep_csv(a->key->name, s->sweep_pts, a->n, &sb);
		if (sb.failed)
			run_error(s, a->csvcol, "sweep: out of memory");
		else if (run_write(s, a->csv, sb.s != NULL ? sb.s : "", sb.len,
		    a->csvcol, "sweep") != 0)
			r = -1;
		sb_free(&sb);
	}
done:
	free(buf);
	free(real);
	free(pts);
	free(a);
	return (r);
}

static double
sweep_missrate(const struct engine_stats *st)
{
	uint64_t n = st->tlb_hits + st->tlb_misses;

	return n ? 100.0 * (double)st->tlb_misses / (double)n : 0.0;
}

static double
sweep_eat(const struct engine_stats *st)
{
	return st->accesses ? (double)st->cycles / (double)st->accesses : 0.0;
}

/* One text chart: a bar per value, scaled to the largest. */
static void
sweep_chart(const char *title, const char *key, const struct sweep_point *pt,
    size_t n, int barw, double (*f)(const struct sweep_point *),
    const char *fmt, void (*out)(void *, const char *), void *arg)
{
	char line[256], bar[128], val[32];
	double v, max = 0;
	size_t i;
	int k, w = (int)strlen(key);

	for (i = 0; i < n; i++) {
		if ((int)strlen(pt[i].value) > w)
			w = (int)strlen(pt[i].value);
		if (f(&pt[i]) > max)
			max = f(&pt[i]);
	}
	snprintf(line, sizeof line, "  %s", title);
	out(arg, line);
	for (i = 0; i < n; i++) {
		v = f(&pt[i]);
		if (barw < 1)
			barw = 1;
		if (barw > (int)sizeof bar - 1)
			barw = (int)sizeof bar - 1;
		k = max > 0 ? (int)(v / max * barw + 0.5) : 0;
		if (k == 0 && v > 0)
			k = 1;		/* something, however small */
		memset(bar, '#', (size_t)k);
		bar[k] = '\0';
		snprintf(val, sizeof val, fmt, v);
		snprintf(line, sizeof line, "  %*s |%-*s %s", w, pt[i].value,
		    barw, bar, val);
		out(arg, line);
	}
}

static double
pt_missrate(const struct sweep_point *p)
{
	return sweep_missrate(&p->st);
}

static double
pt_faults(const struct sweep_point *p)
{
	return (double)p->st.faults;
}

static double
pt_eat(const struct sweep_point *p)
{
	return sweep_eat(&p->st);
}

void
sweep_report(const char *key, const struct sweep_point *pt, size_t n,
    int barw, void (*out)(void *, const char *), void *arg)
{
	char line[256];
	size_t i;
	int w = (int)strlen(key);

	for (i = 0; i < n; i++)
		if ((int)strlen(pt[i].value) > w)
			w = (int)strlen(pt[i].value);
	snprintf(line, sizeof line, "  %*s %12s %10s %12s %10s %10s %12s", w,
	    key, "accesses", "tlb miss%", "refs/access", "faults",
	    "writebacks", "cycles/acc");
	out(arg, line);
	for (i = 0; i < n; i++) {
		snprintf(line, sizeof line, "  %*s %12llu %9.2f%% %12.2f %10llu "
		    "%10llu %12.2f", w, pt[i].value,
		    (unsigned long long)pt[i].st.accesses,
		    sweep_missrate(&pt[i].st), pt[i].st.accesses ?
		    (double)pt[i].st.refs / (double)pt[i].st.accesses : 0.0,
		    (unsigned long long)pt[i].st.faults,
		    (unsigned long long)pt[i].st.writebacks,
		    sweep_eat(&pt[i].st));
		out(arg, line);
	}
	sweep_chart("TLB miss rate (%)", key, pt, n, barw, pt_missrate,
	    "%.2f%%", out, arg);
	sweep_chart("page faults", key, pt, n, barw, pt_faults, "%.0f", out,
	    arg);
	sweep_chart("effective access time (cycles per access)", key, pt, n,
	    barw, pt_eat, "%.2f", out, arg);
}

void
sweep_csv(const char *key, const struct sweep_point *pt, size_t n,
    struct strbuf *b)
{
	size_t i;

	sb_printf(b, "%s,accesses,tlb_hits,tlb_misses,tlb_miss_rate,"
	    "page_table_refs,faults,writebacks,cycles,"
	    "effective_access_time\n", key);
	for (i = 0; i < n; i++)
		sb_printf(b, "%s,%llu,%llu,%llu,%.6f,%llu,%llu,%llu,%llu,"
		    "%.6f\n", pt[i].value,
		    (unsigned long long)pt[i].st.accesses,
		    (unsigned long long)pt[i].st.tlb_hits,
		    (unsigned long long)pt[i].st.tlb_misses,
		    sweep_missrate(&pt[i].st) / 100.0,
		    (unsigned long long)pt[i].st.refs,
		    (unsigned long long)pt[i].st.faults,
		    (unsigned long long)pt[i].st.writebacks,
		    (unsigned long long)pt[i].st.cycles, sweep_eat(&pt[i].st));
}
