/*
 * strbuf.c - a growable string for text views of the machine.  An
 * allocation failure marks the buffer failed instead of aborting.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

void
sb_init(struct strbuf *b)
{
	memset(b, 0, sizeof *b);
}

void
sb_free(struct strbuf *b)
{
	free(b->s);
	sb_init(b);
}

static int
sb_reserve(struct strbuf *b, size_t add)
{
	size_t cap;
	char *s;

	if (b->failed)
		return -1;
	if (b->len + add + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + add + 1)
		cap *= 2;
	s = (char *)realloc(b->s, cap);
	if (s == NULL) {
		b->failed = true;
		return -1;
	}
	b->s = s;
	b->cap = cap;
	return 0;
}

void
sb_putn(struct strbuf *b, const char *s, size_t n)
{
	if (sb_reserve(b, n) != 0)
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
sb_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || sb_reserve(b, (size_t)n) != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}
