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
 * suffix (powers of 1024), and must fit in 64 bits.  Names are
 * [A-Za-z][A-Za-z0-9_.-]*, at most LEX_NAME_MAX characters.
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

/* 'word' for a message, cut short with "..." past LEX_QUOTE_MAX bytes. */
void
lex_quote(char *buf, size_t size, const char *s, size_t len)
{
	if (len > LEX_QUOTE_MAX)
		snprintf(buf, size, "'%.*s...'", LEX_QUOTE_MAX, s);
	else
		snprintf(buf, size, "'%.*s'", (int)len, s);
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
		    "line longer than %d bytes", LEX_LINE_MAX));
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '\0')
			return (lex_error(e, (unsigned)i + 1, "NUL byte"));
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return (lex_error(e, (unsigned)i + 1,
			    "control character 0x%02x", c));
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

int
lex_number(const struct lex_word *w, uint64_t *out, struct lex_err *e)
{
	char q[LEX_QUOTE_SIZE];
	const char *s = w->s;
	size_t len = w->len, i = 0;
	unsigned base = 10, shift = 0;
	uint64_t v = 0;
	int d;

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
	if (i == len)
		goto garbage;
	for (; i < len; i++) {
		if ((d = lex_digit((unsigned char)s[i], base)) < 0)
			goto garbage;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
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
	return (lex_error(e, w->col, "number too large"));
garbage:
	lex_quote(q, sizeof q, w->s, w->len);
	return (lex_error(e, w->col, "expected a number, got %s", q));
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
	char q[LEX_QUOTE_SIZE];

	lex_quote(q, sizeof q, w->s, w->len);
	if (!lex_name_chars(w->s, w->len))
		return (lex_error(e, w->col, "expected a name (a letter, then "
		    "letters, digits, '_', '.' or '-'), got %s", q));
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
	return (lex_error(e, w->hicol, "non-ASCII byte 0x%02x (only text may "
	    "use it)", (unsigned char)w->s[off]));
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
