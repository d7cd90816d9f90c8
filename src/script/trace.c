/*
 * trace.c - memory traces of real programs, replayed through the engine.
 *
 * A trace is a text file of memory references, one per line (a lackey M
 * line is two: a read, then a write of the same address).  Three formats
 * are read, told apart by the first line that is neither blank nor a '#'
 * comment (after it, a line of another format is a bad line):
 *
 *   lackey  what `valgrind --tool=lackey --trace-mem=yes PROGRAM` writes:
 *           "I  ADDR,SIZE" (an instruction fetch), " L ADDR,SIZE" (a load),
 *           " S ADDR,SIZE" (a store), " M ADDR,SIZE" (a modify: a read and
 *           then a write); ADDR in hex without 0x, SIZE in decimal; the
 *           lines valgrind writes about itself ("==PID== ...", and
 *           "--PID-- ..." with -v) are skipped;
 *   plain   "r ADDR", "w ADDR" or "x ADDR" (the letter in either case):
 *           ADDR is 0x and hex digits, or decimal digits; a '#' after the
 *           address starts a comment;
 *   din     Dinero IV's "LABEL ADDR": label 0 a read, 1 a write, 2 an
 *           instruction fetch; 3 and 4 are Dinero's escape records (an
 *           unknown access, a cache flush), skipped and counted; ADDR in
 *           hex without 0x as Dinero writes it (a 0x is taken too); the
 *           rest of the line is ignored, as Dinero ignores it.
 * In every format blank lines and lines whose first non-blank character is
 * '#' are skipped, and a CR before the newline is dropped.
 *
 * A reference is the page of its first byte: lackey's SIZE is checked for
 * its syntax and not used further, so an access that crosses into the next
 * page touches one page, as the engine's accesses do.  An address outside
 * the machine's virtual address space (above 2^va, or not canonical with
 * va=48 or 57) is not masked: it is a bad line, because folding it into
 * the space would make two pages one.
 *
 * The file is streamed through one buffer of TRACE_CHUNK bytes, so memory
 * does not grow with its length, and each reference goes to engine_run()
 * on an engine with ENGINE_QUIET and no journal: nothing is allocated and
 * nothing formatted per reference.  The reading runs in a thread of its
 * own (the pipe): it parses the lines, counts the references by kind and
 * in the working set, and hands them on in batches of TRACE_BATCH (a
 * ring of TRACE_NBATCH) to the caller's thread, which only replays them,
 * so that on two cores the parsing and the engine overlap; its messages
 * wait until the engine has replayed every reference before them, so the
 * output is what one thread would give (without a thread, it is one).  The exception is
 * policy=opt, whose choice needs the future: the whole trace is read first
 * into an array of struct future_ref (and a byte of kind each), given to
 * engine_new_future() (which gives every reference its next use in one
 * pass from the end: OPT's victim is then a scan of the frames, not of
 * the future), then replayed; the statistics say how much memory that
 * took.
 *
 * The replay runs on a fresh machine of the settings given, in one process
 * named "trace" made with anon (every page valid, zero-filled on its first
 * touch).  The figures are the engine's counters (engine_stats) at the end
 * less those once the process exists, and the working set: the distinct
 * pages touched in each interval of N references, counted in an
 * open-addressing hash set whose slots carry the number of the interval
 * that filled them, so nothing is cleared between intervals.  The series
 * (8 bytes per interval) is the only thing kept that grows with the trace.
 *
 * A line that does not parse stops the replay with "FILE:LINE: what is
 * wrong" (status 2), unless skip_bad is set: then such lines are counted,
 * and the count, the first TRACE_BAD_SHOWN line numbers and the first
 * message are reported at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "keys.h"
#include "run.h"
#include "trace.h"

#define TRACE_CHUNK	((size_t)1 << 20)	/* bytes read at a time */
#define TRACE_PROGRESS	(((uint64_t)1 << 20) - 1)	/* a progress line
							 * each 2^20 refs */
#define TRACE_STOP	(((uint64_t)1 << 16) - 1)	/* o->stop asked
							 * each 2^16 lines */
#define TRACE_WS_MIN	1024	/* slots of the working-set set at first */
#define TRACE_BATCH	4096	/* references the reader hands on at once */
#define TRACE_NBATCH	4	/* batches between the reader and the
				 * engine */
#define TRACE_SHOWN	5	/* intervals shown at each end (text) */

/* What is wrong with a line. */
enum trace_bad {
	BAD_NONE,
	BAD_UNKNOWN,	/* no format knows it (the first lines) */
	BAD_KIND,	/* not I/L/S/M (lackey), r/w/x (plain) */
	BAD_NOADDR,	/* no address */
	BAD_HEX,	/* an address that is not hex digits */
	BAD_PLAINHEX,	/* plain: hex digits without 0x */
	BAD_DEC,	/* plain: neither 0x hex nor decimal */
	BAD_WIDE,	/* more than 64 bits */
	BAD_SIZE,	/* lackey: no ,SIZE */
	BAD_TRAIL,	/* something after the reference */
	BAD_LABEL,	/* din: a label that is not 0 to 4 */
	BAD_LONG,	/* longer than TRACE_LINE_MAX */
	BAD_RANGE	/* outside the virtual address space */
};

/* The input: a file or stdin, read in chunks. */
struct trace_in {
	int		 fd;
	bool		 own;		/* close fd at the end */
	const char	*buf;		/* the bytes: mem, or the text given */
	char		*mem;		/* TRACE_CHUNK bytes read into */
	size_t		 pos, len;	/* unread: buf[pos .. len) */
	bool		 eof;
	bool		 dropping;	/* inside a line longer than buf */
	int		 err;		/* errno of a failed read */
};

/* A slot of the working-set set: a page and the interval it was put in
 * (0: empty). */
struct trace_slot {
	uint64_t	 vpn;
	uint64_t	 stamp;
};

struct trace_ws {
	uint64_t	 interval;	/* references per interval */
	uint64_t	 in;		/* references in the current one */
	uint64_t	 stamp;		/* the current interval, from 1 */
	uint64_t	 pages;		/* distinct pages in it so far */
	uint64_t	 last;		/* the page counted last in it */
	struct trace_slot *slot;
	unsigned	 bits;		/* 2^bits slots */
	uint64_t	*series;	/* pages of each full interval */
	size_t		 n, cap;
	uint64_t	 min, max, sum;
	uint64_t	 tail_refs;	/* the last interval, if not full */
	uint64_t	 tail_pages;
	bool		 nomem;
};

/* A reference of the line being read. */
struct trace_ref {
	uint64_t	 va;
	uint8_t		 kind;		/* OP_READ, OP_WRITE or OP_EXEC */
};

/* References read, on their way to the engine (the pipe). */
struct trace_batch {
	uint64_t	 va[TRACE_BATCH];
	uint64_t	 line[TRACE_BATCH];	/* of each, for messages */
	uint8_t		 kind[TRACE_BATCH];
	size_t		 n;
	bool		 last;		/* the reader's last */
	bool		 failed;	/* ... after a bad line or a failed
					 * read: the reader's message */
};

/*
 * The reader thread and the engine (the caller's thread) hand batches
 * round a ring: the reader fills the batch after the last full one while
 * there is room, the engine empties the oldest full one.  Only the
 * handing over is locked.
 */
struct trace_pipe {
	pthread_mutex_t	 mu;
	pthread_cond_t	 filled;	/* a batch became full */
	pthread_cond_t	 emptied;	/* a batch became free, or stop */
	struct trace_batch b[TRACE_NBATCH];
	size_t		 full;		/* batches full, from the oldest */
	size_t		 rd, wr;	/* the engine's batch, the reader's */
	bool		 stop;		/* the engine wants no more */
	struct trace_in	*in;
	struct trace_run *t;
};

struct trace_run {
	const struct trace_opts *o;
	const char	*name;
	const struct mconfig *c;
	enum trace_format fmt;

	uint64_t	 line;		/* of the line being read */
	uint64_t	 refs, reads, writes, fetches;	/* counted (the
					 * reader's, with the pipe) */
	uint64_t	 escapes;	/* din labels 3 and 4 */
	uint64_t	 bad;		/* lines skipped as bad */
	uint64_t	 badline[TRACE_BAD_SHOWN];
	char		 firstbad[LEX_QUOTE_SIZE * 2 + 512];

	struct trace_ref ref[2];	/* the line's references */
	unsigned	 nref;
	const char	*bw;		/* the word a bad line is about */
	size_t		 bwlen;
	uint64_t	 badva;		/* BAD_RANGE: the address */

	uint64_t	 va_top;	/* addresses above are outside ... */
	bool		 canon;		/* ... or, with va 48 or 57, not
					 * canonical */
	unsigned	 page_bits;

	bool		 opt;		/* read it all first (policy=opt) */
	bool		 replaying;	/* the replay of what was read */
	uint8_t		*kinds;
	struct future_ref *fut;
	size_t		 nfut, capfut;

	bool		 progress;
	int		 shown;		/* width of the progress line */

	struct trace_pipe *pipe;	/* the reader is a thread of its own:
					 * its messages wait in failmsg */
	char		 failmsg[LEX_QUOTE_SIZE * 2 + 1024];

	struct trace_ws	 ws;
	struct engine_stats base;

	/* The engine's side, written at every reference: apart from what
	 * the reader writes (a cache line each thread keeps to itself). */
	char		 apart[128];
	struct engine	*e;
	struct op	 op;
	struct verr	 ve;
	uint64_t	 replayed;	/* references through the engine */
};

static const char *const trace_format_names[] = { "none", "lackey",
	"plain", "din" };

/* An empty future: policy=opt on a trace with no reference. */
static const struct future_ref trace_no_future[1] = { { "trace", 0, 0 } };

void
trace_opts_init(struct trace_opts *o)
{
	memset(o, 0, sizeof *o);
	o->output = TRACE_TEXT;
	o->interval = TRACE_INTERVAL;
}

/* Output. */

static void
trace_put(const struct trace_sink *k, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void
trace_put(const struct trace_sink *k, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	int n;

	if (k->fn == NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	k->fn(k->arg, buf, (size_t)n < sizeof buf ? (size_t)n :
	    sizeof buf - 1);
}

/*
 * A message of the reader's (a bad line, a failed read): told now, or,
 * when the reader is a thread of its own, kept until the engine has
 * replayed the references before it (trace_drain tells it).
 */
static void
trace_fail(struct trace_run *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void trace_progress(struct trace_run *, bool);

static void
trace_fail(struct trace_run *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(t->failmsg, sizeof t->failmsg, fmt, ap);
	va_end(ap);
	if (t->pipe != NULL)
		return;
	if (t->shown > 0)
		trace_progress(t, true);
	trace_put(&t->o->err, "%s", t->failmsg);
}

/* The progress line, on stderr (a terminal): written over itself. */
static void
trace_progress(struct trace_run *t, bool done)
{
	int n;

	if (done) {
		if (t->shown > 0)
			fprintf(stderr, "\r%*s\r", t->shown, "");
		t->shown = 0;
		return;
	}
	n = fprintf(stderr, "\rvmscope: %s: %s %" PRIu64 " references",
	    t->name, t->replaying ? "replayed" : t->opt ? "read" : "replayed",
	    t->replayed + (t->opt && !t->replaying ? (uint64_t)t->nfut :
	    0));
	if (n > t->shown)
		t->shown = n;
}

/* Input. */

static int
trace_open(struct trace_in *in, const struct trace_opts *o)
{
	memset(in, 0, sizeof *in);
	if (o->text != NULL) {
		in->fd = -1;
		in->buf = o->text;
		in->len = o->textlen;
		in->eof = true;		/* it is all there */
		return (0);
	}
	if (o->stdin_ok && strcmp(o->path, "-") == 0)
		in->fd = STDIN_FILENO;
	else {
		if ((in->fd = open(o->path, O_RDONLY)) == -1)
			return (errno);
		in->own = true;
	}
	if ((in->mem = (char *)malloc(TRACE_CHUNK)) == NULL) {
		if (in->own)
			close(in->fd);
		return (ENOMEM);
	}
	in->buf = in->mem;
	return (0);
}

static void
trace_close(struct trace_in *in)
{
	if (in->own)
		close(in->fd);
	free(in->mem);
}

/*
 * The next line, without its newline: 1, 0 at the end, -1 when a read
 * fails.  *toolong: the line was longer than the buffer (what is given
 * is its tail).
 */
static int
trace_getline(struct trace_in *in, const char **lp, size_t *lenp,
    bool *toolong)
{
	const char *nl;
	ssize_t n;

	*toolong = false;
	for (;;) {
		nl = in->pos < in->len ? (const char *)memchr(in->buf +
		    in->pos, '\n', in->len - in->pos) : NULL;
		if (nl != NULL || (in->eof && (in->pos < in->len ||
		    in->dropping))) {
			*lp = in->buf + in->pos;
			*lenp = nl != NULL ? (size_t)(nl - *lp) :
			    in->len - in->pos;
			in->pos = nl != NULL ? (size_t)(nl - in->buf) + 1 :
			    in->len;
			*toolong = in->dropping;
			in->dropping = false;
			return (1);
		}
		if (in->eof)
			return (0);
		/* No newline in what is left: keep it, read more. */
		if (in->pos > 0) {
			memmove(in->mem, in->mem + in->pos, in->len - in->pos);
			in->len -= in->pos;
			in->pos = 0;
		}
		if (in->len == TRACE_CHUNK) {
			in->len = 0;	/* a line longer than the buffer */
			in->dropping = true;
		}
		n = read(in->fd, in->mem + in->len, TRACE_CHUNK - in->len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			in->err = errno;
			return (-1);
		}
		if (n == 0)
			in->eof = true;
		else
			in->len += (size_t)n;
	}
}

/* Parsing a line. */

static bool
trace_blank(char c)
{
	return (c == ' ' || c == '\t');
}

/* The word at p (up to a blank or the end): what a message quotes. */
static enum trace_bad
trace_word(struct trace_run *t, const char *p, const char *end,
    enum trace_bad why)
{
	const char *q = p;

	while (q < end && !trace_blank(*q))
		q++;
	t->bw = p;
	t->bwlen = (size_t)(q - p);
	return (why);
}

/* The same for a lackey address: up to its comma. */
static enum trace_bad
trace_addr_word(struct trace_run *t, const char *p, const char *end,
    enum trace_bad why)
{
	const char *q = p;

	while (q < end && !trace_blank(*q) && *q != ',')
		q++;
	t->bw = p;
	t->bwlen = (size_t)(q - p);
	return (why);
}

/* Each byte's value as a hex digit plus 1; 0: not a hex digit. */
static const uint8_t trace_hexval[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6,
	['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16
};

/* Hex digits at p: their value in *v, how many in *nd, *wide if it takes
 * more than 64 bits.  Returns the end of the digits. */
static const char *
trace_hex(const char *p, const char *end, uint64_t *v, size_t *nd,
    bool *wide)
{
	const char *q = p, *sig;
	uint64_t x = 0;
	unsigned d;

	while (p < end && *p == '0')
		p++;
	for (sig = p; p < end && (d = trace_hexval[(unsigned char)*p]) != 0;
	    p++)
		x = x << 4 | (d - 1);
	*wide = p - sig > 16;
	*nd = (size_t)(p - q);
	*v = x;
	return (p);
}

static const char *
trace_dec(const char *p, const char *end, uint64_t *v, size_t *nd,
    bool *wide)
{
	const char *q = p;
	uint64_t x = 0;
	unsigned d;

	*wide = false;
	for (; p < end && (d = (unsigned char)*p - 48u) < 10u; p++) {
		if (x > (UINT64_MAX - d) / 10)
			*wide = true;
		x = x * 10 + d;
	}
	*nd = (size_t)(p - q);
	*v = x;
	return (p);
}

static void
trace_refs(struct trace_run *t, unsigned kind, uint64_t va)
{
	if (kind == 'M') {
		t->ref[0].kind = OP_READ;
		t->ref[1].kind = OP_WRITE;
		t->ref[0].va = t->ref[1].va = va;
		t->nref = 2;
		return;
	}
	t->ref[0].kind = (uint8_t)(kind == 'L' || kind == 'r' ? OP_READ :
	    kind == 'S' || kind == 'w' ? OP_WRITE : OP_EXEC);
	t->ref[0].va = va;
	t->nref = 1;
}

/* "I  ADDR,SIZE", " L|S|M ADDR,SIZE"; valgrind's own lines skipped. */
static enum trace_bad
trace_lackey(struct trace_run *t, const char *s, const char *end)
{
	const char *p = s, *a;
	unsigned kind;
	uint64_t va, size;
	size_t nd;
	bool wide;

	if (end - s >= 2 && ((s[0] == '=' && s[1] == '=') ||
	    (s[0] == '-' && s[1] == '-')))
		return (BAD_NONE);
	if (*p == 'I') {
		kind = 'I';
		p++;
	} else if (end - p >= 2 && p[0] == ' ' && (p[1] == 'L' ||
	    p[1] == 'S' || p[1] == 'M')) {
		kind = (unsigned char)p[1];
		p += 2;
	} else {
		while (p < end && trace_blank(*p))
			p++;
		return (trace_word(t, p, end, BAD_KIND));
	}
	if (p < end && !trace_blank(*p)) {
		while (s < end && trace_blank(*s))
			s++;
		return (trace_word(t, s, end, BAD_KIND));
	}
	while (p < end && trace_blank(*p))
		p++;
	a = p;
	p = trace_hex(p, end, &va, &nd, &wide);
	if (nd == 0 && (p == end || *p == ','))
		return (trace_word(t, s + (*s == ' '), end, BAD_NOADDR));
	if (nd == 0 || (p < end && *p != ',' && !trace_blank(*p)))
		return (trace_addr_word(t, a, end, BAD_HEX));
	if (wide)
		return (trace_addr_word(t, a, end, BAD_WIDE));
	if (p == end || *p != ',') {
		while (p < end && trace_blank(*p))
			p++;
		return (trace_word(t, p < end ? p : a, end, BAD_SIZE));
	}
	p = trace_dec(p + 1, end, &size, &nd, &wide);
	if (nd == 0 || (p < end && !trace_blank(*p)))
		return (trace_word(t, a, end, BAD_SIZE));
	while (p < end && trace_blank(*p))
		p++;
	if (p < end)
		return (trace_word(t, p, end, BAD_TRAIL));
	trace_refs(t, kind, va);
	return (BAD_NONE);
}

/* "r|w|x ADDR [# comment]", p at the first non-blank. */
static enum trace_bad
trace_plain(struct trace_run *t, const char *p, const char *end)
{
	const char *a, *q;
	unsigned kind = (unsigned char)*p | 0x20u;
	uint64_t va;
	size_t nd;
	bool wide, hexdigits;

	if ((kind != 'r' && kind != 'w' && kind != 'x') ||
	    (p + 1 < end && !trace_blank(p[1])))
		return (trace_word(t, p, end, BAD_KIND));
	a = p;
	for (p++; p < end && trace_blank(*p); p++)
		;
	if (p == end || *p == '#')
		return (trace_word(t, a, end, BAD_NOADDR));
	a = p;
	if (end - p >= 2 && p[0] == '0' && (p[1] | 0x20) == 'x') {
		p = trace_hex(p + 2, end, &va, &nd, &wide);
		if (nd == 0 || (p < end && !trace_blank(*p) && *p != '#'))
			return (trace_word(t, a, end, BAD_HEX));
	} else {
		p = trace_dec(p, end, &va, &nd, &wide);
		if (nd == 0 || (p < end && !trace_blank(*p) && *p != '#')) {
			hexdigits = true;
			for (q = a; q < end && !trace_blank(*q) && *q != '#';
			    q++)
				if (((unsigned char)*q - 48u >= 10u) &
				    (((unsigned char)*q | 0x20u) - 97u >= 6u))
					hexdigits = false;
			return (trace_word(t, a, end, hexdigits ?
			    BAD_PLAINHEX : BAD_DEC));
		}
	}
	if (wide)
		return (trace_word(t, a, end, BAD_WIDE));
	while (p < end && trace_blank(*p))
		p++;
	if (p < end && *p != '#')
		return (trace_word(t, p, end, BAD_TRAIL));
	trace_refs(t, kind, va);
	return (BAD_NONE);
}

/* "LABEL ADDR [anything]", p at the first non-blank. */
static enum trace_bad
trace_din(struct trace_run *t, const char *p, const char *end)
{
	const char *a = p;
	uint64_t label, va;
	size_t nd;
	bool wide;

	p = trace_dec(p, end, &label, &nd, &wide);
	if (nd == 0 || wide || (p < end && !trace_blank(*p)) || label > 4)
		return (trace_word(t, a, end, BAD_LABEL));
	if (label >= 3) {
		t->escapes++;
		return (BAD_NONE);
	}
	while (p < end && trace_blank(*p))
		p++;
	if (p == end)
		return (trace_word(t, a, end, BAD_NOADDR));
	a = p;
	if (end - p >= 2 && p[0] == '0' && (p[1] | 0x20) == 'x')
		p += 2;
	p = trace_hex(p, end, &va, &nd, &wide);
	if (nd == 0 || (p < end && !trace_blank(*p)))
		return (trace_word(t, a, end, BAD_HEX));
	if (wide)
		return (trace_word(t, a, end, BAD_WIDE));
	trace_refs(t, label == 0 ? 'r' : label == 1 ? 'w' : 'x', va);
	return (BAD_NONE);
}

/* The first line that says what the format is. */
static enum trace_format
trace_detect(const char *s, const char *p, const char *end)
{
	unsigned c;

	if ((s[0] == 'I' && end - s >= 2 && trace_blank(s[1])) ||
	    (end - s >= 3 && s[0] == ' ' && (s[1] == 'L' || s[1] == 'S' ||
	    s[1] == 'M') && s[2] == ' ') ||
	    (end - s >= 2 && ((s[0] == '=' && s[1] == '=') ||
	    (s[0] == '-' && s[1] == '-'))))
		return (TRACE_LACKEY);
	if (end - p < 2 || !trace_blank(p[1]))
		return (TRACE_UNKNOWN);
	c = (unsigned char)*p | 0x20u;
	if (c == 'r' || c == 'w' || c == 'x')
		return (TRACE_PLAIN);
	if ((unsigned char)*p - 48u < 10u)
		return (TRACE_DIN);
	return (TRACE_UNKNOWN);
}

/* A line: its references in t->ref (t->nref, maybe 0), or what is
 * wrong with it. */
static enum trace_bad
trace_line(struct trace_run *t, const char *s, size_t len)
{
	const char *end = s + len, *p;

	t->nref = 0;
	if (t->line == 1 && len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;		/* a UTF-8 byte order mark, as in scenarios */
	while (end > s && (end[-1] == '\r' || trace_blank(end[-1])))
		end--;
	for (p = s; p < end && trace_blank(*p); p++)
		;
	if (p == end || *p == '#')
		return (BAD_NONE);
	if (t->fmt == TRACE_UNKNOWN &&
	    (t->fmt = trace_detect(s, p, end)) == TRACE_UNKNOWN)
		return (trace_word(t, p, end, BAD_UNKNOWN));
	switch (t->fmt) {
	case TRACE_LACKEY:
		return (trace_lackey(t, s, end));
	case TRACE_PLAIN:
		return (trace_plain(t, p, end));
	case TRACE_DIN:
		return (trace_din(t, p, end));
	case TRACE_UNKNOWN:
		break;
	}
	return (BAD_UNKNOWN);
}

/* Are the line's addresses in the machine's virtual address space? */
static enum trace_bad
trace_inside(struct trace_run *t)
{
	uint64_t va = t->ref[0].va, top;

	if (t->canon) {
		top = va >> (t->c->va - 1);
		if (top == 0 || top == (UINT64_MAX >> (t->c->va - 1)))
			return (BAD_NONE);
	} else if (va <= t->va_top)
		return (BAD_NONE);
	t->badva = va;
	return (BAD_RANGE);
}

/* What is wrong with the line, in words. */
static void
trace_why(const struct trace_run *t, enum trace_bad why, char *msg,
    size_t size)
{
	const char *f = trace_format_names[t->fmt];
	char q[LEX_QUOTE_SIZE];
	unsigned va = t->c->va;

	lex_quote(q, sizeof q, t->bw != NULL ? t->bw : "", t->bw != NULL ?
	    t->bwlen : 0);
	switch (why) {
	case BAD_NONE:
		snprintf(msg, size, "no error");
		break;
	case BAD_UNKNOWN:
		snprintf(msg, size, "not a line of a trace format vmscope "
		    "reads: %s; expected valgrind lackey ('I  04015c0,3', "
		    "' L 1ffefffb40,8'), plain ('r 0x7ffd1000') or din "
		    "('0 7ffd1000')", q);
		break;
	case BAD_KIND:
		if (t->fmt == TRACE_LACKEY)
			snprintf(msg, size, "lackey: expected 'I  ADDR,SIZE' "
			    "or ' L', ' S', ' M' and ADDR,SIZE, got %s", q);
		else
			snprintf(msg, size, "plain: expected r, w or x, a "
			    "blank and the address, got %s", q);
		break;
	case BAD_NOADDR:
		snprintf(msg, size, "%s: %s has no address after it", f, q);
		break;
	case BAD_HEX:
		snprintf(msg, size, "%s: bad address %s: expected hex digits%s",
		    f, q, t->fmt == TRACE_PLAIN ? " after 0x" : "");
		break;
	case BAD_PLAINHEX:
		snprintf(msg, size, "plain: address %s has hex digits but no "
		    "0x: write it 0x%.*s (without 0x an address is decimal)",
		    q, (int)(t->bwlen < 64 ? t->bwlen : 64), t->bw);
		break;
	case BAD_DEC:
		snprintf(msg, size, "plain: bad address %s: expected 0x and "
		    "hex digits, or decimal digits", q);
		break;
	case BAD_WIDE:
		snprintf(msg, size, "%s: address %s does not fit in 64 bits",
		    f, q);
		break;
	case BAD_SIZE:
		snprintf(msg, size, "lackey: expected ADDR,SIZE (a comma and "
		    "the size in decimal, no blank), got %s", q);
		break;
	case BAD_TRAIL:
		snprintf(msg, size, "%s: unexpected %s after the reference%s",
		    f, q, t->fmt == TRACE_PLAIN ? " (a comment starts with "
		    "'#')" : "");
		break;
	case BAD_LABEL:
		snprintf(msg, size, "din: label %s: expected 0 (read), 1 "
		    "(write) or 2 (instruction fetch); 3 and 4, Dinero's "
		    "escape records, are skipped", q);
		break;
	case BAD_LONG:
		snprintf(msg, size, "line longer than %d bytes (is this a "
		    "trace?)", TRACE_LINE_MAX);
		break;
	case BAD_RANGE:
		if (t->canon)
			snprintf(msg, size, "address 0x%" PRIx64 " is not "
			    "canonical with va=%u: bits 63..%u must all equal "
			    "bit %u", t->badva, va, va - 1, va - 1);
		else
			snprintf(msg, size, "address 0x%" PRIx64 " is outside "
			    "the %u-bit virtual address space of the machine "
			    "(0 .. 0x%" PRIx64 ")%s", t->badva, va, t->va_top,
			    va < 48 ? ": give it va=48, as a 64-bit "
			    "program's trace needs" : "");
		break;
	}
}

/* A bad line: reported (-1: stop), or counted under skip_bad (0). */
static int
trace_bad(struct trace_run *t, enum trace_bad why)
{
	char msg[LEX_QUOTE_SIZE * 2 + 256];

	trace_why(t, why, msg, sizeof msg);
	if (!t->o->skip_bad) {
		trace_fail(t, "%s:%" PRIu64 ": %s", t->name, t->line, msg);
		return (-1);
	}
	if (t->bad < TRACE_BAD_SHOWN)
		t->badline[t->bad] = t->line;
	if (t->bad == 0)
		snprintf(t->firstbad, sizeof t->firstbad, "%s:%" PRIu64 ": %s",
		    t->name, t->line, msg);
	t->bad++;
	return (0);
}

/* The working set. */

static int
trace_ws_init(struct trace_ws *w, uint64_t interval)
{
	memset(w, 0, sizeof *w);
	w->interval = interval;
	w->stamp = 1;
	w->bits = 10;
	w->slot = (struct trace_slot *)calloc(TRACE_WS_MIN, sizeof *w->slot);
	return (w->slot == NULL ? -1 : 0);
}

static void
trace_ws_free(struct trace_ws *w)
{
	free(w->slot);
	free(w->series);
}

static size_t
trace_ws_hash(uint64_t vpn, unsigned bits)
{
	return ((size_t)((vpn * UINT64_C(0x9e3779b97f4a7c15)) >> (64 - bits)));
}

/* Twice the slots (the set is half full); on failure it stays as it is
 * and nomem says the count is not to be trusted. */
static void
trace_ws_grow(struct trace_ws *w)
{
	struct trace_slot *ns;
	size_t i, j, n = (size_t)1 << w->bits, mask = 2 * n - 1;

	if (w->bits >= 40 || (ns = (struct trace_slot *)calloc(2 * n,
	    sizeof *ns)) == NULL) {
		w->nomem = true;
		return;
	}
	for (i = 0; i < n; i++) {
		if (w->slot[i].stamp != w->stamp)
			continue;
		j = trace_ws_hash(w->slot[i].vpn, w->bits + 1);
		while (ns[j].stamp == w->stamp)
			j = (j + 1) & mask;
		ns[j] = w->slot[i];
	}
	free(w->slot);
	w->slot = ns;
	w->bits++;
}

static void
trace_ws_close(struct trace_ws *w)
{
	uint64_t *ns;
	size_t cap;

	if (w->n == w->cap) {
		cap = w->cap ? w->cap * 2 : 256;
		if ((ns = (uint64_t *)realloc(w->series, cap *
		    sizeof *ns)) == NULL)
			w->nomem = true;
		else {
			w->series = ns;
			w->cap = cap;
		}
	}
	if (w->n < w->cap)
		w->series[w->n++] = w->pages;
	if (w->stamp == 1 || w->pages < w->min)
		w->min = w->pages;
	if (w->pages > w->max)
		w->max = w->pages;
	w->sum += w->pages;
	w->stamp++;
	w->pages = 0;
	w->in = 0;
}

static void
trace_ws_add(struct trace_ws *w, uint64_t vpn)
{
	size_t i, mask;

	if (w->pages == 0 || vpn != w->last) {
		w->last = vpn;
		mask = ((size_t)1 << w->bits) - 1;
		for (i = trace_ws_hash(vpn, w->bits);; i = (i + 1) & mask) {
			if (w->slot[i].stamp != w->stamp) {
				w->slot[i].vpn = vpn;
				w->slot[i].stamp = w->stamp;
				if (++w->pages * 2 > mask)
					trace_ws_grow(w);
				break;
			}
			if (w->slot[i].vpn == vpn)
				break;
		}
	}
	if (++w->in == w->interval)
		trace_ws_close(w);
}

/* The replay. */

/* A reference counted: by kind, and in the working set (the reader's
 * side of the pipe: nothing of the engine's). */
static void
trace_count(struct trace_run *t, uint8_t kind, uint64_t va)
{
	if (kind == OP_READ)
		t->reads++;
	else if (kind == OP_WRITE)
		t->writes++;
	else
		t->fetches++;
	t->refs++;
	trace_ws_add(&t->ws, va >> t->page_bits);
}

/* One reference through the engine: 0, or -1 (reported) if the engine
 * refuses it. */
static int
trace_engine(struct trace_run *t, uint8_t kind, uint64_t va, uint32_t fidx,
    uint64_t line)
{
	t->replayed++;
	t->op.kind = (enum op_kind)kind;
	t->op.va = va;
	t->op.fidx = fidx;
	if (engine_run(t->e, &t->op, &t->ve) != 0) {
		if (t->shown > 0)
			trace_progress(t, true);
		if (t->replaying)
			trace_put(&t->o->err, "%s: reference %" PRIu64 ": %s",
			    t->name, t->replayed, t->ve.msg);
		else
			trace_put(&t->o->err, "%s:%" PRIu64 ": %s", t->name,
			    line, t->ve.msg);
		return (-1);
	}
	if (t->progress && (t->replayed & TRACE_PROGRESS) == 0)
		trace_progress(t, false);
	return (0);
}

/* Counted and replayed. */
static int
trace_ref(struct trace_run *t, uint8_t kind, uint64_t va, uint32_t fidx,
    uint64_t line)
{
	trace_count(t, kind, va);
	return (trace_engine(t, kind, va, fidx, line));
}

/* policy=opt: keep the reference for the replay. */
static int
trace_keep(struct trace_run *t, const struct trace_ref *r)
{
	struct future_ref *nf;
	uint8_t *nk;
	size_t cap, most = (size_t)UINT32_MAX - 3;
	char lim[32];
	/* a reference held: itself, its kind, and the engine's next use and
	 * process of it (engine_future_bytes) */
	const uint64_t per = sizeof *nf + 1 + 2 * sizeof(uint32_t);

	if (t->c->max_memory != 0 && t->c->max_memory / 2 / per < most)
		most = (size_t)(t->c->max_memory / 2 / per);
	if (t->nfut == t->capfut) {
		if (t->capfut >= most) {
			mcfg_size_text(t->c->max_memory, lim, sizeof lim);
			if (most == (size_t)UINT32_MAX - 3)
				trace_put(&t->o->err, "%s:%" PRIu64 ": policy="
				    "opt holds at most %zu references",
				    t->name, t->line, most);
			else
				trace_put(&t->o->err, "%s:%" PRIu64 ": policy="
				    "opt holds the trace, %" PRIu64 " bytes a "
				    "reference, in half the memory limit of %s"
				    " at most: %zu references (give a larger "
				    "--max-memory)", t->name, t->line, per,
				    lim, most);
			return (-1);
		}
		cap = t->capfut ? t->capfut * 2 : 4096;
		if (cap > most)
			cap = most;
		nf = (struct future_ref *)realloc(t->fut, cap * sizeof *nf);
		if (nf != NULL)
			t->fut = nf;
		nk = (uint8_t *)realloc(t->kinds, cap);
		if (nk != NULL)
			t->kinds = nk;
		if (nf == NULL || nk == NULL) {
			trace_put(&t->o->err, "%s:%" PRIu64 ": out of memory "
			    "holding the trace for policy=opt (%zu "
			    "references so far)", t->name, t->line, t->nfut);
			return (-1);
		}
		t->capfut = cap;
	}
	t->fut[t->nfut].proc = "trace";
	t->fut[t->nfut].va = r->va;
	t->fut[t->nfut].machine = 0;
	t->kinds[t->nfut] = r->kind;
	t->nfut++;
	if (t->progress && (t->nfut & TRACE_PROGRESS) == 0)
		trace_progress(t, false);
	return (0);
}

/* Whether o->stop says to stop (the screen's Ctrl-C): reported.  Asked
 * in the caller's thread only (with the pipe: the engine's). */
static bool
trace_stopped(struct trace_run *t)
{
	if (t->o->stop == NULL || !t->o->stop(t->o->stop_arg))
		return (false);
	if (t->shown > 0)
		trace_progress(t, true);
	trace_put(&t->o->err, "%s: stopped after %" PRIu64 " references",
	    t->name, t->opt && !t->replaying ? (uint64_t)t->nfut :
	    t->replayed);
	return (true);
}

/* The pipe. */

static int	trace_read(struct trace_run *, struct trace_in *);

/* The reader's batch is full: hand it on and wait for a free one (the
 * one after it, free when fewer than all are full).  0, or -1 when the
 * engine wants no more. */
static int
trace_handover(struct trace_pipe *p)
{
	int r;

	pthread_mutex_lock(&p->mu);
	p->full++;
	pthread_cond_signal(&p->filled);
	p->wr = (p->wr + 1) % TRACE_NBATCH;
	while (p->full == TRACE_NBATCH && !p->stop)
		pthread_cond_wait(&p->emptied, &p->mu);
	r = p->stop ? -1 : 0;
	pthread_mutex_unlock(&p->mu);
	if (r == 0)
		p->b[p->wr].n = 0;
	return (r);
}

/* A reference read, into the reader's batch. */
static int
trace_push(struct trace_run *t, const struct trace_ref *r)
{
	struct trace_pipe *p = t->pipe;
	struct trace_batch *b = &p->b[p->wr];

	trace_count(t, r->kind, r->va);
	b->va[b->n] = r->va;
	b->kind[b->n] = r->kind;
	b->line[b->n] = t->line;
	if (++b->n < TRACE_BATCH)
		return (0);
	b->last = false;
	return (trace_handover(p));
}

/* The reader thread: every line, then the last batch. */
static void *
trace_reader(void *arg)
{
	struct trace_pipe *p = (struct trace_pipe *)arg;
	struct trace_batch *b;
	bool failed;

	failed = trace_read(p->t, p->in) != 0;
	pthread_mutex_lock(&p->mu);
	if (p->stop) {		/* the engine stopped: it waits for none */
		pthread_mutex_unlock(&p->mu);
		return (NULL);
	}
	b = &p->b[p->wr];	/* free (trace_handover) */
	b->last = true;
	b->failed = failed;
	p->full++;
	pthread_cond_signal(&p->filled);
	pthread_mutex_unlock(&p->mu);
	return (NULL);
}

/* The engine's side: each batch replayed as it comes, until the last;
 * then the reader's message, if it stopped on one.  0, or -1. */
static int
trace_drain(struct trace_run *t, struct trace_pipe *p)
{
	const struct trace_batch *b;
	size_t i, nb = 0;
	bool last, failed;
	int r = 0;

	do {
		pthread_mutex_lock(&p->mu);
		while (p->full == 0)
			pthread_cond_wait(&p->filled, &p->mu);
		pthread_mutex_unlock(&p->mu);
		b = &p->b[p->rd];
		for (i = 0; i < b->n && r == 0; i++)
			r = trace_engine(t, b->kind[i], b->va[i],
			    OP_NO_FUTURE, b->line[i]);
		/* o->stop as often as trace_read asks it without the pipe */
		if (r == 0 && (++nb & (((TRACE_STOP + 1) / TRACE_BATCH) -
		    1)) == 0 && trace_stopped(t))
			r = -1;
		last = b->last;
		failed = b->failed;
		pthread_mutex_lock(&p->mu);
		p->rd = (p->rd + 1) % TRACE_NBATCH;
		p->full--;
		if (r != 0)
			p->stop = true;	/* reported: the reader ends */
		pthread_cond_signal(&p->emptied);
		pthread_mutex_unlock(&p->mu);
	} while (!last && r == 0);
	if (r == 0 && failed) {
		if (t->shown > 0)
			trace_progress(t, true);
		trace_put(&t->o->err, "%s", t->failmsg);
		r = -1;
	}
	return (r);
}

/*
 * Read and replay, the reader in a thread of its own so that the parsing
 * of the text and the engine's work overlap on two cores (the same
 * references in the same order: nothing else changes).  Without a
 * thread, one after the other.  0, or -1 (reported).
 */
static int
trace_stream(struct trace_run *t, struct trace_in *in)
{
	struct trace_pipe *p;
	pthread_t th;
	int r;

	if ((p = (struct trace_pipe *)calloc(1, sizeof *p)) == NULL)
		return (trace_read(t, in));
	p->in = in;
	p->t = t;
	if (pthread_mutex_init(&p->mu, NULL) != 0) {
		free(p);
		return (trace_read(t, in));
	}
	if (pthread_cond_init(&p->filled, NULL) != 0 ||
	    pthread_cond_init(&p->emptied, NULL) != 0) {
		/* (a cond that did init is not destroyed: nothing holds
		 * resources there on the systems vmscope runs on) */
		pthread_mutex_destroy(&p->mu);
		free(p);
		return (trace_read(t, in));
	}
	t->pipe = p;
	if (pthread_create(&th, NULL, trace_reader, p) != 0) {
		t->pipe = NULL;
		r = trace_read(t, in);
	} else {
		r = trace_drain(t, p);
		pthread_join(th, NULL);
		t->pipe = NULL;
	}
	pthread_cond_destroy(&p->filled);
	pthread_cond_destroy(&p->emptied);
	pthread_mutex_destroy(&p->mu);
	free(p);
	return (r);
}

/* Read every line: each reference replayed, or kept (policy=opt), or
 * handed to the engine's thread.  0, or -1 (reported, or for the pipe
 * kept in failmsg). */
static int
trace_read(struct trace_run *t, struct trace_in *in)
{
	const char *s;
	size_t len;
	enum trace_bad why;
	bool toolong;
	unsigned i;
	int r;

	while ((r = trace_getline(in, &s, &len, &toolong)) > 0) {
		t->line++;
		if (t->pipe == NULL && (t->line & TRACE_STOP) == 0 &&
		    trace_stopped(t))
			return (-1);
		t->bw = NULL;
		if (toolong || len > TRACE_LINE_MAX) {
			t->nref = 0;
			why = BAD_LONG;
		} else if ((why = trace_line(t, s, len)) == BAD_NONE &&
		    t->nref > 0)
			why = trace_inside(t);
		if (why != BAD_NONE) {
			if (trace_bad(t, why) != 0)
				return (-1);
			continue;
		}
		for (i = 0; i < t->nref; i++) {
			if (t->opt ? trace_keep(t, &t->ref[i]) != 0 :
			    t->pipe != NULL ? trace_push(t, &t->ref[i]) != 0 :
			    trace_ref(t, t->ref[i].kind, t->ref[i].va,
			    OP_NO_FUTURE, t->line) != 0)
				return (-1);
		}
	}
	if (r < 0) {
		trace_fail(t, "%s: cannot read: %s", t->name,
		    strerror(in->err));
		return (-1);
	}
	return (0);
}

/* The report. */

/* policy=opt: the bytes the trace held (each reference, its kind) and
 * the engine's tables of it (its next use, its process). */
static uint64_t
trace_opt_bytes(const struct trace_run *t)
{
	return (uint64_t)t->capfut * (sizeof *t->fut + 1) +
	    engine_future_bytes(t->e);
}

/* The machine in the keys of the machine command. */
static void
trace_describe(const struct mconfig *c, char *buf, size_t size)
{
	char page[32], split[64], ways[16];
	size_t off = 0;
	unsigned i;
	int n;

	lex_size_text(page, sizeof page, c->page, false);
	split[0] = '\0';
	for (i = 0; i < c->levels && c->pt == PT_RADIX; i++) {
		n = snprintf(split + off, sizeof split - off, "%s%u",
		    i ? "," : "", c->split[i]);
		if (n < 0 || (size_t)n >= sizeof split - off)
			break;
		off += (size_t)n;
	}
	if (c->tlb_ways == 0 || c->tlb_ways == c->tlb)
		snprintf(ways, sizeof ways, "full");
	else
		snprintf(ways, sizeof ways, "%u", c->tlb_ways);
	snprintf(buf, size, "va=%u pa=%u page=%s %s%s pte=%u tlb=%u "
	    "tlb.ways=%s tlb.policy=%s frames=%" PRIu64 " policy=%s", c->va,
	    c->pa, page, c->pt == PT_RADIX ? "split=" : "pt=inverted",
	    c->pt == PT_RADIX ? split : "", c->pte, c->tlb, ways,
	    tlb_policy_name(c->tlb_policy), c->frames,
	    policy_name(c->policy));
}

static double
trace_div(uint64_t a, uint64_t b)
{
	return (b != 0 ? (double)a / (double)b : 0.0);
}

/* A name in a CSV field or a JSON string. */
static void
trace_quote(char *buf, size_t size, const char *s, bool json)
{
	size_t off = 0;
	unsigned char c;

	if (size < 3)
		return;
	buf[off++] = '"';
	for (; *s != '\0' && off + 8 < size; s++) {
		c = (unsigned char)*s;
		if (json && (c == '"' || c == '\\'))
			off += (size_t)snprintf(buf + off, size - off, "\\%c",
			    c);
		else if (json && c < 0x20)
			off += (size_t)snprintf(buf + off, size - off,
			    "\\u%04x", c);
		else if (!json && c == '"')
			off += (size_t)snprintf(buf + off, size - off, "\"\"");
		else
			buf[off++] = (char)c;
	}
	buf[off++] = '"';
	buf[off] = '\0';
}

/* The bad lines skipped, in words: "3 (lines 4, 9, 12)". */
static void
trace_badlist(const struct trace_run *t, char *buf, size_t size)
{
	size_t off, i;
	int n;

	n = snprintf(buf, size, "%" PRIu64 " (line%s", t->bad,
	    t->bad > 1 ? "s" : "");
	off = n > 0 ? (size_t)n : 0;
	for (i = 0; i < t->bad && i < TRACE_BAD_SHOWN && off < size; i++) {
		n = snprintf(buf + off, size - off, "%s %" PRIu64,
		    i ? "," : "", t->badline[i]);
		if (n < 0)
			break;
		off += (size_t)n;
	}
	if (off < size)
		snprintf(buf + off, size - off, "%s)",
		    t->bad > TRACE_BAD_SHOWN ? ", ..." : "");
}

/* The series of the working set, "12 40 51 ... 44 61" (text). */
static void
trace_series(const struct trace_ws *w, char *buf, size_t size)
{
	size_t i, off = 0;
	int n;

	buf[0] = '\0';
	for (i = 0; i < w->n && off < size; i++) {
		if (w->n > 2 * TRACE_SHOWN && i == TRACE_SHOWN) {
			n = snprintf(buf + off, size - off, " ...");
			i = w->n - TRACE_SHOWN;
			if (n > 0)
				off += (size_t)n;
			if (off >= size)
				break;
		}
		n = snprintf(buf + off, size - off, "%s%" PRIu64, i ? " " : "",
		    w->series[i]);
		if (n < 0)
			break;
		off += (size_t)n;
	}
}

static void
trace_text(const struct trace_run *t, const struct engine_stats *st)
{
	const struct trace_opts *o = t->o;
	const struct trace_sink *k = &o->out;
	const struct trace_ws *w = &t->ws;
	uint64_t probes = st->tlb_hits + st->tlb_misses, n;
	char mach[512], buf[1024];

	if (!o->stats) {
		if (t->bad > 0)
			trace_badlist(t, buf, sizeof buf);
		if (t->c->tlb == 0)
			snprintf(mach, sizeof mach, "no TLB");
		else
			snprintf(mach, sizeof mach, "TLB %.2f%% hits (misses %"
			    PRIu64 ")", 100.0 * trace_div(st->tlb_hits, probes),
			    st->tlb_misses);
		trace_put(k, "%s: %" PRIu64 " references (reads %" PRIu64 ", "
		    "writes %" PRIu64 ", fetches %" PRIu64 "), %s, page faults "
		    "%" PRIu64 ", write-backs %" PRIu64 ", %.2f cycles per "
		    "reference%s%s", t->name, t->refs, t->reads, t->writes,
		    t->fetches, mach, st->faults, st->writebacks,
		    trace_div(st->cycles, t->refs), t->bad > 0 ?
		    "; bad lines skipped: " : "", t->bad > 0 ? buf : "");
		return;
	}
	trace_describe(t->c, mach, sizeof mach);
	trace_put(k, "trace        %s (%s, %" PRIu64 " lines)", t->name,
	    trace_format_names[t->fmt], t->line);
	trace_put(k, "machine      %s", mach);
	trace_put(k, "references   %" PRIu64 ": reads %" PRIu64 ", writes %"
	    PRIu64 ", fetches %" PRIu64, t->refs, t->reads, t->writes,
	    t->fetches);
	if (t->c->tlb == 0)
		trace_put(k, "TLB          none: every reference walks");
	else
		trace_put(k, "TLB          hits %" PRIu64 ", misses %" PRIu64
		    ": %.2f%% hits", st->tlb_hits, st->tlb_misses,
		    100.0 * trace_div(st->tlb_hits, probes));
	trace_put(k, "page table   %" PRIu64 " references: %.4f per "
	    "reference", st->refs, trace_div(st->refs, t->refs));
	trace_put(k, "page faults  %" PRIu64, st->faults);
	trace_put(k, "write-backs  %" PRIu64, st->writebacks);
	if (w->n > 0) {
		trace_put(k, "working set  pages touched per %" PRIu64
		    " references, %zu interval%s: min %" PRIu64 ", mean %.2f, "
		    "max %" PRIu64, w->interval, w->n, w->n > 1 ? "s" : "",
		    w->min, trace_div(w->sum, w->n), w->max);
		trace_series(w, buf, sizeof buf);
		trace_put(k, "             %s", buf);
		if (w->tail_refs > 0)
			trace_put(k, "             last, partial interval: "
			    "references %" PRIu64 ", pages %" PRIu64,
			    w->tail_refs, w->tail_pages);
	} else
		trace_put(k, "working set  pages touched: %" PRIu64 " in %"
		    PRIu64 " references (less than one interval of %" PRIu64
		    ")", w->tail_pages, w->tail_refs, w->interval);
	trace_put(k, "cycles       %" PRIu64 ": %.2f per reference (the "
	    "effective access time)", st->cycles,
	    trace_div(st->cycles, t->refs));
	if (t->escapes > 0)
		trace_put(k, "din escapes  %" PRIu64 " records of label 3 or "
		    "4, skipped", t->escapes);
	if (t->bad > 0) {
		trace_badlist(t, buf, sizeof buf);
		trace_put(k, "bad lines    %s skipped; the first: %s", buf,
		    t->firstbad);
	}
	if (t->opt) {
		n = trace_opt_bytes(t);
		trace_put(k, "OPT future   %zu references and their next uses "
		    "held in memory for policy=opt: %" PRIu64 " bytes (%.1f "
		    "MiB)", t->nfut, n,
		    (double)n / 1048576.0);
	}
}

static void
trace_csv(const struct trace_run *t, const struct engine_stats *st)
{
	const struct trace_sink *k = &t->o->out;
	const struct trace_ws *w = &t->ws;
	char name[1100], mach[512], quoted[600];
	uint64_t first = 0, opt = 0;
	size_t i;

	trace_quote(name, sizeof name, t->name, false);
	trace_describe(t->c, mach, sizeof mach);
	trace_quote(quoted, sizeof quoted, mach, false);
	if (t->opt)
		opt = trace_opt_bytes(t);
	trace_put(k, "trace,format,machine,lines,references,reads,writes,"
	    "fetches,tlb_hits,tlb_misses,tlb_hit_rate,pt_refs,"
	    "pt_refs_per_reference,faults,writebacks,cycles,"
	    "cycles_per_reference,ws_interval,ws_intervals,ws_min,ws_mean,"
	    "ws_max,bad_lines,din_escapes,opt_bytes");
	trace_put(k, "%s,%s,%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
	    ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.6f,%" PRIu64 ",%.6f,%"
	    PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.4f,%" PRIu64 ",%zu,%" PRIu64
	    ",%.4f,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64, name,
	    trace_format_names[t->fmt], quoted, t->line, t->refs, t->reads,
	    t->writes, t->fetches, st->tlb_hits, st->tlb_misses,
	    trace_div(st->tlb_hits, st->tlb_hits + st->tlb_misses), st->refs,
	    trace_div(st->refs, t->refs), st->faults, st->writebacks,
	    st->cycles, trace_div(st->cycles, t->refs), w->interval, w->n,
	    w->min, trace_div(w->sum, w->n), w->max, t->bad, t->escapes, opt);
	if (!t->o->stats)
		return;
	trace_put(k, "%s", "");
	trace_put(k, "interval,first_reference,references,pages");
	for (i = 0; i < w->n; i++, first += w->interval)
		trace_put(k, "%zu,%" PRIu64 ",%" PRIu64 ",%" PRIu64, i + 1,
		    first, w->interval, w->series[i]);
	if (w->tail_refs > 0)
		trace_put(k, "%zu,%" PRIu64 ",%" PRIu64 ",%" PRIu64, w->n + 1,
		    first, w->tail_refs, w->tail_pages);
}

static void
trace_json(const struct trace_run *t, const struct engine_stats *st)
{
	const struct trace_sink *k = &t->o->out;
	const struct trace_ws *w = &t->ws;
	char name[1100], mach[512], quoted[600], buf[1024], msg[1200];
	size_t i, off;
	int n;

	trace_quote(name, sizeof name, t->name, true);
	trace_describe(t->c, mach, sizeof mach);
	trace_quote(quoted, sizeof quoted, mach, true);
	trace_put(k, "{");
	trace_put(k, "  \"trace\": %s,", name);
	trace_put(k, "  \"format\": \"%s\",", trace_format_names[t->fmt]);
	trace_put(k, "  \"machine\": %s,", quoted);
	trace_put(k, "  \"lines\": %" PRIu64 ",", t->line);
	trace_put(k, "  \"references\": %" PRIu64 ",", t->refs);
	trace_put(k, "  \"reads\": %" PRIu64 ",", t->reads);
	trace_put(k, "  \"writes\": %" PRIu64 ",", t->writes);
	trace_put(k, "  \"fetches\": %" PRIu64 ",", t->fetches);
	trace_put(k, "  \"tlb_hits\": %" PRIu64 ",", st->tlb_hits);
	trace_put(k, "  \"tlb_misses\": %" PRIu64 ",", st->tlb_misses);
	trace_put(k, "  \"tlb_hit_rate\": %.6f,", trace_div(st->tlb_hits,
	    st->tlb_hits + st->tlb_misses));
	trace_put(k, "  \"pt_refs\": %" PRIu64 ",", st->refs);
	trace_put(k, "  \"pt_refs_per_reference\": %.6f,",
	    trace_div(st->refs, t->refs));
	trace_put(k, "  \"faults\": %" PRIu64 ",", st->faults);
	trace_put(k, "  \"writebacks\": %" PRIu64 ",", st->writebacks);
	trace_put(k, "  \"cycles\": %" PRIu64 ",", st->cycles);
	trace_put(k, "  \"cycles_per_reference\": %.4f,",
	    trace_div(st->cycles, t->refs));
	trace_put(k, "  \"din_escapes\": %" PRIu64 ",", t->escapes);
	trace_put(k, "  \"bad_lines\": %" PRIu64 ",", t->bad);
	if (t->bad > 0) {
		buf[0] = '\0';
		for (i = 0, off = 0; i < t->bad && i < TRACE_BAD_SHOWN; i++) {
			n = snprintf(buf + off, sizeof buf - off, "%s%" PRIu64,
			    i ? ", " : "", t->badline[i]);
			if (n < 0 || (size_t)n >= sizeof buf - off)
				break;
			off += (size_t)n;
		}
		trace_quote(msg, sizeof msg, t->firstbad, true);
		trace_put(k, "  \"bad_line_numbers\": [%s],", buf);
		trace_put(k, "  \"first_bad_line\": %s,", msg);
	}
	if (t->opt)
		trace_put(k, "  \"opt_bytes\": %" PRIu64 ",",
		    trace_opt_bytes(t));
	trace_put(k, "  \"working_set\": {");
	trace_put(k, "    \"interval\": %" PRIu64 ",", w->interval);
	trace_put(k, "    \"intervals\": %zu,", w->n);
	trace_put(k, "    \"min\": %" PRIu64 ",", w->min);
	trace_put(k, "    \"mean\": %.4f,", trace_div(w->sum, w->n));
	trace_put(k, "    \"max\": %" PRIu64 ",", w->max);
	if (w->tail_refs > 0)
		trace_put(k, "    \"partial\": {\"references\": %" PRIu64
		    ", \"pages\": %" PRIu64 "}%s", w->tail_refs, w->tail_pages,
		    t->o->stats ? "," : "");
	else
		trace_put(k, "    \"partial\": null%s", t->o->stats ? "," : "");
	if (t->o->stats) {
		trace_put(k, "    \"pages\": [");
		for (i = 0; i < w->n; i += 10) {
			buf[0] = '\0';
			for (off = 0, n = 0; i + (size_t)n < w->n && n < 10;
			    n++) {
				off += (size_t)snprintf(buf + off, sizeof buf -
				    off, "%s%" PRIu64, n ? ", " : "",
				    w->series[i + (size_t)n]);
			}
			trace_put(k, "      %s%s", buf, i + 10 < w->n ? "," :
			    "");
		}
		trace_put(k, "    ]");
	}
	trace_put(k, "  }");
	trace_put(k, "}");
}

/* Replay it all on a fresh engine; st gets the figures. */
static int
trace_go(struct trace_run *t, struct trace_in *in, struct engine_stats *st)
{
	struct verr ve;
	size_t i;

	memset(&ve, 0, sizeof ve);
	if (t->opt) {
		if (trace_read(t, in) != 0)
			return (-1);
		t->e = engine_new_future(t->c, ENGINE_QUIET, t->nfut > 0 ?
		    t->fut : trace_no_future, t->nfut, &ve);
	} else
		t->e = engine_new(t->c, ENGINE_QUIET, &ve);
	if (t->e == NULL) {
		trace_put(&t->o->err, "%s: the machine: %s", t->name, ve.msg);
		return (-1);
	}
	op_init(&t->op, OP_PROCESS);
	snprintf(t->op.name, sizeof t->op.name, "trace");
	t->op.anon = true;
	if (engine_run(t->e, &t->op, &ve) != 0) {
		trace_put(&t->o->err, "%s: process trace: %s", t->name,
		    ve.msg);
		return (-1);
	}
	engine_stats(t->e, &t->base);
	op_init(&t->op, OP_READ);
	memset(&t->ve, 0, sizeof t->ve);
	if (t->opt) {
		t->replaying = true;
		for (i = 0; i < t->nfut; i++)
			if (((i & TRACE_STOP) == 0 && i > 0 &&
			    trace_stopped(t)) || trace_ref(t, t->kinds[i],
			    t->fut[i].va, (uint32_t)i, 0) != 0)
				return (-1);
	} else if (trace_stream(t, in) != 0)
		return (-1);
	if (t->ws.in > 0) {
		t->ws.tail_refs = t->ws.in;
		t->ws.tail_pages = t->ws.pages;
	}
	if (t->ws.nomem) {
		trace_put(&t->o->err, "%s: out of memory counting the working "
		    "set", t->name);
		return (-1);
	}
	engine_stats(t->e, st);
	st->accesses -= t->base.accesses;
	st->tlb_hits -= t->base.tlb_hits;
	st->tlb_misses -= t->base.tlb_misses;
	st->refs -= t->base.refs;
	st->faults -= t->base.faults;
	st->writebacks -= t->base.writebacks;
	st->exits -= t->base.exits;
	st->cycles -= t->base.cycles;
	return (0);
}

int
trace_replay(const struct mconfig *c, const struct trace_opts *o)
{
	struct trace_run *t;
	struct trace_in in;
	struct engine_stats st;
	int err, status = 2;

	if ((t = (struct trace_run *)calloc(1, sizeof *t)) == NULL) {
		trace_put(&o->err, "%s: out of memory", o->path);
		return (2);
	}
	t->o = o;
	t->c = c;
	t->name = o->name != NULL ? o->name : o->stdin_ok &&
	    strcmp(o->path, "-") == 0 ? "<stdin>" : o->path;
	t->opt = c->policy == POL_OPT;
	t->page_bits = c->page_bits;
	t->canon = c->va == 48 || c->va == 57;
	t->va_top = c->va >= 64 ? UINT64_MAX : ((uint64_t)1 << c->va) - 1;
	t->progress = o->progress;
	if (trace_ws_init(&t->ws, o->interval ? o->interval :
	    TRACE_INTERVAL) != 0) {
		trace_put(&o->err, "%s: out of memory", t->name);
		free(t);
		return (2);
	}
	if ((err = trace_open(&in, o)) != 0) {
		trace_put(&o->err, "%s: cannot open: %s", t->name,
		    strerror(err));
	} else {
		if (trace_go(t, &in, &st) == 0) {
			if (t->shown > 0)
				trace_progress(t, true);
			if (o->result != NULL)
				*o->result = st;
			if (o->out.fn != NULL && o->output == TRACE_CSV)
				trace_csv(t, &st);
			else if (o->out.fn != NULL && o->output == TRACE_JSON)
				trace_json(t, &st);
			else if (o->out.fn != NULL)
				trace_text(t, &st);
			status = 0;
		}
		trace_close(&in);
	}
	if (t->shown > 0)
		trace_progress(t, true);
	engine_free(t->e);
	free(t->fut);
	free(t->kinds);
	trace_ws_free(&t->ws);
	free(t);
	return (status);
}

/* --machine. */

int
trace_machine(const char *keys, struct mconfig *c, char *msg, size_t size)
{
	static const char *const def[] = { "va=48", "pa=40", "page=4K",
		"tlb=64", "tlb.ways=4", "frames=4096", "policy=clock", NULL };
	struct lex_line *l;
	struct lex_word key, val;
	struct lex_err e;
	unsigned cols[KEYS_MAX];
	char *all;
	size_t i, j, n, off = 0, klen = strlen(keys);
	bool given, tlb = false;
	int r = -1;

	if ((l = (struct lex_line *)malloc(sizeof *l)) == NULL ||
	    (all = (char *)malloc(klen + sizeof TRACE_MACHINE + 2)) == NULL) {
		free(l);
		snprintf(msg, size, "out of memory");
		return (-1);
	}
	memset(&e, 0, sizeof e);
	if (lex_split(l, keys, klen, &e) != 0) {
		snprintf(msg, size, "%s", e.msg);
		goto done;
	}
	for (j = 0; j < l->nwords; j++)
		if (lex_option(&l->w[j], &key, &val) &&
		    lex_eq(&key, "tlb"))
			tlb = true;
	/* The defaults whose keys are not given, then the keys given. */
	for (i = 0; def[i] != NULL; i++) {
		n = (size_t)(strchr(def[i], '=') - def[i]);
		given = tlb && strcmp(def[i], "tlb.ways=4") == 0;
		for (j = 0; j < l->nwords && !given; j++)
			given = lex_option(&l->w[j], &key, &val) &&
			    key.len == n && memcmp(key.s, def[i], n) == 0;
		if (given)
			continue;
		memcpy(all + off, def[i], strlen(def[i]));
		off += strlen(def[i]);
		all[off++] = ' ';
	}
	memcpy(all + off, keys, klen);
	off += klen;
	all[off] = '\0';
	if (lex_split(l, all, off, &e) != 0 ||
	    key_machine(l->w, l->nwords, 1, c, cols, &e) != 0) {
		snprintf(msg, size, "%s", e.msg);
		goto done;
	}
	r = 0;
done:
	free(all);
	free(l);
	return (r);
}

/* The command: trace FILE [interval=N] [skip-bad]. */

/* The words after FILE. */
static int
trace_cmd_args(const struct lex_word *w, size_t n, uint64_t *interval,
    bool *skip, struct lex_err *e)
{
	struct lex_word key, val;
	char q[LEX_QUOTE_SIZE];
	bool seen = false;
	size_t i;

	*interval = TRACE_INTERVAL;
	*skip = false;
	for (i = 0; i < n; i++) {
		lex_quote(q, sizeof q, w[i].s, w[i].len);
		if (lex_option(&w[i], &key, &val) && lex_eq(&key,
		    "interval")) {
			if (seen)
				return (lex_error(e, w[i].col, "trace: "
				    "'interval' given twice"));
			seen = true;
			if (lex_number(&val, interval, e) != 0)
				return (lex_prefix(e, "trace: interval"));
			if (*interval == 0)
				return (lex_error(e, val.col, "trace: "
				    "interval=0: an interval is at least 1 "
				    "reference"));
		} else if (lex_eq(&w[i], "skip-bad")) {
			if (*skip)
				return (lex_error(e, w[i].col, "trace: "
				    "'skip-bad' given twice"));
			*skip = true;
		} else
			return (lex_error(e, w[i].col, "trace: unexpected %s; "
			    "usage: trace FILE [interval=N] [skip-bad]", q));
	}
	return (0);
}

int
trace_cmd_parse(const struct cmd_entry *ce, const struct lex_line *l,
    struct cmd_parsed *p, struct lex_err *e)
{
	uint64_t interval;
	bool skip;

	if (cmd_keep_rest(ce, l, "FILE", p, e) != 0)
		return (-1);
	return (trace_cmd_args(l->w + 2, l->nwords - 2, &interval, &skip, e));
}

/* Where the report and the errors of the command go. */
struct trace_cmd_sink {
	struct session	*s;
	unsigned	 col;
	struct strbuf	 report;	/* with a screen: kept for it */
};

static void
trace_cmd_out(void *arg, const char *line, size_t len)
{
	struct trace_cmd_sink *k = (struct trace_cmd_sink *)arg;

	run_out(k->s, "  %.*s", (int)len, line);
	if (k->s->screen)
		sb_printf(&k->report, "%.*s\n", (int)len, line);
}

static void
trace_cmd_err(void *arg, const char *line, size_t len)
{
	struct trace_cmd_sink *k = (struct trace_cmd_sink *)arg;

	run_error(k->s, k->col, "trace: %.*s", (int)len, line);
}

int
trace_cmd_exec(struct session *s, const struct cmd_parsed *p)
{
	struct trace_cmd_sink sink;
	struct trace_opts o;
	struct lex_line *l;
	struct lex_err e;
	char file[LEX_LINE_MAX + 1], msg[LEX_LINE_MAX + 256], *path, *name;
	uint64_t interval;
	bool skip;
	int r = -1;

	if ((l = (struct lex_line *)malloc(sizeof *l)) == NULL) {
		run_error(s, p->col, "trace: out of memory");
		return (-1);
	}
	memset(&e, 0, sizeof e);
	if (lex_split(l, p->path, strlen(p->path), &e) != 0 ||
	    l->nwords < 1 || trace_cmd_args(l->w + 1, l->nwords - 1,
	    &interval, &skip, &e) != 0) {
		run_error(s, e.col > 0 ? p->namecol + e.col - 1 : p->namecol,
		    "%s", e.msg);
		free(l);
		return (-1);
	}
	snprintf(file, sizeof file, "%.*s", (int)l->w[0].len, l->w[0].s);
	free(l);
	if ((path = run_locate(s, "trace", file, &name, msg, sizeof msg)) ==
	    NULL) {
		run_error(s, p->namecol, "%s", msg);
		return (-1);
	}
	trace_opts_init(&o);
	o.path = path;
	o.name = name;
	o.stats = true;
	o.skip_bad = skip;
	o.interval = interval;
	o.progress = !s->screen && isatty(STDERR_FILENO);
	o.stop = s->stop;
	o.stop_arg = s->stop_arg;
	sink.s = s;
	sink.col = p->namecol;
	sb_init(&sink.report);
	o.out.fn = trace_cmd_out;
	o.out.arg = &sink;
	o.err.fn = trace_cmd_err;
	o.err.arg = &sink;
	if (trace_replay(engine_config(s->engine), &o) == 0) {
		r = 0;
		if (s->screen && !sink.report.failed) {
			sb_free(&s->trace_report);
			s->trace_report = sink.report;
			sb_init(&sink.report);
			s->trace_count++;
		}
	}
	sb_free(&sink.report);
	free(path);
	free(name);
	return (r);
}
