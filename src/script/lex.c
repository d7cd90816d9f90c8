/*
 * lex.c - the words of one line of the command language.
 *
 * A line is at most LEX_LINE_MAX bytes, not counting its "\n" or "\r\n".
 * It may hold tabs but no other control character and no NUL.  Words are
 * runs of bytes between blanks (space or tab); a word that starts with '#'
 * starts a comment that runs to the end of the line.  A line whose first
 * non-blank is '>' followed by a blank (or nothing) is narrative text and
 * has no words.
 *
 * Columns are 1-based byte offsets into the line, as an editor shows them
 * for ASCII.  Words are slices of the caller's buffer, kept in a fixed
 * array: splitting a line allocates nothing.  Bytes >= 0x80 are allowed in
 * any word here; the command parser refuses them where the command takes
 * no text (lex_ascii), since only text may be UTF-8.
 *
 * Numbers are decimal, 0x hex or 0b binary, with an optional K, M or G
 * suffix (powers of 1024), and must fit in 64 bits; an error says which
 * byte is wrong and why, and points at it.  Names are
 * [A-Za-z][A-Za-z0-9_.-]*, at most LEX_NAME_MAX characters.  Words quoted
 * in messages show bytes that are not printable ASCII as \xNN.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lex.h"

static int	lex_digit(unsigned char, unsigned);
static bool	lex_name_chars(const char *, size_t);

int
lex_error(struct lex_err *e, unsigned col, const char *fmt, ...)
{
	va_list ap;

	if (e != NULL) {
		e->col = col;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof e->msg, fmt, ap);
		va_end(ap);
	}
	return (-1);
}

/* Append "%s" formatted to the message, after "prefix: ". */
int
lex_prefix(struct lex_err *e, const char *fmt, ...)
{
	char msg[sizeof e->msg];
	va_list ap;
	size_t n, m;
	int r;

	if (e == NULL)
		return (-1);
	m = strlen(e->msg);
	memcpy(msg, e->msg, m + 1);
	va_start(ap, fmt);
	r = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	n = r < 0 ? 0 : (size_t)r;
	if (n + 2 < sizeof e->msg) {
		memcpy(e->msg + n, ": ", 2);
		n += 2;
		if (m > sizeof e->msg - n - 1)
			m = sizeof e->msg - n - 1;
		memcpy(e->msg + n, msg, m);
		e->msg[n + m] = '\0';
	}
	return (-1);
}

/*
 * 'word' for a message, cut short with "..." past LEX_QUOTE_MAX bytes.
 * Bytes that are not printable ASCII are written \xNN, so that a binary
 * file or a stray escape byte cannot garble the terminal.
 */
void
lex_quote(char *buf, size_t size, const char *s, size_t len)
{
	size_t i, n = len > LEX_QUOTE_MAX ? LEX_QUOTE_MAX : len, off = 0;
	unsigned char c;
	int r;

	if (size < 3) {
		if (size > 0)
			buf[0] = '\0';
		return;
	}
	buf[off++] = '\'';
	for (i = 0; i < n && off + 5 < size; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f)
			buf[off++] = (char)c;
		else {
			r = snprintf(buf + off, size - off, "\\x%02x", c);
			if (r > 0)
				off += (size_t)r;
		}
	}
	if (n < len && off + 4 < size) {
		memcpy(buf + off, "...", 3);
		off += 3;
	}
	buf[off++] = '\'';
	buf[off] = '\0';
}

/* Edit distance of a[0..alen) and the string b, counting a swap of two
 * neighbours as one edit (Damerau); big words give a big answer. */
unsigned
lex_distance(const char *a, size_t alen, const char *b)
{
	unsigned d[3][LEX_NAME_MAX + 2], v;
	size_t blen = strlen(b), i, j;

	if (alen > LEX_NAME_MAX || blen > LEX_NAME_MAX)
		return (UINT32_MAX);
	for (j = 0; j <= blen; j++)
		d[0][j] = (unsigned)j;
	for (i = 1; i <= alen; i++) {
		unsigned *cur = d[i % 3], *prev = d[(i + 2) % 3],
		    *pprev = d[(i + 1) % 3];

		cur[0] = (unsigned)i;
		for (j = 1; j <= blen; j++) {
			v = prev[j - 1] + (a[i - 1] != b[j - 1]);
			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pprev[j - 2] + 1 < v)
				v = pprev[j - 2] + 1;
			cur[j] = v;
		}
	}
	return (d[alen % 3][blen]);
}

/* The distance of a typo: at most two edits, and fewer than half the
 * longer word ("mapp" is map, "a" is not); UINT32_MAX if further. */
unsigned
lex_near(const char *a, size_t alen, const char *b)
{
	size_t blen = strlen(b), n = alen > blen ? alen : blen;
	unsigned d = lex_distance(a, alen, b);

	return (d <= 2 && 2 * (size_t)d < n ? d : UINT32_MAX);
}

int
lex_split(struct lex_line *l, const char *s, size_t len, struct lex_err *e)
{
	struct lex_word *w;
	unsigned char c;
	size_t i, start, last;

	memset(l, 0, offsetof(struct lex_line, w));
	if (len > 0 && s[len - 1] == '\r')
		len--;
	l->s = s;
	l->len = len;
	l->end = len;
	if (len > LEX_LINE_MAX)
		return (lex_error(e, LEX_LINE_MAX + 1,
		    "line longer than %d bytes (a command is one line, with "
		    "no continuation)", LEX_LINE_MAX));
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '\0')
			return (lex_error(e, (unsigned)i + 1, "NUL byte (a "
			    "command file is plain text)"));
		if (c == '\r')
			return (lex_error(e, (unsigned)i + 1, "carriage return "
			    "(0x0d) inside a line; only a line's end may have "
			    "one"));
		if (c == 0x7f)
			return (lex_error(e, (unsigned)i + 1, "control "
			    "character 0x7f (DEL); a line holds printable "
			    "text, blanks and tabs"));
		if (c < 0x20 && c != '\t')
			return (lex_error(e, (unsigned)i + 1,
			    "control character 0x%02x (Ctrl-%c); a line holds "
			    "printable text, blanks and tabs", c,
			    (char)(c + '@')));
	}

	for (i = 0; i < len && (s[i] == ' ' || s[i] == '\t'); i++)
		;
	if (i < len && s[i] == '>' &&
	    (i + 1 == len || s[i + 1] == ' ' || s[i + 1] == '\t')) {
		last = len;
		while (last > i && (s[last - 1] == ' ' || s[last - 1] == '\t'))
			last--;
		l->narrative = true;
		l->text = s + i;
		l->textlen = last - i;
		return (0);
	}

	while (i < len) {
		if (s[i] == '#') {
			l->end = i;
			break;
		}
		w = &l->w[l->nwords++];
		w->s = s + i;
		w->col = (unsigned)i + 1;
		w->hicol = 0;
		start = i;
		for (; i < len && s[i] != ' ' && s[i] != '\t'; i++) {
			if ((unsigned char)s[i] >= 0x80 && w->hicol == 0)
				w->hicol = (unsigned)i + 1;
		}
		w->len = i - start;
		for (; i < len && (s[i] == ' ' || s[i] == '\t'); i++)
			;
	}
	return (0);
}

/* The value of digit c in base b, or -1. */
static int
lex_digit(unsigned char c, unsigned b)
{
	int d;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	else
		return (-1);
	return (d < (int)b ? d : -1);
}

/* Why the byte c cannot stand at offset i of a number of base b. */
static void
lex_number_why(char *buf, size_t size, const char *s, size_t len, size_t i,
    unsigned b)
{
	unsigned char c = (unsigned char)s[i];
	char q[LEX_QUOTE_SIZE];

	lex_quote(q, sizeof q, s + i, 1);
	buf[0] = '\0';
	if (i == 0 && b == 10 && c != '-')
		return;		/* a word, not a number gone wrong */
	if (i == 0 && c == '-')
		snprintf(buf, size, ": numbers here are never negative");
	else if (b == 10 && i == len - 1 && (c == 'k' || c == 'm' ||
	    c == 'g'))
		snprintf(buf, size, ": a size ends in K, M or G, in capitals");
	else if (b != 2 && (c == 'K' || c == 'M' || c == 'G'))
		snprintf(buf, size, ": a size suffix (K, M or G) comes once, "
		    "at the end");
	else if (b == 10 && lex_digit(c, 16) >= 0)
		snprintf(buf, size, ": %s is not a decimal digit (hex numbers "
		    "start with 0x)", q);
	else if (b == 10 && i == len - 1 && i > 0 && ((c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z')))
		snprintf(buf, size, ": %s is not a digit, and a size ends in "
		    "K, M or G", q);
	else
		snprintf(buf, size, ": %s is not a%s digit", q, b == 16 ?
		    " hex" : b == 2 ? " binary" : " decimal");
}

void
lex_size_text(char *buf, size_t size, uint64_t n, bool human)
{
	static const char *const unit[2][4] = { { "", "K", "M", "G" },
		{ " bytes", " KiB", " MiB", " GiB" } };
	unsigned u = 0;

	while (u < 3 && n != 0 && n % 1024 == 0) {
		n /= 1024;
		u++;
	}
	snprintf(buf, size, "%llu%s", (unsigned long long)n,
	    unit[human][u]);
}

int
lex_number(const struct lex_word *w, uint64_t *out, struct lex_err *e)
{
	char q[LEX_QUOTE_SIZE], why[LEX_QUOTE_SIZE + 80];
	const char *s = w->s;
	size_t len = w->len, i = 0, bad;
	unsigned base = 10, shift = 0;
	uint64_t v = 0;
	int d;

	if (len == 0)
		return (lex_error(e, w->col, "expected a number, got nothing"));
	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	} else if (len >= 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
		base = 2;
		i = 2;
	}
	if (len > i) {
		switch (s[len - 1]) {
		case 'K':
			shift = 10;
			break;
		case 'M':
			shift = 20;
			break;
		case 'G':
			shift = 30;
			break;
		}
		if (shift != 0)
			len--;
	}
	if (i == len) {
		lex_quote(q, sizeof q, w->s, w->len);
		if (base == 10)
			return (lex_error(e, w->col, "expected a number, got "
			    "%s: a size suffix needs digits before it", q));
		return (lex_error(e, w->col, "expected a number, got %s: "
		    "%s digits must follow 0%c", q, base == 16 ? "hex" :
		    "binary", s[1]));
	}
	for (; i < len; i++) {
		if ((d = lex_digit((unsigned char)s[i], base)) < 0)
			goto garbage;
		/* overflow, without a division per digit */
		if (base == 10 ? (v > UINT64_MAX / 10 ||
		    (v == UINT64_MAX / 10 && (uint64_t)d > UINT64_MAX % 10)) :
		    (v >> (64 - (base == 16 ? 4 : 1))) != 0)
			goto large;
		v = v * base + (uint64_t)d;
	}
	if (shift != 0) {
		if (v > (UINT64_MAX >> shift))
			goto large;
		v <<= shift;
	}
	*out = v;
	return (0);

large:
	/* Garbage further on is the better message: "99999...9x". */
	for (i++; i < len; i++) {
		if (lex_digit((unsigned char)s[i], base) < 0)
			goto garbage;
	}
	lex_quote(q, sizeof q, w->s, w->len);
	return (lex_error(e, w->col, "number too large: %s does not fit in "
	    "64 bits (at most 18446744073709551615 = 0xffffffffffffffff)",
	    q));
garbage:
	/* A suffix letter not at the end is garbage too: point at it. */
	bad = i;
	lex_quote(q, sizeof q, w->s, w->len);
	lex_number_why(why, sizeof why, s, w->len, bad, base);
	return (lex_error(e, w->col + (unsigned)bad, "expected a number, got "
	    "%s%s", q, why));
}

bool
lex_is_number(const struct lex_word *w)
{
	uint64_t v;

	return (lex_number(w, &v, NULL) == 0);
}

bool
lex_is_hex(const struct lex_word *w)
{
	return (w->len >= 2 && w->s[0] == '0' &&
	    (w->s[1] == 'x' || w->s[1] == 'X'));
}

/* Only the characters of a name, whatever the length. */
static bool
lex_name_chars(const char *s, size_t len)
{
	size_t i;
	char c;

	if (len == 0)
		return (false);
	if (!((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')))
		return (false);
	for (i = 1; i < len; i++) {
		c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return (false);
	}
	return (true);
}

bool
lex_is_name(const char *s, size_t len)
{
	return (len <= LEX_NAME_MAX && lex_name_chars(s, len));
}

int
lex_name(const struct lex_word *w, struct lex_err *e)
{
	char q[LEX_QUOTE_SIZE], c[LEX_QUOTE_SIZE];
	size_t i;

	lex_quote(q, sizeof q, w->s, w->len);
	if (!lex_name_chars(w->s, w->len)) {
		/* Point at the first byte that cannot be in a name. */
		for (i = 1; i < w->len && lex_name_chars(w->s, i + 1); i++)
			;
		if (w->len == 0 || i >= w->len || !lex_name_chars(w->s, 1))
			return (lex_error(e, w->col, "expected a name (a "
			    "letter, then letters, digits, '_', '.' or '-'), "
			    "got %s", q));
		lex_quote(c, sizeof c, w->s + i, 1);
		return (lex_error(e, w->col + (unsigned)i, "expected a name "
		    "(a letter, then letters, digits, '_', '.' or '-'), got "
		    "%s: %s cannot be in a name", q, c));
	}
	if (w->len > LEX_NAME_MAX)
		return (lex_error(e, w->col, "name %s is longer than %d "
		    "characters", q, LEX_NAME_MAX));
	return (0);
}

int
lex_ascii(const struct lex_word *w, struct lex_err *e)
{
	size_t off;

	if (w->hicol == 0)
		return (0);
	off = w->hicol - w->col;
	return (lex_error(e, w->hicol, "non-ASCII byte 0x%02x: only "
	    "narrative text and ask's TEXT may use it; names, numbers and "
	    "words are ASCII", (unsigned char)w->s[off]));
}

/* key=value: split at the first '='; false if the word has none. */
bool
lex_option(const struct lex_word *w, struct lex_word *key,
    struct lex_word *val)
{
	const char *eq;

	if ((eq = (const char *)memchr(w->s, '=', w->len)) == NULL)
		return (false);
	key->s = w->s;
	key->len = (size_t)(eq - w->s);
	key->col = w->col;
	key->hicol = 0;
	val->s = eq + 1;
	val->len = w->len - key->len - 1;
	val->col = w->col + (unsigned)key->len + 1;
	val->hicol = 0;
	return (true);
}

bool
lex_eq(const struct lex_word *w, const char *s)
{
	return (strlen(s) == w->len && memcmp(w->s, s, w->len) == 0);
}
